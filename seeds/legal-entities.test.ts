import { createHash } from "node:crypto";
import { canonicalJson } from "@pdx/common/canonical-json";
import { isValidUscc, usccProblem } from "@pdx/common/uscc";
import { beforeAll, describe, expect, it } from "vitest";
import {
  generateLegalEntities,
  LE_BASE_DATASET,
  LE_DISTRICTS,
  LE_INDUSTRIES,
  LE_STATUSES,
  legalEntitiesContentHash,
  SeededRandom,
  type TLegalEntity,
} from "./legal-entities";

/**
 * Pinned digests of the canonical dataset. If the generator changes, these change: that is a new
 * dataset content, so LE_BASE_DATASET.version must change with them (receipts name the version).
 */
const FIRST_1000_DIGEST = "872d9c372dc519e1fb205aa8ce640ecce45d9420f191134c28f936424a35821c";
const FULL_SET_DIGEST = "a465047ac3c023022a99d7df9cfb320cc316cb605fe1f91e93c2cbe18c172a48";

let rows: TLegalEntity[];

beforeAll(() => {
  rows = [...generateLegalEntities()];
});

function firstNDigest(n: number, seed?: number): string {
  const hash = createHash("sha256");
  let i = 0;
  for (const row of generateLegalEntities({ count: n, seed })) {
    hash.update(`${canonicalJson(row)}\n`);
    i++;
  }
  expect(i).toBe(n);
  return hash.digest("hex");
}

