/**
 * Private set intersection sessions as a buyer runs them (products with delivery form
 * private_set_intersection). The buyer's browser hashes its list to the curve and blinds it with
 * a secret that stays in the page; this domain checks who may run what, relays the blinded
 * chunks to the enclave and back, keeps the digest of every chunk it relayed, and at the end
 * records the usage — from the enclave's signed receipt, whose output hash must equal the hash of
 * what was relayed. It never sees an item of either list, nor the intersection, which the browser
 * computes.
 *
 * Rules: buyers only; the product must be a listed set-intersection product whose authorization
 * is active; the list may hold at most the product's maxBuyerItems distinct items; a session
 * belongs to the organization that started it (another one's reads as unknown); a buyer chunk
 * carries exactly the expected number of 32-byte points; a session is finished once, after every
 * reply and server chunk was relayed.
 */
import { randomUUID } from "node:crypto";
import { canonicalJson } from "@pdx/common/canonical-json";
import type { TPsiEnclaveStart, TPsiEnclaveStarted } from "@pdx/common/enclave-psi";
import { sha256Hex } from "@pdx/common/hash";
import { PSI_POINT_BYTES } from "@pdx/common/psi/group";
import { psiChunkLength, type TPsiSessionStarted } from "@pdx/common/psi/wire";
import type { TLocalizedText } from "@pdx/products";
import type { TDb, TQueryable } from "../../db";
import { psiChunkDigest, type TPsiSessionsClient } from "../../enclave-client/psi-sessions";
import type { TSessionUser } from "../auth/session-user";
import { getCatalogProduct } from "../catalog/products";
import { DomainError } from "../domain-error";
import { authorizationForProduct } from "../runs/product-authorization";
import { insertUsageRecordOfReceipt } from "../usage/usage-record";

export interface TPsiDeps {
  db: TDb;
  psi: TPsiSessionsClient;
  now?: () => Date;
}

/** A session as the buyer's page needs it; `started` is what the PSI buyer client takes. */
export interface TPsiSessionView {
  sessionId: string;
  productId: string;
  product: { code: string; version: number; name: TLocalizedText };
  started: TPsiSessionStarted;
  datasetVersion: string;
  state: "open" | "finished";
  usageRecordId: string | null;
  startedAt: string;
  finishedAt: string | null;
}

interface TSessionRow {
  id: string;
  product_id: string;
  requester_org_id: string;
  request: TPsiEnclaveStart;
  started: TPsiEnclaveStarted;
  reply_chunk_digests: (string | null)[];
  server_chunk_digests: (string | null)[];
  state: "open" | "finished";
  usage_record_id: string | null;
  started_at: Date;
  finished_at: Date | null;
  product_name: TLocalizedText;
}

const SESSION_SELECT = `
  SELECT s.id, s.product_id, s.requester_org_id, s.request, s.started, s.reply_chunk_digests,
         s.server_chunk_digests, s.state, s.usage_record_id::text AS usage_record_id, s.started_at,
         s.finished_at, p.manifest->'name' AS product_name
    FROM psi_sessions s JOIN products p ON p.id = s.product_id`;

function toView(row: TSessionRow): TPsiSessionView {
  const { datasetVersion, ...started } = row.started;
  return {
    sessionId: row.id,
    productId: row.product_id,
    product: { code: row.request.product.code, version: row.request.product.version, name: row.product_name },
    started,
    datasetVersion,
    state: row.state,
    usageRecordId: row.usage_record_id,
    startedAt: row.started_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
  };
}

/** The caller organization's session; NOT_FOUND for an unknown one or another organization's. */
async function ownSession(db: TQueryable, user: TSessionUser, sessionId: string): Promise<TSessionRow> {
  const { rows } = await db.query<TSessionRow>(`${SESSION_SELECT} WHERE s.id = $1`, [sessionId]);
  const row = rows[0];
  if (!row || row.requester_org_id !== user.org.id) throw new DomainError("NOT_FOUND", "session not found");
  return row;
}

function requireOpen(row: TSessionRow): void {
  if (row.state !== "open") throw new DomainError("INVALID_STATE", "this session is already finished");
}

/** Items in chunk `index` of a list of `items` cut into `chunks` chunks; INVALID_INPUT when out of range. */
function chunkItems(items: number, chunks: number, index: number, what: string): number {
  if (!Number.isSafeInteger(index) || index < 0 || index >= chunks)
    throw new DomainError("INVALID_INPUT", `${what} chunk ${index} does not exist (there are ${chunks})`);
  return psiChunkLength(items, index);
}

