/**
 * The server's client of the enclave's encrypted-query endpoints (common/src/enclave-he.ts): it
 * fetches a product's entity directory and relays a buyer's homomorphic request — ciphertexts
 * and public evaluation keys only — signed with the server's key. It cannot decrypt anything.
 * Answers are checked before use: schema, directory hash, and the job's v2 receipt — signature,
 * job id, product, version hash, authorization, requester, request hash (heRequestHashOf of what
 * was sent), mode and sizes, and the output hash, which must be the hash of the response relayed.
 */
import {
  HE_DIRECTORIES_PATH,
  HE_JOBS_PATH,
  heDirectoryHashOf,
  heOutputHashOf,
  heRequestBytesOf,
  heRequestHashOf,
  type THeDirectory,
  type THeDirectoryRequest,
  type THeEnclaveJob,
  type THeEnclaveJobResult,
  ZHeDirectory,
  ZHeDirectoryRequest,
  ZHeEnclaveJob,
  ZHeEnclaveJobResult,
} from "@pdx/common/enclave-he";
import { DomainError } from "../domain/domain-error";
import { protocolRefusal } from "./index";
import { releasedReceiptProblems } from "./released-receipt";
import { createSignedCall, INVALID_MESSAGE } from "./signed-call";

export interface THeQueriesClient {
  directory(request: THeDirectoryRequest): Promise<THeDirectory>;
  /** Runs one job; resolves with the encrypted response and its verified receipt. */
  run(job: THeEnclaveJob, jobBody: string): Promise<THeEnclaveJobResult>;
}

export interface THeQueriesClientOptions {
  baseUrl: string;
  serverSigningKey: string;
  enclavePublicKey: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

function invalid(detail: string): DomainError {
  return new DomainError("ENCLAVE_RESPONSE_INVALID", INVALID_MESSAGE, `enclave he: ${detail}`);
}

/** Enclave refusals of encrypted queries: the enclave's checks name what was wrong, safely. */
const heRefusal = (status: number, body: unknown) => protocolRefusal(status, body, "he");

/** Problems of a job's receipt against what was sent and received; empty when it verifies. */
export function heReceiptProblems(
  result: THeEnclaveJobResult,
  job: THeEnclaveJob,
  requestBytes: number,
  enclavePublicKey: string,
): string[] {
  const problems = releasedReceiptProblems(
    result.signedReceipt,
    {
      jobId: job.jobId,
      product: job.product,
      authorizationId: job.authorization.id,
      requesterOrgId: job.requester.orgId,
      requestHash: heRequestHashOf(job),
      outputHash: heOutputHashOf(result.response),
    },
    enclavePublicKey,
  );
  const c = result.signedReceipt.receipt.computation;
  if (c?.kind !== "he" || c.mode !== job.mode || c.requestBytes !== requestBytes)
    problems.push("sizes mismatch");
  if (result.response.mode !== job.mode) problems.push("response mode mismatch");
  return problems;
}

export function createHeQueriesClient(opts: THeQueriesClientOptions): THeQueriesClient {
  // An encrypted query over 100k entities takes seconds; 2^20 entities, minutes.
  const send = createSignedCall({ ...opts, timeoutMs: opts.timeoutMs ?? 600_000 });
  return {
    async directory(request) {
      const checked = ZHeDirectoryRequest.parse(request);
      const { status, body } = await send("POST", HE_DIRECTORIES_PATH, JSON.stringify(checked));
      if (status !== 200) throw heRefusal(status, body);
      const parsed = ZHeDirectory.safeParse(body);
      if (!parsed.success) throw invalid("directory: answer does not match the schema");
      if (heDirectoryHashOf(parsed.data.entities) !== parsed.data.directoryHash)
        throw invalid("directory: hash does not match its entities");
      return parsed.data;
    },

    async run(job, jobBody) {
      ZHeEnclaveJob.parse(job);
      const { status, body } = await send("POST", HE_JOBS_PATH, jobBody);
      if (status !== 200) throw heRefusal(status, body);
      const parsed = ZHeEnclaveJobResult.safeParse(body);
      if (!parsed.success) throw invalid("job: answer does not match the schema");
      const problems = heReceiptProblems(
        parsed.data,
        job,
        heRequestBytesOf(job.request),
        opts.enclavePublicKey,
      );
      if (problems.length > 0) throw invalid(`job: ${problems.join(", ")}`);
      return parsed.data;
    },
  };
}
