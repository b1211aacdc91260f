/**
 * A party's local aggregates from its own vault, through the existing query path: the planner
 * (planAggregateQuery: registered and declared fields, column policy, typed filters, contribution
 * bounding per privacy unit) and runAggregateQuery (READ ONLY transaction, statement time limit).
 * Nothing here compiles SQL of its own.
 *
 * Queries (same filters, same unit bound, so the same rows):
 *   1. group key → count, distinct units, clamped Σ value;
 *   2. only for variance: group key × the value on the encoding's grid (a width bucket of
 *      10^-decimals) → count. A bucket's rows all have the same clamped grid value (the bounds are
 *      on the grid), so Σx² = Σ count · clamp(bucket)² exactly for values with at most `decimals`
 *      decimals (a value with more is floored to the grid before squaring). This costs one result
 *      row per distinct value; a `sum_of_squares` measure in the compiler would replace it.
 * Order: plan (refusals cost nothing) → authorize (optional hook) → check k and the encoding's
 * range from public facts → charge ε at the buyer's budget → run the queries.
 *
 * A party may bucket a date group field by year or month (groupBucket: the compiler's date
 * buckets, "2025-03") and state its value field's unit as a power of ten of the job's unit
 * (valueScale: 4 for 万元 in a job counting 元): its bounds are then divided by 10^valueScale for its
 * own queries and every sum and grid value multiplied back exactly, in decimal, before encoding.
 */
import type { TAggregateQuery, TGroupKey } from "@pdx/common/enclave-query";
import { EnclaveError } from "../errors";
import { planAggregateQuery } from "../query";
import type { Vault } from "../vault/vault";
import {
  requireEncodingCapacity,
  requireMinGroupSize,
  type TLocalAggregateRequest,
  type TMpcDataSource,
} from "./data-source";
import { clampSteps, groupDomainOf, LocalVectorBuilder, squareSteps } from "./joint-vector";
import { jointEpsilon } from "./release";
import { fixedPointSteps, stepsToDecimal } from "./shares";

/** Most decimals a scaled value keeps (values are exact decimals of at most this many places). */
const SCALE_DECIMALS = 12;

/** text × 10^power, exactly, as decimal text (power 0: the text unchanged). */
export function scaleDecimal(text: string, power: number): string {
  if (power === 0) return text;
  return stepsToDecimal(fixedPointSteps(text, SCALE_DECIMALS), SCALE_DECIMALS - power);
}

export interface TVaultDataSourceOptions {
  vault: Pick<Vault, "storedDataset" | "runAggregateQuery" | "privacyBudgetLedger">;
  /** Most ms one vault statement may run (default 60 000). */
  statementTimeoutMs?: number;
  /**
   * Checks that the job may read these "CODE.field" names of the party's dataset (e.g. the
   * authorization on chain); throws an EnclaveError to refuse. Default: no check.
   */
  authorize?: (request: TLocalAggregateRequest, fieldsTouched: readonly string[]) => Promise<void>;
}

const VALUE_BUCKET = "mpc_value";
const GROUP_BUCKET = "mpc_group";

export function createVaultDataSource(options: TVaultDataSourceOptions): TMpcDataSource {
  const limits = { statementTimeoutMs: options.statementTimeoutMs ?? 60_000 };
  return {
    async localAggregate(request) {
      const { spec, party, layout } = request;
      const stored = await options.vault.storedDataset(party.dataset, party.version);
      if (!stored)
        throw new EnclaveError(
          "DATASET_UNKNOWN",
          `dataset ${party.dataset}@${party.version} is not in this vault`,
        );

      const groupKey: TGroupKey | null =
        spec.groups.kind === "total" || !party.groupField
          ? null
          : spec.groups.kind === "categories"
            ? party.groupBucket
              ? { field: party.groupField, bucket: party.groupBucket, as: GROUP_BUCKET }
              : party.groupField
            : { field: party.groupField, width: spec.groups.width, as: GROUP_BUCKET };
      const scale = party.valueScale ?? 0;
      // The party's own bounds, in its field's unit (the job's bounds are in the job's unit).
      const ownBounds = spec.bounds?.map((b) => Number(scaleDecimal(String(b), -scale))) as
        | [number, number]
        | undefined;
      const withValues = layout.columns.includes("sum");
      const withSquares = layout.columns.includes("sum_of_squares");
      const declared = [
        ...new Set([party.groupField, party.valueField, ...party.filters.map((f) => f.field)]),
      ].filter((f): f is string => f !== undefined);
      const base = { dataset: party.dataset, filters: party.filters, rowsPerUnit: party.rowsPerUnit };
      const totalsQuery: TAggregateQuery = {
        ...base,
        groupBy: groupKey ? [groupKey] : [],
        measures: [
          { fn: "count", as: "rows" },
          ...(withValues && ownBounds
            ? [{ fn: "sum" as const, field: party.valueField!, as: "value", bounds: ownBounds }]
            : []),
        ],
      };
      const totalsPlan = planAggregateQuery(stored, totalsQuery, declared);
      const squaresPlan = withSquares
        ? planAggregateQuery(
            stored,
            {
              ...base,
              groupBy: [
                ...(groupKey ? [groupKey] : []),
                {
                  field: party.valueField!,
                  width: Number(`1e${-(spec.encoding.decimals + scale)}`),
                  as: VALUE_BUCKET,
                },
              ],
              measures: [{ fn: "count", as: "rows" }],
            },
            declared,
          )
        : null;

      await options.authorize?.(request, totalsPlan.fieldsTouched);
      requireMinGroupSize(spec, party.dataset, stored.spec.minGroupSize);
      requireEncodingCapacity(request, stored.rowCount);

      const epsilon = jointEpsilon(spec);
      const ledger = options.vault.privacyBudgetLedger();
      await ledger.reserve(spec.jobId, spec.buyer.orgId, party.dataset, epsilon, stored.spec.epsilonBudget);
      await ledger.charge(
        spec.jobId,
        spec.buyer.orgId,
        party.dataset,
        epsilon,
        `joint aggregate with ${spec.parties.length} nodes: ${spec.statistics.join(", ")}; ε ${spec.epsilon} per noised statistic`,
      );

      const domain = groupDomainOf(spec.groups);
      const indexOf = (dims: readonly string[]) => (groupKey ? domain.indexOf(dims[0] ?? "") : 0);
      const squares = new Map<number, bigint>();
      if (squaresPlan && spec.bounds) {
        const raw = await options.vault.runAggregateQuery(squaresPlan.sql, limits);
        for (const group of raw.groups) {
          const index = indexOf(group.dims);
          const bucket = group.dims[group.dims.length - 1] ?? "";
          if (index === undefined || bucket === "") continue;
          const steps = clampSteps(
            fixedPointSteps(scaleDecimal(bucket, scale), spec.encoding.decimals),
            spec.bounds,
            spec.encoding.decimals,
          );
          const add = squareSteps(steps, spec.encoding) * BigInt(group.count);
          squares.set(index, (squares.get(index) ?? 0n) + add);
        }
      }
      const raw = await options.vault.runAggregateQuery(totalsPlan.sql, limits);
      const builder = new LocalVectorBuilder(layout, spec.encoding);
      for (const group of raw.groups) {
        const index = indexOf(group.dims);
        if (index === undefined || group.count === 0) continue;
        builder.add(index, {
          count: group.count,
          units: group.units,
          sum: withValues && group.sums[0] != null ? scaleDecimal(group.sums[0], scale) : null,
          sumOfSquaresSteps: squares.get(index) ?? 0n,
        });
      }
      return { vector: builder.vector, rowsRead: raw.rowsRead };
    },
  };
}
