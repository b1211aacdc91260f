/**
 * The aggregate query planner: a declarative query (ZAggregateQuery, untrusted) on one stored
 * dataset version → a checked plan with its parameterized SQL. Every name must be a registered
 * field of the version (QUERY_INVALID), declared by the job (FIELD_OUT_OF_SCOPE) and allowed by
 * its column policy for the use made of it (FIELD_NOT_ALLOWED); every value is typed for its field
 * (QUERY_INVALID). Refusals name the query path, the field and the rule, never a submitted value.
 * Pure: no database access.
 */
import { ZAggregateQuery, type ZQueryFilter } from "@pdx/common/enclave-query";
import type { TVaultField } from "@pdx/common/vault-api";
import type { z } from "zod";
import { EnclaveError } from "../errors";
import { rowsTableOf, type TStoredDataset } from "../vault/stored-dataset";
import { columnPolicyOf, FIELD_USE_LABELS, fieldUseProblem, type TFieldUse } from "./column-policy";
import { compileAggregateSql } from "./compile-sql";
import type {
  TCompiledAggregate,
  TPlannedDimension,
  TPlannedFilter,
  TPlannedMeasure,
  TSqlScalar,
  TUnitBound,
} from "./query-plan";

/** A checked aggregate query, ready to run (runAggregateQuery) and to protect (privacy engine). */
export interface TAggregatePlan {
  datasetCode: string;
  version: string;
  /** Output columns in order: the group keys, then the measures. */
  columns: { key: string; kind: "dimension" | "measure" }[];
  dimensions: TPlannedDimension[];
  /** `sumIndex` of a sum/mean measure points into a raw group's `sums` / `valueCounts`. */
  measures: TPlannedMeasure[];
  filters: TPlannedFilter[];
  /** "CODE.field" of every field the query reads, in first-use order. */
  fieldsTouched: string[];
  /** ε per measure the query asked for (absent: the job's per-query ε). */
  epsilon: number | undefined;
  /**
   * Most rows one privacy unit contributes to the result (1 for a register or a dataset without a
   * unit field): the privacy engine scales its noise by it.
   */
  rowsPerUnit: number;
  sql: TCompiledAggregate;
}

