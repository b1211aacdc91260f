/**
 * The quality loop through the real tRPC procedures on a migrated, seeded database: the whole
 * loop with its timeline, every (state × action) pair with the natural actor, cross-organization
 * refusals, visibility, bad input (refused, nothing written), overdue flags and statistics under
 * a moved clock.
 */
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TDb } from "../../db";
import {
  addOrgWithUser,
  addSecondBuyer,
  createServerTestKit,
  type TCaller,
  type TServerTestKit,
} from "../../testing/server-test-kit";
import { findSessionUser } from "../auth/session-user";
import { isDomainError } from "../domain-error";
import { userIdFor } from "../seed/seed-demo-data";
import { listAuditEvents, verifyAuditTrail } from "../trail/audit-trail";
import { ACKNOWLEDGE_WITHIN_DAYS, RECTIFY_WITHIN_DAYS } from "./quality-deadlines";
import { listOverdueQualityIssues, reportQualityIssue, verifyQualityIssue } from "./quality-issues";
import {
  QUALITY_ACTIONS,
  QUALITY_STATUSES,
  type TQualityAction,
  type TQualityStatus,
} from "./quality-machine";

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const T0 = new Date("2026-03-02T01:00:00.000Z");
const OTHER_SOURCE_EMAIL = "tax@test.pdx.cn";

async function failure(call: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await call;
  } catch (err) {
    if (err instanceof TRPCError) {
      if (isDomainError(err.cause)) return { code: err.cause.code, message: err.message };
      // Schema failures: name the fields as the error formatter does for HTTP clients.
      const issues = (err.cause as { issues?: { path: PropertyKey[] }[] } | undefined)?.issues;
      if (issues)
        return {
          code: err.code,
          message: `invalid input: ${issues.map((i) => i.path.join(".")).join(", ")}`,
        };
      return { code: err.code, message: err.message };
    }
    if (isDomainError(err)) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error("expected the call to fail");
}

async function rowCounts(db: TDb) {
  const { rows } = await db.query<{ issues: string; events: string; changed: string }>(
    `SELECT (SELECT count(*) FROM quality_issues) AS issues, (SELECT count(*) FROM audit_events) AS events,
            (SELECT max(updated_at)::text FROM quality_issues) AS changed`,
  );
  return rows[0];
}

interface TCallers {
  buyer: TCaller;
  buyer2: TCaller;
  source: TCaller;
  otherSource: TCaller;
  operator: TCaller;
  regulator: TCaller;
  auditor: TCaller;
}

