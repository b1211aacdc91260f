/**
 * The API's root router. The web app imports its TYPE only:
 *   import type { AppRouter } from "@pdx/server/router";
 */
import { auditRouter } from "./routers/audit";
import { authRouter } from "./routers/auth";
import { authorizationsRouter } from "./routers/authorizations";
import { catalogRouter } from "./routers/catalog";
import { datasetsRouter } from "./routers/datasets";
import { demandsRouter } from "./routers/demands";
import { heRouter } from "./routers/he";
import { mpcRouter } from "./routers/mpc";
import { operatorsRouter } from "./routers/operators";
import { orgsRouter } from "./routers/orgs";
import { productJobsRouter } from "./routers/productJobs";
import { psiRouter } from "./routers/psi";
import { qualityRouter } from "./routers/quality";
import { registrationsRouter } from "./routers/registrations";
import { runsRouter } from "./routers/runs";
import { trailRouter } from "./routers/trail";
import { vaultRouter } from "./routers/vault";
import { createCallerFactory, router } from "./trpc";

export const appRouter = router({
  auth: authRouter,
  catalog: catalogRouter,
  runs: runsRouter,
  audit: auditRouter,
  orgs: orgsRouter,
  trail: trailRouter,
  datasets: datasetsRouter,
  registrations: registrationsRouter,
  operators: operatorsRouter,
  authorizations: authorizationsRouter,
  demands: demandsRouter,
  quality: qualityRouter,
  vault: vaultRouter,
  productJobs: productJobsRouter,
  psi: psiRouter,
  mpc: mpcRouter,
  he: heRouter,
});

export type AppRouter = typeof appRouter;

/** Server-side caller factory (tests and in-process use). */
export const createAppCaller = createCallerFactory(appRouter);
