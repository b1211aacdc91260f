/**
 * The demand list (需求清单): buyers post what data they need; data sources, operators and
 * service agencies answer, optionally offering a cataloged dataset or a listed product; the
 * posting buyer marks the answer that satisfied it, or closes the demand. Every transition runs
 * in one transaction with its audit-trail event (object type "data_demand").
 */
import { randomUUID } from "node:crypto";
import { LIBRARY_CODES, type TLibraryCode } from "@pdx/common/catalog/dataset-entry";
import type { TDb, TQueryable } from "../../db";
import type { TSessionUser } from "../auth/session-user";
import { DomainError } from "../domain-error";
import { appendAuditEvent } from "../trail/audit-trail";
import { demandMachine, type TDemandAction, type TDemandStatus } from "./demand-machine";
import { requiredText } from "./text-input";

/** Object type of demands in the audit trail. */
export const DEMAND_OBJECT_TYPE = "data_demand";

export const DEMAND_TITLE_MAX = 200;
export const DEMAND_TEXT_MAX = 4000;
/** At most this many dataset codes may be named on one demand. */
export const DEMAND_DATASET_CODES_MAX = 20;

interface TLocalized {
  zh: string;
  en: string;
}

export interface TDemandSummary {
  id: string;
  title: string;
  description: string;
  libraryCode: TLibraryCode | null;
  datasetCodes: string[];
  status: TDemandStatus;
  buyerOrg: { id: string; name: string };
  createdBy: { id: string; displayName: string };
  createdAt: string;
  firstResponseAt: string | null;
  satisfiedAt: string | null;
  satisfiedByResponseId: string | null;
  closedAt: string | null;
  responseCount: number;
}

export interface TDemandResponse {
  id: string;
  responderOrg: { id: string; name: string; type: string };
  responder: { id: string; displayName: string };
  message: string;
  offeredDataset: { code: string; name: TLocalized } | null;
  offeredProduct: { id: string; code: string; name: TLocalized } | null;
  createdAt: string;
}

export interface TDemandDetail extends TDemandSummary {
  responses: TDemandResponse[];
  /** What the caller may do now (state, role and organization all allow it). */
  actions: TDemandAction[];
}

export interface TPostDemandInput {
  title: string;
  description: string;
  libraryCode?: string | null;
  datasetCodes?: readonly string[];
}

export interface TRespondInput {
  demandId: string;
  message: string;
  offeredDatasetCode?: string | null;
  offeredProductId?: string | null;
}

export interface TListDemandsFilter {
  status?: TDemandStatus;
  /** Only demands my organization posted or answered. */
  mine?: boolean;
  limit?: number;
}

interface TDemandRow {
  id: string;
  title: string;
  description: string;
  library_code: string | null;
  dataset_codes: string[];
  status: TDemandStatus;
  buyer_org_id: string;
  buyer_org_name: string;
  created_by: string;
  created_by_name: string;
  created_at: Date;
  first_response_at: Date | null;
  satisfied_at: Date | null;
  satisfied_by_response_id: string | null;
  closed_at: Date | null;
  response_count: string;
}

const DEMAND_SELECT = `
  SELECT d.id, d.title, d.description, d.library_code, d.dataset_codes, d.status,
         d.buyer_org_id, o.name AS buyer_org_name, d.created_by, u.display_name AS created_by_name,
         d.created_at, d.first_response_at, d.satisfied_at, d.satisfied_by_response_id, d.closed_at,
         (SELECT count(*) FROM demand_responses r WHERE r.demand_id = d.id) AS response_count
    FROM data_demands d
    JOIN organizations o ON o.id = d.buyer_org_id
    JOIN users u ON u.id = d.created_by`;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function toSummary(row: TDemandRow): TDemandSummary {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    libraryCode: (row.library_code as TLibraryCode | null) ?? null,
    datasetCodes: row.dataset_codes,
    status: row.status,
    buyerOrg: { id: row.buyer_org_id, name: row.buyer_org_name },
    createdBy: { id: row.created_by, displayName: row.created_by_name },
    createdAt: row.created_at.toISOString(),
    firstResponseAt: iso(row.first_response_at),
    satisfiedAt: iso(row.satisfied_at),
    satisfiedByResponseId: row.satisfied_by_response_id,
    closedAt: iso(row.closed_at),
    responseCount: Number(row.response_count),
  };
}

