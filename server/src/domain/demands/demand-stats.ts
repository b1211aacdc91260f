/**
 * How well the demand list is served. Definitions (also shown in the UI):
 *
 * - satisfactionRate = satisfied / (open + answered + satisfied). Closed demands are left out:
 *   a demand is closed only by its buyer and only before it was satisfied (a withdrawn need),
 *   so it says nothing about supply; demands still open or answered count as not (yet)
 *   satisfied. null when there is nothing to count.
 * - time to satisfy = satisfied_at − created_at of satisfied demands. medianMs and p90Ms are
 *   nearest-rank percentiles (percentile_disc: the smallest observed value with at least that
 *   share of values at or below it), so they are always a real observed time; null when no
 *   demand is satisfied.
 * - satisfiedWithin1DayShare / satisfiedWithin7DaysShare: of the satisfied demands, the share
 *   whose time to satisfy is at most 24 hours / 7 × 24 hours; null when none is satisfied.
 * - openCount = open + answered (still waiting for the buyer's decision); openOlderThan7Days
 *   counts those posted more than 7 days before `now` (the injectable clock).
 * - byLibrary: per library code named on the demand ("" for demands naming none).
 */
import type { TQueryable } from "../../db";

export const DAY_MS = 24 * 60 * 60 * 1000;

export interface TDemandStats {
  asOf: string;
  total: number;
  open: number;
  answered: number;
  satisfied: number;
  closed: number;
  openCount: number;
  openOlderThan7Days: number;
  satisfactionRate: number | null;
  timeToSatisfy: {
    medianMs: number | null;
    p90Ms: number | null;
    within1DayShare: number | null;
    within7DaysShare: number | null;
  };
  byLibrary: { libraryCode: string; total: number; openCount: number; satisfied: number }[];
}

interface TTotalsRow {
  total: string;
  open: string;
  answered: string;
  satisfied: string;
  closed: string;
  open_older_than_7_days: string;
  median_ms: string | null;
  p90_ms: string | null;
  within_1_day: string;
  within_7_days: string;
}

/** Statistics of all demands as of `now`. */
export async function demandStats(db: TQueryable, now: Date): Promise<TDemandStats> {
  const { rows } = await db.query<TTotalsRow>(
    `WITH satisfied AS (
       SELECT (EXTRACT(EPOCH FROM (satisfied_at - created_at)) * 1000)::bigint AS ms
         FROM data_demands WHERE status = 'satisfied'
     )
     SELECT count(*) AS total,
            count(*) FILTER (WHERE status = 'open') AS open,
            count(*) FILTER (WHERE status = 'answered') AS answered,
            count(*) FILTER (WHERE status = 'satisfied') AS satisfied,
            count(*) FILTER (WHERE status = 'closed') AS closed,
            count(*) FILTER (WHERE status IN ('open', 'answered') AND created_at < $1::timestamptz - interval '7 days')
              AS open_older_than_7_days,
            (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY ms) FROM satisfied) AS median_ms,
            (SELECT percentile_disc(0.9) WITHIN GROUP (ORDER BY ms) FROM satisfied) AS p90_ms,
            (SELECT count(*) FROM satisfied WHERE ms <= $2) AS within_1_day,
            (SELECT count(*) FROM satisfied WHERE ms <= $3) AS within_7_days
       FROM data_demands`,
    [now, DAY_MS, 7 * DAY_MS],
  );
  const r = rows[0] as TTotalsRow;
  const { rows: libraries } = await db.query<{
    library_code: string;
    total: string;
    open_count: string;
    satisfied: string;
  }>(
    `SELECT coalesce(library_code, '') AS library_code, count(*) AS total,
            count(*) FILTER (WHERE status IN ('open', 'answered')) AS open_count,
            count(*) FILTER (WHERE status = 'satisfied') AS satisfied
       FROM data_demands
      GROUP BY 1
      ORDER BY count(*) DESC, 1`,
  );
  const open = Number(r.open);
  const answered = Number(r.answered);
  const satisfied = Number(r.satisfied);
  const counted = open + answered + satisfied;
  const share = (n: string) => (satisfied === 0 ? null : Number(n) / satisfied);
  return {
    asOf: now.toISOString(),
    total: Number(r.total),
    open,
    answered,
    satisfied,
    closed: Number(r.closed),
    openCount: open + answered,
    openOlderThan7Days: Number(r.open_older_than_7_days),
    satisfactionRate: counted === 0 ? null : satisfied / counted,
    timeToSatisfy: {
      medianMs: r.median_ms === null ? null : Number(r.median_ms),
      p90Ms: r.p90_ms === null ? null : Number(r.p90_ms),
      within1DayShare: share(r.within_1_day),
      within7DaysShare: share(r.within_7_days),
    },
    byLibrary: libraries.map((l) => ({
      libraryCode: l.library_code,
      total: Number(l.total),
      openCount: Number(l.open_count),
      satisfied: Number(l.satisfied),
    })),
  };
}
