/**
 * Demo content for the demand list and the quality loop: a few realistic demands and quality
 * issues on LE-BASE in different states, created through the domain functions (so they carry
 * audit-trail events) as the demo users, with times spread over the days before `now` so the
 * statistics and overdue flags have something to show. Idempotent: an item whose title (demand)
 * or description (issue) already exists is skipped.
 */
import type { TDb } from "../../db";
import { findSessionUser, type TSessionUser } from "../auth/session-user";
import {
  acknowledgeQualityIssue,
  rectifyQualityIssue,
  reportQualityIssue,
  verifyQualityIssue,
} from "../quality/quality-issues";
import { userIdFor } from "../seed/seed-demo-data";
import { closeDemand, markDemandSatisfied, postDemand, respondToDemand } from "./demands";

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

const BUYER = "buyer@demo.pdx.cn";
const SOURCE = "source@demo.pdx.cn";
const OPERATOR = "operator@demo.pdx.cn";

export interface TSeedDemandsSummary {
  demandsCreated: number;
  qualityIssuesCreated: number;
}

async function demoUser(db: TDb, email: string): Promise<TSessionUser> {
  const user = await findSessionUser(db, userIdFor(email));
  if (!user) throw new Error(`seed: demo user ${email} is missing (seed the demo organizations first)`);
  return user;
}

/** Seeds the demo demands and quality issues (needs the demo users and LE-BASE). */
export async function seedDemoDemandsAndQuality(db: TDb, now: Date): Promise<TSeedDemandsSummary> {
  const buyer = await demoUser(db, BUYER);
  const source = await demoUser(db, SOURCE);
  const operator = await demoUser(db, OPERATOR);
  const at = (daysBefore: number, hours = 0) =>
    new Date(now.getTime() - daysBefore * DAY_MS + hours * HOUR_MS);
  let demandsCreated = 0;
  let qualityIssuesCreated = 0;

  const { rows: demandRows } = await db.query<{ title: string }>(
    "SELECT title FROM data_demands WHERE buyer_org_id = $1",
    [buyer.org.id],
  );
  const existingTitles = new Set(demandRows.map((r) => r.title));
  const newDemand = async (title: string, description: string, daysBefore: number) => {
    if (existingTitles.has(title)) return null;
    demandsCreated++;
    return postDemand(
      db,
      buyer,
      { title, description, libraryCode: "legal_entity", datasetCodes: ["LE-BASE"] },
      at(daysBefore),
    );
  };

  // Satisfied within a day: the source department points to LE-BASE.
  const d1 = await newDemand(
    "小微企业授信前的区域行业分布",
    "为制定小微企业普惠授信策略，需要按行政区与行业统计在营企业数量及注册资本分布，不需要任何单个企业明细。",
    20,
  );
  if (d1) {
    const answered = await respondToDemand(
      db,
      source,
      {
        demandId: d1.id,
        message: "法人基础库（LE-BASE）已登记行政区、行业、注册资本字段，可经授权运营以聚合方式使用。",
        offeredDatasetCode: "LE-BASE",
      },
      at(20, 5),
    );
    const response = answered.responses[0];
    if (response)
      await markDemandSatisfied(db, buyer, { demandId: d1.id, responseId: response.id }, at(20, 9));
  }

  // Satisfied after several days: the operator offers its listed product.
  const d2 = await newDemand(
    "新设企业月度趋势",
    "希望按月了解全市新设立企业数量变化，用于评估区域营商环境与信贷需求增长。",
    15,
  );
  if (d2) {
    const { rows: products } = await db.query<{ id: string }>(
      "SELECT id FROM products WHERE status = 'listed' AND operator_org_id = $1 ORDER BY code, version LIMIT 1",
      [operator.org.id],
    );
    const answered = await respondToDemand(
      db,
      operator,
      {
        demandId: d2.id,
        message: "可基于法人基础库的成立日期字段在授权运营域内按月聚合输出，最小分组规则照常适用。",
        offeredDatasetCode: "LE-BASE",
        offeredProductId: products[0]?.id ?? null,
      },
      at(13),
    );
    const response = answered.responses[0];
    if (response) await markDemandSatisfied(db, buyer, { demandId: d2.id, responseId: response.id }, at(10));
  }

  // Answered, waiting for the buyer.
  const d3 = await newDemand(
    "企业登记状态变更及时性",
    "需要了解企业注销、吊销等登记状态的更新频率，以便贷后管理及时识别风险。",
    6,
  );
  if (d3) {
    await respondToDemand(
      db,
      source,
      {
        demandId: d3.id,
        message: "登记状态每日更新，变更在次日同步至法人基础库。",
        offeredDatasetCode: "LE-BASE",
      },
      at(5),
    );
  }

  // Still open.
  await newDemand(
    "企业纳税信用等级",
    "希望获取企业纳税信用等级（A/B/M/C/D）用于授信评分，仅需按行业汇总的等级分布。",
    2,
  );

  // Closed by the buyer without being satisfied.
  const d5 = await newDemand("企业用电量月度数据", "用于评估企业经营活跃度，后经内部评估暂不需要。", 12);
  if (d5) await closeDemand(db, buyer, { demandId: d5.id }, at(9));

  const { rows: issueRows } = await db.query<{ description: string }>(
    "SELECT description FROM quality_issues WHERE reporter_org_id = $1",
    [buyer.org.id],
  );
  const existingIssues = new Set(issueRows.map((r) => r.description));
  const newIssue = async (
    fieldName: string | null,
    category: string,
    description: string,
    daysBefore: number,
  ) => {
    if (existingIssues.has(description)) return null;
    qualityIssuesCreated++;
    return reportQualityIssue(
      db,
      buyer,
      { datasetCode: "LE-BASE", fieldName, category, description },
      at(daysBefore),
    );
  };

  // Verified with a score.
  const q1 = await newIssue(
    "founded_on",
    "accuracy",
    "部分企业成立日期晚于首次登记变更日期，疑似录入错误。",
    18,
  );
  if (q1) {
    await acknowledgeQualityIssue(db, source, { issueId: q1.id }, at(17));
    await rectifyQualityIssue(
      db,
      source,
      { issueId: q1.id, note: "已核对原始登记档案，更正成立日期记录，并增加录入校验规则。" },
      at(12),
    );
    await verifyQualityIssue(db, buyer, { issueId: q1.id, score: 5, comment: "抽查无误。" }, at(11));
  }

  // Being rectified.
  const q2 = await newIssue("district", "consistency", "个别企业所属行政区仍为调整前的旧区划名称。", 4);
  if (q2) await acknowledgeQualityIssue(db, source, { issueId: q2.id }, at(3));

  // Not acknowledged in time: overdue.
  await newIssue("industry", "completeness", "约百分之一的企业所属行业为空。", 5);

  return { demandsCreated, qualityIssuesCreated };
}
