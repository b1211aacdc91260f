/**
 * Versioned SQL migrations. Files named `NNNN_description.sql` in one directory are applied in
 * order, each in its own transaction, and recorded in `schema_migrations` with a checksum.
 * Safe to run twice and from several processes at once (advisory lock). A migration whose file
 * changed after it was applied stops the run with a message naming the file.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type pg from "pg";
import { sha256Hex } from "./hash";

export interface TMigrationResult {
  applied: string[];
  alreadyApplied: number;
}

const LOCK_KEY = 72_201_001;

/** Applies pending migrations from `dir` using one client of `pool`. */
export async function runMigrations(pool: pg.Pool, dir: string): Promise<TMigrationResult> {
  const files = (await readdir(dir)).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f)).sort();
  const client = await pool.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version text PRIMARY KEY,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query<{ version: string; checksum: string }>(
      "SELECT version, checksum FROM schema_migrations",
    );
    const done = new Map(rows.map((r) => [r.version, r.checksum]));
    const applied: string[] = [];
    for (const file of files) {
      const sql = await readFile(join(dir, file), "utf8");
      const checksum = sha256Hex(sql);
      const previous = done.get(file);
      if (previous !== undefined) {
        if (previous !== checksum) {
          throw new Error(`migration ${file} was changed after it was applied; add a new migration instead`);
        }
        continue;
      }
      await client.query("BEGIN");
      try {
        await client.query(sql);
        await client.query("INSERT INTO schema_migrations (version, checksum) VALUES ($1, $2)", [
          file,
          checksum,
        ]);
        await client.query("COMMIT");
      } catch (err) {
        await client.query("ROLLBACK");
        throw new Error(`migration ${file} failed: ${(err as Error).message}`);
      }
      applied.push(file);
    }
    return { applied, alreadyApplied: done.size };
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [LOCK_KEY]).catch(() => {});
    client.release();
  }
}
