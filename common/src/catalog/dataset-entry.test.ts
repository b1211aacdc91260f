import { describe, expect, it } from "vitest";
import {
  BASE_LIBRARY_CODES,
  datasetEntryProblems,
  FIELD_TYPE_LABELS,
  FIELD_TYPES,
  FREQUENCY_LABELS,
  formatIssuePath,
  GRADE_LABELS,
  GRADES,
  gradeRank,
  LIBRARY_CODES,
  LIBRARY_KIND_LABELS,
  LIBRARY_KINDS,
  LIBRARY_LABELS,
  libraryKindOf,
  MASKING_LABELS,
  MASKING_RULES,
  maxGrade,
  OPEN_ATTRIBUTES,
  OPEN_LABELS,
  parseDatasetEntry,
  SHARING_ATTRIBUTES,
  SHARING_LABELS,
  type TDatasetEntry,
  THEME_LIBRARY_CODES,
  UPDATE_FREQUENCIES,
  ZDatasetEntry,
} from "./dataset-entry";
import { testDatasetEntry } from "./test-entry";

/** Problems of `entry` after `change` (which edits a fresh copy). */
function problemsAfter(change: (e: TDatasetEntry) => void): string[] {
  const entry = testDatasetEntry();
  change(entry);
  const result = parseDatasetEntry(entry);
  return result.ok ? [] : result.problems;
}

const fieldOf = (e: TDatasetEntry, name: string) => e.fields.find((f) => f.name === name)!;

describe("parseDatasetEntry: shape", () => {
  it("accepts a valid entry and returns it unchanged", () => {
    const entry = testDatasetEntry();
    expect(datasetEntryProblems(entry)).toEqual([]);
    expect(parseDatasetEntry(entry)).toEqual({ ok: true, entry });
  });

  it("names the path of every shape problem", () => {
    expect(
      problemsAfter((e) => {
        e.code = "le base";
      }),
    ).toEqual([expect.stringMatching(/^code: must be 3–40 of A–Z/)]);
    expect(
      problemsAfter((e) => {
        (e.fields[3] as { grade: string }).grade = "secret";
      }),
    ).toEqual([expect.stringMatching(/^fields\[3\]\.grade: .*"core"\|"important"\|"general"/)]);
    expect(
      problemsAfter((e) => {
        e.fields[0]!.name = "Uscc";
      }),
    ).toEqual([expect.stringMatching(/^fields\[0\]\.name: must be a lowercase identifier/)]);
    expect(
      problemsAfter((e) => {
        e.fields[2]!.item = "capital";
      }),
    ).toEqual([expect.stringMatching(/^fields\[2\]\.item: must be a dotted lowercase code/)]);
    expect(
      problemsAfter((e) => {
        e.volume.asOf = "2026-02-30";
      }),
    ).toEqual([expect.stringMatching(/^volume\.asOf: /)]);
    expect(
      problemsAfter((e) => {
        e.volume.rows = -1;
      }),
    ).toEqual([expect.stringMatching(/^volume\.rows: /)]);
    expect(
      problemsAfter((e) => {
        e.name.zh = "  ";
      }),
    ).toEqual([expect.stringMatching(/^name\.zh: /)]);
  });

  it("refuses unknown keys, missing keys and non-objects", () => {
    expect(problemsAfter((e) => Object.assign(e.fields[1]!, { colour: "red" }))).toEqual([
      expect.stringMatching(/^fields\[1\]: .*colour/),
    ]);
    expect(
      problemsAfter((e) => {
        delete (e as Partial<TDatasetEntry>).sharing;
      }),
    ).toEqual([expect.stringMatching(/^sharing: /)]);
    expect(parseDatasetEntry(null)).toEqual({ ok: false, problems: [expect.any(String)] });
    expect(
      problemsAfter((e) => {
        e.fields = [];
      }),
    ).toEqual([expect.stringMatching(/^fields: /)]);
  });

  it("checks sample hints by kind", () => {
    expect(
      problemsAfter((e) => {
        fieldOf(e, "status").sample = { kind: "enum", values: [] };
      }),
    ).toEqual([expect.stringMatching(/^fields\[8\]\.sample\.values: /)]);
    expect(
      problemsAfter((e) => {
        fieldOf(e, "uscc").sample = { kind: "identifier", format: "passport" as "uscc" };
      }),
    ).toEqual([expect.stringMatching(/^fields\[0\]\.sample\.format: /)]);
  });
});

