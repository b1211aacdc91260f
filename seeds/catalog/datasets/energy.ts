/** Energy theme library (能源主题库). */
import {
  AS_OF,
  business,
  dates,
  field,
  ident,
  industries,
  range,
  ref,
  SECTORS,
  type TCatalogDatasetSeed,
} from "../build";

const ENERGY = business("energy_management", "能源管理", "Energy management");

export const ENERGY_DATASETS: readonly TCatalogDatasetSeed[] = [
  {
    sourceOrgKey: "development-reform",
    entry: {
      code: "EN-ENTERPRISE-POWER",
      name: { zh: "重点用能企业用电量", en: "Electricity use of major energy consumers" },
      description: {
        zh: "重点用能单位按月的用电量和最大负荷，用于能耗双控和产业运行监测。",
        en: "Monthly electricity use and peak load of major energy-consuming enterprises, for energy control and economic monitoring.",
      },
      library: "theme",
      libraryCode: "energy",
      category: { sector: SECTORS.development, business: ENERGY },
      grade: "important",
      sharing: {
        attribute: "conditional",
        conditions: "用于经济运行监测和绿色金融评估；金融机构使用须取得企业授权。",
      },
      open: { attribute: "restricted", reason: "单户用电数据属企业经营信息，仅开放按行业汇总数据。" },
      updateFrequency: "monthly",
      volume: { rows: 196_320, asOf: AS_OF },
      fields: [
        ref.uscc(),
        field("month", ["统计月份", "Month"], "date", "en.power_month", { sample: dates("2022-01-01") }),
        field("electricity", ["用电量", "Electricity used"], "numeric", "en.power_consumption", {
          unit: "万千瓦时",
          grade: "important",
          sample: range(5, 9_000, 2),
        }),
        field("peak_load", ["最大负荷", "Peak load"], "numeric", "en.power_peak_load", {
          unit: "千瓦",
          grade: "important",
          sample: range(200, 80_000, 0),
        }),
        ref.industry(),
        ref.district(),
      ],
    },
  },
  {
    sourceOrgKey: "development-reform",
    entry: {
      code: "EN-CONSUMPTION-STATS",
      name: { zh: "分行业能源消费统计", en: "Energy consumption by industry" },
      description: {
        zh: "按年度、按行业汇总的综合能源消费量、电力和天然气消费量。",
        en: "Total energy, electricity and natural gas consumption by year and industry.",
      },
      library: "theme",
      libraryCode: "energy",
      category: { sector: SECTORS.development, business: ENERGY },
      grade: "general",
      sharing: { attribute: "unconditional" },
      open: { attribute: "open" },
      updateFrequency: "yearly",
      volume: { rows: 198, asOf: AS_OF },
      fields: [
        field("year", ["统计年度", "Year"], "integer", "en.stat_year", {
          unit: "年",
          sample: range(2015, 2025),
        }),
        field("industry", ["行业", "Industry"], "text", "le.industry", {
          authoritative: false,
          sample: industries(),
        }),
        field("energy_total", ["综合能源消费量", "Total energy"], "numeric", "en.stat_energy_total", {
          unit: "万吨标准煤",
          sample: range(0.5, 900, 2),
        }),
        field("electricity", ["电力消费量", "Electricity"], "numeric", "en.stat_electricity", {
          unit: "亿千瓦时",
          sample: range(0.1, 400, 2),
        }),
        field("natural_gas", ["天然气消费量", "Natural gas"], "numeric", "en.stat_natural_gas", {
          unit: "亿立方米",
          sample: range(0, 30, 2),
        }),
      ],
    },
  },
  {
    sourceOrgKey: "development-reform",
    entry: {
      code: "EN-CHARGING",
      name: { zh: "充电基础设施", en: "EV charging stations" },
      description: {
        zh: "公共充电站的运营企业、所在区、桩数、快充桩数、总功率和投运日期。",
        en: "Public charging stations: operator, district, chargers, fast chargers, total power and commissioning date.",
      },
      library: "theme",
      libraryCode: "energy",
      category: { sector: SECTORS.development, business: ENERGY },
      grade: "general",
      sharing: { attribute: "unconditional" },
      open: { attribute: "open" },
      updateFrequency: "weekly",
      volume: { rows: 5_418, asOf: AS_OF },
      fields: [
        field("station_id", ["充电站编号", "Station id"], "text", "en.charging_station_id", {
          sample: ident("serial", "CD"),
        }),
        ref.uscc("operator_uscc", ["运营企业统一社会信用代码", "Operator's credit code"]),
        ref.district(),
        field("address", ["站点地址", "Address"], "text", "en.charging_address", {
          sample: ident("address"),
        }),
        field("chargers", ["充电桩数", "Chargers"], "integer", "en.charging_chargers", {
          unit: "个",
          sample: range(2, 120),
        }),
        field("fast_chargers", ["快充桩数", "Fast chargers"], "integer", "en.charging_fast_chargers", {
          unit: "个",
          sample: range(0, 80),
        }),
        field("total_power", ["总功率", "Total power"], "numeric", "en.charging_power", {
          unit: "千瓦",
          sample: range(14, 9_600, 0),
        }),
        field("commissioned_on", ["投运日期", "Commissioned on"], "date", "en.charging_commissioned_on", {
          sample: dates("2016-01-01"),
        }),
      ],
    },
  },
];
