/**
 * The homomorphic-encryption benchmark (`tsx scripts/bench/crypto/he.ts`): the three encrypted-
 * query modes as the product runs them, each as a ratio against a plain-JS baseline measured in
 * the same run (scripts/bench/crypto/lib/he-modes.ts), plus two reference computations
 * (lib/he-reference.ts). Prints the machine, a table, and writes the same as JSON to
 * bench-results/he-<date>.json. Progress goes to stderr.
 *
 * Targets from the issue: HE server sum ≤ 15× plain, end to end ≤ 500×. What limits the rest is
 * printed with the results.
 *
 * Environment (all optional):
 *   BENCH_HE_SCALE=1     multiplies every size (1M sum, 100k scoring, 100k lookup); 0.1 for a
 *                        quick run
 *   BENCH_HE_FEATURES=16 features (scoring) and fields (lookup)
 *   BENCH_REPEATS=3      timed runs of each HE measurement (median), after one warm-up
 */
import os from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";
import { loadSealInNode } from "@pdx/enclave/src/he/seal-node";
import { z } from "zod";
import { printResults, type TBenchResult, writeBenchResults } from "../lib/measure";
import { benchHeModes } from "./lib/he-modes";

export interface THeBenchOptions {
  /** Multiplies the default sizes (1,000,000 / 100,000 / 100,000). */
  scale?: number;
  features?: number;
  repeats?: number;
  log?: (line: string) => void;
}

export interface THeBench {
  results: TBenchResult[];
  notes: string[];
  config: {
    sumEntities: number;
    scoringEntities: number;
    lookupEntities: number;
    features: number;
    repeats: number;
  };
}

export async function benchHe(options: THeBenchOptions = {}): Promise<THeBench> {
  const scale = options.scale ?? 1;
  const size = (n: number) => Math.max(1, Math.round(n * scale));
  const config = {
    sumEntities: Math.min(size(1_000_000), 1_048_576),
    scoringEntities: Math.min(size(100_000), 1_048_576),
    lookupEntities: Math.min(size(100_000), 1_048_576),
    features: options.features ?? 16,
    repeats: options.repeats ?? 3,
  };
  const seal = await loadSealInNode();
  const { results, notes } = await benchHeModes({ seal, ...config, log: options.log ?? (() => {}) });
  notes.push(
    "What limits the HE lines: every 8192 (BFV) or 4096 (CKKS) values cost one ciphertext of 2–4 primes × 8192 coefficients — loading it from its seed, an NTT, a product with the plaintext and, per result, 12–13 rotations — in single-threaded WebAssembly without SIMD; plain JS touches each value once.",
  );
  return { results, notes, config };
}

const ZEnv = z.object({
  BENCH_HE_SCALE: z.coerce.number().positive().max(1.04).default(1),
  BENCH_HE_FEATURES: z.coerce.number().int().min(1).max(16).default(16),
  BENCH_REPEATS: z.coerce.number().int().min(1).max(50).default(3),
});

async function main(): Promise<void> {
  const parsed = ZEnv.safeParse(process.env);
  if (!parsed.success) {
    console.error(
      `bench:he: bad environment: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
    process.exit(64);
  }
  const env = parsed.data;
  const root = fileURLToPath(new URL("../../..", import.meta.url));
  const startedAt = new Date();
  const machine = {
    cpuModel: os.cpus()[0]?.model.trim() ?? "unknown",
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
    loadAverage1m: Number(os.loadavg()[0]!.toFixed(2)),
    node: process.version,
  };
  console.log(
    `machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB RAM, load ${machine.loadAverage1m} at start; node ${machine.node}`,
  );
  console.log(
    `config: BENCH_HE_SCALE=${env.BENCH_HE_SCALE} BENCH_HE_FEATURES=${env.BENCH_HE_FEATURES} BENCH_REPEATS=${env.BENCH_REPEATS}`,
  );
  const bench = await benchHe({
    scale: env.BENCH_HE_SCALE,
    features: env.BENCH_HE_FEATURES,
    repeats: env.BENCH_REPEATS,
    log: (line) => console.error(line),
  });
  const durationSeconds = Math.round((Date.now() - startedAt.getTime()) / 1000);
  console.log("\nnotes:");
  for (const note of bench.notes) console.log(`  ${note}`);
  for (const r of bench.results) if (r.note) console.log(`  ${r.name}: ${r.note}`);
  console.log("\nresults (ratio = value / baseline value, same unit, same run):");
  printResults(bench.results);
  console.log(`\nwhole run: ${durationSeconds} s`);
  const written = await writeBenchResults(root, "he", startedAt, {
    durationSeconds,
    machine,
    config: bench.config,
    notes: bench.notes,
    results: bench.results,
  });
  console.log(`written: ${written}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
