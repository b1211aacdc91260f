/**
 * What the MPC benchmark computes, shared by its in-process run and its worker threads: three
 * nodes' deterministic per-bucket data (count 1…20 and an integer Σ value per bucket), each node's
 * local vector in the job's layout (count and Σ value: 2 ring elements per bucket; one row per
 * unit, so no units column), the job spec (a histogram of `groups` buckets, statistic sum), and a
 * data source that hands out a precomputed vector.
 */
import { randomUUID } from "node:crypto";
import type { TMpcJobSpec, TMpcJobSpecInput } from "@pdx/common/mpc-api";
import { ZMpcJobSpec } from "@pdx/common/mpc-api";
import type { TMpcDataSource } from "@pdx/enclave/src/mpc/data-source";
import {
  columnOffset,
  type TJointGroupTotals,
  type TVectorLayout,
  vectorLayoutOf,
} from "@pdx/enclave/src/mpc/joint-vector";

export const BENCH_NODES = ["tax", "social", "health"] as const;
export type TBenchNode = (typeof BENCH_NODES)[number];

export interface TNodeData {
  count: Float64Array;
  sum: Float64Array;
}

/** Deterministic bucket values of one node (`seed` 1, 2, 3 for the three nodes). */
export function nodeData(groups: number, seed: number): TNodeData {
  const count = new Float64Array(groups);
  const sum = new Float64Array(groups);
  let x = seed >>> 0;
  for (let g = 0; g < groups; g++) {
    x = (Math.imul(x, 1_664_525) + 1_013_904_223) >>> 0;
    const c = 1 + (x % 20);
    count[g] = c;
    sum[g] = (x >>> 8) % (c * 1000 + 1);
  }
  return { count, sum };
}

export function benchJobSpec(groups: number): TMpcJobSpecInput {
  return {
    jobId: randomUUID(),
    coordinator: "tax",
    buyer: { orgId: "bench" },
    parties: BENCH_NODES.map((node) => ({
      node,
      dataset: "BENCH",
      version: "1",
      groupField: "bucket",
      valueField: "value",
      rowsPerUnit: 1,
    })),
    groups: { kind: "histogram", start: 0, width: 1, buckets: groups },
    statistics: ["sum"],
    bounds: [0, 1000],
    encoding: { decimals: 0, squareDecimals: 0 },
    epsilon: 1,
    minGroupSize: 10,
    timeoutMs: 600_000,
  };
}

/** The job's vector layout: count and Σ value per bucket (one row per unit: no units column). */
export function benchLayout(groups: number): TVectorLayout {
  return vectorLayoutOf(ZMpcJobSpec.parse(benchJobSpec(groups)) as TMpcJobSpec);
}

/** A node's local vector (count and Σ value per bucket) in the job's layout. */
export function localVectorOf(data: TNodeData, groups: number): BigUint64Array {
  const layout = benchLayout(groups);
  const v = new BigUint64Array(layout.length);
  const countAt = columnOffset(layout, "count");
  const sumAt = columnOffset(layout, "sum");
  for (let g = 0; g < groups; g++) {
    v[countAt + g] = BigInt(data.count[g]!);
    v[sumAt + g] = BigInt(data.sum[g]!);
  }
  return v;
}

/** The plain JS sum of every node's bucket values: the baseline, and the check of the MPC totals. */
export function plainTotals(all: readonly TNodeData[], groups: number): TNodeData {
  const count = new Float64Array(groups);
  const sum = new Float64Array(groups);
  for (const d of all) {
    for (let g = 0; g < groups; g++) {
      count[g]! += d.count[g]!;
      sum[g]! += d.sum[g]!;
    }
  }
  return { count, sum };
}

/** Whether the decoded MPC totals equal the plain ones, bucket by bucket. */
export function totalsMatch(totals: readonly TJointGroupTotals[], plain: TNodeData): boolean {
  if (totals.length !== plain.count.length) return false;
  return totals.every((t) => t.count === plain.count[t.index] && t.sum === String(plain.sum[t.index]));
}

/** Hands out a precomputed local vector (a fresh copy per job: the job wipes what it shared). */
export function precomputedSource(vector: BigUint64Array): TMpcDataSource {
  return {
    async localAggregate() {
      return { vector: vector.slice(), rowsRead: 0 };
    },
  };
}

/** A clock shared by threads (ms since the epoch, sub-millisecond). */
export function sharedNow(): number {
  return performance.timeOrigin + performance.now();
}
