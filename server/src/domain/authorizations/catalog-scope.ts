/**
 * Scopes against the catalog: which coded datasets and fields a scope names, whether each field
 * may be authorized for the scenario's computation mode (grade policy), and which source
 * departments must approve. Reads `datasets` (the catalog's current coded state).
 */

import {
  canonicalScope,
  type TAuthorizationScope,
  ZAuthorizationScope,
} from "@pdx/common/authorization-scope";
import { type TDatasetEntry, ZDatasetEntryShape } from "@pdx/common/catalog/dataset-entry";
import { authorizableProblems, type TComputeMode } from "@pdx/common/catalog/grade-policy";
import type { TQueryable } from "../../db";
import { DomainError } from "../domain-error";

export interface TCatalogDataset {
  id: string;
  code: string;
  name: { zh: string; en: string };
  sourceOrg: { id: string; name: string };
  status: string;
  validUntil: Date | null;
  /** The validated catalog entry, or null when the row has none (not registered through 一本账). */
  entry: TDatasetEntry | null;
}

interface TDatasetRow {
  id: string;
  code: string;
  name_zh: string;
  name_en: string;
  source_org_id: string;
  source_org_name: string;
  status: string;
  valid_until: Date | null;
  entry: unknown;
}

const DATASET_SELECT = `SELECT d.id, d.code, d.name_zh, d.name_en, d.source_org_id, o.name AS source_org_name,
    d.status, d.valid_until, d.entry
  FROM datasets d JOIN organizations o ON o.id = d.source_org_id`;

function toCatalogDataset(row: TDatasetRow): TCatalogDataset {
  const parsed = row.entry === null ? null : ZDatasetEntryShape.safeParse(row.entry);
  return {
    id: row.id,
    code: row.code,
    name: { zh: row.name_zh, en: row.name_en },
    sourceOrg: { id: row.source_org_id, name: row.source_org_name },
    status: row.status,
    validUntil: row.valid_until,
    entry: parsed?.success ? parsed.data : null,
  };
}

/** The datasets with the given codes, by code (codes not in the catalog are absent). */
export async function loadCatalogDatasets(
  db: TQueryable,
  codes: readonly string[],
): Promise<Map<string, TCatalogDataset>> {
  if (codes.length === 0) return new Map();
  const { rows } = await db.query<TDatasetRow>(`${DATASET_SELECT} WHERE d.code = ANY($1)`, [
    [...new Set(codes)],
  ]);
  return new Map(rows.map((r) => [r.code, toCatalogDataset(r)]));
}

/** Every coded dataset with an entry, by code (for the dataset picker). */
export async function listCodedDatasets(db: TQueryable, now: Date): Promise<TCatalogDataset[]> {
  const { rows } = await db.query<TDatasetRow>(
    `${DATASET_SELECT} WHERE d.status = 'coded' AND d.entry IS NOT NULL
       AND (d.valid_until IS NULL OR d.valid_until > $1)
     ORDER BY d.code`,
    [now],
  );
  return rows.map(toCatalogDataset).filter((d) => d.entry !== null);
}

/** Whether the dataset is currently coded (in force) in the catalog. */
export function isCoded(dataset: TCatalogDataset, now: Date): boolean {
  return dataset.status === "coded" && (dataset.validUntil === null || dataset.validUntil > now);
}

/**
 * The canonical form of a scope given at a boundary; INVALID_INPUT naming the problem when it is
 * malformed (no dataset, a dataset without fields, a bad code or field name).
 */
export function parseScope(scope: unknown, what: string): TAuthorizationScope {
  const parsed = ZAuthorizationScope.safeParse(scope);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.length ? `[${issue.path.join(".")}]` : "";
    throw new DomainError("INVALID_INPUT", `${what}${path}: ${issue?.message ?? "invalid"}`);
  }
  try {
    return canonicalScope(parsed.data);
  } catch {
    throw new DomainError("INVALID_INPUT", `${what}: too many fields for one dataset`);
  }
}

/**
 * Why `scope` cannot be authorized for `mode` (empty when it can): every dataset must be in the
 * catalog, coded and described by an entry; every field must exist in that entry and be
 * authorizable for the mode by the grade policy. Each problem names the dataset and field.
 */
export function scopeProblems(
  scope: TAuthorizationScope,
  datasets: ReadonlyMap<string, TCatalogDataset>,
  mode: TComputeMode,
  now: Date,
): string[] {
  const problems: string[] = [];
  for (const { datasetCode, fields } of scope) {
    const dataset = datasets.get(datasetCode);
    if (!dataset) {
      problems.push(`dataset ${datasetCode} is not in the catalog`);
      continue;
    }
    if (!isCoded(dataset, now)) {
      problems.push(
        `dataset ${datasetCode} is not coded in the catalog (it is ${dataset.status === "coded" ? "expired" : dataset.status})`,
      );
      continue;
    }
    if (!dataset.entry) {
      problems.push(`dataset ${datasetCode} has no catalog entry (一本账) describing its fields`);
      continue;
    }
    problems.push(...authorizableProblems(dataset.entry, fields, mode));
  }
  return problems;
}

/** Throws INVALID_INPUT listing every problem of `scope` (see scopeProblems). */
export async function assertScopeAuthorizable(
  db: TQueryable,
  scope: TAuthorizationScope,
  mode: TComputeMode,
  now: Date,
  what: string,
): Promise<Map<string, TCatalogDataset>> {
  const datasets = await loadCatalogDatasets(
    db,
    scope.map((d) => d.datasetCode),
  );
  const problems = scopeProblems(scope, datasets, mode, now);
  if (problems.length > 0) throw new DomainError("INVALID_INPUT", `${what}: ${problems.join("; ")}`);
  return datasets;
}

/**
 * The "<dataset>.<field>" pairs of `scope` that `within` does not contain, in scope order
 * (empty when scope ⊆ within).
 */
export function fieldsOutside(scope: TAuthorizationScope, within: TAuthorizationScope): string[] {
  const granted = new Set(within.flatMap((d) => d.fields.map((f) => `${d.datasetCode}.${f}`)));
  return scope
    .flatMap((d) => d.fields.map((f) => `${d.datasetCode}.${f}`))
    .filter((pair) => !granted.has(pair));
}
