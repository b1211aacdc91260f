/**
 * Encrypted-query products end to end with real parts: a real enclave (HTTP, its vault with
 * LE-BASE loaded through the ingest pipeline, the HE worker pool), a real dev chain holding the
 * seeded "he" authorization, the marketplace database, and a buyer running the HE buyer client
 * (node-seal, as in the browser) through the server's he.* procedures. Every decrypted result
 * equals the plaintext computation over the register (exactly for BFV, within 10⁻² for CKKS);
 * what the buyer sends holds no secret key; each query writes a usage record whose v2 receipt
 * verifies; every rule refuses with a clear reason.
 */
import { createHeBuyer, type HeBuyer } from "@pdx/common/he/buyer-client";
import { heFeatureValue } from "@pdx/common/he/features";
import { bytesToBase64, type THeRequest } from "@pdx/common/he/wire";
import { verifyReceiptV2 } from "@pdx/common/receipt";
import { LE_ENTERPRISE_FEATURES } from "@pdx/products/le-enterprise-features";
import { generateLegalEntities } from "@pdx/seeds/legal-entities";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { productIdFor } from "../../server/src/domain/seed/seed-demo-data";
import { addSecondBuyer, type TCaller, type TServerTestKit } from "../../server/src/testing/server-test-kit";
import { codeOf, messageOf } from "../support/call-outcome";
import { startEnclaveMarketplace, type TEnclaveMarketplace } from "../support/enclave-marketplace";

const SCORING = productIdFor("le-private-scoring", 1);
const LOOKUP = productIdFor("le-private-lookup", 1);
const PORTFOLIO = productIdFor("le-portfolio-stats", 1);
const ENTITIES = 2000;

let world: TEnclaveMarketplace;
let kit: TServerTestKit;
let buyer: TCaller;
let otherBuyer: TCaller;
let ckks: HeBuyer;
let bfv: HeBuyer;

/** LE-BASE as the test enclave loaded it, keyed by credit code. */
const register = new Map([...generateLegalEntities({ count: ENTITIES })].map((e) => [e.uscc, e]));
const fieldOf = (uscc: string, field: string) => {
  const entity = register.get(uscc)! as unknown as Record<string, string | null>;
  return entity[field] ?? null;
};
/** The product's features of one enterprise, computed in plain. */
const featuresOf = (uscc: string) =>
  LE_ENTERPRISE_FEATURES.map((f) => heFeatureValue(f, fieldOf(uscc, f.field)));

/** Every base64 text in a request, with its path. */
function blobsOf(value: unknown, path = "request"): [string, string][] {
  if (typeof value === "string") return value.length > 200 ? [[path, value]] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => blobsOf(v, `${path}[${i}]`));
  if (value && typeof value === "object")
    return Object.entries(value).flatMap(([k, v]) => blobsOf(v, `${path}.${k}`));
  return [];
}

beforeAll(async () => {
  world = await startEnclaveMarketplace({ seedCount: ENTITIES });
  ({ kit } = world);
  buyer = await kit.callerAs("buyer@demo.pdx.cn");
  otherBuyer = await kit.callerAs(await addSecondBuyer(kit.db));
  [ckks, bfv] = await Promise.all([createHeBuyer("ckks-8192-s40"), createHeBuyer("bfv-8192-t60")]);
}, 240_000);

afterAll(async () => {
  ckks?.dispose();
  bfv?.dispose();
  await world?.stop();
});

