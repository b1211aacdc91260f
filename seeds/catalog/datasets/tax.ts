/** Tax theme library (税务主题库). */
import {
  AS_OF,
  business,
  dates,
  field,
  oneOf,
  range,
  ref,
  SECTORS,
  type TCatalogDatasetSeed,
} from "../build";

const TAX_CONFIDENTIALITY = "《中华人民共和国税收征收管理法》第八条";

export const TAX_DATASETS: readonly TCatalogDatasetSeed[] = [
  {
    sourceOrgKey: "tax",
    entry: {
      code: "TAX-REGISTRATION",
      name: { zh: "税务登记信息", en: "Tax registrations" },
      description: {
        zh: "纳税人的识别号、纳税人类型、主管税务机关、登记日期和纳税人状态。",
        en: "Taxpayers: identification number, taxpayer type, competent tax office, registration date and status.",
      },
      library: "theme",
      libraryCode: "tax",
      category: {
        sector: SECTORS.tax,
        business: business("tax_registration", "税务登记", "Tax registration"),
      },
      grade: "general",
      sharing: { attribute: "unconditional" },
      open: { attribute: "restricted", reason: "仅开放纳税人类型和状态的汇总数据。" },
      updateFrequency: "daily",
      volume: { rows: 441_087, asOf: AS_OF },
      fields: [
        ref.uscc("taxpayer_id", ["纳税人识别号", "Taxpayer identification number"]),
        ref.enterpriseName("taxpayer_name", ["纳税人名称", "Taxpayer"]),
        field("taxpayer_type", ["纳税人类型", "Taxpayer type"], "text", "tax.taxpayer_type", {
          sample: oneOf("增值税一般纳税人", "小规模纳税人"),
        }),
        field("tax_office", ["主管税务机关", "Tax office"], "text", "tax.tax_office", {
          sample: oneOf(
            "鹏城市税务局第一税务分局",
            "鹏城市中心区税务局",
            "鹏城市高新区税务局",
            "鹏城市西岸区税务局",
          ),
        }),
        field("registered_on", ["登记日期", "Registered on"], "date", "tax.registered_on", {
          sample: dates("1995-01-01"),
        }),
        field("status", ["纳税人状态", "Status"], "text", "tax.taxpayer_status", {
          sample: oneOf("正常", "非正常", "注销", "清算"),
        }),
      ],
    },
  },
  {
    sourceOrgKey: "tax",
    entry: {
      code: "TAX-INVOICE-SUMMARY",
      name: { zh: "增值税发票开具汇总", en: "VAT invoices issued (monthly)" },
      description: {
        zh: "企业按月开具增值税发票的份数、金额、税额和下游客户数，用于“银税互动”等场景。",
        en: "Monthly count, amount and tax of VAT invoices each enterprise issued, and its number of customers — used in bank–tax cooperation.",
      },
      library: "theme",
      libraryCode: "tax",
      category: {
        sector: SECTORS.tax,
        business: business("invoice_management", "发票管理", "Invoice management"),
      },
      grade: "important",
      sharing: {
        attribute: "conditional",
        conditions: `依${TAX_CONFIDENTIALITY}对纳税人信息保密；仅在取得纳税人书面授权后用于银税互动融资授信，且以沙箱聚合或加密计算方式使用。`,
      },
      open: {
        attribute: "restricted",
        reason: `纳税人涉税信息依${TAX_CONFIDENTIALITY}保密，不向社会开放；仅经纳税人授权在安全域内使用。`,
      },
      updateFrequency: "monthly",
      volume: { rows: 12_960_402, asOf: AS_OF },
      fields: [
        ref.uscc(),
        field("month", ["所属月份", "Month"], "date", "tax.invoice_month", { sample: dates("2023-01-01") }),
        field("invoice_count", ["开票份数", "Invoices"], "integer", "tax.invoice_count", {
          unit: "份",
          sample: range(0, 20_000),
        }),
        field("amount", ["开票金额", "Amount"], "numeric", "tax.invoice_amount", {
          unit: "万元",
          grade: "important",
          sample: range(0, 50_000, 2),
        }),
        field("tax_amount", ["税额", "Tax"], "numeric", "tax.invoice_tax", {
          unit: "万元",
          grade: "important",
          sample: range(0, 6_500, 2),
        }),
        field("customers", ["下游客户数", "Customers"], "integer", "tax.invoice_customers", {
          unit: "户",
          sample: range(0, 4_000),
        }),
      ],
    },
  },
  {
    sourceOrgKey: "tax",
    entry: {
      code: "TAX-INDIVIDUAL-INCOME",
      name: { zh: "个人所得税纳税记录", en: "Individual income tax records" },
      description: {
        zh: "个人所得税综合所得年度汇算的收入区间和已缴税额。",
        en: "Annual individual income tax reconciliation: income bracket and tax paid.",
      },
      library: "theme",
      libraryCode: "tax",
      category: {
        sector: SECTORS.tax,
        business: business("individual_income_tax", "个人所得税", "Individual income tax"),
      },
      grade: "core",
      sharing: {
        attribute: "not_shareable",
        legalBasis: `${TAX_CONFIDENTIALITY}及《中华人民共和国个人信息保护法》第二十八条：个人收入和纳税信息属保密的敏感个人信息，除法律规定外不予共享。`,
      },
      open: { attribute: "prohibited", reason: "个人收入和纳税信息属敏感个人信息。" },
      updateFrequency: "yearly",
      volume: { rows: 2_210_385, asOf: AS_OF },
      fields: [
        ref.idNumber("person_id", ["公民身份号码", "Citizen identity number"]),
        field("tax_year", ["纳税年度", "Tax year"], "integer", "tax.iit_year", {
          unit: "年",
          sample: range(2019, 2025),
        }),
        field("income_bracket", ["综合所得区间", "Income bracket"], "text", "tax.iit_income_bracket", {
          grade: "core",
          personalInfo: true,
          masking: "generalize",
          sample: oneOf("6万元以下", "6万至12万元", "12万至30万元", "30万至50万元", "50万元以上"),
        }),
        field("tax_paid", ["已缴税额", "Tax paid"], "numeric", "tax.iit_tax_paid", {
          unit: "元",
          grade: "core",
          personalInfo: true,
          masking: "suppress",
        }),
        ref.uscc("withholding_agent", ["主要扣缴义务人", "Main withholding agent"]),
      ],
    },
  },
];
