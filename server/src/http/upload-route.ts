/**
 * PUT /api/vault/uploads/:id/chunks/:offset — one raw chunk (≤ UPLOAD_CHUNK_BYTES) of a data
 * source's vault upload, relayed to the enclave by domain/vault-uploads (which checks the role
 * and that the upload is the caller organization's). Raw bytes do not fit tRPC's JSON, hence
 * this one plain route; it authenticates exactly like /trpc: the session cookie resolved by the
 * same createContext, and the CSRF rule of mutations (x-pdx-csrf: 1, allowed Origin). The session
 * and CSRF are checked BEFORE the body is read, so a refused caller never makes the server
 * buffer a chunk.
 *
 * Answers: 200 with ZUploadStatus, or { error: { message, code, domainCode } } with the status
 * tRPC would use for the same error (401, 403, 404, 409, 413, 503, …).
 */
import { UPLOAD_CHUNK_BYTES, ZUploadStatus } from "@pdx/common/vault-api";
import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import express, { type NextFunction, type Request, type Response, type Router } from "express";
import { z } from "zod";
import { DbError } from "../db";
import type { TSessionUser } from "../domain/auth/session-user";
import { DomainError, type TDomainErrorCode } from "../domain/domain-error";
import { relayChunk } from "../domain/vault-uploads/vault-uploads";
import { createContext, nowOf, type TRequestInfo, type TServerDeps } from "../trpc/context";
import { DOMAIN_TO_TRPC_CODE } from "../trpc/error-mapping";

/** Path of the chunk route (Express pattern). */
export const UPLOAD_CHUNK_ROUTE = "/api/vault/uploads/:id/chunks/:offset";
/** Body limit: one chunk plus a small margin (the enclave enforces the exact limit). */
export const UPLOAD_CHUNK_BODY_LIMIT = UPLOAD_CHUNK_BYTES + 16 * 1024;

const ZChunkParams = z.object({
  id: z.uuid(),
  offset: z
    .string()
    .regex(/^(0|[1-9][0-9]{0,15})$/, "must be a non-negative integer")
    .transform(Number)
    .refine(Number.isSafeInteger, "is too large"),
});

/** The error body of this route. */
export interface TUploadRouteError {
  error: { message: string; code: string; domainCode: TDomainErrorCode | null };
}

function send(res: Response, code: TDomainErrorCode, message: string): void {
  const trpcCode = DOMAIN_TO_TRPC_CODE[code];
  const status = getHTTPStatusCodeFromError(new TRPCError({ code: trpcCode }));
  const body: TUploadRouteError = { error: { message, code: trpcCode, domainCode: code } };
  res.status(status).json(body);
}

interface TChunkLocals {
  user: TSessionUser;
}

/**
 * The router serving the chunk route. `requestInfoOf` is the same extraction /trpc uses
 * (http/app.ts), so both transports authenticate identically.
 */
export function createUploadRouter(
  deps: TServerDeps,
  requestInfoOf: (req: Request) => TRequestInfo,
  log: (line: string) => void,
): Router {
  const router = express.Router();

  const authenticate = async (req: Request, res: Response, next: NextFunction) => {
    try {
      const ctx = await createContext(deps, requestInfoOf(req), { setSession() {}, clearSession() {} });
      // Same order as tRPC's middleware: CSRF (a mutation), then the session.
      if (!ctx.csrf.ok) {
        send(
          res,
          "CSRF_REJECTED",
          ctx.csrf.reason === "header" ? "missing CSRF header" : "request origin not allowed",
        );
        return;
      }
      if (ctx.session.status === "expired") {
        send(res, "SESSION_EXPIRED", "session expired; please sign in again");
        return;
      }
      if (ctx.session.status !== "valid") {
        send(res, "UNAUTHENTICATED", "please sign in");
        return;
      }
      const locals: TChunkLocals = { user: ctx.session.user };
      Object.assign(res.locals, locals);
      next();
    } catch (err) {
      next(err);
    }
  };

  router.put(
    UPLOAD_CHUNK_ROUTE,
    authenticate,
    express.raw({ type: () => true, limit: UPLOAD_CHUNK_BODY_LIMIT }),
    async (req: Request, res: Response, next: NextFunction) => {
      try {
        const params = ZChunkParams.safeParse(req.params);
        if (!params.success) {
          const issue = params.error.issues[0];
          send(
            res,
            "INVALID_INPUT",
            `invalid ${issue?.path.join(".") || "path"}: ${issue?.message ?? "invalid"}`,
          );
          return;
        }
        const body: unknown = req.body;
        if (!Buffer.isBuffer(body) || body.length === 0) {
          send(res, "INVALID_INPUT", "the chunk is empty: send the file's bytes as the request body");
          return;
        }
        const { user } = res.locals as TChunkLocals;
        const status = await relayChunk(
          { db: deps.db, uploads: deps.enclave.vaultUploads, now: nowOf(deps) },
          user,
          params.data.id,
          params.data.offset,
          new Uint8Array(body.buffer, body.byteOffset, body.byteLength),
        );
        res.json(ZUploadStatus.parse(status));
      } catch (err) {
        next(err);
      }
    },
  );

  // Errors of this router only (body parser, domain, database); others go on to the app's handler.
  router.use(UPLOAD_CHUNK_ROUTE, (err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof DomainError) {
      if (err.internalDetail) log(`[upload] ${err.code}: ${err.internalDetail}`);
      send(res, err.code, err.userMessage);
      return;
    }
    const parserError = err as { type?: unknown; status?: unknown } | null;
    if (parserError?.type === "entity.too.large") {
      const body: TUploadRouteError = {
        error: {
          message: `a chunk may hold at most ${UPLOAD_CHUNK_BYTES} bytes`,
          code: "PAYLOAD_TOO_LARGE",
          domainCode: null,
        },
      };
      res.status(413).json(body);
      return;
    }
    if (typeof parserError?.status === "number" && parserError.status >= 400 && parserError.status < 500) {
      send(res, "INVALID_INPUT", "the chunk could not be read");
      return;
    }
    const what =
      err instanceof DbError
        ? `${err.name} ${err.code}: ${err.message}`
        : err instanceof Error
          ? err.name
          : typeof err;
    log(`[upload] internal error: ${what}`);
    send(res, "INTERNAL", "internal error");
  });

  return router;
}
