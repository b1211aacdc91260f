/**
 * Authorization agreements through the API on a real database: applying (scope ⊆ the accepted
 * scenario's, grade policy, term ≤ 5 years, one per scenario), the signed approval steps of each
 * source department and the regulator (only one's own step), activation with its chain record in
 * the same transaction, the regulator's suspend / resume / revoke, the system's expiry, every
 * state × action, tenancy, and bad input leaving nothing written.
 */
import { scopeHash } from "@pdx/common/authorization-scope";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  authorizationSubjectHash,
  expireAuthorizations,
} from "../../server/src/domain/authorizations/authorizations";
import { findScenario, scenarioChainHash } from "../../server/src/domain/authorizations/scenarios";
import { flushChainWrites } from "../../server/src/domain/chain-writes/outbox";
import { verifyApproval } from "../../server/src/domain/signing/approvals";
import { listAuditEvents, verifyAuditTrail } from "../../server/src/domain/trail/audit-trail";
import { createServerTestKit, type TServerTestKit } from "../../server/src/testing/server-test-kit";
import {
  acceptedScenario,
  failureOf,
  LE_SCOPE,
  MARKET_ORG_ID,
  OPERATOR_ORG_ID,
  prepareAuthorizationWorld,
  REFORM_ORG_ID,
  scenarioInput,
  signInAll,
  type TCallers,
  TWO_SOURCE_SCOPE,
  term,
  writeCounts,
} from "./authorizations-fixtures";

let kit: TServerTestKit;
let c: TCallers;

beforeAll(async () => {
  kit = await createServerTestKit();
  await prepareAuthorizationWorld(kit);
  c = await signInAll(kit);
});
afterAll(async () => {
  await kit?.close();
});

const MARKET_STEP = `source:${MARKET_ORG_ID}`;
const REFORM_STEP = `source:${REFORM_ORG_ID}`;

async function row(id: string) {
  const { rows } = await kit.db.query<{
    status: string;
    status_reason: string | null;
    suspended_by_operator_status: boolean;
    activated_at: Date | null;
    required_approvals: unknown;
    scope: unknown;
    scope_hash: string;
    scenario_hash: string;
  }>("SELECT * FROM authorizations WHERE id = $1", [id]);
  return rows[0];
}

async function chainWrites(id: string) {
  const { rows } = await kit.db.query<{ kind: string; payload: Record<string, unknown>; status: string }>(
    "SELECT kind, payload, status FROM chain_writes WHERE subject_id = $1 ORDER BY id",
    [id],
  );
  return rows;
}

async function apply(scope = LE_SCOPE, years = 3) {
  const scenarioId = await acceptedScenario(c, scope);
  const { id } = await c.operator.authorizations.applyForAuthorization({ scenarioId, scope, ...term(years) });
  return { id, scenarioId };
}

/** An authorization of the demo operator in `state`, reached through the real actions. */
async function authorizationIn(
  state: "pending_approval" | "active" | "suspended" | "revoked" | "expired" | "rejected",
): Promise<string> {
  // Expired ones get a short term, so expiring them leaves every other authorization alone.
  const scenarioId = await acceptedScenario(c, LE_SCOPE, `状态 ${state}`);
  const t =
    state === "expired"
      ? { validFrom: new Date().toISOString(), validUntil: new Date(Date.now() + 3_600_000).toISOString() }
      : term(2);
  const { id } = await c.operator.authorizations.applyForAuthorization({ scenarioId, scope: LE_SCOPE, ...t });
  if (state === "pending_approval") return id;
  if (state === "rejected") {
    await c.market.authorizations.reject({ id, step: MARKET_STEP, comment: "不同意" });
    return id;
  }
  await c.market.authorizations.approve({ id, step: MARKET_STEP });
  await c.regulator.authorizations.approve({ id, step: "regulator" });
  if (state === "suspended" || state === "revoked")
    await c.regulator.authorizations.suspend({ id, reason: "检查" });
  if (state === "revoked") await c.regulator.authorizations.revoke({ id, reason: "违规" });
  if (state === "expired") {
    const { expired } = await expireAuthorizations(kit.db, new Date(Date.now() + 2 * 3_600_000));
    expect(expired).toEqual([id]);
  }
  return id;
}

