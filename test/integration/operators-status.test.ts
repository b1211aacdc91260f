/**
 * Operator status and annual evaluation through the API with real parts: every (status × action)
 * pair of the operator machine, the cascade onto the operator's authorizations (rows inserted
 * directly here) with its chain writes and audit events in the same transaction, annual reports
 * (once a year, admitted or rectifying operators only) and signed evaluations whose decision
 * moves the operator.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  OPERATOR_STATUS_ACTIONS,
  OPERATOR_STATUSES,
  type TOperatorStatus,
  type TOperatorStatusAction,
} from "../../server/src/domain/operators/operator-machines";
import { seedDemoOperators } from "../../server/src/domain/operators/seed-operators";
import { orgIdFor } from "../../server/src/domain/seed/seed-demo-data";
import { stableUuid } from "../../server/src/domain/seed/stable-id";
import { verifyAuditTrail } from "../../server/src/domain/trail/audit-trail";
import {
  createServerTestKit,
  type TCaller,
  type TServerTestKit,
} from "../../server/src/testing/server-test-kit";
import {
  AUDITOR,
  addOperatorOrg,
  BUYER,
  countOf,
  DEMO_OPERATOR,
  outcome,
  REGULATOR,
  SOURCE,
  STATEMENT,
  uploadDossier,
} from "./operators-support";

const DAY_MS = 86_400_000;
const clock = new Date("2026-03-02T02:00:00.000Z");

let kit: TServerTestKit;
let regulator: TCaller;
let auditor: TCaller;
let buyer: TCaller;
let source: TCaller;
let demoOperator: TCaller;

beforeAll(async () => {
  kit = await createServerTestKit({ now: () => clock, publicNoticeDays: 0 });
  await seedDemoOperators(kit.db, kit.deps.keyring, clock);
  regulator = await kit.callerAs(REGULATOR);
  auditor = await kit.callerAs(AUDITOR);
  buyer = await kit.callerAs(BUYER);
  source = await kit.callerAs(SOURCE);
  demoOperator = await kit.callerAs(DEMO_OPERATOR);
});
afterAll(async () => {
  await kit?.close();
});

/** A fresh operator admitted through the API (notice period 0 in this file). */
async function admittedOperator(): Promise<{ orgId: string; caller: TCaller }> {
  const email = await addOperatorOrg(kit.db, "status");
  const caller = await kit.callerAs(email);
  const { id } = await caller.operators.createApplication({ statement: STATEMENT });
  await uploadDossier(caller, id);
  await caller.operators.submitApplication({ applicationId: id });
  for (const action of ["pre_review", "expert_review", "approve", "admit"] as const) {
    await regulator.operators.reviewApplication({ applicationId: id, action, comment: "同意" });
  }
  const orgId = (await caller.operators.myStatus()).org.id;
  return { orgId, caller };
}

const PATH_TO: Record<TOperatorStatus, TOperatorStatusAction[]> = {
  admitted: [],
  rectifying: ["rectify"],
  suspended: ["suspend"],
  terminated: ["terminate"],
};

async function operatorIn(status: TOperatorStatus): Promise<{ orgId: string; caller: TCaller }> {
  const op = await admittedOperator();
  for (const action of PATH_TO[status]) {
    await regulator.operators.changeStatus({ orgId: op.orgId, action, reason: "测试" });
  }
  return op;
}

const ALLOWED: Record<TOperatorStatus, Partial<Record<TOperatorStatusAction, TOperatorStatus>>> = {
  admitted: { rectify: "rectifying", suspend: "suspended", terminate: "terminated" },
  rectifying: { restore: "admitted", suspend: "suspended", terminate: "terminated" },
  suspended: { restore: "admitted", terminate: "terminated" },
  terminated: {},
};

const statusOf = async (orgId: string) =>
  (await regulator.operators.list()).operators.find((o) => o.org.id === orgId)?.status;

