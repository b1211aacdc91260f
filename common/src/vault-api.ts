/**
 * The vault's ingest contract, shared by the enclave (which serves it), the server (which relays
 * a data source's upload to it, signed) and the web app (which shows progress and errors).
 *
 * A data source uploads a dataset VERSION as CSV (RFC 4180, UTF-8, header row) or JSON Lines, in
 * chunks: start → PUT chunks at increasing offsets (resumable: GET tells how many bytes arrived)
 * → complete. The enclave then streams the staged file through parse → validate → protect → load,
 * all in one transaction: a version with any row error is rejected whole (with a report by row,
 * field and reason), one without errors is loaded whole. Versions are immutable and kept.
 *
 * How each field is stored is decided from its catalog grade and masking rule
 * (`vaultFieldOf`), never by the uploader:
 *   cleartext   — stored as is (general/important, not personal, not masked)
 *   fingerprint — keyed HMAC-SHA-256 under the data item's key: joinable, not reversible
 *   sealed      — AES-256-GCM under the version's data key (wrapped by the enclave's key store);
 *                 opened only inside a job whose rule allows masked output
 *   dropped     — not stored at all (masking "suppress")
 * Identifier fields (USCC, resident id, mobile, plate) are fingerprinted as well, so that they
 * join across datasets whatever else is kept of them.
 */
import { z } from "zod";
import {
  FIELD_TYPES,
  GRADES,
  IDENTIFIER_FORMATS,
  MASKING_RULES,
  type TDatasetEntry,
  type TDatasetField,
  type TGrade,
} from "./catalog/dataset-entry";

export const FIELD_STORAGE = ["cleartext", "sealed", "dropped"] as const;
export type TFieldStorage = (typeof FIELD_STORAGE)[number];

/** Identifier formats that are fingerprinted so they join across datasets. */
export const JOINABLE_IDENTIFIERS = ["uscc", "resident_id", "mobile", "plate"] as const;

const ZFieldName = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,62}$/, "must be a lowercase identifier (a–z, 0–9, _; starting with a letter)");

/** One registered field as the vault sees it: its type, checks and protection. */
export const ZVaultField = z.strictObject({
  name: ZFieldName,
  type: z.enum(FIELD_TYPES),
  grade: z.enum(GRADES),
  personalInfo: z.boolean(),
  masking: z.enum(MASKING_RULES),
  /** Data item code ("le.uscc"): the fingerprint key is per item, so equal items join. */
  item: z.string().min(3).max(80),
  /** Identifier format checked at ingest (e.g. a USCC's check character). */
  format: z.enum(IDENTIFIER_FORMATS).optional(),
  /** Allowed values (from the catalog's enum sample); absent = any. */
  values: z.array(z.string().min(1).max(60)).max(200).optional(),
  /** Whether an empty value is an error (default: every field is required). */
  nullable: z.boolean().default(false),
  storage: z.enum(FIELD_STORAGE),
  fingerprint: z.boolean(),
});
export type TVaultField = z.infer<typeof ZVaultField>;

/** How the vault stores a catalog field (see the module comment). */
export function vaultFieldOf(field: TDatasetField): TVaultField {
  const format = field.sample?.kind === "identifier" ? field.sample.format : undefined;
  const joinable = format !== undefined && (JOINABLE_IDENTIFIERS as readonly string[]).includes(format);
  const storage: TFieldStorage =
    field.masking === "suppress"
      ? "dropped"
      : field.masking === "hash"
        ? "dropped"
        : field.personalInfo || field.grade === "core" || field.masking !== "none"
          ? "sealed"
          : "cleartext";
  return {
    name: field.name,
    type: field.type,
    grade: field.grade,
    personalInfo: field.personalInfo,
    masking: field.masking,
    item: field.item,
    ...(format ? { format } : {}),
    ...(field.sample?.kind === "enum" ? { values: [...field.sample.values] } : {}),
    nullable: false,
    storage,
    fingerprint: joinable || field.masking === "hash",
  };
}

