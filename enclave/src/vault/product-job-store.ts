/**
 * Persistence of product jobs in the vault database (migration 0004_product_jobs.sql): the
 * accepted request, the lifecycle state and, once ended, the output, receipt and statistics.
 */
import type { TProductJobRequestParsed, TProductJobStatus } from "@pdx/common/enclave-jobs";
import type pg from "pg";
import type { TEndedJob } from "../jobs/product-job";

const EMPTY_STATS: TProductJobStatus["stats"] = {
  queries: 0,
  verifications: 0,
  rowsRead: 0,
  epsilonSpent: 0,
  cpuMs: 0,
  wallMs: 0,
  outputBytes: 0,
};

interface TJobRow {
  id: string;
  request: TProductJobRequestParsed;
  request_hash: string;
  state: TProductJobStatus["state"];
  output: unknown;
  blocked_by: TProductJobStatus["blockedBy"];
  failure: TProductJobStatus["failure"];
  stats: TProductJobStatus["stats"] | null;
  logs: string[];
  receipt: TProductJobStatus["signedReceipt"];
  queued_at: Date;
  finished_at: Date | null;
}

function statusOf(row: TJobRow): TProductJobStatus {
  return {
    jobId: row.id,
    state: row.state,
    output: row.state === "released" ? (row.output ?? null) : null,
    blockedBy: row.blocked_by ?? null,
    failure: row.failure ?? null,
    stats: row.stats ?? EMPTY_STATS,
    logs: row.logs ?? [],
    signedReceipt: row.receipt ?? null,
    queuedAt: row.queued_at.toISOString(),
    finishedAt: row.finished_at ? row.finished_at.toISOString() : null,
  };
}

export class ProductJobStore {
  constructor(private readonly pool: pg.Pool) {}

  /**
   * Records a new queued job. Returns "created", or "same" when this id was already submitted with
   * the same request (an idempotent retry), or "conflict" when the id is taken by another request.
   */
  async insert(
    request: TProductJobRequestParsed,
    requestHash: string,
    queuedAt: Date,
  ): Promise<"created" | "same" | "conflict"> {
    const inserted = await this.pool.query(
      `INSERT INTO product_jobs (id, request, request_hash, requester_org_id, mode, state, queued_at)
       VALUES ($1, $2, $3, $4, $5, 'queued', $6) ON CONFLICT (id) DO NOTHING`,
      [request.jobId, JSON.stringify(request), requestHash, request.requester.orgId, request.mode, queuedAt],
    );
    if (inserted.rowCount === 1) return "created";
    const { rows } = await this.pool.query<{ request_hash: string }>(
      "SELECT request_hash FROM product_jobs WHERE id = $1",
      [request.jobId],
    );
    return rows[0]?.request_hash === requestHash ? "same" : "conflict";
  }

  async get(id: string): Promise<TProductJobStatus | null> {
    const { rows } = await this.pool.query<TJobRow>("SELECT * FROM product_jobs WHERE id = $1", [id]);
    return rows[0] ? statusOf(rows[0]) : null;
  }

  async request(id: string): Promise<TProductJobRequestParsed | null> {
    const { rows } = await this.pool.query<{ request: TProductJobRequestParsed }>(
      "SELECT request FROM product_jobs WHERE id = $1",
      [id],
    );
    return rows[0]?.request ?? null;
  }

  /** Moves an unfinished job to `state`; false when it had already ended (e.g. cancelled). */
  async transition(id: string, state: "running" | "checking"): Promise<boolean> {
    const result = await this.pool.query(
      "UPDATE product_jobs SET state = $2 WHERE id = $1 AND finished_at IS NULL",
      [id, state],
    );
    return result.rowCount === 1;
  }

  /** Ends a job (once: an ended job is never rewritten). */
  async finish(id: string, ended: TEndedJob, finishedAt: Date): Promise<boolean> {
    const result = await this.pool.query(
      `UPDATE product_jobs
          SET state = $2, output = $3, blocked_by = $4, failure = $5, stats = $6, logs = $7,
              receipt = $8, finished_at = $9
        WHERE id = $1 AND finished_at IS NULL`,
      [
        id,
        ended.state,
        JSON.stringify(ended.output ?? null),
        ended.blockedBy ? JSON.stringify(ended.blockedBy) : null,
        ended.failure ? JSON.stringify(ended.failure) : null,
        JSON.stringify(ended.stats),
        JSON.stringify(ended.logs),
        ended.signedReceipt ? JSON.stringify(ended.signedReceipt) : null,
        finishedAt,
      ],
    );
    return result.rowCount === 1;
  }

  /** Ids of jobs not yet ended, oldest first. */
  async unfinished(): Promise<{ id: string; state: TProductJobStatus["state"] }[]> {
    const { rows } = await this.pool.query<{ id: string; state: TProductJobStatus["state"] }>(
      "SELECT id, state FROM product_jobs WHERE finished_at IS NULL ORDER BY queued_at, id",
    );
    return rows;
  }
}
