/**
 * The physical layout of one loaded dataset version in the vault — the contract between ingest
 * (which writes it) and the query compiler (which reads it).
 *
 * Every loaded version has a row in `vault_versions` and its rows in its own table
 * `vault_rows_<id>` (id = vault_versions.id), with `_row bigint` (1-based row of the source
 * file) and, per registered field:
 *   storage "cleartext" → column `<name>` of the field's SQL type (text, bigint, numeric, date, boolean)
 *   storage "sealed"    → column `<name>__sealed` bytea: 12-byte nonce ‖ AES-256-GCM ciphertext ‖ 16-byte tag
 *                          of the value's canonical text, under the version's data key, AAD
 *                          "<code>@<version>/<name>/<_row>"
 *   storage "dropped"   → no column
 *   fingerprint true    → also column `<name>__fp` bytea: HMAC-SHA-256(item key, canonical text)
 * Canonical text of a value: text as is (NFC), integer/numeric as the decimal string without
 * trailing zeros ("12.5", "3"), date "YYYY-MM-DD", boolean "true"/"false".
 */
import type { TVaultDatasetSpec, TVaultField } from "@pdx/common/vault-api";

export interface TStoredDataset {
  /** vault_versions.id */
  id: number;
  code: string;
  version: string;
  rowCount: number;
  contentHash: string;
  /** The spec the version was loaded under (fields, grade, k, ε budget). */
  spec: TVaultDatasetSpec;
  /** `vault_rows_<id>`. */
  table: string;
  /** Base64 of the version's data key wrapped by the enclave key store. */
  wrappedDataKey: string;
  loadedAt: string;
}

export const SQL_TYPE_OF: Readonly<Record<TVaultField["type"], string>> = {
  text: "text",
  integer: "bigint",
  numeric: "numeric",
  date: "date",
  boolean: "boolean",
};

export function rowsTableOf(versionId: number): string {
  if (!Number.isSafeInteger(versionId) || versionId < 1) throw new Error("vault: bad version id");
  return `vault_rows_${versionId}`;
}
export const cleartextColumnOf = (field: string) => field;
export const sealedColumnOf = (field: string) => `${field}__sealed`;
export const fingerprintColumnOf = (field: string) => `${field}__fp`;
