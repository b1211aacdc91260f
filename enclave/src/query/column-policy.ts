/**
 * Column policy of the query compiler: what a declarative query (aggregate or verification) may do
 * with each registered field of a vault dataset. Pure functions over the field's spec.
 *
 * The policy is derived from the field's grade, personal-information flag, masking rule, storage
 * and identifier format (never from the query). First matching row wins:
 *
 * | # | condition                                                  | policy          |
 * |---|------------------------------------------------------------|-----------------|
 * | 1 | field graded above its dataset (inconsistent spec)         | never           |
 * | 2 | storage "dropped" (masking suppress or hash)               | never           |
 * | 3 | grade core                                                 | encrypted_only  |
 * | 4 | personal information with masking "none" (not core)        | never           |
 * | 5 | storage "sealed" (personal, or masked by a mask_* /        | masked          |
 * |   | generalize rule: ID numbers, phones, names, addresses)     |                 |
 * | 6 | identifier format (uscc, resident_id, mobile, person_name, | never           |
 * |   | org_name, address, plate, serial) stored cleartext         |                 |
 * | 7 | grade important                                            | aggregate_only  |
 * | 8 | otherwise (general, cleartext, not an identifier)          | raw             |
 *
 * Uses (what each policy allows here):
 *   raw            — group-by dimension (as is or bucketed), any filter, sum/mean measure,
 *                    verification match key (cleartext equality) and verification `where`.
 *   aggregate_only — only in ways that yield groups of many rows: sum/mean measure (numbers),
 *                    range filters (numbers, dates), bucketed group keys (year/month, width), and,
 *                    for closed categorical fields only (boolean, or text with a value list),
 *                    plain group-by and equality filters ("counted within groups"). Equality
 *                    filters or plain grouping on a continuous or free value would single out rows,
 *                    so they are refused. Not allowed in verification at all: a yes/no question
 *                    with a range `where` on one record is a binary search for its value.
 *   masked         — only in record-level answers, masked with the field's masking rule (sealed,
 *                    opened inside the job); no query shape of this compiler releases values, so
 *                    every aggregate and `where` use is refused.
 *   encrypted_only — core data: only homomorphic encryption / MPC (not this compiler): refused.
 *   never          — refused.
 * Exception for every policy: a fingerprinted field (joinable identifiers, masking "hash") may be
 * a verification `match` key, compared by its keyed fingerprint — its value is never read.
 * Identifiers therefore can never be group-by dimensions, filters or released values.
 */
import { gradeRank, IDENTIFIER_FORMATS, type TGrade } from "@pdx/common/catalog/dataset-entry";
import type { TVaultField } from "@pdx/common/vault-api";

export const COLUMN_POLICIES = ["raw", "aggregate_only", "masked", "encrypted_only", "never"] as const;
export type TColumnPolicy = (typeof COLUMN_POLICIES)[number];

export interface TColumnPolicyDecision {
  policy: TColumnPolicy;
  /** One line, safe to show to the caller. */
  reason: string;
}

/** Every way a query can use a field. */
export const FIELD_USES = [
  "group_by",
  "group_by_bucket",
  "filter_equality",
  "filter_range",
  "measure",
  "verify_match",
  "verify_where",
  "masked_output",
] as const;
export type TFieldUse = (typeof FIELD_USES)[number];

/** How a use is named in refusals. */
export const FIELD_USE_LABELS: Readonly<Record<TFieldUse, string>> = {
  group_by: "a group-by dimension",
  group_by_bucket: "a bucketed group-by key",
  filter_equality: "an equality filter",
  filter_range: "a range filter",
  measure: "a sum/mean measure",
  verify_match: "a verification match key",
  verify_where: "a verification where-filter",
  masked_output: "a masked record-level output",
};

const USES_BY_POLICY: Readonly<Record<TColumnPolicy, readonly TFieldUse[]>> = {
  raw: [
    "group_by",
    "group_by_bucket",
    "filter_equality",
    "filter_range",
    "measure",
    "verify_match",
    "verify_where",
  ],
  aggregate_only: ["group_by", "group_by_bucket", "filter_equality", "filter_range", "measure"],
  masked: ["masked_output"],
  encrypted_only: [],
  never: [],
};

/** The uses a policy allows at most (type refinements: `fieldUseProblem`). */
export function allowedUses(policy: TColumnPolicy): readonly TFieldUse[] {
  return USES_BY_POLICY[policy];
}

/** The column policy of `field` in a dataset graded `datasetGrade` (see the table above). */
export function columnPolicyOf(field: TVaultField, datasetGrade: TGrade): TColumnPolicyDecision {
  if (gradeRank(field.grade) > gradeRank(datasetGrade))
    return {
      policy: "never",
      reason: `the field is graded ${field.grade} above its ${datasetGrade} dataset (inconsistent spec)`,
    };
  if (field.storage === "dropped")
    return {
      policy: "never",
      reason:
        field.masking === "hash"
          ? 'masking "hash": only a keyed fingerprint is kept'
          : `masking "${field.masking}": the value is not stored`,
    };
  if (field.grade === "core")
    return { policy: "encrypted_only", reason: "core data: only homomorphic encryption or MPC" };
  if (field.personalInfo && field.masking === "none")
    return { policy: "never", reason: "personal information without a masking rule" };
  if (field.storage === "sealed")
    return {
      policy: "masked",
      reason: `${field.personalInfo ? "personal information, " : ""}masking "${field.masking}": released only masked in record-level answers`,
    };
  if (field.format && (IDENTIFIER_FORMATS as readonly string[]).includes(field.format))
    return { policy: "never", reason: `identifier (${field.format}): never grouped, filtered or released` };
  if (field.grade === "important")
    return { policy: "aggregate_only", reason: "important data: only in aggregates over many rows" };
  return { policy: "raw", reason: "general data, not personal, not an identifier" };
}

/** A field whose values form a closed set: boolean, or text with a registered value list. */
export function isClosedCategorical(field: TVaultField): boolean {
  return field.type === "boolean" || (field.type === "text" && (field.values?.length ?? 0) > 0);
}

/**
 * Why `use` of `field` is not allowed under `decision` (null when it is). Covers the policy and
 * the aggregate_only refinements; type mismatches (sum of a text) are the planner's to report.
 */
export function fieldUseProblem(
  field: TVaultField,
  decision: TColumnPolicyDecision,
  use: TFieldUse,
): string | null {
  if (use === "verify_match" && field.fingerprint) return null;
  if (!allowedUses(decision.policy).includes(use)) {
    const hint = use === "verify_match" ? " (only fingerprinted or raw fields can be match keys)" : "";
    return `its policy is ${decision.policy} (${decision.reason})${hint}`;
  }
  if (decision.policy === "aggregate_only" && (use === "group_by" || use === "filter_equality")) {
    if (!isClosedCategorical(field))
      return `its policy is aggregate_only (${decision.reason}) and a continuous or free value would single out rows: use range filters or buckets`;
  }
  return null;
}
