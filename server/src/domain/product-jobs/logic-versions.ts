/**
 * Product logic versions: an operator's sandboxed logic (an ES module whose default export is
 * `async (pdx, params) => output`) with the fields it declares per dataset, saved as numbered,
 * immutable versions of one of the operator's own products. A version's identity is
 * version_hash = SHA-256(canonicalJson({language, source, fields})); the enclave names it in
 * every receipt. A new version awaits its first review: the first released results of a job on
 * it are held until the regulator releases them.
 */
import { randomUUID } from "node:crypto";
import { canonicalJson } from "@pdx/common/canonical-json";
import { sha256Hex } from "@pdx/common/hash";
import { z } from "zod";
import type { TDb, TQueryable } from "../../db";
import type { TSessionUser } from "../auth/session-user";
import { DomainError } from "../domain-error";
import { appendAuditEvent } from "../trail/audit-trail";

/** Object type of logic versions in the audit trail. */
export const LOGIC_VERSION_OBJECT_TYPE = "product_logic_version";

export const LOGIC_LANGUAGES = ["javascript", "typescript"] as const;
export type TLogicLanguage = (typeof LOGIC_LANGUAGES)[number];

/** Fields a logic declares it reads, per dataset code (as the enclave's job request carries them). */
export const ZLogicFields = z
  .record(
    z.string().regex(/^[A-Z][A-Z0-9-]{2,39}$/, "must be a dataset code"),
    z
      .array(z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, "must be a field name"))
      .min(1)
      .max(60),
  )
  .refine((f) => Object.keys(f).length >= 1 && Object.keys(f).length <= 10, {
    message: "declare the fields of 1 to 10 datasets",
  });
export type TLogicFields = z.infer<typeof ZLogicFields>;

/** A logic draft: what a version holds. */
export const ZLogicDraft = z.strictObject({
  language: z.enum(LOGIC_LANGUAGES),
  source: z.string().min(1).max(200_000),
  fields: ZLogicFields,
});
export type TLogicDraft = z.infer<typeof ZLogicDraft>;

export type TLogicReviewState = "awaiting_first_review" | "approved";

/** The version hash: SHA-256 of canonicalJson({language, source, fields}) (fields sorted). */
export function logicVersionHash(draft: TLogicDraft): string {
  return sha256Hex(
    canonicalJson({ language: draft.language, source: draft.source, fields: normalizeFields(draft.fields) }),
  );
}

/** Fields with each dataset's list sorted and de-duplicated (so order does not change the hash). */
export function normalizeFields(fields: TLogicFields): TLogicFields {
  return Object.fromEntries(
    Object.entries(fields).map(([code, names]) => [code, [...new Set(names)].sort()]),
  );
}

export interface TLogicVersionSummary {
  id: string;
  productId: string;
  version: number;
  language: TLogicLanguage;
  fields: TLogicFields;
  versionHash: string;
  reviewState: TLogicReviewState;
  createdAt: string;
  createdBy: string;
}

export interface TLogicVersion extends TLogicVersionSummary {
  source: string;
}

interface TVersionRow {
  id: string;
  product_id: string;
  version: number;
  language: TLogicLanguage;
  source: string;
  fields: TLogicFields;
  version_hash: string;
  review_state: TLogicReviewState;
  created_at: Date;
  created_by_name: string;
}

const VERSION_SELECT = `
  SELECT v.id, v.product_id, v.version, v.language, v.source, v.fields, v.version_hash, v.review_state,
         v.created_at, u.display_name AS created_by_name
    FROM product_logic_versions v
    JOIN users u ON u.id = v.created_by`;

function toSummary(row: TVersionRow): TLogicVersionSummary {
  return {
    id: row.id,
    productId: row.product_id,
    version: row.version,
    language: row.language,
    fields: row.fields,
    versionHash: row.version_hash,
    reviewState: row.review_state,
    createdAt: row.created_at.toISOString(),
    createdBy: row.created_by_name,
  };
}

function toVersion(row: TVersionRow): TLogicVersion {
  return { ...toSummary(row), source: row.source };
}

/** A product of the caller's own organization (as operator); NOT_FOUND otherwise. */
export async function ownProduct(
  db: TQueryable,
  user: TSessionUser,
  productId: string,
): Promise<{ id: string; code: string }> {
  const { rows } = await db.query<{ id: string; code: string }>(
    "SELECT id, code FROM products WHERE id = $1 AND operator_org_id = $2",
    [productId, user.org.id],
  );
  if (!rows[0]) throw new DomainError("NOT_FOUND", "product not found");
  return rows[0];
}

export interface TOperatorProduct {
  id: string;
  code: string;
  name: { zh: string; en: string };
  datasetCode: string;
  latestVersion: TLogicVersionSummary | null;
}

