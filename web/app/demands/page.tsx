"use client";

import { LIBRARY_CODES, LIBRARY_LABELS } from "@pdx/common/catalog/dataset-entry";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { type FormEvent, useState } from "react";
import { RequireSession } from "@/components/session";
import { ErrorNotice, Loading } from "@/components/status";
import { useI18n } from "@/lib/i18n/i18n-provider";
import type { TRouterOutputs } from "@/lib/trpc/app-router";
import { useTRPC } from "@/lib/trpc/client";
import { DemandStatusTag, type TDemandStatus } from "./demand-status";
import { formatDuration } from "./format-duration";

const STATUSES: readonly TDemandStatus[] = ["open", "answered", "satisfied", "closed"];

/** The demand list (需求清单): how well demands are met, the list, and a post form for buyers. */
export default function DemandsPage() {
  return <RequireSession>{(user) => <DemandBoard canPost={user.role === "buyer"} />}</RequireSession>;
}

function DemandBoard({ canPost }: { canPost: boolean }) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const [status, setStatus] = useState<TDemandStatus | "">("");
  const [mine, setMine] = useState(false);
  const demands = useQuery({
    ...trpc.demands.list.queryOptions({ status: status || undefined, mine: mine || undefined }),
    placeholderData: keepPreviousData,
  });

  return (
    <div className="page">
      <div className="page-heading">
        <div>
          <h1>{t("demands.title")}</h1>
          <p className="muted">{t("demands.subtitle")}</p>
        </div>
      </div>
      <DemandStats />
      {canPost && <PostDemandForm />}
      <div className="dq-filters">
        <label className="field field-inline">
          <span className="field-label">{t("demands.filter.status")}</span>
          <select
            value={status}
            onChange={(e) => setStatus(e.target.value as TDemandStatus | "")}
            data-testid="demand-filter-status"
          >
            <option value="">{t("demands.filter.all")}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`demands.status.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="dq-check">
          <input
            type="checkbox"
            checked={mine}
            onChange={(e) => setMine(e.target.checked)}
            data-testid="demand-filter-mine"
          />
          {t("demands.filter.mine")}
        </label>
      </div>
      {demands.isPending && <Loading />}
      {demands.isError && <ErrorNotice error={demands.error} onRetry={() => demands.refetch()} />}
      {demands.data && demands.data.length === 0 && <p className="empty">{t("demands.empty")}</p>}
      {demands.data && demands.data.length > 0 && <DemandTable demands={demands.data} />}
    </div>
  );
}

function DemandTable({ demands }: { demands: TRouterOutputs["demands"]["list"] }) {
  const { t, pick, formatDateTime } = useI18n();
  return (
    <div className="card table-card">
      <table className="table" data-testid="demand-table">
        <thead>
          <tr>
            <th scope="col">{t("demands.col.title")}</th>
            <th scope="col">{t("demands.col.buyer")}</th>
            <th scope="col">{t("demands.col.library")}</th>
            <th scope="col">{t("demands.col.created")}</th>
            <th scope="col" className="num">
              {t("demands.col.responses")}
            </th>
            <th scope="col">{t("demands.col.status")}</th>
          </tr>
        </thead>
        <tbody>
          {demands.map((d) => (
            <tr key={d.id} data-testid="demand-row" data-id={d.id} data-status={d.status}>
              <td>
                <Link href={`/demands/${encodeURIComponent(d.id)}`} data-testid="demand-link">
                  {d.title}
                </Link>
                {d.datasetCodes.length > 0 && (
                  <div className="mono muted small">{d.datasetCodes.join(" · ")}</div>
                )}
              </td>
              <td>{d.buyerOrg.name}</td>
              <td>{d.libraryCode ? pick(LIBRARY_LABELS[d.libraryCode]) : "—"}</td>
              <td className="nowrap">{formatDateTime(d.createdAt)}</td>
              <td className="num">{d.responseCount}</td>
              <td>
                <DemandStatusTag status={d.status} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function DemandStats() {
  const { t, pick, formatNumber } = useI18n();
  const trpc = useTRPC();
  const stats = useQuery(trpc.demands.stats.queryOptions());
  if (stats.isPending) return <Loading />;
  if (stats.isError) return <ErrorNotice error={stats.error} onRetry={() => stats.refetch()} />;
  const s = stats.data;
  const none = t("demands.stats.none");
  const percent = (share: number | null) => (share === null ? none : `${formatNumber(share * 100, 1)}%`);
  const duration = (ms: number | null) => (ms === null ? none : formatDuration(ms, t, formatNumber));
  const libraryName = (code: string) =>
    (LIBRARY_CODES as readonly string[]).includes(code)
      ? pick(LIBRARY_LABELS[code as (typeof LIBRARY_CODES)[number]])
      : t("demands.stats.noLibrary");
  return (
    <section className="card dq-stats" aria-labelledby="demand-stats-title" data-testid="demand-stats">
      <h2 id="demand-stats-title">{t("demands.stats.title")}</h2>
      <div className="dq-stat-grid">
        <div className="dq-stat">
          <div className="dq-stat-label">{t("demands.stats.satisfactionRate")}</div>
          <div className="dq-stat-value" data-testid="stat-satisfaction-rate">
            {percent(s.satisfactionRate)}
          </div>
          <div className="dq-stat-hint">{t("demands.stats.satisfactionRateHint")}</div>
        </div>
        <div className="dq-stat">
          <div className="dq-stat-label">{t("demands.stats.median")}</div>
          <div className="dq-stat-value" data-testid="stat-median">
            {duration(s.timeToSatisfy.medianMs)}
          </div>
          <div className="dq-stat-hint">
            {t("demands.stats.p90")} <span data-testid="stat-p90">{duration(s.timeToSatisfy.p90Ms)}</span>
          </div>
        </div>
        <div className="dq-stat">
          <div className="dq-stat-label">{t("demands.stats.within1Day")}</div>
          <div className="dq-stat-value" data-testid="stat-within-1-day">
            {percent(s.timeToSatisfy.within1DayShare)}
          </div>
          <div className="dq-stat-hint">
            {t("demands.stats.within7Days")}{" "}
            <span data-testid="stat-within-7-days">{percent(s.timeToSatisfy.within7DaysShare)}</span> ·{" "}
            {t("demands.stats.withinHint")}
          </div>
        </div>
        <div className="dq-stat">
          <div className="dq-stat-label">{t("demands.stats.open")}</div>
          <div className="dq-stat-value" data-testid="stat-open">
            {s.openCount}
          </div>
          <div className="dq-stat-hint">
            {t("demands.stats.openHint", { open: s.open, answered: s.answered, old: s.openOlderThan7Days })} ·{" "}
            {t("demands.stats.total")} <span data-testid="stat-total">{s.total}</span>
          </div>
        </div>
      </div>
      {s.byLibrary.length > 0 && (
        <p className="dq-libraries small muted" data-testid="stat-by-library">
          {t("demands.stats.byLibrary")}:{" "}
          {s.byLibrary.map((l) => `${libraryName(l.libraryCode)} ${l.satisfied}/${l.total}`).join(" · ")}
        </p>
      )}
    </section>
  );
}

function PostDemandForm() {
  const { t, pick } = useI18n();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [libraryCode, setLibraryCode] = useState("");
  const [datasetCodes, setDatasetCodes] = useState("");
  const post = useMutation({
    ...trpc.demands.post.mutationOptions(),
    onSuccess: () => {
      setTitle("");
      setDescription("");
      setLibraryCode("");
      setDatasetCodes("");
      return queryClient.invalidateQueries({ queryKey: trpc.demands.pathKey() });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    post.mutate({
      title,
      description,
      libraryCode: (libraryCode || null) as (typeof LIBRARY_CODES)[number] | null,
      datasetCodes: datasetCodes
        .split(/[,，\s]+/)
        .map((c) => c.trim().toUpperCase())
        .filter((c) => c !== ""),
    });
  };
  return (
    <section className="card dq-form-card" aria-labelledby="post-demand-title">
      <h2 id="post-demand-title">{t("demands.post.title")}</h2>
      <form className="form dq-form" onSubmit={submit} data-testid="demand-post-form">
        <label className="field">
          <span className="field-label">{t("demands.post.fieldTitle")}</span>
          <input
            value={title}
            maxLength={200}
            required
            onChange={(e) => setTitle(e.target.value)}
            data-testid="demand-title"
          />
        </label>
        <label className="field">
          <span className="field-label">{t("demands.post.fieldDescription")}</span>
          <textarea
            value={description}
            maxLength={4000}
            rows={3}
            required
            placeholder={t("demands.post.descriptionPlaceholder")}
            onChange={(e) => setDescription(e.target.value)}
            data-testid="demand-description"
          />
        </label>
        <div className="dq-form-row">
          <label className="field">
            <span className="field-label">{t("demands.post.fieldLibrary")}</span>
            <select
              value={libraryCode}
              onChange={(e) => setLibraryCode(e.target.value)}
              data-testid="demand-library"
            >
              <option value="">{t("demands.post.noLibrary")}</option>
              {LIBRARY_CODES.map((code) => (
                <option key={code} value={code}>
                  {pick(LIBRARY_LABELS[code])}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span className="field-label">{t("demands.post.fieldDatasets")}</span>
            <input
              value={datasetCodes}
              placeholder={t("demands.post.datasetsPlaceholder")}
              onChange={(e) => setDatasetCodes(e.target.value)}
              data-testid="demand-datasets"
            />
          </label>
        </div>
        {post.isError && <ErrorNotice error={post.error} />}
        {post.isSuccess && (
          <p className="notice notice-info" data-testid="demand-posted">
            {t("demands.post.done")}
          </p>
        )}
        <div>
          <button
            type="submit"
            className="button button-primary"
            disabled={post.isPending}
            data-testid="demand-submit"
          >
            {post.isPending ? t("demands.post.submitting") : t("demands.post.submit")}
          </button>
        </div>
      </form>
    </section>
  );
}
