/**
 * Test support for the query compiler: a real key store (HMAC-SHA-256 fingerprints under
 * HKDF-derived per-item keys, AES-256-GCM key wrapping and value sealing — node:crypto), a test
 * dataset spec with a field for every column policy and type, deterministic rows, and a loader
 * that creates `vault_rows_<id>` exactly per the layout in stored-dataset.ts. Not used in
 * production; the vault's ingest writes the real tables.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from "node:crypto";
import type { TVaultDatasetSpec, TVaultField } from "@pdx/common/vault-api";
import type pg from "pg";
import type { TKeyStore } from "../keys/types";
import { rowsTableOf, SQL_TYPE_OF, type TStoredDataset } from "../vault/stored-dataset";

function gcmSeal(key: Buffer, aad: string, plaintext: Buffer): Buffer {
  const nonce = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, nonce);
  cipher.setAAD(Buffer.from(aad, "utf8"));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]);
}

function gcmOpen(key: Buffer, aad: string, sealed: Buffer): Buffer {
  const decipher = createDecipheriv("aes-256-gcm", key, sealed.subarray(0, 12));
  decipher.setAAD(Buffer.from(aad, "utf8"));
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  return Buffer.concat([decipher.update(sealed.subarray(12, sealed.length - 16)), decipher.final()]);
}

/** A TKeyStore held in memory (random KEK and fingerprint secret per instance). */
export class MemoryKeyStore implements TKeyStore {
  private readonly kek = randomBytes(32);
  private readonly fingerprintSecret = randomBytes(32);

  newDataKey(code: string, version: string): { key: Buffer; wrapped: string } {
    const key = randomBytes(32);
    return { key, wrapped: gcmSeal(this.kek, `pdx-dek/${code}@${version}`, key).toString("base64") };
  }

  unwrapDataKey(code: string, version: string, wrapped: string): Buffer {
    return gcmOpen(this.kek, `pdx-dek/${code}@${version}`, Buffer.from(wrapped, "base64"));
  }

  fingerprint(item: string, canonicalText: string): Buffer {
    const itemKey = Buffer.from(hkdfSync("sha256", this.fingerprintSecret, "", `pdx-fp/${item}`, 32));
    return createHmac("sha256", itemKey).update(canonicalText, "utf8").digest();
  }
}

const field = (f: Omit<TVaultField, "nullable"> & { nullable?: boolean }): TVaultField => ({
  nullable: false,
  ...f,
});

export const DISTRICTS = ["futian", "luohu", "nanshan", "baoan"] as const;
export const LICENCES = ["food", "medical", "transport"] as const;
export const RISK_LEVELS = ["low", "mid", "high"] as const;

