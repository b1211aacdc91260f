/**
 * Runs: a buyer runs a product. The aggregate job is built from the product's manifest, carries
 * the operation authorization the product runs under (checked again by the enclave against the
 * chain at job time), and is sent to the enclave, whose answer is verified by the enclave client;
 * then the usage record and the run (with its released result) are written in one transaction.
 */
import { randomUUID } from "node:crypto";
import type { TAggregateJobRequest } from "@pdx/common/enclave-api";
import type { TSignedReceipt } from "@pdx/common/receipt";
import { productRef, type TLocalizedText, type TOutputColumn } from "@pdx/products";
import type { TDb, TQueryable } from "../../db";
import type { TEnclaveClient } from "../../enclave-client";
import type { TSessionUser } from "../auth/session-user";
import { getCatalogProduct } from "../catalog/products";
import { DomainError } from "../domain-error";
import { insertUsageRecord, nextUsageRecordId } from "../usage/usage-record";
import { authorizationForProduct } from "./product-authorization";

export interface TRunView {
  runId: string;
  usageRecordId: string;
  productId: string;
  product: { code: string; version: number; name: TLocalizedText };
  columns: TOutputColumn[];
  rows: Record<string, string | number>[];
  suppression: { k: number; suppressedCells: number; releasedCells: number };
  receipt: {
    jobId: string;
    rowsRead: number;
    outputHash: string;
    enclaveKeyId: string;
    signatureValid: boolean;
  };
  createdAt: string;
}

/** The released result kept with a run (what the enclave returned, after verification). */
interface TStoredResult {
  rows: Record<string, string | number>[];
  suppression: { rule: "min-group-size"; k: number; suppressedCells: number; releasedCells: number };
}

export interface TRunDeps {
  db: TDb;
  enclave: TEnclaveClient;
  now?: () => Date;
}

/**
 * Runs product `productId` for `user` (a buyer). Resolves with the result and the id of the
 * usage record written for it. Nothing is recorded when the product's authorization is not active
 * (AUTHORIZATION_INACTIVE), the enclave refuses or fails, or its answer does not verify.
 */
