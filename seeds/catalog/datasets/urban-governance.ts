/** Urban governance theme library (城市治理主题库). */
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

export const URBAN_GOVERNANCE_DATASETS: readonly TCatalogDatasetSeed[] = [
  {
    sourceOrgKey: "urban-management",
    entry: {
      code: "UG-CITY-EVENTS",
      name: { zh: "城市管理事件", en: "City management cases" },
      description: {
        zh: "网格员巡查、12345热线和视频智能识别发现的城市管理事件及其处置时长。",
        en: "City management cases found by grid inspectors, the 12345 hotline and video analytics, with time to resolve.",
      },
      library: "theme",
      libraryCode: "urban_governance",
      category: {
        sector: SECTORS.urbanManagement,
        business: business("grid_management", "网格化管理", "Grid management"),
      },
      grade: "general",
      sharing: { attribute: "unconditional" },
      open: { attribute: "open" },
      updateFrequency: "realtime",
      volume: { rows: 3_420_981, asOf: AS_OF },
      fields: [
        field("case_id", ["事件编号", "Case id"], "text", "ug.case_id", { sample: ident("serial", "CG") }),
        field("category", ["事件类别", "Category"], "text", "ug.case_category", {
          sample: oneOf("市容环境", "宣传广告", "施工管理", "街面秩序", "园林绿化", "市政设施"),
        }),
        ref.district(),
        field("source", ["发现渠道", "Reported through"], "text", "ug.case_source", {
          sample: oneOf("12345热线", "网格员巡查", "视频智能识别", "媒体曝光"),
        }),
        field("reported_on", ["上报日期", "Reported on"], "date", "ug.case_reported_on", {
          sample: dates("2024-01-01"),
        }),
        field("hours_to_close", ["处置时长", "Hours to close"], "numeric", "ug.case_hours_to_close", {
          unit: "小时",
          sample: range(0.5, 240, 1),
        }),
        field("closed", ["是否结案", "Closed"], "boolean", "ug.case_closed"),
      ],
    },
  },
  {
    sourceOrgKey: "housing",
    entry: {
      code: "UG-RENTAL",
      name: { zh: "房屋租赁登记备案", en: "Residential lease registrations" },
      description: {
        zh: "住房租赁合同网签备案：承租人、出租人、房屋地址、月租金和租期。",
        en: "Registered residential leases: tenant, landlord, address, monthly rent and term.",
      },
      library: "theme",
      libraryCode: "urban_governance",
      category: {
        sector: SECTORS.housing,
        business: business("rental_housing", "住房租赁管理", "Rental housing"),
      },
      grade: "core",
      sharing: {
        attribute: "conditional",
        conditions: "用于居住证办理、积分入学、公积金提取等事项的居住核验；租金统计仅限聚合。",
      },
      open: { attribute: "restricted", reason: "仅开放按区汇总的租金水平和备案量。" },
      updateFrequency: "daily",
      volume: { rows: 1_372_095, asOf: AS_OF },
      fields: [
        field("contract_no", ["备案编号", "Registration number"], "text", "ug.lease_contract_no", {
          grade: "important",
          personalInfo: true,
          masking: "hash",
          sample: ident("serial", "ZL"),
        }),
        ref.idNumber("tenant_id", ["承租人身份号码", "Tenant's identity number"]),
        ref.personName("landlord_name", ["出租人姓名", "Landlord"]),
        field("address", ["房屋地址", "Address"], "text", "ug.lease_address", {
          grade: "important",
          personalInfo: true,
          masking: "mask_middle",
          sample: ident("address"),
        }),
        ref.district(),
        field("monthly_rent", ["月租金", "Monthly rent"], "numeric", "ug.lease_monthly_rent", {
          unit: "元",
          grade: "important",
          sample: range(800, 18_000, 0),
        }),
        field("floor_area", ["租赁面积", "Floor area"], "numeric", "ug.lease_floor_area", {
          unit: "平方米",
          sample: range(12, 180, 1),
        }),
        field("starts_on", ["租期起", "Starts on"], "date", "ug.lease_starts_on", {
          sample: dates("2023-01-01"),
        }),
        field("ends_on", ["租期止", "Ends on"], "date", "ug.lease_ends_on", {
          sample: dates("2026-11-01", "2029-12-31"),
        }),
      ],
    },
  },
];
