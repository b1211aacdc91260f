/**
 * Catalog search as SQL: filters on the `datasets` filter columns and Chinese text search. A
 * query is split into normalized terms (common/src/catalog/search-text.ts); each term must occur
 * in the stored `search_text` (`position(term IN search_text) > 0`), which behaves exactly like
 * `matchesQuery` and needs no extension (works on PGlite and PostgreSQL alike).
 */
import type {
  TGrade,
  TLibraryCode,
  TLibraryKind,
  TOpenAttribute,
  TSharingAttribute,
} from "@pdx/common/catalog/dataset-entry";
import { queryTerms } from "@pdx/common/catalog/search-text";

/** Status filter: the catalog's effective status (a coded dataset past its validity is expired). */
export const DATASET_STATUS_FILTERS = ["coded", "expired", "deregistered", "all"] as const;
export type TDatasetStatusFilter = (typeof DATASET_STATUS_FILTERS)[number];

export interface TDatasetFilter {
  q?: string;
  library?: TLibraryKind;
  libraryCode?: TLibraryCode;
  grade?: TGrade;
  sourceOrgId?: string;
  sharing?: TSharingAttribute;
  open?: TOpenAttribute;
  /** Default "coded". */
  status?: TDatasetStatusFilter;
}

/** The filters that have facet counts. */
export const FACET_KEYS = ["library", "libraryCode", "grade", "sourceOrgId", "sharing", "open"] as const;
export type TFacetKey = (typeof FACET_KEYS)[number];

/** The column of each facet (fixed names, never from input). */
export const FACET_COLUMNS: Readonly<Record<TFacetKey, string>> = {
  library: "d.library",
  libraryCode: "d.library_code",
  grade: "d.grade",
  sourceOrgId: "d.source_org_id",
  sharing: "d.sharing",
  open: "d.open_attribute",
};

/** Most terms of one query that are matched (the rest are ignored). */
export const MAX_QUERY_TERMS = 10;

/** SQL for the effective status, with `nowParam` the placeholder of the current time. */
export function statusCondition(status: TDatasetStatusFilter, nowParam: string): string | null {
  switch (status) {
    case "coded":
      return `(d.status = 'coded' AND (d.valid_until IS NULL OR d.valid_until > ${nowParam}))`;
    case "expired":
      return `(d.status = 'expired' OR (d.status = 'coded' AND d.valid_until <= ${nowParam}))`;
    case "deregistered":
      return "d.status = 'deregistered'";
    case "all":
      return null;
  }
}

/** The effective status of a row: "expired" once a coded dataset's validity has ended. */
export function effectiveDatasetStatus(
  status: "coded" | "deregistered" | "expired",
  validUntil: Date | null,
  now: Date,
): "coded" | "deregistered" | "expired" {
  return status === "coded" && validUntil !== null && validUntil <= now ? "expired" : status;
}

/**
 * The WHERE clause (without "WHERE") and its parameters for `filter` at `now`, leaving out the
 * facet `omit` (so a facet counts what choosing each of its values would give). Only rows with a
 * catalog entry are listed.
 */
export function datasetWhere(
  filter: TDatasetFilter,
  now: Date,
  omit?: TFacetKey,
): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const conditions = ["d.entry IS NOT NULL"];
  const statusFilter = filter.status ?? "coded";
  const needsNow = statusFilter === "coded" || statusFilter === "expired";
  const status = statusCondition(statusFilter, needsNow ? param(now) : "");
  if (status) conditions.push(status);
  for (const key of FACET_KEYS) {
    const value = filter[key];
    if (key === omit || value === undefined) continue;
    conditions.push(`${FACET_COLUMNS[key]} = ${param(value)}`);
  }
  for (const term of queryTerms(filter.q ?? "").slice(0, MAX_QUERY_TERMS)) {
    conditions.push(`position(${param(term)} IN d.search_text) > 0`);
  }
  return { sql: conditions.join(" AND "), params };
}
