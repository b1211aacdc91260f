/**
 * The enclave's HTTP API against a real vault database (PGlite, or PostgreSQL with DATABASE_URL)
 * holding 5,000 generated legal entities and a real dev chain holding the jobs' authorization:
 * aggregates checked against a plain-JS recomputation, the minimum-group-size rule, receipts, and
 * every refusal the contract names (authorization refusals: enclave-authorization.test.ts).
 */
import { randomUUID } from "node:crypto";
import { canonicalJson } from "@pdx/common/canonical-json";
import { generateKeyPair } from "@pdx/common/ed25519";
import {
  type TAggregateJobRequest,
  type TAggregateJobResponse,
  ZAggregateJobResponse,
  ZEnclaveError,
  ZEnclaveIdentity,
} from "@pdx/common/enclave-api";
import { sha256Hex } from "@pdx/common/hash";
import { verifyReceipt } from "@pdx/common/receipt";
import { postSigned, startTestEnclave, type TTestEnclave } from "@pdx/enclave/src/testing/test-enclave";
import { generateLegalEntities, type TLegalEntity } from "@pdx/seeds/legal-entities";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  LE_DISTRICT_INDUSTRY_SCOPE,
  startAuthorizationChain,
  type TAuthorizationChain,
  type TAuthorizationClaim,
} from "../support/authorization-chain";

const SEED_COUNT = 5000;
const K = 10;

let enclave: TTestEnclave;
let rows: TLegalEntity[];
let authChain: TAuthorizationChain;
let authorization: TAuthorizationClaim;

beforeAll(async () => {
  authChain = await startAuthorizationChain();
  enclave = await startTestEnclave({ seedCount: SEED_COUNT, authorizationRegistry: authChain.readerOptions });
  authorization = await authChain.recordAuthorization({
    id: randomUUID(),
    operatorOrgId: "org-operator",
    scope: LE_DISTRICT_INDUSTRY_SCOPE,
  });
  rows = [...generateLegalEntities({ count: SEED_COUNT })];
});
afterAll(async () => {
  await enclave?.stop();
  await authChain?.stop();
});

function jobRequest(overrides: Partial<TAggregateJobRequest> = {}): TAggregateJobRequest {
  return {
    jobId: randomUUID(),
    product: "le-district-industry@1",
    datasetCode: "LE-BASE",
    groupBy: ["district", "industry"],
    measures: [
      { fn: "count", as: "enterprises" },
      { fn: "sum", field: "registered_capital", as: "registered_capital_total" },
    ],
    requester: { orgId: "org-buyer", userId: "user-buyer" },
    authorization,
    ...overrides,
  };
}

function post(body: unknown, options: Parameters<typeof postSigned>[3] = {}) {
  return postSigned(enclave.url, enclave.clientKeys, body, options);
}

/** Expected output recomputed in plain JS from the generated rows (exact cents via BigInt). */
function expectedCells(groupBy: (keyof TLegalEntity)[]) {
  const cells = new Map<string, { dims: string[]; count: number; cents: bigint }>();
  for (const r of rows) {
    const dims = groupBy.map((f) => r[f]);
    const key = JSON.stringify(dims);
    const cell = cells.get(key) ?? { dims, count: 0, cents: 0n };
    cell.count++;
    cell.cents += BigInt(r.registered_capital.replace(".", ""));
    cells.set(key, cell);
  }
  return [...cells.values()];
}

function expectError(res: { status: number; json: unknown }, status: number, code: string) {
  expect(res.status).toBe(status);
  const body = ZEnclaveError.parse(res.json);
  expect(body.error.code).toBe(code);
  return body.error.message;
}

