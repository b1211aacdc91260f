/**
 * Reading registrations: one registration with its approvals (each verified against the current
 * entry hash), audit events, chain writes and the caller's allowed actions; the source
 * department's own list; the regulator's queue; and the form's check of an entry.
 */
import type { TDatasetEntry } from "@pdx/common/catalog/dataset-entry";
import type { TQueryable } from "../../db";
import { DomainError } from "../domain-error";
import { listApprovals, verifyApproval } from "../signing/approvals";
import { listAuditEvents } from "../trail/audit-trail";
import {
  allowedRegistrationActions,
  loadRegistration,
  mayEditRegistration,
  maySeeRegistration,
  REGISTRATION_OBJECT_TYPE,
  REGISTRATION_SELECT,
  type TRegistrationActor,
  type TRegistrationRecord,
  type TRegistrationRow,
  toRegistrationRecord,
} from "./registrations";
import { chainWriteSummariesFor, type TChainWriteSummary } from "./registrations-chain";
import {
  catalogProblems,
  entryRuleProblems,
  parseEntryOrThrow,
  type TEntryProblem,
} from "./registrations-checks";
import type { TRegistrationAction, TRegistrationKind, TRegistrationStatus } from "./registrations-machine";

const iso = (d: Date | null) => d?.toISOString() ?? null;

export interface TRegistrationSummary {
  id: string;
  datasetCode: string;
  name: { zh: string; en: string };
  kind: TRegistrationKind;
  status: TRegistrationStatus;
  sourceOrg: { id: string; name: string };
  registrationCode: string | null;
  submittedAt: string | null;
  noticeEndsAt: string | null;
  validUntil: string | null;
  updatedAt: string;
}

export function toRegistrationSummary(reg: TRegistrationRecord): TRegistrationSummary {
  return {
    id: reg.id,
    datasetCode: reg.datasetCode,
    name: reg.entry.name,
    kind: reg.kind,
    status: reg.status,
    sourceOrg: { id: reg.sourceOrgId, name: reg.sourceOrgName },
    registrationCode: reg.registrationCode,
    submittedAt: iso(reg.submittedAt),
    noticeEndsAt: iso(reg.noticeEndsAt),
    validUntil: iso(reg.validUntil),
    updatedAt: reg.updatedAt.toISOString(),
  };
}

export interface TRegistrationDetail extends TRegistrationSummary {
  entry: TDatasetEntry;
  entryHash: string;
  previousRegistrationId: string | null;
  reason: string | null;
  noticeStartedAt: string | null;
  codedAt: string | null;
  validFrom: string | null;
  createdBy: { id: string; name: string };
  createdAt: string;
  approvals: {
    id: string;
    step: string;
    decision: "approve" | "reject";
    comment: string;
    signerName: string;
    signerOrgName: string;
    keyId: string;
    publicKey: string;
    signature: string;
    subjectHash: string;
    signedAt: string;
    verification: { ok: boolean; checks: { name: string; ok: boolean; detail: string }[] };
  }[];
  auditEvents: {
    seq: number;
    occurredAt: string;
    action: string;
    actorName: string | null;
    actorOrgName: string | null;
    approvalId: string | null;
    detail: Record<string, string | number | boolean | null>;
    eventHash: string;
  }[];
  chainWrites: TChainWriteSummary[];
  allowedActions: TRegistrationAction[];
  canEdit: boolean;
}

