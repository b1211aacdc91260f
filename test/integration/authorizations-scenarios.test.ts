/**
 * Scenario filing through the API on a real database: drafts checked against the catalog and the
 * grade policy, filing only by an admitted operator (content hash fixed), the regulator's
 * decision, every state × action through the API, tenancy (another operator neither sees nor
 * touches a scenario), and bad input leaving nothing written.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findScenario, scenarioContentHash } from "../../server/src/domain/authorizations/scenarios";
import { listAuditEvents } from "../../server/src/domain/trail/audit-trail";
import { createServerTestKit, type TServerTestKit } from "../../server/src/testing/server-test-kit";
import {
  failureOf,
  LE_SCOPE,
  OPERATOR_ORG_ID,
  prepareAuthorizationWorld,
  scenarioInput,
  signInAll,
  type TCallers,
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

async function draft(title = "草稿场景") {
  return (await c.operator.authorizations.createScenario(scenarioInput(LE_SCOPE, { title }))).id;
}

/** A scenario of the demo operator in `state`, reached through the real actions. */
async function scenarioIn(state: "draft" | "filed" | "accepted" | "rejected" | "withdrawn"): Promise<string> {
  const id = await draft(`状态 ${state}`);
  if (state === "withdrawn") await c.operator.authorizations.withdrawScenario({ id });
  if (state === "draft" || state === "withdrawn") return id;
  await c.operator.authorizations.fileScenario({ id });
  if (state === "accepted") await c.regulator.authorizations.acceptScenario({ id });
  if (state === "rejected") await c.regulator.authorizations.rejectScenario({ id, reason: "用途不明确" });
  return id;
}

describe("drafting", () => {
  it("creates a draft of the caller's organization, with an audit event", async () => {
    const before = await writeCounts(kit.db);
    const id = await draft();
    const row = await findScenario(kit.db, id);
    expect(row).toMatchObject({ status: "draft", operator_org_id: OPERATOR_ORG_ID, content_hash: null });
    expect(row?.requested_scope).toEqual(LE_SCOPE);
    const events = await listAuditEvents(kit.db, { objectType: "scenario", objectId: id });
    expect(events.map((e) => e.action)).toEqual(["scenario.create"]);
    expect(events[0]?.actorName).toBe("陈涛（产品部）");
    expect((await writeCounts(kit.db)).events).toBe((before.events ?? 0) + 1);
  });

  it("stores the scope in canonical form (datasets and fields sorted, duplicates merged)", async () => {
    const { id } = await c.operator.authorizations.createScenario(
      scenarioInput([
        { datasetCode: "LE-BASE", fields: ["industry", "district"] },
        { datasetCode: "TEST-REFORM", fields: ["status"] },
        { datasetCode: "LE-BASE", fields: ["district", "uscc"] },
      ]),
    );
    expect((await findScenario(kit.db, id))?.requested_scope).toEqual([
      { datasetCode: "LE-BASE", fields: ["district", "industry", "uscc"] },
      { datasetCode: "TEST-REFORM", fields: ["status"] },
    ]);
  });

  const refused: [string, Parameters<typeof scenarioInput>, RegExp][] = [
    [
      "an unknown dataset",
      [[{ datasetCode: "NOPE-DATA", fields: ["x"] }]],
      /dataset NOPE-DATA is not in the catalog/,
    ],
    [
      "a field the dataset does not have",
      [[{ datasetCode: "LE-BASE", fields: ["district", "salary"] }]],
      /dataset LE-BASE has no field "salary"/,
    ],
    [
      "a core field for sandbox computation",
      [[{ datasetCode: "TEST-CORE", fields: ["district", "uscc"] }]],
      /dataset TEST-CORE, field "uscc" is core data.*not authorizable for sandbox/,
    ],
    [
      "any field of a dataset prohibited from opening",
      [[{ datasetCode: "TEST-PROHIBITED", fields: ["district"] }], { computeMode: "mpc" }],
      /dataset TEST-PROHIBITED: its open attribute is "prohibited"/,
    ],
  ];
  for (const [what, args, message] of refused) {
    it(`refuses ${what} with INVALID_INPUT naming it, writing nothing`, async () => {
      const before = await writeCounts(kit.db);
      const failure = await failureOf(c.operator.authorizations.createScenario(scenarioInput(...args)));
      expect(failure).toMatchObject({ code: "BAD_REQUEST", domainCode: "INVALID_INPUT" });
      expect(failure.message).toMatch(message);
      expect(await writeCounts(kit.db)).toEqual(before);
    });
  }

  it("allows a core field under homomorphic encryption", async () => {
    const { status } = await c.operator.authorizations.createScenario(
      scenarioInput([{ datasetCode: "TEST-CORE", fields: ["uscc", "district"] }], { computeMode: "he" }),
    );
    expect(status).toBe("draft");
  });

  it("refuses malformed input at the boundary (empty title, empty scope, a dataset without fields)", async () => {
    const before = await writeCounts(kit.db);
    for (const input of [
      { ...scenarioInput(), title: "   " },
      { ...scenarioInput(), requestedScope: [] },
      { ...scenarioInput(), requestedScope: [{ datasetCode: "LE-BASE", fields: [] }] },
      { ...scenarioInput(), beneficiaryClass: "everyone" },
    ]) {
      const failure = await failureOf(c.operator.authorizations.createScenario(input as never));
      expect(failure.code).toBe("BAD_REQUEST");
    }
    expect(await writeCounts(kit.db)).toEqual(before);
  });

  it("edits a draft, and refuses to edit once filed", async () => {
    const id = await draft();
    await c.operator.authorizations.updateScenario({
      id,
      ...scenarioInput(LE_SCOPE, { title: "改过的标题" }),
    });
    expect((await findScenario(kit.db, id))?.title).toBe("改过的标题");
    await c.operator.authorizations.fileScenario({ id });
    const before = await writeCounts(kit.db);
    const failure = await failureOf(
      c.operator.authorizations.updateScenario({ id, ...scenarioInput(LE_SCOPE, { title: "再改" }) }),
    );
    expect(failure).toMatchObject({
      domainCode: "INVALID_STATE",
      message: "cannot edit a scenario that is filed",
    });
    expect(await writeCounts(kit.db)).toEqual(before);
  });

  it("refuses an edit that brings in a field outside the grade policy, keeping the draft as it was", async () => {
    const id = await draft("保持原样");
    const before = await writeCounts(kit.db);
    const failure = await failureOf(
      c.operator.authorizations.updateScenario({
        id,
        ...scenarioInput([{ datasetCode: "TEST-CORE", fields: ["uscc"] }]),
      }),
    );
    expect(failure.domainCode).toBe("INVALID_INPUT");
    expect((await findScenario(kit.db, id))?.title).toBe("保持原样");
    expect(await writeCounts(kit.db)).toEqual(before);
  });
});

