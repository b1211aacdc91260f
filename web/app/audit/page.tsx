"use client";

import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useDeferredValue, useState } from "react";
import { AnchorStatusTag } from "@/components/anchor-status";
import { RequireSession } from "@/components/session";
import { ErrorNotice, Loading } from "@/components/status";
import { useI18n } from "@/lib/i18n/i18n-provider";
import { useTRPC } from "@/lib/trpc/client";

const PAGE_SIZE = 50;

/** Auditor console: searchable usage records, each linking to its verification. */
export default function AuditPage() {
  return <RequireSession roles={["auditor", "regulator"]}>{() => <UsageRecordList />}</RequireSession>;
}

function UsageRecordList() {
  const { t, pick, formatDateTime, formatNumber } = useI18n();
  const trpc = useTRPC();
  const [search, setSearch] = useState("");
  const q = useDeferredValue(search.trim());
  const records = useInfiniteQuery({
    ...trpc.audit.listUsageRecords.infiniteQueryOptions(
      { q: q || undefined, limit: PAGE_SIZE },
      { getNextPageParam: (lastPage) => lastPage.nextCursor ?? undefined },
    ),
    placeholderData: keepPreviousData,
  });
  const items = records.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <div className="page">
      <div className="page-heading">
        <div>
          <h1>{t("audit.title")}</h1>
          <p className="muted">{t("audit.subtitle")}</p>
        </div>
        <label className="field field-inline search-field">
          <span className="field-label">{t("audit.search")}</span>
          <input
            type="search"
            value={search}
            placeholder={t("audit.searchPlaceholder")}
            onChange={(e) => setSearch(e.target.value)}
          />
        </label>
      </div>
      {records.isPending && <Loading />}
      {records.isError && <ErrorNotice error={records.error} onRetry={() => records.refetch()} />}
      {records.isSuccess && items.length === 0 && <p className="empty">{t("audit.empty")}</p>}
      {items.length > 0 && (
        <div className="card table-card">
          <table className="table" data-testid="usage-records-table">
            <thead>
              <tr>
                <th scope="col">{t("audit.recordId")}</th>
                <th scope="col">{t("audit.time")}</th>
                <th scope="col">{t("audit.buyerOrg")}</th>
                <th scope="col">{t("audit.user")}</th>
                <th scope="col">{t("audit.product")}</th>
                <th scope="col">{t("audit.datasetVersion")}</th>
                <th scope="col" className="num">
                  {t("audit.rowsRead")}
                </th>
                <th scope="col">{t("audit.anchorStatus")}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((record) => (
                <tr key={record.id} data-testid="usage-record-row" data-record-id={record.id}>
                  <td className="mono small">
                    <Link href={`/audit/${encodeURIComponent(record.id)}`} title={t("audit.verify")}>
                      {record.id}
                    </Link>
                  </td>
                  <td className="nowrap">{formatDateTime(record.createdAt)}</td>
                  <td>{record.buyerOrg.name}</td>
                  <td>{record.user.displayName}</td>
                  <td>
                    {pick(record.product.name)}{" "}
                    <span className="mono muted small">
                      {record.product.code} v{record.product.version}
                    </span>
                  </td>
                  <td className="mono small">
                    {record.datasetCode}@{record.datasetVersion}
                  </td>
                  <td className="num">{formatNumber(record.rowsRead, 0)}</td>
                  <td>
                    <AnchorStatusTag status={record.anchorStatus} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {records.hasNextPage && (
        <div className="center">
          <button
            type="button"
            className="button"
            onClick={() => records.fetchNextPage()}
            disabled={records.isFetchingNextPage}
          >
            {records.isFetchingNextPage ? t("common.loading") : t("audit.loadMore")}
          </button>
        </div>
      )}
    </div>
  );
}
