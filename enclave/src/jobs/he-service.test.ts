/**
 * Encrypted-query products on real parts: a test enclave's vault (LE-BASE through the ingest
 * pipeline, plus a shop register with sealed fields), a real dev chain holding the authorizations,
 * the HE worker pool (worker threads, node-seal) and the buyer client in Node. Each mode runs end
 * to end for the real product manifests and equals the plaintext computation over the source rows
 * (exact for BFV, within the stated tolerance for CKKS), with a verifying receipt; every rule
 * refuses with a clear, value-free reason; the HTTP routes serve the same, signed only.
 */
import { randomUUID } from "node:crypto";
import { canonicalDigestOf } from "@pdx/common/canonical-digest";
import { canonicalJson } from "@pdx/common/canonical-json";
import {
  HE_DIRECTORIES_PATH,
  HE_JOBS_PATH,
  heDirectoryHashOf,
  heOutputHashOf,
  heRequestHashOf,
  type THeDirectory,
  type THeEnclaveJob,
  type THeQueryContext,
  ZHeDirectory,
  ZHeEnclaveJobResult,
} from "@pdx/common/enclave-he";
import { sha256Hex } from "@pdx/common/hash";
import { createHeBuyer, type HeBuyer } from "@pdx/common/he/buyer-client";
import type { THeFeature } from "@pdx/common/he/features";
import { BFV_PRESET_ID, CKKS_PRESET_ID } from "@pdx/common/he/presets";
import { bytesToBase64 } from "@pdx/common/he/wire";
import { verifyReceiptV2 } from "@pdx/common/receipt";
import { lePortfolioStatsManifest } from "@pdx/products/le-portfolio-stats/manifest";
import { lePrivateLookupManifest } from "@pdx/products/le-private-lookup/manifest";
import { lePrivateScoringManifest } from "@pdx/products/le-private-scoring/manifest";
import type { TProductManifest } from "@pdx/products/manifest";
import { CATALOG_DATASETS } from "@pdx/seeds/catalog/index";
import { generateLegalEntities } from "@pdx/seeds/legal-entities";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  startAuthorizationChain,
  type TAuthorizationChain,
  type TAuthorizationClaim,
} from "../../../test/support/authorization-chain";
import {
  createAuthorizationRegistryReader,
  type TAuthorizationRegistryReader,
} from "../authorization/authorization-registry";
import { EnclaveError } from "../errors";
import { createHeWorkerPool, type HeWorkerPool } from "../he/he-worker-pool";
import { loadSealInNode } from "../he/seal-node";
import { scoringTolerance } from "../he/test-support";
import {
  HE_SHOP_FEATURES,
  HE_SHOPS_CODE,
  heShopRows,
  heShopsEntry,
  loadHeShops,
} from "../he/vault-features-fixture";
import { postSigned, startTestEnclave, type TTestEnclave } from "../testing/test-enclave";
import { HeService } from "./he-service";

const ENTITIES = 1500;
const SHOPS = 400;
const OPERATOR = "0b6c1f2e-3d4a-4b5c-8d6e-7f8091a2b3c4";
const LE_FIELDS = ["uscc", "registered_capital", "founded_on", "status"];
const SHOP_FIELDS = ["uscc", "district", "floor_area", "capital", "opened_on", "kind"];

const register = [...generateLegalEntities({ count: ENTITIES })];
const shops = heShopRows(SHOPS);

let authChain: TAuthorizationChain;
let enclave: TTestEnclave;
let reader: TAuthorizationRegistryReader;
let pool: HeWorkerPool;
let service: HeService;
let leAuth: TAuthorizationClaim;
let shopAuth: TAuthorizationClaim;
let narrowAuth: TAuthorizationClaim;
let ckks: HeBuyer;
let bfv: HeBuyer;

const catalog = [...CATALOG_DATASETS, heShopsEntry()];
const serviceWith = (over: Partial<ConstructorParameters<typeof HeService>[0]> = {}) =>
  new HeService({
    vault: enclave.vault,
    keyStore: enclave.keyStore,
    authorizations: reader,
    catalog,
    pool,
    signer: enclave.enclaveKeys,
    ...over,
  });

