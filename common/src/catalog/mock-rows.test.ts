import { describe, expect, it } from "vitest";
import { isValidUscc } from "../uscc";
import type { TDatasetEntry } from "./dataset-entry";
import { MOCK_ROWS_MAX, maskValue, mockRows, rawMockRows } from "./mock-rows";
import { testDatasetEntry } from "./test-entry";

/** The same entry with every field unmasked (to see the raw fake values). */
function unmasked(): TDatasetEntry {
  const entry = testDatasetEntry();
  for (const f of entry.fields) f.masking = "none";
  return entry;
}

describe("mockRows", () => {
  it("is deterministic: same entry, n and seed give the same rows; a shorter run is a prefix", () => {
    const entry = testDatasetEntry();
    const rows = mockRows(entry, 20, 7);
    expect(mockRows(entry, 20, 7)).toEqual(rows);
    expect(mockRows(entry, 5, 7)).toEqual(rows.slice(0, 5));
    expect(mockRows(entry, 20, 8)).not.toEqual(rows);
  });

  it("keeps a field's values when another field is added or removed", () => {
    const entry = testDatasetEntry();
    const before = mockRows(entry, 10, 1).map((r) => r.registered_capital);
    entry.fields = entry.fields.filter((f) => f.name !== "uscc");
    expect(mockRows(entry, 10, 1).map((r) => r.registered_capital)).toEqual(before);
  });

  it("caps the count at MOCK_ROWS_MAX and refuses a bad count or seed", () => {
    expect(MOCK_ROWS_MAX).toBe(50);
    expect(mockRows(testDatasetEntry(), 500, 1)).toHaveLength(50);
    expect(mockRows(testDatasetEntry(), 0, 1)).toEqual([]);
    expect(() => mockRows(testDatasetEntry(), -1, 1)).toThrow(/n must be/);
    expect(() => mockRows(testDatasetEntry(), 2.5, 1)).toThrow(/n must be/);
    expect(() => mockRows(testDatasetEntry(), 3, 0.5)).toThrow(/seed must be/);
  });

  it("gives every row exactly the entry's fields, typed by field type and inside the sample hints", () => {
    const entry = unmasked();
    const rows = mockRows(entry, 50, 3);
    for (const row of rows) {
      expect(Object.keys(row)).toEqual(entry.fields.map((f) => f.name));
      expect(Number.isInteger(row.employees)).toBe(true);
      expect(row.employees as number).toBeGreaterThanOrEqual(1);
      expect(row.employees as number).toBeLessThanOrEqual(500);
      expect(typeof row.registered_capital).toBe("number");
      expect(Math.round((row.registered_capital as number) * 100) / 100).toBe(row.registered_capital);
      expect(row.founded_on).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(row.founded_on! >= "2000-01-01" && row.founded_on! <= "2026-10-31").toBe(true);
      expect(typeof row.listed).toBe("boolean");
      expect(["存续", "注销"]).toContain(row.status);
    }
  });

  it("makes values plainly fake: 示例 names, valid codes in the unassigned division 449900, 100 mobiles", () => {
    const rows = mockRows(unmasked(), 50, 3);
    rows.forEach((row, i) => {
      expect(row.name).toBe(`示例企业${String(i + 1).padStart(4, "0")}`);
      expect(isValidUscc(row.uscc as string)).toBe(true);
      expect((row.uscc as string).slice(2, 8)).toBe("449900");
      expect(row.rep_name).toMatch(/^\p{Script=Han}示例$/u);
      expect(row.rep_id).toMatch(/^449900\d{11}[\dX]$/);
      expect(row.rep_mobile).toMatch(/^100\d{8}$/);
    });
  });

  it("applies each field's masking rule", () => {
    const rows = mockRows(testDatasetEntry(), 50, 3);
    for (const row of rows) {
      expect(row.rep_name).toMatch(/^\p{Script=Han}\*$/u);
      expect(row.rep_id).toMatch(/^449900\*{8}\d{3}[\dX]$/);
      expect(row.rep_mobile).toMatch(/^100\*{4}\d{4}$/);
      expect(row.founded_on).toMatch(/^\d{4}-\d{2}$/);
      expect(row.address_hash).toMatch(/^[0-9a-f]{16}$/);
      expect(row.photo).toBeNull();
    }
  });
});

