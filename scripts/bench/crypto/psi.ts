/**
 * The PSI benchmark (`tsx scripts/bench/crypto/psi.ts`): ECDH private set intersection of n × n
 * unified social credit codes (10% shared), buyer and enclave both in this process, each on its own
 * worker pool (2 threads by default), talking through the JSON wire contract
 * (enclave/src/psi/psi-loopback.ts). The answer is checked against the known overlap.
 *
 * Baselines, measured in the same run per CPU-second (scripts/bench/crypto/lib/psi-baselines.ts):
 * OpenSSL's own X25519 loop (`openssl speed ecdhx25519`, when the CLI is installed) and the
 * engines' X25519 and hash to the group on one thread. A session needs 4n X25519 (the buyer
 * blinds and unblinds, the enclave blinds both lists) and n hashes (the buyer's; the column's are
 * cached per dataset version and timed apart as "column cache build"), so:
 *   - "bare curve cost" = CPU of 4n X25519 at OpenSSL's rate;
 *   - "work floor"      = CPU of n hashes + 4n X25519 at the engines' 1-thread rates;
 *   - the session's CPU time (all threads) is reported against both: ratio − 1 is what the
 *     pipeline adds (messages, base64, matching, scheduling);
 *   - its wall time as measured (other load on the machine stretches it: the 1-minute load average
 *     is printed at the start and after each session), and as estimated for an idle machine
 *     (CPU time / cores), which is what the 1M × 1M target is read against.
 * Prints a table and writes bench-results/psi-<date>.json. Progress goes to stderr.
 *
 * Environment (all optional):
 *   BENCH_PSI_SIZES=100000,1000000   set sizes n (buyer = column = n); e.g. 20000 for a quick run
 *   BENCH_PSI_MODES=intersection     modes per size (intersection, cardinality)
 *   BENCH_PSI_THREADS=2              worker threads per side
 *   BENCH_PSI_OPENSSL_SECONDS=3      seconds of the `openssl speed` run (0: skip it)
 */
import os from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createPsiBuyer, runPsiBuyer } from "@pdx/common/psi/buyer";
import { createNodePsiCurvePool } from "@pdx/common/psi/node-curve-pool";
import { PSI_MODES, type TPsiMode } from "@pdx/common/psi/wire";
import { preparePsiColumn } from "@pdx/enclave/src/psi/psi-column";
import { openPsiLoopback } from "@pdx/enclave/src/psi/psi-loopback";
import { z } from "zod";
import { mib, printResults, startPeakRss, type TBenchResult, writeBenchResults } from "../lib/measure";
import { cpuSecondsSince, engineRates, opensslX25519 } from "./lib/psi-baselines";
import { psiBenchSets } from "./lib/psi-data";

export interface TBenchPsiOptions {
  /** Set sizes n (buyer list = column = n items). */
  sizes: number[];
  modes?: TPsiMode[];
  /** Worker threads per side (default 2). */
  threads?: number;
  /** Shared fraction of the sets (default 0.1). */
  overlap?: number;
  /** Seconds of the `openssl speed` run (default 3; 0 skips OpenSSL). */
  opensslSeconds?: number;
  log?: (line: string) => void;
}

const round = (value: number, digits = 2) => Number(value.toFixed(digits));

