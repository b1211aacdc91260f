/**
 * What coding a registration writes, shared by the workflow (registrations.ts) and the demo seed
 * (seed-catalog.ts): the registration code, the catalog's `datasets` row, and the claims on the
 * data items the dataset is the authoritative source of.
 */
import type { TDatasetEntry } from "@pdx/common/catalog/dataset-entry";
import { searchTextOf } from "@pdx/common/catalog/search-text";
import type { TQueryable } from "../../db";
import { DomainError } from "../domain-error";
import { stableUuid } from "../seed/stable-id";
import { authoritativeItems, itemConflictMessage } from "./registrations-checks";

/** Registration codes read "PCDR-<year>-<6-digit sequence>" (鹏城数据资源登记). */
export const REGISTRATION_CODE_PREFIX = "PCDR";
/** How long a coded registration is valid. */
export const REGISTRATION_VALID_YEARS = 3;

/** Key of the transaction-scoped advisory lock that serializes registration-code assignment. */
const CODE_LOCK_KEY = 7_311_001;

/** The calendar year in China Standard Time (UTC+8), which registration codes carry. */
export function registrationYearOf(at: Date): number {
  return new Date(at.getTime() + 8 * 3_600_000).getUTCFullYear();
}

/** `at` plus `years` calendar years (UTC). */
export function addYears(at: Date, years: number): Date {
  const d = new Date(at.getTime());
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d;
}

/**
 * The next registration code of the year of `at`: one more than the highest of that year. The
 * advisory lock (held until the transaction ends) makes concurrent codings wait for each other,
 * so the sequence has no duplicates and, in commit order, no gaps.
 */
export async function nextRegistrationCode(tx: TQueryable, at: Date): Promise<string> {
  await tx.query("SELECT pg_advisory_xact_lock($1)", [CODE_LOCK_KEY]);
  const prefix = `${REGISTRATION_CODE_PREFIX}-${registrationYearOf(at)}-`;
  const { rows } = await tx.query<{ seq: number | null }>(
    `SELECT max(substring(registration_code FROM $2::int)::int) AS seq
       FROM dataset_registrations WHERE registration_code LIKE $1`,
    [`${prefix}%`, prefix.length + 1],
  );
  const seq = (rows[0]?.seq ?? 0) + 1;
  return `${prefix}${String(seq).padStart(6, "0")}`;
}

/** Id of the `datasets` row of a dataset code that has none yet (the seed uses the same). */
export const newDatasetIdFor = (code: string) => stableUuid(`dataset:${code}`);

export interface TDatasetRowInput {
  entry: TDatasetEntry;
  entryHash: string;
  sourceOrgId: string;
  registrationId: string;
  registrationCode: string;
  codedAt: Date;
  validUntil: Date;
}

/**
 * Writes the catalog's row of a coded dataset: every filter column, the entry, its hash and the
 * search text. An existing row (same code) keeps its id, because products reference it.
 */
