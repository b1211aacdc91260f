/**
 * Demo data of scenarios & authorizations, walked through the real workflow (so every step has
 * its audit event and every approval a real signature): the demo operator's accepted scenarios
 * "企业区域行业分布分析（普惠金融风控）" on LE-BASE (district, industry, registered_capital; sandbox)
 * and "借款企业登记状态隐私核验（贷后风险预警）" on LE-BASE (uscc, status; verification by private
 * set intersection), each with its authorization, valid 3 years, approved by 市市场监督管理局
 * (source@demo.pdx.cn) and 市数据局 (regulator@demo.pdx.cn) → active, chain record queued. The
 * operator's products named by each are then linked to it.
 *
 * Idempotent and resumable: fixed ids; each run continues from wherever the last one stopped.
 * Needs the demo operator admitted (the operators seed runs first) and LE-BASE coded with its
 * catalog entry.
 */
import type { TDb } from "../../db";
import { findSessionUser, type TSessionUser } from "../auth/session-user";
import { orgIdFor, userIdFor } from "../seed/seed-demo-data";
import { stableUuid } from "../seed/stable-id";
import { listApprovals } from "../signing/approvals";
import type { TKeyring } from "../signing/keyring";
import { applyForAuthorization, approveAuthorization, REGULATOR_STEP, sourceStep } from "./authorizations";
import { acceptScenario, createScenario, fileScenario, findScenario } from "./scenarios";
import { operatorStatusOf } from "./views";

export const DEMO_SCENARIO_ID = stableUuid("scenario:city-data-operator:le-district-industry");
export const DEMO_AUTHORIZATION_ID = stableUuid("authorization:city-data-operator:le-district-industry");
export const DEMO_PSI_SCENARIO_ID = stableUuid("scenario:city-data-operator:le-status-check");
export const DEMO_PSI_AUTHORIZATION_ID = stableUuid("authorization:city-data-operator:le-status-check");
export const DEMO_HE_SCENARIO_ID = stableUuid("scenario:city-data-operator:le-private-scoring");
export const DEMO_HE_AUTHORIZATION_ID = stableUuid("authorization:city-data-operator:le-private-scoring");
export const DEMO_MPC_SCENARIO_ID = stableUuid("scenario:city-data-operator:dept-monthly-coverage");
export const DEMO_MPC_AUTHORIZATION_ID = stableUuid("authorization:city-data-operator:dept-monthly-coverage");

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

export const DEMO_PSI_SCENARIO = {
  title: "借款企业登记状态隐私核验（贷后风险预警）",
  purpose:
    "银行在不暴露客户名单的前提下，核验其借款企业是否已被吊销或注销、其客户中有多少家仍在营，用于贷后风险预警和客户群评估。采用隐私集合求交：客户名单在银行侧盲化，授权运营域只获知集合大小。",
  beneficiaryClass: "industry",
  computeMode: "verification",
  expectedOutputs:
    "银行名单中登记状态为吊销或注销的统一社会信用代码；或名单中在营企业的数量。不输出名单以外的任何企业信息。",
  requestedScope: [{ datasetCode: "LE-BASE", fields: ["status", "uscc"] }],
} as const;

export const DEMO_HE_SCENARIO = {
  title: "企业密态评分与隐匿查询（授信审批）",
  purpose:
    "银行在不暴露其授信模型、查询对象和客户组合的前提下，对企业登记特征（注册资本档位、成立年份、登记状态）进行同态加密计算：私有模型评分、单户隐匿查询和组合统计。银行的输入在其浏览器内加密，授权运营域只在密文上计算，结果只有银行能解密。",
  beneficiaryClass: "industry",
  computeMode: "he",
  expectedOutputs:
    "以银行密钥加密的每家企业评分、所查企业的特征或组合的统计值；可获知的信息不超过每家企业的注册资本档位、成立年份和登记状态代码。",
  requestedScope: [
    { datasetCode: "LE-BASE", fields: ["founded_on", "registered_capital", "status", "uscc"] },
  ],
} as const;

/**
 * The joint statistic of three departments (税务, 人社, 卫健) by multi-party computation: one
 * scenario and one authorization whose scope spans the three datasets, so each department approves
 * it (one source step per source organization) before the regulator; every MPC node checks it on
 * chain for its own dataset and fields before it computes.
 */