/** The state snapshot hashed into the audit trail. */
const snapshotOf = (row: Pick<TDemandRow, "id" | "status" | "buyer_org_id">, extra: object = {}) => ({
  id: row.id,
  status: row.status,
  buyerOrgId: row.buyer_org_id,
  ...extra,
});

async function lockDemand(tx: TQueryable, id: string): Promise<TDemandRow> {
  const { rows } = await tx.query<TDemandRow>(`${DEMAND_SELECT} WHERE d.id = $1 FOR UPDATE OF d`, [id]);
  const row = rows[0];
  if (!row) throw new DomainError("NOT_FOUND", "no such demand");
  return row;
}

/** Refuses anyone but a user of the organization that posted the demand. */
function requirePostingOrg(row: TDemandRow, actor: TSessionUser, verb: string): void {
  if (actor.org.id !== row.buyer_org_id) {
    throw new DomainError("FORBIDDEN", `only the organization that posted this demand may ${verb}`);
  }
}

/** INVALID_INPUT naming the first of `codes` that is not in the catalog. */
async function requireDatasets(db: TQueryable, codes: readonly string[]): Promise<void> {
  if (codes.length === 0) return;
  const { rows } = await db.query<{ code: string }>("SELECT code FROM datasets WHERE code = ANY($1)", [
    [...codes],
  ]);
  const known = new Set(rows.map((r) => r.code));
  const unknown = codes.find((c) => !known.has(c));
  if (unknown !== undefined) throw new DomainError("INVALID_INPUT", `unknown dataset ${unknown}`);
}

function libraryCodeOf(value: string | null | undefined): TLibraryCode | null {
  if (value === undefined || value === null || value === "") return null;
  if (!(LIBRARY_CODES as readonly string[]).includes(value)) {
    throw new DomainError("INVALID_INPUT", `unknown library ${value}`);
  }
  return value as TLibraryCode;
}

/** Posts a demand for the actor's (buyer) organization; returns it. */
export async function postDemand(
  db: TDb,
  actor: TSessionUser,
  input: TPostDemandInput,
  now: Date,
): Promise<TDemandDetail> {
  if (actor.role !== "buyer") throw new DomainError("FORBIDDEN", "only buyers may post demands");
  const title = requiredText("title", input.title, DEMAND_TITLE_MAX);
  const description = requiredText("description", input.description, DEMAND_TEXT_MAX);
  const libraryCode = libraryCodeOf(input.libraryCode);
  const datasetCodes = [...new Set((input.datasetCodes ?? []).map((c) => c.trim()).filter((c) => c !== ""))];
  if (datasetCodes.length > DEMAND_DATASET_CODES_MAX) {
    throw new DomainError("INVALID_INPUT", `name at most ${DEMAND_DATASET_CODES_MAX} datasets`);
  }
  const id = randomUUID();
  await db.withTransaction(async (tx) => {
    await requireDatasets(tx, datasetCodes);
    await tx.query(
      `INSERT INTO data_demands (id, buyer_org_id, created_by, title, description, library_code,
         dataset_codes, status, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8)`,
      [id, actor.org.id, actor.id, title, description, libraryCode, datasetCodes, now],
    );
    await appendAuditEvent(
      tx,
      {
        actor,
        action: "demand.post",
        objectType: DEMAND_OBJECT_TYPE,
        objectId: id,
        before: null,
        after: { id, status: "open", buyerOrgId: actor.org.id, title, libraryCode, datasetCodes },
        detail: { libraryCode, datasetCodes: datasetCodes.join(",") || null },
      },
      now,
    );
  });
  return getDemand(db, actor, id);
}

