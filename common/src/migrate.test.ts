import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { poolSizeFor } from "./embedded-postgres";
import { runMigrations } from "./migrate";
import { createTestDatabase, type TTestDatabase } from "./testing/test-database";

let db: TTestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: poolSizeFor(db.url) });
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});

async function dirWith(files: Record<string, string>) {
  const dir = await mkdtemp(join(tmpdir(), "pdx-mig-"));
  for (const [name, sql] of Object.entries(files)) await writeFile(join(dir, name), sql);
  return dir;
}

describe("runMigrations", () => {
  it("applies in order, records each, and is a no-op the second time", async () => {
    const dir = await dirWith({
      "0002_add_column.sql": "ALTER TABLE things ADD COLUMN label text;",
      "0001_create.sql": "CREATE TABLE things (id int PRIMARY KEY);",
    });
    expect(await runMigrations(pool, dir)).toEqual({
      applied: ["0001_create.sql", "0002_add_column.sql"],
      alreadyApplied: 0,
    });
    expect(await runMigrations(pool, dir)).toEqual({ applied: [], alreadyApplied: 2 });
    const { rows } = await pool.query("SELECT version FROM schema_migrations ORDER BY version");
    expect(rows.map((r) => r.version)).toEqual(["0001_create.sql", "0002_add_column.sql"]);
  });

  it("rolls back a failing migration entirely and names its file", async () => {
    const dir = await dirWith({
      "0001_ok.sql": "CREATE TABLE a1 (id int);",
      "0002_bad.sql": "CREATE TABLE half_done (id int); SELECT no_such_column FROM a1;",
    });
    await expect(runMigrations(pool, dir)).rejects.toThrow(/migration 0002_bad.sql failed/);
    const { rows } = await pool.query("SELECT to_regclass('half_done') AS t");
    expect(rows[0].t).toBeNull();
  });

  it("refuses a migration edited after it was applied", async () => {
    const dir = await dirWith({ "0001_x.sql": "CREATE TABLE edited (id int);" });
    await runMigrations(pool, dir);
    await writeFile(join(dir, "0001_x.sql"), "CREATE TABLE edited (id bigint);");
    await expect(runMigrations(pool, dir)).rejects.toThrow(/0001_x.sql was changed after it was applied/);
  });
});