describe("filing and the regulator's decision", () => {
  it("files a draft: content hash fixed, filed_at set, event written", async () => {
    const id = await draft();
    const { status } = await c.operator.authorizations.fileScenario({ id });
    expect(status).toBe("filed");
    const row = await findScenario(kit.db, id);
    expect(row?.content_hash).toBe(scenarioContentHash(row!));
    expect(row?.filed_at).toBeInstanceOf(Date);
    const events = await listAuditEvents(kit.db, { objectType: "scenario", objectId: id });
    expect(events[0]).toMatchObject({ action: "scenario.file", detail: { from: "draft", to: "filed" } });
  });

  it("refuses filing by an operator that is not admitted (PRECONDITION_FAILED), writing nothing", async () => {
    const { id } = await c.unadmitted.authorizations.createScenario(scenarioInput());
    const before = await writeCounts(kit.db);
    const failure = await failureOf(c.unadmitted.authorizations.fileScenario({ id }));
    expect(failure).toMatchObject({ code: "PRECONDITION_FAILED", domainCode: "PRECONDITION_FAILED" });
    expect(failure.message).toMatch(/not an admitted operator/);
    expect(await writeCounts(kit.db)).toEqual(before);
    expect((await findScenario(kit.db, id))?.status).toBe("draft");
  });

  it("refuses filing by an operator whose admission is suspended", async () => {
    const id = await draft();
    await kit.db.query("UPDATE operators SET status = 'suspended' WHERE org_id = $1", [OPERATOR_ORG_ID]);
    try {
      const failure = await failureOf(c.operator.authorizations.fileScenario({ id }));
      expect(failure.domainCode).toBe("PRECONDITION_FAILED");
      expect(failure.message).toMatch(/suspended/);
    } finally {
      await kit.db.query("UPDATE operators SET status = 'admitted' WHERE org_id = $1", [OPERATOR_ORG_ID]);
    }
  });

  it("the regulator accepts or rejects (a rejection needs a reason)", async () => {
    const a = await scenarioIn("filed");
    expect((await c.regulator.authorizations.acceptScenario({ id: a })).status).toBe("accepted");
    const b = await scenarioIn("filed");
    expect((await failureOf(c.regulator.authorizations.rejectScenario({ id: b, reason: "  " }))).code).toBe(
      "BAD_REQUEST",
    );
    expect(
      (await c.regulator.authorizations.rejectScenario({ id: b, reason: "受益对象不清晰" })).status,
    ).toBe("rejected");
    const detail = await c.operator.authorizations.getScenario({ id: b });
    expect(detail.reason).toBe("受益对象不清晰");
    expect(detail.events.map((e) => e.action)).toEqual([
      "scenario.create",
      "scenario.file",
      "scenario.reject",
    ]);
  });
});

