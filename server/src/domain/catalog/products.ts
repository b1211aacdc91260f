/**
 * The catalog: listed products with their dataset and source organization, as buyers see them.
 * Columns are selected explicitly; the product view is built from the stored manifest.
 */
import type { TPsiItemFormat } from "@pdx/common/psi/normalize";
import {
  type TEncryptedQueryLogic,
  type TJointStatisticsLogic,
  type TLocalizedText,
  type TProductManifest,
  ZProductManifest,
} from "@pdx/products";
import type { TQueryable } from "../../db";
import { DomainError } from "../domain-error";

export interface TProductView {
  id: string;
  code: string;
  version: number;
  name: TLocalizedText;
  summary: TLocalizedText;
  description: TLocalizedText;
  operator: { id: string; name: string };
  dataset: { code: string; name: TLocalizedText; sourceOrg: { id: string; name: string } };
  deliveryForm: TProductManifest["deliveryForm"];
  privacyRule: TProductManifest["privacyRule"];
  fieldsUsed: TProductManifest["fieldsUsed"];
  columns: TProductManifest["columns"];
  /** For a private set intersection: the matched field and how items are normalized. */
  setIntersection: { field: string; format: TPsiItemFormat } | null;
  /** For an encrypted query: its mode, entity field and features (what a buyer can learn). */
  encryptedQuery: {
    mode: TEncryptedQueryLogic["mode"];
    entityField: string;
    features: TEncryptedQueryLogic["features"];
  } | null;
  /** For joint statistics (MPC): the parties, the group domain, statistics, bounds and ε. */
  jointStatistics: TJointStatisticsView | null;
}

/** What a buyer needs to know of a joint-statistics product (its privacy claim is stated on the page). */
export interface TJointStatisticsView {
  coordinator: string;
  parties: { node: string; holder: TLocalizedText; datasetCode: string; version: string }[];
  groups: string[];
  statistics: TJointStatisticsLogic["statistics"];
  bounds: [number, number];
  epsilon: number;
  /** Σ rowsPerUnit over the parties: every noise mechanism runs at ε / this. */
  rowsPerUnit: number;
}

/** A product with its validated manifest, for the domain (runs). */
export interface TCatalogProduct {
  view: TProductView;
  manifest: TProductManifest;
}

interface TProductRow {
  id: string;
  code: string;
  version: number;
  manifest: unknown;
  operator_id: string;
  operator_name: string;
  dataset_code: string;
  dataset_name_zh: string;
  dataset_name_en: string;
  source_org_id: string;
  source_org_name: string;
}

const PRODUCT_SELECT = `
  SELECT p.id, p.code, p.version, p.manifest,
         op.id AS operator_id, op.name AS operator_name,
         d.code AS dataset_code, d.name_zh AS dataset_name_zh, d.name_en AS dataset_name_en,
         src.id AS source_org_id, src.name AS source_org_name
    FROM products p
    JOIN organizations op ON op.id = p.operator_org_id
    JOIN datasets d ON d.id = p.dataset_id
    JOIN organizations src ON src.id = d.source_org_id`;

function toCatalogProduct(row: TProductRow): TCatalogProduct {
  // The manifest was validated before it was stored; parse again so a hand-edited row cannot
  // smuggle an unexpected shape into the enclave request or the API.
  const parsed = ZProductManifest.safeParse(row.manifest);
  if (!parsed.success) {
    throw new DomainError(
      "INTERNAL",
      "this product is misconfigured",
      `product ${row.id}: stored manifest invalid`,
    );
  }
  const m = parsed.data;
  return {
    manifest: m,
    view: {
      id: row.id,
      code: row.code,
      version: row.version,
      name: m.name,
      summary: m.summary,
      description: m.description,
      operator: { id: row.operator_id, name: row.operator_name },
      dataset: {
        code: row.dataset_code,
        name: { zh: row.dataset_name_zh, en: row.dataset_name_en },
        sourceOrg: { id: row.source_org_id, name: row.source_org_name },
      },
      deliveryForm: m.deliveryForm,
      privacyRule: m.privacyRule,
      fieldsUsed: m.fieldsUsed,
      columns: m.columns,
      setIntersection:
        m.deliveryForm === "private_set_intersection"
          ? { field: m.logic.field, format: m.logic.format }
          : null,
      encryptedQuery:
        m.deliveryForm === "encrypted_query"
          ? { mode: m.logic.mode, entityField: m.logic.entityField, features: m.logic.features }
          : null,
      jointStatistics:
        m.deliveryForm === "joint_statistics"
          ? {
              coordinator: m.logic.coordinator,
              parties: m.logic.parties.map((p) => ({
                node: p.node,
                holder: p.holder,
                datasetCode: p.datasetCode,
                version: p.version,
              })),
              groups: [...m.logic.groups],
              statistics: [...m.logic.statistics],
              bounds: [m.logic.bounds[0], m.logic.bounds[1]],
              epsilon: m.logic.epsilon,
              rowsPerUnit: m.logic.parties.reduce((n, p) => n + p.rowsPerUnit, 0),
            }
          : null,
    },
  };
}

/** Escapes LIKE wildcards so user text matches literally. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Listed products, optionally filtered by `q` (code, names, dataset), ordered by code and version. */
export async function listProducts(db: TQueryable, input: { q?: string } = {}): Promise<TProductView[]> {
  const q = input.q?.trim();
  const params: unknown[] = [];
  let where = "WHERE p.status = 'listed'";
  if (q) {
    params.push(`%${escapeLike(q)}%`);
    where += ` AND (p.code ILIKE $1 OR p.manifest->'name'->>'zh' ILIKE $1 OR p.manifest->'name'->>'en' ILIKE $1
      OR d.code ILIKE $1 OR d.name_zh ILIKE $1 OR d.name_en ILIKE $1)`;
  }
  const { rows } = await db.query<TProductRow>(
    `${PRODUCT_SELECT} ${where} ORDER BY p.code, p.version`,
    params,
  );
  return rows.map((r) => toCatalogProduct(r).view);
}

/** A listed product with its manifest; NOT_FOUND when absent or delisted. */
export async function getCatalogProduct(db: TQueryable, productId: string): Promise<TCatalogProduct> {
  const { rows } = await db.query<TProductRow>(`${PRODUCT_SELECT} WHERE p.id = $1 AND p.status = 'listed'`, [
    productId,
  ]);
  if (!rows[0]) throw new DomainError("NOT_FOUND", "product not found");
  return toCatalogProduct(rows[0]);
}

/** A listed product as buyers see it; NOT_FOUND when absent or delisted. */
export async function getProduct(db: TQueryable, productId: string): Promise<TProductView> {
  return (await getCatalogProduct(db, productId)).view;
}
