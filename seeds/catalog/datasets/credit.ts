/** Credit base library (信用库). */
import {
  AS_OF,
  business,
  dates,
  field,
  ident,
  oneOf,
  range,
  ref,
  SECTORS,
  type TCatalogDatasetSeed,
} from "../build";

const PUBLIC_CREDIT = business("public_credit", "公共信用信息", "Public credit information");

export const CREDIT_DATASETS: readonly TCatalogDatasetSeed[] = [
  {
    sourceOrgKey: "development-reform",
    entry: {
      code: "CR-RATING",
      name: { zh: "公共信用综合评价", en: "Public credit ratings" },
      description: {
        zh: "市公共信用信息中心按公共信用综合评价模型对市场主体作出的评价等级和分值。",
        en: "Ratings and scores of market entities from the public credit information centre's evaluation model.",
      },
      library: "base",
      libraryCode: "credit",
      category: { sector: SECTORS.credit, business: PUBLIC_CREDIT },
      grade: "important",
      sharing: {
        attribute: "conditional",
        conditions: "用于行政审批、招投标、金融授信等场景；金融机构使用须取得被评价企业授权。",
      },
      open: { attribute: "restricted", reason: "评价分值仅向被评价主体和经授权的使用方提供。" },
      updateFrequency: "monthly",
      volume: { rows: 98_412, asOf: AS_OF },
      fields: [
        ref.uscc(),
        ref.enterpriseName(),
        field("rating", ["评价等级", "Rating"], "text", "cr.rating_level", {
          grade: "important",
          sample: oneOf("A", "B", "C", "D"),
        }),
        field("score", ["评价分值", "Score"], "numeric", "cr.rating_score", {
          unit: "分",
          grade: "important",
          sample: range(300, 1_000, 1),
        }),
        field("evaluated_on", ["评价日期", "Evaluated on"], "date", "cr.rating_evaluated_on", {
          sample: dates("2025-01-01"),
        }),
        field("valid_until", ["有效期至", "Valid until"], "date", "cr.rating_valid_until", {
          sample: dates("2026-11-01", "2027-12-31"),
        }),
        field("model_version", ["评价模型版本", "Model version"], "text", "cr.rating_model_version", {
          sample: oneOf("2024版", "2025版"),
        }),
      ],
    },
  },
  {
    sourceOrgKey: "development-reform",
    entry: {
      code: "CR-PENALTY",
      name: { zh: "行政处罚信息", en: "Administrative penalties" },
      description: {
        zh: "全市行政执法部门作出并按“双公示”要求归集的行政处罚决定。",
        en: "Administrative penalty decisions of the city's enforcement agencies, collected for public disclosure (双公示).",
      },
      library: "base",
      libraryCode: "credit",
      category: { sector: SECTORS.credit, business: PUBLIC_CREDIT },
      grade: "general",
      sharing: { attribute: "unconditional" },
      open: { attribute: "open" },
      updateFrequency: "daily",
      volume: { rows: 73_905, asOf: AS_OF },
      fields: [
        field("decision_no", ["处罚决定书文号", "Decision number"], "text", "cr.penalty_decision_no", {
          sample: ident("serial", "鹏执罚"),
        }),
        ref.uscc(),
        ref.enterpriseName("party_name", ["当事人名称", "Party"]),
        field("penalty_type", ["处罚类别", "Penalty type"], "text", "cr.penalty_type", {
          sample: oneOf("警告", "罚款", "没收违法所得", "责令停产停业", "暂扣许可证件", "吊销许可证件"),
        }),
        field("fine", ["罚没款金额", "Fine"], "numeric", "cr.penalty_amount", {
          unit: "万元",
          sample: range(0, 500, 2),
        }),
        field("decided_on", ["处罚决定日期", "Decided on"], "date", "cr.penalty_decided_on", {
          sample: dates("2020-01-01"),
        }),
        field("authority", ["处罚机关", "Authority"], "text", "cr.penalty_authority", {
          sample: oneOf(
            "市市场监督管理局",
            "市生态环境局",
            "市城市管理和综合执法局",
            "市交通运输局",
            "市税务局",
          ),
        }),
        field("publicity_until", ["公示截止日期", "Disclosed until"], "date", "cr.penalty_publicity_until", {
          sample: dates("2026-11-01", "2029-12-31"),
        }),
      ],
    },
  },
  {
    sourceOrgKey: "development-reform",
    entry: {
      code: "CR-DISHONEST",
      name: { zh: "严重失信主体名单", en: "Seriously dishonest entities" },
      description: {
        zh: "依法依规认定并公示的严重失信主体名单及其列入、移出信息。",
        en: "Entities found seriously dishonest under law and regulation, with when and why they were listed and removed.",
      },
      library: "base",
      libraryCode: "credit",
      category: {
        sector: SECTORS.credit,
        business: business("credit_sanction", "失信惩戒", "Credit sanctions"),
      },
      grade: "general",
      sharing: { attribute: "unconditional" },
      open: { attribute: "open" },
      updateFrequency: "daily",
      volume: { rows: 2_318, asOf: AS_OF },
      fields: [
        ref.uscc(),
        ref.enterpriseName(),
        field("list_type", ["名单类型", "List"], "text", "cr.dishonest_list_type", {
          sample: oneOf(
            "拖欠农民工工资失信联合惩戒对象",
            "重大税收违法失信主体",
            "严重违法失信企业",
            "安全生产严重失信主体",
          ),
        }),
        field("reason", ["列入事由", "Reason"], "text", "cr.dishonest_reason"),
        field("listed_on", ["列入日期", "Listed on"], "date", "cr.dishonest_listed_on", {
          sample: dates("2019-01-01"),
        }),
        field("listing_authority", ["认定部门", "Listing authority"], "text", "cr.dishonest_authority", {
          sample: oneOf("市人力资源和社会保障局", "市税务局", "市市场监督管理局", "市应急管理局"),
        }),
        field("removed_on", ["移出日期", "Removed on"], "date", "cr.dishonest_removed_on", {
          sample: dates("2021-01-01"),
        }),
      ],
    },
  },
  {
    sourceOrgKey: "market-regulation",
    entry: {
      code: "CR-ABNORMAL",
      name: { zh: "经营异常名录", en: "Abnormal operation list" },
      description: {
        zh: "因未按期公示年报、通过登记住所无法联系等原因列入经营异常名录的企业及移出情况。",
        en: "Enterprises listed for abnormal operation (annual report not filed, unreachable at the registered address…) and their removal.",
      },
      library: "base",
      libraryCode: "credit",
      category: {
        sector: SECTORS.marketRegulation,
        business: business("credit_supervision", "信用监管", "Credit supervision"),
      },
      grade: "general",
      sharing: { attribute: "unconditional" },
      open: { attribute: "open" },
      updateFrequency: "daily",
      volume: { rows: 41_276, asOf: AS_OF },
      fields: [
        ref.uscc(),
        ref.enterpriseName(),
        field("listing_reason", ["列入原因", "Reason for listing"], "text", "cr.abnormal_reason", {
          sample: oneOf(
            "未按规定期限公示年度报告",
            "通过登记的住所或者经营场所无法联系",
            "公示企业信息隐瞒真实情况、弄虚作假",
            "未在责令期限内公示有关企业信息",
          ),
        }),
        field("listed_on", ["列入日期", "Listed on"], "date", "cr.abnormal_listed_on", {
          sample: dates("2018-01-01"),
        }),
        field("removed_on", ["移出日期", "Removed on"], "date", "cr.abnormal_removed_on", {
          sample: dates("2019-01-01"),
        }),
        field("removal_reason", ["移出原因", "Reason for removal"], "text", "cr.abnormal_removal_reason", {
          sample: oneOf(
            "补报未报年份年度报告并公示",
            "依法办理住所变更登记",
            "提出通过登记住所可以重新取得联系",
          ),
        }),
      ],
    },
  },
  {
    sourceOrgKey: "tax",
    entry: {
      code: "CR-TAX-CREDIT",
      name: { zh: "纳税信用等级", en: "Tax credit grades" },
      description: {
        zh: "税务机关按《纳税信用管理办法》评定的企业年度纳税信用级别。",
        en: "Annual tax credit grades assigned by the tax authority under the tax credit management measures.",
      },
      library: "base",
      libraryCode: "credit",
      category: {
        sector: SECTORS.tax,
        business: business("tax_credit", "纳税信用管理", "Tax credit management"),
      },
      grade: "important",
      sharing: {
        attribute: "conditional",
        conditions: "A级纳税人名单无条件共享；其余级别用于银税互动须取得纳税人授权。",
      },
      open: { attribute: "restricted", reason: "仅A级纳税人名单向社会公开。" },
      updateFrequency: "yearly",
      volume: { rows: 356_990, asOf: AS_OF },
      fields: [
        ref.uscc("taxpayer_id", ["纳税人识别号", "Taxpayer identification number"]),
        field("tax_year", ["评价年度", "Year"], "integer", "cr.tax_credit_year", {
          unit: "年",
          sample: range(2019, 2025),
        }),
        field("credit_grade", ["纳税信用级别", "Tax credit grade"], "text", "cr.tax_credit_grade", {
          grade: "important",
          sample: oneOf("A", "B", "M", "C", "D"),
        }),
        field("score", ["评价得分", "Score"], "numeric", "cr.tax_credit_score", {
          unit: "分",
          grade: "important",
          sample: range(40, 100, 1),
        }),
        field("published", ["是否已公开", "Published"], "boolean", "cr.tax_credit_published"),
      ],
    },
  },
  {
    sourceOrgKey: "development-reform",
    entry: {
      code: "CR-REPAIR",
      name: { zh: "信用修复记录", en: "Credit repair records" },
      description: {
        zh: "市场主体就行政处罚、经营异常等失信记录申请信用修复的受理和结果。",
        en: "Applications by market entities to repair credit records (penalties, abnormal operation…) and their outcome.",
      },
      library: "base",
      libraryCode: "credit",
      category: { sector: SECTORS.credit, business: business("credit_repair", "信用修复", "Credit repair") },
      grade: "general",
      sharing: { attribute: "unconditional" },
      open: { attribute: "restricted", reason: "修复申请材料不开放，仅开放修复结果。" },
      updateFrequency: "daily",
      volume: { rows: 18_604, asOf: AS_OF },
      fields: [
        ref.uscc(),
        field("record_type", ["失信记录类型", "Record type"], "text", "cr.repair_record_type", {
          sample: oneOf("行政处罚", "经营异常名录", "严重失信主体名单"),
        }),
        field("applied_on", ["申请日期", "Applied on"], "date", "cr.repair_applied_on", {
          sample: dates("2021-01-01"),
        }),
        field("completed_on", ["办结日期", "Completed on"], "date", "cr.repair_completed_on", {
          sample: dates("2021-01-01"),
        }),
        field("result", ["修复结果", "Result"], "text", "cr.repair_result", {
          sample: oneOf("准予修复", "不予修复", "撤回申请"),
        }),
        field(
          "commitment_signed",
          ["已签署信用承诺", "Commitment signed"],
          "boolean",
          "cr.repair_commitment_signed",
        ),
      ],
    },
  },
];
