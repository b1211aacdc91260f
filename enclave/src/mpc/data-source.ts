/**
 * Where a party's local per-group aggregates come from: the data-source interface of joint jobs,
 * and an in-memory implementation (tests, benchmarks, demos). The vault implementation is
 * vault-data-source.ts.
 *
 * A data source does everything that touches the party's own data, on the party's node:
 * checks the party's input against its dataset (fields, column policy, k, encoding range),
 * charges the buyer's ε on its own budget BEFORE anything is computed, and returns the raw local
 * vector (joint-vector.ts layout). The vector is unprotected: the job only ever lets it leave the
 * node as additive shares.
 */
import type { TMpcJobSpec, TMpcPartyInput } from "@pdx/common/mpc-api";
import { EnclaveError } from "../errors";
import {
  clampSteps,
  encodingCapacityProblem,
  groupDomainOf,
  LocalVectorBuilder,
  squareSteps,
  type TVectorLayout,
} from "./joint-vector";
import { jointEpsilon } from "./release";
import { fixedPointSteps, stepsToDecimal } from "./shares";

/** What a data source is asked for. */
export interface TLocalAggregateRequest {
  spec: TMpcJobSpec;
  /** This node's entry of spec.parties. */
  party: TMpcPartyInput;
  layout: TVectorLayout;
}

export interface TLocalAggregate {
  /**
   * Raw local aggregates in the job's layout (never sent as such). The job takes it over and
   * overwrites it in place with the share it keeps: return a vector nobody else holds.
   */
  vector: BigUint64Array;
  /** Rows read after filtering (kept on the node, for its own records). */
  rowsRead: number;
}

export interface TMpcDataSource {
  /**
   * Checks, charges and computes. Refusals are EnclaveError with a caller-safe message (it names
   * the dataset, field or rule, never a value): the job fails naming this node and the message.
   */
  localAggregate(request: TLocalAggregateRequest): Promise<TLocalAggregate>;
}

/** Checks the spec's k against the dataset's own minimum (no party accepts a smaller k). */
export function requireMinGroupSize(spec: TMpcJobSpec, dataset: string, datasetK: number): void {
  if (spec.minGroupSize < datasetK)
    throw new EnclaveError(
      "PRIVACY_BLOCKED",
      `the job's minimum group size ${spec.minGroupSize} is below ${datasetK}, the minimum of dataset ${dataset}`,
    );
}

/** Throws LIMIT_EXCEEDED when the encoding might overflow for `rows` rows (public check). */
export function requireEncodingCapacity(request: TLocalAggregateRequest, rows: number): void {
  const problem = encodingCapacityProblem({
    layout: request.layout,
    encoding: request.spec.encoding,
    bounds: request.spec.bounds,
    rows,
    parties: request.spec.parties.length,
  });
  if (problem) throw new EnclaveError("LIMIT_EXCEEDED", `dataset ${request.party.dataset}: ${problem}`);
}

/** One in-memory dataset: rows of plain values, and its rules. */
export interface TMemoryDataset {
  /** The dataset's own minimum group size k. */
  minGroupSize: number;
  /** Field whose value identifies a row's privacy unit (absent: every row is its own unit). */
  unitField?: string;
  rows: readonly Record<string, string | number | boolean | null>[];
}

export interface TMemoryDataSourceOptions {
  /** "CODE@version" → dataset. */
  datasets: Readonly<Record<string, TMemoryDataset>>;
  /** Receives each charge (ε at the buyer's budget on this dataset); default: none. */
  charge?: (charge: { jobId: string; buyerOrgId: string; dataset: string; epsilon: number }) => Promise<void>;
}

/**
 * Local aggregates over rows held in memory. Same semantics as the vault source for what it
 * supports: rows outside the group domain are not counted; values are clamped to the bounds,
 * put on the 10^-decimals grid, squared on the squares' grid; null values add to the count only;
 * at most rowsPerUnit rows of each unit are kept (its first ones in row order, where the vault
 * keeps a fixed pseudo-random choice). It takes no filters (refused).
 */