beforeAll(async () => {
  authChain = await startAuthorizationChain();
  enclave = await startTestEnclave({ seedCount: ENTITIES, authorizationRegistry: authChain.readerOptions });
  await loadHeShops({ store: enclave.vault.ingestStore(), keyStore: enclave.keyStore }, shops, "2026.1");
  const record = (scope: { datasetCode: string; fields: string[] }[]) =>
    authChain.recordAuthorization({ id: randomUUID(), operatorOrgId: OPERATOR, scope });
  leAuth = await record([{ datasetCode: "LE-BASE", fields: LE_FIELDS }]);
  shopAuth = await record([{ datasetCode: HE_SHOPS_CODE, fields: SHOP_FIELDS }]);
  narrowAuth = await record([{ datasetCode: "LE-BASE", fields: ["uscc", "registered_capital", "status"] }]);
  reader = createAuthorizationRegistryReader(authChain.readerOptions);
  pool = createHeWorkerPool({ size: 1 });
  service = serviceWith();
  const seal = await loadSealInNode();
  [ckks, bfv] = await Promise.all([
    createHeBuyer(CKKS_PRESET_ID, { seal }),
    createHeBuyer(BFV_PRESET_ID, { seal }),
  ]);
}, 240_000);

afterAll(async () => {
  ckks?.dispose();
  bfv?.dispose();
  await pool?.close();
  await reader?.close();
  await enclave?.stop();
  await authChain?.stop();
});

// ── Helpers ──────────────────────────────────────────────────────────────────────────────────

function contextOf(manifest: TProductManifest, over: Partial<THeQueryContext> = {}): THeQueryContext {
  if (manifest.deliveryForm !== "encrypted_query") throw new Error(`${manifest.code} is not an HE product`);
  const { logic } = manifest;
  return {
    product: { code: manifest.code, version: manifest.version, versionHash: "ab".repeat(32) },
    datasetCode: manifest.datasetCode,
    mode: logic.mode,
    entityField: logic.entityField,
    filters: logic.filters.map((f) => ({ field: f.field, op: "in" as const, values: [...f.values] })),
    features: logic.features,
    requester: { orgId: "buyer-org-1", userId: "buyer-user-1" },
    authorization: leAuth,
    ...over,
  };
}

const SCORING = () => contextOf(lePrivateScoringManifest);
const LOOKUP = () => contextOf(lePrivateLookupManifest);
const AGGREGATE = () => contextOf(lePortfolioStatsManifest);
const SHOP_AGGREGATE = () =>
  contextOf(lePortfolioStatsManifest, {
    datasetCode: HE_SHOPS_CODE,
    features: HE_SHOP_FEATURES,
    authorization: shopAuth,
  });

function jobOf(context: THeQueryContext, directory: THeDirectory, request: unknown): THeEnclaveJob {
  return {
    ...context,
    jobId: randomUUID(),
    datasetVersion: directory.datasetVersion,
    directoryHash: directory.directoryHash,
    request,
  };
}

async function refusal(p: Promise<unknown>): Promise<EnclaveError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof EnclaveError) return err;
    throw err;
  }
  throw new Error("expected a refusal");
}

const ascending = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const CAPITAL_EDGES = [10, 100, 500, 1000, 5000];
const STATUSES = ["存续", "在业", "吊销", "注销", "迁出"];

/** LE_ENTERPRISE_FEATURES of an enterprise, computed here from its source row. */
function leFeatures(e: (typeof register)[number]): [number, number, number] {
  const capital = Number(e.registered_capital);
  return [
    CAPITAL_EDGES.filter((edge) => capital >= edge).length,
    Number(e.founded_on.slice(0, 4)),
    STATUSES.indexOf(e.status),
  ];
}
const byUscc = new Map(register.map((e) => [e.uscc, e]));

describe("canonicalDigestOf", () => {
  it("is the SHA-256 and UTF-8 length of canonicalJson, without building it", () => {
    const values: unknown[] = [
      ckks.scoringRequest([1, 2], 10),
      { b: [1, "é 鹏", null, true, { z: undefined, a: -0.5, d: new Date(0) }, undefined], a: '\u2028"x' },
      [],
      {},
      "s",
      3,
      null,
    ];
    for (const value of values) {
      const json = canonicalJson(value);
      expect(canonicalDigestOf(value)).toEqual({ sha256: sha256Hex(json), bytes: Buffer.byteLength(json) });
    }
    expect(() => canonicalDigestOf({ a: Number.NaN })).toThrow(/non-finite/);
  });
});

