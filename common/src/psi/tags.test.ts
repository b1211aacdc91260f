/**
 * PsiTagSet against a plain Map oracle on random tags (including tags that share their slot word,
 * so probing is exercised), its refusals, and tag truncation.
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { PSI_TAG_BYTES, PsiTagSet, truncateToTags } from "./tags";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

describe("PsiTagSet", () => {
  it("answers like a Map on random tags, colliding slot words included", () => {
    for (let round = 0; round < 5; round++) {
      const n = 5000;
      const tags = randomBytes(n * PSI_TAG_BYTES);
      // Give every 10th tag the first 4 bytes of tag 0: same home slot, must still be told apart.
      for (let i = 10; i < n; i += 10) tags.copyWithin(i * PSI_TAG_BYTES, 0, 4);
      const set = new PsiTagSet(n);
      const oracle = new Map<string, number>();
      for (let i = 0; i < n; i++) {
        const key = hex(tags.subarray(i * PSI_TAG_BYTES, (i + 1) * PSI_TAG_BYTES));
        expect(set.add(tags, i * PSI_TAG_BYTES, i)).toBe(!oracle.has(key));
        if (!oracle.has(key)) oracle.set(key, i);
      }
      expect(set.size).toBe(oracle.size);
      for (let i = 0; i < n; i++) {
        const key = hex(tags.subarray(i * PSI_TAG_BYTES, (i + 1) * PSI_TAG_BYTES));
        expect(set.find(tags, i * PSI_TAG_BYTES)).toBe(oracle.get(key));
      }
      const strangers = randomBytes(2000 * PSI_TAG_BYTES);
      for (let i = 0; i < 2000; i++) expect(set.find(strangers, i * PSI_TAG_BYTES)).toBe(-1);
      // A tag differing from a member in its last byte only is a stranger.
      const near = tags.slice(0, PSI_TAG_BYTES);
      near[15]! ^= 1;
      expect(set.find(near, 0)).toBe(-1);
    }
  });

  it("keeps the first value of a repeated tag and refuses more tags than announced", () => {
    const tags = randomBytes(3 * PSI_TAG_BYTES);
    const set = new PsiTagSet(2);
    expect(set.add(tags, 0, 7)).toBe(true);
    expect(set.add(tags, 0, 9)).toBe(false);
    expect(set.find(tags, 0)).toBe(7);
    expect(set.add(tags, PSI_TAG_BYTES, 8)).toBe(true);
    expect(() => set.add(tags, 2 * PSI_TAG_BYTES, 1)).toThrow(/more than 2 tags/);
    expect(() => set.add(randomBytes(16), 0, -1)).toThrow(/value -1 out of range/);
  });

  it("sizes its table to at least twice the expected tags (load ≤ 1/2)", () => {
    expect(new PsiTagSet(1_000_000).capacity).toBe(2 ** 21);
    expect(new PsiTagSet(0).capacity).toBe(16);
  });
});

describe("truncateToTags", () => {
  it("keeps the first 16 bytes of every 32-byte point", () => {
    const points = randomBytes(3 * 32);
    const tags = truncateToTags(points);
    expect(tags.length).toBe(48);
    for (let i = 0; i < 3; i++)
      expect(hex(tags.subarray(i * 16, i * 16 + 16))).toBe(hex(points.subarray(i * 32, i * 32 + 16)));
    expect(() => truncateToTags(new Uint8Array(31))).toThrow(/multiple of 32/);
  });
});
