/**
 * The minimum-group-size half of the rule check: a cell computed from fewer than k rows is
 * withheld entirely — none of its values (count, sums or even its dimension values) leaves.
 */

/** Splits groups into those released (rowCount ≥ k) and the number withheld. */
export function applyMinGroupSize<T extends { rowCount: number }>(
  groups: readonly T[],
  k: number,
): { released: T[]; suppressedCells: number } {
  if (!Number.isInteger(k) || k < 1)
    throw new RangeError(`applyMinGroupSize: k must be a positive integer, got ${k}`);
  const released = groups.filter((g) => g.rowCount >= k);
  return { released, suppressedCells: groups.length - released.length };
}
