/**
 * protectAggregate: charging before noise, k + complementary suppression on true counts, noise on
 * every released value, rounding, ordering and the reported accounting. The ledger behind
 * `charge` is exercised for real in test/integration/enclave-privacy-budget.test.ts; here a
 * recording callback stands in for it.
 */
import type { TQueryMeasure } from "@pdx/common/enclave-query";
import { describe, expect, it } from "vitest";
import { discreteLaplaceVariance } from "./dp";
import {
  protectAggregate,
  queryEpsilon,
  type TProtectAggregateInput,
  type TRawGroup,
} from "./protect-aggregate";

function recorder() {
  const charges: { epsilon: number; detail: string }[] = [];
  return {
    charges,
    charge: async (epsilon: number, detail: string) => {
      charges.push({ epsilon, detail });
    },
  };
}

const COUNT: TQueryMeasure = { fn: "count", as: "n" };
const CAPITAL_SUM: TQueryMeasure = {
  fn: "sum",
  field: "registered_capital",
  as: "capital",
  bounds: [0, 1_000_000],
};
const CAPITAL_MEAN: TQueryMeasure = {
  fn: "mean",
  field: "registered_capital",
  as: "avg_capital",
  bounds: [0, 1_000_000],
};

function input(overrides: Partial<TProtectAggregateInput>): TProtectAggregateInput {
  return {
    groupBy: [],
    measures: [COUNT],
    groups: [],
    k: 10,
    epsilon: 1,
    charge: async () => {},
    ...overrides,
  };
}

