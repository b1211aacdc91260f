/**
 * The demand list through the real tRPC procedures on a migrated, seeded database: the whole
 * flow, every (state × action) pair with the natural actor, cross-organization refusals, bad
 * input (refused, nothing written), statistics under a moved clock, and the demo seed.
 */
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TDb } from "../../db";
import {
  addSecondBuyer,
  createServerTestKit,
  type TCaller,
  type TServerTestKit,
} from "../../testing/server-test-kit";
import { findSessionUser } from "../auth/session-user";
import { isDomainError } from "../domain-error";
import { productIdFor, userIdFor } from "../seed/seed-demo-data";
import { listAuditEvents, verifyAuditTrail } from "../trail/audit-trail";
import { DEMAND_ACTIONS, DEMAND_STATUSES, type TDemandAction, type TDemandStatus } from "./demand-machine";
import { postDemand, respondToDemand } from "./demands";
import { seedDemoDemandsAndQuality } from "./seed-demo-demands-and-quality";

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const T0 = new Date("2026-03-02T01:00:00.000Z");
const PRODUCT_ID = productIdFor("le-district-industry", 1);

/** The domain code of a failed call (tRPC errors carry the DomainError as cause), or the tRPC code. */
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
  const { rows } = await db.query<{ demands: string; responses: string; events: string }>(
    `SELECT (SELECT count(*) FROM data_demands) AS demands, (SELECT count(*) FROM demand_responses) AS responses,
            (SELECT count(*) FROM audit_events) AS events`,
  );
  return rows[0];
}

interface TCallers {
  buyer: TCaller;
  buyer2: TCaller;
  source: TCaller;
  operator: TCaller;
  agency: TCaller;
  regulator: TCaller;
}

/** The kit's seed may include the demo demands and issues; these tests start from none. */
async function clearDemandsAndQuality(db: TDb): Promise<void> {
  await db.query("DELETE FROM demand_responses");
  await db.query("DELETE FROM data_demands");
  await db.query("DELETE FROM quality_issues");
}

async function callersOf(kit: TServerTestKit): Promise<TCallers> {
  await clearDemandsAndQuality(kit.db);
  const buyer2Email = await addSecondBuyer(kit.db);
  return {
    buyer: await kit.callerAs("buyer@demo.pdx.cn"),
    buyer2: await kit.callerAs(buyer2Email),
    source: await kit.callerAs("source@demo.pdx.cn"),
    operator: await kit.callerAs("operator@demo.pdx.cn"),
    agency: await kit.callerAs("agency@demo.pdx.cn"),
    regulator: await kit.callerAs("regulator@demo.pdx.cn"),
  };
}

const post = (c: TCallers, title = "区域企业分布") =>
  c.buyer.demands.post({ title, description: "按行政区统计在营企业数量", libraryCode: "legal_entity" });

