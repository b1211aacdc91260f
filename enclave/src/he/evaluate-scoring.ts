/**
 * Private scoring (CKKS): score_j = w·f_j for every entity j, where the weights w are the
 * buyer's secret (one encrypted ciphertext) and the features f are the enclave's plaintext.
 * Layout and method ("diagonal" packing, every result slot a whole score): common/src/he/layout.ts.
 *
 * Steps: rot_r(w) for r = 1..D−1 from rotations by powers of two (D−1 rotations at the first
 * level, once per query); then for each batch of 4096 entities Σ_r rot_r(w) ⊙ P_r (scale
 * 2^40·2^30), a fresh encryption of zero, one rescale (→ scale ≈ 2^30) and a switch to the last
 * level (one 60-bit prime), the smallest result. A plaintext P_r that is all zero is skipped.
 *
 * Precision: SEAL's key switching (the rotations of w) adds an error that is biased and lands in
 * the slots next to 0 and 4095 — up to ≈ 1.2e-6 per unit weight there, 6e-9 elsewhere — so a
 * score's error is ≤ 3e-6·Σ_k|f_jk| + 1e-7·Σ_k|w_k·f_jk| + 2e-5 (test-support.ts). Sending the D
 * rotations of w as D fresh ciphertexts instead (no Galois keys, about the same request size)
 * would remove that term and the D−1 rotations; the single-ciphertext request was kept as specified.
 */
import { HeError } from "@pdx/common/he/he-error";
import { galoisStepsFor, scoringBatchCount, scoringBlockSize } from "@pdx/common/he/layout";
import { CKKS_PRESET_ID, presetKit, type TSeal } from "@pdx/common/he/presets";
import { SealScope } from "@pdx/common/he/seal-scope";
import type { THeScoringRequest, THeScoringResponse } from "@pdx/common/he/wire";
import type { Ciphertext } from "node-seal";
import { checkScoringData, type THeScoringData } from "./data";
import { loadGaloisKeys, loadInputCiphertext, loadPublicKey } from "./inputs";
import { freshZero, rerandomize, sealGuard, serializeResult } from "./results";

export function evaluateScoring(
  seal: TSeal,
  request: THeScoringRequest,
  data: THeScoringData,
): THeScoringResponse {
  return sealGuard(() => scoring(seal, request, data));
}

function scoring(seal: TSeal, request: THeScoringRequest, data: THeScoringData): THeScoringResponse {
  if (request.preset !== CKKS_PRESET_ID)
    throw new HeError("HE_WRONG_PRESET", `scoring uses preset ${CKKS_PRESET_ID}`);
  checkScoringData(data);
  if (request.entityCount !== data.entityCount || request.featureCount !== data.featureCount) {
    throw new HeError(
      "HE_DATA_MISMATCH",
      `the request is for ${request.entityCount} entities × ${request.featureCount} features; the data has ${data.entityCount} × ${data.featureCount}`,
    );
  }
  const kit = presetKit(seal, CKKS_PRESET_ID);
  const { evaluator, encoder } = kit;
  const n = data.entityCount;
  const d = data.featureCount;
  const block = scoringBlockSize(d);
  const slots = kit.preset.slotCount;
  const scope = new SealScope();
  try {
    const publicKey = loadPublicKey(kit, scope, request.keys.publicKey);
    const galoisKeys = loadGaloisKeys(
      kit,
      scope,
      request.keys.galoisKeys,
      galoisStepsFor("scoring", kit.preset, d),
    );
    const weights = loadInputCiphertext(kit, scope, request.weights, "weights");
    const encryptor = scope.track(new seal.Encryptor(kit.context, publicKey));

    // rot[r][s] = w[(s + r) mod D]; rot[r] = rotate(rot[r − low], low), low = lowest set bit of r.
    const rotations: Ciphertext[] = [weights];
    for (let r = 1; r < block; r++) {
      const low = r & -r;
      const rotated = scope.track(new seal.Ciphertext());
      evaluator.rotateVector(rotations[r - low]!, low, galoisKeys, rotated);
      rotations.push(rotated);
    }

    const scores: string[] = [];
    const values = new Float64Array(slots);
    for (let b = 0; b < scoringBatchCount(n); b++) {
      const batch = new SealScope();
      try {
        const first = b * slots;
        const count = Math.min(slots, n - first);
        const plain = batch.track(new seal.Plaintext());
        const product = batch.track(new seal.Ciphertext());
        let sum: Ciphertext | undefined;
        for (let r = 0; r < block; r++) {
          values.fill(0);
          let any = false;
          for (let s = 0; s < count; s++) {
            const k = (s + r) % block;
            if (k < d) {
              const v = data.features[(first + s) * d + k]!;
              values[s] = v;
              if (v !== 0) any = true;
            }
          }
          if (!any) continue;
          encoder.encode(values, kit.preset.dataScale, plain);
          if (sum === undefined) {
            sum = batch.track(new seal.Ciphertext());
            evaluator.multiplyPlain(rotations[r]!, plain, sum);
          } else {
            evaluator.multiplyPlain(rotations[r]!, plain, product);
            evaluator.addInplace(sum, product);
          }
        }
        if (sum === undefined) {
          // Every feature of the batch is zero: the scores are Enc(0) at the product's scale.
          sum = freshZero(
            kit,
            encryptor,
            batch,
            kit.firstChainIndex,
            kit.preset.scale * kit.preset.dataScale,
          );
        }
        rerandomize(kit, encryptor, batch, sum);
        evaluator.rescaleToNextInplace(sum);
        evaluator.cipherModSwitchToInplace(sum, kit.parmsIdAt(0));
        scores.push(serializeResult(kit, sum, `scores[${b}]`));
      } finally {
        batch.free();
      }
    }
    return { mode: "scoring", preset: CKKS_PRESET_ID, entityCount: n, scores };
  } finally {
    scope.free();
  }
}
