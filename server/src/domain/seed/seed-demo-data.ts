/**
 * Upserts the demo organizations and users, the dataset catalog and the products from their
 * manifests. Idempotent: running it again changes nothing (ids are derived from stable keys;
 * existing users keep their password hash).
 */
import { canonicalJson } from "@pdx/common/canonical-json";
import { sha256Hex } from "@pdx/common/hash";
import { usccProblem } from "@pdx/common/uscc";
import { PRODUCT_MANIFESTS, type TProductManifest } from "@pdx/products";
import {
  CATALOG_DATASETS,
  CATALOG_DEPARTMENT_USERS,
  CATALOG_DEPARTMENTS,
  catalogSourceOf,
} from "@pdx/seeds/catalog/index";
import {
  DEMO_ORGANIZATIONS,
  DEMO_PASSWORD,
  DEMO_USERS,
  type TDemoOrganization,
  type TDemoUser,
} from "@pdx/seeds/demo-organizations";
import type { TDb } from "../../db";
import { hashPassword } from "../auth/password";
import { normalizeEmail } from "../auth/sessions";
import { seedDemoAuthorization } from "../authorizations/seed-demo-authorization";
import { seedCatalogRegistrations } from "../catalog/seed-catalog";
import { seedDemoDemandsAndQuality } from "../demands/seed-demo-demands-and-quality";
import {
  seedDemoOperators,
  XINCHUANG_APPLICANT_USER,
  XINCHUANG_OPERATOR_ORG,
} from "../operators/seed-operators";
import { seedDemoLogic } from "../product-jobs/seed-demo-logic";
import type { TKeyring } from "../signing/keyring";
import { ensureUserSigningKey } from "../signing/user-keys";
import { stableUuid } from "./stable-id";

/** Id of the organization with seed key `key`. */
export const orgIdFor = (key: string) => stableUuid(`org:${key}`);
/** Id of the user with e-mail `email`. */
export const userIdFor = (email: string) => stableUuid(`user:${normalizeEmail(email)}`);
/** Id of the dataset with code `code`. */
export const datasetIdFor = (code: string) => stableUuid(`dataset:${code}`);
/** Id of product `code` version `version`. */
export const productIdFor = (code: string, version: number) => stableUuid(`product:${code}@${version}`);

export interface TSeedInput {
  organizations: readonly TDemoOrganization[];
  users: readonly TDemoUser[];
  /** Password given to users created now (existing users keep theirs). */
  password: string;
}

export interface TSeedSummary {
  organizations: number;
  users: number;
  usersCreated: number;
}

/** Organizations of the demo: the demo organizations plus every catalog department. */
export const SEED_ORGANIZATIONS: readonly TDemoOrganization[] = [
  ...DEMO_ORGANIZATIONS,
  ...CATALOG_DEPARTMENTS.filter((d) => !DEMO_ORGANIZATIONS.some((o) => o.key === d.key)),
  XINCHUANG_OPERATOR_ORG,
];
/** Users of the demo (password Demo#2026): the demo users plus one per catalog department. */
export const SEED_USERS: readonly TDemoUser[] = [
  ...DEMO_USERS,
  ...CATALOG_DEPARTMENT_USERS,
  XINCHUANG_APPLICANT_USER,
];

export interface TDemoSeedSummary extends TSeedSummary {
  datasets: number;
  products: number;
  registrationsCoded: number;
}

/**
 * Seeds the demo: organizations and users (each with a signing key), the catalog (every dataset
 * of seeds/catalog coded, with its chain write), the products, the admitted demo operator, its
 * scenario and active authorization (walked through the real workflow with real signatures), and
 * a few demands and quality reports. Idempotent: each step skips what exists.
 */
export async function seedDemoData(
  db: TDb,
  opts: { keyring: TKeyring; now?: Date },
): Promise<TDemoSeedSummary> {
  const now = opts.now ?? new Date();
  const summary = await seedOrganizationsAndUsers(db, {
    organizations: SEED_ORGANIZATIONS,
    users: SEED_USERS,
    password: DEMO_PASSWORD,
  });
  // Every demo user gets a signing key (their approvals are signed with it).
  await db.withTransaction(async (tx) => {
    for (const user of SEED_USERS) await ensureUserSigningKey(tx, opts.keyring, userIdFor(user.email));
  });
  const catalog = await seedCatalogRegistrations(db, {
    entries: CATALOG_DATASETS,
    sourceOrgIdOf: (code) => orgIdFor(catalogSourceOf(code)),
    now,
  });
  const products = await seedProducts(db, PRODUCT_MANIFESTS);
  await seedDemoOperators(db, opts.keyring, now);
  await seedDemoAuthorization(db, { keyring: opts.keyring, now });
  await seedDemoDemandsAndQuality(db, now);
  await seedDemoLogic(db, now);
  return {
    ...summary,
    datasets: CATALOG_DATASETS.length,
    products,
    registrationsCoded: catalog.registered.length,
  };
}

