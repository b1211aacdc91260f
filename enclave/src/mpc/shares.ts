/**
 * Additive secret sharing over the ring Z_2^64, vectorized on BigUint64Array. Pure functions (the
 * only side effect is drawing randomness from node:crypto).
 *
 * A secret vector x is split into n shares s_1 … s_n, uniformly random subject to
 * Σ s_i = x (mod 2^64): any n−1 shares are uniformly distributed and independent of x, so they say
 * nothing about it (n-out-of-n sharing); adding shares of several secrets position by position
 * gives shares of their sum (linear). BigUint64Array arithmetic wraps modulo 2^64 by itself
 * (a typed-array store is ToBigUint64), so `a[i] - b[i]` is ring subtraction; V8's optimizing
 * compiler keeps such loops in machine words (measured: ~2–3 ns per element, faster than
 * hand-carried 32-bit limbs). Decoding reads small totals through 32-bit limbs (smallSignedAt)
 * to avoid a BigInt and its string per element.
 *
 * Two ways to make the random shares:
 *   shareVector           n−1 shares straight from randomFillSync (the OS CSPRNG via OpenSSL);
 *   shareVectorWithSeeds  share j is the keystream of AES-256-CTR under a fresh 32-byte seed
 *                         (from randomFillSync), so a party can send the seed instead of the vector
 *                         (PRG-compressed shares: 32 bytes instead of 8 bytes per entry). The shares
 *                         are then computationally (AES as a PRG) rather than perfectly uniform —
 *                         the same assumption the transport encryption already rests on.
 *
 * Fixed-point encoding: a decimal value x at `decimals` is the integer round(x · 10^decimals)
 * (half away from zero, exact on the decimal text: PostgreSQL numeric sums arrive as text), stored
 * as its two's complement in Z_2^64; decoding reads an element as a signed 64-bit integer. Sums stay
 * exact as long as every partial and total sum lies in (−2^63, 2^63): callers check that from public
 * quantities before sharing (joint-vector.ts).
 *
 * Byte form on the wire: little-endian 8 bytes per entry (this module refuses to load on a
 * big-endian host rather than convert).
 */
import { createCipheriv, randomFillSync } from "node:crypto";
import { endianness } from "node:os";
import { decimalToSteps } from "../privacy/dp";

if (endianness() !== "LE") throw new Error("mpc shares: a little-endian host is required");

/** Seed length of a PRG-compressed share (an AES-256 key). */
export const SHARE_SEED_BYTES = 32;

const RING = 1n << 64n;
const SIGNED_MAX = (1n << 63n) - 1n;

/** A vector of `length` independent uniform ring elements. */
export function randomVector(length: number): BigUint64Array {
  const v = new BigUint64Array(length);
  randomFillSync(v);
  return v;
}

/** A fresh random seed for shareVectorWithSeeds / expandSeed. */
export function randomSeed(): Uint8Array {
  return randomFillSync(new Uint8Array(SHARE_SEED_BYTES));
}

/**
 * The share a seed stands for: `length` ring elements of AES-256-CTR keystream under the seed
 * (zero IV: every seed is fresh and used for one share only).
 */
export function expandSeed(seed: Uint8Array, length: number): BigUint64Array {
  if (seed.length !== SHARE_SEED_BYTES) throw new RangeError(`a share seed has ${SHARE_SEED_BYTES} bytes`);
  const cipher = createCipheriv("aes-256-ctr", seed, Buffer.alloc(16));
  const stream = cipher.update(Buffer.alloc(length * 8));
  if (stream.byteOffset % 8 === 0) return new BigUint64Array(stream.buffer, stream.byteOffset, length);
  // A keystream in a pooled buffer at an odd offset: copy into an aligned one.
  const out = new BigUint64Array(length);
  new Uint8Array(out.buffer).set(stream);
  return out;
}

/** target[i] += addend[i] (mod 2^64), in place. */
export function addInto(target: BigUint64Array, addend: BigUint64Array): void {
  if (target.length !== addend.length) throw new RangeError("addInto: vectors differ in length");
  for (let i = 0; i < target.length; i++) target[i] = target[i]! + addend[i]!;
}

/** target[i] −= subtrahend[i] (mod 2^64), in place. */
export function subtractInto(target: BigUint64Array, subtrahend: BigUint64Array): void {
  if (target.length !== subtrahend.length) throw new RangeError("subtractInto: vectors differ in length");
  for (let i = 0; i < target.length; i++) target[i] = target[i]! - subtrahend[i]!;
}

/** The two 32-bit limbs (low, high) of every element, over the same bytes. */
function limbs(v: BigUint64Array): Uint32Array {
  return new Uint32Array(v.buffer, v.byteOffset, v.length * 2);
}

/**
 * Element i read as a signed integer when a double holds it exactly, else null:
 * decoding millions of small totals without allocating a BigInt each (−2^53 ≤ x < 2^53).
 */