describe("applying", () => {
  it("creates a pending authorization: scope and scenario hashes, one step per source department plus the regulator", async () => {
    const scenarioId = await acceptedScenario(c, TWO_SOURCE_SCOPE);
    const scope = [
      { datasetCode: "TEST-REFORM", fields: ["industry"] },
      { datasetCode: "LE-BASE", fields: ["district", "uscc"] },
    ];
    const { id, status } = await c.operator.authorizations.applyForAuthorization({
      scenarioId,
      scope,
      ...term(3),
    });
    expect(status).toBe("pending_approval");
    const stored = await row(id);
    const canonical = [
      { datasetCode: "LE-BASE", fields: ["district", "uscc"] },
      { datasetCode: "TEST-REFORM", fields: ["industry"] },
    ];
    expect(stored?.scope).toEqual(canonical);
    expect(stored?.scope_hash).toBe(scopeHash(canonical));
    const scenario = await findScenario(kit.db, scenarioId);
    expect(stored?.scenario_hash).toBe(scenarioChainHash(scenario!));
    expect(stored?.required_approvals).toEqual([
      { step: MARKET_STEP, orgId: MARKET_ORG_ID },
      { step: REFORM_STEP, orgId: REFORM_ORG_ID },
      { step: "regulator" },
    ]);
    const events = await listAuditEvents(kit.db, { objectType: "authorization", objectId: id });
    expect(events.map((e) => e.action)).toEqual(["authorization.apply"]);
    expect(await chainWrites(id)).toEqual([]);
  });

  it("refuses a term over 5 years with a clear message, writing nothing; exactly 5 years is fine", async () => {
    const scenarioId = await acceptedScenario(c);
    const before = await writeCounts(kit.db);
    const failure = await failureOf(
      c.operator.authorizations.applyForAuthorization({ scenarioId, scope: LE_SCOPE, ...term(6) }),
    );
    expect(failure).toMatchObject({
      code: "BAD_REQUEST",
      domainCode: "INVALID_INPUT",
      message: "term exceeds 5 years",
    });
    const justOver = term(5);
    justOver.validUntil = new Date(Date.parse(justOver.validUntil) + 1000).toISOString();
    expect(
      (
        await failureOf(
          c.operator.authorizations.applyForAuthorization({ scenarioId, scope: LE_SCOPE, ...justOver }),
        )
      ).message,
    ).toBe("term exceeds 5 years");
    expect(await writeCounts(kit.db)).toEqual(before);
    const { status } = await c.operator.authorizations.applyForAuthorization({
      scenarioId,
      scope: LE_SCOPE,
      ...term(5),
    });
    expect(status).toBe("pending_approval");
  });

  it("refuses bad terms: ending before it starts, ending in the past, starting long ago", async () => {
    const scenarioId = await acceptedScenario(c);
    const before = await writeCounts(kit.db);
    const now = Date.now();
    const cases: [string, string, RegExp][] = [
      [new Date(now + 86_400_000).toISOString(), new Date(now + 3_600_000).toISOString(), /after validFrom/],
      [new Date(now - 3 * 86_400_000).toISOString(), new Date(now - 86_400_000).toISOString(), /past/],
      [new Date(now - 3 * 86_400_000).toISOString(), new Date(now + 86_400_000).toISOString(), /validFrom/],
    ];
    for (const [validFrom, validUntil, message] of cases) {
      const failure = await failureOf(
        c.operator.authorizations.applyForAuthorization({
          scenarioId,
          scope: LE_SCOPE,
          validFrom,
          validUntil,
        }),
      );
      expect(failure.domainCode).toBe("INVALID_INPUT");
      expect(failure.message).toMatch(message);
    }
    expect(
      (
        await failureOf(
          c.operator.authorizations.applyForAuthorization({
            scenarioId,
            scope: LE_SCOPE,
            validFrom: "tomorrow",
            validUntil: "later",
          }),
        )
      ).code,
    ).toBe("BAD_REQUEST");
    expect(await writeCounts(kit.db)).toEqual(before);
  });

  it("refuses fields outside the scenario's requested scope, naming them", async () => {
    const scenarioId = await acceptedScenario(c);
    const before = await writeCounts(kit.db);
    const failure = await failureOf(
      c.operator.authorizations.applyForAuthorization({
        scenarioId,
        scope: [
          { datasetCode: "LE-BASE", fields: ["district", "uscc", "name"] },
          { datasetCode: "TEST-REFORM", fields: ["district"] },
        ],
        ...term(1),
      }),
    );
    expect(failure).toMatchObject({
      domainCode: "INVALID_INPUT",
      message:
        "scope: fields outside the scenario's requested scope: LE-BASE.name, LE-BASE.uscc, TEST-REFORM.district",
    });
    expect(await writeCounts(kit.db)).toEqual(before);
  });

  it("refuses a field the grade policy no longer allows (the catalog changed after acceptance)", async () => {
    const scenarioId = await acceptedScenario(c, [
      { datasetCode: "TEST-REFORM", fields: ["district", "uscc"] },
    ]);
    const before = await writeCounts(kit.db);
    await kit.db.query(
      `UPDATE datasets SET entry = jsonb_set(entry, '{open}', '{"attribute":"prohibited","reason":"改为禁止开放"}')
        WHERE code = 'TEST-REFORM'`,
    );
    try {
      const failure = await failureOf(
        c.operator.authorizations.applyForAuthorization({
          scenarioId,
          scope: [{ datasetCode: "TEST-REFORM", fields: ["district"] }],
          ...term(1),
        }),
      );
      expect(failure.domainCode).toBe("INVALID_INPUT");
      expect(failure.message).toMatch(/TEST-REFORM: its open attribute is "prohibited"/);
      expect(await writeCounts(kit.db)).toEqual(before);
    } finally {
      await kit.db.query(
        `UPDATE datasets SET entry = jsonb_set(entry, '{open}', '{"attribute":"restricted","reason":"测试"}')
          WHERE code = 'TEST-REFORM'`,
      );
    }
  });

  it("needs an accepted scenario of the caller's own organization, one application per scenario", async () => {
    const { id: draftId } = await c.operator.authorizations.createScenario(scenarioInput());
    const before = await writeCounts(kit.db);
    expect(
      await failureOf(
        c.operator.authorizations.applyForAuthorization({ scenarioId: draftId, scope: LE_SCOPE, ...term(1) }),
      ),
    ).toMatchObject({
      domainCode: "PRECONDITION_FAILED",
      message: expect.stringMatching(/accepted scenario \(this one is draft\)/),
    });
    const scenarioId = await acceptedScenario(c);
    const mid = await writeCounts(kit.db);
    expect(
      await failureOf(
        c.otherOperator.authorizations.applyForAuthorization({ scenarioId, scope: LE_SCOPE, ...term(1) }),
      ),
    ).toMatchObject({ code: "NOT_FOUND", message: "scenario not found" });
    expect(await writeCounts(kit.db)).toEqual(mid);
    expect(before.authorizations).toBe(mid.authorizations);
    await c.operator.authorizations.applyForAuthorization({ scenarioId, scope: LE_SCOPE, ...term(1) });
    const after = await writeCounts(kit.db);
    expect(
      await failureOf(
        c.operator.authorizations.applyForAuthorization({ scenarioId, scope: LE_SCOPE, ...term(2) }),
      ),
    ).toMatchObject({
      code: "CONFLICT",
      domainCode: "CONFLICT",
      message: expect.stringMatching(/one per scenario/),
    });
    expect(await writeCounts(kit.db)).toEqual(after);
  });

  it("refuses an operator whose admission is suspended", async () => {
    const scenarioId = await acceptedScenario(c);
    await kit.db.query("UPDATE operators SET status = 'suspended' WHERE org_id = $1", [OPERATOR_ORG_ID]);
    try {
      const failure = await failureOf(
        c.operator.authorizations.applyForAuthorization({ scenarioId, scope: LE_SCOPE, ...term(1) }),
      );
      expect(failure).toMatchObject({
        domainCode: "PRECONDITION_FAILED",
        message: expect.stringMatching(/suspended/),
      });
    } finally {
      await kit.db.query("UPDATE operators SET status = 'admitted' WHERE org_id = $1", [OPERATOR_ORG_ID]);
    }
  });
});

