/**
 * What an authorization covers and how it appears on chain. Shared by the server (which files
 * and records authorizations), the enclave (which checks every job against the chain record) and
 * the registries client.
 *
 * scope       = [{ datasetCode, fields }]: the datasets and fields an operator may use.
 * scopeHash   = keccak256(UTF-8 canonical JSON of the canonical scope), 0x-hex (bytes32 on chain).
 * Chain ids   = keccak256(UTF-8 "<kind>:<id>"): "org:<orgId>", "registration:<uuid>",
 *               "authorization:<uuid>" — so nothing but a hash of an internal id is published.
 */
import { z } from "zod";
import { canonicalJson } from "./canonical-json";
import { bytesToHex, keccak256, utf8ToBytes } from "./hash";

/** A 32-byte value as 0x-prefixed lowercase hex (a bytes32 on chain). */
export type TBytes32Hex = `0x${string}`;

/** Most datasets one authorization may cover. */
export const MAX_SCOPE_DATASETS = 50;
/** Most fields per dataset (a catalog entry holds at most 60). */
export const MAX_SCOPE_FIELDS = 60;

/** Dataset code of the catalog, e.g. "LE-BASE" (same rule as the catalog entry and the DB). */
export const ZScopeDatasetCode = z
  .string()
  .regex(/^[A-Z][A-Z0-9-]{2,39}$/, "must be a dataset code: A–Z, 0–9 and '-', 3–40 characters");

/** Field name of a catalog entry: a lowercase identifier. */
export const ZScopeFieldName = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,63}$/, "must be a lowercase identifier (a–z, 0–9, '_'; at most 64)");

export const ZScopeDataset = z.object({
  datasetCode: ZScopeDatasetCode,
  fields: z.array(ZScopeFieldName).min(1, "must list at least one field").max(MAX_SCOPE_FIELDS),
});

/** An authorization scope as accepted at any boundary (not yet canonical). */
export const ZAuthorizationScope = z
  .array(ZScopeDataset)
  .min(1, "must cover at least one dataset")
  .max(MAX_SCOPE_DATASETS);

export type TAuthorizationScope = z.infer<typeof ZAuthorizationScope>;

/** Code-unit order: identical on every machine (no locale collation). */
function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The canonical form: validated, datasets sorted by code with duplicates merged, fields sorted
 * and deduplicated. Two scopes that mean the same thing have the same canonical form (and hash).
 * Throws a ZodError for an invalid scope.
 */
export function canonicalScope(scope: TAuthorizationScope): TAuthorizationScope {
  const parsed = ZAuthorizationScope.parse(scope);
  const fieldsByDataset = new Map<string, Set<string>>();
  for (const entry of parsed) {
    const fields = fieldsByDataset.get(entry.datasetCode) ?? new Set<string>();
    for (const field of entry.fields) fields.add(field);
    fieldsByDataset.set(entry.datasetCode, fields);
  }
  const merged = [...fieldsByDataset.entries()]
    .sort(([a], [b]) => byCodeUnits(a, b))
    .map(([datasetCode, fields]) => ({ datasetCode, fields: [...fields].sort(byCodeUnits) }));
  // Merging may push a dataset over the field limit: check the result too.
  return ZAuthorizationScope.parse(merged);
}

/** keccak256 of UTF-8 text, 0x-hex. */
export function keccakUtf8Hex(text: string): TBytes32Hex {
  return `0x${bytesToHex(keccak256(utf8ToBytes(text)))}`;
}

/** keccak256 of the canonical JSON of any value, 0x-hex. */
export function canonicalKeccakHex(value: unknown): TBytes32Hex {
  return keccakUtf8Hex(canonicalJson(value));
}

/** The scope hash recorded on chain: keccak256 of the canonical scope's canonical JSON. */
export function scopeHash(scope: TAuthorizationScope): TBytes32Hex {
  return canonicalKeccakHex(canonicalScope(scope));
}

/** The scenario hash recorded on chain: keccak256 of the canonical JSON of the filed content. */
export function scenarioHash(content: unknown): TBytes32Hex {
  return canonicalKeccakHex(content);
}

/** The dataset code hash recorded with a registration: keccak256(UTF-8 code). */
export function datasetCodeChainHash(datasetCode: string): TBytes32Hex {
  return keccakUtf8Hex(ZScopeDatasetCode.parse(datasetCode));
}

const ZOrgId = z.string().min(1).max(100);
const ZUuid = z.uuid();

/** On-chain id of an organization (operator of an authorization, source of a registration). */
export function orgChainId(orgId: string): TBytes32Hex {
  return keccakUtf8Hex(`org:${ZOrgId.parse(orgId)}`);
}

/** On-chain id of an operator: its organization's chain id. */
export function operatorChainId(orgId: string): TBytes32Hex {
  return orgChainId(orgId);
}

/** On-chain id of a dataset registration (uuid; lower-cased, as PostgreSQL prints it). */
export function registrationChainId(registrationId: string): TBytes32Hex {
  return keccakUtf8Hex(`registration:${ZUuid.parse(registrationId).toLowerCase()}`);
}

/** On-chain id of an authorization (uuid; lower-cased, as PostgreSQL prints it). */
export function authorizationChainId(authorizationId: string): TBytes32Hex {
  return keccakUtf8Hex(`authorization:${ZUuid.parse(authorizationId).toLowerCase()}`);
}

/**
 * The fields of `fields` that `scope` does not grant for `datasetCode`, in the order given
 * (all of them when the dataset is not in scope at all). Empty = everything is in scope.
 */
export function fieldsOutOfScope(
  scope: TAuthorizationScope,
  datasetCode: string,
  fields: readonly string[],
): string[] {
  const granted = new Set(scope.filter((d) => d.datasetCode === datasetCode).flatMap((d) => d.fields));
  return [...new Set(fields)].filter((field) => !granted.has(field));
}