/** Answers a demand (data source, operator or service agency); returns the demand. */
export async function respondToDemand(
  db: TDb,
  actor: TSessionUser,
  input: TRespondInput,
  now: Date,
): Promise<TDemandDetail> {
  const message = requiredText("message", input.message, DEMAND_TEXT_MAX);
  const offeredDatasetCode = input.offeredDatasetCode?.trim() || null;
  const offeredProductId = input.offeredProductId || null;
  const responseId = randomUUID();
  await db.withTransaction(async (tx) => {
    const row = await lockDemand(tx, input.demandId);
    const next = demandMachine.next(row.status, "respond", actor);
    if (offeredDatasetCode) await requireDatasets(tx, [offeredDatasetCode]);
    if (offeredProductId) {
      const { rows } = await tx.query("SELECT 1 FROM products WHERE id = $1 AND status = 'listed'", [
        offeredProductId,
      ]);
      if (rows.length === 0) throw new DomainError("INVALID_INPUT", "unknown product");
    }
    await tx.query(
      `INSERT INTO demand_responses (id, demand_id, responder_org_id, responder_user_id, message,
         offered_dataset_code, offered_product_id, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [responseId, row.id, actor.org.id, actor.id, message, offeredDatasetCode, offeredProductId, now],
    );
    await tx.query(
      `UPDATE data_demands SET status = $2, first_response_at = coalesce(first_response_at, $3)
        WHERE id = $1`,
      [row.id, next, now],
    );
    await appendAuditEvent(
      tx,
      {
        actor,
        action: "demand.respond",
        objectType: DEMAND_OBJECT_TYPE,
        objectId: row.id,
        before: snapshotOf(row),
        after: snapshotOf({ ...row, status: next }, { responseId }),
        detail: { responseId, offeredDatasetCode, offeredProductId },
      },
      now,
    );
  });
  return getDemand(db, actor, input.demandId);
}

/** The posting buyer marks `responseId` as the answer that satisfied the demand. */
export async function markDemandSatisfied(
  db: TDb,
  actor: TSessionUser,
  input: { demandId: string; responseId: string },
  now: Date,
): Promise<TDemandDetail> {
  await db.withTransaction(async (tx) => {
    const row = await lockDemand(tx, input.demandId);
    requirePostingOrg(row, actor, "mark it satisfied");
    const next = demandMachine.next(row.status, "mark_satisfied", actor);
    const { rows } = await tx.query("SELECT 1 FROM demand_responses WHERE id = $1 AND demand_id = $2", [
      input.responseId,
      row.id,
    ]);
    if (rows.length === 0)
      throw new DomainError("INVALID_INPUT", "that response does not answer this demand");
    await tx.query(
      `UPDATE data_demands SET status = $2, satisfied_at = $3, satisfied_by_response_id = $4 WHERE id = $1`,
      [row.id, next, now, input.responseId],
    );
    await appendAuditEvent(
      tx,
      {
        actor,
        action: "demand.mark_satisfied",
        objectType: DEMAND_OBJECT_TYPE,
        objectId: row.id,
        before: snapshotOf(row),
        after: snapshotOf({ ...row, status: next }, { satisfiedByResponseId: input.responseId }),
        detail: { responseId: input.responseId },
      },
      now,
    );
  });
  return getDemand(db, actor, input.demandId);
}

/** The posting buyer closes the demand without marking it satisfied. */
export async function closeDemand(
  db: TDb,
  actor: TSessionUser,
  input: { demandId: string },
  now: Date,
): Promise<TDemandDetail> {
  await db.withTransaction(async (tx) => {
    const row = await lockDemand(tx, input.demandId);
    requirePostingOrg(row, actor, "close it");
    const next = demandMachine.next(row.status, "close", actor);
    await tx.query("UPDATE data_demands SET status = $2, closed_at = $3 WHERE id = $1", [row.id, next, now]);
    await appendAuditEvent(
      tx,
      {
        actor,
        action: "demand.close",
        objectType: DEMAND_OBJECT_TYPE,
        objectId: row.id,
        before: snapshotOf(row),
        after: snapshotOf({ ...row, status: next }),
      },
      now,
    );
  });
  return getDemand(db, actor, input.demandId);
}

/** Demands, newest first (every signed-in user sees the whole list). */
export async function listDemands(
  db: TQueryable,
  actor: TSessionUser,
  filter: TListDemandsFilter = {},
): Promise<TDemandSummary[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.status) {
    params.push(filter.status);
    where.push(`d.status = $${params.length}`);
  }
  if (filter.mine) {
    params.push(actor.org.id);
    where.push(`(d.buyer_org_id = $${params.length} OR EXISTS (
      SELECT 1 FROM demand_responses r WHERE r.demand_id = d.id AND r.responder_org_id = $${params.length}))`);
  }
  params.push(Math.min(Math.max(filter.limit ?? 100, 1), 200));
  const { rows } = await db.query<TDemandRow>(
    `${DEMAND_SELECT} ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
      ORDER BY d.created_at DESC, d.id LIMIT $${params.length}`,
    params,
  );
  return rows.map(toSummary);
}

interface TResponseRow {
  id: string;
  responder_org_id: string;
  responder_org_name: string;
  responder_org_type: string;
  responder_user_id: string;
  responder_name: string;
  message: string;
  offered_dataset_code: string | null;
  dataset_name_zh: string | null;
  dataset_name_en: string | null;
  offered_product_id: string | null;
  product_code: string | null;
  product_name: TLocalized | null;
  created_at: Date;
}

/** What `actor` may do with a demand in its current state. */
export function demandActionsFor(
  demand: Pick<TDemandSummary, "status" | "buyerOrg">,
  actor: TSessionUser,
): TDemandAction[] {
  // Responders are never buyers (roles), so only the buyer's actions need the organization check.
  const ownDemand = demand.buyerOrg.id === actor.org.id;
  return demandMachine
    .allowedActions(demand.status, actor)
    .filter((action) => action === "respond" || ownDemand);
}

/** One demand with its responses (oldest first) and the caller's actions. */
export async function getDemand(db: TQueryable, actor: TSessionUser, id: string): Promise<TDemandDetail> {
  const { rows } = await db.query<TDemandRow>(`${DEMAND_SELECT} WHERE d.id = $1`, [id]);
  const row = rows[0];
  if (!row) throw new DomainError("NOT_FOUND", "no such demand");
  const { rows: responses } = await db.query<TResponseRow>(
    `SELECT r.id, r.responder_org_id, o.name AS responder_org_name, o.type AS responder_org_type,
            r.responder_user_id, u.display_name AS responder_name, r.message,
            r.offered_dataset_code, ds.name_zh AS dataset_name_zh, ds.name_en AS dataset_name_en,
            r.offered_product_id, p.code AS product_code, p.manifest->'name' AS product_name, r.created_at
       FROM demand_responses r
       JOIN organizations o ON o.id = r.responder_org_id
       JOIN users u ON u.id = r.responder_user_id
       LEFT JOIN datasets ds ON ds.code = r.offered_dataset_code
       LEFT JOIN products p ON p.id = r.offered_product_id
      WHERE r.demand_id = $1
      ORDER BY r.created_at, r.id`,
    [id],
  );
  const summary = toSummary(row);
  return {
    ...summary,
    responses: responses.map((r) => ({
      id: r.id,
      responderOrg: { id: r.responder_org_id, name: r.responder_org_name, type: r.responder_org_type },
      responder: { id: r.responder_user_id, displayName: r.responder_name },
      message: r.message,
      offeredDataset: r.offered_dataset_code
        ? {
            code: r.offered_dataset_code,
            name: {
              zh: r.dataset_name_zh ?? r.offered_dataset_code,
              en: r.dataset_name_en ?? r.offered_dataset_code,
            },
          }
        : null,
      offeredProduct:
        r.offered_product_id && r.product_code
          ? {
              id: r.offered_product_id,
              code: r.product_code,
              name: r.product_name ?? { zh: r.product_code, en: r.product_code },
            }
          : null,
      createdAt: r.created_at.toISOString(),
    })),
    actions: demandActionsFor(summary, actor),
  };
}
