/**
 * Two HE computations the benchmark compares against that are NOT part of the product, written
 * directly against node-seal:
 *
 *   additiveSum   the bare additive-HE sum: the buyer encrypts the 1M values themselves (BFV,
 *                 seeded), the server adds the ciphertexts, the buyer decrypts and adds the 8192
 *                 slots. No vault data, no selection, no rotations: the cheapest "HE sum" there is,
 *                 the one the issue's ≤ 15× target can be held against.
 *   entityMajorScoring  private scoring in the layout first proposed for mode (a): 256 entities ×
 *                 16 features per ciphertext, multiply, rescale, rotate-and-sum by 1, 2, 4, 8 per
 *                 batch, mask every slot but 16·j, rescale. Same request (one weight ciphertext,
 *                 same Galois keys) as the diagonal layout the enclave uses; timed to justify it.
 */
import type { HeBuyer } from "@pdx/common/he/buyer-client";
import { BFV_PRESET_ID, CKKS_PRESET_ID, presetKit, type TSeal } from "@pdx/common/he/presets";
import { SealScope } from "@pdx/common/he/seal-scope";
import { base64ByteLength, base64ToBytes, bytesToBase64, type THeScoringRequest } from "@pdx/common/he/wire";
import { loadGaloisKeys, loadInputCiphertext, loadPublicKey } from "@pdx/enclave/src/he/inputs";
import { rerandomize, serializeResult } from "@pdx/enclave/src/he/results";

export interface TAdditiveSumTimes {
  encryptMs: number;
  serverMs: number;
  decryptMs: number;
  total: bigint;
  requestBytes: number;
}

/** Buyer encrypts `values`, server adds the ciphertexts, buyer decrypts and sums the slots. */
export function additiveSum(seal: TSeal, values: Int32Array): TAdditiveSumTimes {
  const kit = presetKit(seal, BFV_PRESET_ID);
  const slots = kit.preset.slotCount;
  const scope = new SealScope();
  try {
    const generator = scope.track(new seal.KeyGenerator(kit.context));
    const secretKey = scope.track(generator.secretKey());
    const encryptor = scope.track(
      new seal.Encryptor(kit.context, scope.track(generator.createPublicKey()), secretKey),
    );
    const decryptor = scope.track(new seal.Decryptor(kit.context, secretKey));
    const plain = scope.track(new seal.Plaintext());

    let started = performance.now();
    const sent: string[] = [];
    const batch = new BigInt64Array(slots);
    for (let first = 0; first < values.length; first += slots) {
      batch.fill(0n);
      const end = Math.min(values.length, first + slots);
      for (let i = first; i < end; i++) batch[i - first] = BigInt(values[i]!);
      kit.encoder.encode(batch, plain);
      const seeded = encryptor.encryptSymmetricSerializable(plain);
      sent.push(bytesToBase64(seeded.saveToArray(seal.ComprModeType.zstd) as Uint8Array));
      seeded.delete();
    }
    const encryptMs = performance.now() - started;

    started = performance.now();
    const sum = scope.track(new seal.Ciphertext());
    const next = scope.track(new seal.Ciphertext());
    sent.forEach((text, i) => {
      (i === 0 ? sum : next).loadFromArray(kit.context, base64ToBytes(text, "value"));
      if (i > 0) kit.evaluator.addInplace(sum, next);
    });
    kit.evaluator.cipherModSwitchToInplace(sum, kit.parmsIdAt(0));
    const reply = bytesToBase64(sum.saveToArray(seal.ComprModeType.zstd) as Uint8Array);
    const serverMs = performance.now() - started;

    started = performance.now();
    const result = scope.track(new seal.Ciphertext());
    result.loadFromArray(kit.context, base64ToBytes(reply, "sum"));
    decryptor.decrypt(result, plain);
    let total = 0n;
    for (const v of kit.encoder.decodeBigInt64(plain) as BigInt64Array) total += v;
    const decryptMs = performance.now() - started;
    return {
      encryptMs,
      serverMs,
      decryptMs,
      total,
      requestBytes: sent.reduce((bytes, text) => bytes + base64ByteLength(text), 0),
    };
  } finally {
    scope.free();
  }
}

export interface TEntityMajorTimes {
  serverMs: number;
  responseBytes: number;
  ciphertexts: number;
  /** Scores of the first entities, decrypted, to check the layout computes the same thing. */
  firstScores: number[];
}

/** Server side of the entity-major layout (16 features, 256 entities per ciphertext). */
export function entityMajorScoring(
  seal: TSeal,
  buyer: HeBuyer,
  request: THeScoringRequest,
  features: Float64Array,
  entityCount: number,
): TEntityMajorTimes {
  const kit = presetKit(seal, CKKS_PRESET_ID);
  const { evaluator, encoder } = kit;
  const block = 16;
  const perBatch = kit.preset.slotCount / block;
  const scope = new SealScope();
  try {
    const started = performance.now();
    const publicKey = loadPublicKey(kit, scope, request.keys.publicKey);
    const galoisKeys = loadGaloisKeys(kit, scope, request.keys.galoisKeys, [1, 2, 4, 8]);
    const weights = loadInputCiphertext(kit, scope, request.weights, "weights");
    const encryptor = scope.track(new seal.Encryptor(kit.context, publicKey));
    const mask = new Float64Array(kit.preset.slotCount);
    for (let j = 0; j < perBatch; j++) mask[j * block] = 1;
    const maskPlain = scope.track(new seal.Plaintext());
    const values = new Float64Array(kit.preset.slotCount);
    const plain = scope.track(new seal.Plaintext());
    const product = scope.track(new seal.Ciphertext());
    const rotated = scope.track(new seal.Ciphertext());
    const results: string[] = [];
    for (let first = 0; first < entityCount; first += perBatch) {
      const count = Math.min(perBatch, entityCount - first);
      values.fill(0);
      values.set(features.subarray(first * block, (first + count) * block));
      encoder.encode(values, kit.preset.dataScale, plain);
      evaluator.multiplyPlain(weights, plain, product);
      evaluator.rescaleToNextInplace(product);
      for (const step of [1, 2, 4, 8]) {
        evaluator.rotateVector(product, step, galoisKeys, rotated);
        evaluator.addInplace(product, rotated);
      }
      encoder.encode(mask, 2 ** 40, maskPlain);
      evaluator.plainModSwitchToInplace(maskPlain, kit.parmsIdAt(1));
      evaluator.multiplyPlainInplace(product, maskPlain);
      rerandomize(kit, encryptor, scope, product);
      evaluator.rescaleToNextInplace(product);
      results.push(serializeResult(kit, product, "scores"));
    }
    const serverMs = performance.now() - started;

    const key = scope.track(new seal.SecretKey());
    key.loadFromArray(kit.context, buyer.exportSecretKey());
    const decryptor = scope.track(new seal.Decryptor(kit.context, key));
    const first = scope.track(new seal.Ciphertext());
    first.loadFromArray(kit.context, base64ToBytes(results[0]!, "scores"));
    decryptor.decrypt(first, plain);
    const slots = encoder.decodeFloat64(plain) as Float64Array;
    return {
      serverMs,
      responseBytes: results.reduce((bytes, text) => bytes + base64ByteLength(text), 0),
      ciphertexts: results.length,
      firstScores: Array.from({ length: 4 }, (_, j) => slots[j * block]!),
    };
  } finally {
    scope.free();
  }
}
