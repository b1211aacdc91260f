/**
 * Benchmark of the operator-logic sandbox engines, all measured in ONE run against a plain-Node
 * baseline: quickjs-emscripten (the chosen engine, raw and through runSandboxed) and, only when it is
 * importable, isolated-vm. Prints cold start, host-call overhead, CPU-loop throughput (with the
 * ratio to plain JS in Node), and how memory and CPU limits are enforced. Numbers for docs/sandbox.md.
 *
 *   tsx scripts/bench/sandbox.ts
 *   # with isolated-vm installed outside the repo (it needs --no-node-snapshot on Node >= 20):
 *   NODE_OPTIONS=--no-node-snapshot PDX_ISOLATED_VM_DIR=/tmp/ivm-eval tsx scripts/bench/sandbox.ts
 */
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { newQuickJSWASMModule, RELEASE_SYNC } from "quickjs-emscripten";
import { runSandboxed } from "../../enclave/src/sandbox/run-sandboxed";

const SUM_N = 1_000_000;
const HOST_CALLS = 10_000;
const COLD_STARTS = 20;
const SUM_SOURCE = `function sum(n) { let s = 0; const a = []; for (let i = 0; i < n; i++) a.push(i % 1000); for (let i = 0; i < n; i++) s += a[i]; return s; }`;

type TRow = { engine: string; metric: string; value: string; ratio?: string };
const rows: TRow[] = [];
function record(engine: string, metric: string, value: string, ratio?: number) {
  rows.push({ engine, metric, value, ratio: ratio === undefined ? undefined : `${ratio.toFixed(1)}×` });
}
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
function time<T>(fn: () => T): [number, T] {
  const start = performance.now();
  const value = fn();
  return [performance.now() - start, value];
}
async function timeAsync<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const start = performance.now();
  const value = await fn();
  return [performance.now() - start, value];
}

// ---------------------------------------------------------------- baseline: plain JS in Node
const baselineSum = new Function(`${SUM_SOURCE}; return sum;`)() as (n: number) => number;
baselineSum(SUM_N); // warm
const baselineMs = median([0, 1, 2, 3, 4].map(() => time(() => baselineSum(SUM_N))[0]));
record("node (baseline)", `sum over ${SUM_N} numbers`, `${baselineMs.toFixed(2)} ms`, 1);
const baselineHost = (x: number) => x + 1;
let acc = 0;
const [baselineCallsMs] = time(() => {
  for (let i = 0; i < HOST_CALLS; i++) acc = baselineHost(acc);
});
record("node (baseline)", "function call", `${((baselineCallsMs * 1000) / HOST_CALLS).toFixed(3)} µs`);

// ---------------------------------------------------------------- quickjs-emscripten (raw)
{
  const engine = "quickjs-emscripten 0.32 (raw)";
  const coldTimes: number[] = [];
  for (let i = 0; i < COLD_STARTS; i++) {
    const [ms] = await timeAsync(async () => {
      const module = await newQuickJSWASMModule(RELEASE_SYNC);
      const runtime = module.newRuntime();
      const context = runtime.newContext();
      const result = context.evalCode(`export default 1 + 1;`, "m.js", { type: "module" });
      context.unwrapResult(result).dispose();
      context.dispose();
      runtime.dispose();
    });
    coldTimes.push(ms);
  }
  record(
    engine,
    "cold start: new WASM instance + runtime + context + module",
    `${median(coldTimes).toFixed(2)} ms`,
  );

  const module = await newQuickJSWASMModule(RELEASE_SYNC);
  const warmTimes: number[] = [];
  for (let i = 0; i < COLD_STARTS; i++) {
    const [ms] = time(() => {
      const runtime = module.newRuntime();
      const context = runtime.newContext();
      context.unwrapResult(context.evalCode(`export default 1 + 1;`, "m.js", { type: "module" })).dispose();
      context.dispose();
      runtime.dispose();
    });
    warmTimes.push(ms);
  }
  record(engine, "runtime + context + module (shared instance)", `${median(warmTimes).toFixed(2)} ms`);

  const runtime = module.newRuntime();
  const context = runtime.newContext();
  const host = context.newFunction("host", (x) => context.newNumber(context.getNumber(x) + 1));
  context.setProp(context.global, "host", host);
  host.dispose();
  const [callsMs] = time(() =>
    context
      .unwrapResult(context.evalCode(`let a = 0; for (let i = 0; i < ${HOST_CALLS}; i++) a = host(a); a`))
      .dispose(),
  );
  record(engine, "sync host call (newFunction)", `${((callsMs * 1000) / HOST_CALLS).toFixed(3)} µs`);

  context.unwrapResult(context.evalCode(SUM_SOURCE)).dispose();
  context.unwrapResult(context.evalCode(`sum(1000)`)).dispose();
  const sumTimes = [0, 1, 2].map(
    () => time(() => context.unwrapResult(context.evalCode(`sum(${SUM_N})`)).dispose())[0],
  );
  const sumMs = median(sumTimes);
  record(engine, `sum over ${SUM_N} numbers`, `${sumMs.toFixed(2)} ms`, sumMs / baselineMs);
  context.dispose();
  runtime.dispose();
}

