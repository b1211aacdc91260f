/**
 * Test support for server tests: a fresh migrated and seeded database (createTestDatabase:
 * PGlite, or a real PostgreSQL when DATABASE_URL is set), server deps around it, and callers
 * signed in as any demo user through the real sign-in. Test-only; never imported by the server.
 */
import { generateKeyPair } from "@pdx/common/ed25519";
import { createTestDatabase, type TTestDatabase } from "@pdx/common/testing/test-database";
import { DEMO_PASSWORD } from "@pdx/seeds/demo-organizations";
import { createChainClient, DEV_CHAIN_ACCOUNT0_PRIVATE_KEY, type TChainClient } from "../chain";
import type { TRegistriesClient } from "../chain/registries";
import { createDb, type TDb } from "../db";
import { hashPassword } from "../domain/auth/password";
import { login } from "../domain/auth/sessions";
import { orgIdFor, seedDemoData } from "../domain/seed/seed-demo-data";
import { stableUuid } from "../domain/seed/stable-id";
import { createKeyring, generateKeyEncryptionKey } from "../domain/signing/keyring";
import { createEnclaveClient, type TEnclaveClient } from "../enclave-client";
import type { TMpcJobsClient } from "../enclave-client/mpc-jobs";
import { createAppCaller } from "../trpc/app-router";
import { createContext, type TServerDeps } from "../trpc/context";

export interface TServerTestKit {
  database: TTestDatabase;
  db: TDb;
  deps: TServerDeps;
  /** A tRPC caller signed in as `email` (password Demo#2026), or anonymous for null. */
  callerAs(
    email: string | null,
    request?: { csrfHeader?: string | null; origin?: string | null },
  ): Promise<TCaller>;
  /** Closes the pool and drops the database (the chain client is closed too). */
  close(): Promise<void>;
}

export type TCaller = ReturnType<typeof createAppCaller>;

export interface TServerTestKitOptions {
  enclave?: TEnclaveClient;
  enclavePublicKey?: string;
  chain?: TChainClient;
  now?: () => Date;
  /** Registries on a real chain (chain writes are sent by flushChainWrites); null otherwise. */
  registries?: TRegistriesClient | null;
  /** Public-notice period in days (default 5, as in production). */
  publicNoticeDays?: number;
  /** The MPC nodes' client (joint-statistics products); none by default. */
  mpc?: TMpcJobsClient;
}

/** E-mail of the admin user addAdminUser creates. */
export const TEST_ADMIN_EMAIL = "admin@test.pdx.cn";

/** Creates the kit. Without an enclave or chain, clients pointing at closed ports are used. */
export async function createServerTestKit(opts: TServerTestKitOptions = {}): Promise<TServerTestKit> {
  const database = await createTestDatabase();
  const db = createDb(database.url, { log: () => {} });
  await db.migrate();
  const keyring = createKeyring(generateKeyEncryptionKey());
  await seedDemoData(db, { keyring });
  const enclavePublicKey = opts.enclavePublicKey ?? generateKeyPair().publicKey;
  const chain =
    opts.chain ??
    createChainClient({ rpcUrl: "http://127.0.0.1:9", privateKey: DEV_CHAIN_ACCOUNT0_PRIVATE_KEY });
  const deps: TServerDeps = {
    db,
    enclave:
      opts.enclave ??
      createEnclaveClient({
        baseUrl: "http://127.0.0.1:9",
        serverSigningKey: generateKeyPair().secretKey,
        enclavePublicKey,
        timeoutMs: 2000,
      }),
    chain,
    mpc: opts.mpc ?? null,
    registries: opts.registries ?? null,
    enclavePublicKey,
    sessionTtlMinutes: 480,
    keyring,
    publicNoticeDays: opts.publicNoticeDays ?? 5,
    allowedOrigins: ["http://localhost:3000", "http://127.0.0.1:3000"],
    now: opts.now,
    log: () => {},
  };
  return {
    database,
    db,
    deps,
    async callerAs(email, request = {}) {
      let token: string | null = null;
      if (email) {
        token = (await login(db, { email, password: DEMO_PASSWORD }, { ttlMinutes: 480, now: opts.now?.() }))
          .token;
      }
      const ctx = await createContext(
        deps,
        {
          sessionToken: token,
          csrfHeader: request.csrfHeader === undefined ? "1" : request.csrfHeader,
          origin: request.origin ?? null,
        },
        { setSession() {}, clearSession() {} },
      );
      return createAppCaller(ctx);
    },
    async close() {
      await chain.close();
      await db.close();
      await database.drop();
    },
  };
}

/** Adds an organization (if missing) with one user (password Demo#2026), idempotently. */
export async function addOrgWithUser(
  db: TDb,
  org: { key: string; name: string; nameEn: string; type: string; uscc?: string; agencyCode?: string },
  user: { email: string; displayName: string; role: string; isOrgAdmin?: boolean },
): Promise<{ orgId: string; userId: string }> {
  const orgId = stableUuid(`org:${org.key}`);
  const userId = stableUuid(`user:${user.email}`);
  await db.query(
    `INSERT INTO organizations (id, key, name, name_en, type, uscc, agency_code) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (id) DO NOTHING`,
    [orgId, org.key, org.name, org.nameEn, org.type, org.uscc ?? null, org.agencyCode ?? null],
  );
  await db.query(
    `INSERT INTO users (id, org_id, email, display_name, role, is_org_admin, password_hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (id) DO NOTHING`,
    [
      userId,
      orgId,
      user.email,
      user.displayName,
      user.role,
      user.isOrgAdmin ?? false,
      await hashPassword(DEMO_PASSWORD),
    ],
  );
  return { orgId, userId };
}

/** Adds a user (not an org admin unless asked) to the seeded organization `orgKey`. */
export async function addUserToOrg(
  db: TDb,
  orgKey: string,
  user: { email: string; displayName: string; role: string; isOrgAdmin?: boolean },
): Promise<string> {
  const userId = stableUuid(`user:${user.email}`);
  await db.query(
    `INSERT INTO users (id, org_id, email, display_name, role, is_org_admin, password_hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING`,
    [
      userId,
      orgIdFor(orgKey),
      user.email,
      user.displayName,
      user.role,
      user.isOrgAdmin ?? false,
      await hashPassword(DEMO_PASSWORD),
    ],
  );
  return userId;
}

/** Adds a platform organization with an admin user (password Demo#2026) for permission tests. */
export async function addAdminUser(db: TDb): Promise<void> {
  await addOrgWithUser(
    db,
    { key: "test-platform", name: "平台", nameEn: "Platform", type: "platform" },
    { email: TEST_ADMIN_EMAIL, displayName: "Admin", role: "admin" },
  );
}

/** Adds a second buyer organization with one buyer user (password Demo#2026); returns the e-mail. */
export async function addSecondBuyer(db: TDb): Promise<string> {
  const email = "buyer2@test.pdx.cn";
  await addOrgWithUser(
    db,
    { key: "test-second-buyer", name: "第二买方", nameEn: "Second buyer", type: "buyer" },
    { email, displayName: "Buyer Two", role: "buyer", isOrgAdmin: true },
  );
  return email;
}

export { orgIdFor };
