/**
 * Differential-privacy mechanisms for the enclave's released statistics.
 *
 * Mechanism: the DISCRETE Laplace (two-sided geometric) mechanism for both counts and sums, with
 * noise drawn by the exact sampler of Canonne, Kamath & Steinke ("The Discrete Gaussian for
 * Differential Privacy", 2020, Algorithms 1–2) from node:crypto's randomInt (a CSPRNG). The
 * sampler only uses integer arithmetic and rational Bernoulli trials, so its output distribution
 * is exactly P(z) ∝ exp(−|z|/b) for the rational scale b it is given: there is no floating-point
 * Laplace sample whose low-order bits could reveal the true value (Mironov 2012), because the
 * noise is an integer added in exact integer arithmetic to an integer true value.
 *
 * Counts: sensitivity 1 per row (adding or removing one row changes a cell's count by at most 1),
 * noise DLap(1/ε). Where one privacy unit may contribute L rows, the caller runs every mechanism
 * at ε/L (protect-aggregate.ts), which is ε for the unit by group privacy.
 *
 * Sums: discrete Laplace on a fixed-point grid rather than the snapping mechanism, because the
 * true sums arrive as exact decimal strings (PostgreSQL numeric), so they can be put on a decimal
 * grid exactly (BigInt) and the whole mechanism stays in integers. The grid resolution is derived
 * from the bounds: r = 10^(⌊log10 Δ⌋ − 3), so Δ/r ∈ [1000, 10000) — fine enough that the grid is
 * invisible next to the noise (r ≤ Δ/1000 while the noise scale is Δ/ε ≥ Δ/10), coarse enough that
 * every integer involved stays exact. The true sum is rounded to the grid; because rounding can
 * move two neighbouring sums apart by one more grid step, the sensitivity in grid units is
 * ⌈Δ/r⌉ + 1, and the noise is DLap((⌈Δ/r⌉ + 1)/ε) grid units.
 *
 * Contribution bounding (what makes Δ hold): the query compiler clamps each row's value to the
 * measure's bounds before summing — `sum(least(greatest(x, lo), hi))` — so one row moves a sum by
 * at most Δ = max(|lo|, |hi|); it also keeps at most L rows per privacy unit (compile-sql.ts), so
 * one unit moves it by at most L·Δ, covered by running the mechanism at ε/L.
 * NULL values contribute nothing (SQL sum skips them); a sum over no non-NULL value is 0.
 *
 * ε is quantised DOWN to a multiple of 10⁻⁶ (with a 10⁻¹² relative tolerance that absorbs the
 * binary representation of decimal inputs such as 0.7), so the mechanism never spends more than
 * the ε that was charged.
 *
 * Post-processing (free): counts are clamped at 0; a mean is noisy sum / max(1, noisy count).
 */
import { randomInt } from "node:crypto";

/** ε is used as a whole number of millionths. */
const EPSILON_DENOMINATOR = 1_000_000;
/** Largest ε a single mechanism accepts. */
const EPSILON_MAX = 100;
/** crypto.randomInt needs max − min < 2^48. */
const RANDOM_INT_RANGE = 2 ** 48;

/** Clamp bounds [lo, hi] of a sum or mean: each row's value is clamped to them before summing. */
export type TClampBounds = readonly [lo: number, hi: number];

/** ε as a whole number of millionths, rounded down; throws RangeError outside (0, 100]. */
export function epsilonInMillionths(epsilon: number): number {
  if (!Number.isFinite(epsilon) || epsilon <= 0 || epsilon > EPSILON_MAX) {
    throw new RangeError(`epsilon must be a finite number in (0, ${EPSILON_MAX}], got ${epsilon}`);
  }
  const millionths = Math.floor(epsilon * EPSILON_DENOMINATOR * (1 + 1e-12));
  if (millionths < 1) throw new RangeError(`epsilon must be at least 1e-6, got ${epsilon}`);
  return millionths;
}

/** The ε the mechanisms actually use for a requested ε (≤ the requested ε). */
export function effectiveEpsilon(epsilon: number): number {
  return epsilonInMillionths(epsilon) / EPSILON_DENOMINATOR;
}

