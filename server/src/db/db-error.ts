/**
 * Database errors mapped by SQLSTATE (never by message text). A DbError's message names the
 * class of failure and, for constraint violations, the constraint — never the query's
 * parameters, the row values or the driver's detail text.
 */

/** Stable codes of DbError. */
export type TDbErrorCode =
  /** 23505: a unique constraint refused the write. */
  | "UNIQUE_VIOLATION"
  /** 23503: a foreign key refused the write. */
  | "FOREIGN_KEY_VIOLATION"
  /** 23514 / 23502: a CHECK or NOT NULL constraint refused the write. */
  | "CONSTRAINT_VIOLATION"
  /** 40001 / 40P01: serialization failure or deadlock; the transaction may be retried. */
  | "RETRYABLE"
  /** The database cannot be reached (connection refused, closed, timed out). */
  | "UNAVAILABLE"
  /** Any other failure of a statement. */
  | "QUERY_FAILED";

export class DbError extends Error {
  override readonly name = "DbError";

  constructor(
    readonly code: TDbErrorCode,
    message: string,
    /** The SQLSTATE reported by the server, when there was one. */
    readonly sqlState?: string,
    /** The constraint involved, when PostgreSQL names one. */
    readonly constraint?: string,
  ) {
    super(message);
  }
}

const CONNECTION_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND"]);

/** Turns any error thrown by `pg` into a DbError; DbErrors pass through unchanged. */
export function toDbError(err: unknown): DbError {
  if (err instanceof DbError) return err;
  const e = (err ?? {}) as { code?: unknown; constraint?: unknown; message?: unknown };
  const code = typeof e.code === "string" ? e.code : undefined;
  const constraint = typeof e.constraint === "string" ? e.constraint : undefined;
  if (code && /^[0-9A-Z]{5}$/.test(code)) {
    const on = constraint ? ` (${constraint})` : "";
    switch (code) {
      case "23505":
        return new DbError("UNIQUE_VIOLATION", `unique constraint violated${on}`, code, constraint);
      case "23503":
        return new DbError("FOREIGN_KEY_VIOLATION", `foreign key violated${on}`, code, constraint);
      case "23514":
      case "23502":
        return new DbError("CONSTRAINT_VIOLATION", `constraint violated${on}`, code, constraint);
      case "40001":
      case "40P01":
        return new DbError("RETRYABLE", `transaction conflict (SQLSTATE ${code}); retry`, code);
      default:
        if (code.startsWith("08") || code === "57P01" || code === "57P03") {
          return new DbError("UNAVAILABLE", `database unavailable (SQLSTATE ${code})`, code);
        }
        return new DbError("QUERY_FAILED", `query failed (SQLSTATE ${code})`, code);
    }
  }
  if (code && CONNECTION_CODES.has(code)) {
    return new DbError("UNAVAILABLE", `database unavailable (${code})`);
  }
  const message = typeof e.message === "string" ? e.message : "";
  if (
    /Connection terminated|Client was closed|connection timeout|Cannot use a pool after calling end/i.test(
      message,
    )
  ) {
    return new DbError("UNAVAILABLE", "database unavailable (connection closed)");
  }
  return new DbError("QUERY_FAILED", "query failed");
}
