/**
 * Joint aggregates through the enclave itself: three real test enclaves (test-enclave-cluster.ts),
 * each with its own vault database and its own UG-RENTAL version (three housing bureaus, loaded
 * with ensureGeneratedVersion), serving the MPC routes that createEnclaveApp mounts. The platform
 * submits a job with a signed request to the coordinator's /v1/mpc/jobs, as the server will, and
 * polls the signed status until released:
 *   - the totals the coordinator reconstructed before the output rules equal the plaintext
 *     computation over the three bureaus' raw rows exactly (the library's inspector hook), and the
 *     released, noised rows lie within 20 noise scales of them (per cell, a discrete-Laplace draw
 *     that far out has probability about e^-20);
 *   - every vault charged the buyer's ε for its own dataset; every node logged the job's end with
 *     the allow-listed fields only;
 *   - unsigned, foreign-signed and tampered platform requests are refused 401 and start nothing;
 *   - a peer message from a node not in the peer list, or in a listed node's name but signed with
 *     another key, is refused 401 and logged as mpc_refused.
 */
import { randomUUID } from "node:crypto";
import { rawMockRows } from "@pdx/common/catalog/mock-rows";
import { generateKeyPair } from "@pdx/common/ed25519";
import { ZEnclaveError } from "@pdx/common/enclave-api";
import { MPC_JOBS_PATH, MPC_MESSAGES_PATH, type TMpcJobSpecInput, ZMpcJobStatus } from "@pdx/common/mpc-api";
import { ensureGeneratedVersion } from "@pdx/enclave/src/ingest/generated-versions";
import { generateMpcKeys, sealMessage } from "@pdx/enclave/src/mpc/envelope";
import type { TJointGroupTotals } from "@pdx/enclave/src/mpc/joint-vector";
import { postSigned, sendSigned, type TTestEnclave } from "@pdx/enclave/src/testing/test-enclave";
import {
  pollMpcJob,
  startTestEnclaveCluster,
  type TTestEnclaveCluster,
} from "@pdx/enclave/src/testing/test-enclave-cluster";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  MIN_FLOOR_AREA,
  RENTAL_BOUNDS,
  RENTAL_CODE,
  RENTAL_DISTRICTS,
  RENTAL_VERSION,
  rentalEntry,
  rentalSpec,
} from "../support/mpc-rental-fixture";

const CODE = RENTAL_CODE;
const VERSION = RENTAL_VERSION;
const BUREAUS = [
  { node: "north-bureau", rows: 1000, seed: 31 },
  { node: "east-bureau", rows: 800, seed: 32 },
  { node: "west-bureau", rows: 1200, seed: 33 },
] as const;
const COORDINATOR = "north-bureau";
const BOUNDS = RENTAL_BOUNDS;
const K = 50;
const BUYER = "buyer-mpc-enclaves";

const entry = rentalEntry;
const spec = rentalSpec;
const DISTRICTS = RENTAL_DISTRICTS;

let cluster: TTestEnclaveCluster;
const totalsByJob = new Map<string, readonly TJointGroupTotals[]>();
const coordinator = (): TTestEnclave => cluster.enclave(COORDINATOR);

beforeAll(async () => {
  cluster = await startTestEnclaveCluster(
    BUREAUS.map((b) => b.node),
    {
      inspect: (node) =>
        node === COORDINATOR ? { totals: (jobId, totals) => totalsByJob.set(jobId, totals) } : undefined,
    },
  );
  for (const bureau of BUREAUS) {
    const enclave = cluster.enclave(bureau.node);
    await ensureGeneratedVersion(
      { store: enclave.vault.ingestStore(), keyStore: enclave.keyStore },
      spec,
      VERSION,
      () => rawMockRows(entry, bureau.rows, bureau.seed),
    );
  }
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
});

