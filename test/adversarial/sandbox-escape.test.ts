/**
 * Adversarial: operator logic trying to leave the QuickJS sandbox of a real product job (mock
 * mode: the sandbox is the same for real data, and no chain is needed) — constructor chains to a
 * host Function, prototype pollution reaching host objects or the next job, reaching process,
 * require, import() and Node globals, an infinite loop, a memory bomb, a huge output, deep
 * recursion, a host-call flood, and timing through the clock.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { leJob, run, startAdversarialWorld, type TAdversarialWorld } from "./support";

let world: TAdversarialWorld;

beforeAll(async () => {
  world = await startAdversarialWorld();
});
afterAll(async () => {
  await world?.stop();
});

const mock = (source: string, overrides: Parameters<typeof leJob>[2] = {}) =>
  run(world, leJob(null, source, { mode: "mock", ...overrides }));

/** Logic that runs each attempt, recording what it returned or the error it threw. */
const attempts = (entries: Record<string, string>) => `export default async (pdx) => {
  const out = {};
  ${Object.entries(entries)
    .map(
      ([
        name,
        body,
      ]) => `try { const v = await (async () => { ${body} })(); out[${JSON.stringify(name)}] = { ok: true, value: typeof v === "object" && v !== null ? "object" : String(v) }; }
  catch (e) { out[${JSON.stringify(name)}] = { ok: false, error: String(e && e.message) }; }`,
    )
    .join("\n  ")}
  return out;
}`;

type TAttempts = Record<string, { ok: boolean; value?: string; error?: string }>;

