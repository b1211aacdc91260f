/**
 * The catalog (一本账) as every signed-in role reads it: search with filters and facet counts, a
 * dataset's data dictionary with its registration, chain record and grade-policy access, mock
 * rows generated from the schema (never real rows), the departments and summary counts.
 */
import type {
  TDatasetEntry,
  TGrade,
  TLibraryCode,
  TLibraryKind,
  TOpenAttribute,
  TSharingAttribute,
} from "@pdx/common/catalog/dataset-entry";
import {
  COMPUTE_MODES,
  datasetAuthorizationBlock,
  fieldAccess,
  type TComputeMode,
  type TFieldAccess,
} from "@pdx/common/catalog/grade-policy";
import { MOCK_ROWS_MAX, mockRows, type TMockRow } from "@pdx/common/catalog/mock-rows";
import type { TQueryable } from "../../db";
import type { TSessionUser } from "../auth/session-user";
import { DomainError } from "../domain-error";
import { chainWriteSummariesFor, type TChainWriteSummary } from "./registrations-chain";
import type { TRegistrationKind, TRegistrationStatus } from "./registrations-machine";
import {
  datasetWhere,
  effectiveDatasetStatus,
  FACET_COLUMNS,
  FACET_KEYS,
  type TDatasetFilter,
  type TFacetKey,
} from "./search";

export type TDatasetStatus = "coded" | "deregistered" | "expired";

export interface TDatasetSummary {
  code: string;
  name: { zh: string; en: string };
  description: { zh: string; en: string };
  library: TLibraryKind;
  libraryCode: TLibraryCode;
  category: TDatasetEntry["category"];
  grade: TGrade;
  sharing: TSharingAttribute;
  open: TOpenAttribute;
  updateFrequency: TDatasetEntry["updateFrequency"];
  volume: TDatasetEntry["volume"];
  fieldCount: number;
  sourceOrg: { id: string; name: string };
  registrationCode: string | null;
  codedAt: string | null;
  validUntil: string | null;
  status: TDatasetStatus;
}

interface TDatasetRow {
  id: string;
  code: string;
  entry: TDatasetEntry;
  entry_hash: string | null;
  source_org_id: string;
  source_org_name: string;
  source_org_name_en: string;
  source_agency_code: string | null;
  status: TDatasetStatus;
  registration_id: string | null;
  registration_code: string | null;
  coded_at: Date | null;
  valid_until: Date | null;
}

const DATASET_SELECT = `
  SELECT d.id, d.code, d.entry, d.entry_hash, d.source_org_id, o.name AS source_org_name,
         o.name_en AS source_org_name_en, o.agency_code AS source_agency_code, d.status, d.registration_id,
         d.registration_code, d.coded_at, d.valid_until
    FROM datasets d JOIN organizations o ON o.id = d.source_org_id`;

function toSummary(row: TDatasetRow, now: Date): TDatasetSummary {
  const e = row.entry;
  return {
    code: row.code,
    name: e.name,
    description: e.description,
    library: e.library,
    libraryCode: e.libraryCode,
    category: e.category,
    grade: e.grade,
    sharing: e.sharing.attribute,
    open: e.open.attribute,
    updateFrequency: e.updateFrequency,
    volume: e.volume,
    fieldCount: e.fields.length,
    sourceOrg: { id: row.source_org_id, name: row.source_org_name },
    registrationCode: row.registration_code,
    codedAt: row.coded_at?.toISOString() ?? null,
    validUntil: row.valid_until?.toISOString() ?? null,
    status: effectiveDatasetStatus(row.status, row.valid_until, now),
  };
}

// ── Search ──────────────────────────────────────────────────────────────────────────────────

export interface TFacetCount {
  value: string;
  count: number;
  /** Display name for sourceOrgId values. */
  label?: string;
}

export interface TDatasetPage {
  items: TDatasetSummary[];
  total: number;
  page: number;
  pageSize: number;
  /** Per filter: how many datasets each value would give with the other filters as they are. */
  facets: Record<TFacetKey, TFacetCount[]>;
}

export const MAX_PAGE_SIZE = 100;

