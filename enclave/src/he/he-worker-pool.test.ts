/**
 * The HE worker pool with real worker threads running real node-seal: every mode round-trips,
 * a job's HeError comes back with its code and message, jobs queue beyond the pool size, a dying
 * worker fails only its job and is replaced, close() refuses what is left, and the main thread
 * keeps serving HTTP while a heavy evaluation runs (ordering, not timing; with a control that
 * runs the same evaluation on the main thread and is overtaken).
 */
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { availableParallelism } from "node:os";
import { createHeBuyer } from "@pdx/common/he/buyer-client";
import { HeError } from "@pdx/common/he/he-error";
import { BFV_PRESET_ID, CKKS_PRESET_ID } from "@pdx/common/he/presets";
import { afterAll, describe, expect, it } from "vitest";
import { evaluateHeJob } from "./evaluate";
import { createHeWorkerPool } from "./he-worker-pool";
import { loadSealInNode } from "./seal-node";

const seal = await loadSealInNode();
const bfv = await createHeBuyer(BFV_PRESET_ID, { seal });
const ckks = await createHeBuyer(CKKS_PRESET_ID, { seal });
const pool = createHeWorkerPool();
afterAll(() => pool.close());

const n = 3000;
const rent = Int32Array.from({ length: n }, (_, i) => (i * 7919) % 100_000);
const columns = { entityCount: n, columns: { rent } };

describe("HE worker pool", () => {
  it("has min(2, cores) workers, each with its own SEAL heap", async () => {
    expect(pool.size).toBe(Math.min(2, availableParallelism()));
    const heaps = await pool.heapBytes();
    expect(heaps).toHaveLength(pool.size);
    for (const bytes of heaps) expect(bytes).toBeGreaterThan(1024 * 1024);
  });

  it("runs every mode and the buyer decrypts the results", async () => {
    const features = Float64Array.from({ length: n * 2 }, (_, i) => i % 10);
    const [scores, lookup, aggregate] = await Promise.all([
      pool.scoring(ckks.scoringRequest([1, 10], n), { entityCount: n, featureCount: 2, features }),
      pool.lookup(bfv.lookupRequest(n, 2999, ["rent"]), columns),
      pool.aggregate(bfv.aggregateRequest(n, [0, 1, 2], ["rent"]), columns),
    ]);
    expect(ckks.decodeScores(scores)[7]).toBeCloseTo(features[14]! + 10 * features[15]!, 4);
    expect(bfv.decodeLookup(lookup)).toEqual({ rent: BigInt(rent[2999]!) });
    const sums = bfv.decodeAggregate(aggregate);
    expect(sums.count).toBe(3n);
    expect(sums.fields.rent!.sum).toBe(BigInt(rent[0]! + rent[1]! + rent[2]!));
  });

  it("returns a job's failure as the HeError the worker raised", async () => {
    const bad = pool.lookup({ ...bfv.lookupRequest(n, 1, ["rent"]), selection: ["@@@@"] }, columns);
    await expect(bad).rejects.toBeInstanceOf(HeError);
    await expect(bad).rejects.toMatchObject({
      code: "HE_MALFORMED_BASE64",
      message: "selection.0 is not valid base64",
    });
    await expect(pool.lookup(bfv.lookupRequest(n, 1, ["owner"]), columns)).rejects.toMatchObject({
      code: "HE_UNKNOWN_FIELD",
    });
    // The workers are fine afterwards.
    expect(bfv.decodeLookup(await pool.lookup(bfv.lookupRequest(n, 5, ["rent"]), columns))).toEqual({
      rent: BigInt(rent[5]!),
    });
  });

  it("queues jobs beyond its size and runs them all", async () => {
    const request = ckks.scoringRequest([2], 10);
    const data = {
      entityCount: 10,
      featureCount: 1,
      features: Float64Array.from({ length: 10 }, (_, i) => i),
    };
    const results = await Promise.all(Array.from({ length: 6 }, () => pool.scoring(request, data)));
    for (const response of results) expect(ckks.decodeScores(response)[9]).toBeCloseTo(18, 4);
  });

  it("fails only the job of a worker that dies, and runs the queued jobs on its replacement", async () => {
    const own = createHeWorkerPool({ size: 1 });
    try {
      const running = own.lookup(bfv.lookupRequest(n, 1, ["rent"]), columns);
      const queued = own.lookup(bfv.lookupRequest(n, 9, ["rent"]), columns);
      // The worker thread exits under its job (as on a crash or an out-of-memory kill).
      const slots = (own as unknown as { slots: { worker: { terminate(): Promise<number> } }[] }).slots;
      await slots[0]!.worker.terminate();
      await expect(running).rejects.toMatchObject({ code: "HE_WORKER_FAILED" });
      expect(bfv.decodeLookup(await queued)).toEqual({ rent: BigInt(rent[9]!) });
    } finally {
      await own.close();
    }
  });

  it("close() fails queued jobs and refuses new ones", async () => {
    const own = createHeWorkerPool({ size: 1 });
    const request = bfv.lookupRequest(n, 1, ["rent"]);
    const outcomes = Promise.allSettled([own.lookup(request, columns), own.lookup(request, columns)]);
    await own.close();
    for (const outcome of await outcomes) {
      expect(outcome).toMatchObject({ status: "rejected", reason: { code: "HE_POOL_CLOSED" } });
    }
    await expect(own.lookup(request, columns)).rejects.toMatchObject({ code: "HE_POOL_CLOSED" });
  });

  it("keeps the main thread serving HTTP while a heavy evaluation runs", async () => {
    const big = 40_000;
    const data = {
      entityCount: big,
      columns: Object.fromEntries(
        ["a", "b", "c"].map((f) => [f, Int32Array.from({ length: big }, (_, i) => i)]),
      ),
    };
    const request = bfv.lookupRequest(big, 12_345, ["a", "b", "c"]);
    const server = createServer((_, res) => res.end("pong"));
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const ping = async (order: string[]) => {
      for (let i = 0; i < 3; i++) {
        expect(await (await fetch(url)).text()).toBe("pong");
        order.push(`http ${i}`);
      }
    };
    try {
      // In the pool: three sequential HTTP round trips complete before the evaluation does.
      const order: string[] = [];
      const job = pool.lookup(request, data).then(() => order.push("evaluation"));
      await Promise.all([job, ping(order)]);
      expect(order).toEqual(["http 0", "http 1", "http 2", "evaluation"]);

      // Control: the same evaluation on the main thread holds the HTTP request back.
      const blocked: string[] = [];
      const pinged = ping(blocked);
      await new Promise((resolve) => setImmediate(resolve));
      evaluateHeJob(seal, { mode: "lookup", request, data });
      blocked.push("evaluation");
      await pinged;
      expect(blocked[0]).toBe("evaluation");
    } finally {
      server.close();
    }
  });
});
