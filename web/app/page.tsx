"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { useSession } from "@/components/session";
import { ErrorNotice, Loading } from "@/components/status";
import { homeForRole } from "@/lib/routes";

/** The root sends each user to their role's home page, or to sign-in. */
export default function HomePage() {
  const router = useRouter();
  const session = useSession();
  useEffect(() => {
    if (!session.isSuccess) return;
    router.replace(session.data ? homeForRole(session.data.role) : "/login");
  }, [session.isSuccess, session.data, router]);
  if (session.isError) return <ErrorNotice error={session.error} onRetry={() => session.refetch()} />;
  return <Loading />;
}
