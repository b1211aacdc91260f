/**
 * The enclave's query compiler on a real database (PostgreSQL with DATABASE_URL, PGlite without):
 * a dataset version loaded exactly per the vault layout (typed cleartext columns, AES-GCM sealed
 * values, HMAC fingerprints), then every filter op, every group key kind, clamped sums and NULL
 * handling checked against the same computation in JavaScript; verification by fingerprint with
 * its meter; injection attempts through every string position; read-only, time-limited runs.
 */
import { poolSizeFor } from "@pdx/common/embedded-postgres";
import type { TAggregateQuery, TQueryFilter } from "@pdx/common/enclave-query";
import { createTestDatabase, type TTestDatabase } from "@pdx/common/testing/test-database";
import { EnclaveError } from "@pdx/enclave/src/errors";
import { planAggregateQuery } from "@pdx/enclave/src/query/plan-query";
import {
  ALL_FIELDS,
  DISTRICTS,
  loadTestDataset,
  MemoryKeyStore,
  TEST_SPEC,
  type TTestRow,
  type TTestValue,
  testRow,
} from "@pdx/enclave/src/query/query-test-support";
import {
  countRows,
  runAggregateQuery,
  type TRawGroup,
  withReadOnlyTransaction,
} from "@pdx/enclave/src/query/run-query";
import { planVerifyQuery, runVerifyQuery, VerificationMeter } from "@pdx/enclave/src/query/verify";
import type { TStoredDataset } from "@pdx/enclave/src/vault/stored-dataset";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROWS = 240;
const LIMITS = { statementTimeoutMs: 10_000 };

let db: TTestDatabase;
let pool: pg.Pool;
let stored: TStoredDataset;
const keys = new MemoryKeyStore();
const rows: TTestRow[] = Array.from({ length: ROWS }, (_, i) => testRow(i + 1));

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: poolSizeFor(db.url, 4) });
  const client = await pool.connect();
  try {
    stored = await loadTestDataset(client, keys, { versionId: 1, rows });
    await client.query("CREATE TABLE sentinel (id int)");
    await client.query("INSERT INTO sentinel VALUES (1)");
  } finally {
    client.release();
  }
});
afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

async function aggregate(query: TAggregateQuery, declared: readonly string[] = ALL_FIELDS) {
  const plan = planAggregateQuery(stored, query, declared);
  return { plan, ...(await runAggregateQuery(pool, plan.sql, LIMITS)) };
}

/** Groups keyed by their dims joined with "|". */
function byDims(groups: readonly TRawGroup[]): Map<string, TRawGroup> {
  return new Map(groups.map((g) => [g.dims.join("|"), g]));
}

function countBy(key: (r: TTestRow) => string, subset: readonly TTestRow[] = rows): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of subset) m.set(key(r), (m.get(key(r)) ?? 0) + 1);
  return m;
}

function countsOf(groups: readonly TRawGroup[]): Map<string, number> {
  return new Map(groups.map((g) => [g.dims.join("|"), g.count]));
}

const text = (v: TTestValue | undefined) => (v === null || v === undefined ? "" : String(v));
const num = (v: TTestValue | undefined) => v as number;
const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);

async function tablesIntact(): Promise<void> {
  const r = await pool.query<{ n: string; s: string }>(
    `SELECT (SELECT count(*) FROM vault_rows_1) AS n, (SELECT count(*) FROM sentinel) AS s`,
  );
  expect(r.rows[0]).toEqual({ n: String(ROWS), s: "1" });
}

