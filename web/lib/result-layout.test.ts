import { describe, expect, it } from "vitest";
import { distinct, mergeOrder, numericValue } from "./result-layout";

describe("result layout", () => {
  it("keeps first-seen order for distinct values", () => {
    expect(distinct(["b", "a", "b", "c", "a"])).toEqual(["b", "a", "c"]);
  });

  it("merges per-district industry lists with gaps into one consistent order", () => {
    // District 1 lacks B (withheld), district 2 lacks D: the global order A B C D E survives.
    expect(
      mergeOrder([
        ["A", "C", "D", "E"],
        ["A", "B", "C", "E"],
      ]),
    ).toEqual(["A", "B", "C", "D", "E"]);
    expect(mergeOrder([])).toEqual([]);
  });

  it("reads numbers and numeric strings, and nothing else", () => {
    expect(numericValue(12)).toBe(12);
    expect(numericValue("12345678901")).toBe(12345678901);
    expect(numericValue("12.5")).toBe(12.5);
    expect(numericValue("福田区")).toBeNull();
    expect(numericValue("")).toBeNull();
    expect(numericValue(undefined)).toBeNull();
  });
});