/** Upserts the products of `manifests`; their operators and datasets must exist. */
export async function seedProducts(db: TDb, manifests: readonly TProductManifest[]): Promise<number> {
  const { rows: datasets } = await db.query<{ code: string }>("SELECT code FROM datasets");
  const known = new Set(datasets.map((d) => d.code));
  for (const p of manifests) {
    if (!known.has(p.datasetCode))
      throw new Error(`seed: product ${p.code} names unknown dataset ${p.datasetCode}`);
  }
  await db.withTransaction(async (tx) => {
    for (const manifest of manifests) {
      // A listed version should not change; in development a changed manifest is updated in
      // place (and visible as a new manifest_hash) rather than refusing to start.
      await tx.query(
        `INSERT INTO products (id, code, version, operator_org_id, dataset_id, manifest, manifest_hash)
         VALUES ($1, $2, $3, $4, (SELECT id FROM datasets WHERE code = $5), $6, $7)
         ON CONFLICT (id) DO UPDATE SET operator_org_id = EXCLUDED.operator_org_id,
           dataset_id = EXCLUDED.dataset_id, manifest = EXCLUDED.manifest,
           manifest_hash = EXCLUDED.manifest_hash, updated_at = now()
         WHERE products.manifest_hash <> EXCLUDED.manifest_hash`,
        [
          productIdFor(manifest.code, manifest.version),
          manifest.code,
          manifest.version,
          orgIdFor(manifest.operatorOrgKey),
          manifest.datasetCode,
          JSON.stringify(manifest),
          sha256Hex(canonicalJson(manifest)),
        ],
      );
    }
  });
  return manifests.length;
}

/** Upserts the given organizations and users in one transaction. */
export async function seedOrganizationsAndUsers(db: TDb, input: TSeedInput): Promise<TSeedSummary> {
  const orgKeys = new Set(input.organizations.map((o) => o.key));
  for (const org of input.organizations) {
    const problem = usccProblem(org.uscc);
    if (problem) throw new Error(`seed: organization ${org.key} has an invalid USCC: ${problem}`);
  }
  for (const user of input.users) {
    if (!orgKeys.has(user.orgKey))
      throw new Error(`seed: user ${user.email} names unknown org ${user.orgKey}`);
  }

  // Hash outside the transaction (scrypt is slow) and only for users that do not exist yet.
  const { rows: existing } = await db.query<{ email: string }>(
    "SELECT email FROM users WHERE email = ANY($1)",
    [input.users.map((u) => normalizeEmail(u.email))],
  );
  const existingEmails = new Set(existing.map((r) => r.email));
  const newUsers = input.users.filter((u) => !existingEmails.has(normalizeEmail(u.email)));
  // Every demo user has the same (documented) password, so one scrypt hash serves them all; this
  // keeps seeding fast (scrypt is deliberately slow) and reveals nothing the README does not say.
  const hashes = new Map<string, string>();
  const sharedHash = newUsers.length > 0 ? await hashPassword(input.password) : "";
  for (const u of newUsers) hashes.set(normalizeEmail(u.email), sharedHash);

  await db.withTransaction(async (tx) => {
    for (const org of input.organizations) {
      await tx.query(
        `INSERT INTO organizations (id, key, name, name_en, type, uscc, agency_code)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, name_en = EXCLUDED.name_en,
           type = EXCLUDED.type, uscc = EXCLUDED.uscc, agency_code = EXCLUDED.agency_code
         WHERE (organizations.name, organizations.name_en, organizations.type, organizations.uscc,
                organizations.agency_code)
           IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.name_en, EXCLUDED.type, EXCLUDED.uscc,
                EXCLUDED.agency_code)`,
        [orgIdFor(org.key), org.key, org.name, org.nameEn, org.type, org.uscc, org.agencyCode ?? null],
      );
    }
    for (const user of input.users) {
      const email = normalizeEmail(user.email);
      const params = [
        userIdFor(email),
        orgIdFor(user.orgKey),
        email,
        user.displayName,
        user.role,
        user.isOrgAdmin ?? true,
      ];
      const hash = hashes.get(email);
      if (hash === undefined) {
        // Existing user: keep the password hash, refresh the rest.
        await tx.query(
          `UPDATE users SET org_id = $2, email = $3, display_name = $4, role = $5, is_org_admin = $6
            WHERE id = $1 AND (org_id, email, display_name, role, is_org_admin)
              IS DISTINCT FROM ($2, $3, $4, $5, $6)`,
          params,
        );
      } else {
        await tx.query(
          `INSERT INTO users (id, org_id, email, display_name, role, is_org_admin, password_hash)
           VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [...params, hash],
        );
      }
    }
  });

  return {
    organizations: input.organizations.length,
    users: input.users.length,
    usersCreated: newUsers.length,
  };
}
