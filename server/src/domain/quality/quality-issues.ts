/**
 * The data-quality loop: anyone signed in reports a problem with a cataloged dataset (optionally
 * one field); the report is routed to the dataset's source department with due times
 * (quality-deadlines.ts); the source acknowledges and rectifies it; the reporting organization
 * verifies the fix with a score or reopens it. Every transition runs in one transaction with its
 * audit-trail event (object type "quality_issue"); the notes, reasons and comments of each step
 * live in those events, which are the issue's timeline.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { TDb, TQueryable } from "../../db";
import type { TSessionUser } from "../auth/session-user";
import { optionalText, requiredText } from "../demands/text-input";
import { DomainError } from "../domain-error";
import { appendAuditEvent, listAuditEvents } from "../trail/audit-trail";
import { dueTimesFrom, overdueFlagsOf, overdueSql } from "./quality-deadlines";
import {
  QUALITY_CATEGORIES,
  qualityMachine,
  type TQualityAction,
  type TQualityCategory,
  type TQualityStatus,
} from "./quality-machine";

/** Object type of quality issues in the audit trail. */
export const QUALITY_OBJECT_TYPE = "quality_issue";

export const QUALITY_TEXT_MAX = 4000;
export const QUALITY_COMMENT_MAX = 2000;

interface TLocalized {
  zh: string;
  en: string;
}

export interface TQualityIssue {
  id: string;
  datasetCode: string;
  datasetName: TLocalized | null;
  fieldName: string | null;
  fieldLabel: TLocalized | null;
  sourceOrg: { id: string; name: string };
  reporterOrg: { id: string; name: string };
  reporter: { id: string; displayName: string };
  category: TQualityCategory;
  description: string;
  status: TQualityStatus;
  reportedAt: string;
  acknowledgeDueAt: string;
  rectifyDueAt: string;
  acknowledgedAt: string | null;
  rectifiedAt: string | null;
  rectificationNote: string | null;
  verifiedAt: string | null;
  score: number | null;
  reopenCount: number;
  acknowledgeOverdue: boolean;
  rectifyOverdue: boolean;
}

export interface TQualityTimelineEntry {
  seq: number;
  /** The verb of the audit action ("report", "acknowledge", "rectify", "verify", "reopen"). */
  step: string;
  occurredAt: string;
  actorName: string | null;
  actorOrgName: string | null;
  note: string | null;
  reason: string | null;
  comment: string | null;
  score: number | null;
}

export interface TQualityIssueDetail extends TQualityIssue {
  timeline: TQualityTimelineEntry[];
  /** What the caller may do now (state, role and organization all allow it). */
  actions: TQualityAction[];
}

export interface TReportQualityInput {
  datasetCode: string;
  fieldName?: string | null;
  category: string;
  description: string;
}

export interface TListQualityFilter {
  status?: TQualityStatus;
  datasetCode?: string;
  /** Only issues overdue at `now`. */
  overdue?: boolean;
  limit?: number;
}

export interface TDatasetOption {
  code: string;
  name: TLocalized;
  sourceOrg: { id: string; name: string };
  fields: { name: string; label: TLocalized }[];
}

interface TIssueRow {
  id: string;
  dataset_code: string;
  dataset_name_zh: string | null;
  dataset_name_en: string | null;
  field_name: string | null;
  field_label: TLocalized | null;
  source_org_id: string;
  source_org_name: string;
  reporter_org_id: string;
  reporter_org_name: string;
  reporter_user_id: string;
  reporter_name: string;
  category: TQualityCategory;
  description: string;
  status: TQualityStatus;
  reported_at: Date;
  acknowledge_due_at: Date;
  rectify_due_at: Date;
  acknowledged_at: Date | null;
  rectified_at: Date | null;
  rectification_note: string | null;
  verified_at: Date | null;
  score: number | null;
  reopen_count: number;
}

/** A dataset's fields: the registered entry's when there is one, else the basic catalog's. */
const DATASET_FIELDS_SQL = "coalesce(d.entry->'fields', d.fields)";

