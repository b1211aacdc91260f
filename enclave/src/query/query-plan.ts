/**
 * The checked, typed form of a declarative query: what the planner (plan-query.ts, verify.ts)
 * produces after every name matched a registered field and its column policy, and what the SQL
 * compiler (compile-sql.ts) turns into parameterized SQL. Values here are already typed for their
 * field (numbers for integer/numeric, "YYYY-MM-DD" strings for dates, booleans, NFC text).
 */
import type { TVaultField } from "@pdx/common/vault-api";

/** A filter value typed for its field. */
export type TSqlScalar = string | number | boolean;

export type TPlannedFilter =
  | { field: TVaultField; op: "eq" | "neq" | "gt" | "gte" | "lt" | "lte"; value: TSqlScalar }
  | { field: TVaultField; op: "in" | "not_in"; values: TSqlScalar[] }
  | { field: TVaultField; op: "between"; from: TSqlScalar; to: TSqlScalar };

/** A group key: a field's value as text, a date's year ("2024") or month ("2024-03"), a number's bucket floor. */
export type TPlannedDimension =
  | { key: string; field: TVaultField; kind: "value" | "year" | "month" }
  | { key: string; field: TVaultField; kind: "width"; width: number };

export type TPlannedMeasure =
  | { key: string; fn: "count" }
  | {
      key: string;
      fn: "sum" | "mean";
      field: TVaultField;
      /** Each row's value is clamped to [lo, hi] (contribution bounding). */
      bounds: [number, number];
      /** Index of this measure's clamped sum in a raw group's `sums` (and `valueCounts`). */
      sumIndex: number;
    };

/**
 * Contribution bounding by privacy unit: of each unit's rows that pass the filters, at most
 * `rowsPerUnit` are kept (a pseudo-random but fixed choice), and each group also counts its
 * distinct units. Absent when every row is its own unit (a register, or no unit field).
 */
export interface TUnitBound {
  /** The unit field (fingerprinted: its `__fp` column is what identifies a unit). */
  field: TVaultField;
  rowsPerUnit: number;
}

/** What one aggregate reads and groups, before compilation. */
export interface TCheckedAggregate {
  /** `vault_rows_<id>` of the dataset version. */
  table: string;
  filters: TPlannedFilter[];
  dimensions: TPlannedDimension[];
  measures: TPlannedMeasure[];
  unitBound: TUnitBound | null;
}

/** One match condition of a verification question. */
export type TPlannedMatch =
  | { field: TVaultField; by: "fingerprint"; fingerprint: Buffer }
  | { field: TVaultField; by: "cleartext"; value: TSqlScalar };

export interface TCheckedVerification {
  table: string;
  match: TPlannedMatch[];
  where: TPlannedFilter[];
}

/** Parameterized SQL: identifiers from the spec (quoted), every literal a $n parameter. */
export interface TCompiledQuery {
  text: string;
  values: unknown[];
}

/** An aggregate's SQL and the shape of its result rows (d0…, n, u, s0…, v0…). */
export interface TCompiledAggregate extends TCompiledQuery {
  dimensionCount: number;
  sumCount: number;
  /** Whether rows carry `u`, the distinct units of the group (else each row is one unit). */
  countsUnits: boolean;
}
