/**
 * The joint vector's layout and range checks, decoding of reconstructed totals, and the output
 * rules on them (the real privacy engine: k on units and noisy counts, discrete-Laplace noise at
 * ε / ΣL, mean and variance as post-processing).
 */
import { randomUUID } from "node:crypto";
import { type TMpcJobSpec, type TMpcJobSpecInput, ZMpcJobSpec } from "@pdx/common/mpc-api";
import { describe, expect, it } from "vitest";
import { discreteLaplaceVariance } from "../privacy/dp";
import {
  decodeTotals,
  encodingCapacityProblem,
  groupDomainOf,
  LocalVectorBuilder,
  type TJointGroupTotals,
  vectorLayoutOf,
} from "./joint-vector";
import { jointEpsilon, protectJointTotals, squareBounds } from "./release";

function specOf(overrides: Partial<TMpcJobSpecInput> = {}): TMpcJobSpec {
  return ZMpcJobSpec.parse({
    jobId: randomUUID(),
    coordinator: "tax",
    buyer: { orgId: "buyer" },
    parties: [
      { node: "tax", dataset: "A", version: "1", groupField: "g", valueField: "x", rowsPerUnit: 1 },
      { node: "social", dataset: "B", version: "1", groupField: "g", valueField: "x", rowsPerUnit: 1 },
    ],
    groups: { kind: "categories", values: ["north", "south", "east"] },
    statistics: ["count", "sum", "mean", "variance"],
    bounds: [0, 100],
    epsilon: 1,
    minGroupSize: 10,
    ...overrides,
  });
}

/** A spec where one party keeps up to 10 rows per unit (so the vector carries units). */
function specWithUnits(overrides: Partial<TMpcJobSpecInput> = {}): TMpcJobSpec {
  const parties = specOf().parties.map((p, i) => ({ ...p, rowsPerUnit: i === 0 ? 10 : 1 }));
  return specOf({ parties, ...overrides });
}

function group(
  key: string,
  index: number,
  count: number,
  sum: number,
  sumOfSquares: number,
): TJointGroupTotals {
  return { index, key, count, units: count, sum: sum.toFixed(2), sumOfSquares: sumOfSquares.toFixed(2) };
}

describe("ZMpcJobSpec", () => {
  it("refuses specs that cannot be computed", () => {
    const problems = (input: Partial<TMpcJobSpecInput>) =>
      ZMpcJobSpec.safeParse({ ...specOf(), ...input }).error?.issues.map((i) => i.message) ?? [];
    expect(problems({ coordinator: "health" })).toContain("the coordinator must be a party");
    expect(problems({ bounds: undefined })).toContain("required for sum, mean and variance");
    expect(problems({ bounds: [0, 0.001] })).toContain(
      "bounds must be multiples of the encoding's resolution (10^-decimals)",
    );
    expect(problems({ groups: { kind: "histogram", start: 5, width: 10, buckets: 3 } })).toContain(
      "start must be a whole multiple of width",
    );
    expect(problems({ groups: { kind: "histogram", start: 0, width: 1, buckets: 2_000_000 } })).toContain(
      "groups × columns must stay at most 4194304",
    );
  });
});

describe("vector layout and encoding range", () => {
  it("has a count, units when a party keeps several rows per unit, a sum for value statistics, squares for variance", () => {
    expect(vectorLayoutOf(specOf({ statistics: ["count"] })).columns).toEqual(["count"]);
    expect(vectorLayoutOf(specOf({ statistics: ["mean"] })).columns).toEqual(["count", "sum"]);
    expect(vectorLayoutOf(specWithUnits())).toEqual({
      groups: 3,
      columns: ["count", "units", "sum", "sum_of_squares"],
      length: 12,
    });
  });

  it("refuses from public facts when a party's entries could overflow, and accepts when they cannot", () => {
    const spec = specOf({ bounds: [-1_000_000, 1_000_000], encoding: { decimals: 2, squareDecimals: 2 } });
    const input = { layout: vectorLayoutOf(spec), encoding: spec.encoding, bounds: spec.bounds, parties: 2 };
    expect(encodingCapacityProblem({ ...input, rows: 100_000 })).toMatch(/sum of squares may overflow/);
    expect(
      encodingCapacityProblem({ ...input, rows: 100_000, encoding: { decimals: 2, squareDecimals: -6 } }),
    ).toBeNull();
    expect(
      encodingCapacityProblem({ ...input, rows: 10 ** 14, encoding: { decimals: 2, squareDecimals: -6 } }),
    ).toMatch(/the sum may overflow/);
  });

  it("decodes what a builder encoded, negatives included, and refuses impossible counts", () => {
    const spec = specWithUnits({ bounds: [-100, 100] });
    const layout = vectorLayoutOf(spec);
    const builder = new LocalVectorBuilder(layout, spec.encoding);
    builder.add(2, { count: 3, units: 2, sum: "-12.34", sumOfSquaresSteps: 777n });
    const domain = groupDomainOf(spec.groups);
    expect(decodeTotals(builder.vector, layout, domain, spec.encoding)).toEqual([
      { index: 2, key: "east", count: 3, units: 2, sum: "-12.34", sumOfSquares: "7.77" },
    ]);
    const broken = builder.vector.slice();
    broken[3 + 2] = 5n; // units above the count
    expect(() => decodeTotals(broken, layout, domain, spec.encoding)).toThrow(/inconsistent/);
  });

  it("refuses a party whose units differ from its rows where one row per unit was promised", () => {
    const spec = specOf();
    const builder = new LocalVectorBuilder(vectorLayoutOf(spec), spec.encoding);
    expect(() => builder.add(0, { count: 3, units: 2, sum: "1" })).toThrow(/one row per unit was promised/);
  });

  it("maps histogram keys of the compiler to buckets, and nothing outside the domain", () => {
    const domain = groupDomainOf({ kind: "histogram", start: -20, width: 10, buckets: 4 });
    expect([0, 1, 2, 3].map((i) => domain.keyOf(i))).toEqual(["-20", "-10", "0", "10"]);
    expect(domain.indexOf("-10")).toBe(1);
    expect(domain.indexOf("10")).toBe(3);
    expect(domain.indexOf("20")).toBeUndefined();
    expect(domain.indexOf("-30")).toBeUndefined();
    expect(domain.indexOf("5")).toBeUndefined();
    expect(domain.indexOf("")).toBeUndefined();
  });
});