/** Records the digest of released chunk `index` (reply tags or server points). */
async function keepDigest(
  db: TQueryable,
  sessionId: string,
  kind: "reply" | "server",
  index: number,
  base64: string,
): Promise<void> {
  const column = kind === "reply" ? "reply_chunk_digests" : "server_chunk_digests";
  await db.query(
    `UPDATE psi_sessions SET ${column} = jsonb_set(${column}, ARRAY[$2::text], to_jsonb($3::text))
      WHERE id = $1 AND state = 'open'`,
    [sessionId, String(index), psiChunkDigest(base64)],
  );
}

/** Starts a session of product `productId` for a list of `buyerSetSize` distinct items. */
export async function startPsiSession(
  deps: TPsiDeps,
  user: TSessionUser,
  input: { productId: string; buyerSetSize: number },
): Promise<TPsiSessionView> {
  const { view, manifest } = await getCatalogProduct(deps.db, input.productId);
  if (manifest.deliveryForm !== "private_set_intersection")
    throw new DomainError("INVALID_INPUT", "this product is not a private set intersection");
  const floor = manifest.privacyRule.minBuyerItems;
  if (input.buyerSetSize < floor)
    throw new DomainError(
      "INVALID_INPUT",
      `your list holds ${input.buyerSetSize} distinct items; this product needs at least ${floor}, so that a count cannot single one out`,
    );
  const limit = manifest.privacyRule.maxBuyerItems;
  if (input.buyerSetSize > limit)
    throw new DomainError(
      "INVALID_INPUT",
      `your list holds ${input.buyerSetSize} distinct items; this product accepts at most ${limit}`,
    );
  const now = deps.now?.() ?? new Date();
  const authorization = await authorizationForProduct(deps.db, view.id, now);
  const request: TPsiEnclaveStart = {
    sessionId: randomUUID(),
    product: {
      code: manifest.code,
      version: manifest.version,
      versionHash: sha256Hex(canonicalJson(manifest)),
    },
    datasetCode: manifest.datasetCode,
    field: manifest.logic.field,
    format: manifest.logic.format,
    filters: manifest.logic.filters.map((f) => ({ field: f.field, op: f.op, values: [...f.values] })),
    mode: manifest.privacyRule.reveals,
    buyerSetSize: input.buyerSetSize,
    requester: { orgId: user.org.id, userId: user.id },
    authorization,
  };
  const started = await deps.psi.start(request);
  const nulls = (n: number) => JSON.stringify(Array.from({ length: n }, () => null));
  await deps.db.query(
    `INSERT INTO psi_sessions (id, product_id, requester_org_id, requester_user_id, request, started, mode,
        buyer_set_size, server_set_size, reply_chunk_digests, server_chunk_digests, started_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [
      request.sessionId,
      view.id,
      user.org.id,
      user.id,
      JSON.stringify(request),
      JSON.stringify(started),
      request.mode,
      request.buyerSetSize,
      started.serverSetSize,
      nulls(started.buyerChunkCount),
      nulls(started.serverChunkCount),
      now,
    ],
  );
  return getPsiSession(deps.db, user, request.sessionId);
}

export async function getPsiSession(
  db: TQueryable,
  user: TSessionUser,
  sessionId: string,
): Promise<TPsiSessionView> {
  return toView(await ownSession(db, user, sessionId));
}

/** The organization's sessions, newest first. */
export async function listPsiSessionsOfOrg(
  db: TQueryable,
  user: TSessionUser,
  limit = 20,
): Promise<TPsiSessionView[]> {
  const { rows } = await db.query<TSessionRow>(
    `${SESSION_SELECT} WHERE s.requester_org_id = $1 ORDER BY s.started_at DESC, s.id LIMIT $2`,
    [user.org.id, limit],
  );
  return rows.map(toView);
}

/**
 * Relays buyer chunk `index` ([b]H(x), base64) to the enclave. Intersection mode answers the
 * chunk's reply tags (and their digest is kept); cardinality mode answers null.
 */
export async function sendBuyerChunk(
  deps: TPsiDeps,
  user: TSessionUser,
  input: { sessionId: string; index: number; points: string },
): Promise<{ index: number; tags: string | null }> {
  const row = await ownSession(deps.db, user, input.sessionId);
  requireOpen(row);
  const { started } = row;
  const count = chunkItems(started.buyerSetSize, started.buyerChunkCount, input.index, "buyer");
  const bytes = Buffer.from(input.points, "base64").length;
  if (bytes !== count * PSI_POINT_BYTES)
    throw new DomainError(
      "INVALID_INPUT",
      `buyer chunk ${input.index} must hold ${count} points of ${PSI_POINT_BYTES} bytes, not ${bytes} bytes`,
    );
  const reply = await deps.psi.sendBuyerChunk(row.id, input.index, input.points, started.mode, count);
  if (reply.tags !== null) await keepDigest(deps.db, row.id, "reply", input.index, reply.tags);
  return { index: input.index, tags: reply.tags };
}

/** Cardinality mode: relays shuffled reply chunk `index` and keeps its digest. */
export async function relayReplyChunk(
  deps: TPsiDeps,
  user: TSessionUser,
  input: { sessionId: string; index: number },
): Promise<{ index: number; tags: string }> {
  const row = await ownSession(deps.db, user, input.sessionId);
  requireOpen(row);
  const { started } = row;
  if (started.mode !== "cardinality")
    throw new DomainError("INVALID_INPUT", "reply chunks exist only when the product reveals the count only");
  const count = chunkItems(started.buyerSetSize, started.buyerChunkCount, input.index, "reply");
  const tags = await deps.psi.replyChunk(row.id, input.index, count);
  await keepDigest(deps.db, row.id, "reply", input.index, tags);
  return { index: input.index, tags };
}

/** Relays chunk `index` of the enclave's blinded set and keeps its digest. */
export async function relayServerChunk(
  deps: TPsiDeps,
  user: TSessionUser,
  input: { sessionId: string; index: number },
): Promise<{ index: number; points: string }> {
  const row = await ownSession(deps.db, user, input.sessionId);
  requireOpen(row);
  const { started } = row;
  const count = chunkItems(started.serverSetSize, started.serverChunkCount, input.index, "server");
  const points = await deps.psi.serverChunk(row.id, input.index, count);
  await keepDigest(deps.db, row.id, "server", input.index, points);
  return { index: input.index, points };
}

/**
 * Finishes the session: the enclave signs its receipt, which must hash to the chunks relayed;
 * the usage record and the session's end are written in one transaction. Finishing again
 * answers the finished session.
 */
export async function finishPsiSession(
  deps: TPsiDeps,
  user: TSessionUser,
  input: { sessionId: string },
): Promise<TPsiSessionView> {
  const row = await ownSession(deps.db, user, input.sessionId);
  if (row.state === "finished") return toView(row);
  const missing = [
    ...row.reply_chunk_digests.flatMap((d, i) => (d === null ? [`reply chunk ${i}`] : [])),
    ...row.server_chunk_digests.flatMap((d, i) => (d === null ? [`server chunk ${i}`] : [])),
  ];
  if (missing.length > 0)
    throw new DomainError(
      "PRECONDITION_FAILED",
      `the exchange is not complete: ${missing.slice(0, 3).join(", ")}${missing.length > 3 ? ` and ${missing.length - 3} more` : ""} not yet relayed`,
    );
  const signed = await deps.psi.finish({
    request: row.request,
    serverSetSize: row.started.serverSetSize,
    chunkDigests: {
      results: row.reply_chunk_digests as string[],
      dataset: row.server_chunk_digests as string[],
    },
  });
  const finishedAt = deps.now?.() ?? new Date();
  await deps.db.withTransaction(async (tx) => {
    const { rows: current } = await tx.query<{ state: string }>(
      "SELECT state FROM psi_sessions WHERE id = $1 FOR UPDATE",
      [row.id],
    );
    if (current[0]?.state !== "open") return;
    const id = await insertUsageRecordOfReceipt(
      tx,
      {
        runId: row.id,
        createdAt: finishedAt,
        userId: row.request.requester.userId,
        orgId: row.requester_org_id,
        productId: row.product_id,
        productCode: row.request.product.code,
        productVersion: row.request.product.version,
        fallbackDataset: { code: row.request.datasetCode, version: row.started.datasetVersion },
      },
      signed,
    );
    await tx.query(
      "UPDATE psi_sessions SET state = 'finished', usage_record_id = $2, finished_at = $3 WHERE id = $1",
      [row.id, id, finishedAt],
    );
  });
  return getPsiSession(deps.db, user, row.id);
}
