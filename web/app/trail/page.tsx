"use client";

import { keepPreviousData, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { RequireSession } from "@/components/session";
import { ErrorNotice, Loading } from "@/components/status";
import { useI18n } from "@/lib/i18n/i18n-provider";
import type { TMessageKey } from "@/lib/i18n/types";
import { useTRPC } from "@/lib/trpc/client";

const PAGE_SIZE = 100;

/** Auditor and regulator console of the hash-chained audit trail. */
export default function TrailPage() {
  return <RequireSession roles={["auditor", "regulator"]}>{() => <Trail />}</RequireSession>;
}

interface TFilters {
  action: string;
  objectType: string;
  objectId: string;
  orgId: string;
  from: string;
  to: string;
}
const NO_FILTERS: TFilters = { action: "", objectType: "", objectId: "", orgId: "", from: "", to: "" };

function Trail() {
  const { t, formatDateTime } = useI18n();
  const trpc = useTRPC();
  const [filters, setFilters] = useState<TFilters>(NO_FILTERS);
  const orgs = useQuery(trpc.orgs.list.queryOptions());
  const input = {
    limit: PAGE_SIZE,
    action: /^[a-z_]+(\.[a-z_]+)+$/.test(filters.action) ? filters.action : undefined,
    objectType: filters.objectType || undefined,
    objectId: filters.objectId.trim() || undefined,
    orgId: filters.orgId || undefined,
    from: filters.from ? new Date(`${filters.from}T00:00:00`).toISOString() : undefined,
    to: filters.to ? new Date(`${filters.to}T23:59:59.999`).toISOString() : undefined,
  };
  const events = useInfiniteQuery({
    ...trpc.trail.list.infiniteQueryOptions(
      { ...input },
      {
        getNextPageParam: (last) => (last.length === PAGE_SIZE ? last[last.length - 1]!.seq : undefined),
      },
    ),
    placeholderData: keepPreviousData,
  });
  const verify = useQuery({ ...trpc.trail.verify.queryOptions(), enabled: false });
  const items = events.data?.pages.flat() ?? [];
  const set = (key: keyof TFilters) => (e: { target: { value: string } }) =>
    setFilters((f) => ({ ...f, [key]: e.target.value }));

  return (
    <div className="page">
      <div className="page-heading">
        <div>
          <h1>{t("trail.title")}</h1>
          <p className="muted">{t("trail.subtitle")}</p>
        </div>
        <button
          type="button"
          className="button button-primary"
          data-testid="trail-verify"
          onClick={() => verify.refetch()}
          disabled={verify.isFetching}
        >
          {verify.isFetching ? t("trail.verifying") : t("trail.verify")}
        </button>
      </div>
      {verify.isError && <ErrorNotice error={verify.error} />}
      {verify.data && (
        <div
          className={verify.data.ok ? "notice notice-success" : "notice notice-danger"}
          role="status"
          data-testid="trail-verdict"
          data-ok={String(verify.data.ok)}
        >
          {verify.data.ok
            ? t("trail.verifiedOk", { n: verify.data.checkedEvents })
            : t("trail.verifiedBroken", { n: verify.data.problems.length })}
          {!verify.data.ok && (
            <ul className="trail-problems">
              {verify.data.problems.map((p) => (
                <li
                  key={`${p.seq}-${p.kind}`}
                  data-testid="trail-problem"
                  data-seq={p.seq}
                  data-kind={p.kind}
                >
                  {t(`trail.problem.${p.kind}` as TMessageKey, { seq: p.seq })}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}

      <div className="card trail-filters">
        <label className="field">
          <span className="field-label">{t("trail.filter.action")}</span>
          <input
            value={filters.action}
            onChange={set("action")}
            placeholder="registration.code"
            data-testid="trail-filter-action"
          />
        </label>
        <label className="field">
          <span className="field-label">{t("trail.filter.objectType")}</span>
          <input value={filters.objectType} onChange={set("objectType")} placeholder="authorization" />
        </label>
        <label className="field">
          <span className="field-label">{t("trail.filter.objectId")}</span>
          <input value={filters.objectId} onChange={set("objectId")} />
        </label>
        <label className="field">
          <span className="field-label">{t("trail.filter.org")}</span>
          <select value={filters.orgId} onChange={set("orgId")} data-testid="trail-filter-org">
            <option value="">{t("trail.filter.all")}</option>
            {orgs.data?.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">{t("trail.filter.from")}</span>
          <input type="date" value={filters.from} onChange={set("from")} />
        </label>
        <label className="field">
          <span className="field-label">{t("trail.filter.to")}</span>
          <input type="date" value={filters.to} onChange={set("to")} />
        </label>
        <button type="button" className="button button-ghost" onClick={() => setFilters(NO_FILTERS)}>
          {t("trail.filter.reset")}
        </button>
      </div>

      {events.isPending && <Loading />}
      {events.isError && <ErrorNotice error={events.error} onRetry={() => events.refetch()} />}
      {events.isSuccess && items.length === 0 && <p className="empty">{t("trail.empty")}</p>}
      {items.length > 0 && (
        <div className="card table-card">
          <table className="table trail-table" data-testid="trail-table">
            <thead>
              <tr>
                <th scope="col" className="num">
                  {t("trail.col.seq")}
                </th>
                <th scope="col">{t("trail.col.time")}</th>
                <th scope="col">{t("trail.col.actor")}</th>
                <th scope="col">{t("trail.col.action")}</th>
                <th scope="col">{t("trail.col.object")}</th>
                <th scope="col">{t("trail.col.detail")}</th>
                <th scope="col">{t("trail.col.signature")}</th>
                <th scope="col">{t("trail.col.hash")}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((e) => (
                <tr key={e.seq} data-testid="trail-row" data-action={e.action}>
                  <td className="num mono small">{e.seq}</td>
                  <td className="nowrap">{formatDateTime(e.occurredAt)}</td>
                  <td>
                    {e.actorName ?? t("trail.system")}
                    {e.actorOrgName && <div className="muted small">{e.actorOrgName}</div>}
                  </td>
                  <td className="mono small">{e.action}</td>
                  <td className="small">
                    <span className="mono">{e.objectType}</span>
                    <div className="mono muted small truncate" title={e.objectId}>
                      {e.objectId}
                    </div>
                  </td>
                  <td className="small">
                    {Object.entries(e.detail)
                      .map(([k, v]) => `${k}: ${String(v)}`)
                      .join(" · ")}
                  </td>
                  <td>{e.approvalId ? <ApprovalCheck approvalId={e.approvalId} /> : "—"}</td>
                  <td className="mono small" title={e.eventHash}>
                    {e.eventHash.slice(0, 12)}…
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {events.hasNextPage && (
        <div className="center">
          <button
            type="button"
            className="button"
            onClick={() => events.fetchNextPage()}
            disabled={events.isFetchingNextPage}
          >
            {events.isFetchingNextPage ? t("common.loading") : t("trail.loadMore")}
          </button>
        </div>
      )}
    </div>
  );
}

/** Verifies one approval's ed25519 signature on demand. */
function ApprovalCheck({ approvalId }: { approvalId: string }) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const check = useQuery({ ...trpc.trail.verifyApproval.queryOptions({ id: approvalId }), enabled: false });
  if (check.data) {
    return (
      <span
        className={check.data.ok ? "tag tag-success" : "tag tag-danger"}
        data-testid="approval-check"
        data-ok={String(check.data.ok)}
        title={check.data.checks.map((c) => c.detail).join("\n")}
      >
        {check.data.ok ? t("trail.signatureOk") : t("trail.signatureBad")}
      </span>
    );
  }
  return (
    <button
      type="button"
      className="button button-small"
      onClick={() => check.refetch()}
      disabled={check.isFetching}
    >
      {t("trail.signed")} · {t("trail.checkSignature")}
    </button>
  );
}
