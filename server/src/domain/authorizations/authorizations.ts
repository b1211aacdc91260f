/**
 * Authorization agreements (授权运营协议): an operator applies, on the basis of its ACCEPTED
 * scenario, for a scope (⊆ the scenario's requested scope, every field authorizable for the
 * scenario's computation mode) and a term of at most 5 years. Each source department of the scope
 * and then-or-before the regulator approve it, each with a signature over the agreement's content
 * hash; the last approval activates it and queues its chain record (authorization.record) in the
 * same transaction. The regulator suspends, resumes and revokes it (chain status writes); the
 * timer expires it at the end of its term (the chain checks the term itself, so no write).
 *
 * Tenancy: an operator sees its own organization's authorizations; a department those whose scope
 * includes its datasets (and approves only its own step); the regulator and auditors see all.
 * Anything else is reported as not found.
 */
import { randomUUID } from "node:crypto";
import {
  authorizationChainId,
  operatorChainId,
  scopeHash,
  type TAuthorizationScope,
} from "@pdx/common/authorization-scope";
import { canonicalJson } from "@pdx/common/canonical-json";
import type { TComputeMode } from "@pdx/common/catalog/grade-policy";
import { sha256Hex } from "@pdx/common/hash";
import { z } from "zod";
import type { TDb, TQueryable } from "../../db";
import type { TSessionUser } from "../auth/session-user";
import { chainWritesFor, enqueueChainWrite, type TChainWriteView } from "../chain-writes/outbox";
import { DomainError } from "../domain-error";
import { listApprovals, signApproval, verifyApproval } from "../signing/approvals";
import type { TKeyring } from "../signing/keyring";
import { appendAuditEvent } from "../trail/audit-trail";
import { assertScopeAuthorizable, fieldsOutside, parseScope } from "./catalog-scope";
import {
  authorizationMachine,
  CHAIN_STATUS_OF,
  type TAuthorizationAction,
  type TAuthorizationStatus,
} from "./machines";
import { findScenario, scenarioChainHash } from "./scenarios";
import {
  objectEvents,
  operatorStatusOf,
  resolveScope,
  type TObjectEvent,
  type TResolvedScopeDataset,
} from "./views";

/** Longest term of an authorization (the chain enforces it too). */
export const MAX_TERM_YEARS = 5;

/** The actor of authorization actions: a signed-in user. */
export type TAuthorizationActor = Pick<TSessionUser, "id" | "role" | "isOrgAdmin" | "org">;

/** The step the regulator signs. */
export const REGULATOR_STEP = "regulator";
/** The step a source department signs. */
export const sourceStep = (orgId: string) => `source:${orgId}`;

const ZRequiredStep = z.union([
  z.object({ step: z.string().regex(/^source:[0-9a-f-]{36}$/), orgId: z.string().uuid() }),
  z.object({ step: z.literal(REGULATOR_STEP) }),
]);
const ZRequiredSteps = z.array(ZRequiredStep).min(1);
export type TRequiredStep = z.infer<typeof ZRequiredStep>;