describe("approval steps", () => {
  it("each source department and the regulator sign their own step; the last one activates and queues the chain record", async () => {
    const { id, scenarioId } = await apply(TWO_SOURCE_SCOPE);
    const first = await c.market.authorizations.approve({ id, step: MARKET_STEP, comment: "同意" });
    expect(first).toMatchObject({ status: "pending_approval", activated: false });
    expect(await chainWrites(id)).toEqual([]);
    await c.regulator.authorizations.approve({ id, step: "regulator" });
    expect((await row(id))?.status).toBe("pending_approval");
    const last = await c.reform.authorizations.approve({ id, step: REFORM_STEP });
    expect(last).toMatchObject({ status: "active", activated: true });

    const stored = await row(id);
    expect(stored?.status).toBe("active");
    expect(stored?.activated_at).toBeInstanceOf(Date);
    const writes = await chainWrites(id);
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatchObject({
      kind: "authorization.record",
      status: "pending",
      payload: {
        operatorOrgId: OPERATOR_ORG_ID,
        scopeHash: stored?.scope_hash,
        scenarioHash: stored?.scenario_hash,
      },
    });
    const events = await listAuditEvents(kit.db, { objectType: "authorization", objectId: id });
    expect(events.map((e) => e.action).reverse()).toEqual([
      "authorization.apply",
      "authorization.approve",
      "authorization.approve",
      "authorization.approve",
      "authorization.activate",
    ]);
    expect(
      events.filter((e) => e.action === "authorization.approve").every((e) => e.approvalId !== null),
    ).toBe(true);

    // Every signature verifies against the agreement's content.
    const detail = await c.auditor.authorizations.getAuthorization({ id });
    const subjectHash = authorizationSubjectHash({
      scenarioId,
      scope: stored!.scope as typeof TWO_SOURCE_SCOPE,
      validFrom: new Date(detail.validFrom),
      validUntil: new Date(detail.validUntil),
      operatorOrgId: OPERATOR_ORG_ID,
    });
    expect(detail.subjectHash).toBe(subjectHash);
    expect(detail.steps.map((s) => [s.step, s.status, s.approval?.verified])).toEqual([
      [MARKET_STEP, "approved", true],
      [REFORM_STEP, "approved", true],
      ["regulator", "approved", true],
    ]);
    expect(detail.steps[0]?.approval).toMatchObject({
      signerName: "林静（数据处）",
      signerOrgName: "市市场监督管理局",
      comment: "同意",
    });
    for (const step of detail.steps) {
      const check = await verifyApproval(kit.db, step.approval!.id, subjectHash);
      expect(check.ok).toBe(true);
    }
    expect(detail.chainWrites).toEqual([
      expect.objectContaining({ kind: "authorization.record", status: "pending" }),
    ]);
    expect(detail.scope.map((d) => d.name?.zh)).toEqual(["法人基础库", "测试发改数据集"]);
    expect((await verifyAuditTrail(kit.db)).ok).toBe(true);
  });

  it("a department may sign only its own step, the regulator only its step; nobody twice", async () => {
    const { id } = await apply(TWO_SOURCE_SCOPE);
    const before = await writeCounts(kit.db);
    const refusals: [() => Promise<unknown>, string, string | RegExp][] = [
      [
        () => c.market.authorizations.approve({ id, step: REFORM_STEP }),
        "FORBIDDEN",
        /own department's step/,
      ],
      [
        () => c.market.authorizations.approve({ id, step: "regulator" }),
        "FORBIDDEN",
        /own department's step/,
      ],
      [
        () => c.reform.authorizations.reject({ id, step: MARKET_STEP, comment: "x" }),
        "FORBIDDEN",
        /own department's step/,
      ],
      [() => c.regulator.authorizations.approve({ id, step: MARKET_STEP }), "FORBIDDEN", /"regulator" step/],
      [
        () => c.police.authorizations.approve({ id, step: MARKET_STEP }),
        "NOT_FOUND",
        "authorization not found",
      ],
      [
        () => c.market.authorizations.approve({ id, step: "source:unknown" }),
        "BAD_REQUEST",
        /no approval step "source:unknown"/,
      ],
      [
        () => c.operator.authorizations.approve({ id, step: "regulator" }),
        "FORBIDDEN",
        "your role does not allow this operation",
      ],
      [
        () => c.auditor.authorizations.approve({ id, step: "regulator" }),
        "FORBIDDEN",
        "your role does not allow this operation",
      ],
    ];
    for (const [attempt, code, message] of refusals) {
      const failure = await failureOf(attempt());
      expect(failure.code).toBe(code);
      if (typeof message === "string") expect(failure.message).toBe(message);
      else expect(failure.message).toMatch(message);
    }
    expect(await writeCounts(kit.db)).toEqual(before);

    await c.market.authorizations.approve({ id, step: MARKET_STEP });
    const mid = await writeCounts(kit.db);
    expect(await failureOf(c.market.authorizations.approve({ id, step: MARKET_STEP }))).toMatchObject({
      code: "CONFLICT",
      message: `step ${MARKET_STEP} was already approved by 林静（数据处） (市市场监督管理局)`,
    });
    expect(
      (await failureOf(c.market.authorizations.reject({ id, step: MARKET_STEP, comment: "反悔" }))).code,
    ).toBe("CONFLICT");
    expect(await writeCounts(kit.db)).toEqual(mid);
  });

  it("a rejection needs a reason, is signed, and ends the application", async () => {
    const { id } = await apply();
    const before = await writeCounts(kit.db);
    expect(
      await failureOf(c.market.authorizations.reject({ id, step: MARKET_STEP, comment: "  " })),
    ).toMatchObject({
      domainCode: "INVALID_INPUT",
    });
    expect(await writeCounts(kit.db)).toEqual(before);
    const result = await c.market.authorizations.reject({
      id,
      step: MARKET_STEP,
      comment: "字段超出必要范围",
    });
    expect(result.status).toBe("rejected");
    expect((await row(id))?.status_reason).toBe("字段超出必要范围");
    const detail = await c.operator.authorizations.getAuthorization({ id });
    expect(detail.steps[0]).toMatchObject({
      status: "rejected",
      approval: { decision: "reject", verified: true },
    });
    expect(detail.steps[1]).toMatchObject({ step: "regulator", status: "pending", approval: null });
    expect(await failureOf(c.regulator.authorizations.approve({ id, step: "regulator" }))).toMatchObject({
      domainCode: "INVALID_STATE",
      message: "cannot approve an authorization that is rejected",
    });
    expect(await chainWrites(id)).toEqual([]);
  });

  it("does not activate while the operator is suspended (the last signature is refused, nothing written)", async () => {
    const { id } = await apply();
    await c.market.authorizations.approve({ id, step: MARKET_STEP });
    await kit.db.query("UPDATE operators SET status = 'suspended' WHERE org_id = $1", [OPERATOR_ORG_ID]);
    try {
      const before = await writeCounts(kit.db);
      const failure = await failureOf(c.regulator.authorizations.approve({ id, step: "regulator" }));
      expect(failure).toMatchObject({
        domainCode: "PRECONDITION_FAILED",
        message: expect.stringMatching(/operator is suspended/),
      });
      expect(await writeCounts(kit.db)).toEqual(before);
    } finally {
      await kit.db.query("UPDATE operators SET status = 'admitted' WHERE org_id = $1", [OPERATOR_ORG_ID]);
    }
    expect((await c.regulator.authorizations.approve({ id, step: "regulator" })).status).toBe("active");
  });
});