describe("filters (every op, against the same filter in JavaScript)", () => {
  const cases: [string, TQueryFilter, (r: TTestRow) => boolean][] = [
    ["eq text", { field: "district", op: "eq", value: "nanshan" }, (r) => r.district === "nanshan"],
    ["eq boolean", { field: "listed", op: "eq", value: true }, (r) => r.listed === true],
    ["eq date", { field: "founded_on", op: "eq", value: "2016-12-12" }, (r) => r.founded_on === "2016-12-12"],
    ["eq numeric", { field: "capital", op: "eq", value: 929.75 }, (r) => r.capital === 929.75],
    ["neq boolean", { field: "listed", op: "neq", value: true }, (r) => r.listed === false],
    [
      "neq skips NULL",
      { field: "subsidy", op: "neq", value: 100 },
      (r) => r.subsidy !== null && r.subsidy !== 100,
    ],
    [
      "in",
      { field: "licence", op: "in", values: ["food", "medical"] },
      (r) => ["food", "medical"].includes(r.licence as string),
    ],
    [
      "not_in",
      { field: "district", op: "not_in", values: ["futian", "luohu"] },
      (r) => !["futian", "luohu"].includes(r.district as string),
    ],
    [
      "in integers",
      { field: "subsidy", op: "in", values: [0, 300, 600] },
      (r) => [0, 300, 600].includes(r.subsidy as number),
    ],
    ["gt numeric", { field: "capital", op: "gt", value: 5000.5 }, (r) => num(r.capital) > 5000.5],
    [
      "gte date",
      { field: "founded_on", op: "gte", value: "2017-06-01" },
      (r) => (r.founded_on as string) >= "2017-06-01",
    ],
    [
      "lt skips NULL",
      { field: "subsidy", op: "lt", value: 300 },
      (r) => r.subsidy !== null && num(r.subsidy) < 300,
    ],
    ["lte aggregate_only", { field: "employees", op: "lte", value: 100 }, (r) => num(r.employees) <= 100],
    [
      "between dates, inclusive",
      { field: "founded_on", op: "between", from: "2016-01-01", to: "2017-12-31" },
      (r) => (r.founded_on as string) >= "2016-01-01" && (r.founded_on as string) <= "2017-12-31",
    ],
    [
      "between numbers, inclusive",
      { field: "capital", op: "between", from: 929.75, to: 3000 },
      (r) => num(r.capital) >= 929.75 && num(r.capital) <= 3000,
    ],
    [
      "range on aggregate_only date (a coarse threshold: first of a month) skips NULL",
      { field: "audited_on", op: "gte", value: "2024-07-01" },
      (r) => r.audited_on !== null && (r.audited_on as string) >= "2024-07-01",
    ],
  ];

  it.each(cases)("%s", async (_, filter, predicate) => {
    const expected = rows.filter(predicate).length;
    expect(expected).toBeGreaterThan(0);
    expect(expected).toBeLessThan(ROWS);
    const counted = await countRows(pool, stored, [filter], ALL_FIELDS, LIMITS);
    expect(counted.count).toBe(expected);
    expect(counted.fieldsTouched).toEqual([`LE-QTEST.${filter.field}`]);
  });

  it("ANDs several filters and reports rowsRead as the rows after filtering", async () => {
    const { groups, rowsRead } = await aggregate({
      dataset: "LE-QTEST",
      filters: [
        { field: "district", op: "in", values: ["nanshan", "baoan"] },
        { field: "capital", op: "lt", value: 6000 },
        { field: "listed", op: "eq", value: false },
      ],
      groupBy: ["district"],
      measures: [{ fn: "count", as: "n" }],
    });
    const subset = rows.filter(
      (r) =>
        ["nanshan", "baoan"].includes(r.district as string) && num(r.capital) < 6000 && r.listed === false,
    );
    expect(countsOf(groups)).toEqual(countBy((r) => text(r.district), subset));
    expect(rowsRead).toBe(subset.length);
  });
});

