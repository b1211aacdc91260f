"use client";

import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { I18nProvider } from "@/lib/i18n/i18n-provider";
import type { TLocale } from "@/lib/i18n/types";
import { loginUrl } from "@/lib/routes";
import { createBrowserTRPCClient, TRPCProvider } from "@/lib/trpc/client";
import { domainCodeOf, errorCodeOf, isUnauthorized } from "@/lib/trpc/errors";

/**
 * Any API call answered UNAUTHORIZED means the session is gone: go to sign-in, saying why. A
 * mutation with `meta: { handlesUnauthorized: true }` (sign-in, sign-out) handles it itself.
 */
function redirectToLoginOnUnauthorized(error: unknown, handledHere: boolean): void {
  if (handledHere || !isUnauthorized(error) || typeof window === "undefined") return;
  if (window.location.pathname === "/login") return;
  const reason = domainCodeOf(error) === "UNAUTHENTICATED" ? "required" : "expired";
  window.location.assign(loginUrl(`${window.location.pathname}${window.location.search}`, reason));
}

function createQueryClient(): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({ onError: (error) => redirectToLoginOnUnauthorized(error, false) }),
    mutationCache: new MutationCache({
      onError: (error, _variables, _context, mutation) =>
        redirectToLoginOnUnauthorized(error, mutation.meta?.handlesUnauthorized === true),
    }),
    defaultOptions: {
      queries: {
        refetchOnWindowFocus: false,
        staleTime: 10_000,
        // Errors the server decided (it sent a code) will not change on retry; network blips may.
        retry: (failureCount, error) => errorCodeOf(error) === undefined && failureCount < 1,
      },
    },
  });
}

/** Client-side context for every page: locale, TanStack Query cache and the tRPC client. */
export function Providers({ locale, children }: { locale: TLocale; children: ReactNode }) {
  const [queryClient] = useState(createQueryClient);
  const [trpcClient] = useState(createBrowserTRPCClient);
  return (
    <I18nProvider locale={locale}>
      <QueryClientProvider client={queryClient}>
        <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
          {children}
        </TRPCProvider>
      </QueryClientProvider>
    </I18nProvider>
  );
}
