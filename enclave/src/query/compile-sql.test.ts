/**
 * The SQL compiler on its own: strict identifier quoting (a spec that somehow carries a hostile
 * name is refused, not compiled), every group key kind and filter op, and the verification SQL.
 */
import type { TVaultField } from "@pdx/common/vault-api";
import { describe, expect, it } from "vitest";
import { compileAggregateSql, compileVerifySql, quoteIdentifier, quoteRowsTable } from "./compile-sql";
import { TEST_SPEC } from "./query-test-support";

const fieldNamed = (name: string) => TEST_SPEC.fields.find((f) => f.name === name)!;

describe("quoteIdentifier", () => {
  it("quotes plain lowercase names only", () => {
    expect(quoteIdentifier("capital")).toBe('"capital"');
    expect(quoteIdentifier("uscc__fp")).toBe('"uscc__fp"');
    for (const hostile of [
      'a"b',
      "a;b",
      "a b",
      "Capital",
      "1a",
      "",
      "cаpital", // Cyrillic а
      "ﬁeld", // ligature
      "a\u0000b",
      "a".repeat(64),
      'x"; DROP TABLE vault_rows_1; --',
    ])
      expect(() => quoteIdentifier(hostile), hostile).toThrow(/refusing to quote an unexpected identifier/);
  });

  it("accepts only vault_rows_<id> as a table", () => {
    expect(quoteRowsTable("vault_rows_12")).toBe('"vault_rows_12"');
    for (const t of ["vault_rows_0", "vault_rows_", "legal_entities", "vault_rows_1; DROP", "vault_rows_01"])
      expect(() => quoteRowsTable(t), t).toThrow(/unexpected rows table name/);
  });
});

