/**
 * How each encrypted-query mode lays its values out in SEAL's slots, shared by the buyer client
 * (which packs inputs and reads results) and the enclave (which packs its plaintext data the same
 * way), plus the exact Galois rotation steps each mode needs.
 *
 * Entities are numbered 0..n-1 in the public order the platform publishes.
 *
 * Scoring (CKKS, 4096 slots): block size D = the next power of two ≥ d (d ≤ 16 features). The
 * buyer encrypts ONE ciphertext whose slot s holds w[s mod D] (w padded with zeros to D). The
 * result of batch b holds entity 4096·b + s's score in slot s: every slot is a whole score, so no
 * slot carries a partial sum and nothing needs masking (slots past n decrypt to ≈ 0). The enclave
 * gets there with the "diagonal" method: rot_r(w)[s] = w[(s + r) mod D] for r = 0..D-1 (built
 * from rotations by 1, 2, 4, …, D/2), and for each batch Σ_r rot_r(w) ⊙ P_r with the plaintext
 * P_r[s] = f[entity(s)][(s + r) mod D]; Σ_r w[(s+r) mod D]·f[e][(s+r) mod D] = w·f_e.
 * Compared with packing 256 entities × 16 features per ciphertext and rotating-and-summing every
 * block (then masking the partial sums away), this sends the same single weight ciphertext and
 * uses the same Galois keys, but needs D−1 rotations in total instead of log2(D) per 256
 * entities, and returns 16× fewer ciphertexts (measured in scripts/bench/crypto/he.ts).
 *
 * Selection (lookup and aggregates): entity i sits in ciphertext floor(i / slots), slot
 * i mod slots (slots = 8192 for BFV, 4096 for CKKS); slots past n are 0. Results are summed over
 * every slot (rotate-and-sum), so each slot of a result holds the whole result.
 */
import { BFV_PRESET, CKKS_PRESET, HE_MAX_ENTITIES, type THePreset } from "./presets";

export const HE_MODES = ["scoring", "lookup", "aggregate"] as const;
export type THeMode = (typeof HE_MODES)[number];

/** Most features a scoring query takes. */
export const HE_MAX_FEATURES = 16;

/** Scoring block size: the next power of two ≥ featureCount. */
export function scoringBlockSize(featureCount: number): number {
  if (!Number.isInteger(featureCount) || featureCount < 1 || featureCount > HE_MAX_FEATURES) {
    throw new RangeError(`featureCount must be an integer in 1..${HE_MAX_FEATURES}`);
  }
  let block = 1;
  while (block < featureCount) block *= 2;
  return block;
}

/** Number of result ciphertexts of a scoring query over n entities. */
export function scoringBatchCount(entityCount: number): number {
  return Math.ceil(entityCount / CKKS_PRESET.slotCount);
}

/** Number of selection ciphertexts for n entities under a preset. */
export function selectionBatchCount(preset: THePreset, entityCount: number): number {
  return Math.ceil(entityCount / preset.slotCount);
}

/** Powers of two 1, 2, 4, … below `limit`. */
function powersOfTwoBelow(limit: number): number[] {
  const steps: number[] = [];
  for (let step = 1; step < limit; step *= 2) steps.push(step);
  return steps;
}

/**
 * The exact rotation steps a mode needs (SEAL's convention: a positive step rotates left; BFV's
 * step 0 stands for the column rotation that swaps the two rows).
 */
export function galoisStepsFor(mode: THeMode, preset: THePreset, featureCount?: number): number[] {
  if (mode === "scoring") {
    if (preset.scheme !== "ckks") throw new RangeError("scoring uses the CKKS preset");
    return powersOfTwoBelow(scoringBlockSize(featureCount ?? 0));
  }
  if (preset.scheme === "bfv") return [...powersOfTwoBelow(BFV_PRESET.rowSize), 0];
  return powersOfTwoBelow(CKKS_PRESET.slotCount);
}

/** SEAL's Galois element for a rotation step (GaloisTool::get_elt_from_step). */
export function galoisElementOfStep(step: number, polyModulusDegree: number): number {
  const m = 2 * polyModulusDegree;
  if (step === 0) return m - 1;
  const half = polyModulusDegree / 2;
  const magnitude = Math.abs(step);
  if (!Number.isInteger(step) || magnitude >= half)
    throw new RangeError(`rotation step ${step} out of range`);
  let exponent = step < 0 ? half - magnitude : magnitude;
  let element = 1;
  while (exponent-- > 0) element = (element * 3) % m;
  return element;
}

/** The weight vector replicated for scoring: slot s holds w[s mod D]. */
export function replicatedWeights(weights: readonly number[]): Float64Array {
  const block = scoringBlockSize(weights.length);
  const slots = new Float64Array(CKKS_PRESET.slotCount);
  for (let s = 0; s < slots.length; s++) slots[s] = weights[s % block] ?? 0;
  return slots;
}

/** Checks n against the limit; returns it. */
export function checkedEntityCount(entityCount: number): number {
  if (!Number.isInteger(entityCount) || entityCount < 1 || entityCount > HE_MAX_ENTITIES) {
    throw new RangeError(`entityCount must be an integer in 1..${HE_MAX_ENTITIES}`);
  }
  return entityCount;
}
