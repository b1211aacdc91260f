/**
 * Polls the enclave for every unfinished product job every `intervalMs` (one tick at a time)
 * and records transitions (domain/product-jobs/job-sync.ts): outputs, receipts, held outputs and
 * usage records. Repeated identical failures are logged once.
 */
import type { TDb } from "../db";
import { refreshUnfinishedJobs } from "../domain/product-jobs/job-sync";
import type { TProductJobsClient } from "../enclave-client/product-jobs";
import { startRepeatingJob, type TRepeatingJob } from "./repeating-job";

export type TProductJobsTimer = TRepeatingJob;

export interface TProductJobsTimerOptions {
  db: TDb;
  productJobs: TProductJobsClient;
  intervalMs: number;
  log?: (line: string) => void;
  logError?: (line: string) => void;
}

/** Starts the timer; the first tick runs after `intervalMs`. */
export function startProductJobsTimer(opts: TProductJobsTimerOptions): TProductJobsTimer {
  const log = opts.log ?? (() => {});
  const logError = opts.logError ?? log;
  let lastError = "";
  const tick = async () => {
    try {
      const errors: string[] = [];
      const summary = await refreshUnfinishedJobs(
        { db: opts.db, productJobs: opts.productJobs },
        { log: (line) => errors.push(line) },
      );
      if (summary.ended > 0) log(`[product-jobs] ${summary.ended} job(s) ended; ${summary.checked} checked`);
      const message = errors[0] ?? "";
      if (message && message !== lastError) logError(`product jobs stay unfinished: ${message}`);
      lastError = message;
    } catch (err) {
      const message = `${(err as Error)?.name ?? "Error"}`;
      if (message !== lastError) logError(`product jobs: polling failed (${message})`);
      lastError = message;
    }
  };
  return startRepeatingJob(opts.intervalMs, tick);
}
