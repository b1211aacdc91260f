"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { type FormEvent, useState } from "react";
import { RequireSession } from "@/components/session";
import { ErrorNotice, Loading } from "@/components/status";
import { useI18n } from "@/lib/i18n/i18n-provider";
import type { TMessageKey } from "@/lib/i18n/types";
import type { TRouterOutputs } from "@/lib/trpc/app-router";
import { useTRPC } from "@/lib/trpc/client";
import { OverdueBadges, QualityStatusTag, ScoreStars } from "../quality-bits";

type TIssue = TRouterOutputs["quality"]["get"];

const STEP_KEYS: Record<string, TMessageKey> = {
  report: "quality.timeline.step.report",
  acknowledge: "quality.timeline.step.acknowledge",
  rectify: "quality.timeline.step.rectify",
  verify: "quality.timeline.step.verify",
  reopen: "quality.timeline.step.reopen",
};

/** One quality issue: facts and deadlines, the caller's actions, and the timeline. */
export function QualityIssueView({ id }: { id: string }) {
  return <RequireSession>{() => <QualityIssue id={id} />}</RequireSession>;
}

function QualityIssue({ id }: { id: string }) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const issue = useQuery(trpc.quality.get.queryOptions({ id }));
  return (
    <div className="page">
      <nav className="breadcrumb">
        <Link href="/quality">← {t("quality.detail.back")}</Link>
      </nav>
      {issue.isPending && <Loading />}
      {issue.isError && <ErrorNotice error={issue.error} onRetry={() => issue.refetch()} />}
      {issue.data && <IssueDetail issue={issue.data} />}
    </div>
  );
}

function IssueDetail({ issue }: { issue: TIssue }) {
  const { t, pick, formatDateTime } = useI18n();
  const when = (iso: string | null) => (iso ? formatDateTime(iso) : "—");
  return (
    <>
      <div className="page-heading">
        <div>
          <h1>{t("quality.detail.heading", { dataset: issue.datasetCode })}</h1>
          <p className="dq-heading-tags">
            <QualityStatusTag status={issue.status} />
            <OverdueBadges issue={issue} />
            {issue.score !== null && <ScoreStars score={issue.score} />}
          </p>
        </div>
      </div>
      <div className="detail-grid">
        <section className="card" aria-labelledby="issue-description-title">
          <h2 id="issue-description-title">{t("quality.detail.description")}</h2>
          <p className="prose" data-testid="quality-issue-description">
            {issue.description}
          </p>
          {issue.rectificationNote && (
            <>
              <h2>{t("quality.detail.note")}</h2>
              <p className="prose" data-testid="quality-rectification-note">
                {issue.rectificationNote}
              </p>
            </>
          )}
        </section>
        <section className="card">
          <dl className="kv">
            <div>
              <dt>{t("quality.detail.dataset")}</dt>
              <dd>
                {issue.datasetName ? pick(issue.datasetName) : issue.datasetCode}{" "}
                <span className="mono muted">({issue.datasetCode})</span>
              </dd>
            </div>
            <div>
              <dt>{t("quality.detail.field")}</dt>
              <dd data-testid="quality-issue-field">
                {issue.fieldName === null
                  ? t("quality.wholeDataset")
                  : issue.fieldLabel
                    ? `${pick(issue.fieldLabel)} (${issue.fieldName})`
                    : issue.fieldName}
              </dd>
            </div>
            <div>
              <dt>{t("quality.detail.category")}</dt>
              <dd>{t(`quality.category.${issue.category}`)}</dd>
            </div>
            <div>
              <dt>{t("quality.detail.reporter")}</dt>
              <dd>
                {issue.reporterOrg.name} · {issue.reporter.displayName}
              </dd>
            </div>
            <div>
              <dt>{t("quality.detail.source")}</dt>
              <dd data-testid="quality-issue-source">{issue.sourceOrg.name}</dd>
            </div>
            <div>
              <dt>{t("quality.detail.reportedAt")}</dt>
              <dd>{when(issue.reportedAt)}</dd>
            </div>
            <div className={issue.acknowledgeOverdue ? "dq-late" : undefined}>
              <dt>{t("quality.detail.acknowledgeDue")}</dt>
              <dd data-testid="quality-acknowledge-due">{when(issue.acknowledgeDueAt)}</dd>
            </div>
            <div className={issue.rectifyOverdue ? "dq-late" : undefined}>
              <dt>{t("quality.detail.rectifyDue")}</dt>
              <dd data-testid="quality-rectify-due">{when(issue.rectifyDueAt)}</dd>
            </div>
            <div>
              <dt>{t("quality.detail.acknowledgedAt")}</dt>
              <dd>{when(issue.acknowledgedAt)}</dd>
            </div>
            <div>
              <dt>{t("quality.detail.rectifiedAt")}</dt>
              <dd>{when(issue.rectifiedAt)}</dd>
            </div>
            {issue.verifiedAt && (
              <div>
                <dt>{t("quality.detail.verifiedAt")}</dt>
                <dd>{when(issue.verifiedAt)}</dd>
              </div>
            )}
            {issue.reopenCount > 0 && (
              <div>
                <dt>{t("quality.detail.reopenCount")}</dt>
                <dd>{issue.reopenCount}</dd>
              </div>
            )}
          </dl>
        </section>
      </div>
      <Actions issue={issue} />
      <Timeline issue={issue} />
    </>
  );
}

