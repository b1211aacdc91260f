/**
 * Response deadlines of the quality loop, in ONE place. Kept deliberately simple: calendar days
 * (no working-day calendar) counted from the report — or from the reopening, which restarts
 * both clocks because the source must look at the issue afresh.
 *
 * An issue is overdue when `now` is past a due time (strictly) while the step is not done:
 * - acknowledge overdue: still reported/reopened after acknowledge_due_at;
 * - rectify overdue: still reported/reopened/rectifying after rectify_due_at.
 */
import type { TQualityStatus } from "./quality-machine";

/** The source department acknowledges within this many days of the report. */
export const ACKNOWLEDGE_WITHIN_DAYS = 2;
/** The source department rectifies within this many days of the report. */
export const RECTIFY_WITHIN_DAYS = 10;

const DAY_MS = 24 * 60 * 60 * 1000;

/** Due times of an issue reported (or reopened) at `start`. */
export function dueTimesFrom(start: Date): { acknowledgeDueAt: Date; rectifyDueAt: Date } {
  return {
    acknowledgeDueAt: new Date(start.getTime() + ACKNOWLEDGE_WITHIN_DAYS * DAY_MS),
    rectifyDueAt: new Date(start.getTime() + RECTIFY_WITHIN_DAYS * DAY_MS),
  };
}

const AWAITING_ACKNOWLEDGEMENT: readonly TQualityStatus[] = ["reported", "reopened"];
const AWAITING_RECTIFICATION: readonly TQualityStatus[] = ["reported", "reopened", "rectifying"];

export interface TOverdueFlags {
  acknowledgeOverdue: boolean;
  rectifyOverdue: boolean;
}

/** The overdue flags of an issue at `now`. */
export function overdueFlagsOf(
  issue: { status: TQualityStatus; acknowledgeDueAt: Date; rectifyDueAt: Date },
  now: Date,
): TOverdueFlags {
  return {
    acknowledgeOverdue:
      AWAITING_ACKNOWLEDGEMENT.includes(issue.status) && now.getTime() > issue.acknowledgeDueAt.getTime(),
    rectifyOverdue:
      AWAITING_RECTIFICATION.includes(issue.status) && now.getTime() > issue.rectifyDueAt.getTime(),
  };
}

/**
 * The same rule in SQL over quality_issues aliased `q`, with `now` as parameter `$n`
 * (used to filter and count in the database).
 */
export function overdueSql(nowParam: string): string {
  return `((q.status IN ('reported', 'reopened') AND q.acknowledge_due_at < ${nowParam})
        OR (q.status IN ('reported', 'reopened', 'rectifying') AND q.rectify_due_at < ${nowParam}))`;
}
