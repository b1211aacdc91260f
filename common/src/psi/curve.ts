/**
 * The four heavy operations of the PSI protocol, behind one interface so each side picks its
 * engine: the portable libsodium engine (sodium-curve.ts: browsers and small lists, main thread),
 * the Node engine (node-curve.ts: node:crypto X25519, ~3× faster) and the Node worker pool over
 * it (node-curve-pool.ts: the same on 2 threads). All give identical bytes (curve.test.ts).
 *
 * Points are packed: n × 32-byte u-coordinates in one Uint8Array; tags n × 16 bytes (tags.ts).
 * A scalar is 32 random bytes, clamped by X25519.
 */
import type { TPsiItemFormat } from "./normalize";

export interface TPsiCurve {
  /** What it runs on, for logs and benchmarks ("libsodium", "node:crypto", "node:crypto ×2 workers"). */
  readonly engine: string;
  /** H(x) of normalized items: n × 32 bytes (group.ts: SHA-512, Elligator 2, u-coordinate). */
  hashToGroup(format: TPsiItemFormat, items: readonly string[]): Promise<Uint8Array>;
  /** [k]H(x) of normalized items: the buyer's blinding, without returning H(x) itself. */
  hashAndExponentiate(
    format: TPsiItemFormat,
    items: readonly string[],
    scalar: Uint8Array,
  ): Promise<Uint8Array>;
  /** X25519(k, u) for each packed point: n × 32 bytes. Throws on a small-order input point. */
  exponentiate(scalar: Uint8Array, points: Uint8Array): Promise<Uint8Array>;
  /** Like `exponentiate`, returning only the 16-byte tags (n × 16 bytes). */
  exponentiateToTags(scalar: Uint8Array, points: Uint8Array): Promise<Uint8Array>;
  /** Frees what the engine holds (worker threads); the engine is unusable afterwards. */
  close(): Promise<void>;
}
