/**
 * The engine of private lookup and encrypted aggregates: for each quantity q (a plaintext vector
 * x_q over the entities) it computes Enc(Σ_i s_i · x_q[i]) from the buyer's encrypted selection
 * s, with every slot of the result holding the whole sum.
 *
 * Batch-major: each selection ciphertext is loaded, checked and (BFV) moved to NTT form once, then
 * multiplied by every quantity's plaintext for that batch (encoded, and for BFV moved to NTT form
 * at the first level, so each product is a pointwise multiplication); one accumulator per
 * quantity. Zero plaintexts are skipped (SEAL's throwing build refuses transparent products); an
 * all-ones BFV plaintext is the constant 1, so that product is the selection itself.
 *
 * Then per quantity:
 *   BFV   out of NTT → switch to 3 primes → rotate-and-sum (rows 1…2048, columns) → fresh Enc(0)
 *         → switch to 2 primes (the end of the chain), ≈ 18 bits of noise budget left.
 *   CKKS  fresh Enc(0) → rotate-and-sum (1…2048) at 3 primes and scale 2^70, where the
 *         key-switching noise of the 12 rotations is negligible (rotating after the rescale, at
 *         scale 2^30, measured ~100× larger errors) → rescale (→ ≈ 2^30, 2 primes).
 */
import { HeError } from "@pdx/common/he/he-error";
import { galoisStepsFor } from "@pdx/common/he/layout";
import type { TBfvKit, TCkksKit, THeKit, TSeal } from "@pdx/common/he/presets";
import { SealScope } from "@pdx/common/he/seal-scope";
import type { THeLookupRequest } from "@pdx/common/he/wire";
import type { Ciphertext, Encryptor, GaloisKeys } from "node-seal";
import { loadGaloisKeys, loadInputCiphertext, loadPublicKey } from "./inputs";
import { freshZero, rerandomize, rotateAndSumAll, serializeResult } from "./results";

/** What a quantity holds in one batch. */
export type TFillResult = "zero" | "ones" | "values";

export interface TSelectionQuantity {
  /** For messages ("count", "rent.sum"). */
  name: string;
  /**
   * Writes the values of entities first..first+count−1 into slots 0..count−1 of `into` (which is
   * zeroed and as long as a ciphertext has slots). "ones" means every slot of `into` is 1.
   */
  fill(first: number, count: number, into: BigInt64Array | Float64Array): TFillResult;
}

export interface TSelectionSumsInput {
  selection: readonly string[];
  entityCount: number;
  galoisKeys: GaloisKeys;
  encryptor: Encryptor;
  quantities: readonly TSelectionQuantity[];
}

/** HE_DATA_MISMATCH unless the request is for as many entities as the data holds. */
export function checkEntityCount(requested: number, held: number): void {
  if (requested !== held)
    throw new HeError("HE_DATA_MISMATCH", `the request is for ${requested} entities; the data has ${held}`);
}

/**
 * `selectionSums` for a lookup or aggregate request: loads its public key and the Galois keys the
 * mode needs, makes the encryptor of the fresh Enc(0), and frees them afterwards.
 */
export function selectionSumsOfRequest(
  kit: THeKit,
  mode: "lookup" | "aggregate",
  request: Pick<THeLookupRequest, "keys" | "selection" | "entityCount">,
  quantities: readonly TSelectionQuantity[],
): string[] {
  const scope = new SealScope();
  try {
    const publicKey = loadPublicKey(kit, scope, request.keys.publicKey);
    const galoisKeys = loadGaloisKeys(kit, scope, request.keys.galoisKeys, galoisStepsFor(mode, kit.preset));
    const encryptor = scope.track(new kit.seal.Encryptor(kit.context, publicKey));
    return selectionSums(kit, {
      selection: request.selection,
      entityCount: request.entityCount,
      galoisKeys,
      encryptor,
      quantities,
    });
  } finally {
    scope.free();
  }
}