describe("suspension, resumption, revocation and expiry", () => {
  it("each regulator action writes the status, its reason, a chain status write and an audit event", async () => {
    const id = await authorizationIn("active");
    expect((await c.regulator.authorizations.suspend({ id, reason: "发现异常调用" })).status).toBe(
      "suspended",
    );
    expect(await row(id)).toMatchObject({ status: "suspended", status_reason: "发现异常调用" });
    expect((await c.regulator.authorizations.resume({ id, reason: "整改完成" })).status).toBe("active");
    expect((await c.regulator.authorizations.revoke({ id, reason: "严重违规" })).status).toBe("revoked");
    expect((await chainWrites(id)).map((w) => [w.kind, w.payload.status ?? null])).toEqual([
      ["authorization.record", null],
      ["authorization.status", "suspended"],
      ["authorization.status", "active"],
      ["authorization.status", "revoked"],
    ]);
    const events = await listAuditEvents(kit.db, { objectType: "authorization", objectId: id, limit: 3 });
    expect(events.map((e) => [e.action, e.detail.reason])).toEqual([
      ["authorization.revoke", "严重违规"],
      ["authorization.resume", "整改完成"],
      ["authorization.suspend", "发现异常调用"],
    ]);
  });

  it("needs a reason for each", async () => {
    const id = await authorizationIn("active");
    const before = await writeCounts(kit.db);
    for (const attempt of [
      () => c.regulator.authorizations.suspend({ id, reason: "" }),
      () => c.regulator.authorizations.revoke({ id, reason: "   " }),
    ]) {
      expect((await failureOf(attempt())).code).toBe("BAD_REQUEST");
    }
    expect(await writeCounts(kit.db)).toEqual(before);
  });

  it("does not resume a suspension caused by the operator's own suspension until the operator is restored", async () => {
    const id = await authorizationIn("active");
    await kit.db.query("UPDATE operators SET status = 'suspended' WHERE org_id = $1", [OPERATOR_ORG_ID]);
    await kit.db.query(
      "UPDATE authorizations SET status = 'suspended', suspended_by_operator_status = true, status_reason = 'operator_suspended' WHERE id = $1",
      [id],
    );
    try {
      const before = await writeCounts(kit.db);
      const failure = await failureOf(c.regulator.authorizations.resume({ id, reason: "恢复" }));
      expect(failure).toMatchObject({
        code: "PRECONDITION_FAILED",
        message: expect.stringMatching(/suspended with its operator, which is suspended/),
      });
      expect(await writeCounts(kit.db)).toEqual(before);
    } finally {
      await kit.db.query("UPDATE operators SET status = 'admitted' WHERE org_id = $1", [OPERATOR_ORG_ID]);
    }
    expect((await c.regulator.authorizations.resume({ id, reason: "运营单位已恢复" })).status).toBe("active");
    expect((await row(id))?.suspended_by_operator_status).toBe(false);
  });

  it("expires active and suspended authorizations at the end of their term, once, without a chain write", async () => {
    const id = await authorizationIn("expired");
    expect(await row(id)).toMatchObject({ status: "expired", status_reason: "term_ended" });
    const events = await listAuditEvents(kit.db, { objectType: "authorization", objectId: id, limit: 1 });
    expect(events[0]).toMatchObject({ action: "authorization.expire", actorUserId: null });
    expect((await chainWrites(id)).map((w) => w.kind)).toEqual(["authorization.record"]);
    expect((await expireAuthorizations(kit.db, new Date(Date.now() + 2 * 3_600_000))).expired).toEqual([]);
    expect(await failureOf(c.regulator.authorizations.resume({ id, reason: "x" }))).toMatchObject({
      domainCode: "INVALID_STATE",
    });
  });

  it("flushing without a chain configured leaves the writes queued and does not fail", async () => {
    const id = await authorizationIn("active");
    await flushChainWrites(kit.deps);
    expect((await chainWrites(id)).map((w) => w.status)).toEqual(["pending"]);
  });
});

