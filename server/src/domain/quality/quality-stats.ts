/**
 * How each source department handles quality reports, as of `now`:
 * - open: waiting for the department (reported, reopened or rectifying);
 * - awaitingVerification: rectified, waiting for the reporter;
 * - overdue: open and past a due time (quality-deadlines.ts);
 * - averageScore: mean reporter score of verified issues (null when none);
 * - averageRectifyMs: mean time from the report to the (latest) rectification over issues that
 *   are rectified or verified — a reopened issue counts from its original report, so reopening
 *   costs the department time (null when none).
 */
import type { TQueryable } from "../../db";
import { ACKNOWLEDGE_WITHIN_DAYS, overdueSql, RECTIFY_WITHIN_DAYS } from "./quality-deadlines";

export interface TQualitySourceStats {
  sourceOrg: { id: string; name: string };
  total: number;
  open: number;
  awaitingVerification: number;
  verified: number;
  overdue: number;
  averageScore: number | null;
  averageRectifyMs: number | null;
}

export interface TQualityStats {
  asOf: string;
  /** The deadlines in force (quality-deadlines.ts), so clients need not copy them. */
  deadlines: { acknowledgeWithinDays: number; rectifyWithinDays: number };
  bySource: TQualitySourceStats[];
}

/** Per-source-department statistics of every quality issue at `now`. */
export async function qualityStats(db: TQueryable, now: Date): Promise<TQualityStats> {
  const { rows } = await db.query<{
    source_org_id: string;
    source_org_name: string;
    total: string;
    open: string;
    awaiting_verification: string;
    verified: string;
    overdue: string;
    average_score: string | null;
    average_rectify_ms: string | null;
  }>(
    `SELECT q.source_org_id, o.name AS source_org_name, count(*) AS total,
            count(*) FILTER (WHERE q.status IN ('reported', 'reopened', 'rectifying')) AS open,
            count(*) FILTER (WHERE q.status = 'rectified') AS awaiting_verification,
            count(*) FILTER (WHERE q.status = 'verified') AS verified,
            count(*) FILTER (WHERE ${overdueSql("$1")}) AS overdue,
            avg(q.score) FILTER (WHERE q.status = 'verified') AS average_score,
            avg(EXTRACT(EPOCH FROM (q.rectified_at - q.reported_at)) * 1000)
              FILTER (WHERE q.status IN ('rectified', 'verified')) AS average_rectify_ms
       FROM quality_issues q JOIN organizations o ON o.id = q.source_org_id
      GROUP BY q.source_org_id, o.name
      ORDER BY count(*) FILTER (WHERE ${overdueSql("$1")}) DESC, o.name`,
    [now],
  );
  return {
    asOf: now.toISOString(),
    deadlines: { acknowledgeWithinDays: ACKNOWLEDGE_WITHIN_DAYS, rectifyWithinDays: RECTIFY_WITHIN_DAYS },
    bySource: rows.map((r) => ({
      sourceOrg: { id: r.source_org_id, name: r.source_org_name },
      total: Number(r.total),
      open: Number(r.open),
      awaitingVerification: Number(r.awaiting_verification),
      verified: Number(r.verified),
      overdue: Number(r.overdue),
      averageScore: r.average_score === null ? null : Number(r.average_score),
      averageRectifyMs: r.average_rectify_ms === null ? null : Math.round(Number(r.average_rectify_ms)),
    })),
  };
}