describe("quality loop", () => {
  let kit: TServerTestKit;
  let c: TCallers;
  let clock = T0;
  const at = (ms: number) => {
    clock = new Date(T0.getTime() + ms);
  };

  beforeAll(async () => {
    kit = await createServerTestKit({ now: () => clock });
    // The kit's seed may include the demo issues; these tests start from none.
    await kit.db.query("DELETE FROM quality_issues");
    const buyer2Email = await addSecondBuyer(kit.db);
    await addOrgWithUser(
      kit.db,
      { key: "test-tax-bureau", name: "市税务局", nameEn: "Tax bureau", type: "data_source" },
      { email: OTHER_SOURCE_EMAIL, displayName: "税务", role: "data_source", isOrgAdmin: true },
    );
    c = {
      buyer: await kit.callerAs("buyer@demo.pdx.cn"),
      buyer2: await kit.callerAs(buyer2Email),
      source: await kit.callerAs("source@demo.pdx.cn"),
      otherSource: await kit.callerAs(OTHER_SOURCE_EMAIL),
      operator: await kit.callerAs("operator@demo.pdx.cn"),
      regulator: await kit.callerAs("regulator@demo.pdx.cn"),
      auditor: await kit.callerAs("auditor@demo.pdx.cn"),
    };
  });
  afterAll(async () => {
    await kit?.close();
  });

  const report = (by: TCaller = c.buyer, description = "注册资本单位混用") =>
    by.quality.report({
      datasetCode: "LE-BASE",
      fieldName: "registered_capital",
      category: "accuracy",
      description,
    });

  it("goes reported → rectifying → rectified → reopened → rectifying → rectified → verified, with a timeline", async () => {
    at(0);
    const reported = await report();
    expect(reported).toMatchObject({
      status: "reported",
      datasetCode: "LE-BASE",
      datasetName: { zh: "法人基础库" },
      fieldName: "registered_capital",
      // The registered entry's label, or the basic catalog's ("注册资本（万元）").
      fieldLabel: { zh: expect.stringContaining("注册资本") },
      sourceOrg: { name: "市市场监督管理局" },
      reporterOrg: { name: "鹏城商业银行股份有限公司" },
      reportedAt: T0.toISOString(),
      acknowledgeDueAt: new Date(T0.getTime() + ACKNOWLEDGE_WITHIN_DAYS * DAY).toISOString(),
      rectifyDueAt: new Date(T0.getTime() + RECTIFY_WITHIN_DAYS * DAY).toISOString(),
      acknowledgeOverdue: false,
      rectifyOverdue: false,
      actions: [],
    });
    const id = reported.id;
    expect((await c.source.quality.get({ id })).actions).toEqual(["acknowledge"]);

    at(HOUR);
    const ack = await c.source.quality.acknowledge({ issueId: id });
    expect(ack).toMatchObject({
      status: "rectifying",
      acknowledgedAt: clock.toISOString(),
      actions: ["rectify"],
    });
    at(2 * DAY);
    const fixed = await c.source.quality.rectify({ issueId: id, note: "已统一为万元" });
    expect(fixed).toMatchObject({ status: "rectified", rectificationNote: "已统一为万元" });
    expect((await c.buyer.quality.get({ id })).actions).toEqual(["verify", "reopen"]);

    at(3 * DAY);
    const reopened = await c.buyer.quality.reopen({ issueId: id, reason: "仍有部分记录为元" });
    expect(reopened).toMatchObject({
      status: "reopened",
      reopenCount: 1,
      acknowledgedAt: null,
      rectifiedAt: null,
      // Both clocks restart at the reopening.
      acknowledgeDueAt: new Date(clock.getTime() + ACKNOWLEDGE_WITHIN_DAYS * DAY).toISOString(),
      rectifyDueAt: new Date(clock.getTime() + RECTIFY_WITHIN_DAYS * DAY).toISOString(),
    });
    await c.source.quality.acknowledge({ issueId: id });
    at(4 * DAY);
    await c.source.quality.rectify({ issueId: id, note: "已逐条复核并更正" });
    at(5 * DAY);
    const verified = await c.buyer.quality.verify({ issueId: id, score: 4, comment: "已核实" });
    expect(verified).toMatchObject({
      status: "verified",
      score: 4,
      verifiedAt: clock.toISOString(),
      actions: [],
    });
    expect(verified.timeline.map((e) => [e.step, e.actorOrgName])).toEqual([
      ["report", "鹏城商业银行股份有限公司"],
      ["acknowledge", "市市场监督管理局"],
      ["rectify", "市市场监督管理局"],
      ["reopen", "鹏城商业银行股份有限公司"],
      ["acknowledge", "市市场监督管理局"],
      ["rectify", "市市场监督管理局"],
      ["verify", "鹏城商业银行股份有限公司"],
    ]);
    expect(verified.timeline[2]?.note).toBe("已统一为万元");
    expect(verified.timeline[3]?.reason).toBe("仍有部分记录为元");
    expect(verified.timeline[6]).toMatchObject({ score: 4, comment: "已核实" });

    const events = await listAuditEvents(kit.db, { objectType: "quality_issue", objectId: id });
    expect(events).toHaveLength(7);
    expect(events.every((e) => e.beforeHash !== null || e.action === "quality.report")).toBe(true);
    expect((await verifyAuditTrail(kit.db)).ok).toBe(true);
  });

  describe("every state × action with the natural actor", () => {
    async function issueIn(state: TQualityStatus): Promise<string> {
      const { id } = await report(c.buyer, `状态 ${state}`);
      if (state === "reported") return id;
      await c.source.quality.acknowledge({ issueId: id });
      if (state === "rectifying") return id;
      await c.source.quality.rectify({ issueId: id, note: "已更正" });
      if (state === "rectified") return id;
      if (state === "verified") await c.buyer.quality.verify({ issueId: id, score: 3 });
      if (state === "reopened") await c.buyer.quality.reopen({ issueId: id, reason: "未改全" });
      return id;
    }

    const EXPECTED: Record<TQualityStatus, Partial<Record<TQualityAction, TQualityStatus>>> = {
      reported: { acknowledge: "rectifying" },
      rectifying: { rectify: "rectified" },
      rectified: { verify: "verified", reopen: "reopened" },
      verified: {},
      reopened: { acknowledge: "rectifying" },
    };

    for (const state of QUALITY_STATUSES) {
      for (const action of QUALITY_ACTIONS) {
        const to = EXPECTED[state][action];
        it(`${action} from ${state} → ${to ?? "INVALID_STATE"}`, async () => {
          const issueId = await issueIn(state);
          const call = () => {
            if (action === "acknowledge") return c.source.quality.acknowledge({ issueId });
            if (action === "rectify") return c.source.quality.rectify({ issueId, note: "再次更正" });
            if (action === "verify") return c.buyer.quality.verify({ issueId, score: 5 });
            return c.buyer.quality.reopen({ issueId, reason: "再开" });
          };
          const before = await rowCounts(kit.db);
          if (to) {
            expect((await call()).status).toBe(to);
          } else {
            const refused = await failure(call());
            expect(refused).toEqual({
              code: "INVALID_STATE",
              message: `cannot ${action} a quality issue that is ${state}`,
            });
            expect(await rowCounts(kit.db)).toEqual(before);
          }
        });
      }
    }
  });

  it("refuses other organizations: only the source acknowledges/rectifies, only the reporter verifies/reopens", async () => {
    const { id } = await report();
    const before = await rowCounts(kit.db);
    expect(await failure(c.otherSource.quality.acknowledge({ issueId: id }))).toEqual({
      code: "FORBIDDEN",
      message: "only the source department of LE-BASE may acknowledge this issue",
    });
    // Roles outside the matrix never reach the domain.
    expect((await failure(c.regulator.quality.acknowledge({ issueId: id }))).code).toBe("FORBIDDEN");
    expect((await failure(c.buyer.quality.acknowledge({ issueId: id }))).code).toBe("FORBIDDEN");
    await c.source.quality.acknowledge({ issueId: id });
    expect((await failure(c.otherSource.quality.rectify({ issueId: id, note: "n" }))).code).toBe("FORBIDDEN");
    await c.source.quality.rectify({ issueId: id, note: "已更正" });
    const mid = await rowCounts(kit.db);
    expect(await failure(c.buyer2.quality.verify({ issueId: id, score: 5 }))).toEqual({
      code: "FORBIDDEN",
      message: "only the organization that reported this issue may verify it",
    });
    expect((await failure(c.source.quality.verify({ issueId: id, score: 5 }))).code).toBe("FORBIDDEN");
    expect((await failure(c.buyer2.quality.reopen({ issueId: id, reason: "r" }))).code).toBe("FORBIDDEN");
    expect(await rowCounts(kit.db)).toEqual(mid);
    expect(Number(mid?.events)).toBe(Number(before?.events) + 2);
    expect((await c.buyer.quality.get({ id })).status).toBe("rectified");
  });

  it("shows each organization its own issues; regulators and auditors see all", async () => {
    const mine = await report(c.buyer, "只属于鹏城银行");
    const theirs = await report(c.buyer2, "只属于第二买方");
    const ids = (list: { id: string }[]) => list.map((i) => i.id);
    expect(ids(await c.buyer.quality.list())).toContain(mine.id);
    expect(ids(await c.buyer.quality.list())).not.toContain(theirs.id);
    expect(ids(await c.buyer2.quality.list())).toEqual([theirs.id]);
    expect(ids(await c.source.quality.list())).toEqual(expect.arrayContaining([mine.id, theirs.id]));
    expect(ids(await c.otherSource.quality.list())).toEqual([]);
    expect(ids(await c.operator.quality.list())).toEqual([]);
    for (const overseer of [c.regulator, c.auditor]) {
      expect(ids(await overseer.quality.list())).toEqual(expect.arrayContaining([mine.id, theirs.id]));
      expect((await overseer.quality.get({ id: theirs.id })).actions).toEqual([]);
    }
    expect(await failure(c.buyer.quality.get({ id: theirs.id }))).toEqual({
      code: "NOT_FOUND",
      message: "no such quality issue",
    });
    expect(await failure(c.otherSource.quality.get({ id: mine.id }))).toMatchObject({ code: "NOT_FOUND" });
    const filtered = await c.regulator.quality.list({ status: "reported", datasetCode: "LE-BASE" });
    expect(filtered.length).toBeGreaterThan(0);
    expect(filtered.every((i) => i.status === "reported" && i.datasetCode === "LE-BASE")).toBe(true);
    expect(await c.regulator.quality.list({ datasetCode: "POP-NONE" })).toEqual([]);
  });

  it("refuses bad input naming the problem and writes nothing", async () => {
    const { id } = await report();
    await c.source.quality.acknowledge({ issueId: id });
    await c.source.quality.rectify({ issueId: id, note: "已更正" });
    const before = await rowCounts(kit.db);

    expect(
      await failure(
        c.buyer.quality.report({ datasetCode: "NO-SUCH", category: "accuracy", description: "d" }),
      ),
    ).toEqual({ code: "INVALID_INPUT", message: "unknown dataset NO-SUCH" });
    expect(
      await failure(
        c.buyer.quality.report({
          datasetCode: "LE-BASE",
          fieldName: "salary",
          category: "accuracy",
          description: "d",
        }),
      ),
    ).toEqual({ code: "INVALID_INPUT", message: "unknown field salary in dataset LE-BASE" });
    // Shape errors are refused by the transport's schema, naming the field…
    expect(await failure(c.buyer.quality.verify({ issueId: id, score: 6 }))).toEqual({
      code: "BAD_REQUEST",
      message: "invalid input: score",
    });
    expect(await failure(c.source.quality.rectify({ issueId: id, note: "  " }))).toEqual({
      code: "BAD_REQUEST",
      message: "invalid input: note",
    });
    expect(await failure(c.buyer.quality.reopen({ issueId: id, reason: "" }))).toEqual({
      code: "BAD_REQUEST",
      message: "invalid input: reason",
    });
    // …and by the domain functions on their own.
    const buyer = await findSessionUser(kit.db, userIdFor("buyer@demo.pdx.cn"));
    if (!buyer) throw new Error("demo buyer missing");
    expect(await failure(verifyQualityIssue(kit.db, buyer, { issueId: id, score: 6 }, clock))).toEqual({
      code: "INVALID_INPUT",
      message: "score must be a whole number from 1 to 5",
    });
    expect(
      await failure(
        reportQualityIssue(
          kit.db,
          buyer,
          { datasetCode: "LE-BASE", category: "accuracy", description: " " },
          clock,
        ),
      ),
    ).toEqual({ code: "INVALID_INPUT", message: "description must not be empty" });
    expect(
      await failure(
        reportQualityIssue(
          kit.db,
          buyer,
          { datasetCode: "LE-BASE", category: "smell", description: "d" },
          clock,
        ),
      ),
    ).toEqual({ code: "INVALID_INPUT", message: "unknown category smell" });
    expect(await rowCounts(kit.db)).toEqual(before);
    expect((await c.buyer.quality.get({ id })).status).toBe("rectified");
  });

  it("offers every dataset with its fields for the report form", async () => {
    const options = await c.operator.quality.datasetOptions();
    const le = options.find((o) => o.code === "LE-BASE");
    expect(le?.sourceOrg.name).toBe("市市场监督管理局");
    expect(le?.fields).toContainEqual({
      name: "registered_capital",
      label: { zh: expect.stringContaining("注册资本"), en: expect.stringContaining("egistered capital") },
    });
    expect(le?.fields.map((f) => f.name)).toEqual(expect.arrayContaining(["uscc", "district", "industry"]));
  });
});