describe("sandbox escapes", () => {
  it("constructor chains to a Function (sync, async, generator, via pdx methods and errors) are refused", async () => {
    const status = await mock(
      attempts({
        functionCtor: `return (function(){}).constructor("return globalThis.process")();`,
        asyncCtor: `return await (async function(){}).constructor("return process")();`,
        generatorCtor: `return (function*(){}).constructor("return process")().next().value;`,
        asyncGeneratorCtor: `return (async function*(){}).constructor("return process")();`,
        pdxMethodCtor: `return pdx.aggregate.constructor.constructor("return process")();`,
        errorCtor: `try { null.x } catch (e) { return e.constructor.constructor("return process")(); }`,
        promiseCtor: `return Promise.resolve().then.constructor("return process")();`,
        globalFunction: `return Function("return this")().process;`,
        evalCall: `return eval("globalThis.process");`,
        indirectEval: `return (0, eval)("1 + 1");`,
        reflectConstruct: `return Reflect.construct(Function, ["return process"])();`,
      }),
    );
    expect(status.state).toBe("released");
    const out = status.output as TAttempts;
    expect(Object.keys(out)).toHaveLength(11);
    for (const [name, attempt] of Object.entries(out)) {
      expect({ name, ok: attempt.ok }).toEqual({ name, ok: false });
      expect(attempt.error).toMatch(/code generation from strings is disabled|not a function|not defined/);
    }
  });

  it("process, require, module, Buffer and the Node globals are not reachable; globalThis holds only the language", async () => {
    const status = await mock(`export default async (pdx) => ({
      kinds: [typeof process, typeof require, typeof module, typeof exports, typeof Buffer, typeof setTimeout,
              typeof fetch, typeof WebAssembly, typeof SharedArrayBuffer, typeof Atomics, typeof WeakRef, typeof std, typeof os],
      globals: Object.getOwnPropertyNames(globalThis).sort(),
      pdxKeys: Object.keys(pdx).sort(),
      pdxFrozen: Object.isFrozen(pdx),
      thisAtTop: typeof this,
    })`);
    expect(status.state).toBe("released");
    const out = status.output as {
      kinds: string[];
      globals: string[];
      pdxKeys: string[];
      pdxFrozen: boolean;
    };
    expect(out.kinds.every((k) => k === "undefined")).toBe(true);
    for (const name of ["process", "require", "global", "Buffer", "hostCall", "os", "std", "__dirname"]) {
      expect(out.globals).not.toContain(name);
    }
    expect(out.pdxKeys).toEqual(["aggregate", "log", "sha256", "verify"]);
    expect(out.pdxFrozen).toBe(true);
  });

  it("import() and static imports of Node modules are refused", async () => {
    const dynamic = await mock(
      attempts({
        fs: `return (await import("fs")).readFileSync("/etc/passwd", "utf8");`,
        nodeFs: `return (await import("node:fs")).readFileSync("/etc/passwd", "utf8");`,
        childProcess: `return (await import("node:child_process")).execSync("id");`,
        relative: `return await import("../../enclave/src/keys/key-store");`,
      }),
    );
    expect(dynamic.state).toBe("released");
    for (const attempt of Object.values(dynamic.output as TAttempts)) expect(attempt.ok).toBe(false);
    const staticImport = await mock(
      `import { readFileSync } from "node:fs";\nexport default async () => readFileSync("/etc/passwd", "utf8")`,
    );
    expect(staticImport.state).toBe("failed");
    expect(staticImport.failure?.code).toBe("SANDBOX_ERROR");
    expect(staticImport.failure?.message).toMatch(/imports are not available/);
    expect(staticImport.failure?.message).not.toMatch(/root:/);
  });

  it("prototype pollution stays inside the job: host objects and the next job see clean prototypes", async () => {
    const polluter = `export default async (pdx) => {
      Object.prototype.pdxPolluted = "yes";
      Array.prototype.pdxPolluted = "yes";
      Object.prototype.toJSON = function () { return "hijacked"; };
      JSON.parse = () => ({ hijacked: true });
      JSON.stringify = () => '"hijacked"';
      Promise.prototype.then = function () { return "hijacked"; };
      let frozen = false;
      try { pdx.aggregate = async () => "fake"; } catch { frozen = true; }
      return { frozen };
    }`;
    const first = await mock(polluter);
    // The pollution broke the logic's own realm (its output encoding hit the polluted toJSON), not the host.
    expect(["released", "failed"]).toContain(first.state);
    expect(Object.prototype).not.toHaveProperty("pdxPolluted");
    expect(Array.prototype).not.toHaveProperty("pdxPolluted");
    expect(Object.hasOwn(Object.prototype, "toJSON")).toBe(false);
    expect(JSON.stringify({ a: 1 })).toBe('{"a":1}');
    const next = await mock(`export default async (pdx) => {
      const r = await pdx.aggregate({ dataset: "LE-BASE", groupBy: ["district"], measures: [{ fn: "count", as: "n" }] });
      return { polluted: ({}).pdxPolluted ?? null, arrayPolluted: [].pdxPolluted ?? null, rows: r.rows.length };
    }`);
    expect(next.state).toBe("released");
    expect(next.output).toMatchObject({ polluted: null, arrayPolluted: null });
    expect((next.output as { rows: number }).rows).toBeGreaterThan(0);
  });

  it("__proto__ keys in a query, the params or the output cannot pollute the host", async () => {
    const status = await mock(
      `export default async (pdx, params) => {
        const query = JSON.parse('{"dataset":"LE-BASE","measures":[{"fn":"count","as":"n"}],"__proto__":{"polluted":"yes"}}');
        let queryError = null;
        try { await pdx.aggregate(query); } catch (e) { queryError = String(e.message); }
        return { queryError, paramsProto: Object.getPrototypeOf(params) === Object.prototype, seen: params.polluted ?? null };
      }`,
      { params: { safe: 1 } },
    );
    expect(status.state).toBe("released");
    expect(status.output).toMatchObject({ paramsProto: true, seen: null });
    expect((status.output as { queryError: string }).queryError).toMatch(/__proto__/);
    expect(Object.prototype).not.toHaveProperty("polluted");
    const output = await mock(`export default async () => JSON.parse('{"__proto__":{"polluted":"yes"}}')`);
    expect(output.state).toBe("failed");
    expect(output.failure?.message).toMatch(/__proto__/);
    expect(Object.prototype).not.toHaveProperty("polluted");
  });

  it("an infinite loop is stopped at the CPU limit (LIMIT_EXCEEDED cpu)", async () => {
    const status = await mock(`export default async () => { let i = 0; for (;;) { i++; } }`, {
      limits: { cpuMs: 300 },
    });
    expect(status.state).toBe("failed");
    expect(status.failure?.code).toBe("LIMIT_EXCEEDED");
    expect(status.failure?.message).toMatch(/cpu/i);
    expect(status.stats.cpuMs).toBeLessThan(5_000);
  });

  it("a memory bomb is stopped at the memory limit", async () => {
    const status = await mock(
      `export default async () => { const keep = []; for (;;) keep.push(new Array(1e6).fill(7), "x".repeat(1e6) + keep.length); }`,
      { limits: { memoryBytes: 8 * 1024 * 1024, cpuMs: 20_000 } },
    );
    expect(status.state).toBe("failed");
    expect(status.failure?.code).toBe("LIMIT_EXCEEDED");
    expect(status.failure?.message).toMatch(/memory/);
  });

  it("a huge output is blocked by the output-size rule and nothing is released", async () => {
    const status = await mock(`export default async () => ({ blob: "x".repeat(3 * 1024 * 1024) })`, {
      limits: { outputBytes: 64 * 1024, memoryBytes: 64 * 1024 * 1024 },
    });
    expect(status.state).toBe("blocked");
    expect(status.blockedBy?.rule).toBe("output-size");
    expect(status.output).toBeNull();
    expect(status.signedReceipt?.receipt.outputHash).toBe(
      // SHA-256 of canonical JSON "null": nothing released.
      "74234e98afe7498fb5daf1f36ac2d78acc339464f950703b8c019892f982b90b",
    );
  });

  it("unbounded recursion is stopped at the stack limit, and a flood of host calls at the host-call limit", async () => {
    const recursion = await mock(
      `export default async () => { const f = (n) => f(n + 1) + 1; return f(0); }`,
    );
    expect(recursion.state).toBe("failed");
    expect(recursion.failure?.code).toBe("LIMIT_EXCEEDED");
    expect(recursion.failure?.message).toMatch(/stack/);
    const flood = await mock(
      `export default async (pdx) => { await Promise.all(Array.from({ length: 6000 }, (_, i) => pdx.sha256(String(i)))); return 1; }`,
      { limits: { cpuMs: 20_000, wallMs: 60_000 } },
    );
    expect(flood.state).toBe("failed");
    expect(flood.failure?.code).toBe("LIMIT_EXCEEDED");
    expect(flood.failure?.message).toMatch(/host/);
  });

  it("timing: the clock is frozen at the job's start (whole seconds) across work and queries; no high-resolution timer", async () => {
    const before = Date.now();
    const status = await mock(`export default async (pdx) => {
      const t0 = Date.now();
      const d0 = new Date().getTime();
      let x = 0; for (let i = 0; i < 3e6; i++) x += i % 7;
      await pdx.aggregate({ dataset: "LE-BASE", groupBy: ["district"], measures: [{ fn: "count", as: "n" }] });
      const t1 = Date.now();
      return { t0, d0, t1, performance: typeof performance, hrtime: typeof process, x: x > 0 };
    }`);
    const after = Date.now();
    expect(status.state).toBe("released");
    const out = status.output as { t0: number; d0: number; t1: number; performance: string; hrtime: string };
    expect(out.t1).toBe(out.t0);
    expect(out.d0).toBe(out.t0);
    expect(out.t0 % 1000).toBe(0);
    expect(out.t0).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 - 1000);
    expect(out.t0).toBeLessThanOrEqual(after);
    expect(out.performance).toBe("undefined");
    expect(out.hrtime).toBe("undefined");
    expect(status.stats.cpuMs).toBeGreaterThan(0);
  });
});
