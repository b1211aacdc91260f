/**
 * Sign-in, sessions and sign-out. A session token is 32 random bytes (base64url) handed to the
 * client once; only its SHA-256 is stored. Sessions expire after the configured TTL; an expired
 * session is refused with SESSION_EXPIRED and deleted. Unknown e-mail and wrong password give
 * the same error after the same work. Failed sign-ins are throttled per e-mail in the database.
 */
import { createHash, randomBytes } from "node:crypto";
import type { TDb, TQueryable } from "../../db";
import { DomainError } from "../domain-error";
import { decoyPasswordHash, MAX_PASSWORD_LENGTH, verifyPassword } from "./password";
import { SESSION_USER_COLUMNS, type TSessionUser, type TUserRow, toSessionUser } from "./session-user";

/** Default session lifetime (SESSION_TTL_MINUTES). */
export const DEFAULT_SESSION_TTL_MINUTES = 480;

/** Failed sign-ins allowed per e-mail within THROTTLE_WINDOW_MS before it is locked. */
export const MAX_FAILED_LOGINS = 5;
const THROTTLE_WINDOW_MS = 15 * 60_000;
const LOCK_MS = 5 * 60_000;

const INVALID_CREDENTIALS_MESSAGE = "wrong e-mail or password";

/** SHA-256 (hex) of a session token, the only form stored. */
export function hashSessionToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Lower-cases and trims an e-mail address for lookup. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export interface TLoginResult {
  /** The session token for the cookie; never stored. */
  token: string;
  expiresAt: Date;
  user: TSessionUser;
}

/**
 * Checks the credentials and opens a session. Throws INVALID_CREDENTIALS (same message for an
 * unknown e-mail and a wrong password) or LOGIN_THROTTLED.
 */
export async function login(
  db: TDb,
  input: { email: string; password: string },
  opts: { ttlMinutes: number; now?: Date },
): Promise<TLoginResult> {
  const now = opts.now ?? new Date();
  const email = normalizeEmail(input.email);
  if (email.length === 0 || email.length > 254 || input.password.length > MAX_PASSWORD_LENGTH) {
    throw new DomainError("INVALID_CREDENTIALS", INVALID_CREDENTIALS_MESSAGE);
  }
  await refuseIfThrottled(db, email, now);

  const { rows } = await db.query<TUserRow & { password_hash: string }>(
    `SELECT ${SESSION_USER_COLUMNS}, u.password_hash
       FROM users u JOIN organizations o ON o.id = u.org_id
      WHERE u.email = $1 AND u.removed_at IS NULL`,
    [email],
  );
  const row = rows[0];
  const ok = await verifyPassword(input.password, row?.password_hash ?? (await decoyPasswordHash()));
  if (!row || !ok) {
    await recordFailedLogin(db, email, now);
    throw new DomainError("INVALID_CREDENTIALS", INVALID_CREDENTIALS_MESSAGE);
  }

  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + opts.ttlMinutes * 60_000);
  await db.withTransaction(async (tx) => {
    await tx.query("DELETE FROM login_throttle WHERE email = $1", [email]);
    // Housekeeping: drop this user's expired sessions.
    await tx.query("DELETE FROM sessions WHERE user_id = $1 AND expires_at <= $2", [row.id, now]);
    await tx.query(
      "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
      [hashSessionToken(token), row.id, now, expiresAt],
    );
  });
  return { token, expiresAt, user: toSessionUser(row) };
}

/** What a session token resolves to. */
export type TSessionLookup =
  | { status: "none" }
  | { status: "expired" }
  | { status: "valid"; user: TSessionUser; expiresAt: Date };

/** Resolves a session token. Expired sessions are deleted and reported as "expired". */
export async function resolveSession(
  db: TQueryable,
  token: string | null | undefined,
  now: Date = new Date(),
): Promise<TSessionLookup> {
  if (!token || token.length > 100) return { status: "none" };
  const tokenHash = hashSessionToken(token);
  const { rows } = await db.query<TUserRow & { expires_at: Date }>(
    `SELECT ${SESSION_USER_COLUMNS}, s.expires_at
       FROM sessions s
       JOIN users u ON u.id = s.user_id
       JOIN organizations o ON o.id = u.org_id
      WHERE s.token_hash = $1 AND u.removed_at IS NULL`,
    [tokenHash],
  );
  const row = rows[0];
  if (!row) return { status: "none" };
  if (row.expires_at.getTime() <= now.getTime()) {
    await db.query("DELETE FROM sessions WHERE token_hash = $1", [tokenHash]);
    return { status: "expired" };
  }
  return { status: "valid", user: toSessionUser(row), expiresAt: row.expires_at };
}

/** Ends the session named by `token` (no-op when there is none). */
export async function logout(db: TQueryable, token: string | null | undefined): Promise<void> {
  if (!token || token.length > 100) return;
  await db.query("DELETE FROM sessions WHERE token_hash = $1", [hashSessionToken(token)]);
}

async function refuseIfThrottled(db: TQueryable, email: string, now: Date): Promise<void> {
  const { rows } = await db.query<{ locked_until: Date | null }>(
    "SELECT locked_until FROM login_throttle WHERE email = $1",
    [email],
  );
  const lockedUntil = rows[0]?.locked_until;
  if (lockedUntil && lockedUntil.getTime() > now.getTime()) {
    const minutes = Math.max(1, Math.ceil((lockedUntil.getTime() - now.getTime()) / 60_000));
    throw new DomainError(
      "LOGIN_THROTTLED",
      `too many failed sign-ins for this e-mail; try again in ${minutes} minute${minutes === 1 ? "" : "s"}`,
    );
  }
}

async function recordFailedLogin(db: TQueryable, email: string, now: Date): Promise<void> {
  const windowStart = new Date(now.getTime() - THROTTLE_WINDOW_MS);
  const lockedUntil = new Date(now.getTime() + LOCK_MS);
  // A new window starts when the previous one is over; the lock is set on the Nth failure.
  await db.query(
    `INSERT INTO login_throttle AS t (email, failed_count, window_started_at, locked_until)
     VALUES ($1, 1, $2, NULL)
     ON CONFLICT (email) DO UPDATE SET
       failed_count = CASE WHEN t.window_started_at < $3 THEN 1 ELSE t.failed_count + 1 END,
       window_started_at = CASE WHEN t.window_started_at < $3 THEN $2 ELSE t.window_started_at END,
       locked_until = CASE
         WHEN t.window_started_at >= $3 AND t.failed_count + 1 >= $4 THEN $5::timestamptz
         ELSE NULL END`,
    [email, now, windowStart, MAX_FAILED_LOGINS, lockedUntil],
  );
}
