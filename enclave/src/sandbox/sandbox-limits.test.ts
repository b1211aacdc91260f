/**
 * Limits of the operator-logic sandbox as real attacks against the real engine: busy loops (CPU),
 * promises that never resolve and hanging host calls (wall), memory bombs (memory), deep recursion
 * (stack), huge outputs (output) and host-call floods (host calls). Each asserts the precise kind.
 */
import { describe, expect, it } from "vitest";
import { runSandboxed } from "./run-sandboxed";
import type { THostFunction, TSandboxOptions, TSandboxResult } from "./types";

const LIMITS = { cpuMs: 300, wallMs: 3_000, memoryBytes: 16 * 1024 * 1024, outputBytes: 4 * 1024 };

function run(source: string, extra: Partial<TSandboxOptions> = {}) {
  return runSandboxed({ source, language: "javascript", params: {}, host: {}, limits: LIMITS, ...extra });
}

function expectLimit(result: TSandboxResult, limit: string) {
  expect(result).toMatchObject({ ok: false, kind: "limit", limit });
}

describe("sandbox limits", () => {
  it.each([
    ["while(true){}", `while (true) {}`],
    ["a catch-and-continue loop", `for (;;) { try { while (true) {} } catch (e) {} }`],
    ["a busy loop in a then callback", `await Promise.resolve().then(() => { for (;;) {} })`],
    ["a busy loop in toJSON of the output", `return { toJSON() { for (;;) {} } }`],
    ["a busy loop in a finally block", `try { while (true) {} } finally { while (true) {} }`],
  ])("stops %s at the CPU limit", async (_label, body) => {
    const result = await run(`export default async function () { ${body} }`);
    expectLimit(result, "cpu");
    expect(result.stats.cpuMs).toBeGreaterThanOrEqual(LIMITS.cpuMs);
    expect(result.stats.cpuMs).toBeLessThan(LIMITS.cpuMs + 250);
  });

  it("does not count time waiting on host calls as CPU", async () => {
    const slow: THostFunction = () => new Promise((resolve) => setTimeout(() => resolve("done"), 500));
    const result = await run(`export default async function (pdx) { return await pdx.slow() }`, {
      host: { slow },
    });
    expect(result).toMatchObject({ ok: true, output: "done" });
    expect(result.stats.cpuMs).toBeLessThan(LIMITS.cpuMs);
    expect(result.stats.wallMs).toBeGreaterThanOrEqual(490);
  });

  it("stops a job waiting on a host call that never answers at the wall limit, and aborts the call", async () => {
    let aborted = false;
    const hang: THostFunction = (_args, { signal }) =>
      new Promise(() => {
        signal.addEventListener("abort", () => {
          aborted = true;
        });
      });
    const result = await run(`export default async function (pdx) { await pdx.hang(); return "never" }`, {
      host: { hang },
      limits: { ...LIMITS, wallMs: 200 },
    });
    expectLimit(result, "wall");
    expect(result.stats.wallMs).toBeGreaterThanOrEqual(200);
    expect(result.stats.wallMs).toBeLessThan(1_000);
    expect(aborted).toBe(true);
  });

  it("stops CPU work that outlives the wall limit at the wall limit", async () => {
    const slow: THostFunction = () => new Promise((resolve) => setTimeout(() => resolve(1), 150));
    const result = await run(`export default async function (pdx) { await pdx.slow(); while (true) {} }`, {
      host: { slow },
      limits: { ...LIMITS, cpuMs: 5_000, wallMs: 300 },
    });
    expectLimit(result, "wall");
  });

  it("reports a promise that can never settle at once instead of holding the job until the wall", async () => {
    const result = await run(`export default async function () { await new Promise(() => {}) }`, {
      limits: { ...LIMITS, wallMs: 10_000 },
    });
    expect(result).toMatchObject({ ok: false, kind: "runtime" });
    expect(result.stats.wallMs).toBeLessThan(2_000);
  });

  it.each([
    [
      "a string-doubling bomb",
      `let s = "x".repeat(1 << 20); const keep = []; for (;;) { keep.push(s); s = s + s.slice(0, 1 << 20) + keep.length }`,
    ],
    ["large strings kept in an array", `const a = []; for (;;) a.push("x".repeat(1 << 20) + a.length)`],
    ["typed arrays kept in an array", `const a = []; for (;;) a.push(new Uint8Array(1 << 20))`],
    ["an array push loop of objects", `const a = []; for (;;) a.push({ n: a.length, s: "v" + a.length })`],
    [
      "a bomb whose OOM error is caught and ignored",
      `const a = []; for (;;) { try { a.push(new Array(1 << 16).fill(a.length)) } catch (e) { a.push(e) } }`,
    ],
  ])("stops %s at the memory limit", async (_label, body) => {
    const result = await run(`export default async function () { ${body} }`, {
      limits: { ...LIMITS, cpuMs: 10_000, wallMs: 20_000 },
    });
    expectLimit(result, "memory");
  });

  it("lets a job use memory below its limit", async () => {
    const result = await run(
      `export default async function () { const a = []; for (let i = 0; i < 4; i++) a.push("x".repeat(1 << 20)); return a.length }`,
    );
    expect(result).toMatchObject({ ok: true, output: 4 });
  });

  it.each([
    ["plain recursion", `function f(n) { return f(n + 1) + 1 } return f(0)`],
    ["recursion through a getter", `const o = { get x() { return this.x } }; return o.x`],
    ["recursion through Array.prototype.map", `function f() { return [1].map(f) } return f()`],
    [
      "mutual async recursion",
      `async function f() { return await g() } async function g() { return await f() } return await f()`,
    ],
    ["a deeply nested output", `let o = []; for (let i = 0; i < 200000; i++) o = [o]; return o`],
  ])("stops %s at the stack limit", async (_label, body) => {
    const result = await run(`export default async function () { ${body} }`, {
      limits: { ...LIMITS, cpuMs: 5_000, outputBytes: 1024 * 1024 },
    });
    expectLimit(result, "stack");
  });

  it("stops a huge output at the output limit (measured in UTF-8 bytes)", async () => {
    const ascii = await run(`export default async function () { return "x".repeat(10000) }`);
    expectLimit(ascii, "output");
    // 1,500 three-byte characters: 1,502 UTF-16 units, 4,502 UTF-8 bytes > 4,096.
    const multibyte = await run(`export default async function () { return "€".repeat(1500) }`);
    expectLimit(multibyte, "output");
    expect(multibyte.stats.outputBytes).toBe(4502);
    const fits = await run(`export default async function () { return "€".repeat(1300) }`);
    expect(fits).toMatchObject({ ok: true, stats: { outputBytes: 3902 } });
  });

  it("stops a host-call flood at the host-call limit", async () => {
    let started = 0;
    const log: THostFunction = () => {
      started += 1;
      return null;
    };
    const result = await run(`export default async function (pdx) { for (;;) pdx.log("spam") }`, {
      host: { log },
      limits: { ...LIMITS, hostCalls: 100 },
    });
    expectLimit(result, "host-calls");
    expect(result.stats.hostCalls).toBe(100);
    expect(started).toBeLessThanOrEqual(100);
  });

  it("runs at most 8 host calls at once and queues the rest", async () => {
    let running = 0;
    let peak = 0;
    const work: THostFunction = async () => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running -= 1;
      return 1;
    };
    const result = await run(
      `export default async function (pdx) { const all = []; for (let i = 0; i < 40; i++) all.push(pdx.work(i)); return (await Promise.all(all)).length }`,
      { host: { work } },
    );
    expect(result).toMatchObject({ ok: true, output: 40, stats: { hostCalls: 40 } });
    expect(peak).toBe(8);
  });

  it("refuses invalid limits at the boundary", async () => {
    await expect(
      run(`export default async function () {}`, { limits: { ...LIMITS, cpuMs: -1 } }),
    ).rejects.toThrow(/sandbox limit cpuMs invalid/);
  });
});