/** Base64 results, one per quantity, in order. */
export function selectionSums(kit: THeKit, input: TSelectionSumsInput): string[] {
  const scope = new SealScope();
  try {
    const accumulators = accumulate(kit, scope, input);
    return accumulators.map((acc, q) => {
      const name = input.quantities[q]!.name;
      return kit.preset.scheme === "bfv"
        ? finishBfv(kit as TBfvKit, scope, input, acc, name)
        : finishCkks(kit as TCkksKit, scope, input, acc, name);
    });
  } finally {
    scope.free();
  }
}

function accumulate(kit: THeKit, scope: SealScope, input: TSelectionSumsInput): (Ciphertext | undefined)[] {
  const seal: TSeal = kit.seal;
  const { evaluator } = kit;
  const slots = kit.preset.slotCount;
  const accumulators: (Ciphertext | undefined)[] = input.quantities.map(() => undefined);
  const values = kit.preset.scheme === "bfv" ? new BigInt64Array(slots) : new Float64Array(slots);
  const firstParms = kit.parmsIdAt(kit.firstChainIndex);
  input.selection.forEach((text, b) => {
    const batch = new SealScope();
    try {
      const selected = loadInputCiphertext(kit, batch, text, `selection[${b}]`);
      if (kit.preset.scheme === "bfv") evaluator.cipherTransformToNttInplace(selected);
      const plain = batch.track(new seal.Plaintext());
      const plainNtt = batch.track(new seal.Plaintext());
      const product = batch.track(new seal.Ciphertext());
      const first = b * slots;
      const count = Math.min(slots, input.entityCount - first);
      input.quantities.forEach((quantity, q) => {
        let contribution: Ciphertext;
        if (values instanceof BigInt64Array) {
          values.fill(0n);
          const kind = quantity.fill(first, count, values);
          if (kind === "zero") return;
          if (kind === "ones") {
            contribution = selected;
          } else {
            (kit as TBfvKit).encoder.encode(values, plain);
            evaluator.plainTransformToNtt(plain, firstParms, plainNtt);
            evaluator.multiplyPlain(selected, plainNtt, product);
            contribution = product;
          }
        } else {
          values.fill(0);
          if (quantity.fill(first, count, values) === "zero") return;
          const ckks = kit as TCkksKit;
          ckks.encoder.encode(values, ckks.preset.dataScale, plain);
          evaluator.multiplyPlain(selected, plain, product);
          contribution = product;
        }
        const acc = accumulators[q];
        if (acc === undefined) {
          const created = scope.track(new seal.Ciphertext());
          created.assign(contribution);
          accumulators[q] = created;
        } else {
          evaluator.addInplace(acc, contribution);
        }
      });
    } finally {
      batch.free();
    }
  });
  return accumulators;
}

function finishBfv(
  kit: TBfvKit,
  scope: SealScope,
  input: TSelectionSumsInput,
  acc: Ciphertext | undefined,
  name: string,
): string {
  const rotationLevel = kit.preset.rotationPrimes - kit.preset.resultPrimes;
  let sum: Ciphertext;
  if (acc === undefined) {
    // Every plaintext was zero: the sum is Enc(0).
    sum = freshZero(kit, input.encryptor, scope, kit.firstChainIndex);
  } else {
    kit.evaluator.cipherTransformFromNttInplace(acc);
    sum = acc;
  }
  kit.evaluator.cipherModSwitchToInplace(sum, kit.parmsIdAt(rotationLevel));
  rotateAndSumAll(kit, input.galoisKeys, scope, sum);
  rerandomize(kit, input.encryptor, scope, sum);
  kit.evaluator.cipherModSwitchToInplace(sum, kit.parmsIdAt(0));
  const text = serializeResult(kit, sum, name);
  sum.delete();
  return text;
}

function finishCkks(
  kit: TCkksKit,
  scope: SealScope,
  input: TSelectionSumsInput,
  acc: Ciphertext | undefined,
  name: string,
): string {
  const productScale = kit.preset.scale * kit.preset.dataScale;
  const sum = acc ?? freshZero(kit, input.encryptor, scope, kit.firstChainIndex, productScale);
  rerandomize(kit, input.encryptor, scope, sum);
  rotateAndSumAll(kit, input.galoisKeys, scope, sum);
  kit.evaluator.rescaleToNextInplace(sum);
  const text = serializeResult(kit, sum, name);
  sum.delete();
  return text;
}
