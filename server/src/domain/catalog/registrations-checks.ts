/**
 * What a registration's entry must satisfy before it is saved, submitted or coded: the entry's
 * own rules (common/src/catalog/dataset-entry.ts), the dataset code not held by another
 * department, no other registration of the dataset in progress, and one authoritative source per
 * data item (一数一源). Each check names the field and, for a conflict, the department that holds it.
 */

import { canonicalJson } from "@pdx/common/canonical-json";
import { formatIssuePath, type TDatasetEntry, ZDatasetEntry } from "@pdx/common/catalog/dataset-entry";
import { sha256Hex } from "@pdx/common/hash";
import { DbError, type TQueryable } from "../../db";
import { DomainError } from "../domain-error";
import { OPEN_REGISTRATION_STATES } from "./registrations-machine";

/** SHA-256 (hex) of the entry's canonical JSON: what approvals sign and the chain records. */
export function entryHashOf(entry: TDatasetEntry): string {
  return sha256Hex(canonicalJson(entry));
}

/** One problem with an entry; `path` is "fields[2].grade"-style ("" for the whole entry). */
export interface TEntryProblem {
  path: string;
  message: string;
  /** INVALID_INPUT for the entry's own rules; CONFLICT / PRECONDITION_FAILED for the catalog's. */
  kind: "INVALID_INPUT" | "CONFLICT" | "PRECONDITION_FAILED";
}

/** Most problems one error message lists (the form gets them all from registrations.checkEntry). */
const MESSAGE_PROBLEMS = 8;

/** The entry's shape and cross-field problems (empty when it is valid). */
export function entryRuleProblems(input: unknown): TEntryProblem[] {
  const result = ZDatasetEntry.safeParse(input);
  if (result.success) return [];
  return result.error.issues.map((issue) => ({
    path: formatIssuePath(issue.path),
    message: issue.message,
    kind: "INVALID_INPUT" as const,
  }));
}

/** The validated entry, or INVALID_INPUT listing the problems by path. */
export function parseEntryOrThrow(input: unknown): TDatasetEntry {
  const result = ZDatasetEntry.safeParse(input);
  if (result.success) return result.data;
  const problems = entryRuleProblems(input);
  throw new DomainError("INVALID_INPUT", problemsMessage("invalid dataset entry", problems));
}

function problemsMessage(lead: string, problems: readonly TEntryProblem[]): string {
  const listed = problems
    .slice(0, MESSAGE_PROBLEMS)
    .map((p) => (p.path ? `${p.path}: ${p.message}` : p.message));
  const more = problems.length > MESSAGE_PROBLEMS ? `; and ${problems.length - MESSAGE_PROBLEMS} more` : "";
  return `${lead}: ${listed.join("; ")}${more}`;
}

/** "数据项 le.uscc 已由 市市场监督管理局 作为权威来源登记 / data item le.uscc already has …". */
export function itemConflictMessage(item: string, orgName: string): string {
  return `数据项 ${item} 已由 ${orgName} 作为权威来源登记 / data item ${item} already has an authoritative source: ${orgName}`;
}

export function codeConflictMessage(code: string, orgName: string): string {
  return `数据集编码 ${code} 已由 ${orgName} 登记 / dataset code ${code} is already registered by ${orgName}`;
}

export function openRegistrationMessage(code: string, orgName: string): string {
  return `数据集 ${code} 已有一项登记正在办理（${orgName}） / dataset ${code} already has a registration in progress (${orgName})`;
}

/** The authoritative data items of an entry, with the field that provides each. */
export function authoritativeItems(entry: TDatasetEntry): { item: string; field: string; index: number }[] {
  return entry.fields.flatMap((f, index) =>
    f.authoritative ? [{ item: f.item, field: f.name, index }] : [],
  );
}

/** Items of `items` whose authoritative source is another department than `orgId`. */
export async function itemsOwnedByOthers(
  q: TQueryable,
  items: readonly string[],
  orgId: string,
): Promise<Map<string, string>> {
  if (items.length === 0) return new Map();
  const { rows } = await q.query<{ item_code: string; org_name: string }>(
    `SELECT s.item_code, o.name AS org_name
       FROM data_item_sources s JOIN organizations o ON o.id = s.source_org_id
      WHERE s.item_code = ANY($1) AND s.source_org_id <> $2`,
    [items, orgId],
  );
  return new Map(rows.map((r) => [r.item_code, r.org_name]));
}

export interface TCatalogCheckInput {
  entry: TDatasetEntry;
  /** The department registering (the dataset's source). */
  orgId: string;
  /** The registration being edited/submitted/coded (excluded from "in progress" checks). */
  registrationId: string | null;
  kind: "initial" | "change" | "correction";
}

