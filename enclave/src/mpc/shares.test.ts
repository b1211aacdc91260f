/**
 * Additive sharing over Z_2^64 on its own: shares reconstruct exactly (wrap-around and negative
 * values included), n−1 shares look uniform whatever the secret, seed-compressed shares equal their
 * expansion, and the fixed-point encoding is exact on decimal text.
 */
import { describe, expect, it } from "vitest";
import {
  addInto,
  expandSeed,
  fixedPointSteps,
  fromSigned,
  randomSeed,
  randomVector,
  reconstruct,
  rescaleSteps,
  shareVector,
  shareVectorWithSeeds,
  smallSignedAt,
  stepsToDecimal,
  subtractInto,
  toSigned,
  vectorBytes,
  vectorFromBytes,
} from "./shares";
import { byteChiSquare, CHI2_255_LIMIT } from "./testing/randomness";

function secretOf(values: readonly bigint[]): BigUint64Array {
  return BigUint64Array.from(values.map((v) => fromSigned(v)));
}

describe("shareVector / reconstruct", () => {
  it("reconstructs the secret exactly for 2 to 5 parties, negatives and extremes included", () => {
    const values = [0n, 1n, -1n, 123_456_789_012n, -(2n ** 62n), 2n ** 63n - 1n, -(2n ** 63n - 1n)];
    const secret = secretOf(values);
    for (let n = 2; n <= 5; n++) {
      const shares = shareVector(secret, n);
      expect(shares).toHaveLength(n);
      expect([...reconstruct(shares)].map(toSigned)).toEqual(values);
    }
  });

  it("adds shares of two secrets into shares of their sum (linearity)", () => {
    const a = secretOf([5n, -7n, 2n ** 40n]);
    const b = secretOf([-5n, 10n, 3n]);
    const sa = shareVector(a, 3);
    const sb = shareVector(b, 3);
    for (let i = 0; i < 3; i++) addInto(sa[i]!, sb[i]!);
    expect([...reconstruct(sa)].map(toSigned)).toEqual([0n, 3n, 2n ** 40n + 3n]);
  });

  it("gives n−1 shares that look uniform even for an all-zero secret, and fresh ones each time", () => {
    const secret = new BigUint64Array(16_384);
    const [first, second] = shareVector(secret, 3);
    expect(byteChiSquare(first!)).toBeLessThan(CHI2_255_LIMIT);
    expect(byteChiSquare(second!)).toBeLessThan(CHI2_255_LIMIT);
    const again = shareVector(secret, 3)[0]!;
    expect(again).not.toEqual(first);
  });

  it("refuses fewer than 2 parties", () => {
    expect(() => shareVector(new BigUint64Array(1), 1)).toThrow(/at least 2 parties/);
  });
});

describe("ring arithmetic", () => {
  it("adds and subtracts modulo 2^64 exactly like BigInt arithmetic, carries and borrows included", () => {
    const a = randomVector(4096);
    const b = randomVector(4096);
    a.set([0xffffffffn, 2n ** 64n - 1n, 0n, 2n ** 32n]);
    b.set([1n, 1n, 1n, 1n]);
    const sum = a.slice();
    addInto(sum, b);
    const difference = a.slice();
    subtractInto(difference, b);
    for (let i = 0; i < a.length; i++) {
      expect(sum[i]).toBe(BigInt.asUintN(64, a[i]! + b[i]!));
      expect(difference[i]).toBe(BigInt.asUintN(64, a[i]! - b[i]!));
    }
    expect([...sum.slice(0, 4)]).toEqual([2n ** 32n, 0n, 1n, 2n ** 32n + 1n]);
    expect([...difference.slice(0, 4)]).toEqual([0xfffffffen, 2n ** 64n - 2n, 2n ** 64n - 1n, 0xffffffffn]);
  });

  it("reads small signed elements as numbers and leaves large ones to BigInt", () => {
    const v = secretOf([0n, -1n, 2n ** 53n - 1n, -(2n ** 53n) + 1n, 2n ** 53n, -(2n ** 60n)]);
    expect([0, 1, 2, 3].map((i) => smallSignedAt(v, i))).toEqual([0, -1, 2 ** 53 - 1, -(2 ** 53) + 1]);
    expect(smallSignedAt(v, 4)).toBeNull();
    expect(smallSignedAt(v, 5)).toBeNull();
  });
});

describe("seed-compressed shares", () => {
  it("expand deterministically, look uniform, and sum with the kept share to the secret", () => {
    const seedA = randomSeed();
    const seedB = randomSeed();
    expect(expandSeed(seedA, 10)).toEqual(expandSeed(seedA, 10));
    expect(expandSeed(seedA, 10)).not.toEqual(expandSeed(seedB, 10));
    expect(byteChiSquare(expandSeed(seedA, 16_384))).toBeLessThan(CHI2_255_LIMIT);

    const secret = secretOf([42n, -42n, 0n, 2n ** 50n]);
    const kept = shareVectorWithSeeds(secret, [seedA, seedB]);
    const total = reconstruct([kept, expandSeed(seedA, 4), expandSeed(seedB, 4)]);
    expect([...total].map(toSigned)).toEqual([42n, -42n, 0n, 2n ** 50n]);
    expect(kept).not.toEqual(secret);
  });

  it("refuses a seed of the wrong size", () => {
    expect(() => expandSeed(new Uint8Array(16), 4)).toThrow(/32 bytes/);
  });
});

describe("fixed-point encoding", () => {
  it("encodes decimal text exactly, rounding half away from zero", () => {
    expect(fixedPointSteps("960.12", 2)).toBe(96_012n);
    expect(fixedPointSteps("-0.005", 2)).toBe(-1n);
    expect(fixedPointSteps("0.004", 2)).toBe(0n);
    expect(fixedPointSteps(0.1 + 0.2, 2)).toBe(30n);
    expect(fixedPointSteps("12345678901234567.89", 2)).toBe(1_234_567_890_123_456_789n);
    expect(() => fixedPointSteps(Number.NaN, 2)).toThrow(/not finite/);
  });

  it("writes steps back as decimal text and rescales with rounding", () => {
    expect(stepsToDecimal(-1250n, 2)).toBe("-12.50");
    expect(stepsToDecimal(5n, 3)).toBe("0.005");
    expect(stepsToDecimal(7n, 0)).toBe("7");
    expect(stepsToDecimal(7n, -3)).toBe("7000");
    expect(rescaleSteps(12_345n, 4, 2)).toBe(123n);
    expect(rescaleSteps(-12_350n, 4, 2)).toBe(-124n);
    expect(rescaleSteps(3n, 0, 2)).toBe(300n);
  });

  it("keeps two's complement in range and refuses what does not fit", () => {
    expect(toSigned(fromSigned(-3n))).toBe(-3n);
    expect(fromSigned(-1n)).toBe(2n ** 64n - 1n);
    expect(() => fromSigned(2n ** 63n)).toThrow(/out of the 64-bit range/);
  });
});

describe("wire bytes", () => {
  it("round-trips a vector and refuses a size mismatch", () => {
    const v = randomVector(5);
    expect(vectorFromBytes(vectorBytes(v), 5)).toEqual(v);
    expect(() => vectorFromBytes(vectorBytes(v), 4)).toThrow(/expected a vector of 4 entries/);
  });
});
