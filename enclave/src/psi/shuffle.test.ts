/**
 * The permutations the PSI session uses: complete (a permutation), record-preserving, and not
 * visibly biased (each element lands in each position about equally often).
 */
import { describe, expect, it } from "vitest";
import { randomPermutation, shuffleRecords } from "./shuffle";

describe("randomPermutation", () => {
  it("is a permutation of 0…n−1 for every size", () => {
    for (const n of [0, 1, 2, 7, 4096, 100_003]) {
      const p = randomPermutation(n);
      expect(p.length).toBe(n);
      expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
    }
  });

  it("puts element 0 in each of 6 positions about equally often over 12,000 draws", () => {
    const counts = new Array(6).fill(0);
    for (let round = 0; round < 12_000; round++) counts[randomPermutation(6).indexOf(0)]++;
    // Expected 2000 each; ±300 is over 7 standard deviations.
    for (const count of counts) expect(Math.abs(count - 2000)).toBeLessThan(300);
  });
});

describe("shuffleRecords", () => {
  it("moves whole records and keeps every record", () => {
    const records = 1000;
    const bytes = new Uint8Array(records * 16);
    for (let r = 0; r < records; r++)
      bytes.fill(r % 251, r * 16, r * 16 + 16).set([r >> 8, r & 0xff], r * 16);
    const before = new Set<string>();
    for (let r = 0; r < records; r++)
      before.add(Buffer.from(bytes.subarray(r * 16, r * 16 + 16)).toString("hex"));
    const original = bytes.slice();
    shuffleRecords(bytes, 16);
    const after = new Set<string>();
    for (let r = 0; r < records; r++)
      after.add(Buffer.from(bytes.subarray(r * 16, r * 16 + 16)).toString("hex"));
    expect(after).toEqual(before);
    expect(Buffer.from(bytes).equals(Buffer.from(original))).toBe(false);
    expect(() => shuffleRecords(new Uint8Array(17), 16)).toThrow(/whole number of records/);
  });
});
