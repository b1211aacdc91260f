/**
 * Product jobs: operator logic (TypeScript/JavaScript) run by the enclave in a sandbox against
 * vault datasets, through the narrow host API (declare fields, aggregate queries, verification
 * questions, crypto helpers). Shared by the enclave (which serves it) and the server (which calls
 * it, signed, and mirrors the lifecycle).
 *
 * Lifecycle: queued → running → checking → released | blocked | failed | cancelled.
 *   POST /v1/product-jobs           ZProductJobRequest → ZProductJobStatus (202, state queued)
 *   GET  /v1/product-jobs/:id       → ZProductJobStatus (output and receipt once ended)
 *   POST /v1/product-jobs/:id/cancel → ZProductJobStatus
 *   POST /v1/product-jobs/preview   ZProductJobRequest → ZJobCostPreview (nothing runs)
 * Every ended job carries a receipt signed by the enclave (ZSignedJobReceiptV2).
 */
import { z } from "zod";
import { ZAuthorizationScope } from "./authorization-scope";
import { MIN_STATISTIC_EPSILON } from "./enclave-query";

export const ZHex64 = z.string().regex(/^[0-9a-f]{64}$/, "must be 64 lowercase hex characters");

/** Upper bounds the enclave enforces whatever a job asks. */
export const JOB_LIMIT_MAXIMA = {
  cpuMs: 30_000,
  wallMs: 120_000,
  memoryBytes: 256 * 1024 * 1024,
  outputBytes: 1024 * 1024,
  queries: 200,
} as const;

/** Defaults when a job does not ask for less. */
export const JOB_LIMIT_DEFAULTS = {
  cpuMs: 5_000,
  wallMs: 30_000,
  memoryBytes: 64 * 1024 * 1024,
  outputBytes: 256 * 1024,
  queries: 50,
} as const;

export const ZJobLimits = z.strictObject({
  cpuMs: z.int().min(10).max(JOB_LIMIT_MAXIMA.cpuMs).optional(),
  wallMs: z.int().min(10).max(JOB_LIMIT_MAXIMA.wallMs).optional(),
  memoryBytes: z
    .int()
    .min(1024 * 1024)
    .max(JOB_LIMIT_MAXIMA.memoryBytes)
    .optional(),
  outputBytes: z.int().min(16).max(JOB_LIMIT_MAXIMA.outputBytes).optional(),
  queries: z.int().min(1).max(JOB_LIMIT_MAXIMA.queries).optional(),
});
export type TJobLimits = z.infer<typeof ZJobLimits>;

export const JOB_STATES = [
  "queued",
  "running",
  "checking",
  "released",
  "blocked",
  "failed",
  "cancelled",
] as const;
export type TJobState = (typeof JOB_STATES)[number];
export const JOB_END_STATES: readonly TJobState[] = ["released", "blocked", "failed", "cancelled"];

export const ZProductJobRequest = z.strictObject({
  jobId: z.uuid(),
  product: z.strictObject({
    code: z.string().min(1).max(100),
    version: z.int().min(1),
    /** SHA-256 of the canonical JSON of {language, source, fields} — the product version's identity. */
    versionHash: ZHex64,
  }),
  logic: z.strictObject({
    language: z.enum(["typescript", "javascript"]),
    /** An ES module whose default export is `async (pdx, params) => output`. */
    source: z.string().min(1).max(200_000),
  }),
  params: z.record(z.string(), z.unknown()).default({}),
  /** "mock": mock data generated from the schema, no budget charged; "real": the vault's data. */
  mode: z.enum(["mock", "real"]),
  /** Fields the logic declares it reads, per dataset code; every query is checked against them. */
  fields: z.record(z.string(), z.array(z.string().min(1).max(64)).min(1).max(60)),
  /** Dataset versions to read (absent: the newest loaded version of each declared dataset). */
  datasetVersions: z.record(z.string(), z.string().min(1).max(40)).default({}),
  /** ε charged per measure of a query that does not name its own; and the most one job may spend. */
  epsilon: z.strictObject({
    perQuery: z.number().min(MIN_STATISTIC_EPSILON).max(10),
    maxPerJob: z.number().positive().max(100),
  }),
  limits: ZJobLimits.default({}),
  /** Who runs it: the buyer whose ε budget is charged. */
  requester: z.strictObject({ orgId: z.string().min(1).max(100), userId: z.string().min(1).max(100) }),
  /** Required for mode "real": checked against the AuthorizationRegistry at job time. */
  authorization: z
    .strictObject({ id: z.uuid(), operatorOrgId: z.string().min(1).max(100), scope: ZAuthorizationScope })
    .optional(),
});
export type TProductJobRequest = z.input<typeof ZProductJobRequest>;
export type TProductJobRequestParsed = z.output<typeof ZProductJobRequest>;

/** The rule that blocked a job's release, named for the caller. */
export const ZBlockedBy = z.strictObject({
  rule: z.enum([
    "min-group-size",
    "complementary-suppression",
    "privacy-budget",
    "column-policy",
    "authorization",
    "record-cap",
    "output-size",
    "output-shape",
    "limit",
  ]),
  message: z.string().max(500),
});
export type TBlockedBy = z.infer<typeof ZBlockedBy>;