describe("group keys (every kind)", () => {
  it('groups by text, integer (NULL as ""), numeric (canonical text), date and boolean values', async () => {
    const { groups } = await aggregate({
      dataset: "LE-QTEST",
      groupBy: ["district", "subsidy", "listed"],
      measures: [{ fn: "count", as: "n" }],
    });
    expect(countsOf(groups)).toEqual(countBy((r) => [r.district, text(r.subsidy), text(r.listed)].join("|")));
    expect([...byDims(groups).keys()].some((k) => k.split("|")[1] === "")).toBe(true);

    const numeric = await aggregate({
      dataset: "LE-QTEST",
      groupBy: ["capital", "founded_on"],
      measures: [{ fn: "count", as: "n" }],
    });
    expect(countsOf(numeric.groups)).toEqual(countBy((r) => `${String(r.capital)}|${r.founded_on}`));
    // canonical numeric text: no trailing zeros ("929.75", "1859.5", "2789")
    const capitals = numeric.groups.map((g) => g.dims[0]!);
    expect(capitals.some((c) => /^\d+\.5$/.test(c))).toBe(true);
    expect(capitals.some((c) => /^\d+$/.test(c))).toBe(true);
    expect(capitals.some((c) => /\.\d*0$/.test(c))).toBe(false);
  });

  it('groups dates by year and month, a missing date as ""', async () => {
    const { groups } = await aggregate({
      dataset: "LE-QTEST",
      groupBy: [
        { field: "founded_on", bucket: "year", as: "founded_year" },
        { field: "audited_on", bucket: "month", as: "audit_month" },
      ],
      measures: [{ fn: "count", as: "n" }],
    });
    expect(countsOf(groups)).toEqual(
      countBy(
        (r) =>
          `${(r.founded_on as string).slice(0, 4)}|${r.audited_on === null ? "" : (r.audited_on as string).slice(0, 7)}`,
      ),
    );
  });

  it("groups numbers by width buckets (lower bound as canonical text), fractional widths included", async () => {
    const { groups } = await aggregate({
      dataset: "LE-QTEST",
      groupBy: [
        { field: "employees", width: 50, as: "staff_band" },
        { field: "capital", width: 2500.5, as: "capital_band" },
      ],
      measures: [{ fn: "count", as: "n" }],
    });
    const band = (v: number, w: number) => String(Math.floor(v / w) * w);
    expect(countsOf(groups)).toEqual(
      countBy((r) => `${band(num(r.employees), 50)}|${band(num(r.capital), 2500.5)}`),
    );
  });

  it("groups an aggregate_only closed category", async () => {
    const { groups } = await aggregate({
      dataset: "LE-QTEST",
      groupBy: ["risk"],
      measures: [{ fn: "count", as: "n" }],
    });
    expect(countsOf(groups)).toEqual(countBy((r) => text(r.risk)));
  });
});

describe("measures: clamped sums (contribution bounding) and means", () => {
  it("clamps every row's value to [lo, hi] before summing", async () => {
    const { groups, plan } = await aggregate({
      dataset: "LE-QTEST",
      groupBy: ["district"],
      measures: [
        { fn: "count", as: "firms" },
        { fn: "sum", field: "capital", as: "capital_total", bounds: [100, 5000] },
        { fn: "sum", field: "employees", as: "staff", bounds: [0, 250] },
      ],
    });
    expect(plan.columns.map((c) => c.key)).toEqual(["district", "firms", "capital_total", "staff"]);
    for (const [district, g] of byDims(groups)) {
      const inGroup = rows.filter((r) => r.district === district);
      expect(g.count).toBe(inGroup.length);
      expect(Number(g.sums[0])).toBeCloseTo(
        inGroup.reduce((s, r) => s + clamp(num(r.capital), 100, 5000), 0),
        6,
      );
      expect(Number(g.sums[1])).toBe(inGroup.reduce((s, r) => s + clamp(num(r.employees), 0, 250), 0));
      expect(g.valueCounts).toEqual([inGroup.length, inGroup.length]);
    }
    // the clamp binds: unclamped totals differ
    const unclamped = rows.reduce((s, r) => s + num(r.capital), 0);
    const total = groups.reduce((s, g) => s + Number(g.sums[0]), 0);
    expect(Math.abs(total - unclamped)).toBeGreaterThan(1);
  });

  it("lets rows without a value contribute nothing (not the lower bound) and counts those that do", async () => {
    const { groups } = await aggregate({
      dataset: "LE-QTEST",
      groupBy: ["licence"],
      measures: [{ fn: "mean", field: "subsidy", as: "avg_subsidy", bounds: [50, 400] }],
    });
    for (const [licence, g] of byDims(groups)) {
      const valued = rows.filter((r) => r.licence === licence && r.subsidy !== null);
      expect(g.sums[0]).toBe(String(valued.reduce((s, r) => s + clamp(num(r.subsidy), 50, 400), 0)));
      expect(g.valueCounts[0]).toBe(valued.length);
      expect(g.count).toBeGreaterThan(valued.length);
    }
  });

  it("returns a null sum for a group without values and one zero row for an empty selection", async () => {
    const nulls = await aggregate({
      dataset: "LE-QTEST",
      groupBy: ["subsidy"],
      measures: [{ fn: "sum", field: "subsidy", as: "s", bounds: [0, 1000] }],
    });
    const missing = byDims(nulls.groups).get("")!;
    const withoutSubsidy = rows.filter((r) => r.subsidy === null).length;
    expect(missing).toEqual({
      dims: [""],
      count: withoutSubsidy,
      // No privacy unit in this spec: each row is one unit.
      units: withoutSubsidy,
      sums: [null],
      valueCounts: [0],
    });

    const empty = await aggregate({
      dataset: "LE-QTEST",
      filters: [{ field: "district", op: "eq", value: "nowhere" }],
      measures: [
        { fn: "count", as: "n" },
        { fn: "sum", field: "capital", as: "s", bounds: [0, 1] },
      ],
    });
    expect(empty.groups).toEqual([{ dims: [], count: 0, units: 0, sums: [null], valueCounts: [0] }]);
    expect(empty.rowsRead).toBe(0);
  });
});

