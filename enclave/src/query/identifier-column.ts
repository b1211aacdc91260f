/**
 * The values of one identifier field of a stored dataset version, among the rows that pass
 * equality filters — the enclave's side of a private set intersection. The values never leave the
 * enclave: the PSI session hashes them to the curve and releases them only blinded.
 *
 * Policy: the field must be a fingerprinted (joinable) identifier — the same fields that may be a
 * verification match key, since an intersection answers "is my item in the set?" for every item
 * of the buyer's list; each filter field must allow a verification where-filter (raw policy), as a
 * filter shapes what that answer reveals. Both must be in the job's declared (authorized) fields.
 * Values are read in row order by keyset pages (bounded memory), sealed ones opened inside the
 * enclave with the version's data key, and returned as the canonical text ingest stored.
 */
import type { TVaultField } from "@pdx/common/vault-api";
import { EnclaveError } from "../errors";
import { rowsTableOf, type TStoredDataset } from "../vault/stored-dataset";
import { columnPolicyOf, fieldUseProblem } from "./column-policy";
import { quoteIdentifier } from "./compile-sql";
import type { TVaultQueryable } from "./run-query";
import { withReadOnlyTransaction } from "./run-query";

export interface TIdentifierColumnPlan {
  stored: TStoredDataset;
  field: TVaultField;
  filters: { field: TVaultField; values: string[] }[];
  /** "field" names read, match field first. */
  fieldsTouched: string[];
}

/** Rows per page when reading the column. */
export const IDENTIFIER_PAGE_ROWS = 50_000;

function refuse(message: string): never {
  throw new EnclaveError("FIELD_NOT_ALLOWED", message);
}

/** Checks `fieldName` and `filters` against the version's spec, its column policy and `declared`. */
export function planIdentifierColumn(
  stored: TStoredDataset,
  fieldName: string,
  filters: readonly { field: string; values: readonly string[] }[],
  declared: readonly string[],
): TIdentifierColumnPlan {
  const fieldOf = (name: string, path: string): TVaultField => {
    const field = stored.spec.fields.find((f) => f.name === name);
    if (!field) throw new EnclaveError("QUERY_INVALID", `${path}: ${stored.code} has no field "${name}"`);
    if (!declared.includes(name))
      throw new EnclaveError(
        "FIELD_OUT_OF_SCOPE",
        `${path}: field "${name}" is outside the authorized fields`,
      );
    return field;
  };
  const field = fieldOf(fieldName, "field");
  if (!field.fingerprint || !field.format)
    refuse(`field: "${fieldName}" is not a joinable identifier, so it cannot be intersected`);
  if (field.storage === "dropped")
    refuse(
      `field: "${fieldName}" keeps only a keyed fingerprint, which a buyer's list cannot be compared with`,
    );
  const planned = filters.map((f, i) => {
    const filterField = fieldOf(f.field, `filters.${i}.field`);
    const problem = fieldUseProblem(
      filterField,
      columnPolicyOf(filterField, stored.spec.grade),
      "verify_where",
    );
    if (problem) refuse(`filters.${i}: "${f.field}" cannot filter the set: ${problem}`);
    if (filterField.type !== "text" || filterField.storage !== "cleartext")
      refuse(`filters.${i}: "${f.field}" is not a text field stored in clear`);
    return { field: filterField, values: f.values.map((v) => v.normalize("NFC")) };
  });
  return {
    stored,
    field,
    filters: planned,
    fieldsTouched: [field.name, ...planned.map((f) => f.field.name)],
  };
}

/**
 * Reads the column page by page (IDENTIFIER_PAGE_ROWS rows), yielding each page's values (NULLs
 * skipped). `open` opens a sealed value (field, row, bytes) → canonical text; required when the
 * field is sealed.
 */
export async function* readIdentifierColumn(
  db: TVaultQueryable,
  plan: TIdentifierColumnPlan,
  options: {
    statementTimeoutMs: number;
    open?: (field: TVaultField, row: number, sealed: Buffer) => string;
    pageRows?: number;
  },
): AsyncGenerator<string[]> {
  const table = quoteIdentifier(rowsTableOf(plan.stored.id));
  const sealed = plan.field.storage === "sealed";
  if (sealed && !options.open) throw new Error("identifier column: a sealed field needs an opener");
  const column = quoteIdentifier(sealed ? `${plan.field.name}__sealed` : plan.field.name);
  const params: unknown[] = [];
  const conditions = plan.filters.map((f) => {
    params.push(f.values);
    return `${quoteIdentifier(f.field.name)} = ANY($${params.length}::text[])`;
  });
  const pageRows = options.pageRows ?? IDENTIFIER_PAGE_ROWS;
  let after = 0;
  for (;;) {
    const text =
      `SELECT "_row"::text AS row, ${column} AS value FROM ${table}` +
      ` WHERE ${[...conditions, `"_row" > $${params.length + 1}::bigint`].join(" AND ")}` +
      ` ORDER BY "_row" LIMIT $${params.length + 2}`;
    const result = await withReadOnlyTransaction(db, options, (client) =>
      client.query<{ row: string; value: string | Buffer | null }>(text, [...params, after, pageRows]),
    );
    const values: string[] = [];
    for (const r of result.rows) {
      if (r.value === null) continue;
      values.push(sealed ? options.open!(plan.field, Number(r.row), r.value as Buffer) : (r.value as string));
    }
    if (values.length > 0) yield values;
    if (result.rows.length < pageRows) return;
    after = Number(result.rows[result.rows.length - 1]!.row);
  }
}
