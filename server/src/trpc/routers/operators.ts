/** operators.*: operator admission, annual reports and evaluation, operator status. */
import { flushChainWrites } from "../../domain/chain-writes/outbox";
import {
  createApplication,
  transitionApplication,
  updateStatement,
  uploadDocument,
} from "../../domain/operators/admission";
import { evaluateAnnualReport, submitAnnualReport } from "../../domain/operators/annual-reports";
import {
  getApplication,
  getDocument,
  listAnnualReports,
  listOperatorsOverview,
  myApplication,
  myOperatorStatus,
} from "../../domain/operators/operator-queries";
import { changeOperatorStatus, type TStatusChangeResult } from "../../domain/operators/operator-status";
import type { TServerDeps } from "../context";
import { nowOf } from "../context";
import {
  ZAnnualReportRef,
  ZAnnualReportView,
  ZApplicationDetail,
  ZApplicationIdInput,
  ZApplicationRef,
  ZChangeOperatorStatusInput,
  ZCreateApplicationInput,
  ZDocumentDownload,
  ZDocumentIdInput,
  ZDocumentMeta,
  ZEvaluateAnnualReportInput,
  ZEvaluationOutput,
  ZListAnnualReportsInput,
  ZListOperatorsInput,
  ZMyOperatorStatus,
  ZOperatorsOverview,
  ZReviewApplicationInput,
  ZStatusChangeOutput,
  ZSubmitAnnualReportInput,
  ZTransitionOutput,
  ZUpdateStatementInput,
  ZUploadDocumentInput,
} from "../schemas/operators";
import { router, userProcedure } from "../trpc";

/** A status change as the API reports it. */
function statusChangeOutput(change: TStatusChangeResult) {
  return {
    orgId: change.orgId,
    from: change.from,
    to: change.to,
    authorizations: {
      suspended: change.cascade.suspended.length,
      restored: change.cascade.activated.length,
      expired: change.cascade.expired.length,
      revoked: change.cascade.revoked.length,
      rejected: change.cascade.rejected.length,
    },
  };
}

/** Sends the chain writes a committed change queued (bounded wait; failures stay queued). */
async function flushIfQueued(deps: TServerDeps, change: TStatusChangeResult | null): Promise<void> {
  if (change && change.cascade.chainWrites > 0) await flushChainWrites(deps);
}

export const operatorsRouter = router({
  // ── admission (applicant)
  createApplication: userProcedure
    .input(ZCreateApplicationInput)
    .output(ZApplicationRef)
    .mutation(({ ctx, input }) => createApplication(ctx.deps, ctx.user, input)),

  updateStatement: userProcedure
    .input(ZUpdateStatementInput)
    .output(ZApplicationRef)
    .mutation(({ ctx, input }) => updateStatement(ctx.deps, ctx.user, input)),

  uploadDocument: userProcedure
    .input(ZUploadDocumentInput)
    .output(ZDocumentMeta)
    .mutation(({ ctx, input }) => uploadDocument(ctx.deps, ctx.user, input)),

  submitApplication: userProcedure
    .input(ZApplicationIdInput)
    .output(ZTransitionOutput)
    .mutation(({ ctx, input }) =>
      transitionApplication(ctx.deps, ctx.user, { applicationId: input.applicationId, action: "submit" }),
    ),

  withdrawApplication: userProcedure
    .input(ZApplicationIdInput)
    .output(ZTransitionOutput)
    .mutation(({ ctx, input }) =>
      transitionApplication(ctx.deps, ctx.user, { applicationId: input.applicationId, action: "withdraw" }),
    ),

  // ── admission (regulator): pre_review, expert_review, approve, reject (signed) and admit
  reviewApplication: userProcedure
    .input(ZReviewApplicationInput)
    .output(ZTransitionOutput)
    .mutation(({ ctx, input }) => transitionApplication(ctx.deps, ctx.user, input)),

  // ── reads
  getApplication: userProcedure
    .input(ZApplicationIdInput)
    .output(ZApplicationDetail)
    .query(({ ctx, input }) => getApplication(ctx.deps.db, ctx.user, input.applicationId, nowOf(ctx.deps))),

  myApplication: userProcedure
    .output(ZApplicationDetail.nullable())
    .query(({ ctx }) => myApplication(ctx.deps.db, ctx.user, nowOf(ctx.deps))),

  myStatus: userProcedure
    .output(ZMyOperatorStatus)
    .query(({ ctx }) => myOperatorStatus(ctx.deps.db, ctx.user)),

  getDocument: userProcedure
    .input(ZDocumentIdInput)
    .output(ZDocumentDownload)
    .query(({ ctx, input }) => getDocument(ctx.deps.db, ctx.user, input.documentId)),

  list: userProcedure
    .input(ZListOperatorsInput)
    .output(ZOperatorsOverview)
    .query(({ ctx, input }) => listOperatorsOverview(ctx.deps.db, ctx.user, input ?? {})),

  // ── operator status (regulator, signed, cascades onto authorizations)
  changeStatus: userProcedure
    .input(ZChangeOperatorStatusInput)
    .output(ZStatusChangeOutput)
    .mutation(async ({ ctx, input }) => {
      const change = await changeOperatorStatus(ctx.deps, ctx.user, input);
      await flushIfQueued(ctx.deps, change);
      return statusChangeOutput(change);
    }),

  // ── annual reports
  submitAnnualReport: userProcedure
    .input(ZSubmitAnnualReportInput)
    .output(ZAnnualReportRef)
    .mutation(({ ctx, input }) => submitAnnualReport(ctx.deps, ctx.user, input)),

  evaluateAnnualReport: userProcedure
    .input(ZEvaluateAnnualReportInput)
    .output(ZEvaluationOutput)
    .mutation(async ({ ctx, input }) => {
      const result = await evaluateAnnualReport(ctx.deps, ctx.user, input);
      await flushIfQueued(ctx.deps, result.statusChange);
      return {
        ...result,
        statusChange: result.statusChange ? statusChangeOutput(result.statusChange) : null,
      };
    }),

  listAnnualReports: userProcedure
    .input(ZListAnnualReportsInput)
    .output(ZAnnualReportView.array())
    .query(({ ctx, input }) => listAnnualReports(ctx.deps.db, ctx.user, input ?? {})),
});
