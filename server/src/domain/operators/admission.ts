/**
 * Operator admission (准入): an operator organization drafts an application (statement + five
 * dossier documents), submits it; the regulator pre-reviews, expert-reviews and approves it (each
 * signed over the application's content hash), which opens the public notice (公示); after the
 * notice period the regulator admits it, creating or renewing the `operators` row. The regulator
 * may reject (signed, with a reason) at any step before admission; the applicant may withdraw a
 * draft. Every change is one transaction with its audit event.
 */
import { randomUUID } from "node:crypto";
import { sha256Hex } from "@pdx/common/hash";
import { DbError, type TDb, type TQueryable } from "../../db";
import type { TSessionUser } from "../auth/session-user";
import { DomainError } from "../domain-error";
import { signApproval } from "../signing/approvals";
import type { TKeyring } from "../signing/keyring";
import { appendAuditEvent } from "../trail/audit-trail";
import {
  applicationContentHash,
  decodeDocumentContent,
  missingDossierKinds,
  missingKindsMessage,
  type TDocumentMediaType,
  type TDossierKind,
  type TOperatorStatement,
} from "./dossier";
import {
  applicationMachine,
  isSignedApplicationAction,
  OPEN_APPLICATION_STATES,
  type TApplicationAction,
  type TApplicationState,
} from "./operator-machines";

export interface TAdmissionDeps {
  db: TDb;
  keyring: TKeyring;
  /** Length of the public notice in days (0 ends it at once). */
  publicNoticeDays: number;
  now?: () => Date;
}

