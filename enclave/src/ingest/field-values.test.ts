/**
 * Validation and canonical text of one value per field type (text, integer, numeric, date,
 * boolean), nullability, the `values` list and identifier formats (USCC, resident id, mobile).
 */
import type { TVaultField } from "@pdx/common/vault-api";
import { describe, expect, it } from "vitest";
import { checkValue } from "./field-values";
import { residentIdOf, usccOf } from "./test-support";

function field(overrides: Partial<TVaultField>): TVaultField {
  return {
    name: "f",
    type: "text",
    grade: "general",
    personalInfo: false,
    masking: "none",
    item: "t.f",
    nullable: false,
    storage: "cleartext",
    fingerprint: false,
    ...overrides,
  };
}

const ok = (f: TVaultField, raw: string | null) => {
  const r = checkValue(f, raw);
  if (!r.ok) throw new Error(`expected ok, got ${r.reason}`);
  return r.text;
};
const reason = (f: TVaultField, raw: string | null) => {
  const r = checkValue(f, raw);
  if (r.ok) throw new Error("expected an error");
  return r.reason;
};

describe("checkValue", () => {
  it("requires a value unless the field is nullable", () => {
    expect(reason(field({}), "")).toBe("is required (empty)");
    expect(reason(field({}), null)).toBe("is required (empty)");
    expect(ok(field({ nullable: true }), "")).toBeNull();
  });

  it("keeps text as is, in NFC", () => {
    expect(ok(field({}), " a b ")).toBe(" a b ");
    expect(ok(field({}), "e\u0301")).toBe("\u00e9");
  });

  it("canonicalizes integers and refuses non-integers and 64-bit overflow", () => {
    const f = field({ type: "integer" });
    expect(ok(f, "007")).toBe("7");
    expect(ok(f, "-0")).toBe("0");
    expect(ok(f, "+12")).toBe("12");
    expect(ok(f, "9223372036854775807")).toBe("9223372036854775807");
    expect(reason(f, "9223372036854775808")).toBe("integer out of range (64-bit)");
    expect(reason(f, "1.0")).toBe("not an integer");
    expect(reason(f, "1e3")).toBe("not an integer");
  });

  it("canonicalizes decimals without leading or trailing zeros", () => {
    const f = field({ type: "numeric" });
    expect(ok(f, "0012.500")).toBe("12.5");
    expect(ok(f, "3.")).toBe("3");
    expect(ok(f, ".25")).toBe("0.25");
    expect(ok(f, "-0.000")).toBe("0");
    expect(ok(f, "-1.50")).toBe("-1.5");
    expect(reason(f, "1,5")).toMatch(/^not a decimal number/);
    expect(reason(f, "1e5")).toMatch(/^not a decimal number/);
    expect(reason(f, "NaN")).toMatch(/^not a decimal number/);
  });

  it("accepts only dates that exist, as YYYY-MM-DD", () => {
    const f = field({ type: "date" });
    expect(ok(f, "2024-02-29")).toBe("2024-02-29");
    expect(reason(f, "2023-02-29")).toBe("not a date that exists");
    expect(reason(f, "2024-13-01")).toBe("not a date that exists");
    expect(reason(f, "2024/01/01")).toBe("not a date (YYYY-MM-DD)");
    expect(reason(f, "2024-1-1")).toBe("not a date (YYYY-MM-DD)");
  });

  it("accepts booleans as true/false only", () => {
    const f = field({ type: "boolean" });
    expect(ok(f, "true")).toBe("true");
    expect(ok(f, "false")).toBe("false");
    for (const bad of ["TRUE", "1", "yes", "t"])
      expect(reason(f, bad)).toBe('not a boolean ("true" or "false")');
  });

  it("checks the allowed values after canonicalization", () => {
    expect(ok(field({ values: ["中心区", "南湾区"] }), "南湾区")).toBe("南湾区");
    expect(reason(field({ values: ["中心区"] }), "北岭区")).toBe("not one of the field's allowed values");
    expect(ok(field({ type: "integer", values: ["1", "2"] }), "02")).toBe("2");
  });

  it("checks USCCs (length, characters, division, GB 32100 check character) without echoing them", () => {
    const f = field({ format: "uscc" });
    const good = usccOf(42);
    expect(ok(f, good)).toBe(good);
    const wrongCheck = `${good.slice(0, 17)}${good[17] === "0" ? "1" : "0"}`;
    expect(reason(f, wrongCheck)).toBe("not a valid USCC (check character)");
    expect(reason(f, good.slice(0, 17))).toBe("not a valid USCC (must be 18 characters, got 17)");
    expect(reason(f, `I${good.slice(1)}`)).toBe("not a valid USCC (character 1 is not allowed)");
    expect(reason(f, `91AB${good.slice(4)}`)).toBe(
      "not a valid USCC (characters 3–8 must be a division code)",
    );
  });

  it("checks resident ids (GB 11643 check character) and mobile numbers (11 digits)", () => {
    const id = residentIdOf(7);
    expect(ok(field({ format: "resident_id" }), id)).toBe(id);
    const wrong = `${id.slice(0, 17)}${id[17] === "1" ? "2" : "1"}`;
    expect(reason(field({ format: "resident_id" }), wrong)).toBe("not a valid resident id (check character)");
    expect(reason(field({ format: "resident_id" }), "12345")).toMatch(
      /^not a valid resident id \(must be 17 digits/,
    );
    expect(ok(field({ format: "mobile" }), "13800138000")).toBe("13800138000");
    expect(reason(field({ format: "mobile" }), "1380013800")).toBe(
      "not a valid mobile number (must be 11 digits)",
    );
  });
});
