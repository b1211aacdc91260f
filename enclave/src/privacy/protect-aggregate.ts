/**
 * The one function that turns the raw groups of an aggregate query into what may be released to
 * operator logic: ε is charged first, then every cell's count is noised (dp.ts), then the release
 * decision, then noise on every released value, rounding, and sorting.
 *
 * Release decision (minimum group size k): a cell is released only if its TRUE number of distinct
 * privacy units ≥ k (the data source's rule holds on real people or enterprises, not on rows) AND
 * its NOISY count ≥ k. The noisy gate makes the decision at
 * the boundary a random event rather than an exact function of the data, so the released/withheld
 * flag is not an exact oracle (adversarial tests: binary search of a threshold). Complementary
 * suppression then runs on the noisy counts (post-processing of released statistics). How many
 * cells were withheld is NOT reported: the count of small non-empty groups would tell an empty
 * group from a small one, which is an existence oracle.
 *
 * Privacy accounting of one query (sequential composition across the statistics, parallel
 * composition across its cells — the cells of one query are disjoint sets of rows, so one unit
 * touches one cell, and each statistic costs its ε once, not once per cell):
 *   ε(query) = ε for the count (always: the k rule and the means use it, even when no count is
 *              released) + ε for each sum or mean measure.
 * Contribution bounding: when a unit may contribute up to L rows (rowsPerUnit), removing one unit
 * moves a count by up to L and a sum by up to L·Δ, so every mechanism runs at ε/L (group privacy:
 * L rows at ε/L each cost ε for the unit) while ε is what is charged. The noise scale reported is
 * that of the mechanism actually used.
 * Several "count" measures release the same noisy count (one statistic). A mean is its own noisy
 * sum divided by the query's noisy count (post-processing), clamped to its bounds.
 *
 * Rounding (post-processing): counts are integers ≥ 0; sums and means have 2 decimals. A sum whose
 * bounds are both ≥ 0 (≤ 0) is clamped at 0 from below (above), as the true sum must be.
 */
import type { TAggregateQueryResult, TGroupKey, TQueryMeasure } from "@pdx/common/enclave-query";
import { effectiveEpsilon, noiseScale, noisyCount, noisyMean, noisySum, type TClampBounds } from "./dp";
import { compareDims, suppressCells } from "./suppression";

/** One group as the vault computed it: dimension values, row count, and the exact clamped sums. */
export interface TRawGroup {
  dims: string[];
  count: number;
  /** Distinct privacy units (absent: each row is one unit, so = count). */
  units?: number;
  /** One per sum or mean measure, in measure order: the exact clamped sum, or null when no value. */
  sums: (string | null)[];
}

export interface TProtectAggregateInput {
  /** The query's group-by keys (output column names are the field, or `as` for buckets). */
  groupBy: readonly TGroupKey[];
  measures: readonly TQueryMeasure[];
  /** Every group the vault returned, small ones included. A 0-dim query has one (its count may be 0). */
  groups: readonly TRawGroup[];
  /** Minimum group size. */
  k: number;
  /** ε per statistic (the count, and each sum or mean measure). */
  epsilon: number;
  /**
   * Most rows one privacy unit contributed (the query's unit bound; 1 when each row is a unit).
   * Each mechanism runs at ε / rowsPerUnit, so the unit — not just the row — gets ε per statistic.
   */
  rowsPerUnit?: number;
  /**
   * Charges ε to the buyer's budget; `detail` says what for (names, never values). Called once,
   * before any noise is drawn; if it throws, nothing is released and the error propagates.
   */
  charge: (epsilon: number, detail: string) => Promise<void>;
}

/** Output column name of a group-by key. */
export function dimensionKey(key: TGroupKey): string {
  return typeof key === "string" ? key : key.as;
}

/** Total ε a query with these measures costs at `epsilon` per statistic. */
export function queryEpsilon(measures: readonly TQueryMeasure[], epsilon: number): number {
  return epsilon * (1 + measures.filter((m) => m.fn !== "count").length);
}

function roundAmount(value: number): number {
  const rounded = Math.round(value * 100) / 100;
  return Object.is(rounded, -0) ? 0 : rounded;
}

