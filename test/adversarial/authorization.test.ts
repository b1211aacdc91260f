/**
 * Adversarial: jobs run without a valid authorization on chain — revoked or suspended while the
 * job is querying (the logic keeps querying; the test changes the chain record once the ledger
 * shows the first query was charged), a term ending mid-job, a term that ended or has not begun,
 * another operator's authorization, a scope widened in the job's claim, an authorization that
 * was never recorded — and version confusion between mock and real data.
 */
import { randomUUID } from "node:crypto";
import type { TProductJobRequest, TProductJobStatus } from "@pdx/common/enclave-jobs";
import { vaultDatasetSpecOf } from "@pdx/common/vault-api";
import { sendSigned } from "@pdx/enclave/src/testing/test-enclave";
import { CATALOG_DATASETS } from "@pdx/seeds/catalog/index";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TAuthorizationClaim } from "../support/authorization-chain";
import {
  ATTACKER_OPERATOR,
  LE_SCOPE,
  LE_VERSION,
  leJob,
  run,
  startAdversarialWorld,
  type TAdversarialWorld,
} from "./support";

const DAY_MS = 86_400_000;
let world: TAdversarialWorld;

beforeAll(async () => {
  world = await startAdversarialWorld({ chain: true });
});
afterAll(async () => {
  await world?.stop();
});

const record = (
  overrides: { operatorOrgId?: string; validFrom?: Date; validUntil?: Date; scope?: typeof LE_SCOPE } = {},
) =>
  world.chain!.recordAuthorization({
    id: randomUUID(),
    operatorOrgId: overrides.operatorOrgId ?? ATTACKER_OPERATOR,
    scope: overrides.scope ?? LE_SCOPE,
    ...(overrides.validFrom ? { validFrom: overrides.validFrom } : {}),
    ...(overrides.validUntil ? { validUntil: overrides.validUntil } : {}),
  });

/**
 * Logic that keeps querying (each query followed by ~50 ms of CPU) until a query is refused;
 * it swallows the refusal and tries to release what it already got.
 */
const KEEP_QUERYING = `export default async (pdx) => {
  const got = [];
  for (let i = 0; i < 200; i++) {
    try {
      const r = await pdx.aggregate({ dataset: "LE-BASE", groupBy: ["district"], measures: [{ fn: "count", as: "n" }], epsilon: 0.05 });
      got.push(r.rows.length);
    } catch (e) {
      return { got, refused: String(e.message) };
    }
    let x = 0; for (let j = 0; j < 1000000; j++) x += j % 3;
  }
  return { got };
}`;

const keepQuerying = (authorization: TAuthorizationClaim) =>
  leJob(authorization, KEEP_QUERYING, {
    // The whole budget (5 = 100 queries at ε 0.05), so the chain, not the budget, stops the job.
    epsilon: { perQuery: 0.05, maxPerJob: 5 },
    limits: { queries: 200, cpuMs: 30_000, wallMs: 120_000 },
  });

/** Submits a job and waits until the ledger shows its first query was charged. */
async function submitAndWaitForFirstQuery(request: TProductJobRequest): Promise<void> {
  const submitted = await sendSigned(
    world.enclave.url,
    world.enclave.clientKeys,
    "POST",
    "/v1/product-jobs",
    request,
  );
  expect(submitted.status).toBe(202);
  const ledger = world.enclave.vault.privacyBudgetLedger();
  const deadline = Date.now() + 30_000;
  for (;;) {
    const [held] = await ledger.jobReservations(request.jobId);
    if (held && held.epsilon < request.epsilon.maxPerJob) return;
    if (Date.now() > deadline) throw new Error("the job never charged its first query");
    await new Promise((r) => setTimeout(r, 20));
  }
}

function expectBlockedMidJob(status: TProductJobStatus, why: RegExp) {
  expect(status.state).toBe("blocked");
  expect(status.blockedBy?.rule).toBe("authorization");
  expect(status.blockedBy?.message).toMatch(why);
  expect(status.output).toBeNull();
  expect(status.stats.queries).toBeGreaterThanOrEqual(2);
  expect(status.stats.queries).toBeLessThan(200);
  expect(status.signedReceipt?.receipt).toMatchObject({
    state: "blocked",
    blockedBy: { rule: "authorization" },
  });
}

