/**
 * The streaming CSV and JSON Lines parsers and the row sources built on them: RFC 4180 quoting,
 * CRLF/LF/CR, BOM, UTF-8 split at every byte boundary, malformed records, file-level failures,
 * header checks (missing / extra / duplicate columns) and JSONL key checks.
 */
import { describe, expect, it } from "vitest";
import { CsvParser, parseCsvStream, type TCsvRecord } from "./csv-parser";
import { IngestFailure } from "./ingest-failure";
import { parseJsonlStream, type TJsonlRecord } from "./jsonl-parser";
import { csvRows, jsonlRows, type TSourceRow } from "./row-sources";
import { testSpec } from "./test-support";

async function* bytesIn(bytes: Uint8Array, pieceBytes: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += pieceBytes) yield bytes.subarray(i, i + pieceBytes);
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

const csv = (text: string | Uint8Array, piece = 1 << 20) =>
  collect<TCsvRecord>(parseCsvStream(bytesIn(typeof text === "string" ? Buffer.from(text) : text, piece)));

describe("CSV parser", () => {
  it("parses quoted fields with commas, line breaks and doubled quotes, CRLF or LF, skipping blank lines", async () => {
    const text = 'a,b,c\r\n1,"x, y","say ""hi"""\r\n\r\n2,"line1\nline2",\n3,,"" \n';
    const records = await csv(text);
    expect(records.slice(0, 3)).toEqual([
      { fields: ["a", "b", "c"] },
      { fields: ["1", "x, y", 'say "hi"'] },
      { fields: ["2", "line1\nline2", ""] },
    ]);
    expect(records[3]).toEqual({ error: "text follows the closing quote of a field" });
  });

  it("gives the same records whatever the piece size, with multi-byte characters split across pieces", async () => {
    const text = '\uFEFF名称,地址\r\n"鹏城示例有限公司","中心区, ""一号"""\n张示例,南湾区\r示例,东港区';
    const bytes = Buffer.from(text, "utf8");
    const whole = await csv(bytes);
    expect(whole).toEqual([
      { fields: ["名称", "地址"] },
      { fields: ["鹏城示例有限公司", '中心区, "一号"'] },
      { fields: ["张示例", "南湾区"] },
      { fields: ["示例", "东港区"] },
    ]);
    for (const piece of [1, 2, 3, 5, 7]) expect(await csv(bytes, piece)).toEqual(whole);
  });

  it("turns a stray quote into an error record and resumes at the next line", async () => {
    expect(await csv('a,b\nx"y,1\n2,3\n')).toEqual([
      { fields: ["a", "b"] },
      { error: "a quote appears inside an unquoted field" },
      { fields: ["2", "3"] },
    ]);
  });

  it("fails the file on an unterminated quote, invalid UTF-8 or an over-long record", async () => {
    await expect(csv('a,b\n1,"open\n2,3\n')).rejects.toThrow(/opens in data row 1 is never closed/);
    await expect(csv(Buffer.from([0x61, 0x2c, 0x62, 0x0a, 0xff, 0x0a]))).rejects.toThrow(/not valid UTF-8/);
    const parser = new CsvParser(10);
    expect(() => parser.push("a,b\n12345678901")).toThrow(IngestFailure);
  });

  it("keeps a last record without a final line break, and an empty quoted last field", async () => {
    expect(await csv('a,b\n1,""')).toEqual([{ fields: ["a", "b"] }, { fields: ["1", ""] }]);
  });
});

describe("JSON Lines parser", () => {
  it("parses one value per line (LF or CRLF), skipping blank lines, with errors for bad JSON", async () => {
    const text = '{"a":1}\r\n\n{"a":"鹏"}\nnot json\n{"a":true}';
    const bytes = Buffer.from(text, "utf8");
    const records = await collect<TJsonlRecord>(parseJsonlStream(bytesIn(bytes, 1 << 20)));
    expect(records).toEqual([
      { value: { a: 1 } },
      { value: { a: "鹏" } },
      { error: "the line is not valid JSON" },
      { value: { a: true } },
    ]);
    for (const piece of [1, 2, 3]) {
      expect(await collect<TJsonlRecord>(parseJsonlStream(bytesIn(bytes, piece)))).toEqual(records);
    }
  });
});

