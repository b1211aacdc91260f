/**
 * The standing of admitted operators (table `operators`): the regulator rectifies, suspends,
 * restores or terminates an operator, directly with a reason (signed) or through an annual
 * evaluation. The status change, the cascade onto the operator's authorizations, their chain
 * writes and every audit event happen in one transaction.
 */
import { canonicalJson } from "@pdx/common/canonical-json";
import { sha256Hex } from "@pdx/common/hash";
import type { TDb, TQueryable } from "../../db";
import type { TSessionUser } from "../auth/session-user";
import { DomainError } from "../domain-error";
import { signApproval } from "../signing/approvals";
import type { TKeyring } from "../signing/keyring";
import { appendAuditEvent } from "../trail/audit-trail";
import { cascadeOperatorStatus, type TCascadeEffect, type TCascadeResult } from "./authorization-cascade";
import { operatorStatusMachine, type TOperatorStatus, type TOperatorStatusAction } from "./operator-machines";

export interface TOperatorRow {
  org_id: string;
  status: TOperatorStatus;
  application_id: string | null;
  admitted_at: Date;
  status_changed_at: Date;
  status_reason: string | null;
}

/** Locks and returns the operator row of `orgId`; NOT_FOUND when the organization was never admitted. */
export async function lockOperator(tx: TQueryable, orgId: string): Promise<TOperatorRow> {
  const { rows } = await tx.query<TOperatorRow>(
    `SELECT org_id, status, application_id, admitted_at, status_changed_at, status_reason
       FROM operators WHERE org_id = $1 FOR UPDATE`,
    [orgId],
  );
  if (!rows[0])
    throw new DomainError(
      "NOT_FOUND",
      "该单位不是准入运营单位 / this organization is not an admitted operator",
    );
  return rows[0];
}

export interface TStatusChangeResult {
  orgId: string;
  from: TOperatorStatus;
  to: TOperatorStatus;
  cascade: TCascadeResult;
}

/**
 * Moves a locked operator row by `action` inside `tx`: the machine decides the new status, the
 * cascade updates the authorizations, and an "operator.<action>" audit event is written.
 */
export async function applyOperatorStatusAction(
  tx: TQueryable,
  actor: Pick<TSessionUser, "id" | "org" | "role" | "isOrgAdmin">,
  operator: TOperatorRow,
  input: {
    action: TOperatorStatusAction;
    reason: string;
    approvalId: string | null;
    cause: "direct" | "annual_evaluation";
  },
  now: Date,
): Promise<TStatusChangeResult> {
  const from = operator.status;
  const to = operatorStatusMachine.next(from, input.action, actor);
  await tx.query(
    "UPDATE operators SET status = $2, status_changed_at = $3, status_reason = $4 WHERE org_id = $1",
    [operator.org_id, to, now, input.reason.slice(0, 2000)],
  );
  const effect: TCascadeEffect | null =
    input.action === "suspend"
      ? "suspend"
      : input.action === "terminate"
        ? "terminate"
        : input.action === "restore" && from === "suspended"
          ? "restore"
          : null;
  const cascade = effect
    ? await cascadeOperatorStatus(tx, {
        actor,
        operatorOrgId: operator.org_id,
        effect,
        approvalId: input.approvalId,
        now,
      })
    : { chainWrites: 0, suspended: [], activated: [], expired: [], revoked: [], rejected: [] };
  await appendAuditEvent(
    tx,
    {
      actor,
      action: `operator.${input.action}`,
      objectType: "operator",
      objectId: operator.org_id,
      before: { status: from, statusReason: operator.status_reason },
      after: { status: to, statusReason: input.reason },
      approvalId: input.approvalId,
      detail: {
        cause: input.cause,
        authorizationsSuspended: cascade.suspended.length,
        authorizationsRestored: cascade.activated.length,
        authorizationsRevoked: cascade.revoked.length,
        authorizationsRejected: cascade.rejected.length,
      },
    },
    now,
  );
  return { orgId: operator.org_id, from, to, cascade };
}

/** SHA-256 of what a direct status change signs: the operator, the change and its reason. */
export function statusChangeHash(input: {
  orgId: string;
  from: TOperatorStatus;
  to: TOperatorStatus;
  action: TOperatorStatusAction;
  reason: string;
}): string {
  return sha256Hex(canonicalJson(input));
}

export interface TOperatorStatusDeps {
  db: TDb;
  keyring: TKeyring;
  now?: () => Date;
}

/**
 * The regulator changes an operator's status directly, with a reason, signing the change
 * (approval subject "operator_status", step = the action).
 */
export async function changeOperatorStatus(
  deps: TOperatorStatusDeps,
  actor: TSessionUser,
  input: { orgId: string; action: TOperatorStatusAction; reason: string },
): Promise<TStatusChangeResult> {
  const reason = input.reason.trim();
  if (!reason) throw new DomainError("INVALID_INPUT", "请填写原因 / a reason is required");
  const now = deps.now?.() ?? new Date();
  return deps.db.withTransaction(async (tx) => {
    const operator = await lockOperator(tx, input.orgId);
    // Ask the machine before signing, so nothing is signed for a refused change.
    const to = operatorStatusMachine.next(operator.status, input.action, actor);
    const approval = await signApproval(
      tx,
      deps.keyring,
      actor,
      {
        subjectType: "operator_status",
        subjectId: operator.org_id,
        subjectHash: statusChangeHash({
          orgId: operator.org_id,
          from: operator.status,
          to,
          action: input.action,
          reason,
        }),
        step: input.action,
        decision: "approve",
        comment: reason,
      },
      now,
    );
    return applyOperatorStatusAction(
      tx,
      actor,
      operator,
      { action: input.action, reason, approvalId: approval.id, cause: "direct" },
      now,
    );
  });
}
