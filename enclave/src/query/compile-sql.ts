/**
 * The SQL compiler: checked query plans → parameterized SQL on a version's rows table. Pure.
 *
 * Identifiers come only from the dataset spec (field names, `vault_rows_<id>`) and pass a strict
 * check before being double-quoted; every value of the query is a $n parameter with an explicit
 * cast to the field's SQL type. The output names of the query (`as`) never reach SQL: result
 * columns are positional aliases d0…, n, s0…, v0….
 *
 * Aggregate result row, per group:
 *   d<i>  text    — dimension i: the value as canonical text (integer "3", numeric "12.5" without
 *                   trailing zeros, date "YYYY-MM-DD", boolean "true"/"false"), a year "2024", a
 *                   month "2024-03", or a width bucket's lower bound ("1500"). A row without a
 *                   value (NULL; the vault stores empty values as NULL) has dimension "".
 *   n     bigint  — rows in the group (count(*)).
 *   u     bigint  — distinct privacy units in the group (only with a unit bound).
 *   s<j>  text    — sum/mean measure j: sum of the field's values clamped to [lo, hi] (contribution
 *                   bounding); rows without a value contribute nothing; NULL when no row has one.
 *   v<j>  bigint  — rows that contributed to s<j> (non-NULL values): a mean's denominator.
 * Filters use SQL semantics: a row without a value never matches a filter (not even neq/not_in);
 * `between` includes both ends.
 *
 * Unit bound (contribution bounding by privacy unit): the filtered rows are numbered within each
 * unit (PARTITION BY the unit's fingerprint) in a pseudo-random order that is fixed per row
 * (hashint8extended of `_row`, so a unit's kept rows are not simply its first ones in file order
 * and a rerun keeps the same rows), and only the first `rowsPerUnit` of each unit are grouped:
 *   SELECT … FROM (SELECT <columns read>, <unit fp> AS "_unit", row_number() OVER (…) AS "_unit_row"
 *                   FROM rows WHERE filters) AS "bounded" WHERE "_unit_row" <= $L GROUP BY …
 */

import type { TVaultField } from "@pdx/common/vault-api";
import { SQL_TYPE_OF, sealedColumnOf } from "../vault/stored-dataset";
import type {
  TCheckedAggregate,
  TCheckedVerification,
  TCompiledAggregate,
  TCompiledQuery,
  TPlannedDimension,
  TPlannedFilter,
  TUnitBound,
} from "./query-plan";

const PLAIN_IDENTIFIER = /^[a-z][a-z0-9_]*$/;
/** PostgreSQL truncates longer identifiers: refuse rather than address another column. */
const MAX_IDENTIFIER_BYTES = 63;

/** Double-quotes a plain lowercase identifier of at most 63 bytes; throws on anything else. */
export function quoteIdentifier(name: string): string {
  if (!PLAIN_IDENTIFIER.test(name) || name.length > MAX_IDENTIFIER_BYTES)
    throw new Error("query compiler: refusing to quote an unexpected identifier");
  return `"${name}"`;
}

/** The quoted `vault_rows_<id>` table name; throws on any other name. */
export function quoteRowsTable(table: string): string {
  if (!/^vault_rows_[1-9][0-9]{0,15}$/.test(table))
    throw new Error("query compiler: refusing an unexpected rows table name");
  return quoteIdentifier(table);
}

/** The quoted cleartext column of a field; throws unless the field is stored cleartext. */
function cleartextColumn(field: TVaultField): string {
  if (field.storage !== "cleartext") throw new Error("query compiler: field is not stored in cleartext");
  return quoteIdentifier(field.name);
}

function fingerprintColumn(field: TVaultField): string {
  if (!field.fingerprint) throw new Error("query compiler: field has no fingerprint column");
  return quoteIdentifier(`${field.name}__fp`);
}

/** Collects parameters; `add` returns the placeholder with its cast. */
class Parameters {
  readonly values: unknown[] = [];
  add(value: unknown, cast: string): string {
    this.values.push(value);
    return `$${this.values.length}::${cast}`;
  }
}

function sqlTypeOf(field: TVaultField): string {
  const type = SQL_TYPE_OF[field.type];
  if (!type) throw new Error("query compiler: unknown field type");
  return type;
}

const COMPARISON: Readonly<Record<"eq" | "neq" | "gt" | "gte" | "lt" | "lte", string>> = {
  eq: "=",
  neq: "<>",
  gt: ">",
  gte: ">=",
  lt: "<",
  lte: "<=",
};

function filterSql(filter: TPlannedFilter, params: Parameters): string {
  const column = cleartextColumn(filter.field);
  const type = sqlTypeOf(filter.field);
  switch (filter.op) {
    case "eq":
    case "neq":
    case "gt":
    case "gte":
    case "lt":
    case "lte":
      return `${column} ${COMPARISON[filter.op]} ${params.add(filter.value, type)}`;
    case "in":
      return `${column} = ANY(${params.add(filter.values, `${type}[]`)})`;
    case "not_in":
      return `${column} <> ALL(${params.add(filter.values, `${type}[]`)})`;
    case "between":
      return `${column} BETWEEN ${params.add(filter.from, type)} AND ${params.add(filter.to, type)}`;
  }
}

function valueAsText(field: TVaultField, column: string): string {
  switch (field.type) {
    case "text":
      return column;
    case "integer":
    case "boolean":
      return `${column}::text`;
    case "numeric":
      return `trim_scale(${column})::text`;
    case "date":
      return `to_char(${column}, 'YYYY-MM-DD')`;
  }
}

