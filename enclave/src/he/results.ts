/**
 * The last steps every result goes through before it leaves the enclave, and rotate-and-sum.
 *
 * Re-randomization: each result gets a fresh encryption of zero under the buyer's public key,
 * added BEFORE the final rescale / modulus switch. Without it a result's second polynomial is a
 * deterministic function of the buyer's inputs and the enclave's plaintexts (for one selection
 * batch c1_out = c1_in · pt, from which the buyer could divide out the whole plaintext batch,
 * not just the selected value). With it, c1 is masked by a·u + e (RLWE, u fresh), and the
 * following switch to the last level divides the data-dependent noise by the dropped primes and
 * adds fresh rounding noise — the "less data-dependent noise" of switching down. This protects
 * against a buyer who runs the honest client and inspects results; it is not full circuit
 * privacy against a buyer who crafts a malformed public key (that needs noise flooding with
 * larger parameters or a proof of key well-formedness). It also guarantees that no result is
 * transparent, even when every plaintext it touched was zero.
 */
import { HeError } from "@pdx/common/he/he-error";
import { errorText, type TBfvKit, type TCkksKit, type THeKit } from "@pdx/common/he/presets";
import type { SealScope } from "@pdx/common/he/seal-scope";
import { bytesToBase64 } from "@pdx/common/he/wire";
import type { Ciphertext, Encryptor, GaloisKeys } from "node-seal";

/** A fresh Enc_pk(0) at a data level (chain index), with `scale` for CKKS. */
export function freshZero(
  kit: THeKit,
  encryptor: Encryptor,
  scope: SealScope,
  chainIndex: number,
  scale?: number,
): Ciphertext {
  const zero = scope.track(new kit.seal.Ciphertext());
  encryptor.encryptZero(zero);
  if (chainIndex !== kit.firstChainIndex)
    kit.evaluator.cipherModSwitchToInplace(zero, kit.parmsIdAt(chainIndex));
  if (kit.preset.scheme === "ckks" && scale !== undefined) zero.setScale(scale);
  return zero;
}

/** ct += Enc_pk(0) (see the module comment). */
export function rerandomize(kit: THeKit, encryptor: Encryptor, scope: SealScope, ct: Ciphertext): void {
  const zero = freshZero(kit, encryptor, scope, kit.chainIndexOf(ct), ct.scale());
  kit.evaluator.addInplace(ct, zero);
  zero.delete();
}

/** Every slot ← the sum of all slots (BFV: rows by 1…2048, then the column swap). */
export function rotateAndSumAll(kit: THeKit, keys: GaloisKeys, scope: SealScope, ct: Ciphertext): void {
  const rotated = scope.track(new kit.seal.Ciphertext());
  if (kit.preset.scheme === "bfv") {
    const { evaluator } = kit as TBfvKit;
    for (let step = 1; step < kit.preset.rowSize; step *= 2) {
      evaluator.rotateRows(ct, step, keys, rotated);
      evaluator.addInplace(ct, rotated);
    }
    evaluator.rotateColumns(ct, keys, rotated);
    evaluator.addInplace(ct, rotated);
  } else {
    const { evaluator } = kit as TCkksKit;
    for (let step = 1; step < kit.preset.slotCount; step *= 2) {
      evaluator.rotateVector(ct, step, keys, rotated);
      evaluator.addInplace(ct, rotated);
    }
  }
  rotated.delete();
}

/** Base64 of a result (zstd); refuses anything transparent or of the wrong size. */
export function serializeResult(kit: THeKit, ct: Ciphertext, what: string): string {
  if (ct.size() !== 2 || ct.isTransparent()) {
    throw new HeError("HE_EVALUATION_FAILED", `${what} would leave the enclave transparent; refused`);
  }
  return bytesToBase64(ct.saveToArray(kit.seal.ComprModeType.zstd) as Uint8Array);
}

/** Runs an evaluation; any failure that is not already an HeError becomes HE_EVALUATION_FAILED. */
export function sealGuard<T>(work: () => T): T {
  try {
    return work();
  } catch (err) {
    if (err instanceof HeError) throw err;
    throw new HeError("HE_EVALUATION_FAILED", `the evaluation failed: ${errorText(err)}`);
  }
}
