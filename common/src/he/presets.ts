/**
 * The ONE module that owns the homomorphic-encryption parameters (Microsoft SEAL 4.1 through
 * node-seal 7), the loading of the SEAL WebAssembly module, and turning SEAL's failures into
 * readable errors. Used by the buyer client (browser and Node: no node: imports here) and by the
 * enclave's evaluation functions.
 *
 * Presets (both N = 8192, 128-bit security by SEAL's HomomorphicEncryption.org table):
 *   bfv-8192-t60   BFV, coefficient modulus = SEAL's BFVDefault(8192, tc128) (43+43+44+44+44 bits;
 *                  the last prime is the key-switching prime), batching plain modulus t = the 60-bit
 *                  prime PlainModulus.Batching(8192, 60) = 1152921504606830593. Exact integers mod t,
 *                  decoded centred in (−t/2, t/2). 8192 slots (2 rows × 4096).
 *                  Documented value ranges (enforced on the enclave's data):
 *                    lookup             |x| ≤ 2^58
 *                    aggregate, sums    |x| ≤ 2^38   (n ≤ 2^20 → |Σx| ≤ 2^58 < t/2)
 *                    aggregate, squares |x| ≤ 2^19 = 524,288 (n ≤ 2^20 → Σx² ≤ 2^58 < t/2)
 *                  The modulus chain ends at 2 primes (t must stay below q), so results leave at
 *                  2 primes (87 bits) with ~18 bits of noise budget in the measured worst case.
 *   ckks-8192-s40  CKKS, coefficient modulus 60+40+40+60 bits (last = key-switching prime),
 *                  ciphertexts from the buyer at scale 2^40; the enclave encodes its plaintext
 *                  data at scale 2^30, so after one rescale a result has scale ≈ 2^30:
 *                    scoring    result at the last level (60 bits): |score| < 2^28
 *                    aggregates |x| ≤ 2^20, n ≤ 2^20 → Σx² ≤ 2^60: results stay at 2 primes
 *                               (100 bits), the last level with room for them.
 *
 * Both presets are checked when their context is built (parameters set, security level tc128,
 * the expected coefficient and plain moduli, batching, chain length); a mismatch is an HeError
 * HE_PRESET_INVALID naming the preset and the check.
 *
 * Kits (context + evaluator + encoder + parms ids per level) are built once per SEAL module and
 * per preset and live as long as the module: they are never deleted, so callers must not delete
 * them either. Everything else a caller creates must be deleted by the caller.
 */

import type {
  BatchEncoder,
  Ciphertext,
  CKKSEncoder,
  Evaluator,
  MainModule,
  ParmsIdType,
  SEALContext,
} from "node-seal";
import SEAL from "node-seal";
import { HeError } from "./he-error";

/** The loaded SEAL module (node-seal's "throws" build: transparent results throw). */
export type TSeal = MainModule;

export const BFV_PRESET_ID = "bfv-8192-t60";
export const CKKS_PRESET_ID = "ckks-8192-s40";
export const HE_PRESET_IDS = [BFV_PRESET_ID, CKKS_PRESET_ID] as const;
export type THePresetId = (typeof HE_PRESET_IDS)[number];

/** Most entities any mode accepts (2^20). */
export const HE_MAX_ENTITIES = 1_048_576;

export interface TBfvPreset {
  id: typeof BFV_PRESET_ID;
  scheme: "bfv";
  polyModulusDegree: 8192;
  /** Batching slots per ciphertext (2 rows of rowSize). */
  slotCount: 8192;
  rowSize: 4096;
  /** Bit sizes SEAL's BFVDefault(8192, tc128) must give (the last one is the special prime). */
  coeffModulusBits: readonly number[];
  plainModulusBits: 60;
  plainModulus: bigint;
  /** Number of primes a result keeps (the end of the modulus switching chain). */
  resultPrimes: 2;
  /** Primes at which rotate-and-sum runs (cheaper than 4, more budget than 2). */
  rotationPrimes: 3;
  limits: {
    maxEntities: number;
    lookupAbsMax: bigint;
    aggregateSumAbsMax: number;
    aggregateSquaresAbsMax: number;
  };
}

