/**
 * 跨部门月度服务人次联合统计 — three departments' enclave nodes (市税务局 "tax", 市人力资源和社会保障局
 * "social", 市卫生健康委员会 "health"), each holding its own dataset in its own vault, compute per month
 * the joint number of records and the sum, mean and variance of the person-times each record
 * covers, by multi-party computation (additive secret sharing, enclave/src/mpc): no node sees
 * another's rows or local totals; only the coordinator ("tax") reconstructs the joint totals,
 * which pass the minimum group size and discrete-Laplace noise before the buyer sees them.
 *
 * Why these datasets: they are the departments' datasets with a month and a per-record count of
 * people served that the column policy lets an aggregate read (VAT invoice summaries: downstream
 * customers; employer contributions: insured employees; vaccination statistics: doses). The
 * money fields of the healthcare library are personal and sealed (not aggregatable), so a joint
 * money amount across all three departments is not possible with this catalog.
 */
import { defineProductManifest } from "../manifest";

/** The dataset version every node holds (generated on first start, ENCLAVE_GENERATED_DATASETS). */
export const DEPT_MONTHLY_COVERAGE_VERSION = "2026.11";

export const deptMonthlyCoverageManifest = defineProductManifest({
  code: "dept-monthly-coverage",
  version: 1,
  name: {
    zh: "跨部门月度服务人次联合统计（多方安全计算）",
    en: "Cross-department monthly person-times (multi-party computation)",
  },
  summary: {
    zh: "税务、人社、卫健三个部门的安全节点各自在本部门数据上计算，按月联合输出记录数及每条记录覆盖人次的合计、均值和方差；任何节点看不到其他部门的明细，您只看到满足最小分组规模并加噪后的联合结果。",
    en: "The tax, human-resources and health departments' secure nodes each compute on their own data and jointly release, per month, the number of records and the sum, mean and variance of the person-times each record covers. No node sees another department's rows; you see only the joint result, after the minimum group size and noise.",
  },
  description: {
    zh: "统计口径：2025年1月至2026年10月每月，三个部门记录的合计——市税务局增值税发票开具汇总（每户企业每月的下游客户数）、市人社局单位参保缴费汇总（每家单位每月的参保人数）、市卫健委预防接种统计（每区每月每种疫苗的接种剂次）。每条记录的人次截断到 [0, 30000]。输出每月的记录数（count）、人次合计（sum）、每条记录的平均人次（mean）和方差（variance），可用于评估公共服务覆盖的季节变化。\n\n隐私承诺：采用加法秘密分享（Z/2^64）的多方安全计算。每个部门的安全节点只读取本部门金库中的数据，本地聚合后把结果拆分为随机份额，经加密签名的通道发送给其他节点；任何节点（包括协调节点以外的所有节点合谋）都看不到其他部门的明细或本地合计。只有协调节点（税务节点）重构出联合合计，并在发布前执行与所有产品相同的输出规则：联合记录数不足 20 的月份不予输出；每个计数、合计和平方和加入离散拉普拉斯噪声（每项统计 ε = 0.3，按各方每单位（企业）最多记录数之和 5 缩放，计数噪声尺度约 16.7），均值和方差由加噪值推算。每次运行在每个部门的隐私预算中各扣 ε 0.9。每个节点在计算前都会到链上授权登记合约核验本次运行的授权是否有效、是否覆盖其数据集和字段。安全模型为半诚实模型：假设各节点按协议执行；协调节点能得到加噪前的联合合计（见 SECURITY.md）。每次运行生成一条带协调节点签名回执的使用记录，批量上链存证。",
    en: "What is counted: for every month from January 2025 to October 2026, the union of three departments' records — the Tax Service's VAT invoice summaries (each enterprise's downstream customers in a month), the Human Resources and Social Security Bureau's employer contribution records (each employer's insured employees in a month) and the Health Commission's vaccination statistics (doses given per district, month and vaccine). Each record's person-times are clamped to [0, 30000]. The output gives per month the number of records (count), the total person-times (sum), the mean per record (mean) and the variance, e.g. to study the seasonality of public-service coverage.\n\nPrivacy claim: multi-party computation by additive secret sharing over Z/2^64. Each department's secure node reads only its own vault, aggregates locally and splits the result into random shares sent to the other nodes over encrypted, signed channels; no node — not even all nodes but the coordinator together — sees another department's rows or local totals. Only the coordinator (the tax node) reconstructs the joint totals, and applies the same output rules as every release before anything leaves it: a month with fewer than 20 joint records is withheld; every count, sum and sum of squares carries discrete-Laplace noise (ε = 0.3 per statistic, scaled by the parties' summed rows per unit (enterprise), 5: the count's noise scale is about 16.7); mean and variance are derived from the noisy values. Each run charges ε 0.9 to your budget at each department. Before computing, every node checks on chain (AuthorizationRegistry) that the run's authorization is active and covers its dataset and fields. Security model: semi-honest nodes (each follows the protocol); the coordinator learns the joint totals before noise (see SECURITY.md). Every run writes a usage record carrying the coordinator's signed receipt, anchored on chain in batches.",
  },
  operatorOrgKey: "city-data-operator",
  datasetCode: "TAX-INVOICE-SUMMARY",
  deliveryForm: "joint_statistics",
  logic: {
    kind: "mpc",
    coordinator: "tax",
    parties: [
      {
        node: "tax",
        holder: { zh: "市税务局", en: "Municipal Tax Service" },
        datasetCode: "TAX-INVOICE-SUMMARY",
        version: DEPT_MONTHLY_COVERAGE_VERSION,
        groupField: "month",
        groupBucket: "month",
        valueField: "customers",
        rowsPerUnit: 2,
      },
      {
        node: "social",
        holder: { zh: "市人力资源和社会保障局", en: "Human Resources and Social Security Bureau" },
        datasetCode: "SS-EMPLOYER-CONTRIBUTION",
        version: DEPT_MONTHLY_COVERAGE_VERSION,
        groupField: "month",
        groupBucket: "month",
        valueField: "insured_count",
        rowsPerUnit: 2,
      },
      {
        node: "health",
        holder: { zh: "市卫生健康委员会", en: "Municipal Health Commission" },
        datasetCode: "HC-VACCINATION",
        version: DEPT_MONTHLY_COVERAGE_VERSION,
        groupField: "month",
        groupBucket: "month",
        valueField: "doses",
        rowsPerUnit: 1,
      },
    ],
    groups: [
      "2025-01",
      "2025-02",
      "2025-03",
      "2025-04",
      "2025-05",
      "2025-06",
      "2025-07",
      "2025-08",
      "2025-09",
      "2025-10",
      "2025-11",
      "2025-12",
      "2026-01",
      "2026-02",
      "2026-03",
      "2026-04",
      "2026-05",
      "2026-06",
      "2026-07",
      "2026-08",
      "2026-09",
      "2026-10",
    ],
    statistics: ["count", "sum", "mean", "variance"],
    bounds: [0, 30_000],
    epsilon: 0.3,
  },
  fieldsUsed: [
    { name: "month", label: { zh: "所属月份", en: "Month" }, usage: "group_by" },
    { name: "customers", label: { zh: "下游客户数（税务）", en: "Customers (tax)" }, usage: "aggregate" },
    {
      name: "insured_count",
      label: { zh: "参保人数（人社）", en: "Insured employees (social)" },
      usage: "aggregate",
    },
    { name: "doses", label: { zh: "接种剂次（卫健）", en: "Doses (health)" }, usage: "aggregate" },
  ],
  columns: [
    { key: "group", label: { zh: "月份", en: "Month" }, kind: "dimension" },
    { key: "count", label: { zh: "记录数", en: "Records" }, kind: "measure" },
    { key: "sum", label: { zh: "人次合计", en: "Person-times" }, kind: "measure", unit: "人次" },
    { key: "mean", label: { zh: "每条记录平均人次", en: "Mean per record" }, kind: "measure", unit: "人次" },
    { key: "variance", label: { zh: "方差", en: "Variance" }, kind: "measure" },
  ],
  privacyRule: { kind: "min-group-size", k: 20 },
});
