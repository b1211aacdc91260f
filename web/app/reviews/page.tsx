"use client";

/**
 * 结果审核, the regulator's queue of held first outputs of new product versions: each with who
 * asked, the output, the enclave-signed receipt and the decision (release, or withhold with a
 * reason). Decisions taken on this page stay listed at the top until the page is left.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { RequireSession } from "@/components/session";
import { ErrorNotice, Loading } from "@/components/status";
import { useI18n } from "@/lib/i18n/i18n-provider";
import { useTRPC } from "@/lib/trpc/client";
import { JobOutput, JobReceipt, JobStateTag, type TProductJob } from "../jobs/job-parts";

export default function ReviewsPage() {
  return <RequireSession roles={["regulator"]}>{() => <ReviewQueue />}</RequireSession>;
}

type TDecision = { jobId: string; product: string; released: boolean };

function ReviewQueue() {
  const { t, pick } = useI18n();
  const trpc = useTRPC();
  const queue = useQuery({ ...trpc.productJobs.reviewQueue.queryOptions(), refetchInterval: 5000 });
  const [decisions, setDecisions] = useState<TDecision[]>([]);
  return (
    <div className="page sd-page">
      <div className="page-heading">
        <div>
          <h1>
            {t("reviews.title")}
            {queue.data && queue.data.length > 0 && (
              <span className="tag tag-warn sd-count" data-testid="reviews-count">
                {t("reviews.count", { n: queue.data.length })}
              </span>
            )}
          </h1>
          <p className="muted">{t("reviews.subtitle")}</p>
        </div>
      </div>
      {decisions.map((d) => (
        <p
          key={d.jobId}
          className={d.released ? "notice notice-success" : "notice notice-info"}
          role="status"
          data-testid="review-decided"
        >
          {t(d.released ? "reviews.releasedNotice" : "reviews.withheldNotice", { product: d.product })}
        </p>
      ))}
      {queue.isPending && <Loading />}
      {queue.isError && <ErrorNotice error={queue.error} onRetry={() => queue.refetch()} />}
      {queue.data && queue.data.length === 0 && (
        <p className="empty" data-testid="reviews-empty">
          {t("reviews.empty")}
        </p>
      )}
      {queue.data?.map((job) => (
        <HeldJob
          key={job.jobId}
          job={job}
          onDecided={(released) =>
            setDecisions((list) => [{ jobId: job.jobId, product: pick(job.product.name), released }, ...list])
          }
        />
      ))}
    </div>
  );
}

function HeldJob({ job, onDecided }: { job: TProductJob; onDecided: (released: boolean) => void }) {
  const { t, pick, formatDateTime } = useI18n();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [comment, setComment] = useState("");
  const [missingComment, setMissingComment] = useState(false);
  const onDone = (released: boolean) => {
    onDecided(released);
    return queryClient.invalidateQueries({ queryKey: trpc.productJobs.reviewQueue.queryKey() });
  };
  const release = useMutation({
    ...trpc.productJobs.release.mutationOptions(),
    onSuccess: () => onDone(true),
  });
  const withhold = useMutation({
    ...trpc.productJobs.withhold.mutationOptions(),
    onSuccess: () => onDone(false),
  });
  const busy = release.isPending || withhold.isPending;
  const commentId = `review-comment-${job.jobId}`;

  return (
    <section className="card sd-review" data-testid="held-job" data-job-id={job.jobId}>
      <div className="sd-review-head">
        <div>
          <h2 className="sd-title sd-review-title">
            {pick(job.product.name)}
            <span className="tag tag-code mono">
              {job.product.code} · v{job.version.number}
            </span>
          </h2>
          <p className="small muted sd-meta">
            <span>
              {t("reviews.buyer")}: <strong className="sd-ink">{job.requesterOrg.name}</strong>
            </span>
            {job.finishedAt && (
              <span>
                {t("reviews.finishedAt")}: {formatDateTime(job.finishedAt)}
              </span>
            )}
            <span>
              {t("reviews.jobId")}: <span className="mono">{job.jobId}</span>
            </span>
          </p>
        </div>
        <JobStateTag job={job} />
      </div>
      <p className="small muted">{t("reviews.checkHint")}</p>
      <h3>{t("reviews.output")}</h3>
      <JobOutput output={job.output} />
      <JobReceipt job={job} embedded />
      <div className="sd-decision">
        <label className="field-label" htmlFor={commentId}>
          {t("reviews.comment")}
        </label>
        <textarea
          id={commentId}
          className="sd-textarea"
          value={comment}
          onChange={(e) => {
            setComment(e.target.value);
            setMissingComment(false);
          }}
          rows={2}
          placeholder={t("reviews.commentPlaceholder")}
          aria-invalid={missingComment ? true : undefined}
          data-testid="review-comment"
        />
        {missingComment && (
          <p className="notice notice-error" role="alert">
            {t("reviews.commentRequired")}
          </p>
        )}
        <div className="sd-row sd-row-end">
          <button
            type="button"
            className="button button-danger"
            disabled={busy}
            onClick={() => {
              if (!comment.trim()) {
                setMissingComment(true);
                return;
              }
              withhold.mutate({ jobId: job.jobId, comment: comment.trim() });
            }}
            data-testid="review-withhold"
          >
            {withhold.isPending ? t("reviews.working") : t("reviews.withhold")}
          </button>
          <button
            type="button"
            className="button button-primary"
            disabled={busy}
            onClick={() => release.mutate({ jobId: job.jobId, comment: comment.trim() || undefined })}
            data-testid="review-release"
          >
            {release.isPending ? t("reviews.working") : t("reviews.release")}
          </button>
        </div>
        {release.isError && <ErrorNotice error={release.error} />}
        {withhold.isError && <ErrorNotice error={withhold.error} />}
      </div>
    </section>
  );
}
