/**
 * The server's client of the enclave (secure domain). Every job request is signed with the
 * server's ed25519 key (common/signed-request). Every answer is checked before anything uses it:
 * schema (ZAggregateJobResponse), receipt signature against the configured enclave public key,
 * receipt fields against the request (job id, product, dataset, request hash) and the output hash
 * against the released output. Failures become DomainErrors with user-safe messages.
 */
import { canonicalJson } from "@pdx/common/canonical-json";
import {
  type TAggregateJobRequest,
  type TAggregateJobResponse,
  type TEnclaveIdentity,
  ZAggregateJobRequest,
  ZAggregateJobResponse,
  ZEnclaveError,
  ZEnclaveIdentity,
} from "@pdx/common/enclave-api";
import { sha256Hex } from "@pdx/common/hash";
import { verifyReceipt } from "@pdx/common/receipt";
import { DomainError } from "../domain/domain-error";
import { createHeQueriesClient, type THeQueriesClient } from "./he-queries";
import { createProductJobsClient, type TProductJobsClient } from "./product-jobs";
import { createPsiSessionsClient, type TPsiSessionsClient } from "./psi-sessions";
import { createSignedCall, INVALID_MESSAGE, UNAVAILABLE_MESSAGE } from "./signed-call";
import { createVaultUploadsClient, type TVaultUploadsClient } from "./vault-uploads";

/** Path of the aggregate job endpoint. */
export const AGGREGATE_JOB_PATH = "/v1/jobs/aggregate";
/** Path of the identity endpoint. */
export const IDENTITY_PATH = "/v1/identity";

/** The output hash the enclave signs: SHA-256 of canonicalJson({columns, rows, suppression}). */
export function outputHashOf(
  output: Pick<TAggregateJobResponse, "columns" | "rows" | "suppression">,
): string {
  return sha256Hex(
    canonicalJson({ columns: output.columns, rows: output.rows, suppression: output.suppression }),
  );
}

/** The request hash the enclave signs: SHA-256 of the canonical JSON of the request body. */
export function requestHashOf(request: TAggregateJobRequest): string {
  return sha256Hex(canonicalJson(request));
}

export interface TEnclaveClient {
  /** The enclave's identity (unsigned endpoint). */
  identity(): Promise<TEnclaveIdentity>;
  /** Runs an aggregate job; resolves only with a fully verified answer. */
  runAggregate(request: TAggregateJobRequest): Promise<TAggregateJobResponse>;
  /** Product jobs (operator logic in the sandbox), verified answers only (./product-jobs.ts). */
  productJobs: TProductJobsClient;
  /** Vault ingest: upload sessions, chunks, status, loaded versions (./vault-uploads.ts). */
  vaultUploads: TVaultUploadsClient;
  /** Private set intersection sessions: blinded points relayed, receipts verified (./psi-sessions.ts). */
  psiSessions: TPsiSessionsClient;
  /** Encrypted queries: directories and homomorphic jobs, receipts verified (./he-queries.ts). */
  heQueries: THeQueriesClient;
}

