/**
 * The wire format of the encrypted-query modes: zod schemas with size limits for requests (buyer →
 * platform → enclave) and responses (enclave → buyer), base64 helpers (no node: imports: the
 * buyer client uses them in the browser), and the mapping of schema failures to HeError codes.
 *
 * Every SEAL object travels as base64 of its SEAL serialization with zstd compression. The buyer
 * sends seeded forms, which carry a 64-byte seed instead of the uniformly random polynomial
 * (secret-key encryption → half-size ciphertexts; Galois and public keys generated seeded). A
 * result cannot be seeded (it is computed, not sampled), so responses are full ciphertexts at the
 * lowest level the mode allows. Measured sizes (decoded bytes; base64 adds a third):
 *   BFV   selection ciphertext (seeded, 4 primes) ≈ 216 KB; result (2 primes) ≈ 214 KB
 *   CKKS  weight / selection ciphertext (seeded)  ≈ 160 KB; scoring result (1 prime) ≈ 128 KB
 *         per 4096 entities; aggregate result (2 primes) ≈ 235 KB
 *   public key (seeded): BFV ≈ 271 KB, CKKS ≈ 233 KB
 *   Galois keys (seeded): BFV 13 steps ≈ 14.1 MB, CKKS 12 steps ≈ 8.4 MB, CKKS 4 steps ≈ 2.8 MB
 *   (unseeded they are about twice as large; zstd saves only ≈ 18% more, the coefficients are
 *   near-uniform). Loading a seeded ciphertext costs ≈ 2.5 ms to expand its seed.
 * So a BFV aggregate over 2^20 entities is ≈ 27 MB of ciphertexts + 14 MB of keys (≈ 55 MB of
 * JSON): HTTP routes carrying these need a body limit to match, or the keys uploaded once per
 * session and referenced.
 * The limits below admit unseeded ciphertexts and public keys too; Galois keys must come seeded
 * (BFV's unseeded set is ≈ 28 MB).
 */
import { z } from "zod";
import { HeError } from "./he-error";
import { galoisStepsFor, HE_MAX_FEATURES, scoringBatchCount, selectionBatchCount } from "./layout";
import {
  BFV_PRESET_ID,
  CKKS_PRESET_ID,
  HE_MAX_ENTITIES,
  HE_PRESETS,
  isHePresetId,
  type THePreset,
  type THePresetId,
} from "./presets";

/** Largest base64 text of one ciphertext. */
export const MAX_CIPHERTEXT_BASE64 = 1_048_576;
/** Largest base64 text of a public key. */
export const MAX_PUBLIC_KEY_BASE64 = 1_048_576;
/** Largest base64 text of a Galois key set (BFV's 13 seeded steps take ≈ 18.8 M characters). */
export const MAX_GALOIS_KEYS_BASE64 = 25_165_824;
/** Most selection ciphertexts: 2^20 entities in 4096-slot CKKS ciphertexts. */
export const MAX_SELECTION_CIPHERTEXTS = 256;
/** Most fields per lookup or aggregate request. */
export const MAX_FIELDS = 16;

const BASE64_MESSAGE = "must be base64";
// A plain character-class loop (a grouped `(?:…{4})*` overflows V8's regexp stack on 10+ MB).
const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

function isBase64(text: string): boolean {
  return text.length % 4 === 0 && BASE64_RE.test(text);
}

function base64(maxChars: number) {
  return z.string().min(4).max(maxChars).refine(isBase64, BASE64_MESSAGE);
}

export const ZCiphertextBase64 = base64(MAX_CIPHERTEXT_BASE64);

/** Lower-case identifier, as elsewhere in the platform's schemas. */
export const ZHeFieldName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z][a-z0-9_]*$/, "must be a lowercase identifier");

const ZFieldList = z
  .array(ZHeFieldName)
  .min(1)
  .max(MAX_FIELDS)
  .refine((fields) => new Set(fields).size === fields.length, "fields must be distinct");

const ZEntityCount = z.number().int().min(1).max(HE_MAX_ENTITIES);
const ZPresetIdText = z.string().min(1).max(64);