describe("operator status machine through the API", () => {
  for (const status of OPERATOR_STATUSES) {
    it(`from ${status}: the regulator's allowed actions, everyone else refused, the rest INVALID_STATE`, async () => {
      const op = await operatorIn(status);
      expect(await statusOf(op.orgId)).toBe(status);
      const allowed = ALLOWED[status];
      for (const action of OPERATOR_STATUS_ACTIONS) {
        const call = (c: TCaller) => c.operators.changeStatus({ orgId: op.orgId, action, reason: "理由" });
        if (!(action in allowed)) {
          expect(await outcome(call(regulator)), `${status} ${action}`).toBe("INVALID_STATE");
          continue;
        }
        for (const c of [op.caller, demoOperator, auditor, buyer, source]) {
          expect(await outcome(call(c)), `${status} ${action}`).toBe("FORBIDDEN");
        }
      }
      expect(await statusOf(op.orgId)).toBe(status);
      let first = true;
      for (const [action, to] of Object.entries(allowed) as [TOperatorStatusAction, TOperatorStatus][]) {
        const target = first ? op : await operatorIn(status);
        first = false;
        const change = await regulator.operators.changeStatus({
          orgId: target.orgId,
          action,
          reason: "监管决定",
        });
        expect(change).toMatchObject({ orgId: target.orgId, from: status, to });
        expect(await statusOf(target.orgId)).toBe(to);
      }
    });
  }

  it("needs a reason, signs the change and records it", async () => {
    const op = await admittedOperator();
    expect(
      await outcome(regulator.operators.changeStatus({ orgId: op.orgId, action: "rectify", reason: "" })),
    ).toBe("BAD_REQUEST");
    await regulator.operators.changeStatus({
      orgId: op.orgId,
      action: "rectify",
      reason: "数据安全制度不完善",
    });
    const { rows } = await kit.db.query<{ step: string; comment: string; id: string }>(
      "SELECT id, step, comment FROM signed_approvals WHERE subject_type = 'operator_status' AND subject_id = $1",
      [op.orgId],
    );
    expect(rows.map((r) => [r.step, r.comment])).toEqual([["rectify", "数据安全制度不完善"]]);
    const { rows: events } = await kit.db.query<{ action: string; approval_id: string }>(
      "SELECT action, approval_id FROM audit_events WHERE object_type = 'operator' AND object_id = $1 ORDER BY seq",
      [op.orgId],
    );
    expect(events.map((e) => e.action)).toEqual(["operator.admit", "operator.rectify"]);
    expect(events[1]!.approval_id).toBe(rows[0]!.id);
    const mine = await op.caller.operators.myStatus();
    expect(mine).toMatchObject({ status: "rectifying", statusReason: "数据安全制度不完善", canReport: true });
  });

  it("refuses an organization that was never admitted", async () => {
    const never = orgIdFor("pengcheng-bank");
    expect(
      await outcome(regulator.operators.changeStatus({ orgId: never, action: "suspend", reason: "x" })),
    ).toBe("NOT_FOUND");
  });
});

// ── the cascade onto authorizations

type TAuthStatus = "pending_approval" | "active" | "suspended" | "revoked" | "expired" | "rejected";

/** Inserts an authorization (and its scenario) for `orgId` directly. */
async function insertAuthorization(
  orgId: string,
  status: TAuthStatus,
  opts: { suspendedByOperator?: boolean; validUntil?: Date } = {},
): Promise<string> {
  const scenarioId = randomUUID();
  const id = randomUUID();
  const creator = stableUuid(`user:${DEMO_OPERATOR}`);
  await kit.db.query(
    `INSERT INTO scenarios (id, operator_org_id, title, purpose, beneficiary_class, compute_mode, expected_outputs,
       requested_scope, status, created_by)
     VALUES ($1, $2, '测试场景', '测试', 'industry', 'sandbox', '聚合统计', '[]', 'accepted', $3)`,
    [scenarioId, orgId, creator],
  );
  const validFrom = new Date(clock.getTime() - 30 * DAY_MS);
  await kit.db.query(
    `INSERT INTO authorizations (id, scenario_id, operator_org_id, scope, scope_hash, scenario_hash, compute_mode,
       valid_from, valid_until, status, required_approvals, suspended_by_operator_status, status_reason, created_by)
     VALUES ($1, $2, $3, '[]', $4, $5, 'sandbox', $6, $7, $8, '[]', $9, $10, $11)`,
    [
      id,
      scenarioId,
      orgId,
      `0x${"a".repeat(64)}`,
      `0x${"b".repeat(64)}`,
      validFrom,
      opts.validUntil ?? new Date(clock.getTime() + 365 * DAY_MS),
      status,
      opts.suspendedByOperator ?? false,
      status === "suspended" && !opts.suspendedByOperator ? "regulator_suspended" : null,
      creator,
    ],
  );
  return id;
}

async function authorization(id: string) {
  const { rows } = await kit.db.query<{
    status: string;
    suspended_by_operator_status: boolean;
    status_reason: string | null;
  }>("SELECT status, suspended_by_operator_status, status_reason FROM authorizations WHERE id = $1", [id]);
  return rows[0]!;
}

async function chainWrites(id: string) {
  const { rows } = await kit.db.query<{ kind: string; payload: unknown; status: string }>(
    "SELECT kind, payload, status FROM chain_writes WHERE subject_id = $1 ORDER BY id",
    [id],
  );
  return rows;
}

