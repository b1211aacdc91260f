/**
 * The audit trail: an append-only, hash-chained table of every state transition of the
 * workflows (actor, time, object, before/after hashes, signature where there is one).
 *
 * event_hash = SHA-256(canonical JSON of the event's fields + prev_hash). Appends lock the single
 * `audit_chain_head` row, so concurrent transactions extend the chain one after another and the
 * chain never forks; an append rolled back with its transaction leaves no gap. The table refuses
 * UPDATE, DELETE and TRUNCATE (trigger), and `verifyAuditTrail` recomputes every hash, so an edit
 * made by someone who disabled the trigger is still found.
 */
import { canonicalJson } from "@pdx/common/canonical-json";
import { sha256Hex } from "@pdx/common/hash";
import type { TQueryable } from "../../db";

/** Hash of a state snapshot (null for "did not exist"). */
export function snapshotHash(snapshot: unknown): string | null {
  return snapshot === null || snapshot === undefined ? null : sha256Hex(canonicalJson(snapshot));
}

export type TAuditDetail = Record<string, string | number | boolean | null>;

export interface TAuditEventInput {
  /** Who did it; null for the system (timers, seeding). */
  actor: { id: string; org: { id: string } } | null;
  /** "<object>.<verb>", e.g. "registration.submit". */
  action: string;
  objectType: string;
  objectId: string;
  /** State before and after (snapshots are hashed, not stored). */
  before: unknown;
  after: unknown;
  /** The signed approval that authorized this transition, if any. */
  approvalId?: string | null;
  /** A small, user-safe summary shown in the trail (never raw rows or secrets). */
  detail?: TAuditDetail;
}

/** The fields an event hash covers, in their stored form. */
export interface TAuditEventFields {
  seq: number;
  occurredAt: string;
  actorUserId: string | null;
  actorOrgId: string | null;
  action: string;
  objectType: string;
  objectId: string;
  beforeHash: string | null;
  afterHash: string | null;
  approvalId: string | null;
  detail: TAuditDetail;
  prevHash: string;
}

/** The event hash of `fields`. */
export function auditEventHash(fields: TAuditEventFields): string {
  return sha256Hex(canonicalJson({ v: 1, ...fields }));
}

/** The hash that precedes the first event. */
export const GENESIS_HASH = "0".repeat(64);