/** The buttons and forms of the actions the caller may take now (as the server says). */
function Actions({ issue }: { issue: TIssue }) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const onSuccess = () => queryClient.invalidateQueries({ queryKey: trpc.quality.pathKey() });
  const acknowledge = useMutation({ ...trpc.quality.acknowledge.mutationOptions(), onSuccess });
  const rectify = useMutation({ ...trpc.quality.rectify.mutationOptions(), onSuccess });
  const verify = useMutation({ ...trpc.quality.verify.mutationOptions(), onSuccess });
  const reopen = useMutation({ ...trpc.quality.reopen.mutationOptions(), onSuccess });
  const [note, setNote] = useState("");
  const [score, setScore] = useState(0);
  const [comment, setComment] = useState("");
  const [reason, setReason] = useState("");
  const busy = acknowledge.isPending || rectify.isPending || verify.isPending || reopen.isPending;
  const error = acknowledge.error ?? rectify.error ?? verify.error ?? reopen.error;
  const can = (action: TIssue["actions"][number]) => issue.actions.includes(action);

  return (
    <section
      className="card dq-section"
      aria-labelledby="quality-actions-title"
      data-testid="quality-actions"
    >
      <h2 id="quality-actions-title">{t("quality.action.title")}</h2>
      {error && <ErrorNotice error={error} />}
      {issue.actions.length === 0 && <p className="muted">{t("quality.action.none")}</p>}
      {can("acknowledge") && (
        <button
          type="button"
          className="button button-primary"
          disabled={busy}
          onClick={() => acknowledge.mutate({ issueId: issue.id })}
          data-testid="quality-acknowledge"
        >
          {acknowledge.isPending ? t("quality.action.working") : t("quality.action.acknowledge")}
        </button>
      )}
      {can("rectify") && (
        <form
          className="form dq-form"
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            rectify.mutate({ issueId: issue.id, note }, { onSuccess: () => setNote("") });
          }}
          data-testid="quality-rectify-form"
        >
          <label className="field">
            <span className="field-label">{t("quality.action.rectifyNote")}</span>
            <textarea
              value={note}
              rows={3}
              maxLength={4000}
              required
              placeholder={t("quality.action.rectifyNotePlaceholder")}
              onChange={(e) => setNote(e.target.value)}
              data-testid="quality-rectify-note"
            />
          </label>
          <div>
            <button
              type="submit"
              className="button button-primary"
              disabled={busy}
              data-testid="quality-rectify-submit"
            >
              {rectify.isPending ? t("quality.action.working") : t("quality.action.rectify")}
            </button>
          </div>
        </form>
      )}
      {can("verify") && (
        <form
          className="form dq-form"
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            if (score >= 1) verify.mutate({ issueId: issue.id, score, comment: comment || undefined });
          }}
          data-testid="quality-verify-form"
        >
          <fieldset className="dq-star-picker">
            <legend className="field-label">{t("quality.action.scoreLabel")}</legend>
            {[1, 2, 3, 4, 5].map((n) => (
              <label
                key={n}
                className={n <= score ? "dq-star dq-star-on" : "dq-star"}
                data-testid={`score-label-${n}`}
              >
                <input
                  type="radio"
                  name="quality-score"
                  value={n}
                  checked={score === n}
                  onChange={() => setScore(n)}
                  className="visually-hidden"
                  data-testid={`score-star-${n}`}
                />
                <span aria-hidden="true">★</span>
                <span className="visually-hidden">{t("quality.action.star", { n })}</span>
              </label>
            ))}
          </fieldset>
          <label className="field">
            <span className="field-label">{t("quality.action.verifyComment")}</span>
            <textarea
              value={comment}
              rows={2}
              maxLength={2000}
              onChange={(e) => setComment(e.target.value)}
              data-testid="quality-verify-comment"
            />
          </label>
          <div>
            <button
              type="submit"
              className="button button-primary"
              disabled={busy || score < 1}
              data-testid="quality-verify-submit"
            >
              {verify.isPending ? t("quality.action.working") : t("quality.action.verify")}
            </button>
          </div>
        </form>
      )}
      {can("reopen") && (
        <form
          className="form dq-form"
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            reopen.mutate({ issueId: issue.id, reason }, { onSuccess: () => setReason("") });
          }}
          data-testid="quality-reopen-form"
        >
          <label className="field">
            <span className="field-label">{t("quality.action.reopenReason")}</span>
            <textarea
              value={reason}
              rows={2}
              maxLength={2000}
              required
              placeholder={t("quality.action.reopenReasonPlaceholder")}
              onChange={(e) => setReason(e.target.value)}
              data-testid="quality-reopen-reason"
            />
          </label>
          <div>
            <button type="submit" className="button" disabled={busy} data-testid="quality-reopen-submit">
              {reopen.isPending ? t("quality.action.working") : t("quality.action.reopen")}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

