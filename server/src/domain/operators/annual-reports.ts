/**
 * Annual reports and evaluation (运营年度评估): an admitted (or rectifying) operator reports once
 * per year; the regulator scores the report (0–100) and decides — continue, rectify, suspend or
 * terminate — signing the evaluation. The decision is applied to the operator's status (and from
 * there to its authorizations) in the same transaction.
 */
import { randomUUID } from "node:crypto";
import { canonicalJson } from "@pdx/common/canonical-json";
import { sha256Hex } from "@pdx/common/hash";
import { z } from "zod";
import { DbError, type TDb, type TQueryable } from "../../db";
import type { TSessionUser } from "../auth/session-user";
import { DomainError } from "../domain-error";
import { signApproval } from "../signing/approvals";
import type { TKeyring } from "../signing/keyring";
import { appendAuditEvent } from "../trail/audit-trail";
import {
  annualReportMachine,
  operatorStatusMachine,
  STATUS_AFTER_DECISION,
  statusActionTowards,
  type TAnnualDecision,
  type TAnnualReportState,
} from "./operator-machines";
import { applyOperatorStatusAction, lockOperator, type TStatusChangeResult } from "./operator-status";

/** What an operator reports for a year. */
export const ZAnnualReportContent = z
  .object({
    productsCount: z.number().int().min(0).max(1_000_000),
    scenariosCount: z.number().int().min(0).max(1_000_000),
    /** Operating revenue from public-data products, in yuan. */
    revenueCny: z.number().min(0).max(1e13),
    buyersCount: z.number().int().min(0).max(10_000_000),
    securityIncidents: z.number().int().min(0).max(100_000),
    /** Required when there were incidents. */
    incidentSummary: z.string().trim().max(4000),
    complianceStatement: z.string().trim().min(1).max(4000),
  })
  .strict()
  .refine((r) => r.securityIncidents === 0 || r.incidentSummary.length > 0, {
    path: ["incidentSummary"],
    message: "describe the security incidents",
  });
export type TAnnualReportContent = z.infer<typeof ZAnnualReportContent>;

export interface TAnnualReportDeps {
  db: TDb;
  keyring: TKeyring;
  now?: () => Date;
}

/** SHA-256 of a report as submitted (organization, year, content). */
export function annualReportHash(orgId: string, year: number, report: TAnnualReportContent): string {
  return sha256Hex(canonicalJson({ orgId, year, report }));
}

/** SHA-256 of what an evaluation signs: the report's hash, the score and the decision. */
export function evaluationHash(reportHash: string, score: number, decision: TAnnualDecision): string {
  return sha256Hex(canonicalJson({ reportHash, score, decision }));
}

/** The operator's report for `year`; once per year, only while admitted or rectifying. */
export async function submitAnnualReport(
  deps: TAnnualReportDeps,
  actor: TSessionUser,
  input: { year: number; report: TAnnualReportContent },
): Promise<{ id: string; status: TAnnualReportState }> {
  const now = deps.now?.() ?? new Date();
  if (input.year > now.getUTCFullYear()) {
    throw new DomainError("INVALID_INPUT", "不能提交未来年度的报告 / the year has not begun yet");
  }
  if (actor.role !== "operator") throw new DomainError("FORBIDDEN", "only operators submit annual reports");
  const id = randomUUID();
  const orgId = actor.org.id;
  const reportHash = annualReportHash(orgId, input.year, input.report);
  try {
    return await deps.db.withTransaction(async (tx) => {
      const { rows: standing } = await tx.query<{ status: string }>(
        "SELECT status FROM operators WHERE org_id = $1 FOR UPDATE",
        [orgId],
      );
      const status = standing[0]?.status;
      if (!status) {
        throw new DomainError(
          "PRECONDITION_FAILED",
          "本单位尚未准入，无需提交年度报告 / your organization is not an admitted operator",
        );
      }
      if (status !== "admitted" && status !== "rectifying") {
        throw new DomainError(
          "INVALID_STATE",
          `cannot submit an annual report while the operator is ${status}`,
        );
      }
      const { rows: existing } = await tx.query<{ id: string }>(
        "SELECT id FROM operator_annual_reports WHERE org_id = $1 AND year = $2",
        [orgId, input.year],
      );
      if (existing[0]) throw duplicateReport(input.year);
      await tx.query(
        `INSERT INTO operator_annual_reports (id, org_id, year, status, report, report_hash, submitted_by, submitted_at)
         VALUES ($1, $2, $3, 'submitted', $4, $5, $6, $7)`,
        [id, orgId, input.year, JSON.stringify(input.report), reportHash, actor.id, now],
      );
      await appendAuditEvent(
        tx,
        {
          actor,
          action: "annual_report.submit",
          objectType: "annual_report",
          objectId: id,
          before: null,
          after: { status: "submitted", reportHash },
          detail: { orgId, year: input.year },
        },
        now,
      );
      return { id, status: "submitted" as const };
    });
  } catch (err) {
    if (err instanceof DbError && err.code === "UNIQUE_VIOLATION") throw duplicateReport(input.year);
    throw err;
  }
}

