/**
 * The enclave's encrypted-query endpoints as the server calls them (signed), relaying a buyer's
 * browser. The homomorphic request and response are common/src/he/wire.ts; this module adds what
 * only the server knows and the enclave must check — the product (its dataset, entity field,
 * filters and features), the authorization, the requester — and the signed receipt.
 *
 *   POST /v1/he/directories  ZHeDirectoryRequest → ZHeDirectory
 *     the product's entities in their public order (identifiers only), so the buyer can place its
 *     weights' results / its selection; the directory hash pins that order for the job.
 *   POST /v1/he/jobs         ZHeEnclaveJob → ZHeEnclaveJobResult
 *     runs one encrypted query on the worker pool; the response holds only ciphertexts under the
 *     buyer's key, each re-randomized; the receipt records mode, preset and sizes, never inputs.
 *
 * The buyer's secret key is never part of any of these bodies (a test inspects them): requests
 * carry ciphertexts, a seeded public key and seeded Galois keys only.
 */
import { z } from "zod";
import { ZAuthorizationScope } from "./authorization-scope";
import { canonicalDigestOf } from "./canonical-digest";
import { canonicalJson } from "./canonical-json";
import { ZSignedJobReceiptV2 } from "./enclave-jobs";
import { sha256Hex } from "./hash";
import { ZHeFeature } from "./he/features";
import { HE_MODES } from "./he/layout";
import { HE_MAX_ENTITIES } from "./he/presets";
import { ZHeResponse } from "./he/wire";

export const HE_DIRECTORIES_PATH = "/v1/he/directories";
export const HE_JOBS_PATH = "/v1/he/jobs";
/** Largest HE job body (a BFV selection over 2^20 entities and its keys ≈ 55 MB of JSON). */
export const HE_MAX_JOB_BODY_BYTES = 64 * 1024 * 1024;

const ZHex64 = z.string().regex(/^[0-9a-f]{64}$/);
const ZFieldName = z.string().regex(/^[a-z][a-z0-9_]{0,62}$/);

/** Everything about the query that comes from the product and the platform, never the buyer. */
export const ZHeQueryContext = z.strictObject({
  product: z.strictObject({ code: z.string().min(1).max(100), version: z.int().min(1), versionHash: ZHex64 }),
  datasetCode: z.string().min(1).max(100),
  mode: z.enum(HE_MODES),
  entityField: ZFieldName,
  filters: z
    .array(
      z.strictObject({
        field: ZFieldName,
        op: z.literal("in"),
        values: z.array(z.string().min(1).max(60)).min(1).max(20),
      }),
    )
    .max(3),
  features: z.array(ZHeFeature).min(1).max(16),
  requester: z.strictObject({ orgId: z.string().min(1).max(100), userId: z.string().min(1).max(100) }),
  authorization: z.strictObject({
    id: z.uuid(),
    operatorOrgId: z.string().min(1).max(100),
    scope: ZAuthorizationScope,
  }),
});
export type THeQueryContext = z.infer<typeof ZHeQueryContext>;

export const ZHeDirectoryRequest = ZHeQueryContext;
export type THeDirectoryRequest = THeQueryContext;

export const ZHeDirectory = z.strictObject({
  datasetVersion: z.string().min(1).max(40),
  /** Entity identifiers in the order of the homomorphic layout (entity i is slot i). */
  entities: z.array(z.string().min(1).max(100)).min(1).max(HE_MAX_ENTITIES),
  /** heDirectoryHashOf(entities): the job names it, so the order cannot change in between. */
  directoryHash: ZHex64,
});
export type THeDirectory = z.infer<typeof ZHeDirectory>;

export const ZHeEnclaveJob = ZHeQueryContext.extend({
  /** Chosen by the server (its record of the query); the receipt carries it. */
  jobId: z.uuid(),
  datasetVersion: z.string().min(1).max(40),
  directoryHash: ZHex64,
  /** The buyer's homomorphic request (validated by the enclave with parseHeRequest). */
  request: z.unknown(),
});
export type THeEnclaveJob = z.infer<typeof ZHeEnclaveJob>;

export const ZHeEnclaveJobResult = z.strictObject({
  response: ZHeResponse,
  signedReceipt: ZSignedJobReceiptV2,
});
export type THeEnclaveJobResult = z.infer<typeof ZHeEnclaveJobResult>;

/** SHA-256 of the canonical JSON of the entity list. */
export function heDirectoryHashOf(entities: readonly string[]): string {
  return sha256Hex(canonicalJson(entities));
}

/** A job receipt's output hash: SHA-256 of the canonical JSON of the (ciphertext) response. */
export function heOutputHashOf(response: unknown): string {
  return canonicalDigestOf(response).sha256;
}

/**
 * A job receipt's request hash: SHA-256 of canonicalJson({ job: <the job without `request`>,
 * request: <SHA-256 of canonicalJson(request)> }) — the context in full, the ciphertexts through
 * their own hash (so the hash input does not hold megabytes twice). The enclave signs it; the
 * server recomputes it from what it sent. `requestSha256` when already computed.
 */
export function heRequestHashOf(
  job: THeEnclaveJob,
  requestSha256: string = canonicalDigestOf(job.request).sha256,
): string {
  const { request: _request, ...context } = job;
  return sha256Hex(canonicalJson({ job: context, request: requestSha256 }));
}

/** The receipt's `computation.requestBytes`: UTF-8 bytes of canonicalJson(the HE request). */
export function heRequestBytesOf(request: unknown): number {
  return canonicalDigestOf(request).bytes;
}