export function createMemoryDataSource(options: TMemoryDataSourceOptions): TMpcDataSource {
  return {
    async localAggregate(request) {
      const { spec, party, layout } = request;
      const dataset = options.datasets[`${party.dataset}@${party.version}`];
      if (!dataset)
        throw new EnclaveError(
          "DATASET_UNKNOWN",
          `dataset ${party.dataset}@${party.version} is not held here`,
        );
      if (party.filters.length > 0)
        throw new EnclaveError("QUERY_INVALID", "filters: the in-memory data source takes no filters");
      requireMinGroupSize(spec, party.dataset, dataset.minGroupSize);
      requireEncodingCapacity(request, dataset.rows.length);
      await options.charge?.({
        jobId: spec.jobId,
        buyerOrgId: spec.buyer.orgId,
        dataset: party.dataset,
        epsilon: jointEpsilon(spec),
      });

      const domain = groupDomainOf(spec.groups);
      const builder = new LocalVectorBuilder(layout, spec.encoding);
      const { decimals } = spec.encoding;
      const perGroup = new Map<
        number,
        { count: number; units: Set<unknown>; sum: bigint; squares: bigint }
      >();
      const rowsOfUnit = new Map<unknown, number>();
      let rowsRead = 0;
      for (const [position, row] of dataset.rows.entries()) {
        const unit = dataset.unitField ? row[dataset.unitField] : position;
        const kept = rowsOfUnit.get(unit) ?? 0;
        if (kept >= party.rowsPerUnit) continue;
        rowsOfUnit.set(unit, kept + 1);
        const index = groupIndexOf(spec, domain, party.groupField ? row[party.groupField] : undefined);
        if (index === undefined) continue;
        rowsRead++;
        let acc = perGroup.get(index);
        if (!acc) {
          acc = { count: 0, units: new Set(), sum: 0n, squares: 0n };
          perGroup.set(index, acc);
        }
        acc.count++;
        acc.units.add(unit);
        const raw = party.valueField ? row[party.valueField] : null;
        if (spec.bounds && typeof raw === "number") {
          const steps = clampSteps(fixedPointSteps(raw, decimals), spec.bounds, decimals);
          acc.sum += steps;
          acc.squares += squareSteps(steps, spec.encoding);
        }
      }
      for (const [index, acc] of perGroup)
        builder.add(index, {
          count: acc.count,
          units: acc.units.size,
          // Exact: the sum is whole steps, written back as decimal text.
          sum: layout.columns.includes("sum") ? stepsToDecimal(acc.sum, decimals) : null,
          sumOfSquaresSteps: acc.squares,
        });
      return { vector: builder.vector, rowsRead };
    },
  };
}

/** Decimals of a number's shortest text (at most 12). */
function decimalsOf(x: number): number {
  const text = String(x);
  if (text.includes("e")) return 12;
  const dot = text.indexOf(".");
  return dot < 0 ? 0 : Math.min(12, text.length - dot - 1);
}

/** floor(value / width) · width in exact decimal arithmetic, as text (what the SQL compiler returns). */
function bucketLowerBound(value: number, width: number): string {
  const decimals = Math.max(decimalsOf(value), decimalsOf(width));
  const a = fixedPointSteps(value, decimals);
  const w = fixedPointSteps(width, decimals);
  let q = a / w;
  if (a % w !== 0n && a < 0n) q -= 1n;
  return stepsToDecimal(q * w, decimals);
}

/** The group of a row's group value under the spec's domain (undefined: outside it). */
function groupIndexOf(
  spec: TMpcJobSpec,
  domain: ReturnType<typeof groupDomainOf>,
  value: string | number | boolean | null | undefined,
): number | undefined {
  if (spec.groups.kind === "total") return 0;
  if (value === null || value === undefined) return undefined;
  if (spec.groups.kind === "categories") return domain.indexOf(String(value));
  if (typeof value !== "number") return undefined;
  return domain.indexOf(bucketLowerBound(value, spec.groups.width));
}
