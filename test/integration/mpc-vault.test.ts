/**
 * A joint aggregate where each of three nodes reads its OWN real vault (a fresh database each:
 * PGlite, or real PostgreSQL with DATABASE_URL), loaded through the ingest pipeline with a version
 * of UG-RENTAL (three housing bureaus, each with its own rental contracts), through the
 * real query planner (column policy, filters, unit bound) and the real budget ledger:
 *   - oracle: the totals reconstructed before the output rules equal the plaintext computation over
 *     the three bureaus' raw rows (filter, clamping, distinct units, Σx²) exactly, with the rent
 *     an aggregate-only field (its grid buckets for Σx² pass the column policy);
 *   - every vault charged the buyer's ε for its own dataset; a second job that would exceed the
 *     budget is refused by the vaults and fails everywhere;
 *   - a field the column policy forbids (an identifier as group) is refused by the planner.
 */

import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rawMockRows, type TMockRow } from "@pdx/common/catalog/mock-rows";
import type { TMpcJobSpecInput } from "@pdx/common/mpc-api";
import { createTestDatabase, type TTestDatabase } from "@pdx/common/testing/test-database";
import { ensureGeneratedVersion } from "@pdx/enclave/src/ingest/generated-versions";
import { openKeyStore } from "@pdx/enclave/src/keys/key-store";
import type { TJointGroupTotals } from "@pdx/enclave/src/mpc/joint-vector";
import {
  fetchJobStatus,
  startTestMpcNetwork,
  submitJob,
  type TTestMpcNetwork,
  waitForJobEverywhere,
} from "@pdx/enclave/src/mpc/testing/test-nodes";
import { createVaultDataSource } from "@pdx/enclave/src/mpc/vault-data-source";
import { Vault } from "@pdx/enclave/src/vault/vault";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  MIN_FLOOR_AREA,
  RENTAL_BOUNDS,
  RENTAL_CODE,
  RENTAL_DISTRICTS,
  RENTAL_VERSION,
  rentalEntry,
  rentalSpec,
} from "../support/mpc-rental-fixture";

const CODE = RENTAL_CODE;
const VERSION = RENTAL_VERSION;
const OFFICES = [
  { node: "north-bureau", rows: 1500, seed: 11 },
  { node: "east-bureau", rows: 1200, seed: 12 },
  { node: "west-bureau", rows: 1800, seed: 13 },
] as const;
const BOUNDS = RENTAL_BOUNDS;
const BUYER = "buyer-mpc-vault";

const entry = rentalEntry;
const spec = rentalSpec;
const DISTRICTS = RENTAL_DISTRICTS;

interface TVaultNode {
  db: TTestDatabase;
  vault: Vault;
  dataDir: string;
  rows: TMockRow[];
}

const vaults = new Map<string, TVaultNode>();
const totalsByJob = new Map<string, readonly TJointGroupTotals[]>();
let network: TTestMpcNetwork;

beforeAll(async () => {
  for (const office of OFFICES) {
    const db = await createTestDatabase();
    const vault = Vault.open(db.url);
    const dataDir = mkdtempSync(join(tmpdir(), "pdx-mpc-vault-"));
    vaults.set(office.node, { db, vault, dataDir, rows: [...rawMockRows(entry, office.rows, office.seed)] });
    await vault.migrate();
    const keyStore = await openKeyStore({ dataDir });
    await ensureGeneratedVersion({ store: vault.ingestStore(), keyStore }, spec, VERSION, () =>
      rawMockRows(entry, office.rows, office.seed),
    );
  }
  network = await startTestMpcNetwork(
    OFFICES.map((o) => o.node),
    {
      dataSource: (node) => createVaultDataSource({ vault: vaults.get(node)!.vault }),
      inspect: (node) =>
        node === "north-bureau" ? { totals: (jobId, totals) => totalsByJob.set(jobId, totals) } : undefined,
    },
  );
}, 120_000);

afterAll(async () => {
  await network?.stop();
  for (const v of vaults.values()) {
    await v.vault.close();
    await v.db.drop();
    rmSync(v.dataDir, { recursive: true, force: true });
  }
});

function jobSpec(overrides: Partial<TMpcJobSpecInput> = {}): TMpcJobSpecInput {
  return {
    jobId: randomUUID(),
    coordinator: "north-bureau",
    buyer: { orgId: BUYER },
    parties: OFFICES.map((o) => ({
      node: o.node,
      dataset: CODE,
      version: VERSION,
      filters: [{ field: "floor_area", op: "gte", value: MIN_FLOOR_AREA }],
      groupField: "district",
      valueField: "monthly_rent",
      rowsPerUnit: 1,
    })),
    groups: { kind: "categories", values: DISTRICTS },
    statistics: ["count", "sum", "mean", "variance"],
    bounds: BOUNDS,
    encoding: { decimals: 0, squareDecimals: 0 },
    epsilon: 0.5,
    minGroupSize: 50,
    timeoutMs: 30_000,
    ...overrides,
  };
}

