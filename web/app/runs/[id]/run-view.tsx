"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { RunResult } from "@/components/run-result";
import { RequireSession } from "@/components/session";
import { ErrorNotice, Loading } from "@/components/status";
import { useI18n } from "@/lib/i18n/i18n-provider";
import { useTRPC } from "@/lib/trpc/client";

/** One past run shown again: privacy notice, chart, table and receipt. */
export function RunView({ runId }: { runId: string }) {
  return <RequireSession roles={["buyer"]}>{() => <Run runId={runId} />}</RequireSession>;
}

function Run({ runId }: { runId: string }) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const run = useQuery(trpc.runs.get.queryOptions({ runId }));
  return (
    <div className="page">
      <nav className="breadcrumb">
        <Link href="/runs">← {t("nav.runs")}</Link>
      </nav>
      <h1>{t("runs.detailTitle")}</h1>
      {run.isPending && <Loading />}
      {run.isError && <ErrorNotice error={run.error} onRetry={() => run.refetch()} />}
      {run.data && <RunResult run={run.data} />}
    </div>
  );
}
