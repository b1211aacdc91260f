/**
 * Where each vault dataset's rows live. Request field names reach SQL only after they matched a
 * column listed here (and the dataset's column policy), and are then quoted as identifiers.
 */

export interface TDatasetTable {
  table: string;
  /** Every column of the dataset's rows (besides dataset_version). */
  columns: readonly string[];
}

/** Dataset code → its rows' table and columns. */
export const DATASET_TABLES: Readonly<Record<string, TDatasetTable>> = {
  "LE-BASE": {
    table: "legal_entities",
    columns: ["uscc", "name", "district", "industry", "registered_capital", "founded_on", "status"],
  },
};

/** Double-quotes an identifier that is already known to be a plain lowercase name. */
export function quoteIdentifier(name: string): string {
  if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new Error("vault: refusing to quote an unexpected identifier");
  return `"${name}"`;
}