/** Runs the benchmark (see the module comment); returns one line per measured number. */
export async function benchPsi(options: TBenchPsiOptions): Promise<TBenchResult[]> {
  const threads = options.threads ?? 2;
  const modes = options.modes ?? ["intersection"];
  const overlapFraction = options.overlap ?? 0.1;
  const opensslSeconds = options.opensslSeconds ?? 3;
  const log = options.log ?? (() => {});
  const results: TBenchResult[] = [];
  const base = "psi-baseline";

  log("baselines: openssl speed…");
  const openssl = opensslSeconds > 0 ? await opensslX25519(opensslSeconds) : null;
  log("baselines: engines…");
  const rates = await engineRates(40_000);
  const cores = os.cpus().length;
  const load = () => round(os.loadavg()[0]!);

  const OPENSSL = "openssl X25519, 1 core";
  const NODE = "node:crypto X25519, 1 thread";
  const HASH = "hash to group, 1 thread";
  if (openssl !== null) {
    results.push({
      section: base,
      name: OPENSSL,
      value: Math.round(openssl),
      unit: "ops/CPU-s",
      ratio: 1,
      note: "openssl speed ecdhx25519 (divides by CPU user time)",
    });
  }
  results.push(
    {
      section: base,
      name: NODE,
      value: Math.round(rates.nodeX25519),
      unit: "ops/CPU-s",
      ...(openssl !== null ? { baseline: OPENSSL, ratio: rates.nodeX25519 / openssl } : { ratio: 1 }),
      note: "KeyObject from SPKI DER + diffieHellman, per point",
    },
    {
      section: base,
      name: "libsodium X25519, 1 thread",
      value: Math.round(rates.sodiumX25519),
      unit: "ops/CPU-s",
      baseline: NODE,
      ratio: rates.sodiumX25519 / rates.nodeX25519,
      note: "the browser engine (WASM crypto_scalarmult)",
    },
    {
      section: base,
      name: HASH,
      value: Math.round(rates.hashToGroup),
      unit: "ops/CPU-s",
      baseline: NODE,
      ratio: rates.hashToGroup / rates.nodeX25519,
      note: "expand_message_xmd + libsodium from_hash + batched u",
    },
    {
      section: base,
      name: "of which expand_message_xmd + from_hash",
      value: Math.round(rates.hashToEdwards),
      unit: "ops/CPU-s",
      baseline: HASH,
      ratio: rates.hashToEdwards / rates.hashToGroup,
    },
  );
  const x25519Cost = 1 / (openssl ?? rates.nodeX25519);
  const BARE = `bare curve cost: CPU of 4n X25519 at ${openssl !== null ? "openssl's" : "node:crypto's"} rate`;
  const FLOOR = "work floor: CPU of n hashes + 4n X25519 at 1-thread rates";

  const buyerCurve = await createNodePsiCurvePool({ threads });
  const enclaveCurve = await createNodePsiCurvePool({ threads });
  try {
    for (const n of options.sizes) {
      const section = `psi-${n}`;
      const overlap = Math.round(n * overlapFraction);
      log(`${section}: building ${n.toLocaleString("en-US")} + ${n.toLocaleString("en-US")} codes…`);
      const sets = psiBenchSets(n, n, overlap);

      log(`${section}: column cache build (H(y) of ${n.toLocaleString("en-US")} values)…`);
      const buildCpu = process.cpuUsage();
      const buildStarted = performance.now();
      const column = await preparePsiColumn({ format: "uscc", values: sets.column, curve: enclaveCurve });
      const buildSeconds = (performance.now() - buildStarted) / 1000;
      const buildCpuSeconds = cpuSecondsSince(buildCpu);
      results.push(
        {
          section,
          name: "column cache build, CPU",
          value: round(buildCpuSeconds),
          unit: "CPU-s",
          baseline: "n hashes at the 1-thread rate",
          ratio: buildCpuSeconds / (n / rates.hashToGroup),
          note: `once per dataset version column, not per session; wall ${round(buildSeconds)} s`,
        },
        {
          section,
          name: "n hashes at the 1-thread rate",
          value: round(n / rates.hashToGroup),
          unit: "CPU-s",
        },
      );

      const bareCpu = 4 * n * x25519Cost;
      const floorCpu = n / rates.hashToGroup + (4 * n) / rates.nodeX25519;
      results.push(
        { section, name: BARE, value: round(bareCpu), unit: "CPU-s", ratio: 1 },
        {
          section,
          name: FLOOR,
          value: round(floorCpu),
          unit: "CPU-s",
          baseline: BARE,
          ratio: floorCpu / bareCpu,
        },
      );

      for (const mode of modes) {
        log(`${section}: ${mode} session…`);
        const loadBefore = load();
        const rss = startPeakRss();
        const cpuBefore = process.cpuUsage();
        const started = performance.now();
        const buyer = await createPsiBuyer({ format: "uscc", items: sets.buyer, curve: buyerCurve });
        const {
          session,
          started: answer,
          transport,
        } = openPsiLoopback({
          request: buyer.sessionRequest(),
          mode,
          column,
          curve: enclaveCurve,
        });
        const result = await runPsiBuyer(buyer, answer, transport, { concurrency: 4 });
        session.close();
        const seconds = (performance.now() - started) / 1000;
        const cpuSeconds = cpuSecondsSince(cpuBefore);
        const peak = rss.stop();
        const found = result.mode === "intersection" ? result.items.length : result.intersectionSize;
        if (found !== overlap) throw new Error(`psi bench: found ${found} shared items, expected ${overlap}`);
        const idle = cpuSeconds / cores;
        results.push(
          {
            section,
            name: `session ${mode}, CPU (all threads)`,
            value: round(cpuSeconds),
            unit: "CPU-s",
            baseline: FLOOR,
            ratio: cpuSeconds / floorCpu,
            note: `${n} × ${n}, ${overlap} shared, found ${found}; both sides in this process, JSON wire included`,
          },
          {
            section,
            name: `session ${mode}, CPU against the bare curve cost`,
            value: round(cpuSeconds),
            unit: "CPU-s",
            baseline: BARE,
            ratio: cpuSeconds / bareCpu,
          },
          {
            section,
            name: `session ${mode}, wall as measured`,
            value: round(seconds),
            unit: "s",
            baseline: `session ${mode}, CPU (all threads)`,
            ratio: seconds / cpuSeconds,
            note: `load average ${loadBefore} before, ${load()} after (other processes share the ${cores} cores)`,
          },
          {
            section,
            name: `session ${mode}, wall on an idle ${cores}-core machine (estimated: CPU / ${cores})`,
            value: round(idle),
            unit: "s",
            note: "target for 1M × 1M: 60 s",
          },
          {
            section,
            name: `session ${mode}, buyer side alone (estimated: n hashes + 2n X25519 on ${Math.min(threads, cores)} cores)`,
            value: round((n / rates.hashToGroup + (2 * n) / rates.nodeX25519) / Math.min(threads, cores)),
            unit: "s",
            note: "the buyer's own machine in a real deployment",
          },
          {
            section,
            name: `session ${mode}, enclave side alone (estimated: 2n X25519 on ${Math.min(threads, cores)} cores)`,
            value: round((2 * n) / rates.nodeX25519 / Math.min(threads, cores)),
            unit: "s",
          },
          {
            section,
            name: `session ${mode}, peak RSS`,
            value: mib(peak),
            unit: "MiB",
            note: "both sides and the test data in one process",
          },
        );
      }
    }
  } finally {
    await Promise.all([buyerCurve.close(), enclaveCurve.close()]);
  }
  return results;
}

