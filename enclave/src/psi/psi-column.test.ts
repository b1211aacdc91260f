/**
 * Column preparation (normalized, de-duplicated, hashed exactly as the buyer hashes) and the column
 * cache (shared builds, failed builds forgotten, least recently used evicted past its budget).
 */
import type { TPsiCurve } from "@pdx/common/psi/curve";
import { createNodePsiCurve } from "@pdx/common/psi/node-curve";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PsiColumnCache, preparePsiColumn, psiColumnKey, type TPsiColumn } from "./psi-column";

let curve: TPsiCurve;
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

beforeAll(async () => {
  curve = await createNodePsiCurve();
});
afterAll(async () => {
  await curve?.close();
});

describe("preparePsiColumn", () => {
  it("hashes distinct normalized values, from an async source, dropping empties and repeats", async () => {
    async function* rows() {
      yield "91350100M000100Y3X";
      yield " 91350100m000100y3x "; // the same code once normalized
      yield null;
      yield "";
      yield "911100001000001234";
    }
    const column = await preparePsiColumn({ format: "uscc", values: rows(), curve, batchItems: 1 });
    expect(column).toMatchObject({ format: "uscc", size: 2, empty: 2, duplicates: 1 });
    const expected = await curve.hashToGroup("uscc", ["91350100M000100Y3X", "911100001000001234"]);
    expect(hex(column.points)).toBe(hex(expected));
  });

  it("keeps first-seen order across batches", async () => {
    const values = Array.from({ length: 1000 }, (_, i) => `v${i % 700}`);
    const column = await preparePsiColumn({ format: "generic", values, curve, batchItems: 64 });
    expect(column.size).toBe(700);
    expect(hex(column.points)).toBe(hex(await curve.hashToGroup("generic", values.slice(0, 700))));
  });
});

describe("PsiColumnCache", () => {
  const fake = (size: number): TPsiColumn => ({
    format: "generic",
    size,
    points: new Uint8Array(size * 32),
    empty: 0,
    duplicates: 0,
  });

  it("shares one build between concurrent requests and forgets a failed build", async () => {
    const cache = new PsiColumnCache(100);
    let builds = 0;
    const build = async () => {
      builds++;
      return fake(10);
    };
    const [a, b] = await Promise.all([cache.get("k", build), cache.get("k", build)]);
    expect(a).toBe(b);
    expect(builds).toBe(1);
    await expect(cache.get("bad", async () => Promise.reject(new Error("vault down")))).rejects.toThrow(
      "vault down",
    );
    expect(cache.has("bad")).toBe(false);
  });

  it("evicts the least recently used columns beyond its point budget", async () => {
    const cache = new PsiColumnCache(25);
    await cache.get("a", async () => fake(10));
    await cache.get("b", async () => fake(10));
    await cache.get("a", async () => fake(99)); // touch a (no rebuild)
    await cache.get("c", async () => fake(10));
    expect([cache.has("a"), cache.has("b"), cache.has("c")]).toEqual([true, false, true]);
    expect(cache.points).toBe(20);
  });

  it("keys name dataset, version, field and format", () => {
    expect(psiColumnKey({ dataset: "CR-DISHONEST", version: "2026-01", field: "uscc", format: "uscc" })).toBe(
      "CR-DISHONEST@2026-01/uscc/uscc",
    );
  });
});
