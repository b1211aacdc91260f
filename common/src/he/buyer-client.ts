/**
 * The buyer's side of the encrypted-query modes. Runs in the browser and in Node (no node:
 * imports here or in what it imports): it creates the buyer's keys, builds wire requests that
 * carry only public material, and decrypts responses.
 *
 * The secret key never leaves the HeBuyer object: requests carry ciphertexts made with it
 * (secret-key "symmetric" encryption, sent seeded ≈ half size), a seeded public key (the enclave
 * uses it only to add a fresh encryption of zero to each result, which re-randomizes the result
 * and keeps it from ever being transparent) and seeded Galois keys for exactly the rotation steps
 * of the mode (layout.ts). No relinearization keys: no mode multiplies two ciphertexts.
 * `exportSecretKey()` exists so a page can keep the key locally (e.g. IndexedDB) and decrypt
 * later; it must never be sent anywhere.
 *
 * One HeBuyer holds one key pair for one preset: CKKS for scoring (and real-valued aggregates),
 * BFV for lookups (and integer aggregates). Call dispose() when done: it frees the keys on the
 * WebAssembly heap.
 */
import type { Decryptor, Encryptor, KeyGenerator, SecretKey } from "node-seal";
import { HeError } from "./he-error";
import {
  checkedEntityCount,
  galoisStepsFor,
  HE_MAX_FEATURES,
  replicatedWeights,
  type THeMode,
} from "./layout";
import {
  errorText,
  HE_PRESETS,
  loadSeal,
  presetKit,
  type TBfvKit,
  type TCkksKit,
  type THeKit,
  type THePreset,
  type THePresetId,
  type TSeal,
} from "./presets";
import { SealScope } from "./seal-scope";
import {
  base64ToBytes,
  bytesToBase64,
  parseHeResponse,
  type THeAggregateRequest,
  type THeEvaluationKeys,
  type THeLookupRequest,
  type THeScoringRequest,
} from "./wire";

export interface THeBuyerOptions {
  /** A key exported earlier by exportSecretKey() for the same preset: restores that session. */
  secretKey?: Uint8Array;
  /** An already loaded SEAL module (default: loadSeal()). */
  seal?: TSeal;
}

/** Which entities an aggregate covers: indices, or a 0/1 mask of length n. */
export type THeSubset = Iterable<number> | Uint8Array;

export interface THeFieldAggregate<T> {
  sum: T;
  sumOfSquares?: T;
  /** sum / count; null when the subset is empty. */
  mean: number | null;
  /** Population variance (Σx²/count − mean²); present when squares were asked; null when empty. */
  variance?: number | null;
}

export type THeAggregateResult =
  | { scheme: "bfv"; count: bigint; fields: Record<string, THeFieldAggregate<bigint>> }
  | { scheme: "ckks"; count: number; fields: Record<string, THeFieldAggregate<number>> };

/** Creates a buyer session (new keys, or restored from `options.secretKey`). */
export async function createHeBuyer(presetId: THePresetId, options: THeBuyerOptions = {}): Promise<HeBuyer> {
  const seal = options.seal ?? (await loadSeal());
  return new HeBuyer(seal, presetId, options.secretKey);
}

export class HeBuyer {
  readonly preset: THePreset;
  private readonly kit: THeKit;
  private readonly keyGenerator: KeyGenerator;
  private readonly secretKey: SecretKey;
  private readonly encryptor: Encryptor;
  private readonly decryptor: Decryptor;
  private publicKeyBase64: string | undefined;
  private readonly galoisKeysBase64 = new Map<string, string>();
  private disposed = false;

  constructor(
    private readonly seal: TSeal,
    presetId: THePresetId,
    secretKeyBytes?: Uint8Array,
  ) {
    this.preset = HE_PRESETS[presetId];
    this.kit = presetKit(seal, presetId);
    const { context } = this.kit;
    const scope = new SealScope();
    try {
      if (secretKeyBytes) {
        const restored = scope.track(new seal.SecretKey());
        try {
          restored.loadFromArray(context, secretKeyBytes);
        } catch (err) {
          throw new HeError(
            "HE_OBJECT_REJECTED",
            `secret key does not fit preset ${presetId}: ${errorText(err)}`,
          );
        }
        this.keyGenerator = new seal.KeyGenerator(context, restored);
      } else {
        this.keyGenerator = new seal.KeyGenerator(context);
      }
      this.secretKey = this.keyGenerator.secretKey();
      const publicKey = scope.track(this.keyGenerator.createPublicKey());
      this.encryptor = new seal.Encryptor(context, publicKey, this.secretKey);
      this.decryptor = new seal.Decryptor(context, this.secretKey);
    } finally {
      scope.free();
    }
  }

