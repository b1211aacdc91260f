"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { type FormEvent, useState } from "react";
import { RequireSession } from "@/components/session";
import { ErrorNotice, Loading } from "@/components/status";
import { useI18n } from "@/lib/i18n/i18n-provider";
import { useTRPC } from "@/lib/trpc/client";
import { formatDuration } from "../demands/format-duration";
import {
  OverdueBadges,
  QUALITY_STATUSES,
  QualityStatusTag,
  ScoreStars,
  type TQualityIssue,
  type TQualityStatus,
} from "./quality-bits";

const CATEGORIES = ["accuracy", "completeness", "timeliness", "consistency", "other"] as const;
type TCategory = (typeof CATEGORIES)[number];

/** The quality loop: per-department statistics, the report form and the issues the caller may see. */
export default function QualityPage() {
  return <RequireSession>{() => <QualityBoard />}</RequireSession>;
}

function QualityBoard() {
  const { t } = useI18n();
  const trpc = useTRPC();
  const [status, setStatus] = useState<TQualityStatus | "">("");
  const [datasetCode, setDatasetCode] = useState("");
  const [overdue, setOverdue] = useState(false);
  const datasets = useQuery(trpc.quality.datasetOptions.queryOptions());
  const issues = useQuery({
    ...trpc.quality.list.queryOptions({
      status: status || undefined,
      datasetCode: datasetCode || undefined,
      overdue: overdue || undefined,
    }),
    placeholderData: keepPreviousData,
  });

  return (
    <div className="page">
      <div className="page-heading">
        <div>
          <h1>{t("quality.title")}</h1>
          <p className="muted">{t("quality.subtitle")}</p>
        </div>
      </div>
      <QualityStats />
      <ReportForm />
      <div className="dq-filters">
        <label className="field field-inline">
          <span className="field-label">{t("quality.filter.status")}</span>
          <select
            value={status}
            onChange={(e) => setStatus(e.target.value as TQualityStatus | "")}
            data-testid="quality-filter-status"
          >
            <option value="">{t("quality.filter.all")}</option>
            {QUALITY_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`quality.status.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="field field-inline">
          <span className="field-label">{t("quality.filter.dataset")}</span>
          <select
            value={datasetCode}
            onChange={(e) => setDatasetCode(e.target.value)}
            data-testid="quality-filter-dataset"
          >
            <option value="">{t("quality.filter.all")}</option>
            {datasets.data?.map((d) => (
              <option key={d.code} value={d.code}>
                {d.code}
              </option>
            ))}
          </select>
        </label>
        <label className="dq-check">
          <input
            type="checkbox"
            checked={overdue}
            onChange={(e) => setOverdue(e.target.checked)}
            data-testid="quality-filter-overdue"
          />
          {t("quality.filter.overdue")}
        </label>
      </div>
      {issues.isPending && <Loading />}
      {issues.isError && <ErrorNotice error={issues.error} onRetry={() => issues.refetch()} />}
      {issues.data && issues.data.length === 0 && <p className="empty">{t("quality.empty")}</p>}
      {issues.data && issues.data.length > 0 && <IssueTable issues={issues.data} />}
    </div>
  );
}

function IssueTable({ issues }: { issues: TQualityIssue[] }) {
  const { t, pick, formatDateTime } = useI18n();
  return (
    <div className="card table-card">
      <table className="table" data-testid="quality-table">
        <thead>
          <tr>
            <th scope="col">{t("quality.col.issue")}</th>
            <th scope="col">{t("quality.col.dataset")}</th>
            <th scope="col">{t("quality.col.reporter")}</th>
            <th scope="col">{t("quality.col.source")}</th>
            <th scope="col">{t("quality.col.due")}</th>
            <th scope="col">{t("quality.col.status")}</th>
          </tr>
        </thead>
        <tbody>
          {issues.map((issue) => (
            <tr
              key={issue.id}
              data-testid="quality-row"
              data-id={issue.id}
              data-status={issue.status}
              data-overdue={String(issue.acknowledgeOverdue || issue.rectifyOverdue)}
            >
              <td>
                <Link href={`/quality/${encodeURIComponent(issue.id)}`} data-testid="quality-link">
                  {t(`quality.category.${issue.category}`)}
                </Link>
                <div className="dq-clamp small">{issue.description}</div>
              </td>
              <td>
                <span className="mono">{issue.datasetCode}</span>
                <div className="small muted">
                  {issue.fieldLabel
                    ? `${pick(issue.fieldLabel)} (${issue.fieldName})`
                    : (issue.fieldName ?? t("quality.wholeDataset"))}
                </div>
              </td>
              <td>{issue.reporterOrg.name}</td>
              <td>{issue.sourceOrg.name}</td>
              <td className="small nowrap">
                {(issue.status === "reported" || issue.status === "reopened") && (
                  <div>{t("quality.due.acknowledge", { at: formatDateTime(issue.acknowledgeDueAt) })}</div>
                )}
                {issue.status !== "rectified" && issue.status !== "verified" && (
                  <div>{t("quality.due.rectify", { at: formatDateTime(issue.rectifyDueAt) })}</div>
                )}
                <OverdueBadges issue={issue} />
              </td>
              <td>
                <QualityStatusTag status={issue.status} />
                {issue.score !== null && (
                  <div>
                    <ScoreStars score={issue.score} />
                  </div>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function QualityStats() {
  const { t, formatNumber } = useI18n();
  const trpc = useTRPC();
  const stats = useQuery(trpc.quality.stats.queryOptions());
  if (stats.isPending) return <Loading />;
  if (stats.isError) return <ErrorNotice error={stats.error} onRetry={() => stats.refetch()} />;
  return (
    <section className="card table-card dq-section" aria-labelledby="quality-stats-title">
      <h2 id="quality-stats-title" className="dq-card-title">
        {t("quality.stats.title")}
      </h2>
      <p className="small muted dq-card-title" data-testid="quality-deadlines">
        {t("quality.deadlines", {
          ack: stats.data.deadlines.acknowledgeWithinDays,
          rectify: stats.data.deadlines.rectifyWithinDays,
        })}
      </p>
      {stats.data.bySource.length === 0 ? (
        <p className="muted dq-card-title">{t("quality.stats.empty")}</p>
      ) : (
        <table className="table" data-testid="quality-stats">
          <thead>
            <tr>
              <th scope="col">{t("quality.stats.source")}</th>
              <th scope="col" className="num">
                {t("quality.stats.total")}
              </th>
              <th scope="col" className="num">
                {t("quality.stats.open")}
              </th>
              <th scope="col" className="num">
                {t("quality.stats.awaiting")}
              </th>
              <th scope="col" className="num">
                {t("quality.stats.verified")}
              </th>
              <th scope="col" className="num">
                {t("quality.stats.overdue")}
              </th>
              <th scope="col" className="num">
                {t("quality.stats.averageScore")}
              </th>
              <th scope="col" className="num">
                {t("quality.stats.averageRectify")}
              </th>
            </tr>
          </thead>
          <tbody>
            {stats.data.bySource.map((s) => (
              <tr key={s.sourceOrg.id} data-testid="quality-stats-row" data-org={s.sourceOrg.name}>
                <td>{s.sourceOrg.name}</td>
                <td className="num">{s.total}</td>
                <td className="num">{s.open}</td>
                <td className="num">{s.awaitingVerification}</td>
                <td className="num">{s.verified}</td>
                <td
                  className={s.overdue > 0 ? "num dq-overdue-count" : "num"}
                  data-testid="quality-stats-overdue"
                >
                  {s.overdue}
                </td>
                <td className="num">{s.averageScore === null ? "—" : formatNumber(s.averageScore, 1)}</td>
                <td className="num">
                  {s.averageRectifyMs === null ? "—" : formatDuration(s.averageRectifyMs, t, formatNumber)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function ReportForm() {
  const { t, pick } = useI18n();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const datasets = useQuery(trpc.quality.datasetOptions.queryOptions());
  const [datasetCode, setDatasetCode] = useState("");
  const [fieldName, setFieldName] = useState("");
  const [category, setCategory] = useState<TCategory>("accuracy");
  const [description, setDescription] = useState("");
  const report = useMutation({
    ...trpc.quality.report.mutationOptions(),
    onSuccess: () => {
      setDescription("");
      return queryClient.invalidateQueries({ queryKey: trpc.quality.pathKey() });
    },
  });
  const dataset = datasets.data?.find((d) => d.code === datasetCode);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    report.mutate({ datasetCode, fieldName: fieldName || null, category, description });
  };
  return (
    <section className="card dq-section" aria-labelledby="quality-report-title">
      <h2 id="quality-report-title">{t("quality.report.title")}</h2>
      {datasets.isError && <ErrorNotice error={datasets.error} onRetry={() => datasets.refetch()} />}
      <form className="form dq-form" onSubmit={submit} data-testid="quality-report-form">
        <div className="dq-form-row">
          <label className="field">
            <span className="field-label">{t("quality.report.dataset")}</span>
            <select
              value={datasetCode}
              required
              onChange={(e) => {
                setDatasetCode(e.target.value);
                setFieldName("");
              }}
              data-testid="quality-dataset"
            >
              <option value="">{t("quality.report.chooseDataset")}</option>
              {datasets.data?.map((d) => (
                <option key={d.code} value={d.code}>
                  {d.code} · {pick(d.name)}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span className="field-label">{t("quality.report.field")}</span>
            <select
              value={fieldName}
              disabled={!dataset}
              onChange={(e) => setFieldName(e.target.value)}
              data-testid="quality-field"
            >
              <option value="">{t("quality.report.wholeDataset")}</option>
              {dataset?.fields.map((f) => (
                <option key={f.name} value={f.name}>
                  {pick(f.label)} ({f.name})
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span className="field-label">{t("quality.report.category")}</span>
            <select
              value={category}
              onChange={(e) => setCategory(e.target.value as TCategory)}
              data-testid="quality-category"
            >
              {CATEGORIES.map((c) => (
                <option key={c} value={c}>
                  {t(`quality.category.${c}`)}
                </option>
              ))}
            </select>
          </label>
        </div>
        {dataset && (
          <p className="small muted" data-testid="quality-routed-to">
            {t("quality.report.routedTo", { org: dataset.sourceOrg.name })}
          </p>
        )}
        <label className="field">
          <span className="field-label">{t("quality.report.description")}</span>
          <textarea
            value={description}
            rows={3}
            maxLength={4000}
            required
            placeholder={t("quality.report.descriptionPlaceholder")}
            onChange={(e) => setDescription(e.target.value)}
            data-testid="quality-description"
          />
        </label>
        {report.isError && <ErrorNotice error={report.error} />}
        {report.isSuccess && (
          <p className="notice notice-info" data-testid="quality-reported">
            {t("quality.report.done")}{" "}
            <Link href={`/quality/${encodeURIComponent(report.data.id)}`} data-testid="quality-reported-link">
              {t("quality.open")}
            </Link>
          </p>
        )}
        <div>
          <button
            type="submit"
            className="button button-primary"
            disabled={report.isPending || !datasetCode}
            data-testid="quality-submit"
          >
            {report.isPending ? t("quality.report.submitting") : t("quality.report.submit")}
          </button>
        </div>
      </form>
    </section>
  );
}
