/**
 * Joint aggregates across three real MPC nodes ("tax", "social", "health") on 127.0.0.1, each an
 * express app with the MPC router, its own keys and an in-memory dataset; real HTTP, real ed25519
 * signatures, real X25519 + AES-GCM sealing between them.
 *   - oracle: the reconstructed totals before the output rules equal the plaintext computation over
 *     the union of the three nodes' rows, exactly (negatives, clamping, rows outside the domain);
 *   - output rules: groups below k withheld, noise of the reported scale, every node ends released
 *     with the same output hash, the result only on the coordinator;
 *   - what a node sees: other parties' shares and sum-shares look uniform and are unrelated to
 *     the data, while the data itself fails the same test; payloads open only for their recipient;
 *   - refusals: replayed, tampered, forged, unknown-sender, wrong-recipient and stale messages,
 *     and unsigned platform requests.
 */
import { randomUUID } from "node:crypto";
import { type TMpcJobSpecInput, ZMpcJobStatus } from "@pdx/common/mpc-api";
import { mulberry32 } from "@pdx/common/seeded-random";
import { createMemoryDataSource, type TMemoryDataset } from "@pdx/enclave/src/mpc/data-source";
import { generateMpcKeys, openPayload, parseFrame, sealMessage } from "@pdx/enclave/src/mpc/envelope";
import type { TMpcInspector } from "@pdx/enclave/src/mpc/joint-aggregate-job";
import type { TJointGroupTotals } from "@pdx/enclave/src/mpc/joint-vector";
import { stepsToDecimal, toSigned } from "@pdx/enclave/src/mpc/shares";
import {
  asUnitInterval,
  byteChiSquare,
  CHI2_255_LIMIT,
  correlation,
  correlationLimit,
} from "@pdx/enclave/src/mpc/testing/randomness";
import {
  fetchJobStatus,
  startTestMpcNetwork,
  submitJob,
  type TTestMpcNetwork,
  waitForJobEverywhere,
} from "@pdx/enclave/src/mpc/testing/test-nodes";
import { discreteLaplaceVariance } from "@pdx/enclave/src/privacy/dp";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const NODES = ["tax", "social", "health"] as const;
const DISTRICTS = ["north", "south", "east", "west", "centre"];
const BOUNDS: [number, number] = [-50, 500];
const BUCKETS = 1500;

const prng = mulberry32;

type TRow = Record<string, string | number | null>;

/**
 * Rows of one node: a district (sometimes outside the domain or missing), a person (repeating, so
 * units < rows), a value with 2 decimals in [−80, 600] (clamped to [−50, 500]) or null, and a
 * histogram bucket b in [0, BUCKETS) with about 20 rows each and 12 buckets kept tiny.
 */
function rowsOf(seed: number, count: number): TRow[] {
  const random = prng(seed);
  const rows: TRow[] = [];
  for (let i = 0; i < count; i++) {
    const r = random();
    const district =
      r < 0.02 ? "elsewhere" : r < 0.04 ? null : DISTRICTS[Math.floor(random() * DISTRICTS.length)]!;
    const value = random() < 0.05 ? null : Math.round((random() * 680 - 80) * 100) / 100;
    let bucket = Math.floor(random() * BUCKETS);
    if (bucket < 12 && random() < 0.95) bucket += 12;
    rows.push({ district, person: `p${seed}-${Math.floor(random() * count * 0.7)}`, value, bucket });
  }
  return rows;
}

const ROWS: Record<string, TRow[]> = {
  tax: rowsOf(1, 30_000),
  social: rowsOf(2, 25_000),
  health: rowsOf(3, 35_000),
};
const DATASET: Record<string, string> = { tax: "TAX-X", social: "SS-X", health: "HC-X" };

function datasetOf(node: string): Record<string, TMemoryDataset> {
  return { [`${DATASET[node]}@1`]: { minGroupSize: 10, unitField: "person", rows: ROWS[node]! } };
}

/** Rows per person each node keeps in the oracle test (some persons have more). */
const ROWS_PER_PERSON = 3;

