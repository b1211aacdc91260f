/**
 * Statistical checks that a vector of ring elements looks uniformly random and is unrelated to a
 * given vector, for the tests that show what a node sees of other nodes' data. Every threshold is
 * set so that a truly uniform vector fails with probability below 1e-9 (no flaky tests), while a
 * structured vector (small counts, sums, anything not uniform over 2^64) fails by a wide margin.
 */
import { vectorBytes } from "../shares";

/** χ² of the byte values of `v` against the uniform distribution (255 degrees of freedom). */
export function byteChiSquare(v: BigUint64Array): number {
  const bytes = vectorBytes(v);
  const counts = new Array<number>(256).fill(0);
  for (const b of bytes) counts[b]!++;
  const expected = bytes.length / 256;
  return counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
}

/** χ²(255) exceeds this with probability below 1e-9. */
export const CHI2_255_LIMIT = 400;

/** Pearson correlation of two equally long series. */
export function correlation(a: readonly number[], b: readonly number[]): number {
  const n = a.length;
  const ma = a.reduce((s, x) => s + x, 0) / n;
  const mb = b.reduce((s, x) => s + x, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return saa === 0 || sbb === 0 ? 0 : sab / Math.sqrt(saa * sbb);
}

/**
 * |correlation| that n independent pairs exceed with probability below 1e-9 (about 6.1 standard
 * errors of 1/√n).
 */
export function correlationLimit(n: number): number {
  return 6.1 / Math.sqrt(n);
}

/** Ring elements as numbers in [0, 1) (top 53 bits), for correlations. */
export function asUnitInterval(v: BigUint64Array): number[] {
  return [...v].map((x) => Number(x >> 11n) / 2 ** 53);
}
