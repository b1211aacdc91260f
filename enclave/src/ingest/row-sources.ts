/**
 * Row sources for the ingest pipeline: each turns an input (a CSV or JSON Lines byte stream, or
 * generated rows) into TSourceRow records whose values are aligned with the spec's fields, in
 * order, numbered 1.. (data rows; a CSV header is not counted). A record whose row is malformed
 * as a whole carries errors instead of values. File-level problems throw IngestFailure.
 */
import type { TRowError, TVaultDatasetSpec } from "@pdx/common/vault-api";
import { parseCsvStream } from "./csv-parser";
import { IngestFailure, shownName } from "./ingest-failure";
import { parseJsonlStream } from "./jsonl-parser";

/** One data row: raw values in spec field order (null = empty), or the row's whole-row errors. */
export type TSourceRow =
  | { row: number; values: (string | null)[]; errors?: undefined }
  | {
      row: number;
      values?: undefined;
      errors: TRowError[];
    };

function listNames(names: string[], limit = 5): string {
  const shown = names.slice(0, limit).join(", ");
  return names.length > limit ? `${shown} and ${names.length - limit} more` : shown;
}

/** Checks a CSV header against the spec; returns, per spec field, its column index. */
export function mapCsvHeader(spec: TVaultDatasetSpec, header: string[]): number[] {
  const expected = spec.fields.map((f) => f.name);
  const problems: string[] = [];
  const seen = new Map<string, number>();
  const duplicates = new Set<string>();
  header.forEach((name, i) => {
    if (seen.has(name)) duplicates.add(name);
    else seen.set(name, i);
  });
  const missing = expected.filter((name) => !seen.has(name));
  const extra = header.filter((name) => !expected.includes(name));
  if (missing.length) problems.push(`missing column${missing.length > 1 ? "s" : ""} ${listNames(missing)}`);
  if (extra.length) {
    const shown = extra.map(shownName).filter((s): s is string => s !== null);
    const hidden = extra.length - shown.length;
    problems.push(
      `unexpected column${extra.length > 1 ? "s" : ""} ${[
        ...(shown.length ? [listNames(shown)] : []),
        ...(hidden ? [`${hidden} not shown (not field names: is the header row missing?)`] : []),
      ].join(", ")}`,
    );
  }
  if (duplicates.size) {
    const shown = [...duplicates].map((d) => shownName(d) ?? "(a non-field name)");
    problems.push(`duplicate column${duplicates.size > 1 ? "s" : ""} ${listNames(shown)}`);
  }
  if (problems.length) {
    throw new IngestFailure(
      `the header row must name exactly the registered fields (${expected.length}): ${problems.join("; ")}`,
    );
  }
  return expected.map((name) => seen.get(name)!);
}

/** CSV (header row, then data rows) → source rows. */
export async function* csvRows(
  spec: TVaultDatasetSpec,
  bytes: AsyncIterable<Uint8Array>,
): AsyncGenerator<TSourceRow> {
  let columns: number[] | null = null;
  let row = 0;
  for await (const record of parseCsvStream(bytes)) {
    if (columns === null) {
      if (record.error !== undefined) throw new IngestFailure(`the header row is malformed: ${record.error}`);
      columns = mapCsvHeader(spec, record.fields);
      continue;
    }
    row++;
    if (record.error !== undefined) {
      yield { row, errors: [{ row, reason: `malformed CSV: ${record.error}` }] };
    } else if (record.fields.length !== columns.length) {
      yield {
        row,
        errors: [{ row, reason: `has ${record.fields.length} columns, the header has ${columns.length}` }],
      };
    } else {
      const fields = record.fields;
      yield { row, values: columns.map((c) => fields[c]!) };
    }
  }
  if (columns === null) throw new IngestFailure("the file is empty (no header row)");
}

/** A JSON value of a row as raw text (numbers and booleans as written; null = empty). */
function jsonScalarText(value: unknown): string | null | { problem: string } {
  if (value === null) return null;
  switch (typeof value) {
    case "string":
      return value;
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
        return { problem: "number too large to be exact in JSON: give it as a string" };
      }
      return String(value);
    default:
      return { problem: "must be a string, number, boolean or null" };
  }
}

/** JSON Lines (one object per line, keys = field names) → source rows. */
export async function* jsonlRows(
  spec: TVaultDatasetSpec,
  bytes: AsyncIterable<Uint8Array>,
): AsyncGenerator<TSourceRow> {
  const names = spec.fields.map((f) => f.name);
  const known = new Set(names);
  let row = 0;
  for await (const record of parseJsonlStream(bytes)) {
    row++;
    if (record.error !== undefined) {
      yield { row, errors: [{ row, reason: record.error }] };
      continue;
    }
    const value = record.value;
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      yield { row, errors: [{ row, reason: "the line is not a JSON object" }] };
      continue;
    }
    const object = value as Record<string, unknown>;
    const errors: TRowError[] = [];
    for (const key of Object.keys(object)) {
      if (!known.has(key)) {
        const shown = shownName(key);
        errors.push({ row, reason: shown ? `unknown key ${shown}` : "unknown key (not a field name)" });
      }
    }
    const values: (string | null)[] = [];
    for (const name of names) {
      if (!Object.hasOwn(object, name)) {
        errors.push({ row, field: name, reason: "key missing" });
        values.push(null);
        continue;
      }
      const text = jsonScalarText(object[name]);
      if (text !== null && typeof text === "object") {
        errors.push({ row, field: name, reason: text.problem });
        values.push(null);
      } else values.push(text);
    }
    yield errors.length ? { row, errors } : { row, values };
  }
}

/** Generated rows (objects keyed by field name; numbers and booleans as JSON would give them). */
export async function* objectRows(
  spec: TVaultDatasetSpec,
  rows: Iterable<Record<string, unknown>> | AsyncIterable<Record<string, unknown>>,
): AsyncGenerator<TSourceRow> {
  const names = spec.fields.map((f) => f.name);
  let row = 0;
  for await (const object of rows) {
    row++;
    const errors: TRowError[] = [];
    const values = names.map((name) => {
      const text = jsonScalarText(object[name] ?? null);
      if (text !== null && typeof text === "object") {
        errors.push({ row, field: name, reason: text.problem });
        return null;
      }
      return text;
    });
    yield errors.length ? { row, errors } : { row, values };
  }
}
