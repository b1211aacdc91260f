/**
 * The regulator's output review: the first released results of a new logic version are held
 * (job review_state "held") until the regulator looks at them. Releasing shows the output to the
 * buyer and approves the version, so its later jobs are released automatically; withholding
 * (with a comment saying why) keeps the output from the buyer and the version awaiting review.
 */
import type { TDb } from "../../db";
import type { TSessionUser } from "../auth/session-user";
import { DomainError } from "../domain-error";
import { appendAuditEvent } from "../trail/audit-trail";
import { PRODUCT_JOB_OBJECT_TYPE, readJobRow } from "./job-sync";
import { JOB_SELECT, type TProductJobRow, type TProductJobView, toJobView } from "./job-view";
import { LOGIC_VERSION_OBJECT_TYPE } from "./logic-versions";

export const REVIEW_COMMENT_MAX = 2000;

/** Held jobs, oldest first, with their outputs (the regulator reviews them). */
export async function listHeldJobs(
  deps: { db: TDb; enclavePublicKey: string },
  opts: { limit?: number } = {},
): Promise<TProductJobView[]> {
  const { rows } = await deps.db.query<TProductJobRow>(
    `${JOB_SELECT} WHERE j.review_state = 'held' ORDER BY j.finished_at, j.id LIMIT $1`,
    [opts.limit ?? 100],
  );
  return rows.map((r) => toJobView(r, deps.enclavePublicKey, true));
}

/** A job that is or was under output review (the regulator's view); NOT_FOUND otherwise. */
export async function getReviewedJob(
  deps: { db: TDb; enclavePublicKey: string },
  jobId: string,
): Promise<TProductJobView> {
  const row = await readJobRow(deps.db, jobId);
  if (!row || row.review_state === "not_needed") throw new DomainError("NOT_FOUND", "job not found");
  return toJobView(row, deps.enclavePublicKey, true);
}

/** Records the regulator's decision on held job `jobId`. */
export async function decideHeldJob(
  deps: { db: TDb; enclavePublicKey: string; now?: () => Date },
  user: TSessionUser,
  input: { jobId: string; decision: "release" | "withhold"; comment?: string | null },
): Promise<TProductJobView> {
  const comment = input.comment?.trim() || null;
  if (input.decision === "withhold" && !comment) {
    throw new DomainError("INVALID_INPUT", "say why the output is withheld (comment)");
  }
  if (comment && comment.length > REVIEW_COMMENT_MAX) {
    throw new DomainError("INVALID_INPUT", `the comment must be at most ${REVIEW_COMMENT_MAX} characters`);
  }
  const now = deps.now?.() ?? new Date();
  await deps.db.withTransaction(async (tx) => {
    const row = await readJobRow(tx, input.jobId, true);
    if (!row) throw new DomainError("NOT_FOUND", "job not found");
    if (row.review_state !== "held") {
      throw new DomainError(
        "INVALID_STATE",
        row.review_state === "not_needed"
          ? "this job's output is not under review"
          : "the regulator has already decided on this job's output",
      );
    }
    const reviewState = input.decision === "release" ? "released_by_regulator" : "withheld_by_regulator";
    await tx.query(
      `UPDATE product_jobs SET review_state = $2, reviewed_by = $3, reviewed_at = $4, review_comment = $5,
              updated_at = $4
        WHERE id = $1`,
      [row.id, reviewState, user.id, now, comment],
    );
    await appendAuditEvent(
      tx,
      {
        actor: user,
        action: input.decision === "release" ? "product_job.review_release" : "product_job.review_withhold",
        objectType: PRODUCT_JOB_OBJECT_TYPE,
        objectId: row.id,
        before: { reviewState: row.review_state },
        after: { reviewState, comment },
        detail: {
          product: `${row.product_code}@${row.version_number}`,
          versionHash: row.version_hash,
          decision: input.decision,
          comment: comment ? comment.slice(0, 200) : null,
        },
      },
      now,
    );
    if (input.decision === "release" && row.product_logic_version_id) {
      const { rows: changed } = await tx.query<{ id: string }>(
        `UPDATE product_logic_versions SET review_state = 'approved', approved_by = $2, approved_at = $3
          WHERE id = $1 AND review_state = 'awaiting_first_review' RETURNING id`,
        [row.product_logic_version_id, user.id, now],
      );
      if (changed[0]) {
        await appendAuditEvent(
          tx,
          {
            actor: user,
            action: "product_logic.approve",
            objectType: LOGIC_VERSION_OBJECT_TYPE,
            objectId: row.product_logic_version_id,
            before: { reviewState: "awaiting_first_review" },
            after: { reviewState: "approved" },
            detail: {
              product: `${row.product_code}@${row.version_number}`,
              versionHash: row.version_hash,
              firstJob: row.id,
            },
          },
          now,
        );
      }
    }
  });
  return getReviewedJob(deps, input.jobId);
}