/**
 * Problems of the entry against the catalog: the dataset code held by another department (or,
 * for an initial registration, already coded by this one), another registration of it in
 * progress, and authoritative items held by another department.
 */
export async function catalogProblems(q: TQueryable, input: TCatalogCheckInput): Promise<TEntryProblem[]> {
  const { entry, orgId, registrationId, kind } = input;
  const problems: TEntryProblem[] = [];

  const { rows: held } = await q.query<{
    source_org_id: string;
    org_name: string;
    status: string;
    registration_id: string | null;
  }>(
    `SELECT d.source_org_id, o.name AS org_name, d.status, d.registration_id
       FROM datasets d JOIN organizations o ON o.id = d.source_org_id
      WHERE d.code = $1`,
    [entry.code],
  );
  const dataset = held[0];
  // A deregistered code is free again; an expired one stays with its department until renewed.
  if (dataset && dataset.status !== "deregistered") {
    if (dataset.source_org_id !== orgId) {
      problems.push({
        path: "code",
        message: codeConflictMessage(entry.code, dataset.org_name),
        kind: "CONFLICT",
      });
    } else if (kind === "initial" && dataset.status === "coded" && dataset.registration_id !== null) {
      problems.push({
        path: "code",
        message: `dataset ${entry.code} is already registered by your department; start a change or correction registration instead`,
        kind: "PRECONDITION_FAILED",
      });
    }
  }

  const { rows: open } = await q.query<{ org_name: string }>(
    `SELECT o.name AS org_name
       FROM dataset_registrations r JOIN organizations o ON o.id = r.source_org_id
      WHERE r.dataset_code = $1 AND r.status = ANY($2) AND ($3::uuid IS NULL OR r.id <> $3::uuid)`,
    [entry.code, OPEN_REGISTRATION_STATES, registrationId],
  );
  if (open[0]) {
    problems.push({
      path: "code",
      message: openRegistrationMessage(entry.code, open[0].org_name),
      kind: "CONFLICT",
    });
  }

  const items = authoritativeItems(entry);
  const owners = await itemsOwnedByOthers(
    q,
    items.map((i) => i.item),
    orgId,
  );
  for (const { item, index } of items) {
    const owner = owners.get(item);
    if (owner)
      problems.push({
        path: `fields[${index}].item`,
        message: itemConflictMessage(item, owner),
        kind: "CONFLICT",
      });
  }
  return problems;
}

/** Throws the first kind of catalog problem (CONFLICT before PRECONDITION_FAILED), naming them all. */
export async function assertNoCatalogProblems(q: TQueryable, input: TCatalogCheckInput): Promise<void> {
  const problems = await catalogProblems(q, input);
  if (problems.length === 0) return;
  const conflicts = problems.filter((p) => p.kind === "CONFLICT");
  const shown = conflicts.length > 0 ? conflicts : problems;
  throw new DomainError(shown[0]!.kind, shown.map((p) => p.message).join("; "));
}

/**
 * Runs `fn` (a whole transaction) and turns the database's last-line-of-defence unique
 * violations into the same CONFLICT the checks give: a second authoritative source of an item
 * (data_item_sources primary key) or a second registration in progress (open index). The owner
 * is looked up after the failed transaction has rolled back.
 */
export async function mapCatalogUniqueViolations<T>(
  db: TQueryable,
  context: { entry: TDatasetEntry; orgId: string },
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (!(err instanceof DbError) || err.code !== "UNIQUE_VIOLATION") throw err;
    if (err.constraint === "data_item_sources_pkey") {
      const owners = await itemsOwnedByOthers(
        db,
        authoritativeItems(context.entry).map((i) => i.item),
        context.orgId,
      );
      const message =
        owners.size > 0
          ? [...owners].map(([item, org]) => itemConflictMessage(item, org)).join("; ")
          : "a data item of this dataset already has an authoritative source";
      throw new DomainError("CONFLICT", message, `unique violation ${err.constraint}`);
    }
    if (err.constraint === "dataset_registrations_open_idx") {
      const { rows } = await db.query<{ org_name: string }>(
        `SELECT o.name AS org_name FROM dataset_registrations r JOIN organizations o ON o.id = r.source_org_id
          WHERE r.dataset_code = $1 AND r.status = ANY($2) LIMIT 1`,
        [context.entry.code, OPEN_REGISTRATION_STATES],
      );
      throw new DomainError(
        "CONFLICT",
        openRegistrationMessage(context.entry.code, rows[0]?.org_name ?? "?"),
        `unique violation ${err.constraint}`,
      );
    }
    throw err;
  }
}
