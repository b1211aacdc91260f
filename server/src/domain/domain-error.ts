/**
 * Errors of the domain layer: a stable code plus a message that is safe to show to the user.
 * Anything internal (which check failed, upstream codes) goes into `internalDetail`, which is
 * logged by the transport but never sent to a client. The transport maps codes to its own
 * codes in one table (server/src/trpc/error-mapping.ts).
 */

/** Stable codes of DomainError. */
export type TDomainErrorCode =
  /** Nobody is signed in. */
  | "UNAUTHENTICATED"
  /** Sign-in failed: unknown e-mail or wrong password (deliberately indistinguishable). */
  | "INVALID_CREDENTIALS"
  /** The session cookie names a session that has expired. */
  | "SESSION_EXPIRED"
  /** Too many failed sign-ins for this e-mail; wait and retry. */
  | "LOGIN_THROTTLED"
  /** The signed-in user may not do this (role or organization). */
  | "FORBIDDEN"
  /** The request is missing the CSRF header or comes from a foreign origin. */
  | "CSRF_REJECTED"
  /** The thing asked for does not exist. */
  | "NOT_FOUND"
  /** The input is well-formed but not acceptable (named in the message). */
  | "INVALID_INPUT"
  /** The secure domain (enclave) cannot be reached or is not answering. */
  | "ENCLAVE_UNAVAILABLE"
  /** The enclave refused the job (e.g. a field not allowed by the dataset's column policy). */
  | "ENCLAVE_REFUSED"
  /** The enclave's answer failed verification (schema, receipt signature or output hash). */
  | "ENCLAVE_RESPONSE_INVALID"
  /** A duplicate: the thing exists already (the message names the existing owner or record). */
  | "CONFLICT"
  /** The object is not in a state that allows this action (e.g. approving a rejected application). */
  | "INVALID_STATE"
  /** A business rule is not met (notice period not over, fields outside the scope…; named in the message). */
  | "PRECONDITION_FAILED"
  /** The authorization is not active (suspended, revoked, expired or not yet recorded on chain). */
  | "AUTHORIZATION_INACTIVE"
  /** The chain cannot be reached or refused a call. */
  | "CHAIN_UNAVAILABLE"
  /** Anything unexpected. */
  | "INTERNAL";

export class DomainError extends Error {
  override readonly name = "DomainError";

  constructor(
    readonly code: TDomainErrorCode,
    /** Safe to show to the user. */
    readonly userMessage: string,
    /** For the server log only; never sent to clients. Must not contain secrets or raw rows. */
    readonly internalDetail?: string,
  ) {
    super(userMessage);
  }
}

/** True when `err` is a DomainError with `code` (any code when omitted). */
export function isDomainError(err: unknown, code?: TDomainErrorCode): err is DomainError {
  return err instanceof DomainError && (code === undefined || err.code === code);
}