export interface TAuthorizationRow {
  id: string;
  scenario_id: string;
  scenario_title: string;
  operator_org_id: string;
  operator_org_name: string;
  scope: TAuthorizationScope;
  scope_hash: string;
  scenario_hash: string;
  compute_mode: TComputeMode;
  valid_from: Date;
  valid_until: Date;
  status: TAuthorizationStatus;
  required_approvals: unknown;
  status_reason: string | null;
  suspended_by_operator_status: boolean;
  activated_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const AUTHORIZATION_COLUMNS = `a.id, a.scenario_id, s.title AS scenario_title, a.operator_org_id,
  o.name AS operator_org_name, a.scope, a.scope_hash, a.scenario_hash, a.compute_mode, a.valid_from,
  a.valid_until, a.status, a.required_approvals, a.status_reason, a.suspended_by_operator_status,
  a.activated_at, a.created_at, a.updated_at`;
const AUTHORIZATION_FROM = `FROM authorizations a
  JOIN scenarios s ON s.id = a.scenario_id
  JOIN organizations o ON o.id = a.operator_org_id`;

async function findAuthorization(
  db: TQueryable,
  id: string,
  forUpdate = false,
): Promise<TAuthorizationRow | null> {
  const { rows } = await db.query<TAuthorizationRow>(
    `SELECT ${AUTHORIZATION_COLUMNS} ${AUTHORIZATION_FROM} WHERE a.id = $1 ${forUpdate ? "FOR UPDATE OF a" : ""}`,
    [id],
  );
  return rows[0] ?? null;
}

function requiredStepsOf(row: Pick<TAuthorizationRow, "required_approvals">): TRequiredStep[] {
  return ZRequiredSteps.parse(row.required_approvals);
}

/** Whether `actor` may see the authorization (see the module comment). */
export function canSeeAuthorization(
  actor: TAuthorizationActor,
  row: Pick<TAuthorizationRow, "operator_org_id" | "required_approvals">,
): boolean {
  switch (actor.role) {
    case "regulator":
    case "auditor":
      return true;
    case "operator":
      return actor.org.id === row.operator_org_id;
    case "data_source":
      return requiredStepsOf(row).some((s) => "orgId" in s && s.orgId === actor.org.id);
    default:
      return false;
  }
}

async function visibleAuthorization(
  db: TQueryable,
  actor: TAuthorizationActor,
  id: string,
  forUpdate: boolean,
) {
  const row = await findAuthorization(db, id, forUpdate);
  if (!row || !canSeeAuthorization(actor, row)) throw new DomainError("NOT_FOUND", "authorization not found");
  return row;
}

/** The step of `steps` that `actor` signs, or null (a department its own; the regulator "regulator"). */
function stepOfActor(actor: TAuthorizationActor, steps: readonly TRequiredStep[]): TRequiredStep | null {
  if (actor.role === "regulator") return steps.find((s) => s.step === REGULATOR_STEP) ?? null;
  if (actor.role === "data_source")
    return steps.find((s) => "orgId" in s && s.orgId === actor.org.id) ?? null;
  return null;
}

/**
 * The content every approval signs (its SHA-256 is the approval's subject hash): the scenario,
 * the canonical scope, the term and the operator.
 */
export function authorizationSubjectHash(input: {
  scenarioId: string;
  scope: TAuthorizationScope;
  validFrom: Date;
  validUntil: Date;
  operatorOrgId: string;
}): string {
  return sha256Hex(
    canonicalJson({
      scenarioId: input.scenarioId,
      scope: parseScope(input.scope, "scope"),
      validFrom: input.validFrom.toISOString(),
      validUntil: input.validUntil.toISOString(),
      operatorOrgId: input.operatorOrgId,
    }),
  );
}

const subjectHashOf = (row: TAuthorizationRow) =>
  authorizationSubjectHash({
    scenarioId: row.scenario_id,
    scope: row.scope,
    validFrom: row.valid_from,
    validUntil: row.valid_until,
    operatorOrgId: row.operator_org_id,
  });

/** Decided steps of an authorization: step → decision (the first signed one counts). */
async function decisionsOf(db: TQueryable, id: string) {
  const approvals = await listApprovals(db, "authorization", id);
  const byStep = new Map<string, (typeof approvals)[number]>();
  for (const a of approvals) if (!byStep.has(a.step)) byStep.set(a.step, a);
  return byStep;
}

/** The state snapshot hashed into audit events. */
function snapshotOf(row: TAuthorizationRow, approvedSteps: readonly string[]) {
  return {
    id: row.id,
    status: row.status,
    scopeHash: row.scope_hash,
    scenarioHash: row.scenario_hash,
    validFrom: row.valid_from.toISOString(),
    validUntil: row.valid_until.toISOString(),
    statusReason: row.status_reason,
    suspendedByOperatorStatus: row.suspended_by_operator_status,
    approvedSteps: [...approvedSteps].sort(),
  };
}

function reasonOf(reason: string, what: string): string {
  const why = reason.trim();
  if (why.length === 0) throw new DomainError("INVALID_INPUT", `${what} needs a reason`);
  if (why.length > 2000) throw new DomainError("INVALID_INPUT", "reason: at most 2000 characters");
  return why;
}

// ── Applying ────────────────────────────────────────────────────────────────────────────────

export interface TApplyInput {
  scenarioId: string;
  scope: TAuthorizationScope;
  validFrom: Date;
  validUntil: Date;
}

/**
 * The operator applies for the authorization of its accepted scenario (one per scenario). The
 * scope must lie within the scenario's requested scope and be authorizable today; the term must
 * end after it starts, at most 5 years later, and not lie in the past.
 */
export async function applyForAuthorization(
  db: TDb,
  actor: TAuthorizationActor,
  input: TApplyInput,
  now: Date,
  opts: { id?: string } = {},
): Promise<{ id: string; status: TAuthorizationStatus }> {
  if (actor.role !== "operator")
    throw new DomainError("FORBIDDEN", "only an operator applies for authorizations");
  const scope = parseScope(input.scope, "scope");
  const { validFrom, validUntil } = input;
  if (Number.isNaN(validFrom.getTime()) || Number.isNaN(validUntil.getTime()))
    throw new DomainError("INVALID_INPUT", "validFrom and validUntil must be valid times");
  if (validUntil.getTime() <= validFrom.getTime())
    throw new DomainError("INVALID_INPUT", "validUntil must be after validFrom");
  if (validUntil.getTime() <= now.getTime())
    throw new DomainError("INVALID_INPUT", "the term must not end in the past");
  // A day of slack lets a form send "from today" (midnight) a few hours after midnight.
  if (validFrom.getTime() < now.getTime() - 86_400_000)
    throw new DomainError("INVALID_INPUT", "validFrom must not lie in the past");
  const id = opts.id ?? randomUUID();

  return db.withTransaction(async (tx) => {
    const scenario = await findScenario(tx, input.scenarioId, true);
    if (!scenario || scenario.operator_org_id !== actor.org.id)
      throw new DomainError("NOT_FOUND", "scenario not found");
    if (scenario.status !== "accepted") {
      throw new DomainError(
        "PRECONDITION_FAILED",
        `an authorization can only be applied for on an accepted scenario (this one is ${scenario.status})`,
      );
    }
    const operatorStatus = await operatorStatusOf(tx, actor.org.id);
    if (operatorStatus !== "admitted") {
      throw new DomainError(
        "PRECONDITION_FAILED",
        `only an admitted operator may apply for authorizations (your organization is ${operatorStatus ?? "not admitted"})`,
      );
    }
    const { rows: existing } = await tx.query<{ status: string }>(
      "SELECT status FROM authorizations WHERE scenario_id = $1",
      [scenario.id],
    );
    if (existing[0]) {
      throw new DomainError(
        "CONFLICT",
        `this scenario already has an authorization application (${existing[0].status}); one per scenario`,
      );
    }
    // Calendar years as PostgreSQL counts them (the table's CHECK uses the same arithmetic).
    const { rows: limit } = await tx.query<{ latest: Date }>(
      "SELECT ($1::timestamptz + make_interval(years => $2)) AS latest",
      [validFrom, MAX_TERM_YEARS],
    );
    if (validUntil.getTime() > limit[0]!.latest.getTime())
      throw new DomainError("INVALID_INPUT", `term exceeds ${MAX_TERM_YEARS} years`);
    const requested = parseScope(scenario.requested_scope, "requested scope");
    const outside = fieldsOutside(scope, requested);
    if (outside.length > 0) {
      throw new DomainError(
        "INVALID_INPUT",
        `scope: fields outside the scenario's requested scope: ${outside.join(", ")}`,
      );
    }
    const datasets = await assertScopeAuthorizable(tx, scope, scenario.compute_mode, now, "scope");
    const sourceOrgIds = [...new Set(scope.map((d) => datasets.get(d.datasetCode)!.sourceOrg.id))];
    const required: TRequiredStep[] = [
      ...sourceOrgIds.map((orgId) => ({ step: sourceStep(orgId), orgId })),
      { step: REGULATOR_STEP },
    ];
    await tx.query(
      `INSERT INTO authorizations (id, scenario_id, operator_org_id, scope, scope_hash, scenario_hash, compute_mode,
         valid_from, valid_until, status, required_approvals, created_by, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending_approval', $10, $11, $12, $12)`,
      [
        id,
        scenario.id,
        actor.org.id,
        JSON.stringify(scope),
        scopeHash(scope),
        scenarioChainHash(scenario),
        scenario.compute_mode,
        validFrom,
        validUntil,
        JSON.stringify(required),
        actor.id,
        now,
      ],
    );
    const row = await findAuthorization(tx, id);
    if (!row) throw new Error("authorization vanished after insert");
    await appendAuditEvent(
      tx,
      {
        actor,
        action: "authorization.apply",
        objectType: "authorization",
        objectId: id,
        before: null,
        after: snapshotOf(row, []),
        detail: {
          scenarioId: scenario.id,
          scopeHash: row.scope_hash,
          validFrom: validFrom.toISOString(),
          validUntil: validUntil.toISOString(),
          steps: required.length,
        },
      },
      now,
    );
    return { id, status: row.status };
  });
}

// ── Approving and rejecting ─────────────────────────────────────────────────────────────────

export interface TDecideInput {
  id: string;
  step: string;
  comment?: string;
}

/** Shared checks of approve / reject: visibility, state and role, the step exists, is the actor's and is open. */
async function openStepFor(
  tx: TQueryable,
  actor: TAuthorizationActor,
  input: TDecideInput,
  action: "approve" | "reject",
) {
  const row = await visibleAuthorization(tx, actor, input.id, true);
  const to = authorizationMachine.next(row.status, action, actor);
  const steps = requiredStepsOf(row);
  const step = steps.find((s) => s.step === input.step);
  if (!step) {
    throw new DomainError(
      "INVALID_INPUT",
      `this authorization has no approval step "${input.step}" (its steps: ${steps.map((s) => s.step).join(", ")})`,
    );
  }
  if (stepOfActor(actor, steps)?.step !== step.step) {
    throw new DomainError(
      "FORBIDDEN",
      actor.role === "regulator"
        ? 'the regulator signs only the "regulator" step'
        : "a department may approve or reject only its own department's step",
    );
  }
  const decisions = await decisionsOf(tx, row.id);
  const decided = decisions.get(step.step);
  if (decided) {
    throw new DomainError(
      "CONFLICT",
      `step ${step.step} was already ${decided.decision === "approve" ? "approved" : "rejected"} by ${decided.signerName} (${decided.signerOrgName})`,
    );
  }
  return { row, to, steps, decisions };
}

/**
 * A required approver approves its step, signed with its own key. When this was the last open
 * step the authorization becomes active and its chain record is queued, in the same transaction.
 */
export async function approveAuthorization(
  db: TDb,
  keyring: TKeyring,
  actor: TAuthorizationActor,
  input: TDecideInput,
  now: Date,
): Promise<{ id: string; status: TAuthorizationStatus; approvalId: string; activated: boolean }> {
  return db.withTransaction(async (tx) => {
    const { row, steps, decisions } = await openStepFor(tx, actor, input, "approve");
    const approvedBefore = [...decisions.values()].filter((a) => a.decision === "approve").map((a) => a.step);
    const approvedAfter = [...approvedBefore, input.step];
    const allApproved = steps.every((s) => approvedAfter.includes(s.step));
    if (allApproved) {
      // Checked before signing so a refused activation leaves no signature behind.
      authorizationMachine.next(row.status, "activate", null);
      const operatorStatus = await operatorStatusOf(tx, row.operator_org_id);
      if (operatorStatus !== "admitted") {
        throw new DomainError(
          "PRECONDITION_FAILED",
          `the operator is ${operatorStatus ?? "not admitted"}: the authorization cannot take effect`,
        );
      }
      if (row.valid_until.getTime() <= now.getTime())
        throw new DomainError("PRECONDITION_FAILED", "the authorization's term has already ended");
    }
    const approval = await signApproval(
      tx,
      keyring,
      actor,
      {
        subjectType: "authorization",
        subjectId: row.id,
        subjectHash: subjectHashOf(row),
        step: input.step,
        decision: "approve",
        comment: input.comment ?? "",
      },
      now,
    );
    await appendAuditEvent(
      tx,
      {
        actor,
        action: "authorization.approve",
        objectType: "authorization",
        objectId: row.id,
        before: snapshotOf(row, approvedBefore),
        after: snapshotOf(row, approvedAfter),
        approvalId: approval.id,
        detail: { step: input.step },
      },
      now,
    );
    if (!allApproved) {
      await tx.query("UPDATE authorizations SET updated_at = $2 WHERE id = $1", [row.id, now]);
      return { id: row.id, status: row.status, approvalId: approval.id, activated: false };
    }
    await tx.query(
      "UPDATE authorizations SET status = 'active', activated_at = $2, updated_at = $2 WHERE id = $1",
      [row.id, now],
    );
    const after = await findAuthorization(tx, row.id);
    if (!after) throw new Error("authorization vanished after update");
    const chainWrite = await enqueueChainWrite(tx, {
      kind: "authorization.record",
      subjectId: row.id,
      payload: {
        operatorOrgId: row.operator_org_id,
        scenarioHash: row.scenario_hash,
        scopeHash: row.scope_hash,
        validFrom: row.valid_from.toISOString(),
        validUntil: row.valid_until.toISOString(),
      },
    });
    await appendAuditEvent(
      tx,
      {
        actor,
        action: "authorization.activate",
        objectType: "authorization",
        objectId: row.id,
        before: snapshotOf(row, approvedAfter),
        after: snapshotOf(after, approvedAfter),
        approvalId: approval.id,
        detail: {
          from: row.status,
          to: "active",
          chainWrite: "authorization.record",
          chainWriteId: chainWrite.id,
        },
      },
      now,
    );
    return { id: row.id, status: "active", approvalId: approval.id, activated: true };
  });
}

/** A required approver rejects the application (signed, with a reason); it ends as rejected. */
export async function rejectAuthorization(
  db: TDb,
  keyring: TKeyring,
  actor: TAuthorizationActor,
  input: TDecideInput,
  now: Date,
): Promise<{ id: string; status: TAuthorizationStatus; approvalId: string }> {
  const comment = reasonOf(input.comment ?? "", "a rejection");
  return db.withTransaction(async (tx) => {
    const { row, to, decisions } = await openStepFor(tx, actor, input, "reject");
    const approved = [...decisions.values()].filter((a) => a.decision === "approve").map((a) => a.step);
    const approval = await signApproval(
      tx,
      keyring,
      actor,
      {
        subjectType: "authorization",
        subjectId: row.id,
        subjectHash: subjectHashOf(row),
        step: input.step,
        decision: "reject",
        comment,
      },
      now,
    );
    await tx.query(
      "UPDATE authorizations SET status = $2, status_reason = $3, updated_at = $4 WHERE id = $1",
      [row.id, to, comment, now],
    );
    const after = await findAuthorization(tx, row.id);
    if (!after) throw new Error("authorization vanished after update");
    await appendAuditEvent(
      tx,
      {
        actor,
        action: "authorization.reject",
        objectType: "authorization",
        objectId: row.id,
        before: snapshotOf(row, approved),
        after: snapshotOf(after, approved),
        approvalId: approval.id,
        detail: { step: input.step, from: row.status, to, reason: comment },
      },
      now,
    );
    return { id: row.id, status: to, approvalId: approval.id };
  });
}

// ── Regulator actions and expiry ────────────────────────────────────────────────────────────

/**
 * Suspends (active → suspended), resumes (suspended → active) or revokes (active|suspended →
 * revoked, final) an authorization, with a reason; queues the chain status in the same
 * transaction. A suspension caused by the operator's own suspension is resumed only once the
 * operator is admitted again; an authorization whose term ended cannot be resumed.
 */
export async function changeAuthorizationStatus(
  db: TDb,
  actor: TAuthorizationActor,
  input: { id: string; action: "suspend" | "resume" | "revoke"; reason: string },
  now: Date,
): Promise<{ id: string; status: TAuthorizationStatus }> {
  const verb = { suspend: "a suspension", resume: "resuming", revoke: "a revocation" }[input.action];
  const reason = reasonOf(input.reason, verb);
  return db.withTransaction(async (tx) => {
    const row = await visibleAuthorization(tx, actor, input.id, true);
    const to = authorizationMachine.next(row.status, input.action, actor);
    if (input.action === "resume") {
      if (row.valid_until.getTime() <= now.getTime())
        throw new DomainError(
          "PRECONDITION_FAILED",
          "the authorization's term has ended; it cannot be resumed",
        );
      const operatorStatus = await operatorStatusOf(tx, row.operator_org_id);
      if (row.suspended_by_operator_status && operatorStatus !== "admitted") {
        throw new DomainError(
          "PRECONDITION_FAILED",
          `this authorization was suspended with its operator, which is ${operatorStatus ?? "not admitted"}: it resumes when the operator is restored`,
        );
      }
    }
    await tx.query(
      `UPDATE authorizations SET status = $2, status_reason = $3, suspended_by_operator_status = false,
         updated_at = $4 WHERE id = $1`,
      [row.id, to, reason, now],
    );
    const after = await findAuthorization(tx, row.id);
    if (!after) throw new Error("authorization vanished after update");
    const chainStatus = CHAIN_STATUS_OF[to];
    if (!chainStatus) throw new Error(`no chain status for ${to}`);
    const chainWrite = await enqueueChainWrite(tx, {
      kind: "authorization.status",
      subjectId: row.id,
      payload: { status: chainStatus },
    });
    const approved = [...(await decisionsOf(tx, row.id)).values()]
      .filter((a) => a.decision === "approve")
      .map((a) => a.step);
    await appendAuditEvent(
      tx,
      {
        actor,
        action: `authorization.${input.action}`,
        objectType: "authorization",
        objectId: row.id,
        before: snapshotOf(row, approved),
        after: snapshotOf(after, approved),
        detail: {
          from: row.status,
          to,
          reason,
          chainWrite: "authorization.status",
          chainWriteId: chainWrite.id,
        },
      },
      now,
    );
    return { id: row.id, status: to };
  });
}

/**
 * The system's expiry (for a timer): every active or suspended authorization whose term has ended
 * becomes expired, each with an audit event. No chain write: the chain's isActive checks the term.
 */
export async function expireAuthorizations(db: TDb, now: Date): Promise<{ expired: string[] }> {
  return db.withTransaction(async (tx) => {
    const { rows } = await tx.query<{ id: string }>(
      `SELECT id FROM authorizations WHERE status IN ('active', 'suspended') AND valid_until <= $1
        ORDER BY valid_until, id FOR UPDATE`,
      [now],
    );
    const expired: string[] = [];
    for (const { id } of rows) {
      const row = await findAuthorization(tx, id);
      if (!row) continue;
      const to = authorizationMachine.next(row.status, "expire", null);
      await tx.query(
        `UPDATE authorizations SET status = $2, status_reason = 'term_ended', suspended_by_operator_status = false,
           updated_at = $3 WHERE id = $1`,
        [id, to, now],
      );
      const after = await findAuthorization(tx, id);
      if (!after) continue;
      await appendAuditEvent(
        tx,
        {
          actor: null,
          action: "authorization.expire",
          objectType: "authorization",
          objectId: id,
          before: snapshotOf(row, []),
          after: snapshotOf(after, []),
          detail: { from: row.status, to, validUntil: row.valid_until.toISOString() },
        },
        now,
      );
      expired.push(id);
    }
    return { expired };
  });
}

// ── Queries ─────────────────────────────────────────────────────────────────────────────────

export interface TStepView {
  step: string;
  kind: "source" | "regulator";
  org: { id: string; name: string } | null;
  status: "pending" | "approved" | "rejected";
  approval: {
    id: string;
    decision: "approve" | "reject";
    comment: string;
    signerName: string;
    signerOrgName: string;
    keyId: string;
    publicKey: string;
    signature: string;
    signedAt: string;
    verified: boolean;
    checks: { name: string; ok: boolean; detail: string }[];
  } | null;
}

export interface TAuthorizationSummary {
  id: string;
  scenario: { id: string; title: string };
  operatorOrg: { id: string; name: string };
  status: TAuthorizationStatus;
  computeMode: TComputeMode;
  validFrom: string;
  validUntil: string;
  datasetCodes: string[];
  steps: { step: string; orgName: string | null; status: "pending" | "approved" | "rejected" }[];
  /** The caller has an open step to sign. */
  awaitingMe: boolean;
  createdAt: string;
  activatedAt: string | null;
}

async function orgNames(db: TQueryable, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const { rows } = await db.query<{ id: string; name: string }>(
    "SELECT id, name FROM organizations WHERE id = ANY($1)",
    [[...new Set(ids)]],
  );
  return new Map(rows.map((r) => [r.id, r.name]));
}

/**
 * Authorizations the caller may see, newest first: an operator its own, a department those
 * naming it as a source, the regulator and auditors all. Filter by status, or to those awaiting
 * the caller's signature.
 */
export async function listAuthorizations(
  db: TQueryable,
  actor: TAuthorizationActor,
  filter: { status?: TAuthorizationStatus; awaitingMe?: boolean } = {},
): Promise<TAuthorizationSummary[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (actor.role === "operator") {
    params.push(actor.org.id);
    where.push(`a.operator_org_id = $${params.length}`);
  } else if (actor.role === "data_source") {
    params.push(JSON.stringify([{ orgId: actor.org.id }]));
    where.push(`a.required_approvals @> $${params.length}::jsonb`);
  } else if (actor.role !== "regulator" && actor.role !== "auditor") {
    return [];
  }
  if (filter.status) {
    params.push(filter.status);
    where.push(`a.status = $${params.length}`);
  }
  const { rows } = await db.query<TAuthorizationRow>(
    `SELECT ${AUTHORIZATION_COLUMNS} ${AUTHORIZATION_FROM}
      ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
      ORDER BY a.created_at DESC, a.id
      LIMIT 500`,
    params,
  );
  const ids = rows.map((r) => r.id);
  const { rows: decided } = ids.length
    ? await db.query<{ subject_id: string; step: string; decision: "approve" | "reject" }>(
        `SELECT subject_id, step, decision FROM signed_approvals
          WHERE subject_type = 'authorization' AND subject_id = ANY($1) ORDER BY signed_at, id`,
        [ids],
      )
    : { rows: [] };
  const decisionOf = new Map<string, "approve" | "reject">();
  for (const d of decided) {
    const key = `${d.subject_id} ${d.step}`;
    if (!decisionOf.has(key)) decisionOf.set(key, d.decision);
  }
  const stepsByRow = new Map(rows.map((r) => [r.id, requiredStepsOf(r)]));
  const names = await orgNames(
    db,
    [...stepsByRow.values()].flat().flatMap((s) => ("orgId" in s ? [s.orgId] : [])),
  );
  const items = rows.map((r): TAuthorizationSummary => {
    const steps = stepsByRow.get(r.id) ?? [];
    const mine = stepOfActor(actor, steps);
    const statusOf = (step: string) => {
      const d = decisionOf.get(`${r.id} ${step}`);
      return d === "approve" ? "approved" : d === "reject" ? "rejected" : "pending";
    };
    return {
      id: r.id,
      scenario: { id: r.scenario_id, title: r.scenario_title },
      operatorOrg: { id: r.operator_org_id, name: r.operator_org_name },
      status: r.status,
      computeMode: r.compute_mode,
      validFrom: r.valid_from.toISOString(),
      validUntil: r.valid_until.toISOString(),
      datasetCodes: r.scope.map((d) => d.datasetCode),
      steps: steps.map((s) => ({
        step: s.step,
        orgName: "orgId" in s ? (names.get(s.orgId) ?? null) : null,
        status: statusOf(s.step),
      })),
      awaitingMe: r.status === "pending_approval" && mine !== null && statusOf(mine.step) === "pending",
      createdAt: r.created_at.toISOString(),
      activatedAt: r.activated_at?.toISOString() ?? null,
    };
  });
  return filter.awaitingMe ? items.filter((i) => i.awaitingMe) : items;
}

/** Actions the caller may take from the UI (approve/reject only with an open step of its own). */
export type TAuthorizationUiAction = Exclude<TAuthorizationAction, "activate" | "expire">;

export interface TAuthorizationDetail extends Omit<TAuthorizationSummary, "steps" | "datasetCodes"> {
  statusReason: string | null;
  suspendedByOperatorStatus: boolean;
  operatorStatus: string | null;
  scenario: {
    id: string;
    title: string;
    purpose: string;
    beneficiaryClass: string;
    expectedOutputs: string;
    status: string;
    contentHash: string | null;
  };
  scope: TResolvedScopeDataset[];
  /** On-chain identifiers: the record's id, the operator's id, and the hashes it carries. */
  chain: { authorizationId: string; operatorId: string; scopeHash: string; scenarioHash: string };
  /** SHA-256 of the agreement content every approval signs. */
  subjectHash: string;
  steps: TStepView[];
  /** The caller's own open step, if any. */
  myStep: string | null;
  chainWrites: (Omit<TChainWriteView, "createdAt" | "confirmedAt"> & {
    createdAt: string;
    confirmedAt: string | null;
  })[];
  events: TObjectEvent[];
  allowedActions: TAuthorizationUiAction[];
  updatedAt: string;
}

/** One authorization with scope names, signed steps (verified), chain writes and trail. */
export async function getAuthorization(
  db: TQueryable,
  actor: TAuthorizationActor,
  id: string,
  now: Date,
): Promise<TAuthorizationDetail> {
  const row = await visibleAuthorization(db, actor, id, false);
  const scenario = await findScenario(db, row.scenario_id);
  if (!scenario) throw new DomainError("NOT_FOUND", "authorization not found");
  const steps = requiredStepsOf(row);
  const subjectHash = subjectHashOf(row);
  const decisions = await decisionsOf(db, row.id);
  const names = await orgNames(
    db,
    steps.flatMap((s) => ("orgId" in s ? [s.orgId] : [])),
  );
  const stepViews: TStepView[] = [];
  for (const s of steps) {
    const a = decisions.get(s.step);
    const verification = a ? await verifyApproval(db, a.id, subjectHash) : null;
    stepViews.push({
      step: s.step,
      kind: "orgId" in s ? "source" : "regulator",
      org: "orgId" in s ? { id: s.orgId, name: names.get(s.orgId) ?? "" } : null,
      status: a ? (a.decision === "approve" ? "approved" : "rejected") : "pending",
      approval:
        a && verification
          ? {
              id: a.id,
              decision: a.decision,
              comment: a.comment,
              signerName: a.signerName,
              signerOrgName: a.signerOrgName,
              keyId: a.keyId,
              publicKey: a.publicKey,
              signature: a.signature,
              signedAt: a.signedAt.toISOString(),
              verified: verification.ok,
              checks: verification.checks,
            }
          : null,
    });
  }
  const mine = stepOfActor(actor, steps);
  const myOpenStep =
    row.status === "pending_approval" && mine && !decisions.has(mine.step) ? mine.step : null;
  const allowedActions = authorizationMachine
    .allowedActions(row.status, actor)
    .filter((a): a is TAuthorizationUiAction => a !== "activate" && a !== "expire")
    .filter((a) => (a === "approve" || a === "reject" ? myOpenStep !== null : true));
  return {
    id: row.id,
    status: row.status,
    statusReason: row.status_reason,
    suspendedByOperatorStatus: row.suspended_by_operator_status,
    operatorOrg: { id: row.operator_org_id, name: row.operator_org_name },
    operatorStatus: await operatorStatusOf(db, row.operator_org_id),
    computeMode: row.compute_mode,
    validFrom: row.valid_from.toISOString(),
    validUntil: row.valid_until.toISOString(),
    createdAt: row.created_at.toISOString(),
    activatedAt: row.activated_at?.toISOString() ?? null,
    updatedAt: row.updated_at.toISOString(),
    scenario: {
      id: scenario.id,
      title: scenario.title,
      purpose: scenario.purpose,
      beneficiaryClass: scenario.beneficiary_class,
      expectedOutputs: scenario.expected_outputs,
      status: scenario.status,
      contentHash: scenario.content_hash,
    },
    scope: await resolveScope(db, row.scope, row.compute_mode, now),
    chain: {
      authorizationId: authorizationChainId(row.id),
      operatorId: operatorChainId(row.operator_org_id),
      scopeHash: row.scope_hash,
      scenarioHash: row.scenario_hash,
    },
    subjectHash,
    steps: stepViews,
    myStep: myOpenStep,
    awaitingMe: myOpenStep !== null,
    chainWrites: (await chainWritesFor(db, row.id)).map((w) => ({
      ...w,
      createdAt: w.createdAt.toISOString(),
      confirmedAt: w.confirmedAt?.toISOString() ?? null,
    })),
    events: await objectEvents(db, "authorization", row.id),
    allowedActions,
  };
}
