/**
 * Verification planning without a database: which fields can be match keys (fingerprinted, or
 * raw), how the fingerprint is computed (item key, canonical text), where-filter rules, and the
 * per-job meter.
 */
import { VERIFY_QUESTIONS_PER_JOB } from "@pdx/common/enclave-query";
import { describe, expect, it } from "vitest";
import { EnclaveError } from "../errors";
import { ALL_FIELDS, MemoryKeyStore, storedForPlanning } from "./query-test-support";
import { canonicalTextOf, planVerifyQuery, VerificationMeter } from "./verify";

const stored = storedForPlanning();
const keys = new MemoryKeyStore();

function refusal(query: unknown, declared: readonly string[] = ALL_FIELDS): EnclaveError {
  try {
    planVerifyQuery(stored, query, declared, keys);
  } catch (err) {
    if (err instanceof EnclaveError) return err;
    throw err;
  }
  throw new Error("expected a refusal");
}

describe("planVerifyQuery", () => {
  it("matches a fingerprinted identifier by its keyed HMAC and a raw field by value", () => {
    const plan = planVerifyQuery(
      stored,
      { dataset: "LE-QTEST", match: { uscc: "91440300TEST00001X", licence: "food" } },
      ALL_FIELDS,
      keys,
    );
    expect(plan.matchedBy).toEqual([
      { field: "uscc", by: "fingerprint" },
      { field: "licence", by: "cleartext" },
    ]);
    expect(plan.sql.values).toEqual([keys.fingerprint("le.uscc", "91440300TEST00001X"), "food"]);
    expect(plan.sql.text).not.toContain("91440300");
    expect(plan.fieldsTouched).toEqual(["LE-QTEST.uscc", "LE-QTEST.licence"]);
  });

  it("fingerprints per data item: the same text under another item differs", () => {
    expect(keys.fingerprint("le.uscc", "X")).not.toEqual(keys.fingerprint("pop.resident_id", "X"));
    expect(keys.fingerprint("le.uscc", "X")).toEqual(keys.fingerprint("le.uscc", "X"));
  });

  it("lets masked and hashed fingerprinted fields be match keys", () => {
    const plan = planVerifyQuery(
      stored,
      { dataset: "LE-QTEST", match: { rep_id: "440300198001010001", bank_account: "622200000001" } },
      ALL_FIELDS,
      keys,
    );
    expect(plan.matchedBy.map((m) => m.by)).toEqual(["fingerprint", "fingerprint"]);
  });

  it.each<[string, unknown, string, RegExp]>([
    [
      "an identifier without fingerprint",
      { org_name: "Org 1" },
      "FIELD_NOT_ALLOWED",
      /^match\.org_name: field LE-QTEST\.org_name may not be used as a verification match key: its policy is never \(identifier \(org_name\).*only fingerprinted or raw fields can be match keys/,
    ],
    [
      "a masked field without fingerprint",
      { rep_name: "张1" },
      "FIELD_NOT_ALLOWED",
      /LE-QTEST\.rep_name may not be used as a verification match key: its policy is masked/,
    ],
    [
      "a core field",
      { tax_paid: 10.5 },
      "FIELD_NOT_ALLOWED",
      /LE-QTEST\.tax_paid may not be used as a verification match key: its policy is encrypted_only/,
    ],
    [
      "an aggregate_only field",
      { employees: 13 },
      "FIELD_NOT_ALLOWED",
      /LE-QTEST\.employees may not be used as a verification match key: its policy is aggregate_only/,
    ],
    [
      "a suppressed field",
      { note: "internal" },
      "FIELD_NOT_ALLOWED",
      /LE-QTEST\.note .* its policy is never \(masking "suppress"/,
    ],
    ["an unknown field", { nope: 1 }, "QUERY_INVALID", /^match\.nope: dataset LE-QTEST has no field "nope"/],
    [
      "a mistyped value",
      { uscc: 91440300 },
      "QUERY_INVALID",
      /^match\.uscc: field "uscc" is text: the value must be a string$/,
    ],
  ])("refuses %s as a match key", (_, match, code, message) => {
    const err = refusal({ dataset: "LE-QTEST", match });
    expect(err.code).toBe(code);
    expect(err.message).toMatch(message);
  });

  it("refuses undeclared match keys, empty and oversized matches", () => {
    expect(refusal({ dataset: "LE-QTEST", match: { uscc: "x" } }, ["district"])).toMatchObject({
      code: "FIELD_OUT_OF_SCOPE",
      message: "match.uscc: field LE-QTEST.uscc is not among the fields the job declared",
    });
    expect(refusal({ dataset: "LE-QTEST", match: {} }).message).toBe("match: match must name 1 to 3 fields");
    expect(
      refusal({ dataset: "LE-QTEST", match: { uscc: "a", licence: "b", district: "c", listed: true } })
        .message,
    ).toBe("match: match must name 1 to 3 fields");
  });

  it("allows where-filters on raw fields only (a range on an important value would be a binary search)", () => {
    const ok = planVerifyQuery(
      stored,
      {
        dataset: "LE-QTEST",
        match: { uscc: "a" },
        where: [{ field: "capital", op: "gte", value: 1000 }],
      },
      ALL_FIELDS,
      keys,
    );
    expect(ok.sql.text).toMatch(/"capital" >= \$2::numeric/);
    const err = refusal({
      dataset: "LE-QTEST",
      match: { uscc: "a" },
      where: [{ field: "employees", op: "gt", value: 100 }],
    });
    expect(err).toMatchObject({ code: "FIELD_NOT_ALLOWED" });
    expect(err.message).toMatch(
      /^where\.0\.field: field LE-QTEST\.employees may not be used as a verification where-filter: its policy is aggregate_only/,
    );
  });
});

describe("canonicalTextOf", () => {
  const f = (type: "text" | "integer" | "numeric" | "date" | "boolean") =>
    ({ ...stored.spec.fields[0]!, name: "x", type }) as const;
  it("writes values the way ingest fingerprints them", () => {
    expect(canonicalTextOf(f("text"), "e\u0301", "p")).toBe("\u00e9");
    expect(canonicalTextOf(f("numeric"), 12.5, "p")).toBe("12.5");
    expect(canonicalTextOf(f("numeric"), 3, "p")).toBe("3");
    expect(canonicalTextOf(f("integer"), -42, "p")).toBe("-42");
    expect(canonicalTextOf(f("date"), "2024-03-05", "p")).toBe("2024-03-05");
    expect(canonicalTextOf(f("boolean"), false, "p")).toBe("false");
    expect(() => canonicalTextOf(f("numeric"), 1e21, "match.x")).toThrow(/too large or too small to match/);
  });
});

describe("VerificationMeter", () => {
  it("counts questions and refuses the one over the cap, naming it", () => {
    expect(new VerificationMeter().cap).toBe(VERIFY_QUESTIONS_PER_JOB);
    const meter = new VerificationMeter(2);
    meter.charge();
    meter.charge();
    expect(meter.asked).toBe(2);
    expect(meter.remaining).toBe(0);
    let caught: unknown;
    try {
      meter.charge();
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(EnclaveError);
    expect(caught).toMatchObject({
      code: "LIMIT_EXCEEDED",
      message: "a job may ask at most 2 verification questions (VERIFY_QUESTIONS_PER_JOB)",
    });
    expect(meter.asked).toBe(2);
  });
});
