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
import { fixedPointSteps } from "./shares";

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
            ? party.groupField
            : { field: party.groupField, width: spec.groups.width, as: GROUP_BUCKET };
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
          ...(withValues && spec.bounds
            ? [{ fn: "sum" as const, field: party.valueField!, as: "value", bounds: spec.bounds }]
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
                { field: party.valueField!, width: 10 ** -spec.encoding.decimals, as: VALUE_BUCKET },
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
            fixedPointSteps(bucket, spec.encoding.decimals),
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
          sum: withValues ? (group.sums[0] ?? null) : null,
          sumOfSquaresSteps: squares.get(index) ?? 0n,
        });
      }
      return { vector: builder.vector, rowsRead: raw.rowsRead };
    },
  };
}