/** "filters.0.field: …; measures: …" from a zod error (paths and rules only, no input values). */
export function zodProblems(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.join(".") : "(query)"}: ${issue.message}`)
    .join("; ");
}

function invalid(message: string): never {
  throw new EnclaveError("QUERY_INVALID", message);
}

/** The version's checked rows table (`vault_rows_<id>`). */
export function rowsTableChecked(stored: TStoredDataset): string {
  const table = rowsTableOf(stored.id);
  if (stored.table !== table) throw new Error("query planner: stored dataset table does not match its id");
  return table;
}

/** Checks that the query names this stored dataset (by code). */
export function requireSameDataset(stored: TStoredDataset, dataset: string): void {
  if (dataset !== stored.spec.code)
    invalid(`dataset: the query names another dataset than ${stored.spec.code}, the one being queried`);
}

/**
 * Resolves the field names of one query against the version's spec, the job's declared fields and
 * the column policy, and records what was touched.
 */
export class FieldResolver {
  private readonly byName: ReadonlyMap<string, TVaultField>;
  private readonly declared: ReadonlySet<string>;
  readonly touched: string[] = [];

  constructor(
    private readonly stored: TStoredDataset,
    declaredFields: readonly string[],
  ) {
    this.byName = new Map(stored.spec.fields.map((f) => [f.name, f]));
    this.declared = new Set(declaredFields);
  }

  /** The column policy of a field of this dataset. */
  policyOf(field: TVaultField): ReturnType<typeof columnPolicyOf>["policy"] {
    return columnPolicyOf(field, this.stored.spec.grade).policy;
  }

  /** The dataset's code (for messages). */
  get code(): string {
    return this.stored.spec.code;
  }

  /** The field `name` at query path `path`, checked for `use`. */
  resolve(name: string, path: string, use: TFieldUse): TVaultField {
    const code = this.stored.spec.code;
    const field = this.byName.get(name);
    if (!field) invalid(`${path}: dataset ${code} has no field "${name}"`);
    if (!this.declared.has(name))
      throw new EnclaveError(
        "FIELD_OUT_OF_SCOPE",
        `${path}: field ${code}.${name} is not among the fields the job declared`,
      );
    const decision = columnPolicyOf(field, this.stored.spec.grade);
    const problem = fieldUseProblem(field, decision, use);
    if (problem)
      throw new EnclaveError(
        "FIELD_NOT_ALLOWED",
        `${path}: field ${code}.${name} may not be used as ${FIELD_USE_LABELS[use]}: ${problem}`,
      );
    const touched = `${code}.${name}`;
    if (!this.touched.includes(touched)) this.touched.push(touched);
    return field;
  }
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `text` is a real calendar date written YYYY-MM-DD (year 0001–9999). */
export function isIsoDate(text: string): boolean {
  const m = ISO_DATE.exec(text);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const d = new Date(Date.UTC(2000, month - 1, day));
  d.setUTCFullYear(year);
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

/** `value` typed for `field`, or QUERY_INVALID naming the path, field and expected type. */
export function typedValueOf(field: TVaultField, value: unknown, path: string): TSqlScalar {
  const expect = (what: string): never =>
    invalid(`${path}: field "${field.name}" is ${field.type}: the value must be ${what}`);
  switch (field.type) {
    case "text":
      if (typeof value !== "string") return expect("a string");
      if (value.includes("\u0000")) return expect("a string without NUL characters");
      return value.normalize("NFC");
    case "integer":
      if (typeof value !== "number" || !Number.isSafeInteger(value)) return expect("a safe integer");
      return value === 0 ? 0 : value;
    case "numeric":
      if (typeof value !== "number" || !Number.isFinite(value)) return expect("a finite number");
      return value === 0 ? 0 : value;
    case "date":
      if (typeof value !== "string" || !isIsoDate(value)) return expect("an ISO date YYYY-MM-DD");
      return value;
    case "boolean":
      if (typeof value !== "boolean") return expect("true or false");
      return value;
  }
}

const RANGE_TYPES: readonly TVaultField["type"][] = ["integer", "numeric", "date"];

/** Most significant digits of a range threshold on an aggregate-only number. */
export const COARSE_THRESHOLD_DIGITS = 2;

/**
 * Range thresholds on an aggregate-only field must be coarse: numbers with at most
 * COARSE_THRESHOLD_DIGITS significant digits, dates on the first of a month. Fine thresholds let
 * logic binary-search one entity's value through the minimum-group-size decision (adversarial
 * tests: small-groups "oracles on the suppression decision"); coarse ones bound what any number of
 * probes can learn to the grid, like the field's generalization would.
 */
function requireCoarseThresholds(
  filter: z.output<typeof ZQueryFilter>,
  path: string,
  field: TVaultField,
  code: string,
): void {
  const bounds = filter.op === "between" ? [filter.from, filter.to] : "value" in filter ? [filter.value] : [];
  for (const bound of bounds) {
    const coarse =
      field.type === "date"
        ? typeof bound === "string" && /^\d{4}-\d{2}-01$/.test(bound)
        : typeof bound === "number" && Number(bound.toPrecision(COARSE_THRESHOLD_DIGITS)) === bound;
    if (!coarse) {
      throw new EnclaveError(
        "FIELD_NOT_ALLOWED",
        `${path}: field ${code}.${field.name} is aggregate-only, so range thresholds on it must be coarse ` +
          (field.type === "date"
            ? "(the first day of a month)"
            : `(at most ${COARSE_THRESHOLD_DIGITS} significant digits, e.g. 250000 or 0.35)`),
      );
    }
  }
}

/**
 * One filter checked and typed. `context` picks the uses checked: aggregate filters are equality
 * or range uses; verification where-filters are the verify_where use.
 */
export function planFilter(
  filter: z.output<typeof ZQueryFilter>,
  path: string,
  fields: FieldResolver,
  context: "aggregate" | "verify",
): TPlannedFilter {
  const isRange = filter.op === "gt" || filter.op === "gte" || filter.op === "lt" || filter.op === "lte";
  const range = isRange || filter.op === "between";
  const use: TFieldUse = context === "verify" ? "verify_where" : range ? "filter_range" : "filter_equality";
  const field = fields.resolve(filter.field, `${path}.field`, use);
  if (range && !RANGE_TYPES.includes(field.type))
    invalid(
      `${path}.op: range filter "${filter.op}" applies to integer, numeric and date fields; "${field.name}" is ${field.type}`,
    );
  const planned = typedFilter(filter, path, field);
  // After typing, so a value of the wrong type is QUERY_INVALID, not a policy refusal.
  if (range && fields.policyOf(field) === "aggregate_only")
    requireCoarseThresholds(filter, path, field, fields.code);
  return planned;
}

/** The filter with its values typed for the field (QUERY_INVALID naming the path otherwise). */
function typedFilter(
  filter: z.output<typeof ZQueryFilter>,
  path: string,
  field: TVaultField,
): TPlannedFilter {
  switch (filter.op) {
    case "eq":
    case "neq":
    case "gt":
    case "gte":
    case "lt":
    case "lte":
      return { field, op: filter.op, value: typedValueOf(field, filter.value, `${path}.value`) };
    case "in":
    case "not_in":
      return {
        field,
        op: filter.op,
        values: filter.values.map((v, i) => typedValueOf(field, v, `${path}.values.${i}`)),
      };
    case "between": {
      const from = typedValueOf(field, filter.from, `${path}.from`);
      const to = typedValueOf(field, filter.to, `${path}.to`);
      if (from > to) invalid(`${path}: "between" needs from ≤ to`);
      return { field, op: "between", from, to };
    }
  }
}

const NUMBER_TYPES: readonly TVaultField["type"][] = ["integer", "numeric"];

/**
 * Checks `query` (untrusted) against `stored` and the job's `declaredFields` (field names of this
 * dataset), and compiles it. Throws EnclaveError QUERY_INVALID / FIELD_OUT_OF_SCOPE /
 * FIELD_NOT_ALLOWED.
 */
export function planAggregateQuery(
  stored: TStoredDataset,
  query: unknown,
  declaredFields: readonly string[],
): TAggregatePlan {
  const parsed = ZAggregateQuery.safeParse(query);
  if (!parsed.success) invalid(zodProblems(parsed.error));
  const q = parsed.data;
  requireSameDataset(stored, q.dataset);
  const table = rowsTableChecked(stored);
  const fields = new FieldResolver(stored, declaredFields);

  const outputNames = new Set<string>();
  const claimName = (name: string, path: string) => {
    if (outputNames.has(name)) invalid(`${path}: output name "${name}" is used twice`);
    outputNames.add(name);
  };

  const dimensions: TPlannedDimension[] = q.groupBy.map((key, i): TPlannedDimension => {
    const path = `groupBy.${i}`;
    if (typeof key === "string") {
      const field = fields.resolve(key, path, "group_by");
      claimName(key, path);
      return { key, field, kind: "value" };
    }
    const field = fields.resolve(key.field, `${path}.field`, "group_by_bucket");
    if ("bucket" in key) {
      if (field.type !== "date")
        invalid(`${path}.bucket: year/month buckets apply to date fields; "${field.name}" is ${field.type}`);
      claimName(key.as, `${path}.as`);
      return { key: key.as, field, kind: key.bucket };
    }
    if (!NUMBER_TYPES.includes(field.type))
      invalid(
        `${path}.width: width buckets apply to integer and numeric fields; "${field.name}" is ${field.type}`,
      );
    claimName(key.as, `${path}.as`);
    return { key: key.as, field, kind: "width", width: key.width };
  });

  let sumIndex = 0;
  const measures: TPlannedMeasure[] = q.measures.map((m, i): TPlannedMeasure => {
    const path = `measures.${i}`;
    if (m.fn === "count") {
      claimName(m.as, `${path}.as`);
      return { key: m.as, fn: "count" };
    }
    const field = fields.resolve(m.field, `${path}.field`, "measure");
    if (!NUMBER_TYPES.includes(field.type))
      invalid(`${path}.fn: ${m.fn} applies to integer and numeric fields; "${field.name}" is ${field.type}`);
    const [lo, hi] = m.bounds;
    if (lo > hi) invalid(`${path}.bounds: the lower bound must not exceed the upper bound`);
    claimName(m.as, `${path}.as`);
    return { key: m.as, fn: m.fn, field, bounds: [lo, hi], sumIndex: sumIndex++ };
  });

  const filters = q.filters.map((f, i) => planFilter(f, `filters.${i}`, fields, "aggregate"));
  const unitBound = unitBoundOf(stored, q.rowsPerUnit);

  return {
    datasetCode: stored.spec.code,
    version: stored.version,
    columns: [
      ...dimensions.map((d) => ({ key: d.key, kind: "dimension" as const })),
      ...measures.map((m) => ({ key: m.key, kind: "measure" as const })),
    ],
    dimensions,
    measures,
    filters,
    fieldsTouched: fields.touched,
    epsilon: q.epsilon,
    rowsPerUnit: unitBound?.rowsPerUnit ?? 1,
    sql: compileAggregateSql({ table, filters, dimensions, measures, unitBound }),
  };
}

/**
 * The unit bound of an aggregate on `stored`: null when each row is one unit (a register, whose
 * ingest made the unit unique, or a dataset without a unit field); otherwise the query's
 * `rowsPerUnit`, or the dataset's default.
 */
function unitBoundOf(stored: TStoredDataset, asked: number | undefined): TUnitBound | null {
  const unit = stored.spec.privacyUnit;
  if (!unit || unit.onePerUnit) return null;
  const field = stored.spec.fields.find((f) => f.name === unit.field);
  if (!field?.fingerprint) throw new Error("query planner: the privacy unit is not a fingerprinted field");
  return { field, rowsPerUnit: asked ?? unit.rowsPerUnit };
}
