/**
 * HTTP face of product jobs (thin transport over jobs/product-job-queue.ts), all signed:
 *   POST /v1/product-jobs             ZProductJobRequest → 202 ZProductJobStatus
 *   POST /v1/product-jobs/preview     ZProductJobRequest → ZJobCostPreview (nothing runs)
 *   GET  /v1/product-jobs/:id         → ZProductJobStatus
 *   POST /v1/product-jobs/:id/cancel  → ZProductJobStatus
 */
import {
  type TJobCostPreview,
  ZJobCostPreview,
  ZProductJobRequest,
  ZProductJobStatus,
} from "@pdx/common/enclave-jobs";
import express, { type RequestHandler, type Router } from "express";
import { z } from "zod";
import type { TVerifiedRequestLocals } from "../auth/require-signed-request";
import { EnclaveError } from "../errors";
import type { ProductJobQueue } from "../jobs/product-job-queue";
import { parseJsonBody } from "./parse-body";

export interface TProductJobRoutesDeps {
  queue: ProductJobQueue;
  /** The cost preview of a job: ε it may spend and the buyer's budgets on its datasets. */
  preview(request: z.output<typeof ZProductJobRequest>): Promise<TJobCostPreview>;
  /** The signed-request check (shared with the other endpoints). */
  signed: RequestHandler;
  maxBodyBytes: number;
}

const ZJobId = z.uuid();
function jobIdOf(raw: unknown): string {
  const parsed = ZJobId.safeParse(raw);
  if (!parsed.success) throw new EnclaveError("INVALID_REQUEST", "job id must be a UUID");
  return parsed.data;
}

export function productJobRoutes(deps: TProductJobRoutesDeps): Router {
  const router = express.Router();
  const body = express.raw({ type: () => true, limit: deps.maxBodyBytes });
  const rawOf = (locals: unknown) => (locals as TVerifiedRequestLocals).rawBody;

  router.post("/v1/product-jobs/preview", body, deps.signed, async (_req, res) => {
    const request = parseJsonBody(ZProductJobRequest, rawOf(res.locals));
    res.json(ZJobCostPreview.parse(await deps.preview(request)));
  });
  router.post("/v1/product-jobs", body, deps.signed, async (_req, res) => {
    const request = parseJsonBody(ZProductJobRequest, rawOf(res.locals));
    if (request.mode === "real" && !request.authorization) {
      throw new EnclaveError("INVALID_REQUEST", "authorization: required for a job on real data");
    }
    res.status(202).json(ZProductJobStatus.parse(await deps.queue.submit(request)));
  });
  router.get("/v1/product-jobs/:id", body, deps.signed, async (req, res) => {
    res.json(ZProductJobStatus.parse(await deps.queue.status(jobIdOf(req.params.id))));
  });
  router.post("/v1/product-jobs/:id/cancel", body, deps.signed, async (req, res) => {
    res.json(ZProductJobStatus.parse(await deps.queue.cancel(jobIdOf(req.params.id))));
  });
  return router;
}