function duplicateReport(year: number): DomainError {
  return new DomainError(
    "CONFLICT",
    `${year} 年度报告已提交 / the annual report for ${year} has already been submitted`,
  );
}

interface TReportRow {
  id: string;
  org_id: string;
  year: number;
  status: TAnnualReportState;
  report_hash: string;
}

async function lockReport(tx: TQueryable, reportId: string): Promise<TReportRow> {
  const { rows } = await tx.query<TReportRow>(
    "SELECT id, org_id, year, status, report_hash FROM operator_annual_reports WHERE id = $1 FOR UPDATE",
    [reportId],
  );
  if (!rows[0]) throw new DomainError("NOT_FOUND", "annual report not found");
  return rows[0];
}

export interface TEvaluationResult {
  id: string;
  status: TAnnualReportState;
  approvalId: string;
  /** The operator status change the decision caused, or null when the status stays. */
  statusChange: TStatusChangeResult | null;
}

/**
 * The regulator's evaluation of a submitted report, signed; the decision moves the operator to
 * the status it names (continue → admitted, rectify → rectifying, …) when it is not there yet.
 * An adverse decision (anything but continue) needs a comment.
 */
export async function evaluateAnnualReport(
  deps: TAnnualReportDeps,
  actor: TSessionUser,
  input: { reportId: string; score: number; decision: TAnnualDecision; comment: string },
): Promise<TEvaluationResult> {
  const now = deps.now?.() ?? new Date();
  const comment = input.comment.trim();
  if (input.decision !== "continue" && !comment) {
    throw new DomainError(
      "INVALID_INPUT",
      "整改、暂停或终止须说明理由 / rectify, suspend and terminate need a comment",
    );
  }
  return deps.db.withTransaction(async (tx) => {
    const report = await lockReport(tx, input.reportId);
    const to = annualReportMachine.next(report.status, "evaluate", actor);
    const operator = await lockOperator(tx, report.org_id);
    const statusAction = statusActionTowards(operator.status, STATUS_AFTER_DECISION[input.decision]);
    // Refuse before signing when the decision cannot apply (e.g. to a terminated operator).
    if (statusAction) operatorStatusMachine.next(operator.status, statusAction, actor);
    const approval = await signApproval(
      tx,
      deps.keyring,
      actor,
      {
        subjectType: "annual_report",
        subjectId: report.id,
        subjectHash: evaluationHash(report.report_hash, input.score, input.decision),
        step: "evaluation",
        decision: input.decision === "continue" ? "approve" : "reject",
        comment,
      },
      now,
    );
    await tx.query(
      `UPDATE operator_annual_reports SET status = $2, score = $3, decision = $4, evaluation_comment = $5,
         approval_id = $6, evaluated_at = $7 WHERE id = $1`,
      [report.id, to, input.score, input.decision, comment || null, approval.id, now],
    );
    await appendAuditEvent(
      tx,
      {
        actor,
        action: "annual_report.evaluate",
        objectType: "annual_report",
        objectId: report.id,
        before: { status: report.status, reportHash: report.report_hash },
        after: { status: to, reportHash: report.report_hash, score: input.score, decision: input.decision },
        approvalId: approval.id,
        detail: { orgId: report.org_id, year: report.year, score: input.score, decision: input.decision },
      },
      now,
    );
    const statusChange = statusAction
      ? await applyOperatorStatusAction(
          tx,
          actor,
          operator,
          {
            action: statusAction,
            reason:
              comment ||
              `${report.year} 年度评估：${input.decision} / annual evaluation ${report.year}: ${input.decision}`,
            approvalId: approval.id,
            cause: "annual_evaluation",
          },
          now,
        )
      : null;
    return { id: report.id, status: to, approvalId: approval.id, statusChange };
  });
}