  /** The public material a request of `mode` carries (cached per step set). */
  evaluationKeys(mode: THeMode, featureCount?: number): THeEvaluationKeys {
    this.assertAlive();
    const steps = galoisStepsFor(mode, this.preset, featureCount);
    const key = steps.join(",");
    let galoisKeys = this.galoisKeysBase64.get(key);
    if (galoisKeys === undefined) {
      galoisKeys = this.saveSeeded(() =>
        this.keyGenerator.createGaloisKeysSerializableWithSteps(Int32Array.from(steps)),
      );
      this.galoisKeysBase64.set(key, galoisKeys);
    }
    this.publicKeyBase64 ??= this.saveSeeded(() => this.keyGenerator.createPublicKeySerializable());
    return { publicKey: this.publicKeyBase64, galoisKeys };
  }

  /** Private scoring: encrypts the weights (d ≤ 16 reals) replicated over the slots. */
  scoringRequest(weights: readonly number[], entityCount: number): THeScoringRequest {
    const kit = this.ckks("scoring");
    if (weights.length < 1 || weights.length > HE_MAX_FEATURES || !weights.every(Number.isFinite)) {
      throw new RangeError(`weights must be 1..${HE_MAX_FEATURES} finite numbers`);
    }
    const scope = new SealScope();
    try {
      const plain = scope.track(new this.seal.Plaintext());
      kit.encoder.encode(replicatedWeights(weights), kit.preset.scale, plain);
      return {
        mode: "scoring",
        preset: kit.preset.id,
        entityCount: checkedEntityCount(entityCount),
        featureCount: weights.length,
        keys: this.evaluationKeys("scoring", weights.length),
        weights: this.saveSeeded(() => this.encryptor.encryptSymmetricSerializable(plain)),
      };
    } finally {
      scope.free();
    }
  }

  /** Private lookup of entity `index` (0-based, public order): one-hot selection. */
  lookupRequest(entityCount: number, index: number, fields: readonly string[]): THeLookupRequest {
    const kit = this.bfv("lookup");
    const n = checkedEntityCount(entityCount);
    if (!Number.isInteger(index) || index < 0 || index >= n) {
      throw new RangeError(`index must be an integer in 0..${n - 1}`);
    }
    const mask = new Uint8Array(n);
    mask[index] = 1;
    return {
      mode: "lookup",
      preset: kit.preset.id,
      entityCount: n,
      fields: [...fields],
      keys: this.evaluationKeys("lookup"),
      selection: this.encryptSelection(mask),
    };
  }

  /** Encrypted count, Σx (and Σx² with squares) of each field over a subset only the buyer knows. */
  aggregateRequest(
    entityCount: number,
    subset: THeSubset,
    fields: readonly string[],
    options: { squares?: boolean } = {},
  ): THeAggregateRequest {
    this.assertAlive();
    const n = checkedEntityCount(entityCount);
    return {
      mode: "aggregate",
      preset: this.preset.id,
      entityCount: n,
      fields: [...fields],
      squares: options.squares ?? true,
      keys: this.evaluationKeys("aggregate"),
      selection: this.encryptSelection(subsetMask(subset, n)),
    };
  }

  /** Scores of all n entities, in entity order. CKKS: approximate (see presets.ts for ranges). */
  decodeScores(input: unknown): Float64Array {
    const kit = this.ckks("scoring");
    const response = this.parse(input, "scoring");
    if (response.mode !== "scoring") throw new Error("unreachable");
    const scores = new Float64Array(response.entityCount);
    const slots = kit.preset.slotCount;
    response.scores.forEach((text, batch) => {
      const values = this.decryptCkks(text, `scores[${batch}]`);
      const count = Math.min(slots, response.entityCount - batch * slots);
      scores.set(values.subarray(0, count), batch * slots);
    });
    return scores;
  }

  /** The selected entity's value of each field (exact integers). */
  decodeLookup(input: unknown): Record<string, bigint> {
    this.bfv("lookup");
    const response = this.parse(input, "lookup");
    if (response.mode !== "lookup") throw new Error("unreachable");
    const values: Record<string, bigint> = {};
    for (const { field, value } of response.values) values[field] = this.decryptBfvTotal(value, field);
    return values;
  }