export interface TEnclaveClientOptions {
  baseUrl: string;
  /** The server's ed25519 secret key (hex) that signs requests. */
  serverSigningKey: string;
  /** The enclave's ed25519 public key (hex) that must have signed every receipt. */
  enclavePublicKey: string;
  /** Per-request timeout; defaults to 120 s (a job aggregates a whole dataset). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** Creates the client. */
export function createEnclaveClient(opts: TEnclaveClientOptions): TEnclaveClient {
  const call = createSignedCall({ ...opts, timeoutMs: opts.timeoutMs ?? 120_000 });

  return {
    productJobs: createProductJobsClient(opts),
    vaultUploads: createVaultUploadsClient(opts),
    psiSessions: createPsiSessionsClient(opts),
    heQueries: createHeQueriesClient(opts),

    async identity() {
      const { status, body } = await call("GET", IDENTITY_PATH);
      const parsed = ZEnclaveIdentity.safeParse(body);
      if (status !== 200 || !parsed.success) {
        throw new DomainError(
          "ENCLAVE_RESPONSE_INVALID",
          INVALID_MESSAGE,
          `enclave identity: HTTP ${status}, unexpected body`,
        );
      }
      return parsed.data;
    },

    async runAggregate(request) {
      const req = ZAggregateJobRequest.parse(request);
      const { status, body } = await call("POST", AGGREGATE_JOB_PATH, JSON.stringify(req));
      if (status !== 200) throw enclaveRefusal(status, body);

      const parsed = ZAggregateJobResponse.safeParse(body);
      if (!parsed.success) {
        throw new DomainError(
          "ENCLAVE_RESPONSE_INVALID",
          INVALID_MESSAGE,
          "enclave job: response does not match the contract",
        );
      }
      const res = parsed.data;
      const receipt = res.signedReceipt.receipt;
      const problems: string[] = [];
      if (!verifyReceipt(res.signedReceipt, opts.enclavePublicKey))
        problems.push("receipt signature invalid");
      if (res.jobId !== req.jobId || receipt.jobId !== req.jobId) problems.push("job id mismatch");
      if (receipt.product !== req.product) problems.push("product mismatch");
      if (receipt.datasetCode !== req.datasetCode) problems.push("dataset mismatch");
      if (receipt.requestHash !== requestHashOf(req)) problems.push("request hash mismatch");
      if (receipt.outputHash !== outputHashOf(res)) problems.push("output hash mismatch");
      if (receipt.suppressedCells !== res.suppression.suppressedCells)
        problems.push("suppressed cell count mismatch");
      if (problems.length > 0) {
        throw new DomainError(
          "ENCLAVE_RESPONSE_INVALID",
          INVALID_MESSAGE,
          `enclave job ${req.jobId}: ${problems.join(", ")}`,
        );
      }
      return res;
    },
  };
}

/**
 * The DomainError for a refusal of an interactive protocol call (PSI, HE): the enclave's own
 * checks of the buyer's input name what was wrong, safely, and reach the buyer as they are;
 * anything else as for jobs (enclaveRefusal). `what` names the protocol in the internal detail.
 */
export function protocolRefusal(status: number, body: unknown, what: string): DomainError {
  const parsed = ZEnclaveError.safeParse(body);
  if (parsed.success) {
    const { code, message } = parsed.data.error;
    const detail = `enclave ${what}: HTTP ${status} ${code}`;
    if (code === "QUERY_INVALID" || code === "INVALID_REQUEST")
      return new DomainError("INVALID_INPUT", message.slice(0, 500), detail);
    if (code === "LIMIT_EXCEEDED") return new DomainError("ENCLAVE_REFUSED", message.slice(0, 500), detail);
  }
  return enclaveRefusal(status, body);
}

/** The DomainError for an enclave refusal (error body and HTTP status). */
export function enclaveRefusal(status: number, body: unknown): DomainError {
  const parsed = ZEnclaveError.safeParse(body);
  if (!parsed.success) {
    return new DomainError(
      status >= 500 ? "ENCLAVE_UNAVAILABLE" : "ENCLAVE_RESPONSE_INVALID",
      status >= 500 ? UNAVAILABLE_MESSAGE : INVALID_MESSAGE,
      `enclave job: HTTP ${status} without an error body`,
    );
  }
  const { code } = parsed.data.error;
  const detail = `enclave job: HTTP ${status} ${code}`;
  switch (code) {
    case "DATASET_UNKNOWN":
      return new DomainError(
        "ENCLAVE_REFUSED",
        "the secure computing domain does not hold this product's dataset",
        detail,
      );
    case "FIELD_NOT_ALLOWED":
      return new DomainError(
        "ENCLAVE_REFUSED",
        "the secure computing domain refused this product: it reads a field the dataset's policy does not allow",
        detail,
      );
    case "AUTHORIZATION_INACTIVE":
      return new DomainError(
        "AUTHORIZATION_INACTIVE",
        "this product's operation authorization is not in force on chain (suspended, revoked, expired or not yet recorded), so it cannot run",
        detail,
      );
    case "FIELD_OUT_OF_SCOPE":
      return new DomainError(
        "ENCLAVE_REFUSED",
        "the secure computing domain refused this product: it reads a field outside its operation authorization's scope",
        detail,
      );
    case "CHAIN_UNAVAILABLE":
      return new DomainError(
        "CHAIN_UNAVAILABLE",
        "the authorization registry on chain cannot be read right now; please try again later",
        detail,
      );
    case "INVALID_REQUEST":
      return new DomainError(
        "ENCLAVE_REFUSED",
        "the secure computing domain refused this product's request",
        detail,
      );
    // Signature, key, clock or replay problems are the platform's, not the user's.
    default:
      return new DomainError("ENCLAVE_UNAVAILABLE", UNAVAILABLE_MESSAGE, detail);
  }
}
