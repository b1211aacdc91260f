/**
 * The enclave benchmark (`npm run bench:enclave`): every number is a ratio against a baseline
 * measured in the same run, on a real PostgreSQL (DATABASE_URL, default
 * postgres://postgres@127.0.0.1:5432/postgres) in a database of its own:
 *   1. a DP-protected aggregate, and a whole product job, over a large LE-BASE version (default
 *      10M rows) vs the same raw SQL aggregate (scripts/bench/lib/aggregate-bench.ts);
 *   2. the vault ingest pipeline vs a plain COPY of the same CSV file, in rows/s, with peak RSS
 *      (scripts/bench/lib/ingest-bench.ts);
 *   3. sandbox cold start and per-row throughput vs plain Node (scripts/bench/sandbox.ts, run as a
 *      child; scripts/bench/lib/sandbox-bench.ts).
 * Prints the machine first and a table at the end, and writes the same as JSON to
 * bench-results/enclave-<date>.json. Progress goes to stderr.
 *
 * Environment (all optional):
 *   BENCH_ROWS=10000000       rows of the aggregate version (e.g. 1000000 for a quick run)
 *   BENCH_SEED_ROWS=500000    of them loaded through the ingest pipeline; the rest copied in SQL
 *   BENCH_INGEST_ROWS=1000000 rows of the ingest CSV file
 *   BENCH_REPEATS=5           timed rounds of the aggregate part (median), after one warm-up
 *   BENCH_KEEP_DB=1           use and keep database pdx_bench_enclave (and its key file), so the
 *                             large version is reused by the next run instead of rebuilt
 *   BENCH_ONLY=aggregate,ingest,sandbox   parts to run (default all)
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createTestDatabase } from "@pdx/common/testing/test-database";
import { openKeyStore } from "@pdx/enclave/src/keys/key-store";
import { Vault } from "@pdx/enclave/src/vault/vault";
import pg from "pg";
import { z } from "zod";
import { benchAggregates } from "./lib/aggregate-bench";
import { benchIngest, writeLegalEntitiesCsv } from "./lib/ingest-bench";
import { ensureLargeLegalEntities } from "./lib/large-legal-entities";
import { describeMachine, formatMachine } from "./lib/machine";
import { formatResult, type TBenchResult } from "./lib/measure";
import { benchSandbox } from "./lib/sandbox-bench";

const PARTS = ["aggregate", "ingest", "sandbox"] as const;
const KEPT_DATABASE = "pdx_bench_enclave";
const ROOT = fileURLToPath(new URL("../..", import.meta.url));

const ZBenchEnv = z.object({
  DATABASE_URL: z.string().default("postgres://postgres@127.0.0.1:5432/postgres"),
  BENCH_ROWS: z.coerce.number().int().min(1000).max(200_000_000).default(10_000_000),
  BENCH_SEED_ROWS: z.coerce.number().int().min(1000).max(10_000_000).default(500_000),
  BENCH_INGEST_ROWS: z.coerce.number().int().min(1000).max(100_000_000).default(1_000_000),
  BENCH_REPEATS: z.coerce.number().int().min(1).max(100).default(5),
  BENCH_KEEP_DB: z.enum(["0", "1"]).default("0"),
  BENCH_ONLY: z
    .string()
    .default(PARTS.join(","))
    .transform((s) => s.split(",").map((p) => p.trim()))
    .pipe(z.array(z.enum(PARTS)).min(1)),
});

const parsedEnv = ZBenchEnv.safeParse(process.env);
if (!parsedEnv.success) {
  console.error(
    `bench:enclave: bad environment: ${parsedEnv.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
  );
  process.exit(64);
}
const env = parsedEnv.data;
const only = new Set(env.BENCH_ONLY);
const progress = (line: string) => console.error(line);
const runStarted = performance.now();
const startedAt = new Date();

/** A database of the benchmark's own: a fresh one (dropped at the end) or the kept one. */
async function openDatabase(): Promise<{ url: string; keysDir: string; drop(): Promise<void> }> {
  if (env.BENCH_KEEP_DB === "1") {
    const admin = new pg.Client({ connectionString: env.DATABASE_URL });
    await admin.connect();
    try {
      const found = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [KEPT_DATABASE]);
      if (found.rowCount === 0) await admin.query(`CREATE DATABASE ${KEPT_DATABASE}`);
    } finally {
      await admin.end();
    }
    const url = new URL(env.DATABASE_URL);
    url.pathname = `/${KEPT_DATABASE}`;
    return { url: url.toString(), keysDir: join(tmpdir(), KEPT_DATABASE), drop: async () => {} };
  }
  process.env.DATABASE_URL = env.DATABASE_URL; // createTestDatabase: a real PostgreSQL, never PGlite
  const db = await createTestDatabase();
  const keysDir = await mkdtemp(join(tmpdir(), "pdx-bench-keys-"));
  return {
    url: db.url,
    keysDir,
    async drop() {
      await db.drop();
      await rm(keysDir, { recursive: true, force: true });
    },
  };
}