describe("private scoring: the buyer's secret weights applied to every active enterprise", () => {
  const weights = [10, 0.5, -20];
  let directory: Awaited<ReturnType<TCaller["he"]["directory"]>>;
  let request: THeRequest;
  let ran: Awaited<ReturnType<TCaller["he"]["run"]>>;
  beforeAll(async () => {
    directory = await buyer.he.directory({ productId: SCORING });
    request = ckks.scoringRequest(weights, directory.entities.length);
    ran = await buyer.he.run({
      productId: SCORING,
      datasetVersion: directory.datasetVersion,
      directoryHash: directory.directoryHash,
      request,
    });
  }, 120_000);

  it("lists exactly the active and operating enterprises, credit codes only", () => {
    const active = [...register.values()].filter((e) => e.status === "存续" || e.status === "在业");
    expect(new Set(directory.entities)).toEqual(new Set(active.map((e) => e.uscc)));
    expect(directory.entities).toHaveLength(active.length);
    expect(directory.features.map((f) => [f.as, f.integer])).toEqual([
      ["capital_band", true],
      ["founded_year", true],
      ["status_code", true],
    ]);
  });

  it("decrypts to each enterprise's plaintext score within 10⁻²", () => {
    const scores = ckks.decodeScores(ran.response);
    expect(scores).toHaveLength(directory.entities.length);
    directory.entities.forEach((uscc, i) => {
      const expected = featuresOf(uscc).reduce((s, x, k) => s + x * weights[k]!, 0);
      expect(Math.abs(scores[i]! - expected)).toBeLessThan(1e-2);
    });
  });

  it("sent no secret key: only the weights ciphertext, a public key and Galois keys", () => {
    expect(blobsOf(request).map(([path]) => path)).toEqual([
      "request.keys.publicKey",
      "request.keys.galoisKeys",
      "request.weights",
    ]);
    const secret = bytesToBase64(ckks.exportSecretKey());
    for (const [, blob] of blobsOf(request)) expect(blob.includes(secret.slice(20, 120))).toBe(false);
    expect(JSON.stringify(request).toLowerCase()).not.toContain("secret");
  });

  it("records a usage record whose signed receipt names the mode and sizes, never the weights", async () => {
    expect(ran.query).toMatchObject({
      mode: "scoring",
      preset: "ckks-8192-s40",
      entityCount: directory.entities.length,
    });
    const { rows } = await kit.db.query<{
      receipt: Parameters<typeof verifyReceiptV2>[0];
      product_code: string;
    }>("SELECT receipt, product_code FROM usage_records WHERE id = $1", [ran.query.usageRecordId]);
    const signed = rows[0]!.receipt;
    expect(verifyReceiptV2(signed, world.enclave.enclaveKeys.publicKey)).toBe(true);
    expect(rows[0]!.product_code).toBe("le-private-scoring");
    expect(signed.receipt.computation).toMatchObject({
      kind: "he",
      mode: "scoring",
      preset: "ckks-8192-s40",
      entities: directory.entities.length,
      features: 3,
    });
    expect(JSON.stringify(signed)).not.toContain(
      request.mode === "scoring" ? request.weights.slice(0, 64) : "",
    );
    expect(await buyer.he.listMine()).toEqual(expect.arrayContaining([ran.query]));
  });

  it("keeps the query to the buyer's organization", async () => {
    expect(await codeOf(otherBuyer.he.get({ queryId: ran.query.queryId }))).toBe("NOT_FOUND");
    const operator = await kit.callerAs("operator@demo.pdx.cn");
    expect(await codeOf(operator.he.directory({ productId: SCORING }))).toBe("FORBIDDEN");
  });
});

describe("private lookup: one enterprise chosen by an encrypted one-hot selection", () => {
  it("decrypts to exactly the chosen enterprise's features", async () => {
    const directory = await buyer.he.directory({ productId: LOOKUP });
    expect(directory.entities).toHaveLength(register.size);
    const index = 137;
    const request = bfv.lookupRequest(
      directory.entities.length,
      index,
      directory.features.map((f) => f.as),
    );
    const ran = await buyer.he.run({
      productId: LOOKUP,
      datasetVersion: directory.datasetVersion,
      directoryHash: directory.directoryHash,
      request,
    });
    const values = bfv.decodeLookup(ran.response);
    const expected = featuresOf(directory.entities[index]!);
    expect(directory.features.map((f) => Number(values[f.as]))).toEqual(expected);
  }, 120_000);
});

