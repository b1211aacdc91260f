/**
 * Test helpers for the ingest (used by enclave/src/ingest tests and test/integration): a small
 * dataset spec that exercises every type, format and storage, valid CSV / JSONL rows for it,
 * and a vault with the ingest on a fresh test database and a temporary data directory.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase, type TTestDatabase } from "@pdx/common/testing/test-database";
import { buildUscc } from "@pdx/common/uscc";
import { type TVaultDatasetSpec, ZVaultDatasetSpec } from "@pdx/common/vault-api";
import { KeyStore } from "../keys/key-store";
import { Vault } from "../vault/vault";
import type { IngestStore } from "./ingest-store";

/** A spec with every type, a uscc/resident_id/mobile format, an enum, and all four storages. */
export function testSpec(code = "TEST-PEOPLE"): TVaultDatasetSpec {
  const base = {
    grade: "general",
    personalInfo: false,
    masking: "none",
    nullable: false,
    fingerprint: false,
  } as const;
  return ZVaultDatasetSpec.parse({
    code,
    title: "测试数据集",
    grade: "important",
    minGroupSize: 20,
    epsilonBudget: 5,
    privacyUnit: null,
    fields: [
      {
        ...base,
        name: "uscc",
        type: "text",
        item: "le.uscc",
        format: "uscc",
        storage: "cleartext",
        fingerprint: true,
      },
      {
        ...base,
        name: "person_id",
        type: "text",
        item: "pop.resident_id",
        format: "resident_id",
        personalInfo: true,
        masking: "mask_id",
        storage: "sealed",
        fingerprint: true,
      },
      {
        ...base,
        name: "mobile",
        type: "text",
        item: "pop.mobile",
        format: "mobile",
        storage: "dropped",
        fingerprint: true,
      },
      {
        ...base,
        name: "district",
        type: "text",
        item: "geo.district",
        values: ["中心区", "南湾区"],
        storage: "cleartext",
      },
      { ...base, name: "amount", type: "numeric", item: "t.amount", storage: "cleartext" },
      { ...base, name: "headcount", type: "integer", item: "t.headcount", storage: "sealed", grade: "core" },
      {
        ...base,
        name: "founded_on",
        type: "date",
        item: "t.founded_on",
        storage: "cleartext",
        nullable: true,
      },
      { ...base, name: "active", type: "boolean", item: "t.active", storage: "cleartext" },
      { ...base, name: "note", type: "text", item: "t.note", masking: "suppress", storage: "dropped" },
    ],
  });
}

const RESIDENT_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/** A valid resident id for row `i` (fake division 449900). */
export function residentIdOf(i: number): string {
  const first17 = `449900${19800101 + (i % 28)}${String(i % 1000).padStart(3, "0")}`;
  let sum = 0;
  for (let k = 0; k < 17; k++) sum += Number(first17[k]) * RESIDENT_ID_WEIGHTS[k]!;
  return first17 + "10X98765432"[sum % 11]!;
}

/** A valid USCC for row `i`. */
export function usccOf(i: number): string {
  return buildUscc({
    authority: "9",
    entityType: "1",
    division: "449902",
    orgBody8: `MA${String(i).padStart(6, "0")}`,
  });
}

/** Row `i` of testSpec() as raw strings, in field order. */
export function testRow(i: number): string[] {
  return [
    usccOf(i % 1_000_000),
    residentIdOf(i),
    `100${String(i).padStart(8, "0")}`,
    i % 3 === 0 ? "南湾区" : "中心区",
    `${i % 1000}.${String(i % 100).padStart(2, "0")}`,
    String(i % 50),
    i % 10 === 0 ? "" : `2020-0${1 + (i % 9)}-1${i % 10}`,
    i % 2 === 0 ? "true" : "false",
    `备注, "引号" ${i}`,
  ];
}

const csvField = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);

/** A CSV file (header + rows 1..n) for testSpec(). */
export function testCsv(n: number, rowOf: (i: number) => string[] = testRow, spec = testSpec()): string {
  const lines = [spec.fields.map((f) => f.name).join(",")];
  for (let i = 1; i <= n; i++) lines.push(rowOf(i).map(csvField).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

/** A JSON Lines file (rows 1..n) for testSpec(). */
export function testJsonl(n: number, spec = testSpec()): string {
  const lines: string[] = [];
  for (let i = 1; i <= n; i++) {
    const row = testRow(i);
    lines.push(
      JSON.stringify(Object.fromEntries(spec.fields.map((f, k) => [f.name, row[k] === "" ? null : row[k]]))),
    );
  }
  return `${lines.join("\n")}\n`;
}

export interface TIngestHarness {
  db: TTestDatabase;
  vault: Vault;
  store: IngestStore;
  keyStore: KeyStore;
  masterKey: Buffer;
  dataDir: string;
  /** Closes the vault pool and opens a new one on the same database (a restart). */
  reopen(): Promise<void>;
  stop(): Promise<void>;
}

/** A migrated vault on a fresh test database, a key store and a temporary data directory. */
export async function startIngestHarness(): Promise<TIngestHarness> {
  const db = await createTestDatabase();
  const dataDir = await mkdtemp(join(tmpdir(), "pdx-ingest-"));
  const masterKey = randomBytes(32);
  const harness: TIngestHarness = {
    db,
    vault: Vault.open(db.url),
    store: undefined as unknown as IngestStore,
    keyStore: new KeyStore(masterKey),
    masterKey,
    dataDir,
    async reopen() {
      await harness.vault.close();
      harness.vault = Vault.open(db.url);
      harness.store = harness.vault.ingestStore();
    },
    async stop() {
      await harness.vault.close();
      await db.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  await harness.vault.migrate();
  harness.store = harness.vault.ingestStore();
  return harness;
}
