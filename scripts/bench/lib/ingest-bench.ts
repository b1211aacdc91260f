/**
 * The ingest benchmark: one CSV file of LE-BASE rows (written row by row from the catalog entry's
 * mock rows, scripts/lib/sample-upload.ts) loaded twice into the same PostgreSQL database —
 *   COPY baseline  `COPY … FROM STDIN (FORMAT csv, HEADER)` of the file, streamed with
 *                  pg-copy-streams, into an unprotected table with the same columns and SQL types;
 *   ingest         the vault's pipeline on the same file (csvRows → loadVersion: parse, validate
 *                  every value, HMAC fingerprints and AES-GCM seals as the spec says, append to a
 *                  staging table in batches, then one transaction makes the version visible),
 * each reported as rows/s with the peak RSS of this process while it ran. Both tables are dropped
 * afterwards (the benchmark version's vault_versions row too). Two partial runs of the pipeline
 * on the same file say where its time goes: parse only (csvRows drained), and parse + validate
 * (checkValue on every value), with no protection and no database.
 */
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { createReadStream, createWriteStream } from "node:fs";
import { stat } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import type { TVaultDatasetSpec } from "@pdx/common/vault-api";
import { checkValue } from "@pdx/enclave/src/ingest/field-values";
import { legalEntitiesSpec } from "@pdx/enclave/src/ingest/generated-versions";
import { loadVersion } from "@pdx/enclave/src/ingest/load-version";
import { csvRows } from "@pdx/enclave/src/ingest/row-sources";
import type { TKeyStore } from "@pdx/enclave/src/keys/types";
import { SQL_TYPE_OF } from "@pdx/enclave/src/vault/stored-dataset";
import { quoteIdentifier } from "@pdx/enclave/src/vault/tables";
import type { Vault } from "@pdx/enclave/src/vault/vault";
import { CATALOG_DATASETS } from "@pdx/seeds/catalog/index";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { sampleUploadLines } from "../../lib/sample-upload";
import { mib, startPeakRss, type TBenchResult } from "./measure";

/** Writes `rows` LE-BASE rows (header first) to `path`; returns its size in bytes. */
export async function writeLegalEntitiesCsv(path: string, rows: number): Promise<number> {
  const entry = CATALOG_DATASETS.find((e) => e.code === "LE-BASE");
  if (!entry) throw new Error("bench: the catalog has no LE-BASE entry");
  const out = createWriteStream(path);
  let buffer = "";
  for (const line of sampleUploadLines(entry, { rows, format: "csv" })) {
    buffer += line;
    if (buffer.length >= 1 << 16) {
      if (!out.write(buffer)) await once(out, "drain");
      buffer = "";
    }
  }
  out.end(buffer);
  await once(out, "finish");
  return (await stat(path)).size;
}

/** CREATE TABLE with one column per spec field, of its SQL type (no protection, no _row). */
function plainTableSql(table: string, spec: TVaultDatasetSpec): string {
  const columns = spec.fields.map((f) => `${quoteIdentifier(f.name)} ${SQL_TYPE_OF[f.type]}`);
  return `CREATE TABLE ${quoteIdentifier(table)} (${columns.join(", ")})`;
}

/** Rows/s of csvRows over the file, with `validate`: checkValue on every value too. */
async function partialPipelineRate(
  spec: TVaultDatasetSpec,
  path: string,
  validate: boolean,
): Promise<number> {
  const started = performance.now();
  let rows = 0;
  let invalid = 0;
  for await (const source of csvRows(spec, createReadStream(path, { highWaterMark: 1 << 20 }))) {
    rows++;
    if (!validate) continue;
    if (!source.values) invalid++;
    else {
      for (let i = 0; i < spec.fields.length; i++) {
        if (!checkValue(spec.fields[i]!, source.values[i] ?? null).ok) invalid++;
      }
    }
  }
  if (invalid > 0) throw new Error(`bench: ${invalid} values of the file do not validate`);
  return rows / ((performance.now() - started) / 1000);
}

export interface TIngestBenchOptions {
  vault: Vault;
  pool: pg.Pool;
  keyStore: TKeyStore;
  /** The CSV file (writeLegalEntitiesCsv). */
  path: string;
  rows: number;
  log: (line: string) => void;
}

