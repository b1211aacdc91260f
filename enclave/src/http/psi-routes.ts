/**
 * HTTP face of private set intersection sessions (thin transport over jobs/psi-service.ts), all
 * signed (common/src/enclave-psi.ts lists the endpoints):
 *   POST /v1/psi/sessions                           ZPsiEnclaveStart → 201 ZPsiEnclaveStarted
 *   POST /v1/psi/sessions/:id/buyer-chunks/:index   { points } → ZPsiBuyerChunkReply
 *   GET  /v1/psi/sessions/:id/reply-chunks/:index   → ZPsiTagsChunk
 *   GET  /v1/psi/sessions/:id/server-chunks/:index  → ZPsiPointsChunk
 *   POST /v1/psi/sessions/:id/finish                → ZPsiSessionFinished
 */
import { ZPsiEnclaveStart, ZPsiSessionFinished } from "@pdx/common/enclave-psi";
import { PSI_POINT_BYTES } from "@pdx/common/psi/group";
import { PSI_CHUNK_ITEMS } from "@pdx/common/psi/wire";
import express, { type RequestHandler, type Router } from "express";
import { z } from "zod";
import type { TVerifiedRequestLocals } from "../auth/require-signed-request";
import { EnclaveError } from "../errors";
import type { PsiService } from "../jobs/psi-service";
import { parseJsonBody } from "./parse-body";

export interface TPsiRoutesDeps {
  psi: PsiService;
  /** The signed-request check (shared with the other endpoints). */
  signed: RequestHandler;
}

const ZSessionId = z.uuid();
const ZIndex = z.coerce.number().int().min(0).max(10_000_000);
const ZBuyerChunkBody = z.strictObject({
  points: z.base64().max(Math.ceil((PSI_CHUNK_ITEMS * PSI_POINT_BYTES) / 3) * 4),
});

function paramsOf(raw: { id?: unknown; index?: unknown }): { id: string; index: number } {
  const id = ZSessionId.safeParse(raw.id);
  if (!id.success) throw new EnclaveError("INVALID_REQUEST", "session id must be a UUID");
  const index = ZIndex.safeParse(raw.index ?? 0);
  if (!index.success) throw new EnclaveError("INVALID_REQUEST", "chunk index must be a non-negative integer");
  return { id: id.data, index: index.data };
}

export function psiRoutes(deps: TPsiRoutesDeps): Router {
  const router = express.Router();
  // A buyer chunk is 4,096 points: 175 KB as base64.
  const body = express.raw({ type: () => true, limit: 256 * 1024 });
  const rawOf = (locals: unknown) => (locals as TVerifiedRequestLocals).rawBody;

  router.post("/v1/psi/sessions", body, deps.signed, async (_req, res) => {
    const request = parseJsonBody(ZPsiEnclaveStart, rawOf(res.locals));
    res.status(201).json(await deps.psi.start(request));
  });
  router.post("/v1/psi/sessions/:id/buyer-chunks/:index", body, deps.signed, async (req, res) => {
    const { id, index } = paramsOf(req.params);
    const { points } = parseJsonBody(ZBuyerChunkBody, rawOf(res.locals));
    res.json(await deps.psi.buyerChunk(id, index, points));
  });
  router.get("/v1/psi/sessions/:id/reply-chunks/:index", body, deps.signed, (req, res) => {
    const { id, index } = paramsOf(req.params);
    res.json(deps.psi.replyChunk(id, index));
  });
  router.get("/v1/psi/sessions/:id/server-chunks/:index", body, deps.signed, async (req, res) => {
    const { id, index } = paramsOf(req.params);
    res.json(await deps.psi.serverChunk(id, index));
  });
  router.post("/v1/psi/sessions/:id/finish", body, deps.signed, (req, res) => {
    const { id } = paramsOf(req.params);
    res.json(ZPsiSessionFinished.parse({ signedReceipt: deps.psi.finish(id) }));
  });
  return router;
}