export async function upsertCodedDataset(tx: TQueryable, input: TDatasetRowInput): Promise<string> {
  const { entry } = input;
  const { rows: org } = await tx.query<{ name: string; name_en: string }>(
    "SELECT name, name_en FROM organizations WHERE id = $1",
    [input.sourceOrgId],
  );
  if (!org[0]) throw new DomainError("NOT_FOUND", "the source department does not exist");
  const searchText = searchTextOf(entry, [org[0].name, org[0].name_en]);
  // The original column list of `datasets` (name, label, type per field) stays filled for the
  // parts of the system that predate the catalog entry.
  const legacyFields = entry.fields.map((f) => ({ name: f.name, label: f.label, type: f.type }));
  const { rows } = await tx.query<{ id: string }>(
    `INSERT INTO datasets (id, code, name_zh, name_en, description_zh, description_en, source_org_id, fields,
       library, library_code, sector_code, business_code, grade, sharing, open_attribute, update_frequency,
       volume_rows, entry, entry_hash, search_text, status, registration_id, registration_code, coded_at,
       valid_until, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
       'coded', $21, $22, $23, $24, $23)
     ON CONFLICT (code) DO UPDATE SET name_zh = EXCLUDED.name_zh, name_en = EXCLUDED.name_en,
       description_zh = EXCLUDED.description_zh, description_en = EXCLUDED.description_en,
       source_org_id = EXCLUDED.source_org_id, fields = EXCLUDED.fields, library = EXCLUDED.library,
       library_code = EXCLUDED.library_code, sector_code = EXCLUDED.sector_code,
       business_code = EXCLUDED.business_code, grade = EXCLUDED.grade, sharing = EXCLUDED.sharing,
       open_attribute = EXCLUDED.open_attribute, update_frequency = EXCLUDED.update_frequency,
       volume_rows = EXCLUDED.volume_rows, entry = EXCLUDED.entry, entry_hash = EXCLUDED.entry_hash,
       search_text = EXCLUDED.search_text, status = 'coded', registration_id = EXCLUDED.registration_id,
       registration_code = EXCLUDED.registration_code, coded_at = EXCLUDED.coded_at,
       valid_until = EXCLUDED.valid_until, updated_at = EXCLUDED.updated_at
     RETURNING id`,
    [
      newDatasetIdFor(entry.code),
      entry.code,
      entry.name.zh,
      entry.name.en,
      entry.description.zh,
      entry.description.en,
      input.sourceOrgId,
      JSON.stringify(legacyFields),
      entry.library,
      entry.libraryCode,
      entry.category.sector.code,
      entry.category.business.code,
      entry.grade,
      entry.sharing.attribute,
      entry.open.attribute,
      entry.updateFrequency,
      entry.volume.rows,
      JSON.stringify(entry),
      input.entryHash,
      searchText,
      input.registrationId,
      input.registrationCode,
      input.codedAt,
      input.validUntil,
    ],
  );
  return rows[0]!.id;
}

/**
 * Claims the entry's authoritative data items for `orgId` (一数一源) and releases the items this
 * dataset no longer provides authoritatively. An item held by another department is a CONFLICT
 * naming it; an item this department already provides from another dataset stays with that
 * dataset. New claims are plain INSERTs, so a concurrent claim of the same item fails on the
 * primary key (mapped to the same CONFLICT by mapCatalogUniqueViolations).
 */
export async function claimAuthoritativeItems(
  tx: TQueryable,
  input: { entry: TDatasetEntry; orgId: string; registrationId: string; at: Date },
): Promise<{ claimed: number; released: number }> {
  const { entry, orgId, registrationId, at } = input;
  const items = authoritativeItems(entry);
  const codes = items.map((i) => i.item);
  const { rowCount: released } = await tx.query(
    "DELETE FROM data_item_sources WHERE dataset_code = $1 AND source_org_id = $2 AND NOT (item_code = ANY($3))",
    [entry.code, orgId, codes],
  );
  if (items.length === 0) return { claimed: 0, released };
  const { rows: existing } = await tx.query<{
    item_code: string;
    source_org_id: string;
    dataset_code: string;
    org_name: string;
  }>(
    `SELECT s.item_code, s.source_org_id, s.dataset_code, o.name AS org_name
       FROM data_item_sources s JOIN organizations o ON o.id = s.source_org_id
      WHERE s.item_code = ANY($1) FOR UPDATE OF s`,
    [codes],
  );
  const held = new Map(existing.map((r) => [r.item_code, r]));
  const conflicts = existing.filter((r) => r.source_org_id !== orgId);
  if (conflicts.length > 0) {
    throw new DomainError(
      "CONFLICT",
      conflicts.map((r) => itemConflictMessage(r.item_code, r.org_name)).join("; "),
    );
  }
  let claimed = 0;
  for (const { item, field } of items) {
    const current = held.get(item);
    if (current && current.dataset_code !== entry.code) continue;
    if (current) {
      await tx.query(
        "UPDATE data_item_sources SET field_name = $2, registration_id = $3 WHERE item_code = $1",
        [item, field, registrationId],
      );
    } else {
      await tx.query(
        `INSERT INTO data_item_sources (item_code, source_org_id, dataset_code, field_name, registration_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [item, orgId, entry.code, field, registrationId, at],
      );
    }
    claimed++;
  }
  return { claimed, released };
}

/** Releases every item claim of a dataset (when it is deregistered). */
export async function releaseAuthoritativeItems(
  tx: TQueryable,
  datasetCode: string,
  orgId: string,
): Promise<number> {
  const { rowCount } = await tx.query(
    "DELETE FROM data_item_sources WHERE dataset_code = $1 AND source_org_id = $2",
    [datasetCode, orgId],
  );
  return rowCount;
}