describe("generateLegalEntities (LE-BASE 2026.11)", () => {
  it("yields the canonical count by default, and exactly `count` rows when asked", () => {
    expect(LE_BASE_DATASET).toMatchObject({ code: "LE-BASE", version: "2026.11", count: 100_000 });
    expect(rows).toHaveLength(100_000);
    expect([...generateLegalEntities({ count: 37 })]).toHaveLength(37);
    expect([...generateLegalEntities({ count: 0 })]).toHaveLength(0);
  });

  it("gives every entity a valid, unique GB 32100 code whose division code is its district's", () => {
    const codeOfDistrict = new Map(LE_DISTRICTS.map((d) => [d.name, d.code]));
    const problems = rows.filter((r) => !isValidUscc(r.uscc)).map((r) => `${r.uscc}: ${usccProblem(r.uscc)}`);
    expect(problems).toEqual([]);
    expect(new Set(rows.map((r) => r.uscc)).size).toBe(rows.length);
    expect(rows.filter((r) => r.uscc.slice(2, 8) !== codeOfDistrict.get(r.district))).toEqual([]);
  });

  it("uses realistic code parts: mostly enterprises (91), some co-operatives, private non-enterprises and institutions", () => {
    const kinds = new Map<string, number>();
    for (const r of rows) kinds.set(r.uscc.slice(0, 2), (kinds.get(r.uscc.slice(0, 2)) ?? 0) + 1);
    expect([...kinds.keys()].sort()).toEqual(["12", "52", "91", "93"]);
    expect(kinds.get("91")! / rows.length).toBeGreaterThan(0.95);
    const mismatched = rows.filter(
      (r) =>
        (r.uscc.startsWith("93") && !r.name.endsWith("专业合作社")) ||
        (r.uscc.startsWith("91") && !r.name.endsWith("公司")),
    );
    expect(mismatched).toEqual([]);
    // Codes issued since the 2015 reform carry an "MA" organization identifier.
    const recent = rows.filter((r) => r.founded_on >= "2016");
    expect(recent.every((r) => r.uscc.slice(8, 10) === "MA")).toBe(true);
    expect(rows.filter((r) => r.founded_on < "2016").some((r) => r.uscc.slice(8, 10) === "MA")).toBe(false);
  });

  it("gives every entity a unique Chinese name", () => {
    expect(new Set(rows.map((r) => r.name)).size).toBe(rows.length);
    expect(rows.every((r) => /^[\u4e00-\u9fff（）]+$/.test(r.name))).toBe(true);
  });

  it("keeps every field inside its domain", () => {
    const districts = new Set(LE_DISTRICTS.map((d) => d.name));
    const industries = new Set(LE_INDUSTRIES.map((i) => i.name));
    expect(districts.size).toBe(10);
    expect(industries.size).toBe(18);
    const outside = rows.filter(
      (r) =>
        !districts.has(r.district) ||
        !industries.has(r.industry) ||
        !LE_STATUSES.includes(r.status) ||
        !/^[1-9]\d*\.\d{2}$/.test(r.registered_capital) ||
        !(r.founded_on >= "1990-01-01" && r.founded_on <= "2026-10-31") ||
        new Date(`${r.founded_on}T00:00:00Z`).toISOString().slice(0, 10) !== r.founded_on,
    );
    expect(outside).toEqual([]);
    expect(new Set(rows.map((r) => r.district)).size).toBe(10);
    expect(new Set(rows.map((r) => r.industry)).size).toBe(18);
    expect(new Set(rows.map((r) => r.status)).size).toBe(5);
  });

  it("skews registered capital (log-normal-like: median far below mean, long right tail)", () => {
    const caps = rows.map((r) => Number(r.registered_capital)).sort((a, b) => a - b);
    const median = caps[Math.floor(caps.length / 2)]!;
    const mean = caps.reduce((s, c) => s + c, 0) / caps.length;
    expect(median).toBeGreaterThan(30);
    expect(median).toBeLessThan(500);
    expect(mean).toBeGreaterThan(2 * median);
    expect(caps.at(-1)!).toBeGreaterThan(100 * median);
  });

  it("weights statuses realistically: most entities are active, a few moved out", () => {
    const share = (s: string) => rows.filter((r) => r.status === s).length / rows.length;
    expect(share("存续") + share("在业")).toBeGreaterThan(0.75);
    expect(share("迁出")).toBeLessThan(0.05);
    expect(share("迁出")).toBeGreaterThan(0);
  });

  it("leaves some district × industry cells with fewer than 10 entities while most have many", () => {
    const cells = new Map<string, number>();
    for (const r of rows)
      cells.set(`${r.district}|${r.industry}`, (cells.get(`${r.district}|${r.industry}`) ?? 0) + 1);
    const counts = [...cells.values()];
    const rare = counts.filter((c) => c < 10);
    expect(rare.length).toBeGreaterThanOrEqual(3);
    expect(counts.filter((c) => c >= 100).length / counts.length).toBeGreaterThan(0.6);
  });

  it("is deterministic: the same seed gives byte-identical rows (pinned digests)", () => {
    expect(firstNDigest(1000)).toBe(FIRST_1000_DIGEST);
    expect(legalEntitiesContentHash(generateLegalEntities())).toBe(FULL_SET_DIGEST);
    expect(legalEntitiesContentHash(rows)).toBe(FULL_SET_DIGEST);
  });

  it("gives a prefix of a longer run for a shorter count, and different rows for another seed", () => {
    expect([...generateLegalEntities({ count: 5000 })]).toEqual(rows.slice(0, 5000));
    expect(firstNDigest(1000, 7)).not.toBe(FIRST_1000_DIGEST);
  });

  it("refuses a count it cannot honour", () => {
    expect(() => [...generateLegalEntities({ count: -1 })]).toThrow(/count/);
    expect(() => [...generateLegalEntities({ count: 1.5 })]).toThrow(/count/);
  });
});

describe("SeededRandom", () => {
  it("repeats its sequence for a seed and differs between seeds", () => {
    const take = (seed: number) => {
      const r = new SeededRandom(seed);
      return Array.from({ length: 5 }, () => r.nextUint32());
    };
    expect(take(1)).toEqual(take(1));
    expect(take(1)).not.toEqual(take(2));
  });

  it("draws uniform floats in [0, 1) with a mean near 1/2 and normals near N(0, 1)", () => {
    const r = new SeededRandom(42);
    const u = Array.from({ length: 20_000 }, () => r.next());
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    expect(Math.abs(u.reduce((s, x) => s + x, 0) / u.length - 0.5)).toBeLessThan(0.01);
    const n = Array.from({ length: 20_000 }, () => r.normal());
    const mean = n.reduce((s, x) => s + x, 0) / n.length;
    const variance = n.reduce((s, x) => s + (x - mean) ** 2, 0) / n.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });

  it("refuses a non-integer seed", () => {
    expect(() => new SeededRandom(0.5)).toThrow(/seed/);
  });
});
