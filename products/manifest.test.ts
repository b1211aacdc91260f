import { describe, expect, it } from "vitest";
import { PRODUCT_MANIFESTS, productRef, ZProductManifest } from "./index";
import { leDistrictIndustryManifest } from "./le-district-industry/manifest";
import { leStatusCheckManifest } from "./le-status-check/manifest";
import { defineProductManifest } from "./manifest";

const valid = leDistrictIndustryManifest;

describe("product manifests", () => {
  it("lists le-district-industry@1 on LE-BASE with k = 10, the two set-intersection and three encrypted-query products", () => {
    expect(PRODUCT_MANIFESTS.map(productRef)).toEqual(
      expect.arrayContaining([
        "le-district-industry@1",
        "le-status-check@1",
        "le-register-coverage@1",
        "le-private-scoring@1",
        "le-private-lookup@1",
        "le-portfolio-stats@1",
      ]),
    );
    expect(valid).toMatchObject({
      datasetCode: "LE-BASE",
      operatorOrgKey: "city-data-operator",
      deliveryForm: "authorized_query",
      privacyRule: { kind: "min-group-size", k: 10 },
      logic: {
        kind: "aggregate",
        groupBy: ["district", "industry"],
        measures: [
          { fn: "count", as: "enterprises" },
          { fn: "sum", field: "registered_capital", as: "registered_capital_total" },
        ],
      },
    });
    expect(valid.columns.find((c) => c.key === "registered_capital_total")?.unit).toBe("万元");
  });

  it("refuses a group-by field that fieldsUsed does not declare", () => {
    const r = ZProductManifest.safeParse({
      ...valid,
      logic: { ...valid.logic, groupBy: ["district", "status"] },
    });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.message).join("\n")).toContain('field "status" must be declared');
  });

  it("refuses a summed field declared as group_by", () => {
    const fieldsUsed = valid.fieldsUsed.map((f) =>
      f.name === "registered_capital" ? { ...f, usage: "group_by" as const } : f,
    );
    const r = ZProductManifest.safeParse({ ...valid, fieldsUsed });
    expect(r.success).toBe(false);
    expect(r.error!.issues.some((i) => i.path.join(".") === "logic.measures.1.field")).toBe(true);
  });

  it("refuses a declared field the logic never reads", () => {
    const extra = {
      name: "founded_on",
      label: { zh: "成立日期", en: "Founded on" },
      usage: "aggregate" as const,
    };
    const r = ZProductManifest.safeParse({ ...valid, fieldsUsed: [...valid.fieldsUsed, extra] });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.message).join("\n")).toContain("never reads it");
  });

  it("refuses output columns that do not match the logic", () => {
    const r = ZProductManifest.safeParse({ ...valid, columns: [...valid.columns].reverse() });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual(["columns"]);
  });

  it("refuses k below 2, an unknown delivery form and a bad code", () => {
    expect(
      ZProductManifest.safeParse({ ...valid, privacyRule: { kind: "min-group-size", k: 1 } }).success,
    ).toBe(false);
    expect(ZProductManifest.safeParse({ ...valid, deliveryForm: "download" }).success).toBe(false);
    expect(ZProductManifest.safeParse({ ...valid, code: "LE District" }).success).toBe(false);
  });

  it("defineProductManifest names the product and every problem", () => {
    expect(() => defineProductManifest({ ...valid, version: 0, columns: [] })).toThrow(
      /product manifest le-district-industry is invalid:\n {2}- version: .*\n {2}- columns: /,
    );
  });

  describe("set-intersection products", () => {
    const psi = leStatusCheckManifest;

    it("intersect one identifier field of the rows passing public filters, revealing the matches", () => {
      expect(psi).toMatchObject({
        deliveryForm: "private_set_intersection",
        logic: {
          kind: "psi",
          field: "uscc",
          filters: [{ field: "status", op: "in", values: ["吊销", "注销"] }],
        },
        privacyRule: { kind: "set-membership", reveals: "intersection" },
        columns: [{ key: "uscc", kind: "dimension" }],
      });
    });

    it("refuse a matched field not declared as match, and aggregate usages", () => {
      const r = ZProductManifest.safeParse({
        ...psi,
        fieldsUsed: psi.fieldsUsed.map((f) => (f.name === "uscc" ? { ...f, usage: "group_by" } : f)),
      });
      expect(r.success).toBe(false);
      const messages = r.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("\n");
      expect(messages).toContain('fieldsUsed.0.usage: usage "group_by" does not fit this delivery form');
      expect(messages).toContain(
        'logic.field: field "uscc" must be declared in fieldsUsed with usage "match"',
      );
    });

    it("refuse columns that do not fit what is revealed", () => {
      const r = ZProductManifest.safeParse({
        ...psi,
        privacyRule: { ...psi.privacyRule, reveals: "cardinality" },
      });
      expect(r.success).toBe(false);
      expect(r.error!.issues[0]!.message).toBe(
        "columns must be the match count, in order: matches (measure)",
      );
    });

    it("refuse an aggregate logic under the set-intersection delivery form", () => {
      const r = ZProductManifest.safeParse({ ...psi, logic: valid.logic });
      expect(r.success).toBe(false);
    });
  });
});