  /** Count, sums (and squares, mean, variance) over the buyer's subset. */
  decodeAggregate(input: unknown): THeAggregateResult {
    this.assertAlive();
    const response = this.parse(input, "aggregate");
    if (response.mode !== "aggregate") throw new Error("unreachable");
    if (this.preset.scheme === "bfv") {
      const count = this.decryptBfvTotal(response.count, "count");
      const fields: Record<string, THeFieldAggregate<bigint>> = {};
      for (const f of response.fields) {
        const sum = this.decryptBfvTotal(f.sum, `${f.field}.sum`);
        const entry: THeFieldAggregate<bigint> = {
          sum,
          mean: count > 0n ? Number(sum) / Number(count) : null,
        };
        if (f.sumOfSquares !== undefined) {
          const squares = this.decryptBfvTotal(f.sumOfSquares, `${f.field}.sumOfSquares`);
          entry.sumOfSquares = squares;
          // Exact numerator count·Σx² − (Σx)², one rounding at the end.
          entry.variance = count > 0n ? Number(count * squares - sum * sum) / Number(count * count) : null;
        }
        fields[f.field] = entry;
      }
      return { scheme: "bfv", count, fields };
    }
    // Σ s_i over 0/1 selections is an integer; CKKS returns it with a tiny error.
    const count = Math.round(this.decryptCkksTotal(response.count, "count"));
    const fields: Record<string, THeFieldAggregate<number>> = {};
    for (const f of response.fields) {
      const sum = this.decryptCkksTotal(f.sum, `${f.field}.sum`);
      const entry: THeFieldAggregate<number> = { sum, mean: count > 0 ? sum / count : null };
      if (f.sumOfSquares !== undefined) {
        const squares = this.decryptCkksTotal(f.sumOfSquares, `${f.field}.sumOfSquares`);
        entry.sumOfSquares = squares;
        entry.variance = count > 0 ? squares / count - (sum / count) ** 2 : null;
      }
      fields[f.field] = entry;
    }
    return { scheme: "ckks", count, fields };
  }

  /**
   * The secret key (SEAL serialization, zstd) for keeping it locally to decrypt later. Never
   * send it: whoever holds it can read every query and result of this session.
   */
  exportSecretKey(): Uint8Array {
    this.assertAlive();
    return Uint8Array.from(this.secretKey.saveToArray(this.seal.ComprModeType.zstd) as Uint8Array);
  }

  /** Frees the keys on the WebAssembly heap; the object is unusable afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const object of [this.encryptor, this.decryptor, this.secretKey, this.keyGenerator]) {
      if (!object.isDeleted()) object.delete();
    }
    this.galoisKeysBase64.clear();
    this.publicKeyBase64 = undefined;
  }

  // -------------------------------------------------------------------------------------------

  private assertAlive(): void {
    if (this.disposed) throw new Error("HeBuyer was disposed");
  }

  private ckks(mode: THeMode): TCkksKit {
    this.assertAlive();
    if (this.kit.preset.scheme !== "ckks") throw new RangeError(`${mode} needs a CKKS session`);
    return this.kit as TCkksKit;
  }

  private bfv(mode: THeMode): TBfvKit {
    this.assertAlive();
    if (this.kit.preset.scheme !== "bfv") throw new RangeError(`${mode} needs a BFV session`);
    return this.kit as TBfvKit;
  }

  /** Saves a seeded (Serializable*) object as base64 of its zstd serialization and frees it. */
  private saveSeeded(create: () => { saveToArray(mode: unknown): unknown; delete(): void }): string {
    const object = create();
    try {
      return bytesToBase64(object.saveToArray(this.seal.ComprModeType.zstd) as Uint8Array);
    } finally {
      object.delete();
    }
  }