describe("contribution bounding by privacy unit", () => {
  const L = 4;
  const UNITS = 17;
  // The same 240 rows, but only 17 enterprises: about 14 rows each, spread over every district.
  const unitRows: TTestRow[] = rows.map((r, i) => ({ ...r, uscc: rows[i % UNITS]!.uscc! }));
  let perUnit: TStoredDataset;
  beforeAll(async () => {
    const client = await pool.connect();
    try {
      perUnit = await loadTestDataset(client, keys, {
        versionId: 2,
        rows: unitRows,
        spec: { ...TEST_SPEC, privacyUnit: { field: "uscc", onePerUnit: false, rowsPerUnit: L } },
      });
    } finally {
      client.release();
    }
  });
  const run = async (query: TAggregateQuery) => {
    const plan = planAggregateQuery(perUnit, query, ALL_FIELDS);
    return runAggregateQuery(pool, plan.sql, LIMITS);
  };

  it("keeps exactly min(rows, L) of each unit's filtered rows and counts the units", async () => {
    for (const district of DISTRICTS) {
      const perUnitRows = countBy(
        (r) => String(r.uscc),
        unitRows.filter((r) => r.district === district),
      );
      const expected = [...perUnitRows.values()].reduce((n, c) => n + Math.min(c, L), 0);
      const { groups } = await run({
        dataset: "LE-QTEST",
        filters: [{ field: "district", op: "eq", value: district }],
        measures: [{ fn: "count", as: "n" }],
      });
      expect(groups, district).toEqual([
        { dims: [], count: expected, units: perUnitRows.size, sums: [], valueCounts: [] },
      ]);
      // Filtering first: every unit with rows there keeps up to L of THEM (not of all its rows).
      expect(expected).toBeGreaterThan(perUnitRows.size);
    }
  });

  it("keeps the same rows on every run and bounds each unit across all the groups of a query", async () => {
    const query: TAggregateQuery = {
      dataset: "LE-QTEST",
      groupBy: ["district", "licence"],
      measures: [
        { fn: "count", as: "n" },
        { fn: "sum", field: "capital", as: "c", bounds: [0, 100_000] },
      ],
    };
    const first = await run(query);
    expect(first.rowsRead).toBe(UNITS * L);
    for (const g of first.groups) expect(g.units).toBeLessThanOrEqual(g.count);
    const again = await run(query);
    expect(byDims(again.groups)).toEqual(byDims(first.groups));
    // The kept rows are a pseudo-random choice, not simply each unit's first rows in file order.
    const firstInFileOrder = unitRows.slice(0, UNITS * L);
    const fileOrderCapital = firstInFileOrder.reduce((sum, r) => sum + num(r.capital), 0);
    const keptCapital = first.groups.reduce((sum, g) => sum + Number(g.sums[0]), 0);
    expect(keptCapital).not.toBeCloseTo(fileOrderCapital, 2);
  });
});

