/**
 * Usage records: what is recorded for every run and how its hash is derived. The record hash is
 * SHA-256 over the canonical JSON of every recorded field, the enclave's signed receipt
 * included; the record's Merkle leaf is merkleLeaf(recordHash). The auditor recomputes the hash
 * from the stored columns, so changing any of them breaks the record's proof.
 */
import { canonicalJson } from "@pdx/common/canonical-json";
import { type TSignedJobReceiptV2, ZSignedJobReceiptV2 } from "@pdx/common/enclave-jobs";
import { sha256Hex } from "@pdx/common/hash";
import { type TSignedReceipt, ZSignedReceipt } from "@pdx/common/receipt";
import type { TQueryable } from "../../db";

/** Everything a usage record commits to (batch membership is added later and not hashed). */
export interface TUsageRecordContent {
  id: string;
  runId: string;
  createdAt: string;
  userId: string;
  orgId: string;
  productId: string;
  productCode: string;
  productVersion: number;
  datasetCode: string;
  datasetVersion: string;
  fields: string[];
  rowsRead: number;
  outputHash: string;
  requestHash: string;
  /** v1 (aggregate run) or v2 (product job) receipt, as the enclave signed it. */
  receipt: TSignedReceipt | TSignedJobReceiptV2;
}

/** Version tag hashed with every record, so the format can evolve without ambiguity. */
const RECORD_FORMAT = "pdx-usage-record-1";

/** SHA-256 (hex) of the canonical JSON of a record's content. */
export function usageRecordHash(content: TUsageRecordContent): string {
  return sha256Hex(canonicalJson({ format: RECORD_FORMAT, ...content }));
}

/** The columns of usage_records that hold the recorded content. */
export const USAGE_RECORD_CONTENT_COLUMNS = `r.id, r.run_id, r.created_at, r.user_id, r.org_id, r.product_id,
  r.product_code, r.product_version, r.dataset_code, r.dataset_version, r.fields, r.rows_read,
  r.output_hash, r.request_hash, r.receipt`;

export interface TUsageRecordContentRow {
  id: string;
  run_id: string;
  created_at: Date;
  user_id: string;
  org_id: string;
  product_id: string;
  product_code: string;
  product_version: number;
  dataset_code: string;
  dataset_version: string;
  fields: string[];
  rows_read: string | number;
  output_hash: string;
  request_hash: string;
  receipt: unknown;
}

/**
 * The content as stored in a row. The receipt column is returned as stored even when it no
 * longer matches the receipt schema (`receiptValid` says whether it does), so a tampered row
 * still hashes — to a different value.
 */
export function usageRecordContentFromRow(row: TUsageRecordContentRow): {
  content: TUsageRecordContent;
  receiptValid: boolean;
} {
  const v1 = ZSignedReceipt.safeParse(row.receipt);
  const receipt = v1.success ? v1 : ZSignedJobReceiptV2.safeParse(row.receipt);
  return {
    receiptValid: receipt.success,
    content: {
      id: String(row.id),
      runId: row.run_id,
      createdAt: row.created_at.toISOString(),
      userId: row.user_id,
      orgId: row.org_id,
      productId: row.product_id,
      productCode: row.product_code,
      productVersion: row.product_version,
      datasetCode: row.dataset_code,
      datasetVersion: row.dataset_version,
      fields: row.fields,
      rowsRead: Number(row.rows_read),
      outputHash: row.output_hash,
      requestHash: row.request_hash,
      receipt: (receipt.success ? receipt.data : row.receipt) as TUsageRecordContent["receipt"],
    },
  };
}

/**
 * Inserts a usage record (content.id must come from nextUsageRecordId) with its hash; returns
 * the hash. Call inside the run's transaction.
 */
export async function insertUsageRecord(tx: TQueryable, content: TUsageRecordContent): Promise<string> {
  const recordHash = usageRecordHash(content);
  await tx.query(
    `INSERT INTO usage_records (id, run_id, created_at, user_id, org_id, product_id, product_code,
        product_version, dataset_code, dataset_version, fields, rows_read, output_hash, request_hash,
        receipt, record_hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
    [
      content.id,
      content.runId,
      new Date(content.createdAt),
      content.userId,
      content.orgId,
      content.productId,
      content.productCode,
      content.productVersion,
      content.datasetCode,
      content.datasetVersion,
      content.fields,
      content.rowsRead,
      content.outputHash,
      content.requestHash,
      JSON.stringify(content.receipt),
      recordHash,
    ],
  );
  return recordHash;
}

/** Reserves the next usage record id (so the id can be part of the hashed content). */
export async function nextUsageRecordId(tx: TQueryable): Promise<string> {
  const { rows } = await tx.query<{ id: string }>(
    "SELECT nextval(pg_get_serial_sequence('usage_records', 'id'))::text AS id",
  );
  return rows[0]!.id;
}

/** Who ran what: the part of a usage record a v2 receipt does not state. */
export interface TUsageRun {
  runId: string;
  createdAt: Date;
  userId: string;
  orgId: string;
  productId: string;
  productCode: string;
  productVersion: number;
  /** Dataset code and version recorded when the receipt names none (a job that read nothing). */
  fallbackDataset: { code: string; version: string };
}

/**
 * Writes the usage record of a run from its signed v2 receipt (product job, PSI session,
 * encrypted query, joint job): dataset, fields, rows read and both hashes come from the receipt,
 * so the record agrees with what the enclave (or coordinator node) signed. Returns its id.
 */
export async function insertUsageRecordOfReceipt(
  tx: TQueryable,
  run: TUsageRun,
  signed: TSignedJobReceiptV2,
): Promise<string> {
  const receipt = signed.receipt;
  const first = receipt.datasets[0];
  const id = await nextUsageRecordId(tx);
  await insertUsageRecord(tx, {
    id,
    runId: run.runId,
    createdAt: run.createdAt.toISOString(),
    userId: run.userId,
    orgId: run.orgId,
    productId: run.productId,
    productCode: run.productCode,
    productVersion: run.productVersion,
    datasetCode: first?.code ?? run.fallbackDataset.code,
    datasetVersion: first?.version ?? run.fallbackDataset.version,
    fields: receipt.fieldsTouched,
    rowsRead: receipt.rowsRead,
    outputHash: receipt.outputHash,
    requestHash: receipt.requestHash,
    receipt: signed,
  });
  return id;
}
