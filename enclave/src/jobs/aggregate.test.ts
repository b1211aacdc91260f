import { canonicalJson } from "@pdx/common/canonical-json";
import { sha256Hex } from "@pdx/common/hash";
import { describe, expect, it } from "vitest";
import type { TAggregatePlan } from "../privacy/column-policy";
import { buildAggregateOutput, outputHashOf } from "./aggregate";

const plan: TAggregatePlan = {
  groupBy: ["district", "industry"],
  measures: [
    { fn: "count", as: "n" },
    { fn: "sum", field: "registered_capital", as: "capital" },
  ],
  sumFields: ["registered_capital"],
  fieldsRead: ["district", "industry", "registered_capital"],
  k: 10,
};

describe("buildAggregateOutput", () => {
  const groups = [
    { dims: ["南湾区", "制造业"], rowCount: 12, sums: ["100.10"] },
    { dims: ["中心区", "金融业"], rowCount: 40, sums: ["123456789.99"] },
    { dims: ["中心区", "采矿业"], rowCount: 3, sums: ["999999.00"] },
    { dims: ["中心区", "制造业"], rowCount: 10, sums: ["0.30"] },
  ];

  it("drops cells under k with all their values, sorts the rest by code unit, and rounds sums to cents", () => {
    const out = buildAggregateOutput(plan, groups);
    expect(out.rows).toEqual([
      { district: "中心区", industry: "制造业", n: 10, capital: 0.3 },
      { district: "中心区", industry: "金融业", n: 40, capital: 123456789.99 },
      { district: "南湾区", industry: "制造业", n: 12, capital: 100.1 },
    ]);
    expect(JSON.stringify(out)).not.toContain("采矿业");
    expect(JSON.stringify(out)).not.toContain("999999");
    expect(out.suppression).toEqual({ rule: "min-group-size", k: 10, suppressedCells: 1, releasedCells: 3 });
    expect(out.columns.map((c) => `${c.kind}:${c.key}`)).toEqual([
      "dimension:district",
      "dimension:industry",
      "measure:n",
      "measure:capital",
    ]);
  });

  it("gives the same output whatever order the database returned the groups in", () => {
    expect(buildAggregateOutput(plan, [...groups].reverse())).toEqual(buildAggregateOutput(plan, groups));
  });

  it("hashes the output as sha256(canonicalJson({columns, rows, suppression}))", () => {
    const out = buildAggregateOutput(plan, groups);
    expect(outputHashOf(out)).toBe(sha256Hex(canonicalJson(out)));
    const altered = { ...out, rows: out.rows.map((r, i) => (i === 0 ? { ...r, n: 11 } : r)) };
    expect(outputHashOf(altered)).not.toBe(outputHashOf(out));
  });
});
