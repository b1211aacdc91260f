/**
 * Errors of the chain module: a stable code plus a user-safe message. The raw RPC/provider error
 * text never appears in a ChainError; `detail` carries at most ethers' short error code
 * (e.g. "CALL_EXCEPTION", "ECONNREFUSED") for operators.
 */
import { isError } from "ethers";

/** Stable codes of ChainError. */
export type TChainErrorCode =
  /** The JSON-RPC endpoint does not answer (down, wrong URL, timeout). */
  | "CHAIN_UNREACHABLE"
  /** No UsageAnchor (or registry) contract at the address in use (not deployed, or the chain was reset). */
  | "CONTRACT_MISSING"
  /** The compiled contract (Hardhat artifact) is missing or unreadable. */
  | "ARTIFACT_MISSING"
  /** A transaction was refused, reverted, or not mined in time. */
  | "TX_FAILED"
  /** The batch id already has a root on chain (roots are immutable). */
  | "BATCH_ALREADY_ANCHORED"
  /** The signing account lacks the role the operation needs (ANCHORER_ROLE, REGISTRAR_ROLE). */
  | "NOT_AUTHORIZED"
  /** A registry already holds a record with this id but different content (records are write-once). */
  | "RECORD_CONFLICT"
  /** A registry holds no record with this id (a status change needs the record first). */
  | "RECORD_MISSING"
  /** A registry refuses this status change from the record's current status (e.g. Revoked is final). */
  | "INVALID_STATUS_TRANSITION"
  /** A read call failed on a reachable chain. */
  | "CALL_FAILED"
  /** An argument is out of range or malformed (named in the message). */
  | "INVALID_ARGUMENT"
  /** close() was called; create a new client. */
  | "CLIENT_CLOSED";

export class ChainError extends Error {
  override readonly name = "ChainError";

  constructor(
    readonly code: TChainErrorCode,
    message: string,
    readonly extra: { detail?: string; txHash?: string } = {},
  ) {
    super(message);
  }

  /** ethers' short error code or the socket error code, when known (never raw RPC text). */
  get detail(): string | undefined {
    return this.extra.detail;
  }

  /** Hash of the transaction concerned, when one was sent. */
  get txHash(): string | undefined {
    return this.extra.txHash;
  }
}

const NETWORK_ERROR_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ETIMEDOUT",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_SOCKET",
]);

/** The socket-level error code buried in a fetch/ethers error chain, if any. */
function socketErrorCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 6 && e && typeof e === "object"; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && NETWORK_ERROR_CODES.has(code)) return code;
    const next = (e as { cause?: unknown; error?: unknown }).cause ?? (e as { error?: unknown }).error;
    if (next === e) break;
    e = next;
  }
  return undefined;
}

/** True when the error means "the endpoint did not answer", as opposed to an answer we dislike. */
export function isUnreachable(err: unknown): boolean {
  if (socketErrorCode(err)) return true;
  if (isError(err, "TIMEOUT") || isError(err, "NETWORK_ERROR")) return true;
  // ethers reports a failed fetch as SERVER_ERROR without an HTTP status.
  if (isError(err, "SERVER_ERROR")) return true;
  return err instanceof TypeError && /fetch failed/i.test(err.message);
}

/** A short, safe label for `detail`: the socket code or ethers' error code. */
export function errorLabel(err: unknown): string | undefined {
  const socket = socketErrorCode(err);
  if (socket) return socket;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^[A-Z_]{3,40}$/.test(code) ? code : undefined;
}

/** The ChainError for an unreachable endpoint. The URL is shown as scheme://host:port only. */
export function unreachable(rpcUrl: string, err?: unknown): ChainError {
  return new ChainError(
    "CHAIN_UNREACHABLE",
    `the chain's JSON-RPC endpoint ${safeUrl(rpcUrl)} is unreachable — is the chain running?`,
    { detail: errorLabel(err) },
  );
}

/** Scheme, host and port of a URL only: user info, path and query may hold API keys. */
export function safeUrl(rpcUrl: string): string {
  try {
    const u = new URL(rpcUrl);
    return `${u.protocol}//${u.host}`;
  } catch {
    return "(malformed URL)";
  }
}
