/**
 * Happy paths of the operator-logic sandbox against the real QuickJS engine: params in, host calls
 * round-tripping JSON values, host errors caught as plain Errors, output out, TypeScript compiled,
 * compile and runtime failures reported with the operator's line numbers.
 */
import { describe, expect, it } from "vitest";
import { runSandboxed } from "./run-sandboxed";
import type { THostFunction, TSandboxOptions } from "./types";

const LIMITS = { cpuMs: 2_000, wallMs: 5_000, memoryBytes: 16 * 1024 * 1024, outputBytes: 64 * 1024 };

function run(source: string, extra: Partial<TSandboxOptions> = {}) {
  return runSandboxed({ source, language: "javascript", params: {}, host: {}, limits: LIMITS, ...extra });
}

describe("runSandboxed happy paths", () => {
  it("passes params in and returns the output deep-copied as JSON", async () => {
    const params = { region: "north", years: [2020, 2021], nested: { on: true } };
    const result = await run(
      `export default async function (pdx, params) { return { got: params, count: params.years.length } }`,
      { params },
    );
    expect(result).toMatchObject({ ok: true, output: { got: params, count: 2 } });
    if (!result.ok) throw new Error("unreachable");
    expect(result.stats.outputBytes).toBe(Buffer.byteLength(JSON.stringify(result.output)));
    expect(result.stats.hostCalls).toBe(0);
    expect(result.stats.cpuMs).toBeGreaterThan(0);
    expect(result.stats.wallMs).toBeGreaterThanOrEqual(result.stats.cpuMs);
  });

  it("round-trips values through host calls and counts them", async () => {
    const seen: unknown[][] = [];
    const aggregate: THostFunction = async (args) => {
      seen.push(args);
      return { rows: [{ group: "a", count: 12 }], echo: args[0] };
    };
    const sha256: THostFunction = ([text]) => `digest:${String(text)}`;
    const result = await run(
      `export default async function (pdx) {
         const a = await pdx.aggregate({ dataset: "D", measures: ["count"], limit: 2 }, [1, "x", null]);
         const [h1, h2] = await Promise.all([pdx.sha256("one"), pdx.sha256("two")]);
         return { rows: a.rows, echo: a.echo, h1, h2, names: Object.keys(pdx), frozen: Object.isFrozen(pdx) };
       }`,
      { host: { aggregate, sha256 } },
    );
    expect(result).toEqual({
      ok: true,
      output: {
        rows: [{ group: "a", count: 12 }],
        echo: { dataset: "D", measures: ["count"], limit: 2 },
        h1: "digest:one",
        h2: "digest:two",
        names: ["aggregate", "sha256"],
        frozen: true,
      },
      stats: expect.objectContaining({ hostCalls: 3 }),
    });
    expect(seen).toEqual([[{ dataset: "D", measures: ["count"], limit: 2 }, [1, "x", null]]]);
  });

  it("delivers a host Error's message (only) as a plain Error the logic can catch", async () => {
    const verify: THostFunction = async () => {
      throw new Error("field SSN is not declared");
    };
    const result = await run(
      `export default async function (pdx) {
         try { await pdx.verify({}); return "not reached"; }
         catch (e) { return { message: e.message, isError: e instanceof Error, name: e.name, stackHasHost: /node:|\\.ts:/.test(String(e.stack)) }; }
       }`,
      { host: { verify } },
    );
    expect(result).toMatchObject({
      ok: true,
      output: { message: "field SSN is not declared", isError: true, name: "Error", stackHasHost: false },
    });
  });

  it("reports an uncaught host rejection as a runtime failure carrying only its message", async () => {
    const verify: THostFunction = async () => {
      throw new Error("budget exhausted");
    };
    const result = await run(`export default async function (pdx) { await pdx.verify(1) }`, {
      host: { verify },
    });
    expect(result).toMatchObject({ ok: false, kind: "runtime" });
    if (result.ok) throw new Error("unreachable");
    expect(result.message.startsWith("Error: budget exhausted")).toBe(true);
    expect(result.message).not.toMatch(/node_modules|run-sandboxed|node:internal/);
  });

  it("passes a host function's non-JSON result into the sandbox as an Error, not a value", async () => {
    const broken: THostFunction = () => ({ n: 10n });
    const result = await run(
      `export default async function (pdx) { try { await pdx.broken(); return "no" } catch (e) { return e.message } }`,
      { host: { broken } },
    );
    expect(result).toMatchObject({ ok: true, output: expect.stringContaining("BigInt") });
  });

  it("compiles TypeScript with type annotations, interfaces and generics", async () => {
    const result = await run(
      `interface Params { factor: number }
       type Row = { value: number };
       function total<T extends Row>(rows: readonly T[]): number { return rows.reduce((s, r) => s + r.value, 0); }
       export default async function (pdx: unknown, params: Params): Promise<{ total: number }> {
         const rows: Row[] = [{ value: 1 }, { value: 2 }];
         return { total: total(rows) * params.factor };
       }`,
      { language: "typescript", params: { factor: 10 } },
    );
    expect(result).toMatchObject({ ok: true, output: { total: 30 } });
  });

  it("reports a TypeScript syntax error as compile with its line and column", async () => {
    const result = await run(
      `export default async function (pdx: unknown, params: unknown) {\n  const x: number = ;\n  return x;\n}`,
      { language: "typescript" },
    );
    expect(result).toMatchObject({ ok: false, kind: "compile" });
    if (result.ok) throw new Error("unreachable");
    expect(result.message).toMatch(/^logic\.ts:2:\d+: /);
  });

  it("reports a JavaScript syntax error as compile with its line", async () => {
    const result = await run(`export default async function () {\n  return (;\n}`);
    expect(result).toMatchObject({ ok: false, kind: "compile" });
    if (result.ok) throw new Error("unreachable");
    expect(result.message).toMatch(/^SyntaxError: .*\n\s+at logic\.js:2:\d+/);
  });

  it("maps a TypeScript runtime error's frames back to the operator's lines", async () => {
    const result = await run(
      `type P = { a: number };\n\nexport default async function (pdx: unknown, params: P): Promise<number> {\n  const value: number = params.a;\n  if (value > 0) throw new RangeError("a must not be positive");\n  return value;\n}`,
      { language: "typescript", params: { a: 1 } },
    );
    expect(result).toMatchObject({ ok: false, kind: "runtime" });
    if (result.ok) throw new Error("unreachable");
    expect(result.message).toMatch(/^RangeError: a must not be positive\n\s+at .*logic\.ts:5:\d+/);
  });

  it("requires a default export function", async () => {
    const result = await run(`export const notDefault = 1;`);
    expect(result).toMatchObject({ ok: false, kind: "compile" });
  });

  it("freezes the clock at the job start, truncated to the second", async () => {
    const result = await run(
      `export default async function () { let n = 0; for (let i = 0; i < 1e5; i++) n += i; return [Date.now(), new Date().getTime(), Date.now(), new Date(0).toISOString()] }`,
      { clockMs: 1_700_000_000_987 },
    );
    expect(result).toMatchObject({
      ok: true,
      output: [1_700_000_000_000, 1_700_000_000_000, 1_700_000_000_000, "1970-01-01T00:00:00.000Z"],
    });
  });

  it("runs several jobs at once, each in its own runtime", async () => {
    const slow: THostFunction = async ([ms]) => {
      await new Promise((resolve) => setTimeout(resolve, Number(ms)));
      return ms;
    };
    const results = await Promise.all(
      [30, 10, 20].map((ms) =>
        run(
          `globalThis.counter = (globalThis.counter ?? 0) + 1;
           export default async function (pdx, params) { const waited = await pdx.slow(params.ms); return { waited, counter: globalThis.counter } }`,
          { host: { slow }, params: { ms } },
        ),
      ),
    );
    expect(results.map((r) => r.ok && r.output)).toEqual([
      { waited: 30, counter: 1 },
      { waited: 10, counter: 1 },
      { waited: 20, counter: 1 },
    ]);
  });
});