/**
 * The plaintext oracle: per district, rows (at most ROWS_PER_PERSON per person, the first ones in
 * row order, counted before the domain applies), distinct persons summed over nodes, Σ clamp(x),
 * Σ clamp(x)².
 */
function plaintextTotals(): Map<string, { count: number; units: number; cents: bigint; squares: bigint }> {
  const out = new Map<string, { count: number; units: number; cents: bigint; squares: bigint }>();
  for (const node of NODES) {
    const persons = new Map<string, Set<unknown>>();
    const kept = new Map<unknown, number>();
    for (const row of ROWS[node]!) {
      const rowsOfPerson = kept.get(row.person) ?? 0;
      if (rowsOfPerson >= ROWS_PER_PERSON) continue;
      kept.set(row.person, rowsOfPerson + 1);
      const district = row.district as string | null;
      if (district === null || !DISTRICTS.includes(district)) continue;
      const acc = out.get(district) ?? { count: 0, units: 0, cents: 0n, squares: 0n };
      acc.count++;
      if (!persons.has(district)) persons.set(district, new Set());
      persons.get(district)!.add(row.person);
      if (typeof row.value === "number") {
        const cents = BigInt(Math.round(Math.min(BOUNDS[1], Math.max(BOUNDS[0], row.value)) * 100));
        acc.cents += cents;
        acc.squares += (cents * cents + 50n) / 100n; // x² at 10^-2, half away from zero (x² ≥ 0)
      }
      out.set(district, acc);
    }
    for (const [district, set] of persons) out.get(district)!.units += set.size;
  }
  return out;
}

function jobSpec(overrides: Partial<TMpcJobSpecInput> = {}): TMpcJobSpecInput {
  return {
    jobId: randomUUID(),
    coordinator: "tax",
    buyer: { orgId: "buyer-1" },
    parties: NODES.map((node) => ({
      node,
      dataset: DATASET[node]!,
      version: "1",
      groupField: "district",
      valueField: "value",
      rowsPerUnit: 1,
    })),
    groups: { kind: "categories", values: DISTRICTS },
    statistics: ["count", "sum", "mean", "variance"],
    bounds: BOUNDS,
    encoding: { decimals: 2, squareDecimals: 2 },
    epsilon: 1,
    minGroupSize: 10,
    timeoutMs: 20_000,
    ...overrides,
  };
}

interface TSeen {
  local: Map<string, BigUint64Array>;
  shares: Map<string, BigUint64Array>;
  sumShares: Map<string, BigUint64Array>;
  totals: Map<string, readonly TJointGroupTotals[]>;
}

let network: TTestMpcNetwork;
/** Per node, per job: what the test hooks saw. */
const seen = new Map<string, TSeen>();
/** Frames each node received, as sent on the wire. */
const frames = new Map<string, Buffer[]>(NODES.map((n) => [n, []]));
const charges: { node: string; dataset: string; epsilon: number }[] = [];

function seenAt(node: string, jobId: string): TSeen {
  const key = `${node}:${jobId}`;
  let s = seen.get(key);
  if (!s) {
    s = { local: new Map(), shares: new Map(), sumShares: new Map(), totals: new Map() };
    seen.set(key, s);
  }
  return s;
}

function inspector(node: string): TMpcInspector {
  return {
    localVector: (jobId, v) => seenAt(node, jobId).local.set(node, v),
    shareReceived: (jobId, from, v) => seenAt(node, jobId).shares.set(from, v.slice()),
    sumShareReceived: (jobId, from, v) => seenAt(node, jobId).sumShares.set(from, v.slice()),
    totals: (jobId, t) => seenAt(node, jobId).totals.set(node, t),
  };
}

beforeAll(async () => {
  network = await startTestMpcNetwork(NODES, {
    dataSource: (node) =>
      createMemoryDataSource({
        datasets: datasetOf(node),
        charge: async (c) => {
          charges.push({ node, dataset: c.dataset, epsilon: c.epsilon });
        },
      }),
    inspect: inspector,
    middleware: (node) => {
      const tap = express.Router();
      tap.post("/v1/mpc/messages", express.raw({ type: () => true, limit: "64mb" }), (req, _res, next) => {
        frames.get(node)!.push(Buffer.from(req.body as Buffer));
        next();
      });
      return tap;
    },
  });
});

