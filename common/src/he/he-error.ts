/**
 * The one error type of the homomorphic-encryption layer, shared by the buyer client (browser and
 * Node), the enclave's evaluation functions and the worker pool (which sends code + message across
 * the thread boundary and rebuilds the same class). The message is safe to show to the caller: it
 * names the request part that was wrong (e.g. "selection[3]") and the rule, never key material,
 * ciphertext bytes or vault values.
 */

/** Every reason an HE operation can be refused or fail. */
export const HE_ERROR_CODES = [
  /** The request does not match the wire schema (field, type, size limit). */
  "HE_INVALID_REQUEST",
  /** Unknown preset, or a preset the mode does not use. */
  "HE_WRONG_PRESET",
  /** A field that must hold base64 does not. */
  "HE_MALFORMED_BASE64",
  /** SEAL refused to load an object: other parameters, corrupted, truncated or the wrong type. */
  "HE_OBJECT_REJECTED",
  /** A ciphertext loaded but is not what the mode expects (level, size, scale, NTT form). */
  "HE_WRONG_CIPHERTEXT_SHAPE",
  /** A ciphertext whose second polynomial is zero: it encrypts nothing. */
  "HE_TRANSPARENT_CIPHERTEXT",
  /** Number of ciphertexts does not match the entity count. */
  "HE_WRONG_COUNT",
  /** Galois keys lack a rotation step the mode needs. */
  "HE_MISSING_GALOIS_KEYS",
  /** The request's entity or feature count differs from the data the enclave holds. */
  "HE_DATA_MISMATCH",
  /** A requested field is not in the data handed to the evaluation. */
  "HE_UNKNOWN_FIELD",
  /** The plaintext data handed to the evaluation breaks the preset's documented range. */
  "HE_DATA_INVALID",
  /** A preset's parameters did not give a valid 128-bit SEAL context. */
  "HE_PRESET_INVALID",
  /** SEAL failed during an evaluation the inputs had passed validation for. */
  "HE_EVALUATION_FAILED",
  /** The buyer could not decrypt a result (noise budget exhausted, wrong session, bad response). */
  "HE_DECRYPTION_FAILED",
  /** The worker pool was closed before the job ran. */
  "HE_POOL_CLOSED",
  /** The worker running the job died (crash, out of memory). */
  "HE_WORKER_FAILED",
] as const;
export type THeErrorCode = (typeof HE_ERROR_CODES)[number];

export class HeError extends Error {
  constructor(
    readonly code: THeErrorCode,
    /** Safe to show to the caller. */
    message: string,
  ) {
    super(message);
    this.name = "HeError";
  }
}

export function isHeErrorCode(value: unknown): value is THeErrorCode {
  return typeof value === "string" && (HE_ERROR_CODES as readonly string[]).includes(value);
}
