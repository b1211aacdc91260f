/**
 * Expires what has run out: coded registrations past their 3-year validity and authorizations
 * past their term (each a system transition with its audit event and chain write), then sends the
 * chain writes at once. Runs at start and every `intervalMs`; one run at a time.
 */

import type { TRegistriesClient } from "../chain/registries";
import type { TDb } from "../db";
import { expireAuthorizations } from "../domain/authorizations/authorizations";
import { expireRegistrations } from "../domain/catalog/registrations";
import { flushChainWrites } from "../domain/chain-writes/outbox";
import { startRepeatingJob, type TRepeatingJob } from "./repeating-job";

export type TExpiryTimer = TRepeatingJob;

/** Starts the timer; the first tick runs after `intervalMs` (call tickNow for one at start). */
export function startExpiryTimer(opts: {
  db: TDb;
  registries: TRegistriesClient | null;
  intervalMs: number;
  now?: () => Date;
  log?: (line: string) => void;
  logError?: (line: string) => void;
}): TExpiryTimer {
  const log = opts.log ?? (() => {});
  const logError = opts.logError ?? ((line: string) => console.error(line));
  const tick = async () => {
    try {
      const now = opts.now?.() ?? new Date();
      const registrations = await expireRegistrations(opts.db, now);
      const { expired: authorizations } = await expireAuthorizations(opts.db, now);
      if (registrations.length + authorizations.length > 0) {
        log(`expired ${registrations.length} registrations and ${authorizations.length} authorizations`);
        await flushChainWrites({ db: opts.db, registries: opts.registries, log: logError });
      }
    } catch (err) {
      logError(`expiry pass failed: ${(err as Error)?.name ?? "error"}`);
    }
  };
  return startRepeatingJob(opts.intervalMs, tick);
}