// ── Directories ──────────────────────────────────────────────────────────────────────────────

describe("directory", () => {
  it("lists the product's entities (rows passing its filters) in ascending order, pinned by a hash", async () => {
    const directory = await service.directory(SCORING());
    const active = register.filter((e) => e.status === "存续" || e.status === "在业");
    expect(ZHeDirectory.parse(directory)).toEqual({
      datasetVersion: "2026.11",
      entities: active.map((e) => e.uscc).sort(ascending),
      directoryHash: heDirectoryHashOf(active.map((e) => e.uscc).sort(ascending)),
    });
    // Without filters: every enterprise.
    expect((await service.directory(LOOKUP())).entities).toHaveLength(ENTITIES);
  });

  it("is read once per version, fields, filters and features (a small LRU)", async () => {
    const [a, b] = await Promise.all([service.directory(SCORING()), service.directory(SCORING())]);
    expect(b.entities).toBe(a.entities);
    // Labels do not matter; the filters do.
    const relabelled = SCORING();
    relabelled.features = relabelled.features.map((f) => ({ ...f, label: { zh: "另", en: "other" } }));
    expect((await service.directory(relabelled)).entities).toBe(a.entities);
    expect((await service.directory(LOOKUP())).entities).not.toBe(a.entities);
    // One entry: the scoring directory is read again after the lookup one pushed it out.
    const small = serviceWith({ cacheEntries: 1 });
    const first = await small.directory(SCORING());
    await small.directory(LOOKUP());
    const again = await small.directory(SCORING());
    expect(again.entities).not.toBe(first.entities);
    expect(again).toEqual(first);
  });

  it("names the path of a malformed request", async () => {
    const { entityField: _omitted, ...rest } = SCORING();
    expect(await refusal(service.directory(rest))).toMatchObject({
      code: "INVALID_REQUEST",
      safeMessage: expect.stringMatching(/^entityField: /),
    });
    expect(
      await refusal(
        service.directory({ ...SCORING(), filters: [{ field: "status", op: "eq", values: ["存续"] }] }),
      ),
    ).toMatchObject({ code: "INVALID_REQUEST", safeMessage: expect.stringMatching(/^filters\.0\.op: /) });
  });
});

// ── Each mode end to end ─────────────────────────────────────────────────────────────────────

describe("private scoring (CKKS)", () => {
  it("scores every active enterprise with the buyer's encrypted weights, within the stated tolerance", async () => {
    const context = SCORING();
    const directory = await service.directory(context);
    const n = directory.entities.length;
    const weights = [1.5, -0.002, 0.75];
    const job = jobOf(context, directory, ckks.scoringRequest(weights, n));
    const result = ZHeEnclaveJobResult.parse(await service.run(job));
    const scores = ckks.decodeScores(result.response);
    const features = Float64Array.from(directory.entities.flatMap((u) => leFeatures(byUscc.get(u)!)));
    expect(scores).toHaveLength(n);
    for (let j = 0; j < n; j++) {
      const expected = weights.reduce((s, w, k) => s + w * features[j * 3 + k]!, 0);
      expect(Math.abs(scores[j]! - expected)).toBeLessThanOrEqual(scoringTolerance(weights, features, j, 3));
    }

    const signed = result.signedReceipt;
    expect(verifyReceiptV2(signed, enclave.enclaveKeys.publicKey)).toBe(true);
    expect(signed.receipt).toMatchObject({
      jobId: job.jobId,
      product: "le-private-scoring@1",
      productVersionHash: "ab".repeat(32),
      mode: "real",
      authorizationId: leAuth.id,
      requesterOrgId: "buyer-org-1",
      state: "released",
      datasets: [{ code: "LE-BASE", version: "2026.11" }],
      fieldsTouched: ["LE-BASE.uscc", "LE-BASE.registered_capital", "LE-BASE.founded_on", "LE-BASE.status"],
      rowsRead: n,
      queries: 1,
      verifications: 0,
      epsilonSpent: 0,
      blockedBy: null,
      outputHash: heOutputHashOf(result.response),
      requestHash: heRequestHashOf(job),
      computation: {
        kind: "he",
        mode: "scoring",
        preset: CKKS_PRESET_ID,
        entities: n,
        features: 3,
        requestBytes: Buffer.byteLength(canonicalJson(job.request)),
        responseBytes: Buffer.byteLength(canonicalJson(result.response)),
      },
    });
    // The request hash binds the context and the ciphertexts.
    expect(heRequestHashOf({ ...job, requester: { ...job.requester, orgId: "other" } })).not.toBe(
      signed.receipt.requestHash,
    );
    expect(heRequestHashOf({ ...job, request: ckks.scoringRequest(weights, n) })).not.toBe(
      signed.receipt.requestHash,
    );
  });
});