describe("maskValue", () => {
  it("masks names, identity numbers, phones and the middle of texts", () => {
    expect(maskValue("mask_name", "张示例")).toBe("张*");
    expect(maskValue("mask_name", "欧阳示例")).toBe("欧*");
    expect(maskValue("mask_id", "440300199001011234")).toBe("440300********1234");
    expect(maskValue("mask_phone", "13812341234")).toBe("138****1234");
    expect(maskValue("mask_middle", "鹏城市中心区示例路88号")).toBe("鹏城市中*****88号");
    expect(maskValue("mask_middle", "鹏A12345")).toBe("鹏A1***5");
    expect(maskValue("mask_id", "12345")).toBe("1****");
  });

  it("hashes to 16 hex characters, equal for equal values (so joins still work)", () => {
    const a = maskValue("hash", "HH00000001");
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(maskValue("hash", "HH00000001")).toBe(a);
    expect(maskValue("hash", "HH00000002")).not.toBe(a);
  });

  it("generalizes numbers to their order of magnitude, dates to year-month, texts to their first half", () => {
    expect(maskValue("generalize", 37)).toBe(30);
    expect(maskValue("generalize", 5234.5)).toBe(5000);
    expect(maskValue("generalize", 0.37)).toBe(0.3);
    expect(maskValue("generalize", 0)).toBe(0);
    expect(maskValue("generalize", "2026-03-15")).toBe("2026-03");
    expect(maskValue("generalize", "J45.900")).toBe("J45.*");
  });

  it("withholds suppressed values and passes the rest through", () => {
    expect(maskValue("suppress", "anything")).toBeNull();
    expect(maskValue("none", "x")).toBe("x");
    expect(maskValue("mask_name", null)).toBeNull();
    expect(maskValue("generalize", true)).toBe(true);
  });
});

describe("rawMockRows", () => {
  const entry = testDatasetEntry();
  it("streams any number of rows whose masked form is mockRows' rows", () => {
    const raw = [...rawMockRows(entry, 60, 3)];
    expect(raw).toHaveLength(60);
    const masked = mockRows(entry, 50, 3);
    raw.slice(0, 50).forEach((row, i) => {
      for (const f of entry.fields)
        expect(maskValue(f.masking, row[f.name] ?? null)).toEqual(masked[i]![f.name]);
    });
  });
  it("gives a register's identifiers one value per row, valid for their format", () => {
    const formats = ["uscc", "resident_id", "mobile", "plate"] as const;
    const fields = formats.map((format) => ({
      ...entry.fields[0]!,
      name: `id_${format}`,
      type: "text" as const,
      item: `t.${format}`,
      authoritative: true,
      sample: { kind: "identifier" as const, format },
    }));
    const register: TDatasetEntry = { ...entry, fields };
    const seen = formats.map(() => new Set<string>());
    for (const row of rawMockRows(register, 30_000, 7))
      formats.forEach((format, i) => {
        seen[i]!.add(String(row[`id_${format}`]));
      });
    for (const [i, format] of formats.entries()) expect(seen[i]!.size, format).toBe(30_000);
    const first = [...seen[0]!].slice(0, 100);
    for (const uscc of first) expect(isValidUscc(uscc)).toBe(true);
    // Another seed draws another register.
    const other = new Set([...rawMockRows(register, 1000, 8)].map((r) => String(r.id_uscc)));
    expect([...other].filter((u) => seen[0]!.has(u)).length).toBeLessThan(100);
    for (const id of [...seen[1]!].slice(0, 100))
      expect(id).toMatch(/^449900(19[5-9]\d|200[0-7])\d{4}\d{3}[\dX]$/);
  });
  it("refuses a negative count", () => {
    expect(() => rawMockRows(entry, -1, 1).next()).toThrow(/non-negative/);
  });
});
