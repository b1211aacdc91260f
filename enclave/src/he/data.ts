/**
 * The plaintext data an evaluation reads, as typed arrays (the caller — the product wiring —
 * reads the vault fields whose policy allows per-entity output and hands them over in the public
 * entity order), and its validation against the preset's documented ranges (presets.ts).
 * A failure names the field and the rule, never a value or an entity.
 */
import { HeError } from "@pdx/common/he/he-error";
import { HE_MAX_FEATURES } from "@pdx/common/he/layout";
import { BFV_PRESET, CKKS_PRESET, HE_MAX_ENTITIES } from "@pdx/common/he/presets";

/** One value per entity, in entity order. BFV needs integers (Float64Array: safe integers). */
export type THeColumn = Float64Array | Int32Array | BigInt64Array;

export interface THeScoringData {
  entityCount: number;
  featureCount: number;
  /** Entity-major: features[j·featureCount + k] is feature k of entity j. */
  features: Float64Array;
}

export interface THeColumnsData {
  entityCount: number;
  columns: Readonly<Record<string, THeColumn>>;
}

function checkEntityCount(entityCount: number): void {
  if (!Number.isInteger(entityCount) || entityCount < 1 || entityCount > HE_MAX_ENTITIES) {
    throw new HeError("HE_DATA_INVALID", `entityCount must be an integer in 1..${HE_MAX_ENTITIES}`);
  }
}

export function checkScoringData(data: THeScoringData): void {
  checkEntityCount(data.entityCount);
  const d = data.featureCount;
  if (!Number.isInteger(d) || d < 1 || d > HE_MAX_FEATURES) {
    throw new HeError("HE_DATA_INVALID", `featureCount must be an integer in 1..${HE_MAX_FEATURES}`);
  }
  if (!(data.features instanceof Float64Array) || data.features.length !== data.entityCount * d) {
    throw new HeError(
      "HE_DATA_INVALID",
      "features must be a Float64Array of entityCount × featureCount values",
    );
  }
  const max = CKKS_PRESET.limits.valueAbsMax;
  for (const v of data.features) {
    if (!(Math.abs(v) <= max)) {
      throw new HeError("HE_DATA_INVALID", `features must be finite with |value| ≤ 2^${Math.log2(max)}`);
    }
  }
}

/** What a column is used for: decides its range. */
export type TColumnUse = "lookup" | "bfv-sum" | "bfv-squares" | "ckks";

function rangeOf(use: TColumnUse): { max: bigint; label: string } {
  switch (use) {
    case "lookup":
      return { max: BFV_PRESET.limits.lookupAbsMax, label: "2^58 (lookup)" };
    case "bfv-sum":
      return { max: BigInt(BFV_PRESET.limits.aggregateSumAbsMax), label: "2^38 (integer sums)" };
    case "bfv-squares":
      return {
        max: BigInt(BFV_PRESET.limits.aggregateSquaresAbsMax),
        label: "2^19 (integer sums of squares)",
      };
    case "ckks":
      return { max: BigInt(CKKS_PRESET.limits.valueAbsMax), label: "2^20 (real-valued aggregates)" };
  }
}

/** The column of a requested field, checked for length, type and range. */
export function checkedColumn(data: THeColumnsData, field: string, use: TColumnUse): THeColumn {
  const column = Object.hasOwn(data.columns, field) ? data.columns[field] : undefined;
  if (column === undefined)
    throw new HeError("HE_UNKNOWN_FIELD", `field ${field} is not available for this query`);
  if (
    !(column instanceof Float64Array || column instanceof Int32Array || column instanceof BigInt64Array) ||
    column.length !== data.entityCount
  ) {
    throw new HeError("HE_DATA_INVALID", `field ${field} must be a typed array with one value per entity`);
  }
  const { max, label } = rangeOf(use);
  const integers = use !== "ckks";
  if (column instanceof BigInt64Array) {
    for (const v of column) {
      if (v > max || v < -max)
        throw new HeError("HE_DATA_INVALID", `field ${field} holds a value outside ±${label}`);
    }
    return column;
  }
  const limit = Number(max);
  for (const v of column) {
    if (!(Math.abs(v) <= limit) || (integers && !Number.isSafeInteger(v))) {
      throw new HeError(
        "HE_DATA_INVALID",
        `field ${field} holds a value that is not ${integers ? "a safe integer" : "finite"} within ±${label}`,
      );
    }
  }
  return column;
}

export function checkColumnsData(data: THeColumnsData): void {
  checkEntityCount(data.entityCount);
}
