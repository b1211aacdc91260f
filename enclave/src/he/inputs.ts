/**
 * Loads the SEAL objects of a validated wire request and checks each one, so an evaluation only
 * ever sees well-formed inputs. Each failure is an HeError naming the request part ("keys.
 * galoisKeys", "selection[3]") and the rule; SEAL's own reason ("ciphertext data is invalid",
 * "stream decompression failed") is appended, which never contains key or data bytes.
 *
 * Input ciphertexts must be fresh: two polynomials, at the first data level, BFV not in NTT
 * form / CKKS in NTT form at the preset scale, and not transparent (a zero second polynomial
 * means the "ciphertext" is the plaintext itself: the buyer's input would be in the clear, and
 * SEAL's throwing build refuses to compute on it).
 */
import { HeError } from "@pdx/common/he/he-error";
import { galoisElementOfStep } from "@pdx/common/he/layout";
import { errorText, type THeKit } from "@pdx/common/he/presets";
import type { SealScope } from "@pdx/common/he/seal-scope";
import { base64ToBytes } from "@pdx/common/he/wire";
import type { Ciphertext, GaloisKeys, PublicKey } from "node-seal";

function rejected(what: string, kit: THeKit, err: unknown): HeError {
  return new HeError(
    "HE_OBJECT_REJECTED",
    `${what} was refused by SEAL (${errorText(err)}): not made under preset ${kit.preset.id}, or corrupted`,
  );
}

export function loadPublicKey(
  kit: THeKit,
  scope: SealScope,
  text: string,
  what = "keys.publicKey",
): PublicKey {
  const bytes = base64ToBytes(text, what);
  const key = scope.track(new kit.seal.PublicKey());
  try {
    key.loadFromArray(kit.context, bytes);
  } catch (err) {
    throw rejected(what, kit, err);
  }
  return key;
}

/** Loads Galois keys and checks they cover every step in `steps`. */
export function loadGaloisKeys(
  kit: THeKit,
  scope: SealScope,
  text: string,
  steps: readonly number[],
  what = "keys.galoisKeys",
): GaloisKeys {
  const bytes = base64ToBytes(text, what);
  const keys = scope.track(new kit.seal.GaloisKeys());
  try {
    keys.loadFromArray(kit.context, bytes);
  } catch (err) {
    throw rejected(what, kit, err);
  }
  const missing = steps.filter(
    (step) => !keys.hasKey(galoisElementOfStep(step, kit.preset.polyModulusDegree)),
  );
  if (missing.length > 0) {
    const name = (step: number) => (step === 0 ? "column" : String(step));
    throw new HeError(
      "HE_MISSING_GALOIS_KEYS",
      `${what} lack rotation steps ${missing.map(name).join(", ")} (this query needs ${steps.map(name).join(", ")})`,
    );
  }
  return keys;
}

/** Loads one fresh input ciphertext of the buyer and checks its shape. */
export function loadInputCiphertext(kit: THeKit, scope: SealScope, text: string, what: string): Ciphertext {
  const bytes = base64ToBytes(text, what);
  const ct = scope.track(new kit.seal.Ciphertext());
  try {
    ct.loadFromArray(kit.context, bytes);
  } catch (err) {
    throw rejected(what, kit, err);
  }
  const shape = (rule: string) => new HeError("HE_WRONG_CIPHERTEXT_SHAPE", `${what} ${rule}`);
  if (ct.size() !== 2) throw shape(`has ${ct.size()} polynomials; a fresh ciphertext has 2`);
  if (ct.isTransparent()) {
    throw new HeError(
      "HE_TRANSPARENT_CIPHERTEXT",
      `${what} is transparent (its second polynomial is zero): it is not encrypted`,
    );
  }
  const level = kit.chainIndexOf(ct);
  if (level !== kit.firstChainIndex) {
    throw shape(`is at level ${level}; fresh ciphertexts are at level ${kit.firstChainIndex}`);
  }
  if (kit.preset.scheme === "bfv") {
    if (ct.isNttForm()) throw shape("is in NTT form; fresh BFV ciphertexts are not");
  } else {
    if (!ct.isNttForm()) throw shape("is not in NTT form; CKKS ciphertexts are");
    if (ct.scale() !== kit.preset.scale)
      throw shape(`has scale 2^${Math.log2(ct.scale()).toFixed(2)}; expected 2^40`);
  }
  return ct;
}