describe("a joint aggregate over three real vaults", () => {
  it("reconstructs exactly the plaintext totals of the three bureaus' rows, and charges every vault", async () => {
    const job = jobSpec();
    expect((await submitJob(network, "north-bureau", job)).status).toBe(202);
    const statuses = await waitForJobEverywhere(network, job.jobId);
    for (const status of statuses.values()) expect(status.state).toBe("released");

    const expected = new Map<string, { count: number; units: number; sum: bigint; squares: bigint }>();
    for (const { node } of OFFICES) {
      const heads = new Map<string, Set<unknown>>();
      for (const row of vaults.get(node)!.rows) {
        if (Number(row.floor_area) < MIN_FLOOR_AREA) continue;
        const district = String(row.district);
        const value = BigInt(Math.min(BOUNDS[1], Math.max(BOUNDS[0], Number(row.monthly_rent))));
        const acc = expected.get(district) ?? { count: 0, units: 0, sum: 0n, squares: 0n };
        acc.count++;
        acc.sum += value;
        acc.squares += value * value;
        expected.set(district, acc);
        if (!heads.has(district)) heads.set(district, new Set());
        heads.get(district)!.add(row.tenant_id);
      }
      for (const [district, set] of heads) expected.get(district)!.units += set.size;
    }
    const totals = totalsByJob.get(job.jobId)!;
    expect(totals.map((t) => t.key)).toEqual(DISTRICTS.filter((d) => expected.has(d)));
    for (const t of totals) {
      const e = expected.get(t.key)!;
      expect({ count: t.count, units: t.units, sum: t.sum, sumOfSquares: t.sumOfSquares }).toEqual({
        count: e.count,
        units: e.units,
        sum: e.sum.toString(),
        sumOfSquares: e.squares.toString(),
      });
    }
    // Clamping and the filter were exercised.
    expect([...vaults.values()].some((v) => v.rows.some((r) => Number(r.monthly_rent) > BOUNDS[1]))).toBe(
      true,
    );
    expect([...vaults.values()].some((v) => v.rows.some((r) => Number(r.floor_area) < MIN_FLOOR_AREA))).toBe(
      true,
    );

    const { result } = await fetchJobStatus(network, "north-bureau", job.jobId);
    expect(result!.minGroupSize).toBe(50);
    expect(result!.epsilonSpent).toBe(1.5);
    for (const { node } of OFFICES) {
      const [budget] = await vaults.get(node)!.vault.privacyBudgetLedger().previewBudget(BUYER, [CODE], 0);
      expect(budget).toMatchObject({ total: 2, spent: 1.5, reserved: 0 });
    }
  });

  it("fails everywhere when the vaults' budgets cannot cover another job", async () => {
    const job = jobSpec();
    await submitJob(network, "north-bureau", job);
    const statuses = await waitForJobEverywhere(network, job.jobId);
    for (const status of statuses.values()) {
      expect(status.state).toBe("failed");
      expect(status.failure).toMatchObject({ step: "local-aggregate" });
      expect(status.failure!.reason).toMatch(
        /refused: BUDGET_EXCEEDED: privacy budget of dataset UG-RENTAL exhausted/,
      );
    }
    expect(totalsByJob.has(job.jobId)).toBe(false);
  });

  it("refuses through the planner a field its column policy forbids", async () => {
    const base = jobSpec({ buyer: { orgId: `${BUYER}-2` } });
    const job = { ...base, parties: base.parties.map((p) => ({ ...p, groupField: "tenant_id" })) };
    await submitJob(network, "north-bureau", job);
    const statuses = await waitForJobEverywhere(network, job.jobId);
    for (const status of statuses.values()) {
      expect(status.state).toBe("failed");
      expect(status.failure!.reason).toMatch(
        /FIELD_NOT_ALLOWED: groupBy\.0: field UG-RENTAL\.tenant_id may not be used/,
      );
    }
    for (const { node } of OFFICES) {
      const [budget] = await vaults
        .get(node)!
        .vault.privacyBudgetLedger()
        .previewBudget(`${BUYER}-2`, [CODE], 2);
      expect(budget!.spent).toBe(0);
    }
  });
});
