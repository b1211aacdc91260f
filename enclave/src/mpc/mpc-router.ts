/**
 * HTTP face of an MPC node (thin transport over mpc-node.ts), to mount on the enclave app:
 *   POST /v1/mpc/messages   a sealed, signed frame from a peer node (authenticated by the frame
 *                           itself, not by headers) → 202 { received: true }
 *   POST /v1/mpc/jobs       platform → coordinator: ZMpcJobSpec (clientAuth) → 202 ZMpcJobStatus
 *   GET  /v1/mpc/jobs/:id   platform: the job's status on this node (clientAuth) → ZMpcJobStatus;
 *                           on the coordinator, once released, with the protected result and the
 *                           coordinator's signed v2 receipt (receipt.ts)
 * Refusals are ZEnclaveError bodies with the statuses of http/error-response.ts: answered here, or,
 * with `passErrors`, by the app's own error handler (the enclave app's also logs them).
 */
import { MPC_MAX_VECTOR_ENTRIES, ZMpcJobStatus } from "@pdx/common/mpc-api";
import express, { type ErrorRequestHandler, type RequestHandler, type Router } from "express";
import { z } from "zod";
import type { TVerifiedRequestLocals } from "../auth/require-signed-request";
import { EnclaveError } from "../errors";
import { toErrorResponse } from "../http/error-response";
import type { MpcNode } from "./mpc-node";

export interface TMpcRouterOptions {
  /**
   * Admits the platform's requests (start a job, read its status); runs after a raw body parser,
   * like the enclave's requireSignedRequest, and leaves the body text in res.locals.rawBody.
   */
  clientAuth: RequestHandler;
  /** Largest accepted frame (default: a full-size vector and 64 KiB more). */
  maxMessageBytes?: number;
  /**
   * Leave refusals and errors to the app's error handler (next(err)) instead of answering them
   * here; the enclave app does this so they are logged like those of its other routes.
   */
  passErrors?: boolean;
}

const MAX_SPEC_BYTES = 4 * 1024 * 1024;

export function createMpcRouter(node: MpcNode, options: TMpcRouterOptions): Router {
  const router = express.Router();
  const frameBody = express.raw({
    type: () => true,
    limit: options.maxMessageBytes ?? MPC_MAX_VECTOR_ENTRIES * 8 + 64 * 1024,
  });
  const specBody = express.raw({ type: () => true, limit: MAX_SPEC_BYTES });

  router.post("/v1/mpc/messages", frameBody, async (req, res) => {
    const frame: unknown = req.body;
    if (!Buffer.isBuffer(frame)) throw new EnclaveError("INVALID_REQUEST", "mpc message: no body");
    await node.receive(frame);
    res.status(202).json({ received: true });
  });

  router.post("/v1/mpc/jobs", specBody, options.clientAuth, (_req, res) => {
    let json: unknown;
    try {
      json = JSON.parse((res.locals as TVerifiedRequestLocals).rawBody);
    } catch {
      throw new EnclaveError("INVALID_REQUEST", "request body is not valid JSON");
    }
    res.status(202).json(ZMpcJobStatus.parse(node.startJob(json)));
  });

  router.get("/v1/mpc/jobs/:id", specBody, options.clientAuth, (req, res) => {
    const id = z.uuid().safeParse(req.params.id);
    if (!id.success) throw new EnclaveError("INVALID_REQUEST", "job id must be a UUID");
    const status = node.statusWithReceipt(id.data);
    if (!status) throw new EnclaveError("JOB_UNKNOWN", `no mpc job ${id.data} on node ${node.id}`);
    res.json(ZMpcJobStatus.parse(status));
  });

  if (!options.passErrors) {
    const onError: ErrorRequestHandler = (err, _req, res, _next) => {
      const { status, body } = toErrorResponse(err);
      if (!res.headersSent) res.status(status).json(body);
    };
    router.use(onError);
  }
  return router;
}