describe("demand list", () => {
  let kit: TServerTestKit;
  let c: TCallers;
  let clock = T0;

  beforeAll(async () => {
    kit = await createServerTestKit({ now: () => clock });
    c = await callersOf(kit);
  });
  afterAll(async () => {
    await kit?.close();
  });

  it("goes open → answered → satisfied, with every step in the audit trail", async () => {
    const posted = await c.buyer.demands.post({
      title: "小微企业行业分布",
      description: "需要按行业统计小微企业数量",
      libraryCode: "legal_entity",
      datasetCodes: ["LE-BASE"],
    });
    expect(posted).toMatchObject({ status: "open", datasetCodes: ["LE-BASE"], responseCount: 0 });
    expect(posted.buyerOrg.name).toBe("鹏城商业银行股份有限公司");
    expect(posted.actions).toEqual(["close"]);
    expect((await c.source.demands.get({ id: posted.id })).actions).toEqual(["respond"]);
    expect((await c.buyer2.demands.get({ id: posted.id })).actions).toEqual([]);

    clock = new Date(T0.getTime() + HOUR);
    const answered = await c.source.demands.respond({
      demandId: posted.id,
      message: "法人基础库可以满足",
      offeredDatasetCode: "LE-BASE",
    });
    expect(answered.status).toBe("answered");
    expect(answered.firstResponseAt).toBe(clock.toISOString());
    expect(answered.responses[0]).toMatchObject({
      message: "法人基础库可以满足",
      offeredDataset: { code: "LE-BASE", name: { zh: "法人基础库" } },
      offeredProduct: null,
      responderOrg: { name: "市市场监督管理局", type: "data_source" },
    });

    clock = new Date(T0.getTime() + 2 * HOUR);
    const offered = await c.operator.demands.respond({
      demandId: posted.id,
      message: "已上架产品可直接使用",
      offeredProductId: PRODUCT_ID,
    });
    expect(offered.firstResponseAt).toBe(new Date(T0.getTime() + HOUR).toISOString());
    expect(offered.responses[1]?.offeredProduct).toMatchObject({
      id: PRODUCT_ID,
      code: "le-district-industry",
    });
    await c.agency.demands.respond({ demandId: posted.id, message: "可提供数据质量评估服务" });
    const beforeSatisfy = await c.buyer.demands.get({ id: posted.id });
    expect(beforeSatisfy.responseCount).toBe(3);
    expect(beforeSatisfy.actions).toEqual(["mark_satisfied", "close"]);

    clock = new Date(T0.getTime() + 3 * HOUR);
    const responseId = answered.responses[0]?.id as string;
    const satisfied = await c.buyer.demands.markSatisfied({ demandId: posted.id, responseId });
    expect(satisfied).toMatchObject({
      status: "satisfied",
      satisfiedAt: clock.toISOString(),
      satisfiedByResponseId: responseId,
      actions: [],
    });

    const events = await listAuditEvents(kit.db, { objectType: "data_demand", objectId: posted.id });
    expect(events.map((e) => e.action).reverse()).toEqual([
      "demand.post",
      "demand.respond",
      "demand.respond",
      "demand.respond",
      "demand.mark_satisfied",
    ]);
    expect(events[0]?.actorOrgName).toBe("鹏城商业银行股份有限公司");
    expect((await verifyAuditTrail(kit.db)).ok).toBe(true);
  });

  it("lists with status and mine filters", async () => {
    const mine = await post(c, "只看我的");
    await c.buyer2.demands.post({ title: "第二买方的需求", description: "别人的" });
    const buyerMine = await c.buyer.demands.list({ mine: true });
    expect(buyerMine.every((d) => d.buyerOrg.id === mine.buyerOrg.id)).toBe(true);
    expect(buyerMine.map((d) => d.title)).toContain("只看我的");
    const all = await c.regulator.demands.list();
    expect(all.map((d) => d.title)).toEqual(expect.arrayContaining(["只看我的", "第二买方的需求"]));
    const open = await c.source.demands.list({ status: "open" });
    expect(open.length).toBeGreaterThan(0);
    expect(open.every((d) => d.status === "open")).toBe(true);
    // A responder's "mine" is what its organization answered.
    const sourceMine = await c.source.demands.list({ mine: true });
    expect(sourceMine.map((d) => d.title)).toEqual(["小微企业行业分布"]);
  });

  describe("every state × action with the natural actor", () => {
    /** A fresh demand in `state`; returns its id and a response id when it has one. */
    async function demandIn(state: TDemandStatus): Promise<{ id: string; responseId: string | null }> {
      const d = await post(c, `状态 ${state}`);
      if (state === "open") return { id: d.id, responseId: null };
      if (state === "closed") {
        await c.buyer.demands.close({ demandId: d.id });
        return { id: d.id, responseId: null };
      }
      const answered = await c.source.demands.respond({ demandId: d.id, message: "可以" });
      const responseId = answered.responses[0]?.id as string;
      if (state === "satisfied") await c.buyer.demands.markSatisfied({ demandId: d.id, responseId });
      return { id: d.id, responseId };
    }

    const EXPECTED: Record<TDemandStatus, Partial<Record<TDemandAction, TDemandStatus>>> = {
      open: { respond: "answered", close: "closed" },
      answered: { respond: "answered", mark_satisfied: "satisfied", close: "closed" },
      satisfied: {},
      closed: {},
    };

    for (const state of DEMAND_STATUSES) {
      for (const action of DEMAND_ACTIONS) {
        const to = EXPECTED[state][action];
        it(`${action} from ${state} → ${to ?? "INVALID_STATE"}`, async () => {
          const { id, responseId } = await demandIn(state);
          // A real response of another demand: the state check comes first.
          const anyResponse = responseId ?? (await demandIn("answered")).responseId;
          const call = () => {
            if (action === "respond") return c.source.demands.respond({ demandId: id, message: "再次答复" });
            if (action === "close") return c.buyer.demands.close({ demandId: id });
            return c.buyer.demands.markSatisfied({ demandId: id, responseId: anyResponse as string });
          };
          const before = await rowCounts(kit.db);
          if (to) {
            expect((await call()).status).toBe(to);
          } else {
            const refused = await failure(call());
            expect(refused.code).toBe("INVALID_STATE");
            expect(refused.message).toBe(`cannot ${action.replace("_", " ")} a demand that is ${state}`);
            expect(await rowCounts(kit.db)).toEqual(before);
          }
        });
      }
    }
  });

  it("refuses other organizations: another buyer cannot mark my demand satisfied or close it", async () => {
    const d = await post(c, "跨机构");
    const answered = await c.source.demands.respond({ demandId: d.id, message: "可以" });
    const responseId = answered.responses[0]?.id as string;
    const before = await rowCounts(kit.db);
    expect(await failure(c.buyer2.demands.markSatisfied({ demandId: d.id, responseId }))).toEqual({
      code: "FORBIDDEN",
      message: "only the organization that posted this demand may mark it satisfied",
    });
    expect((await failure(c.buyer2.demands.close({ demandId: d.id }))).code).toBe("FORBIDDEN");
    // Roles outside the matrix are refused before the domain.
    expect((await failure(c.operator.demands.markSatisfied({ demandId: d.id, responseId }))).code).toBe(
      "FORBIDDEN",
    );
    expect((await failure(c.buyer.demands.respond({ demandId: d.id, message: "自己答复" }))).code).toBe(
      "FORBIDDEN",
    );
    expect((await failure(c.source.demands.post({ title: "x", description: "y" }))).code).toBe("FORBIDDEN");
    expect(await rowCounts(kit.db)).toEqual(before);
    expect((await c.buyer.demands.get({ id: d.id })).status).toBe("answered");
  });

  it("refuses bad input naming the problem and writes nothing", async () => {
    const d = await post(c, "输入校验");
    const other = await post(c, "另一个需求");
    const otherAnswer = await c.source.demands.respond({ demandId: other.id, message: "可以" });
    const before = await rowCounts(kit.db);

    expect(
      await failure(
        c.buyer.demands.post({ title: "t", description: "d", datasetCodes: ["LE-BASE", "NO-SUCH"] }),
      ),
    ).toEqual({ code: "INVALID_INPUT", message: "unknown dataset NO-SUCH" });
    expect(
      await failure(
        c.source.demands.respond({ demandId: d.id, message: "m", offeredDatasetCode: "NO-SUCH" }),
      ),
    ).toEqual({ code: "INVALID_INPUT", message: "unknown dataset NO-SUCH" });
    expect(
      await failure(
        c.source.demands.respond({
          demandId: d.id,
          message: "m",
          offeredProductId: "00000000-0000-4000-8000-000000000000",
        }),
      ),
    ).toEqual({ code: "INVALID_INPUT", message: "unknown product" });
    expect(
      await failure(
        c.buyer.demands.markSatisfied({
          demandId: other.id,
          responseId: "00000000-0000-4000-8000-000000000000",
        }),
      ),
    ).toEqual({ code: "INVALID_INPUT", message: "that response does not answer this demand" });
    const d2Answer = await failure(
      c.buyer.demands.markSatisfied({ demandId: d.id, responseId: otherAnswer.responses[0]?.id as string }),
    );
    // d is still open: the state is refused before the response is looked at.
    expect(d2Answer.code).toBe("INVALID_STATE");
    expect(await failure(c.buyer.demands.get({ id: "00000000-0000-4000-8000-000000000000" }))).toEqual({
      code: "NOT_FOUND",
      message: "no such demand",
    });

    // Empty text: the transport's schema names the field; the domain refuses it on its own too.
    const empty = await failure(c.buyer.demands.post({ title: "   ", description: "d" }));
    expect(empty).toEqual({ code: "BAD_REQUEST", message: "invalid input: title" });
    const buyer = await findSessionUser(kit.db, userIdFor("buyer@demo.pdx.cn"));
    const source = await findSessionUser(kit.db, userIdFor("source@demo.pdx.cn"));
    if (!buyer || !source) throw new Error("demo users missing");
    expect(await failure(postDemand(kit.db, buyer, { title: "  ", description: "d" }, clock))).toEqual({
      code: "INVALID_INPUT",
      message: "title must not be empty",
    });
    expect(
      await failure(
        postDemand(kit.db, buyer, { title: "t", description: "d", libraryCode: "astrology" }, clock),
      ),
    ).toEqual({ code: "INVALID_INPUT", message: "unknown library astrology" });
    expect(await failure(respondToDemand(kit.db, source, { demandId: d.id, message: "" }, clock))).toEqual({
      code: "INVALID_INPUT",
      message: "message must not be empty",
    });
    expect(await rowCounts(kit.db)).toEqual(before);
  });

  it("seeds the demo demands and quality issues once", async () => {
    const first = await seedDemoDemandsAndQuality(kit.db, clock);
    expect(first).toEqual({ demandsCreated: 5, qualityIssuesCreated: 3 });
    const after = await rowCounts(kit.db);
    expect(await seedDemoDemandsAndQuality(kit.db, clock)).toEqual({
      demandsCreated: 0,
      qualityIssuesCreated: 0,
    });
    expect(await rowCounts(kit.db)).toEqual(after);
    const statuses = (await c.buyer.demands.list({ mine: true })).map((d) => d.status);
    for (const s of ["open", "answered", "satisfied", "closed"] as const) expect(statuses).toContain(s);
    const issues = await c.buyer.quality.list();
    expect(issues.map((i) => i.status).sort()).toEqual(["rectifying", "reported", "verified"]);
    expect(issues.find((i) => i.status === "reported")?.acknowledgeOverdue).toBe(true);
    expect((await verifyAuditTrail(kit.db)).ok).toBe(true);
  });
});