/** The buyer's public evaluation material: never anything that decrypts. */
export const ZHeEvaluationKeys = z.object({
  /** Seeded public key: the enclave adds a fresh encryption of zero to each result with it. */
  publicKey: base64(MAX_PUBLIC_KEY_BASE64),
  /** Seeded Galois keys for exactly the rotation steps of the mode. */
  galoisKeys: base64(MAX_GALOIS_KEYS_BASE64),
});
export type THeEvaluationKeys = z.infer<typeof ZHeEvaluationKeys>;

export const ZHeScoringRequest = z.object({
  mode: z.literal("scoring"),
  preset: ZPresetIdText,
  entityCount: ZEntityCount,
  featureCount: z.number().int().min(1).max(HE_MAX_FEATURES),
  keys: ZHeEvaluationKeys,
  /** One CKKS ciphertext: slot s holds w[s mod D] (layout.ts). */
  weights: ZCiphertextBase64,
});
export type THeScoringRequest = z.infer<typeof ZHeScoringRequest>;

export const ZHeLookupRequest = z.object({
  mode: z.literal("lookup"),
  preset: ZPresetIdText,
  entityCount: ZEntityCount,
  fields: ZFieldList,
  keys: ZHeEvaluationKeys,
  /** ceil(n / 8192) BFV ciphertexts of the one-hot selection vector. */
  selection: z.array(ZCiphertextBase64).min(1).max(MAX_SELECTION_CIPHERTEXTS),
});
export type THeLookupRequest = z.infer<typeof ZHeLookupRequest>;

export const ZHeAggregateRequest = z.object({
  mode: z.literal("aggregate"),
  preset: ZPresetIdText,
  entityCount: ZEntityCount,
  fields: ZFieldList,
  /** Also return Σ s·x² per field (for the variance). */
  squares: z.boolean(),
  keys: ZHeEvaluationKeys,
  /** ceil(n / slots) ciphertexts of the 0/1 selection vector. */
  selection: z.array(ZCiphertextBase64).min(1).max(MAX_SELECTION_CIPHERTEXTS),
});
export type THeAggregateRequest = z.infer<typeof ZHeAggregateRequest>;

export const ZHeRequest = z.discriminatedUnion("mode", [
  ZHeScoringRequest,
  ZHeLookupRequest,
  ZHeAggregateRequest,
]);
export type THeRequest = z.infer<typeof ZHeRequest>;

export const ZHeScoringResponse = z.object({
  mode: z.literal("scoring"),
  preset: z.literal(CKKS_PRESET_ID),
  entityCount: ZEntityCount,
  /** Result b holds entity 4096·b + s's score in slot s. */
  scores: z.array(ZCiphertextBase64).min(1).max(MAX_SELECTION_CIPHERTEXTS),
});
export type THeScoringResponse = z.infer<typeof ZHeScoringResponse>;

export const ZHeLookupResponse = z.object({
  mode: z.literal("lookup"),
  preset: z.literal(BFV_PRESET_ID),
  entityCount: ZEntityCount,
  /** One ciphertext per requested field, every slot holding the selected value. */
  values: z
    .array(z.object({ field: ZHeFieldName, value: ZCiphertextBase64 }))
    .min(1)
    .max(MAX_FIELDS),
});
export type THeLookupResponse = z.infer<typeof ZHeLookupResponse>;

export const ZHeAggregateResponse = z.object({
  mode: z.literal("aggregate"),
  preset: z.enum([BFV_PRESET_ID, CKKS_PRESET_ID]),
  entityCount: ZEntityCount,
  /** Enc(Σ s_i) over i < n. */
  count: ZCiphertextBase64,
  fields: z
    .array(
      z.object({
        field: ZHeFieldName,
        /** Enc(Σ s_i·x_i). */
        sum: ZCiphertextBase64,
        /** Enc(Σ s_i·x_i²), when the request asked for squares. */
        sumOfSquares: ZCiphertextBase64.optional(),
      }),
    )
    .min(1)
    .max(MAX_FIELDS),
});
export type THeAggregateResponse = z.infer<typeof ZHeAggregateResponse>;

export const ZHeResponse = z.discriminatedUnion("mode", [
  ZHeScoringResponse,
  ZHeLookupResponse,
  ZHeAggregateResponse,
]);
export type THeResponse = z.infer<typeof ZHeResponse>;