/** A core-graded test dataset with a field for every policy row (see column-policy.ts). */
export const TEST_SPEC: TVaultDatasetSpec = {
  code: "LE-QTEST",
  title: "query compiler test",
  grade: "core",
  minGroupSize: 5,
  epsilonBudget: 2,
  privacyUnit: null,
  fields: [
    // never, fingerprinted: a match key by fingerprint only
    field({
      name: "uscc",
      type: "text",
      grade: "general",
      personalInfo: false,
      masking: "none",
      item: "le.uscc",
      format: "uscc",
      storage: "cleartext",
      fingerprint: true,
    }),
    // never: an identifier not fingerprinted
    field({
      name: "org_name",
      type: "text",
      grade: "general",
      personalInfo: false,
      masking: "none",
      item: "le.name",
      format: "org_name",
      storage: "cleartext",
      fingerprint: false,
    }),
    // masked, fingerprinted
    field({
      name: "rep_id",
      type: "text",
      grade: "important",
      personalInfo: true,
      masking: "mask_id",
      item: "pop.resident_id",
      format: "resident_id",
      storage: "sealed",
      fingerprint: true,
    }),
    // masked, not fingerprinted
    field({
      name: "rep_name",
      type: "text",
      grade: "important",
      personalInfo: true,
      masking: "mask_name",
      item: "pop.name",
      format: "person_name",
      storage: "sealed",
      fingerprint: false,
    }),
    // raw
    field({
      name: "district",
      type: "text",
      grade: "general",
      personalInfo: false,
      masking: "none",
      item: "le.district",
      values: [...DISTRICTS],
      storage: "cleartext",
      fingerprint: false,
    }),
    field({
      name: "licence",
      type: "text",
      grade: "general",
      personalInfo: false,
      masking: "none",
      item: "le.licence",
      values: [...LICENCES],
      storage: "cleartext",
      fingerprint: false,
    }),
    field({
      name: "capital",
      type: "numeric",
      grade: "general",
      personalInfo: false,
      masking: "none",
      item: "le.capital",
      storage: "cleartext",
      fingerprint: false,
    }),
    field({
      name: "founded_on",
      type: "date",
      grade: "general",
      personalInfo: false,
      masking: "none",
      item: "le.founded_on",
      storage: "cleartext",
      fingerprint: false,
    }),
    field({
      name: "listed",
      type: "boolean",
      grade: "general",
      personalInfo: false,
      masking: "none",
      item: "le.listed",
      storage: "cleartext",
      fingerprint: false,
    }),
    field({
      name: "subsidy",
      type: "integer",
      grade: "general",
      personalInfo: false,
      masking: "none",
      item: "le.subsidy",
      storage: "cleartext",
      fingerprint: false,
      nullable: true,
    }),
    // aggregate_only
    field({
      name: "employees",
      type: "integer",
      grade: "important",
      personalInfo: false,
      masking: "none",
      item: "le.employees",
      storage: "cleartext",
      fingerprint: false,
    }),
    field({
      name: "risk",
      type: "text",
      grade: "important",
      personalInfo: false,
      masking: "none",
      item: "le.risk",
      values: [...RISK_LEVELS],
      storage: "cleartext",
      fingerprint: false,
    }),
    field({
      name: "audited_on",
      type: "date",
      grade: "important",
      personalInfo: false,
      masking: "none",
      item: "le.audited_on",
      storage: "cleartext",
      fingerprint: false,
    }),
    // encrypted_only
    field({
      name: "tax_paid",
      type: "numeric",
      grade: "core",
      personalInfo: false,
      masking: "none",
      item: "tax.paid",
      storage: "sealed",
      fingerprint: false,
    }),
    // never: suppressed (dropped), and hashed (dropped, fingerprinted)
    field({
      name: "note",
      type: "text",
      grade: "general",
      personalInfo: false,
      masking: "suppress",
      item: "le.note",
      storage: "dropped",
      fingerprint: false,
    }),
    field({
      name: "bank_account",
      type: "text",
      grade: "important",
      personalInfo: false,
      masking: "hash",
      item: "fin.account",
      storage: "dropped",
      fingerprint: true,
    }),
  ],
};

/** Every field name of TEST_SPEC (a job that declares them all). */
export const ALL_FIELDS = TEST_SPEC.fields.map((f) => f.name);

export type TTestValue = string | number | boolean | null;
export type TTestRow = Record<string, TTestValue>;

/** Row i of the test data (deterministic; every field of TEST_SPEC, dropped ones included). */
export function testRow(i: number): TTestRow {
  const month = (i % 12) + 1;
  return {
    uscc: `91440300TEST${String(i).padStart(5, "0")}X`,
    org_name: `Org ${i}`,
    rep_id: `44030019800101${String(i).padStart(4, "0")}`,
    rep_name: `张${i}`,
    district: DISTRICTS[i % DISTRICTS.length]!,
    licence: LICENCES[i % LICENCES.length]!,
    // 0.00 … 9 999.75 in quarter steps, some with trailing zeros
    capital: ((i * 3719) % 40_000) / 4,
    founded_on: `${2015 + (i % 5)}-${String(month).padStart(2, "0")}-${String((i % 28) + 1).padStart(2, "0")}`,
    listed: i % 3 === 0,
    subsidy: i % 4 === 0 ? null : (i % 7) * 100,
    employees: (i * 13) % 500,
    risk: RISK_LEVELS[i % RISK_LEVELS.length]!,
    audited_on: i % 5 === 0 ? null : `2024-${String(month).padStart(2, "0")}-15`,
    tax_paid: i * 10.5,
    note: "internal",
    bank_account: `6222${String(i).padStart(8, "0")}`,
  };
}