/** Appends one event inside `tx` (the caller's transaction); returns its seq and hash. */
export async function appendAuditEvent(
  tx: TQueryable,
  input: TAuditEventInput,
  now: Date = new Date(),
): Promise<{ seq: number; eventHash: string }> {
  const { rows } = await tx.query<{ seq: string; event_hash: string }>(
    "SELECT seq, event_hash FROM audit_chain_head WHERE singleton FOR UPDATE",
  );
  const head = rows[0];
  if (!head) throw new Error("audit_chain_head is missing (migration 0002 not applied?)");
  const fields: TAuditEventFields = {
    seq: Number(head.seq) + 1,
    occurredAt: now.toISOString(),
    actorUserId: input.actor?.id ?? null,
    actorOrgId: input.actor?.org.id ?? null,
    action: input.action,
    objectType: input.objectType,
    objectId: input.objectId,
    beforeHash: snapshotHash(input.before),
    afterHash: snapshotHash(input.after),
    approvalId: input.approvalId ?? null,
    detail: input.detail ?? {},
    prevHash: head.event_hash,
  };
  const eventHash = auditEventHash(fields);
  await tx.query(
    `INSERT INTO audit_events (seq, occurred_at, actor_user_id, actor_org_id, action, object_type,
       object_id, before_hash, after_hash, approval_id, detail, prev_hash, event_hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
    [
      fields.seq,
      now,
      fields.actorUserId,
      fields.actorOrgId,
      fields.action,
      fields.objectType,
      fields.objectId,
      fields.beforeHash,
      fields.afterHash,
      fields.approvalId,
      JSON.stringify(fields.detail),
      fields.prevHash,
      eventHash,
    ],
  );
  await tx.query("UPDATE audit_chain_head SET seq = $1, event_hash = $2 WHERE singleton", [
    fields.seq,
    eventHash,
  ]);
  return { seq: fields.seq, eventHash };
}

interface TEventRow {
  seq: string;
  occurred_at: Date;
  actor_user_id: string | null;
  actor_org_id: string | null;
  action: string;
  object_type: string;
  object_id: string;
  before_hash: string | null;
  after_hash: string | null;
  approval_id: string | null;
  detail: TAuditDetail;
  prev_hash: string;
  event_hash: string;
}

const EVENT_COLUMNS = `e.seq, e.occurred_at, e.actor_user_id, e.actor_org_id, e.action, e.object_type,
  e.object_id, e.before_hash, e.after_hash, e.approval_id, e.detail, e.prev_hash, e.event_hash`;

function fieldsOf(row: TEventRow): TAuditEventFields {
  return {
    seq: Number(row.seq),
    occurredAt: row.occurred_at.toISOString(),
    actorUserId: row.actor_user_id,
    actorOrgId: row.actor_org_id,
    action: row.action,
    objectType: row.object_type,
    objectId: row.object_id,
    beforeHash: row.before_hash,
    afterHash: row.after_hash,
    approvalId: row.approval_id,
    detail: row.detail,
    prevHash: row.prev_hash,
  };
}

export interface TAuditEvent extends TAuditEventFields {
  eventHash: string;
  actorName: string | null;
  actorOrgName: string | null;
}

export interface TAuditEventFilter {
  orgId?: string;
  action?: string;
  objectType?: string;
  objectId?: string;
  from?: Date;
  to?: Date;
  /** Page backwards: events with seq below this. */
  beforeSeq?: number;
  limit?: number;
}

/** Events matching `filter`, newest first, with actor names. */
export async function listAuditEvents(
  db: TQueryable,
  filter: TAuditEventFilter = {},
): Promise<TAuditEvent[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace("?", `$${params.length}`));
  };
  if (filter.orgId) add("e.actor_org_id = ?", filter.orgId);
  if (filter.action) add("e.action = ?", filter.action);
  if (filter.objectType) add("e.object_type = ?", filter.objectType);
  if (filter.objectId) add("e.object_id = ?", filter.objectId);
  if (filter.from) add("e.occurred_at >= ?", filter.from);
  if (filter.to) add("e.occurred_at < ?", filter.to);
  if (filter.beforeSeq) add("e.seq < ?", filter.beforeSeq);
  params.push(Math.min(Math.max(filter.limit ?? 100, 1), 500));
  const { rows } = await db.query<TEventRow & { actor_name: string | null; actor_org_name: string | null }>(
    `SELECT ${EVENT_COLUMNS}, u.display_name AS actor_name, o.name AS actor_org_name
       FROM audit_events e
       LEFT JOIN users u ON u.id = e.actor_user_id
       LEFT JOIN organizations o ON o.id = e.actor_org_id
      ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
      ORDER BY e.seq DESC
      LIMIT $${params.length}`,
    params,
  );
  return rows.map((r) => ({
    ...fieldsOf(r),
    eventHash: r.event_hash,
    actorName: r.actor_name,
    actorOrgName: r.actor_org_name,
  }));
}

export type TTrailProblemKind =
  /** The stored hash does not match the recomputed hash: the event was edited. */
  | "event_modified"
  /** prev_hash does not name the previous event's hash: an event was deleted or inserted. */
  | "chain_broken"
  /** A sequence number is missing. */
  | "seq_gap"
  /** The head row does not name the last event: events were removed from the end. */
  | "head_mismatch";

export interface TTrailVerification {
  ok: boolean;
  checkedEvents: number;
  headSeq: number;
  /** At most 100 problems, in seq order. */
  problems: { seq: number; kind: TTrailProblemKind }[];
}

const VERIFY_PAGE = 5000;

/** Recomputes the whole chain and reports every edited, removed or inserted event. */
export async function verifyAuditTrail(db: TQueryable): Promise<TTrailVerification> {
  const problems: TTrailVerification["problems"] = [];
  const note = (seq: number, kind: TTrailProblemKind) => {
    if (problems.length < 100) problems.push({ seq, kind });
  };
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  let checked = 0;
  let lastSeq = 0;
  for (;;) {
    const { rows } = await db.query<TEventRow>(
      `SELECT ${EVENT_COLUMNS} FROM audit_events e WHERE e.seq > $1 ORDER BY e.seq LIMIT $2`,
      [lastSeq, VERIFY_PAGE],
    );
    for (const row of rows) {
      const fields = fieldsOf(row);
      if (fields.seq !== expectedSeq) note(fields.seq, "seq_gap");
      if (auditEventHash(fields) !== row.event_hash) note(fields.seq, "event_modified");
      else if (fields.prevHash !== prevHash) note(fields.seq, "chain_broken");
      prevHash = row.event_hash;
      expectedSeq = fields.seq + 1;
      lastSeq = fields.seq;
      checked++;
    }
    if (rows.length < VERIFY_PAGE) break;
  }
  const { rows: head } = await db.query<{ seq: string; event_hash: string }>(
    "SELECT seq, event_hash FROM audit_chain_head WHERE singleton",
  );
  const headSeq = Number(head[0]?.seq ?? 0);
  if (headSeq !== lastSeq || (head[0]?.event_hash ?? GENESIS_HASH) !== prevHash)
    note(headSeq, "head_mismatch");
  return { ok: problems.length === 0, checkedEvents: checked, headSeq, problems };
}