/** A uniform integer in [0, n); n a positive safe integer below 2^48. */
function uniformBelow(n: number): number {
  if (n > RANDOM_INT_RANGE - 1) throw new RangeError("dp: sampler range exceeds 2^48");
  return randomInt(n);
}

/** Bernoulli(num/den) for integers 0 ≤ num ≤ den. */
function bernoulliRational(num: number, den: number): boolean {
  return uniformBelow(den) < num;
}

/** Bernoulli(exp(−num/den)) for integers 0 ≤ num ≤ den (CKS20 Algorithm 1, γ ∈ [0, 1]). */
function bernoulliExpMinusFraction(num: number, den: number): boolean {
  let k = 1;
  while (bernoulliRational(num, den * k)) k++;
  return k % 2 === 1;
}

/** Bernoulli(exp(−num/den)) for integers num ≥ 0, den ≥ 1 (CKS20 Algorithm 1, any γ ≥ 0). */
function bernoulliExpMinus(num: number, den: number): boolean {
  let rest = num;
  while (rest > den) {
    if (!bernoulliExpMinusFraction(1, 1)) return false;
    rest -= den;
  }
  return bernoulliExpMinusFraction(rest, den);
}

/**
 * One exact sample of the discrete Laplace distribution with scale b = t/s, P(z) ∝ exp(−|z|·s/t),
 * for positive safe integers t < 2^48 and s (CKS20 Algorithm 2).
 */
export function sampleDiscreteLaplace(t: number, s: number): number {
  if (!Number.isSafeInteger(t) || !Number.isSafeInteger(s) || t < 1 || s < 1) {
    throw new RangeError("sampleDiscreteLaplace: t and s must be positive safe integers");
  }
  for (;;) {
    const u = uniformBelow(t);
    if (!bernoulliExpMinus(u, t)) continue;
    let v = 0;
    while (bernoulliExpMinus(1, 1)) v++;
    const x = u + t * v;
    let y = Math.floor(x / s);
    while (y * s > x) y--;
    while ((y + 1) * s <= x) y++;
    const negative = uniformBelow(2) === 1;
    if (negative && y === 0) continue;
    return negative ? -y : y;
  }
}

/** Variance of the discrete Laplace distribution of scale b: 2q/(1−q)², q = exp(−1/b). */
export function discreteLaplaceVariance(scale: number): number {
  const q = Math.exp(-1 / scale);
  return (2 * q) / (1 - q) ** 2;
}

/** The fixed-point grid a clamped sum is noised on: resolution 10^exponent, sensitivity in steps. */
export interface TSumGrid {
  /** Δ = max(|lo|, |hi|): the most one privacy unit can move the sum. */
  sensitivity: number;
  /** The grid step is 10^resolutionExponent. */
  resolutionExponent: number;
  /** Sensitivity in grid steps, ⌈Δ/r⌉ + 1 (the +1 covers rounding the true sum to the grid). */
  sensitivitySteps: number;
}

/** Validates clamp bounds and derives the sum grid; Δ = 0 gives a grid with 0 steps. */
export function sumGrid(bounds: TClampBounds): TSumGrid {
  const [lo, hi] = bounds;
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi) {
    throw new RangeError(`bounds must be finite numbers with lo ≤ hi, got [${lo}, ${hi}]`);
  }
  const sensitivity = Math.max(Math.abs(lo), Math.abs(hi));
  if (sensitivity === 0) return { sensitivity, resolutionExponent: 0, sensitivitySteps: 0 };
  let exponent = Math.floor(Math.log10(sensitivity)) - 3;
  // log10 may be off by one at exact powers of ten; settle so that Δ/r lies in [1000, 10000).
  while (sensitivity / 10 ** exponent < 1000) exponent--;
  while (sensitivity / 10 ** exponent >= 10000) exponent++;
  return {
    sensitivity,
    resolutionExponent: exponent,
    sensitivitySteps: Math.ceil(sensitivity / 10 ** exponent) + 1,
  };
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,4}))?$/;