describe("enclave API: health and identity", () => {
  it("answers /health", async () => {
    const res = await fetch(`${enclave.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("publishes its public key and the loaded dataset version", async () => {
    const res = await fetch(`${enclave.url}/v1/identity`);
    const identity = ZEnclaveIdentity.parse(await res.json());
    expect(identity.publicKey).toBe(enclave.enclaveKeys.publicKey);
    expect(identity.datasets).toEqual([{ code: "LE-BASE", version: "2026.11", rows: SEED_COUNT }]);
  });

  it("answers an unknown path with 404 in the error shape", async () => {
    const res = await fetch(`${enclave.url}/v1/rows`);
    expectError({ status: res.status, json: await res.json() }, 404, "INVALID_REQUEST");
  });
});

describe("enclave API: aggregate jobs", () => {
  let request: TAggregateJobRequest;
  let response: TAggregateJobResponse;

  beforeAll(async () => {
    request = jobRequest();
    const res = await post(request);
    expect(res.status).toBe(200);
    response = ZAggregateJobResponse.parse(res.json);
  });

  it("returns count and total registered capital per district × industry equal to a plain-JS recomputation", () => {
    const expected = expectedCells(["district", "industry"])
      .filter((c) => c.count >= K)
      .sort((a, b) => (a.dims.join("\u0000") < b.dims.join("\u0000") ? -1 : 1))
      .map((c) => ({
        district: c.dims[0],
        industry: c.dims[1],
        enterprises: c.count,
        registered_capital_total: Number(c.cents) / 100,
      }));
    expect(expected.length).toBeGreaterThan(50);
    expect(response.rows).toEqual(expected);
    expect(response.columns).toEqual([
      { key: "district", kind: "dimension" },
      { key: "industry", kind: "dimension" },
      { key: "enterprises", kind: "measure" },
      { key: "registered_capital_total", kind: "measure" },
    ]);
    expect(response.jobId).toBe(request.jobId);
  });

  it("withholds every cell under k = 10 entirely and says how many", () => {
    const all = expectedCells(["district", "industry"]);
    const small = all.filter((c) => c.count < K);
    expect(small.length).toBeGreaterThan(0);
    expect(response.suppression).toEqual({
      rule: "min-group-size",
      k: K,
      suppressedCells: small.length,
      releasedCells: all.length - small.length,
    });
    for (const row of response.rows) expect(row.enterprises as number).toBeGreaterThanOrEqual(K);
    const released = new Set(response.rows.map((r) => JSON.stringify([r.district, r.industry])));
    for (const cell of small) expect(released.has(JSON.stringify(cell.dims))).toBe(false);
  });

  it("signs a receipt that verifies with the enclave key and matches the request and output", () => {
    const { receipt } = response.signedReceipt;
    expect(verifyReceipt(response.signedReceipt, enclave.enclaveKeys.publicKey)).toBe(true);
    expect(receipt).toMatchObject({
      jobId: request.jobId,
      product: "le-district-industry@1",
      datasetCode: "LE-BASE",
      datasetVersion: "2026.11",
      fields: ["district", "industry", "registered_capital"],
      rowsRead: SEED_COUNT,
      privacyRule: "min-group-size:10",
      suppressedCells: response.suppression.suppressedCells,
    });
    expect(receipt.requestHash).toBe(sha256Hex(canonicalJson(request)));
    const outputHash = sha256Hex(
      canonicalJson({ columns: response.columns, rows: response.rows, suppression: response.suppression }),
    );
    expect(receipt.outputHash).toBe(outputHash);
    expect(Date.parse(receipt.finishedAt)).toBeGreaterThanOrEqual(Date.parse(receipt.startedAt));
  });

  it("gives a receipt that no longer verifies once anything in it is altered", () => {
    const altered = structuredClone(response.signedReceipt);
    altered.receipt.rowsRead += 1;
    expect(verifyReceipt(altered, enclave.enclaveKeys.publicKey)).toBe(false);
    expect(verifyReceipt(response.signedReceipt, generateKeyPair().publicKey)).toBe(false);
  });

  it("returns identical rows for an identical job (deterministic order)", async () => {
    const again = ZAggregateJobResponse.parse((await post(jobRequest())).json);
    expect(again.rows).toEqual(response.rows);
    expect(again.signedReceipt.receipt.outputHash).toBe(response.signedReceipt.receipt.outputHash);
  });

  it("applies a stricter minimum group size asked by the request, never a weaker one", async () => {
    const strict = ZAggregateJobResponse.parse((await post(jobRequest({ minGroupSize: 60 }))).json);
    expect(strict.suppression.k).toBe(60);
    expect(strict.signedReceipt.receipt.privacyRule).toBe("min-group-size:60");
    expect(strict.rows.every((r) => (r.enterprises as number) >= 60)).toBe(true);
    expect(strict.suppression.releasedCells).toBe(
      expectedCells(["district", "industry"]).filter((c) => c.count >= 60).length,
    );

    const weak = ZAggregateJobResponse.parse((await post(jobRequest({ minGroupSize: 2 }))).json);
    expect(weak.suppression.k).toBe(K);
    expect(weak.rows).toEqual(response.rows);
  });

  it("groups by status with a count only, reading only the status field", async () => {
    const res = ZAggregateJobResponse.parse(
      (await post(jobRequest({ groupBy: ["status"], measures: [{ fn: "count", as: "n" }] }))).json,
    );
    const expected = expectedCells(["status"])
      .filter((c) => c.count >= K)
      .sort((a, b) => (a.dims[0]! < b.dims[0]! ? -1 : 1))
      .map((c) => ({ status: c.dims[0], n: c.count }));
    expect(res.rows).toEqual(expected);
    expect(res.signedReceipt.receipt.fields).toEqual(["status"]);
  });
});

describe("enclave API: column policy", () => {
  it.each([
    ["name", /groupBy field "name".*never released/],
    ["uscc", /groupBy field "uscc".*never released/],
    ["founded_on", /groupBy field "founded_on".*never released/],
    ["registered_capital", /groupBy field "registered_capital".*only be aggregated/],
    ["shoe_size", /groupBy field "shoe_size".*no such field/],
  ])("refuses groupBy on %s with FIELD_NOT_ALLOWED naming the field and why", async (field, why) => {
    const message = expectError(
      await post(jobRequest({ groupBy: ["district", field] })),
      422,
      "FIELD_NOT_ALLOWED",
    );
    expect(message).toMatch(why);
  });

  it("refuses summing a dimension or an identifying field", async () => {
    const sumDistrict = jobRequest({ measures: [{ fn: "sum", field: "district", as: "x" }] });
    expect(expectError(await post(sumDistrict), 422, "FIELD_NOT_ALLOWED")).toMatch(
      /measures\.0 field "district".*only be a group-by dimension/,
    );
    const sumName = jobRequest({ measures: [{ fn: "sum", field: "name", as: "x" }] });
    expect(expectError(await post(sumName), 422, "FIELD_NOT_ALLOWED")).toMatch(/"name".*never released/);
  });

  it("refuses a dataset the vault does not hold with DATASET_UNKNOWN", async () => {
    const message = expectError(await post(jobRequest({ datasetCode: "POP-BASE" })), 404, "DATASET_UNKNOWN");
    expect(message).toMatch(/POP-BASE/);
  });
});

describe("enclave API: invalid requests", () => {
  it("refuses a body that is not JSON", async () => {
    const message = expectError(await post("{not json"), 400, "INVALID_REQUEST");
    expect(message).toMatch(/not valid JSON/);
  });

  it.each([
    [{ jobId: "not-a-uuid" }, /^jobId:/],
    [{ groupBy: ["District"] }, /^groupBy\.0:/],
    [{ groupBy: [] }, /^groupBy:/],
    [{ measures: [{ fn: "median", as: "m" }] }, /^measures\.0\.fn:/],
    [{ minGroupSize: 0 }, /^minGroupSize:/],
    [{ requester: { orgId: "" } }, /^requester\./],
    [{ authorization: undefined }, /^authorization:/],
    [
      { authorization: { id: "not-a-uuid", operatorOrgId: "o", scope: LE_DISTRICT_INDUSTRY_SCOPE } },
      /^authorization\.id:/,
    ],
    [
      {
        authorization: {
          id: randomUUID(),
          operatorOrgId: "o",
          scope: [{ datasetCode: "LE-BASE", fields: ["Bad"] }],
        },
      },
      /^authorization\.scope\.0\.fields\.0:/,
    ],
  ])("refuses %j with INVALID_REQUEST naming the field", async (override, path) => {
    const message = expectError(await post({ ...jobRequest(), ...override }), 400, "INVALID_REQUEST");
    expect(message).toMatch(path);
  });

  it("refuses duplicate output columns", async () => {
    const dup = jobRequest({ measures: [{ fn: "count", as: "district" }] });
    expect(expectError(await post(dup), 400, "INVALID_REQUEST")).toMatch(/measures\.0\.as/);
  });

  it("refuses a body over the size limit with 413", async () => {
    const big = { ...jobRequest(), product: "x".repeat(70 * 1024) };
    const message = expectError(await post(big), 413, "INVALID_REQUEST");
    expect(message).toMatch(/larger than the limit/);
  });
});

describe("enclave API: signed requests", () => {
  it("refuses an unsigned request with 401 HEADER_MISSING", async () => {
    const res = await fetch(`${enclave.url}/v1/jobs/aggregate`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(jobRequest()),
    });
    expectError({ status: res.status, json: await res.json() }, 401, "HEADER_MISSING");
  });

  it("refuses a key it does not trust with 401 KEY_UNKNOWN", async () => {
    const res = await post(jobRequest(), { keys: generateKeyPair() });
    expectError(res, 401, "KEY_UNKNOWN");
  });

  it("refuses a body altered after signing with 401 SIGNATURE_INVALID", async () => {
    const signed = jobRequest();
    const tampered = JSON.stringify({ ...signed, groupBy: ["district"] });
    const res = await post(signed, { sentBody: tampered });
    expectError(res, 401, "SIGNATURE_INVALID");
  });

  it("refuses a request signed for another path with 401 SIGNATURE_INVALID", async () => {
    const bodyText = JSON.stringify(jobRequest());
    const { headers } = await post(bodyText, { path: "/v1/jobs/other" });
    const res = await fetch(`${enclave.url}/v1/jobs/aggregate`, { method: "POST", headers, body: bodyText });
    expectError({ status: res.status, json: await res.json() }, 401, "SIGNATURE_INVALID");
  });

  it("refuses a stale timestamp with 401 TIMESTAMP_OUT_OF_WINDOW", async () => {
    const res = await post(jobRequest(), { now: Date.now() - 5 * 60_000 });
    expect(expectError(res, 401, "TIMESTAMP_OUT_OF_WINDOW")).toMatch(/window/);
    const future = await post(jobRequest(), { now: Date.now() + 5 * 60_000 });
    expectError(future, 401, "TIMESTAMP_OUT_OF_WINDOW");
  });

  it("refuses a replayed request with 409 NONCE_REPLAYED, also after the enclave restarts on the same vault", async () => {
    const first = await post(jobRequest());
    expect(first.status).toBe(200);
    const replay = () =>
      fetch(`${enclave.url}/v1/jobs/aggregate`, {
        method: "POST",
        headers: { ...first.headers, "content-type": "application/json" },
        body: first.bodyText,
      }).then(async (r) => ({ status: r.status, json: await r.json() }));
    expectError(await replay(), 409, "NONCE_REPLAYED");

    await enclave.restartApp();
    expectError(await replay(), 409, "NONCE_REPLAYED");
    // The restarted enclave still serves fresh requests.
    expect((await post(jobRequest())).status).toBe(200);
  });
});

describe("enclave API: logs and internal errors", () => {
  it("logs one allow-listed line per job and never a row value", async () => {
    const before = enclave.logs.length;
    const request = jobRequest();
    await post(request);
    const jobLines = enclave.logs.slice(before).filter((e) => e.event === "job");
    expect(jobLines).toHaveLength(1);
    expect(Object.keys(jobLines[0]!).sort()).toEqual(
      ["dataset", "event", "jobId", "ms", "product", "releasedCells", "rowsRead", "suppressedCells"].sort(),
    );
    expect(jobLines[0]).toMatchObject({
      jobId: request.jobId,
      dataset: "LE-BASE@2026.11",
      rowsRead: SEED_COUNT,
    });

    const text = JSON.stringify(enclave.logs);
    expect(enclave.logs.some((e) => e.event === "refused")).toBe(true);
    const leaked = rows.filter(
      (r) => text.includes(r.uscc) || text.includes(r.name) || text.includes(r.district),
    );
    expect(leaked).toEqual([]);
  });

  it("turns a failure inside the vault into 500 INTERNAL with a generic message", async () => {
    const broken = await startTestEnclave({ seedCount: 200, authorizationRegistry: authChain.readerOptions });
    try {
      // The vault's pool goes away under the running app: every query now fails inside pg.
      await broken.vault.close();
      const res = await postSigned(broken.url, broken.clientKeys, jobRequest());
      const message = expectError(res, 500, "INTERNAL");
      expect(message).toBe("the enclave could not complete the request");
      const internal = broken.logs.filter((e) => e.event === "internal_error");
      expect(internal).toHaveLength(1);
      expect(JSON.stringify(internal)).not.toMatch(/pool|select|insert/i);
    } finally {
      await broken.stopApp();
      await broken.db.drop();
    }
  });
});
