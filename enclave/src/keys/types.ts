/**
 * The enclave key store's interface (implemented in key-store.ts). Key material never leaves it
 * except as wrapped data keys; nothing here is ever logged.
 *   - The key-encryption key (KEK) lives in a file under the enclave's data directory (0600) or in
 *     ENCLAVE_KEY_STORE_KEY; each dataset version has its own random 256-bit data key, stored only
 *     wrapped (AES-256-GCM under the KEK, AAD "pdx-dek/<code>@<version>").
 *   - Fingerprint keys are per data item ("le.uscc"), derived with HKDF-SHA-256 from the KEK-held
 *     fingerprint secret, so the same item fingerprints the same in every dataset (joinable) and
 *     differently across items.
 */
export interface TKeyStore {
  /** A fresh data key for a new version: the raw key (for this load only) and its wrapped form. */
  newDataKey(code: string, version: string): { key: Buffer; wrapped: string };
  /** The raw data key of a version, from its wrapped form (throws when the wrap does not verify). */
  unwrapDataKey(code: string, version: string, wrapped: string): Buffer;
  /** HMAC-SHA-256 of the canonical text of a value under the item's fingerprint key (32 bytes). */
  fingerprint(item: string, canonicalText: string): Buffer;
}

/** Seals / opens one value with a version's data key (AES-256-GCM; nonce ‖ ciphertext ‖ tag). */
export interface TValueCipher {
  seal(key: Buffer, aad: string, canonicalText: string): Buffer;
  open(key: Buffer, aad: string, sealed: Buffer): string;
}