const ZPsiBenchEnv = z.object({
  BENCH_PSI_SIZES: z
    .string()
    .default("100000,1000000")
    .transform((s) => s.split(",").map((p) => Number(p.trim())))
    .pipe(z.array(z.int().min(1).max(1_048_576)).min(1)),
  BENCH_PSI_MODES: z
    .string()
    .default("intersection")
    .transform((s) => s.split(",").map((p) => p.trim()))
    .pipe(z.array(z.enum(PSI_MODES)).min(1)),
  BENCH_PSI_THREADS: z.coerce.number().int().min(1).max(16).default(2),
  BENCH_PSI_OPENSSL_SECONDS: z.coerce.number().int().min(0).max(60).default(3),
});

async function main(): Promise<void> {
  const parsed = ZPsiBenchEnv.safeParse(process.env);
  if (!parsed.success) {
    console.error(
      `bench psi: bad environment: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
    process.exit(64);
  }
  const env = parsed.data;
  const startedAt = new Date();
  const machine = {
    cpuModel: os.cpus()[0]?.model.trim() ?? "unknown",
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
    loadAverage1m: round(os.loadavg()[0]!),
    node: process.version,
  };
  console.log(
    `machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB RAM, load ${machine.loadAverage1m} at start; node ${machine.node}`,
  );
  console.log(
    `config: BENCH_PSI_SIZES=${env.BENCH_PSI_SIZES.join(",")} BENCH_PSI_MODES=${env.BENCH_PSI_MODES.join(",")} BENCH_PSI_THREADS=${env.BENCH_PSI_THREADS} BENCH_PSI_OPENSSL_SECONDS=${env.BENCH_PSI_OPENSSL_SECONDS}`,
  );
  const results = await benchPsi({
    sizes: env.BENCH_PSI_SIZES,
    modes: env.BENCH_PSI_MODES,
    threads: env.BENCH_PSI_THREADS,
    opensslSeconds: env.BENCH_PSI_OPENSSL_SECONDS,
    log: (line) => console.error(line),
  });
  const durationSeconds = Math.round((Date.now() - startedAt.getTime()) / 1000);
  console.log("\nnotes:");
  for (const r of results) if (r.note) console.log(`  ${r.name}: ${r.note}`);
  console.log("\nresults (ratio = value / baseline value, same unit, same run):");
  printResults(results);
  const root = fileURLToPath(new URL("../../..", import.meta.url));
  const written = await writeBenchResults(root, "psi", startedAt, {
    durationSeconds,
    machine,
    config: env,
    results,
  });
  console.log(`\nwhole run: ${durationSeconds} s\nwritten: ${written}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