export interface TCkksPreset {
  id: typeof CKKS_PRESET_ID;
  scheme: "ckks";
  polyModulusDegree: 8192;
  slotCount: 4096;
  coeffModulusBits: readonly number[];
  /** Scale of everything the buyer encrypts. */
  scale: number;
  /** Scale at which the enclave encodes its plaintext data (result scale after one rescale). */
  dataScale: number;
  /** Primes of a scoring result (the last level) and of an aggregate result. */
  scoringResultPrimes: 1;
  aggregateResultPrimes: 2;
  limits: {
    maxEntities: number;
    /** |feature| for scoring and |x| for aggregates. */
    valueAbsMax: number;
    /** A score must stay below this in magnitude or it wraps around (CKKS cannot tell). */
    scoreAbsMax: number;
  };
}

export type THePreset = TBfvPreset | TCkksPreset;

export const BFV_PRESET: TBfvPreset = {
  id: BFV_PRESET_ID,
  scheme: "bfv",
  polyModulusDegree: 8192,
  slotCount: 8192,
  rowSize: 4096,
  coeffModulusBits: [43, 43, 44, 44, 44],
  plainModulusBits: 60,
  plainModulus: 1152921504606830593n,
  resultPrimes: 2,
  rotationPrimes: 3,
  limits: {
    maxEntities: HE_MAX_ENTITIES,
    lookupAbsMax: 2n ** 58n,
    aggregateSumAbsMax: 2 ** 38,
    aggregateSquaresAbsMax: 2 ** 19,
  },
};

export const CKKS_PRESET: TCkksPreset = {
  id: CKKS_PRESET_ID,
  scheme: "ckks",
  polyModulusDegree: 8192,
  slotCount: 4096,
  coeffModulusBits: [60, 40, 40, 60],
  scale: 2 ** 40,
  dataScale: 2 ** 30,
  scoringResultPrimes: 1,
  aggregateResultPrimes: 2,
  limits: {
    maxEntities: HE_MAX_ENTITIES,
    valueAbsMax: 2 ** 20,
    scoreAbsMax: 2 ** 28,
  },
};

export const HE_PRESETS: Readonly<Record<THePresetId, THePreset>> = {
  [BFV_PRESET_ID]: BFV_PRESET,
  [CKKS_PRESET_ID]: CKKS_PRESET,
};

export function isHePresetId(value: unknown): value is THePresetId {
  return typeof value === "string" && (HE_PRESET_IDS as readonly string[]).includes(value);
}

// ---------------------------------------------------------------------------------------------
// Loading SEAL

let loading: Promise<TSeal> | undefined;
let loaded: TSeal | undefined;
let wasmMemory: WebAssembly.Memory | undefined;

export interface TLoadSealOptions {
  /**
   * The bytes of node-seal's seal_throws.wasm. When given, SEAL is instantiated from them and its
   * WebAssembly memory is kept so sealHeapBytes() can report it (the enclave does this; a browser
   * lets node-seal fetch the file itself).
   */
  wasmBinary?: Uint8Array;
}

/**
 * The SEAL module, loaded once per JavaScript realm (each worker thread has its own). The first
 * call's options win; later calls return the same module.
 */
export function loadSeal(options: TLoadSealOptions = {}): Promise<TSeal> {
  loading ??= instantiate(options).then(
    (seal) => {
      loaded = seal;
      return seal;
    },
    (err: unknown) => {
      loading = undefined;
      throw new HeError("HE_PRESET_INVALID", `SEAL could not be loaded: ${errorText(err)}`);
    },
  );
  return loading;
}

async function instantiate(options: TLoadSealOptions): Promise<TSeal> {
  const bytes = options.wasmBinary;
  if (!bytes) return SEAL();
  let fail: (err: unknown) => void = () => {};
  const failed = new Promise<never>((_, reject) => {
    fail = reject;
  });
  const module = SEAL({
    instantiateWasm(
      imports: WebAssembly.Imports,
      receive: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void,
    ) {
      WebAssembly.instantiate(bytes as Uint8Array<ArrayBuffer>, imports).then(
        ({ instance, module: compiled }) => {
          wasmMemory = Object.values(instance.exports).find(
            (value): value is WebAssembly.Memory => value instanceof WebAssembly.Memory,
          );
          receive(instance, compiled);
        },
        fail,
      );
      return {};
    },
  });
  return Promise.race([module, failed]);
}

/**
 * Bytes of SEAL's WebAssembly memory (its heap), or undefined when SEAL was loaded without
 * `wasmBinary`. WebAssembly memory only grows, so a stable value across many jobs means every job
 * freed what it allocated.
 */
export function sealHeapBytes(): number | undefined {
  return wasmMemory?.buffer.byteLength;
}

// ---------------------------------------------------------------------------------------------
// Errors

const releasedExceptions = new WeakSet<object>();