describe("verification", () => {
  const ask = (query: unknown, meter: VerificationMeter) =>
    runVerifyQuery(pool, planVerifyQuery(stored, query, ALL_FIELDS, keys), meter, LIMITS);

  it("answers yes/no by fingerprint and raw fields, and only that", async () => {
    const meter = new VerificationMeter();
    const r7 = rows[6]!;
    expect(await ask({ dataset: "LE-QTEST", match: { uscc: r7.uscc } }, meter)).toEqual({
      answer: true,
      revealed: null,
    });
    expect(await ask({ dataset: "LE-QTEST", match: { uscc: r7.uscc, licence: r7.licence } }, meter)).toEqual({
      answer: true,
      revealed: null,
    });
    const otherLicence = r7.licence === "food" ? "medical" : "food";
    expect(
      await ask({ dataset: "LE-QTEST", match: { uscc: r7.uscc, licence: otherLicence } }, meter),
    ).toEqual({ answer: false, revealed: null });
    expect(await ask({ dataset: "LE-QTEST", match: { uscc: "91440300TEST99999X" } }, meter)).toEqual({
      answer: false,
      revealed: null,
    });
    expect(
      await ask({ dataset: "LE-QTEST", match: { rep_id: r7.rep_id, bank_account: r7.bank_account } }, meter),
    ).toEqual({ answer: true, revealed: null });
    expect(
      await ask(
        { dataset: "LE-QTEST", match: { rep_id: r7.rep_id, bank_account: rows[7]!.bank_account } },
        meter,
      ),
    ).toEqual({ answer: false, revealed: null });
    expect(
      await ask(
        {
          dataset: "LE-QTEST",
          match: { uscc: r7.uscc },
          where: [{ field: "founded_on", op: "lt", value: r7.founded_on as string }],
        },
        meter,
      ),
    ).toEqual({ answer: false, revealed: null });
    expect(
      await ask(
        {
          dataset: "LE-QTEST",
          match: { uscc: r7.uscc },
          where: [{ field: "founded_on", op: "lte", value: r7.founded_on as string }],
        },
        meter,
      ),
    ).toEqual({ answer: true, revealed: null });
    expect(meter.asked).toBe(8);
  });

  it("a fingerprint under another key store does not match (keyed, not a plain hash)", async () => {
    const plan = planVerifyQuery(
      stored,
      { dataset: "LE-QTEST", match: { uscc: rows[0]!.uscc } },
      ALL_FIELDS,
      new MemoryKeyStore(),
    );
    expect(await runVerifyQuery(pool, plan, new VerificationMeter(), LIMITS)).toEqual({
      answer: false,
      revealed: null,
    });
  });

  it("refuses the question over the per-job cap before reading, naming the cap", async () => {
    const meter = new VerificationMeter(2);
    const q = { dataset: "LE-QTEST", match: { uscc: rows[0]!.uscc } };
    await ask(q, meter);
    await ask(q, meter);
    await expect(ask(q, meter)).rejects.toMatchObject({
      code: "LIMIT_EXCEEDED",
      message: "a job may ask at most 2 verification questions (VERIFY_QUESTIONS_PER_JOB)",
    });
    expect(meter.asked).toBe(2);
  });
});

