"use client";

/**
 * 计算任务, the buyer's jobs: choose a product, preview what the job may cost in ε against each
 * dataset's remaining privacy budget, start it, and the list of past jobs with their state.
 */
import { useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { RequireSession } from "@/components/session";
import { ErrorNotice, Loading } from "@/components/status";
import { useI18n } from "@/lib/i18n/i18n-provider";
import type { TMessageKey } from "@/lib/i18n/types";
import { useTRPC } from "@/lib/trpc/client";
import { isUnfinished, JobStateTag } from "./job-parts";

export default function JobsPage() {
  return <RequireSession roles={["buyer"]}>{() => <Jobs />}</RequireSession>;
}

function Jobs() {
  const { t } = useI18n();
  return (
    <div className="page sd-page">
      <div className="page-heading">
        <div>
          <h1>{t("jobs.title")}</h1>
          <p className="muted">{t("jobs.subtitle")}</p>
        </div>
      </div>
      <StartJob />
      <JobList />
    </div>
  );
}

function StartJob() {
  const { t, pick, formatNumber } = useI18n();
  const trpc = useTRPC();
  const router = useRouter();
  const [productId, setProductId] = useState("");
  const products = useQuery(trpc.catalog.listProducts.queryOptions());
  const runnable = useQuery({
    ...trpc.productJobs.runnable.queryOptions({ productId }),
    enabled: productId !== "",
  });
  const preview = useMutation(trpc.productJobs.preview.mutationOptions());
  const start = useMutation({
    ...trpc.productJobs.start.mutationOptions(),
    onSuccess: (job) => router.push(`/jobs/${encodeURIComponent(job.jobId)}`),
  });

  return (
    <section className="card" data-testid="start-job">
      <h2>{t("jobs.start")}</h2>
      <label className="field">
        <span className="field-label">{t("jobs.product")}</span>
        <select
          value={productId}
          onChange={(e) => {
            setProductId(e.target.value);
            preview.reset();
          }}
          data-testid="job-product"
        >
          <option value="">{t("jobs.chooseProduct")}</option>
          {products.data?.map((p) => (
            <option key={p.id} value={p.id}>
              {pick(p.name)} ({p.code})
            </option>
          ))}
        </select>
      </label>
      {runnable.isError && <ErrorNotice error={runnable.error} />}
      {productId !== "" && runnable.isPending && <Loading />}
      {productId !== "" && runnable.data === null && <p className="empty">{t("jobs.noVersion")}</p>}
      {runnable.data && (
        <>
          <p className="small">
            {t("jobs.version")} v{runnable.data.version} ·{" "}
            <span className="mono" data-testid="runnable-version-hash" title={runnable.data.versionHash}>
              {runnable.data.versionHash.slice(0, 16)}…
            </span>
          </p>
          {runnable.data.reviewState === "awaiting_first_review" && (
            <p className="notice notice-info">{t("jobs.versionAwaitingReview")}</p>
          )}
          {!preview.data && (
            <div>
              <button
                type="button"
                className="button button-primary"
                onClick={() => preview.mutate({ productId })}
                disabled={preview.isPending}
                data-testid="job-preview"
              >
                {preview.isPending ? t("jobs.previewing") : t("jobs.preview")}
              </button>
            </div>
          )}
        </>
      )}
      {preview.isError && <ErrorNotice error={preview.error} />}
      {preview.data && (
        <div className="sd-preview" data-testid="job-preview-result">
          <h3 className="sd-title">{t("jobs.previewTitle")}</h3>
          <p className="sd-preview-max">
            {t("jobs.maxEpsilon")}{" "}
            <strong className="sd-big" data-testid="preview-max-epsilon">
              {formatNumber(preview.data.maxEpsilon, 4)}
            </strong>
          </p>
          <p className="small muted">{t("jobs.epsilonExplain")}</p>
          <div className="table-card sd-table-box">
            <table className="table" data-testid="preview-budgets">
              <thead>
                <tr>
                  <th scope="col">{t("jobs.budget.dataset")}</th>
                  <th scope="col" className="sd-meter-col">
                    {t("jobs.budget.meter")}
                  </th>
                  <th scope="col" className="num">
                    {t("jobs.budget.total")}
                  </th>
                  <th scope="col" className="num">
                    {t("jobs.budget.spent")}
                  </th>
                  <th scope="col" className="num">
                    {t("jobs.budget.remaining")}
                  </th>
                  <th scope="col" className="num">
                    {t("jobs.budget.after")}
                  </th>
                </tr>
              </thead>
              <tbody>
                {preview.data.budgets.map((b) => (
                  <BudgetRow key={b.datasetCode} budget={b} maxEpsilon={preview.data.maxEpsilon} />
                ))}
              </tbody>
            </table>
          </div>
          <p className="sd-legend small muted" aria-hidden="true">
            <span>
              <i className="sd-swatch sd-swatch-spent" /> {t("jobs.budget.spent")}
            </span>
            <span>
              <i className="sd-swatch sd-swatch-job" /> {t("jobs.budget.thisJob")}
            </span>
            <span>
              <i className="sd-swatch sd-swatch-left" /> {t("jobs.budget.after")}
            </span>
          </p>
          {!preview.data.affordable && (
            <p className="notice notice-danger" role="alert" data-testid="job-not-affordable">
              {t("jobs.notAffordable", {
                detail: preview.data.budgets
                  .filter((b) => b.remaining < preview.data.maxEpsilon)
                  .map((b) =>
                    t("jobs.notAffordableOne", {
                      code: b.datasetCode,
                      remaining: formatNumber(b.remaining, 4),
                      need: formatNumber(preview.data.maxEpsilon, 4),
                    }),
                  )
                  .join(t("jobs.listSeparator")),
              })}
            </p>
          )}
          <div className="sd-row">
            <button
              type="button"
              className="button button-primary"
              onClick={() => start.mutate({ productId })}
              disabled={!preview.data.affordable || start.isPending}
              data-testid="job-start"
            >
              {start.isPending ? t("jobs.starting") : t("jobs.confirmStart")}
            </button>
            <button
              type="button"
              className="button"
              onClick={() => preview.reset()}
              disabled={start.isPending}
            >
              {t("jobs.previewCancel")}
            </button>
          </div>
        </div>
      )}
      {start.isError && <ErrorNotice error={start.error} />}
    </section>
  );
}

type TBudget = { datasetCode: string; total: number; spent: number; remaining: number };

/** One dataset's ε budget: spent, what this job may take, and what is left at least afterwards. */
function BudgetRow({ budget: b, maxEpsilon }: { budget: TBudget; maxEpsilon: number }) {
  const { t, formatNumber } = useI18n();
  const total = b.total > 0 ? b.total : 1;
  const thisJob = Math.min(maxEpsilon, Math.max(0, b.remaining));
  const after = Math.max(0, b.remaining - maxEpsilon);
  const pct = (v: number) => `${Math.max(0, Math.min(100, (v / total) * 100))}%`;
  const short = b.remaining < maxEpsilon;
  return (
    <tr data-testid="preview-budget" data-dataset={b.datasetCode}>
      <td className="mono">{b.datasetCode}</td>
      <td className="sd-meter-col">
        <div
          className="sd-meter"
          aria-hidden="true"
          title={t("jobs.budget.meterLabel", { code: b.datasetCode })}
        >
          <span className="sd-meter-spent" style={{ width: pct(b.spent) }} />
          <span
            className={short ? "sd-meter-job is-short" : "sd-meter-job"}
            style={{ width: pct(thisJob) }}
          />
        </div>
      </td>
      <td className="num">{formatNumber(b.total, 4)}</td>
      <td className="num">{formatNumber(b.spent, 4)}</td>
      <td className="num">{formatNumber(b.remaining, 4)}</td>
      <td className={short ? "num sd-bad" : "num"}>
        <strong>{formatNumber(after, 4)}</strong>
      </td>
    </tr>
  );
}

function JobList() {
  const { t, pick, formatDateTime, formatNumber } = useI18n();
  const trpc = useTRPC();
  const jobs = useQuery({
    ...trpc.productJobs.listMine.queryOptions({ mode: "real" }),
    // Moving jobs every 2 s; outputs held for review every 10 s (the regulator may release them).
    refetchInterval: (q) =>
      q.state.data?.some(isUnfinished)
        ? 2000
        : q.state.data?.some((j) => j.reviewState === "held")
          ? 10_000
          : false,
  });
  return (
    <section aria-labelledby="jobs-list-title">
      <h2 id="jobs-list-title">{t("jobs.list")}</h2>
      {jobs.isPending && <Loading />}
      {jobs.isError && <ErrorNotice error={jobs.error} onRetry={() => jobs.refetch()} />}
      {jobs.data && jobs.data.length === 0 && <p className="empty">{t("jobs.empty")}</p>}
      {jobs.data && jobs.data.length > 0 && (
        <div className="card table-card">
          <table className="table" data-testid="jobs-table">
            <thead>
              <tr>
                <th scope="col">{t("jobs.queuedAt")}</th>
                <th scope="col">{t("jobs.product")}</th>
                <th scope="col">{t("jobs.mode")}</th>
                <th scope="col">{t("jobs.state")}</th>
                <th scope="col" className="num">
                  {t("jobs.stat.epsilonSpent")}
                </th>
                <th scope="col">
                  <span className="visually-hidden">{t("jobs.open")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {jobs.data.map((job) => (
                <tr key={job.jobId} data-testid="job-row">
                  <td>{formatDateTime(job.queuedAt)}</td>
                  <td>
                    {pick(job.product.name)}{" "}
                    <span className="mono muted small">
                      {job.product.code} v{job.version.number}
                    </span>
                  </td>
                  <td>{t(`jobs.mode.${job.mode}` as TMessageKey)}</td>
                  <td>
                    <JobStateTag job={job} />
                  </td>
                  <td className="num">
                    {job.stats && !isUnfinished(job) ? formatNumber(job.stats.epsilonSpent, 4) : "—"}
                  </td>
                  <td>
                    <Link href={`/jobs/${encodeURIComponent(job.jobId)}`}>{t("jobs.open")}</Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
