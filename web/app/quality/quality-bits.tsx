"use client";

import { useI18n } from "@/lib/i18n/i18n-provider";
import type { TRouterOutputs } from "@/lib/trpc/app-router";

export type TQualityIssue = TRouterOutputs["quality"]["list"][number];
export type TQualityStatus = TQualityIssue["status"];

export const QUALITY_STATUSES: readonly TQualityStatus[] = [
  "reported",
  "rectifying",
  "rectified",
  "reopened",
  "verified",
];

/** An issue's status as a coloured tag. */
export function QualityStatusTag({ status }: { status: TQualityStatus }) {
  const { t } = useI18n();
  return (
    <span className={`tag dq-status dq-quality-${status}`} data-testid="quality-status" data-status={status}>
      {t(`quality.status.${status}`)}
    </span>
  );
}

/** Red badges for a missed acknowledgement or rectification deadline (nothing when in time). */
export function OverdueBadges({
  issue,
}: {
  issue: Pick<TQualityIssue, "acknowledgeOverdue" | "rectifyOverdue">;
}) {
  const { t } = useI18n();
  return (
    <>
      {issue.acknowledgeOverdue && (
        <span className="tag dq-overdue" data-testid="overdue-acknowledge">
          {t("quality.overdue.acknowledge")}
        </span>
      )}
      {issue.rectifyOverdue && (
        <span className="tag dq-overdue" data-testid="overdue-rectify">
          {t("quality.overdue.rectify")}
        </span>
      )}
    </>
  );
}

/** A 1–5 score as stars, with the number for screen readers and tests. */
export function ScoreStars({ score, testId = "quality-score" }: { score: number; testId?: string }) {
  const { t } = useI18n();
  return (
    <span className="dq-stars" data-testid={testId} data-score={score} title={t("quality.score", { score })}>
      <span aria-hidden="true">
        {"★".repeat(score)}
        <span className="dq-stars-empty">{"★".repeat(5 - score)}</span>
      </span>
      <span className="visually-hidden">{t("quality.score", { score })}</span>
    </span>
  );
}