function dimensionSql(dimension: TPlannedDimension, params: Parameters): string {
  const column = cleartextColumn(dimension.field);
  switch (dimension.kind) {
    case "value":
      return `coalesce(${valueAsText(dimension.field, column)}, '')`;
    case "year":
      return `coalesce(to_char(date_trunc('year', ${column}::timestamp), 'YYYY'), '')`;
    case "month":
      return `coalesce(to_char(date_trunc('month', ${column}::timestamp), 'YYYY-MM'), '')`;
    case "width": {
      const width = params.add(dimension.width, "numeric");
      return `coalesce(trim_scale(floor(${column} / ${width}) * ${width})::text, '')`;
    }
  }
}

function whereSql(conditions: string[]): string {
  return conditions.length === 0 ? "" : ` WHERE ${conditions.join(" AND ")}`;
}

/** The FROM clause of a unit-bounded aggregate (see the module comment); filters go inside. */
function unitBoundedSource(plan: TCheckedAggregate, bound: TUnitBound, params: Parameters): string {
  if (!Number.isSafeInteger(bound.rowsPerUnit) || bound.rowsPerUnit < 1)
    throw new Error("query compiler: rows per unit must be a positive integer");
  const read = new Set<string>();
  for (const d of plan.dimensions) read.add(cleartextColumn(d.field));
  for (const m of plan.measures) if (m.fn !== "count") read.add(cleartextColumn(m.field));
  const unit = fingerprintColumn(bound.field);
  const inner =
    `SELECT ${[...read, `${unit} AS "_unit"`].join(", ")}, ` +
    `row_number() OVER (PARTITION BY ${unit} ORDER BY hashint8extended("_row", 0), "_row") AS "_unit_row" ` +
    `FROM ${quoteRowsTable(plan.table)}${whereSql(plan.filters.map((f) => filterSql(f, params)))}`;
  return `(${inner}) AS "bounded" WHERE "_unit_row" <= ${params.add(bound.rowsPerUnit, "bigint")}`;
}

/** SELECT d…, n, [u,] s…, v… FROM the rows table WHERE filters GROUP BY the dimensions' positions. */
export function compileAggregateSql(plan: TCheckedAggregate): TCompiledAggregate {
  const params = new Parameters();
  const select: string[] = plan.dimensions.map((d, i) => `${dimensionSql(d, params)} AS d${i}`);
  select.push("count(*) AS n");
  if (plan.unitBound) select.push(`count(DISTINCT "_unit") AS u`);
  const sums: string[] = [];
  const valueCounts: string[] = [];
  for (const measure of plan.measures) {
    if (measure.fn === "count") continue;
    const [lo, hi] = measure.bounds;
    if (!(lo <= hi)) throw new Error("query compiler: clamp bounds out of order");
    const column = cleartextColumn(measure.field);
    const j = sums.length;
    if (measure.sumIndex !== j) throw new Error("query compiler: sum indexes out of order");
    const clamped = `least(greatest(${column}, ${params.add(lo, "numeric")}), ${params.add(hi, "numeric")})`;
    sums.push(`(sum(${clamped}) FILTER (WHERE ${column} IS NOT NULL))::text AS s${j}`);
    valueCounts.push(`count(${column}) AS v${j}`);
  }
  select.push(...sums, ...valueCounts);
  const source = plan.unitBound
    ? unitBoundedSource(plan, plan.unitBound, params)
    : `${quoteRowsTable(plan.table)}${whereSql(plan.filters.map((f) => filterSql(f, params)))}`;
  const groupBy =
    plan.dimensions.length === 0
      ? ""
      : ` GROUP BY ${plan.dimensions.map((_, i) => String(i + 1)).join(", ")}`;
  return {
    text: `SELECT ${select.join(", ")} FROM ${source}${groupBy}`,
    values: params.values,
    dimensionCount: plan.dimensions.length,
    sumCount: sums.length,
    countsUnits: plan.unitBound !== null,
  };
}

/** SELECT EXISTS(SELECT 1 FROM the rows table WHERE every match and where-filter holds). */
/** The WHERE conditions of a verification: its match keys (by fingerprint or cleartext) and filters. */
function verificationConditions(plan: TCheckedVerification, params: Parameters): string[] {
  if (plan.match.length === 0) throw new Error("query compiler: a verification needs a match");
  const conditions = plan.match.map((m) =>
    m.by === "fingerprint"
      ? `${fingerprintColumn(m.field)} = ${params.add(m.fingerprint, "bytea")}`
      : `${cleartextColumn(m.field)} = ${params.add(m.value, sqlTypeOf(m.field))}`,
  );
  for (const f of plan.where) conditions.push(filterSql(f, params));
  return conditions;
}

/**
 * The matched records' sealed values of `reveal` fields with their row numbers (at most 2 rows:
 * enough to tell "exactly one" from "several").
 */
export function compileRevealSql(plan: TCheckedVerification, reveal: readonly TVaultField[]): TCompiledQuery {
  const table = quoteRowsTable(plan.table);
  const params = new Parameters();
  const conditions = verificationConditions(plan, params);
  const columns = reveal.map((f, i) => {
    if (f.storage !== "sealed") throw new Error("query compiler: only sealed fields are revealed (masked)");
    return `${quoteIdentifier(sealedColumnOf(f.name))} AS r${i}`;
  });
  return {
    text: `SELECT "_row"::text AS row_number, ${columns.join(", ")} FROM ${table}${whereSql(conditions)} LIMIT 2`,
    values: params.values,
  };
}

export function compileVerifySql(plan: TCheckedVerification): TCompiledQuery {
  const table = quoteRowsTable(plan.table);
  const params = new Parameters();
  const conditions = verificationConditions(plan, params);
  return {
    text: `SELECT EXISTS (SELECT 1 FROM ${table}${whereSql(conditions)}) AS answer`,
    values: params.values,
  };
}
