/**
 * The presets against real node-seal: both build valid 128-bit contexts with the documented
 * moduli and chains, broken variants are refused with a named check, kits are built once, and
 * SEAL's WebAssembly exceptions become readable errors.
 */
import { describe, expect, it } from "vitest";
import { HeError } from "./he-error";
import {
  BFV_PRESET,
  BFV_PRESET_ID,
  CKKS_PRESET,
  CKKS_PRESET_ID,
  contextSpecOf,
  createCheckedContext,
  errorText,
  loadSeal,
  presetKit,
  sealError,
} from "./presets";

const seal = await loadSeal();

describe("HE presets", () => {
  it("BFV: BFVDefault(8192) at 128 bits, 60-bit batching modulus, chain from 4 to 2 primes", () => {
    const kit = presetKit(seal, BFV_PRESET_ID);
    expect(kit.context.parametersSet()).toBe(true);
    const first = kit.context.firstContextData();
    const qualifiers = first.qualifiers();
    const parms = first.parms();
    const plain = parms.plainModulus();
    try {
      expect(qualifiers.securityLevel).toBe(seal.SecLevelType.tc128);
      expect(qualifiers.usingBatching).toBe(true);
      expect(plain.value()).toBe(BFV_PRESET.plainModulus);
      expect(plain.bitCount()).toBe(60);
      expect(first.totalCoeffModulusBitCount()).toBe(43 + 43 + 44 + 44);
    } finally {
      for (const o of [plain, parms, qualifiers, first]) o.delete();
    }
    expect(kit.firstChainIndex).toBe(2); // 4, 3 and 2 primes
    expect(BFV_PRESET.plainModulus % BigInt(2 * 8192)).toBe(1n); // batching prime: t ≡ 1 mod 2N
  });

  it("CKKS: 60+40+40+60 bits at 128 bits, chain from 3 primes to 1", () => {
    const kit = presetKit(seal, CKKS_PRESET_ID);
    const first = kit.context.firstContextData();
    const qualifiers = first.qualifiers();
    try {
      expect(qualifiers.securityLevel).toBe(seal.SecLevelType.tc128);
      expect(first.totalCoeffModulusBitCount()).toBe(140);
    } finally {
      qualifiers.delete();
      first.delete();
    }
    expect(kit.firstChainIndex).toBe(2);
    expect(CKKS_PRESET.scale).toBe(2 ** 40);
  });

  it("builds each kit once per SEAL module", () => {
    expect(presetKit(seal, BFV_PRESET_ID)).toBe(presetKit(seal, BFV_PRESET_ID));
    expect(presetKit(seal, CKKS_PRESET_ID)).not.toBe(presetKit(seal, BFV_PRESET_ID));
  });

  it("refuses parameters that are not 128-bit secure, naming the preset", () => {
    const tooBig = { ...contextSpecOf(CKKS_PRESET), id: "too-big", coeffModulusBits: [60, 60, 60, 60] };
    expect(() => createCheckedContext(seal, tooBig)).toThrow(HeError);
    expect(() => createCheckedContext(seal, tooBig)).toThrow(/too-big.*128-bit security/);
  });

  it("refuses a preset whose moduli drifted from the documented ones", () => {
    const otherPlain = { ...contextSpecOf(BFV_PRESET), plainModulusBits: 59 };
    expect(() => createCheckedContext(seal, otherPlain)).toThrow(
      /batching plain modulus is \d+, expected 1152921504606830593/,
    );
    const otherCoeff = { ...contextSpecOf(BFV_PRESET), coeffModulusBits: [44, 44, 44, 43, 43] };
    expect(() => createCheckedContext(seal, otherCoeff)).toThrow(
      /coefficient modulus has 43\+43\+44\+44\+44 bits/,
    );
    const otherChain = { ...contextSpecOf(CKKS_PRESET), dataLevels: 2 };
    expect(() => createCheckedContext(seal, otherChain)).toThrow(/chain has 3 data levels, expected 2/);
  });

  it("turns a SEAL WebAssembly.Exception into an Error with a readable message", () => {
    const kit = presetKit(seal, BFV_PRESET_ID);
    const ct = new seal.Ciphertext();
    let caught: unknown;
    try {
      ct.loadFromArray(
        kit.context,
        new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]),
      );
    } catch (err) {
      caught = err;
    } finally {
      ct.delete();
    }
    expect((caught as object).constructor.name).toBe("Exception"); // WebAssembly.Exception
    expect(Array.isArray((caught as { message: unknown }).message)).toBe(true);
    const error = sealError(caught, "loading a ciphertext");
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(/^loading a ciphertext: std::[a-z_]+: .+/);
    // Reading it again does not release the C++ exception twice.
    expect(errorText(caught)).toBe(error.message.replace("loading a ciphertext: ", ""));
  });
});