function validateInput(input: TProtectAggregateInput): void {
  const d = input.groupBy.length;
  const valueMeasures = input.measures.filter((m) => m.fn !== "count").length;
  if (d === 0 && input.groups.length > 1) throw new Error("protectAggregate: a 0-dim query has one group");
  for (const g of input.groups) {
    if (g.dims.length !== d) throw new Error("protectAggregate: a group's dimensions do not match groupBy");
    if (g.sums.length !== valueMeasures)
      throw new Error("protectAggregate: a group's sums do not match measures");
    if (!Number.isSafeInteger(g.count) || g.count < 0) throw new Error("protectAggregate: bad group count");
    if (g.units !== undefined && !(Number.isSafeInteger(g.units) && g.units >= 0 && g.units <= g.count))
      throw new Error("protectAggregate: bad group unit count");
  }
  const l = input.rowsPerUnit ?? 1;
  if (!Number.isSafeInteger(l) || l < 1)
    throw new Error("protectAggregate: rowsPerUnit must be a positive integer");
}

/**
 * Protects one query's groups; see the module comment. Returns zero rows (not an error) when every
 * cell is withheld.
 */
export async function protectAggregate(input: TProtectAggregateInput): Promise<TAggregateQueryResult> {
  validateInput(input);
  const { measures, k, epsilon } = input;
  const rowsPerUnit = input.rowsPerUnit ?? 1;
  // The ε each mechanism runs at (see "Contribution bounding" above); `epsilon` is what is charged.
  const mechanismEpsilon = epsilon / rowsPerUnit;
  const dimensionKeys = input.groupBy.map(dimensionKey);
  const valueMeasures = measures.filter((m) => m.fn !== "count");
  const noise = measures.map((m) => ({
    measure: m.as,
    mechanism: "laplace" as const,
    // For a mean: the scale of its noisy sum (the mean's error is about that over the count).
    scale: noiseScale(
      m.fn === "count" ? { kind: "count" } : { kind: "sum", bounds: m.bounds },
      mechanismEpsilon,
    ),
  }));

  // Cells: SQL returns no group for an empty combination; a 0-dim query is always one cell.
  const cells =
    dimensionKeys.length === 0
      ? [input.groups[0] ?? { dims: [], count: 0, sums: valueMeasures.map(() => null) }]
      : input.groups.filter((g) => g.count > 0);

  // Validates k and the table's shape before anything is charged (the result is not used).
  suppressCells(
    cells.map((g) => ({ dims: g.dims, trueCount: g.count })),
    k,
  );

  const epsilonSpent = queryEpsilon(measures, epsilon);
  const statistics = ["count", ...valueMeasures.map((m) => `${m.fn}(${m.field})`)];
  const bound = rowsPerUnit > 1 ? `; ≤ ${rowsPerUnit} rows per unit` : "";
  await input.charge(
    epsilonSpent,
    `aggregate by [${dimensionKeys.join(", ")}]: ${statistics.join(", ")}; ε ${effectiveEpsilon(epsilon)} each${bound}`,
  );

  // The count of every cell is noised once (the statistic just charged) and used for the gate,
  // for complementary suppression and as the released count.
  const noisy = cells.map((group) => ({ group, count: noisyCount(group.count, mechanismEpsilon) }));
  const gated = noisy.map((c) => ({
    dims: c.group.dims,
    // A cell failing either gate enters suppression as withheld (0 < k); others by their noisy count.
    trueCount: (c.group.units ?? c.group.count) >= k && c.count >= k ? c.count : 0,
    cell: c,
  }));
  const suppression = suppressCells(gated, k);
  const released = suppression.released
    .map((c) => c.cell)
    .sort((a, b) => compareDims(a.group.dims, b.group.dims));
  const rows = released.map(({ group, count }) => {
    const row: Record<string, string | number> = {};
    dimensionKeys.forEach((key, i) => {
      row[key] = group.dims[i]!;
    });
    let sumIndex = 0;
    for (const m of measures) {
      if (m.fn === "count") {
        row[m.as] = count;
        continue;
      }
      const bounds: TClampBounds = m.bounds;
      const sum = noisySum(group.sums[sumIndex++] ?? null, bounds, mechanismEpsilon);
      if (m.fn === "mean") row[m.as] = roundAmount(noisyMean(sum, count, bounds));
      else {
        const signed = bounds[0] >= 0 ? Math.max(0, sum) : bounds[1] <= 0 ? Math.min(0, sum) : sum;
        row[m.as] = roundAmount(signed);
      }
    }
    return row;
  });

  return {
    columns: [
      ...dimensionKeys.map((key) => ({ key, kind: "dimension" as const })),
      ...measures.map((m) => ({ key: m.as, kind: "measure" as const })),
    ],
    rows,
    minGroupSize: k,
    epsilonSpent,
    rowsPerUnit,
    noise,
  };
}
