/**
 * The enclave's HTTP face (thin transport over jobs/ and vault/):
 *   GET  /health             — liveness
 *   GET  /v1/identity        — public key and loaded datasets (unsigned)
 *   POST /v1/jobs/aggregate  — signed; ZAggregateJobRequest → ZAggregateJobResponse
 *   /v1/psi/sessions…        — signed; private set intersection (http/psi-routes.ts)
 *   POST /v1/he/directories, /v1/he/jobs — signed; encrypted-query products (http/he-routes.ts)
 *   POST /v1/mpc/jobs, GET /v1/mpc/jobs/:id — signed; joint aggregates this node coordinates or
 *                              takes part in (mpc/mpc-router.ts), when the enclave is an MPC node
 *   POST /v1/mpc/messages    — a peer node's sealed frame: authenticated by the frame itself
 *                              (sender's ed25519 signature, checked against the peer list)
 * Every refusal is a ZEnclaveError body with the status from http/error-response.ts.
 */
import { keyIdOf, publicKeyOf } from "@pdx/common/ed25519";
import {
  type TEnclaveIdentity,
  ZAggregateJobRequest,
  ZAggregateJobResponse,
  ZEnclaveIdentity,
} from "@pdx/common/enclave-api";
import { DEFAULT_REQUEST_WINDOW_MS, type TNonceStore } from "@pdx/common/signed-request";
import express, { type ErrorRequestHandler, type Express } from "express";
import { requireSignedRequest, type TVerifiedRequestLocals } from "./auth/require-signed-request";
import type { TAuthorizationRegistryReader } from "./authorization/authorization-registry";
import { toErrorResponse } from "./http/error-response";
import { heRoutes } from "./http/he-routes";
import { parseJsonBody } from "./http/parse-body";
import { productJobRoutes, type TProductJobRoutesDeps } from "./http/product-job-routes";
import { psiRoutes } from "./http/psi-routes";
import { createUploadRouter } from "./http/upload-routes";
import type { UploadService } from "./ingest/upload-service";
import { runAggregateJob } from "./jobs/aggregate";
import type { HeService } from "./jobs/he-service";
import type { PsiService } from "./jobs/psi-service";
import { jsonLineLog, sqlStateOf, type TEnclaveLog } from "./log";
import type { MpcNode } from "./mpc/mpc-node";
import { createMpcRouter } from "./mpc/mpc-router";
import type { Vault } from "./vault/vault";

export interface TEnclaveAppDeps {
  vault: Vault;
  /** The enclave's ed25519 secret key (hex) that signs receipts. */
  signingKey: string;
  /** Public keys (hex) of the clients allowed to submit jobs. */
  trustedClientKeys: readonly string[];
  /** The AuthorizationRegistry on chain; every job's authorization is read from it at job time. */
  authorizations: TAuthorizationRegistryReader;
  log?: TEnclaveLog;
  /** Accepted distance of a request's timestamp from the enclave clock (default ±30 s). */
  requestWindowMs?: number;
  /** Largest accepted request body (default 64 KiB). */
  maxBodyBytes?: number;
  /** Clock for signature windows and receipts (tests). */
  now?: () => Date;
  /** Nonce store (default: the vault's, so replays are refused across restarts). */
  nonces?: TNonceStore;
  /** Upload sessions of dataset versions; when given, the ingest endpoints are served. */
  uploads?: UploadService;
  /** Product jobs (sandboxed operator logic); when given, /v1/product-jobs is served. */
  productJobs?: Pick<TProductJobRoutesDeps, "queue" | "preview">;
  /** Private set intersection sessions; when given, /v1/psi/sessions is served. */
  psi?: PsiService;
  /** Encrypted-query products; when given, /v1/he/… is served. */
  he?: HeService;
  /** This enclave as an MPC node (the caller creates and closes it); when given, /v1/mpc/… is served. */
  mpc?: MpcNode;
}

