/**
 * Every way a request's SEAL material can be wrong is refused before any evaluation, with the
 * HeError code and the request part named (real node-seal objects, crafted where the client
 * would never produce them): wrong preset, malformed base64, other parameters, corrupted and
 * truncated bytes, wrong counts, transparent ciphertexts (also one built with node-seal's
 * permissive build, whose "ciphertext" is the plaintext in the clear), missing Galois steps,
 * wrong level, scale or size.
 */
import { createHeBuyer } from "@pdx/common/he/buyer-client";
import { HeError, type THeErrorCode } from "@pdx/common/he/he-error";
import { BFV_PRESET, BFV_PRESET_ID, CKKS_PRESET_ID, contextSpecOf, presetKit } from "@pdx/common/he/presets";
import { withSealScope } from "@pdx/common/he/seal-scope";
import { base64ToBytes, bytesToBase64 } from "@pdx/common/he/wire";
import SEALAllows from "node-seal/allows";
import { describe, expect, it } from "vitest";
import { evaluateHeJob, type THeJob } from "./evaluate";
import { loadSealInNode } from "./seal-node";

const seal = await loadSealInNode();
const bfv = await createHeBuyer(BFV_PRESET_ID, { seal });
const ckks = await createHeBuyer(CKKS_PRESET_ID, { seal });
const n = 100;
const lookupData = { entityCount: n, columns: { rent: Int32Array.from({ length: n }, (_, i) => i * 3) } };
const lookup = bfv.lookupRequest(n, 7, ["rent"]);
const scoringData = { entityCount: n, featureCount: 2, features: new Float64Array(2 * n).fill(1) };
const scoring = ckks.scoringRequest([1, 2], n);

function refusal(job: THeJob): HeError {
  try {
    evaluateHeJob(seal, job);
  } catch (err) {
    if (err instanceof HeError) return err;
    throw err;
  }
  throw new Error("the job was accepted");
}

function expectRefusal(job: THeJob, code: THeErrorCode, message: RegExp): void {
  const error = refusal(job);
  expect(error.code).toBe(code);
  expect(error.message).toMatch(message);
  expect(error.message.length).toBeLessThan(300); // names the problem, never echoes the bytes
}

const lookupWith = (request: object) => ({ mode: "lookup" as const, request, data: lookupData });
const scoringWith = (request: object) => ({ mode: "scoring" as const, request, data: scoringData });

/** A BFV ciphertext of the buyer's, changed by `change` (SEAL objects freed). */
function craftedSelection(change: (ct: InstanceType<typeof seal.Ciphertext>) => void): string {
  const kit = presetKit(seal, BFV_PRESET_ID);
  return withSealScope((scope) => {
    const ct = scope.track(new seal.Ciphertext());
    ct.loadFromArray(kit.context, base64ToBytes(lookup.selection[0]!, "selection"));
    change(ct);
    return bytesToBase64(ct.saveToArray(seal.ComprModeType.zstd) as Uint8Array);
  });
}