describe("private lookup (BFV)", () => {
  it("returns exactly the features of the entity the buyer's encrypted selection picks", async () => {
    const context = LOOKUP();
    const directory = await service.directory(context);
    const n = directory.entities.length;
    for (const index of [0, 777, n - 1]) {
      const request = bfv.lookupRequest(n, index, ["status_code", "capital_band", "founded_year"]);
      const result = await service.run(jobOf(context, directory, request));
      const [band, year, status] = leFeatures(byUscc.get(directory.entities[index]!)!);
      expect(bfv.decodeLookup(result.response)).toEqual({
        capital_band: BigInt(band),
        founded_year: BigInt(year),
        status_code: BigInt(status),
      });
      expect(result.signedReceipt.receipt.computation).toMatchObject({
        kind: "he",
        mode: "lookup",
        preset: BFV_PRESET_ID,
        entities: n,
        features: 3,
      });
    }
  });
});

describe("portfolio statistics", () => {
  it("BFV: count, sums and sums of squares over the buyer's encrypted subset are exact", async () => {
    const context = AGGREGATE();
    const directory = await service.directory(context);
    const n = directory.entities.length;
    const subset = Array.from({ length: n }, (_, i) => i).filter((i) => i % 7 === 3 || i === n - 1);
    const request = bfv.aggregateRequest(n, subset, ["capital_band", "founded_year", "status_code"]);
    const got = bfv.decodeAggregate((await service.run(jobOf(context, directory, request))).response);
    if (got.scheme !== "bfv") throw new Error("expected a BFV result");
    expect(got.count).toBe(BigInt(subset.length));
    ["capital_band", "founded_year", "status_code"].forEach((name, k) => {
      const values = subset.map((i) => leFeatures(byUscc.get(directory.entities[i]!)!)[k]!);
      expect(got.fields[name]!.sum).toBe(BigInt(values.reduce((s, v) => s + v, 0)));
      expect(got.fields[name]!.sumOfSquares).toBe(BigInt(values.reduce((s, v) => s + v * v, 0)));
    });
  });

  it("CKKS: real-valued sums over features read from sealed and decimal fields, within the stated tolerance", async () => {
    const context = SHOP_AGGREGATE();
    const directory = await service.directory(context);
    const n = directory.entities.length;
    expect(n).toBe(SHOPS);
    const subset = Array.from({ length: n }, (_, i) => i).filter((i) => i % 3 !== 0);
    const request = ckks.aggregateRequest(n, subset, ["area", "capital_band", "opened_year"]);
    const got = ckks.decodeAggregate((await service.run(jobOf(context, directory, request))).response);
    if (got.scheme !== "ckks") throw new Error("expected a CKKS result");
    expect(got.count).toBe(subset.length);
    const shopOf = new Map(shops.map((s) => [s.uscc, s]));
    const featureOf: Record<string, (i: number) => number> = {
      area: (i) => Number(shopOf.get(directory.entities[i]!)!.floor_area),
      capital_band: (i) =>
        [100, 1000, 10_000].filter((e) => Number(shopOf.get(directory.entities[i]!)!.capital) >= e).length,
      opened_year: (i) => Number(shopOf.get(directory.entities[i]!)!.opened_on.slice(0, 4)),
    };
    for (const [name, value] of Object.entries(featureOf)) {
      const all = Array.from({ length: n }, (_, i) => value(i));
      const sum = subset.reduce((s, i) => s + value(i), 0);
      const squares = subset.reduce((s, i) => s + value(i) ** 2, 0);
      // Stated tolerance (evaluate-aggregate.test.ts): 1e-3 + 1e-8·√Σx² (Σx), 1e-3 + 1e-8·√Σx⁴ (Σx²).
      const allSquares = all.reduce((s, v) => s + v * v, 0);
      const allFourth = all.reduce((s, v) => s + v ** 4, 0);
      expect(Math.abs(got.fields[name]!.sum - sum)).toBeLessThanOrEqual(1e-3 + 1e-8 * Math.sqrt(allSquares));
      expect(Math.abs(got.fields[name]!.sumOfSquares! - squares)).toBeLessThanOrEqual(
        1e-3 + 1e-8 * Math.sqrt(allFourth),
      );
    }
  });

  it("BFV: the sealed band and year of a shop are exact in a lookup-style subset of one", async () => {
    const context = SHOP_AGGREGATE();
    const directory = await service.directory(context);
    const request = bfv.aggregateRequest(
      directory.entities.length,
      [5],
      ["capital_band", "opened_year", "kind_code"],
    );
    const got = bfv.decodeAggregate((await service.run(jobOf(context, directory, request))).response);
    if (got.scheme !== "bfv") throw new Error("expected a BFV result");
    const shop = shops.find((s) => s.uscc === directory.entities[5])!;
    expect(got.count).toBe(1n);
    expect(got.fields.capital_band!.sum).toBe(
      BigInt([100, 1000, 10_000].filter((e) => Number(shop.capital) >= e).length),
    );
    expect(got.fields.opened_year!.sum).toBe(BigInt(shop.opened_on.slice(0, 4)));
    expect(got.fields.kind_code!.sum).toBe(
      BigInt(shop.kind === null ? 3 : ["餐饮", "零售", "服务"].indexOf(shop.kind)),
    );
  });
});

