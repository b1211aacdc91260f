/**
 * A large LE-BASE version for the aggregate benchmark, in the vault's generic layout
 * (enclave/src/vault/stored-dataset.ts): `seedRows` rows loaded through the real ingest pipeline
 * (ensureLegalEntitiesVersion: validate → protect → load), then grown inside PostgreSQL to `rows`
 * by copying its own rows (`INSERT … SELECT`) with perturbed numbers and dates and new `_row`
 * numbers, and `vault_versions.row_count` set to match — all in one transaction, so the version is
 * either its seed size or complete. A version already at `rows` is reused; one of another size
 * is grown or cut to `rows`.
 *
 * The grown rows repeat the seed's cleartext identifiers (uscc, name) but get fresh fingerprints
 * (a hash of the original and the new `_row`), so every row stays its own privacy unit and the
 * register's unique unit index holds; the version's content hash stays that of the seed load. Versions
 * with sealed fields are refused: their AAD names the row, so copies would not open.
 */
import { ensureLegalEntitiesVersion, legalEntitiesSpec } from "@pdx/enclave/src/ingest/generated-versions";
import { storedColumnsOf } from "@pdx/enclave/src/ingest/stored-columns";
import type { TKeyStore } from "@pdx/enclave/src/keys/types";
import type { TStoredDataset } from "@pdx/enclave/src/vault/stored-dataset";
import { quoteIdentifier } from "@pdx/enclave/src/vault/tables";
import type { Vault } from "@pdx/enclave/src/vault/vault";
import type pg from "pg";

export interface TLargeVersion {
  stored: TStoredDataset;
  /** "reused": already at the size; "built": seeded and grown now; "resized": grown or cut now. */
  status: "reused" | "built" | "resized";
  seedMs: number;
  growMs: number;
}

/** The SELECT expression copying `column` of a copied row (numbers ×0.5–1.5, dates ±30 days). */
function perturbed(column: { name: string; sqlType: string; kind: string }): string {
  const c = quoteIdentifier(column.name);
  // A copy is another enterprise: a fresh fingerprint (the register's unique unit index holds).
  if (column.kind === "fingerprint") return `sha256(${c} || int8send("_row" + $1::bigint))`;
  if (column.kind !== "cleartext") return c;
  switch (column.sqlType) {
    case "numeric":
      return `round(${c} * (0.5 + random())::numeric, 2)`;
    case "bigint":
      return `round(${c} * (0.5 + random()))::bigint`;
    case "date":
      return `${c} + (floor(random() * 61) - 30)::int`;
    default:
      return c;
  }
}

/** Grows or cuts `stored` to `rows` rows (one transaction), then VACUUM ANALYZE. */
async function resize(pool: pg.Pool, stored: TStoredDataset, rows: number, log: (line: string) => void) {
  const columns = storedColumnsOf(stored.spec);
  if (columns.some((c) => c.kind === "sealed")) {
    throw new Error("bench: a version with sealed fields cannot be grown (their AAD names the row)");
  }
  const table = quoteIdentifier(stored.table);
  const names = ["_row", ...columns.map((c) => quoteIdentifier(c.name))].join(", ");
  const copied = ["_row + $1::bigint", ...columns.map(perturbed)].join(", ");
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    let count = stored.rowCount;
    if (count > rows) await client.query(`DELETE FROM ${table} WHERE _row > $1`, [rows]);
    while (count < rows) {
      const take = Math.min(count, rows - count);
      const started = performance.now();
      await client.query(`INSERT INTO ${table} (${names}) SELECT ${copied} FROM ${table} WHERE _row <= $2`, [
        count,
        take,
      ]);
      count += take;
      log(
        `  grew ${stored.table} to ${count.toLocaleString("en-US")} rows (${Math.round(performance.now() - started)} ms)`,
      );
    }
    const counted = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
    if (Number(counted.rows[0]?.n) !== rows)
      throw new Error("bench: the grown table has an unexpected row count");
    await client.query("UPDATE vault_versions SET row_count = $2 WHERE id = $1", [stored.id, rows]);
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
  const started = performance.now();
  await pool.query(`VACUUM ANALYZE ${table}`);
  log(`  VACUUM ANALYZE ${stored.table} (${Math.round(performance.now() - started)} ms)`);
}

/** LE-BASE 2026.11 with `rows` rows; see the module comment. */
export async function ensureLargeLegalEntities(
  vault: Vault,
  pool: pg.Pool,
  keyStore: TKeyStore,
  options: { rows: number; seedRows: number; log: (line: string) => void },
): Promise<TLargeVersion> {
  const { rows, log } = options;
  const spec = legalEntitiesSpec();
  const existing = await vault.storedDataset(spec.code, "2026.11");
  if (existing && existing.rowCount === rows)
    return { status: "reused", stored: existing, seedMs: 0, growMs: 0 };
  let seedMs = 0;
  let stored = existing;
  if (!stored) {
    const seedRows = Math.min(options.seedRows, rows);
    log(`  loading ${seedRows.toLocaleString("en-US")} LE-BASE rows through the ingest pipeline…`);
    const seeded = await ensureLegalEntitiesVersion(
      { store: vault.ingestStore(), keyStore },
      { count: seedRows },
    );
    stored = seeded.stored;
    seedMs = seeded.ms;
    log(`  loaded in ${seedMs} ms`);
  }
  const started = performance.now();
  if (stored.rowCount !== rows) await resize(pool, stored, rows, log);
  const growMs = Math.round(performance.now() - started);
  const after = await vault.storedDataset(spec.code, "2026.11");
  if (!after || after.rowCount !== rows)
    throw new Error("bench: the LE-BASE version does not have the rows asked");
  return { status: existing ? "resized" : "built", stored: after, seedMs, growMs };
}
