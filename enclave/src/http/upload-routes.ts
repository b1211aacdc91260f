/**
 * The vault's ingest endpoints (thin transport over ingest/upload-service.ts). Every request is
 * signed like /v1/jobs/aggregate (auth/require-signed-request.ts); refusals are ZEnclaveError
 * bodies (UPLOAD_UNKNOWN, UPLOAD_STATE, UPLOAD_OFFSET, VERSION_EXISTS, INVALID_REQUEST).
 *   POST   /v1/uploads                      ZStartUploadRequest → 201 ZUploadStatus (200 when repeated)
 *   PUT    /v1/uploads/:id/chunks/:offset   raw bytes (≤ UPLOAD_CHUNK_BYTES) → ZUploadStatus
 *   GET    /v1/uploads/:id                  → ZUploadStatus
 *   POST   /v1/uploads/:id/complete         → 202 ZUploadStatus (validating; 200 when already completed)
 *   DELETE /v1/uploads/:id                  → ZUploadStatus (cancelled)
 *   GET    /v1/datasets/:code/versions      → ZDatasetVersion[] newest first
 * A chunk's body is binary: its signature covers the raw body bytes (common/signed-request hashes
 * a Uint8Array body as is), and the verified bytes are what is staged.
 */
import {
  UPLOAD_CHUNK_BYTES,
  ZDatasetVersion,
  ZStartUploadRequest,
  ZUploadStatus,
} from "@pdx/common/vault-api";
import express, { Router } from "express";
import { z } from "zod";
import {
  requireSignedRequest,
  type TSignedRequestOptions,
  type TVerifiedRequestLocals,
} from "../auth/require-signed-request";
import { EnclaveError } from "../errors";
import type { UploadService } from "../ingest/upload-service";
import { parseJsonBody } from "./parse-body";

export interface TUploadRoutesDeps {
  uploads: UploadService;
  signed: TSignedRequestOptions;
}

const ZUploadId = z.uuid();
const ZOffset = z.string().regex(/^\d{1,16}$/);
const ZDatasetCode = z.string().regex(/^[A-Z][A-Z0-9-]{2,39}$/);

function uploadIdOf(raw: unknown): string {
  const parsed = ZUploadId.safeParse(raw);
  if (!parsed.success) throw new EnclaveError("UPLOAD_UNKNOWN", "no such upload (the id is not a uuid)");
  return parsed.data;
}

/** The router; mount it before the app's 404 handler. */
export function createUploadRouter(deps: TUploadRoutesDeps): Router {
  const router = Router();
  const signed = requireSignedRequest(deps.signed);
  const smallBody = express.raw({ type: () => true, limit: 256 * 1024 });
  const chunkBody = express.raw({ type: () => true, limit: UPLOAD_CHUNK_BYTES });
  const { uploads } = deps;

  router.post("/v1/uploads", smallBody, signed, async (_req, res) => {
    const { rawBody } = res.locals as TVerifiedRequestLocals;
    const { status, created } = await uploads.start(parseJsonBody(ZStartUploadRequest, rawBody));
    res.status(created ? 201 : 200).json(ZUploadStatus.parse(status));
  });

  router.put("/v1/uploads/:id/chunks/:offset", chunkBody, signed, async (req, res) => {
    const id = uploadIdOf(req.params.id);
    const offset = ZOffset.safeParse(req.params.offset);
    if (!offset.success) throw new EnclaveError("INVALID_REQUEST", "offset: must be a byte offset (digits)");
    const status = await uploads.putChunk(
      id,
      Number(offset.data),
      (res.locals as TVerifiedRequestLocals).rawBytes,
    );
    res.json(ZUploadStatus.parse(status));
  });

  router.get("/v1/uploads/:id", smallBody, signed, async (req, res) => {
    res.json(ZUploadStatus.parse(await uploads.status(uploadIdOf(req.params.id))));
  });

  router.post("/v1/uploads/:id/complete", smallBody, signed, async (req, res) => {
    const { status, started } = await uploads.complete(uploadIdOf(req.params.id));
    res.status(started ? 202 : 200).json(ZUploadStatus.parse(status));
  });

  router.delete("/v1/uploads/:id", smallBody, signed, async (req, res) => {
    res.json(ZUploadStatus.parse(await uploads.cancel(uploadIdOf(req.params.id))));
  });

  router.get("/v1/datasets/:code/versions", smallBody, signed, async (req, res) => {
    const code = ZDatasetCode.safeParse(req.params.code);
    if (!code.success)
      throw new EnclaveError("INVALID_REQUEST", 'code: must be a dataset code such as "LE-BASE"');
    res.json(z.array(ZDatasetVersion).parse(await uploads.listVersions(code.data)));
  });

  return router;
}