describe("encrypted aggregates over the buyer's portfolio", () => {
  let directory: Awaited<ReturnType<TCaller["he"]["directory"]>>;
  const pick = (i: number) => i % 13 === 0;
  beforeAll(async () => {
    directory = await buyer.he.directory({ productId: PORTFOLIO });
  });
  const plain = () => {
    const chosen = directory.entities.filter((_, i) => pick(i));
    const sums = LE_ENTERPRISE_FEATURES.map((_, k) => chosen.reduce((s, u) => s + featuresOf(u)[k]!, 0));
    const squares = LE_ENTERPRISE_FEATURES.map((_, k) =>
      chosen.reduce((s, u) => s + featuresOf(u)[k]! ** 2, 0),
    );
    return { count: chosen.length, sums, squares };
  };
  const subset = () => Uint8Array.from(directory.entities, (_, i) => (pick(i) ? 1 : 0));

  it("BFV: count, sums and variances exactly as in plain", async () => {
    const fields = directory.features.map((f) => f.as);
    const request = bfv.aggregateRequest(directory.entities.length, subset(), fields, { squares: true });
    const ran = await buyer.he.run({
      productId: PORTFOLIO,
      datasetVersion: directory.datasetVersion,
      directoryHash: directory.directoryHash,
      request,
    });
    const result = bfv.decodeAggregate(ran.response);
    const expected = plain();
    expect(result.count).toBe(BigInt(expected.count));
    fields.forEach((f, k) => {
      expect(result.fields[f]!.sum).toBe(BigInt(expected.sums[k]!));
      expect(result.fields[f]!.sumOfSquares).toBe(BigInt(expected.squares[k]!));
    });
  }, 120_000);

  it("CKKS: the same statistics within 10⁻²", async () => {
    const fields = directory.features.map((f) => f.as);
    const request = ckks.aggregateRequest(directory.entities.length, subset(), fields, { squares: false });
    const ran = await buyer.he.run({
      productId: PORTFOLIO,
      datasetVersion: directory.datasetVersion,
      directoryHash: directory.directoryHash,
      request,
    });
    const result = ckks.decodeAggregate(ran.response);
    const expected = plain();
    expect(Math.abs(Number(result.count) - expected.count)).toBeLessThan(1e-2);
    fields.forEach((f, k) => {
      expect(Math.abs(Number(result.fields[f]!.sum) - expected.sums[k]!)).toBeLessThan(1e-2);
    });
  }, 120_000);
});

describe("refusals", () => {
  it("refuses a request of another mode than the product's, naming both", async () => {
    const directory = await buyer.he.directory({ productId: LOOKUP });
    const request = ckks.scoringRequest([1, 1, 1], directory.entities.length);
    const message = await messageOf(
      buyer.he.run({
        productId: LOOKUP,
        datasetVersion: directory.datasetVersion,
        directoryHash: directory.directoryHash,
        request,
      }),
    );
    expect(message).toBe("this product answers lookup queries; the request is a scoring query");
  });

  it("refuses a directory hash that is not the current one", async () => {
    const directory = await buyer.he.directory({ productId: LOOKUP });
    const request = bfv.lookupRequest(directory.entities.length, 0, ["capital_band"]);
    const code = await codeOf(
      buyer.he.run({
        productId: LOOKUP,
        datasetVersion: directory.datasetVersion,
        directoryHash: "0".repeat(64),
        request,
      }),
    );
    expect(code).toBe("BAD_REQUEST");
  });

  it("refuses a request sized for another directory", async () => {
    const directory = await buyer.he.directory({ productId: PORTFOLIO });
    const request = bfv.aggregateRequest(directory.entities.length - 1, [0], ["capital_band"]);
    const message = await messageOf(
      buyer.he.run({
        productId: PORTFOLIO,
        datasetVersion: directory.datasetVersion,
        directoryHash: directory.directoryHash,
        request,
      }),
    );
    expect(message).toMatch(/entit/);
  });

  it("refuses a product of another delivery form", async () => {
    const message = await messageOf(
      buyer.he.directory({ productId: productIdFor("le-district-industry", 1) }),
    );
    expect(message).toBe("this product is not an encrypted query");
  });
});
