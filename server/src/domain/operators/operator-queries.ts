/**
 * Reads of the operators area. Who sees what: the regulator and auditors see every submitted
 * application, every operator and every annual report; an operator sees only its own
 * organization's. Approvals are returned with their verification (signature, payload, and the
 * subject's current content hash), so a document or score changed after signing shows at once.
 */
import { sha256Hex } from "@pdx/common/hash";
import type { TQueryable } from "../../db";
import type { TSessionUser } from "../auth/session-user";
import { DomainError } from "../domain-error";
import { listApprovals, type TApprovalSubjectType, verifyApproval } from "../signing/approvals";
import { listAuditEvents, type TAuditDetail } from "../trail/audit-trail";
import { APPLICATION_COLUMNS, type TApplicationRow, type TDocumentMeta } from "./admission";
import { annualReportHash, evaluationHash, type TAnnualReportContent } from "./annual-reports";
import {
  applicationContentHash,
  DOSSIER_KINDS,
  missingDossierKinds,
  type TDossierKind,
  type TOperatorStatement,
} from "./dossier";
import {
  annualReportMachine,
  applicationMachine,
  OPEN_APPLICATION_STATES,
  operatorStatusMachine,
  type TAnnualDecision,
  type TAnnualReportState,
  type TApplicationAction,
  type TApplicationState,
  type TOperatorStatus,
  type TOperatorStatusAction,
} from "./operator-machines";

type TOrgRef = { id: string; name: string; uscc: string | null };

export interface TApprovalView {
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
  /** Every check passed (signature, payload, subject unchanged). */
  verified: boolean;
  checks: { name: "signature" | "payload_matches_row" | "subject_hash"; ok: boolean; detail: string }[];
}

export interface TAuditEventView {
  seq: number;
  occurredAt: string;
  action: string;
  actorName: string | null;
  actorOrgName: string | null;
  beforeHash: string | null;
  afterHash: string | null;
  approvalId: string | null;
  eventHash: string;
  detail: TAuditDetail;
}

export interface TApplicationSummary {
  id: string;
  org: TOrgRef;
  status: TApplicationState;
  submittedAt: string | null;
  noticeEndsAt: string | null;
  decidedAt: string | null;
  createdAt: string;
  updatedAt: string;
  documentsCount: number;
}