// ---------------------------------------------------------------- quickjs through runSandboxed (what jobs pay)
{
  const engine = "runSandboxed (quickjs, chosen)";
  const limits = { cpuMs: 10_000, wallMs: 30_000, memoryBytes: 64 * 1024 * 1024, outputBytes: 1024 * 1024 };
  const jobTimes: number[] = [];
  for (let i = 0; i < COLD_STARTS; i++) {
    const [ms, result] = await timeAsync(() =>
      runSandboxed({
        source: `export default async function (pdx, params) { return params.x + 1 }`,
        language: "javascript",
        params: { x: 1 },
        host: {},
        limits,
      }),
    );
    if (!result.ok) throw new Error(`bench job failed: ${result.message}`);
    jobTimes.push(ms);
  }
  record(
    engine,
    "cold start: whole job (instance, hardening, module, run, dispose)",
    `${median(jobTimes).toFixed(2)} ms`,
  );

  const calls = 2_000;
  const [asyncMs, asyncResult] = await timeAsync(() =>
    runSandboxed({
      source: `export default async function (pdx) { let a = 0; for (let i = 0; i < ${calls}; i++) a = await pdx.inc(a); return a }`,
      language: "javascript",
      params: {},
      host: { inc: ([x]) => Number(x) + 1 },
      limits: { ...limits, hostCalls: calls },
    }),
  );
  if (!asyncResult.ok) throw new Error(`bench job failed: ${asyncResult.message}`);
  record(
    engine,
    "awaited pdx host call (JSON both ways, promise pump)",
    `${((asyncMs * 1000) / calls).toFixed(1)} µs`,
  );

  const [sumJobMs, sumJob] = await timeAsync(() =>
    runSandboxed({
      source: `${SUM_SOURCE}\nexport default async function () { return sum(${SUM_N}) }`,
      language: "javascript",
      params: {},
      host: {},
      limits,
    }),
  );
  if (!sumJob.ok) throw new Error(`bench job failed: ${sumJob.message}`);
  record(
    engine,
    `sum over ${SUM_N} numbers (job CPU)`,
    `${sumJob.stats.cpuMs.toFixed(2)} ms`,
    sumJob.stats.cpuMs / baselineMs,
  );
  void sumJobMs;

  const [memMs, mem] = await timeAsync(() =>
    runSandboxed({
      source: `export default async function () { const a = []; for (;;) a.push("x".repeat(1 << 20) + a.length) }`,
      language: "javascript",
      params: {},
      host: {},
      limits: { ...limits, memoryBytes: 32 * 1024 * 1024 },
    }),
  );
  record(
    engine,
    "memory bomb, 32 MiB limit",
    `${mem.ok ? "NOT STOPPED" : `${mem.kind}:${mem.limit}`} after ${memMs.toFixed(0)} ms`,
  );

  const [cpuMs, cpu] = await timeAsync(() =>
    runSandboxed({
      source: `export default async function () { while (true) {} }`,
      language: "javascript",
      params: {},
      host: {},
      limits: { ...limits, cpuMs: 100 },
    }),
  );
  record(
    engine,
    "while(true), 100 ms CPU limit",
    `${cpu.ok ? "NOT STOPPED" : `${cpu.kind}:${cpu.limit}`} after ${cpuMs.toFixed(0)} ms`,
  );
}

