/**
 * he.*: a buyer runs an encrypted-query product — fetches the entity directory, sends its
 * homomorphic request (built and encrypted in the browser) and receives the encrypted response.
 * Thin: domain/he does the work and checks ownership.
 */
import {
  getHeQuery,
  heDirectory,
  listHeQueriesOfOrg,
  runHeQuery,
  type THeDeps,
} from "../../domain/he/he-queries";
import type { TServerDeps } from "../context";
import {
  ZHeDirectoryInput,
  ZHeDirectoryOutput,
  ZHeListInput,
  ZHeQuery,
  ZHeQueryInput,
  ZHeRunInput,
  ZHeRunOutput,
} from "../schemas/he";
import { router, userProcedure } from "../trpc";

function heDeps(deps: TServerDeps): THeDeps {
  return { db: deps.db, he: deps.enclave.heQueries, now: deps.now };
}

export const heRouter = router({
  directory: userProcedure
    .input(ZHeDirectoryInput)
    .output(ZHeDirectoryOutput)
    .query(({ ctx, input }) => heDirectory(heDeps(ctx.deps), ctx.user, input)),

  run: userProcedure
    .input(ZHeRunInput)
    .output(ZHeRunOutput)
    .mutation(({ ctx, input }) => runHeQuery(heDeps(ctx.deps), ctx.user, input)),

  get: userProcedure
    .input(ZHeQueryInput)
    .output(ZHeQuery)
    .query(({ ctx, input }) => getHeQuery(ctx.deps.db, ctx.user, input.queryId)),

  listMine: userProcedure
    .input(ZHeListInput)
    .output(ZHeQuery.array())
    .query(({ ctx, input }) => listHeQueriesOfOrg(ctx.deps.db, ctx.user, input?.limit ?? 20)),
});
