/**
 * 客户组合密态统计 — count, sum, mean and variance of register features over the buyer's own
 * portfolio of enterprises, chosen by an encrypted 0/1 selection: the secure domain never learns
 * which enterprises are in the portfolio. BFV for exact integers, CKKS for reals.
 */

import { LE_ENTERPRISE_FEATURES, LE_ENTERPRISE_FIELDS_USED } from "../le-enterprise-features";
import { defineProductManifest } from "../manifest";

export const lePortfolioStatsManifest = defineProductManifest({
  code: "le-portfolio-stats",
  version: 1,
  name: { zh: "客户组合密态统计", en: "Encrypted statistics of your portfolio" },
  summary: {
    zh: "上传您的客户名单，浏览器把它变成加密的选择向量；安全域在密文上计算组合的户数、合计、均值和方差，看不到组合里有谁。",
    en: "Upload your customer list; your browser turns it into an encrypted selection vector and the secure domain computes the portfolio's count, sums, means and variances on ciphertexts without seeing who is in it.",
  },
  description: {
    zh: "本产品采用同态加密：BFV（整数精确结果）或 CKKS（实数，误差小于 10⁻³），由您选择。您的名单在浏览器内与企业目录（仅统一社会信用代码）对照，生成 0/1 选择向量并用只保存在本页的密钥加密；安全域计算 Σs·x 与 Σs·x²，重新随机化后返回，只有您能解密。安全域和平台都不知道组合的成员和规模。可获知的信息上限：组合内企业特征（注册资本档位、成立年份、登记状态代码）的统计值——组合只含一家企业时即为该企业的特征，与逐户查询公示信息相同。每次统计生成一条带签名回执的使用记录，批量上链存证。",
    en: "Homomorphic encryption: BFV (exact integers) or CKKS (reals, error below 10⁻³), your choice. Your list is matched against the enterprise directory (credit codes only) in your browser, turned into a 0/1 selection vector and encrypted under a key that never leaves this page; the secure domain computes Σs·x and Σs·x², re-randomizes and returns them for you alone to decrypt. Neither the secure domain nor the platform learns who is in the portfolio or how many. What you can learn at most: statistics of the portfolio's features (capital band, year founded, status code) — for a one-enterprise portfolio, that enterprise's features, the same as looking it up. Every run produces a usage record with a signed receipt, anchored on chain in batches.",
  },
  operatorOrgKey: "city-data-operator",
  datasetCode: "LE-BASE",
  deliveryForm: "encrypted_query",
  logic: {
    kind: "he",
    mode: "aggregate",
    entityField: "uscc",
    filters: [],
    features: LE_ENTERPRISE_FEATURES,
  },
  fieldsUsed: LE_ENTERPRISE_FIELDS_USED,
  columns: [
    { key: "feature", label: { zh: "特征", en: "Feature" }, kind: "dimension" },
    { key: "count", label: { zh: "户数", en: "Count" }, kind: "measure" },
    { key: "sum", label: { zh: "合计", en: "Sum" }, kind: "measure" },
    { key: "mean", label: { zh: "均值", en: "Mean" }, kind: "measure" },
    { key: "variance", label: { zh: "方差", en: "Variance" }, kind: "measure" },
  ],
  privacyRule: { kind: "encrypted-input", reveals: "subset-aggregate" },
});
