/**
 * The ingest pipeline for one dataset version: source rows → validate (field-values.ts) →
 * protect (cleartext / sealed under the version's data key / fingerprinted under the item's key;
 * dropped fields not stored) → append to a staging table in batches → make the version visible
 * in one short transaction (ingest-store.ts). Rows stream through: memory holds one batch.
 *
 * All or nothing: after the first row error, rows are only validated (all errors counted, the
 * first UPLOAD_ERRORS_KEPT kept); a version with any error, or a file-level failure, leaves no
 * trace (its staging table is dropped), and one without is loaded whole. The content hash is
 * SHA-256 over each accepted row's canonical JSON (every registered field → canonical text or
 * null, keys sorted) followed by "\n", in file order.
 */
import { createHash } from "node:crypto";
import { type TRowError, type TVaultDatasetSpec, UPLOAD_ERRORS_KEPT } from "@pdx/common/vault-api";
import { valueCipher as defaultCipher } from "../keys/key-store";
import type { TKeyStore, TValueCipher } from "../keys/types";
import { fingerprintColumnOf, type TStoredDataset } from "../vault/stored-dataset";
import { checkValue } from "./field-values";
import { IngestFailure } from "./ingest-failure";
import { type IngestStore, stagingTableOf, type TRegisterVersion } from "./ingest-store";
import type { TSourceRow } from "./row-sources";
import { specStorageProblem, storedColumnsOf } from "./stored-columns";

/** Rows per INSERT batch. */
export const DEFAULT_BATCH_ROWS = 5000;

export interface TLoadVersionInput {
  spec: TVaultDatasetSpec;
  version: string;
  rows: AsyncIterable<TSourceRow>;
  /** Names the staging table: the upload id, or any fresh uuid. */
  loadId: string;
  /** The upload session this load completes (marked loaded in the final transaction). */
  upload?: TRegisterVersion["upload"];
  /** Called with the number of rows read so far (every few thousand rows and at the end). */
  onProgress?: (rowsProcessed: number) => void;
  /** Stops the load between rows (its staging table is dropped; nothing becomes visible). */
  signal?: AbortSignal;
  batchRows?: number;
}

export interface TLoadVersionDeps {
  store: IngestStore;
  keyStore: TKeyStore;
  cipher?: TValueCipher;
}

export type TLoadOutcome =
  | { kind: "loaded"; stored: TStoredDataset }
  | {
      kind: "rejected";
      rowsProcessed: number;
      errorCount: number;
      errors: TRowError[];
      /** A problem with the file as a whole (header, encoding, no rows), or null. */
      failure: string | null;
    }
  /** The version was loaded by another load meanwhile. */
  | { kind: "version-exists" };

/** The AAD of a sealed value (stored-dataset.ts). */
export function sealedAad(code: string, version: string, field: string, row: number): string {
  return `${code}@${version}/${field}/${row}`;
}

/**
 * One content-hash line: canonical JSON of the row (keys sorted) + "\n". `keyPrefixes[i]` is
 * `{"name":` for the first sorted key and `,"name":` for the others (built once per load).
 */
export function contentHashLine(
  keyPrefixes: readonly string[],
  sortedTexts: readonly (string | null)[],
): string {
  let line = "";
  for (let i = 0; i < keyPrefixes.length; i++) {
    const text = sortedTexts[i];
    line += keyPrefixes[i] + (text === null ? "null" : JSON.stringify(text));
  }
  return `${line}}\n`;
}

