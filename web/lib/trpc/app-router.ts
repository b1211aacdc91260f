/**
 * The server's router type: the web app's only link to the server's code. Type-only — nothing of
 * the server is bundled into the web app.
 */
import type { AppRouter } from "@pdx/server/router";
import type { inferRouterOutputs } from "@trpc/server";

export type { AppRouter };

/** What each procedure returns, as the browser receives it. */
export type TRouterOutputs = inferRouterOutputs<AppRouter>;
