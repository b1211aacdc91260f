/**
 * The tRPC context, built by a plain function of the server's dependencies and what the
 * transport extracted from the request (no Express types), so tests build it directly and call
 * procedures with createCaller.
 */
import type { TChainClient } from "../chain";
import type { TRegistriesClient } from "../chain/registries";
import type { TDb } from "../db";
import { resolveSession, type TSessionLookup } from "../domain/auth/sessions";
import type { TKeyring } from "../domain/signing/keyring";
import type { TEnclaveClient } from "../enclave-client";
import type { TMpcJobsClient } from "../enclave-client/mpc-jobs";

/** Everything procedures need, created once at start. */
export interface TServerDeps {
  db: TDb;
  enclave: TEnclaveClient;
  chain: TChainClient;
  /** Catalog and authorization registries on chain; null when not configured (writes wait). */
  registries: TRegistriesClient | null;
  /** The enclave's ed25519 public key (hex); receipts must verify with it. */
  enclavePublicKey: string;
  sessionTtlMinutes: number;
  /** Seals and opens users' signing keys (approvals are signed with them). */
  keyring: TKeyring;
  /** Length of public-notice periods (公示期) in days; 0 ends them at once (demos, tests). */
  publicNoticeDays: number;
  /** Origins allowed to send mutations (when the request carries an Origin header). */
  allowedOrigins: readonly string[];
  /** The MPC nodes (joint-statistics products); absent or null when none are configured. */
  mpc?: TMpcJobsClient | null;
  /** Clock, for tests. */
  now?: () => Date;
  /** Log sink for server-side diagnostics; defaults to console.error. */
  log?: (line: string) => void;
}

/** What the transport extracted from the HTTP request. */
export interface TRequestInfo {
  /** The pdx_session cookie's value, if any. */
  sessionToken: string | null;
  /** Value of the x-pdx-csrf header, if any. */
  csrfHeader: string | null;
  /** Value of the Origin header, if any. */
  origin: string | null;
}

/** How procedures set or clear the session cookie (the transport decides the attributes). */
export interface TSessionCookieWriter {
  setSession(token: string, expiresAt: Date): void;
  clearSession(): void;
}

export interface TContext {
  deps: TServerDeps;
  session: TSessionLookup;
  sessionToken: string | null;
  /** Whether the request passes the CSRF rules for mutations, and why not. */
  csrf: { ok: true } | { ok: false; reason: "header" | "origin" };
  cookies: TSessionCookieWriter;
}

/** The server's clock (deps.now in tests, the wall clock otherwise); every procedure reads time here. */
export function nowOf(deps: Pick<TServerDeps, "now">): Date {
  return deps.now?.() ?? new Date();
}

/** Value the x-pdx-csrf header must have on every mutation. */
export const CSRF_HEADER_VALUE = "1";

/** Builds the context of one request (looks the session up in the database). */
export async function createContext(
  deps: TServerDeps,
  request: TRequestInfo,
  cookies: TSessionCookieWriter,
): Promise<TContext> {
  const now = deps.now?.() ?? new Date();
  const session = await resolveSession(deps.db, request.sessionToken, now);
  let csrf: TContext["csrf"] = { ok: true };
  if (request.csrfHeader !== CSRF_HEADER_VALUE) csrf = { ok: false, reason: "header" };
  else if (request.origin !== null && !deps.allowedOrigins.includes(request.origin)) {
    csrf = { ok: false, reason: "origin" };
  }
  return { deps, session, sessionToken: request.sessionToken, csrf, cookies };
}