/** Runs the pipeline; see the module comment. Throws only on internal errors (database, keys). */
export async function loadVersion(deps: TLoadVersionDeps, input: TLoadVersionInput): Promise<TLoadOutcome> {
  const { spec, version } = input;
  const problem = specStorageProblem(spec);
  if (problem) return { kind: "rejected", rowsProcessed: 0, errorCount: 0, errors: [], failure: problem };
  const cipher = deps.cipher ?? defaultCipher;
  const batchRows = input.batchRows ?? DEFAULT_BATCH_ROWS;
  const fields = spec.fields;
  const columns = storedColumnsOf(spec);
  const staging = stagingTableOf(input.loadId);
  const order = fields.map((f, i) => ({ name: f.name, i })).sort((a, b) => (a.name < b.name ? -1 : 1));
  const keyPrefixes = order.map((o, k) => `${k === 0 ? "{" : ","}${JSON.stringify(o.name)}:`);
  const sealedAadPrefix = `${spec.code}@${version}/`;

  const errors: TRowError[] = [];
  let errorCount = 0;
  let failure: string | null = null;
  let rowsProcessed = 0;
  let rowsWritten = 0;
  const hasher = createHash("sha256");
  const addError = (e: TRowError) => {
    errorCount++;
    if (errors.length < UPLOAD_ERRORS_KEPT) errors.push(e);
  };

  await deps.store.createStaging(staging, columns);
  const { key, wrapped } = deps.keyStore.newDataKey(spec.code, version);
  let registered = false;
  try {
    let batchRowNumbers: number[] = [];
    let batchValues: unknown[][] = columns.map(() => []);
    const flush = async () => {
      if (batchRowNumbers.length === 0) return;
      await deps.store.insertBatch(staging, columns, batchRowNumbers, batchValues);
      rowsWritten += batchRowNumbers.length;
      batchRowNumbers = [];
      batchValues = columns.map(() => []);
    };
    const texts: (string | null)[] = new Array(fields.length);
    const sortedTexts: (string | null)[] = new Array(fields.length);

    try {
      for await (const source of input.rows) {
        input.signal?.throwIfAborted();
        rowsProcessed = source.row;
        if (rowsProcessed % 1000 === 0) input.onProgress?.(rowsProcessed);
        if (source.errors) {
          for (const e of source.errors) addError(e);
          continue;
        }
        let rowOk = true;
        for (let i = 0; i < fields.length; i++) {
          const field = fields[i]!;
          const check = checkValue(field, source.values[i] ?? null);
          if (check.ok) texts[i] = check.text;
          else {
            rowOk = false;
            addError({ row: source.row, field: field.name, reason: check.reason });
          }
        }
        if (!rowOk || errorCount > 0) continue;

        for (let k = 0; k < order.length; k++) sortedTexts[k] = texts[order[k]!.i]!;
        hasher.update(contentHashLine(keyPrefixes, sortedTexts));
        batchRowNumbers.push(source.row);
        for (let c = 0; c < columns.length; c++) {
          const column = columns[c]!;
          const field = fields[column.fieldIndex]!;
          const text = texts[column.fieldIndex]!;
          let value: unknown;
          if (text === null) value = null;
          else if (column.kind === "cleartext") value = text;
          else if (column.kind === "sealed") {
            value = cipher.seal(key, `${sealedAadPrefix}${field.name}/${source.row}`, text);
          } else value = deps.keyStore.fingerprint(field.item, text);
          batchValues[c]!.push(value);
        }
        if (batchRowNumbers.length >= batchRows) await flush();
      }
    } catch (err) {
      if (!(err instanceof IngestFailure)) throw err;
      failure = err.safeMessage;
    }
    input.onProgress?.(rowsProcessed);
    if (failure === null && errorCount === 0 && rowsProcessed === 0) failure = "the file holds no data rows";
    if (failure !== null || errorCount > 0) {
      return { kind: "rejected", rowsProcessed, errorCount, errors, failure };
    }
    await flush();
    const unit = spec.privacyUnit;
    if (unit?.onePerUnit) {
      const repeated = await deps.store.requireUniqueColumn(
        staging,
        fingerprintColumnOf(unit.field),
        UPLOAD_ERRORS_KEPT,
      );
      if (repeated) {
        const reason = (firstRow: number) =>
          `repeats the ${unit.field} of row ${firstRow}: this dataset is the register of ${unit.field} and holds one row per ${unit.field}`;
        return {
          kind: "rejected",
          rowsProcessed,
          errorCount: repeated.count,
          errors: repeated.repeats.map((r) => ({
            row: r.row,
            field: unit.field,
            reason: reason(r.firstRow),
          })),
          failure: null,
        };
      }
    }
    const result = await deps.store.registerVersion({
      stagingTable: staging,
      spec,
      version,
      rowCount: rowsWritten,
      contentHash: hasher.digest("hex"),
      wrappedDataKey: wrapped,
      upload: input.upload,
    });
    if (!result.ok) return { kind: "version-exists" };
    registered = true;
    return { kind: "loaded", stored: result.stored };
  } finally {
    key.fill(0);
    if (!registered) await deps.store.dropStaging(staging).catch(() => {});
  }
}
