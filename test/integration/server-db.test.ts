/**
 * The server's database module, migrations and demo seeds on a fresh database (PGlite, or the
 * real PostgreSQL when DATABASE_URL is set).
 */
import { createTestDatabase, type TTestDatabase } from "@pdx/common/testing/test-database";
import { agencyCodeProblem, isValidUscc } from "@pdx/common/uscc";
import { PRODUCT_MANIFESTS } from "@pdx/products";
import { CATALOG_DATASETS } from "@pdx/seeds/catalog/index";
import { DEMO_ORGANIZATIONS } from "@pdx/seeds/demo-organizations";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, DbError, type TDb } from "../../server/src/db";
import { verifyPassword } from "../../server/src/domain/auth/password";
import {
  orgIdFor,
  SEED_ORGANIZATIONS,
  SEED_USERS,
  seedDemoData,
} from "../../server/src/domain/seed/seed-demo-data";
import { createKeyring, generateKeyEncryptionKey } from "../../server/src/domain/signing/keyring";

const keyring = createKeyring(generateKeyEncryptionKey());
let database: TTestDatabase;
let db: TDb;
const logged: string[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  // Every query is "slow" here, so every query is logged: the log must still hold no parameter.
  db = createDb(database.url, { log: (l) => logged.push(l), slowQueryMs: 0 });
});
afterAll(async () => {
  await db?.close();
  await database?.drop();
});

async function snapshot() {
  const tables = [
    "organizations",
    "users",
    "user_signing_keys",
    "datasets",
    "dataset_registrations",
    "products",
    "operators",
    "authorizations",
    "signed_approvals",
    "audit_events",
    "chain_writes",
    "data_demands",
    "quality_issues",
  ];
  const out: Record<string, unknown> = {};
  for (const t of tables) {
    const { rows } = await db.query(`SELECT * FROM ${t} ORDER BY 1`);
    out[t] = rows;
  }
  return out;
}

describe("migrations", () => {
  it("apply once, then a second run is a no-op", async () => {
    const first = await db.migrate();
    expect(first.applied).toContain("0001_marketplace_core.sql");
    expect(first.alreadyApplied).toBe(0);
    const second = await db.migrate();
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied).toBe(first.applied.length);
    const { rows } = await db.query<{ n: string }>("SELECT count(*)::text AS n FROM schema_migrations");
    expect(Number(rows[0]!.n)).toBe(first.applied.length);
  });
});

