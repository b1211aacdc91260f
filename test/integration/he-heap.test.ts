/**
 * 1,000 small HE jobs through the real worker pool — successes and refusals mixed — leave each
 * worker's SEAL heap (its WebAssembly memory, which only ever grows) exactly as big as after the
 * warm-up: every job frees what it allocates, on every path. A control shows the probe sees a
 * leak: 40 ciphertexts left undeleted grow the heap.
 */
import { createHeBuyer } from "@pdx/common/he/buyer-client";
import { CKKS_PRESET_ID, presetKit, sealHeapBytes } from "@pdx/common/he/presets";
import { createHeWorkerPool } from "@pdx/enclave/src/he/he-worker-pool";
import { loadSealInNode } from "@pdx/enclave/src/he/seal-node";
import { describe, expect, it } from "vitest";

const WARM_UP = 100;
const JOBS = 1000;

describe("HE heap hygiene", () => {
  it("runs 1,000 jobs without growing any worker's SEAL heap", async () => {
    const seal = await loadSealInNode();
    const buyer = await createHeBuyer(CKKS_PRESET_ID, { seal });
    const pool = createHeWorkerPool({ size: 2 });
    try {
      // Small jobs (8 entities): mostly one feature (no rotation), every 10th with two features
      // (one rotation, Galois keys), every 10th refused by SEAL (a truncated ciphertext).
      const n = 8;
      const features = Float64Array.from({ length: 2 * n }, (_, i) => i % 7);
      const one = {
        data: { entityCount: n, featureCount: 1, features: features.slice(0, n) },
        request: buyer.scoringRequest([0.5], n),
      };
      const two = {
        data: { entityCount: n, featureCount: 2, features },
        request: buyer.scoringRequest([0.5, 2], n),
      };
      const truncated = { ...one, request: { ...one.request, weights: one.request.weights.slice(0, 400) } };
      const counts = { ok: 0, refused: 0 };
      const runJobs = async (from: number, to: number) => {
        const wave: Promise<void>[] = [];
        for (let i = from; i < to; i++) {
          const job = i % 10 === 9 ? truncated : i % 10 === 4 ? two : one;
          wave.push(
            pool.scoring(job.request, job.data).then(
              (response) => {
                if (i % 50 === 4) expect(buyer.decodeScores(response)[3]).toBeCloseTo(0.5 * 6 + 2 * 0, 3);
                if (i % 50 === 0) expect(buyer.decodeScores(response)[3]).toBeCloseTo(0.5 * 3, 3);
                counts.ok++;
              },
              (error: { code?: string }) => {
                expect(error.code).toBe("HE_OBJECT_REJECTED");
                counts.refused++;
              },
            ),
          );
          if (wave.length === 8) await Promise.all(wave.splice(0));
        }
        await Promise.all(wave);
      };
      await runJobs(0, WARM_UP);
      const afterWarmUp = await pool.heapBytes();
      await runJobs(WARM_UP, JOBS);
      const afterAll = await pool.heapBytes();
      expect(counts).toEqual({ ok: 900, refused: 100 });
      for (const bytes of afterWarmUp) expect(bytes).toBeGreaterThan(0);
      expect(afterAll).toEqual(afterWarmUp);
    } finally {
      buyer.dispose();
      await pool.close();
    }
  }, 120_000);

  it("control: the probe sees ciphertexts that are never deleted", async () => {
    const seal = await loadSealInNode();
    const kit = presetKit(seal, CKKS_PRESET_ID);
    const before = sealHeapBytes()!;
    const leaked = Array.from({ length: 40 }, () => {
      const ct = new seal.Ciphertext(kit.context);
      ct.resize(2); // 2 × 3 primes × 8192 coefficients × 8 bytes ≈ 393 KB each
      return ct;
    });
    expect(sealHeapBytes()!).toBeGreaterThan(before + 10 * 1024 * 1024);
    for (const ct of leaked) ct.delete();
  });
});
