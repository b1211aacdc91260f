/**
 * Private scoring against the plaintext oracle (real node-seal, real buyer client): every score
 * equals w·f_j within the stated CKKS tolerance, for random shapes; slots past the last entity
 * decrypt to ≈ 0 and no slot holds anything but its own entity's score; results are at the last
 * level, re-randomized, and never transparent — also when a whole batch of features is zero.
 */
import { createHeBuyer } from "@pdx/common/he/buyer-client";
import { CKKS_PRESET_ID } from "@pdx/common/he/presets";
import { describe, expect, it } from "vitest";
import { evaluateScoring } from "./evaluate-scoring";
import { loadSealInNode } from "./seal-node";
import { decryptAllSlots, randomInt, resultPrimes, scoringTolerance, seededRandom } from "./test-support";

const seal = await loadSealInNode();
const buyer = await createHeBuyer(CKKS_PRESET_ID, { seal });

function oracle(weights: readonly number[], features: Float64Array, j: number, d: number): number {
  let score = 0;
  for (let k = 0; k < d; k++) score += weights[k]! * features[j * d + k]!;
  return score;
}

describe("private scoring (CKKS)", () => {
  it("matches w·f_j within the stated tolerance for every entity over random shapes (property test)", () => {
    const random = seededRandom(20_240_611);
    for (let round = 0; round < 6; round++) {
      const d = randomInt(random, 1, 16);
      const n = randomInt(random, 1, 9000);
      const scale = [1, 100, 10_000][round % 3]!;
      const weights = Array.from({ length: d }, () => (random() * 2 - 1) * 4);
      const features = Float64Array.from({ length: n * d }, () => (random() * 2 - 1) * scale);
      const response = evaluateScoring(seal, buyer.scoringRequest(weights, n), {
        entityCount: n,
        featureCount: d,
        features,
      });
      expect(response.scores.length).toBe(Math.ceil(n / 4096));
      const scores = buyer.decodeScores(response);
      expect(scores.length).toBe(n);
      for (let j = 0; j < n; j++) {
        const error = Math.abs(scores[j]! - oracle(weights, features, j, d));
        expect(error, `d=${d} n=${n} entity ${j}`).toBeLessThanOrEqual(
          scoringTolerance(weights, features, j, d),
        );
      }
    }
  });

  it("leaves nothing but whole scores: padding slots decrypt to ≈ 0", () => {
    const n = 4096 + 100;
    const d = 16;
    const weights = Array.from({ length: d }, (_, k) => k + 1);
    const features = Float64Array.from({ length: n * d }, (_, i) => ((i * 7919) % 1000) - 500);
    const response = evaluateScoring(seal, buyer.scoringRequest(weights, n), {
      entityCount: n,
      featureCount: d,
      features,
    });
    const last = decryptAllSlots(seal, buyer, CKKS_PRESET_ID, response.scores[1]!) as Float64Array;
    for (let s = 0; s < 100; s++) {
      const error = Math.abs(last[s]! - oracle(weights, features, 4096 + s, d));
      expect(error).toBeLessThanOrEqual(scoringTolerance(weights, features, 4096 + s, d));
    }
    let padding = 0;
    for (let s = 100; s < 4096; s++) padding = Math.max(padding, Math.abs(last[s]!));
    expect(padding).toBeLessThan(1e-4);
    // Results leave at the last level (one 60-bit prime).
    expect(resultPrimes(seal, CKKS_PRESET_ID, response.scores[0]!)).toBe(1);
  });

  it("returns a valid encryption of zeros when a whole batch of features is zero", () => {
    const n = 5000;
    const features = new Float64Array(n * 2);
    for (let j = 4096; j < n; j++) features[j * 2] = 3;
    const response = evaluateScoring(seal, buyer.scoringRequest([2, 5], n), {
      entityCount: n,
      featureCount: 2,
      features,
    });
    const scores = buyer.decodeScores(response);
    expect(Math.max(...Array.from(scores.subarray(0, 4096), Math.abs))).toBeLessThan(1e-4);
    expect(Math.abs(scores[4500]! - 6)).toBeLessThan(1e-4);
  });

  it("re-randomizes: the same request twice gives different ciphertexts with the same scores", () => {
    const n = 50;
    const features = Float64Array.from({ length: n * 3 }, (_, i) => i / 10);
    const request = buyer.scoringRequest([1, -1, 0.5], n);
    const data = { entityCount: n, featureCount: 3, features };
    const a = evaluateScoring(seal, request, data);
    const b = evaluateScoring(seal, request, data);
    expect(a.scores[0]).not.toBe(b.scores[0]);
    const sa = buyer.decodeScores(a);
    const sb = buyer.decodeScores(b);
    for (let j = 0; j < n; j++) expect(Math.abs(sa[j]! - sb[j]!)).toBeLessThan(1e-4);
  });

  it("refuses data that does not match the request or the documented range", () => {
    const request = buyer.scoringRequest([1, 2], 10);
    const features = new Float64Array(20);
    expect(() =>
      evaluateScoring(seal, request, { entityCount: 11, featureCount: 2, features: new Float64Array(22) }),
    ).toThrow(/request is for 10 entities × 2 features; the data has 11 × 2/);
    expect(() =>
      evaluateScoring(seal, request, { entityCount: 10, featureCount: 2, features: new Float64Array(19) }),
    ).toThrow(/entityCount × featureCount/);
    features[3] = Number.POSITIVE_INFINITY;
    expect(() => evaluateScoring(seal, request, { entityCount: 10, featureCount: 2, features })).toThrow(
      /finite/,
    );
    features[3] = 2 ** 21;
    expect(() => evaluateScoring(seal, request, { entityCount: 10, featureCount: 2, features })).toThrow(
      expect.objectContaining({ code: "HE_DATA_INVALID" }),
    );
  });
});
