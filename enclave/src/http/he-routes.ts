/**
 * HTTP face of encrypted-query products (thin transport over jobs/he-service.ts), both signed
 * (common/src/enclave-he.ts lists the endpoints):
 *   POST /v1/he/directories  ZHeDirectoryRequest → ZHeDirectory
 *   POST /v1/he/jobs         ZHeEnclaveJob → ZHeEnclaveJobResult
 * A job body carries the buyer's ciphertexts and evaluation keys: up to HE_MAX_JOB_BODY_BYTES
 * (the body parser refuses more with 413 before anything is verified or parsed); a directory
 * request is a product context of a few KB. The signature covers the raw body as for every
 * endpoint. Neither body is logged.
 */
import { HE_DIRECTORIES_PATH, HE_JOBS_PATH, HE_MAX_JOB_BODY_BYTES } from "@pdx/common/enclave-he";
import express, { type RequestHandler, type Router } from "express";
import type { TVerifiedRequestLocals } from "../auth/require-signed-request";
import { EnclaveError } from "../errors";
import type { HeService } from "../jobs/he-service";

export interface THeRoutesDeps {
  he: HeService;
  /** The signed-request check (shared with the other endpoints). */
  signed: RequestHandler;
}

/** Largest directory request body. */
export const HE_MAX_DIRECTORY_BODY_BYTES = 1024 * 1024;

function jsonOf(locals: unknown): unknown {
  try {
    return JSON.parse((locals as TVerifiedRequestLocals).rawBody);
  } catch {
    throw new EnclaveError("INVALID_REQUEST", "request body is not valid JSON");
  }
}

export function heRoutes(deps: THeRoutesDeps): Router {
  const router = express.Router();
  const raw = (limit: number) => express.raw({ type: () => true, limit });

  // The service validates the body against its schema (naming the path of a problem).
  router.post(HE_DIRECTORIES_PATH, raw(HE_MAX_DIRECTORY_BODY_BYTES), deps.signed, async (_req, res) => {
    res.json(await deps.he.directory(jsonOf(res.locals)));
  });
  router.post(HE_JOBS_PATH, raw(HE_MAX_JOB_BODY_BYTES), deps.signed, async (_req, res) => {
    res.json(await deps.he.run(jsonOf(res.locals)));
  });
  return router;
}