const ISSUE_SELECT = `
  SELECT q.id, q.dataset_code, d.name_zh AS dataset_name_zh, d.name_en AS dataset_name_en,
         q.field_name,
         (SELECT f->'label' FROM jsonb_array_elements(${DATASET_FIELDS_SQL}) f
           WHERE f->>'name' = q.field_name LIMIT 1) AS field_label,
         q.source_org_id, so.name AS source_org_name, q.reporter_org_id, ro.name AS reporter_org_name,
         q.reporter_user_id, u.display_name AS reporter_name, q.category, q.description, q.status,
         q.reported_at, q.acknowledge_due_at, q.rectify_due_at, q.acknowledged_at, q.rectified_at,
         q.rectification_note, q.verified_at, q.score, q.reopen_count
    FROM quality_issues q
    JOIN organizations so ON so.id = q.source_org_id
    JOIN organizations ro ON ro.id = q.reporter_org_id
    JOIN users u ON u.id = q.reporter_user_id
    LEFT JOIN datasets d ON d.code = q.dataset_code`;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

const ZLocalized = z.object({ zh: z.string(), en: z.string() });
const localizedOrNull = (value: unknown) => {
  const parsed = ZLocalized.safeParse(value);
  return parsed.success ? parsed.data : null;
};

function toIssue(row: TIssueRow, now: Date): TQualityIssue {
  return {
    id: row.id,
    datasetCode: row.dataset_code,
    datasetName:
      row.dataset_name_zh !== null && row.dataset_name_en !== null
        ? { zh: row.dataset_name_zh, en: row.dataset_name_en }
        : null,
    fieldName: row.field_name,
    fieldLabel: localizedOrNull(row.field_label),
    sourceOrg: { id: row.source_org_id, name: row.source_org_name },
    reporterOrg: { id: row.reporter_org_id, name: row.reporter_org_name },
    reporter: { id: row.reporter_user_id, displayName: row.reporter_name },
    category: row.category,
    description: row.description,
    status: row.status,
    reportedAt: row.reported_at.toISOString(),
    acknowledgeDueAt: row.acknowledge_due_at.toISOString(),
    rectifyDueAt: row.rectify_due_at.toISOString(),
    acknowledgedAt: iso(row.acknowledged_at),
    rectifiedAt: iso(row.rectified_at),
    rectificationNote: row.rectification_note,
    verifiedAt: iso(row.verified_at),
    score: row.score,
    reopenCount: row.reopen_count,
    ...overdueFlagsOf(
      { status: row.status, acknowledgeDueAt: row.acknowledge_due_at, rectifyDueAt: row.rectify_due_at },
      now,
    ),
  };
}

/** The state snapshot hashed into the audit trail. */
function snapshotOf(row: TIssueRow) {
  return {
    id: row.id,
    status: row.status,
    datasetCode: row.dataset_code,
    fieldName: row.field_name,
    sourceOrgId: row.source_org_id,
    reporterOrgId: row.reporter_org_id,
    acknowledgeDueAt: row.acknowledge_due_at.toISOString(),
    rectifyDueAt: row.rectify_due_at.toISOString(),
    rectificationNote: row.rectification_note,
    score: row.score,
    reopenCount: row.reopen_count,
  };
}

/** Regulators and auditors oversee every issue; others see what their organization reported or owns. */
const SEES_ALL_ROLES: readonly string[] = ["regulator", "auditor"];

function visibilitySql(actor: TSessionUser, params: unknown[]): string | null {
  if (SEES_ALL_ROLES.includes(actor.role)) return null;
  params.push(actor.org.id);
  return `(q.reporter_org_id = $${params.length} OR q.source_org_id = $${params.length})`;
}

async function lockIssue(tx: TQueryable, id: string): Promise<TIssueRow> {
  const { rows } = await tx.query<TIssueRow>(`${ISSUE_SELECT} WHERE q.id = $1 FOR UPDATE OF q`, [id]);
  const row = rows[0];
  if (!row) throw new DomainError("NOT_FOUND", "no such quality issue");
  return row;
}