export function smallSignedAt(v: BigUint64Array, i: number): number | null {
  const l = limbs(v);
  const low = l[2 * i]!;
  const high = l[2 * i + 1]!;
  if (high < 0x200000) return high * 0x100000000 + low;
  if (high >= 0xffe00000) return (high - 0x100000000) * 0x100000000 + low;
  return null;
}

/**
 * Splits `secret` into `parties` additive shares: parties−1 uniform random vectors and the
 * secret minus their sum. Any parties−1 of them are independent of the secret.
 */
export function shareVector(secret: BigUint64Array, parties: number): BigUint64Array[] {
  if (!Number.isSafeInteger(parties) || parties < 2) throw new RangeError("shareVector: at least 2 parties");
  const shares: BigUint64Array[] = [];
  const last = secret.slice();
  for (let i = 0; i < parties - 1; i++) {
    const share = randomVector(secret.length);
    subtractInto(last, share);
    shares.push(share);
  }
  shares.push(last);
  return shares;
}

/**
 * The share the secret's holder keeps when the other shares are the expansions of `seeds`:
 * secret − Σ expandSeed(seed). Together with expandSeed(seeds[j]) for every j they sum to the secret.
 */
export function shareVectorWithSeeds(secret: BigUint64Array, seeds: readonly Uint8Array[]): BigUint64Array {
  const own = secret.slice();
  subtractSeedsInto(own, seeds);
  return own;
}

/**
 * In place: secret −= Σ expandSeed(seed), turning the secret itself into the share its holder
 * keeps (no copy of the secret is left behind).
 */
export function subtractSeedsInto(secret: BigUint64Array, seeds: readonly Uint8Array[]): void {
  for (const seed of seeds) subtractInto(secret, expandSeed(seed, secret.length));
}

/** Σ shares (mod 2^64): the secret they share. */
export function reconstruct(shares: readonly BigUint64Array[]): BigUint64Array {
  const first = shares[0];
  if (!first) throw new RangeError("reconstruct: no shares");
  const total = first.slice();
  for (const share of shares.slice(1)) addInto(total, share);
  return total;
}

/** A ring element read as a two's-complement signed 64-bit integer. */
export function toSigned(element: bigint): bigint {
  return BigInt.asIntN(64, element);
}

/** A signed integer as a ring element (two's complement); throws outside (−2^63, 2^63). */
export function fromSigned(value: bigint): bigint {
  if (value > SIGNED_MAX || value < -SIGNED_MAX)
    throw new RangeError("fixed-point value out of the 64-bit range");
  return value < 0n ? value + RING : value;
}

/** A decimal (text, or a finite number via its shortest text) as whole steps of 10^-decimals. */
export function fixedPointSteps(value: string | number, decimals: number): bigint {
  if (typeof value === "number" && !Number.isFinite(value))
    throw new RangeError("fixed-point value is not finite");
  return decimalToSteps(String(value), -decimals);
}

/** Whole steps of 10^-decimals as exact decimal text ("-12.5" → steps −1250 at 2 decimals gives "-12.50"). */
export function stepsToDecimal(steps: bigint | number, decimals: number): string {
  if (typeof steps === "number") {
    if (!Number.isSafeInteger(steps)) throw new RangeError("stepsToDecimal: not a safe integer");
    if (decimals === 0) return String(steps);
    steps = BigInt(steps);
  }
  if (decimals <= 0) return (steps * 10n ** BigInt(-decimals)).toString();
  const negative = steps < 0n;
  const digits = (negative ? -steps : steps).toString().padStart(decimals + 1, "0");
  const text = `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
  return negative ? `-${text}` : text;
}

/** Rescales whole steps from 10^-from to 10^-to, rounding half away from zero. */
export function rescaleSteps(steps: bigint, from: number, to: number): bigint {
  if (to >= from) return steps * 10n ** BigInt(to - from);
  const divisor = 10n ** BigInt(from - to);
  const magnitude = steps < 0n ? -steps : steps;
  const rounded = (magnitude + divisor / 2n) / divisor;
  return steps < 0n ? -rounded : rounded;
}

/** The vector's bytes on the wire (little-endian), without copying. */
export function vectorBytes(v: BigUint64Array): Uint8Array {
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}

/**
 * A vector of `length` entries over its wire bytes (a view when they are 8-byte aligned, else an
 * aligned copy); throws on a size mismatch.
 */
export function vectorFromBytes(bytes: Uint8Array, length: number): BigUint64Array {
  if (bytes.length !== length * 8)
    throw new RangeError(
      `expected a vector of ${length} entries (${length * 8} bytes), got ${bytes.length} bytes`,
    );
  if (bytes.byteOffset % 8 === 0) return new BigUint64Array(bytes.buffer, bytes.byteOffset, length);
  const v = new BigUint64Array(length);
  new Uint8Array(v.buffer).set(bytes);
  return v;
}
