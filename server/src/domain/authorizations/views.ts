/**
 * Read-side helpers shared by scenarios and authorizations: a scope resolved against the catalog
 * (names, field labels, grades, what the grade policy allows), the audit events of an object,
 * and an operator's standing.
 */
import type { TAuthorizationScope } from "@pdx/common/authorization-scope";
import type { TGrade, TLocalized } from "@pdx/common/catalog/dataset-entry";
import {
  COMPUTE_MODES,
  datasetAuthorizationBlock,
  fieldAccess,
  type TComputeMode,
  type TFieldAccess,
} from "@pdx/common/catalog/grade-policy";
import type { TQueryable } from "../../db";
import { listAuditEvents, type TAuditDetail } from "../trail/audit-trail";
import {
  isCoded,
  listCodedDatasets,
  loadCatalogDatasets,
  scopeProblems,
  type TCatalogDataset,
} from "./catalog-scope";

/** The operators-table status of an organization, or null when it was never admitted. */
export async function operatorStatusOf(db: TQueryable, orgId: string): Promise<string | null> {
  const { rows } = await db.query<{ status: string }>("SELECT status FROM operators WHERE org_id = $1", [
    orgId,
  ]);
  return rows[0]?.status ?? null;
}

export interface TResolvedScopeField {
  name: string;
  /** Null when the dataset's entry no longer has the field. */
  label: TLocalized | null;
  grade: TGrade | null;
  /** How the grade policy lets the field be used in the scenario's mode. */
  access: TFieldAccess;
}

export interface TResolvedScopeDataset {
  datasetCode: string;
  /** Null when the dataset is no longer in the catalog. */
  name: TLocalized | null;
  sourceOrg: { id: string; name: string } | null;
  grade: TGrade | null;
  fields: TResolvedScopeField[];
  /** Why (part of) this dataset could not be authorized today; empty when it can. */
  problems: string[];
}

/** A scope with the catalog's names, labels and grades, and today's problems per dataset. */
export async function resolveScope(
  db: TQueryable,
  scope: TAuthorizationScope,
  mode: TComputeMode,
  now: Date,
): Promise<TResolvedScopeDataset[]> {
  const datasets = await loadCatalogDatasets(
    db,
    scope.map((d) => d.datasetCode),
  );
  return scope.map((item) => {
    const dataset = datasets.get(item.datasetCode);
    const entry = dataset?.entry ?? null;
    const byName = new Map(entry?.fields.map((f) => [f.name, f]) ?? []);
    const blocked = entry ? datasetAuthorizationBlock(entry) !== null : true;
    return {
      datasetCode: item.datasetCode,
      name: dataset?.name ?? null,
      sourceOrg: dataset?.sourceOrg ?? null,
      grade: entry?.grade ?? null,
      fields: item.fields.map((name) => {
        const field = byName.get(name);
        return {
          name,
          label: field ? { zh: field.label.zh, en: field.label.en } : null,
          grade: field?.grade ?? null,
          access: field && !blocked ? fieldAccess(field, mode) : "never",
        };
      }),
      problems: scopeProblems([item], datasets, mode, now),
    };
  });
}

export interface TPickerField {
  name: string;
  label: TLocalized;
  type: string;
  grade: TGrade;
  personalInfo: boolean;
  masking: string;
  /** How the field may be used in each computation mode ("never" = not authorizable). */
  access: Record<TComputeMode, TFieldAccess>;
}

export interface TPickerDataset {
  code: string;
  name: TLocalized;
  sourceOrg: { id: string; name: string };
  grade: TGrade;
  libraryCode: string;
  /** Why nothing of the dataset may be authorized (prohibited / not shareable), or null. */
  blockedReason: string | null;
  fields: TPickerField[];
}

function toPickerDataset(dataset: TCatalogDataset): TPickerDataset | null {
  const entry = dataset.entry;
  if (!entry) return null;
  const blockedReason = datasetAuthorizationBlock(entry);
  return {
    code: dataset.code,
    name: dataset.name,
    sourceOrg: dataset.sourceOrg,
    grade: entry.grade,
    libraryCode: entry.libraryCode,
    blockedReason,
    fields: entry.fields.map((f) => ({
      name: f.name,
      label: { zh: f.label.zh, en: f.label.en },
      type: f.type,
      grade: f.grade,
      personalInfo: f.personalInfo,
      masking: f.masking,
      access: Object.fromEntries(
        COMPUTE_MODES.map((mode) => [mode, blockedReason ? "never" : fieldAccess(f, mode)]),
      ) as Record<TComputeMode, TFieldAccess>,
    })),
  };
}

/**
 * Coded datasets of the catalog with every field's grade and what each computation mode allows
 * (the dataset picker of the scenario form), optionally filtered by text in code or name.
 */
export async function authorizableDatasets(
  db: TQueryable,
  now: Date,
  filter: { q?: string } = {},
): Promise<TPickerDataset[]> {
  const q = filter.q?.trim().toLowerCase();
  const datasets = (await listCodedDatasets(db, now)).filter((d) => isCoded(d, now));
  return datasets
    .filter(
      (d) =>
        !q ||
        d.code.toLowerCase().includes(q) ||
        d.name.zh.includes(q) ||
        d.name.en.toLowerCase().includes(q) ||
        d.sourceOrg.name.includes(q),
    )
    .map(toPickerDataset)
    .filter((d): d is TPickerDataset => d !== null);
}

export interface TObjectEvent {
  seq: number;
  occurredAt: string;
  action: string;
  actorName: string | null;
  actorOrgName: string | null;
  approvalId: string | null;
  detail: TAuditDetail;
  eventHash: string;
}

/** The audit events of one object, oldest first. */
export async function objectEvents(
  db: TQueryable,
  objectType: string,
  objectId: string,
): Promise<TObjectEvent[]> {
  const events = await listAuditEvents(db, { objectType, objectId, limit: 200 });
  return events
    .map((e) => ({
      seq: e.seq,
      occurredAt: e.occurredAt,
      action: e.action,
      actorName: e.actorName,
      actorOrgName: e.actorOrgName,
      approvalId: e.approvalId,
      detail: e.detail,
      eventHash: e.eventHash,
    }))
    .reverse();
}