describe("every state × regulator/department action through the API", () => {
  const STATES = ["pending_approval", "active", "suspended", "revoked", "expired", "rejected"] as const;
  const ACTIONS = {
    approve: { from: ["pending_approval"], to: "pending_approval" },
    reject: { from: ["pending_approval"], to: "rejected" },
    suspend: { from: ["active"], to: "suspended" },
    resume: { from: ["suspended"], to: "active" },
    revoke: { from: ["active", "suspended"], to: "revoked" },
  } as const;
  const call = (action: keyof typeof ACTIONS, id: string) => {
    switch (action) {
      case "approve":
        return c.market.authorizations.approve({ id, step: MARKET_STEP });
      case "reject":
        return c.regulator.authorizations.reject({ id, step: "regulator", comment: "不同意" });
      default:
        return c.regulator.authorizations[action]({ id, reason: "理由" });
    }
  };
  for (const state of STATES) {
    for (const action of Object.keys(ACTIONS) as (keyof typeof ACTIONS)[]) {
      const rule = ACTIONS[action];
      const allowed = (rule.from as readonly string[]).includes(state);
      it(`${action} a ${state} authorization: ${allowed ? `→ ${rule.to}` : "INVALID_STATE"}`, async () => {
        const id = await authorizationIn(state);
        const before = await writeCounts(kit.db);
        if (allowed) {
          expect((await call(action, id)).status).toBe(rule.to);
          expect((await row(id))?.status).toBe(rule.to);
          const events = await listAuditEvents(kit.db, {
            objectType: "authorization",
            objectId: id,
            limit: 1,
          });
          expect(events[0]?.action).toBe(`authorization.${action}`);
        } else {
          const failure = await failureOf(call(action, id));
          expect(failure).toMatchObject({ code: "CONFLICT", domainCode: "INVALID_STATE" });
          expect(failure.message).toBe(
            `cannot ${action} an authorization that is ${state.replace("_", " ")}`,
          );
          expect(await writeCounts(kit.db)).toEqual(before);
        }
      });
    }
  }

  it("refuses suspend, resume and revoke to everyone but the regulator", async () => {
    const id = await authorizationIn("active");
    for (const caller of [c.operator, c.market, c.auditor, c.buyer]) {
      for (const action of ["suspend", "resume", "revoke"] as const) {
        expect((await failureOf(caller.authorizations[action]({ id, reason: "x" }))).code).toBe("FORBIDDEN");
      }
    }
  });
});