/** Exported by node-seal's module but missing from its type declarations. */
interface TExceptionHelpers {
  decrementExceptionRefcount(err: unknown): void;
}

/**
 * "std::logic_error: ciphertext data is invalid" for a SEAL failure (a WebAssembly.Exception
 * whose message is [type, text]); the message of any other error. Frees the C++ exception object
 * (exceptions thrown in WASM and caught in JS leak unless their refcount is decremented).
 */
export function errorText(err: unknown): string {
  if (err instanceof HeError) return err.message;
  if (typeof err === "object" && err !== null) {
    const message = (err as { message?: unknown }).message;
    if (Array.isArray(message)) {
      if (loaded && !releasedExceptions.has(err)) {
        releasedExceptions.add(err);
        try {
          (loaded as unknown as TExceptionHelpers).decrementExceptionRefcount(err);
        } catch {
          // not one of this module's exceptions
        }
      }
      return message.filter((part) => typeof part === "string" && part.length > 0).join(": ");
    }
    if (typeof message === "string") return message;
  }
  return String(err);
}

/** Turns a SEAL failure (WebAssembly.Exception) into an Error with a readable message. */
export function sealError(err: unknown, what?: string): Error {
  if (err instanceof HeError) return err;
  const text = errorText(err);
  const error = new Error(what ? `${what}: ${text}` : text);
  error.name = "SealError";
  return error;
}

// ---------------------------------------------------------------------------------------------
// Contexts

interface TKitBase {
  readonly seal: TSeal;
  readonly context: SEALContext;
  readonly evaluator: Evaluator;
  /** Chain index of the first data level (all data primes); 0 is the last level. */
  readonly firstChainIndex: number;
  /** The parms id of a data level by chain index (owned by the kit: do not delete). */
  parmsIdAt(chainIndex: number): ParmsIdType;
  /** The chain index of a ciphertext's level. */
  chainIndexOf(ct: Ciphertext): number;
}
export interface TBfvKit extends TKitBase {
  readonly preset: TBfvPreset;
  readonly encoder: BatchEncoder;
}
export interface TCkksKit extends TKitBase {
  readonly preset: TCkksPreset;
  readonly encoder: CKKSEncoder;
}
export type THeKit = TBfvKit | TCkksKit;

/**
 * What a preset asks of SEAL; `createCheckedContext` builds a context from it and checks it. The
 * presets above are the only production inputs; tests pass broken variants.
 */
export interface TContextSpec {
  id: string;
  scheme: "bfv" | "ckks";
  polyModulusDegree: number;
  coeffModulusBits: readonly number[];
  /** BFV: the coefficient modulus is BFVDefault(N, tc128) and must have these bit sizes. */
  useBfvDefault?: boolean;
  plainModulusBits?: number;
  plainModulus?: bigint;
  /** Number of data levels the modulus switching chain must have. */
  dataLevels: number;
}

export function contextSpecOf(preset: THePreset): TContextSpec {
  return preset.scheme === "bfv"
    ? {
        id: preset.id,
        scheme: "bfv",
        polyModulusDegree: preset.polyModulusDegree,
        coeffModulusBits: preset.coeffModulusBits,
        useBfvDefault: true,
        plainModulusBits: preset.plainModulusBits,
        plainModulus: preset.plainModulus,
        // 4 data primes down to 2 (t must stay below q): 3 levels.
        dataLevels: preset.coeffModulusBits.length - preset.resultPrimes,
      }
    : {
        id: preset.id,
        scheme: "ckks",
        polyModulusDegree: preset.polyModulusDegree,
        coeffModulusBits: preset.coeffModulusBits,
        dataLevels: preset.coeffModulusBits.length - 1,
      };
}

function invalid(spec: TContextSpec, what: string): HeError {
  return new HeError("HE_PRESET_INVALID", `HE preset ${spec.id}: ${what}`);
}

/**
 * Builds a SEAL context for `spec` at 128-bit security and checks it; throws HE_PRESET_INVALID
 * naming the failed check. The caller owns (and deletes) the returned context.
 */
