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

export interface TExpiryTimer {
  /** Runs one pass now (also used by tests). */
  tickNow(): Promise<{ registrations: string[]; authorizations: string[] }>;
  stop(): Promise<void>;
}

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
  let stopped = false;
  let inFlight: Promise<unknown> = Promise.resolve();
  let timeout: NodeJS.Timeout | undefined;

  const pass = async () => {
    const now = opts.now?.() ?? new Date();
    const registrations = await expireRegistrations(opts.db, now);
    const { expired: authorizations } = await expireAuthorizations(opts.db, now);
    if (registrations.length + authorizations.length > 0) {
      log(`expired ${registrations.length} registrations and ${authorizations.length} authorizations`);
      await flushChainWrites({ db: opts.db, registries: opts.registries, log: logError });
    }
    return { registrations, authorizations };
  };
  const tickNow = () => {
    const run = inFlight.then(pass);
    inFlight = run.catch(() => {});
    return run;
  };
  const schedule = () => {
    if (stopped) return;
    timeout = setTimeout(() => {
      tickNow()
        .catch((err: unknown) => logError(`expiry pass failed: ${(err as Error)?.name ?? "error"}`))
        .finally(schedule);
    }, opts.intervalMs);
    timeout.unref?.();
  };
  schedule();
  return {
    tickNow,
    async stop() {
      stopped = true;
      clearTimeout(timeout);
      await inFlight;
    },
  };
}
