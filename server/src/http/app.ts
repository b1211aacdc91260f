/**
 * The HTTP face of the server: Express with /health, /trpc and the vault upload chunk route
 * (http/upload-route.ts). Thin: it reads the session cookie, the CSRF header and the Origin
 * (requestInfoOf, shared by both), builds the tRPC context, and writes the session
 * cookie (httpOnly, SameSite=Strict, Path=/, Secure when configured). CORS is never enabled, so
 * a page from another origin can neither read responses nor send the x-pdx-csrf header.
 */

import { HE_MAX_JOB_BODY_BYTES } from "@pdx/common/enclave-he";
import { createExpressMiddleware } from "@trpc/server/adapters/express";
import express, { type Express, type Response } from "express";
import { DbError } from "../db";
import { DomainError } from "../domain/domain-error";
import { appRouter } from "../trpc/app-router";
import {
  createContext,
  type TRequestInfo,
  type TServerDeps,
  type TSessionCookieWriter,
} from "../trpc/context";
import { createUploadRouter } from "./upload-route";

/** Name of the session cookie. */
export const SESSION_COOKIE = "pdx_session";
/** Largest request body accepted by /trpc. */
export const MAX_BODY_BYTES = 64 * 1024;
/** Body limit of the upload procedures: a 5 MB document is about 6.7 MB as base64 JSON. */
export const MAX_UPLOAD_BODY_BYTES = 8 * 1024 * 1024;
/**
 * Procedures that carry file content or blinded points (and get MAX_UPLOAD_BODY_BYTES): a PSI
 * buyer chunk is 4,096 points, 175 KB as base64.
 */
const UPLOAD_PROCEDURES = new Set(["operators.uploadDocument", "psi.sendChunk"]);

/**
 * Procedures that carry homomorphic requests (and get HE_MAX_JOB_BODY_BYTES): ciphertexts and
 * seeded Galois keys — a lookup over 100k entities is ≈ 20 MB of JSON, 2^20 entities ≈ 55 MB.
 */
const HE_PROCEDURES = new Set(["he.run"]);

/** True when every procedure of a (possibly batched, "a,b") tRPC path is in `set`. */
function allIn(path: string, set: ReadonlySet<string>): boolean {
  const procedures = path.slice(1).split(",");
  return procedures.length > 0 && procedures.every((p) => set.has(p));
}

export interface TServerAppOptions {
  /** Adds `Secure` to the session cookie (COOKIE_SECURE=true; needs HTTPS in front). */
  cookieSecure: boolean;
}

/** Reads one cookie from a Cookie header (RFC 6265 pairs; the value is not decoded). */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || null;
  }
  return null;
}

function cookieWriter(res: Response, secure: boolean): TSessionCookieWriter {
  const base = { httpOnly: true, sameSite: "strict" as const, path: "/", secure };
  return {
    setSession(token, expiresAt) {
      res.cookie(SESSION_COOKIE, token, { ...base, expires: expiresAt });
    },
    clearSession() {
      res.clearCookie(SESSION_COOKIE, base);
    },
  };
}

function headerValue(value: string | string[] | undefined): string | null {
  return typeof value === "string" ? value : null;
}

/** What the context needs from a request: session cookie, CSRF header, Origin (/trpc and uploads). */
export function requestInfoOf(req: express.Request): TRequestInfo {
  return {
    sessionToken: readCookie(req.headers.cookie, SESSION_COOKIE),
    csrfHeader: headerValue(req.headers["x-pdx-csrf"]),
    origin: headerValue(req.headers.origin),
  };
}

/** Builds the Express app (does not listen). */
export function createServerApp(deps: TServerDeps, opts: TServerAppOptions): Express {
  const log = deps.log ?? ((line: string) => console.error(line));
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);

  app.use((_req, res, next) => {
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Cache-Control", "no-store");
    next();
  });

  app.get("/health", (_req, res) => {
    res.json({ ok: true });
  });

  const trpcWithLimit = (maxBodySize: number) =>
    createExpressMiddleware({
      router: appRouter,
      maxBodySize,
      createContext: ({ req, res }) =>
        createContext(deps, requestInfoOf(req), cookieWriter(res, opts.cookieSecure)),
      onError: ({ error, path }) => {
        const cause = error.cause;
        if (cause instanceof DomainError) {
          if (cause.internalDetail) log(`[trpc] ${path ?? "?"} ${cause.code}: ${cause.internalDetail}`);
          return;
        }
        if (error.code !== "INTERNAL_SERVER_ERROR") return;
        // Never the parameters of a query; DbError messages carry only SQLSTATE and constraint.
        const what =
          cause instanceof DbError ? `${cause.name} ${cause.code}: ${cause.message}` : describe(cause);
        log(`[trpc] ${path ?? "?"} internal error: ${what}`);
      },
    });
  const trpcDefault = trpcWithLimit(MAX_BODY_BYTES);
  // Dossier documents travel as base64 inside one procedure's JSON body; only it gets the larger limit.
  const trpcUpload = trpcWithLimit(MAX_UPLOAD_BODY_BYTES);
  const trpcHe = trpcWithLimit(HE_MAX_JOB_BODY_BYTES);
  app.use("/trpc", (req, res, next) =>
    (allIn(req.path, HE_PROCEDURES) ? trpcHe : allIn(req.path, UPLOAD_PROCEDURES) ? trpcUpload : trpcDefault)(
      req,
      res,
      next,
    ),
  );

  // Raw chunks of vault uploads (binary, so not tRPC); authenticated like /trpc.
  app.use(createUploadRouter(deps, requestInfoOf, log));

  app.use((_req, res) => {
    res.status(404).json({ error: { message: "not found" } });
  });
  // Express's own error handler would print a stack trace page; answer plainly instead.
  app.use((err: unknown, _req: express.Request, res: Response, _next: express.NextFunction) => {
    const status =
      typeof (err as { status?: unknown })?.status === "number" ? (err as { status: number }).status : 500;
    log(`[http] ${status}: ${describe(err)}`);
    res.status(status).json({ error: { message: status >= 500 ? "internal error" : "bad request" } });
  });
  return app;
}

function describe(err: unknown): string {
  if (err instanceof Error)
    return `${err.name}: ${err.message}${err.stack ? `\n${err.stack.split("\n").slice(1, 6).join("\n")}` : ""}`;
  return typeof err;
}
