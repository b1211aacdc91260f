/**
 * The release check on job outputs (shape and canonical size).
 */
import { canonicalJson } from "@pdx/common/canonical-json";
import { describe, expect, it } from "vitest";
import { checkOutput, OUTPUT_MAX_DEPTH } from "./output-check";

describe("checkOutput", () => {
  it("releases plain JSON data, measured as canonical JSON in UTF-8 bytes", () => {
    const output = { rows: [{ district: "海淀区", total: 12.5, ok: true, note: null }], count: 3 };
    const result = checkOutput(output, 1000);
    expect(result).toEqual({
      ok: true,
      canonicalJson: canonicalJson(output),
      bytes: Buffer.byteLength(canonicalJson(output), "utf8"),
    });
    // 海淀区 is 9 bytes in UTF-8, not 3.
    expect(result.ok && result.bytes).toBe(canonicalJson(output).length + 6);
    for (const scalar of [null, 0, "", false, [], {}]) expect(checkOutput(scalar, 10).ok).toBe(true);
  });

  it("omits undefined object properties, as JSON does", () => {
    expect(checkOutput({ a: 1, b: undefined }, 100)).toMatchObject({ ok: true, canonicalJson: '{"a":1}' });
  });

  it("blocks an output over the byte cap with rule output-size, naming both sizes", () => {
    const output = { text: "x".repeat(100) };
    const bytes = canonicalJson(output).length;
    expect(checkOutput(output, bytes).ok).toBe(true);
    expect(checkOutput(output, bytes - 1)).toEqual({
      ok: false,
      blockedBy: {
        rule: "output-size",
        message: `the output is ${bytes} bytes of canonical JSON; the limit is ${bytes - 1} bytes`,
      },
    });
  });

  it.each([
    ["a function", { rows: [{ f: () => 1 }] }, "output.rows[0].f is a function"],
    ["NaN", { total: Number.NaN }, "output.total is not a finite number"],
    ["Infinity", [1, Number.POSITIVE_INFINITY], "output[1] is not a finite number"],
    ["a bigint", { n: 10n }, "output.n is a bigint"],
    ["a symbol", { s: Symbol("x") }, "output.s is a symbol"],
    ["a top-level undefined", undefined, "output is undefined"],
    ["an undefined array element", [1, undefined], "output[1] is undefined"],
    ["a Date", { at: new Date(0) }, "output.at is not a plain object"],
    ["a Map", new Map(), "output is not a plain object"],
    ["an odd key", { "a b": Number.NaN }, 'output["a b"] is not a finite number'],
  ])("blocks %s with rule output-shape, naming where", (_, output, where) => {
    const result = checkOutput(output, 10_000);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.blockedBy.rule).toBe("output-shape");
    expect(result.blockedBy.message).toContain(where);
  });

  it("blocks cycles but allows the same object twice in different places", () => {
    const shared = { x: 1 };
    expect(checkOutput({ a: shared, b: shared }, 100).ok).toBe(true);
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const result = checkOutput(cyclic, 100);
    expect(result).toMatchObject({ ok: false, blockedBy: { rule: "output-shape" } });
    expect(!result.ok && result.blockedBy.message).toContain("output.self refers back to itself");
  });

  it("blocks nesting deeper than the limit", () => {
    let deep: unknown = 1;
    for (let i = 0; i < OUTPUT_MAX_DEPTH; i++) deep = [deep];
    expect(checkOutput(deep, 10_000).ok).toBe(true);
    expect(checkOutput([deep], 10_000)).toMatchObject({ ok: false, blockedBy: { rule: "output-shape" } });
  });

  it("never echoes a value in its message", () => {
    const secret = "91110108MA01ABCDE1";
    const result = checkOutput({ id: secret, bad: Number.NaN, pad: secret.repeat(10) }, 10);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.blockedBy.message).not.toContain(secret);
    const big = checkOutput({ id: secret }, 10);
    expect(!big.ok && big.blockedBy.message).not.toContain(secret);
  });
});
