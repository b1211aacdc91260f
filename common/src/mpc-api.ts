/**
 * Wire contracts of joint aggregates computed by several enclave NODES with additive secret
 * sharing (enclave/src/mpc, design and security model in enclave/src/mpc/README.md).
 *
 * Three kinds of things cross a process boundary, each validated here with zod:
 *   - the job spec (platform → the coordinator node, signed like every enclave request; the
 *     coordinator forwards it to the other parties inside a sealed "propose" message);
 *   - the envelope of every node-to-node message: a binary frame
 *       u32 big-endian header length ‖ header (JSON, ZMpcEnvelopeHeader) ‖ sealed payload
 *     where the header is signed by the sender's ed25519 key (mpcSignedText) and the payload is
 *     encrypted to the recipient's X25519 key (AES-256-GCM); the payload's SHA-256 is signed;
 *   - the job status a node reports (and, on the coordinator once released, the protected result).
 *
 * Decisions: node ids are short lowercase names, so failure reasons can name them; the group domain
 * is public and small to describe (a value list, a uniform histogram, or one total) so every node
 * builds the same vector layout without exchanging data; each party states its contribution bound
 * (rowsPerUnit) in the spec, so the coordinator can scale the noise without learning anything from
 * the other vaults.
 */
import { z } from "zod";
import { ZAuthorizationScope } from "./authorization-scope";
import { ZSignedJobReceiptV2 } from "./enclave-jobs";
import { MIN_STATISTIC_EPSILON, ZQueryFilter } from "./enclave-query";
import { MAX_ROWS_PER_UNIT } from "./vault-api";

/** Protocol tag: the first line of every signed envelope text and of the key-derivation info. */
export const MPC_PROTOCOL = "PDX-MPC-1";

/** Node-to-node messages (binary frames). */
export const MPC_MESSAGES_PATH = "/v1/mpc/messages";
/** Platform → coordinator: start a joint job (signed request, ZMpcJobSpec). */
export const MPC_JOBS_PATH = "/v1/mpc/jobs";

/** Most groups of one joint job (a 1M-bucket histogram fits). */
export const MPC_MAX_GROUPS = 2_097_152;
/** Most entries (groups × columns) of one shared vector: 4M × 8 bytes = 32 MiB per message. */
export const MPC_MAX_VECTOR_ENTRIES = 4_194_304;
/** Most distinct values of a categories domain (its list travels in the spec). */
export const MPC_MAX_CATEGORIES = 10_000;

/** A node's id: short, lowercase, printable (it is named in failure reasons). */
export const ZMpcNodeId = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,31}$/, "must be a lowercase node id (a-z, 0-9, -; at most 32 characters)");
export type TMpcNodeId = z.infer<typeof ZMpcNodeId>;

const ZFieldName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z][a-z0-9_]*$/, "must be a lowercase identifier");

/**
 * The public group domain every party maps its rows onto (rows outside it are not counted):
 *   total       one group, no group-by;
 *   categories  the party's group field's value (canonical text, as the query compiler gives it);
 *   histogram   uniform buckets [start + i·width, start + (i+1)·width), i < buckets, of the party's
 *               group field (start must be a multiple of width: the compiler's buckets are
 *               floor(x / width) · width).
 */
export const ZMpcGroupDomain = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("total") }),
  z.strictObject({
    kind: z.literal("categories"),
    values: z
      .array(z.string().max(200))
      .min(1)
      .max(MPC_MAX_CATEGORIES)
      .refine((v) => new Set(v).size === v.length, { message: "values must be distinct" }),
  }),
  z
    .strictObject({
      kind: z.literal("histogram"),
      start: z.number().finite(),
      width: z.number().positive().finite(),
      buckets: z.int().min(1).max(MPC_MAX_GROUPS),
    })
    .refine((h) => Number.isSafeInteger(Math.round(h.start / h.width)) && isMultiple(h.start, h.width), {
      message: "start must be a whole multiple of width",
    }),
]);
export type TMpcGroupDomain = z.infer<typeof ZMpcGroupDomain>;

