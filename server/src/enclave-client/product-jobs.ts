/**
 * The server's client of the enclave's product-job endpoints (common/src/enclave-jobs.ts):
 * submit, status, cancel and cost preview, every request signed with the server's key. Every
 * answer is checked before anything uses it: schema, job id, and — once the job has ended — the
 * enclave's v2 receipt: signature with the configured enclave public key, and its job id,
 * product, version hash, mode, authorization, requester, state, request hash and output hash
 * (SHA-256 of canonicalJson(output)) against what was asked and what was answered. Failures
 * become DomainErrors with user-safe messages.
 */
import { canonicalJson } from "@pdx/common/canonical-json";
import { ZEnclaveError } from "@pdx/common/enclave-api";
import {
  JOB_END_STATES,
  type TJobCostPreview,
  type TProductJobRequest,
  type TProductJobRequestParsed,
  type TProductJobStatus,
  ZJobCostPreview,
  ZProductJobRequest,
  ZProductJobStatus,
} from "@pdx/common/enclave-jobs";
import { sha256Hex } from "@pdx/common/hash";
import { verifyReceiptV2 } from "@pdx/common/receipt";
import { DomainError } from "../domain/domain-error";
import { enclaveRefusal } from "./index";
import { createSignedCall, INVALID_MESSAGE } from "./signed-call";

export const PRODUCT_JOBS_PATH = "/v1/product-jobs";
export const PRODUCT_JOB_PREVIEW_PATH = "/v1/product-jobs/preview";

/** SHA-256 of the canonical JSON of a product job's output (null when nothing was released). */
export function productJobOutputHashOf(output: unknown): string {
  return sha256Hex(canonicalJson(output ?? null));
}

/** The request hash the enclave signs: SHA-256 of the canonical JSON of the parsed request. */
export function productJobRequestHashOf(request: TProductJobRequestParsed): string {
  return sha256Hex(canonicalJson(request));
}

/** The product reference a v2 receipt names: "code@version". */
export function productJobProductRef(product: { code: string; version: number }): string {
  return `${product.code}@${product.version}`;
}

/** What a job's answers must agree with (kept by the server from the submitted request). */
export interface TProductJobExpectation {
  jobId: string;
  product: { code: string; version: number; versionHash: string };
  mode: "mock" | "real";
  authorizationId: string | null;
  requesterOrgId: string;
  requestHash: string;
}

export interface TProductJobsClient {
  /** Submits a job (queued); resolves with the verified status and the request hash to keep. */
  submit(request: TProductJobRequest): Promise<{ status: TProductJobStatus; requestHash: string }>;
  /** The job's current status, verified against `expect`. */
  status(expect: TProductJobExpectation): Promise<TProductJobStatus>;
  /** Cancels the job (a job already ended stays as it ended); verified against `expect`. */
  cancel(expect: TProductJobExpectation): Promise<TProductJobStatus>;
  /** What the job would cost; nothing runs. */
  preview(request: TProductJobRequest): Promise<TJobCostPreview>;
}