describe("datasetEntryProblems: cross-field rules", () => {
  it("requires the dataset grade to be at least every field's (就高从严), naming each field", () => {
    const problems = problemsAfter((e) => {
      e.grade = "general";
    });
    expect(problems).toEqual([
      'grade: the dataset is graded general but field "registered_capital" is important: a dataset must be graded at least as high as its highest field (就高从严)',
      'grade: the dataset is graded general but field "rep_name" is important: a dataset must be graded at least as high as its highest field (就高从严)',
      expect.stringContaining('field "rep_id" is core'),
      expect.stringContaining('field "rep_mobile" is important'),
      expect.stringContaining('field "photo" is core'),
    ]);
  });

  it("allows a dataset graded higher than all its fields", () => {
    const entry = testDatasetEntry();
    entry.fields = entry.fields.filter((f) => f.grade === "general");
    expect(datasetEntryProblems(entry)).toEqual([]);
  });

  it("refuses duplicate field names", () => {
    expect(
      problemsAfter((e) => {
        fieldOf(e, "status").name = "uscc";
      }),
    ).toEqual(['fields[8].name: duplicate field name "uscc" (also fields[0])']);
  });

  it("refuses two authoritative fields for one data item in a dataset, but allows two references", () => {
    expect(
      problemsAfter((e) => {
        fieldOf(e, "status").item = "le.uscc";
      }),
    ).toEqual([
      'fields[8].item: field "status": data item "le.uscc" is already provided authoritatively by fields[0]',
    ]);
    expect(
      problemsAfter((e) => {
        e.fields.push({ ...fieldOf(e, "rep_id"), name: "spouse_id" });
      }),
    ).toEqual([]);
  });

  it("requires conditions for conditional sharing and a legal basis when not shareable", () => {
    expect(
      problemsAfter((e) => {
        e.sharing = { attribute: "conditional" };
      }),
    ).toEqual([
      "sharing.conditions: conditional sharing needs the conditions under which the data is shared",
    ]);
    expect(
      problemsAfter((e) => {
        e.sharing = { attribute: "not_shareable" };
      }),
    ).toEqual([
      "sharing.legalBasis: a dataset that is not shareable needs the legal basis that forbids sharing",
    ]);
    expect(
      problemsAfter((e) => {
        e.sharing = { attribute: "not_shareable", legalBasis: "《中华人民共和国个人信息保护法》第二十八条" };
      }),
    ).toEqual([]);
    expect(
      problemsAfter((e) => {
        e.sharing = { attribute: "unconditional" };
      }),
    ).toEqual([]);
  });

  it("requires a reason unless open; refuses open core data and open data that is not shareable", () => {
    expect(
      problemsAfter((e) => {
        e.open = { attribute: "prohibited" };
      }),
    ).toEqual(['open.reason: an open attribute of "prohibited" needs a reason']);
    expect(
      problemsAfter((e) => {
        e.open = { attribute: "restricted" };
      }),
    ).toEqual(['open.reason: an open attribute of "restricted" needs a reason']);
    expect(
      problemsAfter((e) => {
        e.open = { attribute: "open" };
      }),
    ).toEqual(["open.attribute: core data cannot be open to the public"]);
    expect(
      problemsAfter((e) => {
        e.fields = e.fields.filter((f) => f.grade === "general");
        e.grade = "general";
        e.open = { attribute: "open" };
        e.sharing = { attribute: "not_shareable", legalBasis: "《测绘法》" };
      }),
    ).toEqual([
      "open.attribute: a dataset that is not shareable between departments cannot be open to the public",
    ]);
  });

  it("requires personal information to be masked unless the field is core", () => {
    expect(
      problemsAfter((e) => {
        fieldOf(e, "rep_name").masking = "none";
      }),
    ).toEqual([
      'fields[3].masking: field "rep_name" holds personal information and must be masked (masking "none" is allowed only for core fields, which are used encrypted only)',
    ]);
    expect(
      problemsAfter((e) => {
        fieldOf(e, "rep_id").masking = "none";
      }),
    ).toEqual([]);
  });

  it("requires masking rules and sample hints that fit the field type", () => {
    expect(
      problemsAfter((e) => {
        fieldOf(e, "employees").masking = "mask_phone";
      }),
    ).toEqual([
      'fields[7].masking: field "employees": masking "mask_phone" does not apply to integer fields (only text)',
    ]);
    expect(
      problemsAfter((e) => {
        fieldOf(e, "listed").masking = "generalize";
      }),
    ).toEqual([
      expect.stringMatching(
        /^fields\[10\]\.masking: field "listed": masking "generalize" does not apply to boolean/,
      ),
    ]);
    expect(
      problemsAfter((e) => {
        fieldOf(e, "employees").sample = { kind: "enum", values: ["1"] };
      }),
    ).toEqual([
      'fields[7].sample: field "employees": a "enum" sample does not fit a integer field (only text)',
    ]);
    expect(
      problemsAfter((e) => {
        fieldOf(e, "employees").sample = { kind: "range", min: 10, max: 1 };
      }),
    ).toEqual(['fields[7].sample: field "employees": sample range min 10 is above max 1']);
    expect(
      problemsAfter((e) => {
        fieldOf(e, "founded_on").sample = { kind: "date_range", from: "2026-01-02", to: "2026-01-01" };
      }),
    ).toEqual([
      'fields[6].sample: field "founded_on": sample dates start 2026-01-02 after they end 2026-01-01',
    ]);
  });

  it("requires the library code to belong to the library kind", () => {
    expect(
      problemsAfter((e) => {
        e.libraryCode = "tax";
      }),
    ).toEqual([expect.stringMatching(/^libraryCode: "tax" is a theme library but library is "base"/)]);
    expect(
      problemsAfter((e) => {
        e.library = "theme";
        e.libraryCode = "tax";
      }),
    ).toEqual([]);
  });

  it("reports every problem at once, and ZDatasetEntry refuses the same entries", () => {
    const entry = testDatasetEntry();
    entry.grade = "important";
    entry.open = { attribute: "prohibited" };
    fieldOf(entry, "rep_mobile").masking = "none";
    const problems = datasetEntryProblems(entry);
    expect(problems).toHaveLength(4);
    expect(ZDatasetEntry.safeParse(entry).success).toBe(false);
    expect(ZDatasetEntry.safeParse(testDatasetEntry()).success).toBe(true);
  });
});

