/**
 * The aggregate planner without a database: every refusal (code and message naming the path,
 * field and rule — never a submitted value), the typed plan, and the compiled SQL's shape.
 */
import type { TAggregateQuery, TQueryFilter } from "@pdx/common/enclave-query";
import { describe, expect, it } from "vitest";
import { EnclaveError } from "../errors";
import { isIsoDate, planAggregateQuery } from "./plan-query";
import { ALL_FIELDS, storedForPlanning, TEST_SPEC } from "./query-test-support";

const stored = storedForPlanning();
const q = (over: Partial<TAggregateQuery> = {}): TAggregateQuery => ({
  dataset: "LE-QTEST",
  measures: [{ fn: "count", as: "n" }],
  ...over,
});

const plan = (on: typeof stored, query: TAggregateQuery) => planAggregateQuery(on, query, ALL_FIELDS);

function refusal(query: unknown, declared: readonly string[] = ALL_FIELDS): EnclaveError {
  try {
    planAggregateQuery(stored, query, declared);
  } catch (err) {
    if (err instanceof EnclaveError) return err;
    throw err;
  }
  throw new Error("expected a refusal");
}

describe("planAggregateQuery: shape", () => {
  it("refuses what the query contract does not parse, naming the zod path", () => {
    expect(refusal({ dataset: "LE-QTEST", measures: [] })).toMatchObject({
      code: "QUERY_INVALID",
      message: expect.stringMatching(/^measures: /),
    });
    const bad = refusal(q({ filters: [{ field: "district", op: "like" as "eq", value: "x" }] }));
    expect(bad.code).toBe("QUERY_INVALID");
    expect(bad.message).toMatch(/^filters\.0\.op: /);
    expect(refusal(q({ groupBy: ["a", "b", "c", "d"] })).message).toMatch(/^groupBy: /);
    expect(refusal("SELECT 1").message).toMatch(/^\(query\): /);
  });

  it("refuses a query naming another dataset", () => {
    expect(refusal(q({ dataset: "LE-OTHER" }))).toMatchObject({
      code: "QUERY_INVALID",
      message: "dataset: the query names another dataset than LE-QTEST, the one being queried",
    });
  });

  it("refuses unknown fields naming dataset and field", () => {
    expect(refusal(q({ groupBy: ["nope"] }))).toMatchObject({
      code: "QUERY_INVALID",
      message: 'groupBy.0: dataset LE-QTEST has no field "nope"',
    });
  });

  it("refuses fields the job did not declare (FIELD_OUT_OF_SCOPE)", () => {
    expect(refusal(q({ groupBy: ["district"] }), ["capital"])).toMatchObject({
      code: "FIELD_OUT_OF_SCOPE",
      message: "groupBy.0: field LE-QTEST.district is not among the fields the job declared",
    });
  });

  it("refuses duplicate output names", () => {
    const err = refusal(q({ groupBy: ["district"], measures: [{ fn: "count", as: "district" }] }));
    expect(err).toMatchObject({
      code: "QUERY_INVALID",
      message: 'measures.0.as: output name "district" is used twice',
    });
    const twice = refusal(
      q({
        groupBy: [
          { field: "founded_on", bucket: "year", as: "y" },
          { field: "founded_on", bucket: "month", as: "y" },
        ],
      }),
    );
    expect(twice.message).toBe('groupBy.1.as: output name "y" is used twice');
  });
});

