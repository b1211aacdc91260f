/**
 * The enclave's open PSI sessions by id, for the transport to look sessions up between requests.
 * Bounded: at most `maxOpen` sessions (each holds a permutation of its column and, in cardinality
 * mode, 16 bytes per buyer item), and a session idle for `idleMs` is closed at the next access.
 * Every session that ends (explicitly or by expiry) is handed to `onEnd` as its summary — sizes
 * and counts only — for the caller to record.
 */
import type { TPsiSessionSummary } from "@pdx/common/psi/wire";
import { EnclaveError } from "../errors";
import type { PsiSession } from "./psi-session";

export interface TPsiSessionStoreOptions {
  /** Most sessions open at once (default 4). */
  maxOpen?: number;
  /** Idle time after which a session is closed (default 10 minutes). */
  idleMs?: number;
  /** Milliseconds clock (default Date.now). */
  now?: () => number;
  /** Called with the summary of every session that ends. */
  onEnd?: (summary: TPsiSessionSummary) => void;
}

export class PsiSessionStore {
  #sessions = new Map<string, { session: PsiSession; lastUsed: number }>();
  #maxOpen: number;
  #idleMs: number;
  #now: () => number;
  #onEnd: (summary: TPsiSessionSummary) => void;

  constructor(options: TPsiSessionStoreOptions = {}) {
    this.#maxOpen = options.maxOpen ?? 4;
    this.#idleMs = options.idleMs ?? 10 * 60_000;
    this.#now = options.now ?? Date.now;
    this.#onEnd = options.onEnd ?? (() => {});
  }

  get size(): number {
    return this.#sessions.size;
  }

  /** Registers a new session; refused (LIMIT_EXCEEDED) when `maxOpen` sessions are open. */
  add(session: PsiSession): void {
    this.sweep();
    if (this.#sessions.size >= this.#maxOpen) {
      session.close();
      throw new EnclaveError(
        "LIMIT_EXCEEDED",
        `psi: ${this.#maxOpen} sessions are already open; try again later`,
      );
    }
    this.#sessions.set(session.sessionId, { session, lastUsed: this.#now() });
  }

  /** The open session with this id (its idle clock restarts). */
  get(sessionId: string): PsiSession {
    this.sweep();
    const entry = this.#sessions.get(sessionId);
    if (!entry)
      throw new EnclaveError(
        "INVALID_REQUEST",
        "psi: no open session with this id (unknown, ended or expired)",
      );
    entry.lastUsed = this.#now();
    return entry.session;
  }

  /** Closes and forgets a session; returns its summary. */
  end(sessionId: string): TPsiSessionSummary {
    const session = this.get(sessionId);
    return this.#end(session);
  }

  /** Closes sessions idle for longer than `idleMs`; returns how many. */
  sweep(): number {
    const now = this.#now();
    let ended = 0;
    for (const { session, lastUsed } of [...this.#sessions.values()]) {
      if (now - lastUsed > this.#idleMs) {
        this.#end(session);
        ended++;
      }
    }
    return ended;
  }

  /** Closes every session (enclave shutdown). */
  closeAll(): void {
    for (const { session } of [...this.#sessions.values()]) this.#end(session);
  }

  #end(session: PsiSession): TPsiSessionSummary {
    this.#sessions.delete(session.sessionId);
    session.close();
    const summary = session.summary();
    this.#onEnd(summary);
    return summary;
  }
}
