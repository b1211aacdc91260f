/**
 * The ONE place tRPC is initialized. Exports the router builder and the procedure builders; every
 * procedure passes, in order, through:
 *   1. domain-error mapping — a DomainError becomes a TRPCError with the code from
 *      DOMAIN_TO_TRPC_CODE and the error's user-safe message;
 *   2. CSRF — every mutation needs `x-pdx-csrf: 1` and, when an Origin header is present, an
 *      allowed origin (a cross-site page cannot add a custom header without CORS, never enabled);
 *   3. authorization — the procedure's entry in PROCEDURE_ACCESS (missing entry = refused).
 * The error formatter never lets internal messages out: only DomainError messages, tRPC's own
 * protocol messages and input-validation summaries reach clients; everything else reads
 * "internal error".
 */
import { initTRPC, type TRPC_ERROR_CODE_KEY, TRPCError } from "@trpc/server";
import { DomainError } from "../domain/domain-error";
import type { TContext } from "./context";
import { DOMAIN_TO_TRPC_CODE } from "./error-mapping";
import { accessOf, isAllowed } from "./permissions";

/** Message of every error whose own message is not known to be safe. */
export const INTERNAL_ERROR_MESSAGE = "internal error";

/** Fixed messages for tRPC's own protocol errors (their raw messages may echo input). */
const PROTOCOL_ERROR_MESSAGES: Partial<Record<TRPC_ERROR_CODE_KEY, string>> = {
  PARSE_ERROR: "malformed request",
  BAD_REQUEST: "bad request",
  NOT_FOUND: "no such procedure",
  METHOD_NOT_SUPPORTED: "method not supported for this procedure",
  PAYLOAD_TOO_LARGE: "request body too large",
  UNSUPPORTED_MEDIA_TYPE: "unsupported content type",
  TIMEOUT: "request timed out",
  CLIENT_CLOSED_REQUEST: "request closed by the client",
};

/** Issues of an input-validation failure, as sent to clients (paths and messages only). */
export interface TInputIssue {
  path: string;
  message: string;
}

function inputIssuesOf(cause: unknown): TInputIssue[] | null {
  const issues = (cause as { issues?: unknown } | undefined)?.issues;
  if (!Array.isArray(issues)) return null;
  return issues.slice(0, 20).map((i: { path?: unknown; message?: unknown }) => ({
    path: Array.isArray(i.path) ? i.path.map(String).join(".") : "",
    message: typeof i.message === "string" ? i.message.slice(0, 200) : "invalid",
  }));
}

const t = initTRPC.context<TContext>().create({
  isDev: false,
  errorFormatter({ shape, error }) {
    const domain = error.cause instanceof DomainError ? error.cause : null;
    const issues = error.code === "BAD_REQUEST" && !domain ? inputIssuesOf(error.cause) : null;
    let message: string;
    if (domain) message = domain.userMessage;
    else if (issues) message = `invalid input: ${issues.map((i) => i.path || "(input)").join(", ")}`;
    else if (shape.data.httpStatus >= 500) message = INTERNAL_ERROR_MESSAGE;
    else message = PROTOCOL_ERROR_MESSAGES[error.code] ?? `request refused (${error.code})`;
    return {
      message,
      code: shape.code,
      data: {
        code: shape.data.code,
        httpStatus: shape.data.httpStatus,
        path: shape.data.path,
        domainCode: domain?.code ?? null,
        issues,
      },
    };
  },
});

/** Creates routers. */
export const router = t.router;
/** Creates a server-side caller for a router (tests, in-process use). */
export const createCallerFactory = t.createCallerFactory;

const mapDomainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof DomainError) {
    const domain = result.error.cause;
    throw new TRPCError({
      code: DOMAIN_TO_TRPC_CODE[domain.code],
      message: domain.userMessage,
      cause: domain,
    });
  }
  return result;
});

const refuse = (code: keyof typeof DOMAIN_TO_TRPC_CODE, message: string) => {
  const domain = new DomainError(code, message);
  return new TRPCError({ code: DOMAIN_TO_TRPC_CODE[code], message, cause: domain });
};

const enforceCsrf = t.middleware(({ ctx, type, next }) => {
  if (type === "mutation" && !ctx.csrf.ok) {
    throw refuse(
      "CSRF_REJECTED",
      ctx.csrf.reason === "header" ? "missing CSRF header" : "request origin not allowed",
    );
  }
  return next();
});

const authorize = t.middleware(({ ctx, path, next }) => {
  const access = accessOf(path);
  if (access === undefined) throw refuse("FORBIDDEN", "this operation is not available");
  if (access === "public") return next();
  if (ctx.session.status === "expired")
    throw refuse("SESSION_EXPIRED", "session expired; please sign in again");
  if (ctx.session.status !== "valid") throw refuse("UNAUTHENTICATED", "please sign in");
  if (!isAllowed(access, ctx.session.user)) {
    throw refuse("FORBIDDEN", "your role does not allow this operation");
  }
  return next({ ctx: { user: ctx.session.user } });
});

const guarded = t.procedure.use(mapDomainErrors).use(enforceCsrf).use(authorize);

/** Procedures open to anyone (access "public" in PROCEDURE_ACCESS). */
export const publicProcedure = guarded;

/** Procedures for signed-in users; `ctx.user` is the caller. Roles come from PROCEDURE_ACCESS. */
export const userProcedure = guarded.use(({ ctx, next }) => {
  if (ctx.session.status !== "valid") throw refuse("UNAUTHENTICATED", "please sign in");
  return next({ ctx: { user: ctx.session.user } });
});
