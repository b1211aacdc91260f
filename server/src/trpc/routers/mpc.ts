/**
 * mpc.*: a buyer runs a joint-statistics product (multi-party computation across enclave nodes) —
 * starts a job, polls it (each poll asks the coordinator and records the end: the released result
 * and the usage record, or the failure naming the node), reads its jobs. Thin: domain/mpc does the
 * work and checks role, product, authorization and ownership.
 */
import {
  getJointJob,
  listJointJobsOfOrg,
  refreshJointJob,
  startJointJob,
  type TJointJobDeps,
} from "../../domain/mpc/joint-jobs";
import type { TServerDeps } from "../context";
import { ZMpcJob, ZMpcJobInput, ZMpcListInput, ZMpcStartInput } from "../schemas/mpc";
import { router, userProcedure } from "../trpc";

function mpcDeps(deps: TServerDeps): TJointJobDeps {
  return { db: deps.db, mpc: deps.mpc ?? null, now: deps.now };
}

export const mpcRouter = router({
  start: userProcedure
    .input(ZMpcStartInput)
    .output(ZMpcJob)
    .mutation(({ ctx, input }) => startJointJob(mpcDeps(ctx.deps), ctx.user, input)),

  refresh: userProcedure
    .input(ZMpcJobInput)
    .output(ZMpcJob)
    .mutation(({ ctx, input }) => refreshJointJob(mpcDeps(ctx.deps), ctx.user, input)),

  get: userProcedure
    .input(ZMpcJobInput)
    .output(ZMpcJob)
    .query(({ ctx, input }) => getJointJob(ctx.deps.db, ctx.user, input.jobId)),

  listMine: userProcedure
    .input(ZMpcListInput)
    .output(ZMpcJob.array())
    .query(({ ctx, input }) => listJointJobsOfOrg(ctx.deps.db, ctx.user, input?.limit)),
});
