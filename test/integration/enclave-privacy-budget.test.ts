/**
 * The ε ledger on a real database (PostgreSQL with DATABASE_URL, else PGlite): the vault's
 * migrations, reservations that never overspend under concurrency, charges bounded by the job's
 * reservation, idempotent release, the database's own check, and protectAggregate charging
 * through the ledger (a refused charge releases nothing).
 */
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { poolSizeFor } from "@pdx/common/embedded-postgres";
import type { TQueryMeasure } from "@pdx/common/enclave-query";
import { runMigrations } from "@pdx/common/migrate";
import { createTestDatabase, type TTestDatabase } from "@pdx/common/testing/test-database";
import { EnclaveError } from "@pdx/enclave/src/errors";
import { PrivacyBudgetLedger } from "@pdx/enclave/src/privacy/budget-ledger";
import { protectAggregate } from "@pdx/enclave/src/privacy/protect-aggregate";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const MIGRATIONS = fileURLToPath(new URL("../../enclave/migrations", import.meta.url));

let db: TTestDatabase;
let pool: pg.Pool;
let ledger: PrivacyBudgetLedger;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: poolSizeFor(db.url, 25) });
  const { applied } = await runMigrations(pool, MIGRATIONS);
  expect(applied).toContain("0003_privacy_budget.sql");
  ledger = new PrivacyBudgetLedger(pool);
});
afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

async function budgetRow(buyer: string, dataset: string) {
  const { rows } = await pool.query<{ total: string; spent: string; reserved: string }>(
    `SELECT epsilon_total::text AS total, epsilon_spent::text AS spent, epsilon_reserved::text AS reserved
       FROM privacy_budgets WHERE buyer_org_id = $1 AND dataset_code = $2`,
    [buyer, dataset],
  );
  const row = rows[0];
  // Compared as numbers: numeric's text keeps a scale ("1.0"), its value is exact.
  return row && { total: Number(row.total), spent: Number(row.spent), reserved: Number(row.reserved) };
}

async function refusal(promise: Promise<unknown>): Promise<EnclaveError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof EnclaveError) return err;
    throw err;
  }
  throw new Error("expected a refusal");
}

describe("previewBudget and reserve", () => {
  it("previews the default for an unused budget, creates it on first reservation, keeps its total", async () => {
    const buyer = "org-preview";
    expect(await ledger.previewBudget(buyer, ["LE-BASE", "OTHER"], 10)).toEqual([
      { datasetCode: "LE-BASE", total: 10, spent: 0, reserved: 0, remaining: 10 },
      { datasetCode: "OTHER", total: 10, spent: 0, reserved: 0, remaining: 10 },
    ]);
    expect(await budgetRow(buyer, "LE-BASE")).toBeUndefined();
    const job = randomUUID();
    expect(await ledger.reserve(job, buyer, "LE-BASE", 2.5, 10)).toEqual({
      datasetCode: "LE-BASE",
      total: 10,
      spent: 0,
      reserved: 2.5,
      remaining: 7.5,
    });
    // A later default does not change an existing budget.
    await ledger.reserve(randomUUID(), buyer, "LE-BASE", 0.5, 99);
    expect((await ledger.previewBudget(buyer, ["LE-BASE"], 99))[0]).toMatchObject({ total: 10, reserved: 3 });
  });

  it("refuses a reservation the budget cannot cover, naming the dataset, the need and what remains", async () => {
    const buyer = "org-exhaust";
    await ledger.reserve(randomUUID(), buyer, "LE-BASE", 9.5, 10);
    const err = await refusal(ledger.reserve(randomUUID(), buyer, "LE-BASE", 2, 10));
    expect(err.code).toBe("BUDGET_EXCEEDED");
    expect(err.safeMessage).toBe(
      "privacy budget of dataset LE-BASE exhausted for this buyer: the job needs ε=2, 0.5 of 10 remains",
    );
    expect(await budgetRow(buyer, "LE-BASE")).toEqual({ total: 10, spent: 0, reserved: 9.5 });
  });

  it("keeps decimal amounts exact: ten reservations of 0.1 fill a budget of 1 exactly", async () => {
    const buyer = "org-decimal";
    for (let i = 0; i < 10; i++) await ledger.reserve(randomUUID(), buyer, "LE-BASE", 0.1, 1);
    expect(await budgetRow(buyer, "LE-BASE")).toEqual({ total: 1, spent: 0, reserved: 1 });
    const err = await refusal(ledger.reserve(randomUUID(), buyer, "LE-BASE", 0.000001, 1));
    expect(err.safeMessage).toContain("0 of 1 remains");
  });

  it("validates its inputs", async () => {
    expect((await refusal(ledger.reserve(randomUUID(), "org", "LE-BASE", 0, 10))).code).toBe(
      "INVALID_REQUEST",
    );
    expect((await refusal(ledger.reserve(randomUUID(), "org", "LE-BASE", Number.NaN, 10))).code).toBe(
      "INVALID_REQUEST",
    );
    expect((await refusal(ledger.reserve("", "org", "LE-BASE", 1, 10))).safeMessage).toMatch(/^jobId:/);
  });
});