describe("grades", () => {
  it("ranks general < important < core and takes the highest", () => {
    expect(GRADES.map(gradeRank)).toEqual([2, 1, 0]);
    expect(maxGrade([])).toBe("general");
    expect(maxGrade(["general", "important"])).toBe("important");
    expect(maxGrade(["important", "core", "general"])).toBe("core");
  });
});

describe("labels and enumerations", () => {
  const tables: [string, readonly string[], Record<string, { zh: string; en: string }>][] = [
    ["grades", GRADES, GRADE_LABELS],
    ["library kinds", LIBRARY_KINDS, LIBRARY_KIND_LABELS],
    ["libraries", LIBRARY_CODES, LIBRARY_LABELS],
    ["sharing", SHARING_ATTRIBUTES, SHARING_LABELS],
    ["open", OPEN_ATTRIBUTES, OPEN_LABELS],
    ["frequencies", UPDATE_FREQUENCIES, FREQUENCY_LABELS],
    ["field types", FIELD_TYPES, FIELD_TYPE_LABELS],
    ["masking", MASKING_RULES, MASKING_LABELS],
  ];

  it.each(tables)("labels every value of %s in zh and en, and nothing else", (_name, values, labels) => {
    expect(Object.keys(labels).sort()).toEqual([...values].sort());
    for (const v of values) {
      expect(labels[v]!.zh).toMatch(/\p{Script=Han}/u);
      expect(labels[v]!.en).toMatch(/^[A-Z]/);
    }
  });

  it("describes every masking rule and grade in both languages", () => {
    for (const rule of MASKING_RULES) {
      expect(MASKING_LABELS[rule].description.zh.length).toBeGreaterThan(3);
      expect(MASKING_LABELS[rule].description.en.length).toBeGreaterThan(10);
    }
    for (const g of GRADES) expect(GRADE_LABELS[g].description.en.length).toBeGreaterThan(10);
  });

  it("uses the plans' names for the base libraries and sharing and open attributes", () => {
    expect(BASE_LIBRARY_CODES.map((c) => LIBRARY_LABELS[c].zh)).toEqual([
      "人口",
      "法人",
      "信用",
      "自然资源和空间地理",
      "电子证照",
    ]);
    expect(SHARING_ATTRIBUTES.map((a) => SHARING_LABELS[a].zh)).toEqual([
      "无条件共享",
      "有条件共享",
      "不予共享",
    ]);
    expect(OPEN_ATTRIBUTES.map((a) => OPEN_LABELS[a].zh)).toEqual(["无条件开放", "有条件开放", "禁止开放"]);
    expect(GRADES.map((g) => GRADE_LABELS[g].zh)).toEqual(["核心数据", "重要数据", "一般数据"]);
  });

  it("tells base from theme library codes", () => {
    for (const c of BASE_LIBRARY_CODES) expect(libraryKindOf(c)).toBe("base");
    for (const c of THEME_LIBRARY_CODES) expect(libraryKindOf(c)).toBe("theme");
  });

  it("formats issue paths with indices in brackets", () => {
    expect(formatIssuePath(["fields", 3, "grade"])).toBe("fields[3].grade");
    expect(formatIssuePath(["sharing", "conditions"])).toBe("sharing.conditions");
    expect(formatIssuePath([])).toBe("");
  });
});
