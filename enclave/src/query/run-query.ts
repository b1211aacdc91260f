/**
 * Runs compiled queries on the vault database: each in its own READ ONLY transaction with a
 * statement time limit (SET LOCAL statement_timeout), returning raw groups for the privacy engine.
 * Raw groups are unprotected: they must never leave the enclave before the output rules ran.
 *
 * Note: embedded PGlite (tests, demo) accepts the time limit but cannot interrupt a running
 * statement (single-threaded WASM); a real PostgreSQL cancels it and the job gets LIMIT_EXCEEDED.
 */
import pg from "pg";
import { EnclaveError } from "../errors";
import type { TStoredDataset } from "../vault/stored-dataset";
import { planAggregateQuery } from "./plan-query";
import type { TCompiledAggregate, TCompiledQuery } from "./query-plan";

/** A `pg` pool (a client is checked out per query) or one connected client. */
export type TVaultQueryable = pg.Pool | pg.PoolClient | pg.Client;

export interface TQueryLimits {
  /** Most milliseconds one statement may run (1 … 600 000). */
  statementTimeoutMs: number;
}

/** One group of an aggregate before any output rule: see compile-sql.ts for the values. */
export interface TRawGroup {
  dims: string[];
  count: number;
  /** Distinct privacy units in the group (= count when each row is one unit). */
  units: number;
  /** One clamped sum per sum/mean measure, in measure order (decimal text; null: no values). */
  sums: (string | null)[];
  /** Per sum/mean measure: rows with a value (a mean's denominator; = count for required fields). */
  valueCounts: number[];
}

export interface TRawAggregateResult {
  groups: TRawGroup[];
  /** Rows the query read after filtering (sum of the group counts). */
  rowsRead: number;
}

const STATEMENT_TIMEOUT_SQLSTATE = "57014";

/**
 * Runs `work` in a READ ONLY transaction with `statement_timeout` set locally. A cancelled
 * statement becomes LIMIT_EXCEEDED; other database errors become a generic error carrying only
 * the SQLSTATE (their messages may quote values).
 */
export async function withReadOnlyTransaction<T>(
  db: TVaultQueryable,
  limits: TQueryLimits,
  work: (client: pg.ClientBase) => Promise<T>,
): Promise<T> {
  const ms = limits.statementTimeoutMs;
  if (!Number.isSafeInteger(ms) || ms < 1 || ms > 600_000)
    throw new Error("vault query: statementTimeoutMs must be an integer from 1 to 600000");
  const client = db instanceof pg.Pool ? await db.connect() : db;
  try {
    await client.query("BEGIN READ ONLY");
    try {
      await client.query("SELECT set_config('statement_timeout', $1, true)", [String(ms)]);
      const result = await work(client);
      await client.query("COMMIT");
      return result;
    } catch (err) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw err;
    }
  } catch (err) {
    if (err instanceof EnclaveError) throw err;
    const code = (err as { code?: unknown }).code;
    if (code === STATEMENT_TIMEOUT_SQLSTATE)
      throw new EnclaveError("LIMIT_EXCEEDED", `a vault query ran over the statement time limit of ${ms} ms`);
    throw new Error(`vault query failed (SQLSTATE ${typeof code === "string" ? code : "unknown"})`);
  } finally {
    if (db instanceof pg.Pool) (client as pg.PoolClient).release();
  }
}

interface TAggregateRow {
  [column: string]: string | null;
}

/** Runs a compiled aggregate and returns its raw groups (in no particular order) and rows read. */
export async function runAggregateQuery(
  db: TVaultQueryable,
  compiled: TCompiledAggregate,
  limits: TQueryLimits,
): Promise<TRawAggregateResult> {
  const result = await withReadOnlyTransaction(db, limits, (client) =>
    client.query<TAggregateRow>({ text: compiled.text, values: compiled.values }),
  );
  const groups = result.rows.map((row): TRawGroup => {
    const dims: string[] = [];
    for (let i = 0; i < compiled.dimensionCount; i++) dims.push(row[`d${i}`] ?? "");
    const sums: (string | null)[] = [];
    const valueCounts: number[] = [];
    for (let j = 0; j < compiled.sumCount; j++) {
      sums.push(row[`s${j}`] ?? null);
      valueCounts.push(Number(row[`v${j}`] ?? 0));
    }
    const count = Number(row.n);
    return { dims, count, units: compiled.countsUnits ? Number(row.u) : count, sums, valueCounts };
  });
  return { groups, rowsRead: groups.reduce((n, g) => n + g.count, 0) };
}

/** Runs a compiled verification: EXISTS(...) → true/false. */
export async function runExistsQuery(
  db: TVaultQueryable,
  compiled: TCompiledQuery,
  limits: TQueryLimits,
): Promise<boolean> {
  const result = await withReadOnlyTransaction(db, limits, (client) =>
    client.query<{ answer: boolean }>({ text: compiled.text, values: compiled.values }),
  );
  return result.rows[0]?.answer === true;
}

/**
 * Rows of `stored` matching `filters` (ZQueryFilter[], untrusted; checked like an aggregate's):
 * a zero-dimension count. Raw: the caller applies the output rules before releasing it.
 */
export async function countRows(
  db: TVaultQueryable,
  stored: TStoredDataset,
  filters: unknown,
  declaredFields: readonly string[],
  limits: TQueryLimits,
): Promise<{ count: number; fieldsTouched: string[] }> {
  const plan = planAggregateQuery(
    stored,
    { dataset: stored.spec.code, filters, measures: [{ fn: "count", as: "rows" }] },
    declaredFields,
  );
  const { rowsRead } = await runAggregateQuery(db, plan.sql, limits);
  return { count: rowsRead, fieldsTouched: plan.fieldsTouched };
}
