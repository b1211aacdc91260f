/**
 * The ONE table from domain error codes to tRPC error codes (checked by the compiler: every
 * domain code must appear).
 */
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server";
import type { TDomainErrorCode } from "../domain/domain-error";

export const DOMAIN_TO_TRPC_CODE = {
  UNAUTHENTICATED: "UNAUTHORIZED",
  INVALID_CREDENTIALS: "UNAUTHORIZED",
  SESSION_EXPIRED: "UNAUTHORIZED",
  LOGIN_THROTTLED: "TOO_MANY_REQUESTS",
  FORBIDDEN: "FORBIDDEN",
  CSRF_REJECTED: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  INVALID_INPUT: "BAD_REQUEST",
  ENCLAVE_UNAVAILABLE: "SERVICE_UNAVAILABLE",
  ENCLAVE_REFUSED: "PRECONDITION_FAILED",
  ENCLAVE_RESPONSE_INVALID: "BAD_GATEWAY",
  CHAIN_UNAVAILABLE: "SERVICE_UNAVAILABLE",
  INTERNAL: "INTERNAL_SERVER_ERROR",
} as const satisfies Record<TDomainErrorCode, TRPC_ERROR_CODE_KEY>;
