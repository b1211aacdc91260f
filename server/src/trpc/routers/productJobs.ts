/**
 * productJobs.*: operators save logic versions of their own products and run drafts on mock
 * data; buyers preview, start, follow and cancel real jobs; the regulator reviews held outputs.
 * Thin: the domain functions (domain/product-jobs) do the work and check ownership.
 */
import { EXAMPLE_LOGIC } from "../../domain/product-jobs/example-logic";
import {
  cancelJob,
  getJobView,
  listJobsOfOrg,
  previewRealJob,
  runMockJob,
  runnableVersion,
  startRealJob,
  type TProductJobDeps,
} from "../../domain/product-jobs/jobs";
import {
  getLogicVersion,
  listLogicVersions,
  listOperatorProducts,
  saveLogicVersion,
} from "../../domain/product-jobs/logic-versions";
import { decideHeldJob, getReviewedJob, listHeldJobs } from "../../domain/product-jobs/output-review";
import { nowOf, type TServerDeps } from "../context";
import {
  ZExampleLogic,
  ZJobIdInput,
  ZJobPreview,
  ZListJobsInput,
  ZLogicDraftInput,
  ZLogicVersion,
  ZLogicVersionSummary,
  ZOperatorProduct,
  ZProductIdInput,
  ZProductJob,
  ZRealJobInput,
  ZReleaseInput,
  ZRunMockInput,
  ZRunnableVersion,
  ZVersionIdInput,
  ZWithholdInput,
} from "../schemas/product-jobs";
import { router, userProcedure } from "../trpc";

function jobDeps(deps: TServerDeps): TProductJobDeps {
  return {
    db: deps.db,
    productJobs: deps.enclave.productJobs,
    enclavePublicKey: deps.enclavePublicKey,
    now: deps.now,
    log: deps.log,
  };
}

export const productJobsRouter = router({
  // ── operators: logic versions and mock runs
  myProducts: userProcedure
    .output(ZOperatorProduct.array())
    .query(({ ctx }) => listOperatorProducts(ctx.deps.db, ctx.user)),

  exampleLogic: userProcedure.output(ZExampleLogic).query(() => EXAMPLE_LOGIC),

  listVersions: userProcedure
    .input(ZProductIdInput)
    .output(ZLogicVersionSummary.array())
    .query(({ ctx, input }) => listLogicVersions(ctx.deps.db, ctx.user, input.productId)),

  getVersion: userProcedure
    .input(ZVersionIdInput)
    .output(ZLogicVersion)
    .query(({ ctx, input }) => getLogicVersion(ctx.deps.db, ctx.user, input.versionId)),

  saveVersion: userProcedure
    .input(ZLogicDraftInput)
    .output(ZLogicVersion)
    .mutation(({ ctx, input }) => saveLogicVersion(ctx.deps.db, ctx.user, input, nowOf(ctx.deps))),

  runMock: userProcedure
    .input(ZRunMockInput)
    .output(ZProductJob)
    .mutation(({ ctx, input }) => runMockJob(jobDeps(ctx.deps), ctx.user, input)),

  // ── buyers: real jobs
  runnable: userProcedure
    .input(ZProductIdInput)
    .output(ZRunnableVersion)
    .query(({ ctx, input }) => runnableVersion(ctx.deps.db, input.productId)),

  preview: userProcedure
    .input(ZRealJobInput)
    .output(ZJobPreview)
    .mutation(({ ctx, input }) => previewRealJob(jobDeps(ctx.deps), ctx.user, input)),

  start: userProcedure
    .input(ZRealJobInput)
    .output(ZProductJob)
    .mutation(({ ctx, input }) => startRealJob(jobDeps(ctx.deps), ctx.user, input)),

  // ── a caller's own jobs (buyers' real jobs, operators' mock runs)
  listMine: userProcedure
    .input(ZListJobsInput)
    .output(ZProductJob.array())
    .query(({ ctx, input }) => listJobsOfOrg(jobDeps(ctx.deps), ctx.user, input ?? {})),

  get: userProcedure
    .input(ZJobIdInput)
    .output(ZProductJob)
    .query(({ ctx, input }) => getJobView(jobDeps(ctx.deps), ctx.user, input.jobId)),

  cancel: userProcedure
    .input(ZJobIdInput)
    .output(ZProductJob)
    .mutation(({ ctx, input }) => cancelJob(jobDeps(ctx.deps), ctx.user, input.jobId)),

  // ── the regulator's output review
  reviewQueue: userProcedure.output(ZProductJob.array()).query(({ ctx }) => listHeldJobs(jobDeps(ctx.deps))),

  getReviewed: userProcedure
    .input(ZJobIdInput)
    .output(ZProductJob)
    .query(({ ctx, input }) => getReviewedJob(jobDeps(ctx.deps), input.jobId)),

  release: userProcedure
    .input(ZReleaseInput)
    .output(ZProductJob)
    .mutation(({ ctx, input }) =>
      decideHeldJob(jobDeps(ctx.deps), ctx.user, {
        jobId: input.jobId,
        decision: "release",
        comment: input.comment,
      }),
    ),

  withhold: userProcedure
    .input(ZWithholdInput)
    .output(ZProductJob)
    .mutation(({ ctx, input }) =>
      decideHeldJob(jobDeps(ctx.deps), ctx.user, {
        jobId: input.jobId,
        decision: "withhold",
        comment: input.comment,
      }),
    ),
});
