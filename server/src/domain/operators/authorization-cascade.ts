/**
 * What an operator's status does to its authorizations, inside the transaction that changes the
 * operator's status (so both change together or not at all):
 *
 * - suspend: every ACTIVE authorization → suspended, marked `suspended_by_operator_status` (so a
 *   later restore knows which suspensions were the operator's and leaves the regulator's own
 *   suspensions of single authorizations alone); chain status "suspended".
 * - restore (from suspended): only the authorizations marked above → active again; chain status
 *   "active". One whose term ended meanwhile becomes expired instead (the chain refuses it by
 *   time anyway, so no chain write).
 * - terminate: every active or suspended authorization → revoked (final; chain status "revoked").
 *   Pending applications (pending_approval) → rejected: they were never granted nor recorded on
 *   chain, so "revoked" would claim a grant that never happened; no chain write.
 *
 * Every changed authorization gets its own audit event and (where it is on chain) a chain write
 * authorization.status (subject = the authorization id, payload {status}), queued in the same
 * transaction.
 */
import type { TQueryable } from "../../db";
import type { TSessionUser } from "../auth/session-user";
import { enqueueChainWrite } from "../chain-writes/outbox";
import { appendAuditEvent } from "../trail/audit-trail";

/** status_reason of authorizations suspended because their operator was suspended. */
export const OPERATOR_SUSPENDED_REASON = "operator_suspended";
/** status_reason of authorizations revoked or rejected because their operator was terminated. */
export const OPERATOR_TERMINATED_REASON = "operator_terminated";

export type TCascadeEffect = "suspend" | "restore" | "terminate";

export interface TCascadeInput {
  actor: Pick<TSessionUser, "id" | "org"> | null;
  operatorOrgId: string;
  effect: TCascadeEffect;
  /** The signed approval behind the operator's status change, if any. */
  approvalId?: string | null;
  now: Date;
}

export interface TCascadeResult {
  /** Chain writes queued. */
  chainWrites: number;
  /** Authorization ids per new status. */
  suspended: string[];
  activated: string[];
  expired: string[];
  revoked: string[];
  rejected: string[];
}

interface TAuthorizationRow {
  id: string;
  status: "pending_approval" | "active" | "suspended" | "revoked" | "expired" | "rejected";
  suspended_by_operator_status: boolean;
  status_reason: string | null;
  valid_until: Date;
}

type TNewStatus = "suspended" | "active" | "expired" | "revoked" | "rejected";

/** Applies `effect` to the operator's authorizations inside `tx`. */
export async function cascadeOperatorStatus(tx: TQueryable, input: TCascadeInput): Promise<TCascadeResult> {
  const result: TCascadeResult = {
    chainWrites: 0,
    suspended: [],
    activated: [],
    expired: [],
    revoked: [],
    rejected: [],
  };
  const statuses =
    input.effect === "suspend"
      ? ["active"]
      : input.effect === "restore"
        ? ["suspended"]
        : ["active", "suspended", "pending_approval"];
  const { rows } = await tx.query<TAuthorizationRow>(
    `SELECT id, status, suspended_by_operator_status, status_reason, valid_until
       FROM authorizations
      WHERE operator_org_id = $1 AND status = ANY($2)
      ORDER BY created_at, id
      FOR UPDATE`,
    [input.operatorOrgId, statuses],
  );
  for (const row of rows) {
    const change = changeFor(row, input);
    if (!change) continue;
    await tx.query(
      `UPDATE authorizations
          SET status = $2, suspended_by_operator_status = $3, status_reason = $4, updated_at = $5
        WHERE id = $1`,
      [row.id, change.status, change.flag, change.reason, input.now],
    );
    if (change.chainStatus) {
      await enqueueChainWrite(tx, {
        kind: "authorization.status",
        subjectId: row.id,
        payload: { status: change.chainStatus },
      });
      result.chainWrites++;
    }
    await appendAuditEvent(
      tx,
      {
        actor: input.actor,
        action: `authorization.${change.verb}`,
        objectType: "authorization",
        objectId: row.id,
        before: snapshot(row.status, row.suspended_by_operator_status, row.status_reason),
        after: snapshot(change.status, change.flag, change.reason),
        approvalId: input.approvalId ?? null,
        detail: { cause: `operator.${input.effect}`, operatorOrgId: input.operatorOrgId },
      },
      input.now,
    );
    const bucket = {
      suspended: result.suspended,
      active: result.activated,
      expired: result.expired,
      revoked: result.revoked,
      rejected: result.rejected,
    }[change.status];
    bucket.push(row.id);
  }
  return result;
}

interface TChange {
  status: TNewStatus;
  flag: boolean;
  reason: string | null;
  verb: "suspend" | "resume" | "expire" | "revoke" | "reject";
  chainStatus: "active" | "suspended" | "revoked" | null;
}

function changeFor(row: TAuthorizationRow, input: TCascadeInput): TChange | null {
  switch (input.effect) {
    case "suspend":
      return {
        status: "suspended",
        flag: true,
        reason: OPERATOR_SUSPENDED_REASON,
        verb: "suspend",
        chainStatus: "suspended",
      };
    case "restore":
      // A suspension the regulator made on this authorization alone stays.
      if (!row.suspended_by_operator_status) return null;
      if (row.valid_until.getTime() <= input.now.getTime()) {
        return { status: "expired", flag: false, reason: "term_ended", verb: "expire", chainStatus: null };
      }
      return { status: "active", flag: false, reason: null, verb: "resume", chainStatus: "active" };
    case "terminate":
      if (row.status === "pending_approval") {
        return {
          status: "rejected",
          flag: false,
          reason: OPERATOR_TERMINATED_REASON,
          verb: "reject",
          chainStatus: null,
        };
      }
      return {
        status: "revoked",
        flag: false,
        reason: OPERATOR_TERMINATED_REASON,
        verb: "revoke",
        chainStatus: "revoked",
      };
  }
}

const snapshot = (status: string, suspendedByOperatorStatus: boolean, statusReason: string | null) => ({
  status,
  suspendedByOperatorStatus,
  statusReason,
});
