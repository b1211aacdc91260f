/**
 * psi.*: a buyer runs a private-set-intersection product — starts a session, sends its blinded
 * list in chunks, fetches the reply tags (count-only products) and the dataset's blinded set, and
 * finishes (usage recorded from the enclave's receipt). Thin: domain/psi does the work and checks
 * ownership.
 */
import {
  finishPsiSession,
  getPsiSession,
  listPsiSessionsOfOrg,
  relayReplyChunk,
  relayServerChunk,
  sendBuyerChunk,
  startPsiSession,
  type TPsiDeps,
} from "../../domain/psi/psi-sessions";
import type { TServerDeps } from "../context";
import {
  ZPsiBuyerChunkInput,
  ZPsiBuyerChunkOutput,
  ZPsiChunkInput,
  ZPsiListInput,
  ZPsiPointsOutput,
  ZPsiSession,
  ZPsiSessionInput,
  ZPsiStartInput,
  ZPsiTagsOutput,
} from "../schemas/psi";
import { router, userProcedure } from "../trpc";

function psiDeps(deps: TServerDeps): TPsiDeps {
  return { db: deps.db, psi: deps.enclave.psiSessions, now: deps.now };
}

export const psiRouter = router({
  start: userProcedure
    .input(ZPsiStartInput)
    .output(ZPsiSession)
    .mutation(({ ctx, input }) => startPsiSession(psiDeps(ctx.deps), ctx.user, input)),

  sendChunk: userProcedure
    .input(ZPsiBuyerChunkInput)
    .output(ZPsiBuyerChunkOutput)
    .mutation(({ ctx, input }) => sendBuyerChunk(psiDeps(ctx.deps), ctx.user, input)),

  replyChunk: userProcedure
    .input(ZPsiChunkInput)
    .output(ZPsiTagsOutput)
    .mutation(({ ctx, input }) => relayReplyChunk(psiDeps(ctx.deps), ctx.user, input)),

  serverChunk: userProcedure
    .input(ZPsiChunkInput)
    .output(ZPsiPointsOutput)
    .mutation(({ ctx, input }) => relayServerChunk(psiDeps(ctx.deps), ctx.user, input)),

  finish: userProcedure
    .input(ZPsiSessionInput)
    .output(ZPsiSession)
    .mutation(({ ctx, input }) => finishPsiSession(psiDeps(ctx.deps), ctx.user, input)),

  get: userProcedure
    .input(ZPsiSessionInput)
    .output(ZPsiSession)
    .query(({ ctx, input }) => getPsiSession(ctx.deps.db, ctx.user, input.sessionId)),

  listMine: userProcedure
    .input(ZPsiListInput)
    .output(ZPsiSession.array())
    .query(({ ctx, input }) => listPsiSessionsOfOrg(ctx.deps.db, ctx.user, input?.limit ?? 20)),
});