describe("every state × action through the API", () => {
  const STATES = ["draft", "filed", "accepted", "rejected", "withdrawn"] as const;
  const ACTIONS = {
    file: { to: "filed", from: ["draft"], by: "operator" },
    withdraw: { to: "withdrawn", from: ["draft"], by: "operator" },
    accept: { to: "accepted", from: ["filed"], by: "regulator" },
    reject: { to: "rejected", from: ["filed"], by: "regulator" },
  } as const;
  const call = (action: keyof typeof ACTIONS, id: string) => {
    switch (action) {
      case "file":
        return c.operator.authorizations.fileScenario({ id });
      case "withdraw":
        return c.operator.authorizations.withdrawScenario({ id });
      case "accept":
        return c.regulator.authorizations.acceptScenario({ id });
      case "reject":
        return c.regulator.authorizations.rejectScenario({ id, reason: "理由" });
    }
  };
  for (const state of STATES) {
    for (const action of Object.keys(ACTIONS) as (keyof typeof ACTIONS)[]) {
      const rule = ACTIONS[action];
      const allowed = (rule.from as readonly string[]).includes(state);
      it(`${action} a ${state} scenario (${rule.by}): ${allowed ? `→ ${rule.to}` : "INVALID_STATE"}`, async () => {
        const id = await scenarioIn(state);
        const before = await writeCounts(kit.db);
        if (allowed) {
          expect((await call(action, id)).status).toBe(rule.to);
          expect((await findScenario(kit.db, id))?.status).toBe(rule.to);
          const events = await listAuditEvents(kit.db, { objectType: "scenario", objectId: id, limit: 1 });
          expect(events[0]?.action).toBe(`scenario.${action}`);
        } else {
          const failure = await failureOf(call(action, id));
          expect(failure).toMatchObject({ code: "CONFLICT", domainCode: "INVALID_STATE" });
          expect(failure.message).toBe(`cannot ${action} a scenario that is ${state}`);
          expect(await writeCounts(kit.db)).toEqual(before);
        }
      });
    }
  }

  it("refuses each action to the roles the matrix does not list", async () => {
    const id = await scenarioIn("filed");
    const draftId = await scenarioIn("draft");
    const refusals = [
      () => c.regulator.authorizations.fileScenario({ id: draftId }),
      () => c.regulator.authorizations.withdrawScenario({ id: draftId }),
      () => c.operator.authorizations.acceptScenario({ id }),
      () => c.operator.authorizations.rejectScenario({ id, reason: "x" }),
      () => c.market.authorizations.acceptScenario({ id }),
      () => c.auditor.authorizations.acceptScenario({ id }),
      () => c.buyer.authorizations.createScenario(scenarioInput()),
      () => c.market.authorizations.getScenario({ id }),
    ];
    for (const refusal of refusals) expect((await failureOf(refusal())).code).toBe("FORBIDDEN");
  });
});