describe("demo seeds", () => {
  it("create the organizations with valid codes, their users with keys, the coded catalog and the products", async () => {
    const summary = await seedDemoData(db, { keyring });
    expect(summary).toMatchObject({
      organizations: SEED_ORGANIZATIONS.length,
      users: SEED_USERS.length,
      usersCreated: SEED_USERS.length,
      datasets: CATALOG_DATASETS.length,
      registrationsCoded: CATALOG_DATASETS.length,
    });
    const { rows: orgs } = await db.query<{
      key: string;
      type: string;
      uscc: string;
      agency_code: string | null;
    }>("SELECT key, type, uscc, agency_code FROM organizations ORDER BY key");
    expect(new Set(orgs.map((o) => o.type))).toEqual(
      new Set(["auditor", "buyer", "data_source", "operator", "regulator", "platform", "service_agency"]),
    );
    expect(orgs.filter((o) => o.type === "data_source").length).toBeGreaterThanOrEqual(8);
    for (const o of orgs) {
      expect(isValidUscc(o.uscc), o.key).toBe(true);
      if (o.type === "data_source" || o.type === "regulator")
        expect(agencyCodeProblem(o.agency_code ?? ""), o.key).toBeNull();
    }
    const { rows: users } = await db.query<{
      email: string;
      role: string;
      password_hash: string;
      key_id: string | null;
    }>(
      `SELECT u.email, u.role, u.password_hash, k.key_id FROM users u
         LEFT JOIN user_signing_keys k ON k.user_id = u.id AND k.retired_at IS NULL ORDER BY u.email`,
    );
    expect(users.map((u) => u.email)).toEqual(SEED_USERS.map((u) => u.email).sort());
    for (const u of users) expect(u.key_id, u.email).toMatch(/^[0-9a-f]{16}$/);
    const buyer = users.find((u) => u.email === "buyer@demo.pdx.cn")!;
    expect(buyer.role).toBe("buyer");
    expect(buyer.password_hash).toMatch(/^scrypt\$/);
    expect(await verifyPassword("Demo#2026", buyer.password_hash)).toBe(true);
    const { rows: ds } = await db.query<{
      code: string;
      source_org_id: string;
      status: string;
      library: string;
    }>("SELECT code, source_org_id, status, library FROM datasets ORDER BY code");
    expect(ds.length).toBeGreaterThanOrEqual(40);
    expect(ds.every((d) => d.status === "coded")).toBe(true);
    expect(ds.find((d) => d.code === "LE-BASE")).toMatchObject({
      source_org_id: orgIdFor("market-regulation"),
    });
    const { rows: products } = await db.query<{
      code: string;
      version: number;
      authorization_id: string | null;
    }>("SELECT code, version, authorization_id FROM products ORDER BY code");
    expect(products.map((p) => ({ code: p.code, version: p.version }))).toEqual(
      PRODUCT_MANIFESTS.map((m) => ({ code: m.code, version: m.version })).sort((a, b) =>
        a.code.localeCompare(b.code),
      ),
    );
    expect(products.every((p) => p.authorization_id !== null)).toBe(true);
    const { rows: auth } = await db.query<{ status: string }>("SELECT status FROM authorizations");
    expect(auth.map((a) => a.status)).toContain("active");
  });

  it("are idempotent: a second run changes nothing (ids, password hashes, timestamps)", async () => {
    const before = await snapshot();
    const summary = await seedDemoData(db, { keyring });
    expect(summary.usersCreated).toBe(0);
    expect(summary.registrationsCoded).toBe(0);
    expect(await snapshot()).toEqual(before);
  });

  it("derive organization ids from their keys (stable across databases)", () => {
    expect(orgIdFor(DEMO_ORGANIZATIONS[0]!.key)).toBe(orgIdFor(DEMO_ORGANIZATIONS[0]!.key));
    expect(orgIdFor("market-regulation")).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});

describe("db module", () => {
  it("maps a unique violation by SQLSTATE and never echoes the parameters", async () => {
    const secretEmail = "buyer@demo.pdx.cn";
    const err = await db
      .query(
        "INSERT INTO users (id, org_id, email, display_name, role, password_hash) SELECT gen_random_uuid(), org_id, $1, 'x', 'buyer', 'x' FROM users LIMIT 1",
        [secretEmail],
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DbError);
    expect((err as DbError).code).toBe("UNIQUE_VIOLATION");
    expect((err as DbError).sqlState).toBe("23505");
    expect((err as DbError).constraint).toBe("users_email_key");
    expect((err as DbError).message).not.toContain(secretEmail);
  });

  it("maps other SQL failures to QUERY_FAILED without the server's message", async () => {
    const err = await db
      .query("SELECT * FROM no_such_table WHERE x = $1", ["param-secret-7731"])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DbError);
    expect((err as DbError).code).toBe("QUERY_FAILED");
    expect((err as DbError).sqlState).toBe("42P01");
    expect((err as DbError).message).not.toContain("no_such_table");
  });

  it("commits a transaction that resolves and rolls back one that throws", async () => {
    await db.query("CREATE TABLE tx_probe (v text)");
    await db.withTransaction(async (tx) => {
      await tx.query("INSERT INTO tx_probe VALUES ('kept')");
    });
    const boom = new Error("boom");
    await expect(
      db.withTransaction(async (tx) => {
        await tx.query("INSERT INTO tx_probe VALUES ('dropped')");
        throw boom;
      }),
    ).rejects.toBe(boom);
    const { rows } = await db.query<{ v: string }>("SELECT v FROM tx_probe");
    expect(rows).toEqual([{ v: "kept" }]);
    // The connection was released: the pool still works (PGlite has exactly one).
    const { rows: again } = await db.query<{ one: number }>("SELECT 1 AS one");
    expect(again).toEqual([{ one: 1 }]);
  });

  it("a failed statement inside a transaction rolls it back and surfaces a DbError", async () => {
    await expect(
      db.withTransaction(async (tx) => {
        await tx.query("INSERT INTO tx_probe VALUES ('half')");
        await tx.query("INSERT INTO tx_probe (no_such_column) VALUES ('x')");
      }),
    ).rejects.toBeInstanceOf(DbError);
    const { rows } = await db.query<{ v: string }>("SELECT v FROM tx_probe ORDER BY v");
    expect(rows).toEqual([{ v: "kept" }]);
  });

  it("logs slow queries by their SQL text, never their parameters", () => {
    const log = logged.join("\n");
    expect(log).toContain("[db] slow query");
    expect(log).toContain("FROM no_such_table WHERE x = $1");
    expect(log).not.toContain("buyer@demo.pdx.cn");
    expect(log).not.toContain("param-secret-7731");
  });
});
