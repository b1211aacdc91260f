/** quality.*: the data-quality loop (发现-反馈-整改-评价). */
import {
  acknowledgeQualityIssue,
  getQualityIssue,
  listQualityDatasetOptions,
  listQualityIssues,
  rectifyQualityIssue,
  reopenQualityIssue,
  reportQualityIssue,
  verifyQualityIssue,
} from "../../domain/quality/quality-issues";
import { qualityStats } from "../../domain/quality/quality-stats";
import { nowOf } from "../context";
import {
  ZGetQualityInput,
  ZListQualityInput,
  ZQualityDatasetOption,
  ZQualityIssue,
  ZQualityIssueDetail,
  ZQualityIssueIdInput,
  ZQualityStats,
  ZRectifyQualityInput,
  ZReopenQualityInput,
  ZReportQualityInput,
  ZVerifyQualityInput,
} from "../schemas/demands-quality";
import { router, userProcedure } from "../trpc";

export const qualityRouter = router({
  report: userProcedure
    .input(ZReportQualityInput)
    .output(ZQualityIssueDetail)
    .mutation(({ ctx, input }) => reportQualityIssue(ctx.deps.db, ctx.user, input, nowOf(ctx.deps))),

  acknowledge: userProcedure
    .input(ZQualityIssueIdInput)
    .output(ZQualityIssueDetail)
    .mutation(({ ctx, input }) => acknowledgeQualityIssue(ctx.deps.db, ctx.user, input, nowOf(ctx.deps))),

  rectify: userProcedure
    .input(ZRectifyQualityInput)
    .output(ZQualityIssueDetail)
    .mutation(({ ctx, input }) => rectifyQualityIssue(ctx.deps.db, ctx.user, input, nowOf(ctx.deps))),

  verify: userProcedure
    .input(ZVerifyQualityInput)
    .output(ZQualityIssueDetail)
    .mutation(({ ctx, input }) => verifyQualityIssue(ctx.deps.db, ctx.user, input, nowOf(ctx.deps))),

  reopen: userProcedure
    .input(ZReopenQualityInput)
    .output(ZQualityIssueDetail)
    .mutation(({ ctx, input }) => reopenQualityIssue(ctx.deps.db, ctx.user, input, nowOf(ctx.deps))),

  list: userProcedure
    .input(ZListQualityInput)
    .output(ZQualityIssue.array())
    .query(({ ctx, input }) => listQualityIssues(ctx.deps.db, ctx.user, input ?? {}, nowOf(ctx.deps))),

  get: userProcedure
    .input(ZGetQualityInput)
    .output(ZQualityIssueDetail)
    .query(({ ctx, input }) => getQualityIssue(ctx.deps.db, ctx.user, input.id, nowOf(ctx.deps))),

  stats: userProcedure.output(ZQualityStats).query(({ ctx }) => qualityStats(ctx.deps.db, nowOf(ctx.deps))),

  datasetOptions: userProcedure
    .output(ZQualityDatasetOption.array())
    .query(({ ctx }) => listQualityDatasetOptions(ctx.deps.db)),
});