describe("row sources", () => {
  const spec = testSpec();
  const names = spec.fields.map((f) => f.name);
  const rowsOf = (source: AsyncIterable<TSourceRow>) => collect(source);

  it("maps CSV columns in any order onto the spec's fields and numbers data rows from 1", async () => {
    const header = [...names].reverse();
    const values = names.map((n) => `v_${n}`);
    const text = `${header.join(",")}\n${[...values].reverse().join(",")}\n`;
    const rows = await rowsOf(csvRows(spec, bytesIn(Buffer.from(text), 7)));
    expect(rows).toEqual([{ row: 1, values }]);
  });

  it("names missing, unexpected and duplicate columns, hiding names that may be values", async () => {
    const header = [
      ...names.filter((n) => n !== "amount" && n !== "note"),
      "Extra",
      "91440300MA5F0000X",
      "uscc",
    ];
    const text = `${header.join(",")}\n`;
    const failure = await rowsOf(csvRows(spec, bytesIn(Buffer.from(text), 100))).catch(
      (e: IngestFailure) => e,
    );
    expect(failure).toBeInstanceOf(IngestFailure);
    const message = (failure as IngestFailure).safeMessage;
    expect(message).toMatch(/missing columns amount, note/);
    expect(message).toMatch(/unexpected columns "Extra", 1 not shown \(not field names/);
    expect(message).toMatch(/duplicate column "uscc"/);
    expect(message).not.toContain("91440300MA5F0000X");
  });

  it("reports a CSV row with the wrong number of columns as a row error", async () => {
    const text = `${names.join(",")}\n1,2\n`;
    expect(await rowsOf(csvRows(spec, bytesIn(Buffer.from(text), 100)))).toEqual([
      { row: 1, errors: [{ row: 1, reason: `has 2 columns, the header has ${names.length}` }] },
    ]);
  });

  it("fails an empty CSV file", async () => {
    await expect(rowsOf(csvRows(spec, bytesIn(Buffer.from(""), 10)))).rejects.toThrow(/no header row/);
  });

  it("reads JSONL objects: unknown and missing keys and non-scalar values are row errors", async () => {
    const full = Object.fromEntries(names.map((n) => [n, `v_${n}`]));
    const { amount: _omitted, ...missingAmount } = full;
    const lines = [
      JSON.stringify({ ...full, amount: 12.5, active: true, founded_on: null }),
      JSON.stringify({ ...missingAmount, extra_key: 1, "9144 value-like": 2 }),
      JSON.stringify({ ...full, note: { nested: 1 } }),
      JSON.stringify([1, 2]),
      JSON.stringify({ ...full, headcount: 2 ** 60 }),
    ].join("\n");
    const rows = await rowsOf(jsonlRows(spec, bytesIn(Buffer.from(lines), 9)));
    expect(rows[0]).toEqual({
      row: 1,
      values: names.map((n) =>
        n === "amount" ? "12.5" : n === "active" ? "true" : n === "founded_on" ? null : `v_${n}`,
      ),
    });
    expect(rows[1]).toEqual({
      row: 2,
      errors: [
        { row: 2, reason: 'unknown key "extra_key"' },
        { row: 2, reason: "unknown key (not a field name)" },
        { row: 2, field: "amount", reason: "key missing" },
      ],
    });
    expect(rows[2]).toEqual({
      row: 3,
      errors: [{ row: 3, field: "note", reason: "must be a string, number, boolean or null" }],
    });
    expect(rows[3]).toEqual({ row: 4, errors: [{ row: 4, reason: "the line is not a JSON object" }] });
    expect(rows[4]?.errors?.[0]).toMatchObject({
      field: "headcount",
      reason: expect.stringMatching(/give it as a string/),
    });
  });
});