describe("tenancy", () => {
  it("another operator neither lists, reads, edits, files nor withdraws the scenario", async () => {
    const id = await draft("仅本单位可见");
    const filedId = await scenarioIn("filed");
    const before = await writeCounts(kit.db);
    const mine = await c.otherOperator.authorizations.listScenarios();
    expect(mine.map((s) => s.id)).not.toContain(id);
    for (const attempt of [
      () => c.otherOperator.authorizations.getScenario({ id }),
      () => c.otherOperator.authorizations.updateScenario({ id, ...scenarioInput() }),
      () => c.otherOperator.authorizations.fileScenario({ id }),
      () => c.otherOperator.authorizations.withdrawScenario({ id }),
      () => c.otherOperator.authorizations.getScenario({ id: filedId }),
    ]) {
      expect(await failureOf(attempt())).toMatchObject({ code: "NOT_FOUND", message: "scenario not found" });
    }
    expect(await writeCounts(kit.db)).toEqual(before);
  });

  it("lists an operator's own scenarios; the regulator and auditors see all", async () => {
    const other = await c.otherOperator.authorizations.createScenario(
      scenarioInput(LE_SCOPE, { title: "第二家" }),
    );
    const own = await c.operator.authorizations.listScenarios();
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((s) => s.operatorOrg.id === OPERATOR_ORG_ID)).toBe(true);
    for (const viewer of [c.regulator, c.auditor]) {
      const all = await viewer.authorizations.listScenarios();
      expect(all.map((s) => s.id)).toContain(other.id);
      expect(all.some((s) => s.operatorOrg.id === OPERATOR_ORG_ID)).toBe(true);
    }
    const filed = await c.regulator.authorizations.listScenarios({ status: "filed" });
    expect(filed.length).toBeGreaterThan(0);
    expect(filed.every((s) => s.status === "filed")).toBe(true);
  });

  it("shows each caller only the actions it may take", async () => {
    const draftId = await scenarioIn("draft");
    const filedId = await scenarioIn("filed");
    const acceptedId = await scenarioIn("accepted");
    expect((await c.operator.authorizations.getScenario({ id: draftId })).allowedActions).toEqual([
      "edit",
      "file",
      "withdraw",
    ]);
    expect((await c.regulator.authorizations.getScenario({ id: draftId })).allowedActions).toEqual([]);
    expect((await c.regulator.authorizations.getScenario({ id: filedId })).allowedActions).toEqual([
      "accept",
      "reject",
    ]);
    expect((await c.auditor.authorizations.getScenario({ id: filedId })).allowedActions).toEqual([]);
    expect((await c.operator.authorizations.getScenario({ id: acceptedId })).allowedActions).toEqual([
      "apply",
    ]);
  });

  it("resolves the requested scope with names, grades and what the mode allows", async () => {
    const id = await draft();
    const detail = await c.regulator.authorizations.getScenario({ id });
    expect(detail.requestedScope).toEqual([
      expect.objectContaining({
        datasetCode: "LE-BASE",
        name: { zh: "法人基础库", en: "Legal-entity base library" },
        sourceOrg: expect.objectContaining({ name: "市市场监督管理局" }),
        problems: [],
      }),
    ]);
    const fields = detail.requestedScope[0]?.fields ?? [];
    expect(fields.find((f) => f.name === "registered_capital")).toMatchObject({
      grade: "important",
      access: "aggregate_min_group",
    });
    expect(fields.find((f) => f.name === "district")).toMatchObject({
      grade: "general",
      access: "aggregate",
    });
  });
});

describe("the dataset picker", () => {
  it("lists coded datasets with each field's grade and what every mode allows", async () => {
    const datasets = await c.operator.authorizations.authorizableDatasets();
    const le = datasets.find((d) => d.code === "LE-BASE");
    expect(le?.blockedReason).toBeNull();
    expect(le?.fields.find((f) => f.name === "district")?.access).toEqual({
      sandbox: "aggregate",
      he: "encrypted",
      mpc: "secret_shared",
      verification: "match_only",
    });
    const core = datasets.find((d) => d.code === "TEST-CORE");
    expect(core?.fields.find((f) => f.name === "uscc")?.access).toMatchObject({
      sandbox: "never",
      he: "encrypted",
    });
    const prohibited = datasets.find((d) => d.code === "TEST-PROHIBITED");
    expect(prohibited?.blockedReason).toMatch(/prohibited/);
    expect(prohibited?.fields.every((f) => Object.values(f.access).every((a) => a === "never"))).toBe(true);
    const filtered = await c.operator.authorizations.authorizableDatasets({ q: "法人基础" });
    expect(filtered.map((d) => d.code)).toEqual(["LE-BASE"]);
  });
});
