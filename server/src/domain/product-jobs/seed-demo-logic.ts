/**
 * Seeds the demo product's first logic version (the example logic, saved by the demo operator),
 * so a buyer can run a product job right after `./pdx start`. It awaits its first review, so the
 * demo shows the regulator's output review. Idempotent: a product that has a version keeps it.
 */
import { randomUUID } from "node:crypto";
import type { TDb } from "../../db";
import { appendAuditEvent } from "../trail/audit-trail";
import { EXAMPLE_LOGIC } from "./example-logic";
import { LOGIC_VERSION_OBJECT_TYPE, logicVersionHash, normalizeFields } from "./logic-versions";

/** The demo product and the operator user who saves its logic. */
export const DEMO_LOGIC_PRODUCT = { code: "le-district-industry", version: 1 } as const;
export const DEMO_LOGIC_AUTHOR_EMAIL = "operator@demo.pdx.cn";

/** Saves version 1 of the demo product's logic if it has none; returns whether it did. */
export async function seedDemoLogic(db: TDb, now: Date = new Date()): Promise<boolean> {
  return db.withTransaction(async (tx) => {
    const { rows } = await tx.query<{
      product_id: string;
      user_id: string;
      org_id: string;
      has_version: boolean;
    }>(
      `SELECT p.id AS product_id, u.id AS user_id, u.org_id,
              EXISTS (SELECT 1 FROM product_logic_versions v WHERE v.product_id = p.id) AS has_version
         FROM products p JOIN users u ON u.email = $3 AND u.org_id = p.operator_org_id
        WHERE p.code = $1 AND p.version = $2`,
      [DEMO_LOGIC_PRODUCT.code, DEMO_LOGIC_PRODUCT.version, DEMO_LOGIC_AUTHOR_EMAIL],
    );
    const row = rows[0];
    if (!row || row.has_version) return false;
    const id = randomUUID();
    const fields = normalizeFields(EXAMPLE_LOGIC.fields);
    const versionHash = logicVersionHash(EXAMPLE_LOGIC);
    await tx.query(
      `INSERT INTO product_logic_versions (id, product_id, version, language, source, fields, version_hash,
          created_by, created_at)
       VALUES ($1, $2, 1, $3, $4, $5, $6, $7, $8) ON CONFLICT (product_id, version) DO NOTHING`,
      [
        id,
        row.product_id,
        EXAMPLE_LOGIC.language,
        EXAMPLE_LOGIC.source,
        JSON.stringify(fields),
        versionHash,
        row.user_id,
        now,
      ],
    );
    await appendAuditEvent(
      tx,
      {
        actor: { id: row.user_id, org: { id: row.org_id } },
        action: "product_logic.save_version",
        objectType: LOGIC_VERSION_OBJECT_TYPE,
        objectId: id,
        before: null,
        after: { id, productId: row.product_id, version: 1, versionHash, fields },
        detail: {
          product: DEMO_LOGIC_PRODUCT.code,
          version: 1,
          versionHash,
          datasets: "LE-BASE",
          seeded: true,
        },
      },
      now,
    );
    return true;
  });
}
