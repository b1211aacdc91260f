/**
 * A job's inbox: verified, decrypted payloads by (round, sender), each accepted once, and waits
 * for the set of senders a step needs. A wait ends when every expected message is there, when the
 * job's deadline passes (`expire`: the wait fails naming who is missing) or when the job fails
 * (`close`: the failure ends it). No crypto, no transport, no timers.
 */
import type { TMpcRound } from "@pdx/common/mpc-api";

/** The deadline passed before every expected message arrived. */
export class MissingMessagesError extends Error {
  constructor(
    readonly round: TMpcRound,
    /** Senders whose message did not arrive, in the order they were expected. */
    readonly missing: readonly string[],
  ) {
    super(`no ${round} message from ${missing.join(", ")}`);
    this.name = "MissingMessagesError";
  }
}

interface TWaiter {
  round: TMpcRound;
  senders: readonly string[];
  resolve: (messages: Map<string, Uint8Array>) => void;
  reject: (error: Error) => void;
}

export class Mailbox {
  private readonly messages = new Map<string, Uint8Array>();
  private readonly waiters = new Set<TWaiter>();
  private closedWith: Error | null = null;

  /** Stores a message; false if one from this sender for this round is already there. */
  put(round: TMpcRound, sender: string, payload: Uint8Array): boolean {
    const key = `${round}\n${sender}`;
    if (this.messages.has(key)) return false;
    this.messages.set(key, payload);
    for (const waiter of [...this.waiters]) this.settle(waiter);
    return true;
  }

  /** Whether a message from `sender` for `round` is there. */
  has(round: TMpcRound, sender: string): boolean {
    return this.messages.has(`${round}\n${sender}`);
  }

  /**
   * The messages of `round` from every one of `senders`, once all are there; rejects with
   * MissingMessagesError when `expire` is called first, or with the error the mailbox was closed with.
   */
  collect(round: TMpcRound, senders: readonly string[]): Promise<Map<string, Uint8Array>> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    return new Promise((resolve, reject) => {
      const waiter: TWaiter = { round, senders, resolve, reject };
      this.waiters.add(waiter);
      this.settle(waiter);
    });
  }

  /** Fails every wait in progress naming its missing senders; returns whether there was one. */
  expire(): boolean {
    const waiting = [...this.waiters];
    this.waiters.clear();
    for (const w of waiting)
      w.reject(
        new MissingMessagesError(
          w.round,
          w.senders.filter((s) => !this.has(w.round, s)),
        ),
      );
    return waiting.length > 0;
  }

  /** Ends every wait (now and later) with `error`, and drops the stored payloads. */
  close(error: Error): void {
    if (this.closedWith) return;
    this.closedWith = error;
    for (const waiter of this.waiters) waiter.reject(error);
    this.waiters.clear();
    this.messages.clear();
  }

  private settle(waiter: TWaiter): void {
    if (!waiter.senders.every((s) => this.has(waiter.round, s))) return;
    this.waiters.delete(waiter);
    const out = new Map<string, Uint8Array>();
    for (const s of waiter.senders) out.set(s, this.messages.get(`${waiter.round}\n${s}`)!);
    waiter.resolve(out);
  }
}
