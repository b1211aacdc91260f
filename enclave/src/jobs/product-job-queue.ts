/**
 * The product-job queue: accepted jobs are persisted as queued and run in the background, at most
 * `concurrency` at a time, in submission order. Status is read from the store. Cancelling a queued
 * job ends it at once; cancelling a running one makes its host calls refuse and ends it cancelled
 * when the sandbox returns (within the job's wall-time limit). At start, jobs left unfinished by a
 * previous process are ended as failed (their budget reservations returned).
 */
import type { TProductJobRequestParsed, TProductJobStatus } from "@pdx/common/enclave-jobs";
import { EnclaveError } from "../errors";
import type { TEnclaveLog } from "../log";
import type { ProductJobStore } from "../vault/product-job-store";
import { productRequestHashOf, runProductJob, type TJobEngines, type TProductJobDeps } from "./product-job";

export interface TProductJobQueueDeps {
  store: ProductJobStore;
  engines: TJobEngines;
  signer: { secretKey: string; publicKey: string };
  now?: () => Date;
  concurrency?: number;
  log?: TEnclaveLog;
}

export class ProductJobQueue {
  private readonly waiting: string[] = [];
  private readonly cancelled = new Set<string>();
  private readonly running = new Map<string, Promise<void>>();
  private stopped = false;

  constructor(private readonly deps: TProductJobQueueDeps) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /** Ends jobs a previous process left unfinished. Call once before serving. */
  async recover(): Promise<number> {
    const left = await this.deps.store.unfinished();
    for (const { id } of left) {
      const request = await this.deps.store.request(id);
      if (!request) continue;
      await this.endWithoutRunning(request, "failed", {
        code: "INTERNAL",
        message: "the enclave restarted while the job was queued or running; nothing was released",
      });
    }
    return left.length;
  }

  /** Accepts a job (idempotent for the same id and request). */
  async submit(request: TProductJobRequestParsed): Promise<TProductJobStatus> {
    if (this.stopped) throw new EnclaveError("INTERNAL", "the enclave is stopping");
    const outcome = await this.deps.store.insert(request, productRequestHashOf(request), this.now());
    if (outcome === "conflict") {
      throw new EnclaveError(
        "INVALID_REQUEST",
        `jobId ${request.jobId} was already used for another request`,
      );
    }
    if (outcome === "created") {
      this.waiting.push(request.jobId);
      this.pump();
    }
    return (await this.deps.store.get(request.jobId))!;
  }

  async status(id: string): Promise<TProductJobStatus> {
    const status = await this.deps.store.get(id);
    if (!status) throw new EnclaveError("JOB_UNKNOWN", `no product job ${id}`);
    return status;
  }

  async cancel(id: string): Promise<TProductJobStatus> {
    const status = await this.status(id);
    if (status.finishedAt) return status;
    this.cancelled.add(id);
    const at = this.waiting.indexOf(id);
    if (at >= 0) {
      this.waiting.splice(at, 1);
      const request = await this.deps.store.request(id);
      if (request) await this.endWithoutRunning(request, "cancelled", null);
    }
    return this.status(id);
  }

  /** Waits for running jobs to end (new ones are refused). */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.running.values()]);
  }

  /** Resolves when no job is queued or running (tests). */
  async idle(): Promise<void> {
    while (this.running.size > 0 || this.waiting.length > 0) {
      await Promise.allSettled([...this.running.values()]);
      await new Promise((r) => setImmediate(r));
    }
  }

  private jobDeps(id: string): TProductJobDeps {
    return {
      engines: this.deps.engines,
      signer: this.deps.signer,
      now: this.deps.now,
      isCancelled: () => this.cancelled.has(id),
      onState: async (state) => {
        await this.deps.store.transition(id, state);
      },
    };
  }

  private async endWithoutRunning(
    request: TProductJobRequestParsed,
    state: "failed" | "cancelled",
    failure: { code: string; message: string } | null,
  ): Promise<void> {
    const ended = await runProductJob({ ...this.jobDeps(request.jobId), endAs: { state, failure } }, request);
    await this.deps.store.finish(request.jobId, ended, this.now());
  }

  private pump(): void {
    const limit = this.deps.concurrency ?? 2;
    while (!this.stopped && this.running.size < limit && this.waiting.length > 0) {
      const id = this.waiting.shift()!;
      const run = this.runOne(id).finally(() => {
        this.running.delete(id);
        this.pump();
      });
      this.running.set(id, run);
    }
  }

  private async runOne(id: string): Promise<void> {
    const started = performance.now();
    try {
      const request = await this.deps.store.request(id);
      if (!request) return;
      const ended = await runProductJob(this.jobDeps(id), request);
      await this.deps.store.finish(id, ended, this.now());
      this.deps.log?.({
        event: "product_job",
        jobId: id,
        mode: request.mode,
        state: ended.state,
        rule: ended.blockedBy?.rule,
        queries: ended.stats.queries,
        rowsRead: ended.stats.rowsRead,
        epsilon: ended.stats.epsilonSpent,
        ms: Math.round(performance.now() - started),
      });
    } catch (err) {
      // An engine failed unexpectedly (database down…): end the job failed, never its error text.
      this.deps.log?.({
        event: "product_job_error",
        jobId: id,
        errorName: err instanceof Error ? err.name : "Unknown",
      });
      const request = await this.deps.store.request(id).catch(() => null);
      if (request) {
        await this.endWithoutRunning(request, "failed", {
          code: "INTERNAL",
          message: "the enclave could not complete the job; nothing was released",
        }).catch(() => {});
      }
    } finally {
      this.cancelled.delete(id);
    }
  }
}