/** Runs the COPY baseline, then the ingest pipeline; see the module comment. */
export async function benchIngest(o: TIngestBenchOptions): Promise<TBenchResult[]> {
  const spec = legalEntitiesSpec();
  const section = `ingest of ${o.rows.toLocaleString("en-US")} LE-BASE rows (CSV)`;
  const copyTable = `bench_copy_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const names = spec.fields.map((f) => quoteIdentifier(f.name)).join(", ");

  await o.pool.query(plainTableSql(copyTable, spec));
  const rssBeforeCopy = process.memoryUsage.rss();
  const copyRss = startPeakRss();
  const copyStarted = performance.now();
  const client = await o.pool.connect();
  try {
    await pipeline(
      createReadStream(o.path, { highWaterMark: 1 << 20 }),
      client.query(
        copyFrom(`COPY ${quoteIdentifier(copyTable)} (${names}) FROM STDIN (FORMAT csv, HEADER true)`),
      ),
    );
  } finally {
    client.release();
  }
  const copyMs = performance.now() - copyStarted;
  const copyPeak = copyRss.stop();
  const copied = await o.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${quoteIdentifier(copyTable)}`);
  if (Number(copied.rows[0]?.n) !== o.rows) throw new Error("bench: COPY loaded an unexpected row count");
  await o.pool.query(`DROP TABLE ${quoteIdentifier(copyTable)}`);
  o.log(`  COPY: ${Math.round(copyMs)} ms`);

  const version = `bench-${Date.now().toString(36)}`;
  const rssBeforeIngest = process.memoryUsage.rss();
  const ingestRss = startPeakRss();
  const ingestStarted = performance.now();
  const outcome = await loadVersion(
    { store: o.vault.ingestStore(), keyStore: o.keyStore },
    {
      spec,
      version,
      rows: csvRows(spec, createReadStream(o.path, { highWaterMark: 1 << 20 })),
      loadId: randomUUID(),
    },
  );
  const ingestMs = performance.now() - ingestStarted;
  const ingestPeak = ingestRss.stop();
  if (outcome.kind !== "loaded") {
    throw new Error(
      `bench: the ingest did not load the file (${outcome.kind === "rejected" ? `${outcome.errorCount} errors; ${outcome.failure ?? JSON.stringify(outcome.errors[0])}` : outcome.kind})`,
    );
  }
  if (outcome.stored.rowCount !== o.rows) throw new Error("bench: the ingest loaded an unexpected row count");
  await o.pool.query(`DROP TABLE ${quoteIdentifier(outcome.stored.table)}`);
  await o.pool.query("DELETE FROM vault_versions WHERE id = $1", [outcome.stored.id]);
  o.log(`  ingest pipeline: ${Math.round(ingestMs)} ms`);

  const parseRate = await partialPipelineRate(spec, o.path, false);
  const validateRate = await partialPipelineRate(spec, o.path, true);
  o.log(
    `  parse only: ${Math.round(parseRate)} rows/s; parse + validate: ${Math.round(validateRate)} rows/s`,
  );

  const copyRate = o.rows / (copyMs / 1000);
  const ingestRate = o.rows / (ingestMs / 1000);
  const protectedFields = spec.fields.filter((f) => f.fingerprint || f.storage === "sealed");
  return [
    {
      section,
      name: "COPY FROM STDIN (csv) into a plain table",
      value: Math.round(copyRate),
      unit: "rows/s",
      ratio: 1,
      note: `${Math.round(copyMs)} ms; peak RSS ${mib(copyPeak)} MiB (RSS was ${mib(rssBeforeCopy)} MiB when it started)`,
    },
    {
      section,
      name: "vault ingest pipeline (parse → validate → protect → load)",
      value: Math.round(ingestRate),
      unit: "rows/s",
      baseline: "COPY",
      ratio: ingestRate / copyRate,
      note: `${Math.round(ingestMs)} ms; protected per row: ${protectedFields
        .map(
          (f) =>
            `${f.name} (${[f.storage === "sealed" ? "AES-GCM seal" : "", f.fingerprint ? "HMAC fingerprint" : ""].filter(Boolean).join(" + ")})`,
        )
        .join(", ")}`,
    },
    {
      section,
      name: "pipeline stage: CSV parse only (csvRows)",
      value: Math.round(parseRate),
      unit: "rows/s",
      baseline: "COPY",
      ratio: parseRate / copyRate,
      note: "the pipeline's row source drained: no validation, no protection, no database",
    },
    {
      section,
      name: "pipeline stage: CSV parse + validate (csvRows + checkValue)",
      value: Math.round(validateRate),
      unit: "rows/s",
      baseline: "COPY",
      ratio: validateRate / copyRate,
      note: "no protection, no content hash, no database",
    },
    {
      section,
      name: "peak RSS during the ingest pipeline",
      value: mib(ingestPeak),
      unit: "MiB",
      baseline: "peak RSS during COPY",
      ratio: ingestPeak / copyPeak,
      note: `RSS was ${mib(rssBeforeIngest)} MiB when the pipeline started; sampled every 50 ms`,
    },
  ];
}