/** Minimum group size per dataset grade (the dataset's own rule may only raise it). */
export const MIN_GROUP_SIZE_BY_GRADE: Readonly<Record<TGrade, number>> = {
  general: 10,
  important: 20,
  core: 50,
};

/** Default ε budget per (buyer, dataset), by dataset grade. */
export const EPSILON_BUDGET_BY_GRADE: Readonly<Record<TGrade, number>> = {
  general: 10,
  important: 5,
  core: 2,
};

/**
 * Identifier formats that name a privacy unit (the person or organisation a row is about), in the
 * order a unit is chosen when a dataset holds several: a person before an enterprise before a
 * vehicle.
 */
export const PRIVACY_UNIT_FORMATS = ["resident_id", "mobile", "uscc", "plate"] as const;
/** Rows one unit may contribute to an aggregate of a non-register dataset, unless the query says. */
export const DEFAULT_ROWS_PER_UNIT = 10;
/** Most rows per unit a query may ask for (noise grows in proportion). */
export const MAX_ROWS_PER_UNIT = 100;

/**
 * The privacy unit of a dataset: the fingerprinted identifier field whose value says whom a row is
 * about. Differential privacy protects a UNIT, not a row: an aggregate keeps at most `rowsPerUnit`
 * rows of each unit (contribution bounding) and scales its noise by that bound, and the minimum
 * group size counts distinct units. A dataset that is the unit's register (its department is the
 * identifier's authoritative source) holds one row per unit, which ingest enforces.
 */
export const ZPrivacyUnit = z.strictObject({
  field: ZFieldName,
  /** One row per unit (a register): duplicates are rejected at ingest; no truncation is needed. */
  onePerUnit: z.boolean(),
  /** Default rows per unit kept by an aggregate (1 for a register). */
  rowsPerUnit: z.int().min(1).max(MAX_ROWS_PER_UNIT),
});
export type TPrivacyUnit = z.infer<typeof ZPrivacyUnit>;

/** What the vault needs to know of a dataset to accept a version of it. */
export const ZVaultDatasetSpec = z.strictObject({
  code: z.string().regex(/^[A-Z][A-Z0-9-]{2,39}$/, 'must be a dataset code such as "LE-BASE"'),
  title: z.string().min(1).max(100),
  grade: z.enum(GRADES),
  minGroupSize: z.int().min(2).max(10_000),
  epsilonBudget: z.number().positive().max(100),
  fields: z.array(ZVaultField).min(1).max(60),
  /** Null: the dataset names no unit, and each row is taken to be one unit. */
  privacyUnit: ZPrivacyUnit.nullable(),
});
export type TVaultDatasetSpec = z.infer<typeof ZVaultDatasetSpec>;

/**
 * The privacy unit of a catalog entry: its first identifier field by PRIVACY_UNIT_FORMATS order
 * (an authoritative one first within a format), or null when it has none.
 */
export function privacyUnitOf(fields: readonly TDatasetField[]): TPrivacyUnit | null {
  for (const format of PRIVACY_UNIT_FORMATS) {
    const candidates = fields.filter((f) => f.sample?.kind === "identifier" && f.sample.format === format);
    const field = candidates.find((f) => f.authoritative) ?? candidates[0];
    if (field)
      return {
        field: field.name,
        onePerUnit: field.authoritative,
        rowsPerUnit: field.authoritative ? 1 : DEFAULT_ROWS_PER_UNIT,
      };
  }
  return null;
}

/** The vault spec of a catalog entry. */
export function vaultDatasetSpecOf(entry: TDatasetEntry): TVaultDatasetSpec {
  return {
    code: entry.code,
    title: entry.name.zh,
    grade: entry.grade,
    minGroupSize: MIN_GROUP_SIZE_BY_GRADE[entry.grade],
    epsilonBudget: EPSILON_BUDGET_BY_GRADE[entry.grade],
    fields: entry.fields.map(vaultFieldOf),
    privacyUnit: privacyUnitOf(entry.fields),
  };
}