export interface TApplicationRow {
  id: string;
  org_id: string;
  status: TApplicationState;
  statement: TOperatorStatement;
  reason: string | null;
  submitted_at: Date | null;
  notice_started_at: Date | null;
  notice_ends_at: Date | null;
  decided_at: Date | null;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

export const APPLICATION_COLUMNS = `a.id, a.org_id, a.status, a.statement, a.reason, a.submitted_at,
  a.notice_started_at, a.notice_ends_at, a.decided_at, a.created_by, a.created_at, a.updated_at`;

const DAY_MS = 86_400_000;

/** Locks and returns an application; NOT_FOUND when there is none. */
export async function lockApplication(tx: TQueryable, applicationId: string): Promise<TApplicationRow> {
  const { rows } = await tx.query<TApplicationRow>(
    `SELECT ${APPLICATION_COLUMNS} FROM operator_applications a WHERE a.id = $1 FOR UPDATE`,
    [applicationId],
  );
  if (!rows[0]) throw new DomainError("NOT_FOUND", "application not found");
  return rows[0];
}

/** The application's documents' kinds and hashes (what its content hash covers). */
export async function documentHashesOf(
  db: TQueryable,
  applicationId: string,
): Promise<{ kind: TDossierKind; sha256: string }[]> {
  const { rows } = await db.query<{ kind: TDossierKind; sha256: string }>(
    "SELECT kind, sha256 FROM operator_documents WHERE application_id = $1 ORDER BY kind, sha256",
    [applicationId],
  );
  return rows;
}

/** The current content hash of an application (statement + documents). */
export async function currentContentHash(db: TQueryable, app: Pick<TApplicationRow, "id" | "statement">) {
  return applicationContentHash(app.statement, await documentHashesOf(db, app.id));
}

function assertApplicant(actor: TSessionUser, app: TApplicationRow): void {
  if (actor.role !== "operator" || actor.org.id !== app.org_id) {
    throw new DomainError("FORBIDDEN", "this application belongs to another organization");
  }
}

function assertDraft(app: TApplicationRow, what: string): void {
  if (app.status !== "draft") {
    throw new DomainError(
      "INVALID_STATE",
      `申请已提交，不能再修改${what} / the ${what === "材料" ? "documents" : "statement"} can only be changed while the application is a draft`,
    );
  }
}

const snapshotOf = (app: Pick<TApplicationRow, "status">, contentHash: string) => ({
  status: app.status,
  contentHash,
});

/**
 * Starts an application for the actor's organization. Only operator organizations apply; one
 * open application per organization; an operator that is admitted (and not terminated) does not
 * apply again.
 */
export async function createApplication(
  deps: TAdmissionDeps,
  actor: TSessionUser,
  input: { statement: TOperatorStatement },
): Promise<{ id: string; status: TApplicationState }> {
  if (actor.org.type !== "operator" || actor.role !== "operator") {
    throw new DomainError(
      "FORBIDDEN",
      "只有运营单位可以申请准入 / only operator organizations apply for admission",
    );
  }
  const now = deps.now?.() ?? new Date();
  const id = randomUUID();
  try {
    await deps.db.withTransaction(async (tx) => {
      const { rows: standing } = await tx.query<{ status: string }>(
        "SELECT status FROM operators WHERE org_id = $1",
        [actor.org.id],
      );
      if (standing[0] && standing[0].status !== "terminated") {
        throw new DomainError(
          "CONFLICT",
          "本单位已是准入运营单位，无需再次申请 / your organization is already an admitted operator",
        );
      }
      const { rows: open } = await tx.query<{ id: string; status: string }>(
        "SELECT id, status FROM operator_applications WHERE org_id = $1 AND status = ANY($2)",
        [actor.org.id, OPEN_APPLICATION_STATES],
      );
      if (open[0]) throw openApplicationConflict(open[0].id);
      await tx.query(
        `INSERT INTO operator_applications (id, org_id, status, statement, created_by, created_at, updated_at)
         VALUES ($1, $2, 'draft', $3, $4, $5, $5)`,
        [id, actor.org.id, JSON.stringify(input.statement), actor.id, now],
      );
      await appendAuditEvent(
        tx,
        {
          actor,
          action: "operator_application.create",
          objectType: "operator_application",
          objectId: id,
          before: null,
          after: snapshotOf({ status: "draft" }, applicationContentHash(input.statement, [])),
          detail: { orgId: actor.org.id },
        },
        now,
      );
    });
  } catch (err) {
    // Two drafts started at once: the partial unique index refuses the second.
    if (err instanceof DbError && err.code === "UNIQUE_VIOLATION") throw openApplicationConflict(null);
    throw err;
  }
  return { id, status: "draft" };
}

function openApplicationConflict(existingId: string | null): DomainError {
  return new DomainError(
    "CONFLICT",
    `本单位已有一份办理中的准入申请${existingId ? `（${existingId}）` : ""} / your organization already has an open application${existingId ? ` (${existingId})` : ""}`,
  );
}

/** Replaces the statement of a draft application. */
export async function updateStatement(
  deps: TAdmissionDeps,
  actor: TSessionUser,
  input: { applicationId: string; statement: TOperatorStatement },
): Promise<{ id: string; status: TApplicationState }> {
  const now = deps.now?.() ?? new Date();
  return deps.db.withTransaction(async (tx) => {
    const app = await lockApplication(tx, input.applicationId);
    assertApplicant(actor, app);
    assertDraft(app, "申请说明");
    const docs = await documentHashesOf(tx, app.id);
    await tx.query("UPDATE operator_applications SET statement = $2, updated_at = $3 WHERE id = $1", [
      app.id,
      JSON.stringify(input.statement),
      now,
    ]);
    await appendAuditEvent(
      tx,
      {
        actor,
        action: "operator_application.update_statement",
        objectType: "operator_application",
        objectId: app.id,
        before: snapshotOf(app, applicationContentHash(app.statement, docs)),
        after: snapshotOf(app, applicationContentHash(input.statement, docs)),
      },
      now,
    );
    return { id: app.id, status: app.status };
  });
}

export interface TUploadDocumentInput {
  applicationId: string;
  kind: TDossierKind;
  fileName: string;
  mediaType: TDocumentMediaType;
  contentBase64: string;
}

export interface TDocumentMeta {
  id: string;
  kind: TDossierKind;
  fileName: string;
  mediaType: string;
  sizeBytes: number;
  sha256: string;
  uploadedAt: string;
  uploadedBy: string;
}

/**
 * Stores a dossier document (bytes + SHA-256) of a draft application; a document of the same
 * kind is replaced.
 */
export async function uploadDocument(
  deps: TAdmissionDeps,
  actor: TSessionUser,
  input: TUploadDocumentInput,
): Promise<TDocumentMeta> {
  const bytes = decodeDocumentContent(input.contentBase64, input.mediaType);
  const sha256 = sha256Hex(bytes);
  const now = deps.now?.() ?? new Date();
  const id = randomUUID();
  return deps.db.withTransaction(async (tx) => {
    const app = await lockApplication(tx, input.applicationId);
    assertApplicant(actor, app);
    assertDraft(app, "材料");
    const before = await documentHashesOf(tx, app.id);
    const replaced = await tx.query(
      "DELETE FROM operator_documents WHERE application_id = $1 AND kind = $2",
      [app.id, input.kind],
    );
    await tx.query(
      `INSERT INTO operator_documents (id, application_id, kind, file_name, media_type, size_bytes, sha256,
         content, uploaded_by, uploaded_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [id, app.id, input.kind, input.fileName, input.mediaType, bytes.length, sha256, bytes, actor.id, now],
    );
    const after = await documentHashesOf(tx, app.id);
    await tx.query("UPDATE operator_applications SET updated_at = $2 WHERE id = $1", [app.id, now]);
    await appendAuditEvent(
      tx,
      {
        actor,
        action: "operator_application.upload_document",
        objectType: "operator_application",
        objectId: app.id,
        before: snapshotOf(app, applicationContentHash(app.statement, before)),
        after: snapshotOf(app, applicationContentHash(app.statement, after)),
        detail: { kind: input.kind, sha256, sizeBytes: bytes.length, replaced: replaced.rowCount > 0 },
      },
      now,
    );
    return {
      id,
      kind: input.kind,
      fileName: input.fileName,
      mediaType: input.mediaType,
      sizeBytes: bytes.length,
      sha256,
      uploadedAt: now.toISOString(),
      uploadedBy: actor.displayName,
    };
  });
}

export interface TTransitionResult {
  id: string;
  status: TApplicationState;
  /** The signed approval of this step, when it is a signed step. */
  approvalId: string | null;
}

/**
 * Takes `action` on an application: submit and withdraw by the applicant; pre_review,
 * expert_review, approve and reject (signed) and admit by the regulator.
 */
export async function transitionApplication(
  deps: TAdmissionDeps,
  actor: TSessionUser,
  input: { applicationId: string; action: TApplicationAction; comment?: string },
): Promise<TTransitionResult> {
  const now = deps.now?.() ?? new Date();
  const comment = (input.comment ?? "").trim();
  return deps.db.withTransaction(async (tx) => {
    const app = await lockApplication(tx, input.applicationId);
    if (input.action === "submit" || input.action === "withdraw") assertApplicant(actor, app);
    const to = applicationMachine.next(app.status, input.action, actor);
    const documents = await documentHashesOf(tx, app.id);
    const contentHash = applicationContentHash(app.statement, documents);

    if (input.action === "submit") {
      const missing = missingDossierKinds(documents.map((d) => d.kind));
      if (missing.length > 0) throw new DomainError("PRECONDITION_FAILED", missingKindsMessage(missing));
    }
    if (input.action === "admit" && app.notice_ends_at && app.notice_ends_at.getTime() > now.getTime()) {
      throw new DomainError(
        "PRECONDITION_FAILED",
        `公示期未满，${app.notice_ends_at.toISOString()} 后方可准入 / the public notice period ends at ${app.notice_ends_at.toISOString()}`,
      );
    }
    if (input.action === "reject" && !comment) {
      throw new DomainError("INVALID_INPUT", "请填写驳回原因 / a rejection needs a reason");
    }

    let approvalId: string | null = null;
    if (isSignedApplicationAction(input.action)) {
      const approval = await signApproval(
        tx,
        deps.keyring,
        actor,
        {
          subjectType: "operator_application",
          subjectId: app.id,
          subjectHash: contentHash,
          step: input.action,
          decision: input.action === "reject" ? "reject" : "approve",
          comment,
        },
        now,
      );
      approvalId = approval.id;
    }

    const noticeEndsAt = new Date(now.getTime() + deps.publicNoticeDays * DAY_MS);
    await tx.query(
      `UPDATE operator_applications SET status = $2, updated_at = $3,
         submitted_at = CASE WHEN $4 THEN $3 ELSE submitted_at END,
         notice_started_at = CASE WHEN $5 THEN $3 ELSE notice_started_at END,
         notice_ends_at = CASE WHEN $5 THEN $6 ELSE notice_ends_at END,
         decided_at = CASE WHEN $7 THEN $3 ELSE decided_at END,
         reason = CASE WHEN $8 THEN $9 ELSE reason END
       WHERE id = $1`,
      [
        app.id,
        to,
        now,
        input.action === "submit",
        input.action === "approve",
        noticeEndsAt,
        to === "admitted" || to === "rejected" || to === "withdrawn",
        input.action === "reject",
        comment || null,
      ],
    );
    await appendAuditEvent(
      tx,
      {
        actor,
        action: `operator_application.${input.action}`,
        objectType: "operator_application",
        objectId: app.id,
        before: snapshotOf(app, contentHash),
        after: snapshotOf({ status: to }, contentHash),
        approvalId,
        detail: {
          orgId: app.org_id,
          ...(input.action === "approve" ? { noticeEndsAt: noticeEndsAt.toISOString() } : {}),
        },
      },
      now,
    );
    if (to === "admitted") await admitOperator(tx, actor, app, now);
    return { id: app.id, status: to, approvalId };
  });
}

/** Creates the operator row of an admitted application, or renews a terminated operator's row. */
async function admitOperator(
  tx: TQueryable,
  actor: TSessionUser,
  app: TApplicationRow,
  now: Date,
): Promise<void> {
  const { rows: previous } = await tx.query<{ status: string; application_id: string | null }>(
    "SELECT status, application_id FROM operators WHERE org_id = $1 FOR UPDATE",
    [app.org_id],
  );
  if (previous[0] && previous[0].status !== "terminated") {
    throw new DomainError(
      "CONFLICT",
      "该单位已是准入运营单位 / this organization is already an admitted operator",
    );
  }
  await tx.query(
    `INSERT INTO operators (org_id, status, application_id, admitted_at, status_changed_at, status_reason)
     VALUES ($1, 'admitted', $2, $3, $3, NULL)
     ON CONFLICT (org_id) DO UPDATE SET status = 'admitted', application_id = EXCLUDED.application_id,
       admitted_at = EXCLUDED.admitted_at, status_changed_at = EXCLUDED.status_changed_at, status_reason = NULL`,
    [app.org_id, app.id, now],
  );
  await appendAuditEvent(
    tx,
    {
      actor,
      action: "operator.admit",
      objectType: "operator",
      objectId: app.org_id,
      before: previous[0] ? { status: previous[0].status, applicationId: previous[0].application_id } : null,
      after: { status: "admitted", applicationId: app.id },
      detail: { applicationId: app.id },
    },
    now,
  );
}