export const DEMO_MPC_SCENARIO = {
  title: "跨部门月度服务人次联合统计（公共服务覆盖评估）",
  purpose:
    "按月联合统计税务（企业下游客户数）、人社（单位参保人数）和卫健（接种剂次）三个部门记录覆盖的人次，评估公共服务覆盖的季节变化。采用多方安全计算：各部门数据只在本部门安全节点内计算，只输出满足最小分组规模并加噪的联合结果。",
  beneficiaryClass: "public_welfare",
  computeMode: "mpc",
  expectedOutputs:
    "2025年1月至2026年10月每月的联合记录数、人次合计、均值和方差；联合记录数不足 20 的月份不予输出。",
  requestedScope: [
    { datasetCode: "TAX-INVOICE-SUMMARY", fields: ["month", "customers"] },
    { datasetCode: "SS-EMPLOYER-CONTRIBUTION", fields: ["month", "insured_count"] },
    { datasetCode: "HC-VACCINATION", fields: ["month", "doses"] },
  ],
} as const;

/** One demo authorization: its scenario, the approvals' comments and the products it covers. */
interface TDemoAuthorization {
  scenarioId: string;
  authorizationId: string;
  scenario:
    | typeof DEMO_SCENARIO
    | typeof DEMO_PSI_SCENARIO
    | typeof DEMO_HE_SCENARIO
    | typeof DEMO_MPC_SCENARIO;
  /**
   * The source organizations that approve (their demo users' e-mails), one per source
   * organization of the scope's datasets; default: 市市场监督管理局 (source@demo.pdx.cn).
   */
  sources?: readonly { orgKey: string; email: string }[];
  sourceComment: string;
  regulatorComment: string;
  /** Codes of the operator's products that run under it. */
  productCodes: readonly string[];
}

export const DEMO_AUTHORIZATIONS: readonly TDemoAuthorization[] = [
  {
    scenarioId: DEMO_SCENARIO_ID,
    authorizationId: DEMO_AUTHORIZATION_ID,
    scenario: DEMO_SCENARIO,
    sourceComment: "字段均为法人公示信息的区域、行业和注册资本统计，同意在沙箱内聚合使用。",
    regulatorComment: "场景已备案，授权范围与计算方式符合分级授权要求，同意授权。",
    productCodes: ["le-district-industry"],
  },
  {
    scenarioId: DEMO_PSI_SCENARIO_ID,
    authorizationId: DEMO_PSI_AUTHORIZATION_ID,
    scenario: DEMO_PSI_SCENARIO,
    sourceComment: "统一社会信用代码与登记状态为公示信息，同意以隐私集合求交方式核验，不输出名单以外的企业。",
    regulatorComment: "核验场景已备案，采用隐私集合求交，仅向需求方返回其自有名单的命中结果，同意授权。",
    productCodes: ["le-status-check", "le-register-coverage"],
  },
  {
    scenarioId: DEMO_HE_SCENARIO_ID,
    authorizationId: DEMO_HE_AUTHORIZATION_ID,
    scenario: DEMO_HE_SCENARIO,
    sourceComment:
      "注册资本仅以档位参与计算，成立日期仅取年份，均为公示登记事项的粗化形式，同意以同态加密方式使用。",
    regulatorComment: "场景已备案，需求方输入全程加密，输出不超过逐户公示信息的粗化特征，同意授权。",
    productCodes: ["le-private-scoring", "le-private-lookup", "le-portfolio-stats"],
  },
  {
    scenarioId: DEMO_MPC_SCENARIO_ID,
    authorizationId: DEMO_MPC_AUTHORIZATION_ID,
    scenario: DEMO_MPC_SCENARIO,
    sources: [
      { orgKey: "tax", email: "tax@demo.pdx.cn" },
      { orgKey: "human-resources", email: "human-resources@demo.pdx.cn" },
      { orgKey: "health", email: "health@demo.pdx.cn" },
    ],
    sourceComment: "仅用于按月聚合的人次统计，以多方安全计算方式使用，明细不出本部门安全节点，同意授权。",
    regulatorComment: "场景已备案，三个数据源部门均已同意，多方安全计算方式符合分级授权要求，同意授权。",
    productCodes: ["dept-monthly-coverage"],
  },
];

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
  authorizationIds: string[];
  productsLinked: number;
}

