/**
 * Benchmark of joint sums by additive secret sharing across three MPC nodes on loopback
 * (scripts/bench/crypto/lib/mpc-bench.ts), against a plain JS sum of the same values measured in
 * the same run. The issue's target: the MPC sum of 1M values (1M-bucket vectors) within 0.5 s.
 *
 *   tsx scripts/bench/crypto/mpc.ts
 *   BENCH_MPC_GROUPS=100000 BENCH_REPEATS=1 tsx scripts/bench/crypto/mpc.ts   # a quick run
 *
 * Environment (optional): BENCH_MPC_GROUPS (buckets per vector, default 1,000,000),
 * BENCH_REPEATS (timed runs after a warm-up, default 3), BENCH_MPC_TOPOLOGY (threads, inline or
 * threads,inline — the default). Progress goes to stderr.
 */
import os from "node:os";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { formatResult, type TBenchResult } from "../lib/measure";
import { benchMpc, MPC_TOPOLOGIES } from "./lib/mpc-bench";

export { benchMpc };

const ZEnv = z.object({
  BENCH_MPC_GROUPS: z.coerce.number().int().min(10).max(2_097_152).default(1_000_000),
  BENCH_REPEATS: z.coerce.number().int().min(1).max(50).default(3),
  BENCH_MPC_TOPOLOGY: z
    .string()
    .default(MPC_TOPOLOGIES.join(","))
    .transform((s) => s.split(",").map((t) => t.trim()))
    .pipe(z.array(z.enum(MPC_TOPOLOGIES)).min(1)),
});

const load = () => os.loadavg()[0]!.toFixed(2);

async function main(): Promise<void> {
  const env = ZEnv.safeParse(process.env);
  if (!env.success) {
    console.error(
      `bench mpc: bad environment: ${env.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
    process.exit(64);
  }
  const cpus = os.cpus();
  console.log(
    `machine: ${cpus[0]?.model ?? "?"} × ${cpus.length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  );
  const results: TBenchResult[] = await benchMpc({
    groups: env.data.BENCH_MPC_GROUPS,
    repeats: env.data.BENCH_REPEATS,
    topologies: env.data.BENCH_MPC_TOPOLOGY,
    progress: (line) => console.error(line),
  });
  console.log(`\nload average (1 min) at the end: ${load()}`);
  console.log("results (ratio = value / baseline value, same unit, same run):");
  for (const r of results) console.log(`  ${formatResult(r)}`);
  console.log("\nnotes:");
  for (const r of results) if (r.note) console.log(`  ${r.name.trim()}: ${r.note}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
