import {
  BASE_LIBRARY_CODES,
  datasetEntryProblems,
  parseDatasetEntry,
  type TDatasetEntry,
  THEME_LIBRARY_CODES,
} from "@pdx/common/catalog/dataset-entry";
import { authorizableFields, authorizableProblems } from "@pdx/common/catalog/grade-policy";
import { mockRows } from "@pdx/common/catalog/mock-rows";
import { matchesQuery, searchTextOf } from "@pdx/common/catalog/search-text";
import { describe, expect, it } from "vitest";
import { PRODUCT_MANIFESTS } from "../../products/index";
import { generateLegalEntities, LE_FIELDS } from "../legal-entities";
import { CATALOG_DATASET_SEEDS, CATALOG_DATASETS, CATALOG_DEPARTMENTS, catalogSourceOf } from "./index";

const byCode = new Map(CATALOG_DATASETS.map((d) => [d.code, d]));
const entry = (code: string): TDatasetEntry => byCode.get(code)!;

describe("every seeded catalog entry", () => {
  it.each(CATALOG_DATASETS.map((d) => [d.code, d] as const))("%s is valid", (_code, d) => {
    expect(datasetEntryProblems(d)).toEqual([]);
    expect(parseDatasetEntry(d)).toEqual({ ok: true, entry: d });
    expect(d.fields.length).toBeGreaterThanOrEqual(5);
    expect(d.fields.length).toBeLessThanOrEqual(15);
  });
});

describe("the catalog as a whole", () => {
  it("has unique codes and at least 44 datasets, at least 5 in each base library, and themes", () => {
    expect(new Set(CATALOG_DATASETS.map((d) => d.code)).size).toBe(CATALOG_DATASETS.length);
    expect(CATALOG_DATASETS.length).toBeGreaterThanOrEqual(44);
    for (const lib of BASE_LIBRARY_CODES)
      expect(CATALOG_DATASETS.filter((d) => d.libraryCode === lib).length, lib).toBeGreaterThanOrEqual(5);
    const themes = new Set(CATALOG_DATASETS.filter((d) => d.library === "theme").map((d) => d.libraryCode));
    expect([...themes].sort()).toEqual([...THEME_LIBRARY_CODES].sort());
  });

  it("names a catalog department as the source of every dataset, and every department is a source", () => {
    const keys = new Set(CATALOG_DEPARTMENTS.map((d) => d.key));
    expect(CATALOG_DATASET_SEEDS.filter((s) => !keys.has(s.sourceOrgKey))).toEqual([]);
    const sources = new Set(CATALOG_DATASET_SEEDS.map((s) => s.sourceOrgKey));
    expect([...keys].filter((k) => !sources.has(k))).toEqual([]);
    expect(catalogSourceOf("LE-BASE")).toBe("market-regulation");
    expect(() => catalogSourceOf("NOPE")).toThrow(/NOPE/);
  });

  it("has one authoritative source per data item, and every reference points at one", () => {
    const authoritative = new Map<string, string[]>();
    for (const d of CATALOG_DATASETS)
      for (const f of d.fields)
        if (f.authoritative)
          authoritative.set(f.item, [...(authoritative.get(f.item) ?? []), `${d.code}.${f.name}`]);
    expect([...authoritative].filter(([, where]) => where.length > 1)).toEqual([]);
    const dangling = CATALOG_DATASETS.flatMap((d) =>
      d.fields
        .filter((f) => !f.authoritative && !authoritative.has(f.item))
        .map((f) => `${d.code}.${f.name} → ${f.item}`),
    );
    expect(dangling).toEqual([]);
  });

  it("references the tax dataset's credit-code join key to LE-BASE, not as its own item", () => {
    const key = entry("TAX-REGISTRATION").fields.find((f) => f.name === "taxpayer_id")!;
    expect(key).toMatchObject({ item: "le.uscc", authoritative: false });
    expect(entry("LE-BASE").fields.find((f) => f.item === "le.uscc")).toMatchObject({ authoritative: true });
  });

  it("mixes realistic sharing, open attributes, grades, masking and frequencies", () => {
    const count = (pred: (d: TDatasetEntry) => boolean) => CATALOG_DATASETS.filter(pred).length;
    expect(count((d) => d.sharing.attribute === "unconditional")).toBeGreaterThanOrEqual(10);
    expect(count((d) => d.sharing.attribute === "conditional")).toBeGreaterThanOrEqual(10);
    const notShareable = CATALOG_DATASETS.filter((d) => d.sharing.attribute === "not_shareable");
    expect(notShareable.length).toBeGreaterThanOrEqual(3);
    expect(notShareable.every((d) => /《中华人民共和国.+》/.test(d.sharing.legalBasis ?? ""))).toBe(true);
    expect(count((d) => d.open.attribute === "prohibited")).toBeGreaterThanOrEqual(3);
    expect(count((d) => d.open.attribute === "open")).toBeGreaterThanOrEqual(10);
    for (const g of ["core", "important", "general"] as const)
      expect(
        count((d) => d.grade === g),
        g,
      ).toBeGreaterThanOrEqual(5);
    const fields = CATALOG_DATASETS.flatMap((d) => d.fields);
    for (const rule of [
      "mask_name",
      "mask_id",
      "mask_phone",
      "mask_middle",
      "hash",
      "generalize",
      "suppress",
    ] as const)
      expect(
        fields.some((f) => f.masking === rule),
        rule,
      ).toBe(true);
    expect(fields.filter((f) => f.personalInfo).length).toBeGreaterThanOrEqual(30);
    expect(fields.filter((f) => f.unit).length).toBeGreaterThanOrEqual(40);
    expect(new Set(CATALOG_DATASETS.map((d) => d.updateFrequency)).size).toBeGreaterThanOrEqual(6);
    // A dataset with sensitive identifiers is core: every citizen identity number is core data.
    expect(fields.filter((f) => f.item === "pop.id_number" && f.grade !== "core")).toEqual([]);
  });
});