function requireSource(row: TIssueRow, actor: TSessionUser, verb: string): void {
  if (actor.org.id !== row.source_org_id) {
    throw new DomainError(
      "FORBIDDEN",
      `only the source department of ${row.dataset_code} may ${verb} this issue`,
    );
  }
}

function requireReporterOrg(row: TIssueRow, actor: TSessionUser, verb: string): void {
  if (actor.org.id !== row.reporter_org_id) {
    throw new DomainError("FORBIDDEN", `only the organization that reported this issue may ${verb} it`);
  }
}

const ZFieldNames = z.array(z.object({ name: z.string() }).passthrough());

/** Reports a quality problem; it is routed to the dataset's source department. */
export async function reportQualityIssue(
  db: TDb,
  actor: TSessionUser,
  input: TReportQualityInput,
  now: Date,
): Promise<TQualityIssueDetail> {
  const description = requiredText("description", input.description, QUALITY_TEXT_MAX);
  if (!(QUALITY_CATEGORIES as readonly string[]).includes(input.category)) {
    throw new DomainError("INVALID_INPUT", `unknown category ${input.category}`);
  }
  const datasetCode = input.datasetCode.trim();
  const fieldName = input.fieldName?.trim() || null;
  const id = randomUUID();
  await db.withTransaction(async (tx) => {
    const { rows } = await tx.query<{ source_org_id: string; fields: unknown }>(
      `SELECT d.source_org_id, ${DATASET_FIELDS_SQL} AS fields FROM datasets d WHERE d.code = $1`,
      [datasetCode],
    );
    const dataset = rows[0];
    if (!dataset) throw new DomainError("INVALID_INPUT", `unknown dataset ${datasetCode}`);
    if (fieldName !== null) {
      const fields = ZFieldNames.safeParse(dataset.fields);
      if (!fields.success || !fields.data.some((f) => f.name === fieldName)) {
        throw new DomainError("INVALID_INPUT", `unknown field ${fieldName} in dataset ${datasetCode}`);
      }
    }
    const due = dueTimesFrom(now);
    await tx.query(
      `INSERT INTO quality_issues (id, dataset_code, field_name, source_org_id, reporter_user_id,
         reporter_org_id, category, description, status, reported_at, acknowledge_due_at,
         rectify_due_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'reported', $9, $10, $11, $9)`,
      [
        id,
        datasetCode,
        fieldName,
        dataset.source_org_id,
        actor.id,
        actor.org.id,
        input.category,
        description,
        now,
        due.acknowledgeDueAt,
        due.rectifyDueAt,
      ],
    );
    const row = await lockIssue(tx, id);
    await appendAuditEvent(
      tx,
      {
        actor,
        action: "quality.report",
        objectType: QUALITY_OBJECT_TYPE,
        objectId: id,
        before: null,
        after: snapshotOf(row),
        detail: { datasetCode, fieldName, category: input.category, sourceOrgId: dataset.source_org_id },
      },
      now,
    );
  });
  return getQualityIssue(db, actor, id, now);
}

/** One transition: lock, check who, move the machine, update, append the audit event. */
async function transition(
  db: TDb,
  actor: TSessionUser,
  issueId: string,
  action: TQualityAction,
  now: Date,
  apply: {
    check: (row: TIssueRow) => void;
    update: (tx: TQueryable, row: TIssueRow, next: TQualityStatus) => Promise<void>;
    detail?: Record<string, string | number | null>;
  },
): Promise<TQualityIssueDetail> {
  await db.withTransaction(async (tx) => {
    const row = await lockIssue(tx, issueId);
    apply.check(row);
    const next = qualityMachine.next(row.status, action, actor);
    await apply.update(tx, row, next);
    const after = await lockIssue(tx, issueId);
    await appendAuditEvent(
      tx,
      {
        actor,
        action: `quality.${action}`,
        objectType: QUALITY_OBJECT_TYPE,
        objectId: issueId,
        before: snapshotOf(row),
        after: snapshotOf(after),
        detail: apply.detail,
      },
      now,
    );
  });
  return getQualityIssue(db, actor, issueId, now);
}

