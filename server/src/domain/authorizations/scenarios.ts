/**
 * Scenario filing (场景备案, 无场景不授权): an operator describes what it will compute, for whom,
 * how, and on which catalog datasets and fields; files it; the regulator accepts or rejects it.
 * Only an accepted scenario can be the basis of an authorization (authorizations.ts).
 *
 * Every transition runs in one transaction with its audit event. The requested scope is checked
 * against the catalog and the grade policy whenever it is written and again at filing (the
 * catalog may have changed in between). Operators see and act on their own organization's
 * scenarios only; a foreign scenario is reported as not found.
 */
import { randomUUID } from "node:crypto";
import { scenarioHash, type TAuthorizationScope, type TBytes32Hex } from "@pdx/common/authorization-scope";
import { canonicalJson } from "@pdx/common/canonical-json";
import { COMPUTE_MODES, type TComputeMode } from "@pdx/common/catalog/grade-policy";
import { sha256Hex } from "@pdx/common/hash";
import type { TDb, TQueryable } from "../../db";
import type { TSessionUser } from "../auth/session-user";
import { DomainError } from "../domain-error";
import { appendAuditEvent } from "../trail/audit-trail";
import { assertScopeAuthorizable, parseScope } from "./catalog-scope";
import { scenarioMachine, type TScenarioAction, type TScenarioStatus } from "./machines";
import {
  objectEvents,
  operatorStatusOf,
  resolveScope,
  type TObjectEvent,
  type TResolvedScopeDataset,
} from "./views";

export const BENEFICIARY_CLASSES = ["public_welfare", "industry"] as const;
export type TBeneficiaryClass = (typeof BENEFICIARY_CLASSES)[number];
export { COMPUTE_MODES };

/** What an operator writes into a scenario. */
export interface TScenarioContentInput {
  title: string;
  purpose: string;
  beneficiaryClass: TBeneficiaryClass;
  computeMode: TComputeMode;
  expectedOutputs: string;
  requestedScope: TAuthorizationScope;
}

/** The actor of scenario actions: a signed-in user. */
export type TScenarioActor = Pick<TSessionUser, "id" | "role" | "isOrgAdmin" | "org">;

