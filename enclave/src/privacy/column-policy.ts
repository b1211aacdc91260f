/**
 * The column-policy half of the rule check: every field a job names must be allowed, by the
 * dataset's policy, for the use the job makes of it. Pure functions; the policy comes from the
 * vault (column_policies).
 */
import type { TAggregateJobRequest } from "@pdx/common/enclave-api";
import { EnclaveError } from "../errors";
import type { TColumnPolicy } from "../vault/vault";

/** What an accepted aggregate job will compute. */
export interface TAggregatePlan {
  groupBy: string[];
  measures: ({ fn: "count"; as: string } | { fn: "sum"; field: string; as: string })[];
  /** Distinct fields to sum, in first-use order (each summed once even if named twice). */
  sumFields: string[];
  /** Every field the job reads: group-by fields, then summed fields, without repeats. */
  fieldsRead: string[];
  /** Minimum group size applied: the larger of the dataset's rule and the request's. */
  k: number;
}

interface TPlanDataset {
  code: string;
  minGroupSize: number;
  policies: ReadonlyMap<string, TColumnPolicy>;
}

function refuse(use: string, field: string, dataset: TPlanDataset, why: string): never {
  throw new EnclaveError(
    "FIELD_NOT_ALLOWED",
    `${use} field "${field}" of dataset ${dataset.code} is not allowed: ${why}`,
  );
}

function policyOf(dataset: TPlanDataset, use: string, field: string): TColumnPolicy {
  const policy = dataset.policies.get(field);
  if (!policy) refuse(use, field, dataset, "the dataset has no such field");
  return policy;
}

/**
 * Checks an aggregate request against the dataset's column policy and returns what to compute.
 * Throws EnclaveError FIELD_NOT_ALLOWED (naming the field and why) or INVALID_REQUEST.
 */
export function planAggregate(dataset: TPlanDataset, request: TAggregateJobRequest): TAggregatePlan {
  const outputNames = new Set<string>();
  for (const [i, field] of request.groupBy.entries()) {
    if (outputNames.has(field)) {
      throw new EnclaveError("INVALID_REQUEST", `groupBy.${i}: field "${field}" is listed twice`);
    }
    outputNames.add(field);
    const { policy, reason } = policyOf(dataset, "groupBy", field);
    if (policy === "never") refuse("groupBy", field, dataset, `never released (${reason})`);
    if (policy === "aggregate")
      refuse("groupBy", field, dataset, `it may only be aggregated (sum), not grouped by`);
  }
  const sumFields: string[] = [];
  for (const [i, measure] of request.measures.entries()) {
    if (outputNames.has(measure.as)) {
      throw new EnclaveError(
        "INVALID_REQUEST",
        `measures.${i}.as: output column "${measure.as}" is named twice`,
      );
    }
    outputNames.add(measure.as);
    if (measure.fn === "sum") {
      const { policy, reason } = policyOf(dataset, `measures.${i}`, measure.field);
      if (policy === "never") refuse(`measures.${i}`, measure.field, dataset, `never released (${reason})`);
      if (policy === "dimension") {
        refuse(`measures.${i}`, measure.field, dataset, "it may only be a group-by dimension, not summed");
      }
      if (!sumFields.includes(measure.field)) sumFields.push(measure.field);
    }
  }
  const fieldsRead = [...request.groupBy];
  for (const f of sumFields) if (!fieldsRead.includes(f)) fieldsRead.push(f);
  return {
    groupBy: [...request.groupBy],
    measures: request.measures.map((m) => ({ ...m })),
    sumFields,
    fieldsRead,
    k: Math.max(dataset.minGroupSize, request.minGroupSize ?? 1),
  };
}
