/**
 * The one table from error codes to HTTP statuses, and the conversion of any thrown value into a
 * ZEnclaveError body. Unknown errors become 500 INTERNAL with a generic message: their text
 * (SQL errors, stack traces, values) never reaches the caller.
 */
import type { TEnclaveError } from "@pdx/common/enclave-api";
import { SignedRequestError } from "@pdx/common/signed-request";
import { EnclaveError, type TEnclaveErrorCode } from "../errors";

/** HTTP status of each refusal code; the compiler checks every code has one. */
export const ENCLAVE_ERROR_STATUS = {
  /** x-pdx-* headers absent or malformed. */
  HEADER_MISSING: 401,
  /** Signing key not trusted. */
  KEY_UNKNOWN: 401,
  /** Timestamp outside the window. */
  TIMESTAMP_OUT_OF_WINDOW: 401,
  /** Signature does not verify over the request. */
  SIGNATURE_INVALID: 401,
  /** Nonce already used: a replay. */
  NONCE_REPLAYED: 409,
  /** Body is not JSON or not a valid job request; the message names the field. */
  INVALID_REQUEST: 400,
  /** The vault holds no such dataset. */
  DATASET_UNKNOWN: 404,
  /** A field's column policy forbids the requested use; the message names the field and why. */
  FIELD_NOT_ALLOWED: 422,
  /** The job's authorization is not recorded, not active, out of term, or not the one claimed. */
  AUTHORIZATION_INACTIVE: 403,
  /** The job reads a field its authorization's scope does not cover (named in the message). */
  FIELD_OUT_OF_SCOPE: 403,
  /** The authorization registry cannot be read (chain down, or no registry at the address). */
  CHAIN_UNAVAILABLE: 503,
  /** A declarative query is malformed or names something that does not exist (named). */
  QUERY_INVALID: 422,
  /** An output rule blocked the release (the rule is named: k, complementary suppression, record cap…). */
  PRIVACY_BLOCKED: 422,
  /** The privacy budget (ε) of this buyer on this dataset would be exceeded; names what remains. */
  BUDGET_EXCEEDED: 409,
  /** A job went over a limit (CPU, wall time, memory, output size, rows); names the limit. */
  LIMIT_EXCEEDED: 422,
  /** Operator logic failed to compile or threw; the message is the sandbox's, bounded. */
  SANDBOX_ERROR: 422,
  /** No such upload session. */
  UPLOAD_UNKNOWN: 404,
  /** The upload is not in a state that allows this (e.g. a chunk after completion). */
  UPLOAD_STATE: 409,
  /** A chunk's offset is not where the upload stands; the message gives the expected offset. */
  UPLOAD_OFFSET: 409,
  /** The dataset version already exists in the vault (versions are immutable). */
  VERSION_EXISTS: 409,
  /** No such job. */
  JOB_UNKNOWN: 404,
  /** Anything else; details only in the enclave's log (SQLSTATE and error class, never text). */
  INTERNAL: 500,
} as const satisfies Record<TEnclaveErrorCode, number>;

const GENERIC_INTERNAL = "the enclave could not complete the request";

export interface TErrorResponse {
  status: number;
  body: TEnclaveError;
  /** True when the error was not a known refusal (log it as an internal error). */
  internal: boolean;
}

function bodyOf(code: TEnclaveErrorCode, message: string): TEnclaveError {
  return { error: { code, message } };
}

/** Maps a thrown value to the response to send. */
export function toErrorResponse(err: unknown): TErrorResponse {
  if (err instanceof SignedRequestError) {
    return { status: ENCLAVE_ERROR_STATUS[err.code], body: bodyOf(err.code, err.message), internal: false };
  }
  if (err instanceof EnclaveError) {
    return {
      status: ENCLAVE_ERROR_STATUS[err.code],
      body: bodyOf(err.code, err.safeMessage),
      internal: false,
    };
  }
  // Errors of the raw body parser (http-errors with a `type`): transport-level refusals.
  const parserError = err as { type?: unknown; status?: unknown; limit?: unknown } | null;
  if (parserError && typeof parserError.type === "string" && typeof parserError.status === "number") {
    if (parserError.type === "entity.too.large") {
      return {
        status: 413,
        body: bodyOf(
          "INVALID_REQUEST",
          `request body is larger than the limit of ${Number(parserError.limit)} bytes`,
        ),
        internal: false,
      };
    }
    if (parserError.status >= 400 && parserError.status < 500) {
      return {
        status: 400,
        body: bodyOf("INVALID_REQUEST", "request body could not be read"),
        internal: false,
      };
    }
  }
  return {
    status: ENCLAVE_ERROR_STATUS.INTERNAL,
    body: bodyOf("INTERNAL", GENERIC_INTERNAL),
    internal: true,
  };
}