function isMultiple(value: number, step: number): boolean {
  const q = value / step;
  return Math.abs(q - Math.round(q)) < 1e-9;
}

/** What one party contributes: rows of one of its dataset versions. */
export const ZMpcPartyInput = z.strictObject({
  node: ZMpcNodeId,
  dataset: z.string().min(1).max(100),
  version: z.string().min(1).max(40),
  filters: z.array(ZQueryFilter).max(10).default([]),
  /** The field giving the group (categories: its value; histogram: its bucket). Absent for total. */
  groupField: ZFieldName.optional(),
  /**
   * A date group field bucketed by year ("2025") or month ("2025-03") before it is compared with a
   * categories domain (the query compiler's date buckets). Absent: the field's value as is.
   */
  groupBucket: z.enum(["year", "month"]).optional(),
  /** The numeric field measured (sum, mean, variance). Absent when only counts are asked. */
  valueField: ZFieldName.optional(),
  /**
   * The value field's unit as a power of ten of the job's unit (e.g. 4 for 万元 when the job counts
   * in 元): the party multiplies its values by 10^valueScale (exactly, in decimal) so every party
   * adds the same unit; the job's bounds are in the job's unit. Default 0.
   */
  valueScale: z.int().min(-6).max(8).default(0),
  /**
   * Most rows one privacy unit contributes from this party (the noise scales with the sum over
   * parties). Registers hold one row per unit and use 1 whatever is stated here.
   */
  rowsPerUnit: z.int().min(1).max(MAX_ROWS_PER_UNIT),
});
export type TMpcPartyInput = z.output<typeof ZMpcPartyInput>;

export const MPC_STATISTICS = ["count", "sum", "mean", "variance"] as const;
export type TMpcStatistic = (typeof MPC_STATISTICS)[number];

/**
 * Fixed-point encoding in Z_2^64: a value x is the integer round(x · 10^decimals); a row's square
 * x² is round(x² · 10^squareDecimals) (a negative squareDecimals counts in 10^-squareDecimals
 * units, for large values whose squares would overflow).
 */
export const ZMpcEncoding = z.strictObject({
  decimals: z.int().min(0).max(6),
  squareDecimals: z.int().min(-12).max(12),
});
export type TMpcEncoding = z.infer<typeof ZMpcEncoding>;

