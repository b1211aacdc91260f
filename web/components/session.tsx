"use client";

import { useQuery } from "@tanstack/react-query";
import { usePathname, useRouter } from "next/navigation";
import { type ReactNode, useEffect } from "react";
import { useI18n } from "@/lib/i18n/i18n-provider";
import { loginUrl, type TRole } from "@/lib/routes";
import { useTRPC } from "@/lib/trpc/client";
import { ErrorNotice, Loading } from "./status";

/** The signed-in user as the server reports it (auth.me); null when nobody is signed in. */
export function useSession() {
  const trpc = useTRPC();
  return useQuery({ ...trpc.auth.me.queryOptions(), staleTime: 60_000 });
}

type TSessionUser = NonNullable<ReturnType<typeof useSession>["data"]>;

/**
 * Renders its children only for a signed-in user with one of `roles` (any role when omitted).
 * A missing session (expired or revoked) goes to sign-in with a message; a wrong role sees why.
 */
export function RequireSession({
  roles,
  children,
}: {
  roles?: readonly TRole[];
  children: (user: TSessionUser) => ReactNode;
}) {
  const { t } = useI18n();
  const router = useRouter();
  const pathname = usePathname();
  const session = useSession();
  const signedOut = session.isSuccess && session.data === null;
  useEffect(() => {
    if (signedOut) router.replace(loginUrl(`${pathname}${window.location.search}`, "expired"));
  }, [signedOut, router, pathname]);

  if (session.isPending || signedOut) return <Loading />;
  if (session.isError) return <ErrorNotice error={session.error} onRetry={() => session.refetch()} />;
  const user = session.data;
  if (!user) return <Loading />;
  if (roles && !roles.includes(user.role)) {
    return (
      <div className="notice notice-warning" role="alert" data-testid="forbidden">
        {t("common.forbidden")}
      </div>
    );
  }
  return <>{children(user)}</>;
}
