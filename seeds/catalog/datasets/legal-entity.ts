/** Legal-entity base library (法人库). LE-BASE's field names are those of the enclave's vault. */
import { LE_BASE_DATASET as LE_BASE_ROWS, LE_STATUSES } from "../../legal-entities";
import {
  AS_OF,
  business,
  dates,
  districts,
  field,
  ident,
  industries,
  oneOf,
  range,
  ref,
  SECTORS,
  type TCatalogDatasetSeed,
} from "../build";

const REGISTRATION = business("business_registration", "商事登记", "Business registration");

export const LEGAL_ENTITY_DATASETS: readonly TCatalogDatasetSeed[] = [
  {
    sourceOrgKey: "market-regulation",
    entry: {
      code: "LE-BASE",
      name: { zh: "法人基础库", en: "Legal-entity base library" },
      description: {
        zh: "全市企业法人登记信息：统一社会信用代码、名称、所属行政区、行业、注册资本、成立日期、登记状态。",
        en: "Registration data of every enterprise in the city: unified social credit code, name, district, industry, registered capital, founding date, status.",
      },
      library: "base",
      libraryCode: "legal_entity",
      category: { sector: SECTORS.marketRegulation, business: REGISTRATION },
      // Each item is publicized, but the complete register in bulk is important data.
      grade: "important",
      sharing: { attribute: "unconditional" },
      open: {
        attribute: "restricted",
        reason: "单户登记信息已通过企业信用信息公示系统公示；全量数据仅通过授权运营在安全域内使用。",
      },
      updateFrequency: "daily",
      volume: { rows: LE_BASE_ROWS.count, asOf: AS_OF },
      fields: [
        field("uscc", ["统一社会信用代码", "Unified social credit code"], "text", "le.uscc", {
          sample: ident("uscc"),
          desc: [
            "18位统一社会信用代码（GB 32100-2015），法人库主键。",
            "18-character unified social credit code (GB 32100-2015); the library's key.",
          ],
        }),
        field("name", ["企业名称", "Name"], "text", "le.name", { sample: ident("org_name") }),
        field("district", ["所属行政区", "District"], "text", "le.district", {
          sample: districts(),
          desc: ["企业住所所在区。", "District of the registered address."],
        }),
        field("industry", ["所属行业", "Industry"], "text", "le.industry", {
          sample: industries(),
          desc: ["国民经济行业门类（GB/T 4754-2017）。", "Industry section (GB/T 4754-2017)."],
        }),
        field("registered_capital", ["注册资本", "Registered capital"], "numeric", "le.registered_capital", {
          unit: "万元",
          grade: "important",
          sample: range(1, 50_000, 2),
          desc: [
            "认缴注册资本，单位万元，保留两位小数；沙箱中仅可聚合使用。",
            "Subscribed registered capital in 10,000 CNY, two decimals; only aggregated in the sandbox.",
          ],
        }),
        field("founded_on", ["成立日期", "Founded on"], "date", "le.founded_on", {
          sample: dates("1990-01-01"),
        }),
        field("status", ["登记状态", "Registration status"], "text", "le.status", {
          sample: oneOf(...LE_STATUSES),
        }),
      ],
    },
  },
  {
    sourceOrgKey: "market-regulation",
    entry: {
      code: "LE-SHAREHOLDER",
      name: { zh: "企业股东及出资信息", en: "Shareholders and capital contributions" },
      description: {
        zh: "企业股东（发起人）名称、类型、认缴和实缴出资额、出资方式及期限。",
        en: "Shareholders (founders) of each enterprise with their type, subscribed and paid-in contributions, form and due date.",
      },
      library: "base",
      libraryCode: "legal_entity",
      category: { sector: SECTORS.marketRegulation, business: REGISTRATION },
      grade: "important",
      sharing: {
        attribute: "conditional",
        conditions: "自然人股东信息仅用于依法履职的关联关系核查；金融机构使用须取得企业授权。",
      },
      open: { attribute: "restricted", reason: "自然人股东姓名仅按公示规则开放，实缴出资明细不开放。" },
      updateFrequency: "daily",
      volume: { rows: 214_530, asOf: AS_OF },
      fields: [
        ref.uscc(),
        field("shareholder_name", ["股东名称", "Shareholder"], "text", "le.shareholder_name", {
          grade: "important",
          personalInfo: true,
          masking: "mask_middle",
          sample: ident("org_name"),
          desc: [
            "股东为自然人时属个人信息，对外中间掩码。",
            "Personal information when the shareholder is a natural person; masked in the middle.",
          ],
        }),
        field("shareholder_type", ["股东类型", "Shareholder type"], "text", "le.shareholder_type", {
          sample: oneOf("自然人", "企业法人", "事业法人", "合伙企业", "外国(地区)投资者"),
        }),
        field(
          "subscribed_capital",
          ["认缴出资额", "Subscribed contribution"],
          "numeric",
          "le.subscribed_contribution",
          {
            unit: "万元",
            sample: range(1, 20_000, 2),
          },
        ),
        field(
          "paid_in_capital",
          ["实缴出资额", "Paid-in contribution"],
          "numeric",
          "le.paid_in_contribution",
          {
            unit: "万元",
            grade: "important",
            sample: range(0, 20_000, 2),
          },
        ),
        field("share_ratio", ["出资比例", "Share"], "numeric", "le.share_ratio", {
          unit: "%",
          sample: range(0.1, 100, 2),
        }),
        field("contribution_form", ["出资方式", "Form of contribution"], "text", "le.contribution_form", {
          sample: oneOf("货币", "实物", "知识产权", "土地使用权", "股权"),
        }),
        field("due_on", ["认缴出资期限", "Contribution due"], "date", "le.contribution_due_on", {
          sample: dates("2026-01-01", "2031-12-31"),
        }),
      ],
    },
  },
  {
    sourceOrgKey: "market-regulation",
    entry: {
      code: "LE-LEGAL-REP",
      name: { zh: "企业法定代表人信息", en: "Legal representatives" },
      description: {
        zh: "企业法定代表人的身份信息、职务、任职日期和登记联系电话。",
        en: "Identity, position, appointment date and registered telephone of each enterprise's legal representative.",
      },
      library: "base",
      libraryCode: "legal_entity",
      category: { sector: SECTORS.marketRegulation, business: REGISTRATION },
      grade: "core",
      sharing: {
        attribute: "conditional",
        conditions: "仅用于依法履职的身份核验和联系，身份号码仅以核验模式提供。",
      },
      open: {
        attribute: "restricted",
        reason:
          "法定代表人姓名按公示规则开放；身份号码和联系电话属《中华人民共和国个人信息保护法》保护的个人信息，不开放。",
      },
      updateFrequency: "daily",
      volume: { rows: 100_000, asOf: AS_OF },
      fields: [
        ref.uscc(),
        ref.personName("rep_name", ["法定代表人姓名", "Legal representative"]),
        ref.idNumber("rep_id_number", ["法定代表人身份号码", "Representative's identity number"]),
        field("rep_mobile", ["登记联系电话", "Registered telephone"], "text", "le.rep_mobile", {
          grade: "important",
          personalInfo: true,
          masking: "mask_phone",
          sample: ident("mobile"),
        }),
        field("position", ["职务", "Position"], "text", "le.rep_position", {
          sample: oneOf("执行董事", "董事长", "经理", "执行事务合伙人", "厂长"),
        }),
        field("appointed_on", ["任职日期", "Appointed on"], "date", "le.rep_appointed_on", {
          sample: dates("2000-01-01"),
        }),
      ],
    },
  },
  {
    sourceOrgKey: "market-regulation",
    entry: {
      code: "LE-ANNUAL-REPORT",
      name: { zh: "企业年度报告", en: "Enterprise annual reports" },
      description: {
        zh: "企业通过公示系统报送的年度报告：从业人数、资产总额、营业总收入、纳税总额、净利润、参保人数。",
        en: "Annual reports filed through the publicity system: employees, total assets, revenue, taxes paid, net profit, insured employees.",
      },
      library: "base",
      libraryCode: "legal_entity",
      category: {
        sector: SECTORS.marketRegulation,
        business: business("annual_report", "年报公示", "Annual report publicity"),
      },
      grade: "important",
      sharing: {
        attribute: "conditional",
        conditions: "企业选择不公示的财务数据仅用于依法履职；金融机构使用须取得企业授权。",
      },
      open: { attribute: "restricted", reason: "企业选择不公示的资产、收入、利润等数据不开放。" },
      updateFrequency: "yearly",
      volume: { rows: 462_118, asOf: AS_OF },
      fields: [
        ref.uscc(),
        field("report_year", ["报告年度", "Report year"], "integer", "le.ar_year", {
          unit: "年",
          sample: range(2019, 2025),
        }),
        field("employees", ["从业人数", "Employees"], "integer", "le.ar_employees", {
          unit: "人",
          sample: range(1, 2_000),
        }),
        field("total_assets", ["资产总额", "Total assets"], "numeric", "le.ar_total_assets", {
          unit: "万元",
          grade: "important",
          sample: range(5, 300_000, 2),
        }),
        field("revenue", ["营业总收入", "Revenue"], "numeric", "le.ar_revenue", {
          unit: "万元",
          grade: "important",
          sample: range(0, 200_000, 2),
        }),
        field("tax_total", ["纳税总额", "Taxes paid (self-reported)"], "numeric", "le.ar_tax_total", {
          unit: "万元",
          grade: "important",
          sample: range(0, 12_000, 2),
        }),
        field("net_profit", ["净利润", "Net profit"], "numeric", "le.ar_net_profit", {
          unit: "万元",
          grade: "important",
          sample: range(-5_000, 30_000, 2),
        }),
        field("insured_employees", ["参保人数", "Insured employees"], "integer", "le.ar_insured_employees", {
          unit: "人",
          sample: range(0, 2_000),
        }),
        field(
          "publicized",
          ["财务数据是否公示", "Financials publicized"],
          "boolean",
          "le.ar_financials_public",
        ),
      ],
    },
  },
  {
    sourceOrgKey: "market-regulation",
    entry: {
      code: "LE-CHANGE",
      name: { zh: "企业变更登记记录", en: "Registration changes" },
      description: {
        zh: "企业名称、住所、法定代表人、注册资本、经营范围、股东等事项的变更登记记录。",
        en: "Changes of name, address, legal representative, registered capital, business scope and shareholders.",
      },
      library: "base",
      libraryCode: "legal_entity",
      category: { sector: SECTORS.marketRegulation, business: REGISTRATION },
      grade: "general",
      sharing: { attribute: "unconditional" },
      open: { attribute: "open" },
      updateFrequency: "daily",
      volume: { rows: 823_406, asOf: AS_OF },
      fields: [
        ref.uscc(),
        field("change_item", ["变更事项", "Changed item"], "text", "le.change_item", {
          sample: oneOf("名称", "住所", "法定代表人", "注册资本", "经营范围", "股东"),
        }),
        field("before_value", ["变更前内容", "Before"], "text", "le.change_before", {
          masking: "mask_middle",
        }),
        field("after_value", ["变更后内容", "After"], "text", "le.change_after", { masking: "mask_middle" }),
        field("changed_on", ["变更日期", "Changed on"], "date", "le.changed_on", {
          sample: dates("2015-01-01"),
        }),
        field("authority", ["登记机关", "Registration authority"], "text", "le.change_authority", {
          sample: oneOf(
            "鹏城市市场监督管理局",
            "鹏城市市场监督管理局中心分局",
            "鹏城市市场监督管理局高新分局",
          ),
        }),
      ],
    },
  },
  {
    sourceOrgKey: "market-regulation",
    entry: {
      code: "LE-INDIVIDUAL",
      name: { zh: "个体工商户登记信息", en: "Individual businesses" },
      description: {
        zh: "个体工商户的统一社会信用代码、字号、经营者、经营场所、行业和登记状态。",
        en: "Individual businesses: credit code, trade name, operator, premises, industry and status.",
      },
      library: "base",
      libraryCode: "legal_entity",
      category: { sector: SECTORS.marketRegulation, business: REGISTRATION },
      grade: "core",
      sharing: {
        attribute: "conditional",
        conditions: "经营者身份信息仅用于依法履职；统计分析使用不含经营者身份的字段。",
      },
      open: {
        attribute: "restricted",
        reason: "经营者为自然人，身份信息不开放；字号和经营场所按公示规则开放。",
      },
      updateFrequency: "daily",
      volume: { rows: 386_205, asOf: AS_OF },
      fields: [
        field("uscc", ["统一社会信用代码", "Unified social credit code"], "text", "le.individual_uscc", {
          sample: ident("uscc"),
        }),
        field("trade_name", ["字号名称", "Trade name"], "text", "le.individual_trade_name", {
          sample: ident("org_name"),
        }),
        ref.personName("operator_name", ["经营者姓名", "Operator"]),
        ref.idNumber("operator_id", ["经营者身份号码", "Operator's identity number"]),
        field("premises", ["经营场所", "Premises"], "text", "le.individual_premises", {
          masking: "mask_middle",
          sample: ident("address"),
        }),
        ref.industry(),
        ref.district(),
        field("registered_on", ["登记日期", "Registered on"], "date", "le.individual_registered_on", {
          sample: dates("2005-01-01"),
        }),
        field("status", ["登记状态", "Status"], "text", "le.individual_status", {
          sample: oneOf("存续", "注销", "吊销"),
        }),
      ],
    },
  },
  {
    sourceOrgKey: "civil-affairs",
    entry: {
      code: "LE-SOCIAL-ORG",
      name: { zh: "社会组织登记信息", en: "Registered social organizations" },
      description: {
        zh: "社会团体、社会服务机构（民办非企业单位）和基金会的登记信息。",
        en: "Registrations of associations, social service organizations and foundations.",
      },
      library: "base",
      libraryCode: "legal_entity",
      category: {
        sector: SECTORS.civilAffairs,
        business: business("social_organization", "社会组织管理", "Social organization management"),
      },
      grade: "important",
      sharing: { attribute: "unconditional" },
      open: { attribute: "restricted", reason: "法定代表人姓名按公示规则掩码开放。" },
      updateFrequency: "weekly",
      volume: { rows: 6_842, asOf: AS_OF },
      fields: [
        field("uscc", ["统一社会信用代码", "Unified social credit code"], "text", "le.social_org_uscc", {
          sample: ident("uscc"),
        }),
        field("name", ["组织名称", "Name"], "text", "le.social_org_name", { sample: ident("org_name") }),
        field("org_type", ["组织类型", "Type"], "text", "le.social_org_type", {
          sample: oneOf("社会团体", "社会服务机构", "基金会"),
        }),
        field("business_scope", ["业务范围", "Scope of activities"], "text", "le.social_org_scope"),
        field("registered_funds", ["注册资金", "Registered funds"], "numeric", "le.social_org_funds", {
          unit: "万元",
          sample: range(3, 2_000, 2),
        }),
        ref.personName("rep_name", ["法定代表人", "Legal representative"]),
        ref.district(),
        field("registered_on", ["成立登记日期", "Registered on"], "date", "le.social_org_registered_on", {
          sample: dates("1995-01-01"),
        }),
        field("status", ["登记状态", "Status"], "text", "le.social_org_status", {
          sample: oneOf("正常", "撤销", "注销"),
        }),
      ],
    },
  },
];