export async function startRun(
  deps: TRunDeps,
  user: TSessionUser,
  input: { productId: string },
): Promise<TRunView> {
  const { view, manifest } = await getCatalogProduct(deps.db, input.productId);
  if (manifest.deliveryForm !== "authorized_query")
    throw new DomainError(
      "INVALID_INPUT",
      "this product is not an aggregate query: run it from its product page, where your list is blinded in the browser",
    );
  const authorization = await authorizationForProduct(deps.db, view.id, deps.now?.() ?? new Date());
  const runId = randomUUID();
  const request: TAggregateJobRequest = {
    jobId: runId,
    product: productRef(manifest),
    datasetCode: manifest.datasetCode,
    groupBy: manifest.logic.groupBy,
    measures: manifest.logic.measures,
    minGroupSize: manifest.privacyRule.k,
    requester: { orgId: user.org.id, userId: user.id },
    authorization,
  };
  const response = await deps.enclave.runAggregate(request);
  const signed = response.signedReceipt;

  // The enclave must not release a column the manifest does not declare.
  const declared = new Set(manifest.columns.map((c) => c.key));
  if (response.columns.some((c) => !declared.has(c.key))) {
    throw new DomainError(
      "ENCLAVE_RESPONSE_INVALID",
      "the secure computing domain's answer does not match the product; nothing was recorded",
      `run ${runId}: undeclared output column`,
    );
  }
  const createdAt = (deps.now?.() ?? new Date()).toISOString();
  const result: TStoredResult = { rows: response.rows, suppression: response.suppression };

  const usageRecordId = await deps.db.withTransaction(async (tx) => {
    const id = await nextUsageRecordId(tx);
    await insertUsageRecord(tx, {
      id,
      runId,
      createdAt,
      userId: user.id,
      orgId: user.org.id,
      productId: view.id,
      productCode: manifest.code,
      productVersion: manifest.version,
      datasetCode: signed.receipt.datasetCode,
      datasetVersion: signed.receipt.datasetVersion,
      fields: signed.receipt.fields,
      rowsRead: signed.receipt.rowsRead,
      outputHash: signed.receipt.outputHash,
      requestHash: signed.receipt.requestHash,
      receipt: signed,
    });
    await tx.query(
      `INSERT INTO runs (id, usage_record_id, product_id, user_id, org_id, result, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [runId, id, view.id, user.id, user.org.id, JSON.stringify(result), new Date(createdAt)],
    );
    return id;
  });

  return toRunView({
    runId,
    usageRecordId,
    productId: view.id,
    product: { code: manifest.code, version: manifest.version, name: manifest.name },
    columns: manifest.columns,
    result,
    receipt: signed,
    // Verified by the enclave client before we got here.
    signatureValid: true,
    createdAt,
  });
}

interface TRunRow {
  id: string;
  usage_record_id: string;
  product_id: string;
  org_id: string;
  result: TStoredResult;
  created_at: Date;
  receipt: TSignedReceipt;
  manifest: { code: string; version: number; name: TLocalizedText; columns: TOutputColumn[] };
}

const RUN_SELECT = `
  SELECT ru.id, ru.usage_record_id::text AS usage_record_id, ru.product_id, ru.org_id, ru.result,
         ru.created_at, ur.receipt, p.manifest
    FROM runs ru
    JOIN usage_records ur ON ur.id = ru.usage_record_id
    JOIN products p ON p.id = ru.product_id`;

function rowToView(row: TRunRow, signatureValid: (r: TSignedReceipt) => boolean): TRunView {
  return toRunView({
    runId: row.id,
    usageRecordId: row.usage_record_id,
    productId: row.product_id,
    product: { code: row.manifest.code, version: row.manifest.version, name: row.manifest.name },
    columns: row.manifest.columns,
    result: row.result,
    receipt: row.receipt,
    signatureValid: signatureValid(row.receipt),
    createdAt: row.created_at.toISOString(),
  });
}

function toRunView(x: {
  runId: string;
  usageRecordId: string;
  productId: string;
  product: TRunView["product"];
  columns: TOutputColumn[];
  result: TStoredResult;
  receipt: TSignedReceipt;
  signatureValid: boolean;
  createdAt: string;
}): TRunView {
  return {
    runId: x.runId,
    usageRecordId: x.usageRecordId,
    productId: x.productId,
    product: x.product,
    columns: x.columns,
    rows: x.result.rows,
    suppression: {
      k: x.result.suppression.k,
      suppressedCells: x.result.suppression.suppressedCells,
      releasedCells: x.result.suppression.releasedCells,
    },
    receipt: {
      jobId: x.receipt.receipt.jobId,
      rowsRead: x.receipt.receipt.rowsRead,
      outputHash: x.receipt.receipt.outputHash,
      enclaveKeyId: x.receipt.receipt.enclaveKeyId,
      signatureValid: x.signatureValid,
    },
    createdAt: x.createdAt,
  };
}

/** Most recent runs of `user`'s organization (newest first, at most `limit`). */
export async function listRunsOfOrg(
  db: TQueryable,
  user: TSessionUser,
  opts: { limit?: number; verifyReceipt: (r: TSignedReceipt) => boolean },
): Promise<TRunView[]> {
  const { rows } = await db.query<TRunRow>(
    `${RUN_SELECT} WHERE ru.org_id = $1 ORDER BY ru.created_at DESC, ru.id LIMIT $2`,
    [user.org.id, opts.limit ?? 50],
  );
  return rows.map((r) => rowToView(r, opts.verifyReceipt));
}

/** One run; NOT_FOUND when absent, FORBIDDEN when it belongs to another organization. */
export async function getRun(
  db: TQueryable,
  user: TSessionUser,
  runId: string,
  opts: { verifyReceipt: (r: TSignedReceipt) => boolean },
): Promise<TRunView> {
  const { rows } = await db.query<TRunRow>(`${RUN_SELECT} WHERE ru.id = $1`, [runId]);
  const row = rows[0];
  if (!row) throw new DomainError("NOT_FOUND", "run not found");
  if (row.org_id !== user.org.id)
    throw new DomainError("FORBIDDEN", "this run belongs to another organization");
  return rowToView(row, opts.verifyReceipt);
}
