"use client";

import { createTRPCClient, httpBatchLink } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import type { AppRouter } from "./app-router";

/** Header the server requires on every browser request (CSRF defence; a cross-site form cannot set it). */
export const CSRF_HEADER = { "x-pdx-csrf": "1" } as const;

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

/**
 * The browser's tRPC client. It calls the web app's own /trpc route, which forwards to the API
 * server, so the session cookie stays first-party.
 */
export function createBrowserTRPCClient() {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: "/trpc",
        headers: () => CSRF_HEADER,
        fetch: (url, options) => fetch(url, { ...options, credentials: "same-origin" }),
      }),
    ],
  });
}
