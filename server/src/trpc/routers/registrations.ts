/** registrations.*: the dataset registration lifecycle (目录登记). */
import {
  acceptRegistration,
  codeRegistration,
  createRegistration,
  deregisterRegistration,
  objectToRegistration,
  publishRegistrationNotice,
  rejectRegistration,
  returnRegistration,
  reviewRegistration,
  startFollowUpRegistration,
  submitRegistration,
  updateRegistration,
  withdrawRegistration,
} from "../../domain/catalog/registrations";
import {
  checkRegistrationEntry,
  getRegistrationDetail,
  listMyRegistrations,
  listRegistrationQueue,
  toRegistrationSummary,
} from "../../domain/catalog/registrations-queries";
import { flushChainWrites } from "../../domain/chain-writes/outbox";
import { nowOf } from "../context";
import {
  ZCheckEntryInput,
  ZCreateRegistrationInput,
  ZEntryProblems,
  ZRegistrationDetail,
  ZRegistrationIdInput,
  ZRegistrationQueue,
  ZRegistrationReasonInput,
  ZRegistrationStatusFilter,
  ZRegistrationSummary,
  ZReviewRegistrationInput,
  ZStartFollowUpInput,
  ZUpdateRegistrationInput,
} from "../schemas/catalog";
import { router, userProcedure } from "../trpc";

export const registrationsRouter = router({
  // ── source department
  create: userProcedure
    .input(ZCreateRegistrationInput)
    .output(ZRegistrationSummary)
    .mutation(async ({ ctx, input }) =>
      toRegistrationSummary(await createRegistration(ctx.deps.db, ctx.user, input, nowOf(ctx.deps))),
    ),

  update: userProcedure
    .input(ZUpdateRegistrationInput)
    .output(ZRegistrationSummary)
    .mutation(async ({ ctx, input }) =>
      toRegistrationSummary(await updateRegistration(ctx.deps.db, ctx.user, input, nowOf(ctx.deps))),
    ),

  submit: userProcedure
    .input(ZRegistrationIdInput)
    .output(ZRegistrationSummary)
    .mutation(async ({ ctx, input }) =>
      toRegistrationSummary(await submitRegistration(ctx.deps.db, ctx.user, input.id, nowOf(ctx.deps))),
    ),

  withdraw: userProcedure
    .input(ZRegistrationIdInput)
    .output(ZRegistrationSummary)
    .mutation(async ({ ctx, input }) =>
      toRegistrationSummary(await withdrawRegistration(ctx.deps.db, ctx.user, input.id, nowOf(ctx.deps))),
    ),

  startChange: userProcedure
    .input(ZStartFollowUpInput)
    .output(ZRegistrationSummary)
    .mutation(async ({ ctx, input }) =>
      toRegistrationSummary(
        await startFollowUpRegistration(
          ctx.deps.db,
          ctx.user,
          { datasetCode: input.datasetCode, kind: "change" },
          nowOf(ctx.deps),
        ),
      ),
    ),

  startCorrection: userProcedure
    .input(ZStartFollowUpInput)
    .output(ZRegistrationSummary)
    .mutation(async ({ ctx, input }) =>
      toRegistrationSummary(
        await startFollowUpRegistration(
          ctx.deps.db,
          ctx.user,
          { datasetCode: input.datasetCode, kind: "correction" },
          nowOf(ctx.deps),
        ),
      ),
    ),

  checkEntry: userProcedure
    .input(ZCheckEntryInput)
    .output(ZEntryProblems)
    // A mutation only because a full entry can be longer than a GET URL allows; it writes nothing.
    .mutation(({ ctx, input }) => checkRegistrationEntry(ctx.deps.db, ctx.user, input)),

  listMine: userProcedure
    .input(ZRegistrationStatusFilter)
    .output(ZRegistrationSummary.array())
    .query(({ ctx, input }) => listMyRegistrations(ctx.deps.db, ctx.user, input)),

  // ── data bureau (regulator)
  listQueue: userProcedure
    .input(ZRegistrationStatusFilter)
    .output(ZRegistrationQueue)
    .query(({ ctx, input }) => listRegistrationQueue(ctx.deps.db, input)),

  accept: userProcedure
    .input(ZRegistrationIdInput)
    .output(ZRegistrationSummary)
    .mutation(async ({ ctx, input }) =>
      toRegistrationSummary(await acceptRegistration(ctx.deps.db, ctx.user, input.id, nowOf(ctx.deps))),
    ),

  return: userProcedure
    .input(ZRegistrationReasonInput)
    .output(ZRegistrationSummary)
    .mutation(async ({ ctx, input }) =>
      toRegistrationSummary(await returnRegistration(ctx.deps.db, ctx.user, input, nowOf(ctx.deps))),
    ),

  review: userProcedure
    .input(ZReviewRegistrationInput)
    .output(ZRegistrationSummary)
    .mutation(async ({ ctx, input }) =>
      toRegistrationSummary(
        await reviewRegistration(ctx.deps.db, ctx.deps.keyring, ctx.user, input, nowOf(ctx.deps)),
      ),
    ),

  reject: userProcedure
    .input(ZRegistrationReasonInput)
    .output(ZRegistrationSummary)
    .mutation(async ({ ctx, input }) =>
      toRegistrationSummary(
        await rejectRegistration(ctx.deps.db, ctx.deps.keyring, ctx.user, input, nowOf(ctx.deps)),
      ),
    ),

  publishNotice: userProcedure
    .input(ZRegistrationIdInput)
    .output(ZRegistrationSummary)
    .mutation(async ({ ctx, input }) =>
      toRegistrationSummary(
        await publishRegistrationNotice(
          ctx.deps.db,
          ctx.user,
          { id: input.id, noticeDays: ctx.deps.publicNoticeDays },
          nowOf(ctx.deps),
        ),
      ),
    ),

  object: userProcedure
    .input(ZRegistrationReasonInput)
    .output(ZRegistrationSummary)
    .mutation(async ({ ctx, input }) =>
      toRegistrationSummary(await objectToRegistration(ctx.deps.db, ctx.user, input, nowOf(ctx.deps))),
    ),

  code: userProcedure
    .input(ZRegistrationIdInput)
    .output(ZRegistrationSummary)
    .mutation(async ({ ctx, input }) => {
      const coded = await codeRegistration(ctx.deps.db, ctx.user, input.id, nowOf(ctx.deps));
      await flushChainWrites(ctx.deps);
      return toRegistrationSummary(coded);
    }),

  deregister: userProcedure
    .input(ZRegistrationReasonInput)
    .output(ZRegistrationSummary)
    .mutation(async ({ ctx, input }) => {
      const done = await deregisterRegistration(ctx.deps.db, ctx.user, input, nowOf(ctx.deps));
      await flushChainWrites(ctx.deps);
      return toRegistrationSummary(done);
    }),

  // ── everyone involved
  get: userProcedure
    .input(ZRegistrationIdInput)
    .output(ZRegistrationDetail)
    .query(({ ctx, input }) => getRegistrationDetail(ctx.deps.db, ctx.user, input.id, nowOf(ctx.deps))),
});