afterAll(async () => {
  await network?.stop();
});

async function runJob(spec: TMpcJobSpecInput) {
  const submitted = await submitJob(network, "tax", spec);
  expect(submitted.status).toBe(202);
  const statuses = await waitForJobEverywhere(network, spec.jobId);
  return { submitted: ZMpcJobStatus.parse(submitted.json), statuses };
}

describe("a joint aggregate over three nodes", () => {
  it("reconstructs exactly the plaintext totals before the output rules, and releases on every node", async () => {
    const base = jobSpec();
    const spec = { ...base, parties: base.parties.map((p) => ({ ...p, rowsPerUnit: ROWS_PER_PERSON })) };
    const { submitted, statuses } = await runJob(spec);
    expect(submitted).toMatchObject({ node: "tax", role: "coordinator", state: "running" });

    const totals = seenAt("tax", spec.jobId).totals.get("tax")!;
    const oracle = plaintextTotals();
    expect(totals.map((t) => t.key)).toEqual(DISTRICTS);
    for (const t of totals) {
      const o = oracle.get(t.key)!;
      expect({ count: t.count, units: t.units, sum: t.sum, sumOfSquares: t.sumOfSquares }).toEqual({
        count: o.count,
        units: o.units,
        sum: stepsToDecimal(o.cents, 2),
        sumOfSquares: stepsToDecimal(o.squares, 2),
      });
    }
    // The oracle really exercises negatives, clamping, units below rows and the unit bound.
    const rowsOf = new Map<unknown, number>();
    for (const r of ROWS.tax!) rowsOf.set(r.person, (rowsOf.get(r.person) ?? 0) + 1);
    expect(Math.max(...rowsOf.values())).toBeGreaterThan(ROWS_PER_PERSON);
    expect([...oracle.values()].every((o) => o.units < o.count)).toBe(true);
    expect(ROWS.tax!.some((r) => typeof r.value === "number" && (r.value < -50 || r.value > 500))).toBe(true);

    const hashes = new Set<string | null>();
    for (const node of NODES) {
      const status = statuses.get(node)!;
      expect(status).toMatchObject({
        state: "released",
        failure: null,
        role: node === "tax" ? "coordinator" : "party",
      });
      hashes.add(status.outputSha256);
      if (node !== "tax") expect(status.result).toBeNull();
    }
    expect(hashes.size).toBe(1);
    expect([...hashes][0]).toMatch(/^[0-9a-f]{64}$/);

    const released = await fetchJobStatus(network, "tax", spec.jobId);
    expect(released.result!.columns.map((c) => c.key)).toEqual(["group", "count", "sum", "mean", "variance"]);
    expect(released.result!.rowsPerUnit).toBe(3 * ROWS_PER_PERSON);
    expect(released.result!.epsilonSpent).toBe(3);
    const countScale = released.result!.noise.find((n) => n.measure === "count")!.scale;
    expect(countScale).toBeCloseTo(3 * ROWS_PER_PERSON, 4);
    for (const row of released.result!.rows) {
      const o = oracle.get(String(row.group))!;
      // Discrete-Laplace noise exceeds 25 scales with probability below e^-25.
      expect(Math.abs(Number(row.count) - o.count)).toBeLessThan(25 * countScale);
      expect(Number(row.mean)).toBeGreaterThanOrEqual(BOUNDS[0]);
      expect(Number(row.mean)).toBeLessThanOrEqual(BOUNDS[1]);
    }
    // Every party charged its own budget once for its own dataset, before sharing.
    const mine = charges.filter((c) => c.epsilon === 3);
    expect(new Set(mine.map((c) => c.node))).toEqual(new Set(NODES));
  });

  it("withholds groups below k and adds noise of the reported scale", async () => {
    const spec = jobSpec({
      parties: NODES.map((node) => ({
        node,
        dataset: DATASET[node]!,
        version: "1",
        groupField: "bucket",
        valueField: "value",
        rowsPerUnit: 1,
      })),
      groups: { kind: "histogram", start: 0, width: 1, buckets: BUCKETS },
      statistics: ["count", "sum"],
      minGroupSize: 20,
    });
    await runJob(spec);
    const truth = new Map(
      seenAt("tax", spec.jobId)
        .totals.get("tax")!
        .map((t) => [t.key, t]),
    );
    const { result } = await fetchJobStatus(network, "tax", spec.jobId);
    const scale = result!.noise.find((n) => n.measure === "count")!.scale;
    expect(scale).toBeCloseTo(3, 4); // 1 / (ε 1 / ΣL 3), ε used in whole millionths

    const small = [...truth.values()].filter((t) => t.units < 20);
    expect(small.length).toBeGreaterThan(5);
    const releasedKeys = new Set(result!.rows.map((r) => String(r.group)));
    for (const t of small) expect(releasedKeys.has(t.key)).toBe(false);
    expect(releasedKeys.size).toBeGreaterThan(BUCKETS * 0.9);

    const noises = result!.rows.map((r) => Number(r.count) - truth.get(String(r.group))!.count);
    const variance = noises.reduce((s, n) => s + n * n, 0) / noises.length;
    const expected = discreteLaplaceVariance(scale);
    // ~1480 released cells: the variance estimate's relative standard error is ~6%.
    expect(variance).toBeGreaterThan(expected * 0.65);
    expect(variance).toBeLessThan(expected * 1.35);
    expect(noises.some((n) => n !== 0)).toBe(true);
  });
});