  /** Encrypts a 0/1 mask of length n into ceil(n / slots) seeded ciphertexts. */
  private encryptSelection(mask: Uint8Array): string[] {
    const slots = this.preset.slotCount;
    const batches = Math.ceil(mask.length / slots);
    const out: string[] = [];
    const scope = new SealScope();
    try {
      const plain = scope.track(new this.seal.Plaintext());
      for (let b = 0; b < batches; b++) {
        const part = mask.subarray(b * slots, Math.min(mask.length, (b + 1) * slots));
        if (this.kit.preset.scheme === "bfv") {
          const values = new BigInt64Array(slots);
          for (let i = 0; i < part.length; i++) if (part[i]) values[i] = 1n;
          (this.kit as TBfvKit).encoder.encode(values, plain);
        } else {
          const values = new Float64Array(slots);
          values.set(part);
          const kit = this.kit as TCkksKit;
          kit.encoder.encode(values, kit.preset.scale, plain);
        }
        out.push(this.saveSeeded(() => this.encryptor.encryptSymmetricSerializable(plain)));
      }
      return out;
    } finally {
      scope.free();
    }
  }

  private parse(input: unknown, mode: THeMode) {
    const response = parseHeResponse(input);
    if (response.mode !== mode || response.preset !== this.preset.id) {
      throw new HeError(
        "HE_DECRYPTION_FAILED",
        `expected a ${mode} response under ${this.preset.id}, got ${response.mode} under ${response.preset}`,
      );
    }
    return response;
  }

  private loadResult(scope: SealScope, text: string, what: string) {
    const ct = scope.track(new this.seal.Ciphertext());
    try {
      ct.loadFromArray(this.kit.context, base64ToBytes(text, what));
    } catch (err) {
      if (err instanceof HeError) throw err;
      throw new HeError("HE_DECRYPTION_FAILED", `${what} could not be loaded: ${errorText(err)}`);
    }
    if (ct.isTransparent()) throw new HeError("HE_TRANSPARENT_CIPHERTEXT", `${what} is transparent`);
    return ct;
  }

  /** A BFV result whose every slot holds the same total; checks the noise budget. */
  private decryptBfvTotal(text: string, what: string): bigint {
    const kit = this.kit as TBfvKit;
    const scope = new SealScope();
    try {
      const ct = this.loadResult(scope, text, what);
      let budget: number;
      try {
        budget = this.decryptor.invariantNoiseBudget(ct);
      } catch (err) {
        throw new HeError("HE_DECRYPTION_FAILED", `${what}: ${errorText(err)}`);
      }
      if (budget <= 0) {
        throw new HeError(
          "HE_DECRYPTION_FAILED",
          `${what}: noise budget exhausted, the result is not readable`,
        );
      }
      const plain = scope.track(new this.seal.Plaintext());
      this.decryptor.decrypt(ct, plain);
      const slots = kit.encoder.decodeBigInt64(plain) as BigInt64Array;
      const value = slots[0]!;
      for (let i = 1; i < slots.length; i++) {
        if (slots[i] !== value) {
          throw new HeError("HE_DECRYPTION_FAILED", `${what}: slots disagree, the result was not summed`);
        }
      }
      return value;
    } finally {
      scope.free();
    }
  }

  private decryptCkks(text: string, what: string): Float64Array {
    const kit = this.kit as TCkksKit;
    const scope = new SealScope();
    try {
      const ct = this.loadResult(scope, text, what);
      const plain = scope.track(new this.seal.Plaintext());
      try {
        this.decryptor.decrypt(ct, plain);
      } catch (err) {
        throw new HeError("HE_DECRYPTION_FAILED", `${what}: ${errorText(err)}`);
      }
      return Float64Array.from(kit.encoder.decodeFloat64(plain) as Float64Array);
    } finally {
      scope.free();
    }
  }

  /** A CKKS result whose every slot holds ≈ the same total: their mean. */
  private decryptCkksTotal(text: string, what: string): number {
    const slots = this.decryptCkks(text, what);
    let sum = 0;
    for (const v of slots) sum += v;
    return sum / slots.length;
  }
}

function subsetMask(subset: THeSubset, n: number): Uint8Array {
  if (subset instanceof Uint8Array) {
    if (subset.length !== n) throw new RangeError(`subset mask must have ${n} entries`);
    if (!subset.every((v) => v === 0 || v === 1)) throw new RangeError("subset mask must hold only 0 and 1");
    return subset;
  }
  const mask = new Uint8Array(n);
  for (const index of subset) {
    if (!Number.isInteger(index) || index < 0 || index >= n) {
      throw new RangeError(`subset indices must be integers in 0..${n - 1}`);
    }
    if (mask[index]) throw new RangeError(`subset lists index ${index} twice`);
    mask[index] = 1;
  }
  return mask;
}
