/** demands.*: the demand list (需求清单). */
import { demandStats } from "../../domain/demands/demand-stats";
import {
  closeDemand,
  getDemand,
  listDemands,
  markDemandSatisfied,
  postDemand,
  respondToDemand,
} from "../../domain/demands/demands";
import { nowOf } from "../context";
import {
  ZCloseDemandInput,
  ZDemandDetail,
  ZDemandStats,
  ZDemandSummary,
  ZGetDemandInput,
  ZListDemandsInput,
  ZMarkDemandSatisfiedInput,
  ZPostDemandInput,
  ZRespondToDemandInput,
} from "../schemas/demands-quality";
import { router, userProcedure } from "../trpc";

export const demandsRouter = router({
  post: userProcedure
    .input(ZPostDemandInput)
    .output(ZDemandDetail)
    .mutation(({ ctx, input }) => postDemand(ctx.deps.db, ctx.user, input, nowOf(ctx.deps))),

  respond: userProcedure
    .input(ZRespondToDemandInput)
    .output(ZDemandDetail)
    .mutation(({ ctx, input }) => respondToDemand(ctx.deps.db, ctx.user, input, nowOf(ctx.deps))),

  markSatisfied: userProcedure
    .input(ZMarkDemandSatisfiedInput)
    .output(ZDemandDetail)
    .mutation(({ ctx, input }) => markDemandSatisfied(ctx.deps.db, ctx.user, input, nowOf(ctx.deps))),

  close: userProcedure
    .input(ZCloseDemandInput)
    .output(ZDemandDetail)
    .mutation(({ ctx, input }) => closeDemand(ctx.deps.db, ctx.user, input, nowOf(ctx.deps))),

  list: userProcedure
    .input(ZListDemandsInput)
    .output(ZDemandSummary.array())
    .query(({ ctx, input }) => listDemands(ctx.deps.db, ctx.user, input ?? {})),

  get: userProcedure
    .input(ZGetDemandInput)
    .output(ZDemandDetail)
    .query(({ ctx, input }) => getDemand(ctx.deps.db, ctx.user, input.id)),

  stats: userProcedure.output(ZDemandStats).query(({ ctx }) => demandStats(ctx.deps.db, nowOf(ctx.deps))),
});
