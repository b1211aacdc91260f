import { TRPCClientError } from "@trpc/client";
import type { TTranslate } from "@/lib/i18n/dictionaries";
import type { TMessageKey } from "@/lib/i18n/types";

interface TErrorData {
  code?: unknown;
  domainCode?: unknown;
}

function dataOf(error: unknown): TErrorData | undefined {
  return error instanceof TRPCClientError ? (error.data as TErrorData | undefined) : undefined;
}

/** The tRPC error code of a failed call, if the server sent one (e.g. "UNAUTHORIZED"). */
export function errorCodeOf(error: unknown): string | undefined {
  const code = dataOf(error)?.code;
  return typeof code === "string" ? code : undefined;
}

/** The server's stable domain error code (e.g. "INVALID_CREDENTIALS"), if any. */
export function domainCodeOf(error: unknown): string | undefined {
  const code = dataOf(error)?.domainCode;
  return typeof code === "string" ? code : undefined;
}

/** True when the server says the caller is not signed in or the session has expired. */
export function isUnauthorized(error: unknown): boolean {
  return errorCodeOf(error) === "UNAUTHORIZED";
}

/** Domain codes shown in the UI's own words; the value is the catalogue key. */
const DOMAIN_MESSAGES: Record<string, TMessageKey> = {
  INVALID_CREDENTIALS: "error.INVALID_CREDENTIALS",
  LOGIN_THROTTLED: "error.LOGIN_THROTTLED",
  SESSION_EXPIRED: "error.SESSION_EXPIRED",
  UNAUTHENTICATED: "error.UNAUTHENTICATED",
  FORBIDDEN: "error.FORBIDDEN",
  CSRF_REJECTED: "error.CSRF_REJECTED",
  NOT_FOUND: "error.NOT_FOUND",
  ENCLAVE_UNAVAILABLE: "error.ENCLAVE_UNAVAILABLE",
  ENCLAVE_RESPONSE_INVALID: "error.ENCLAVE_RESPONSE_INVALID",
  CHAIN_UNAVAILABLE: "error.CHAIN_UNAVAILABLE",
  INTERNAL: "error.INTERNAL",
};

/** Domain codes whose server message names the specific problem: shown after our own words. */
const DOMAIN_MESSAGES_WITH_DETAIL: Record<string, TMessageKey> = {
  INVALID_INPUT: "error.INVALID_INPUT",
  ENCLAVE_REFUSED: "error.ENCLAVE_REFUSED",
  CONFLICT: "error.CONFLICT",
  INVALID_STATE: "error.INVALID_STATE",
  PRECONDITION_FAILED: "error.PRECONDITION_FAILED",
  AUTHORIZATION_INACTIVE: "error.AUTHORIZATION_INACTIVE",
};

/**
 * A message safe to show, in the UI's language: known domain codes in our words; otherwise the
 * server's own (user-safe) message; network failures and the proxy's gateway errors as "service
 * unreachable". Never internals.
 */
export function describeError(error: unknown, t: TTranslate): string {
  const code = errorCodeOf(error);
  if (code === undefined || code === "BAD_GATEWAY" || code === "GATEWAY_TIMEOUT") {
    const domain = domainCodeOf(error);
    // BAD_GATEWAY from the server itself (enclave answer invalid) carries a domain code.
    if (domain && DOMAIN_MESSAGES[domain]) return t(DOMAIN_MESSAGES[domain]);
    return t("common.apiUnreachable");
  }
  const domain = domainCodeOf(error);
  if (domain && DOMAIN_MESSAGES[domain]) return t(DOMAIN_MESSAGES[domain]);
  const serverMessage = error instanceof Error ? error.message : "";
  if (domain && DOMAIN_MESSAGES_WITH_DETAIL[domain]) {
    return serverMessage
      ? `${t(DOMAIN_MESSAGES_WITH_DETAIL[domain])}: ${serverMessage}`
      : t(DOMAIN_MESSAGES_WITH_DETAIL[domain]);
  }
  if (code === "FORBIDDEN") return t("error.FORBIDDEN");
  if (code === "NOT_FOUND") return t("error.NOT_FOUND");
  return serverMessage || t("error.INTERNAL");
}
