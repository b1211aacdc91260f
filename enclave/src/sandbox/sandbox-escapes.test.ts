/**
 * Escape attempts against the real QuickJS sandbox: constructor chains, prototype pollution,
 * reaching Node (process/require/import), shared memory, non-JSON values crossing the boundary.
 * Each asserts the precise outcome (kind and message), not merely "it failed".
 */
import { describe, expect, it } from "vitest";
import { runSandboxed } from "./run-sandboxed";
import type { THostFunction, TSandboxOptions, TSandboxResult } from "./types";

const LIMITS = { cpuMs: 2_000, wallMs: 5_000, memoryBytes: 16 * 1024 * 1024, outputBytes: 64 * 1024 };
const CODEGEN_REFUSED = "EvalError: code generation from strings is disabled in the sandbox";

function run(source: string, extra: Partial<TSandboxOptions> = {}) {
  return runSandboxed({ source, language: "javascript", params: {}, host: {}, limits: LIMITS, ...extra });
}

function failureMessage(result: TSandboxResult): string {
  if (result.ok) throw new Error(`expected a failure, got output ${JSON.stringify(result.output)}`);
  return result.message;
}

describe("sandbox escapes", () => {
  it.each([
    ["function constructor chain", `(function(){}).constructor("return this")()`],
    [
      "this.constructor.constructor",
      `(function(){ return this }).call({}).constructor.constructor("return process")()`,
    ],
    ["async function constructor", `(async function(){}).constructor("return 1")`],
    ["generator function constructor", `(function*(){}).constructor("yield 1")`],
    ["async generator constructor", `(async function*(){}).constructor("yield 1")`],
    ["global Function", `new Function("return 1")`],
    ["eval", `eval("1 + 1")`],
    ["indirect eval", `(0, globalThis.eval)("1 + 1")`],
    ["pdx method constructor", `pdx.log.constructor("return this")()`],
    ["pdx constructor chain", `pdx.constructor.constructor("return this")()`],
  ])("refuses code generation via %s", async (_label, expression) => {
    const result = await run(`export default async function (pdx) { return ${expression} }`, {
      host: { log: () => null },
    });
    expect(result).toMatchObject({ ok: false, kind: "runtime" });
    expect(failureMessage(result).split("\n")[0]).toBe(CODEGEN_REFUSED);
  });

  it("exposes no Node globals, no timers, no shared memory", async () => {
    const result = await run(
      `export default async function () {
         const names = ["process", "require", "module", "exports", "Buffer", "setTimeout", "setInterval",
           "setImmediate", "queueMicrotask", "SharedArrayBuffer", "Atomics", "WeakRef", "FinalizationRegistry",
           "fetch", "console", "performance", "std", "os", "__dirname", "global"];
         return Object.fromEntries(names.map((n) => [n, typeof globalThis[n]]));
       }`,
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(Object.values(result.output as Record<string, string>).every((t) => t === "undefined")).toBe(true);
  });

  it("fails globalThis.process access as a runtime TypeError", async () => {
    const result = await run(`export default async function () { return globalThis.process.env }`);
    expect(result).toMatchObject({ ok: false, kind: "runtime" });
    expect(failureMessage(result)).toMatch(/^TypeError: cannot read property 'env' of undefined/);
  });

  it("fails require as a runtime ReferenceError", async () => {
    const result = await run(`export default async function () { return require("fs") }`);
    expect(result).toMatchObject({ ok: false, kind: "runtime" });
    expect(failureMessage(result)).toMatch(/^ReferenceError: 'require' is not defined/);
  });

  it.each(["fs", "node:child_process", "./helper.js", "https://example.com/x.js"])(
    "refuses a static import of %s at compile time",
    async (specifier) => {
      const result = await run(
        `import x from ${JSON.stringify(specifier)};\nexport default async function () { return 1 }`,
      );
      expect(result).toMatchObject({ ok: false, kind: "compile" });
      expect(failureMessage(result)).toMatch(
        /^imports are not available in the sandbox \(could not load module/,
      );
    },
  );

  it("refuses a TypeScript import even when it is unused (imports kept verbatim)", async () => {
    const result = await run(
      `import fs from "fs";\nexport default async function (): Promise<number> { return 1 }`,
      {
        language: "typescript",
      },
    );
    expect(result).toMatchObject({ ok: false, kind: "compile" });
  });

  it.each(["fs", "node:child_process"])(
    "rejects dynamic import(%s) with a catchable error",
    async (specifier) => {
      const caught = await run(
        `export default async function () { try { await import(${JSON.stringify(specifier)}); return "loaded" } catch (e) { return e.name + ": " + e.message } }`,
      );
      expect(caught).toMatchObject({
        ok: true,
        output: `ReferenceError: could not load module '${specifier}'`,
      });
      const uncaught = await run(
        `export default async function () { return await import(${JSON.stringify(specifier)}) }`,
      );
      expect(uncaught).toMatchObject({ ok: false, kind: "runtime" });
      expect(failureMessage(uncaught)).toBe(`ReferenceError: could not load module '${specifier}'`);
    },
  );

  it("keeps prototype pollution inside the sandbox", async () => {
    const received: unknown[] = [];
    const aggregate: THostFunction = (args) => {
      received.push(args[0]);
      return { plain: {} };
    };
    const result = await run(
      `export default async function (pdx) {
         Object.prototype.polluted = "yes";
         Array.prototype.polluted = "yes";
         JSON.parse = () => ({ hacked: true });
         const r = await pdx.aggregate({ q: 1 });
         return { sawInherited: r.plain.polluted, own: Object.keys(r.plain) };
       }`,
      { host: { aggregate } },
    );
    // Inside, the realm is polluted (the logic's own business) ...
    expect(result).toMatchObject({ ok: true, output: { sawInherited: "yes", own: [] } });
    // ... outside, nothing is: the host got a fresh JSON-parsed object and its prototypes are intact.
    expect(received).toEqual([{ q: 1 }]);
    expect(Object.getPrototypeOf(received[0])).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(([] as unknown as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("refuses a __proto__ key in host-call arguments and in the output", async () => {
    const aggregate: THostFunction = () => "reached";
    const args = await run(
      `export default async function (pdx) { try { await pdx.aggregate(JSON.parse('{"__proto__": {"isAdmin": true}}')); return "sent" } catch (e) { return e.message } }`,
      { host: { aggregate } },
    );
    expect(args).toMatchObject({
      ok: true,
      output: expect.stringMatching(/arguments of pdx\.aggregate is not JSON.*__proto__/),
    });
    const output = await run(
      `export default async function () { return JSON.parse('{"__proto__": {"isAdmin": true}}') }`,
    );
    expect(output).toMatchObject({ ok: false, kind: "runtime" });
    expect(failureMessage(output)).toMatch(/output is not JSON.*__proto__/);
  });

  it("makes Atomics.wait unavailable", async () => {
    const result = await run(
      `export default async function () { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0) }`,
    );
    expect(result).toMatchObject({ ok: false, kind: "runtime" });
    expect(failureMessage(result)).toMatch(/^ReferenceError: 'Atomics' is not defined/);
  });

  it("cannot replace or extend the frozen pdx object", async () => {
    const log: THostFunction = () => "host";
    const result = await run(
      `export default async function (pdx) {
         "use strict";
         const attempts = [];
         for (const f of [() => { pdx.log = () => "mine" }, () => { pdx.extra = 1 }, () => { pdx.log.extra = 1 }, () => { delete pdx.log }]) {
           try { f(); attempts.push("allowed") } catch (e) { attempts.push(e.name) }
         }
         return { attempts, log: await pdx.log() };
       }`,
      { host: { log } },
    );
    expect(result).toMatchObject({
      ok: true,
      output: { attempts: ["TypeError", "TypeError", "TypeError", "TypeError"], log: "host" },
    });
  });

  it.each([
    ["a string", `throw "plain string"`, "a non-Error value was thrown: plain string"],
    ["an object", `throw { code: 42 }`, 'a non-Error value was thrown: {"code":42}'],
    ["undefined", `throw undefined`, "a non-Error value was thrown: undefined"],
    ["null", `throw null`, "a non-Error value was thrown: null"],
    ["a symbol", `throw Symbol("s")`, "a non-Error value was thrown: symbol"],
    [
      "an object with a throwing getter",
      `throw { get x() { throw new Error("g") } }`,
      "a non-Error value was thrown: object",
    ],
  ])("reports throwing %s as a runtime failure", async (_label, statement, message) => {
    const result = await run(`export default async function () { ${statement} }`);
    expect(result).toMatchObject({ ok: false, kind: "runtime", message });
  });

  it("bounds a huge error message to 1000 characters", async () => {
    const result = await run(`export default async function () { throw new Error("x".repeat(100000)) }`);
    expect(result).toMatchObject({ ok: false, kind: "runtime" });
    expect(failureMessage(result).length).toBeLessThanOrEqual(1000);
  });

  it.each([
    ["a function", `return () => 1`, /a function is not JSON/],
    ["a nested function", `return { a: { f() {} } }`, /a function is not JSON \(at key "f"\)/],
    ["a symbol", `return { s: Symbol("x") }`, /a symbol is not JSON/],
    ["undefined", `return undefined`, /an? undefined is not JSON/],
    ["a bigint", `return 10n`, /a bigint is not JSON/],
    ["NaN", `return { n: NaN }`, /non-finite number/],
    ["a cycle", `const o = {}; o.self = o; return o`, /output is not JSON: .*circular/i],
    ["a Map", `return new Map([[1, 2]])`, /only plain objects and arrays/],
  ])("rejects an output that is %s as a runtime failure", async (_label, body, pattern) => {
    const result = await run(`export default async function () { ${body} }`);
    expect(result).toMatchObject({ ok: false, kind: "runtime" });
    expect(failureMessage(result)).toMatch(pattern);
  });
});
