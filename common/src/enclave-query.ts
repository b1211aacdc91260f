/**
 * Declarative queries that operator logic may ask the enclave to run on a vault dataset. The
 * enclave compiles them to parameterized SQL (names only after they matched a registered field
 * and its column policy; values only as parameters) and applies the output rules (minimum group
 * size with complementary suppression, differential privacy charged to the buyer's ε budget)
 * before any value reaches the logic. The logic never sees a row.
 */
import { z } from "zod";
import { MAX_ROWS_PER_UNIT } from "./vault-api";

const ZName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z][a-z0-9_]*$/, "must be a lowercase identifier");

const ZScalar = z.union([z.string().max(200), z.number().finite(), z.boolean()]);

/** One condition; all of a query's filters must hold (AND). */
export const ZQueryFilter = z.discriminatedUnion("op", [
  z.strictObject({ field: ZName, op: z.enum(["eq", "neq"]), value: ZScalar }),
  z.strictObject({ field: ZName, op: z.enum(["in", "not_in"]), values: z.array(ZScalar).min(1).max(100) }),
  z.strictObject({
    field: ZName,
    op: z.enum(["gt", "gte", "lt", "lte"]),
    value: z.union([z.number().finite(), z.string().max(40)]),
  }),
  z.strictObject({
    field: ZName,
    op: z.literal("between"),
    from: z.union([z.number().finite(), z.string().max(40)]),
    to: z.union([z.number().finite(), z.string().max(40)]),
  }),
]);
export type TQueryFilter = z.infer<typeof ZQueryFilter>;

/** A group-by key: a field as is, or a date bucketed by year/month, or a number by bucket width. */
export const ZGroupKey = z.union([
  ZName,
  z.strictObject({ field: ZName, bucket: z.enum(["year", "month"]), as: ZName }),
  z.strictObject({ field: ZName, width: z.number().positive().finite(), as: ZName }),
]);
export type TGroupKey = z.infer<typeof ZGroupKey>;

/**
 * Measures. Every value-based measure names clamp bounds [lo, hi]: each row's contribution is
 * clamped to them (contribution bounding), which fixes the sensitivity the DP noise is scaled to.
 */
export const ZQueryMeasure = z.discriminatedUnion("fn", [
  z.strictObject({ fn: z.literal("count"), as: ZName }),
  z.strictObject({
    fn: z.enum(["sum", "mean"]),
    field: ZName,
    as: ZName,
    bounds: z.tuple([z.number().finite(), z.number().finite()]),
  }),
]);
export type TQueryMeasure = z.infer<typeof ZQueryMeasure>;

/**
 * Smallest ε one statistic may be given. Below it the noise drowns the answer anyway, while a
 * near-zero price would let logic make thousands of cheap probes of the part of the release
 * decision that is not noisy (a cell's true count must reach k).
 */
export const MIN_STATISTIC_EPSILON = 0.05;

/** A grouped aggregate over one dataset version. */
export const ZAggregateQuery = z.strictObject({
  dataset: z.string().min(1).max(100),
  filters: z.array(ZQueryFilter).max(10).default([]),
  groupBy: z.array(ZGroupKey).max(3).default([]),
  measures: z.array(ZQueryMeasure).min(1).max(8),
  /** ε to spend per measure of this query (default: the job's per-query ε). */
  epsilon: z.number().min(MIN_STATISTIC_EPSILON).max(10).optional(),
  /**
   * Most rows each privacy unit (person, enterprise…) contributes (default: the dataset's). More
   * rows keep more of the data but scale the noise up in proportion. Ignored by registers, which
   * hold one row per unit.
   */
  rowsPerUnit: z.int().min(1).max(MAX_ROWS_PER_UNIT).optional(),
});
export type TAggregateQuery = z.input<typeof ZAggregateQuery>;
export type TAggregateQueryParsed = z.output<typeof ZAggregateQuery>;

/** A released cell value: a dimension's text or a (noisy, rounded) measure. */
export type TCellValue = string | number;

/** What an aggregate query releases to the logic (already protected). */
export interface TAggregateQueryResult {
  columns: { key: string; kind: "dimension" | "measure" }[];
  rows: Record<string, TCellValue>[];
  /**
   * The minimum group size applied: a cell is listed only if its true and its noisy count are both
   * at least k, and complementary cells are withheld so a withheld one cannot be derived. How many
   * cells were withheld is deliberately not reported (it would tell small groups from empty ones).
   */
  minGroupSize: number;
  /** ε charged for this query (every released statistic, and the count the k rule used). */
  epsilonSpent: number;
  /**
   * Most rows one privacy unit contributed (its other rows were left out); the noise scales by it.
   * 1 for registers and datasets without a unit field. `minGroupSize` counts distinct units.
   */
  rowsPerUnit: number;
  /** Noise mechanism and scale per measure, so the buyer knows the accuracy. */
  noise: { measure: string; mechanism: "laplace"; scale: number }[];
}

/**
 * A verification (record-level) question: does a record exist whose `match` fields equal the given
 * values (identifiers compared by fingerprint), and optionally satisfy `where`? Returns only
 * yes/no, never the record. Each question is metered; a job may ask at most the cap.
 */
export const ZVerifyQuery = z.strictObject({
  dataset: z.string().min(1).max(100),
  match: z.record(ZName, ZScalar).refine((m) => Object.keys(m).length >= 1 && Object.keys(m).length <= 3, {
    message: "match must name 1 to 3 fields",
  }),
  where: z.array(ZQueryFilter).max(5).default([]),
  /**
   * Masked-policy fields (names, ID numbers, phones, addresses) to return of the matched record,
   * each masked by its field's rule ("张*", "440301********1234"). Given only when exactly one
   * record matches; otherwise `revealed` is null.
   */
  reveal: z.array(ZName).max(5).default([]),
});
export type TVerifyQuery = z.input<typeof ZVerifyQuery>;
export type TVerifyQueryParsed = z.output<typeof ZVerifyQuery>;

/** A verification answer: yes/no, and the masked fields asked for when exactly one record matched. */
export interface TVerifyAnswer {
  answer: boolean;
  revealed: Record<string, string | null> | null;
}

/** Most verification questions one job may ask. */
export const VERIFY_QUESTIONS_PER_JOB = 1000;
