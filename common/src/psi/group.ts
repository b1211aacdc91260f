/**
 * The group of the PSI protocol and its plain arithmetic: the prime-order subgroup of Curve25519,
 * x-only (a point is its 32-byte little-endian Montgomery u-coordinate, as in X25519).
 *
 * Hash to the group, H(x): RFC 9380 encode_to_curve with suite curve25519_XMD:SHA-512_ELL2_NU_
 * and a domain separation tag per item format (`psiHashDst`):
 *   uniform = expand_message_xmd(SHA-512, UTF-8(normalized item), DST, 48 bytes)     here
 *   E = crypto_core_ed25519_from_hash(0¹⁶ ‖ uniform)   libsodium 1.0.22 (WASM): the 64 bytes as a
 *        big-endian integer mod p, Elligator 2, cofactor cleared (×8) → a main-subgroup point
 *   u = (1 + y) / (1 − y) mod p                         RFC 7748 §4.1 map to the Montgomery form
 * Following the RFC exactly lets the tests check the whole chain against its published vectors
 * (RFC 9380 Appendix J.4.2 for u, J.5.2 for E); expand_message_xmd costs two SHA-512 per item.
 * The last step is done here in BigInt with ONE field inversion per batch (Montgomery's trick):
 * libsodium's crypto_sign_ed25519_pk_to_curve25519 re-validates the subgroup and costs three times
 * the hash itself. The x sign bit of E is irrelevant to u (x-only).
 *
 * Exponentiation is X25519(k, u) with a clamped scalar: [a][b]P = [b][a]P, and the factor 8 in
 * clamping sends any small-order component to the identity. Points a peer sends are checked with
 * `blindedPointsProblem`: 32 bytes each, canonical (u < p), not one of the small-order
 * u-coordinates (their X25519 output is all-zero). Points on the quadratic twist need no check:
 * Curve25519 is twist-secure and clamping removes the twist's cofactor 4 as well.
 *
 * Browser-safe: no node: imports (random bytes from globalThis.crypto).
 */
import type { TPsiItemFormat } from "./normalize";

/** Bytes of one group element on the wire (u-coordinate, little-endian). */
export const PSI_POINT_BYTES = 32;
/** Bytes of a secret scalar (clamped by X25519 itself). */
export const PSI_SCALAR_BYTES = 32;

/** The hash suite (RFC 9380 §8.5); a change of the map or of normalization needs a new V<nn>. */
export const PSI_HASH_SUITE = "curve25519_XMD:SHA-512_ELL2_NU_";

/** The domain separation tag of a format: "PDX-PSI-V01-<format>-with-<suite>" (RFC 9380 §3.1). */
export function psiHashDst(format: TPsiItemFormat): string {
  return `PDX-PSI-V01-${format}-with-${PSI_HASH_SUITE}`;
}

/** The fixed parts of expand_message_xmd for one DST (RFC 9380 §5.3.1, SHA-512, 48 bytes out). */
export interface TPsiHashDomain {
  dst: string;
  /** Z_pad: one SHA-512 block of zeros, before the message. */
  zPad: Uint8Array;
  /** After the message in b_0: I2OSP(48, 2) ‖ I2OSP(0, 1) ‖ DST_prime. */
  suffix0: Uint8Array;
  /** After b_0 in b_1: I2OSP(1, 1) ‖ DST_prime. */
  suffix1: Uint8Array;
}

const P = 2n ** 255n - 19n;
const P_MINUS_2 = P - 2n;
const MASK_64 = (1n << 64n) - 1n;
const MASK_63 = (1n << 63n) - 1n;
const encoder = new TextEncoder();
const FIELD_BYTES_L = 48; // L = ceil((ceil(log2(p)) + k) / 8) with k = 128
const SHA512_BLOCK_BYTES = 128;
const domains = new Map<string, TPsiHashDomain>();

/** The expand_message_xmd constants of a DST (of at most 255 bytes). */
export function psiHashDomain(dst: string): TPsiHashDomain {
  const known = domains.get(dst);
  if (known) return known;
  const dstBytes = encoder.encode(dst);
  if (dstBytes.length > 255) throw new RangeError("psi hash: DST longer than 255 bytes");
  const dstPrime = new Uint8Array([...dstBytes, dstBytes.length]);
  const domain: TPsiHashDomain = {
    dst,
    zPad: new Uint8Array(SHA512_BLOCK_BYTES),
    suffix0: new Uint8Array([0, FIELD_BYTES_L, 0, ...dstPrime]),
    suffix1: new Uint8Array([1, ...dstPrime]),
  };
  domains.set(dst, domain);
  return domain;
}

/** The hash domain of a format. */
export const psiHashDomainOf = (format: TPsiItemFormat): TPsiHashDomain => psiHashDomain(psiHashDst(format));

/** SHA-512 over the concatenation of parts (each engine brings its own). */
export type TSha512 = (...parts: Uint8Array[]) => Uint8Array;

/**
 * The 64-byte input of crypto_core_ed25519_from_hash for one message: 16 zero bytes followed by
 * expand_message_xmd(msg, DST, 48), i.e. the RFC's 48-byte field string as a big-endian integer.
 */
export function psiFromHashInput(sha512: TSha512, domain: TPsiHashDomain, message: Uint8Array): Uint8Array {
  const b0 = sha512(domain.zPad, message, domain.suffix0);
  const b1 = sha512(b0, domain.suffix1);
  const input = new Uint8Array(64);
  input.set(b1.subarray(0, FIELD_BYTES_L), 64 - FIELD_BYTES_L);
  return input;
}

