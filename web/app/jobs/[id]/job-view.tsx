"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { RequireSession } from "@/components/session";
import { ErrorNotice, Loading } from "@/components/status";
import { useI18n } from "@/lib/i18n/i18n-provider";
import type { TMessageKey } from "@/lib/i18n/types";
import { useTRPC } from "@/lib/trpc/client";
import {
  isUnfinished,
  JobLifecycle,
  JobOutcomeNotice,
  JobOutput,
  JobReceipt,
  JobStateTag,
  JobStats,
} from "../job-parts";

/** One job: its lifecycle (polled while it moves), output when visible, statistics and receipt. */
export function JobView({ id }: { id: string }) {
  return <RequireSession roles={["buyer", "operator"]}>{() => <Job id={id} />}</RequireSession>;
}

function Job({ id }: { id: string }) {
  const { t, pick, formatDateTime } = useI18n();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const job = useQuery({
    ...trpc.productJobs.get.queryOptions({ jobId: id }),
    // Moving: every second; held for review: every 5 s (the regulator may release it meanwhile).
    refetchInterval: (q) =>
      !q.state.data
        ? 1000
        : isUnfinished(q.state.data)
          ? 1000
          : q.state.data.reviewState === "held"
            ? 5000
            : false,
  });
  const cancel = useMutation({
    ...trpc.productJobs.cancel.mutationOptions(),
    onSuccess: (data) => queryClient.setQueryData(trpc.productJobs.get.queryKey({ jobId: id }), data),
  });

  if (job.isPending) return <Loading />;
  if (job.isError) return <ErrorNotice error={job.error} onRetry={() => job.refetch()} />;
  const j = job.data;
  const canCancel = j.state === "queued" || j.state === "running";
  const ended = !isUnfinished(j);

  return (
    <div className="page sd-page">
      <nav className="breadcrumb">
        <Link href="/jobs">← {t("jobs.backToList")}</Link>
      </nav>
      <div className="page-heading">
        <div>
          <span className="tag tag-code mono">
            {j.product.code} · v{j.version.number}
          </span>
          <h1>{pick(j.product.name)}</h1>
          <p className="muted small">
            {t("jobs.jobId")}{" "}
            <span className="mono" data-testid="job-id">
              {j.jobId}
            </span>
          </p>
        </div>
        <div className="sd-heading-side">
          <JobStateTag job={j} />
          {canCancel && (
            <button
              type="button"
              className="button"
              onClick={() => cancel.mutate({ jobId: j.jobId })}
              disabled={cancel.isPending}
              data-testid="job-cancel"
            >
              {cancel.isPending ? t("jobs.cancelling") : t("jobs.cancel")}
            </button>
          )}
        </div>
      </div>
      {cancel.isError && <ErrorNotice error={cancel.error} />}

      <section className="card" aria-labelledby="job-progress-title">
        <h2 id="job-progress-title" className="sd-title">
          {t("jobs.lifecycle")}
          {!ended && (
            <span className="muted small sd-live">
              <span className="spinner" aria-hidden="true" /> {t("jobs.polling")}
            </span>
          )}
        </h2>
        <JobLifecycle job={j} />
        <dl className="kv sd-kv sd-kv-grid">
          <div>
            <dt>{t("jobs.mode")}</dt>
            <dd>{t(`jobs.mode.${j.mode}` as TMessageKey)}</dd>
          </div>
          <div>
            <dt>{t("jobs.version")}</dt>
            <dd>
              v{j.version.number}{" "}
              <span className="mono small muted" title={j.version.hash}>
                {j.version.hash.slice(0, 16)}…
              </span>
            </dd>
          </div>
          <div>
            <dt>{t("jobs.queuedAt")}</dt>
            <dd>{formatDateTime(j.queuedAt)}</dd>
          </div>
          <div>
            <dt>{t("jobs.finishedAt")}</dt>
            <dd>{j.finishedAt ? formatDateTime(j.finishedAt) : "—"}</dd>
          </div>
          {j.review.reviewedAt && (
            <div>
              <dt>{t("jobs.reviewedAt")}</dt>
              <dd>
                {formatDateTime(j.review.reviewedAt)}
                {j.review.comment && <div className="small muted">“{j.review.comment}”</div>}
              </dd>
            </div>
          )}
        </dl>
      </section>

      <JobOutcomeNotice job={j} />

      {j.outputVisible && (
        <section className="card" data-testid="job-output-section">
          <h2>{t("jobs.output")}</h2>
          <JobOutput output={j.output} />
        </section>
      )}
      {j.stats && ended && (
        <section className="card">
          <h2>{t("jobs.stats")}</h2>
          <JobStats stats={j.stats} />
        </section>
      )}
      <JobReceipt job={j} />
    </div>
  );
}