export interface TApplicationDetail extends TApplicationSummary {
  statement: TOperatorStatement;
  reason: string | null;
  noticeStartedAt: string | null;
  /** SHA-256 of the statement and the documents' kinds and hashes (what reviews sign). */
  contentHash: string;
  documents: TDocumentMeta[];
  missingKinds: TDossierKind[];
  approvals: TApprovalView[];
  /** Oldest first. */
  auditEvents: TAuditEventView[];
  /** What the caller may do now (buttons). */
  allowedActions: TApplicationAction[];
  /** The caller may edit the statement and documents (own draft). */
  canEdit: boolean;
  /** The public notice has ended (admission possible). */
  noticeOver: boolean;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function assertMayRead(actor: TSessionUser, orgId: string): void {
  if (actor.role === "regulator" || actor.role === "auditor") return;
  if (actor.role === "operator" && actor.org.id === orgId) return;
  throw new DomainError("FORBIDDEN", "this application belongs to another organization");
}

interface TSummaryRow extends TApplicationRow {
  org_name: string;
  org_uscc: string | null;
  documents_count: string;
}

const SUMMARY_SELECT = `SELECT ${APPLICATION_COLUMNS}, o.name AS org_name, o.uscc AS org_uscc,
    (SELECT count(*) FROM operator_documents d WHERE d.application_id = a.id)::text AS documents_count
  FROM operator_applications a JOIN organizations o ON o.id = a.org_id`;

function toSummary(r: TSummaryRow): TApplicationSummary {
  return {
    id: r.id,
    org: { id: r.org_id, name: r.org_name, uscc: r.org_uscc },
    status: r.status,
    submittedAt: iso(r.submitted_at),
    noticeEndsAt: iso(r.notice_ends_at),
    decidedAt: iso(r.decided_at),
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    documentsCount: Number(r.documents_count),
  };
}

/** The approvals of a subject with their verification against `currentHash`. */
export async function approvalViews(
  db: TQueryable,
  subjectType: TApprovalSubjectType,
  subjectId: string,
  currentHash?: string,
): Promise<TApprovalView[]> {
  const approvals = await listApprovals(db, subjectType, subjectId);
  // Approvals signed within the same instant keep the order of their audit events.
  const { rows } = await db.query<{ approval_id: string; seq: string }>(
    "SELECT approval_id, min(seq)::text AS seq FROM audit_events WHERE approval_id = ANY($1) GROUP BY approval_id",
    [approvals.map((a) => a.id)],
  );
  const seqOf = new Map(rows.map((r) => [r.approval_id, Number(r.seq)]));
  approvals.sort(
    (a, b) =>
      a.signedAt.getTime() - b.signedAt.getTime() ||
      (seqOf.get(a.id) ?? Number.MAX_SAFE_INTEGER) - (seqOf.get(b.id) ?? Number.MAX_SAFE_INTEGER),
  );
  const views: TApprovalView[] = [];
  for (const a of approvals) views.push(await approvalView(db, a.id, currentHash));
  return views;
}

async function approvalView(
  db: TQueryable,
  approvalId: string,
  currentHash?: string,
): Promise<TApprovalView> {
  const { ok, checks, approval: a } = await verifyApproval(db, approvalId, currentHash);
  return {
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
    verified: ok,
    checks,
  };
}

async function auditEventViews(
  db: TQueryable,
  objectType: string,
  objectId: string,
): Promise<TAuditEventView[]> {
  const events = await listAuditEvents(db, { objectType, objectId, limit: 500 });
  return events.reverse().map((e) => ({
    seq: e.seq,
    occurredAt: e.occurredAt,
    action: e.action,
    actorName: e.actorName,
    actorOrgName: e.actorOrgName,
    beforeHash: e.beforeHash,
    afterHash: e.afterHash,
    approvalId: e.approvalId,
    eventHash: e.eventHash,
    detail: e.detail,
  }));
}

async function documentsOf(db: TQueryable, applicationId: string): Promise<TDocumentMeta[]> {
  const { rows } = await db.query<{
    id: string;
    kind: TDossierKind;
    file_name: string;
    media_type: string;
    size_bytes: number;
    sha256: string;
    uploaded_at: Date;
    uploaded_by: string;
  }>(
    `SELECT d.id, d.kind, d.file_name, d.media_type, d.size_bytes, d.sha256, d.uploaded_at,
            u.display_name AS uploaded_by
       FROM operator_documents d JOIN users u ON u.id = d.uploaded_by
      WHERE d.application_id = $1`,
    [applicationId],
  );
  const order = (k: string) => DOSSIER_KINDS.indexOf(k as TDossierKind);
  return rows
    .sort((a, b) => order(a.kind) - order(b.kind))
    .map((r) => ({
      id: r.id,
      kind: r.kind,
      fileName: r.file_name,
      mediaType: r.media_type,
      sizeBytes: r.size_bytes,
      sha256: r.sha256,
      uploadedAt: r.uploaded_at.toISOString(),
      uploadedBy: r.uploaded_by,
    }));
}

async function detailOf(
  db: TQueryable,
  actor: TSessionUser,
  row: TSummaryRow,
  now: Date,
): Promise<TApplicationDetail> {
  const documents = await documentsOf(db, row.id);
  const contentHash = applicationContentHash(row.statement, documents);
  const isApplicant = actor.role === "operator" && actor.org.id === row.org_id;
  const allowedActions = applicationMachine
    .allowedActions(row.status, actor)
    .filter((a) => (a === "submit" || a === "withdraw" ? isApplicant : true));
  return {
    ...toSummary(row),
    statement: row.statement,
    reason: row.reason,
    noticeStartedAt: iso(row.notice_started_at),
    contentHash,
    documents,
    missingKinds: missingDossierKinds(documents.map((d) => d.kind)),
    approvals: await approvalViews(db, "operator_application", row.id, contentHash),
    auditEvents: await auditEventViews(db, "operator_application", row.id),
    allowedActions,
    canEdit: isApplicant && row.status === "draft",
    noticeOver: row.notice_ends_at !== null && row.notice_ends_at.getTime() <= now.getTime(),
  };
}

/** One application in full, for the applicant organization, the regulator and auditors. */
export async function getApplication(
  db: TQueryable,
  actor: TSessionUser,
  applicationId: string,
  now: Date = new Date(),
): Promise<TApplicationDetail> {
  const { rows } = await db.query<TSummaryRow>(`${SUMMARY_SELECT} WHERE a.id = $1`, [applicationId]);
  const row = rows[0];
  if (!row) throw new DomainError("NOT_FOUND", "application not found");
  assertMayRead(actor, row.org_id);
  return detailOf(db, actor, row, now);
}

/** The actor's organization's open application (else its latest) in full, or null when it never applied. */
export async function myApplication(
  db: TQueryable,
  actor: TSessionUser,
  now: Date = new Date(),
): Promise<TApplicationDetail | null> {
  const { rows } = await db.query<TSummaryRow>(
    `${SUMMARY_SELECT} WHERE a.org_id = $1
      ORDER BY (a.status = ANY($2)) DESC, a.created_at DESC, a.id DESC LIMIT 1`,
    [actor.org.id, OPEN_APPLICATION_STATES],
  );
  return rows[0] ? detailOf(db, actor, rows[0], now) : null;
}

export interface TDocumentDownload extends TDocumentMeta {
  applicationId: string;
  contentBase64: string;
  /** The stored bytes still hash to the stored SHA-256. */
  sha256Matches: boolean;
}

/** A dossier document with its content, for the applicant organization, the regulator and auditors. */
export async function getDocument(
  db: TQueryable,
  actor: TSessionUser,
  documentId: string,
): Promise<TDocumentDownload> {
  const { rows } = await db.query<{
    id: string;
    application_id: string;
    org_id: string;
    kind: TDossierKind;
    file_name: string;
    media_type: string;
    size_bytes: number;
    sha256: string;
    content: Buffer;
    uploaded_at: Date;
    uploaded_by: string;
  }>(
    `SELECT d.id, d.application_id, a.org_id, d.kind, d.file_name, d.media_type, d.size_bytes, d.sha256,
            d.content, d.uploaded_at, u.display_name AS uploaded_by
       FROM operator_documents d
       JOIN operator_applications a ON a.id = d.application_id
       JOIN users u ON u.id = d.uploaded_by
      WHERE d.id = $1`,
    [documentId],
  );
  const r = rows[0];
  if (!r) throw new DomainError("NOT_FOUND", "document not found");
  assertMayRead(actor, r.org_id);
  return {
    id: r.id,
    applicationId: r.application_id,
    kind: r.kind,
    fileName: r.file_name,
    mediaType: r.media_type,
    sizeBytes: r.size_bytes,
    sha256: r.sha256,
    uploadedAt: r.uploaded_at.toISOString(),
    uploadedBy: r.uploaded_by,
    contentBase64: Buffer.from(r.content).toString("base64"),
    sha256Matches: sha256Hex(r.content) === r.sha256,
  };
}

export interface TOperatorSummary {
  org: TOrgRef;
  status: TOperatorStatus;
  applicationId: string | null;
  admittedAt: string;
  statusChangedAt: string;
  statusReason: string | null;
  /** Authorizations of the operator by status. */
  authorizations: { active: number; suspended: number; revoked: number; pending: number };
  allowedActions: TOperatorStatusAction[];
}

export interface TOperatorsOverview {
  /** Submitted applications (drafts stay with their applicant), newest first. */
  applications: TApplicationSummary[];
  operators: TOperatorSummary[];
}

/** The regulator's and auditors' view: applications by status and admitted operators. */
export async function listOperatorsOverview(
  db: TQueryable,
  actor: TSessionUser,
  filter: { applicationStatus?: TApplicationState } = {},
): Promise<TOperatorsOverview> {
  const params: unknown[] = [];
  let where = "WHERE a.submitted_at IS NOT NULL";
  if (filter.applicationStatus) {
    params.push(filter.applicationStatus);
    where += ` AND a.status = $${params.length}`;
  }
  const { rows: apps } = await db.query<TSummaryRow>(
    `${SUMMARY_SELECT} ${where} ORDER BY a.updated_at DESC, a.id LIMIT 200`,
    params,
  );
  const { rows: ops } = await db.query<{
    org_id: string;
    org_name: string;
    org_uscc: string | null;
    status: TOperatorStatus;
    application_id: string | null;
    admitted_at: Date;
    status_changed_at: Date;
    status_reason: string | null;
    active: string;
    suspended: string;
    revoked: string;
    pending: string;
  }>(
    `SELECT p.org_id, o.name AS org_name, o.uscc AS org_uscc, p.status, p.application_id, p.admitted_at,
            p.status_changed_at, p.status_reason,
            count(z.id) FILTER (WHERE z.status = 'active')::text AS active,
            count(z.id) FILTER (WHERE z.status = 'suspended')::text AS suspended,
            count(z.id) FILTER (WHERE z.status = 'revoked')::text AS revoked,
            count(z.id) FILTER (WHERE z.status = 'pending_approval')::text AS pending
       FROM operators p
       JOIN organizations o ON o.id = p.org_id
       LEFT JOIN authorizations z ON z.operator_org_id = p.org_id
      GROUP BY p.org_id, o.name, o.uscc
      ORDER BY o.name
      LIMIT 500`,
  );
  return {
    applications: apps.map(toSummary),
    operators: ops.map((r) => ({
      org: { id: r.org_id, name: r.org_name, uscc: r.org_uscc },
      status: r.status,
      applicationId: r.application_id,
      admittedAt: r.admitted_at.toISOString(),
      statusChangedAt: r.status_changed_at.toISOString(),
      statusReason: r.status_reason,
      authorizations: {
        active: Number(r.active),
        suspended: Number(r.suspended),
        revoked: Number(r.revoked),
        pending: Number(r.pending),
      },
      allowedActions: operatorStatusMachine.allowedActions(r.status, actor),
    })),
  };
}

export interface TMyOperatorStatus {
  org: { id: string; name: string };
  /** Null when the organization was never admitted. */
  status: TOperatorStatus | null;
  admittedAt: string | null;
  statusChangedAt: string | null;
  statusReason: string | null;
  /** The open application, if any. */
  openApplicationId: string | null;
  /** The organization may start an application now. */
  canApply: boolean;
  /** The organization may submit an annual report (admitted or rectifying). */
  canReport: boolean;
}

/** The actor's organization's standing as an operator. */
export async function myOperatorStatus(db: TQueryable, actor: TSessionUser): Promise<TMyOperatorStatus> {
  const { rows } = await db.query<{
    status: TOperatorStatus;
    admitted_at: Date;
    status_changed_at: Date;
    status_reason: string | null;
  }>("SELECT status, admitted_at, status_changed_at, status_reason FROM operators WHERE org_id = $1", [
    actor.org.id,
  ]);
  const { rows: open } = await db.query<{ id: string }>(
    "SELECT id FROM operator_applications WHERE org_id = $1 AND status = ANY($2) LIMIT 1",
    [actor.org.id, OPEN_APPLICATION_STATES],
  );
  const op = rows[0];
  const status = op?.status ?? null;
  return {
    org: { id: actor.org.id, name: actor.org.name },
    status,
    admittedAt: iso(op?.admitted_at ?? null),
    statusChangedAt: iso(op?.status_changed_at ?? null),
    statusReason: op?.status_reason ?? null,
    openApplicationId: open[0]?.id ?? null,
    canApply: actor.org.type === "operator" && !open[0] && (status === null || status === "terminated"),
    canReport: status === "admitted" || status === "rectifying",
  };
}

export interface TAnnualReportView {
  id: string;
  org: { id: string; name: string };
  year: number;
  status: TAnnualReportState;
  report: TAnnualReportContent;
  reportHash: string;
  /** The stored content still hashes to the stored report hash. */
  reportHashMatches: boolean;
  submittedAt: string;
  submittedBy: string;
  operatorStatus: TOperatorStatus | null;
  evaluation: {
    score: number;
    decision: TAnnualDecision;
    comment: string | null;
    evaluatedAt: string;
    approval: TApprovalView | null;
  } | null;
  allowedActions: "evaluate"[];
}

/** Annual reports: the operator's own; every report for the regulator and auditors. Newest first. */
export async function listAnnualReports(
  db: TQueryable,
  actor: TSessionUser,
  filter: { year?: number; status?: TAnnualReportState } = {},
): Promise<TAnnualReportView[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (actor.role === "operator") {
    params.push(actor.org.id);
    where.push(`r.org_id = $${params.length}`);
  } else if (actor.role !== "regulator" && actor.role !== "auditor") {
    throw new DomainError("FORBIDDEN", "your role may not read annual reports");
  }
  if (filter.year !== undefined) {
    params.push(filter.year);
    where.push(`r.year = $${params.length}`);
  }
  if (filter.status) {
    params.push(filter.status);
    where.push(`r.status = $${params.length}`);
  }
  const { rows } = await db.query<{
    id: string;
    org_id: string;
    org_name: string;
    year: number;
    status: TAnnualReportState;
    report: TAnnualReportContent;
    report_hash: string;
    score: number | null;
    decision: TAnnualDecision | null;
    evaluation_comment: string | null;
    approval_id: string | null;
    submitted_by: string;
    submitted_at: Date;
    evaluated_at: Date | null;
    operator_status: TOperatorStatus | null;
  }>(
    `SELECT r.id, r.org_id, o.name AS org_name, r.year, r.status, r.report, r.report_hash, r.score, r.decision,
            r.evaluation_comment, r.approval_id, u.display_name AS submitted_by, r.submitted_at, r.evaluated_at,
            p.status AS operator_status
       FROM operator_annual_reports r
       JOIN organizations o ON o.id = r.org_id
       JOIN users u ON u.id = r.submitted_by
       LEFT JOIN operators p ON p.org_id = r.org_id
      ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
      ORDER BY r.year DESC, r.submitted_at DESC
      LIMIT 500`,
    params,
  );
  const views: TAnnualReportView[] = [];
  for (const r of rows) {
    const evaluated = r.status === "evaluated" && r.score !== null && r.decision !== null;
    views.push({
      id: r.id,
      org: { id: r.org_id, name: r.org_name },
      year: r.year,
      status: r.status,
      report: r.report,
      reportHash: r.report_hash,
      reportHashMatches: annualReportHash(r.org_id, r.year, r.report) === r.report_hash,
      submittedAt: r.submitted_at.toISOString(),
      submittedBy: r.submitted_by,
      operatorStatus: r.operator_status,
      evaluation:
        evaluated && r.score !== null && r.decision !== null
          ? {
              score: r.score,
              decision: r.decision,
              comment: r.evaluation_comment,
              evaluatedAt: (r.evaluated_at ?? r.submitted_at).toISOString(),
              approval: r.approval_id
                ? await approvalView(db, r.approval_id, evaluationHash(r.report_hash, r.score, r.decision))
                : null,
            }
          : null,
      allowedActions: annualReportMachine.allowedActions(r.status, actor),
    });
  }
  return views;
}
