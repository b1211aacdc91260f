/**
 * The Node PSI engine on the calling thread. SHA-512 (for expand_message_xmd) and X25519 come from
 * node:crypto (OpenSSL); the Elligator 2 map from libsodium (node:crypto has no hash-to-curve).
 * X25519 goes through KeyObjects: the peer's u-coordinate becomes a public key by prefixing the
 * fixed SPKI DER header of an X25519 key (RFC 8410), the scalar a private key by the PKCS#8
 * header; `diffieHellman` then returns X25519(k, u). ~3× the throughput of libsodium's WASM
 * crypto_scalarmult, and the same bytes (curve.test.ts).
 *
 * The synchronous functions are what the worker threads run (node-curve-worker.ts); call
 * `await sodium.ready` (done by `createNodePsiCurve` and the worker) before using them.
 * Node only: never import this file from browser code.
 */
import { createHash, createPrivateKey, createPublicKey, diffieHellman, type KeyObject } from "node:crypto";
import sodium from "libsodium-wrappers-sumo";
import type { TPsiCurve } from "./curve";
import {
  edwardsToMontgomery,
  PSI_POINT_BYTES,
  PSI_SCALAR_BYTES,
  psiFromHashInput,
  psiHashDomainOf,
  psiItemBytes,
  type TPsiHashDomain,
  type TSha512,
} from "./group";
import type { TPsiItemFormat } from "./normalize";
import { PSI_TAG_BYTES } from "./tags";

const SPKI_X25519_PREFIX = Buffer.from("302a300506032b656e032100", "hex");
const PKCS8_X25519_PREFIX = Buffer.from("302e020100300506032b656e04220420", "hex");

const nodeSha512: TSha512 = (...parts) => {
  const hash = createHash("sha512");
  for (const part of parts) hash.update(part);
  return hash.digest();
};

/** Edwards points of H(x) under a hash domain (node:crypto SHA-512, libsodium from_hash). */
export function nodeHashToEdwards(domain: TPsiHashDomain, items: readonly string[]): Uint8Array {
  const out = new Uint8Array(items.length * PSI_POINT_BYTES);
  for (let i = 0; i < items.length; i++) {
    const input = psiFromHashInput(nodeSha512, domain, psiItemBytes(items[i]!));
    out.set(sodium.crypto_core_ed25519_from_hash(input), i * PSI_POINT_BYTES);
  }
  return out;
}

/** H(x) of normalized items of a format, n × 32 bytes. */
export function nodeHashToGroup(format: TPsiItemFormat, items: readonly string[]): Uint8Array {
  return edwardsToMontgomery(nodeHashToEdwards(psiHashDomainOf(format), items));
}

/** A private KeyObject holding the scalar (clamped by X25519 when used). */
export function x25519PrivateKey(scalar: Uint8Array): KeyObject {
  if (scalar.length !== PSI_SCALAR_BYTES)
    throw new RangeError(`scalar: expected 32 bytes, got ${scalar.length}`);
  const der = Buffer.concat([PKCS8_X25519_PREFIX, scalar]);
  try {
    return createPrivateKey({ key: der, format: "der", type: "pkcs8" });
  } finally {
    der.fill(0);
  }
}

/**
 * X25519(k, u) for each packed point, keeping the first `outBytes` bytes of each product
 * (32: points, 16: tags). Throws naming the position of a small-order point.
 */
export function nodeExponentiate(privateKey: KeyObject, points: Uint8Array, outBytes: number): Uint8Array {
  if (points.length % PSI_POINT_BYTES !== 0) {
    throw new RangeError(`points: length ${points.length} is not a multiple of ${PSI_POINT_BYTES}`);
  }
  const count = points.length / PSI_POINT_BYTES;
  const out = new Uint8Array(count * outBytes);
  const der = Buffer.alloc(SPKI_X25519_PREFIX.length + PSI_POINT_BYTES);
  SPKI_X25519_PREFIX.copy(der, 0);
  for (let i = 0; i < count; i++) {
    der.set(points.subarray(i * PSI_POINT_BYTES, (i + 1) * PSI_POINT_BYTES), SPKI_X25519_PREFIX.length);
    let product: Buffer;
    try {
      const publicKey = createPublicKey({ key: der, format: "der", type: "spki" });
      product = diffieHellman({ privateKey, publicKey });
    } catch {
      throw new RangeError(`point ${i} has small order (X25519 result is zero)`);
    }
    out.set(product.subarray(0, outBytes), i * outBytes);
  }
  return out;
}

/** The Node engine on the calling thread (see node-curve-pool.ts for the threaded one). */
export async function createNodePsiCurve(): Promise<TPsiCurve> {
  await sodium.ready;
  let closed = false;
  const open = () => {
    if (closed) throw new Error("psi curve (node:crypto) is closed");
  };
  const exponentiate = async (scalar: Uint8Array, points: Uint8Array, outBytes: number) => {
    open();
    return nodeExponentiate(x25519PrivateKey(scalar), points, outBytes);
  };
  return {
    engine: "node:crypto",
    async hashToGroup(format, items) {
      open();
      return nodeHashToGroup(format, items);
    },
    async hashAndExponentiate(format, items, scalar) {
      open();
      return nodeExponentiate(x25519PrivateKey(scalar), nodeHashToGroup(format, items), PSI_POINT_BYTES);
    },
    exponentiate: (scalar, points) => exponentiate(scalar, points, PSI_POINT_BYTES),
    exponentiateToTags: (scalar, points) => exponentiate(scalar, points, PSI_TAG_BYTES),
    async close() {
      closed = true;
    },
  };
}