/** UTF-8 bytes of a normalized item (the hashed message). */
export const psiItemBytes = (item: string): Uint8Array => encoder.encode(item);

function modPow(base: bigint, exponent: bigint): bigint {
  let result = 1n;
  let b = base % P;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % P;
    b = (b * b) % P;
    e >>= 1n;
  }
  return result;
}

function readField(view: DataView, offset: number): bigint {
  return (
    view.getBigUint64(offset, true) |
    (view.getBigUint64(offset + 8, true) << 64n) |
    (view.getBigUint64(offset + 16, true) << 128n) |
    ((view.getBigUint64(offset + 24, true) & MASK_63) << 192n)
  );
}

function writeField(view: DataView, offset: number, value: bigint): void {
  view.setBigUint64(offset, value & MASK_64, true);
  view.setBigUint64(offset + 8, (value >> 64n) & MASK_64, true);
  view.setBigUint64(offset + 16, (value >> 128n) & MASK_64, true);
  view.setBigUint64(offset + 24, value >> 192n, true);
}

/**
 * Montgomery u-coordinates of compressed Edwards points (n × 32 bytes in, n × 32 bytes out), with
 * one field inversion for the whole batch. Throws on the identity (y = 1, which has no u): the
 * hash cannot produce it except with probability ~2⁻²⁵⁰.
 */
export function edwardsToMontgomery(edwards: Uint8Array): Uint8Array {
  if (edwards.length % PSI_POINT_BYTES !== 0) {
    throw new RangeError(`edwards points: length ${edwards.length} is not a multiple of 32`);
  }
  const count = edwards.length / PSI_POINT_BYTES;
  const input = new DataView(edwards.buffer, edwards.byteOffset, edwards.byteLength);
  const numerators = new Array<bigint>(count);
  const denominators = new Array<bigint>(count);
  const prefix = new Array<bigint>(count);
  let product = 1n;
  for (let i = 0; i < count; i++) {
    const y = readField(input, i * PSI_POINT_BYTES) % P;
    const denominator = (P + 1n - y) % P;
    if (denominator === 0n) throw new RangeError(`edwards point ${i} is the identity (no u-coordinate)`);
    numerators[i] = (y + 1n) % P;
    denominators[i] = denominator;
    prefix[i] = product;
    product = (product * denominator) % P;
  }
  let inverse = modPow(product, P_MINUS_2);
  const out = new Uint8Array(edwards.length);
  const output = new DataView(out.buffer);
  for (let i = count - 1; i >= 0; i--) {
    const inverseDenominator = (inverse * prefix[i]!) % P;
    inverse = (inverse * denominators[i]!) % P;
    writeField(output, i * PSI_POINT_BYTES, (numerators[i]! * inverseDenominator) % P);
  }
  return out;
}

/**
 * The canonical u-coordinates of small order on Curve25519 or its twist, little-endian hex (the
 * list libsodium refuses in crypto_scalarmult, less its non-canonical p and p + 1): a clamped
 * X25519 maps each of them to 0 (group.test.ts checks this).
 */
export const SMALL_ORDER_U_HEX = [
  "0000000000000000000000000000000000000000000000000000000000000000", // 0
  "0100000000000000000000000000000000000000000000000000000000000000", // 1
  "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // p − 1
  "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800", // order 8
  "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157", // order 8
] as const;

const SMALL_ORDER_U = SMALL_ORDER_U_HEX.map((hex) =>
  Uint8Array.from(hex.match(/../g)!, (b) => parseInt(b, 16)),
);

function isCanonicalU(bytes: Uint8Array, offset: number): boolean {
  const top = bytes[offset + 31]!;
  if (top > 0x7f) return false;
  if (top < 0x7f) return true;
  for (let i = 30; i >= 1; i--) if (bytes[offset + i] !== 0xff) return true;
  return bytes[offset]! < 0xed;
}

function isSmallOrderU(bytes: Uint8Array, offset: number): boolean {
  for (const bad of SMALL_ORDER_U) {
    let same = true;
    for (let i = 0; i < PSI_POINT_BYTES && same; i++) same = bytes[offset + i] === bad[i];
    if (same) return true;
  }
  return false;
}

/**
 * Why the point at `index` of a packed list is not acceptable from a peer, or null. The reason
 * names the position and the rule, never the bytes.
 */
export function blindedPointProblem(points: Uint8Array, index: number): string | null {
  const offset = index * PSI_POINT_BYTES;
  if (!isCanonicalU(points, offset))
    return `point ${index} is not a canonical u-coordinate (must be < 2^255 − 19)`;
  if (isSmallOrderU(points, offset))
    return `point ${index} is a small-order point (its product would be zero)`;
  return null;
}

/** The first problem of a packed list of `expected` points, or null when all are acceptable. */
export function blindedPointsProblem(points: Uint8Array, expected: number): string | null {
  if (points.length % PSI_POINT_BYTES !== 0) {
    return `length ${points.length} bytes is not a whole number of ${PSI_POINT_BYTES}-byte points`;
  }
  const count = points.length / PSI_POINT_BYTES;
  if (count !== expected) return `expected ${expected} points, got ${count}`;
  for (let i = 0; i < count; i++) {
    const problem = blindedPointProblem(points, i);
    if (problem) return problem;
  }
  return null;
}

/** A fresh secret scalar (32 random bytes; X25519 clamps it). */
export function randomPsiScalar(): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(PSI_SCALAR_BYTES));
}