/** Canonical text of a value (stored-dataset.ts). */
export function canonicalText(f: TVaultField, value: Exclude<TTestValue, null>): string {
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") return String(value);
  return f.type === "text" ? value.normalize("NFC") : value;
}

/**
 * Creates and fills `vault_rows_<versionId>` for TEST_SPEC per the vault layout: `_row`, cleartext
 * columns typed, sealed values (AES-256-GCM under a fresh data key, AAD "<code>@<version>/<name>/<row>"),
 * fingerprints, dropped fields absent. Returns the stored dataset.
 */
export async function loadTestDataset(
  client: pg.ClientBase,
  keyStore: TKeyStore,
  opts: { versionId: number; rows: readonly TTestRow[]; version?: string; spec?: TVaultDatasetSpec },
): Promise<TStoredDataset> {
  const spec = opts.spec ?? TEST_SPEC;
  const version = opts.version ?? "2026.1";
  const table = rowsTableOf(opts.versionId);
  const columns: { name: string; sqlType: string; value: (row: TTestRow, rowNo: number) => unknown }[] = [];
  const { key, wrapped } = keyStore.newDataKey(spec.code, version);
  for (const f of spec.fields) {
    if (f.storage === "cleartext")
      columns.push({ name: f.name, sqlType: SQL_TYPE_OF[f.type], value: (row) => row[f.name] ?? null });
    if (f.storage === "sealed")
      columns.push({
        name: `${f.name}__sealed`,
        sqlType: "bytea",
        value: (row, rowNo) => {
          const v = row[f.name];
          if (v === null || v === undefined) return null;
          const aad = `${spec.code}@${version}/${f.name}/${rowNo}`;
          return gcmSeal(key, aad, Buffer.from(canonicalText(f, v), "utf8"));
        },
      });
    if (f.fingerprint)
      columns.push({
        name: `${f.name}__fp`,
        sqlType: "bytea",
        value: (row) => {
          const v = row[f.name];
          return v === null || v === undefined ? null : keyStore.fingerprint(f.item, canonicalText(f, v));
        },
      });
  }
  await client.query(
    `CREATE TABLE "${table}" (_row bigint PRIMARY KEY, ${columns.map((c) => `"${c.name}" ${c.sqlType}`).join(", ")})`,
  );
  const perRow = columns.length + 1;
  const batch = 100;
  for (let start = 0; start < opts.rows.length; start += batch) {
    const slice = opts.rows.slice(start, start + batch);
    const values: unknown[] = [];
    const tuples = slice.map((row, j) => {
      const rowNo = start + j + 1;
      values.push(rowNo, ...columns.map((c) => c.value(row, rowNo)));
      return `(${Array.from({ length: perRow }, (_, k) => `$${j * perRow + k + 1}`).join(", ")})`;
    });
    await client.query(
      `INSERT INTO "${table}" (_row, ${columns.map((c) => `"${c.name}"`).join(", ")}) VALUES ${tuples.join(", ")}`,
      values,
    );
  }
  return {
    id: opts.versionId,
    code: spec.code,
    version,
    rowCount: opts.rows.length,
    contentHash: "0".repeat(64),
    spec,
    table,
    wrappedDataKey: wrapped,
    loadedAt: new Date().toISOString(),
  };
}

/** A stored dataset for pure (no database) tests of the planner. */
export function storedForPlanning(spec: TVaultDatasetSpec = TEST_SPEC, versionId = 7): TStoredDataset {
  return {
    id: versionId,
    code: spec.code,
    version: "2026.1",
    rowCount: 0,
    contentHash: "0".repeat(64),
    spec,
    table: rowsTableOf(versionId),
    wrappedDataKey: "",
    loadedAt: "2026-01-01T00:00:00.000Z",
  };
}
