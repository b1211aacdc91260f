/**
 * Runs anchorPendingRecords every `intervalMs`, one tick at a time (a tick never overlaps the
 * previous one). A failed tick leaves the records pending for the next. If the contract vanished
 * (the dev chain restarted under a running server), the next tick redeploys and re-anchors the
 * stored batches first (reanchorAfterChainReset).
 */
import { ChainError, type TChainClient } from "../chain";
import type { TDb } from "../db";
import { anchorPendingRecords, reanchorAfterChainReset } from "../domain/usage/anchoring";
import { startRepeatingJob, type TRepeatingJob } from "./repeating-job";

export type TAnchoringTimer = TRepeatingJob;

export interface TAnchoringTimerOptions {
  db: TDb;
  chain: TChainClient;
  intervalMs: number;
  log?: (line: string) => void;
  logError?: (line: string) => void;
}

/** Starts the timer; the first tick runs after `intervalMs`. */
export function startAnchoringTimer(opts: TAnchoringTimerOptions): TAnchoringTimer {
  const log = opts.log ?? (() => {});
  const logError = opts.logError ?? log;
  let needsReanchor = false;
  let lastError = "";

  const tick = async () => {
    try {
      if (needsReanchor) {
        await reanchorAfterChainReset(opts.db, opts.chain, { log });
        needsReanchor = false;
      }
      const batch = await anchorPendingRecords(opts.db, opts.chain);
      if (batch)
        log(
          `anchored batch ${batch.batchId}: ${batch.recordCount} record(s), root ${batch.root.slice(0, 10)}…, tx ${batch.txHash.slice(0, 10)}…`,
        );
      lastError = "";
    } catch (err) {
      if (err instanceof ChainError && err.code === "CONTRACT_MISSING") needsReanchor = true;
      const message =
        err instanceof ChainError
          ? `${err.code}: ${err.message}`
          : `${(err as Error).name}: ${(err as Error).message}`;
      // Repeated identical failures (chain down) are logged once until something changes.
      if (message !== lastError) logError(`anchoring failed, records stay pending: ${message}`);
      lastError = message;
    }
  };

  return startRepeatingJob(opts.intervalMs, tick);
}