export function createCheckedContext(seal: TSeal, spec: TContextSpec): SEALContext {
  const owned: { delete(): void }[] = [];
  const own = <T extends { delete(): void }>(o: T): T => {
    owned.push(o);
    return o;
  };
  let context: SEALContext | undefined;
  try {
    const parms = own(
      new seal.EncryptionParameters(spec.scheme === "bfv" ? seal.SchemeType.bfv : seal.SchemeType.ckks),
    );
    parms.setPolyModulusDegree(spec.polyModulusDegree);
    const coeff = own(
      spec.useBfvDefault
        ? seal.CoeffModulus.BFVDefault(spec.polyModulusDegree, seal.SecLevelType.tc128)
        : seal.CoeffModulus.Create(spec.polyModulusDegree, Int32Array.from(spec.coeffModulusBits)),
    );
    const bits: number[] = [];
    for (let i = 0; i < coeff.size(); i++) bits.push(own(coeff.get(i)!).bitCount());
    if (bits.join(",") !== spec.coeffModulusBits.join(",")) {
      throw invalid(
        spec,
        `coefficient modulus has ${bits.join("+")} bits, expected ${spec.coeffModulusBits.join("+")}`,
      );
    }
    parms.setCoeffModulus(coeff);
    if (spec.scheme === "bfv") {
      const plain = own(seal.PlainModulus.Batching(spec.polyModulusDegree, spec.plainModulusBits ?? 0));
      if (spec.plainModulus !== undefined && plain.value() !== spec.plainModulus) {
        throw invalid(spec, `batching plain modulus is ${plain.value()}, expected ${spec.plainModulus}`);
      }
      parms.setPlainModulus(plain);
    }
    context = new seal.SEALContext(parms, true, seal.SecLevelType.tc128);
    if (!context.parametersSet()) {
      throw invalid(spec, "SEAL rejects these parameters at 128-bit security (tc128)");
    }
    const first = own(context.firstContextData());
    const qualifiers = own(first.qualifiers());
    if (qualifiers.securityLevel !== seal.SecLevelType.tc128) {
      throw invalid(spec, "security level is not tc128");
    }
    if (spec.scheme === "bfv" && !qualifiers.usingBatching) {
      throw invalid(spec, "plain modulus does not allow batching");
    }
    const levels = first.chainIndex() + 1;
    if (levels !== spec.dataLevels) {
      throw invalid(spec, `modulus switching chain has ${levels} data levels, expected ${spec.dataLevels}`);
    }
    const result = context;
    context = undefined;
    return result;
  } catch (err) {
    if (err instanceof HeError) throw err;
    throw invalid(spec, `SEAL refused the parameters: ${errorText(err)}`);
  } finally {
    context?.delete();
    for (const o of owned.reverse()) o.delete();
  }
}

const kits = new WeakMap<TSeal, Map<THePresetId, THeKit>>();

/** The kit of a preset for this SEAL module (built and checked on first use, then cached). */
export function presetKit(seal: TSeal, id: typeof BFV_PRESET_ID): TBfvKit;
export function presetKit(seal: TSeal, id: typeof CKKS_PRESET_ID): TCkksKit;
export function presetKit(seal: TSeal, id: THePresetId): THeKit;
export function presetKit(seal: TSeal, id: THePresetId): THeKit {
  let byId = kits.get(seal);
  if (!byId) {
    byId = new Map();
    kits.set(seal, byId);
  }
  let kit = byId.get(id);
  if (!kit) {
    kit = buildKit(seal, HE_PRESETS[id]);
    byId.set(id, kit);
  }
  return kit;
}

function buildKit(seal: TSeal, preset: THePreset): THeKit {
  const context = createCheckedContext(seal, contextSpecOf(preset));
  const evaluator = new seal.Evaluator(context);
  // Walk the data levels from the first (all data primes) down to the last (chain index 0).
  const parmsIds: ParmsIdType[] = [];
  let data = context.firstContextData();
  const firstChainIndex = data.chainIndex();
  for (let index = firstChainIndex; ; index--) {
    parmsIds[index] = data.parmsId();
    if (index === 0) break;
    const next = data.nextContextData();
    data.delete();
    data = next;
  }
  data.delete();
  const base = {
    seal,
    context,
    evaluator,
    firstChainIndex,
    parmsIdAt(chainIndex: number): ParmsIdType {
      const id = parmsIds[chainIndex];
      if (!id)
        throw new HeError("HE_EVALUATION_FAILED", `no data level ${chainIndex} in preset ${preset.id}`);
      return id;
    },
    chainIndexOf(ct: Ciphertext): number {
      const id = ct.parmsId();
      try {
        const data = context.getContextData(id);
        try {
          return data.chainIndex();
        } finally {
          data.delete();
        }
      } finally {
        id.delete();
      }
    },
  };
  return preset.scheme === "bfv"
    ? { ...base, preset, encoder: new seal.BatchEncoder(context) }
    : { ...base, preset, encoder: new seal.CKKSEncoder(context) };
}
