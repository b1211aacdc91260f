import { describe, expect, it } from "vitest";
import { applyMinGroupSize } from "./min-group-size";

describe("applyMinGroupSize", () => {
  const groups = [9, 10, 11, 1, 0, 100].map((rowCount, i) => ({ id: i, rowCount }));

  it("releases groups with at least k rows and counts the rest as withheld", () => {
    const { released, suppressedCells } = applyMinGroupSize(groups, 10);
    expect(released.map((g) => g.rowCount)).toEqual([10, 11, 100]);
    expect(suppressedCells).toBe(3);
  });

  it("withholds nothing at k = 1 except empty groups", () => {
    expect(applyMinGroupSize(groups, 1).suppressedCells).toBe(1);
  });

  it("refuses a k that is not a positive integer", () => {
    expect(() => applyMinGroupSize(groups, 0)).toThrow(/k must be/);
    expect(() => applyMinGroupSize(groups, 2.5)).toThrow(/k must be/);
  });
});
