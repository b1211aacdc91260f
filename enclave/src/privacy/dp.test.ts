/**
 * The DP mechanisms: exact grid arithmetic, and the noise distributions checked statistically on
 * fixed sample sizes with bounds of at least 6 standard errors (so a correct sampler fails with
 * probability below 10⁻⁸ per assertion, and a wrong scale or a biased sampler still fails).
 */
import { describe, expect, it } from "vitest";
import {
  decimalToSteps,
  discreteLaplaceVariance,
  effectiveEpsilon,
  epsilonInMillionths,
  noiseScale,
  noisyCount,
  noisyMean,
  noisySum,
  sampleDiscreteLaplace,
  sumGrid,
} from "./dp";

const N = 20_000;

function moments(samples: readonly number[]): { mean: number; variance: number } {
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  const variance = samples.reduce((a, b) => a + (b - mean) ** 2, 0) / samples.length;
  return { mean, variance };
}

/** Asserts an observed frequency is within 6 binomial standard errors of p. */
function expectFrequency(hits: number, n: number, p: number): void {
  const se = Math.sqrt((p * (1 - p)) / n);
  expect(Math.abs(hits / n - p)).toBeLessThan(6 * se + 1 / n);
}

describe("ε quantisation", () => {
  it("rounds ε down to millionths, absorbing the binary form of decimal inputs", () => {
    expect(epsilonInMillionths(0.7)).toBe(700_000);
    expect(epsilonInMillionths(1)).toBe(1_000_000);
    expect(epsilonInMillionths(0.1234567)).toBe(123_456);
    expect(effectiveEpsilon(0.1234567)).toBeLessThanOrEqual(0.1234567);
  });

  it("refuses ε that is not positive and finite, below 1e-6 or above 100", () => {
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, 1e-7, 101]) {
      expect(() => epsilonInMillionths(bad)).toThrow(RangeError);
    }
  });
});

describe("sum grid", () => {
  it("puts Δ/r in [1000, 10000) and adds one step for rounding", () => {
    expect(sumGrid([0, 1_000_000])).toEqual({
      sensitivity: 1_000_000,
      resolutionExponent: 3,
      sensitivitySteps: 1001,
    });
    expect(sumGrid([-5, 2])).toEqual({ sensitivity: 5, resolutionExponent: -3, sensitivitySteps: 5001 });
    expect(sumGrid([-1000, 999.99])).toMatchObject({ sensitivity: 1000, resolutionExponent: 0 });
    for (const hi of [0.001, 0.37, 1, 9.99, 10, 12_345.678, 1e12]) {
      const g = sumGrid([0, hi]);
      const ratio = hi / 10 ** g.resolutionExponent;
      expect(ratio).toBeGreaterThanOrEqual(999.999);
      expect(ratio).toBeLessThan(10_000);
      expect(g.sensitivitySteps).toBeGreaterThanOrEqual(Math.floor(ratio) + 1);
    }
  });

  it("needs no noise when both bounds are 0, and refuses bad bounds", () => {
    expect(sumGrid([0, 0]).sensitivitySteps).toBe(0);
    expect(noisySum("0", [0, 0], 1)).toBe(0);
    expect(() => sumGrid([2, 1])).toThrow(/lo ≤ hi/);
    expect(() => sumGrid([0, Number.POSITIVE_INFINITY])).toThrow(RangeError);
  });

  it("converts exact decimal strings to grid steps, rounding half away from zero", () => {
    expect(decimalToSteps("123456789.12", -2)).toBe(12_345_678_912n);
    expect(decimalToSteps("-0.005", -2)).toBe(-1n);
    expect(decimalToSteps("0.0049", -2)).toBe(0n);
    expect(decimalToSteps("1500", 3)).toBe(2n);
    expect(decimalToSteps("1499.99", 3)).toBe(1n);
    expect(decimalToSteps("1.5e+21", 3)).toBe(1_500_000_000_000_000_000n);
    expect(decimalToSteps("99999999999999999999999.99", -2)).toBe(9_999_999_999_999_999_999_999_999n);
    for (const bad of ["", "NaN", "Infinity", "1,5", "abc", ".", "1e99999"]) {
      expect(() => decimalToSteps(bad, 0)).toThrow(RangeError);
    }
  });
});

