/** Ecology and environment theme library (生态环境主题库). */
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

const MONITORING = business("environmental_monitoring", "环境监测", "Environmental monitoring");

export const ECOLOGY_DATASETS: readonly TCatalogDatasetSeed[] = [
  {
    sourceOrgKey: "ecology-environment",
    entry: {
      code: "ECO-AIR-QUALITY",
      name: { zh: "空气质量监测数据", en: "Air quality measurements" },
      description: {
        zh: "国控、省控和市控空气质量监测站点的AQI和主要污染物浓度日均值。",
        en: "Daily AQI and main pollutant concentrations at national, provincial and city monitoring stations.",
      },
      library: "theme",
      libraryCode: "ecology",
      category: { sector: SECTORS.ecology, business: MONITORING },
      grade: "general",
      sharing: { attribute: "unconditional" },
      open: { attribute: "open" },
      updateFrequency: "realtime",
      volume: { rows: 438_290, asOf: AS_OF },
      fields: [
        field("station", ["监测站点", "Station"], "text", "eco.air_station", {
          sample: oneOf("中心区荔园站", "南湾区湾景站", "西岸区工业园站", "北岭区岭南站", "滨海区海滨站"),
        }),
        ref.district(),
        field("measured_on", ["监测日期", "Date"], "date", "eco.air_date", { sample: dates("2023-01-01") }),
        field("aqi", ["空气质量指数", "AQI"], "integer", "eco.air_aqi", { sample: range(12, 180) }),
        field("pm25", ["PM2.5浓度", "PM2.5"], "numeric", "eco.air_pm25", {
          unit: "微克/立方米",
          sample: range(4, 95, 1),
        }),
        field("pm10", ["PM10浓度", "PM10"], "numeric", "eco.air_pm10", {
          unit: "微克/立方米",
          sample: range(8, 150, 1),
        }),
        field("o3_8h", ["臭氧8小时浓度", "Ozone (8 h)"], "numeric", "eco.air_o3", {
          unit: "微克/立方米",
          sample: range(20, 220, 1),
        }),
        field("primary_pollutant", ["首要污染物", "Primary pollutant"], "text", "eco.air_primary_pollutant", {
          sample: oneOf("无", "PM2.5", "PM10", "O3", "NO2"),
        }),
      ],
    },
  },
  {
    sourceOrgKey: "ecology-environment",
    entry: {
      code: "ECO-DISCHARGE-PERMIT",
      name: { zh: "排污许可信息", en: "Discharge permits" },
      description: {
        zh: "排污单位的排污许可证编号、管理类别、主要污染物和许可排放量。",
        en: "Discharge permits: permit number, management class, main pollutants and permitted emissions.",
      },
      library: "theme",
      libraryCode: "ecology",
      category: {
        sector: SECTORS.ecology,
        business: business("discharge_permit", "排污许可", "Discharge permits"),
      },
      grade: "general",
      sharing: { attribute: "unconditional" },
      open: { attribute: "open" },
      updateFrequency: "weekly",
      volume: { rows: 7_935, asOf: AS_OF },
      fields: [
        field("permit_no", ["许可证编号", "Permit number"], "text", "eco.permit_no", {
          sample: ident("serial", "PWXK"),
        }),
        ref.uscc(),
        ref.enterpriseName(),
        field("management_class", ["管理类别", "Management class"], "text", "eco.permit_class", {
          sample: oneOf("重点管理", "简化管理", "登记管理"),
        }),
        field("main_pollutants", ["主要污染物", "Main pollutants"], "text", "eco.permit_pollutants", {
          sample: oneOf("化学需氧量、氨氮", "二氧化硫、氮氧化物", "颗粒物、挥发性有机物"),
        }),
        field("permitted_cod", ["化学需氧量许可排放量", "Permitted COD"], "numeric", "eco.permit_cod", {
          unit: "吨/年",
          sample: range(0, 800, 2),
        }),
        field("valid_until", ["有效期至", "Valid until"], "date", "eco.permit_valid_until", {
          sample: dates("2026-11-01", "2031-12-31"),
        }),
      ],
    },
  },
  {
    sourceOrgKey: "ecology-environment",
    entry: {
      code: "ECO-WATER-QUALITY",
      name: { zh: "地表水断面水质", en: "Surface water quality" },
      description: {
        zh: "河流、水库监测断面的月度水质类别和主要指标浓度。",
        en: "Monthly water quality class and main indicators at river and reservoir monitoring sections.",
      },
      library: "theme",
      libraryCode: "ecology",
      category: { sector: SECTORS.ecology, business: MONITORING },
      grade: "general",
      sharing: { attribute: "unconditional" },
      open: { attribute: "open" },
      updateFrequency: "monthly",
      volume: { rows: 6_120, asOf: AS_OF },
      fields: [
        field("section", ["监测断面", "Section"], "text", "eco.water_section", {
          sample: oneOf("鹏江河口", "鹏江中游", "西岸河入海口", "北岭水库", "山湖水库"),
        }),
        ref.district(),
        field("month", ["监测月份", "Month"], "date", "eco.water_month", { sample: dates("2020-01-01") }),
        field("quality_class", ["水质类别", "Quality class"], "text", "eco.water_class", {
          sample: oneOf("Ⅰ类", "Ⅱ类", "Ⅲ类", "Ⅳ类", "Ⅴ类", "劣Ⅴ类"),
        }),
        field("dissolved_oxygen", ["溶解氧", "Dissolved oxygen"], "numeric", "eco.water_do", {
          unit: "毫克/升",
          sample: range(2, 10, 2),
        }),
        field("ammonia_nitrogen", ["氨氮", "Ammonia nitrogen"], "numeric", "eco.water_nh3n", {
          unit: "毫克/升",
          sample: range(0.02, 3, 3),
        }),
        field("cod", ["化学需氧量", "COD"], "numeric", "eco.water_cod", {
          unit: "毫克/升",
          sample: range(4, 40, 1),
        }),
      ],
    },
  },
];
