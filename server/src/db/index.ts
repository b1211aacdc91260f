/**
 * The server's one database module: pooling, transactions, error mapping and slow-query timing.
 * Every query of the server goes through `TDb.query` or a transaction's `TQueryable.query`.
 * Parameters are never logged; errors are mapped to DbError by SQLSTATE.
 *
 * Embedded PGlite accepts one connection at a time, so its pool has size 1 (poolSizeFor): code
 * inside `withTransaction` must use the transaction's handle only, never `db.query`, or it waits
 * forever for the connection the transaction holds.
 */
import { fileURLToPath } from "node:url";
import { poolSizeFor } from "@pdx/common/embedded-postgres";
import { runMigrations, type TMigrationResult } from "@pdx/common/migrate";
import pg from "pg";
import { toDbError } from "./db-error";

export { DbError, type TDbErrorCode, toDbError } from "./db-error";

/** Anything that runs a parameterized query: the pool-backed db or a transaction. */
export interface TQueryable {
  query<TRow extends object = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
  ): Promise<{ rows: TRow[]; rowCount: number }>;
}

/** The database handle domain functions receive. */
export interface TDb extends TQueryable {
  /** Runs `fn` in one transaction on one client; commits if it resolves, rolls back if it throws. */
  withTransaction<T>(fn: (tx: TQueryable) => Promise<T>): Promise<T>;
  /** Applies the server's pending migrations (server/migrations). */
  migrate(): Promise<TMigrationResult>;
  /** Closes every connection. */
  close(): Promise<void>;
}

/** Where the server's SQL migrations live. */
export const SERVER_MIGRATIONS_DIR = fileURLToPath(new URL("../../migrations", import.meta.url));

/** Queries slower than this are logged by default (SQL text only, never parameters). */
const DEFAULT_SLOW_QUERY_MS = 2000;

export interface TCreateDbOptions {
  /** Overrides poolSizeFor(url). */
  poolSize?: number;
  /** Receives slow-query and pool-error lines; defaults to console.warn. */
  log?: (line: string) => void;
  /** Log queries slower than this many ms (default 2000). */
  slowQueryMs?: number;
}

/** Opens a pool on `url` (size 1 for embedded PGlite URLs, 10 otherwise). */
export function createDb(url: string, opts: TCreateDbOptions = {}): TDb {
  const log = opts.log ?? ((line: string) => console.warn(line));
  const slowQueryMs = opts.slowQueryMs ?? DEFAULT_SLOW_QUERY_MS;
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolSize ?? poolSizeFor(url),
    connectionTimeoutMillis: 30_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its connection must not crash the process.
  pool.on("error", (err) => log(`[db] idle client error: ${toDbError(err).message}`));

  const timed = async <TRow extends object>(
    run: () => Promise<pg.QueryResult>,
    sql: string,
  ): Promise<{ rows: TRow[]; rowCount: number }> => {
    const started = performance.now();
    try {
      const result = await run();
      return { rows: result.rows as TRow[], rowCount: result.rowCount ?? 0 };
    } catch (err) {
      throw toDbError(err);
    } finally {
      const ms = performance.now() - started;
      if (ms >= slowQueryMs) log(`[db] slow query (${Math.round(ms)} ms): ${summarizeSql(sql)}`);
    }
  };

  const db: TDb = {
    query<TRow extends object>(sql: string, params: readonly unknown[] = []) {
      return timed<TRow>(() => pool.query(sql, params as unknown[]), sql);
    },
    async withTransaction<T>(fn: (tx: TQueryable) => Promise<T>): Promise<T> {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (err) {
        throw toDbError(err);
      }
      let broken = false;
      try {
        await client.query("BEGIN");
        const tx: TQueryable = {
          query<TRow extends object>(sql: string, params: readonly unknown[] = []) {
            return timed<TRow>(() => client.query(sql, params as unknown[]), sql);
          },
        };
        const result = await fn(tx);
        await client.query("COMMIT");
        return result;
      } catch (err) {
        try {
          await client.query("ROLLBACK");
        } catch {
          broken = true;
        }
        throw err instanceof Error && err.name !== "DatabaseError" ? err : toDbError(err);
      } finally {
        client.release(broken);
      }
    },
    async migrate() {
      try {
        return await runMigrations(pool, SERVER_MIGRATIONS_DIR);
      } catch (err) {
        // runMigrations names the failing file; SQL errors inside are already summarized.
        throw err instanceof Error ? err : toDbError(err);
      }
    },
    async close() {
      await pool.end();
    },
  };
  return db;
}

function summarizeSql(sql: string): string {
  const oneLine = sql.replace(/\s+/g, " ").trim();
  return oneLine.length > 160 ? `${oneLine.slice(0, 157)}…` : oneLine;
}