// ── Refusals ─────────────────────────────────────────────────────────────────────────────────

describe("refusals", () => {
  let scoringDirectory: THeDirectory;
  let lookupDirectory: THeDirectory;
  beforeAll(async () => {
    scoringDirectory = await service.directory(SCORING());
    lookupDirectory = await service.directory(LOOKUP());
  });
  const scoringJob = (request?: unknown) =>
    jobOf(
      SCORING(),
      scoringDirectory,
      request ?? ckks.scoringRequest([1, 2, 3], scoringDirectory.entities.length),
    );

  it("a request of another mode than the product's", async () => {
    const request = bfv.lookupRequest(scoringDirectory.entities.length, 0, ["capital_band"]);
    expect(await refusal(service.run(scoringJob(request)))).toMatchObject({
      code: "INVALID_REQUEST",
      safeMessage: "request.mode: this product answers scoring queries, not lookup",
    });
  });

  it("an entity count that is not the directory's", async () => {
    const n = scoringDirectory.entities.length;
    expect(await refusal(service.run(scoringJob(ckks.scoringRequest([1, 2, 3], n + 1))))).toMatchObject({
      code: "INVALID_REQUEST",
      safeMessage: `request.entityCount: the directory holds ${n} entities, the request was built for ${n + 1}`,
    });
  });

  it("a feature count, field or scheme that does not fit the product", async () => {
    const n = scoringDirectory.entities.length;
    expect(await refusal(service.run(scoringJob(ckks.scoringRequest([1, 2], n))))).toMatchObject({
      safeMessage: "request.featureCount: the product has 3 features, the request 2 weights",
    });
    const m = lookupDirectory.entities.length;
    const unknown = bfv.lookupRequest(m, 1, ["capital_band", "registered_capital"]);
    expect(await refusal(service.run(jobOf(LOOKUP(), lookupDirectory, unknown)))).toMatchObject({
      code: "INVALID_REQUEST",
      safeMessage:
        'request.fields.1: "registered_capital" is not a feature of this product (capital_band, founded_year, status_code)',
    });
    const shopContext = SHOP_AGGREGATE();
    const shopDirectory = await service.directory(shopContext);
    const exact = bfv.aggregateRequest(shopDirectory.entities.length, [1, 2], ["capital_band", "area"]);
    expect(await refusal(service.run(jobOf(shopContext, shopDirectory, exact)))).toMatchObject({
      code: "INVALID_REQUEST",
      safeMessage: `request.fields.1: feature "area" is not an integer, so an encrypted aggregate query under ${BFV_PRESET_ID} (exact integers) cannot carry it; use the CKKS preset`,
    });
  });

  it("a directory that changed (hash), telling the caller to fetch it again", async () => {
    const job = { ...scoringJob(), directoryHash: "00".repeat(32) };
    expect(await refusal(service.run(job))).toMatchObject({
      code: "INVALID_REQUEST",
      safeMessage: expect.stringMatching(/the directory changed .*fetch it again/),
    });
  });

  it("malformed or foreign ciphertexts, naming the part", async () => {
    const request = ckks.scoringRequest([1, 2, 3], scoringDirectory.entities.length);
    const garbage = bytesToBase64(Uint8Array.from({ length: 3000 }, (_, i) => (i * 31) % 256));
    const rejected = await refusal(service.run(scoringJob({ ...request, weights: garbage })));
    expect(rejected.code).toBe("INVALID_REQUEST");
    expect(rejected.safeMessage).toMatch(
      /^request: the encrypted query was refused \(HE_OBJECT_REJECTED\): weights was refused by SEAL/,
    );
    expect(await refusal(service.run(scoringJob({ ...request, weights: "@@@@" })))).toMatchObject({
      code: "INVALID_REQUEST",
      safeMessage:
        "request: the encrypted query was refused (HE_MALFORMED_BASE64): weights is not valid base64",
    });
    // A BFV ciphertext where a CKKS one belongs.
    const foreign = bfv.lookupRequest(scoringDirectory.entities.length, 0, ["capital_band"]).selection[0]!;
    expect(await refusal(service.run(scoringJob({ ...request, weights: foreign })))).toMatchObject({
      code: "INVALID_REQUEST",
      safeMessage: expect.stringMatching(/HE_OBJECT_REJECTED|HE_WRONG_CIPHERTEXT_SHAPE/),
    });
    expect(await refusal(service.run(scoringJob({ ...request, preset: BFV_PRESET_ID })))).toMatchObject({
      safeMessage: expect.stringMatching(/^request: the encrypted query was refused \(HE_WRONG_PRESET\)/),
    });
  });

  it("a feature that breaks the per-entity rule: the number of registered capital (important)", async () => {
    const raw: THeFeature = {
      as: "capital",
      field: "registered_capital",
      transform: "number",
      label: { zh: "注册资本", en: "Registered capital" },
    };
    const context = contextOf(lePrivateScoringManifest, { features: [raw] });
    for (const call of [service.directory(context), service.run(jobOf(context, scoringDirectory, {}))]) {
      expect(await refusal(call)).toMatchObject({
        code: "FIELD_NOT_ALLOWED",
        safeMessage:
          'feature "capital" (field "registered_capital"): important data may be output per entity only coarsened (transform "band" or "category"); the query was not run',
      });
    }
  });

  it("checks the rule against the current catalog, not only the version's spec", async () => {
    const raw: THeFeature = {
      as: "area",
      field: "floor_area",
      transform: "number",
      label: { zh: "资", en: "c" },
    };
    const context = { ...SHOP_AGGREGATE(), features: [raw] };
    // General in the catalog: allowed.
    expect((await service.directory(context)).entities).toHaveLength(SHOPS);
    // Regraded important in the catalog since the version was loaded: refused.
    const regraded = serviceWith({
      catalog: [...CATALOG_DATASETS, heShopsEntry({ floorArea: "important" })],
    });
    expect(await refusal(regraded.directory(context))).toMatchObject({
      code: "FIELD_NOT_ALLOWED",
      safeMessage: expect.stringMatching(/feature "area" \(field "floor_area"\): important data/),
    });
    // Not in the catalog at all: refused.
    const uncatalogued = serviceWith({ catalog: CATALOG_DATASETS });
    expect(await refusal(uncatalogued.directory(context))).toMatchObject({
      code: "FIELD_NOT_ALLOWED",
      safeMessage: `dataset ${HE_SHOPS_CODE} has no catalog entry, so its fields' grades cannot be checked`,
    });
  });

  it("an authorization that does not cover a feature field", async () => {
    const context = contextOf(lePrivateScoringManifest, { authorization: narrowAuth });
    for (const call of [service.directory(context), service.run(jobOf(context, scoringDirectory, {}))]) {
      expect(await refusal(call)).toMatchObject({
        code: "FIELD_OUT_OF_SCOPE",
        safeMessage: `authorization ${narrowAuth.id} does not cover field "founded_on" of dataset LE-BASE; the job was not run`,
      });
    }
  });

  it("an authorization claimed with another scope than the one on chain", async () => {
    const forged = { ...leAuth, scope: [{ datasetCode: "LE-BASE", fields: [...LE_FIELDS, "name"] }] };
    expect(
      await refusal(service.directory(contextOf(lePrivateScoringManifest, { authorization: forged }))),
    ).toMatchObject({
      code: "AUTHORIZATION_INACTIVE",
    });
  });

  it("an entity field that is not a one-row-per-entity register key", async () => {
    const scope = [{ datasetCode: "LE-BASE", fields: [...LE_FIELDS, "name"] }];
    const wide = await authChain.recordAuthorization({ id: randomUUID(), operatorOrgId: OPERATOR, scope });
    const context = contextOf(lePrivateScoringManifest, { entityField: "name", authorization: wide });
    expect(await refusal(service.directory(context))).toMatchObject({
      code: "FIELD_NOT_ALLOWED",
      safeMessage: expect.stringMatching(/^entityField: "name" is not the privacy unit of LE-BASE/),
    });
  });
});

