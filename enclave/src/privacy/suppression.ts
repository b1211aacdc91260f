/**
 * Minimum group size k with complementary suppression, on the TRUE counts of a 0- to
 * 3-dimensional table of cells (the groups of one aggregate query).
 *
 * Primary suppression: every cell with trueCount < k is withheld. (Empty combinations are not
 * cells: SQL returns no group for them.)
 *
 * Complementary suppression: a withheld cell must not be recoverable by subtraction. A buyer may
 * learn the total of any marginal from another query (the 1-dim query by one dimension gives every
 * row total of a 2-dim table, a query with no group-by gives the grand total), so the groups
 * checked are every marginal group of the table: every 1-dim line along each dimension, every
 * 2-dim plane of a 3-dim table, and the grand total. A marginal whose total is < k is itself
 * withheld by the other query's k rule, so only groups with total ≥ k can leak.
 *
 * Some cells are known from marginals alone, whatever this query releases ("intrinsic"): a cell
 * that is the only cell of a marginal group with total ≥ k equals that total; and then, repeatedly,
 * the one remaining cell of a group whose other cells are all known. Releasing such a cell adds
 * nothing, and withholding it protects nothing, so it never serves as a complement.
 *
 * Rule: call a cell covered when it is released or intrinsic. While some group with total ≥ k
 * holds exactly one uncovered cell (which would be that total minus the covered ones), the
 * smallest released, non-intrinsic cell of the group is withheld too (ties: the first in dimension
 * order). Such a cell always exists (if all others were intrinsic, the uncovered one would be
 * intrinsic too), and each step withholds one more cell, so this ends. A 1-dim table has one group
 * (the grand total): one withheld cell makes the smallest released one withheld too. A 0-dim
 * table has no group.
 *
 * Result: no withheld cell can be derived by subtracting known cells from a marginal total, even
 * by chains of such steps, unless it was derivable from the marginal totals alone (counted in
 * `derivableFromMarginals`: e.g. a cell of 3 whose row has one other cell, which is the only
 * entry of its column). Not covered (accepted, since every released value also carries DP noise,
 * so a derivation yields a noisy value, not the exact one): solving the linear system of all groups
 * at once (e.g. a withheld cell bridging two separate rings of withheld cells), and the interval a
 * withheld cell must lie in.
 */

/** One cell of a table: its dimension values (0 to 3) and its true row count. */
export interface TTableCell {
  dims: readonly string[];
  trueCount: number;
}

export interface TSuppressionResult<T extends TTableCell> {
  /** Per input cell, in input order: true when it may be released. */
  isReleased: boolean[];
  /** The released cells, in input order. */
  released: T[];
  /** Cells withheld because trueCount < k. */
  primarySuppressed: number;
  /** Cells of at least k withheld so that no withheld cell can be derived. */
  complementarySuppressed: number;
  /** Withheld cells that the marginal totals alone determine (no release of this table can help). */
  derivableFromMarginals: number;
}

const MAX_DIMENSIONS = 3;

/** Code-unit order of dimension tuples: the same on every machine. */
export function compareDims(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/**
 * The marginal groups of a table (cell indexes): for each non-empty subset of dimensions summed
 * over, the cells sharing the values of the other dimensions form one group, whose total another
 * query may release. A 0-dim table has none.
 */
export function marginalGroups(cells: readonly TTableCell[]): number[][] {
  const d = cells[0]?.dims.length ?? 0;
  const groups: number[][] = [];
  for (let summedMask = 1; summedMask < 1 << d; summedMask++) {
    const byKey = new Map<string, number[]>();
    cells.forEach((cell, index) => {
      const key = JSON.stringify(cell.dims.filter((_, i) => !((summedMask >> i) & 1)));
      const group = byKey.get(key);
      if (group) group.push(index);
      else byKey.set(key, [index]);
    });
    groups.push(...byKey.values());
  }
  return groups;
}

function validate(cells: readonly TTableCell[], k: number): void {
  if (!Number.isInteger(k) || k < 1)
    throw new RangeError(`suppression: k must be a positive integer, got ${k}`);
  const d = cells[0]?.dims.length ?? 0;
  if (d > MAX_DIMENSIONS) throw new RangeError(`suppression: at most ${MAX_DIMENSIONS} dimensions`);
  const seen = new Set<string>();
  for (const cell of cells) {
    if (cell.dims.length !== d) throw new RangeError("suppression: every cell must have the same dimensions");
    if (!Number.isSafeInteger(cell.trueCount) || cell.trueCount < 0) {
      throw new RangeError("suppression: a cell's trueCount must be a non-negative integer");
    }
    const key = JSON.stringify(cell.dims);
    if (seen.has(key)) throw new RangeError("suppression: two cells have the same dimension values");
    seen.add(key);
  }
  if (d === 0 && cells.length > 1) throw new RangeError("suppression: a 0-dim table has one cell");
}

/** Cells determined by the marginal totals (of groups with total ≥ k) alone; see the module comment. */
function intrinsicCells(
  groups: readonly number[][],
  totals: readonly number[],
  k: number,
  n: number,
): boolean[] {
  const known = new Array<boolean>(n).fill(false);
  let changed = true;
  while (changed) {
    changed = false;
    groups.forEach((group, g) => {
      if (totals[g]! < k) return;
      const unknown = group.filter((i) => !known[i]);
      if (unknown.length === 1) {
        known[unknown[0]!] = true;
        changed = true;
      }
    });
  }
  return known;
}

/** Applies k and complementary suppression; see the module comment. */
export function suppressCells<T extends TTableCell>(cells: readonly T[], k: number): TSuppressionResult<T> {
  validate(cells, k);
  const isReleased = cells.map((c) => c.trueCount >= k);
  const primarySuppressed = isReleased.filter((r) => !r).length;
  let complementarySuppressed = 0;
  let derivableFromMarginals = 0;
  if (primarySuppressed > 0) {
    const groups = marginalGroups(cells);
    const totals = groups.map((group) => group.reduce((sum, i) => sum + cells[i]!.trueCount, 0));
    const intrinsic = intrinsicCells(groups, totals, k, cells.length);
    const groupsOfCell = cells.map((): number[] => []);
    groups.forEach((group, g) => {
      for (const i of group) groupsOfCell[i]!.push(g);
    });
    const covered = (i: number) => isReleased[i]! || intrinsic[i]!;
    const pending = groups.map((_, g) => g).filter((g) => totals[g]! >= k);
    while (pending.length > 0) {
      const group = groups[pending.pop()!]!;
      if (group.filter((i) => !covered(i)).length !== 1) continue;
      let smallest: number | undefined;
      for (const i of group) {
        if (!isReleased[i] || intrinsic[i]) continue;
        const a = cells[i]!;
        const b = smallest === undefined ? undefined : cells[smallest]!;
        if (
          !b ||
          a.trueCount < b.trueCount ||
          (a.trueCount === b.trueCount && compareDims(a.dims, b.dims) < 0)
        ) {
          smallest = i;
        }
      }
      // Cannot happen (see the module comment); refuse rather than release a derivable cell.
      if (smallest === undefined) throw new Error("suppression: no complementary cell in a leaking group");
      isReleased[smallest] = false;
      complementarySuppressed++;
      for (const g of groupsOfCell[smallest]!) if (totals[g]! >= k) pending.push(g);
    }
    derivableFromMarginals = cells.filter((_, i) => !isReleased[i] && intrinsic[i]).length;
  }
  return {
    isReleased,
    released: cells.filter((_, i) => isReleased[i]),
    primarySuppressed,
    complementarySuppressed,
    derivableFromMarginals,
  };
}
