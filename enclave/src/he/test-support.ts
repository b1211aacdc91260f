/**
 * Helpers for the HE tests: a seeded random generator (property tests replay the same cases),
 * and a raw decryption of a result with the buyer's exported key, to look at every slot (the
 * client only returns the defined result).
 */
import type { HeBuyer } from "@pdx/common/he/buyer-client";
import { presetKit, type TBfvKit, type TCkksKit, type THePresetId, type TSeal } from "@pdx/common/he/presets";
import { withSealScope } from "@pdx/common/he/seal-scope";
import { base64ToBytes } from "@pdx/common/he/wire";

/** mulberry32: a small deterministic PRNG in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [min, max]. */
export function randomInt(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** Every slot of a result ciphertext, decrypted with the buyer's secret key. */
export function decryptAllSlots(
  seal: TSeal,
  buyer: HeBuyer,
  preset: THePresetId,
  text: string,
): Float64Array | BigInt64Array {
  const kit = presetKit(seal, preset);
  return withSealScope((scope) => {
    const key = scope.track(new seal.SecretKey());
    key.loadFromArray(kit.context, buyer.exportSecretKey());
    const decryptor = scope.track(new seal.Decryptor(kit.context, key));
    const ct = scope.track(new seal.Ciphertext());
    ct.loadFromArray(kit.context, base64ToBytes(text, "result"));
    const plain = scope.track(new seal.Plaintext());
    decryptor.decrypt(ct, plain);
    return kit.preset.scheme === "bfv"
      ? BigInt64Array.from((kit as TBfvKit).encoder.decodeBigInt64(plain) as BigInt64Array)
      : Float64Array.from((kit as TCkksKit).encoder.decodeFloat64(plain) as Float64Array);
  });
}

/** The SEAL level (number of primes) of a result ciphertext. */
export function resultPrimes(seal: TSeal, preset: THePresetId, text: string): number {
  const kit = presetKit(seal, preset);
  return withSealScope((scope) => {
    const ct = scope.track(new seal.Ciphertext());
    ct.loadFromArray(kit.context, base64ToBytes(text, "result"));
    return ct.coeffModulusSize();
  });
}

/**
 * Stated tolerance: |error| ≤ 3e-6·Σ_k |f_jk| + 1e-7·Σ_k |w_k·f_jk| + 2e-5.
 *   3e-6·Σ|f|: the absolute error of the rotated weights — the buyer's encryption noise
 *     (≈ 2e-10) plus SEAL's key-switching noise, which is biased and concentrates in the slots
 *     next to 0 and 4095 (measured ≤ 1.2e-6 there, 6e-9 on average);
 *   1e-7·Σ|w·f|: encoding the features at scale 2^30;
 *   2e-5: the rescale and re-randomization noise at scale 2^30.
 */
export function scoringTolerance(
  weights: readonly number[],
  features: Float64Array,
  j: number,
  d: number,
): number {
  let absFeatures = 0;
  let magnitude = 0;
  for (let k = 0; k < d; k++) {
    absFeatures += Math.abs(features[j * d + k]!);
    magnitude += Math.abs(weights[k]! * features[j * d + k]!);
  }
  return 3e-6 * absFeatures + 1e-7 * magnitude + 2e-5;
}