function jobSpec(): TMpcJobSpecInput {
  return {
    jobId: randomUUID(),
    coordinator: COORDINATOR,
    buyer: { orgId: BUYER },
    parties: BUREAUS.map((b) => ({
      node: b.node,
      dataset: CODE,
      version: VERSION,
      filters: [{ field: "floor_area", op: "gte", value: MIN_FLOOR_AREA }],
      groupField: "district",
      valueField: "monthly_rent",
      rowsPerUnit: 1,
    })),
    groups: { kind: "categories", values: DISTRICTS },
    statistics: ["count", "sum", "mean"],
    bounds: BOUNDS,
    encoding: { decimals: 0, squareDecimals: 0 },
    epsilon: 0.5,
    minGroupSize: K,
    timeoutMs: 20_000,
  };
}

/** The plaintext computation over the three bureaus' raw rows: filter, clamp, distinct tenants. */
function plaintextTotals(): Map<string, { count: number; units: number; sum: bigint }> {
  const expected = new Map<string, { count: number; units: number; sum: bigint }>();
  for (const bureau of BUREAUS) {
    const tenants = new Map<string, Set<unknown>>();
    for (const row of rawMockRows(entry, bureau.rows, bureau.seed)) {
      if (Number(row.floor_area) < MIN_FLOOR_AREA) continue;
      const district = String(row.district);
      const rent = Math.min(BOUNDS[1], Math.max(BOUNDS[0], Number(row.monthly_rent)));
      const acc = expected.get(district) ?? { count: 0, units: 0, sum: 0n };
      acc.count++;
      acc.sum += BigInt(rent);
      expected.set(district, acc);
      if (!tenants.has(district)) tenants.set(district, new Set());
      tenants.get(district)!.add(row.tenant_id);
    }
    for (const [district, set] of tenants) expected.get(district)!.units += set.size;
  }
  return expected;
}

