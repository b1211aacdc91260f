/**
 * The columns of a version's rows table, derived from its spec exactly as stored-dataset.ts lays
 * them out (`_row`, then per field: cleartext column, sealed column, fingerprint column), with
 * the SQL to create the table and to append rows with one `INSERT … SELECT FROM unnest(…)`.
 */
import type { TVaultDatasetSpec, TVaultField } from "@pdx/common/vault-api";
import { cleartextColumnOf, fingerprintColumnOf, SQL_TYPE_OF, sealedColumnOf } from "../vault/stored-dataset";
import { quoteIdentifier } from "../vault/tables";

/** PostgreSQL truncates longer identifiers: a column name must fit. */
const MAX_IDENTIFIER = 63;

export interface TStoredColumn {
  name: string;
  /** SQL type of the column. */
  sqlType: string;
  /** Index of the field in spec.fields. */
  fieldIndex: number;
  kind: "cleartext" | "sealed" | "fingerprint";
}

/** The rows table's columns after `_row`, in order. */
export function storedColumnsOf(spec: TVaultDatasetSpec): TStoredColumn[] {
  const columns: TStoredColumn[] = [];
  spec.fields.forEach((field: TVaultField, fieldIndex) => {
    if (field.storage === "cleartext") {
      columns.push({
        name: cleartextColumnOf(field.name),
        sqlType: SQL_TYPE_OF[field.type],
        fieldIndex,
        kind: "cleartext",
      });
    } else if (field.storage === "sealed") {
      columns.push({ name: sealedColumnOf(field.name), sqlType: "bytea", fieldIndex, kind: "sealed" });
    }
    if (field.fingerprint) {
      columns.push({
        name: fingerprintColumnOf(field.name),
        sqlType: "bytea",
        fieldIndex,
        kind: "fingerprint",
      });
    }
  });
  return columns;
}

/** Why a spec cannot be stored (duplicate fields, column names too long or clashing), or null. */
export function specStorageProblem(spec: TVaultDatasetSpec): string | null {
  const fieldNames = new Set<string>();
  for (const f of spec.fields) {
    if (fieldNames.has(f.name)) return `field "${f.name}" is registered twice`;
    fieldNames.add(f.name);
  }
  const columns = new Set<string>(["_row"]);
  for (const c of storedColumnsOf(spec)) {
    if (c.name.length > MAX_IDENTIFIER) {
      return `field "${spec.fields[c.fieldIndex]!.name}" is too long for its stored column (at most ${MAX_IDENTIFIER} characters with its suffix)`;
    }
    if (columns.has(c.name))
      return `field "${spec.fields[c.fieldIndex]!.name}" clashes with another field's stored column`;
    columns.add(c.name);
  }
  const unit = spec.privacyUnit;
  if (unit) {
    const field = spec.fields.find((f) => f.name === unit.field);
    if (!field) return `the privacy unit "${unit.field}" is not a registered field`;
    if (!field.fingerprint) return `the privacy unit "${unit.field}" is not a fingerprinted identifier`;
    if (unit.onePerUnit && unit.rowsPerUnit !== 1)
      return `the privacy unit "${unit.field}" is one row per unit, so its rows per unit must be 1`;
  }
  return null;
}

/** CREATE TABLE for a rows table (or its staging copy) named `table`. */
export function createRowsTableSql(table: string, columns: readonly TStoredColumn[]): string {
  const defs = ["_row bigint NOT NULL", ...columns.map((c) => `${quoteIdentifier(c.name)} ${c.sqlType}`)];
  return `CREATE TABLE ${quoteIdentifier(table)} (${defs.join(", ")})`;
}

/** INSERT of one batch: $1 = _row bigint[], then one array parameter per column. */
export function insertRowsSql(table: string, columns: readonly TStoredColumn[]): string {
  const names = ["_row", ...columns.map((c) => quoteIdentifier(c.name))];
  const arrays = [`$1::bigint[]`, ...columns.map((c, i) => `$${i + 2}::${c.sqlType}[]`)];
  return `INSERT INTO ${quoteIdentifier(table)} (${names.join(", ")}) SELECT * FROM unnest(${arrays.join(", ")})`;
}