describe("no double spend under concurrency", () => {
  it("of 20 concurrent reservations of 0.7 on a budget of 10, exactly 14 succeed", async () => {
    const buyer = "org-concurrent";
    const jobs = Array.from({ length: 20 }, () => randomUUID());
    const outcomes = await Promise.allSettled(
      jobs.map((job) => ledger.reserve(job, buyer, "LE-BASE", 0.7, 10)),
    );
    const succeeded = outcomes.filter((o) => o.status === "fulfilled").length;
    expect(succeeded).toBe(14);
    for (const o of outcomes) {
      if (o.status === "rejected") expect(o.reason).toMatchObject({ code: "BUDGET_EXCEEDED" });
    }
    expect(await budgetRow(buyer, "LE-BASE")).toEqual({ total: 10, spent: 0, reserved: 9.8 });
    const { rows } = await pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM privacy_charges WHERE buyer_org_id = $1 AND kind = 'reserve'",
      [buyer],
    );
    expect(rows[0]!.n).toBe(14);
  });

  it("concurrent charges of one job never take more than it reserved, and spent + reserved ≤ total", async () => {
    const buyer = "org-concurrent-charge";
    const job = randomUUID();
    await ledger.reserve(job, buyer, "LE-BASE", 3, 10);
    await ledger.reserve(randomUUID(), buyer, "LE-BASE", 5, 10); // another job's reservation
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => ledger.charge(job, buyer, "LE-BASE", 0.25, `query ${i}`)),
    );
    expect(outcomes.filter((o) => o.status === "fulfilled").length).toBe(12);
    expect(await budgetRow(buyer, "LE-BASE")).toEqual({ total: 10, spent: 3, reserved: 5 });
    const err = outcomes.find((o) => o.status === "rejected") as PromiseRejectedResult;
    expect(err.reason.safeMessage).toBe(
      "the job's reserved privacy budget on dataset LE-BASE is exhausted: this query needs ε=0.25, 0 of the job's reservation remains",
    );
  });

  it("concurrent reservations and releases of many jobs keep spent + reserved within the total", async () => {
    const buyer = "org-mixed";
    const runJob = async (i: number) => {
      const job = randomUUID();
      try {
        await ledger.reserve(job, buyer, "LE-BASE", 1, 5);
      } catch {
        return "refused";
      }
      await ledger.charge(job, buyer, "LE-BASE", 0.25, `query of job ${i}`);
      await ledger.release(job);
      return "ran";
    };
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => runJob(i)));
    const ran = results.filter((r) => r === "ran").length;
    const row = await budgetRow(buyer, "LE-BASE");
    expect(Number(row!.reserved)).toBe(0);
    expect(Number(row!.spent)).toBe(0.25 * ran);
    expect(Number(row!.spent) + Number(row!.reserved)).toBeLessThanOrEqual(5);
    // At least the first five always fit; released reservations let later ones in.
    expect(ran).toBeGreaterThanOrEqual(5);
  });
});