export interface TProductJobsClientOptions {
  baseUrl: string;
  serverSigningKey: string;
  enclavePublicKey: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** Problems of a status answer against what was asked; empty when it verifies. */
export function productJobStatusProblems(
  status: TProductJobStatus,
  expect: TProductJobExpectation,
  enclavePublicKey: string,
): string[] {
  const problems: string[] = [];
  if (status.jobId !== expect.jobId) problems.push("job id mismatch");
  const ended = JOB_END_STATES.includes(status.state);
  if (status.state !== "released" && status.output !== null && status.output !== undefined)
    problems.push("output outside state released");
  const signed = status.signedReceipt;
  if (!signed) {
    if (ended) problems.push("ended job without a receipt");
    return problems;
  }
  if (!ended) problems.push("receipt before the job ended");
  const r = signed.receipt;
  if (!verifyReceiptV2(signed, enclavePublicKey)) problems.push("receipt signature invalid");
  if (r.jobId !== expect.jobId) problems.push("receipt job id mismatch");
  if (r.product !== productJobProductRef(expect.product)) problems.push("product mismatch");
  if (r.productVersionHash !== expect.product.versionHash) problems.push("version hash mismatch");
  if (r.mode !== expect.mode) problems.push("mode mismatch");
  if (r.authorizationId !== expect.authorizationId) problems.push("authorization mismatch");
  if (r.requesterOrgId !== expect.requesterOrgId) problems.push("requester mismatch");
  if (r.requestHash !== expect.requestHash) problems.push("request hash mismatch");
  if (r.state !== status.state) problems.push("state mismatch");
  const released = status.state === "released" ? status.output : null;
  if (r.outputHash !== productJobOutputHashOf(released)) problems.push("output hash mismatch");
  return problems;
}

/** Enclave refusals specific to product jobs; anything else as for aggregate jobs. */
function productJobRefusal(status: number, body: unknown): DomainError {
  const parsed = ZEnclaveError.safeParse(body);
  if (parsed.success) {
    const { code, message } = parsed.data.error;
    const safe = message.slice(0, 500);
    const detail = `enclave product job: HTTP ${status} ${code}`;
    switch (code) {
      case "JOB_UNKNOWN":
        return new DomainError("NOT_FOUND", "the secure computing domain does not know this job", detail);
      case "BUDGET_EXCEEDED":
        return new DomainError("PRECONDITION_FAILED", `privacy budget: ${safe}`, detail);
      case "QUERY_INVALID":
      case "SANDBOX_ERROR":
      case "LIMIT_EXCEEDED":
      case "PRIVACY_BLOCKED":
        return new DomainError("ENCLAVE_REFUSED", safe, detail);
      default:
        break;
    }
  }
  return enclaveRefusal(status, body);
}

/** Creates the client. */
export function createProductJobsClient(opts: TProductJobsClientOptions): TProductJobsClient {
  const send = createSignedCall({ ...opts, timeoutMs: opts.timeoutMs ?? 30_000 });
  const call = (method: "GET" | "POST", path: string, payload?: unknown) =>
    send(method, path, payload === undefined ? "" : JSON.stringify(payload));

  function verifiedStatus(body: unknown, expect: TProductJobExpectation, what: string): TProductJobStatus {
    const parsed = ZProductJobStatus.safeParse(body);
    if (!parsed.success) {
      throw new DomainError(
        "ENCLAVE_RESPONSE_INVALID",
        INVALID_MESSAGE,
        `enclave product job ${expect.jobId} ${what}: answer does not match the contract`,
      );
    }
    const problems = productJobStatusProblems(parsed.data, expect, opts.enclavePublicKey);
    if (problems.length > 0) {
      throw new DomainError(
        "ENCLAVE_RESPONSE_INVALID",
        INVALID_MESSAGE,
        `enclave product job ${expect.jobId} ${what}: ${problems.join(", ")}`,
      );
    }
    return parsed.data;
  }

  return {
    async submit(request) {
      const req = ZProductJobRequest.parse(request);
      const requestHash = productJobRequestHashOf(req);
      const { status, body } = await call("POST", PRODUCT_JOBS_PATH, req);
      if (status !== 202 && status !== 200) throw productJobRefusal(status, body);
      const expect: TProductJobExpectation = {
        jobId: req.jobId,
        product: req.product,
        mode: req.mode,
        authorizationId: req.authorization?.id ?? null,
        requesterOrgId: req.requester.orgId,
        requestHash,
      };
      return { status: verifiedStatus(body, expect, "submit"), requestHash };
    },

    async status(expect) {
      const path = `${PRODUCT_JOBS_PATH}/${encodeURIComponent(expect.jobId)}`;
      const { status, body } = await call("GET", path);
      if (status !== 200) throw productJobRefusal(status, body);
      return verifiedStatus(body, expect, "status");
    },

    async cancel(expect) {
      const path = `${PRODUCT_JOBS_PATH}/${encodeURIComponent(expect.jobId)}/cancel`;
      const { status, body } = await call("POST", path, {});
      if (status !== 200 && status !== 202) throw productJobRefusal(status, body);
      return verifiedStatus(body, expect, "cancel");
    },

    async preview(request) {
      const req = ZProductJobRequest.parse(request);
      const { status, body } = await call("POST", PRODUCT_JOB_PREVIEW_PATH, req);
      if (status !== 200) throw productJobRefusal(status, body);
      const parsed = ZJobCostPreview.safeParse(body);
      if (!parsed.success) {
        throw new DomainError(
          "ENCLAVE_RESPONSE_INVALID",
          INVALID_MESSAGE,
          `enclave product job preview ${req.jobId}: answer does not match the contract`,
        );
      }
      return parsed.data;
    },
  };
}