// ── HTTP ─────────────────────────────────────────────────────────────────────────────────────

describe("HTTP routes (the test enclave's app, signed requests)", () => {
  it("serve a directory and a job, and refuse with the service's reason", async () => {
    const context = SCORING();
    const dir = await postSigned(enclave.url, enclave.clientKeys, context, { path: HE_DIRECTORIES_PATH });
    expect(dir.status).toBe(200);
    const directory = ZHeDirectory.parse(dir.json);
    const weights = [0, 0, 1];
    const job = jobOf(context, directory, ckks.scoringRequest(weights, directory.entities.length));
    const ran = await postSigned(enclave.url, enclave.clientKeys, job, { path: HE_JOBS_PATH });
    expect(ran.status).toBe(200);
    const result = ZHeEnclaveJobResult.parse(ran.json);
    expect(verifyReceiptV2(result.signedReceipt, enclave.enclaveKeys.publicKey)).toBe(true);
    const scores = ckks.decodeScores(result.response);
    const features = Float64Array.from(directory.entities.flatMap((u) => leFeatures(byUscc.get(u)!)));
    directory.entities.forEach((_, j) => {
      expect(Math.abs(scores[j]! - features[j * 3 + 2]!)).toBeLessThanOrEqual(
        scoringTolerance(weights, features, j, 3),
      );
    });

    const stale = await postSigned(
      enclave.url,
      enclave.clientKeys,
      { ...job, jobId: randomUUID(), directoryHash: "11".repeat(32) },
      { path: HE_JOBS_PATH },
    );
    expect(stale.status).toBe(400);
    expect(stale.json).toMatchObject({
      error: { code: "INVALID_REQUEST", message: expect.stringMatching(/fetch it again/) },
    });
  });

  it("refuse unsigned requests and bodies over the limit", async () => {
    const unsigned = await fetch(`${enclave.url}${HE_DIRECTORIES_PATH}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(SCORING()),
    });
    expect(unsigned.status).toBe(401);
    const big = await postSigned(
      enclave.url,
      enclave.clientKeys,
      { ...SCORING(), padding: "x".repeat(1024 * 1024 + 10) },
      { path: HE_DIRECTORIES_PATH },
    );
    expect(big.status).toBe(413);
  });
});

// ── Last: a new version makes older directories stale ────────────────────────────────────────

describe("a new dataset version", () => {
  it("refuses jobs on the old directory and serves the new one", async () => {
    const context = SHOP_AGGREGATE();
    const before = await service.directory(context);
    const request = bfv.aggregateRequest(before.entities.length, [0], ["capital_band"]);
    await loadHeShops(
      { store: enclave.vault.ingestStore(), keyStore: enclave.keyStore },
      heShopRows(SHOPS, 1),
      "2026.2",
    );
    expect(await refusal(service.run(jobOf(context, before, request)))).toMatchObject({
      code: "INVALID_REQUEST",
      safeMessage: expect.stringMatching(/the directory changed .*fetch it again/),
    });
    const after = await service.directory(context);
    // Same shops, so the same entities and hash; but the version (and so the features) changed.
    expect(after).toMatchObject({ datasetVersion: "2026.2", directoryHash: before.directoryHash });
    const got = bfv.decodeAggregate((await service.run(jobOf(context, after, request))).response);
    const shop = heShopRows(SHOPS, 1).find((s) => s.uscc === after.entities[0])!;
    if (got.scheme !== "bfv") throw new Error("expected a BFV result");
    expect(got.fields.capital_band!.sum).toBe(
      BigInt([100, 1000, 10_000].filter((e) => Number(shop.capital) >= e).length),
    );
  });
});
