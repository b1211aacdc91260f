import { describe, expect, it } from "vitest";
import { GRADES, MASKING_RULES, type TDatasetEntry, type TGrade } from "./dataset-entry";
import {
  authorizableFields,
  authorizableProblems,
  COMPUTE_MODE_LABELS,
  COMPUTE_MODES,
  datasetAuthorizationBlock,
  FIELD_ACCESS_KINDS,
  FIELD_ACCESS_LABELS,
  fieldAccess,
  type TComputeMode,
  type TFieldAccess,
} from "./grade-policy";
import { testDatasetEntry } from "./test-entry";

/** The design's table, written out: grade × mode → access. */
const EXPECTED: Record<TGrade, Record<TComputeMode, TFieldAccess>> = {
  general: { sandbox: "aggregate", he: "encrypted", mpc: "secret_shared", verification: "match_only" },
  important: {
    sandbox: "aggregate_min_group",
    he: "encrypted",
    mpc: "secret_shared",
    verification: "match_only",
  },
  core: { sandbox: "never", he: "encrypted", mpc: "secret_shared", verification: "match_only" },
};

/** An entry with one field per grade (masked where personal) and nothing else. */
function entryWithGrades(): TDatasetEntry {
  const base = testDatasetEntry();
  const byName = new Map(base.fields.map((f) => [f.name, f]));
  base.fields = [byName.get("uscc")!, byName.get("registered_capital")!, byName.get("rep_id")!];
  return base;
}

describe("fieldAccess: every grade × mode × masking", () => {
  for (const grade of GRADES)
    for (const mode of COMPUTE_MODES)
      for (const masking of MASKING_RULES) {
        const expected = masking === "suppress" ? "never" : EXPECTED[grade][mode];
        it(`${grade} field masked "${masking}" in ${mode}: ${expected}`, () => {
          expect(fieldAccess({ grade, masking }, mode)).toBe(expected);
        });
      }
});

describe("authorizableProblems", () => {
  it.each(COMPUTE_MODES)("allows general and important fields in %s", (mode) => {
    expect(authorizableProblems(entryWithGrades(), ["uscc", "registered_capital"], mode)).toEqual([]);
  });

  it.each(["he", "mpc", "verification"] as const)("allows core fields in %s", (mode) => {
    expect(authorizableProblems(entryWithGrades(), ["rep_id", "uscc"], mode)).toEqual([]);
  });

  it("refuses a core field in the sandbox, naming the dataset, the field and the modes that would do", () => {
    expect(authorizableProblems(entryWithGrades(), ["uscc", "rep_id"], "sandbox")).toEqual([
      'dataset LE-TEST, field "rep_id" is core data (核心数据): not authorizable for sandbox computation (only he, mpc or verification)',
    ]);
  });

  it.each(COMPUTE_MODES)("never allows a suppressed field (%s)", (mode) => {
    expect(authorizableProblems(testDatasetEntry(), ["photo"], mode)).toEqual([
      'dataset LE-TEST, field "photo": its masking is "suppress" (不提供), so it can never be authorized',
    ]);
  });

  it.each(COMPUTE_MODES)("allows nothing of a dataset prohibited from opening (%s)", (mode) => {
    const entry = entryWithGrades();
    entry.open = { attribute: "prohibited", reason: "敏感个人信息" };
    expect(authorizableProblems(entry, ["uscc"], mode)).toEqual([
      'dataset LE-TEST: its open attribute is "prohibited" (禁止开放), so none of its fields may be authorized',
    ]);
    expect(authorizableFields(entry, mode)).toEqual([]);
  });

  it.each(COMPUTE_MODES)("allows nothing of a dataset that is not shareable (%s)", (mode) => {
    const entry = entryWithGrades();
    entry.sharing = { attribute: "not_shareable", legalBasis: "《中华人民共和国税收征收管理法》第八条" };
    expect(authorizableProblems(entry, ["uscc"], mode)).toEqual([
      'dataset LE-TEST: its sharing attribute is "not_shareable" (不予共享), so none of its fields may be authorized',
    ]);
    expect(authorizableFields(entry, mode)).toEqual([]);
  });

  it("allows restricted-open and conditionally shared datasets", () => {
    const entry = entryWithGrades();
    expect(entry.open.attribute).toBe("restricted");
    expect(entry.sharing.attribute).toBe("conditional");
    expect(datasetAuthorizationBlock(entry)).toBeNull();
    entry.open = { attribute: "open" };
    entry.sharing = { attribute: "unconditional" };
    expect(datasetAuthorizationBlock(entry)).toBeNull();
  });

  it("names unknown fields, also when the dataset is blocked, and refuses an empty request", () => {
    expect(authorizableProblems(entryWithGrades(), ["uscc", "shoe_size"], "he")).toEqual([
      'dataset LE-TEST has no field "shoe_size"',
    ]);
    const blocked = entryWithGrades();
    blocked.open = { attribute: "prohibited", reason: "x" };
    expect(authorizableProblems(blocked, ["shoe_size"], "he")).toEqual([
      expect.stringContaining('"prohibited"'),
      'dataset LE-TEST has no field "shoe_size"',
    ]);
    expect(authorizableProblems(entryWithGrades(), [], "he")).toEqual([
      "dataset LE-TEST: no fields requested",
    ]);
  });

  it("reports a field asked for twice once", () => {
    expect(authorizableProblems(entryWithGrades(), ["rep_id", "rep_id"], "sandbox")).toHaveLength(1);
  });
});

describe("authorizableFields", () => {
  it("lists the fields each mode may use", () => {
    const entry = testDatasetEntry();
    const all = entry.fields.map((f) => f.name);
    expect(authorizableFields(entry, "sandbox")).toEqual(all.filter((n) => !["rep_id", "photo"].includes(n)));
    for (const mode of ["he", "mpc", "verification"] as const)
      expect(authorizableFields(entry, mode)).toEqual(all.filter((n) => n !== "photo"));
  });
});

describe("labels", () => {
  it("labels every compute mode and access kind in zh and en", () => {
    expect(Object.keys(COMPUTE_MODE_LABELS).sort()).toEqual([...COMPUTE_MODES].sort());
    expect(Object.keys(FIELD_ACCESS_LABELS).sort()).toEqual([...FIELD_ACCESS_KINDS].sort());
    for (const l of [...Object.values(COMPUTE_MODE_LABELS), ...Object.values(FIELD_ACCESS_LABELS)]) {
      expect(l.zh).toMatch(/\p{Script=Han}/u);
      expect(l.en).toMatch(/^[A-Z]/);
      expect(l.description.zh).toMatch(/\p{Script=Han}/u);
      expect(l.description.en.length).toBeGreaterThan(10);
    }
  });
});