describe("protectJointTotals", () => {
  it("withholds groups below k, releases the others in domain order with ε / ΣL noise", async () => {
    const spec = specOf({ statistics: ["count"], epsilon: 1 });
    const domain = groupDomainOf(spec.groups);
    const totals = [group("north", 0, 500, 0, 0), group("south", 1, 4, 0, 0), group("east", 2, 600, 0, 0)];
    const released = await protectJointTotals({ spec, domain, totals });
    // south (4 < k) is withheld, and east or north with it only if complementary suppression asks:
    // a 1-dim table with one withheld cell withholds the smallest released one too.
    expect(released.rows.map((r) => r.group)).toEqual(["east"]);
    expect(released.noise).toEqual([{ measure: "count", mechanism: "laplace", scale: 2 }]);
    expect(released.rowsPerUnit).toBe(2);
    expect(released.epsilonSpent).toBe(1);
    expect(jointEpsilon(spec)).toBe(1);
  });

  it("draws count noise of the reported scale (empirical variance over 2000 releases)", async () => {
    const spec = specOf({
      statistics: ["count"],
      epsilon: 0.5,
      groups: { kind: "total" },
      parties: specOf().parties.map((p) => ({ ...p, groupField: undefined })),
    });
    const domain = groupDomainOf(spec.groups);
    const noises: number[] = [];
    let scale = 0;
    for (let i = 0; i < 2000; i++) {
      const r = await protectJointTotals({ spec, domain, totals: [group("", 0, 10_000, 0, 0)] });
      noises.push(Number(r.rows[0]!.count) - 10_000);
      scale = r.noise[0]!.scale;
    }
    expect(scale).toBe(4); // 1 / (0.5 / 2)
    const variance = noises.reduce((s, n) => s + n * n, 0) / noises.length;
    const expected = discreteLaplaceVariance(scale);
    // Relative standard error of this estimate is about √(5/2000) = 5%: ±30% is six of them.
    expect(variance).toBeGreaterThan(expected * 0.7);
    expect(variance).toBeLessThan(expected * 1.3);
  });

  it("derives mean and variance from the noisy sum, sum of squares and count", async () => {
    const spec = specOf({ epsilon: 10, statistics: ["count", "mean", "variance"] });
    const domain = groupDomainOf(spec.groups);
    // 1000 values 0, 1, …, 99 (ten times each): mean 49.5, population variance 833.25.
    let sum = 0;
    let squares = 0;
    for (let i = 0; i < 1000; i++) {
      sum += i % 100;
      squares += (i % 100) ** 2;
    }
    const totals = ["north", "south", "east"].map((key, index) => group(key, index, 1000, sum, squares));
    const released = await protectJointTotals({ spec, domain, totals });
    expect(released.columns.map((c) => c.key)).toEqual(["group", "count", "mean", "variance"]);
    expect(released.rows).toHaveLength(3);
    for (const row of released.rows) {
      expect(Math.abs(Number(row.mean) - 49.5)).toBeLessThan(1);
      expect(Math.abs(Number(row.variance) - 833.25)).toBeLessThan(40);
    }
    expect(Object.keys(released.derived)).toEqual(["mean", "variance"]);
    expect(released.noise.map((n) => n.measure)).toEqual(["count", "sum", "sum_of_squares"]);
    expect(squareBounds([-3, 2])).toEqual([0, 9]);
    expect(squareBounds([2, 3])).toEqual([4, 9]);
  });
});
