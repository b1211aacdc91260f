/**
 * The server's client of the enclave (secure domain). Every job request is signed with the
 * server's ed25519 key (common/signed-request). Every answer is checked before anything uses it:
 * schema (ZAggregateJobResponse), receipt signature against the configured enclave public key,
 * receipt fields against the request (job id, product, dataset, request hash) and the output hash
 * against the released output. Failures become DomainErrors with user-safe messages.
 */
import { canonicalJson } from "@pdx/common/canonical-json";
import { publicKeyOf } from "@pdx/common/ed25519";
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
import { signRequest } from "@pdx/common/signed-request";
import { DomainError } from "../domain/domain-error";

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

const UNAVAILABLE_MESSAGE = "the secure computing domain is unavailable; please try again later";
const INVALID_MESSAGE = "the secure computing domain's answer could not be verified; nothing was recorded";

/** Creates the client. */
export function createEnclaveClient(opts: TEnclaveClientOptions): TEnclaveClient {
  const baseUrl = opts.baseUrl.replace(/\/+$/, "");
  const serverPublicKey = publicKeyOf(opts.serverSigningKey);
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const doFetch = opts.fetch ?? fetch;

  async function call(path: string, init: RequestInit): Promise<{ status: number; body: unknown }> {
    let res: Response;
    try {
      res = await doFetch(`${baseUrl}${path}`, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      const timedOut = err instanceof DOMException && err.name === "TimeoutError";
      throw new DomainError(
        "ENCLAVE_UNAVAILABLE",
        UNAVAILABLE_MESSAGE,
        timedOut ? `enclave ${path}: timed out after ${timeoutMs} ms` : `enclave ${path}: unreachable`,
      );
    }
    let body: unknown;
    try {
      body = await res.json();
    } catch {
      throw new DomainError(
        "ENCLAVE_RESPONSE_INVALID",
        INVALID_MESSAGE,
        `enclave ${path}: HTTP ${res.status}, body is not JSON`,
      );
    }
    return { status: res.status, body };
  }

  return {
    async identity() {
      const { status, body } = await call(IDENTITY_PATH, { method: "GET" });
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
      const bodyText = JSON.stringify(req);
      const headers = signRequest({
        method: "POST",
        path: AGGREGATE_JOB_PATH,
        body: bodyText,
        secretKey: opts.serverSigningKey,
        publicKey: serverPublicKey,
      });
      const { status, body } = await call(AGGREGATE_JOB_PATH, {
        method: "POST",
        headers: { ...headers, "content-type": "application/json" },
        body: bodyText,
      });
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

function enclaveRefusal(status: number, body: unknown): DomainError {
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