// ---------------------------------------------------------------- isolated-vm (only if importable)
/** The part of isolated-vm's API used here (it is not a repo dependency, so no types are installed). */
type TIvmContext = {
  global: { setSync(name: string, value: unknown): void };
  evalSync(code: string, options?: { timeout?: number }): unknown;
  release(): void;
};
type TIvmIsolate = {
  createContext(): Promise<TIvmContext>;
  createContextSync(): TIvmContext;
  compileModule(code: string): Promise<{
    instantiate(context: TIvmContext, resolve: () => never): Promise<void>;
    evaluate(): Promise<unknown>;
  }>;
  dispose(): void;
  readonly isDisposed: boolean;
};
type TIvm = {
  Isolate: new (options: { memoryLimit: number }) => TIvmIsolate;
  Callback: new (fn: (x: number) => number) => unknown;
};
async function loadIsolatedVm(): Promise<TIvm | null> {
  const fromDir = process.env.PDX_ISOLATED_VM_DIR;
  try {
    if (fromDir)
      return createRequire(path.join(path.resolve(fromDir), "package.json"))("isolated-vm") as TIvm;
    const moduleName = "isolated-vm";
    return ((await import(moduleName)) as { default: TIvm }).default;
  } catch {
    return null;
  }
}
const ivm = await loadIsolatedVm();
const snapshotOff =
  process.execArgv.includes("--no-node-snapshot") ||
  /--no-node-snapshot/.test(process.env.NODE_OPTIONS ?? "");
if (!ivm) {
  console.log(
    "note: isolated-vm is not importable (not a repo dependency); skipping it. See docs/sandbox.md.",
  );
} else if (!snapshotOff) {
  console.log(
    "note: isolated-vm found but Node runs with its snapshot; rerun with NODE_OPTIONS=--no-node-snapshot.",
  );
} else {
  const engine = "isolated-vm (prebuilt)";
  const coldTimes: number[] = [];
  for (let i = 0; i < COLD_STARTS; i++) {
    const [ms] = await timeAsync(async () => {
      const isolate = new ivm.Isolate({ memoryLimit: 64 });
      const context = await isolate.createContext();
      const module = await isolate.compileModule(`export default 1 + 1;`);
      await module.instantiate(context, () => {
        throw new Error("no imports");
      });
      await module.evaluate();
      context.release();
      isolate.dispose();
    });
    coldTimes.push(ms);
  }
  record(engine, "cold start: isolate + context + module", `${median(coldTimes).toFixed(2)} ms`);

  const isolate = new ivm.Isolate({ memoryLimit: 64 });
  const context = isolate.createContextSync();
  context.global.setSync("host", new ivm.Callback((x: number) => x + 1));
  const [callsMs] = time(() =>
    context.evalSync(`let a = 0; for (let i = 0; i < ${HOST_CALLS}; i++) a = host(a); a`),
  );
  record(engine, "sync host call (ivm.Callback)", `${((callsMs * 1000) / HOST_CALLS).toFixed(3)} µs`);
  context.evalSync(SUM_SOURCE);
  context.evalSync("sum(1000)");
  const sumMs = median([0, 1, 2, 3, 4].map(() => time(() => context.evalSync(`sum(${SUM_N})`))[0]));
  record(engine, `sum over ${SUM_N} numbers`, `${sumMs.toFixed(2)} ms`, sumMs / baselineMs);
  isolate.dispose();

  const memIsolate = new ivm.Isolate({ memoryLimit: 32 });
  const memContext = memIsolate.createContextSync();
  const [memMs, memOutcome] = time(() => {
    try {
      memContext.evalSync(`const a = []; for (;;) a.push("x".repeat(1 << 20) + a.length)`);
      return "NOT STOPPED";
    } catch (error) {
      return `stopped (${String((error as Error).message).slice(0, 60)})`;
    }
  });
  record(engine, "memory bomb, 32 MiB limit", `${memOutcome} after ${memMs.toFixed(0)} ms`);
  if (!memIsolate.isDisposed) memIsolate.dispose();

  const cpuIsolate = new ivm.Isolate({ memoryLimit: 32 });
  const cpuContext = cpuIsolate.createContextSync();
  const [cpuMs, cpuOutcome] = time(() => {
    try {
      cpuContext.evalSync(`while (true) {}`, { timeout: 100 });
      return "NOT STOPPED";
    } catch (error) {
      return `stopped (${String((error as Error).message).slice(0, 60)})`;
    }
  });
  record(engine, "while(true), 100 ms timeout", `${cpuOutcome} after ${cpuMs.toFixed(0)} ms`);
  cpuIsolate.dispose();
}

console.log(
  `machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "unknown"}), node ${process.version}`,
);
console.table(rows);