/** The source department acknowledges the issue and starts rectifying. */
export async function acknowledgeQualityIssue(
  db: TDb,
  actor: TSessionUser,
  input: { issueId: string },
  now: Date,
): Promise<TQualityIssueDetail> {
  return transition(db, actor, input.issueId, "acknowledge", now, {
    check: (row) => requireSource(row, actor, "acknowledge"),
    update: async (tx, row, next) => {
      await tx.query(
        "UPDATE quality_issues SET status = $2, acknowledged_at = $3, updated_at = $3 WHERE id = $1",
        [row.id, next, now],
      );
    },
  });
}

/** The source department reports the issue rectified, saying what it did. */
export async function rectifyQualityIssue(
  db: TDb,
  actor: TSessionUser,
  input: { issueId: string; note: string },
  now: Date,
): Promise<TQualityIssueDetail> {
  const note = requiredText("note", input.note, QUALITY_TEXT_MAX);
  return transition(db, actor, input.issueId, "rectify", now, {
    check: (row) => requireSource(row, actor, "rectify"),
    update: async (tx, row, next) => {
      await tx.query(
        `UPDATE quality_issues SET status = $2, rectified_at = $3, rectification_note = $4, updated_at = $3
          WHERE id = $1`,
        [row.id, next, now, note],
      );
    },
    detail: { note },
  });
}

/** The reporting organization confirms the fix with a score from 1 to 5. */
export async function verifyQualityIssue(
  db: TDb,
  actor: TSessionUser,
  input: { issueId: string; score: number; comment?: string },
  now: Date,
): Promise<TQualityIssueDetail> {
  if (!Number.isInteger(input.score) || input.score < 1 || input.score > 5) {
    throw new DomainError("INVALID_INPUT", "score must be a whole number from 1 to 5");
  }
  const comment = optionalText("comment", input.comment, QUALITY_COMMENT_MAX);
  return transition(db, actor, input.issueId, "verify", now, {
    check: (row) => requireReporterOrg(row, actor, "verify"),
    update: async (tx, row, next) => {
      await tx.query(
        "UPDATE quality_issues SET status = $2, verified_at = $3, score = $4, updated_at = $3 WHERE id = $1",
        [row.id, next, now, input.score],
      );
    },
    detail: { score: input.score, comment: comment || null },
  });
}

/**
 * The reporting organization is not satisfied with the fix: the issue goes back to the source,
 * which must acknowledge it again. Both due times restart from now; the current cycle's
 * acknowledged/rectified times are cleared (the timeline keeps the history).
 */
export async function reopenQualityIssue(
  db: TDb,
  actor: TSessionUser,
  input: { issueId: string; reason: string },
  now: Date,
): Promise<TQualityIssueDetail> {
  const reason = requiredText("reason", input.reason, QUALITY_COMMENT_MAX);
  const due = dueTimesFrom(now);
  return transition(db, actor, input.issueId, "reopen", now, {
    check: (row) => requireReporterOrg(row, actor, "reopen"),
    update: async (tx, row, next) => {
      await tx.query(
        `UPDATE quality_issues SET status = $2, reopen_count = reopen_count + 1, acknowledged_at = NULL,
           rectified_at = NULL, acknowledge_due_at = $3, rectify_due_at = $4, updated_at = $5
          WHERE id = $1`,
        [row.id, next, due.acknowledgeDueAt, due.rectifyDueAt, now],
      );
    },
    detail: { reason },
  });
}

async function selectIssues(
  db: TQueryable,
  where: string[],
  params: unknown[],
  now: Date,
  limit: number,
): Promise<TQualityIssue[]> {
  params.push(Math.min(Math.max(limit, 1), 500));
  const { rows } = await db.query<TIssueRow>(
    `${ISSUE_SELECT} ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
      ORDER BY q.reported_at DESC, q.id LIMIT $${params.length}`,
    params,
  );
  return rows.map((r) => toIssue(r, now));
}