describe("authorization changed while the job runs", () => {
  it("revoked mid-job: the next query is refused, the job ends blocked (rule authorization), nothing released", async () => {
    const authorization = await record();
    const request = keepQuerying(authorization);
    await submitAndWaitForFirstQuery(request);
    await world.chain!.setStatus(authorization.id, "revoked");
    const status = await run(world, request);
    expectBlockedMidJob(status, new RegExp(`authorization ${authorization.id} is revoked`));
  });

  it("suspended mid-job: the next query is refused, the job ends blocked", async () => {
    const authorization = await record();
    const request = keepQuerying(authorization);
    await submitAndWaitForFirstQuery(request);
    await world.chain!.setStatus(authorization.id, "suspended");
    const status = await run(world, request);
    expectBlockedMidJob(status, /is suspended/);
  });

  it("a term ending mid-job: the first query after validUntil is refused", async () => {
    // validUntil is inclusive, in whole seconds: the term ends within the next 2–3 seconds.
    const validUntil = new Date((Math.floor(Date.now() / 1000) + 3) * 1000);
    const authorization = await record({ validFrom: new Date(Date.now() - DAY_MS), validUntil });
    const request = keepQuerying(authorization);
    await submitAndWaitForFirstQuery(request);
    const status = await run(world, request);
    expectBlockedMidJob(status, /has expired/);
    expect(new Date(status.finishedAt!).getTime()).toBeGreaterThan(validUntil.getTime());
  });
});

describe("authorization not valid when the job starts", () => {
  const expectRefusedBeforeRunning = (status: TProductJobStatus, why: RegExp) => {
    expect(status.state).toBe("failed");
    expect(status.failure?.code).toBe("AUTHORIZATION_INACTIVE");
    expect(status.failure?.message).toMatch(why);
    expect(status.stats).toMatchObject({ queries: 0, rowsRead: 0, epsilonSpent: 0 });
    expect(status.signedReceipt?.receipt).toMatchObject({ state: "failed", rowsRead: 0 });
  };

  it("a term that ended: refused before any row is read", async () => {
    const authorization = await record({
      validFrom: new Date(Date.now() - 30 * DAY_MS),
      validUntil: new Date(Date.now() - DAY_MS),
    });
    expectRefusedBeforeRunning(await run(world, keepQuerying(authorization)), /has expired/);
  });

  it("a term that has not begun: refused before any row is read", async () => {
    const authorization = await record({
      validFrom: new Date(Date.now() + DAY_MS),
      validUntil: new Date(Date.now() + 30 * DAY_MS),
    });
    expectRefusedBeforeRunning(await run(world, keepQuerying(authorization)), /is not yet in force/);
  });

  it("another operator's authorization claimed by the attacker's job: refused", async () => {
    const theirs = await record({ operatorOrgId: "1d2e3f40-5a6b-4c7d-8e9f-0a1b2c3d4e5f" });
    const claimed = { ...theirs, operatorOrgId: ATTACKER_OPERATOR };
    expectRefusedBeforeRunning(await run(world, keepQuerying(claimed)), /belongs to another operator/);
  });

  it("a scope widened in the job's claim (identifiers added): refused, the scope hash on chain differs", async () => {
    const authorization = await record();
    const widened = {
      ...authorization,
      scope: [{ datasetCode: "LE-BASE", fields: ["uscc", "name", ...LE_SCOPE[0]!.fields] }],
    };
    const status = await run(
      world,
      leJob(widened, KEEP_QUERYING, { fields: { "LE-BASE": ["uscc", "district"] } }),
    );
    expectRefusedBeforeRunning(status, /scope hash on chain differs/);
  });

  it("an authorization id never recorded on chain: refused", async () => {
    const forged = { id: randomUUID(), operatorOrgId: ATTACKER_OPERATOR, scope: LE_SCOPE };
    expectRefusedBeforeRunning(await run(world, keepQuerying(forged)), /is not recorded on chain/);
  });
});

describe("mock and real versions", () => {
  it("a mock-mode job naming the real version still reads only the mock version; a real job after it still reads the real one", async () => {
    const mockRun = await run(
      world,
      leJob(null, KEEP_QUERYING.replace("i < 200", "i < 1"), {
        mode: "mock",
        datasetVersions: { "LE-BASE": LE_VERSION },
      }),
    );
    expect(mockRun.state).toBe("released");
    expect(mockRun.signedReceipt?.receipt).toMatchObject({
      mode: "mock",
      authorizationId: null,
      datasets: [{ code: "LE-BASE", version: "mock" }],
    });
    // A real job that names no version must get the newest REAL version, not the mock generated just now.
    const authorization = await record();
    const realRun = await run(
      world,
      leJob(authorization, KEEP_QUERYING.replace("i < 200", "i < 1"), {
        epsilon: { perQuery: 0.05, maxPerJob: 0.5 },
      }),
    );
    expect(realRun.state).toBe("released");
    expect(realRun.signedReceipt?.receipt.datasets).toEqual([{ code: "LE-BASE", version: LE_VERSION }]);
  });

  it("a data source cannot load a version labelled 'mock' (mock jobs read that label with no authorization and no budget)", async () => {
    const entry = CATALOG_DATASETS.find((e) => e.code === "POP-HOUSEHOLD")!;
    const start = {
      uploadId: randomUUID(),
      dataset: vaultDatasetSpecOf(entry),
      version: "mock",
      format: "csv",
      totalBytes: 1000,
      uploadedBy: { orgId: "source-org", userId: "source-user" },
    };
    const res = await sendSigned(world.enclave.url, world.enclave.clientKeys, "POST", "/v1/uploads", start);
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: { message: expect.stringMatching(/mock/) } });
  });
});
