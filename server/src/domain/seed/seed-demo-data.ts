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
  DEMO_DATASETS,
  DEMO_ORGANIZATIONS,
  DEMO_PASSWORD,
  DEMO_USERS,
  type TDatasetCatalogEntry,
  type TDemoOrganization,
  type TDemoUser,
} from "@pdx/seeds/demo-organizations";
import type { TDb } from "../../db";
import { hashPassword } from "../auth/password";
import { normalizeEmail } from "../auth/sessions";
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
  datasets: readonly TDatasetCatalogEntry[];
  products: readonly TProductManifest[];
}

export interface TSeedSummary {
  organizations: number;
  users: number;
  usersCreated: number;
  datasets: number;
  products: number;
}

/** Seeds the demo data (organizations, users with signing keys, LE-BASE, every product manifest). */
export async function seedDemoData(db: TDb, opts: { keyring: TKeyring }): Promise<TSeedSummary> {
  const summary = await seedCatalog(db, {
    organizations: DEMO_ORGANIZATIONS,
    users: DEMO_USERS,
    password: DEMO_PASSWORD,
    datasets: DEMO_DATASETS,
    products: PRODUCT_MANIFESTS,
  });
  // Every demo user gets a signing key (their approvals are signed with it).
  await db.withTransaction(async (tx) => {
    for (const user of DEMO_USERS) await ensureUserSigningKey(tx, opts.keyring, userIdFor(user.email));
  });
  return summary;
}

/** Upserts the given organizations, users, datasets and products in one transaction. */
export async function seedCatalog(db: TDb, input: TSeedInput): Promise<TSeedSummary> {
  const orgKeys = new Set(input.organizations.map((o) => o.key));
  for (const org of input.organizations) {
    const problem = usccProblem(org.uscc);
    if (problem) throw new Error(`seed: organization ${org.key} has an invalid USCC: ${problem}`);
  }
  for (const user of input.users) {
    if (!orgKeys.has(user.orgKey))
      throw new Error(`seed: user ${user.email} names unknown org ${user.orgKey}`);
  }
  for (const ds of input.datasets) {
    if (!orgKeys.has(ds.sourceOrgKey))
      throw new Error(`seed: dataset ${ds.code} names unknown org ${ds.sourceOrgKey}`);
  }
  const datasetCodes = new Set(input.datasets.map((d) => d.code));
  for (const p of input.products) {
    if (!orgKeys.has(p.operatorOrgKey))
      throw new Error(`seed: product ${p.code} names unknown org ${p.operatorOrgKey}`);
    if (!datasetCodes.has(p.datasetCode))
      throw new Error(`seed: product ${p.code} names unknown dataset ${p.datasetCode}`);
  }

  // Hash outside the transaction (scrypt is slow) and only for users that do not exist yet.
  const { rows: existing } = await db.query<{ email: string }>(
    "SELECT email FROM users WHERE email = ANY($1)",
    [input.users.map((u) => normalizeEmail(u.email))],
  );
  const existingEmails = new Set(existing.map((r) => r.email));
  const newUsers = input.users.filter((u) => !existingEmails.has(normalizeEmail(u.email)));
  const hashes = new Map<string, string>();
  for (const u of newUsers) hashes.set(normalizeEmail(u.email), await hashPassword(input.password));

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
    for (const ds of input.datasets) {
      await tx.query(
        `INSERT INTO datasets (id, code, name_zh, name_en, description_zh, description_en, source_org_id, fields)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (id) DO UPDATE SET name_zh = EXCLUDED.name_zh, name_en = EXCLUDED.name_en,
           description_zh = EXCLUDED.description_zh, description_en = EXCLUDED.description_en,
           source_org_id = EXCLUDED.source_org_id, fields = EXCLUDED.fields, updated_at = now()
         WHERE (datasets.name_zh, datasets.name_en, datasets.description_zh, datasets.description_en,
                datasets.source_org_id, datasets.fields)
           IS DISTINCT FROM (EXCLUDED.name_zh, EXCLUDED.name_en, EXCLUDED.description_zh,
                EXCLUDED.description_en, EXCLUDED.source_org_id, EXCLUDED.fields)`,
        [
          datasetIdFor(ds.code),
          ds.code,
          ds.name.zh,
          ds.name.en,
          ds.description.zh,
          ds.description.en,
          orgIdFor(ds.sourceOrgKey),
          JSON.stringify(ds.fields),
        ],
      );
    }
    for (const manifest of input.products) {
      // A listed version should not change; in development a changed manifest is updated in
      // place (and visible as a new manifest_hash) rather than refusing to start.
      await tx.query(
        `INSERT INTO products (id, code, version, operator_org_id, dataset_id, manifest, manifest_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (id) DO UPDATE SET operator_org_id = EXCLUDED.operator_org_id,
           dataset_id = EXCLUDED.dataset_id, manifest = EXCLUDED.manifest,
           manifest_hash = EXCLUDED.manifest_hash, updated_at = now()
         WHERE products.manifest_hash <> EXCLUDED.manifest_hash`,
        [
          productIdFor(manifest.code, manifest.version),
          manifest.code,
          manifest.version,
          orgIdFor(manifest.operatorOrgKey),
          datasetIdFor(manifest.datasetCode),
          JSON.stringify(manifest),
          sha256Hex(canonicalJson(manifest)),
        ],
      );
    }
  });

  return {
    organizations: input.organizations.length,
    users: input.users.length,
    usersCreated: newUsers.length,
    datasets: input.datasets.length,
    products: input.products.length,
  };
}
