/**
 * 分区分行业企业数量与注册资本总额 — enterprise count and total registered capital by district ×
 * industry, computed by the enclave over the legal-entity base library (LE-BASE).
 */
import { defineProductManifest } from "../manifest";

export const leDistrictIndustryManifest = defineProductManifest({
  code: "le-district-industry",
  version: 1,
  name: {
    zh: "分区分行业企业数量与注册资本总额",
    en: "Enterprise count and total registered capital by district × industry",
  },
  summary: {
    zh: "按行政区和行业统计法人基础库中的企业数量及注册资本总额，少于 10 家企业的单元格不予发布。",
    en: "Counts enterprises and sums their registered capital per district and industry from the legal-entity base library; cells with fewer than 10 enterprises are withheld.",
  },
  description: {
    zh: "本产品在授权运营域（安全计算环境）内对市市场监督管理局的法人基础库进行分组汇总，只输出各区、各行业的企业数量和注册资本合计（万元）。原始记录不出域；任一单元格对应企业少于 10 家时整格隐藏，以防止识别个别企业。每次查询生成一条带有安全域签名回执的使用记录，并批量上链存证。",
    en: "Runs inside the secure domain on the legal-entity base library held by the municipal market regulation administration, and releases only the number of enterprises and their total registered capital (10k CNY) per district and industry. Raw records never leave the domain; any cell covering fewer than 10 enterprises is withheld so no single enterprise can be singled out. Every query produces a usage record carrying the secure domain's signed receipt, anchored on chain in batches.",
  },
  operatorOrgKey: "city-data-operator",
  datasetCode: "LE-BASE",
  deliveryForm: "authorized_query",
  logic: {
    kind: "aggregate",
    groupBy: ["district", "industry"],
    measures: [
      { fn: "count", as: "enterprises" },
      { fn: "sum", field: "registered_capital", as: "registered_capital_total" },
    ],
  },
  fieldsUsed: [
    { name: "district", label: { zh: "所属行政区", en: "District" }, usage: "group_by" },
    { name: "industry", label: { zh: "所属行业", en: "Industry" }, usage: "group_by" },
    {
      name: "registered_capital",
      label: { zh: "注册资本（万元）", en: "Registered capital (10k CNY)" },
      usage: "aggregate",
    },
  ],
  columns: [
    { key: "district", label: { zh: "行政区", en: "District" }, kind: "dimension" },
    { key: "industry", label: { zh: "行业", en: "Industry" }, kind: "dimension" },
    { key: "enterprises", label: { zh: "企业数量", en: "Enterprises" }, kind: "measure" },
    {
      key: "registered_capital_total",
      label: { zh: "注册资本总额", en: "Total registered capital" },
      kind: "measure",
      unit: "万元",
    },
  ],
  privacyRule: { kind: "min-group-size", k: 10 },
});
