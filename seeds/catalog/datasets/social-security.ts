/** Social security theme library (社会保障主题库). */
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

const INSURANCE = business("social_insurance", "社会保险", "Social insurance");

export const SOCIAL_SECURITY_DATASETS: readonly TCatalogDatasetSeed[] = [
  {
    sourceOrgKey: "human-resources",
    entry: {
      code: "SS-PENSION-INSURED",
      name: { zh: "职工养老保险参保信息", en: "Employee pension insurance enrolment" },
      description: {
        zh: "城镇职工基本养老保险参保人的参保单位、参保状态、缴费基数和累计缴费月数。",
        en: "Insured persons of the employee basic pension scheme: employer, status, contribution base and months contributed.",
      },
      library: "theme",
      libraryCode: "social_security",
      category: { sector: SECTORS.humanResources, business: INSURANCE },
      grade: "core",
      sharing: {
        attribute: "conditional",
        conditions: "用于人才认定、住房保障、积分入学等资格审核，按件核验；统计分析仅限聚合。",
      },
      open: {
        attribute: "restricted",
        reason: "含个人缴费基数等收入信息，明细不开放，仅开放按行业汇总的参保人数。",
      },
      updateFrequency: "monthly",
      volume: { rows: 2_645_019, asOf: AS_OF },
      fields: [
        ref.idNumber("person_id", ["公民身份号码", "Citizen identity number"]),
        ref.personName("name", ["姓名", "Name"]),
        ref.uscc("employer_uscc", ["参保单位统一社会信用代码", "Employer's credit code"]),
        field("insured_status", ["参保状态", "Status"], "text", "ss.pension_status", {
          sample: oneOf("正常参保", "暂停缴费", "终止参保"),
        }),
        field(
          "contribution_base",
          ["月缴费基数", "Monthly contribution base"],
          "numeric",
          "ss.pension_base",
          {
            unit: "元",
            grade: "important",
            personalInfo: true,
            masking: "generalize",
            sample: range(2_360, 27_500, 0),
          },
        ),
        field("months_contributed", ["累计缴费月数", "Months contributed"], "integer", "ss.pension_months", {
          unit: "月",
          sample: range(1, 480),
        }),
        field(
          "first_insured_on",
          ["首次参保日期", "First insured on"],
          "date",
          "ss.pension_first_insured_on",
          {
            sample: dates("1995-01-01"),
          },
        ),
      ],
    },
  },
  {
    sourceOrgKey: "human-resources",
    entry: {
      code: "SS-EMPLOYER-CONTRIBUTION",
      name: { zh: "单位参保缴费汇总", en: "Employer contributions" },
      description: {
        zh: "用人单位按月的参保人数、缴费总额和欠缴情况。",
        en: "Monthly insured employees, contributions and arrears of each employer.",
      },
      library: "theme",
      libraryCode: "social_security",
      category: { sector: SECTORS.humanResources, business: INSURANCE },
      grade: "important",
      sharing: {
        attribute: "conditional",
        conditions: "用于企业信用评价、稳岗补贴核定；金融机构用于授信须取得企业授权。",
      },
      open: { attribute: "restricted", reason: "单位缴费明细属经营信息，仅开放按行业汇总的参保人数。" },
      updateFrequency: "monthly",
      volume: { rows: 5_204_776, asOf: AS_OF },
      fields: [
        ref.uscc("employer_uscc", ["单位统一社会信用代码", "Employer's credit code"]),
        field("month", ["费款所属期", "Month"], "date", "ss.employer_month", { sample: dates("2022-01-01") }),
        field("insured_count", ["参保人数", "Insured employees"], "integer", "ss.employer_insured_count", {
          unit: "人",
          sample: range(1, 3_000),
        }),
        field(
          "contribution_total",
          ["应缴总额", "Contributions due"],
          "numeric",
          "ss.employer_contribution_total",
          {
            unit: "元",
            grade: "important",
            sample: range(800, 5_000_000, 2),
          },
        ),
        field("arrears", ["欠缴金额", "Arrears"], "numeric", "ss.employer_arrears", {
          unit: "元",
          grade: "important",
          sample: range(0, 200_000, 2),
        }),
        field(
          "arrears_months",
          ["连续欠缴月数", "Months in arrears"],
          "integer",
          "ss.employer_arrears_months",
          {
            unit: "月",
            sample: range(0, 12),
          },
        ),
      ],
    },
  },
  {
    sourceOrgKey: "civil-affairs",
    entry: {
      code: "SS-SUBSISTENCE",
      name: { zh: "最低生活保障对象", en: "Minimum living allowance recipients" },
      description: {
        zh: "城乡最低生活保障家庭的户号、户主、保障人数、月保障金和审批状态。",
        en: "Households receiving the minimum living allowance: household, head, people covered, monthly allowance and status.",
      },
      library: "theme",
      libraryCode: "social_security",
      category: {
        sector: SECTORS.civilAffairs,
        business: business("social_assistance", "社会救助", "Social assistance"),
      },
      grade: "core",
      sharing: {
        attribute: "conditional",
        conditions: "用于救助对象认定、教育资助、医疗救助等事项；不得用于商业目的。",
      },
      open: {
        attribute: "restricted",
        reason: "依《社会救助暂行办法》，仅公示户主姓名、保障人数和金额等必要信息。",
      },
      updateFrequency: "monthly",
      volume: { rows: 9_634, asOf: AS_OF },
      fields: [
        field("household_no", ["户号", "Household number"], "text", "pop.household_no", {
          grade: "important",
          personalInfo: true,
          masking: "hash",
          authoritative: false,
        }),
        ref.idNumber("head_id", ["户主身份号码", "Head of household's identity number"]),
        ref.personName("head_name", ["户主姓名", "Head of household"]),
        ref.district(),
        field("covered_people", ["保障人数", "People covered"], "integer", "ss.subsistence_people", {
          unit: "人",
          sample: range(1, 6),
        }),
        field(
          "monthly_allowance",
          ["月保障金额", "Monthly allowance"],
          "numeric",
          "ss.subsistence_allowance",
          {
            unit: "元",
            grade: "important",
            personalInfo: true,
            masking: "generalize",
            sample: range(600, 4_800, 0),
          },
        ),
        field("approved_on", ["批准日期", "Approved on"], "date", "ss.subsistence_approved_on", {
          sample: dates("2018-01-01"),
        }),
        field("status", ["保障状态", "Status"], "text", "ss.subsistence_status", {
          sample: oneOf("在保", "停保", "退出"),
        }),
      ],
    },
  },
];
