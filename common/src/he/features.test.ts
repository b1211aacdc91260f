import { describe, expect, it } from "vitest";
import {
  heFeatureIsInteger,
  heFeatureProblems,
  heFeatureValue,
  type THeFeature,
  ZHeFeature,
} from "./features";

const label = { zh: "特征", en: "Feature" };
const band: THeFeature = { as: "capital_band", field: "capital", transform: "band", edges: [10, 100], label };
const year: THeFeature = { as: "founded_year", field: "founded_on", transform: "year", label };
const category: THeFeature = {
  as: "status_code",
  field: "status",
  transform: "category",
  values: ["存续", "吊销"],
  label,
};
const number: THeFeature = { as: "capital", field: "capital", transform: "number", label };

const fields = [
  { name: "capital", type: "numeric", grade: "important", personalInfo: false, masking: "none" },
  { name: "founded_on", type: "date", grade: "general", personalInfo: false, masking: "none" },
  { name: "status", type: "text", grade: "general", personalInfo: false, masking: "none" },
  { name: "id_number", type: "text", grade: "core", personalInfo: true, masking: "none" },
  { name: "phone", type: "text", grade: "important", personalInfo: true, masking: "partial" },
  { name: "employees", type: "integer", grade: "general", personalInfo: false, masking: "none" },
  { name: "opened_on", type: "date", grade: "general", personalInfo: false, masking: "generalize" },
] as const;

describe("heFeatureValue", () => {
  it("counts the band edges at or below the value", () => {
    expect([null, "0", "9.99", "10", "99.5", "100", "5000"].map((v) => heFeatureValue(band, v))).toEqual([
      0, 0, 0, 1, 1, 2, 2,
    ]);
  });
  it("takes the year of a date, the index of a category (the list's length when not listed)", () => {
    expect(heFeatureValue(year, "2014-06-30")).toBe(2014);
    expect(heFeatureValue(category, "吊销")).toBe(1);
    expect(heFeatureValue(category, "注销")).toBe(2);
    expect(heFeatureValue(category, null)).toBe(2);
    expect(heFeatureValue(number, "123.45")).toBe(123.45);
  });
  it("marks only number features as possibly fractional", () => {
    expect([band, year, category, number].map(heFeatureIsInteger)).toEqual([true, true, true, false]);
  });
});

describe("heFeatureProblems (the per-entity rule)", () => {
  it("accepts general fields in any form and important fields coarsened", () => {
    expect(heFeatureProblems([band, year, category], fields)).toEqual([]);
    expect(
      heFeatureProblems([{ as: "staff", field: "employees", transform: "number", label }], fields),
    ).toEqual([]);
  });
  it("refuses an important field as its exact value", () => {
    expect(heFeatureProblems([number], fields)).toEqual([
      'feature "capital" (field "capital"): important data may be output per entity only coarsened (transform "band" or "category")',
    ]);
  });
  it("refuses a masked field as its exact value (the masking would be undone)", () => {
    expect(
      heFeatureProblems([{ as: "opened", field: "opened_on", transform: "year", label }], fields),
    ).toEqual([
      'feature "opened" (field "opened_on"): a field masked "generalize" may be output per entity only coarsened (transform "band" or "category")',
    ]);
  });
  it("refuses core data and personal information whatever the transform", () => {
    const problems = heFeatureProblems(
      [
        { as: "a", field: "id_number", transform: "category", values: ["x"], label },
        { as: "b", field: "phone", transform: "category", values: ["x"], label },
      ],
      fields,
    );
    expect(problems).toEqual([
      'feature "a" (field "id_number"): core data may never be output per entity',
      'feature "b" (field "phone"): personal information may never be output per entity',
    ]);
  });
  it("refuses unknown fields and transforms that do not fit the type", () => {
    expect(
      heFeatureProblems(
        [
          { as: "x", field: "nope", transform: "number", label },
          { as: "y", field: "status", transform: "year", label },
        ],
        fields,
      ),
    ).toEqual([
      'feature "x" (field "nope"): the dataset has no such field',
      'feature "y" (field "status"): transform "year" needs a date field, not text',
    ]);
  });
  it("refuses band edges that do not ascend and duplicate categories", () => {
    expect(ZHeFeature.safeParse({ ...band, edges: [10, 10] }).success).toBe(false);
    expect(ZHeFeature.safeParse({ ...category, values: ["a", "a"] }).success).toBe(false);
  });
});
