/**
 * k and complementary suppression: worked examples, and a brute-force check on random 1- to 3-dim
 * tables that no withheld cell can be derived from marginal totals and released cells (directly
 * as "total − released", or by chains of such steps) unless the marginal totals alone give it.
 */

import { mulberry32 } from "@pdx/common/seeded-random";
import { describe, expect, it } from "vitest";
import { suppressCells, type TTableCell } from "./suppression";

function cell(dims: string[], trueCount: number): TTableCell {
  return { dims, trueCount };
}

function releasedDims(cells: readonly TTableCell[], isReleased: readonly boolean[]): string[] {
  return cells.filter((_, i) => isReleased[i]).map((c) => c.dims.join("|"));
}

describe("suppressCells: examples", () => {
  it("a 0-dim table is one cell, released only at k or more", () => {
    expect(suppressCells([cell([], 12)], 10)).toMatchObject({
      isReleased: [true],
      primarySuppressed: 0,
      complementarySuppressed: 0,
    });
    expect(suppressCells([cell([], 9)], 10)).toMatchObject({
      isReleased: [false],
      primarySuppressed: 1,
      complementarySuppressed: 0,
    });
    expect(suppressCells([cell([], 0)], 10).isReleased).toEqual([false]);
  });

  it("1-dim: one small cell takes the smallest released cell with it", () => {
    const cells = [cell(["a"], 50), cell(["b"], 3), cell(["c"], 12), cell(["d"], 12), cell(["e"], 40)];
    const result = suppressCells(cells, 10);
    // c and d tie at 12: the first in dimension order goes.
    expect(releasedDims(cells, result.isReleased)).toEqual(["a", "d", "e"]);
    expect(result).toMatchObject({ primarySuppressed: 1, complementarySuppressed: 1 });
    expect(result.released.map((c) => c.dims[0])).toEqual(["a", "d", "e"]);
  });

  it("1-dim: two small cells need no complement; none small, nothing withheld", () => {
    const two = [cell(["a"], 50), cell(["b"], 3), cell(["c"], 4)];
    expect(suppressCells(two, 10)).toMatchObject({ primarySuppressed: 2, complementarySuppressed: 0 });
    const none = [cell(["a"], 50), cell(["b"], 30)];
    expect(suppressCells(none, 10)).toMatchObject({
      isReleased: [true, true],
      primarySuppressed: 0,
      complementarySuppressed: 0,
    });
  });

  it("1-dim: all cells small → everything withheld, zero released", () => {
    const cells = [cell(["a"], 1), cell(["b"], 2)];
    expect(suppressCells(cells, 10)).toMatchObject({ released: [], primarySuppressed: 2 });
  });

  it("2-dim: a small cell's row and column each lose one more cell, and the lines close up", () => {
    // rows r1..r3 × columns x, y, z; (r1, x) = 3 is small.
    const cells = [
      cell(["r1", "x"], 3),
      cell(["r1", "y"], 20),
      cell(["r1", "z"], 30),
      cell(["r2", "x"], 15),
      cell(["r2", "y"], 40),
      cell(["r2", "z"], 50),
      cell(["r3", "x"], 25),
      cell(["r3", "y"], 60),
      cell(["r3", "z"], 70),
    ];
    const result = suppressCells(cells, 10);
    expect(result.primarySuppressed).toBe(1);
    // Row r1 loses (r1,y)=20; column x loses (r2,x)=15; then row r2 and column y each have one
    // withheld cell: (r2,y)=40 closes both → a 2×2 rectangle.
    expect(releasedDims(cells, result.isReleased)).toEqual(["r1|z", "r2|z", "r3|x", "r3|y", "r3|z"]);
    expect(result.complementarySuppressed).toBe(3);
    expect(result.derivableFromMarginals).toBe(0);
  });

  it("2-dim: a small cell determined by the marginals alone is counted, not hidden behind others", () => {
    // Column y has a single cell (r1, y) = 50, so it equals the column total; row r1 = 3 + 50.
    const cells = [cell(["r1", "x"], 3), cell(["r1", "y"], 50), cell(["r2", "x"], 40)];
    const result = suppressCells(cells, 10);
    expect(result).toMatchObject({
      isReleased: [false, true, true],
      primarySuppressed: 1,
      complementarySuppressed: 0,
      derivableFromMarginals: 1,
    });
  });

  it("refuses malformed tables and k", () => {
    expect(() => suppressCells([cell(["a"], 1)], 0)).toThrow(/k must be/);
    expect(() => suppressCells([cell(["a"], 1), cell(["a", "b"], 1)], 2)).toThrow(/same dimensions/);
    expect(() => suppressCells([cell(["a"], 1), cell(["a"], 2)], 2)).toThrow(/same dimension values/);
    expect(() => suppressCells([cell(["a", "b", "c", "d"], 1)], 2)).toThrow(/at most 3/);
    expect(() => suppressCells([cell(["a"], -1)], 2)).toThrow(/non-negative/);
  });
});

const prng = mulberry32;

