/**
 * The API's root router. The web app imports its TYPE only:
 *   import type { AppRouter } from "@pdx/server/router";
 */
import { auditRouter } from "./routers/audit";
import { authRouter } from "./routers/auth";
import { catalogRouter } from "./routers/catalog";
import { runsRouter } from "./routers/runs";
import { createCallerFactory, router } from "./trpc";

export const appRouter = router({
  auth: authRouter,
  catalog: catalogRouter,
  runs: runsRouter,
  audit: auditRouter,
});

export type AppRouter = typeof appRouter;

/** Server-side caller factory (tests and in-process use). */
export const createAppCaller = createCallerFactory(appRouter);