describe("demand statistics under a moved clock", () => {
  let kit: TServerTestKit;
  let c: TCallers;
  let clock = T0;
  const at = (ms: number) => {
    clock = new Date(T0.getTime() + ms);
  };

  beforeAll(async () => {
    kit = await createServerTestKit({ now: () => clock });
    c = await callersOf(kit);
  });
  afterAll(async () => {
    await kit?.close();
  });

  it("are empty before any demand", async () => {
    expect(await c.regulator.demands.stats()).toEqual({
      asOf: T0.toISOString(),
      total: 0,
      open: 0,
      answered: 0,
      satisfied: 0,
      closed: 0,
      openCount: 0,
      openOlderThan7Days: 0,
      satisfactionRate: null,
      timeToSatisfy: { medianMs: null, p90Ms: null, within1DayShare: null, within7DaysShare: null },
      byLibrary: [],
    });
  });

  it("count satisfaction, percentiles, shares and old open demands", async () => {
    at(0);
    const satisfyAfter = async (title: string, ms: number) => {
      at(0);
      const d = await post(c, title);
      const r = await c.source.demands.respond({ demandId: d.id, message: "可以" });
      at(ms);
      await c.buyer.demands.markSatisfied({ demandId: d.id, responseId: r.responses[0]?.id as string });
    };
    await satisfyAfter("两小时", 2 * HOUR);
    await satisfyAfter("三天", 3 * DAY);
    await satisfyAfter("十天", 10 * DAY);
    at(0);
    await c.buyer.demands.post({ title: "人口需求", description: "d", libraryCode: "population" });
    const closed = await c.buyer.demands.post({ title: "撤回", description: "d" });
    await c.buyer.demands.close({ demandId: closed.id });
    at(9 * DAY);
    const late = await post(c, "九天后发布");
    await c.operator.demands.respond({ demandId: late.id, message: "可以" });

    at(10 * DAY);
    const stats = await c.buyer.demands.stats();
    expect(stats).toMatchObject({
      asOf: clock.toISOString(),
      total: 6,
      open: 1,
      answered: 1,
      satisfied: 3,
      closed: 1,
      openCount: 2,
      openOlderThan7Days: 1,
      // satisfied / (open + answered + satisfied); the closed demand is left out.
      satisfactionRate: 3 / 5,
      timeToSatisfy: { medianMs: 3 * DAY, p90Ms: 10 * DAY, within1DayShare: 1 / 3, within7DaysShare: 2 / 3 },
    });
    expect(stats.byLibrary).toEqual([
      { libraryCode: "legal_entity", total: 4, openCount: 1, satisfied: 3 },
      { libraryCode: "", total: 1, openCount: 0, satisfied: 0 },
      { libraryCode: "population", total: 1, openCount: 1, satisfied: 0 },
    ]);

    // Eleven days after the late demand was posted it counts as old too.
    at(20 * DAY);
    const later = await c.buyer.demands.stats();
    expect(later.openOlderThan7Days).toBe(2);
    expect(later.satisfactionRate).toBe(3 / 5);
  });
});
