/**
 * The enclave's HTTP API, shared by the enclave (which serves it) and the server (which calls
 * it). Every /v1/jobs/* request must be signed (signed-request.ts). Raw rows never appear in any
 * response: only released aggregates and signed receipts.
 */
import { z } from "zod";
import { ZAuthorizationScope } from "./authorization-scope";
import { ZSignedReceipt } from "./receipt";

const ZIdentifier = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z][a-z0-9_]*$/, "must be a lowercase identifier");

export const ZAggregateMeasure = z.discriminatedUnion("fn", [
  z.object({ fn: z.literal("count"), as: ZIdentifier }),
  z.object({ fn: z.literal("sum"), field: ZIdentifier, as: ZIdentifier }),
]);
export type TAggregateMeasure = z.infer<typeof ZAggregateMeasure>;

/** POST /v1/jobs/aggregate — a grouped aggregate over one vault dataset. */
export const ZAggregateJobRequest = z.object({
  jobId: z.string().uuid(),
  /** Product that asked, "code@version"; recorded in the receipt. */
  product: z.string().min(1).max(200),
  datasetCode: z.string().min(1).max(100),
  groupBy: z.array(ZIdentifier).min(1).max(4),
  measures: z.array(ZAggregateMeasure).min(1).max(8),
  /** A stricter minimum group size than the dataset's own rule; the enclave applies the larger. */
  minGroupSize: z.number().int().min(1).max(10_000).optional(),
  /** Who asked, for the receipt's request hash (the server keeps the full usage record). */
  requester: z.object({ orgId: z.string().min(1).max(100), userId: z.string().min(1).max(100) }),
  /**
   * The operation authorization the product runs under. The enclave reads it from the
   * AuthorizationRegistry at job time and refuses unless it is Active and in term, its operator
   * and scope hash match this claim, and every field the job reads is in `scope` for the dataset.
   */
  authorization: z.object({
    id: z.uuid(),
    operatorOrgId: z.string().min(1).max(100),
    scope: ZAuthorizationScope,
  }),
});
export type TAggregateJobRequest = z.infer<typeof ZAggregateJobRequest>;

export const ZAggregateColumn = z.object({
  key: z.string(),
  kind: z.enum(["dimension", "measure"]),
});

export const ZSuppression = z.object({
  rule: z.literal("min-group-size"),
  /** Cells whose group has fewer than k rows are withheld entirely. */
  k: z.number().int().positive(),
  suppressedCells: z.number().int().nonnegative(),
  releasedCells: z.number().int().nonnegative(),
});

export const ZAggregateJobResponse = z.object({
  jobId: z.string().uuid(),
  columns: z.array(ZAggregateColumn),
  rows: z.array(z.record(z.string(), z.union([z.string(), z.number()]))),
  suppression: ZSuppression,
  signedReceipt: ZSignedReceipt,
});
export type TAggregateJobResponse = z.infer<typeof ZAggregateJobResponse>;

/** GET /v1/identity — unsigned; the enclave's public key and what its vault holds. */
export const ZEnclaveIdentity = z.object({
  publicKey: z.string().regex(/^[0-9a-f]{64}$/),
  keyId: z.string().regex(/^[0-9a-f]{16}$/),
  datasets: z.array(
    z.object({ code: z.string(), version: z.string(), rows: z.number().int().nonnegative() }),
  ),
});
export type TEnclaveIdentity = z.infer<typeof ZEnclaveIdentity>;

/** Error body of every refused enclave request. `code` is stable; `message` is safe to show. */
export const ZEnclaveError = z.object({
  error: z.object({
    code: z.enum([
      "HEADER_MISSING",
      "KEY_UNKNOWN",
      "TIMESTAMP_OUT_OF_WINDOW",
      "SIGNATURE_INVALID",
      "NONCE_REPLAYED",
      "INVALID_REQUEST",
      "DATASET_UNKNOWN",
      "FIELD_NOT_ALLOWED",
      "AUTHORIZATION_INACTIVE",
      "FIELD_OUT_OF_SCOPE",
      "CHAIN_UNAVAILABLE",
      "QUERY_INVALID",
      "PRIVACY_BLOCKED",
      "BUDGET_EXCEEDED",
      "LIMIT_EXCEEDED",
      "SANDBOX_ERROR",
      "UPLOAD_UNKNOWN",
      "UPLOAD_STATE",
      "UPLOAD_OFFSET",
      "VERSION_EXISTS",
      "JOB_UNKNOWN",
      "INTERNAL",
    ]),
    message: z.string(),
  }),
});
export type TEnclaveError = z.infer<typeof ZEnclaveError>;