const machine = await describeMachine(env.DATABASE_URL);
console.log(formatMachine(machine));
console.log(
  `config: BENCH_ROWS=${env.BENCH_ROWS} BENCH_SEED_ROWS=${env.BENCH_SEED_ROWS} BENCH_INGEST_ROWS=${env.BENCH_INGEST_ROWS} BENCH_REPEATS=${env.BENCH_REPEATS} BENCH_KEEP_DB=${env.BENCH_KEEP_DB} BENCH_ONLY=${[...only].join(",")}`,
);

const sections = {
  aggregate: [] as TBenchResult[],
  ingest: [] as TBenchResult[],
  sandbox: [] as TBenchResult[],
};
const notes: string[] = [];
let sandboxPrinted: string | null = null;

if (only.has("aggregate") || only.has("ingest")) {
  const database = await openDatabase();
  const vault = Vault.open(database.url);
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  try {
    await vault.migrate();
    const keyStore = await openKeyStore({ dataDir: database.keysDir });

    // Ingest first, while the process is small, so its peak RSS is the pipeline's.
    if (only.has("ingest")) {
      progress(`ingest: writing a CSV of ${env.BENCH_INGEST_ROWS.toLocaleString("en-US")} LE-BASE rows…`);
      const csvDir = await mkdtemp(join(tmpdir(), "pdx-bench-csv-"));
      const path = join(csvDir, "le-base.csv");
      try {
        const bytes = await writeLegalEntitiesCsv(path, env.BENCH_INGEST_ROWS);
        notes.push(`ingest file: ${env.BENCH_INGEST_ROWS} rows, ${(bytes / 1024 / 1024).toFixed(1)} MiB CSV`);
        sections.ingest = await benchIngest({
          vault,
          pool,
          keyStore,
          path,
          rows: env.BENCH_INGEST_ROWS,
          log: progress,
        });
      } finally {
        await rm(csvDir, { recursive: true, force: true });
      }
    }

    if (only.has("aggregate")) {
      progress(`aggregate: preparing LE-BASE with ${env.BENCH_ROWS.toLocaleString("en-US")} rows…`);
      const large = await ensureLargeLegalEntities(vault, pool, keyStore, {
        rows: env.BENCH_ROWS,
        seedRows: env.BENCH_SEED_ROWS,
        log: progress,
      });
      const size = await pool.query<{ size: string }>(
        "SELECT pg_size_pretty(pg_total_relation_size($1)) AS size",
        [large.stored.table],
      );
      notes.push(
        `aggregate version: LE-BASE@${large.stored.version}, ${large.stored.rowCount} rows, ${size.rows[0]?.size} on disk, ${large.status}` +
          (large.status === "reused"
            ? ""
            : ` (pipeline load ${large.seedMs} ms, SQL growth + VACUUM ANALYZE ${large.growMs} ms)`),
      );
      progress("aggregate: timing raw SQL, protected query and product job…");
      sections.aggregate = await benchAggregates({
        vault,
        pool,
        keyStore,
        stored: large.stored,
        repeats: env.BENCH_REPEATS,
        log: progress,
      });
    }
  } finally {
    await pool.end();
    await vault.close();
    await database.drop();
  }
}

if (only.has("sandbox")) {
  progress("sandbox: running scripts/bench/sandbox.ts…");
  const sandbox = await benchSandbox(ROOT);
  sections.sandbox = sandbox.results;
  sandboxPrinted = sandbox.printed;
}

const durationSeconds = Math.round((performance.now() - runStarted) / 1000);
if (sandboxPrinted) console.log(`\nscripts/bench/sandbox.ts printed:\n${sandboxPrinted.trimEnd()}`);
console.log("\nnotes:");
for (const note of notes) console.log(`  ${note}`);
const all = [...sections.aggregate, ...sections.ingest, ...sections.sandbox];
for (const r of all) if (r.note) console.log(`  ${r.name}: ${r.note}`);
console.log("\nresults (ratio = value / baseline value, same unit, same run):");
let lastSection = "";
for (const r of all) {
  if (r.section !== lastSection) console.log(`[${r.section}]`);
  lastSection = r.section;
  console.log(`  ${formatResult(r)}`);
}
console.log(`\nwhole run: ${durationSeconds} s`);

const resultsDir = join(ROOT, "bench-results");
await mkdir(resultsDir, { recursive: true });
const stamp = startedAt
  .toISOString()
  .replace(/:/g, "-")
  .replace(/\.\d+Z$/, "Z");
const file = join(resultsDir, `enclave-${stamp}.json`);
await writeFile(
  file,
  `${JSON.stringify(
    {
      benchmark: "enclave",
      startedAt: startedAt.toISOString(),
      durationSeconds,
      machine,
      config: { ...env, DATABASE_URL: undefined, BENCH_ONLY: [...only] },
      notes,
      results: all,
      sandboxPrinted,
    },
    null,
    2,
  )}\n`,
);
console.log(`written: ${file.slice(ROOT.length)}`);