/** The products the caller's organization operates, with their latest logic version. */
export async function listOperatorProducts(db: TQueryable, user: TSessionUser): Promise<TOperatorProduct[]> {
  const { rows } = await db.query<{
    id: string;
    code: string;
    name: { zh: string; en: string };
    dataset_code: string;
  }>(
    `SELECT p.id, p.code, p.manifest->'name' AS name, d.code AS dataset_code
       FROM products p JOIN datasets d ON d.id = p.dataset_id
      WHERE p.operator_org_id = $1 ORDER BY p.code, p.version`,
    [user.org.id],
  );
  const out: TOperatorProduct[] = [];
  for (const p of rows) {
    const latest = await latestLogicVersion(db, p.id);
    out.push({
      id: p.id,
      code: p.code,
      name: p.name,
      datasetCode: p.dataset_code,
      latestVersion: latest ? toSummary(latest) : null,
    });
  }
  return out;
}

/** The newest saved version of a product (raw row), or null. */
export async function latestLogicVersion(db: TQueryable, productId: string): Promise<TVersionRow | null> {
  const { rows } = await db.query<TVersionRow>(
    `${VERSION_SELECT} WHERE v.product_id = $1 ORDER BY v.version DESC LIMIT 1`,
    [productId],
  );
  return rows[0] ?? null;
}

/** The saved versions of one of the caller's products, newest first. */
export async function listLogicVersions(
  db: TQueryable,
  user: TSessionUser,
  productId: string,
): Promise<TLogicVersionSummary[]> {
  await ownProduct(db, user, productId);
  const { rows } = await db.query<TVersionRow>(
    `${VERSION_SELECT} WHERE v.product_id = $1 ORDER BY v.version DESC`,
    [productId],
  );
  return rows.map(toSummary);
}

/** One version (with its source) of one of the caller's products; NOT_FOUND otherwise. */
export async function getLogicVersion(
  db: TQueryable,
  user: TSessionUser,
  versionId: string,
): Promise<TLogicVersion> {
  const { rows } = await db.query<TVersionRow>(
    `${VERSION_SELECT} JOIN products p ON p.id = v.product_id WHERE v.id = $1 AND p.operator_org_id = $2`,
    [versionId, user.org.id],
  );
  if (!rows[0]) throw new DomainError("NOT_FOUND", "logic version not found");
  return toVersion(rows[0]);
}

/** The version of `productId` with this hash, if one was saved. */
export async function versionWithHash(
  db: TQueryable,
  productId: string,
  versionHash: string,
): Promise<TVersionRow | null> {
  const { rows } = await db.query<TVersionRow>(
    `${VERSION_SELECT} WHERE v.product_id = $1 AND v.version_hash = $2 ORDER BY v.version DESC LIMIT 1`,
    [productId, versionHash],
  );
  return rows[0] ?? null;
}

/**
 * Saves `draft` as the next version of the caller's product `productId`. CONFLICT (naming the
 * version) when the newest version already has exactly this content.
 */
export async function saveLogicVersion(
  db: TDb,
  user: TSessionUser,
  input: { productId: string } & TLogicDraft,
  now: Date = new Date(),
): Promise<TLogicVersion> {
  const draft = ZLogicDraft.parse({ language: input.language, source: input.source, fields: input.fields });
  const fields = normalizeFields(draft.fields);
  const versionHash = logicVersionHash(draft);
  const id = randomUUID();
  await db.withTransaction(async (tx) => {
    const product = await ownProduct(tx, user, input.productId);
    // Serialize version numbering per product.
    await tx.query("SELECT id FROM products WHERE id = $1 FOR UPDATE", [product.id]);
    const latest = await latestLogicVersion(tx, product.id);
    if (latest && latest.version_hash === versionHash) {
      throw new DomainError(
        "CONFLICT",
        `version ${latest.version} already has exactly this logic (hash ${versionHash.slice(0, 12)}…)`,
      );
    }
    const version = (latest?.version ?? 0) + 1;
    await tx.query(
      `INSERT INTO product_logic_versions (id, product_id, version, language, source, fields, version_hash,
          created_by, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        id,
        product.id,
        version,
        draft.language,
        draft.source,
        JSON.stringify(fields),
        versionHash,
        user.id,
        now,
      ],
    );
    await appendAuditEvent(
      tx,
      {
        actor: user,
        action: "product_logic.save_version",
        objectType: LOGIC_VERSION_OBJECT_TYPE,
        objectId: id,
        before: null,
        after: { id, productId: product.id, version, versionHash, fields },
        detail: { product: product.code, version, versionHash, datasets: Object.keys(fields).join(",") },
      },
      now,
    );
  });
  return getLogicVersion(db, user, id);
}

export type TLogicVersionRow = TVersionRow;