describe("a joint aggregate across three enclaves, started by a signed platform request", () => {
  it("releases the protected joint result at the coordinator, from exactly the plaintext totals", async () => {
    const job = jobSpec();
    const submitted = await sendSigned(coordinator().url, cluster.client, "POST", MPC_JOBS_PATH, job);
    expect(submitted.status).toBe(202);
    expect(ZMpcJobStatus.parse(submitted.json)).toMatchObject({
      jobId: job.jobId,
      node: COORDINATOR,
      role: "coordinator",
    });

    const released = await pollMpcJob(coordinator(), cluster.client, job.jobId);
    expect(released.state).toBe("released");
    for (const bureau of BUREAUS.filter((b) => b.node !== COORDINATOR)) {
      const party = await pollMpcJob(cluster.enclave(bureau.node), cluster.client, job.jobId);
      expect(party).toMatchObject({ role: "party", state: "released", result: null });
      expect(party.outputSha256).toBe(released.outputSha256);
    }

    // Before noise, exactly the plaintext computation (clamping and the filter both bite).
    const expected = plaintextTotals();
    const totals = totalsByJob.get(job.jobId)!;
    expect(totals.map((t) => t.key)).toEqual(DISTRICTS.filter((d) => expected.has(d)));
    for (const t of totals) {
      const e = expected.get(t.key)!;
      expect({ count: t.count, units: t.units, sum: t.sum }).toEqual({
        count: e.count,
        units: e.units,
        sum: e.sum.toString(),
      });
    }
    const allRows = BUREAUS.flatMap((b) => [...rawMockRows(entry, b.rows, b.seed)]);
    expect(allRows.some((r) => Number(r.monthly_rent) > BOUNDS[1])).toBe(true);
    expect(allRows.some((r) => Number(r.floor_area) < MIN_FLOOR_AREA)).toBe(true);

    // After noise: each released cell passed k on true units and lies within the noise bound.
    const result = released.result!;
    expect(result).toMatchObject({ minGroupSize: K, epsilonSpent: 1, rowsPerUnit: 3 });
    const scale = (measure: string) => result.noise.find((n) => n.measure === measure)!.scale;
    expect(result.rows.length).toBeGreaterThan(0);
    for (const row of result.rows) {
      const e = expected.get(String(row.group))!;
      expect(e.units).toBeGreaterThanOrEqual(K);
      expect(Math.abs(Number(row.count) - e.count)).toBeLessThanOrEqual(20 * scale("count") + 1);
      expect(Math.abs(Number(row.sum) - Number(e.sum))).toBeLessThanOrEqual(20 * scale("sum") + 1);
      expect(Number(row.mean)).toBeGreaterThanOrEqual(BOUNDS[0]);
      expect(Number(row.mean)).toBeLessThanOrEqual(BOUNDS[1]);
    }

    for (const bureau of BUREAUS) {
      const enclave = cluster.enclave(bureau.node);
      const [budget] = await enclave.vault.privacyBudgetLedger().previewBudget(BUYER, [CODE], 0);
      expect(budget).toMatchObject({ spent: 1, reserved: 0 });
      const ended = enclave.logs.filter((e) => e.event === "mpc_job" && e.jobId === job.jobId);
      expect(ended).toEqual([
        {
          event: "mpc_job",
          jobId: job.jobId,
          role: bureau.node === COORDINATOR ? "coordinator" : "party",
          state: "released",
          step: expect.any(String),
          ms: expect.any(Number),
        },
      ]);
    }
  });

  it("refuses unsigned, foreign-signed and tampered platform requests with 401, starting nothing", async () => {
    const url = coordinator().url;
    const job = jobSpec();
    const body = JSON.stringify(job);

    const unsigned = await fetch(`${url}${MPC_JOBS_PATH}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    expect(unsigned.status).toBe(401);
    expect(ZEnclaveError.parse(await unsigned.json()).error.code).toBe("HEADER_MISSING");

    const stranger = generateKeyPair();
    const foreign = await postSigned(url, stranger, job, { path: MPC_JOBS_PATH });
    expect(foreign.status).toBe(401);
    expect(ZEnclaveError.parse(foreign.json).error.code).toBe("KEY_UNKNOWN");

    const tampered = await postSigned(url, cluster.client, job, {
      path: MPC_JOBS_PATH,
      sentBody: JSON.stringify({ ...job, minGroupSize: 1 }),
    });
    expect(tampered.status).toBe(401);
    expect(ZEnclaveError.parse(tampered.json).error.code).toBe("SIGNATURE_INVALID");

    const unsignedStatus = await fetch(`${url}${MPC_JOBS_PATH}/${job.jobId}`);
    expect(unsignedStatus.status).toBe(401);

    const status = await sendSigned(url, cluster.client, "GET", `${MPC_JOBS_PATH}/${job.jobId}`);
    expect(status.status).toBe(404);
    expect(ZEnclaveError.parse(status.json).error.code).toBe("JOB_UNKNOWN");
    for (const enclave of cluster.enclaves.values()) expect(enclave.mpc!.node.status(job.jobId)).toBeNull();
    expect(coordinator().logs).toContainEqual({
      event: "refused",
      code: "SIGNATURE_INVALID",
      status: 401,
      path: MPC_JOBS_PATH,
    });
  });

  it("refuses a peer message from a node not in the peer list, or signed with another node's key", async () => {
    const target = coordinator();
    const stranger = generateMpcKeys();
    const job = jobSpec();
    const send = async (sender: string) => {
      const frame = sealMessage({
        jobId: job.jobId,
        round: "propose",
        sender,
        recipient: COORDINATOR,
        payload: new TextEncoder().encode(JSON.stringify({ ...job, coordinator: sender })),
        signingKey: stranger.signingKey,
        recipientEncryptionKey: target.mpc!.keys.encryptionPublicKey,
      });
      const res = await fetch(`${target.url}${MPC_MESSAGES_PATH}`, {
        method: "POST",
        headers: { "content-type": "application/octet-stream" },
        body: frame as Uint8Array<ArrayBuffer>,
      });
      return { status: res.status, code: ZEnclaveError.parse(await res.json()).error.code };
    };

    expect(await send("stranger")).toEqual({ status: 401, code: "KEY_UNKNOWN" });
    expect(await send("east-bureau")).toEqual({ status: 401, code: "SIGNATURE_INVALID" });
    expect(target.mpc!.node.status(job.jobId)).toBeNull();
    expect(target.logs).toContainEqual({
      event: "mpc_refused",
      code: "KEY_UNKNOWN",
      round: "propose",
      sender: "stranger",
    });
    expect(target.logs).toContainEqual({
      event: "mpc_refused",
      code: "SIGNATURE_INVALID",
      round: "propose",
      sender: "east-bureau",
    });
  });
});
