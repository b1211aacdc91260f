/**
 * The portable PSI engine: libsodium (WASM) for SHA-512, the Elligator 2 hash and X25519
 * (crypto_scalarmult), so it runs unchanged in browsers and in Node. About 10k X25519/s and 20k
 * hashes/s on one core: meant for the browser client with lists of a few thousand items; Node
 * code uses node-curve.ts (same bytes, faster X25519).
 *
 * It works on the main thread in slices and yields to the event loop between slices
 * (`yieldEvery` items), so a page stays responsive while a chunk is processed.
 *
 * libsodium's wrappers allocate and free their WASM buffers per call; nothing here holds WASM
 * memory between calls. Browser-safe: no node: imports.
 */
import sodium from "libsodium-wrappers-sumo";
import type { TPsiCurve } from "./curve";
import {
  edwardsToMontgomery,
  PSI_POINT_BYTES,
  psiFromHashInput,
  psiHashDomainOf,
  psiItemBytes,
  type TPsiHashDomain,
  type TSha512,
} from "./group";
import type { TPsiItemFormat } from "./normalize";
import { PSI_TAG_BYTES } from "./tags";

export interface TSodiumCurveOptions {
  /** Items processed between two yields to the event loop (default 256). */
  yieldEvery?: number;
}

const nextTurn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

const sodiumSha512: TSha512 = (...parts) => {
  const joined = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return sodium.crypto_hash_sha512(joined);
};

/**
 * Edwards points of H(x) under a hash domain (before the u-coordinate map): group.ts's chain with
 * libsodium's SHA-512. Exported for the known-answer tests; call after `await sodium.ready`.
 */
export function sodiumHashToEdwards(domain: TPsiHashDomain, items: readonly string[]): Uint8Array {
  const out = new Uint8Array(items.length * PSI_POINT_BYTES);
  for (let i = 0; i < items.length; i++) {
    const input = psiFromHashInput(sodiumSha512, domain, psiItemBytes(items[i]!));
    out.set(sodium.crypto_core_ed25519_from_hash(input), i * PSI_POINT_BYTES);
  }
  return out;
}

/** The libsodium engine; resolves once libsodium's WASM is ready. */
export async function createSodiumPsiCurve(options: TSodiumCurveOptions = {}): Promise<TPsiCurve> {
  await sodium.ready;
  const yieldEvery = Math.max(1, options.yieldEvery ?? 256);
  let closed = false;
  const open = () => {
    if (closed) throw new Error("psi curve (libsodium) is closed");
  };

  async function hashToGroup(format: TPsiItemFormat, items: readonly string[]): Promise<Uint8Array> {
    open();
    const edwards = new Uint8Array(items.length * PSI_POINT_BYTES);
    for (let start = 0; start < items.length; start += yieldEvery) {
      if (start > 0) await nextTurn();
      const slice = items.slice(start, start + yieldEvery);
      edwards.set(sodiumHashToEdwards(psiHashDomainOf(format), slice), start * PSI_POINT_BYTES);
    }
    return edwardsToMontgomery(edwards);
  }

  async function exponentiateInto(
    scalar: Uint8Array,
    points: Uint8Array,
    outBytes: number,
  ): Promise<Uint8Array> {
    open();
    if (points.length % PSI_POINT_BYTES !== 0) {
      throw new RangeError(`points: length ${points.length} is not a multiple of ${PSI_POINT_BYTES}`);
    }
    const count = points.length / PSI_POINT_BYTES;
    const out = new Uint8Array(count * outBytes);
    for (let i = 0; i < count; i++) {
      if (i > 0 && i % yieldEvery === 0) await nextTurn();
      let product: Uint8Array;
      try {
        product = sodium.crypto_scalarmult(
          scalar,
          points.subarray(i * PSI_POINT_BYTES, (i + 1) * PSI_POINT_BYTES),
        );
      } catch {
        throw new RangeError(`point ${i} has small order (X25519 result is zero)`);
      }
      out.set(product.subarray(0, outBytes), i * outBytes);
    }
    return out;
  }

  return {
    engine: "libsodium",
    hashToGroup,
    async hashAndExponentiate(format, items, scalar) {
      return exponentiateInto(scalar, await hashToGroup(format, items), PSI_POINT_BYTES);
    },
    exponentiate: (scalar, points) => exponentiateInto(scalar, points, PSI_POINT_BYTES),
    exponentiateToTags: (scalar, points) => exponentiateInto(scalar, points, PSI_TAG_BYTES),
    async close() {
      closed = true;
    },
  };
}
