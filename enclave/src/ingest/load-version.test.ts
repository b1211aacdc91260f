/**
 * The ingest pipeline on a real vault database (PGlite, or PostgreSQL with DATABASE_URL): the
 * stored layout of stored-dataset.ts (cleartext typed columns, sealed values that open only with
 * the version's key and their AAD, fingerprints equal across datasets for the same item, dropped
 * fields absent), the content hash, all-or-nothing, generated versions (mock rows of every
 * catalog dataset, LE-BASE from the register), and 200,000 rows streamed with bounded memory.
 */
import { createHash, randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import v8 from "node:v8";
import vm from "node:vm";
import { canonicalJson } from "@pdx/common/canonical-json";
import { CATALOG_DATASETS } from "@pdx/seeds/catalog/index";
import { generateLegalEntities } from "@pdx/seeds/legal-entities";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { valueCipher } from "../keys/key-store";
import { checkValue } from "./field-values";
import { ensureLegalEntitiesVersion, ensureMockVersion, legalEntitiesSpec } from "./generated-versions";
import { loadVersion } from "./load-version";
import { csvRows } from "./row-sources";
import { startIngestHarness, type TIngestHarness, testCsv, testRow, testSpec, usccOf } from "./test-support";

let h: TIngestHarness;
let sql: pg.Client;
beforeAll(async () => {
  h = await startIngestHarness();
  sql = new pg.Client({ connectionString: h.db.url });
  await sql.connect();
});
afterAll(async () => {
  await sql?.end();
  await h?.stop();
});

const deps = () => ({ store: h.store, keyStore: h.keyStore });

function csvSource(spec: ReturnType<typeof testSpec>, text: string) {
  return csvRows(spec, Readable.from([Buffer.from(text)]));
}

describe("a loaded version", () => {
  const spec = testSpec();
  const rows = 500;
  let table: string;
  let wrapped: string;

  beforeAll(async () => {
    const outcome = await loadVersion(deps(), {
      spec,
      version: "2026.01",
      rows: csvSource(spec, testCsv(rows)),
      loadId: randomUUID(),
      batchRows: 128,
    });
    if (outcome.kind !== "loaded") throw new Error(`not loaded: ${JSON.stringify(outcome)}`);
    table = outcome.stored.table;
    wrapped = outcome.stored.wrappedDataKey;
    expect(outcome.stored).toMatchObject({ code: "TEST-PEOPLE", version: "2026.01", rowCount: rows, spec });
  });

  it("has exactly the columns of stored-dataset.ts, typed", async () => {
    const { rows: cols } = await sql.query(
      "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position",
      [table],
    );
    expect(cols.map((c) => [c.column_name, c.data_type])).toEqual([
      ["_row", "bigint"],
      ["uscc", "text"],
      ["uscc__fp", "bytea"],
      ["person_id__sealed", "bytea"],
      ["person_id__fp", "bytea"],
      ["mobile__fp", "bytea"],
      ["district", "text"],
      ["amount", "numeric"],
      ["headcount__sealed", "bytea"],
      ["founded_on", "date"],
      ["active", "boolean"],
    ]);
  });

  it("stores cleartext as typed values and sealed values that open only with the version key and their AAD", async () => {
    const { rows: stored } = await sql.query(
      `SELECT _row, uscc, amount::text, founded_on::text, active, person_id__sealed, headcount__sealed, uscc__fp
         FROM ${table} WHERE _row IN (7, 10) ORDER BY _row`,
    );
    const key = h.keyStore.unwrapDataKey("TEST-PEOPLE", "2026.01", wrapped);
    const raw7 = testRow(7);
    expect(stored[0]).toMatchObject({
      _row: "7",
      uscc: raw7[0],
      amount: "7.07",
      founded_on: raw7[6],
      active: false,
    });
    expect(stored[1].founded_on).toBeNull();
    expect(valueCipher.open(key, "TEST-PEOPLE@2026.01/person_id/7", stored[0].person_id__sealed)).toBe(
      raw7[1],
    );
    expect(valueCipher.open(key, "TEST-PEOPLE@2026.01/headcount/7", stored[0].headcount__sealed)).toBe("7");
    expect(() =>
      valueCipher.open(key, "TEST-PEOPLE@2026.01/person_id/8", stored[0].person_id__sealed),
    ).toThrow();
    const otherKey = h.keyStore.newDataKey("TEST-PEOPLE", "2026.01").key;
    expect(() =>
      valueCipher.open(otherKey, "TEST-PEOPLE@2026.01/person_id/7", stored[0].person_id__sealed),
    ).toThrow();
    expect(stored[0].uscc__fp.equals(h.keyStore.fingerprint("le.uscc", raw7[0]!))).toBe(true);
  });

  it("stores no trace of dropped fields other than a requested fingerprint", async () => {
    const { rows: all } = await sql.query(`SELECT * FROM ${table} WHERE _row = 3`);
    const text = JSON.stringify(all[0], (_k, v) => (v?.type === "Buffer" ? "" : v));
    expect(text).not.toContain("备注");
    expect(text).not.toContain(testRow(3)[2]);
  });

  it("records the content hash over each row's canonical JSON + newline", async () => {
    const hash = createHash("sha256");
    for (let i = 1; i <= rows; i++) {
      const raw = testRow(i);
      const canonical = Object.fromEntries(
        spec.fields.map((f, k) => {
          const r = checkValue(f, raw[k]!);
          return [f.name, r.ok ? r.text : "?"];
        }),
      );
      hash.update(`${canonicalJson(canonical)}\n`);
    }
    expect((await h.vault.storedDataset("TEST-PEOPLE", "2026.01"))?.contentHash).toBe(hash.digest("hex"));
  });

  it("fingerprints the same item equally in another dataset (joinable), and differently for another item", async () => {
    const other = testSpec("TEST-OTHER");
    const outcome = await loadVersion(deps(), {
      spec: other,
      version: "1",
      rows: csvSource(other, testCsv(20)),
      loadId: randomUUID(),
    });
    if (outcome.kind !== "loaded") throw new Error("not loaded");
    const { rows: joined } = await sql.query(
      `SELECT count(*)::int AS n FROM ${table} a JOIN ${outcome.stored.table} b ON a.uscc__fp = b.uscc__fp`,
    );
    expect(joined[0].n).toBe(20);
    const { rows: cross } = await sql.query(
      `SELECT count(*)::int AS n FROM ${table} a JOIN ${outcome.stored.table} b ON a.uscc__fp = b.person_id__fp`,
    );
    expect(cross[0].n).toBe(0);
  });

  it("lists versions newest first and returns the newest when no version is named", async () => {
    const second = await loadVersion(deps(), {
      spec,
      version: "2026.02",
      rows: csvSource(spec, testCsv(5)),
      loadId: randomUUID(),
    });
    expect(second.kind).toBe("loaded");
    expect((await h.vault.listVersions("TEST-PEOPLE")).map((v) => v.version)).toEqual(["2026.02", "2026.01"]);
    expect((await h.vault.storedDataset("TEST-PEOPLE"))?.version).toBe("2026.02");
    expect(await h.vault.storedDataset("TEST-PEOPLE", "nope")).toBeNull();
    const again = await loadVersion(deps(), {
      spec,
      version: "2026.02",
      rows: csvSource(spec, testCsv(5)),
      loadId: randomUUID(),
    });
    expect(again.kind).toBe("version-exists");
  });
});

describe("all or nothing", () => {
  it("loads nothing when the last row is invalid, and leaves no staging table", async () => {
    const spec = testSpec("TEST-BROKEN");
    const outcome = await loadVersion(deps(), {
      spec,
      version: "1",
      rows: csvSource(
        spec,
        testCsv(1000, (i) =>
          i === 1000 ? testRow(i).map((v, k) => (k === 6 ? "2023-02-30" : v)) : testRow(i),
        ),
      ),
      loadId: randomUUID(),
      batchRows: 100,
    });
    expect(outcome).toEqual({
      kind: "rejected",
      rowsProcessed: 1000,
      errorCount: 1,
      errors: [{ row: 1000, field: "founded_on", reason: "not a date that exists" }],
      failure: null,
    });
    expect(await h.vault.storedDataset("TEST-BROKEN")).toBeNull();
    const { rows } = await sql.query(
      "SELECT count(*)::int AS n FROM pg_tables WHERE tablename LIKE 'vault_load_%'",
    );
    expect(rows[0].n).toBe(0);
  });

  it("rejects a register whose unit repeats, naming each repeating row and the row it repeats", async () => {
    const spec = {
      ...testSpec("TEST-REGISTER"),
      privacyUnit: { field: "uscc", onePerUnit: true, rowsPerUnit: 1 },
    };
    // Rows 7 and 9 carry row 3's USCC, row 8 row 5's: three repeats.
    const repeats: Record<number, number> = { 7: 3, 8: 5, 9: 3 };
    const outcome = await loadVersion(deps(), {
      spec,
      version: "1",
      rows: csvSource(
        spec,
        testCsv(
          20,
          (i) => (repeats[i] ? testRow(i).map((v, k) => (k === 0 ? usccOf(repeats[i]!) : v)) : testRow(i)),
          spec,
        ),
      ),
      loadId: randomUUID(),
      batchRows: 4,
    });
    const reason = (row: number) =>
      `repeats the uscc of row ${row}: this dataset is the register of uscc and holds one row per uscc`;
    expect(outcome).toEqual({
      kind: "rejected",
      rowsProcessed: 20,
      errorCount: 3,
      errors: [
        { row: 7, field: "uscc", reason: reason(3) },
        { row: 8, field: "uscc", reason: reason(5) },
        { row: 9, field: "uscc", reason: reason(3) },
      ],
      failure: null,
    });
    expect(await h.vault.storedDataset("TEST-REGISTER")).toBeNull();
    const { rows } = await sql.query(
      "SELECT count(*)::int AS n FROM pg_tables WHERE tablename LIKE 'vault_load_%'",
    );
    expect(rows[0].n).toBe(0);
  });

  it("loads a register whose units are unique, with a unique index on the unit's fingerprint", async () => {
    const spec = {
      ...testSpec("TEST-REGISTER2"),
      privacyUnit: { field: "uscc", onePerUnit: true, rowsPerUnit: 1 },
    };
    const outcome = await loadVersion(deps(), {
      spec,
      version: "1",
      rows: csvSource(spec, testCsv(30, testRow, spec)),
      loadId: randomUUID(),
    });
    if (outcome.kind !== "loaded") throw new Error(`not loaded: ${JSON.stringify(outcome)}`);
    const { rows } = await sql.query("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = $1", [
      outcome.stored.table,
    ]);
    expect(rows).toEqual([
      {
        indexname: `${outcome.stored.table}_unit`,
        indexdef: expect.stringMatching(/^CREATE UNIQUE INDEX .* USING btree \(uscc__fp\)$/),
      },
    ]);
  });

  it("rejects a spec whose privacy unit is not a fingerprinted field", async () => {
    const spec = {
      ...testSpec("TEST-BADUNIT"),
      privacyUnit: { field: "district", onePerUnit: false, rowsPerUnit: 5 },
    };
    const outcome = await loadVersion(deps(), {
      spec,
      version: "1",
      rows: csvSource(spec, testCsv(3, testRow, spec)),
      loadId: randomUUID(),
    });
    expect(outcome).toMatchObject({
      kind: "rejected",
      failure: 'the privacy unit "district" is not a fingerprinted identifier',
    });
  });

  it("rejects a file with a header only", async () => {
    const spec = testSpec("TEST-EMPTY");
    const outcome = await loadVersion(deps(), {
      spec,
      version: "1",
      rows: csvSource(spec, testCsv(0)),
      loadId: randomUUID(),
    });
    expect(outcome).toMatchObject({ kind: "rejected", failure: "the file holds no data rows" });
  });
});

describe("generated versions", () => {
  it("loads version mock of every catalog dataset from rawMockRows, once", async () => {
    for (const entry of CATALOG_DATASETS) {
      const result = await ensureMockVersion(deps(), entry, { rows: 50 });
      expect(result.status, entry.code).toBe("loaded");
      expect(result.stored.rowCount).toBe(50);
    }
    const again = await ensureMockVersion(deps(), CATALOG_DATASETS[0]!, { rows: 50 });
    expect(again.status).toBe("already-loaded");
  });

  it("loads LE-BASE 2026.11 from the register under its catalog spec (field names match), once", async () => {
    const spec = legalEntitiesSpec();
    expect(spec.fields.map((f) => f.name)).toEqual(
      Object.keys(generateLegalEntities({ count: 1 }).next().value!),
    );
    const result = await ensureLegalEntitiesVersion(deps(), { count: 3000 });
    expect(result).toMatchObject({
      status: "loaded",
      stored: { code: "LE-BASE", version: "2026.11", rowCount: 3000 },
    });
    const { rows } = await sql.query(
      `SELECT sum(registered_capital)::text AS total FROM ${result.stored.table}`,
    );
    let cents = 0n;
    for (const r of generateLegalEntities({ count: 3000 }))
      cents += BigInt(r.registered_capital.replace(".", ""));
    expect(Number(rows[0].total)).toBeCloseTo(Number(cents) / 100, 2);
    expect((await ensureLegalEntitiesVersion(deps(), { count: 3000 })).status).toBe("already-loaded");
  });
});

describe("streaming", () => {
  it("loads 200,000 CSV rows (LE-BASE spec) read in 64 KiB pieces with the heap bounded", async () => {
    const spec = { ...legalEntitiesSpec(), code: "TEST-LARGE" };
    const n = 200_000;
    const names = spec.fields.map((f) => f.name);
    const districts = spec.fields.find((f) => f.name === "district")!.values!;
    const industries = spec.fields.find((f) => f.name === "industry")!.values!;
    const statuses = spec.fields.find((f) => f.name === "status")!.values!;
    /** A stateless generator (the register's keeps every name, which would grow the heap itself). */
    async function* file() {
      let buffer = `${names.join(",")}\n`;
      for (let i = 1; i <= n; i++) {
        buffer += `${usccOf(i)},示例企业${i},${districts[i % districts.length]},${industries[i % industries.length]},${i % 9000}.${i % 100},20${String(i % 25).padStart(2, "0")}-0${1 + (i % 9)}-1${i % 10},${statuses[i % statuses.length]}\n`;
        if (buffer.length > 64 * 1024) {
          yield Buffer.from(buffer);
          buffer = "";
        }
      }
      yield Buffer.from(buffer);
    }
    // Heap retained after a full GC, at every 50,000 rows: a pipeline that kept rows (or the file)
    // would retain well over 100 MB more at the end than at the first sample; a streaming one stays level.
    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("gc") as () => void;
    const retained: number[] = [];
    const outcome = await loadVersion(deps(), {
      spec,
      version: "1",
      rows: csvRows(spec, file()),
      loadId: randomUUID(),
      onProgress: (rowsRead) => {
        if (rowsRead > 0 && rowsRead % 50_000 === 0 && retained.length < 4) {
          gc();
          retained.push(process.memoryUsage().heapUsed);
        }
      },
    });
    expect(outcome.kind).toBe("loaded");
    if (outcome.kind === "loaded") expect(outcome.stored.rowCount).toBe(n);
    expect(retained).toHaveLength(4);
    expect(Math.max(...retained) - retained[0]!).toBeLessThan(8 * 1024 * 1024);
  }, 180_000);
});
