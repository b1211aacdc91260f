/**
 * The dataset-registration workflow (目录登记): a source department drafts and submits an entry,
 * the data bureau accepts, reviews (signed), publishes a public notice and codes it. Coding gives
 * the registration code (PCDR-<year>-<seq>, valid 3 years), writes the catalog row, claims the
 * authoritative data items and enqueues the chain record; a newer coded registration supersedes
 * the previous one. Every transition runs in one transaction with its audit event (before/after
 * snapshots) and, where the design says so, a signed approval of the entry hash.
 *
 * Who may act: the state machine's roles (registrations-machine.ts) plus ownership — only the
 * dataset's source department sees, edits, submits and withdraws its registrations (other
 * departments get NOT_FOUND); the regulator takes the review steps.
 */
import { randomUUID } from "node:crypto";
import type { TDatasetEntry } from "@pdx/common/catalog/dataset-entry";
import type { TDb, TQueryable } from "../../db";
import type { TSessionUser } from "../auth/session-user";
import { enqueueChainWrite } from "../chain-writes/outbox";
import { DomainError } from "../domain-error";
import { signApproval } from "../signing/approvals";
import type { TKeyring } from "../signing/keyring";
import { appendAuditEvent, type TAuditDetail } from "../trail/audit-trail";
import {
  assertNoCatalogProblems,
  entryHashOf,
  mapCatalogUniqueViolations,
  parseEntryOrThrow,
} from "./registrations-checks";
import {
  addYears,
  claimAuthoritativeItems,
  nextRegistrationCode,
  REGISTRATION_VALID_YEARS,
  releaseAuthoritativeItems,
  upsertCodedDataset,
} from "./registrations-coding";
import {
  EDITABLE_REGISTRATION_STATES,
  registrationMachine,
  type TRegistrationAction,
  type TRegistrationKind,
  type TRegistrationStatus,
} from "./registrations-machine";

export const REGISTRATION_OBJECT_TYPE = "dataset_registration";

/** Who acts: a signed-in user (the system's timer acts with null; see expireRegistrations). */
export type TRegistrationActor = Pick<TSessionUser, "id" | "role" | "isOrgAdmin" | "org">;

/** A stored registration row (dates as Date). */
export interface TRegistrationRecord {
  id: string;
  datasetCode: string;
  sourceOrgId: string;
  sourceOrgName: string;
  kind: TRegistrationKind;
  status: TRegistrationStatus;
  entry: TDatasetEntry;
  entryHash: string;
  previousRegistrationId: string | null;
  registrationCode: string | null;
  reason: string | null;
  submittedAt: Date | null;
  noticeStartedAt: Date | null;
  noticeEndsAt: Date | null;
  codedAt: Date | null;
  validFrom: Date | null;
  validUntil: Date | null;
  createdBy: string;
  createdByName: string;
  createdAt: Date;
  updatedAt: Date;
}

interface TRegistrationRow {
  id: string;
  dataset_code: string;
  source_org_id: string;
  source_org_name: string;
  kind: TRegistrationKind;
  status: TRegistrationStatus;
  entry: TDatasetEntry;
  entry_hash: string;
  previous_registration_id: string | null;
  registration_code: string | null;
  reason: string | null;
  submitted_at: Date | null;
  notice_started_at: Date | null;
  notice_ends_at: Date | null;
  coded_at: Date | null;
  valid_from: Date | null;
  valid_until: Date | null;
  created_by: string;
  created_by_name: string;
  created_at: Date;
  updated_at: Date;
}

export const REGISTRATION_SELECT = `
  SELECT r.id, r.dataset_code, r.source_org_id, o.name AS source_org_name, r.kind, r.status, r.entry,
         r.entry_hash, r.previous_registration_id, r.registration_code, r.reason, r.submitted_at,
         r.notice_started_at, r.notice_ends_at, r.coded_at, r.valid_from, r.valid_until, r.created_by,
         u.display_name AS created_by_name, r.created_at, r.updated_at
    FROM dataset_registrations r
    JOIN organizations o ON o.id = r.source_org_id
    JOIN users u ON u.id = r.created_by`;