/** Issues the actor may see (see visibilitySql), newest first, with overdue flags at `now`. */
export function listQualityIssues(
  db: TQueryable,
  actor: TSessionUser,
  filter: TListQualityFilter,
  now: Date,
): Promise<TQualityIssue[]> {
  const params: unknown[] = [];
  const where: string[] = [];
  const visible = visibilitySql(actor, params);
  if (visible) where.push(visible);
  if (filter.status) {
    params.push(filter.status);
    where.push(`q.status = $${params.length}`);
  }
  if (filter.datasetCode) {
    params.push(filter.datasetCode);
    where.push(`q.dataset_code = $${params.length}`);
  }
  if (filter.overdue) {
    params.push(now);
    where.push(overdueSql(`$${params.length}`));
  }
  return selectIssues(db, where, params, now, filter.limit ?? 200);
}

/** Every issue overdue at `now` (for reminders and the regulator's view), most overdue first. */
export async function listOverdueQualityIssues(db: TQueryable, now: Date): Promise<TQualityIssue[]> {
  const { rows } = await db.query<TIssueRow>(
    `${ISSUE_SELECT} WHERE ${overdueSql("$1")}
      ORDER BY least(CASE WHEN q.status IN ('reported', 'reopened') THEN q.acknowledge_due_at END,
                     q.rectify_due_at), q.id`,
    [now],
  );
  return rows.map((r) => toIssue(r, now));
}

/** What `actor` may do with an issue in its current state. */
export function qualityActionsFor(
  issue: Pick<TQualityIssue, "status" | "sourceOrg" | "reporterOrg">,
  actor: TSessionUser,
): TQualityAction[] {
  return qualityMachine
    .allowedActions(issue.status, actor)
    .filter((action) =>
      action === "acknowledge" || action === "rectify"
        ? actor.org.id === issue.sourceOrg.id
        : actor.org.id === issue.reporterOrg.id,
    );
}

const numberOrNull = (v: unknown) => (typeof v === "number" ? v : null);
const stringOrNull = (v: unknown) => (typeof v === "string" ? v : null);

/** One issue the actor may see, with its timeline (oldest first) and the actor's actions. */
export async function getQualityIssue(
  db: TQueryable,
  actor: TSessionUser,
  id: string,
  now: Date,
): Promise<TQualityIssueDetail> {
  const params: unknown[] = [id];
  const where = ["q.id = $1"];
  const visible = visibilitySql(actor, params);
  if (visible) where.push(visible);
  const [issue] = await selectIssues(db, where, params, now, 1);
  if (!issue) throw new DomainError("NOT_FOUND", "no such quality issue");
  const events = await listAuditEvents(db, { objectType: QUALITY_OBJECT_TYPE, objectId: id, limit: 500 });
  return {
    ...issue,
    timeline: events.reverse().map((e) => ({
      seq: e.seq,
      step: e.action.slice("quality.".length),
      occurredAt: e.occurredAt,
      actorName: e.actorName,
      actorOrgName: e.actorOrgName,
      note: stringOrNull(e.detail.note),
      reason: stringOrNull(e.detail.reason),
      comment: stringOrNull(e.detail.comment),
      score: numberOrNull(e.detail.score),
    })),
    actions: qualityActionsFor(issue, actor),
  };
}

/** Datasets a quality problem can be reported on, with their fields (for the report form). */
export async function listQualityDatasetOptions(db: TQueryable): Promise<TDatasetOption[]> {
  const { rows } = await db.query<{
    code: string;
    name_zh: string;
    name_en: string;
    source_org_id: string;
    source_org_name: string;
    fields: unknown;
  }>(
    `SELECT d.code, d.name_zh, d.name_en, d.source_org_id, o.name AS source_org_name,
            ${DATASET_FIELDS_SQL} AS fields
       FROM datasets d JOIN organizations o ON o.id = d.source_org_id
      ORDER BY d.code`,
  );
  const ZFields = z.array(z.object({ name: z.string(), label: ZLocalized }).passthrough());
  return rows.map((r) => {
    const fields = ZFields.safeParse(r.fields);
    return {
      code: r.code,
      name: { zh: r.name_zh, en: r.name_en },
      sourceOrg: { id: r.source_org_id, name: r.source_org_name },
      fields: fields.success ? fields.data.map((f) => ({ name: f.name, label: f.label })) : [],
    };
  });
}