/** One registration as `actor` may see it (NOT_FOUND for another department's). */
export async function getRegistrationDetail(
  db: TQueryable,
  actor: TRegistrationActor,
  id: string,
  now: Date,
): Promise<TRegistrationDetail> {
  const reg = await loadRegistration(db, id);
  if (!reg || !maySeeRegistration(actor, reg)) throw new DomainError("NOT_FOUND", "no such registration");
  const approvals = await listApprovals(db, "dataset_registration", reg.id);
  const verified = [];
  for (const a of approvals) {
    const v = await verifyApproval(db, a.id, reg.entryHash);
    verified.push({
      id: a.id,
      step: a.step,
      decision: a.decision,
      comment: a.comment,
      signerName: a.signerName,
      signerOrgName: a.signerOrgName,
      keyId: a.keyId,
      publicKey: a.publicKey,
      signature: a.signature,
      subjectHash: a.subjectHash,
      signedAt: a.signedAt.toISOString(),
      verification: { ok: v.ok, checks: v.checks },
    });
  }
  const events = await listAuditEvents(db, {
    objectType: REGISTRATION_OBJECT_TYPE,
    objectId: reg.id,
    limit: 200,
  });
  return {
    ...toRegistrationSummary(reg),
    entry: reg.entry,
    entryHash: reg.entryHash,
    previousRegistrationId: reg.previousRegistrationId,
    reason: reg.reason,
    noticeStartedAt: iso(reg.noticeStartedAt),
    codedAt: iso(reg.codedAt),
    validFrom: iso(reg.validFrom),
    createdBy: { id: reg.createdBy, name: reg.createdByName },
    createdAt: reg.createdAt.toISOString(),
    approvals: verified,
    auditEvents: events.map((e) => ({
      seq: e.seq,
      occurredAt: e.occurredAt,
      action: e.action,
      actorName: e.actorName,
      actorOrgName: e.actorOrgName,
      approvalId: e.approvalId,
      detail: e.detail,
      eventHash: e.eventHash,
    })),
    chainWrites: await chainWriteSummariesFor(db, reg.id),
    allowedActions: allowedRegistrationActions(reg, actor, now),
    canEdit: mayEditRegistration(reg, actor),
  };
}

const LIST_LIMIT = 200;

/** The caller's department's registrations, most recently changed first. */
export async function listMyRegistrations(
  db: TQueryable,
  actor: TRegistrationActor,
  filter: { status?: TRegistrationStatus },
): Promise<TRegistrationSummary[]> {
  const { rows } = await db.query<TRegistrationRow>(
    `${REGISTRATION_SELECT} WHERE r.source_org_id = $1 AND ($2::text IS NULL OR r.status = $2)
      ORDER BY r.updated_at DESC, r.id LIMIT ${LIST_LIMIT}`,
    [actor.org.id, filter.status ?? null],
  );
  return rows.map((r) => toRegistrationSummary(toRegistrationRecord(r)));
}

/** What the regulator works on by default: everything submitted and not yet decided. */
export const QUEUE_DEFAULT_STATES: readonly TRegistrationStatus[] = [
  "submitted",
  "accepted",
  "reviewed",
  "public_notice",
];

export interface TRegistrationQueue {
  items: TRegistrationSummary[];
  /** Registrations per status (drafts are the departments' own and not counted). */
  counts: { status: TRegistrationStatus; count: number }[];
}

/** The regulator's queue: registrations in `status` (default: the open review states). */
export async function listRegistrationQueue(
  db: TQueryable,
  filter: { status?: TRegistrationStatus },
): Promise<TRegistrationQueue> {
  const states = filter.status ? [filter.status] : QUEUE_DEFAULT_STATES;
  const { rows } = await db.query<TRegistrationRow>(
    `${REGISTRATION_SELECT} WHERE r.status = ANY($1) AND r.status <> 'draft'
      ORDER BY r.submitted_at ASC NULLS LAST, r.updated_at DESC LIMIT ${LIST_LIMIT}`,
    [states],
  );
  const { rows: counts } = await db.query<{ status: TRegistrationStatus; count: number }>(
    "SELECT status, count(*)::int AS count FROM dataset_registrations WHERE status <> 'draft' GROUP BY status ORDER BY status",
  );
  return { items: rows.map((r) => toRegistrationSummary(toRegistrationRecord(r))), counts };
}

/**
 * Every problem of an entry the caller's department would save (the form shows them next to the
 * fields): the entry's own rules first; the catalog's (code taken, items held by another
 * department) when the entry is otherwise valid.
 */
export async function checkRegistrationEntry(
  db: TQueryable,
  actor: TRegistrationActor,
  input: { entry: unknown; registrationId?: string },
): Promise<TEntryProblem[]> {
  const ruleProblems = entryRuleProblems(input.entry);
  if (ruleProblems.length > 0) return ruleProblems;
  let kind: TRegistrationKind = "initial";
  let registrationId: string | null = null;
  if (input.registrationId) {
    const reg = await loadRegistration(db, input.registrationId);
    if (!reg || reg.sourceOrgId !== actor.org.id) throw new DomainError("NOT_FOUND", "no such registration");
    kind = reg.kind;
    registrationId = reg.id;
  }
  return catalogProblems(db, {
    entry: parseEntryOrThrow(input.entry),
    orgId: actor.org.id,
    registrationId,
    kind,
  });
}