async function authorizationEvents(id: string) {
  const { rows } = await kit.db.query<{
    action: string;
    detail: Record<string, unknown>;
    approval_id: string | null;
  }>(
    "SELECT action, detail, approval_id FROM audit_events WHERE object_type = 'authorization' AND object_id = $1 ORDER BY seq",
    [id],
  );
  return rows;
}

describe("cascade onto the operator's authorizations", () => {
  it("suspend: every active one suspended (flagged), chain write and audit event each; others untouched", async () => {
    const op = await admittedOperator();
    const other = await admittedOperator();
    const active1 = await insertAuthorization(op.orgId, "active");
    const active2 = await insertAuthorization(op.orgId, "active");
    const byRegulator = await insertAuthorization(op.orgId, "suspended");
    const pending = await insertAuthorization(op.orgId, "pending_approval");
    const othersActive = await insertAuthorization(other.orgId, "active");

    const change = await regulator.operators.changeStatus({
      orgId: op.orgId,
      action: "suspend",
      reason: "重大安全事件",
    });
    expect(change.authorizations).toEqual({ suspended: 2, restored: 0, expired: 0, revoked: 0, rejected: 0 });
    for (const id of [active1, active2]) {
      expect(await authorization(id)).toEqual({
        status: "suspended",
        suspended_by_operator_status: true,
        status_reason: "operator_suspended",
      });
      // No registries in this kit: the write waits in the outbox.
      expect(await chainWrites(id)).toEqual([
        { kind: "authorization.status", payload: { status: "suspended" }, status: "pending" },
      ]);
      const events = await authorizationEvents(id);
      expect(events.map((e) => e.action)).toEqual(["authorization.suspend"]);
      expect(events[0]!.detail).toMatchObject({ cause: "operator.suspend", operatorOrgId: op.orgId });
      expect(events[0]!.approval_id).not.toBeNull();
    }
    expect((await authorization(byRegulator)).suspended_by_operator_status).toBe(false);
    expect((await authorization(pending)).status).toBe("pending_approval");
    expect((await authorization(othersActive)).status).toBe("active");
    for (const id of [byRegulator, pending, othersActive]) expect(await chainWrites(id)).toEqual([]);
    const overview = (await auditor.operators.list()).operators.find((o) => o.org.id === op.orgId)!;
    expect(overview.authorizations).toEqual({ active: 0, suspended: 3, revoked: 0, pending: 1 });

    // restore: only the ones the operator's suspension suspended come back.
    const expiring = await insertAuthorization(op.orgId, "suspended", {
      suspendedByOperator: true,
      validUntil: new Date(clock.getTime() - DAY_MS),
    });
    const restored = await regulator.operators.changeStatus({
      orgId: op.orgId,
      action: "restore",
      reason: "整改完成",
    });
    expect(restored.authorizations).toEqual({
      suspended: 0,
      restored: 2,
      expired: 1,
      revoked: 0,
      rejected: 0,
    });
    for (const id of [active1, active2]) {
      expect(await authorization(id)).toEqual({
        status: "active",
        suspended_by_operator_status: false,
        status_reason: null,
      });
      expect((await chainWrites(id)).map((w) => w.payload)).toEqual([
        { status: "suspended" },
        { status: "active" },
      ]);
      expect((await authorizationEvents(id)).map((e) => e.action)).toEqual([
        "authorization.suspend",
        "authorization.resume",
      ]);
    }
    expect(await authorization(byRegulator)).toMatchObject({
      status: "suspended",
      status_reason: "regulator_suspended",
    });
    expect(await authorization(expiring)).toMatchObject({
      status: "expired",
      suspended_by_operator_status: false,
    });
    expect(await chainWrites(expiring)).toEqual([]);
    expect((await authorizationEvents(expiring)).map((e) => e.action)).toEqual(["authorization.expire"]);
    expect((await verifyAuditTrail(kit.db)).ok).toBe(true);
  });

  it("terminate: active and suspended revoked (chain writes), pending rejected (no chain write)", async () => {
    const op = await admittedOperator();
    const active = await insertAuthorization(op.orgId, "active");
    const suspended = await insertAuthorization(op.orgId, "suspended");
    const pending = await insertAuthorization(op.orgId, "pending_approval");
    const expired = await insertAuthorization(op.orgId, "expired");

    const change = await regulator.operators.changeStatus({
      orgId: op.orgId,
      action: "terminate",
      reason: "退出",
    });
    expect(change.authorizations).toEqual({ suspended: 0, restored: 0, expired: 0, revoked: 2, rejected: 1 });
    for (const id of [active, suspended]) {
      expect(await authorization(id)).toMatchObject({
        status: "revoked",
        status_reason: "operator_terminated",
      });
      expect((await chainWrites(id)).map((w) => w.payload)).toEqual([{ status: "revoked" }]);
      expect((await authorizationEvents(id)).map((e) => e.action)).toEqual(["authorization.revoke"]);
    }
    expect(await authorization(pending)).toMatchObject({
      status: "rejected",
      status_reason: "operator_terminated",
    });
    expect(await chainWrites(pending)).toEqual([]);
    expect((await authorizationEvents(pending)).map((e) => e.action)).toEqual(["authorization.reject"]);
    expect((await authorization(expired)).status).toBe("expired");
    // Terminated is final.
    expect(
      await outcome(regulator.operators.changeStatus({ orgId: op.orgId, action: "restore", reason: "x" })),
    ).toBe("INVALID_STATE");
    // The terminated organization may apply again.
    expect((await op.caller.operators.myStatus()).canApply).toBe(true);
  });

  it("is in the same transaction: a failing cascade leaves the operator and its authorizations unchanged", async () => {
    const op = await admittedOperator();
    const active = await insertAuthorization(op.orgId, "active");
    // Make the chain write fail inside the transaction (a constraint refuses it).
    await kit.db.query(
      "ALTER TABLE chain_writes ADD CONSTRAINT test_refuse_writes CHECK (kind <> 'authorization.status') NOT VALID",
    );
    try {
      expect(
        await outcome(regulator.operators.changeStatus({ orgId: op.orgId, action: "suspend", reason: "x" })),
      ).toBe("INTERNAL_SERVER_ERROR");
    } finally {
      await kit.db.query("ALTER TABLE chain_writes DROP CONSTRAINT test_refuse_writes");
    }
    expect(await statusOf(op.orgId)).toBe("admitted");
    expect((await authorization(active)).status).toBe("active");
    expect(await countOf(kit.db, "SELECT 1 FROM audit_events WHERE object_id = $1", [active])).toBe(0);
    expect(
      await countOf(
        kit.db,
        "SELECT 1 FROM signed_approvals WHERE subject_type = 'operator_status' AND subject_id = $1",
        [op.orgId],
      ),
    ).toBe(0);
  });
});