export interface TScenarioRow {
  id: string;
  operator_org_id: string;
  operator_org_name: string;
  title: string;
  purpose: string;
  beneficiary_class: TBeneficiaryClass;
  compute_mode: TComputeMode;
  expected_outputs: string;
  requested_scope: TAuthorizationScope;
  status: TScenarioStatus;
  content_hash: string | null;
  reason: string | null;
  filed_at: Date | null;
  decided_at: Date | null;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

const SCENARIO_COLUMNS = `s.id, s.operator_org_id, o.name AS operator_org_name, s.title, s.purpose,
  s.beneficiary_class, s.compute_mode, s.expected_outputs, s.requested_scope, s.status, s.content_hash,
  s.reason, s.filed_at, s.decided_at, s.created_by, s.created_at, s.updated_at`;
const SCENARIO_FROM = "FROM scenarios s JOIN organizations o ON o.id = s.operator_org_id";

/**
 * The filed content of a scenario: what its content hash (SHA-256) and its chain hash (keccak,
 * recorded with the authorization) cover.
 */
export function scenarioContent(
  row: Pick<
    TScenarioRow,
    | "id"
    | "operator_org_id"
    | "title"
    | "purpose"
    | "beneficiary_class"
    | "compute_mode"
    | "expected_outputs"
    | "requested_scope"
  >,
) {
  return {
    v: 1,
    scenarioId: row.id,
    operatorOrgId: row.operator_org_id,
    title: row.title,
    purpose: row.purpose,
    beneficiaryClass: row.beneficiary_class,
    computeMode: row.compute_mode,
    expectedOutputs: row.expected_outputs,
    requestedScope: parseScope(row.requested_scope, "requested scope"),
  };
}

/** SHA-256 hex of the scenario's filed content (stored as content_hash at filing). */
export function scenarioContentHash(row: Parameters<typeof scenarioContent>[0]): string {
  return sha256Hex(canonicalJson(scenarioContent(row)));
}

/** keccak256 of the filed content, 0x-hex: the scenario hash recorded on chain. */
export function scenarioChainHash(row: Parameters<typeof scenarioContent>[0]): TBytes32Hex {
  return scenarioHash(scenarioContent(row));
}

/** The state snapshot hashed into audit events. */
function snapshotOf(row: TScenarioRow) {
  return {
    id: row.id,
    status: row.status,
    operatorOrgId: row.operator_org_id,
    contentHash: row.content_hash,
    content: scenarioContentHashOrNull(row),
    reason: row.reason,
  };
}

function scenarioContentHashOrNull(row: TScenarioRow): string | null {
  try {
    return scenarioContentHash(row);
  } catch {
    return null;
  }
}

/** Loads a scenario; NOT_FOUND when absent. `forUpdate` locks it for the transaction. */
export async function findScenario(
  db: TQueryable,
  id: string,
  forUpdate = false,
): Promise<TScenarioRow | null> {
  const { rows } = await db.query<TScenarioRow>(
    `SELECT ${SCENARIO_COLUMNS} ${SCENARIO_FROM} WHERE s.id = $1 ${forUpdate ? "FOR UPDATE OF s" : ""}`,
    [id],
  );
  return rows[0] ?? null;
}

/** Whether `actor` may see the scenario: its own operator, the regulator and auditors. */
export function canSeeScenario(actor: TScenarioActor, row: Pick<TScenarioRow, "operator_org_id">): boolean {
  if (actor.role === "regulator" || actor.role === "auditor") return true;
  return actor.role === "operator" && actor.org.id === row.operator_org_id;
}

async function visibleScenario(db: TQueryable, actor: TScenarioActor, id: string, forUpdate: boolean) {
  const row = await findScenario(db, id, forUpdate);
  if (!row || !canSeeScenario(actor, row)) throw new DomainError("NOT_FOUND", "scenario not found");
  return row;
}

/** Operator actions are for the scenario's own organization only. */
function assertOwnScenario(actor: TScenarioActor, row: TScenarioRow): void {
  if (actor.org.id !== row.operator_org_id) throw new DomainError("NOT_FOUND", "scenario not found");
}

function cleanContent(input: TScenarioContentInput): TScenarioContentInput {
  const text = (value: string, what: string, max: number) => {
    const t = value.trim();
    if (t.length === 0) throw new DomainError("INVALID_INPUT", `${what} must not be empty`);
    if (t.length > max) throw new DomainError("INVALID_INPUT", `${what}: at most ${max} characters`);
    return t;
  };
  if (!(BENEFICIARY_CLASSES as readonly string[]).includes(input.beneficiaryClass))
    throw new DomainError(
      "INVALID_INPUT",
      `beneficiary class must be one of ${BENEFICIARY_CLASSES.join(", ")}`,
    );
  if (!(COMPUTE_MODES as readonly string[]).includes(input.computeMode))
    throw new DomainError("INVALID_INPUT", `compute mode must be one of ${COMPUTE_MODES.join(", ")}`);
  return {
    title: text(input.title, "title", 200),
    purpose: text(input.purpose, "purpose", 4000),
    beneficiaryClass: input.beneficiaryClass,
    computeMode: input.computeMode,
    expectedOutputs: text(input.expectedOutputs, "expected outputs", 4000),
    requestedScope: parseScope(input.requestedScope, "requested scope"),
  };
}

/** Creates a draft scenario of the caller's (operator) organization. */
export async function createScenario(
  db: TDb,
  actor: TScenarioActor,
  input: TScenarioContentInput,
  now: Date,
  opts: { id?: string } = {},
): Promise<{ id: string; status: TScenarioStatus }> {
  if (actor.role !== "operator" || actor.org.type !== "operator")
    throw new DomainError("FORBIDDEN", "only an operator files scenarios");
  const content = cleanContent(input);
  const id = opts.id ?? randomUUID();
  return db.withTransaction(async (tx) => {
    await assertScopeAuthorizable(tx, content.requestedScope, content.computeMode, now, "requested scope");
    await tx.query(
      `INSERT INTO scenarios (id, operator_org_id, title, purpose, beneficiary_class, compute_mode,
         expected_outputs, requested_scope, status, created_by, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'draft', $9, $10, $10)`,
      [
        id,
        actor.org.id,
        content.title,
        content.purpose,
        content.beneficiaryClass,
        content.computeMode,
        content.expectedOutputs,
        JSON.stringify(content.requestedScope),
        actor.id,
        now,
      ],
    );
    const row = await findScenario(tx, id);
    if (!row) throw new Error("scenario vanished after insert");
    await appendAuditEvent(
      tx,
      {
        actor,
        action: "scenario.create",
        objectType: "scenario",
        objectId: id,
        before: null,
        after: snapshotOf(row),
        detail: { title: content.title, computeMode: content.computeMode },
      },
      now,
    );
    return { id, status: row.status };
  });
}

/** Rewrites a draft scenario's content (its own operator only). */
export async function updateScenario(
  db: TDb,
  actor: TScenarioActor,
  input: TScenarioContentInput & { id: string },
  now: Date,
): Promise<{ id: string; status: TScenarioStatus }> {
  const content = cleanContent(input);
  return db.withTransaction(async (tx) => {
    const before = await visibleScenario(tx, actor, input.id, true);
    assertOwnScenario(actor, before);
    if (actor.role !== "operator") throw new DomainError("FORBIDDEN", "your role may not edit a scenario");
    if (before.status !== "draft")
      throw new DomainError("INVALID_STATE", `cannot edit a scenario that is ${before.status}`);
    await assertScopeAuthorizable(tx, content.requestedScope, content.computeMode, now, "requested scope");
    await tx.query(
      `UPDATE scenarios SET title = $2, purpose = $3, beneficiary_class = $4, compute_mode = $5,
         expected_outputs = $6, requested_scope = $7, updated_at = $8
       WHERE id = $1`,
      [
        input.id,
        content.title,
        content.purpose,
        content.beneficiaryClass,
        content.computeMode,
        content.expectedOutputs,
        JSON.stringify(content.requestedScope),
        now,
      ],
    );
    const after = await findScenario(tx, input.id);
    if (!after) throw new Error("scenario vanished after update");
    await appendAuditEvent(
      tx,
      {
        actor,
        action: "scenario.update",
        objectType: "scenario",
        objectId: input.id,
        before: snapshotOf(before),
        after: snapshotOf(after),
        detail: { title: content.title, computeMode: content.computeMode },
      },
      now,
    );
    return { id: input.id, status: after.status };
  });
}

/**
 * Runs one state-machine transition of a scenario in a transaction: checks visibility, state and
 * role, lets `prepare` check the action's own rules and name the extra columns, writes the new
 * state and the audit event.
 */
async function transition(
  db: TDb,
  actor: TScenarioActor,
  id: string,
  action: TScenarioAction,
  now: Date,
  prepare: (
    tx: TQueryable,
    row: TScenarioRow,
  ) => Promise<{ set: Record<string, unknown>; detail?: Record<string, string | number | boolean | null> }>,
): Promise<{ id: string; status: TScenarioStatus }> {
  return db.withTransaction(async (tx) => {
    const before = await visibleScenario(tx, actor, id, true);
    const to = scenarioMachine.next(before.status, action, actor);
    const { set, detail } = await prepare(tx, before);
    const columns = Object.keys(set);
    await tx.query(
      `UPDATE scenarios SET status = $2, updated_at = $3${columns.map((c, i) => `, ${c} = $${i + 4}`).join("")}
       WHERE id = $1`,
      [id, to, now, ...columns.map((c) => set[c])],
    );
    const after = await findScenario(tx, id);
    if (!after) throw new Error("scenario vanished after update");
    await appendAuditEvent(
      tx,
      {
        actor,
        action: `scenario.${action}`,
        objectType: "scenario",
        objectId: id,
        before: snapshotOf(before),
        after: snapshotOf(after),
        detail: { from: before.status, to, ...detail },
      },
      now,
    );
    return { id, status: to };
  });
}

/**
 * Files a draft (its own operator only; the organization must be an admitted operator): the
 * scope is checked against the current catalog again and the content hash is fixed.
 */
export function fileScenario(db: TDb, actor: TScenarioActor, id: string, now: Date) {
  return transition(db, actor, id, "file", now, async (tx, row) => {
    assertOwnScenario(actor, row);
    const operatorStatus = await operatorStatusOf(tx, row.operator_org_id);
    if (operatorStatus !== "admitted") {
      throw new DomainError(
        "PRECONDITION_FAILED",
        operatorStatus === null
          ? "your organization is not an admitted operator (准入): apply for operator admission before filing scenarios"
          : `your organization's operator status is ${operatorStatus}: only an admitted operator may file scenarios`,
      );
    }
    const scope = parseScope(row.requested_scope, "requested scope");
    await assertScopeAuthorizable(tx, scope, row.compute_mode, now, "requested scope");
    return {
      set: { content_hash: scenarioContentHash(row), filed_at: now },
      detail: { contentHash: scenarioContentHash(row) },
    };
  });
}

/** The regulator accepts a filed scenario (备案通过). */
export function acceptScenario(db: TDb, actor: TScenarioActor, id: string, now: Date) {
  return transition(db, actor, id, "accept", now, async () => ({ set: { decided_at: now } }));
}

/** The regulator rejects a filed scenario with a reason. */
export function rejectScenario(db: TDb, actor: TScenarioActor, id: string, reason: string, now: Date) {
  const why = reason.trim();
  if (why.length === 0) throw new DomainError("INVALID_INPUT", "a rejection needs a reason");
  if (why.length > 2000) throw new DomainError("INVALID_INPUT", "reason: at most 2000 characters");
  return transition(db, actor, id, "reject", now, async () => ({
    set: { decided_at: now, reason: why },
    detail: { reason: why },
  }));
}

/** Its operator withdraws a draft scenario. */
export function withdrawScenario(db: TDb, actor: TScenarioActor, id: string, now: Date) {
  return transition(db, actor, id, "withdraw", now, async (_tx, row) => {
    assertOwnScenario(actor, row);
    return { set: {} };
  });
}

// ── Queries ─────────────────────────────────────────────────────────────────────────────────

export interface TScenarioSummary {
  id: string;
  title: string;
  operatorOrg: { id: string; name: string };
  status: TScenarioStatus;
  beneficiaryClass: TBeneficiaryClass;
  computeMode: TComputeMode;
  datasetCodes: string[];
  fieldCount: number;
  filedAt: string | null;
  updatedAt: string;
  authorization: { id: string; status: string } | null;
}

/** Scenarios the caller may see (an operator its own; regulator and auditors all), newest first. */
export async function listScenarios(
  db: TQueryable,
  actor: TScenarioActor,
  filter: { status?: TScenarioStatus } = {},
): Promise<TScenarioSummary[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (actor.role === "operator") {
    params.push(actor.org.id);
    where.push(`s.operator_org_id = $${params.length}`);
  } else if (actor.role !== "regulator" && actor.role !== "auditor") {
    return [];
  }
  if (filter.status) {
    params.push(filter.status);
    where.push(`s.status = $${params.length}`);
  }
  const { rows } = await db.query<
    TScenarioRow & { authorization_id: string | null; authorization_status: string | null }
  >(
    `SELECT ${SCENARIO_COLUMNS}, a.id AS authorization_id, a.status AS authorization_status
       ${SCENARIO_FROM} LEFT JOIN authorizations a ON a.scenario_id = s.id
      ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
      ORDER BY s.updated_at DESC, s.id
      LIMIT 500`,
    params,
  );
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    operatorOrg: { id: r.operator_org_id, name: r.operator_org_name },
    status: r.status,
    beneficiaryClass: r.beneficiary_class,
    computeMode: r.compute_mode,
    datasetCodes: r.requested_scope.map((d) => d.datasetCode),
    fieldCount: r.requested_scope.reduce((n, d) => n + d.fields.length, 0),
    filedAt: r.filed_at?.toISOString() ?? null,
    updatedAt: r.updated_at.toISOString(),
    authorization: r.authorization_id
      ? { id: r.authorization_id, status: r.authorization_status ?? "" }
      : null,
  }));
}

