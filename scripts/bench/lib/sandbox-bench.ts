/**
 * The sandbox part of the enclave benchmark. Runs scripts/bench/sandbox.ts (the sandbox engines'
 * own benchmark, which exports nothing) as a child process, keeps its printed table verbatim, and
 * reads from it the numbers the enclave benchmark reports:
 *   - cold start of a whole sandboxed job (runSandboxed), against a plain-Node baseline measured
 *     here in the same run: a fresh node:vm context running one script (no isolation boundary);
 *   - per-row throughput: the CPU loop over 1,000,000 numbers inside a job vs the same loop in
 *     plain Node (both from sandbox.ts), as rows/s;
 *   - one awaited host call (what each pdx.aggregate pays on top of its query) vs a plain call.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import vm from "node:vm";
import { median, type TBenchResult } from "./measure";

/** One row of sandbox.ts's console.table. */
export interface TSandboxRow {
  engine: string;
  metric: string;
  value: string;
  ratio: string | null;
}

/** Rows of a console.table printed by sandbox.ts (columns: index, engine, metric, value, ratio). */
export function parseSandboxTable(text: string): TSandboxRow[] {
  const unquote = (cell: string) => cell.trim().replace(/^'(.*)'$/, "$1");
  return text
    .split("\n")
    .filter((line) => line.startsWith("│"))
    .map((line) => line.split("│").slice(1, -1).map(unquote))
    .filter((cells) => cells.length === 5 && cells[0] !== "(index)")
    .map(([, engine, metric, value, ratio]) => ({
      engine: engine!,
      metric: metric!,
      value: value!,
      ratio: ratio === "undefined" ? null : ratio!,
    }));
}

/** Runs sandbox.ts with tsx from the repository root; resolves with its stdout. */
function runSandboxScript(root: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(root, "node_modules/.bin/tsx"), [join(root, "scripts/bench/sandbox.ts")], {
      cwd: root,
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      out += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(out) : reject(new Error(`bench: scripts/bench/sandbox.ts exited with ${code}`)),
    );
  });
}

/** Milliseconds in "12.3 ms" / microseconds in "4.5 µs"; throws if the unit differs. */
function numberIn(value: string, unit: "ms" | "µs"): number {
  const m = /^([\d.]+) (ms|µs)$/.exec(value);
  if (!m || m[2] !== unit) throw new Error(`bench: unexpected sandbox.ts value "${value}" (wanted ${unit})`);
  return Number(m[1]);
}

/** Median ms of a fresh node:vm context running one small script (the plain-Node cold start). */
export function nodeVmColdStartMs(times = 20): number {
  const samples: number[] = [];
  for (let i = 0; i < times + 2; i++) {
    const started = performance.now();
    const context = vm.createContext({ params: { x: 1 } });
    const result = new vm.Script("(async function (params) { return params.x + 1 })(params)").runInContext(
      context,
    );
    void result;
    if (i >= 2) samples.push(performance.now() - started);
  }
  return median(samples);
}

export interface TSandboxBench {
  results: TBenchResult[];
  /** sandbox.ts's output, verbatim. */
  printed: string;
}

/** See the module comment. */
export async function benchSandbox(root: string): Promise<TSandboxBench> {
  const section = "sandbox (scripts/bench/sandbox.ts)";
  const vmMs = nodeVmColdStartMs();
  const printed = await runSandboxScript(root);
  const rows = parseSandboxTable(printed);
  const find = (engine: RegExp, metric: RegExp) => {
    const row = rows.find((r) => engine.test(r.engine) && metric.test(r.metric));
    if (!row) throw new Error(`bench: sandbox.ts printed no "${engine.source}" / "${metric.source}" row`);
    return row;
  };
  const coldMs = numberIn(find(/^runSandboxed/, /^cold start: whole job/).value, "ms");
  const nodeSum = find(/^node \(baseline\)/, /^sum over (\d+) numbers$/);
  const jobSum = find(/^runSandboxed/, /^sum over \d+ numbers \(job CPU\)$/);
  const n = Number(/(\d+)/.exec(nodeSum.metric)![1]);
  const nodeRate = n / (numberIn(nodeSum.value, "ms") / 1000);
  const jobRate = n / (numberIn(jobSum.value, "ms") / 1000);
  const plainCall = numberIn(find(/^node \(baseline\)/, /^function call$/).value, "µs");
  const hostCall = numberIn(find(/^runSandboxed/, /^awaited pdx host call/).value, "µs");
  return {
    printed,
    results: [
      {
        section,
        name: "plain Node: fresh node:vm context + one script",
        value: Number(vmMs.toFixed(3)),
        unit: "ms",
        ratio: 1,
        note: "measured in this process; no isolation boundary, a baseline only",
      },
      {
        section,
        name: "sandbox cold start: whole job (runSandboxed)",
        value: coldMs,
        unit: "ms",
        baseline: "node:vm context",
        ratio: coldMs / vmMs,
        note: "fresh QuickJS WASM instance, hardening, module, run, dispose (median of 20, sandbox.ts)",
      },
      {
        section,
        name: "plain Node: per-row loop throughput",
        value: Math.round(nodeRate),
        unit: "rows/s",
        ratio: 1,
        note: `${nodeSum.metric}: ${nodeSum.value} (sandbox.ts)`,
      },
      {
        section,
        name: "sandbox per-row loop throughput (job CPU)",
        value: Math.round(jobRate),
        unit: "rows/s",
        baseline: "plain Node",
        ratio: jobRate / nodeRate,
        note: `${jobSum.metric}: ${jobSum.value} (sandbox.ts says ${jobSum.ratio ?? "?"} the time)`,
      },
      {
        section,
        name: "awaited pdx host call (per query/verification, on top of its work)",
        value: hostCall,
        unit: "µs",
        baseline: "plain function call",
        ratio: hostCall / plainCall,
        note: `plain call ${plainCall} µs (sandbox.ts)`,
      },
    ],
  };
}