describe("charge and release", () => {
  it("charges from the reservation, returns the rest once, and records every movement", async () => {
    const buyer = "org-lifecycle";
    const job = randomUUID();
    await ledger.reserve(job, buyer, "LE-BASE", 2, 10);
    await ledger.reserve(job, buyer, "OTHER", 1, 10);
    expect(await ledger.charge(job, buyer, "LE-BASE", 0.5, "aggregate by [district]: count")).toEqual({
      datasetCode: "LE-BASE",
      total: 10,
      spent: 0.5,
      reserved: 1.5,
      remaining: 8,
    });
    expect(await ledger.jobReservations(job)).toEqual([
      { buyerOrgId: buyer, datasetCode: "LE-BASE", epsilon: 1.5 },
      { buyerOrgId: buyer, datasetCode: "OTHER", epsilon: 1 },
    ]);
    expect(await ledger.release(job)).toEqual([
      { buyerOrgId: buyer, datasetCode: "LE-BASE", epsilon: 1.5 },
      { buyerOrgId: buyer, datasetCode: "OTHER", epsilon: 1 },
    ]);
    expect(await ledger.release(job)).toEqual([]);
    expect(await budgetRow(buyer, "LE-BASE")).toEqual({ total: 10, spent: 0.5, reserved: 0 });
    expect(await budgetRow(buyer, "OTHER")).toEqual({ total: 10, spent: 0, reserved: 0 });
    const { rows } = await pool.query<{
      kind: string;
      dataset_code: string;
      epsilon: string;
      detail: string;
    }>(
      "SELECT kind, dataset_code, epsilon::text, detail FROM privacy_charges WHERE job_id = $1 ORDER BY id",
      [job],
    );
    expect(rows.map((r) => `${r.kind} ${r.dataset_code} ${r.epsilon}`)).toEqual([
      "reserve LE-BASE 2",
      "reserve OTHER 1",
      "charge LE-BASE 0.5",
      "release LE-BASE 1.5",
      "release OTHER 1",
    ]);
    expect(rows[2]!.detail).toBe("aggregate by [district]: count");
    // After release, the job can charge nothing more.
    expect((await refusal(ledger.charge(job, buyer, "LE-BASE", 0.1, "late"))).code).toBe("BUDGET_EXCEEDED");
  });

  it("refuses a charge on a budget the job never reserved", async () => {
    const err = await refusal(ledger.charge(randomUUID(), "org-none", "LE-BASE", 0.1, "q"));
    expect(err.code).toBe("BUDGET_EXCEEDED");
    expect(err.safeMessage).toContain("0 of the job's reservation remains");
  });

  it("setTotal raises or lowers a budget, never below what is spent and reserved", async () => {
    const buyer = "org-total";
    await ledger.reserve(randomUUID(), buyer, "LE-BASE", 4, 10);
    expect(await ledger.setTotal(buyer, "LE-BASE", 6)).toMatchObject({ total: 6, remaining: 2 });
    const err = await refusal(ledger.setTotal(buyer, "LE-BASE", 3));
    expect(err.code).toBe("BUDGET_EXCEEDED");
    expect(await ledger.setTotal("org-new", "LE-BASE", 20)).toMatchObject({ total: 20, remaining: 20 });
  });

  it("the database itself refuses spent + reserved above the total", async () => {
    await ledger.reserve(randomUUID(), "org-check", "LE-BASE", 1, 2);
    await expect(
      pool.query(
        "UPDATE privacy_budgets SET epsilon_spent = 2 WHERE buyer_org_id = 'org-check' AND dataset_code = 'LE-BASE'",
      ),
    ).rejects.toThrow(/privacy_budgets_within_total/);
  });
});

describe("protectAggregate charging through the ledger", () => {
  const groups = [
    { dims: ["朝阳区"], count: 120, sums: ["1200000"] },
    { dims: ["海淀区"], count: 80, sums: ["800000"] },
  ];
  const measures: TQueryMeasure[] = [
    { fn: "count", as: "n" },
    { fn: "sum", field: "registered_capital", as: "capital", bounds: [0, 100_000] },
  ];

  it("charges the query's ε to the job's reservation and releases the rows", async () => {
    const buyer = "org-protect";
    const job = randomUUID();
    await ledger.reserve(job, buyer, "LE-BASE", 1.5, 10);
    const result = await protectAggregate({
      groupBy: ["district"],
      measures,
      groups,
      k: 10,
      epsilon: 0.5,
      charge: async (epsilon, detail) => {
        await ledger.charge(job, buyer, "LE-BASE", epsilon, detail);
      },
    });
    expect(result.rows).toHaveLength(2);
    expect(result.epsilonSpent).toBe(1);
    expect(await budgetRow(buyer, "LE-BASE")).toEqual({ total: 10, spent: 1, reserved: 0.5 });

    // The next query needs 1 but the job holds 0.5: refused, nothing released, nothing charged.
    const err = await refusal(
      protectAggregate({
        groupBy: ["district"],
        measures,
        groups,
        k: 10,
        epsilon: 0.5,
        charge: async (epsilon, detail) => {
          await ledger.charge(job, buyer, "LE-BASE", epsilon, detail);
        },
      }),
    );
    expect(err.code).toBe("BUDGET_EXCEEDED");
    expect(await budgetRow(buyer, "LE-BASE")).toEqual({ total: 10, spent: 1, reserved: 0.5 });
    expect(await ledger.release(job)).toEqual([{ buyerOrgId: buyer, datasetCode: "LE-BASE", epsilon: 0.5 }]);
  });
});