describe("authorization scenarios the seeds support", () => {
  it("bank–tax: invoice amounts in the sandbox; medical research: diagnoses only encrypted; EMR never", () => {
    expect(
      authorizableProblems(entry("TAX-INVOICE-SUMMARY"), ["uscc", "month", "amount"], "sandbox"),
    ).toEqual([]);
    expect(authorizableProblems(entry("HC-OUTPATIENT"), ["diagnosis_code", "total_cost"], "he")).toEqual([]);
    expect(authorizableProblems(entry("HC-OUTPATIENT"), ["diagnosis_code"], "sandbox")).toEqual([
      expect.stringContaining('field "diagnosis_code" is core data'),
    ]);
    expect(authorizableFields(entry("HC-EMR"), "mpc")).toEqual([]);
    expect(authorizableFields(entry("NR-SURVEY"), "he")).toEqual([]);
    expect(authorizableProblems(entry("EC-ID-CARD"), ["holder_id"], "verification")).toEqual([
      expect.stringContaining('"prohibited"'),
    ]);
  });
});

describe("LE-BASE", () => {
  const le = entry("LE-BASE");

  it("keeps the vault's and the demo catalog's field names, in order, and their types", () => {
    expect(le.fields.map((f) => f.name)).toEqual(LE_FIELDS.map((f) => f.field));
    expect(le.fields.map((f) => f.type)).toEqual(["text", "text", "text", "text", "numeric", "date", "text"]);
    expect(catalogSourceOf("LE-BASE")).toBe("market-regulation");
    expect(le.volume.rows).toBe(100_000);
  });

  it("lets every product on a catalog dataset be authorized in its delivery form's compute mode", () => {
    expect(PRODUCT_MANIFESTS.length).toBeGreaterThan(0);
    const modeOf = {
      authorized_query: "sandbox",
      private_set_intersection: "verification",
      encrypted_query: "he",
      joint_statistics: "mpc",
    } as const;
    for (const p of PRODUCT_MANIFESTS) {
      // A joint product reads each party's fields on that party's own dataset.
      const reads =
        p.deliveryForm === "joint_statistics"
          ? p.logic.parties.map((party) => ({
              dataset: party.datasetCode,
              fields: [party.groupField, party.valueField],
            }))
          : [{ dataset: p.datasetCode, fields: p.fieldsUsed.map((f) => f.name) }];
      for (const read of reads)
        expect(
          authorizableProblems(entry(read.dataset), read.fields, modeOf[p.deliveryForm]),
          p.code,
        ).toEqual([]);
    }
    expect(authorizableFields(le, "sandbox")).toEqual([
      "uscc",
      "name",
      "district",
      "industry",
      "registered_capital",
      "founded_on",
      "status",
    ]);
  });

  it("gives mock rows that never equal a row of the synthetic register", () => {
    const register = [...generateLegalEntities()];
    const codes = new Set(register.map((r) => r.uscc));
    const names = new Set(register.map((r) => r.name));
    const rows = [1, 2, 3].flatMap((seed) => mockRows(le, 50, seed));
    expect(rows).toHaveLength(150);
    expect(rows.filter((r) => codes.has(r.uscc as string) || names.has(r.name as string))).toEqual([]);
    expect(rows.every((r) => (r.name as string).includes("示例"))).toBe(true);
  });
});