function Timeline({ issue }: { issue: TIssue }) {
  const { t, formatDateTime } = useI18n();
  return (
    <section className="card dq-section" aria-labelledby="quality-timeline-title">
      <h2 id="quality-timeline-title">{t("quality.timeline.title")}</h2>
      <ol className="dq-timeline" data-testid="quality-timeline">
        {issue.timeline.map((entry) => (
          <li
            key={entry.seq}
            className="dq-timeline-entry"
            data-testid="timeline-entry"
            data-step={entry.step}
          >
            <div className="dq-timeline-head">
              <strong>{STEP_KEYS[entry.step] ? t(STEP_KEYS[entry.step] as TMessageKey) : entry.step}</strong>
              <span className="muted small">
                {formatDateTime(entry.occurredAt)} · {entry.actorOrgName ?? "—"}
                {entry.actorName ? ` · ${entry.actorName}` : ""} ·{" "}
                <span className="mono">{t("quality.timeline.seq", { seq: entry.seq })}</span>
              </span>
            </div>
            {entry.note && <p className="prose">{entry.note}</p>}
            {entry.reason && <p className="prose">{entry.reason}</p>}
            {entry.score !== null && <ScoreStars score={entry.score} testId="timeline-score" />}
            {entry.comment && <p className="prose">{entry.comment}</p>}
          </li>
        ))}
      </ol>
    </section>
  );
}
