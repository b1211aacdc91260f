/**
 * The three department nodes of the joint-statistics demo (products/dept-monthly-coverage): node
 * ids, the dataset each holds and how many generated rows (ENCLAVE_GENERATED_DATASETS in the
 * launcher, ensureCatalogSampleVersion in tests), and the plaintext joint computation over the
 * same deterministic rows, which a released result must match up to its stated noise.
 */
import { catalogSampleRows } from "@pdx/enclave/src/ingest/generated-versions";
import type { TJointStatisticsProductManifest } from "@pdx/products";
import { deptMonthlyCoverageManifest } from "@pdx/products/dept-monthly-coverage/manifest";
import { MPC_DEMO_ROWS } from "../../scripts/lib/mpc-nodes";

export const MPC_DEMO_MANIFEST = deptMonthlyCoverageManifest as TJointStatisticsProductManifest;
/** Generated rows each node holds (the launcher's number: scripts/lib/mpc-nodes.ts). */
export { MPC_DEMO_ROWS };

/** node id → the dataset it holds, in the product's party order. */
export const MPC_DEMO_NODES = MPC_DEMO_MANIFEST.logic.parties.map((p) => ({
  nodeId: p.node,
  dataset: { code: p.datasetCode, version: p.version, rows: MPC_DEMO_ROWS },
}));

export interface TPlainGroup {
  group: string;
  count: number;
  sum: number;
}

/** The joint per-group count and clamped sum over every party's generated rows, in plaintext. */
export function plaintextJointTotals(rows = MPC_DEMO_ROWS): Map<string, TPlainGroup> {
  const { logic } = MPC_DEMO_MANIFEST;
  const [lo, hi] = logic.bounds;
  const totals = new Map<string, TPlainGroup>(logic.groups.map((g) => [g, { group: g, count: 0, sum: 0 }]));
  for (const party of logic.parties) {
    for (const row of catalogSampleRows(party.datasetCode, rows)) {
      const raw = row[party.groupField];
      if (typeof raw !== "string") continue;
      const key =
        party.groupBucket === "month"
          ? raw.slice(0, 7)
          : party.groupBucket === "year"
            ? raw.slice(0, 4)
            : raw;
      const group = totals.get(key);
      if (!group) continue;
      const value = row[party.valueField];
      group.count += 1;
      if (typeof value === "number") group.sum += Math.min(hi, Math.max(lo, value)) * 10 ** party.valueScale;
    }
  }
  return totals;
}

/** Most rows any privacy unit has in `code`'s generated rows (the product's rowsPerUnit must cover it). */
export function maxRowsPerUnit(code: string, unitField: string, rows = MPC_DEMO_ROWS): number {
  const seen = new Map<unknown, number>();
  for (const row of catalogSampleRows(code, rows))
    seen.set(row[unitField], (seen.get(row[unitField]) ?? 0) + 1);
  return Math.max(...seen.values());
}
