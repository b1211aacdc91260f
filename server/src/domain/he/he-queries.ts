/**
 * Encrypted queries as a buyer runs them (products with delivery form encrypted_query). The
 * buyer's browser holds the key pair; it fetches the product's entity directory, builds a
 * homomorphic request (ciphertexts + public evaluation keys) and sends it here. This domain checks
 * who may run what, builds the job from the product — dataset, entity field, filters, features
 * and mode come from the manifest, never from the buyer — relays it to the enclave, and records
 * the usage from the enclave's signed receipt in one transaction with the query's record. The
 * response (ciphertexts only the buyer can decrypt) goes back to the browser and is not kept.
 *
 * Rules: buyers only; the product must be a listed encrypted-query product whose authorization
 * is active; the request's mode must be the product's; a query belongs to the organization that
 * ran it (another one's reads as unknown).
 */
import { randomUUID } from "node:crypto";
import { canonicalJson } from "@pdx/common/canonical-json";
import type { THeEnclaveJob, THeQueryContext } from "@pdx/common/enclave-he";
import { sha256Hex } from "@pdx/common/hash";
import { heFeatureIsInteger, type THeFeature } from "@pdx/common/he/features";
import type { THeMode } from "@pdx/common/he/layout";
import type { THeRequest, THeResponse } from "@pdx/common/he/wire";
import type { TEncryptedQueryProductManifest, TLocalizedText } from "@pdx/products";
import type { TDb, TQueryable } from "../../db";
import type { THeQueriesClient } from "../../enclave-client/he-queries";
import type { TSessionUser } from "../auth/session-user";
import { getCatalogProduct } from "../catalog/products";
import { DomainError } from "../domain-error";
import { authorizationForProduct } from "../runs/product-authorization";
import { insertUsageRecordOfReceipt } from "../usage/usage-record";

export interface THeDeps {
  db: TDb;
  he: THeQueriesClient;
  now?: () => Date;
}

/** What the buyer's page needs to build a request: the entities in order and the features. */
export interface THeDirectoryView {
  productId: string;
  mode: THeMode;
  datasetVersion: string;
  directoryHash: string;
  entities: string[];
  features: (Pick<THeFeature, "as" | "label" | "transform"> & { integer: boolean })[];
}

/** One finished query, as the buyer's history shows it. */
export interface THeQueryView {
  queryId: string;
  productId: string;
  product: { code: string; version: number; name: TLocalizedText };
  mode: THeMode;
  preset: string;
  entityCount: number;
  datasetVersion: string;
  requestBytes: number;
  responseBytes: number;
  usageRecordId: string;
  createdAt: string;
}

async function encryptedQueryProduct(
  db: TQueryable,
  productId: string,
): Promise<{ id: string; manifest: TEncryptedQueryProductManifest }> {
  const { view, manifest } = await getCatalogProduct(db, productId);
  if (manifest.deliveryForm !== "encrypted_query")
    throw new DomainError("INVALID_INPUT", "this product is not an encrypted query");
  return { id: view.id, manifest };
}

async function queryContext(
  db: TQueryable,
  user: TSessionUser,
  productId: string,
  now: Date,
): Promise<{ id: string; manifest: TEncryptedQueryProductManifest; context: THeQueryContext }> {
  const { id, manifest } = await encryptedQueryProduct(db, productId);
  const authorization = await authorizationForProduct(db, id, now);
  const { logic } = manifest;
  return {
    id,
    manifest,
    context: {
      product: {
        code: manifest.code,
        version: manifest.version,
        versionHash: sha256Hex(canonicalJson(manifest)),
      },
      datasetCode: manifest.datasetCode,
      mode: logic.mode,
      entityField: logic.entityField,
      filters: logic.filters.map((f) => ({ field: f.field, op: f.op, values: [...f.values] })),
      features: logic.features,
      requester: { orgId: user.org.id, userId: user.id },
      authorization,
    },
  };
}

/** The product's entity directory (credit codes only) and features, from the enclave. */
export async function heDirectory(
  deps: THeDeps,
  user: TSessionUser,
  input: { productId: string },
): Promise<THeDirectoryView> {
  const { id, manifest, context } = await queryContext(
    deps.db,
    user,
    input.productId,
    deps.now?.() ?? new Date(),
  );
  const directory = await deps.he.directory(context);
  return {
    productId: id,
    mode: manifest.logic.mode,
    datasetVersion: directory.datasetVersion,
    directoryHash: directory.directoryHash,
    entities: directory.entities,
    features: manifest.logic.features.map((f) => ({
      as: f.as,
      label: f.label,
      transform: f.transform,
      integer: heFeatureIsInteger(f),
    })),
  };
}