describe("compileAggregateSql", () => {
  it("compiles every group key kind", () => {
    const sql = compileAggregateSql({
      table: "vault_rows_3",
      unitBound: null,
      filters: [],
      dimensions: [
        { key: "a", field: fieldNamed("district"), kind: "value" },
        { key: "b", field: fieldNamed("subsidy"), kind: "value" },
        { key: "c", field: fieldNamed("capital"), kind: "value" },
        { key: "d", field: fieldNamed("founded_on"), kind: "value" },
        { key: "e", field: fieldNamed("listed"), kind: "value" },
        { key: "f", field: fieldNamed("founded_on"), kind: "year" },
        { key: "g", field: fieldNamed("audited_on"), kind: "month" },
        { key: "h", field: fieldNamed("employees"), kind: "width", width: 50 },
      ],
      measures: [{ key: "n", fn: "count" }],
    });
    expect(sql.text).toBe(
      [
        `SELECT coalesce("district", '') AS d0, coalesce("subsidy"::text, '') AS d1,`,
        `coalesce(trim_scale("capital")::text, '') AS d2, coalesce(to_char("founded_on", 'YYYY-MM-DD'), '') AS d3,`,
        `coalesce("listed"::text, '') AS d4,`,
        `coalesce(to_char(date_trunc('year', "founded_on"::timestamp), 'YYYY'), '') AS d5,`,
        `coalesce(to_char(date_trunc('month', "audited_on"::timestamp), 'YYYY-MM'), '') AS d6,`,
        `coalesce(trim_scale(floor("employees" / $1::numeric) * $1::numeric)::text, '') AS d7,`,
        `count(*) AS n FROM "vault_rows_3" GROUP BY 1, 2, 3, 4, 5, 6, 7, 8`,
      ].join(" "),
    );
    expect(sql.values).toEqual([50]);
  });

  it("compiles every filter op with typed parameters", () => {
    const district = fieldNamed("district");
    const subsidy = fieldNamed("subsidy");
    const sql = compileAggregateSql({
      table: "vault_rows_3",
      unitBound: null,
      filters: [
        { field: district, op: "eq", value: "a" },
        { field: district, op: "neq", value: "b" },
        { field: district, op: "in", values: ["c", "d"] },
        { field: district, op: "not_in", values: ["e"] },
        { field: subsidy, op: "gt", value: 1 },
        { field: subsidy, op: "gte", value: 2 },
        { field: subsidy, op: "lt", value: 3 },
        { field: subsidy, op: "lte", value: 4 },
        { field: subsidy, op: "between", from: 5, to: 6 },
      ],
      dimensions: [],
      measures: [{ key: "n", fn: "count" }],
    });
    expect(sql.text).toBe(
      [
        `SELECT count(*) AS n FROM "vault_rows_3" WHERE "district" = $1::text AND "district" <> $2::text`,
        `AND "district" = ANY($3::text[]) AND "district" <> ALL($4::text[]) AND "subsidy" > $5::bigint`,
        `AND "subsidy" >= $6::bigint AND "subsidy" < $7::bigint AND "subsidy" <= $8::bigint`,
        `AND "subsidy" BETWEEN $9::bigint AND $10::bigint`,
      ].join(" "),
    );
    expect(sql.values).toEqual(["a", "b", ["c", "d"], ["e"], 1, 2, 3, 4, 5, 6]);
  });

  it("keeps at most rowsPerUnit filtered rows per unit and counts each group's distinct units", () => {
    const sql = compileAggregateSql({
      table: "vault_rows_3",
      unitBound: { field: fieldNamed("uscc"), rowsPerUnit: 4 },
      filters: [{ field: fieldNamed("licence"), op: "eq", value: "food" }],
      dimensions: [{ key: "d", field: fieldNamed("district"), kind: "value" }],
      measures: [
        { key: "n", fn: "count" },
        { key: "s", fn: "sum", field: fieldNamed("subsidy"), bounds: [0, 10], sumIndex: 0 },
      ],
    });
    expect(sql.text).toBe(
      [
        `SELECT coalesce("district", '') AS d0, count(*) AS n, count(DISTINCT "_unit") AS u,`,
        `(sum(least(greatest("subsidy", $1::numeric), $2::numeric)) FILTER (WHERE "subsidy" IS NOT NULL))::text AS s0,`,
        `count("subsidy") AS v0`,
        `FROM (SELECT "district", "subsidy", "uscc__fp" AS "_unit",`,
        `row_number() OVER (PARTITION BY "uscc__fp" ORDER BY hashint8extended("_row", 0), "_row") AS "_unit_row"`,
        `FROM "vault_rows_3" WHERE "licence" = $3::text) AS "bounded" WHERE "_unit_row" <= $4::bigint GROUP BY 1`,
      ].join(" "),
    );
    expect(sql.values).toEqual([0, 10, "food", 4]);
    expect(sql.countsUnits).toBe(true);
    expect(
      () =>
        compileAggregateSql({
          table: "vault_rows_3",
          unitBound: { field: fieldNamed("district"), rowsPerUnit: 4 },
          filters: [],
          dimensions: [],
          measures: [{ key: "n", fn: "count" }],
        }),
      "a unit without a fingerprint",
    ).toThrow(/no fingerprint column/);
    expect(() =>
      compileAggregateSql({
        table: "vault_rows_3",
        unitBound: { field: fieldNamed("uscc"), rowsPerUnit: 0 },
        filters: [],
        dimensions: [],
        measures: [{ key: "n", fn: "count" }],
      }),
    ).toThrow(/rows per unit/);
  });

  it("refuses a field that is not stored in cleartext or carries a hostile name", () => {
    const sealed = fieldNamed("rep_name");
    expect(() =>
      compileAggregateSql({
        table: "vault_rows_3",
        unitBound: null,
        filters: [],
        dimensions: [{ key: "x", field: sealed, kind: "value" }],
        measures: [{ key: "n", fn: "count" }],
      }),
    ).toThrow(/not stored in cleartext/);
    const hostile: TVaultField = { ...fieldNamed("district"), name: 'district" FROM pg_user; --' };
    expect(() =>
      compileAggregateSql({
        table: "vault_rows_3",
        unitBound: null,
        filters: [{ field: hostile, op: "eq", value: "x" }],
        dimensions: [],
        measures: [{ key: "n", fn: "count" }],
      }),
    ).toThrow(/refusing to quote/);
  });
});

describe("compileVerifySql", () => {
  it("compares fingerprints as bytea and raw fields by typed equality inside EXISTS", () => {
    const fp = Buffer.alloc(32, 7);
    const sql = compileVerifySql({
      table: "vault_rows_9",
      match: [
        { field: fieldNamed("uscc"), by: "fingerprint", fingerprint: fp },
        { field: fieldNamed("licence"), by: "cleartext", value: "food" },
      ],
      where: [{ field: fieldNamed("founded_on"), op: "lt", value: "2020-01-01" }],
    });
    expect(sql.text).toBe(
      `SELECT EXISTS (SELECT 1 FROM "vault_rows_9" WHERE "uscc__fp" = $1::bytea AND "licence" = $2::text AND "founded_on" < $3::date) AS answer`,
    );
    expect(sql.values).toEqual([fp, "food", "2020-01-01"]);
  });
});
