"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { RequireSession } from "@/components/session";
import { ErrorNotice, Loading } from "@/components/status";
import { useI18n } from "@/lib/i18n/i18n-provider";
import { useTRPC } from "@/lib/trpc/client";

/** The buyer's past runs, newest first, each with its usage record. */
export default function RunsPage() {
  return <RequireSession roles={["buyer"]}>{() => <RunList />}</RequireSession>;
}

function RunList() {
  const { t, pick, formatDateTime, formatNumber } = useI18n();
  const trpc = useTRPC();
  const runs = useQuery(trpc.runs.listMine.queryOptions());
  return (
    <div className="page">
      <div className="page-heading">
        <div>
          <h1>{t("runs.title")}</h1>
          <p className="muted">{t("runs.subtitle")}</p>
        </div>
      </div>
      {runs.isPending && <Loading />}
      {runs.isError && <ErrorNotice error={runs.error} onRetry={() => runs.refetch()} />}
      {runs.data && runs.data.length === 0 && <p className="empty">{t("runs.empty")}</p>}
      {runs.data && runs.data.length > 0 && (
        <div className="card table-card">
          <table className="table" data-testid="runs-table">
            <thead>
              <tr>
                <th scope="col">{t("run.createdAt")}</th>
                <th scope="col">{t("runs.product")}</th>
                <th scope="col">{t("run.usageRecord")}</th>
                <th scope="col" className="num">
                  {t("run.rowsRead")}
                </th>
                <th scope="col" className="num">
                  {t("runs.cells")}
                </th>
                <th scope="col">
                  <span className="visually-hidden">{t("runs.open")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {runs.data.map((run) => (
                <tr key={run.runId} data-testid="run-row">
                  <td>{formatDateTime(run.createdAt)}</td>
                  <td>
                    {pick(run.product.name)}{" "}
                    <span className="mono muted small">
                      {run.product.code} v{run.product.version}
                    </span>
                  </td>
                  <td className="mono small">{run.usageRecordId}</td>
                  <td className="num">{formatNumber(run.receipt.rowsRead, 0)}</td>
                  <td className="num">
                    {formatNumber(run.suppression.releasedCells, 0)} /{" "}
                    {formatNumber(run.suppression.suppressedCells, 0)}
                  </td>
                  <td>
                    <Link href={`/runs/${encodeURIComponent(run.runId)}`}>{t("runs.open")}</Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