/**
 * Runs one encrypted query: the enclave evaluates `request` over the directory pinned by
 * `directoryHash`; the usage record and the query's record are written in one transaction once
 * the receipt verified. Answers the encrypted response with the record's ids.
 */
export async function runHeQuery(
  deps: THeDeps,
  user: TSessionUser,
  input: { productId: string; datasetVersion: string; directoryHash: string; request: THeRequest },
): Promise<{ query: THeQueryView; response: THeResponse }> {
  const now = deps.now?.() ?? new Date();
  const { id, manifest, context } = await queryContext(deps.db, user, input.productId, now);
  if (input.request.mode !== manifest.logic.mode)
    throw new DomainError(
      "INVALID_INPUT",
      `this product answers ${manifest.logic.mode} queries; the request is a ${input.request.mode} query`,
    );
  const job: THeEnclaveJob = {
    ...context,
    jobId: randomUUID(),
    datasetVersion: input.datasetVersion,
    directoryHash: input.directoryHash,
    request: input.request,
  };
  const result = await deps.he.run(job, JSON.stringify(job));
  const signed = result.signedReceipt;
  const receipt = signed.receipt;
  const computation = receipt.computation;
  if (computation?.kind !== "he") throw new Error("unreachable: receipt verified as an HE receipt");
  const createdAt = deps.now?.() ?? new Date();
  await deps.db.withTransaction(async (tx) => {
    const usageId = await insertUsageRecordOfReceipt(
      tx,
      {
        runId: job.jobId,
        createdAt,
        userId: user.id,
        orgId: user.org.id,
        productId: id,
        productCode: manifest.code,
        productVersion: manifest.version,
        fallbackDataset: { code: manifest.datasetCode, version: input.datasetVersion },
      },
      signed,
    );
    await tx.query(
      `INSERT INTO he_queries (id, product_id, requester_org_id, requester_user_id, mode, preset, entity_count,
          dataset_version, request_bytes, response_bytes, usage_record_id, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        job.jobId,
        id,
        user.org.id,
        user.id,
        computation.mode,
        computation.preset,
        computation.entities,
        input.datasetVersion,
        computation.requestBytes,
        computation.responseBytes,
        usageId,
        createdAt,
      ],
    );
  });
  return { query: await getHeQuery(deps.db, user, job.jobId), response: result.response };
}

interface TQueryRow {
  id: string;
  product_id: string;
  requester_org_id: string;
  mode: THeMode;
  preset: string;
  entity_count: number;
  dataset_version: string;
  request_bytes: string;
  response_bytes: string;
  usage_record_id: string;
  created_at: Date;
  code: string;
  version: number;
  product_name: TLocalizedText;
}

const QUERY_SELECT = `
  SELECT q.id, q.product_id, q.requester_org_id, q.mode, q.preset, q.entity_count, q.dataset_version,
         q.request_bytes::text AS request_bytes, q.response_bytes::text AS response_bytes,
         q.usage_record_id::text AS usage_record_id, q.created_at, p.code, p.version,
         p.manifest->'name' AS product_name
    FROM he_queries q JOIN products p ON p.id = q.product_id`;

function toView(row: TQueryRow): THeQueryView {
  return {
    queryId: row.id,
    productId: row.product_id,
    product: { code: row.code, version: row.version, name: row.product_name },
    mode: row.mode,
    preset: row.preset,
    entityCount: row.entity_count,
    datasetVersion: row.dataset_version,
    requestBytes: Number(row.request_bytes),
    responseBytes: Number(row.response_bytes),
    usageRecordId: row.usage_record_id,
    createdAt: row.created_at.toISOString(),
  };
}

/** The caller organization's query; NOT_FOUND for an unknown one or another organization's. */
export async function getHeQuery(db: TQueryable, user: TSessionUser, queryId: string): Promise<THeQueryView> {
  const { rows } = await db.query<TQueryRow>(`${QUERY_SELECT} WHERE q.id = $1`, [queryId]);
  const row = rows[0];
  if (!row || row.requester_org_id !== user.org.id) throw new DomainError("NOT_FOUND", "query not found");
  return toView(row);
}

/** The organization's queries, newest first. */
export async function listHeQueriesOfOrg(
  db: TQueryable,
  user: TSessionUser,
  limit = 20,
): Promise<THeQueryView[]> {
  const { rows } = await db.query<TQueryRow>(
    `${QUERY_SELECT} WHERE q.requester_org_id = $1 ORDER BY q.created_at DESC, q.id LIMIT $2`,
    [user.org.id, limit],
  );
  return rows.map(toView);
}
