/**
 * The output rules of a joint aggregate, applied by the coordinator to the reconstructed totals
 * before anything leaves it: the SAME privacy engine as every other release
 * (privacy/protect-aggregate.ts: k on true distinct units AND on the noisy count, complementary
 * suppression, discrete-Laplace noise, rounding), then mean and variance derived from the noisy
 * statistics. Pure apart from the noise.
 *
 * What is noised (each one statistic of protectAggregate, ε each):
 *   count            the joint row count of each group (always: the k rule and the derivations use it);
 *   sum              Σ clamped values (when sum, mean or variance is asked), bounds [lo, hi];
 *   sum_of_squares   Σ squares (when variance is asked), bounds [min x², max x²] over [lo, hi].
 * Contribution bounding across nodes: a unit may appear at every party, with up to L_i rows at
 * party i, so one unit moves a joint count by up to ΣL_i; every mechanism runs at ε / ΣL_i
 * (rowsPerUnit = ΣL_i, group privacy), conservatively, since the parties cannot tell whether their
 * populations overlap without a private set intersection.
 * The ε is NOT charged here: every party charged its own budget before its data was shared
 * (data sources), so protectAggregate's charge is a no-op.
 *
 * Derived statistics (post-processing of the noisy values, no extra ε):
 *   mean      = noisy sum / max(1, noisy count), clamped to [lo, hi]            (dp.ts noisyMean)
 *   variance  = noisy Σx² / max(1, noisy count) − mean², clamped to [0, ((hi − lo) / 2)²]
 *               (population variance; the upper clamp is Popoviciu's bound for values in [lo, hi]).
 */
import type { TQueryMeasure } from "@pdx/common/enclave-query";
import type { TMpcJobSpec, TMpcJointResult, TMpcResultRow } from "@pdx/common/mpc-api";
import { noisyMean } from "../privacy/dp";
import { protectAggregate, type TRawGroup } from "../privacy/protect-aggregate";
import type { TGroupDomain, TJointGroupTotals } from "./joint-vector";

/** Column of the group key in a released table. */
export const GROUP_COLUMN = "group";

export const DERIVATIONS: Readonly<Record<"mean" | "variance", string>> = {
  mean: "noisy sum / max(1, noisy count), clamped to the bounds",
  variance: "noisy sum_of_squares / max(1, noisy count) − mean², clamped to [0, ((hi − lo) / 2)²]",
};

/** Bounds of a clamped value's square: [min x², max x²] for x in [lo, hi]. */
export function squareBounds([lo, hi]: readonly [number, number]): [number, number] {
  const top = Math.max(lo * lo, hi * hi);
  const bottom = lo <= 0 && hi >= 0 ? 0 : Math.min(lo * lo, hi * hi);
  return [bottom, top];
}

function round2(value: number): number {
  const r = Math.round(value * 100) / 100;
  return Object.is(r, -0) ? 0 : r;
}

export interface TProtectJointInput {
  spec: TMpcJobSpec;
  domain: TGroupDomain;
  /** Reconstructed, decoded totals (groups with a count of 0 left out). */
  totals: readonly TJointGroupTotals[];
}

/** The released table; see the module comment. */
export async function protectJointTotals(input: TProtectJointInput): Promise<TMpcJointResult> {
  const { spec, domain, totals } = input;
  const bounds = spec.bounds ?? [0, 0];
  const wantsValues = spec.statistics.some((s) => s !== "count");
  const wantsVariance = spec.statistics.includes("variance");
  const measures: TQueryMeasure[] = [{ fn: "count", as: "count" }];
  if (wantsValues) measures.push({ fn: "sum", field: "value", as: "sum", bounds });
  if (wantsVariance)
    measures.push({ fn: "sum", field: "value_squared", as: "sum_of_squares", bounds: squareBounds(bounds) });
  const grouped = spec.groups.kind !== "total";
  const groups: TRawGroup[] = totals.map((t) => ({
    dims: grouped ? [t.key] : [],
    count: t.count,
    units: t.units,
    sums: [...(wantsValues ? [t.sum] : []), ...(wantsVariance ? [t.sumOfSquares] : [])],
  }));
  const rowsPerUnit = spec.parties.reduce((n, p) => n + p.rowsPerUnit, 0);
  const protectedTable = await protectAggregate({
    groupBy: grouped ? [GROUP_COLUMN] : [],
    measures,
    groups,
    k: spec.minGroupSize,
    epsilon: spec.epsilon,
    rowsPerUnit,
    charge: async () => {},
  });

  const order = (row: Record<string, string | number>) =>
    (grouped ? domain.indexOf(String(row[GROUP_COLUMN])) : 0) ?? 0;
  const rows = [...protectedTable.rows]
    .sort((a, b) => order(a) - order(b))
    .map((noisy): TMpcResultRow => {
      const row: TMpcResultRow = {};
      if (grouped) row[GROUP_COLUMN] = noisy[GROUP_COLUMN]!;
      const count = Number(noisy.count);
      const sum = Number(noisy.sum ?? 0);
      const mean = noisyMean(sum, count, bounds);
      for (const statistic of spec.statistics) {
        if (statistic === "count") row.count = count;
        else if (statistic === "sum") row.sum = sum;
        else if (statistic === "mean") row.mean = round2(mean);
        else {
          const spread = (bounds[1] - bounds[0]) / 2;
          const variance = Number(noisy.sum_of_squares) / Math.max(1, count) - mean * mean;
          row.variance = round2(Math.min(spread * spread, Math.max(0, variance)));
        }
      }
      return row;
    });

  return {
    columns: [
      ...(grouped ? [{ key: GROUP_COLUMN, kind: "dimension" as const }] : []),
      ...spec.statistics.map((s) => ({ key: s, kind: "measure" as const })),
    ],
    rows,
    minGroupSize: protectedTable.minGroupSize,
    epsilonSpent: protectedTable.epsilonSpent,
    rowsPerUnit,
    noise: protectedTable.noise,
    derived: Object.fromEntries(
      spec.statistics.filter((s) => s === "mean" || s === "variance").map((s) => [s, DERIVATIONS[s]]),
    ),
  };
}

/** ε one joint job charges at each party's budget: per noised statistic. */
export function jointEpsilon(spec: Pick<TMpcJobSpec, "statistics" | "epsilon">): number {
  const values = spec.statistics.some((s) => s !== "count") ? 1 : 0;
  const squares = spec.statistics.includes("variance") ? 1 : 0;
  return spec.epsilon * (1 + values + squares);
}