function randomTable(random: () => number): { cells: TTableCell[]; k: number } {
  const d = 1 + Math.floor(random() * 3);
  const sizes = Array.from({ length: d }, () => 1 + Math.floor(random() * 5));
  const density = 0.4 + random() * 0.6;
  const k = [2, 5, 10][Math.floor(random() * 3)]!;
  const cells: TTableCell[] = [];
  const walk = (prefix: string[]) => {
    if (prefix.length === d) {
      if (random() < density) {
        const small = random() < 0.3;
        cells.push({
          dims: prefix,
          trueCount: small ? 1 + Math.floor(random() * k) : 1 + Math.floor(random() * 60),
        });
      }
      return;
    }
    for (let v = 0; v < sizes[prefix.length]!; v++) walk([...prefix, `v${v}`]);
  };
  walk([]);
  return { cells, k };
}

/**
 * Every marginal group of a table, computed independently of the code under test: for each
 * non-empty set of summed dimensions, cells grouped by pairwise agreement on the other dimensions.
 */
function bruteForceGroups(cells: readonly TTableCell[]): number[][] {
  const d = cells[0]?.dims.length ?? 0;
  const groups: number[][] = [];
  for (let mask = 1; mask < 2 ** d; mask++) {
    const kept = [...Array(d).keys()].filter((i) => !(mask & (2 ** i)));
    const assigned = new Set<number>();
    for (let i = 0; i < cells.length; i++) {
      if (assigned.has(i)) continue;
      const group = [];
      for (let j = i; j < cells.length; j++) {
        if (kept.every((dim) => cells[i]!.dims[dim] === cells[j]!.dims[dim])) {
          group.push(j);
          assigned.add(j);
        }
      }
      groups.push(group);
    }
  }
  return groups;
}

/** Cells an attacker can derive from known cells and marginal totals ≥ k, by repeated subtraction. */
function derivable(cells: readonly TTableCell[], groups: number[][], k: number, known: boolean[]): boolean[] {
  const result = [...known];
  for (let changed = true; changed; ) {
    changed = false;
    for (const group of groups) {
      const total = group.reduce((s, i) => s + cells[i]!.trueCount, 0);
      if (total < k) continue;
      const unknown = group.filter((i) => !result[i]);
      if (unknown.length === 1) {
        result[unknown[0]!] = true;
        changed = true;
      }
    }
  }
  return result;
}

describe("suppressCells: brute force on random tables", () => {
  it("leaves no withheld cell derivable beyond what marginal totals alone give", () => {
    let tablesWithComplements = 0;
    let intrinsicCases = 0;
    for (let seed = 1; seed <= 3000; seed++) {
      const { cells, k } = randomTable(prng(seed));
      if (cells.length === 0) continue;
      const result = suppressCells(cells, k);
      const context = `seed ${seed}`;
      const groups = bruteForceGroups(cells);
      // Primary rule: exactly the cells under k, and only cells of k or more are released.
      cells.forEach((c, i) => {
        if (c.trueCount < k) expect(result.isReleased[i], context).toBe(false);
      });
      expect(result.primarySuppressed, context).toBe(cells.filter((c) => c.trueCount < k).length);
      const withheld = result.isReleased.filter((r) => !r).length;
      expect(withheld, context).toBe(result.primarySuppressed + result.complementarySuppressed);
      expect(result.released.length, context).toBe(cells.length - withheld);

      const fromMarginalsAlone = derivable(cells, groups, k, new Array(cells.length).fill(false));
      // Direct form: in any group whose total another query releases (≥ k), a single withheld
      // cell would be "total − released cells"; allowed only when the marginals alone give it.
      for (const group of groups) {
        const total = group.reduce((s, i) => s + cells[i]!.trueCount, 0);
        const withheldInGroup = group.filter((i) => !result.isReleased[i]);
        if (total >= k && withheldInGroup.length === 1) {
          expect(fromMarginalsAlone[withheldInGroup[0]!], `${context}: single withheld cell in a line`).toBe(
            true,
          );
        }
      }
      // Chained form: with the released cells known, nothing more is derivable than without them.
      const attacker = derivable(cells, groups, k, [...result.isReleased]);
      cells.forEach((_, i) => {
        if (!result.isReleased[i] && attacker[i]) {
          expect(fromMarginalsAlone[i], `${context}: cell ${i} derivable`).toBe(true);
        }
      });
      expect(result.derivableFromMarginals, context).toBe(
        cells.filter((_, i) => !result.isReleased[i] && fromMarginalsAlone[i]).length,
      );
      if (result.complementarySuppressed > 0) tablesWithComplements++;
      if (result.derivableFromMarginals > 0) intrinsicCases++;
    }
    // The random tables exercise the interesting paths, not just trivial ones.
    expect(tablesWithComplements).toBeGreaterThan(500);
    expect(intrinsicCases).toBeGreaterThan(10);
  });

  it("handles a 3-dim table of 1,000 cells quickly", () => {
    const random = prng(42);
    const cells: TTableCell[] = [];
    for (let a = 0; a < 10; a++)
      for (let b = 0; b < 10; b++)
        for (let c = 0; c < 10; c++)
          cells.push({ dims: [`a${a}`, `b${b}`, `c${c}`], trueCount: 1 + Math.floor(random() * 40) });
    const started = performance.now();
    const result = suppressCells(cells, 10);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(result.primarySuppressed).toBeGreaterThan(100);
  });
});