/** A joint aggregate job, as the platform submits it to the coordinator. */
export const ZMpcJobSpec = z
  .strictObject({
    jobId: z.uuid(),
    coordinator: ZMpcNodeId,
    /** Whose ε budget every party charges (on its own vault, for its own dataset). */
    buyer: z.strictObject({ orgId: z.string().min(1).max(100) }),
    parties: z.array(ZMpcPartyInput).min(2).max(16),
    groups: ZMpcGroupDomain,
    statistics: z
      .array(z.enum(MPC_STATISTICS))
      .min(1)
      .max(MPC_STATISTICS.length)
      .refine((s) => new Set(s).size === s.length, { message: "statistics must be distinct" }),
    /** Each row's value is clamped to [lo, hi] (contribution bounding); required for sum/mean/variance. */
    bounds: z.tuple([z.number().finite(), z.number().finite()]).optional(),
    encoding: ZMpcEncoding.default({ decimals: 2, squareDecimals: 2 }),
    /** ε per statistic (the count, the sum, the sum of squares), at every party's budget. */
    epsilon: z.number().min(MIN_STATISTIC_EPSILON).max(10),
    /** k on the joint distinct units and the joint noisy count; no party accepts less than its own k. */
    minGroupSize: z.int().min(1).max(10_000),
    /** The whole job's time limit on every node (a node still waiting then fails the job). */
    timeoutMs: z.int().min(100).max(600_000).default(60_000),
    /**
     * The operation authorization the job runs under (as every product job carries it): each party
     * reads it from the chain's AuthorizationRegistry and refuses unless it is active, its scope
     * hash matches this scope and the scope covers every field the party reads of its own dataset.
     * A node configured with a registry refuses a job without one.
     */
    authorization: z
      .strictObject({
        id: z.uuid(),
        operatorOrgId: z.string().min(1).max(100),
        scope: ZAuthorizationScope,
      })
      .optional(),
    /** The product the job runs for (named in the coordinator's receipt); absent for bare jobs. */
    product: z
      .strictObject({
        code: z.string().min(1).max(64),
        version: z.int().min(1),
        versionHash: z.string().regex(/^[0-9a-f]{64}$/),
      })
      .optional(),
  })
  .superRefine((spec, ctx) => {
    const nodes = spec.parties.map((p) => p.node);
    if (new Set(nodes).size !== nodes.length)
      ctx.addIssue({ code: "custom", path: ["parties"], message: "each node may appear once" });
    if (!nodes.includes(spec.coordinator))
      ctx.addIssue({ code: "custom", path: ["coordinator"], message: "the coordinator must be a party" });
    const needsValues = spec.statistics.some((s) => s !== "count");
    if (needsValues) {
      if (!spec.bounds)
        ctx.addIssue({ code: "custom", path: ["bounds"], message: "required for sum, mean and variance" });
      else if (spec.bounds[0] > spec.bounds[1])
        ctx.addIssue({ code: "custom", path: ["bounds"], message: "lo must not exceed hi" });
      else if (!spec.bounds.every((b) => isMultiple(b, 10 ** -spec.encoding.decimals)))
        ctx.addIssue({
          code: "custom",
          path: ["bounds"],
          message: "bounds must be multiples of the encoding's resolution (10^-decimals)",
        });
    }
    spec.parties.forEach((p, i) => {
      if (needsValues && !p.valueField)
        ctx.addIssue({
          code: "custom",
          path: ["parties", i, "valueField"],
          message: "required for the statistics",
        });
      if (spec.groups.kind === "total" && p.groupField)
        ctx.addIssue({
          code: "custom",
          path: ["parties", i, "groupField"],
          message: "a total has no group field",
        });
      if (p.groupBucket && spec.groups.kind !== "categories")
        ctx.addIssue({
          code: "custom",
          path: ["parties", i, "groupBucket"],
          message: "a date bucket needs a categories domain",
        });
      if (spec.groups.kind !== "total" && !p.groupField)
        ctx.addIssue({
          code: "custom",
          path: ["parties", i, "groupField"],
          message: "required for the groups",
        });
    });
    const columns =
      1 +
      (spec.parties.some((p) => p.rowsPerUnit > 1) ? 1 : 0) +
      (needsValues ? 1 : 0) +
      (spec.statistics.includes("variance") ? 1 : 0);
    const groups =
      spec.groups.kind === "total"
        ? 1
        : spec.groups.kind === "categories"
          ? spec.groups.values.length
          : spec.groups.buckets;
    if (groups * columns > MPC_MAX_VECTOR_ENTRIES)
      ctx.addIssue({
        code: "custom",
        path: ["groups"],
        message: `groups × columns must stay at most ${MPC_MAX_VECTOR_ENTRIES}`,
      });
  });
export type TMpcJobSpec = z.output<typeof ZMpcJobSpec>;
export type TMpcJobSpecInput = z.input<typeof ZMpcJobSpec>;

/**
 * The rounds of the protocol, in order (abort may come at any time): propose (the spec) and start
 * (every party accepted it) from the coordinator, share between all parties, sum to the
 * coordinator, outcome from it.
 */
export const MPC_ROUNDS = ["propose", "start", "share", "sum", "outcome", "abort"] as const;
export type TMpcRound = (typeof MPC_ROUNDS)[number];

/** The signed header of a node-to-node message. */
export const ZMpcEnvelopeHeader = z.strictObject({
  v: z.literal(1),
  jobId: z.uuid(),
  round: z.enum(MPC_ROUNDS),
  sender: ZMpcNodeId,
  recipient: ZMpcNodeId,
  /** Sender's clock, ms since the epoch. */
  sentAt: z.int().min(0).max(Number.MAX_SAFE_INTEGER),
  nonce: z.string().regex(/^[0-9a-f]{32}$/),
  /** SHA-256 (hex) of the sealed payload bytes exactly as sent. */
  payloadSha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** ed25519 over mpcSignedText(header), hex. */
  signature: z.string().regex(/^[0-9a-f]{128}$/),
});
export type TMpcEnvelopeHeader = z.infer<typeof ZMpcEnvelopeHeader>;

