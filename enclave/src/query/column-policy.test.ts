/**
 * The query compiler's column policy: every row of the decision table, the uses each policy
 * allows, the aggregate_only refinements and the fingerprint exception for match keys.
 */
import { vaultFieldOf } from "@pdx/common/vault-api";
import { describe, expect, it } from "vitest";
import {
  allowedUses,
  COLUMN_POLICIES,
  columnPolicyOf,
  FIELD_USES,
  fieldUseProblem,
  type TColumnPolicy,
} from "./column-policy";
import { TEST_SPEC } from "./query-test-support";

const fieldNamed = (name: string) => TEST_SPEC.fields.find((f) => f.name === name)!;

describe("columnPolicyOf", () => {
  it.each<[string, TColumnPolicy, RegExp]>([
    ["uscc", "never", /identifier \(uscc\)/],
    ["org_name", "never", /identifier \(org_name\)/],
    ["rep_id", "masked", /personal information, masking "mask_id"/],
    ["rep_name", "masked", /masking "mask_name"/],
    ["district", "raw", /general data/],
    ["capital", "raw", /general data/],
    ["founded_on", "raw", /general data/],
    ["listed", "raw", /general data/],
    ["employees", "aggregate_only", /important data/],
    ["risk", "aggregate_only", /important data/],
    ["tax_paid", "encrypted_only", /core data/],
    ["note", "never", /masking "suppress": the value is not stored/],
    ["bank_account", "never", /masking "hash": only a keyed fingerprint/],
  ])("%s → %s", (name, policy, reason) => {
    const decision = columnPolicyOf(fieldNamed(name), TEST_SPEC.grade);
    expect(decision.policy).toBe(policy);
    expect(decision.reason).toMatch(reason);
  });

  it("refuses a field graded above its dataset (inconsistent spec)", () => {
    expect(columnPolicyOf(fieldNamed("employees"), "general")).toEqual({
      policy: "never",
      reason: "the field is graded important above its general dataset (inconsistent spec)",
    });
  });

  it("refuses personal information that has no masking rule (and is not core)", () => {
    const f = { ...fieldNamed("district"), personalInfo: true };
    expect(columnPolicyOf(f, "general").policy).toBe("never");
  });

  it("derives from the catalog's storage decision: a serial identifier stays never", () => {
    const f = vaultFieldOf({
      name: "licence_no",
      label: { zh: "许可证号", en: "Licence number" },
      type: "text",
      grade: "general",
      personalInfo: false,
      masking: "none",
      item: "le.licence_no",
      sample: { kind: "identifier", format: "serial", prefix: "LIC" },
    } as Parameters<typeof vaultFieldOf>[0]);
    expect(f.storage).toBe("cleartext");
    expect(columnPolicyOf(f, "general")).toMatchObject({ policy: "never" });
  });
});

describe("allowedUses", () => {
  it("gives raw every query use, aggregate_only no verification use, and nothing to the rest", () => {
    expect(allowedUses("raw")).toEqual(FIELD_USES.filter((u) => u !== "masked_output"));
    expect(allowedUses("aggregate_only")).toEqual([
      "group_by",
      "group_by_bucket",
      "filter_equality",
      "filter_range",
      "measure",
    ]);
    expect(allowedUses("masked")).toEqual(["masked_output"]);
    expect(allowedUses("encrypted_only")).toEqual([]);
    expect(allowedUses("never")).toEqual([]);
    expect(COLUMN_POLICIES).toHaveLength(5);
  });
});

describe("fieldUseProblem", () => {
  const problem = (name: string, use: Parameters<typeof fieldUseProblem>[2]) => {
    const f = fieldNamed(name);
    return fieldUseProblem(f, columnPolicyOf(f, TEST_SPEC.grade), use);
  };

  it("never lets an identifier be a dimension, filter or measure", () => {
    for (const use of [
      "group_by",
      "group_by_bucket",
      "filter_equality",
      "filter_range",
      "measure",
    ] as const) {
      expect(problem("uscc", use)).toMatch(/^its policy is never \(identifier \(uscc\)/);
      expect(problem("rep_id", use)).toMatch(/^its policy is masked/);
    }
  });

  it("lets fingerprinted fields of any policy be match keys, and no other non-raw field", () => {
    expect(problem("uscc", "verify_match")).toBeNull();
    expect(problem("rep_id", "verify_match")).toBeNull();
    expect(problem("bank_account", "verify_match")).toBeNull();
    expect(problem("district", "verify_match")).toBeNull();
    expect(problem("org_name", "verify_match")).toMatch(/only fingerprinted or raw fields can be match keys/);
    expect(problem("tax_paid", "verify_match")).toMatch(/^its policy is encrypted_only/);
    expect(problem("employees", "verify_match")).toMatch(/^its policy is aggregate_only/);
  });

  it("allows aggregate_only numbers in measures, ranges and buckets, not in equality or plain grouping", () => {
    expect(problem("employees", "measure")).toBeNull();
    expect(problem("employees", "filter_range")).toBeNull();
    expect(problem("employees", "group_by_bucket")).toBeNull();
    expect(problem("employees", "filter_equality")).toMatch(/continuous or free value would single out rows/);
    expect(problem("employees", "group_by")).toMatch(/continuous or free value would single out rows/);
    expect(problem("employees", "verify_where")).toMatch(/^its policy is aggregate_only/);
  });

  it("allows a closed categorical aggregate_only field to be grouped and equality-filtered", () => {
    expect(problem("risk", "group_by")).toBeNull();
    expect(problem("risk", "filter_equality")).toBeNull();
    expect(problem("risk", "verify_where")).toMatch(/^its policy is aggregate_only/);
  });
});
