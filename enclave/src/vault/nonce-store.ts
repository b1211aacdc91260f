/**
 * Nonces of accepted signed requests, kept in the vault so that a replay is refused even after
 * the enclave restarts. Entries older than twice the timestamp window are pruned: a replay of
 * such a request already fails the timestamp check.
 */
import type { TNonceStore } from "@pdx/common/signed-request";
import type pg from "pg";

export interface TVaultNonceStoreOptions {
  windowMs: number;
  /** Prune at most this often (default one minute). */
  pruneEveryMs?: number;
  now?: () => number;
}

/** TNonceStore over the vault's request_nonces table. */
export class VaultNonceStore implements TNonceStore {
  private lastPruneMs = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly options: TVaultNonceStoreOptions,
  ) {}

  /** Records the nonce; false when this key already used it. */
  async claim(keyId: string, nonce: string, timestampMs: number): Promise<boolean> {
    await this.pruneIfDue();
    const result = await this.pool.query(
      `INSERT INTO request_nonces (key_id, nonce, request_timestamp_ms) VALUES ($1, $2, $3)
       ON CONFLICT (key_id, nonce) DO NOTHING`,
      [keyId, nonce, timestampMs],
    );
    return result.rowCount === 1;
  }

  /** Deletes nonces whose request timestamp is older than twice the window; returns how many. */
  async prune(): Promise<number> {
    const now = this.options.now?.() ?? Date.now();
    this.lastPruneMs = now;
    const result = await this.pool.query("DELETE FROM request_nonces WHERE request_timestamp_ms < $1", [
      now - 2 * this.options.windowMs,
    ]);
    return result.rowCount ?? 0;
  }

  private async pruneIfDue(): Promise<void> {
    const now = this.options.now?.() ?? Date.now();
    if (now - this.lastPruneMs >= (this.options.pruneEveryMs ?? 60_000)) await this.prune();
  }
}
