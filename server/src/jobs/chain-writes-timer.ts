/**
 * Sends the chain-write outbox every `intervalMs`, one tick at a time (a tick never overlaps the
 * previous one; flushes after commits share the same in-process lock). The first tick reconciles
 * the registry deployment first (reconcileRegistryDeployment: new registries after a dev-chain
 * restart get the whole history again), and so does the tick after a CONTRACT_MISSING failure.
 * A failed write stays pending for the next tick; repeated identical failures are logged once.
 */
import { ChainError, type TRegistriesClient } from "../chain";
import type { TDb } from "../db";
import { processChainWrites, reconcileRegistryDeployment } from "../domain/chain-writes/outbox";
import { startRepeatingJob, type TRepeatingJob } from "./repeating-job";

export type TChainWritesTimer = TRepeatingJob;

export interface TChainWritesTimerOptions {
  db: TDb;
  registries: TRegistriesClient;
  intervalMs: number;
  log?: (line: string) => void;
  logError?: (line: string) => void;
}

/** Starts the timer; the first tick runs after `intervalMs`. */
export function startChainWritesTimer(opts: TChainWritesTimerOptions): TChainWritesTimer {
  const log = opts.log ?? (() => {});
  const logError = opts.logError ?? log;
  let needsReconcile = true;
  let lastError = "";

  const report = (message: string) => {
    if (message !== lastError) logError(`chain writes stay pending: ${message}`);
    lastError = message;
  };

  const tick = async () => {
    try {
      if (needsReconcile) {
        await reconcileRegistryDeployment(opts.db, opts.registries, { log });
        needsReconcile = false;
      }
      const summary = await processChainWrites(opts.db, opts.registries);
      if (summary.confirmed.length > 0) {
        log(`[chain-writes] confirmed ${summary.confirmed.length} write(s); ${summary.pending} pending`);
      }
      if (summary.failed) {
        if (summary.failed.error.startsWith("CONTRACT_MISSING")) needsReconcile = true;
        report(`write ${summary.failed.id} (${summary.failed.kind}) failed: ${summary.failed.error}`);
      } else {
        lastError = "";
      }
    } catch (err) {
      // ChainErrors carry safe messages; anything else (database) is named only.
      const message =
        err instanceof ChainError ? `${err.code}: ${err.message}` : `${(err as Error)?.name ?? "Error"}`;
      if (err instanceof ChainError && err.code === "CONTRACT_MISSING") needsReconcile = true;
      report(message);
    }
  };

  return startRepeatingJob(opts.intervalMs, tick);
}