/** The preset each mode may use. */
export const MODE_PRESETS: Readonly<Record<THeRequest["mode"], readonly THePresetId[]>> = {
  scoring: [CKKS_PRESET_ID],
  lookup: [BFV_PRESET_ID],
  aggregate: [BFV_PRESET_ID, CKKS_PRESET_ID],
};

function schemaError(error: z.ZodError, what: string): HeError {
  const issues = error.issues.slice(0, 5);
  const path = (issue: (typeof issues)[number]) => (issue.path.length ? issue.path.join(".") : what);
  const base64Issue = issues.find((issue) => issue.message === BASE64_MESSAGE);
  if (base64Issue) return new HeError("HE_MALFORMED_BASE64", `${path(base64Issue)} is not valid base64`);
  return new HeError(
    "HE_INVALID_REQUEST",
    `${what} is invalid: ${issues.map((issue) => `${path(issue)}: ${issue.message}`).join("; ")}`,
  );
}

/**
 * Validates a request against the wire schema and the mode's rules (preset, number of
 * ciphertexts); throws HeError naming what was wrong. Does not load any SEAL object.
 */
export function parseHeRequest(input: unknown): THeRequest {
  const parsed = ZHeRequest.safeParse(input);
  if (!parsed.success) throw schemaError(parsed.error, "HE request");
  const request = parsed.data;
  const allowed = MODE_PRESETS[request.mode];
  if (!isHePresetId(request.preset) || !allowed.includes(request.preset)) {
    throw new HeError(
      "HE_WRONG_PRESET",
      `${request.mode} uses preset ${allowed.join(" or ")}; the request names ${JSON.stringify(request.preset.slice(0, 64))}`,
    );
  }
  if (request.mode !== "scoring") {
    const expected = selectionBatchCount(HE_PRESETS[request.preset], request.entityCount);
    if (request.selection.length !== expected) {
      throw new HeError(
        "HE_WRONG_COUNT",
        `selection has ${request.selection.length} ciphertexts; ${request.entityCount} entities under ${request.preset} need ${expected}`,
      );
    }
  }
  return request;
}

/** Validates a response (the buyer does this before decrypting). */
export function parseHeResponse(input: unknown): THeResponse {
  const parsed = ZHeResponse.safeParse(input);
  if (!parsed.success) throw schemaError(parsed.error, "HE response");
  const response = parsed.data;
  if (response.mode === "scoring" && response.scores.length !== scoringBatchCount(response.entityCount)) {
    throw new HeError(
      "HE_WRONG_COUNT",
      `scoring response has ${response.scores.length} ciphertexts for ${response.entityCount} entities`,
    );
  }
  return response;
}

/** The rotation steps the request's Galois keys must cover. */
export function requiredGaloisSteps(request: THeRequest): number[] {
  const preset: THePreset = HE_PRESETS[request.preset as THePresetId];
  return galoisStepsFor(request.mode, preset, request.mode === "scoring" ? request.featureCount : undefined);
}

// ---------------------------------------------------------------------------------------------
// base64 (Buffer when there is one, which is ~10× faster; plain JS in the browser)

interface TBufferLike {
  from(data: Uint8Array | string, encoding?: string): Uint8Array & { toString(encoding: string): string };
}
const NodeBuffer = (globalThis as { Buffer?: TBufferLike }).Buffer;

export function bytesToBase64(bytes: Uint8Array): string {
  return NodeBuffer ? NodeBuffer.from(bytes).toString("base64") : portableBytesToBase64(bytes);
}

/** Decodes base64 checked by the schemas above (throws HE_MALFORMED_BASE64 otherwise). */
export function base64ToBytes(text: string, what: string): Uint8Array {
  if (!isBase64(text)) throw new HeError("HE_MALFORMED_BASE64", `${what} is not valid base64`);
  if (!NodeBuffer) return portableBase64ToBytes(text);
  const buffer = NodeBuffer.from(text, "base64");
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** The browser path of bytesToBase64 (btoa over 32 KiB chunks). */
export function portableBytesToBase64(bytes: Uint8Array): string {
  let binary = "";
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}

/** The browser path of base64ToBytes (atob; the text must already be checked). */
export function portableBase64ToBytes(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Decoded byte length of base64 text (for size reports). */
export function base64ByteLength(text: string): number {
  const padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  return (text.length / 4) * 3 - padding;
}
