/**
 * mulberry32: a small 32-bit PRNG, deterministic on every platform — for generated mock data and
 * for tests whose random inputs must be replayable from a seed. Never for anything secret (use
 * node:crypto or crypto.getRandomValues).
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
