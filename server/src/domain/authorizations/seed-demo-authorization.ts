/**
 * Demo data of scenarios & authorizations, walked through the real workflow (so every step has
 * its audit event and every approval a real signature): the demo operator's accepted scenario
 * "企业区域行业分布分析（普惠金融风控）" on LE-BASE (district, industry, registered_capital; sandbox),
 * and its authorization, valid 3 years, approved by 市市场监督管理局 (source@demo.pdx.cn) and
 * 市数据局 (regulator@demo.pdx.cn) → active, chain record queued. The operator's LE-BASE
 * products are then linked to it.
 *
 * Idempotent and resumable: fixed ids; each run continues from wherever the last one stopped.
 * Needs the demo operator admitted (the operators seed runs first) and LE-BASE coded with its
 * catalog entry.
 */
import type { TDb } from "../../db";
import { findSessionUser, type TSessionUser } from "../auth/session-user";
import { datasetIdFor, orgIdFor, userIdFor } from "../seed/seed-demo-data";
import { stableUuid } from "../seed/stable-id";
import { listApprovals } from "../signing/approvals";
import type { TKeyring } from "../signing/keyring";
import { applyForAuthorization, approveAuthorization, REGULATOR_STEP, sourceStep } from "./authorizations";
import { acceptScenario, createScenario, fileScenario, findScenario } from "./scenarios";
import { operatorStatusOf } from "./views";

export const DEMO_SCENARIO_ID = stableUuid("scenario:city-data-operator:le-district-industry");
export const DEMO_AUTHORIZATION_ID = stableUuid("authorization:city-data-operator:le-district-industry");

const OPERATOR_KEY = "city-data-operator";
const SOURCE_KEY = "market-regulation";

export const DEMO_SCENARIO = {
  title: "企业区域行业分布分析（普惠金融风控）",
  purpose:
    "为银行普惠金融风控提供全市企业按所属行政区、行业的分布及注册资本规模统计，识别小微企业聚集区域，支持授信投放规划与区域风险评估。原始数据不出授权运营域，仅输出满足最小分组规模的聚合结果。",
  beneficiaryClass: "industry",
  computeMode: "sandbox",
  expectedOutputs: "各行政区 × 行业的企业数量与注册资本合计（万元）；不足 10 家企业的单元格不予输出。",
  requestedScope: [{ datasetCode: "LE-BASE", fields: ["district", "industry", "registered_capital"] }],
} as const;

/** Length of the demo authorization's term. */
export const DEMO_TERM_YEARS = 3;

async function user(db: TDb, email: string): Promise<TSessionUser> {
  const found = await findSessionUser(db, userIdFor(email));
  if (!found) throw new Error(`seed: demo user ${email} is missing`);
  return found;
}

export interface TSeedAuthorizationSummary {
  /** Something was created or advanced now (false: everything existed already). */
  changed: boolean;
  authorizationId: string;
  productsLinked: number;
}

/** Seeds the demo scenario and authorization (see the module comment). */
export async function seedDemoAuthorization(
  db: TDb,
  deps: { keyring: TKeyring; now?: Date },
): Promise<TSeedAuthorizationSummary> {
  const now = deps.now ?? new Date();
  const operatorOrgId = orgIdFor(OPERATOR_KEY);
  let changed = false;

  let scenario = await findScenario(db, DEMO_SCENARIO_ID);
  const { rows: existing } = await db.query<{ status: string }>(
    "SELECT status FROM authorizations WHERE id = $1",
    [DEMO_AUTHORIZATION_ID],
  );
  const done = existing[0] !== undefined && existing[0].status !== "pending_approval";
  if (!done) {
    if ((await operatorStatusOf(db, operatorOrgId)) !== "admitted")
      throw new Error("seed: the demo operator is not admitted (seed the operators first)");
    const operator = await user(db, "operator@demo.pdx.cn");
    const regulator = await user(db, "regulator@demo.pdx.cn");
    const source = await user(db, "source@demo.pdx.cn");
    if (!scenario) {
      await createScenario(
        db,
        operator,
        {
          ...DEMO_SCENARIO,
          requestedScope: DEMO_SCENARIO.requestedScope.map((d) => ({ ...d, fields: [...d.fields] })),
        },
        now,
        { id: DEMO_SCENARIO_ID },
      );
      changed = true;
      scenario = await findScenario(db, DEMO_SCENARIO_ID);
    }
    if (scenario?.status === "draft") {
      await fileScenario(db, operator, DEMO_SCENARIO_ID, now);
      changed = true;
    }
    if ((await findScenario(db, DEMO_SCENARIO_ID))?.status === "filed") {
      await acceptScenario(db, regulator, DEMO_SCENARIO_ID, now);
      changed = true;
    }
    if (existing[0] === undefined) {
      const validUntil = new Date(now);
      validUntil.setUTCFullYear(validUntil.getUTCFullYear() + DEMO_TERM_YEARS);
      await applyForAuthorization(
        db,
        operator,
        {
          scenarioId: DEMO_SCENARIO_ID,
          scope: DEMO_SCENARIO.requestedScope.map((d) => ({ ...d, fields: [...d.fields] })),
          validFrom: now,
          validUntil,
        },
        now,
        { id: DEMO_AUTHORIZATION_ID },
      );
      changed = true;
    }
    const decided = new Set(
      (await listApprovals(db, "authorization", DEMO_AUTHORIZATION_ID)).map((a) => a.step),
    );
    const steps: [TSessionUser, string, string][] = [
      [
        source,
        sourceStep(orgIdFor(SOURCE_KEY)),
        "字段均为法人公示信息的区域、行业和注册资本统计，同意在沙箱内聚合使用。",
      ],
      [regulator, REGULATOR_STEP, "场景已备案，授权范围与计算方式符合分级授权要求，同意授权。"],
    ];
    for (const [signer, step, comment] of steps) {
      if (decided.has(step)) continue;
      await approveAuthorization(db, deps.keyring, signer, { id: DEMO_AUTHORIZATION_ID, step, comment }, now);
      changed = true;
    }
  }
  // The operator's LE-BASE products run under this authorization.
  const linked = await db.query(
    `UPDATE products SET authorization_id = $1, updated_at = $4
      WHERE operator_org_id = $2 AND dataset_id = $3 AND authorization_id IS DISTINCT FROM $1`,
    [DEMO_AUTHORIZATION_ID, operatorOrgId, datasetIdFor("LE-BASE"), now],
  );
  return {
    changed: changed || linked.rowCount > 0,
    authorizationId: DEMO_AUTHORIZATION_ID,
    productsLinked: linked.rowCount,
  };
}