describe("discrete Laplace sampler", () => {
  it.each([
    [1, 1],
    [4, 1],
    [1, 4],
    [2.5, 1],
  ])("has mean 0 and the exact variance at scale t/s = %d/%d", (t, s) => {
    const scale = t / s;
    const samples = Array.from({ length: N }, () => sampleDiscreteLaplace(t * 1_000_000, s * 1_000_000));
    expect(samples.every(Number.isInteger)).toBe(true);
    const { mean, variance } = moments(samples);
    const expectedVariance = discreteLaplaceVariance(scale);
    // Var of the sample variance ≈ (μ4 − σ⁴)/N with kurtosis ≤ 6 → se ≤ σ²·√(5/N) ≈ 1.6 % of σ².
    expect(Math.abs(variance / expectedVariance - 1)).toBeLessThan(0.1);
    expect(Math.abs(mean)).toBeLessThan(6 * Math.sqrt(expectedVariance / N));
  });

  it("matches P(0) = (1−q)/(1+q) and is symmetric (P(1) = P(−1))", () => {
    const scale = 2;
    const q = Math.exp(-1 / scale);
    const samples = Array.from({ length: N }, () => sampleDiscreteLaplace(2_000_000, 1_000_000));
    const zero = samples.filter((x) => x === 0).length;
    const plusOne = samples.filter((x) => x === 1).length;
    const minusOne = samples.filter((x) => x === -1).length;
    const p0 = (1 - q) / (1 + q);
    expectFrequency(zero, N, p0);
    expectFrequency(plusOne, N, p0 * q);
    expectFrequency(minusOne, N, p0 * q);
    // Tail: P(|X| ≥ 5) = 2q⁵/(1+q).
    expectFrequency(samples.filter((x) => Math.abs(x) >= 5).length, N, (2 * q ** 5) / (1 + q));
  });

  it("refuses parameters that are not positive safe integers", () => {
    expect(() => sampleDiscreteLaplace(0, 1)).toThrow(RangeError);
    expect(() => sampleDiscreteLaplace(1.5, 1)).toThrow(RangeError);
  });
});

describe("noisyCount", () => {
  it("is an integer, never negative, centred on the true count with scale 1/ε", () => {
    const trueCount = 500;
    const epsilon = 0.5;
    const samples = Array.from({ length: N }, () => noisyCount(trueCount, epsilon));
    expect(samples.every((x) => Number.isInteger(x) && x >= 0)).toBe(true);
    const { mean, variance } = moments(samples);
    const expectedVariance = discreteLaplaceVariance(2);
    expect(Math.abs(variance / expectedVariance - 1)).toBeLessThan(0.1);
    expect(Math.abs(mean - trueCount)).toBeLessThan(6 * Math.sqrt(expectedVariance / N));
    expect(noiseScale({ kind: "count" }, epsilon)).toBe(2);
  });

  it("never releases a negative count, even for a true count of 0 at small ε", () => {
    const samples = Array.from({ length: 5000 }, () => noisyCount(0, 0.05));
    expect(Math.min(...samples)).toBe(0);
    // About half are clamped to 0; the rest are positive.
    expect(samples.filter((x) => x > 0).length).toBeGreaterThan(2000);
  });

  it("refuses a true count that is not a non-negative integer", () => {
    expect(() => noisyCount(-1, 1)).toThrow(RangeError);
    expect(() => noisyCount(2.5, 1)).toThrow(RangeError);
  });
});

describe("noisySum", () => {
  it("is centred on the true sum with the variance of its grid scale (≈ Δ/ε)", () => {
    const bounds = [0, 1000] as const;
    const epsilon = 1;
    const scale = noiseScale({ kind: "sum", bounds }, epsilon);
    expect(scale).toBe(1001); // Δ/r = 1000 steps of 1, plus the rounding step
    const samples = Array.from({ length: N }, () => noisySum("25000.5", bounds, epsilon));
    const { mean, variance } = moments(samples);
    // Steps of 1 unit: the variance in units is the discrete variance at scale 1001 steps.
    const expectedVariance = discreteLaplaceVariance(1001);
    expect(Math.abs(variance / expectedVariance - 1)).toBeLessThan(0.1);
    expect(Math.abs(mean - 25001)).toBeLessThan(6 * Math.sqrt(expectedVariance / N));
  });

  it("works on a fine grid for small bounds and takes null as an empty sum", () => {
    const bounds = [-1, 1] as const;
    const samples = Array.from({ length: N }, () => noisySum(null, bounds, 2));
    const { mean, variance } = moments(samples);
    const stepVariance = discreteLaplaceVariance(1001 / 2) * 1e-6; // steps of 0.001
    expect(Math.abs(variance / stepVariance - 1)).toBeLessThan(0.1);
    expect(Math.abs(mean)).toBeLessThan(6 * Math.sqrt(stepVariance / N));
    expect(noiseScale({ kind: "sum", bounds }, 2)).toBeCloseTo(0.5005, 10);
  });

  it("refuses a sum that is not a finite decimal", () => {
    expect(() => noisySum("NaN", [0, 1], 1)).toThrow(RangeError);
    expect(() => noisySum(Number.POSITIVE_INFINITY, [0, 1], 1)).toThrow(RangeError);
  });
});

describe("noisyMean", () => {
  it("divides by max(1, noisy count) and clamps to the bounds", () => {
    expect(noisyMean(100, 4, [0, 50])).toBe(25);
    expect(noisyMean(30, 0, [0, 50])).toBe(30);
    expect(noisyMean(-30, 3, [0, 50])).toBe(0);
    expect(noisyMean(1000, 2, [0, 50])).toBe(50);
  });
});