/** Seeds the demo scenarios and authorizations (see the module comment). */
export async function seedDemoAuthorization(
  db: TDb,
  deps: { keyring: TKeyring; now?: Date },
): Promise<TSeedAuthorizationSummary> {
  const now = deps.now ?? new Date();
  let changed = false;
  let productsLinked = 0;
  for (const demo of DEMO_AUTHORIZATIONS) {
    const one = await seedOne(db, deps.keyring, demo, now);
    changed ||= one.changed;
    productsLinked += one.productsLinked;
  }
  return { changed, authorizationIds: DEMO_AUTHORIZATIONS.map((d) => d.authorizationId), productsLinked };
}

async function seedOne(
  db: TDb,
  keyring: TKeyring,
  demo: TDemoAuthorization,
  now: Date,
): Promise<{ changed: boolean; productsLinked: number }> {
  const operatorOrgId = orgIdFor(OPERATOR_KEY);
  const scope = () => demo.scenario.requestedScope.map((d) => ({ ...d, fields: [...d.fields] }));
  let changed = false;

  let scenario = await findScenario(db, demo.scenarioId);
  const { rows: existing } = await db.query<{ status: string }>(
    "SELECT status FROM authorizations WHERE id = $1",
    [demo.authorizationId],
  );
  const done = existing[0] !== undefined && existing[0].status !== "pending_approval";
  if (!done) {
    if ((await operatorStatusOf(db, operatorOrgId)) !== "admitted")
      throw new Error("seed: the demo operator is not admitted (seed the operators first)");
    const operator = await user(db, "operator@demo.pdx.cn");
    const regulator = await user(db, "regulator@demo.pdx.cn");
    const sources = demo.sources ?? [{ orgKey: SOURCE_KEY, email: "source@demo.pdx.cn" }];
    if (!scenario) {
      await createScenario(db, operator, { ...demo.scenario, requestedScope: scope() }, now, {
        id: demo.scenarioId,
      });
      changed = true;
      scenario = await findScenario(db, demo.scenarioId);
    }
    if (scenario?.status === "draft") {
      await fileScenario(db, operator, demo.scenarioId, now);
      changed = true;
    }
    if ((await findScenario(db, demo.scenarioId))?.status === "filed") {
      await acceptScenario(db, regulator, demo.scenarioId, now);
      changed = true;
    }
    if (existing[0] === undefined) {
      const validUntil = new Date(now);
      validUntil.setUTCFullYear(validUntil.getUTCFullYear() + DEMO_TERM_YEARS);
      await applyForAuthorization(
        db,
        operator,
        { scenarioId: demo.scenarioId, scope: scope(), validFrom: now, validUntil },
        now,
        { id: demo.authorizationId },
      );
      changed = true;
    }
    const decided = new Set(
      (await listApprovals(db, "authorization", demo.authorizationId)).map((a) => a.step),
    );
    const steps: [TSessionUser, string, string][] = [
      ...(await Promise.all(
        sources.map(
          async (src): Promise<[TSessionUser, string, string]> => [
            await user(db, src.email),
            sourceStep(orgIdFor(src.orgKey)),
            demo.sourceComment,
          ],
        ),
      )),
      [regulator, REGULATOR_STEP, demo.regulatorComment],
    ];
    for (const [signer, step, comment] of steps) {
      if (decided.has(step)) continue;
      await approveAuthorization(db, keyring, signer, { id: demo.authorizationId, step, comment }, now);
      changed = true;
    }
  }
  // The operator's products named by the demo run under this authorization.
  const linked = await db.query(
    `UPDATE products SET authorization_id = $1, updated_at = $4
      WHERE operator_org_id = $2 AND code = ANY($3) AND authorization_id IS DISTINCT FROM $1`,
    [demo.authorizationId, operatorOrgId, demo.productCodes, now],
  );
  return { changed: changed || linked.rowCount > 0, productsLinked: linked.rowCount };
}