export function toRegistrationRecord(r: TRegistrationRow): TRegistrationRecord {
  return {
    id: r.id,
    datasetCode: r.dataset_code,
    sourceOrgId: r.source_org_id,
    sourceOrgName: r.source_org_name,
    kind: r.kind,
    status: r.status,
    entry: r.entry,
    entryHash: r.entry_hash,
    previousRegistrationId: r.previous_registration_id,
    registrationCode: r.registration_code,
    reason: r.reason,
    submittedAt: r.submitted_at,
    noticeStartedAt: r.notice_started_at,
    noticeEndsAt: r.notice_ends_at,
    codedAt: r.coded_at,
    validFrom: r.valid_from,
    validUntil: r.valid_until,
    createdBy: r.created_by,
    createdByName: r.created_by_name,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export type { TRegistrationRow };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Loads a registration (locked for update inside a transaction when `lock`), or null. */
export async function loadRegistration(
  q: TQueryable,
  id: string,
  lock = false,
): Promise<TRegistrationRecord | null> {
  if (!UUID.test(id)) return null;
  const { rows } = await q.query<TRegistrationRow>(
    `${REGISTRATION_SELECT} WHERE r.id = $1${lock ? " FOR UPDATE OF r" : ""}`,
    [id],
  );
  return rows[0] ? toRegistrationRecord(rows[0]) : null;
}

/** Whether `actor` may see the registration: its own department, the regulator, auditors. */
export function maySeeRegistration(
  actor: Pick<TSessionUser, "role" | "org">,
  reg: Pick<TRegistrationRecord, "sourceOrgId">,
): boolean {
  return actor.role === "regulator" || actor.role === "auditor" || actor.org.id === reg.sourceOrgId;
}

/** What the audit trail hashes as the registration's state. */
function snapshotOf(reg: TRegistrationRecord) {
  return {
    id: reg.id,
    datasetCode: reg.datasetCode,
    sourceOrgId: reg.sourceOrgId,
    kind: reg.kind,
    status: reg.status,
    entryHash: reg.entryHash,
    registrationCode: reg.registrationCode,
    reason: reg.reason,
    noticeEndsAt: reg.noticeEndsAt?.toISOString() ?? null,
    validFrom: reg.validFrom?.toISOString() ?? null,
    validUntil: reg.validUntil?.toISOString() ?? null,
  };
}

/** Columns a transition may set (fixed names only; values are parameters). */
type TSettable =
  | "reason"
  | "submitted_at"
  | "notice_started_at"
  | "notice_ends_at"
  | "coded_at"
  | "valid_from"
  | "valid_until"
  | "registration_code";

async function writeStatus(
  tx: TQueryable,
  id: string,
  status: TRegistrationStatus,
  now: Date,
  set: Partial<Record<TSettable, unknown>> = {},
): Promise<void> {
  const columns = Object.keys(set) as TSettable[];
  const assignments = columns.map((c, i) => `${c} = $${i + 4}`);
  await tx.query(
    `UPDATE dataset_registrations SET status = $2, updated_at = $3${assignments.length ? `, ${assignments.join(", ")}` : ""}
      WHERE id = $1`,
    [id, status, now, ...columns.map((c) => set[c])],
  );
}

function detailOf(reg: TRegistrationRecord, extra: TAuditDetail = {}): TAuditDetail {
  return { datasetCode: reg.datasetCode, kind: reg.kind, ...extra };
}

/** A reason the user must give (return, reject, object, deregister). */
function requiredReason(reason: string | undefined, action: string): string {
  const text = (reason ?? "").trim();
  if (!text) throw new DomainError("INVALID_INPUT", `reason: give a reason to ${action} the registration`);
  if (text.length > 2000) throw new DomainError("INVALID_INPUT", "reason: at most 2000 characters");
  return text;
}

interface TTransitionContext {
  tx: TQueryable;
  reg: TRegistrationRecord;
  to: TRegistrationStatus;
}

interface TTransitionOutcome {
  set?: Partial<Record<TSettable, unknown>>;
  approvalId?: string;
  detail?: TAuditDetail;
}

/**
 * The common path of every user transition: load and lock, refuse what the caller may not see
 * (NOT_FOUND), ask the machine (INVALID_STATE / FORBIDDEN), require the source department for
 * source actions, run `apply` (preconditions and side effects), write the status and append the
 * audit event — all in one transaction.
 */
async function transition(
  db: TDb,
  actor: TRegistrationActor,
  id: string,
  action: TRegistrationAction,
  now: Date,
  apply: (c: TTransitionContext) => Promise<TTransitionOutcome>,
): Promise<TRegistrationRecord> {
  // What the unique-violation mapping needs, known once the registration is loaded.
  const loaded: { context: { entry: TDatasetEntry; orgId: string } | null } = { context: null };
  const run = () =>
    db.withTransaction(async (tx) => {
      const reg = await loadRegistration(tx, id, true);
      if (!reg || !maySeeRegistration(actor, reg)) throw new DomainError("NOT_FOUND", "no such registration");
      loaded.context = { entry: reg.entry, orgId: reg.sourceOrgId };
      const to = registrationMachine.next(reg.status, action, actor);
      assertSourceAction(actor, reg, action);
      const outcome = await apply({ tx, reg, to });
      await writeStatus(tx, reg.id, to, now, outcome.set);
      const after = (await loadRegistration(tx, reg.id))!;
      await appendAuditEvent(
        tx,
        {
          actor,
          action: `registration.${action}`,
          objectType: REGISTRATION_OBJECT_TYPE,
          objectId: reg.id,
          before: snapshotOf(reg),
          after: snapshotOf(after),
          approvalId: outcome.approvalId ?? null,
          detail: detailOf(after, outcome.detail),
        },
        now,
      );
      return after;
    });
  try {
    return await run();
  } catch (err) {
    if (!loaded.context) throw err;
    return mapCatalogUniqueViolations(db, loaded.context, () => Promise.reject(err));
  }
}

/** Source actions are for the dataset's own department only (the machine checked the role). */
function assertSourceAction(actor: TRegistrationActor, reg: TRegistrationRecord, action: string): void {
  const t = registrationMachine.transitions.find((x) => x.action === action);
  if (t?.roles.includes("data_source") && actor.org.id !== reg.sourceOrgId) {
    throw new DomainError("NOT_FOUND", "no such registration");
  }
}

// ── Drafts ──────────────────────────────────────────────────────────────────────────────────

/** Creates an initial registration draft of a new dataset for the caller's department. */
export async function createRegistration(
  db: TDb,
  actor: TRegistrationActor,
  input: { entry: unknown },
  now: Date,
): Promise<TRegistrationRecord> {
  if (actor.role !== "data_source") {
    throw new DomainError("FORBIDDEN", "only a data source department registers datasets");
  }
  const entry = parseEntryOrThrow(input.entry);
  const id = randomUUID();
  return mapCatalogUniqueViolations(db, { entry, orgId: actor.org.id }, () =>
    db.withTransaction(async (tx) => {
      await assertNoCatalogProblems(tx, {
        entry,
        orgId: actor.org.id,
        registrationId: null,
        kind: "initial",
      });
      // A dataset that was coded before (expired or deregistered) links to its last registration.
      const { rows: previous } = await tx.query<{ registration_id: string | null }>(
        "SELECT registration_id FROM datasets WHERE code = $1",
        [entry.code],
      );
      await tx.query(
        `INSERT INTO dataset_registrations (id, dataset_code, source_org_id, kind, status, entry, entry_hash,
           previous_registration_id, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, 'initial', 'draft', $4, $5, $6, $7, $8, $8)`,
        [
          id,
          entry.code,
          actor.org.id,
          JSON.stringify(entry),
          entryHashOf(entry),
          previous[0]?.registration_id ?? null,
          actor.id,
          now,
        ],
      );
      const created = (await loadRegistration(tx, id))!;
      await appendAuditEvent(
        tx,
        {
          actor,
          action: "registration.create",
          objectType: REGISTRATION_OBJECT_TYPE,
          objectId: id,
          before: null,
          after: snapshotOf(created),
          detail: detailOf(created),
        },
        now,
      );
      return created;
    }),
  );
}

/** Replaces the entry of a draft or returned registration (its department only). */
export async function updateRegistration(
  db: TDb,
  actor: TRegistrationActor,
  input: { id: string; entry: unknown },
  now: Date,
): Promise<TRegistrationRecord> {
  const entry = parseEntryOrThrow(input.entry);
  return mapCatalogUniqueViolations(db, { entry, orgId: actor.org.id }, () =>
    db.withTransaction(async (tx) => {
      const reg = await loadRegistration(tx, input.id, true);
      if (!reg || reg.sourceOrgId !== actor.org.id || actor.role !== "data_source") {
        throw new DomainError("NOT_FOUND", "no such registration");
      }
      if (!(EDITABLE_REGISTRATION_STATES as readonly string[]).includes(reg.status)) {
        throw new DomainError(
          "INVALID_STATE",
          `cannot edit a dataset registration that is ${reg.status.replaceAll("_", " ")}`,
        );
      }
      if (reg.kind !== "initial" && entry.code !== reg.datasetCode) {
        throw new DomainError(
          "INVALID_INPUT",
          `code: a ${reg.kind} registration keeps the dataset code ${reg.datasetCode}`,
        );
      }
      await assertNoCatalogProblems(tx, {
        entry,
        orgId: reg.sourceOrgId,
        registrationId: reg.id,
        kind: reg.kind,
      });
      await tx.query(
        `UPDATE dataset_registrations SET entry = $2, entry_hash = $3, dataset_code = $4, updated_at = $5
          WHERE id = $1`,
        [reg.id, JSON.stringify(entry), entryHashOf(entry), entry.code, now],
      );
      const after = (await loadRegistration(tx, reg.id))!;
      await appendAuditEvent(
        tx,
        {
          actor,
          action: "registration.update",
          objectType: REGISTRATION_OBJECT_TYPE,
          objectId: reg.id,
          before: snapshotOf(reg),
          after: snapshotOf(after),
          detail: detailOf(after),
        },
        now,
      );
      return after;
    }),
  );
}

/**
 * Starts a change (变更) or correction (更正) registration of a coded dataset of the caller's
 * department; the draft starts from the dataset's current entry.
 */
export async function startFollowUpRegistration(
  db: TDb,
  actor: TRegistrationActor,
  input: { datasetCode: string; kind: "change" | "correction" },
  now: Date,
): Promise<TRegistrationRecord> {
  const id = randomUUID();
  return db.withTransaction(async (tx) => {
    const { rows } = await tx.query<{
      source_org_id: string;
      org_name: string;
      status: string;
      entry: TDatasetEntry | null;
      registration_id: string | null;
      valid_until: Date | null;
    }>(
      `SELECT d.source_org_id, o.name AS org_name, d.status, d.entry, d.registration_id, d.valid_until
         FROM datasets d JOIN organizations o ON o.id = d.source_org_id WHERE d.code = $1 FOR UPDATE OF d`,
      [input.datasetCode],
    );
    const dataset = rows[0];
    if (!dataset?.entry || !dataset.registration_id) {
      throw new DomainError("NOT_FOUND", `no coded dataset ${input.datasetCode}`);
    }
    if (dataset.source_org_id !== actor.org.id || actor.role !== "data_source") {
      throw new DomainError(
        "FORBIDDEN",
        `dataset ${input.datasetCode} is registered by ${dataset.org_name}; only its source department may start a ${input.kind}`,
      );
    }
    const expired = dataset.valid_until !== null && dataset.valid_until <= now;
    if (dataset.status !== "coded" || expired) {
      throw new DomainError(
        "INVALID_STATE",
        `dataset ${input.datasetCode} is ${expired ? "expired" : dataset.status}; a ${input.kind} starts from a coded dataset`,
      );
    }
    await assertNoCatalogProblems(tx, {
      entry: dataset.entry,
      orgId: actor.org.id,
      registrationId: null,
      kind: input.kind,
    });
    await tx.query(
      `INSERT INTO dataset_registrations (id, dataset_code, source_org_id, kind, status, entry, entry_hash,
         previous_registration_id, created_by, created_at, updated_at)
       VALUES ($1, $2, $3, $4, 'draft', $5, $6, $7, $8, $9, $9)`,
      [
        id,
        input.datasetCode,
        actor.org.id,
        input.kind,
        JSON.stringify(dataset.entry),
        entryHashOf(dataset.entry),
        dataset.registration_id,
        actor.id,
        now,
      ],
    );
    const created = (await loadRegistration(tx, id))!;
    await appendAuditEvent(
      tx,
      {
        actor,
        action: "registration.create",
        objectType: REGISTRATION_OBJECT_TYPE,
        objectId: id,
        before: null,
        after: snapshotOf(created),
        detail: detailOf(created, { previousRegistrationId: dataset.registration_id }),
      },
      now,
    );
    return created;
  });
}

// ── Source transitions ──────────────────────────────────────────────────────────────────────

/** draft|returned → submitted: the entry is checked again against the catalog. */
export function submitRegistration(db: TDb, actor: TRegistrationActor, id: string, now: Date) {
  return transition(db, actor, id, "submit", now, async ({ tx, reg }) => {
    const entry = parseEntryOrThrow(reg.entry);
    await assertNoCatalogProblems(tx, {
      entry,
      orgId: reg.sourceOrgId,
      registrationId: reg.id,
      kind: reg.kind,
    });
    return { set: { submitted_at: now, reason: null } };
  });
}

/** draft|returned → withdrawn. */
export function withdrawRegistration(db: TDb, actor: TRegistrationActor, id: string, now: Date) {
  return transition(db, actor, id, "withdraw", now, async () => ({}));
}

// ── Regulator transitions ───────────────────────────────────────────────────────────────────

/** submitted → accepted (受理). */
export function acceptRegistration(db: TDb, actor: TRegistrationActor, id: string, now: Date) {
  return transition(db, actor, id, "accept", now, async () => ({}));
}

/** submitted → returned (退回), with the reason. */
export function returnRegistration(
  db: TDb,
  actor: TRegistrationActor,
  input: { id: string; reason: string },
  now: Date,
) {
  return transition(db, actor, input.id, "return", now, async () => ({
    set: { reason: requiredReason(input.reason, "return") },
  }));
}

/** accepted → reviewed (审核通过): a signed approval of the entry hash. */
export function reviewRegistration(
  db: TDb,
  keyring: TKeyring,
  actor: TRegistrationActor,
  input: { id: string; comment?: string },
  now: Date,
) {
  return transition(db, actor, input.id, "review", now, async ({ tx, reg }) => {
    const approval = await signApproval(
      tx,
      keyring,
      actor,
      {
        subjectType: "dataset_registration",
        subjectId: reg.id,
        subjectHash: reg.entryHash,
        step: "review",
        decision: "approve",
        comment: input.comment,
      },
      now,
    );
    return { approvalId: approval.id, detail: { keyId: approval.keyId } };
  });
}

/** accepted → rejected (不予登记): a signed rejection with the reason. */
export function rejectRegistration(
  db: TDb,
  keyring: TKeyring,
  actor: TRegistrationActor,
  input: { id: string; reason: string },
  now: Date,
) {
  return transition(db, actor, input.id, "reject", now, async ({ tx, reg }) => {
    const reason = requiredReason(input.reason, "reject");
    const approval = await signApproval(
      tx,
      keyring,
      actor,
      {
        subjectType: "dataset_registration",
        subjectId: reg.id,
        subjectHash: reg.entryHash,
        step: "review",
        decision: "reject",
        comment: reason,
      },
      now,
    );
    return { set: { reason }, approvalId: approval.id, detail: { keyId: approval.keyId } };
  });
}

/** reviewed → public_notice (公示) for `noticeDays` days; corrections are coded without notice. */
export function publishRegistrationNotice(
  db: TDb,
  actor: TRegistrationActor,
  input: { id: string; noticeDays: number },
  now: Date,
) {
  return transition(db, actor, input.id, "publish_notice", now, async ({ reg }) => {
    if (reg.kind === "correction") {
      throw new DomainError(
        "PRECONDITION_FAILED",
        "a correction registration is coded without public notice; code it directly",
      );
    }
    const endsAt = new Date(now.getTime() + Math.max(0, input.noticeDays) * 86_400_000);
    return {
      set: { notice_started_at: now, notice_ends_at: endsAt },
      detail: { noticeEndsAt: endsAt.toISOString() },
    };
  });
}

/** public_notice → returned: an objection raised during the notice, with the reason. */
export function objectToRegistration(
  db: TDb,
  actor: TRegistrationActor,
  input: { id: string; reason: string },
  now: Date,
) {
  return transition(db, actor, input.id, "object", now, async () => ({
    set: { reason: requiredReason(input.reason, "object to") },
  }));
}

/** Why `reg` cannot be coded at `now` (null when it can), beyond what the machine checks. */
export function codingBlock(
  reg: Pick<TRegistrationRecord, "status" | "kind" | "noticeEndsAt">,
  now: Date,
): string | null {
  if (reg.status === "reviewed" && reg.kind !== "correction") {
    return "only a correction is coded without public notice; publish the notice first";
  }
  if (reg.status === "public_notice" && reg.noticeEndsAt && now < reg.noticeEndsAt) {
    return `the public notice period ends at ${reg.noticeEndsAt.toISOString()}; it can be coded after that`;
  }
  return null;
}

/**
 * public_notice (notice over) | reviewed (corrections) → coded (赋码): assigns the registration
 * code, valid 3 years; supersedes the dataset's previous coded registration; writes the catalog
 * row and the item claims; enqueues the chain writes.
 */
export function codeRegistration(db: TDb, actor: TRegistrationActor, id: string, now: Date) {
  return transition(db, actor, id, "code", now, async ({ tx, reg }) => {
    const block = codingBlock(reg, now);
    if (block) throw new DomainError("PRECONDITION_FAILED", block);
    const entry = parseEntryOrThrow(reg.entry);
    await assertNoCatalogProblems(tx, {
      entry,
      orgId: reg.sourceOrgId,
      registrationId: reg.id,
      kind: reg.kind,
    });
    const registrationCode = await nextRegistrationCode(tx, now);
    const validUntil = addYears(now, REGISTRATION_VALID_YEARS);

    const { rows: previous } = await tx.query<{ id: string }>(
      "SELECT id FROM dataset_registrations WHERE dataset_code = $1 AND status = 'coded' AND id <> $2 FOR UPDATE",
      [reg.datasetCode, reg.id],
    );
    for (const p of previous) await supersede(tx, actor, p.id, reg, now);

    await upsertCodedDataset(tx, {
      entry,
      entryHash: reg.entryHash,
      sourceOrgId: reg.sourceOrgId,
      registrationId: reg.id,
      registrationCode,
      codedAt: now,
      validUntil,
    });
    const claims = await claimAuthoritativeItems(tx, {
      entry,
      orgId: reg.sourceOrgId,
      registrationId: reg.id,
      at: now,
    });
    await enqueueChainWrite(tx, {
      kind: "registration.record",
      subjectId: reg.id,
      payload: {
        datasetCode: reg.datasetCode,
        sourceOrgId: reg.sourceOrgId,
        entryHash: reg.entryHash,
        validFrom: now.toISOString(),
        validUntil: validUntil.toISOString(),
      },
    });
    return {
      set: { registration_code: registrationCode, coded_at: now, valid_from: now, valid_until: validUntil },
      detail: { registrationCode, itemsClaimed: claims.claimed, itemsReleased: claims.released },
    };
  });
}

/** coded → superseded, as part of coding `by` (same transaction). */
async function supersede(
  tx: TQueryable,
  actor: TRegistrationActor,
  id: string,
  by: TRegistrationRecord,
  now: Date,
): Promise<void> {
  const reg = (await loadRegistration(tx, id, true))!;
  const to = registrationMachine.next(reg.status, "supersede", null);
  await writeStatus(tx, id, to, now);
  const after = (await loadRegistration(tx, id))!;
  await enqueueChainWrite(tx, {
    kind: "registration.status",
    subjectId: id,
    payload: { status: "superseded" },
  });
  await appendAuditEvent(
    tx,
    {
      actor,
      action: "registration.supersede",
      objectType: REGISTRATION_OBJECT_TYPE,
      objectId: id,
      before: snapshotOf(reg),
      after: snapshotOf(after),
      detail: detailOf(after, { supersededBy: by.id }),
    },
    now,
  );
}

/**
 * coded → deregistered (注销) by the regulator with the reason: the catalog row is marked
 * deregistered, the item claims are released and the chain status is updated.
 */
export function deregisterRegistration(
  db: TDb,
  actor: TRegistrationActor,
  input: { id: string; reason: string },
  now: Date,
) {
  return transition(db, actor, input.id, "deregister", now, async ({ tx, reg }) => {
    const reason = requiredReason(input.reason, "deregister");
    await tx.query(
      "UPDATE datasets SET status = 'deregistered', updated_at = $2 WHERE code = $1 AND registration_id = $3",
      [reg.datasetCode, now, reg.id],
    );
    const released = await releaseAuthoritativeItems(tx, reg.datasetCode, reg.sourceOrgId);
    await enqueueChainWrite(tx, {
      kind: "registration.status",
      subjectId: reg.id,
      payload: { status: "deregistered" },
    });
    return { set: { reason }, detail: { itemsReleased: released } };
  });
}

// ── System transitions ──────────────────────────────────────────────────────────────────────

/**
 * coded → expired for every registration whose validity ended by `now` (the timer calls this;
 * reads treat such a dataset as expired already). Each in its own transaction, with the chain
 * status and an audit event by the system. Returns the expired registrations' ids.
 */
export async function expireRegistrations(db: TDb, now: Date): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    "SELECT id FROM dataset_registrations WHERE status = 'coded' AND valid_until <= $1 ORDER BY valid_until, id",
    [now],
  );
  const expired: string[] = [];
  for (const { id } of rows) {
    const done = await db.withTransaction(async (tx) => {
      const reg = await loadRegistration(tx, id, true);
      if (reg?.status !== "coded" || !reg.validUntil || reg.validUntil > now) return false;
      const to = registrationMachine.next(reg.status, "expire", null);
      await writeStatus(tx, id, to, now);
      await tx.query(
        "UPDATE datasets SET status = 'expired', updated_at = $2 WHERE code = $1 AND registration_id = $3",
        [reg.datasetCode, now, id],
      );
      await enqueueChainWrite(tx, {
        kind: "registration.status",
        subjectId: id,
        payload: { status: "expired" },
      });
      const after = (await loadRegistration(tx, id))!;
      await appendAuditEvent(
        tx,
        {
          actor: null,
          action: "registration.expire",
          objectType: REGISTRATION_OBJECT_TYPE,
          objectId: id,
          before: snapshotOf(reg),
          after: snapshotOf(after),
          detail: detailOf(after, { validUntil: reg.validUntil.toISOString() }),
        },
        now,
      );
      return true;
    });
    if (done) expired.push(id);
  }
  return expired;
}

// ── What the caller may do ──────────────────────────────────────────────────────────────────

/**
 * The actions `actor` may take on `reg` now (for buttons): the machine's, minus those a
 * precondition refuses (not the caller's department; corrections skip the notice; notice running).
 */
export function allowedRegistrationActions(
  reg: TRegistrationRecord,
  actor: TRegistrationActor,
  now: Date,
): TRegistrationAction[] {
  if (!maySeeRegistration(actor, reg)) return [];
  return registrationMachine.allowedActions(reg.status, actor).filter((action) => {
    const t = registrationMachine.transitionOf(reg.status, action);
    if (t?.roles.includes("data_source") && actor.org.id !== reg.sourceOrgId) return false;
    if (action === "publish_notice" && reg.kind === "correction") return false;
    if (action === "code" && codingBlock(reg, now) !== null) return false;
    return true;
  });
}

/** Whether `actor` may edit the entry now. */
export function mayEditRegistration(reg: TRegistrationRecord, actor: TRegistrationActor): boolean {
  return (
    actor.role === "data_source" &&
    actor.org.id === reg.sourceOrgId &&
    (EDITABLE_REGISTRATION_STATES as readonly string[]).includes(reg.status)
  );
}