/** Creates the Express app; listening is the caller's business (port 0 in tests). */
export function createEnclaveApp(deps: TEnclaveAppDeps): Express {
  const log = deps.log ?? jsonLineLog;
  const now = deps.now ?? (() => new Date());
  const windowMs = deps.requestWindowMs ?? DEFAULT_REQUEST_WINDOW_MS;
  const publicKey = publicKeyOf(deps.signingKey);
  const signer = { secretKey: deps.signingKey, publicKey };
  const nonces = deps.nonces ?? deps.vault.nonceStore({ windowMs, now: () => now().getTime() });

  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);

  app.get("/health", (_req, res) => {
    res.json({ status: "ok" });
  });

  app.get("/v1/identity", async (_req, res) => {
    const identity: TEnclaveIdentity = ZEnclaveIdentity.parse({
      publicKey,
      keyId: keyIdOf(publicKey),
      datasets: await deps.vault.listDatasets(),
    });
    res.json(identity);
  });

  app.post(
    "/v1/jobs/aggregate",
    express.raw({ type: () => true, limit: deps.maxBodyBytes ?? 64 * 1024 }),
    requireSignedRequest({
      trustedKeys: deps.trustedClientKeys,
      nonces,
      windowMs,
      now: () => now().getTime(),
    }),
    async (_req, res) => {
      const started = performance.now();
      const { rawBody } = res.locals as TVerifiedRequestLocals;
      const request = parseJsonBody(ZAggregateJobRequest, rawBody);
      const result = await runAggregateJob(
        { vault: deps.vault, signer, now, authorizations: deps.authorizations },
        request,
      );
      const response = ZAggregateJobResponse.parse(result.response);
      log({
        event: "job",
        jobId: request.jobId,
        product: request.product,
        dataset: `${request.datasetCode}@${result.datasetVersion}`,
        rowsRead: result.rowsRead,
        releasedCells: response.suppression.releasedCells,
        suppressedCells: response.suppression.suppressedCells,
        ms: Math.round(performance.now() - started),
      });
      res.json(response);
    },
  );

  if (deps.uploads) {
    const signed = { trustedKeys: deps.trustedClientKeys, nonces, windowMs, now: () => now().getTime() };
    app.use(createUploadRouter({ uploads: deps.uploads, signed }));
  }

  if (deps.productJobs) {
    app.use(
      productJobRoutes({
        ...deps.productJobs,
        signed: requireSignedRequest({
          trustedKeys: deps.trustedClientKeys,
          nonces,
          windowMs,
          now: () => now().getTime(),
        }),
        maxBodyBytes: 512 * 1024,
      }),
    );
  }

  if (deps.psi) {
    app.use(
      psiRoutes({
        psi: deps.psi,
        signed: requireSignedRequest({
          trustedKeys: deps.trustedClientKeys,
          nonces,
          windowMs,
          now: () => now().getTime(),
        }),
      }),
    );
  }

  if (deps.he) {
    app.use(
      heRoutes({
        he: deps.he,
        signed: requireSignedRequest({
          trustedKeys: deps.trustedClientKeys,
          nonces,
          windowMs,
          now: () => now().getTime(),
        }),
      }),
    );
  }

  if (deps.mpc) {
    app.use(
      createMpcRouter(deps.mpc, {
        clientAuth: requireSignedRequest({
          trustedKeys: deps.trustedClientKeys,
          nonces,
          windowMs,
          now: () => now().getTime(),
        }),
        passErrors: true,
      }),
    );
  }

  app.use((req, res) => {
    log({ event: "refused", code: "INVALID_REQUEST", status: 404, path: logPath(req.path) });
    res.status(404).json({ error: { code: "INVALID_REQUEST", message: "no such endpoint" } });
  });

  const onError: ErrorRequestHandler = (err, req, res, _next) => {
    const { status, body, internal } = toErrorResponse(err);
    if (internal) {
      log({
        event: "internal_error",
        path: logPath(req.path),
        errorName: errorNameOf(err),
        sqlState: sqlStateOf(err),
      });
    } else {
      log({ event: "refused", code: body.error.code, status, path: logPath(req.path) });
    }
    if (res.headersSent) return;
    res.status(status).json(body);
  };
  app.use(onError);
  return app;
}

/** Request path for the log: bounded, printable. */
function logPath(path: string): string {
  return path.replace(/[^\x21-\x7e]/g, "?").slice(0, 120);
}

function errorNameOf(err: unknown): string {
  const name = err instanceof Error ? err.constructor.name : typeof err;
  return /^[A-Za-z0-9_]{1,60}$/.test(name) ? name : "Unknown";
}