describe("protectAggregate", () => {
  it("charges the count plus each sum/mean once per query, then releases noisy, rounded, sorted rows", async () => {
    const { charges, charge } = recorder();
    const groups: TRawGroup[] = [
      { dims: ["朝阳区"], count: 400, sums: ["40000000.00", "40000000.00"] },
      { dims: ["东城区"], count: 300, sums: ["12345678.91", "12345678.91"] },
      { dims: ["海淀区"], count: 500, sums: ["99999999.99", "99999999.99"] },
    ];
    const result = await protectAggregate(
      input({
        groupBy: ["district"],
        measures: [COUNT, CAPITAL_SUM, CAPITAL_MEAN],
        groups,
        epsilon: 0.5,
        charge,
      }),
    );
    expect(charges).toEqual([
      {
        epsilon: 1.5,
        detail:
          "aggregate by [district]: count, sum(registered_capital), mean(registered_capital); ε 0.5 each",
      },
    ]);
    expect(result.epsilonSpent).toBe(1.5);
    expect(result.columns).toEqual([
      { key: "district", kind: "dimension" },
      { key: "n", kind: "measure" },
      { key: "capital", kind: "measure" },
      { key: "avg_capital", kind: "measure" },
    ]);
    expect(result.rows.map((r) => r.district)).toEqual(["东城区", "朝阳区", "海淀区"]);
    expect(result.minGroupSize).toBe(10);
    // How many cells were withheld is never reported (small vs empty groups would be an oracle).
    expect(result).not.toHaveProperty("suppressedCells");
    expect(result.noise).toEqual([
      { measure: "n", mechanism: "laplace", scale: 2 },
      { measure: "capital", mechanism: "laplace", scale: 2_002_000 },
      { measure: "avg_capital", mechanism: "laplace", scale: 2_002_000 },
    ]);
    for (const row of result.rows) {
      expect(Number.isInteger(row.n)).toBe(true);
      expect(row.n as number).toBeGreaterThanOrEqual(0);
      expect(Math.round((row.capital as number) * 100)).toBe((row.capital as number) * 100);
      expect(row.avg_capital as number).toBeGreaterThanOrEqual(0);
      expect(row.avg_capital as number).toBeLessThanOrEqual(1_000_000);
    }
  });

  it("adds noise of the reported scale to every released value", async () => {
    const groups: TRawGroup[] = Array.from({ length: 1000 }, (_, i) => ({
      dims: [`d${String(i).padStart(3, "0")}`],
      count: 1000,
      sums: ["5000000"],
    }));
    const result = await protectAggregate(
      input({ groupBy: ["d"], measures: [COUNT, CAPITAL_SUM], groups, epsilon: 1, k: 2 }),
    );
    const countErrors = result.rows.map((r) => (r.n as number) - 1000);
    const sumErrors = result.rows.map((r) => (r.capital as number) - 5_000_000);
    const variance = (xs: number[]) => xs.reduce((a, x) => a + x * x, 0) / xs.length;
    // 1,000 cells: ±50 % is 7 standard errors of the sample variance (kurtosis 6: se ≈ σ²·√(5/1000)).
    expect(variance(countErrors) / discreteLaplaceVariance(1)).toBeGreaterThan(0.5);
    expect(variance(countErrors) / discreteLaplaceVariance(1)).toBeLessThan(1.5);
    const sumScale = result.noise[1]!.scale;
    expect(variance(sumErrors) / (2 * sumScale ** 2)).toBeGreaterThan(0.5);
    expect(variance(sumErrors) / (2 * sumScale ** 2)).toBeLessThan(1.5);
    // Noise is not all zero: values differ from the truth in most cells.
    expect(sumErrors.filter((e) => e !== 0).length).toBeGreaterThan(950);
  });

  it("scales the noise by the rows each unit may contribute, while charging ε once", async () => {
    const { charges, charge } = recorder();
    const groups: TRawGroup[] = Array.from({ length: 1000 }, (_, i) => ({
      dims: [`d${String(i).padStart(3, "0")}`],
      count: 5000,
      units: 1000,
      sums: ["5000000"],
    }));
    const result = await protectAggregate(
      input({
        groupBy: ["d"],
        measures: [COUNT, CAPITAL_SUM],
        groups,
        epsilon: 1,
        k: 2,
        rowsPerUnit: 5,
        charge,
      }),
    );
    expect(result.rowsPerUnit).toBe(5);
    expect(charges).toEqual([
      {
        epsilon: 2,
        detail: "aggregate by [d]: count, sum(registered_capital); ε 1 each; ≤ 5 rows per unit",
      },
    ]);
    // The mechanisms ran at ε/5: five times the scale of the one-row-per-unit case (1 and 1,001,000).
    expect(result.noise).toEqual([
      { measure: "n", mechanism: "laplace", scale: 5 },
      { measure: "capital", mechanism: "laplace", scale: 5_005_000 },
    ]);
    const countErrors = result.rows.map((r) => (r.n as number) - 5000);
    const variance = countErrors.reduce((a, x) => a + x * x, 0) / countErrors.length;
    expect(variance / discreteLaplaceVariance(5)).toBeGreaterThan(0.5);
    expect(variance / discreteLaplaceVariance(5)).toBeLessThan(1.5);
  });

  it("counts distinct units, not rows, against k: one enterprise's 100 rows are never a releasable cell", async () => {
    const groups: TRawGroup[] = [
      { dims: ["alone"], count: 100, units: 1, sums: [] },
      { dims: ["nine"], count: 90, units: 9, sums: [] },
      { dims: ["many"], count: 400, units: 200, sums: [] },
      { dims: ["more"], count: 500, units: 250, sums: [] },
    ];
    for (let i = 0; i < 20; i++) {
      const result = await protectAggregate(input({ groupBy: ["g"], groups, k: 10, rowsPerUnit: 10 }));
      expect(result.rows.map((r) => r.g)).toEqual(["many", "more"]);
    }
  });

  it("withholds cells under k, and the smallest other cell as a complement, without saying how many", async () => {
    const groups: TRawGroup[] = [
      { dims: ["a"], count: 500, sums: [] },
      { dims: ["b"], count: 3, sums: [] },
      { dims: ["c"], count: 40, sums: [] },
      { dims: ["d"], count: 900, sums: [] },
    ];
    const result = await protectAggregate(input({ groupBy: ["g"], groups, k: 10 }));
    expect(result.rows.map((r) => r.g)).toEqual(["a", "d"]);
    expect(Object.keys(result).sort()).toEqual([
      "columns",
      "epsilonSpent",
      "minGroupSize",
      "noise",
      "rows",
      "rowsPerUnit",
    ]);
  });

  it("uses the bucket's `as` as the dimension column and sorts multi-dim rows by every dimension", async () => {
    const groups: TRawGroup[] = [
      { dims: ["2021", "b"], count: 50, sums: [] },
      { dims: ["2020", "b"], count: 50, sums: [] },
      { dims: ["2021", "a"], count: 50, sums: [] },
      { dims: ["2020", "a"], count: 50, sums: [] },
    ];
    const result = await protectAggregate(
      input({ groupBy: [{ field: "founded_on", bucket: "year", as: "year" }, "status"], groups }),
    );
    expect(result.rows.map((r) => `${r.year}/${r.status}`)).toEqual(["2020/a", "2020/b", "2021/a", "2021/b"]);
    expect(result.columns.slice(0, 2)).toEqual([
      { key: "year", kind: "dimension" },
      { key: "status", kind: "dimension" },
    ]);
  });

  it("charges the count even when only a sum is asked for, and releases 0-dim only at k", async () => {
    const { charges, charge } = recorder();
    const small = await protectAggregate(
      input({
        measures: [CAPITAL_SUM],
        groups: [{ dims: [], count: 9, sums: ["900"] }],
        epsilon: 0.25,
        charge,
      }),
    );
    expect(small).toMatchObject({ rows: [], epsilonSpent: 0.5 });
    const empty = await protectAggregate(
      input({ measures: [CAPITAL_SUM], groups: [], epsilon: 0.25, charge }),
    );
    expect(empty).toMatchObject({ rows: [], epsilonSpent: 0.5 });
    // Far above k (noise scale 4 at ε 0.25): the noisy gate passes except with probability ~e^-12.
    const enough = await protectAggregate(
      input({
        measures: [CAPITAL_SUM],
        groups: [{ dims: [], count: 60, sums: ["900"] }],
        epsilon: 0.25,
        charge,
      }),
    );
    expect(enough.rows).toHaveLength(1);
    expect(enough.columns).toEqual([{ key: "capital", kind: "measure" }]);
    expect(charges.map((c) => c.epsilon)).toEqual([0.5, 0.5, 0.5]);
  });

  it("decides release at the boundary at random (true AND noisy count ≥ k), never below k", async () => {
    const trials = 400;
    const releasedAt = async (count: number) => {
      let released = 0;
      for (let i = 0; i < trials; i++) {
        const r = await protectAggregate(
          input({ groups: [{ dims: [], count, sums: [] }], k: 10, epsilon: 0.5 }),
        );
        released += r.rows.length;
      }
      return released;
    };
    // Below k: never, whatever the noise.
    expect(await releasedAt(9)).toBe(0);
    // At k: P(noise ≥ 0) = (1 + q)/2… ≈ 0.62 for scale 2; 400 trials → far from 0 and from 400 (> 10σ).
    const atK = await releasedAt(10);
    expect(atK).toBeGreaterThan(150);
    expect(atK).toBeLessThan(330);
  });

  it("returns zero rows, not an error, when every cell is withheld", async () => {
    const groups: TRawGroup[] = [
      { dims: ["a"], count: 2, sums: [] },
      { dims: ["b"], count: 3, sums: [] },
    ];
    const result = await protectAggregate(input({ groupBy: ["g"], groups }));
    expect(result).toMatchObject({ rows: [], epsilonSpent: 1 });
  });

  it("releases nothing when the charge is refused", async () => {
    const refusal = new Error("budget exhausted");
    await expect(
      protectAggregate(
        input({
          groupBy: ["g"],
          groups: [{ dims: ["a"], count: 50, sums: [] }],
          charge: async () => {
            throw refusal;
          },
        }),
      ),
    ).rejects.toBe(refusal);
  });

  it("refuses bad ε, bounds or k before charging anything", async () => {
    const { charges, charge } = recorder();
    const groups: TRawGroup[] = [{ dims: ["a"], count: 50, sums: ["1"] }];
    const bad = [
      input({ groupBy: ["g"], groups: [{ dims: ["a"], count: 50, sums: [] }], epsilon: 0, charge }),
      input({
        groupBy: ["g"],
        measures: [{ fn: "sum", field: "x", as: "x", bounds: [5, 1] }],
        groups,
        charge,
      }),
      input({ groupBy: ["g"], groups: [{ dims: ["a"], count: 50, sums: [] }], k: 0, charge }),
      input({ groupBy: ["g", "h"], groups: [{ dims: ["a"], count: 50, sums: [] }], charge }),
      input({ groupBy: ["g"], groups: [{ dims: ["a"], count: 50, sums: [] }], rowsPerUnit: 0, charge }),
      input({ groupBy: ["g"], groups: [{ dims: ["a"], count: 50, units: 51, sums: [] }], charge }),
    ];
    for (const b of bad) await expect(protectAggregate(b)).rejects.toThrow();
    expect(charges).toEqual([]);
  });

  it("queryEpsilon counts the count once plus each sum and mean", () => {
    expect(queryEpsilon([COUNT], 0.5)).toBe(0.5);
    expect(queryEpsilon([COUNT, COUNT], 0.5)).toBe(0.5);
    expect(queryEpsilon([CAPITAL_SUM, CAPITAL_MEAN], 0.5)).toBe(1.5);
  });
});