describe("quality overdue flags and statistics under a moved clock", () => {
  let kit: TServerTestKit;
  let buyer: TCaller;
  let source: TCaller;
  let regulator: TCaller;
  let clock = T0;
  const at = (ms: number) => {
    clock = new Date(T0.getTime() + ms);
  };

  beforeAll(async () => {
    kit = await createServerTestKit({ now: () => clock });
    await kit.db.query("DELETE FROM quality_issues");
    buyer = await kit.callerAs("buyer@demo.pdx.cn");
    source = await kit.callerAs("source@demo.pdx.cn");
    regulator = await kit.callerAs("regulator@demo.pdx.cn");
  });
  afterAll(async () => {
    await kit?.close();
  });

  const report = (description: string) =>
    buyer.quality.report({ datasetCode: "LE-BASE", fieldName: null, category: "completeness", description });

  it("flip when the clock passes the due times, in list, get, the overdue filter and listOverdueQualityIssues", async () => {
    at(0);
    const waiting = await report("一直没人处理");
    const acked = await report("已受理未整改");
    await source.quality.acknowledge({ issueId: acked.id });

    at(ACKNOWLEDGE_WITHIN_DAYS * DAY);
    expect(await regulator.quality.list({ overdue: true })).toEqual([]);
    expect((await buyer.quality.get({ id: waiting.id })).acknowledgeOverdue).toBe(false);

    at(ACKNOWLEDGE_WITHIN_DAYS * DAY + 1000);
    const got = await buyer.quality.get({ id: waiting.id });
    expect([got.acknowledgeOverdue, got.rectifyOverdue]).toEqual([true, false]);
    expect((await regulator.quality.list({ overdue: true })).map((i) => i.id)).toEqual([waiting.id]);
    expect((await listOverdueQualityIssues(kit.db, clock)).map((i) => i.id)).toEqual([waiting.id]);

    at(RECTIFY_WITHIN_DAYS * DAY + 1000);
    const list = await source.quality.list();
    const flags = (id: string) => {
      const i = list.find((x) => x.id === id);
      return [i?.acknowledgeOverdue, i?.rectifyOverdue];
    };
    expect(flags(waiting.id)).toEqual([true, true]);
    expect(flags(acked.id)).toEqual([false, true]);
    expect((await listOverdueQualityIssues(kit.db, clock)).map((i) => i.id).sort()).toEqual(
      [waiting.id, acked.id].sort(),
    );

    // Rectifying late ends the overdue state.
    await source.quality.rectify({ issueId: acked.id, note: "补齐" });
    expect((await listOverdueQualityIssues(kit.db, clock)).map((i) => i.id)).toEqual([waiting.id]);
  });

  it("per source department: open, overdue, average score and time to rectify", async () => {
    await kit.db.query("DELETE FROM quality_issues");
    at(0);
    const a = await report("甲");
    const b = await report("乙");
    await report("丙 未处理");
    for (const [issue, days, score] of [
      [a, 2, 5],
      [b, 4, 2],
    ] as const) {
      at(0);
      await source.quality.acknowledge({ issueId: issue.id });
      at(days * DAY);
      await source.quality.rectify({ issueId: issue.id, note: "已更正" });
      await buyer.quality.verify({ issueId: issue.id, score });
    }
    at(5 * DAY);
    const stats = await buyer.quality.stats();
    expect(stats.asOf).toBe(clock.toISOString());
    expect(stats.deadlines).toEqual({ acknowledgeWithinDays: 2, rectifyWithinDays: 10 });
    expect(stats.bySource).toEqual([
      {
        sourceOrg: { id: expect.any(String), name: "市市场监督管理局" },
        total: 3,
        open: 1,
        awaitingVerification: 0,
        verified: 2,
        overdue: 1,
        averageScore: 3.5,
        averageRectifyMs: 3 * DAY,
      },
    ]);
    at(HOUR);
    expect((await buyer.quality.stats()).bySource[0]?.overdue).toBe(0);
  });
});
