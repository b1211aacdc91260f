/**
 * The auditor's view of usage records: a searchable, paginated list, and the verification of one
 * record against its receipt, its batch and the chain.
 */
import type { TSignedReceipt } from "@pdx/common/receipt";
import type { TLocalizedText } from "@pdx/products";
import type { TQueryable } from "../../db";
import { escapeLike } from "../catalog/products";
import { DomainError } from "../domain-error";

export interface TUsageRecordSummary {
  id: string;
  createdAt: string;
  buyerOrg: { id: string; name: string };
  user: { id: string; displayName: string };
  product: { code: string; version: number; name: TLocalizedText };
  datasetCode: string;
  datasetVersion: string;
  rowsRead: number;
  batchId: string | null;
  anchorStatus: "pending" | "anchored";
}

export interface TUsageRecordDetail extends TUsageRecordSummary {
  runId: string;
  productId: string;
  fields: string[];
  outputHash: string;
  requestHash: string;
  recordHash: string;
  leafIndex: number | null;
  /** The enclave's signed receipt as stored (may be malformed if the row was altered). */
  receipt: TSignedReceipt | unknown;
}

interface TSummaryRow {
  id: string;
  created_at: Date;
  org_id: string;
  org_name: string;
  user_id: string;
  user_display_name: string;
  product_code: string;
  product_version: number;
  product_name: TLocalizedText | null;
  dataset_code: string;
  dataset_version: string;
  rows_read: string;
  batch_id: string | null;
}

/** The summary columns (usage_records r, organizations o, users u, products p). */
const SUMMARY_SELECT = `
  SELECT r.id::text AS id, r.created_at, o.id AS org_id, o.name AS org_name,
         u.id AS user_id, u.display_name AS user_display_name,
         r.product_code, r.product_version, p.manifest->'name' AS product_name,
         r.dataset_code, r.dataset_version, r.rows_read::text AS rows_read, r.batch_id::text AS batch_id`;
const SUMMARY_FROM = `
    FROM usage_records r
    JOIN organizations o ON o.id = r.org_id
    JOIN users u ON u.id = r.user_id
    LEFT JOIN products p ON p.id = r.product_id`;

function toSummary(row: TSummaryRow): TUsageRecordSummary {
  return {
    id: row.id,
    createdAt: row.created_at.toISOString(),
    buyerOrg: { id: row.org_id, name: row.org_name },
    user: { id: row.user_id, displayName: row.user_display_name },
    product: {
      code: row.product_code,
      version: row.product_version,
      name: row.product_name ?? { zh: row.product_code, en: row.product_code },
    },
    datasetCode: row.dataset_code,
    datasetVersion: row.dataset_version,
    rowsRead: Number(row.rows_read),
    batchId: row.batch_id,
    anchorStatus: row.batch_id === null ? "pending" : "anchored",
  };
}

export interface TUsageRecordPage {
  items: TUsageRecordSummary[];
  /** Pass back as `cursor` for the next (older) page; null at the end. */
  nextCursor: string | null;
}

/**
 * Usage records, newest first. `q` matches a record id exactly (digits) or, as text, the product
 * code, product name, buyer organization, user or dataset code. `cursor` is the last id seen.
 */
export async function listUsageRecords(
  db: TQueryable,
  input: { q?: string; limit: number; cursor?: string | null },
): Promise<TUsageRecordPage> {
  const params: unknown[] = [];
  const where: string[] = [];
  const q = input.q?.trim();
  if (q) {
    params.push(`%${escapeLike(q)}%`);
    const text = `$${params.length}`;
    const conditions = [
      `r.product_code ILIKE ${text}`,
      `p.manifest->'name'->>'zh' ILIKE ${text}`,
      `p.manifest->'name'->>'en' ILIKE ${text}`,
      `o.name ILIKE ${text}`,
      `o.name_en ILIKE ${text}`,
      `u.display_name ILIKE ${text}`,
      `r.dataset_code ILIKE ${text}`,
    ];
    const idText = q.replace(/^#/, "");
    if (/^\d{1,18}$/.test(idText)) {
      params.push(idText);
      conditions.push(`r.id = $${params.length}::bigint`);
    }
    where.push(`(${conditions.join(" OR ")})`);
  }
  if (input.cursor) {
    if (!/^\d{1,18}$/.test(input.cursor)) throw new DomainError("INVALID_INPUT", "invalid page cursor");
    params.push(input.cursor);
    where.push(`r.id < $${params.length}::bigint`);
  }
  params.push(input.limit + 1);
  const { rows } = await db.query<TSummaryRow>(
    `${SUMMARY_SELECT} ${SUMMARY_FROM} ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
     ORDER BY r.id DESC LIMIT $${params.length}`,
    params,
  );
  const page = rows.slice(0, input.limit);
  return {
    items: page.map(toSummary),
    nextCursor: rows.length > input.limit ? page[page.length - 1]!.id : null,
  };
}

/** The whole record (summary plus every recorded field) or NOT_FOUND. */
export async function getUsageRecordDetail(db: TQueryable, id: string): Promise<TUsageRecordDetail> {
  if (!/^\d{1,18}$/.test(id)) throw new DomainError("NOT_FOUND", "usage record not found");
  const { rows } = await db.query<
    TSummaryRow & {
      run_id: string;
      product_id: string;
      fields: string[];
      output_hash: string;
      request_hash: string;
      record_hash: string;
      leaf_index: number | null;
      receipt: unknown;
    }
  >(
    `${SUMMARY_SELECT}, r.run_id, r.product_id, r.fields, r.output_hash, r.request_hash, r.record_hash,
            r.leaf_index, r.receipt
     ${SUMMARY_FROM} WHERE r.id = $1::bigint`,
    [id],
  );
  const row = rows[0];
  if (!row) throw new DomainError("NOT_FOUND", "usage record not found");
  return {
    ...toSummary(row),
    runId: row.run_id,
    productId: row.product_id,
    fields: row.fields,
    outputHash: row.output_hash,
    requestHash: row.request_hash,
    recordHash: row.record_hash,
    leafIndex: row.leaf_index,
    receipt: row.receipt,
  };
}
