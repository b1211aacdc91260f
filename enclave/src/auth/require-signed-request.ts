/**
 * Express middleware that admits only requests signed by a trusted client (common/signed-request):
 * headers present, key trusted, timestamp inside the window, signature valid over the RAW body
 * bytes, nonce never seen (the nonce store lives in the vault, so this holds across restarts).
 * Must run after a raw body parser; leaves the verified body text in res.locals.rawBody.
 */
import { type TNonceStore, verifyRequest } from "@pdx/common/signed-request";
import type { RequestHandler } from "express";

export interface TSignedRequestOptions {
  trustedKeys: readonly string[];
  nonces: TNonceStore;
  windowMs?: number;
  now?: () => number;
}

/** Verified request facts available to later handlers. */
export interface TVerifiedRequestLocals {
  /** The body as UTF-8 text (JSON endpoints). */
  rawBody: string;
  /** The body's exact bytes (binary endpoints such as upload chunks); the signature covers these. */
  rawBytes: Buffer;
  callerKeyId: string;
}

/** The middleware; a refusal is passed on as a SignedRequestError (mapped to 401/409). */
export function requireSignedRequest(options: TSignedRequestOptions): RequestHandler {
  return async (req, res, next) => {
    const raw: unknown = req.body;
    const bytes = Buffer.isBuffer(raw) ? raw : Buffer.alloc(0);
    const { keyId } = await verifyRequest({
      method: req.method,
      path: req.originalUrl,
      body: bytes,
      headers: req.headers,
      trustedKeys: options.trustedKeys,
      nonces: options.nonces,
      windowMs: options.windowMs,
      now: options.now?.(),
    });
    const locals: TVerifiedRequestLocals = {
      rawBody: bytes.toString("utf8"),
      rawBytes: bytes,
      callerKeyId: keyId,
    };
    Object.assign(res.locals, locals);
    next();
  };
}
