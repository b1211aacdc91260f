/** runs.*: a buyer runs products and sees its organization's runs. */
import { verifyReceipt } from "@pdx/common/receipt";
import { getRun, listRunsOfOrg, startRun } from "../../domain/runs/runs";
import { ZGetRunInput, ZListRunsInput, ZRun, ZStartRunInput } from "../schemas";
import { router, userProcedure } from "../trpc";

export const runsRouter = router({
  start: userProcedure
    .input(ZStartRunInput)
    .output(ZRun)
    .mutation(({ ctx, input }) => startRun(ctx.deps, ctx.user, input)),

  listMine: userProcedure
    .input(ZListRunsInput)
    .output(ZRun.array())
    .query(({ ctx, input }) =>
      listRunsOfOrg(ctx.deps.db, ctx.user, {
        limit: input?.limit ?? 20,
        verifyReceipt: (r) => verifyReceipt(r, ctx.deps.enclavePublicKey),
      }),
    ),

  get: userProcedure
    .input(ZGetRunInput)
    .output(ZRun)
    .query(({ ctx, input }) =>
      getRun(ctx.deps.db, ctx.user, input.runId, {
        verifyReceipt: (r) => verifyReceipt(r, ctx.deps.enclavePublicKey),
      }),
    ),
});