/** What the caller may do with a scenario from the UI ("edit" and "apply" are not transitions). */
export type TScenarioUiAction = TScenarioAction | "edit" | "apply";

export interface TScenarioDetail extends Omit<TScenarioSummary, "datasetCodes" | "fieldCount"> {
  purpose: string;
  expectedOutputs: string;
  requestedScope: TResolvedScopeDataset[];
  contentHash: string | null;
  reason: string | null;
  decidedAt: string | null;
  createdAt: string;
  operatorStatus: string | null;
  allowedActions: TScenarioUiAction[];
  events: TObjectEvent[];
}

/** A scenario with its resolved scope, decision, authorization and trail (if the caller may see it). */
export async function getScenario(
  db: TQueryable,
  actor: TScenarioActor,
  id: string,
  now: Date,
): Promise<TScenarioDetail> {
  const row = await visibleScenario(db, actor, id, false);
  const { rows: auth } = await db.query<{ id: string; status: string }>(
    "SELECT id, status FROM authorizations WHERE scenario_id = $1",
    [id],
  );
  const authorization = auth[0] ?? null;
  const own = actor.role === "operator" && actor.org.id === row.operator_org_id;
  const operatorStatus = await operatorStatusOf(db, row.operator_org_id);
  // Operators act only on their own organization's scenarios.
  const allowedActions: TScenarioUiAction[] =
    actor.role === "operator" && !own ? [] : scenarioMachine.allowedActions(row.status, actor);
  if (own && row.status === "draft") allowedActions.unshift("edit");
  if (own && row.status === "accepted" && authorization === null && operatorStatus === "admitted")
    allowedActions.push("apply");
  return {
    id: row.id,
    title: row.title,
    operatorOrg: { id: row.operator_org_id, name: row.operator_org_name },
    status: row.status,
    beneficiaryClass: row.beneficiary_class,
    computeMode: row.compute_mode,
    purpose: row.purpose,
    expectedOutputs: row.expected_outputs,
    requestedScope: await resolveScope(db, row.requested_scope, row.compute_mode, now),
    contentHash: row.content_hash,
    reason: row.reason,
    filedAt: row.filed_at?.toISOString() ?? null,
    decidedAt: row.decided_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    operatorStatus,
    authorization,
    allowedActions,
    events: await objectEvents(db, "scenario", id),
  };
}