describe("HE input validation", () => {
  it("accepts the well-formed requests these cases start from", () => {
    expect(bfv.decodeLookup(evaluateHeJob(seal, lookupWith(lookup)))).toEqual({ rent: 21n });
    expect(ckks.decodeScores(evaluateHeJob(seal, scoringWith(scoring)))[0]).toBeCloseTo(3, 4);
  });

  it("refuses a wrong preset, a wrong count and a request for another mode", () => {
    expectRefusal(
      lookupWith({ ...lookup, preset: CKKS_PRESET_ID }),
      "HE_WRONG_PRESET",
      /lookup uses preset bfv-8192-t60/,
    );
    expectRefusal(
      lookupWith({ ...lookup, selection: [...lookup.selection, ...lookup.selection] }),
      "HE_WRONG_COUNT",
      /selection has 2 ciphertexts; 100 entities under bfv-8192-t60 need 1/,
    );
    expectRefusal(
      scoringWith(lookup),
      "HE_INVALID_REQUEST",
      /a lookup request was sent to the scoring evaluation/,
    );
  });

  it("refuses malformed base64, naming the part", () => {
    expectRefusal(
      lookupWith({ ...lookup, selection: ["%%%%"] }),
      "HE_MALFORMED_BASE64",
      /^selection\.0 is not valid base64$/,
    );
    expectRefusal(
      scoringWith({ ...scoring, keys: { ...scoring.keys, galoisKeys: "abc" } }),
      "HE_MALFORMED_BASE64",
      /keys\.galoisKeys/,
    );
  });

  it("refuses objects made under other parameters", () => {
    expectRefusal(
      lookupWith({ ...lookup, selection: [scoring.weights] }),
      "HE_OBJECT_REJECTED",
      /^selection\[0\] was refused by SEAL \(.+\): not made under preset bfv-8192-t60, or corrupted$/,
    );
    expectRefusal(
      lookupWith({ ...lookup, keys: scoring.keys }),
      "HE_OBJECT_REJECTED",
      /^keys\.publicKey was refused by SEAL/,
    );
    expectRefusal(
      scoringWith({ ...scoring, keys: { ...scoring.keys, galoisKeys: lookup.keys.galoisKeys } }),
      "HE_OBJECT_REJECTED",
      /^keys\.galoisKeys was refused/,
    );
  });

  it("refuses corrupted and truncated ciphertexts and keys", () => {
    const bytes = base64ToBytes(lookup.selection[0]!, "selection");
    const corrupted = Uint8Array.from(bytes);
    for (let i = 1000; i < 1064; i++) corrupted[i] = corrupted[i]! ^ 0xa5;
    expectRefusal(
      lookupWith({ ...lookup, selection: [bytesToBase64(corrupted)] }),
      "HE_OBJECT_REJECTED",
      /^selection\[0\] was refused/,
    );
    expectRefusal(
      lookupWith({ ...lookup, selection: [bytesToBase64(bytes.subarray(0, bytes.length - 500))] }),
      "HE_OBJECT_REJECTED",
      /^selection\[0\] was refused/,
    );
    const random = bytesToBase64(Uint8Array.from({ length: 4096 }, (_, i) => (i * 131) % 251));
    expectRefusal(
      lookupWith({ ...lookup, keys: { ...lookup.keys, galoisKeys: random } }),
      "HE_OBJECT_REJECTED",
      /^keys\.galoisKeys was refused/,
    );
    expectRefusal(
      lookupWith({ ...lookup, keys: { ...lookup.keys, publicKey: random } }),
      "HE_OBJECT_REJECTED",
      /^keys\.publicKey was refused/,
    );
  });

  it("refuses a transparent ciphertext (second polynomial zero)", () => {
    const kit = presetKit(seal, BFV_PRESET_ID);
    const zero = withSealScope((scope) => {
      const ct = scope.track(new seal.Ciphertext(kit.context));
      ct.resize(2);
      return bytesToBase64(ct.saveToArray(seal.ComprModeType.zstd) as Uint8Array);
    });
    expectRefusal(
      lookupWith({ ...lookup, selection: [zero] }),
      "HE_TRANSPARENT_CIPHERTEXT",
      /^selection\[0\] is transparent \(its second polynomial is zero\): it is not encrypted$/,
    );
  });

  it("refuses a transparent 'ciphertext' that carries the selection in the clear", async () => {
    // node-seal's permissive build lets a (buggy or hostile) client make c1 = 0, c0 = Δ·m.
    const allows = await SEALAllows();
    const owned: { delete(): void }[] = [];
    const own = <T extends { delete(): void }>(o: T): T => {
      owned.push(o);
      return o;
    };
    let clear: string;
    try {
      const spec = contextSpecOf(BFV_PRESET);
      const parms = own(new allows.EncryptionParameters(allows.SchemeType.bfv));
      parms.setPolyModulusDegree(spec.polyModulusDegree);
      parms.setCoeffModulus(own(allows.CoeffModulus.BFVDefault(8192, allows.SecLevelType.tc128)));
      parms.setPlainModulus(own(allows.PlainModulus.Batching(8192, 60)));
      const context = own(new allows.SEALContext(parms, true, allows.SecLevelType.tc128));
      const generator = own(new allows.KeyGenerator(context));
      const encryptor = own(new allows.Encryptor(context, own(generator.createPublicKey())));
      const evaluator = own(new allows.Evaluator(context));
      const plain = own(new allows.Plaintext());
      const mask = new BigInt64Array(8192);
      mask[7] = 1n;
      own(new allows.BatchEncoder(context)).encode(mask, plain);
      const ct = own(new allows.Ciphertext());
      encryptor.encrypt(plain, ct);
      evaluator.subInplace(ct, ct); // (0, 0)
      evaluator.addPlainInplace(ct, plain); // (Δ·m, 0): the selection in the clear
      expect(ct.isTransparent()).toBe(true);
      clear = bytesToBase64(ct.saveToArray(allows.ComprModeType.zstd) as Uint8Array);
    } finally {
      for (const o of owned.reverse()) o.delete();
    }
    expectRefusal(
      lookupWith({ ...lookup, selection: [clear] }),
      "HE_TRANSPARENT_CIPHERTEXT",
      /selection\[0\] is transparent/,
    );
  });

  it("refuses Galois keys that lack a step the mode needs, naming the steps", () => {
    const kit = presetKit(seal, BFV_PRESET_ID);
    const partial = withSealScope((scope) => {
      const key = scope.track(new seal.SecretKey());
      key.loadFromArray(kit.context, bfv.exportSecretKey());
      const generator = scope.track(new seal.KeyGenerator(kit.context, key));
      const keys = scope.track(generator.createGaloisKeysSerializableWithSteps(Int32Array.from([1, 2, 4])));
      return bytesToBase64(keys.saveToArray(seal.ComprModeType.zstd) as Uint8Array);
    });
    expectRefusal(
      lookupWith({ ...lookup, keys: { ...lookup.keys, galoisKeys: partial } }),
      "HE_MISSING_GALOIS_KEYS",
      /^keys\.galoisKeys lack rotation steps 8, 16, 32, 64, 128, 256, 512, 1024, 2048, column \(this query needs 1, 2, 4, .*, 2048, column\)$/,
    );
    const fewer = ckks.evaluationKeys("scoring", 2);
    const data16 = { entityCount: n, featureCount: 16, features: new Float64Array(16 * n) };
    const request16 = { ...ckks.scoringRequest(new Array(16).fill(1), n), keys: fewer };
    expectRefusal(
      { mode: "scoring", request: request16, data: data16 },
      "HE_MISSING_GALOIS_KEYS",
      /lack rotation steps 2, 4, 8/,
    );
  });

  it("refuses ciphertexts that are not fresh: other level, NTT form, three polynomials, other scale", () => {
    const kit = presetKit(seal, BFV_PRESET_ID);
    const lower = craftedSelection((ct) => kit.evaluator.cipherModSwitchToNextInplace(ct));
    expectRefusal(
      lookupWith({ ...lookup, selection: [lower] }),
      "HE_WRONG_CIPHERTEXT_SHAPE",
      /^selection\[0\] is at level 1; fresh ciphertexts are at level 2$/,
    );
    const ntt = craftedSelection((ct) => kit.evaluator.cipherTransformToNttInplace(ct));
    expectRefusal(lookupWith({ ...lookup, selection: [ntt] }), "HE_WRONG_CIPHERTEXT_SHAPE", /is in NTT form/);
    const cubed = craftedSelection((ct) => kit.evaluator.squareInplace(ct));
    expectRefusal(
      lookupWith({ ...lookup, selection: [cubed] }),
      "HE_WRONG_CIPHERTEXT_SHAPE",
      /has 3 polynomials; a fresh ciphertext has 2/,
    );
    const ckksKit = presetKit(seal, CKKS_PRESET_ID);
    const rescaled = withSealScope((scope) => {
      const ct = scope.track(new seal.Ciphertext());
      ct.loadFromArray(ckksKit.context, base64ToBytes(scoring.weights, "weights"));
      ct.setScale(2 ** 30);
      return bytesToBase64(ct.saveToArray(seal.ComprModeType.zstd) as Uint8Array);
    });
    expectRefusal(
      scoringWith({ ...scoring, weights: rescaled }),
      "HE_WRONG_CIPHERTEXT_SHAPE",
      /^weights has scale 2\^30\.00; expected 2\^40$/,
    );
  });
});
