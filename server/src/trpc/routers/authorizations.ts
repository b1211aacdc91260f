/** authorizations.*: scenario filing and authorizations (无场景不授权). Thin: domain functions do the work. */
import {
  applyForAuthorization,
  approveAuthorization,
  changeAuthorizationStatus,
  getAuthorization,
  listAuthorizations,
  rejectAuthorization,
} from "../../domain/authorizations/authorizations";
import {
  acceptScenario,
  createScenario,
  fileScenario,
  getScenario,
  listScenarios,
  rejectScenario,
  updateScenario,
  withdrawScenario,
} from "../../domain/authorizations/scenarios";
import { authorizableDatasets } from "../../domain/authorizations/views";
import { flushChainWrites } from "../../domain/chain-writes/outbox";
import { nowOf } from "../context";
import {
  ZApplyInput,
  ZAuthorizableDatasetsInput,
  ZAuthorizationDetail,
  ZAuthorizationRef,
  ZAuthorizationSummary,
  ZDecideInput,
  ZDecision,
  ZIdInput,
  ZListAuthorizationsInput,
  ZListScenariosInput,
  ZPickerDataset,
  ZReasonInput,
  ZScenarioContentInput,
  ZScenarioDetail,
  ZScenarioRef,
  ZScenarioSummary,
  ZUpdateScenarioInput,
} from "../schemas/authorizations";
import { router, userProcedure } from "../trpc";

export const authorizationsRouter = router({
  // ── scenarios
  authorizableDatasets: userProcedure
    .input(ZAuthorizableDatasetsInput)
    .output(ZPickerDataset.array())
    .query(({ ctx, input }) => authorizableDatasets(ctx.deps.db, nowOf(ctx.deps), { q: input?.q })),

  listScenarios: userProcedure
    .input(ZListScenariosInput)
    .output(ZScenarioSummary.array())
    .query(({ ctx, input }) => listScenarios(ctx.deps.db, ctx.user, { status: input?.status })),

  getScenario: userProcedure
    .input(ZIdInput)
    .output(ZScenarioDetail)
    .query(({ ctx, input }) => getScenario(ctx.deps.db, ctx.user, input.id, nowOf(ctx.deps))),

  createScenario: userProcedure
    .input(ZScenarioContentInput)
    .output(ZScenarioRef)
    .mutation(({ ctx, input }) => createScenario(ctx.deps.db, ctx.user, input, nowOf(ctx.deps))),

  updateScenario: userProcedure
    .input(ZUpdateScenarioInput)
    .output(ZScenarioRef)
    .mutation(({ ctx, input }) => updateScenario(ctx.deps.db, ctx.user, input, nowOf(ctx.deps))),

  fileScenario: userProcedure
    .input(ZIdInput)
    .output(ZScenarioRef)
    .mutation(({ ctx, input }) => fileScenario(ctx.deps.db, ctx.user, input.id, nowOf(ctx.deps))),

  acceptScenario: userProcedure
    .input(ZIdInput)
    .output(ZScenarioRef)
    .mutation(({ ctx, input }) => acceptScenario(ctx.deps.db, ctx.user, input.id, nowOf(ctx.deps))),

  rejectScenario: userProcedure
    .input(ZReasonInput)
    .output(ZScenarioRef)
    .mutation(({ ctx, input }) =>
      rejectScenario(ctx.deps.db, ctx.user, input.id, input.reason, nowOf(ctx.deps)),
    ),

  withdrawScenario: userProcedure
    .input(ZIdInput)
    .output(ZScenarioRef)
    .mutation(({ ctx, input }) => withdrawScenario(ctx.deps.db, ctx.user, input.id, nowOf(ctx.deps))),

  // ── authorizations
  listAuthorizations: userProcedure
    .input(ZListAuthorizationsInput)
    .output(ZAuthorizationSummary.array())
    .query(({ ctx, input }) => listAuthorizations(ctx.deps.db, ctx.user, input ?? {})),

  getAuthorization: userProcedure
    .input(ZIdInput)
    .output(ZAuthorizationDetail)
    .query(({ ctx, input }) => getAuthorization(ctx.deps.db, ctx.user, input.id, nowOf(ctx.deps))),

  // ("apply" is a reserved word of tRPC routers)
  applyForAuthorization: userProcedure
    .input(ZApplyInput)
    .output(ZAuthorizationRef)
    .mutation(({ ctx, input }) =>
      applyForAuthorization(
        ctx.deps.db,
        ctx.user,
        {
          scenarioId: input.scenarioId,
          scope: input.scope,
          validFrom: new Date(input.validFrom),
          validUntil: new Date(input.validUntil),
        },
        nowOf(ctx.deps),
      ),
    ),

  approve: userProcedure
    .input(ZDecideInput)
    .output(ZDecision)
    .mutation(async ({ ctx, input }) => {
      const result = await approveAuthorization(
        ctx.deps.db,
        ctx.deps.keyring,
        ctx.user,
        input,
        nowOf(ctx.deps),
      );
      if (result.activated) await flushChainWrites(ctx.deps);
      return result;
    }),

  reject: userProcedure
    .input(ZDecideInput)
    .output(ZDecision)
    .mutation(({ ctx, input }) =>
      rejectAuthorization(ctx.deps.db, ctx.deps.keyring, ctx.user, input, nowOf(ctx.deps)),
    ),

  suspend: userProcedure
    .input(ZReasonInput)
    .output(ZAuthorizationRef)
    .mutation(async ({ ctx, input }) => {
      const result = await changeAuthorizationStatus(
        ctx.deps.db,
        ctx.user,
        { ...input, action: "suspend" },
        nowOf(ctx.deps),
      );
      await flushChainWrites(ctx.deps);
      return result;
    }),

  resume: userProcedure
    .input(ZReasonInput)
    .output(ZAuthorizationRef)
    .mutation(async ({ ctx, input }) => {
      const result = await changeAuthorizationStatus(
        ctx.deps.db,
        ctx.user,
        { ...input, action: "resume" },
        nowOf(ctx.deps),
      );
      await flushChainWrites(ctx.deps);
      return result;
    }),

  revoke: userProcedure
    .input(ZReasonInput)
    .output(ZAuthorizationRef)
    .mutation(async ({ ctx, input }) => {
      const result = await changeAuthorizationStatus(
        ctx.deps.db,
        ctx.user,
        { ...input, action: "revoke" },
        nowOf(ctx.deps),
      );
      await flushChainWrites(ctx.deps);
      return result;
    }),
});
