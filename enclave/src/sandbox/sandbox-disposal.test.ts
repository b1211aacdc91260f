/**
 * Resource hygiene of the sandbox: 300 jobs through every ending (success, runtime error, CPU
 * limit, stack limit, memory limit, host calls left pending) must not grow the process without
 * bound: every handle, context and runtime is disposed and each job's WASM instance is collectable.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { runSandboxed } from "./run-sandboxed";
import type { THostFunction } from "./types";

setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

const LIMITS = { cpuMs: 100, wallMs: 2_000, memoryBytes: 8 * 1024 * 1024, outputBytes: 64 * 1024 };
const echo: THostFunction = (args) => args;
const hang: THostFunction = () => new Promise(() => {});

const ENDINGS = [
  `export default async function (pdx, params) { const r = await pdx.echo(params.i, "x"); return { r } }`,
  `export default async function () { throw new Error("boom") }`,
  `export default async function () { while (true) {} }`,
  `function f() { return f() + 1 } export default async function () { return f() }`,
  `export default async function (pdx) { pdx.echo(1); pdx.hang(); throw new TypeError("left calls pending") }`,
  `export default async function () { const a = []; for (;;) a.push(new Uint8Array(1 << 20)) }`,
];

function rssMb() {
  collectGarbage();
  return process.memoryUsage().rss / 1024 / 1024;
}

describe("sandbox disposal", () => {
  it("runs 300 sandboxes through every ending without unbounded memory growth", async () => {
    const kinds = new Map<string, number>();
    const runBatch = async (from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const result = await runSandboxed({
          source: ENDINGS[i % ENDINGS.length]!,
          language: "javascript",
          params: { i },
          host: { echo, hang },
          limits: LIMITS,
        });
        const key = result.ok ? "ok" : `${result.kind}${result.limit ? `:${result.limit}` : ""}`;
        kinds.set(key, (kinds.get(key) ?? 0) + 1);
      }
    };
    await runBatch(0, 60);
    const afterWarmup = rssMb();
    await runBatch(60, 300);
    const afterAll = rssMb();
    expect(Object.fromEntries(kinds)).toEqual({
      ok: 50,
      runtime: 100,
      "limit:cpu": 50,
      "limit:stack": 50,
      "limit:memory": 50,
    });
    // 240 more jobs, each with a ≥16 MiB WASM memory: if instances leaked this would be gigabytes.
    console.log(
      `sandbox disposal: RSS ${afterWarmup.toFixed(0)} MiB after 60 jobs, ${afterAll.toFixed(0)} MiB after 300`,
    );
    expect(afterAll - afterWarmup).toBeLessThan(150);
  }, 120_000);
});