describe("mock rows of every seeded dataset", () => {
  it.each(CATALOG_DATASETS.map((d) => [d.code, d] as const))(
    "%s: typed, masked and plainly fake",
    (_code, d) => {
      const rows = mockRows(d, 12, 2026);
      expect(rows).toHaveLength(12);
      expect(mockRows(d, 12, 2026)).toEqual(rows);
      for (const f of d.fields)
        for (const row of rows) {
          const v = row[f.name];
          if (f.masking === "suppress") expect(v).toBeNull();
          else if (f.masking !== "none") expect(typeof v === "string" || typeof v === "number").toBe(true);
          else if (f.type === "integer") expect(Number.isInteger(v)).toBe(true);
          else if (f.type === "numeric") expect(typeof v).toBe("number");
          else if (f.type === "date") expect(v).toMatch(/^\d{4}-\d{2}-\d{2}$/);
          else if (f.type === "boolean") expect(typeof v).toBe("boolean");
          else expect(typeof v).toBe("string");
          if (f.sample?.kind === "identifier" && f.sample.format === "person_name" && f.masking === "none")
            expect(v).toMatch(/示例$/);
          if (f.masking === "mask_name") expect(v).toMatch(/^\p{Script=Han}\*$/u);
          if (f.masking === "mask_id" && f.item === "pop.id_number")
            expect(v).toMatch(/^449900\*{8}\d{3}[\dX]$/);
        }
    },
  );
});

describe("search over the seeded catalog", () => {
  const find = (q: string) =>
    CATALOG_DATASETS.filter((d) => matchesQuery(searchTextOf(d), q)).map((d) => d.code);

  it("finds datasets by Chinese substrings of library, field and category labels", () => {
    expect(find("法人 注册资本")).toEqual(["LE-BASE", "LE-CHANGE"]); // LE-CHANGE lists 注册资本 among changed items
    expect(find("法人 注册资本 所属行政区")).toEqual(["LE-BASE"]);
    expect(find("婚姻")).toEqual(expect.arrayContaining(["POP-MARRIAGE"]));
    const withIdNumbers = CATALOG_DATASETS.filter((d) => d.fields.some((f) => f.item === "pop.id_number"));
    expect(withIdNumbers.length).toBeGreaterThanOrEqual(10);
    expect(find("身份号码")).toEqual(expect.arrayContaining(withIdNumbers.map((d) => d.code)));
    expect(find("纳税信用")).toEqual(["CR-TAX-CREDIT"]);
    expect(find("空气质量")).toEqual(["ECO-AIR-QUALITY"]);
  });

  it("finds by code and English regardless of width and case", () => {
    expect(find("ＬＥ－ＢＡＳＥ")).toEqual(["LE-BASE"]);
    expect(find("vat INVOICES")).toEqual(["TAX-INVOICE-SUMMARY"]);
  });
});