/**
 * The label of the version of fake rows that the enclave generates from a dataset's schema for
 * operators' mock runs. Reserved: no uploaded version may carry it (mock jobs run with no
 * authorization and no budget, so a real version under this label would leak).
 */
export const MOCK_VERSION_LABEL = "mock";

export const ZDatasetVersionLabel = z
  .string()
  .regex(
    /^[0-9A-Za-z][0-9A-Za-z._-]{0,39}$/,
    'must be 1–40 of letters, digits, ".", "_", "-", e.g. "2026.12"',
  )
  .refine((v) => v.toLowerCase() !== MOCK_VERSION_LABEL, {
    message: `"${MOCK_VERSION_LABEL}" is reserved for the generated mock data`,
  });

export const UPLOAD_FORMATS = ["csv", "jsonl"] as const;
export type TUploadFormat = (typeof UPLOAD_FORMATS)[number];

/** Largest chunk the enclave accepts in one PUT. */
export const UPLOAD_CHUNK_BYTES = 4 * 1024 * 1024;
/** Largest file accepted (bytes). */
export const UPLOAD_MAX_BYTES = 2 * 1024 * 1024 * 1024;
/** Row errors kept in a report (all are counted). */
export const UPLOAD_ERRORS_KEPT = 200;

/** POST /v1/uploads — opens an upload session for one new version. */
export const ZStartUploadRequest = z.strictObject({
  uploadId: z.uuid(),
  dataset: ZVaultDatasetSpec,
  version: ZDatasetVersionLabel,
  format: z.enum(UPLOAD_FORMATS),
  totalBytes: z.int().min(1).max(UPLOAD_MAX_BYTES),
  /** Who uploads (for the version's provenance). */
  uploadedBy: z.strictObject({ orgId: z.string().min(1).max(100), userId: z.string().min(1).max(100) }),
});
export type TStartUploadRequest = z.infer<typeof ZStartUploadRequest>;

export const UPLOAD_STATES = [
  "receiving",
  "validating",
  "loaded",
  "rejected",
  "failed",
  "cancelled",
] as const;
export type TUploadState = (typeof UPLOAD_STATES)[number];

/** One row error: 1-based data row (header excluded), field (absent for a whole-row problem), reason. */
export const ZRowError = z.strictObject({
  row: z.int().min(1),
  field: z.string().max(100).optional(),
  reason: z.string().min(1).max(300),
});
export type TRowError = z.infer<typeof ZRowError>;

/** GET /v1/uploads/:id (and the answer of every upload call). */
export const ZUploadStatus = z.strictObject({
  uploadId: z.uuid(),
  datasetCode: z.string(),
  version: z.string(),
  format: z.enum(UPLOAD_FORMATS),
  state: z.enum(UPLOAD_STATES),
  totalBytes: z.int().nonnegative(),
  receivedBytes: z.int().nonnegative(),
  /** Rows parsed so far while validating (progress of the load). */
  rowsProcessed: z.int().nonnegative(),
  /** Rows stored (set once loaded). */
  rowsLoaded: z.int().nonnegative(),
  errorCount: z.int().nonnegative(),
  /** The first UPLOAD_ERRORS_KEPT row errors, in file order. */
  errors: z.array(ZRowError),
  /** Why a whole upload failed (bad header, wrong encoding, …); null otherwise. */
  failure: z.string().max(500).nullable(),
  /** SHA-256 of the loaded rows' canonical form (set once loaded). */
  contentHash: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type TUploadStatus = z.infer<typeof ZUploadStatus>;

/** GET /v1/datasets/:code/versions — loaded versions, newest first. */
export const ZDatasetVersion = z.strictObject({
  code: z.string(),
  version: z.string(),
  rows: z.int().nonnegative(),
  contentHash: z.string(),
  loadedAt: z.string(),
  /** How each field is stored, for the data source to see. */
  fields: z.array(
    z.strictObject({ name: z.string(), storage: z.enum(FIELD_STORAGE), fingerprint: z.boolean() }),
  ),
});
export type TDatasetVersion = z.infer<typeof ZDatasetVersion>;
