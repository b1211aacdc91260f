/**
 * The wire format: requests the buyer client builds pass, and each way a request can be wrong is
 * refused with the HeError code and the part that was wrong. base64 helpers round-trip.
 */
import { describe, expect, it } from "vitest";
import { createHeBuyer } from "./buyer-client";
import { HeError } from "./he-error";
import { BFV_PRESET_ID, CKKS_PRESET_ID, loadSeal } from "./presets";
import {
  base64ByteLength,
  base64ToBytes,
  bytesToBase64,
  MAX_CIPHERTEXT_BASE64,
  parseHeRequest,
  parseHeResponse,
  portableBase64ToBytes,
  portableBytesToBase64,
  requiredGaloisSteps,
} from "./wire";

const seal = await loadSeal();
const ckks = await createHeBuyer(CKKS_PRESET_ID, { seal });
const bfv = await createHeBuyer(BFV_PRESET_ID, { seal });
const scoring = ckks.scoringRequest([0.5, 1, -2], 5000);
const lookup = bfv.lookupRequest(10_000, 42, ["rent"]);

function refusal(input: unknown): HeError {
  try {
    parseHeRequest(input);
  } catch (err) {
    if (err instanceof HeError) return err;
    throw err;
  }
  throw new Error("the request was accepted");
}

describe("HE wire format", () => {
  it("accepts what the buyer client builds, also after a JSON round trip", () => {
    expect(parseHeRequest(JSON.parse(JSON.stringify(scoring)))).toEqual(scoring);
    expect(parseHeRequest(lookup)).toEqual(lookup);
    expect(requiredGaloisSteps(scoring)).toEqual([1, 2]);
  });

  it("names malformed base64", () => {
    const e = refusal({ ...lookup, selection: ["ab$="] });
    expect(e.code).toBe("HE_MALFORMED_BASE64");
    expect(e.message).toBe("selection.0 is not valid base64");
    expect(refusal({ ...scoring, keys: { ...scoring.keys, publicKey: "AAA" } }).message).toMatch(
      /keys\.publicKey/,
    );
  });

  it("refuses a preset the mode does not use, and unknown presets", () => {
    const e = refusal({ ...lookup, preset: CKKS_PRESET_ID });
    expect(e.code).toBe("HE_WRONG_PRESET");
    expect(e.message).toBe('lookup uses preset bfv-8192-t60; the request names "ckks-8192-s40"');
    expect(refusal({ ...scoring, preset: "bfv-4096" }).code).toBe("HE_WRONG_PRESET");
  });

  it("refuses a selection whose length does not match the entity count", () => {
    const e = refusal({ ...lookup, entityCount: 20_000 });
    expect(e.code).toBe("HE_WRONG_COUNT");
    expect(e.message).toBe("selection has 2 ciphertexts; 20000 entities under bfv-8192-t60 need 3");
  });

  it("enforces sizes, counts and field names", () => {
    const huge = "A".repeat(MAX_CIPHERTEXT_BASE64 + 4);
    expect(refusal({ ...scoring, weights: huge }).code).toBe("HE_INVALID_REQUEST");
    expect(refusal({ ...scoring, featureCount: 17 }).message).toMatch(/featureCount/);
    expect(refusal({ ...lookup, entityCount: 2 ** 20 + 1 }).message).toMatch(/entityCount/);
    expect(refusal({ ...lookup, fields: ["rent", "rent"] }).message).toMatch(/fields must be distinct/);
    expect(refusal({ ...lookup, fields: ["Rent; DROP"] }).message).toMatch(/lowercase identifier/);
    expect(refusal({ ...lookup, mode: "decrypt" }).code).toBe("HE_INVALID_REQUEST");
    expect(refusal("{}").code).toBe("HE_INVALID_REQUEST");
  });

  it("checks responses before the buyer decrypts", () => {
    const response = {
      mode: "scoring",
      preset: CKKS_PRESET_ID,
      entityCount: 5000,
      scores: [scoring.weights],
    };
    expect(() => parseHeResponse(response)).toThrow(/1 ciphertexts for 5000 entities/);
    expect(() => parseHeResponse({ ...response, scores: ["%%%%"] })).toThrow(/scores\.0 is not valid base64/);
  });

  it("round-trips base64 (Node's Buffer and the browser's fallback agree) and reports sizes", () => {
    const bytes = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 37) % 256);
    for (const cut of [69_998, 69_999, 70_000]) {
      const part = bytes.subarray(0, cut);
      const text = bytesToBase64(part);
      expect(portableBytesToBase64(part)).toBe(text);
      expect(base64ToBytes(text, "x")).toEqual(part);
      expect(portableBase64ToBytes(text)).toEqual(part);
      expect(base64ByteLength(text)).toBe(cut);
    }
    expect(() => base64ToBytes("AAA", "thing")).toThrow("thing is not valid base64");
  });
});