describe("planAggregateQuery: column policy", () => {
  it.each<[string, TAggregateQuery, RegExp]>([
    [
      "identifier as dimension",
      q({ groupBy: ["uscc"] }),
      /^groupBy\.0: field LE-QTEST\.uscc may not be used as a group-by dimension: its policy is never \(identifier \(uscc\)/,
    ],
    [
      "identifier as filter",
      q({ filters: [{ field: "uscc", op: "eq", value: "x" }] }),
      /^filters\.0\.field: field LE-QTEST\.uscc may not be used as an equality filter: its policy is never/,
    ],
    [
      "masked as dimension",
      q({ groupBy: ["rep_name"] }),
      /LE-QTEST\.rep_name may not be used as a group-by dimension: its policy is masked \(personal information, masking "mask_name"/,
    ],
    [
      "core as measure",
      q({ measures: [{ fn: "sum", field: "tax_paid", as: "t", bounds: [0, 1] }] }),
      /LE-QTEST\.tax_paid may not be used as a sum\/mean measure: its policy is encrypted_only \(core data: only homomorphic encryption or MPC\)/,
    ],
    [
      "suppressed",
      q({ groupBy: ["note"] }),
      /LE-QTEST\.note may not be used as a group-by dimension: its policy is never \(masking "suppress"/,
    ],
    [
      "hashed",
      q({ filters: [{ field: "bank_account", op: "eq", value: "x" }] }),
      /LE-QTEST\.bank_account may not be used as an equality filter: its policy is never \(masking "hash"/,
    ],
    [
      "aggregate_only equality",
      q({ filters: [{ field: "employees", op: "eq", value: 10 }] }),
      /LE-QTEST\.employees may not be used as an equality filter: its policy is aggregate_only .* would single out rows/,
    ],
    [
      "aggregate_only plain group",
      q({ groupBy: ["employees"] }),
      /LE-QTEST\.employees may not be used as a group-by dimension/,
    ],
    [
      "aggregate_only in-list",
      q({ filters: [{ field: "audited_on", op: "in", values: ["2024-01-15"] }] }),
      /LE-QTEST\.audited_on may not be used as an equality filter/,
    ],
  ])("refuses %s with FIELD_NOT_ALLOWED naming field, use and reason", (_, query, message) => {
    const err = refusal(query);
    expect(err.code).toBe("FIELD_NOT_ALLOWED");
    expect(err.message).toMatch(message);
  });

  it("accepts aggregate_only fields in measures, ranges, buckets and closed categories", () => {
    const plan = planAggregateQuery(
      stored,
      q({
        filters: [
          { field: "employees", op: "between", from: 10, to: 400 },
          { field: "risk", op: "in", values: ["low", "mid"] },
        ],
        groupBy: ["risk", { field: "audited_on", bucket: "month", as: "audit_month" }],
        measures: [{ fn: "mean", field: "employees", as: "avg_staff", bounds: [0, 1000] }],
      }),
      ALL_FIELDS,
    );
    expect(plan.columns).toEqual([
      { key: "risk", kind: "dimension" },
      { key: "audit_month", kind: "dimension" },
      { key: "avg_staff", kind: "measure" },
    ]);
    expect(plan.fieldsTouched).toEqual(["LE-QTEST.risk", "LE-QTEST.audited_on", "LE-QTEST.employees"]);
  });

  it("refuses fine range thresholds on aggregate_only numbers (binary-search probes), accepts coarse ones", () => {
    for (const filter of <TQueryFilter[]>[
      { field: "employees", op: "gte", value: 123 },
      { field: "employees", op: "between", from: 10, to: 401 },
      { field: "employees", op: "lt", value: 1250 },
    ]) {
      const err = refusal(q({ filters: [filter] }));
      expect(err.code).toBe("FIELD_NOT_ALLOWED");
      expect(err.safeMessage).toMatch(/employees is aggregate-only.*at most 2 significant digits/);
      expect(err.safeMessage).not.toMatch(/123|401|1250/);
    }
    expect(() =>
      planAggregateQuery(stored, q({ filters: [{ field: "employees", op: "gte", value: 120 }] }), ALL_FIELDS),
    ).not.toThrow();
  });
});

describe("planAggregateQuery: types", () => {
  it.each<[string, TAggregateQuery, string]>([
    [
      "sum of text",
      q({ measures: [{ fn: "sum", field: "district", as: "s", bounds: [0, 1] }] }),
      'measures.0.fn: sum applies to integer and numeric fields; "district" is text',
    ],
    [
      "mean of a date",
      q({ measures: [{ fn: "mean", field: "founded_on", as: "s", bounds: [0, 1] }] }),
      'measures.0.fn: mean applies to integer and numeric fields; "founded_on" is date',
    ],
    [
      "bounds out of order",
      q({ measures: [{ fn: "sum", field: "capital", as: "s", bounds: [5, 1] }] }),
      "measures.0.bounds: the lower bound must not exceed the upper bound",
    ],
    [
      "year bucket of a number",
      q({ groupBy: [{ field: "capital", bucket: "year", as: "y" }] }),
      'groupBy.0.bucket: year/month buckets apply to date fields; "capital" is numeric',
    ],
    [
      "width bucket of a date",
      q({ groupBy: [{ field: "founded_on", width: 10, as: "w" }] }),
      'groupBy.0.width: width buckets apply to integer and numeric fields; "founded_on" is date',
    ],
    [
      "range on text",
      q({ filters: [{ field: "district", op: "gt", value: "a" }] }),
      'filters.0.op: range filter "gt" applies to integer, numeric and date fields; "district" is text',
    ],
    [
      "range on boolean",
      q({ filters: [{ field: "listed", op: "between", from: 0, to: 1 }] }),
      'filters.0.op: range filter "between" applies to integer, numeric and date fields; "listed" is boolean',
    ],
    [
      "string for a number",
      q({ filters: [{ field: "capital", op: "gte", value: "100" }] }),
      'filters.0.value: field "capital" is numeric: the value must be a finite number',
    ],
    [
      "fraction for an integer",
      q({ filters: [{ field: "subsidy", op: "eq", value: 1.5 }] }),
      'filters.0.value: field "subsidy" is integer: the value must be a safe integer',
    ],
    [
      "unsafe integer",
      q({ filters: [{ field: "subsidy", op: "lt", value: 2 ** 60 }] }),
      'filters.0.value: field "subsidy" is integer: the value must be a safe integer',
    ],
    [
      "number for a date",
      q({ filters: [{ field: "founded_on", op: "lt", value: 20240101 }] }),
      'filters.0.value: field "founded_on" is date: the value must be an ISO date YYYY-MM-DD',
    ],
    [
      "impossible date",
      q({ filters: [{ field: "founded_on", op: "lt", value: "2023-02-29" }] }),
      'filters.0.value: field "founded_on" is date: the value must be an ISO date YYYY-MM-DD',
    ],
    [
      "non-ISO date",
      q({ filters: [{ field: "founded_on", op: "lt", value: "01/02/2024" }] }),
      'filters.0.value: field "founded_on" is date: the value must be an ISO date YYYY-MM-DD',
    ],
    [
      "number for text",
      q({ filters: [{ field: "district", op: "eq", value: 3 }] }),
      'filters.0.value: field "district" is text: the value must be a string',
    ],
    [
      "string for boolean",
      q({ filters: [{ field: "listed", op: "eq", value: "true" }] }),
      'filters.0.value: field "listed" is boolean: the value must be true or false',
    ],
    [
      "bad in-list item",
      q({ filters: [{ field: "district", op: "not_in", values: ["a", false] }] }),
      'filters.0.values.1: field "district" is text: the value must be a string',
    ],
    [
      "between reversed",
      q({ filters: [{ field: "founded_on", op: "between", from: "2020-01-01", to: "2019-01-01" }] }),
      'filters.0: "between" needs from ≤ to',
    ],
  ])("refuses %s (QUERY_INVALID)", (_, query, message) => {
    expect(refusal(query)).toMatchObject({ code: "QUERY_INVALID", message });
  });

  it("never echoes a submitted value in a refusal", () => {
    const secret = "' OR 1=1 -- 13800138000";
    const err = refusal(q({ filters: [{ field: "capital", op: "eq", value: secret }] }));
    expect(err.message).not.toContain(secret);
    expect(err.message).not.toContain("13800138000");
  });

  it("checks calendar dates exactly", () => {
    expect(isIsoDate("2024-02-29")).toBe(true);
    expect(isIsoDate("2023-02-29")).toBe(false);
    expect(isIsoDate("2024-13-01")).toBe(false);
    expect(isIsoDate("0000-01-01")).toBe(false);
    expect(isIsoDate("9999-12-31")).toBe(true);
    expect(isIsoDate("2024-1-01")).toBe(false);
  });
});

describe("planAggregateQuery: compiled SQL", () => {
  it("puts every value in a typed parameter and names only spec columns", () => {
    const plan = planAggregateQuery(
      stored,
      q({
        filters: [
          { field: "district", op: "in", values: ["futian", "'; DROP TABLE x; --"] },
          { field: "capital", op: "gte", value: 12.5 },
          { field: "founded_on", op: "between", from: "2016-01-01", to: "2018-12-31" },
          { field: "listed", op: "neq", value: true },
        ],
        groupBy: ["district", { field: "capital", width: 250, as: "capital_band" }],
        measures: [
          { fn: "count", as: "firms" },
          { fn: "sum", field: "capital", as: "capital_total", bounds: [0, 5000] },
          { fn: "mean", field: "subsidy", as: "avg_subsidy", bounds: [0, 600] },
        ],
      }),
      ALL_FIELDS,
    );
    expect(plan.sql.text).toBe(
      [
        `SELECT coalesce("district", '') AS d0,`,
        `coalesce(trim_scale(floor("capital" / $1::numeric) * $1::numeric)::text, '') AS d1,`,
        "count(*) AS n,",
        `(sum(least(greatest("capital", $2::numeric), $3::numeric)) FILTER (WHERE "capital" IS NOT NULL))::text AS s0,`,
        `(sum(least(greatest("subsidy", $4::numeric), $5::numeric)) FILTER (WHERE "subsidy" IS NOT NULL))::text AS s1,`,
        `count("capital") AS v0, count("subsidy") AS v1`,
        `FROM "vault_rows_7"`,
        `WHERE "district" = ANY($6::text[]) AND "capital" >= $7::numeric`,
        `AND "founded_on" BETWEEN $8::date AND $9::date AND "listed" <> $10::boolean`,
        "GROUP BY 1, 2",
      ].join(" "),
    );
    expect(plan.sql.values).toEqual([
      250,
      0,
      5000,
      0,
      600,
      ["futian", "'; DROP TABLE x; --"],
      12.5,
      "2016-01-01",
      "2018-12-31",
      true,
    ]);
    expect(plan.sql).toMatchObject({ dimensionCount: 2, sumCount: 2 });
    expect(plan.measures.map((m) => ("sumIndex" in m ? m.sumIndex : null))).toEqual([null, 0, 1]);
    expect(plan.fieldsTouched).toEqual([
      "LE-QTEST.district",
      "LE-QTEST.capital",
      "LE-QTEST.subsidy",
      "LE-QTEST.founded_on",
      "LE-QTEST.listed",
    ]);
  });

  it("compiles a query without dimensions or filters to one ungrouped row", () => {
    const plan = planAggregateQuery(stored, q(), ["district"]);
    expect(plan.sql.text).toBe(`SELECT count(*) AS n FROM "vault_rows_7"`);
    expect(plan.sql.values).toEqual([]);
    expect(plan.fieldsTouched).toEqual([]);
  });

  it("bounds rows per privacy unit: the dataset's default, the query's choice, none for a register", () => {
    const perUnit = storedForPlanning({
      ...TEST_SPEC,
      privacyUnit: { field: "uscc", onePerUnit: false, rowsPerUnit: 10 },
    });
    expect(plan(perUnit, q()).rowsPerUnit).toBe(10);
    expect(plan(perUnit, q()).sql.text).toMatch(
      /PARTITION BY "uscc__fp" .* WHERE "_unit_row" <= \$1::bigint$/,
    );
    expect(plan(perUnit, q()).sql.values).toEqual([10]);
    expect(plan(perUnit, q({ rowsPerUnit: 3 })).rowsPerUnit).toBe(3);
    expect(plan(perUnit, q({ rowsPerUnit: 3 })).sql.values).toEqual([3]);
    const register = storedForPlanning({
      ...TEST_SPEC,
      privacyUnit: { field: "uscc", onePerUnit: true, rowsPerUnit: 1 },
    });
    expect(plan(register, q({ rowsPerUnit: 5 }))).toMatchObject({
      rowsPerUnit: 1,
      sql: { text: `SELECT count(*) AS n FROM "vault_rows_7"`, countsUnits: false },
    });
    expect(plan(stored, q()).rowsPerUnit).toBe(1);
    expect(refusal(q({ rowsPerUnit: 0 })).message).toMatch(/^rowsPerUnit: /);
    expect(refusal(q({ rowsPerUnit: 101 })).message).toMatch(/^rowsPerUnit: /);
  });

  it("normalizes text values to NFC", () => {
    const plan = planAggregateQuery(
      stored,
      q({ filters: [{ field: "district", op: "eq", value: "e\u0301" }] }),
      ALL_FIELDS,
    );
    expect(plan.sql.values).toEqual(["\u00e9"]);
  });

  it("refuses a stored dataset whose table does not match its id", () => {
    expect(() => planAggregateQuery({ ...stored, table: 'vault_rows_7"; DROP' }, q(), ALL_FIELDS)).toThrow(
      /stored dataset table does not match its id/,
    );
  });
});