/**
 * An exact decimal string (e.g. PostgreSQL numeric or float8 text) as a whole number of grid steps
 * 10^exponent, rounded half away from zero. Throws RangeError for anything that is not a finite
 * decimal.
 */
export function decimalToSteps(text: string, exponent: number): bigint {
  const m = DECIMAL.exec(text.trim());
  const whole = m?.[2] ?? "";
  const fraction = m?.[3] ?? "";
  if (!m || (whole === "" && fraction === "")) throw new RangeError("sum is not a finite decimal number");
  const digits = BigInt(`${whole}${fraction}` || "0");
  const shift = Number(m[4] ?? "0") - fraction.length - exponent;
  if (Math.abs(shift) > 1000) throw new RangeError("sum is out of the representable range");
  let steps: bigint;
  if (shift >= 0) steps = digits * 10n ** BigInt(shift);
  else {
    const divisor = 10n ** BigInt(-shift);
    steps = (digits + divisor / 2n) / divisor;
  }
  return m[1] === "-" ? -steps : steps;
}

/** Whole grid steps back to a number (correctly rounded division for negative exponents). */
function stepsToNumber(steps: bigint, exponent: number): number {
  if (exponent >= 0) return Number(steps * 10n ** BigInt(exponent));
  return Number(steps) / 10 ** -exponent;
}

/** What is noised: a count (sensitivity 1) or a sum clamped to bounds. */
export type TNoisedStatistic = { kind: "count" } | { kind: "sum"; bounds: TClampBounds };

/**
 * The scale b of the (discrete) Laplace noise added to a statistic at ε, in the statistic's own
 * units — what to report to buyers: the noise's standard deviation is about b·√2, and |noise| ≤ b·ln(1/p)
 * with probability 1−p.
 */
export function noiseScale(statistic: TNoisedStatistic, epsilon: number): number {
  const eps = effectiveEpsilon(epsilon);
  if (statistic.kind === "count") return 1 / eps;
  const grid = sumGrid(statistic.bounds);
  if (grid.sensitivitySteps === 0) return 0;
  return (grid.sensitivitySteps * 10 ** grid.resolutionExponent) / eps;
}

/** A count with DLap(1/ε) noise, clamped at 0 (never negative). */
export function noisyCount(trueCount: number, epsilon: number): number {
  if (!Number.isSafeInteger(trueCount) || trueCount < 0) {
    throw new RangeError(`noisyCount: the true count must be a non-negative integer, got ${trueCount}`);
  }
  const noise = sampleDiscreteLaplace(EPSILON_DENOMINATOR, epsilonInMillionths(epsilon));
  return Math.max(0, trueCount + noise);
}

/**
 * A clamped sum with discrete Laplace noise on the bounds' grid (see the module comment).
 * `clampedSum` is the exact sum of the rows' values each clamped to `bounds` (decimal string, a
 * number, or null for a sum over no non-NULL value, i.e. 0). Bounds [0, 0] need no noise.
 */
export function noisySum(clampedSum: string | number | null, bounds: TClampBounds, epsilon: number): number {
  const grid = sumGrid(bounds);
  const millionths = epsilonInMillionths(epsilon);
  if (typeof clampedSum === "number" && !Number.isFinite(clampedSum)) {
    throw new RangeError("noisySum: the sum must be finite");
  }
  const trueSteps = decimalToSteps(clampedSum === null ? "0" : String(clampedSum), grid.resolutionExponent);
  if (grid.sensitivitySteps === 0) return 0;
  const noise = sampleDiscreteLaplace(grid.sensitivitySteps * EPSILON_DENOMINATOR, millionths);
  return stepsToNumber(trueSteps + BigInt(noise), grid.resolutionExponent);
}

/** Mean as post-processing of a noisy sum and a noisy count, clamped to the bounds. */
export function noisyMean(noisySumValue: number, noisyCountValue: number, bounds: TClampBounds): number {
  const mean = noisySumValue / Math.max(1, noisyCountValue);
  return Math.min(bounds[1], Math.max(bounds[0], mean));
}
