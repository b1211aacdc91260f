/**
 * Slot layouts and rotation steps: block sizes, batch counts, and the Galois elements computed
 * here agree with the keys real SEAL generates for those steps.
 */
import { describe, expect, it } from "vitest";
import {
  galoisElementOfStep,
  galoisStepsFor,
  replicatedWeights,
  scoringBatchCount,
  scoringBlockSize,
  selectionBatchCount,
} from "./layout";
import { BFV_PRESET, BFV_PRESET_ID, CKKS_PRESET, CKKS_PRESET_ID, loadSeal, presetKit } from "./presets";

const seal = await loadSeal();

describe("HE layouts", () => {
  it("scoring blocks are the next power of two and weights repeat per block", () => {
    expect([1, 2, 3, 4, 5, 8, 9, 16].map(scoringBlockSize)).toEqual([1, 2, 4, 4, 8, 8, 16, 16]);
    expect(() => scoringBlockSize(17)).toThrow(RangeError);
    const slots = replicatedWeights([1, 2, 3]);
    expect(Array.from(slots.subarray(0, 9))).toEqual([1, 2, 3, 0, 1, 2, 3, 0, 1]);
    expect(slots.length).toBe(4096);
  });

  it("counts batches per preset", () => {
    expect(scoringBatchCount(100_000)).toBe(25);
    expect(selectionBatchCount(BFV_PRESET, 100_000)).toBe(13);
    expect(selectionBatchCount(CKKS_PRESET, 1_000_000)).toBe(245);
    expect(selectionBatchCount(BFV_PRESET, 8192)).toBe(1);
  });

  it("asks for exactly the steps each mode rotates by", () => {
    expect(galoisStepsFor("scoring", CKKS_PRESET, 16)).toEqual([1, 2, 4, 8]);
    expect(galoisStepsFor("scoring", CKKS_PRESET, 3)).toEqual([1, 2]);
    expect(galoisStepsFor("scoring", CKKS_PRESET, 1)).toEqual([]);
    expect(galoisStepsFor("lookup", BFV_PRESET)).toEqual([
      1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 0,
    ]);
    expect(galoisStepsFor("aggregate", CKKS_PRESET)).toEqual([
      1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048,
    ]);
    expect(() => galoisStepsFor("scoring", BFV_PRESET, 4)).toThrow(/CKKS/);
  });

  it("computes the Galois elements SEAL uses for those steps", () => {
    for (const id of [BFV_PRESET_ID, CKKS_PRESET_ID] as const) {
      const kit = presetKit(seal, id);
      const generator = new seal.KeyGenerator(kit.context);
      const keys = generator.createGaloisKeysWithSteps(Int32Array.from([1, 8, 0]));
      try {
        for (const step of [1, 8, 0]) expect(keys.hasKey(galoisElementOfStep(step, 8192))).toBe(true);
        for (const step of [2, 4, 2048]) expect(keys.hasKey(galoisElementOfStep(step, 8192))).toBe(false);
      } finally {
        keys.delete();
        generator.delete();
      }
    }
    expect(galoisElementOfStep(0, 8192)).toBe(16383);
    expect(galoisElementOfStep(1, 8192)).toBe(3);
  });
});
