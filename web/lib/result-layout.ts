/** Pure helpers that lay out a result table for display (chart axes, numeric cells). */

/** The distinct values in first-seen order. */
export function distinct(values: string[]): string[] {
  return [...new Set(values)];
}

/**
 * One order for values that arrive as several ordered sequences with gaps (the industries of each
 * district, some withheld): every value keeps its place relative to the neighbours it was seen with.
 */
export function mergeOrder(sequences: string[][]): string[] {
  const order: string[] = [];
  for (const sequence of sequences) {
    let insertAt = 0;
    for (const value of sequence) {
      const index = order.indexOf(value);
      if (index >= 0) {
        insertAt = index + 1;
      } else {
        order.splice(insertAt, 0, value);
        insertAt += 1;
      }
    }
  }
  return order;
}

/** A cell value as a number (PostgreSQL bigints may arrive as numeric strings). */
export function numericValue(value: string | number | undefined): number | null {
  if (value === undefined || value === "") return null;
  const n = typeof value === "number" ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}