// ── annual reports

const REPORT = {
  productsCount: 3,
  scenariosCount: 2,
  revenueCny: 1_250_000.5,
  buyersCount: 12,
  securityIncidents: 0,
  incidentSummary: "",
  complianceStatement: "本年度依法依规开展授权运营，未发生数据安全事件。",
};

describe("annual reports and evaluation", () => {
  it("an admitted operator reports once per year; others cannot", async () => {
    const op = await admittedOperator();
    const { id } = await op.caller.operators.submitAnnualReport({ year: 2025, report: REPORT });
    expect(await outcome(op.caller.operators.submitAnnualReport({ year: 2025, report: REPORT }))).toBe(
      "CONFLICT",
    );
    expect(await outcome(op.caller.operators.submitAnnualReport({ year: 2027, report: REPORT }))).toBe(
      "INVALID_INPUT",
    );
    expect(
      await outcome(
        op.caller.operators.submitAnnualReport({ year: 2024, report: { ...REPORT, securityIncidents: 1 } }),
      ),
    ).toBe("BAD_REQUEST");
    expect(await outcome(buyer.operators.submitAnnualReport({ year: 2025, report: REPORT }))).toBe(
      "FORBIDDEN",
    );
    const applicant = await kit.callerAs(await addOperatorOrg(kit.db, "not-admitted"));
    expect(await outcome(applicant.operators.submitAnnualReport({ year: 2025, report: REPORT }))).toBe(
      "PRECONDITION_FAILED",
    );
    const suspended = await operatorIn("suspended");
    expect(await outcome(suspended.caller.operators.submitAnnualReport({ year: 2025, report: REPORT }))).toBe(
      "INVALID_STATE",
    );
    const rectifying = await operatorIn("rectifying");
    expect(
      (await rectifying.caller.operators.submitAnnualReport({ year: 2025, report: REPORT })).status,
    ).toBe("submitted");

    // The operator sees its own reports only; the regulator and auditors see all.
    const mine = await op.caller.operators.listAnnualReports();
    expect(mine.map((r) => r.id)).toEqual([id]);
    expect(mine[0]).toMatchObject({
      year: 2025,
      status: "submitted",
      reportHashMatches: true,
      evaluation: null,
    });
    expect(mine[0]!.allowedActions).toEqual([]);
    const all = await regulator.operators.listAnnualReports({ year: 2025 });
    expect(all.map((r) => r.id)).toContain(id);
    expect(all.find((r) => r.id === id)!.allowedActions).toEqual(["evaluate"]);
    expect((await auditor.operators.listAnnualReports()).length).toBe(all.length);
    expect(await outcome(source.operators.listAnnualReports())).toBe("FORBIDDEN");
  });

  it("the regulator's signed evaluation applies its decision to the operator, with the cascade", async () => {
    const op = await admittedOperator();
    const active = await insertAuthorization(op.orgId, "active");
    const { id } = await op.caller.operators.submitAnnualReport({ year: 2025, report: REPORT });

    expect(
      await outcome(
        op.caller.operators.evaluateAnnualReport({ reportId: id, score: 50, decision: "continue" }),
      ),
    ).toBe("FORBIDDEN");
    expect(
      await outcome(
        regulator.operators.evaluateAnnualReport({ reportId: id, score: 101, decision: "continue" }),
      ),
    ).toBe("BAD_REQUEST");
    expect(
      await outcome(
        regulator.operators.evaluateAnnualReport({ reportId: id, score: 40, decision: "suspend" }),
      ),
    ).toBe("INVALID_INPUT");

    const result = await regulator.operators.evaluateAnnualReport({
      reportId: id,
      score: 42,
      decision: "suspend",
      comment: "安全管理不达标，暂停运营",
    });
    expect(result.statusChange).toMatchObject({ from: "admitted", to: "suspended" });
    expect(result.statusChange?.authorizations.suspended).toBe(1);
    expect(await statusOf(op.orgId)).toBe("suspended");
    expect(await authorization(active)).toMatchObject({
      status: "suspended",
      suspended_by_operator_status: true,
    });
    const [report] = await auditor.operators
      .listAnnualReports({ year: 2025, status: "evaluated" })
      .then((rs) => rs.filter((r) => r.id === id));
    expect(report!.evaluation).toMatchObject({
      score: 42,
      decision: "suspend",
      comment: "安全管理不达标，暂停运营",
    });
    expect(report!.evaluation!.approval).toMatchObject({
      step: "evaluation",
      decision: "reject",
      verified: true,
    });
    expect(report!.operatorStatus).toBe("suspended");
    // The authorization's suspension points at the evaluation's signature.
    expect((await authorizationEvents(active))[0]!.approval_id).toBe(result.approvalId);

    // Evaluated once only.
    expect(
      await outcome(
        regulator.operators.evaluateAnnualReport({ reportId: id, score: 90, decision: "continue" }),
      ),
    ).toBe("INVALID_STATE");

    // A changed score no longer matches the signature.
    await kit.db.query("UPDATE operator_annual_reports SET score = 95 WHERE id = $1", [id]);
    const tampered = (await regulator.operators.listAnnualReports()).find((r) => r.id === id)!;
    expect(tampered.evaluation!.approval!.verified).toBe(false);
  });

  it("continue restores a rectifying operator; rectify of a rectifying one changes nothing; terminated cannot be evaluated into anything", async () => {
    const rectifying = await operatorIn("rectifying");
    const r1 = await rectifying.caller.operators.submitAnnualReport({ year: 2025, report: REPORT });
    const continued = await regulator.operators.evaluateAnnualReport({
      reportId: r1.id,
      score: 88,
      decision: "continue",
    });
    expect(continued.statusChange).toMatchObject({ from: "rectifying", to: "admitted" });

    const again = await operatorIn("rectifying");
    const r2 = await again.caller.operators.submitAnnualReport({ year: 2025, report: REPORT });
    const stay = await regulator.operators.evaluateAnnualReport({
      reportId: r2.id,
      score: 60,
      decision: "rectify",
      comment: "继续整改",
    });
    expect(stay.statusChange).toBeNull();
    expect(await statusOf(again.orgId)).toBe("rectifying");

    const doomed = await admittedOperator();
    const r3 = await doomed.caller.operators.submitAnnualReport({ year: 2025, report: REPORT });
    await regulator.operators.changeStatus({ orgId: doomed.orgId, action: "terminate", reason: "退出" });
    expect(
      await outcome(
        regulator.operators.evaluateAnnualReport({
          reportId: r3.id,
          score: 10,
          decision: "rectify",
          comment: "x",
        }),
      ),
    ).toBe("INVALID_STATE");
    // Nothing was signed for the refused evaluation.
    expect(await countOf(kit.db, "SELECT 1 FROM signed_approvals WHERE subject_id = $1", [r3.id])).toBe(0);
  });
});