describe("reading", () => {
  it("an operator sees its own, a department those naming it, the regulator and auditors all", async () => {
    const { id } = await apply(TWO_SOURCE_SCOPE);
    const { id: leOnly } = await apply(LE_SCOPE);
    const otherScenario = (
      await c.otherOperator.authorizations.createScenario(scenarioInput(LE_SCOPE, { title: "第二家的场景" }))
    ).id;
    await c.otherOperator.authorizations.fileScenario({ id: otherScenario });
    await c.regulator.authorizations.acceptScenario({ id: otherScenario });
    const { id: foreign } = await c.otherOperator.authorizations.applyForAuthorization({
      scenarioId: otherScenario,
      scope: LE_SCOPE,
      ...term(1),
    });

    const ids = async (
      caller: (typeof c)["operator"],
      input?: Parameters<typeof caller.authorizations.listAuthorizations>[0],
    ) => (await caller.authorizations.listAuthorizations(input)).map((a) => a.id);
    expect(await ids(c.operator)).toEqual(expect.arrayContaining([id, leOnly]));
    expect(await ids(c.operator)).not.toContain(foreign);
    expect(await ids(c.otherOperator)).toEqual([foreign]);
    expect(await ids(c.market)).toEqual(expect.arrayContaining([id, leOnly, foreign]));
    expect(await ids(c.reform)).toContain(id);
    expect(await ids(c.reform)).not.toContain(leOnly);
    expect(await ids(c.police)).toEqual([]);
    for (const viewer of [c.regulator, c.auditor]) {
      expect(await ids(viewer)).toEqual(expect.arrayContaining([id, leOnly, foreign]));
    }
    // Awaiting my signature / by status.
    expect(await ids(c.reform, { awaitingMe: true })).toContain(id);
    await c.reform.authorizations.approve({ id, step: REFORM_STEP });
    expect(await ids(c.reform, { awaitingMe: true })).not.toContain(id);
    const pending = await c.regulator.authorizations.listAuthorizations({ status: "pending_approval" });
    expect(pending.every((a) => a.status === "pending_approval")).toBe(true);
    const summary = pending.find((a) => a.id === id);
    expect(summary?.steps).toEqual([
      { step: MARKET_STEP, orgName: "市市场监督管理局", status: "pending" },
      { step: REFORM_STEP, orgName: "市发展和改革委员会", status: "approved" },
      { step: "regulator", orgName: null, status: "pending" },
    ]);
    expect(summary?.awaitingMe).toBe(true);

    for (const [caller, target] of [
      [c.otherOperator, id],
      [c.police, id],
      [c.reform, leOnly],
      [c.operator, foreign],
    ] as const) {
      expect(await failureOf(caller.authorizations.getAuthorization({ id: target }))).toMatchObject({
        code: "NOT_FOUND",
        message: "authorization not found",
      });
    }
    expect((await failureOf(c.buyer.authorizations.listAuthorizations())).code).toBe("FORBIDDEN");
  });

  it("offers each caller only its own actions", async () => {
    const { id } = await apply(TWO_SOURCE_SCOPE);
    expect((await c.market.authorizations.getAuthorization({ id })).allowedActions).toEqual([
      "approve",
      "reject",
    ]);
    expect((await c.market.authorizations.getAuthorization({ id })).myStep).toBe(MARKET_STEP);
    expect((await c.regulator.authorizations.getAuthorization({ id })).allowedActions).toEqual([
      "approve",
      "reject",
    ]);
    expect((await c.operator.authorizations.getAuthorization({ id })).allowedActions).toEqual([]);
    expect((await c.auditor.authorizations.getAuthorization({ id })).allowedActions).toEqual([]);
    await c.market.authorizations.approve({ id, step: MARKET_STEP });
    expect((await c.market.authorizations.getAuthorization({ id })).allowedActions).toEqual([]);
    await c.reform.authorizations.approve({ id, step: REFORM_STEP });
    await c.regulator.authorizations.approve({ id, step: "regulator" });
    expect((await c.regulator.authorizations.getAuthorization({ id })).allowedActions).toEqual([
      "suspend",
      "revoke",
    ]);
    expect((await c.market.authorizations.getAuthorization({ id })).allowedActions).toEqual([]);
  });

  it("shows the scenario an accepted scenario's authorization", async () => {
    const { id, scenarioId } = await apply();
    const scenario = await c.operator.authorizations.getScenario({ id: scenarioId });
    expect(scenario.authorization).toEqual({ id, status: "pending_approval" });
    expect(scenario.allowedActions).toEqual([]);
  });
});
