/**
 * Sample upload files for vault ingest: the lines of a CSV (RFC 4180, header row) or JSON Lines
 * file for a catalog entry, generated row by row from rawMockRows (never held in memory whole),
 * optionally with N rows corrupted on purpose — spread evenly through the file and cycling
 * through four kinds the vault must reject: a value of the wrong type, a value outside the
 * field's enum, a USCC whose check character is wrong, and a missing value. Deterministic for a
 * (entry, rows, seed, errors): the same arguments always give the same bytes and the same plan.
 * Used by scripts/make-sample-upload.ts and by the ingest tests (which assert the plan).
 */
import type { TDatasetEntry, TDatasetField } from "@pdx/common/catalog/dataset-entry";
import { rawMockRows, type TMockRow, type TMockValue } from "@pdx/common/catalog/mock-rows";
import { USCC_CHARSET } from "@pdx/common/uscc";
import type { TUploadFormat } from "@pdx/common/vault-api";

export const CORRUPTION_KINDS = ["bad_type", "bad_enum", "bad_uscc", "missing"] as const;
export type TCorruptionKind = (typeof CORRUPTION_KINDS)[number];

/** One planned corruption: 1-based data row (header excluded), the field and what was done. */
export interface TCorruption {
  row: number;
  field: string;
  kind: TCorruptionKind;
}

/** Fields that can take each kind of corruption, in field order. */
function candidatesOf(entry: Pick<TDatasetEntry, "fields">, kind: TCorruptionKind): TDatasetField[] {
  switch (kind) {
    case "bad_type":
      return entry.fields.filter((f) => f.type !== "text");
    case "bad_enum":
      return entry.fields.filter((f) => f.sample?.kind === "enum");
    case "bad_uscc":
      return entry.fields.filter((f) => f.sample?.kind === "identifier" && f.sample.format === "uscc");
    case "missing":
      return entry.fields;
  }
}

/**
 * Which rows get which corruption: `errors` rows spread evenly over `rows`, kinds in turn
 * (a kind the entry has no field for is skipped), fields in turn within a kind.
 */
export function corruptionPlan(
  entry: Pick<TDatasetEntry, "fields">,
  rows: number,
  errors: number,
): TCorruption[] {
  if (!Number.isInteger(errors) || errors < 0 || errors > rows) {
    throw new RangeError(`errors must be an integer from 0 to the row count (${rows}), got ${errors}`);
  }
  const kinds = CORRUPTION_KINDS.filter((k) => candidatesOf(entry, k).length > 0);
  const used = new Map<TCorruptionKind, number>();
  const plan: TCorruption[] = [];
  for (let i = 0; i < errors; i++) {
    const kind = kinds[i % kinds.length]!;
    const candidates = candidatesOf(entry, kind);
    const n = used.get(kind) ?? 0;
    used.set(kind, n + 1);
    plan.push({
      row: Math.floor(((i + 0.5) * rows) / errors) + 1,
      field: candidates[n % candidates.length]!.name,
      kind,
    });
  }
  return plan;
}

function corrupt(field: TDatasetField, kind: TCorruptionKind, value: TMockValue): TMockValue {
  switch (kind) {
    case "bad_type":
      return field.type === "date" ? "2026-13-45" : field.type === "boolean" ? "maybe" : "not-a-number";
    case "bad_enum":
      return "不在取值范围";
    case "bad_uscc": {
      const code = String(value);
      const check = code.at(-1)!;
      const other = USCC_CHARSET[(USCC_CHARSET.indexOf(check) + 1) % USCC_CHARSET.length]!;
      return `${code.slice(0, 17)}${other}`;
    }
    case "missing":
      return null;
  }
}

/** A CSV cell (RFC 4180): quoted when it holds a comma, quote or line break. */
export function csvCell(value: TMockValue): string {
  if (value === null) return "";
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export interface TSampleUploadOptions {
  rows: number;
  format: TUploadFormat;
  /** Rows to corrupt (default 0). */
  errors?: number;
  /** Seed of rawMockRows (default 2026). */
  seed?: number;
}

/** The corruptions `sampleUploadLines` makes for these options. */
export function samplePlanOf(
  entry: Pick<TDatasetEntry, "fields">,
  opts: TSampleUploadOptions,
): TCorruption[] {
  return corruptionPlan(entry, opts.rows, opts.errors ?? 0);
}

/** The file's lines, each ending in "\n" (CSV: header first), one row at a time. */
export function* sampleUploadLines(
  entry: Pick<TDatasetEntry, "code" | "fields">,
  opts: TSampleUploadOptions,
): Generator<string> {
  const names = entry.fields.map((f) => f.name);
  const byName = new Map(entry.fields.map((f) => [f.name, f]));
  const plan = new Map<number, TCorruption[]>();
  for (const c of samplePlanOf(entry, opts)) plan.set(c.row, [...(plan.get(c.row) ?? []), c]);
  if (opts.format === "csv") yield `${names.join(",")}\n`;
  let row = 0;
  for (const generated of rawMockRows(entry, opts.rows, opts.seed ?? 2026)) {
    row++;
    let values: TMockRow = generated;
    const corruptions = plan.get(row);
    if (corruptions) {
      values = { ...generated };
      for (const c of corruptions)
        values[c.field] = corrupt(byName.get(c.field)!, c.kind, values[c.field] ?? null);
    }
    yield opts.format === "csv"
      ? `${names.map((n) => csvCell(values[n] ?? null)).join(",")}\n`
      : `${JSON.stringify(values)}\n`;
  }
}
