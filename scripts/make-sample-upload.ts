/**
 * Writes a sample upload file for a seeded catalog dataset (seeds/catalog), to try vault ingest:
 *   tsx scripts/make-sample-upload.ts <DATASET-CODE> <rows> <out.csv|out.jsonl> [--errors N] [--seed S]
 * The format follows the extension. Rows are fake (rawMockRows) and written as they are
 * generated, so a million rows take little memory. With --errors N, N rows spread through the
 * file are corrupted (wrong type, value outside the enum, bad USCC check character, missing
 * value, in turn); the planned row, field and kind of each are printed to stderr, so the vault's
 * row-level report can be compared with it.
 */

import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { parseArgs } from "node:util";
import { CATALOG_DATASETS } from "@pdx/seeds/catalog/index";
import { samplePlanOf, sampleUploadLines } from "./lib/sample-upload";

const USAGE =
  "usage: tsx scripts/make-sample-upload.ts <DATASET-CODE> <rows> <out.csv|out.jsonl> [--errors N] [--seed S]";

function fail(message: string): never {
  console.error(message);
  console.error(USAGE);
  process.exit(64);
}

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { errors: { type: "string" }, seed: { type: "string" } },
});
const [code, rowsText, out] = positionals;
if (!code || !rowsText || !out || positionals.length !== 3)
  fail("expected a dataset code, a row count and an output file");
const entry = CATALOG_DATASETS.find((e) => e.code === code);
if (!entry)
  fail(
    `no seeded catalog dataset "${code}" (e.g. ${CATALOG_DATASETS.slice(0, 3)
      .map((e) => e.code)
      .join(", ")})`,
  );
const rows = Number(rowsText);
if (!Number.isInteger(rows) || rows < 1 || rows > 100_000_000)
  fail("rows must be an integer from 1 to 100000000");
const format = out.endsWith(".csv")
  ? "csv"
  : out.endsWith(".jsonl")
    ? "jsonl"
    : fail("the output file must end in .csv or .jsonl");
const errors = values.errors === undefined ? 0 : Number(values.errors);
if (!Number.isInteger(errors) || errors < 0 || errors > rows)
  fail("--errors must be an integer from 0 to the row count");
const seed = values.seed === undefined ? 2026 : Number(values.seed);
if (!Number.isInteger(seed)) fail("--seed must be an integer");

const opts = { rows, format, errors, seed } as const;
const started = performance.now();
const file = createWriteStream(out);
let bytes = 0;
let batch = "";
for (const line of sampleUploadLines(entry, opts)) {
  batch += line;
  if (batch.length >= 1 << 16) {
    bytes += Buffer.byteLength(batch);
    if (!file.write(batch)) await once(file, "drain");
    batch = "";
  }
}
bytes += Buffer.byteLength(batch);
file.end(batch);
await once(file, "finish");

for (const c of samplePlanOf(entry, opts))
  console.error(`corrupted row ${c.row}, field ${c.field}: ${c.kind}`);
console.error(
  `wrote ${out}: ${entry.code}, ${rows} rows, ${format}, ${(bytes / 1e6).toFixed(1)} MB, ${errors} corrupted, ${Math.round(performance.now() - started)} ms`,
);