/** The text a sender signs: protocol, job, round, sender, recipient, time, nonce, payload hash. */
export function mpcSignedText(header: Omit<TMpcEnvelopeHeader, "signature" | "v">): string {
  return [
    MPC_PROTOCOL,
    header.jobId,
    header.round,
    header.sender,
    header.recipient,
    String(header.sentAt),
    header.nonce,
    header.payloadSha256,
  ].join("\n");
}

/** The steps a job passes through; failures name one. */
export const MPC_STEPS = ["propose", "local-aggregate", "share", "sum", "release", "outcome"] as const;
export type TMpcStep = (typeof MPC_STEPS)[number];

/** Why a job failed: the node at fault (or the node that refused), the step, a safe reason. */
export const ZMpcFailure = z.strictObject({
  node: ZMpcNodeId,
  step: z.enum(MPC_STEPS),
  reason: z.string().min(1).max(500),
});
export type TMpcFailure = z.infer<typeof ZMpcFailure>;

/** Payload of an "abort" message: the failure every node records. */
export const ZMpcAbortPayload = z.strictObject({ failure: ZMpcFailure });

/** Payload of a "start" message: every party (this many) accepted the spec. */
export const ZMpcStartPayload = z.strictObject({ accepted: z.int().min(2) });

/** Payload of an "outcome" message: the coordinator released; the output's hash for the record. */
export const ZMpcOutcomePayload = z.strictObject({
  released: z.literal(true),
  outputSha256: z.string().regex(/^[0-9a-f]{64}$/),
});

/** One released row: the group (absent for a total) and the asked statistics. */
export type TMpcResultRow = Record<string, string | number>;

/** What the coordinator releases (already protected: k, complementary suppression, DP noise). */
export const ZMpcJointResult = z.strictObject({
  columns: z.array(z.strictObject({ key: z.string(), kind: z.enum(["dimension", "measure"]) })),
  rows: z.array(z.record(z.string(), z.union([z.string(), z.number()]))),
  minGroupSize: z.int(),
  /** ε charged at EVERY party's budget: per statistic (count, sum, sum of squares) as noised. */
  epsilonSpent: z.number(),
  /** Sum over parties of their rows per unit: the noise mechanisms run at ε / this. */
  rowsPerUnit: z.int(),
  /** Noise of the noised statistics (count, sum, sum_of_squares), in their own units. */
  noise: z.array(z.strictObject({ measure: z.string(), mechanism: z.literal("laplace"), scale: z.number() })),
  /** How derived statistics were computed from the noised ones (post-processing, no extra ε). */
  derived: z.record(z.string(), z.string()),
});
export type TMpcJointResult = z.infer<typeof ZMpcJointResult>;

/** A node's view of one job. `result` only on the coordinator, only once released. */
export const ZMpcJobStatus = z.strictObject({
  jobId: z.uuid(),
  node: ZMpcNodeId,
  role: z.enum(["coordinator", "party"]),
  state: z.enum(["running", "released", "failed"]),
  step: z.enum(MPC_STEPS),
  failure: ZMpcFailure.nullable(),
  /** SHA-256 of the released result's canonical JSON (every node, once released). */
  outputSha256: z.string().nullable(),
  result: ZMpcJointResult.nullable(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  /**
   * The coordinator's signed v2 receipt of a released job (computation kind "mpc"; its request
   * hash is the SHA-256 of the parsed spec's canonical JSON, its output hash that of the result's).
   * Only in the platform's status answer, never on a party.
   */
  receipt: ZSignedJobReceiptV2.nullable().optional(),
});
export type TMpcJobStatus = z.infer<typeof ZMpcJobStatus>;