describe("what each node sees", () => {
  it("sees only uniform-looking shares and sum-shares, unrelated to any party's data", async () => {
    const spec = jobSpec({
      parties: NODES.map((node) => ({
        node,
        dataset: DATASET[node]!,
        version: "1",
        groupField: "bucket",
        valueField: "value",
        rowsPerUnit: 1,
      })),
      groups: { kind: "histogram", start: 0, width: 1, buckets: BUCKETS },
      statistics: ["count", "sum", "variance"],
    });
    await runJob(spec);
    const local = (node: string) => seenAt(node, spec.jobId).local.get(node)!;
    const atSocial = seenAt("social", spec.jobId);
    const atTax = seenAt("tax", spec.jobId);
    const n = local("tax").length;

    // The data itself is far from uniform: the test can fail.
    for (const node of NODES) expect(byteChiSquare(local(node))).toBeGreaterThan(10 * CHI2_255_LIMIT);

    const viewed: [string, BigUint64Array][] = [
      ["share from tax at social", atSocial.shares.get("tax")!],
      ["share from health at social", atSocial.shares.get("health")!],
      ["sum-share of social at tax", atTax.sumShares.get("social")!],
      ["sum-share of health at tax", atTax.sumShares.get("health")!],
    ];
    for (const [what, vector] of viewed) {
      expect(vector, what).toHaveLength(n);
      expect(byteChiSquare(vector), what).toBeLessThan(CHI2_255_LIMIT);
      for (const node of NODES) {
        const data = [...local(node)].map((x) => Number(toSigned(x)));
        expect(Math.abs(correlation(asUnitInterval(vector), data)), `${what} vs ${node}'s data`).toBeLessThan(
          correlationLimit(n),
        );
      }
    }
  });

  it("sends every payload sealed to its recipient: no other node can open it", async () => {
    const toSocial = frames.get("social")!.map((f) => parseFrame(f));
    const share = toSocial.find((f) => f.header.round === "share" && f.header.sender === "tax")!;
    expect(share).toBeDefined();
    expect(openPayload(share, network.node("social").keys.encryptionKey)).toHaveLength(32);
    expect(() => openPayload(share, network.node("health").keys.encryptionKey)).toThrow(/does not decrypt/);
    const sum = frames
      .get("tax")!
      .map((f) => parseFrame(f))
      .find((f) => f.header.round === "sum")!;
    expect(() => openPayload(sum, network.node("social").keys.encryptionKey)).toThrow(/does not decrypt/);
  });
});