export const ZJobStats = z.strictObject({
  queries: z.int().nonnegative(),
  /** Verification questions answered. */
  verifications: z.int().nonnegative(),
  rowsRead: z.int().nonnegative(),
  epsilonSpent: z.number().nonnegative(),
  cpuMs: z.number().nonnegative(),
  wallMs: z.number().nonnegative(),
  outputBytes: z.int().nonnegative(),
});
export type TJobStats = z.infer<typeof ZJobStats>;

/** The enclave's signed statement of one ended product job (input to usage metering). */
export const ZJobReceiptV2 = z.strictObject({
  version: z.literal(2),
  jobId: z.uuid(),
  product: z.string().min(1).max(200),
  productVersionHash: ZHex64,
  mode: z.enum(["mock", "real"]),
  authorizationId: z.uuid().nullable(),
  requesterOrgId: z.string(),
  state: z.enum(["released", "blocked", "failed", "cancelled"]),
  datasets: z.array(z.strictObject({ code: z.string(), version: z.string() })),
  /** "CODE.field" for every field a query or verification touched. */
  fieldsTouched: z.array(z.string()),
  rowsRead: z.int().nonnegative(),
  queries: z.int().nonnegative(),
  /** Verification questions answered (refused ones are not counted): what usage metering bills. */
  verifications: z.int().nonnegative(),
  epsilonSpent: z.number().nonnegative(),
  /** SHA-256 of the canonical JSON of the released output (of null when nothing was released). */
  outputHash: ZHex64,
  blockedBy: ZBlockedBy.nullable(),
  requestHash: ZHex64,
  startedAt: z.string(),
  finishedAt: z.string(),
  enclaveKeyId: z.string().regex(/^[0-9a-f]{16}$/),
  /**
   * What kind of computation it was, when not operator logic in the sandbox: a private set
   * intersection session records the two set sizes and what the buyer could learn (never items);
   * an encrypted query its mode, preset and sizes (never the buyer's input, which is encrypted).
   */
  computation: z
    .discriminatedUnion("kind", [
      z.strictObject({
        kind: z.literal("psi"),
        reveals: z.enum(["intersection", "cardinality"]),
        buyerItems: z.int().nonnegative(),
        datasetItems: z.int().nonnegative(),
      }),
      z.strictObject({
        kind: z.literal("he"),
        mode: z.enum(["scoring", "lookup", "aggregate"]),
        preset: z.string().min(1).max(64),
        entities: z.int().nonnegative(),
        features: z.int().nonnegative(),
        /** Bytes of the buyer's request and of the encrypted response. */
        requestBytes: z.int().nonnegative(),
        responseBytes: z.int().nonnegative(),
      }),
      /** A joint aggregate over several enclave nodes (additive sharing), signed by its coordinator. */
      z.strictObject({
        kind: z.literal("mpc"),
        coordinator: z.string().min(1).max(32),
        /** The parties' node ids (each read only its own dataset; rows stay on each node). */
        parties: z.array(z.string().min(1).max(32)).min(2).max(16),
        /** Groups of the public domain, and groups released after the output rules. */
        groups: z.int().nonnegative(),
        releasedGroups: z.int().nonnegative(),
        /** Sum over parties of their rows per unit (the noise runs at ε / this). */
        rowsPerUnit: z.int().nonnegative(),
      }),
    ])
    .optional(),
});
export type TJobReceiptV2 = z.infer<typeof ZJobReceiptV2>;

export const ZSignedJobReceiptV2 = z.strictObject({
  receipt: ZJobReceiptV2,
  /** ed25519 over "PDX-RECEIPT-2\n" + canonicalJson(receipt). */
  signature: z.string().regex(/^[0-9a-f]{128}$/),
});
export type TSignedJobReceiptV2 = z.infer<typeof ZSignedJobReceiptV2>;

export const ZProductJobStatus = z.strictObject({
  jobId: z.uuid(),
  state: z.enum(JOB_STATES),
  /** The released output (JSON), only in state released. */
  output: z.unknown().nullable(),
  blockedBy: ZBlockedBy.nullable(),
  /** Why a job failed (compile error, a limit, a refusal), caller-safe; null otherwise. */
  failure: z.strictObject({ code: z.string(), message: z.string().max(1000) }).nullable(),
  stats: ZJobStats,
  /** Bounded log lines the logic wrote with pdx.log (mock mode only). */
  logs: z.array(z.string().max(500)).max(100),
  signedReceipt: ZSignedJobReceiptV2.nullable(),
  queuedAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type TProductJobStatus = z.infer<typeof ZProductJobStatus>;

/** What a job would cost, before it runs. */
export const ZJobCostPreview = z.strictObject({
  /** Most ε the job may spend (reserved up front, the unspent part returned at the end). */
  maxEpsilon: z.number().nonnegative(),
  budgets: z.array(
    z.strictObject({ datasetCode: z.string(), total: z.number(), spent: z.number(), remaining: z.number() }),
  ),
  /** True when every dataset's remaining budget covers maxEpsilon. */
  affordable: z.boolean(),
});
export type TJobCostPreview = z.infer<typeof ZJobCostPreview>;