/** One page of the catalog matching `filter`, with the total and facet counts. */
export async function listDatasets(
  db: TQueryable,
  filter: TDatasetFilter & { page?: number; pageSize?: number },
  now: Date,
): Promise<TDatasetPage> {
  const pageSize = Math.min(Math.max(filter.pageSize ?? 20, 1), MAX_PAGE_SIZE);
  const page = Math.max(filter.page ?? 1, 1);
  const where = datasetWhere(filter, now);
  const { rows: totalRows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM datasets d WHERE ${where.sql}`,
    where.params,
  );
  const n = where.params.length;
  const { rows } = await db.query<TDatasetRow>(
    `${DATASET_SELECT} WHERE ${where.sql}
      ORDER BY d.library, d.library_code, d.code
      LIMIT $${n + 1} OFFSET $${n + 2}`,
    [...where.params, pageSize, (page - 1) * pageSize],
  );
  const facets = {} as Record<TFacetKey, TFacetCount[]>;
  for (const key of FACET_KEYS) facets[key] = await facetCounts(db, filter, now, key);
  return { items: rows.map((r) => toSummary(r, now)), total: totalRows[0]?.n ?? 0, page, pageSize, facets };
}

async function facetCounts(
  db: TQueryable,
  filter: TDatasetFilter,
  now: Date,
  key: TFacetKey,
): Promise<TFacetCount[]> {
  const where = datasetWhere(filter, now, key);
  const column = FACET_COLUMNS[key];
  if (key === "sourceOrgId") {
    const { rows } = await db.query<{ value: string; label: string; count: number }>(
      `SELECT d.source_org_id::text AS value, o.name AS label, count(*)::int AS count
         FROM datasets d JOIN organizations o ON o.id = d.source_org_id
        WHERE ${where.sql} GROUP BY d.source_org_id, o.name ORDER BY count(*) DESC, o.name`,
      where.params,
    );
    return rows;
  }
  const { rows } = await db.query<{ value: string; count: number }>(
    `SELECT ${column} AS value, count(*)::int AS count FROM datasets d
      WHERE ${where.sql} GROUP BY ${column} ORDER BY ${column}`,
    where.params,
  );
  return rows;
}

// ── One dataset ─────────────────────────────────────────────────────────────────────────────

export interface TFieldAccessRow {
  field: string;
  access: Record<TComputeMode, TFieldAccess>;
}

export interface TDatasetHistoryItem {
  id: string;
  kind: TRegistrationKind;
  status: TRegistrationStatus;
  registrationCode: string | null;
  submittedAt: string | null;
  codedAt: string | null;
  validUntil: string | null;
  updatedAt: string;
  /** Whether the caller may open the registration (its department, the regulator, auditors). */
  canOpen: boolean;
}

export interface TDatasetDetail extends TDatasetSummary {
  entry: TDatasetEntry;
  entryHash: string | null;
  sourceOrg: { id: string; name: string; nameEn: string; agencyCode: string | null };
  registrationId: string | null;
  /** Chain writes of the current registration (record, later status changes), oldest first. */
  chainWrites: TChainWriteSummary[];
  fieldAccess: TFieldAccessRow[];
  /** Why nothing of the dataset may be authorized (open prohibited / not shareable), or null. */
  authorizationBlock: string | null;
  /** For each non-authoritative (reference) field: who is the item's authoritative source. */
  itemSources: { field: string; item: string; sourceOrgName: string | null; datasetCode: string | null }[];
  history: TDatasetHistoryItem[];
}

/** States of a registration that anyone signed in may see in a dataset's history. */
const PUBLIC_HISTORY_STATES = ["coded", "superseded", "deregistered", "expired"];

async function loadDataset(db: TQueryable, code: string): Promise<TDatasetRow> {
  const { rows } = await db.query<TDatasetRow>(
    `${DATASET_SELECT} WHERE d.code = $1 AND d.entry IS NOT NULL`,
    [code],
  );
  const row = rows[0];
  if (!row) throw new DomainError("NOT_FOUND", `no dataset ${code} in the catalog`);
  return row;
}

/** A dataset's full catalog page for `viewer`. */
export async function getDataset(
  db: TQueryable,
  viewer: Pick<TSessionUser, "role" | "org">,
  code: string,
  now: Date,
): Promise<TDatasetDetail> {
  const row = await loadDataset(db, code);
  const entry = row.entry;
  const chainWrites = row.registration_id ? await chainWriteSummariesFor(db, row.registration_id) : [];

  const references = entry.fields.filter((f) => !f.authoritative);
  const { rows: owners } = await db.query<{ item_code: string; org_name: string; dataset_code: string }>(
    `SELECT s.item_code, o.name AS org_name, s.dataset_code
       FROM data_item_sources s JOIN organizations o ON o.id = s.source_org_id WHERE s.item_code = ANY($1)`,
    [references.map((f) => f.item)],
  );
  const ownerOf = new Map(owners.map((o) => [o.item_code, o]));

  const seesAll =
    viewer.role === "regulator" || viewer.role === "auditor" || viewer.org.id === row.source_org_id;
  const { rows: history } = await db.query<{
    id: string;
    kind: TRegistrationKind;
    status: TRegistrationStatus;
    registration_code: string | null;
    submitted_at: Date | null;
    coded_at: Date | null;
    valid_until: Date | null;
    updated_at: Date;
  }>(
    `SELECT id, kind, status, registration_code, submitted_at, coded_at, valid_until, updated_at
       FROM dataset_registrations
      WHERE dataset_code = $1 AND ($2 OR status = ANY($3))
      ORDER BY created_at DESC, id`,
    [code, seesAll, PUBLIC_HISTORY_STATES],
  );

  return {
    ...toSummary(row, now),
    entry,
    entryHash: row.entry_hash,
    sourceOrg: {
      id: row.source_org_id,
      name: row.source_org_name,
      nameEn: row.source_org_name_en,
      agencyCode: row.source_agency_code,
    },
    registrationId: row.registration_id,
    chainWrites,
    fieldAccess: entry.fields.map((f) => ({
      field: f.name,
      access: Object.fromEntries(COMPUTE_MODES.map((m) => [m, fieldAccess(f, m)])) as Record<
        TComputeMode,
        TFieldAccess
      >,
    })),
    authorizationBlock: datasetAuthorizationBlock(entry),
    itemSources: references.map((f) => ({
      field: f.name,
      item: f.item,
      sourceOrgName: ownerOf.get(f.item)?.org_name ?? null,
      datasetCode: ownerOf.get(f.item)?.dataset_code ?? null,
    })),
    history: history.map((h) => ({
      id: h.id,
      kind: h.kind,
      status: h.status,
      registrationCode: h.registration_code,
      submittedAt: h.submitted_at?.toISOString() ?? null,
      codedAt: h.coded_at?.toISOString() ?? null,
      validUntil: h.valid_until?.toISOString() ?? null,
      updatedAt: h.updated_at.toISOString(),
      canOpen: seesAll,
    })),
  };
}

/** The seed of mock rows when the caller gives none: the same rows for everyone. */
export const DEFAULT_MOCK_SEED = 1;

export interface TMockRowsView {
  code: string;
  seed: number;
  columns: { name: string; label: { zh: string; en: string }; type: string; masking: string }[];
  rows: TMockRow[];
}

/** `n` (≤ 50) mock rows of a dataset, generated from its schema and masked per field. */
export async function datasetMockRows(
  db: TQueryable,
  input: { code: string; n: number; seed?: number },
): Promise<TMockRowsView> {
  const row = await loadDataset(db, input.code);
  const seed = input.seed ?? DEFAULT_MOCK_SEED;
  const n = Math.min(Math.max(Math.trunc(input.n), 0), MOCK_ROWS_MAX);
  return {
    code: row.code,
    seed,
    columns: row.entry.fields.map((f) => ({
      name: f.name,
      label: f.label,
      type: f.type,
      masking: f.masking,
    })),
    rows: mockRows(row.entry, n, seed),
  };
}

// ── Departments and counts ──────────────────────────────────────────────────────────────────

export interface TDatasetSource {
  id: string;
  name: string;
  nameEn: string;
  agencyCode: string | null;
  /** Coded (valid) datasets of the department. */
  datasetCount: number;
  /** Data items the department is the authoritative source of. */
  itemCount: number;
}

/** Every data-source department with its counts, most datasets first. */
export async function listDatasetSources(db: TQueryable, now: Date): Promise<TDatasetSource[]> {
  const { rows } = await db.query<{
    id: string;
    name: string;
    name_en: string;
    agency_code: string | null;
    dataset_count: number;
    item_count: number;
  }>(
    `SELECT o.id, o.name, o.name_en, o.agency_code,
            (SELECT count(*)::int FROM datasets d WHERE d.source_org_id = o.id AND d.entry IS NOT NULL
               AND d.status = 'coded' AND (d.valid_until IS NULL OR d.valid_until > $1)) AS dataset_count,
            (SELECT count(*)::int FROM data_item_sources s WHERE s.source_org_id = o.id) AS item_count
       FROM organizations o
      WHERE o.type = 'data_source'
      ORDER BY dataset_count DESC, o.name`,
    [now],
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    nameEn: r.name_en,
    agencyCode: r.agency_code,
    datasetCount: r.dataset_count,
    itemCount: r.item_count,
  }));
}

export interface TCatalogStats {
  total: number;
  byLibrary: Record<TLibraryKind, number>;
  byGrade: Record<TGrade, number>;
  byLibraryCode: { libraryCode: string; count: number }[];
  departments: number;
  authoritativeItems: number;
}

/** Counts of coded (valid) datasets for the summary bar. */
export async function catalogStats(db: TQueryable, now: Date): Promise<TCatalogStats> {
  const where = datasetWhere({}, now);
  const { rows } = await db.query<{ library: TLibraryKind; library_code: string; grade: TGrade; n: number }>(
    `SELECT d.library, d.library_code, d.grade, count(*)::int AS n FROM datasets d WHERE ${where.sql}
      GROUP BY d.library, d.library_code, d.grade`,
    where.params,
  );
  const stats: TCatalogStats = {
    total: 0,
    byLibrary: { base: 0, theme: 0 },
    byGrade: { core: 0, important: 0, general: 0 },
    byLibraryCode: [],
    departments: 0,
    authoritativeItems: 0,
  };
  const byCode = new Map<string, number>();
  for (const r of rows) {
    stats.total += r.n;
    stats.byLibrary[r.library] += r.n;
    stats.byGrade[r.grade] += r.n;
    byCode.set(r.library_code, (byCode.get(r.library_code) ?? 0) + r.n);
  }
  stats.byLibraryCode = [...byCode].map(([libraryCode, count]) => ({ libraryCode, count }));
  const { rows: counts } = await db.query<{ departments: number; items: number }>(
    `SELECT (SELECT count(DISTINCT d.source_org_id)::int FROM datasets d WHERE ${where.sql}) AS departments,
            (SELECT count(*)::int FROM data_item_sources) AS items`,
    where.params,
  );
  stats.departments = counts[0]?.departments ?? 0;
  stats.authoritativeItems = counts[0]?.items ?? 0;
  return stats;
}
