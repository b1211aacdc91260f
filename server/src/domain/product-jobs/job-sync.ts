/**
 * Mirrors the enclave's lifecycle of product jobs: reads a job's verified status from the
 * enclave and records the transition. When a job ends: the output (if released), the signed v2
 * receipt, and — for a real job — the output review (a released job of a version awaiting its
 * first review is held for the regulator; of an approved version it is released at once) and one
 * usage record (idempotent: a job that has one gets no other). Safe under concurrent refreshers:
 * the row is locked and a job already ended is never changed again.
 */
import { JOB_END_STATES, type TProductJobStatus } from "@pdx/common/enclave-jobs";
import type { TDb, TQueryable } from "../../db";
import type { TProductJobsClient } from "../../enclave-client/product-jobs";
import { appendAuditEvent } from "../trail/audit-trail";
import { insertUsageRecordOfReceipt } from "../usage/usage-record";
import { expectationOf, JOB_SELECT, type TJobReviewState, type TProductJobRow } from "./job-view";

/** Object type of product jobs in the audit trail. */
export const PRODUCT_JOB_OBJECT_TYPE = "product_job";

/** States from which a job still moves. */
export const UNFINISHED_STATES = ["queued", "running", "checking"] as const;

export interface TJobSyncDeps {
  db: TDb;
  productJobs: TProductJobsClient;
  now?: () => Date;
}

/** Reads job `jobId` (any organization's); null when unknown. */
export async function readJobRow(
  db: TQueryable,
  jobId: string,
  forUpdate = false,
): Promise<TProductJobRow | null> {
  const { rows } = await db.query<TProductJobRow>(
    `${JOB_SELECT} WHERE j.id = $1${forUpdate ? " FOR UPDATE OF j" : ""}`,
    [jobId],
  );
  return rows[0] ?? null;
}

export function isEnded(state: string): boolean {
  return (JOB_END_STATES as readonly string[]).includes(state);
}

/**
 * Asks the enclave for job `jobId`'s status and records it; returns the row as it stands after.
 * Enclave errors propagate (the caller decides whether to log or report them).
 */
export async function refreshJob(deps: TJobSyncDeps, jobId: string): Promise<TProductJobRow | null> {
  const row = await readJobRow(deps.db, jobId);
  if (!row || isEnded(row.state)) return row;
  const status = await deps.productJobs.status(expectationOf(row));
  await recordJobStatus(deps, jobId, status);
  return readJobRow(deps.db, jobId);
}

/**
 * Records a verified status of job `jobId` (from submit, status or cancel). Does nothing when
 * the job has ended already or the status is the same.
 */
export async function recordJobStatus(
  deps: TJobSyncDeps,
  jobId: string,
  status: TProductJobStatus,
): Promise<void> {
  const now = deps.now?.() ?? new Date();
  await deps.db.withTransaction(async (tx) => {
    const row = await readJobRow(tx, jobId, true);
    if (!row || isEnded(row.state)) return;
    const ended = isEnded(status.state);
    if (!ended && status.state === row.state) return;

    let reviewState: TJobReviewState = "not_needed";
    if (ended && row.mode === "real" && status.state === "released" && row.product_logic_version_id) {
      const { rows } = await tx.query<{ review_state: string }>(
        "SELECT review_state FROM product_logic_versions WHERE id = $1",
        [row.product_logic_version_id],
      );
      reviewState = rows[0]?.review_state === "approved" ? "not_needed" : "held";
    }

    await tx.query(
      `UPDATE product_jobs SET state = $2, output = $3, logs = $4, blocked_by = $5, failure = $6, stats = $7,
              receipt = $8, review_state = $9, finished_at = $10, updated_at = $11
        WHERE id = $1`,
      [
        jobId,
        status.state,
        status.state === "released" ? JSON.stringify(status.output ?? null) : null,
        JSON.stringify(status.logs),
        status.blockedBy ? JSON.stringify(status.blockedBy) : null,
        status.failure ? JSON.stringify(status.failure) : null,
        JSON.stringify(status.stats),
        status.signedReceipt ? JSON.stringify(status.signedReceipt) : null,
        reviewState,
        ended ? new Date(status.finishedAt ?? now.toISOString()) : null,
        now,
      ],
    );
    if (!ended) return;

    const action =
      status.state === "released"
        ? reviewState === "held"
          ? "product_job.held"
          : "product_job.released"
        : `product_job.${status.state}`;
    await appendAuditEvent(
      tx,
      {
        actor: null,
        action,
        objectType: PRODUCT_JOB_OBJECT_TYPE,
        objectId: jobId,
        before: { state: row.state },
        after: {
          state: status.state,
          reviewState,
          outputHash: status.signedReceipt?.receipt.outputHash ?? null,
        },
        detail: {
          product: `${row.product_code}@${row.version_number}`,
          mode: row.mode,
          state: status.state,
          reviewState,
          blockedBy: status.blockedBy?.rule ?? null,
          epsilonSpent: status.stats.epsilonSpent,
          rowsRead: status.stats.rowsRead,
        },
      },
      now,
    );

    if (row.mode === "real" && status.signedReceipt && row.usage_record_id === null) {
      const usageRecordId = await writeJobUsageRecord(tx, row, status, now);
      await tx.query("UPDATE product_jobs SET usage_record_id = $2 WHERE id = $1", [jobId, usageRecordId]);
    }
  });
}

/** Writes the usage record of an ended real job from its v2 receipt; returns its id. */
async function writeJobUsageRecord(
  tx: TQueryable,
  row: TProductJobRow,
  status: TProductJobStatus,
  now: Date,
): Promise<string> {
  const signed = status.signedReceipt!;
  // One record per job: a record for this job id (e.g. from a retried transaction) is reused.
  const { rows: existing } = await tx.query<{ id: string }>(
    "SELECT id::text AS id FROM usage_records WHERE run_id = $1",
    [row.id],
  );
  if (existing[0]) return existing[0].id;
  return insertUsageRecordOfReceipt(
    tx,
    {
      runId: row.id,
      createdAt: now,
      userId: row.requester_user_id,
      orgId: row.requester_org_id,
      productId: row.product_id,
      productCode: row.product_code,
      productVersion: row.version_number,
      fallbackDataset: { code: NO_DATASET, version: NO_DATASET },
    },
    signed,
  );
}

/** Dataset code and version of a usage record whose job read no dataset (failed or cancelled early). */
export const NO_DATASET = "-";

/** Refreshes every unfinished job (oldest first, at most `limit`); returns how many changed. */
export async function refreshUnfinishedJobs(
  deps: TJobSyncDeps,
  opts: { limit?: number; log?: (line: string) => void } = {},
): Promise<{ checked: number; ended: number; errors: number }> {
  const { rows } = await deps.db.query<{ id: string; state: string }>(
    `SELECT id, state FROM product_jobs WHERE state IN ('queued', 'running', 'checking')
      ORDER BY queued_at LIMIT $1`,
    [opts.limit ?? 100],
  );
  let ended = 0;
  let errors = 0;
  for (const job of rows) {
    try {
      const after = await refreshJob(deps, job.id);
      if (after && isEnded(after.state)) ended += 1;
    } catch (err) {
      errors += 1;
      opts.log?.(`product job ${job.id}: ${(err as { code?: string }).code ?? (err as Error).name}`);
    }
  }
  return { checked: rows.length, ended, errors };
}