describe("SQL injection through every string position", () => {
  const HOSTILE_VALUES = [
    "' OR 1=1 --",
    "'; DROP TABLE vault_rows_1; --",
    '"; DROP TABLE sentinel; --',
    "nanshan' OR 'a'='a",
    "\\'; SELECT pg_sleep(5); --",
    "$1",
    "{futian,luohu}",
    "nanshan\u2019 OR 1=1",
  ];

  it("values are parameters: they match nothing, in every filter op and match key", async () => {
    for (const v of HOSTILE_VALUES) {
      for (const filter of [
        { field: "district", op: "eq", value: v },
        { field: "district", op: "in", values: [v, "x"] },
        { field: "licence", op: "not_in", values: [v] },
        { field: "district", op: "neq", value: v },
      ] satisfies TQueryFilter[]) {
        const { count } = await countRows(pool, stored, [filter], ALL_FIELDS, LIMITS);
        const expected = filter.op === "eq" || filter.op === "in" ? 0 : ROWS;
        expect(count, `${filter.op} ${v}`).toBe(expected);
      }
      const meter = new VerificationMeter();
      for (const match of [{ uscc: v }, { licence: v }, { uscc: rows[0]!.uscc, district: v }]) {
        const plan = planVerifyQuery(stored, { dataset: "LE-QTEST", match }, ALL_FIELDS, keys);
        expect(await runVerifyQuery(pool, plan, meter, LIMITS)).toEqual({ answer: false, revealed: null });
      }
    }
    await tablesIntact();
  });

  it("names are validated: hostile fields, output names, buckets and datasets are refused before SQL", async () => {
    const names = [
      'district"; DROP TABLE sentinel; --',
      "district;",
      "dístrict",
      "district\u0000",
      "DISTRICT",
      "distrіct",
      "a b",
      "x'y",
    ];
    const attempts: unknown[] = [];
    for (const n of names) {
      attempts.push(
        { dataset: "LE-QTEST", groupBy: [n], measures: [{ fn: "count", as: "n" }] },
        {
          dataset: "LE-QTEST",
          filters: [{ field: n, op: "eq", value: "x" }],
          measures: [{ fn: "count", as: "n" }],
        },
        { dataset: "LE-QTEST", measures: [{ fn: "count", as: n }] },
        { dataset: "LE-QTEST", measures: [{ fn: "sum", field: n, as: "s", bounds: [0, 1] }] },
        {
          dataset: "LE-QTEST",
          groupBy: [{ field: "founded_on", bucket: "year", as: n }],
          measures: [{ fn: "count", as: "n" }],
        },
        {
          dataset: "LE-QTEST",
          groupBy: [{ field: n, width: 5, as: "w" }],
          measures: [{ fn: "count", as: "n" }],
        },
        { dataset: `LE-QTEST${n}`, measures: [{ fn: "count", as: "n" }] },
      );
    }
    attempts.push(
      {
        dataset: "LE-QTEST",
        groupBy: [{ field: "founded_on", bucket: "year'); DROP TABLE sentinel; --", as: "y" }],
        measures: [{ fn: "count", as: "n" }],
      },
      { dataset: "LE-QTEST", measures: [{ fn: "sum; DROP", field: "capital", as: "s", bounds: [0, 1] }] },
      {
        dataset: "LE-QTEST",
        filters: [{ field: "district", op: "= 'x' OR 1=1 --", value: "x" }],
        measures: [{ fn: "count", as: "n" }],
      },
    );
    for (const attempt of attempts) {
      let caught: unknown;
      try {
        planAggregateQuery(stored, attempt, ALL_FIELDS);
      } catch (err) {
        caught = err;
      }
      expect(caught, JSON.stringify(attempt)).toBeInstanceOf(EnclaveError);
      expect((caught as EnclaveError).code).toBe("QUERY_INVALID");
    }
    for (const n of names) {
      let caught: unknown;
      try {
        planVerifyQuery(stored, { dataset: "LE-QTEST", match: { [n]: "x" } }, ALL_FIELDS, keys);
      } catch (err) {
        caught = err;
      }
      expect((caught as EnclaveError).code).toBe("QUERY_INVALID");
    }
    await tablesIntact();
  });

  it("a NUL character in a value is refused, not sent", async () => {
    await expect(
      countRows(pool, stored, [{ field: "district", op: "eq", value: "a\u0000b" }], ALL_FIELDS, LIMITS),
    ).rejects.toMatchObject({
      code: "QUERY_INVALID",
      message: 'filters.0.value: field "district" is text: the value must be a string without NUL characters',
    });
  });
});

describe("execution: read-only, time-limited", () => {
  it("runs in a READ ONLY transaction with the statement time limit set locally", async () => {
    const client = await pool.connect();
    try {
      const seen = await withReadOnlyTransaction(client, { statementTimeoutMs: 250 }, async (c) => {
        const r = await c.query<{ statement_timeout: string }>("SHOW statement_timeout");
        return r.rows[0]!.statement_timeout;
      });
      expect(seen).toBe("250ms");
      await expect(
        withReadOnlyTransaction(client, LIMITS, (c) => c.query("DELETE FROM sentinel")),
      ).rejects.toThrow(/^vault query failed \(SQLSTATE 25006\)$/);
      // the limit was local to the transaction
      const after = await client.query<{ statement_timeout: string }>("SHOW statement_timeout");
      expect(after.rows[0]!.statement_timeout).not.toBe("250ms");
    } finally {
      client.release();
    }
    await tablesIntact();
  });

  it("a statement over the limit is cancelled as LIMIT_EXCEEDED on PostgreSQL (PGlite cannot interrupt)", async () => {
    const run = withReadOnlyTransaction(pool, { statementTimeoutMs: 100 }, (c) =>
      c.query("SELECT pg_sleep(0.5)"),
    );
    if (db.kind === "postgresql")
      await expect(run).rejects.toMatchObject({
        code: "LIMIT_EXCEEDED",
        message: "a vault query ran over the statement time limit of 100 ms",
      });
    else await expect(run).resolves.toMatchObject({ rowCount: 1 });
  });

  it("refuses an out-of-range time limit", async () => {
    await expect(withReadOnlyTransaction(pool, { statementTimeoutMs: 0 }, async () => 1)).rejects.toThrow(
      /statementTimeoutMs must be an integer from 1 to 600000/,
    );
  });
});
