/**
 * A pool of worker threads that run the HE evaluations off the main thread: node-seal's calls
 * are synchronous and a lookup over 100k entities takes seconds, which would stall every other
 * request of the enclave. Size = min(2, available cores) by default; each worker loads SEAL once
 * and runs one job at a time; jobs wait in FIFO order for a free worker.
 *
 * A job's failure comes back as the HeError the worker raised (same code and message). A worker
 * that dies (crash, out of memory) fails its job with HE_WORKER_FAILED and is replaced. close()
 * fails queued jobs with HE_POOL_CLOSED and terminates the workers.
 *
 * The worker entry is TypeScript when this module is (tsx, vitest): it then starts with
 * `--import <tsx loader>` so Node can load it; a compiled build would start he-worker.js as is.
 *
 * Data: typed arrays are copied to the worker per job (≈ 13 MB for 100k × 16 features) unless
 * their buffer is a SharedArrayBuffer, which is shared without copying.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { HeError } from "@pdx/common/he/he-error";
import type {
  THeAggregateResponse,
  THeLookupResponse,
  THeResponse,
  THeScoringResponse,
} from "@pdx/common/he/wire";
import type { THeColumnsData, THeScoringData } from "./data";
import type { THeJob } from "./evaluate";
import { fromWireError, type THeWorkerReply, type THeWorkerRequest } from "./he-worker-protocol";

export interface THeWorkerPoolOptions {
  /** Worker threads (default min(2, available cores)). */
  size?: number;
}

interface TPending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

interface TSlot {
  worker: Worker;
  /** The evaluation it runs, if any. */
  busy: boolean;
  /** Replies it owes, by message id. */
  pending: Map<number, TPending>;
}

interface TQueued {
  job: THeJob;
  pending: TPending;
}

function workerEntry(): { url: URL; execArgv: string[] } {
  const typescript = import.meta.url.endsWith(".ts");
  return {
    url: new URL(typescript ? "./he-worker.ts" : "./he-worker.js", import.meta.url),
    execArgv: typescript ? ["--import", import.meta.resolve("tsx")] : [],
  };
}

export class HeWorkerPool {
  readonly size: number;
  private readonly slots: TSlot[] = [];
  private readonly queue: TQueued[] = [];
  private nextId = 1;
  private closed = false;

  constructor(options: THeWorkerPoolOptions = {}) {
    this.size = options.size ?? Math.min(2, availableParallelism());
    if (!Number.isInteger(this.size) || this.size < 1)
      throw new RangeError("pool size must be a positive integer");
    for (let i = 0; i < this.size; i++) this.slots.push(this.startWorker());
  }

  /** Runs any job (the request is validated in the worker). */
  evaluate(job: THeJob): Promise<THeResponse> {
    if (this.closed) return Promise.reject(new HeError("HE_POOL_CLOSED", "the HE worker pool is closed"));
    return new Promise<THeResponse>((resolve, reject) => {
      this.queue.push({ job, pending: { resolve: resolve as (value: unknown) => void, reject } });
      this.dispatch();
    });
  }

  scoring(request: unknown, data: THeScoringData): Promise<THeScoringResponse> {
    return this.evaluate({ mode: "scoring", request, data }) as Promise<THeScoringResponse>;
  }

  lookup(request: unknown, data: THeColumnsData): Promise<THeLookupResponse> {
    return this.evaluate({ mode: "lookup", request, data }) as Promise<THeLookupResponse>;
  }

  aggregate(request: unknown, data: THeColumnsData): Promise<THeAggregateResponse> {
    return this.evaluate({ mode: "aggregate", request, data }) as Promise<THeAggregateResponse>;
  }

  /** Each worker's SEAL heap in bytes (answered after the job it is running, if any). */
  heapBytes(): Promise<(number | null)[]> {
    if (this.closed) return Promise.reject(new HeError("HE_POOL_CLOSED", "the HE worker pool is closed"));
    return Promise.all(
      this.slots.map(
        (slot) =>
          new Promise<number | null>((resolve, reject) => {
            this.post(
              slot,
              { id: this.nextId++, type: "heap" },
              { resolve: resolve as (v: unknown) => void, reject },
            );
          }),
      ),
    );
  }

  /** Fails queued jobs, waits for nothing, terminates every worker. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const closedError = () =>
      new HeError("HE_POOL_CLOSED", "the HE worker pool was closed before the job finished");
    for (const queued of this.queue.splice(0)) queued.pending.reject(closedError());
    const slots = this.slots.splice(0);
    for (const slot of slots) {
      for (const pending of slot.pending.values()) pending.reject(closedError());
      slot.pending.clear();
    }
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  private startWorker(): TSlot {
    const entry = workerEntry();
    const worker = new Worker(entry.url, { execArgv: entry.execArgv });
    const slot: TSlot = { worker, busy: false, pending: new Map() };
    worker.on("message", (reply: THeWorkerReply) => {
      const pending = slot.pending.get(reply.id);
      if (!pending) return;
      slot.pending.delete(reply.id);
      if (reply.type === "error") pending.reject(fromWireError(reply.error));
      else pending.resolve(reply.type === "heap" ? reply.bytes : reply.response);
    });
    const failed = () => this.replaceWorker(slot);
    worker.on("error", failed);
    worker.on("exit", failed);
    return slot;
  }

  private replaceWorker(slot: TSlot): void {
    const index = this.slots.indexOf(slot);
    if (index === -1) return; // already replaced, or the pool is closed
    // Swap in the new worker first, so nothing is dispatched to the dead one.
    this.slots[index] = this.startWorker();
    slot.worker.removeAllListeners();
    slot.worker.on("error", () => {});
    void slot.worker.terminate();
    const pending = [...slot.pending.values()];
    slot.pending.clear();
    for (const p of pending)
      p.reject(new HeError("HE_WORKER_FAILED", "the HE worker running the job stopped"));
    this.dispatch();
  }

  private post(slot: TSlot, message: THeWorkerRequest, pending: TPending): void {
    slot.pending.set(message.id, pending);
    try {
      slot.worker.postMessage(message);
    } catch (err) {
      slot.pending.delete(message.id);
      pending.reject(
        new HeError("HE_INVALID_REQUEST", `the job could not be sent to a worker: ${(err as Error).message}`),
      );
    }
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (slot.busy) continue;
      const { job, pending } = this.queue.shift()!;
      slot.busy = true;
      const done = () => {
        slot.busy = false;
        this.dispatch();
      };
      this.post(
        slot,
        { id: this.nextId++, type: "evaluate", job },
        {
          resolve: (value) => {
            done();
            pending.resolve(value);
          },
          reject: (error) => {
            done();
            pending.reject(error);
          },
        },
      );
    }
  }
}

/** A pool with the default size (min(2, cores)). */
export function createHeWorkerPool(options: THeWorkerPoolOptions = {}): HeWorkerPool {
  return new HeWorkerPool(options);
}
