/**
 * The vault module on a real database: migrations, idempotent LE-BASE ingest with its content
 * hash, dataset rules, the grouped query, and the persistent nonce store.
 */
import { createTestDatabase, type TTestDatabase } from "@pdx/common/testing/test-database";
import { Vault } from "@pdx/enclave/src/vault/vault";
import { generateLegalEntities, legalEntitiesContentHash } from "@pdx/seeds/legal-entities";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const COUNT = 3000;

let db: TTestDatabase;
let vault: Vault;

beforeAll(async () => {
  db = await createTestDatabase();
  vault = Vault.open(db.url);
});
afterAll(async () => {
  await vault?.close();
  await db?.drop();
});

describe("vault migrations", () => {
  it("apply once and are a no-op the second time", async () => {
    const first = await vault.migrate();
    expect(first.applied).toContain("0001_vault.sql");
    const second = await vault.migrate();
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied).toBe(first.applied.length);
  });
});

describe("LE-BASE ingest", () => {
  it("loads the generated rows in chunks, recording the row count and content hash", async () => {
    expect(await vault.listDatasets()).toEqual([]);
    const result = await vault.ensureLegalEntities({ count: COUNT, chunkSize: 700 });
    expect(result).toMatchObject({ dataset: "LE-BASE", version: "2026.11", status: "loaded", rows: COUNT });
    expect(result.contentHash).toBe(legalEntitiesContentHash(generateLegalEntities({ count: COUNT })));
    expect(await vault.listDatasets()).toEqual([{ code: "LE-BASE", version: "2026.11", rows: COUNT }]);
  });

  it("is idempotent: a second start — same process or a new pool — loads nothing", async () => {
    const again = await vault.ensureLegalEntities({ count: COUNT });
    expect(again.status).toBe("already-loaded");
    const restarted = Vault.open(db.url);
    try {
      const afterRestart = await restarted.ensureLegalEntities({ count: 10 * COUNT });
      expect(afterRestart).toMatchObject({ status: "already-loaded", rows: COUNT });
    } finally {
      await restarted.close();
    }
    const ds = (await vault.findDataset("LE-BASE"))!;
    const groups = await vault.aggregate({
      datasetCode: "LE-BASE",
      version: ds.version,
      groupBy: ["status"],
      sums: [],
    });
    expect(groups.reduce((n, g) => n + g.rowCount, 0)).toBe(COUNT);
  });

  it("stores the rows exactly as generated (per-district counts and capital sums)", async () => {
    const expected = new Map<string, { n: number; cents: bigint }>();
    for (const r of generateLegalEntities({ count: COUNT })) {
      const e = expected.get(r.district) ?? { n: 0, cents: 0n };
      e.n++;
      e.cents += BigInt(r.registered_capital.replace(".", ""));
      expected.set(r.district, e);
    }
    const groups = await vault.aggregate({
      datasetCode: "LE-BASE",
      version: "2026.11",
      groupBy: ["district"],
      sums: ["registered_capital"],
    });
    expect(groups).toHaveLength(expected.size);
    for (const g of groups) {
      const e = expected.get(g.dims[0]!)!;
      expect(g.rowCount).toBe(e.n);
      expect(BigInt(g.sums[0]!.replace(".", ""))).toBe(e.cents);
    }
  });
});

describe("dataset rules", () => {
  it("give LE-BASE k = 10 and a policy for every field", async () => {
    const ds = (await vault.findDataset("LE-BASE"))!;
    expect(ds).toMatchObject({ code: "LE-BASE", version: "2026.11", rowCount: COUNT, minGroupSize: 10 });
    const policies = Object.fromEntries([...ds.policies].map(([f, p]) => [f, p.policy]));
    expect(policies).toEqual({
      uscc: "never",
      name: "never",
      district: "dimension",
      industry: "dimension",
      status: "dimension",
      registered_capital: "aggregate",
      founded_on: "never",
    });
  });

  it("know no other dataset", async () => {
    expect(await vault.findDataset("POP-BASE")).toBeNull();
    expect(await vault.findDataset("constructor")).toBeNull();
  });

  it("refuse to query a field that is not a column, whatever the caller passes", async () => {
    await expect(
      vault.aggregate({
        datasetCode: "LE-BASE",
        version: "2026.11",
        groupBy: ['district" ; DROP TABLE x; --'],
        sums: [],
      }),
    ).rejects.toThrow(/not a column/);
  });
});

describe("nonce store", () => {
  it("accepts a nonce once, and still refuses it through a new pool (enclave restart)", async () => {
    const store = vault.nonceStore({ windowMs: 30_000 });
    const ts = Date.now();
    expect(await store.claim("key-a", "n1", ts)).toBe(true);
    expect(await store.claim("key-a", "n1", ts)).toBe(false);
    expect(await store.claim("key-b", "n1", ts)).toBe(true);
    const restarted = Vault.open(db.url);
    try {
      expect(await restarted.nonceStore({ windowMs: 30_000 }).claim("key-a", "n1", ts)).toBe(false);
    } finally {
      await restarted.close();
    }
  });

  it("prunes nonces older than twice the window and keeps recent ones", async () => {
    const now = Date.now();
    const store = vault.nonceStore({ windowMs: 30_000, now: () => now });
    expect(await store.claim("key-c", "old", now - 61_000)).toBe(true);
    expect(await store.claim("key-c", "recent", now - 1_000)).toBe(true);
    expect(await store.prune()).toBeGreaterThanOrEqual(1);
    expect(await store.claim("key-c", "recent", now - 1_000)).toBe(false);
    // Pruned: the row is gone (a replay of it is stopped by the timestamp window instead).
    expect(await store.claim("key-c", "old", now - 61_000)).toBe(true);
  });
});
