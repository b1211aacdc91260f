/**
 * The demo authorization seed (run by seedDemoData, so by the test kit): it walked the real
 * workflow (scenario filed and accepted, application, signed approvals by 市市场监督管理局 and
 * 市数据局), ended active with its chain record queued and the operator's LE-BASE product linked;
 * a second run changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DEMO_AUTHORIZATION_ID,
  DEMO_HE_AUTHORIZATION_ID,
  DEMO_MPC_AUTHORIZATION_ID,
  DEMO_PSI_AUTHORIZATION_ID,
  DEMO_SCENARIO,
  DEMO_SCENARIO_ID,
  seedDemoAuthorization,
} from "../../server/src/domain/authorizations/seed-demo-authorization";
import { orgIdFor, productIdFor } from "../../server/src/domain/seed/seed-demo-data";
import { verifyAuditTrail } from "../../server/src/domain/trail/audit-trail";
import { createServerTestKit, type TServerTestKit } from "../../server/src/testing/server-test-kit";
import { prepareAuthorizationWorld, writeCounts } from "./authorizations-fixtures";

let kit: TServerTestKit;

beforeAll(async () => {
  kit = await createServerTestKit();
  await prepareAuthorizationWorld(kit);
});
afterAll(async () => {
  await kit?.close();
});

describe("seedDemoAuthorization", () => {
  // seedDemoData (run by the test kit) calls it after the operators seed.
  it("created an accepted scenario and an active, signed authorization linked to the LE-BASE product", async () => {
    const operator = await kit.callerAs("operator@demo.pdx.cn");
    const scenario = await operator.authorizations.getScenario({ id: DEMO_SCENARIO_ID });
    expect(scenario).toMatchObject({
      title: DEMO_SCENARIO.title,
      status: "accepted",
      computeMode: "sandbox",
      authorization: { id: DEMO_AUTHORIZATION_ID, status: "active" },
    });
    expect(scenario.events.map((e) => e.action)).toEqual([
      "scenario.create",
      "scenario.file",
      "scenario.accept",
    ]);

    const detail = await operator.authorizations.getAuthorization({ id: DEMO_AUTHORIZATION_ID });
    expect(detail.status).toBe("active");
    expect(detail.scope.map((d) => [d.datasetCode, d.fields.map((f) => f.name)])).toEqual([
      ["LE-BASE", ["district", "industry", "registered_capital"]],
    ]);
    const years = (Date.parse(detail.validUntil) - Date.parse(detail.validFrom)) / (365.25 * 86_400_000);
    expect(years).toBeCloseTo(3, 1);
    expect(detail.steps.map((s) => [s.step, s.status, s.approval?.signerName, s.approval?.verified])).toEqual(
      [
        [`source:${orgIdFor("market-regulation")}`, "approved", "林静（数据处）", true],
        ["regulator", "approved", "周明（数据要素处）", true],
      ],
    );
    expect(detail.chainWrites.map((w) => [w.kind, w.status])).toEqual([["authorization.record", "pending"]]);
    expect(detail.events.map((e) => e.action)).toEqual([
      "authorization.apply",
      "authorization.approve",
      "authorization.approve",
      "authorization.activate",
    ]);

    const { rows } = await kit.db.query<{ authorization_id: string | null }>(
      "SELECT authorization_id FROM products WHERE id = $1",
      [productIdFor("le-district-industry", 1)],
    );
    expect(rows[0]?.authorization_id).toBe(DEMO_AUTHORIZATION_ID);
    expect((await verifyAuditTrail(kit.db)).ok).toBe(true);
  });

  it("created the verification scenario's authorization over uscc and status, linked to both set-intersection products", async () => {
    const operator = await kit.callerAs("operator@demo.pdx.cn");
    const detail = await operator.authorizations.getAuthorization({ id: DEMO_PSI_AUTHORIZATION_ID });
    expect(detail.status).toBe("active");
    expect(detail.scope.map((d) => [d.datasetCode, d.fields.map((f) => f.name)])).toEqual([
      ["LE-BASE", ["status", "uscc"]],
    ]);
    const { rows } = await kit.db.query<{ code: string; authorization_id: string | null }>(
      "SELECT code, authorization_id FROM products ORDER BY code",
    );
    expect(rows).toEqual([
      { code: "dept-monthly-coverage", authorization_id: DEMO_MPC_AUTHORIZATION_ID },
      { code: "le-district-industry", authorization_id: DEMO_AUTHORIZATION_ID },
      { code: "le-portfolio-stats", authorization_id: DEMO_HE_AUTHORIZATION_ID },
      { code: "le-private-lookup", authorization_id: DEMO_HE_AUTHORIZATION_ID },
      { code: "le-private-scoring", authorization_id: DEMO_HE_AUTHORIZATION_ID },
      { code: "le-register-coverage", authorization_id: DEMO_PSI_AUTHORIZATION_ID },
      { code: "le-status-check", authorization_id: DEMO_PSI_AUTHORIZATION_ID },
    ]);
  });

  it("created the encrypted-query scenario's authorization (computed as he) over the four feature fields", async () => {
    const operator = await kit.callerAs("operator@demo.pdx.cn");
    const detail = await operator.authorizations.getAuthorization({ id: DEMO_HE_AUTHORIZATION_ID });
    expect(detail.status).toBe("active");
    expect(detail.scope.map((d) => [d.datasetCode, d.fields.map((f) => f.name)])).toEqual([
      ["LE-BASE", ["founded_on", "registered_capital", "status", "uscc"]],
    ]);
  });

  it("created the joint-statistics scenario's authorization (mpc) over three departments, approved by each", async () => {
    const operator = await kit.callerAs("operator@demo.pdx.cn");
    const detail = await operator.authorizations.getAuthorization({ id: DEMO_MPC_AUTHORIZATION_ID });
    expect(detail.status).toBe("active");
    expect(detail.scope.map((d) => [d.datasetCode, d.fields.map((f) => f.name)])).toEqual([
      ["HC-VACCINATION", ["doses", "month"]],
      ["SS-EMPLOYER-CONTRIBUTION", ["insured_count", "month"]],
      ["TAX-INVOICE-SUMMARY", ["customers", "month"]],
    ]);
    const { rows } = await kit.db.query<{ step: string }>(
      "SELECT step FROM signed_approvals WHERE subject_type = 'authorization' AND subject_id = $1",
      [DEMO_MPC_AUTHORIZATION_ID],
    );
    // One source step per department, then the regulator.
    expect(rows.filter((r) => r.step.startsWith("source:"))).toHaveLength(3);
    expect(rows.filter((r) => r.step === "regulator")).toHaveLength(1);
  });

  it("changes nothing when run again", async () => {
    const before = await writeCounts(kit.db);
    const summary = await seedDemoAuthorization(kit.db, { keyring: kit.deps.keyring });
    expect(summary).toEqual({
      changed: false,
      authorizationIds: [
        DEMO_AUTHORIZATION_ID,
        DEMO_PSI_AUTHORIZATION_ID,
        DEMO_HE_AUTHORIZATION_ID,
        DEMO_MPC_AUTHORIZATION_ID,
      ],
      productsLinked: 0,
    });
    expect(await writeCounts(kit.db)).toEqual(before);
  });
});
