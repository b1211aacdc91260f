/**
 * Encrypted aggregates against the plaintext oracle (real node-seal, real buyer client): BFV gives
 * count, Σx, Σx² exactly (and mean and variance from them) for random subsets; CKKS within the
 * stated tolerance; empty and full subsets, sums without squares, range rules per statistic.
 */
import { createHeBuyer } from "@pdx/common/he/buyer-client";
import { BFV_PRESET_ID, CKKS_PRESET_ID } from "@pdx/common/he/presets";
import { describe, expect, it } from "vitest";
import { evaluateAggregate } from "./evaluate-aggregate";
import { loadSealInNode } from "./seal-node";
import { randomInt, resultPrimes, seededRandom } from "./test-support";

const seal = await loadSealInNode();
const bfv = await createHeBuyer(BFV_PRESET_ID, { seal });
const ckks = await createHeBuyer(CKKS_PRESET_ID, { seal });
const random = seededRandom(31_337);

const n = 10_000; // 2 BFV ciphertexts, 3 CKKS ciphertexts (last ones partial)
const rooms = Int32Array.from({ length: n }, () => randomInt(random, -(2 ** 19), 2 ** 19));
const floors = Float64Array.from({ length: n }, () => randomInt(random, 0, 60));
const income = Float64Array.from({ length: n }, () => (random() * 2 - 1) * 2 ** 20);

function randomSubset(size: number): number[] {
  const picked = new Set<number>();
  while (picked.size < size) picked.add(randomInt(random, 0, n - 1));
  return [...picked];
}

function oracle(values: ArrayLike<number>, subset: readonly number[]) {
  let sum = 0n;
  let squares = 0n;
  for (const i of subset) {
    const v = BigInt(values[i]!);
    sum += v;
    squares += v * v;
  }
  return { sum, squares };
}

describe("encrypted aggregates", () => {
  it("BFV: count, Σx, Σx² exact for random subsets (property test), mean and variance from them", () => {
    for (const size of [1, 37, 5000]) {
      const subset = randomSubset(size);
      const response = evaluateAggregate(seal, bfv.aggregateRequest(n, subset, ["rooms", "floors"]), {
        entityCount: n,
        columns: { rooms, floors },
      });
      const result = bfv.decodeAggregate(response);
      if (result.scheme !== "bfv") throw new Error("expected BFV");
      expect(result.count).toBe(BigInt(size));
      for (const [field, values] of [
        ["rooms", rooms],
        ["floors", floors],
      ] as const) {
        const want = oracle(values, subset);
        const got = result.fields[field]!;
        expect(got.sum, `${field} Σx over ${size}`).toBe(want.sum);
        expect(got.sumOfSquares, `${field} Σx² over ${size}`).toBe(want.squares);
        const mean = Number(want.sum) / size;
        expect(got.mean).toBeCloseTo(mean, 9);
        const variance = subset.reduce((acc, i) => acc + (values[i]! - mean) ** 2, 0) / size;
        expect(Math.abs(got.variance! - variance)).toBeLessThanOrEqual(1e-9 * (1 + variance));
      }
    }
  });

  it("BFV: empty and full subsets, and sums without squares", () => {
    const empty = bfv.decodeAggregate(
      evaluateAggregate(seal, bfv.aggregateRequest(n, [], ["rooms"]), { entityCount: n, columns: { rooms } }),
    );
    expect(empty).toMatchObject({
      count: 0n,
      fields: { rooms: { sum: 0n, sumOfSquares: 0n, mean: null, variance: null } },
    });
    const all = Array.from({ length: n }, (_, i) => i);
    const response = evaluateAggregate(seal, bfv.aggregateRequest(n, all, ["rooms"], { squares: false }), {
      entityCount: n,
      columns: { rooms },
    });
    expect(response.fields[0]!.sumOfSquares).toBeUndefined();
    expect(resultPrimes(seal, BFV_PRESET_ID, response.count)).toBe(2);
    const full = bfv.decodeAggregate(response);
    expect(full.count).toBe(BigInt(n));
    expect(full.fields.rooms!.sum).toBe(oracle(rooms, all).sum);
  });

  it("CKKS: within the stated tolerance for random subsets (property test)", () => {
    for (const size of [3, 4000]) {
      const subset = randomSubset(size);
      const response = evaluateAggregate(seal, ckks.aggregateRequest(n, subset, ["income"]), {
        entityCount: n,
        columns: { income },
      });
      expect(resultPrimes(seal, CKKS_PRESET_ID, response.count)).toBe(2);
      const result = ckks.decodeAggregate(response);
      if (result.scheme !== "ckks") throw new Error("expected CKKS");
      expect(result.count).toBe(size);
      let sum = 0;
      let squares = 0;
      let allSquares = 0;
      let allFourth = 0;
      for (const i of subset) {
        sum += income[i]!;
        squares += income[i]! ** 2;
      }
      for (const v of income) {
        allSquares += v ** 2;
        allFourth += v ** 4;
      }
      // Stated tolerance: the buyer's encryption noise (≈ 2^-32 per selection slot) times the
      // values of ALL entities, selected or not: 1e-8·sqrt(Σ x_i²) for Σx, 1e-8·sqrt(Σ x_i⁴) for Σx².
      const got = result.fields.income!;
      expect(Math.abs(got.sum - sum)).toBeLessThanOrEqual(1e-3 + 1e-8 * Math.sqrt(allSquares));
      expect(Math.abs(got.sumOfSquares! - squares)).toBeLessThanOrEqual(1e-3 + 1e-8 * Math.sqrt(allFourth));
      expect(Math.abs(got.mean! - sum / size)).toBeLessThanOrEqual(
        (1e-3 + 1e-8 * Math.sqrt(allSquares)) / size,
      );
    }
  });

  it("applies the range of each statistic and names the field", () => {
    const big = Int32Array.from({ length: n }, () => 2 ** 20);
    const sumsOnly = evaluateAggregate(seal, bfv.aggregateRequest(n, [1, 2], ["big"], { squares: false }), {
      entityCount: n,
      columns: { big },
    });
    expect(bfv.decodeAggregate(sumsOnly).fields.big!.sum).toBe(2n ** 21n);
    expect(() =>
      evaluateAggregate(seal, bfv.aggregateRequest(n, [1, 2], ["big"]), { entityCount: n, columns: { big } }),
    ).toThrow(/field big holds a value that is not a safe integer within ±2\^19 \(integer sums of squares\)/);
    const tooLarge = Float64Array.from({ length: n }, () => 2 ** 21);
    expect(() =>
      evaluateAggregate(seal, ckks.aggregateRequest(n, [1], ["x"]), {
        entityCount: n,
        columns: { x: tooLarge },
      }),
    ).toThrow(expect.objectContaining({ code: "HE_DATA_INVALID" }));
  });
});