describe("refused messages", () => {
  const post = (node: string, body: Uint8Array) =>
    fetch(`${network.node(node).url}/v1/mpc/messages`, {
      method: "POST",
      body: body as Uint8Array<ArrayBuffer>,
    }).then(async (r) => ({
      status: r.status,
      json: (await r.json()) as { error?: { code: string; message: string } },
    }));
  const captured = () => frames.get("social")!.find((f) => parseFrame(f).header.round === "share")!;

  it("refuses a replayed message", async () => {
    const replay = await post("social", captured());
    expect(replay.status).toBe(409);
    expect(replay.json.error?.code).toBe("NONCE_REPLAYED");
  });

  it("refuses a tampered payload and a tampered header", async () => {
    const bytes = Buffer.from(captured());
    bytes[bytes.length - 1]! ^= 0x01;
    expect((await post("social", bytes)).json.error?.code).toBe("SIGNATURE_INVALID");

    const frame = Buffer.from(captured());
    const headerLength = frame.readUInt32BE(0);
    const header = frame
      .subarray(4, 4 + headerLength)
      .toString("utf8")
      .replace('"round":"share"', '"round":"abort"');
    const edited = Buffer.concat([
      frame.subarray(0, 4),
      Buffer.from(header),
      frame.subarray(4 + headerLength),
    ]);
    const refused = await post("social", edited);
    expect(refused.status).toBe(401);
    expect(refused.json.error?.code).toBe("SIGNATURE_INVALID");
  });

  it("refuses forged, unknown-sender, misaddressed and stale messages", async () => {
    const jobId = randomUUID();
    const base = {
      jobId,
      round: "share" as const,
      recipient: "social",
      payload: new Uint8Array(32),
      recipientEncryptionKey: network.node("social").keys.encryptionPublicKey,
    };
    const forged = sealMessage({
      ...base,
      sender: "tax",
      signingKey: network.node("health").keys.signingKey,
    });
    expect(await post("social", forged)).toMatchObject({
      status: 401,
      json: { error: { code: "SIGNATURE_INVALID" } },
    });

    const mallory = generateMpcKeys();
    const unknown = sealMessage({ ...base, sender: "mallory", signingKey: mallory.signingKey });
    expect(await post("social", unknown)).toMatchObject({
      status: 401,
      json: { error: { code: "KEY_UNKNOWN" } },
    });

    const genuine = sealMessage({ ...base, sender: "tax", signingKey: network.node("tax").keys.signingKey });
    const misaddressed = await post("health", genuine);
    expect(misaddressed.status).toBe(400);
    expect(misaddressed.json.error?.message).toMatch(/addressed to social, not to health/);

    const stale = sealMessage({
      ...base,
      sender: "tax",
      signingKey: network.node("tax").keys.signingKey,
      now: Date.now() - 120_000,
    });
    expect(await post("social", stale)).toMatchObject({
      status: 401,
      json: { error: { code: "TIMESTAMP_OUT_OF_WINDOW" } },
    });
  });

  it("refuses a job start or status read that the platform did not sign", async () => {
    const spec = jobSpec();
    const unsigned = await fetch(`${network.node("tax").url}/v1/mpc/jobs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(spec),
    });
    expect(unsigned.status).toBe(401);
    const status = await fetch(`${network.node("tax").url}/v1/mpc/jobs/${spec.jobId}`);
    expect(status.status).toBe(401);
    expect(network.node("tax").node.status(spec.jobId)).toBeNull();
  });

  it("refuses a job for a coordinator that is another node, or naming an unknown node", async () => {
    const elsewhere = await submitJob(network, "social", jobSpec());
    expect(elsewhere).toMatchObject({ status: 400, json: { error: { code: "INVALID_REQUEST" } } });
    const spec = jobSpec();
    spec.parties = [
      ...spec.parties,
      {
        node: "mallory",
        dataset: "X",
        version: "1",
        groupField: "district",
        valueField: "value",
        rowsPerUnit: 1,
      },
    ];
    const unknown = await submitJob(network, "tax", spec);
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.json)).toMatch(/mallory not in the peer list of tax/);
  });
});
