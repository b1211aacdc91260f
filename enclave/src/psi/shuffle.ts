/**
 * Uniform random permutations for the PSI session: the order in which the enclave streams its
 * column, and the order of the buyer's tags in cardinality mode. Fisher–Yates with unbiased
 * bounded integers (rejection sampling) from node:crypto, drawn in 64 KiB batches.
 */
import { randomFillSync } from "node:crypto";

/** Unbiased random integers below a bound, from a buffered CSPRNG. */
function randomBelowSource(): (bound: number) => number {
  const buffer = new Uint32Array(16_384);
  let used = buffer.length;
  const next = () => {
    if (used === buffer.length) {
      randomFillSync(buffer);
      used = 0;
    }
    return buffer[used++]!;
  };
  return (bound) => {
    const limit = 2 ** 32 - (2 ** 32 % bound);
    for (;;) {
      const r = next();
      if (r < limit) return r % bound;
    }
  };
}

/** A uniformly random permutation of 0…n−1. */
export function randomPermutation(n: number): Uint32Array {
  const permutation = new Uint32Array(n);
  for (let i = 0; i < n; i++) permutation[i] = i;
  const below = randomBelowSource();
  for (let i = n - 1; i > 0; i--) {
    const j = below(i + 1);
    const t = permutation[i]!;
    permutation[i] = permutation[j]!;
    permutation[j] = t;
  }
  return permutation;
}

/** Shuffles fixed-size records of `bytes` in place, uniformly at random. */
export function shuffleRecords(bytes: Uint8Array, recordBytes: number): void {
  if (bytes.length % recordBytes !== 0)
    throw new RangeError("shuffleRecords: length is not a whole number of records");
  const n = bytes.length / recordBytes;
  const below = randomBelowSource();
  const spare = new Uint8Array(recordBytes);
  for (let i = n - 1; i > 0; i--) {
    const j = below(i + 1);
    if (j === i) continue;
    spare.set(bytes.subarray(i * recordBytes, (i + 1) * recordBytes));
    bytes.copyWithin(i * recordBytes, j * recordBytes, (j + 1) * recordBytes);
    bytes.set(spare, j * recordBytes);
  }
}
