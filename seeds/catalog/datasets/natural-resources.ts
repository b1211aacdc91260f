/** Natural resources and geospatial base library (自然资源和空间地理库). */
import {
  AS_OF,
  business,
  dates,
  districts,
  field,
  ident,
  oneOf,
  range,
  ref,
  SECTORS,
  type TCatalogDatasetSeed,
} from "../build";

const LAND = business("land_management", "土地管理", "Land management");

export const NATURAL_RESOURCES_DATASETS: readonly TCatalogDatasetSeed[] = [
  {
    sourceOrgKey: "civil-affairs",
    entry: {
      code: "NR-ADMIN-DIVISION",
      name: { zh: "行政区划及街道社区", en: "Administrative divisions" },
      description: {
        zh: "全市区、街道、社区三级行政区划的代码、名称、上级区划和面积，是各库“所属区”的权威来源。",
        en: "Codes, names, parents and areas of the city's districts, sub-districts and communities; the authoritative source of every library's district.",
      },
      library: "base",
      libraryCode: "natural_resources",
      category: {
        sector: SECTORS.civilAffairs,
        business: business("administrative_division", "区划地名管理", "Divisions and place names"),
      },
      grade: "general",
      sharing: { attribute: "unconditional" },
      open: { attribute: "open" },
      updateFrequency: "irregular",
      volume: { rows: 812, asOf: AS_OF },
      fields: [
        field("division_code", ["区划代码", "Division code"], "text", "geo.division_code", {
          sample: ident("serial", "4499"),
          desc: ["12位统计用区划代码。", "12-digit statistical division code."],
        }),
        field("division_name", ["区划名称", "Division name"], "text", "geo.division_name", {
          sample: districts(),
        }),
        field("level", ["区划层级", "Level"], "text", "geo.division_level", {
          sample: oneOf("区", "街道", "社区"),
        }),
        field("parent_code", ["上级区划代码", "Parent code"], "text", "geo.division_parent_code", {
          sample: ident("serial", "4499"),
        }),
        field("area", ["面积", "Area"], "numeric", "geo.division_area", {
          unit: "平方千米",
          sample: range(0.3, 180, 2),
        }),
        field("effective_on", ["启用日期", "Effective from"], "date", "geo.division_effective_on", {
          sample: dates("2008-01-01"),
        }),
      ],
    },
  },
  {
    sourceOrgKey: "natural-resources",
    entry: {
      code: "NR-LAND-PARCEL",
      name: { zh: "宗地基础信息", en: "Land parcels" },
      description: {
        zh: "全市国有和集体土地宗地的代码、用途、面积、权利类型和使用期限。",
        en: "Parcels of state-owned and collective land: code, use, area, type of right and term.",
      },
      library: "base",
      libraryCode: "natural_resources",
      category: { sector: SECTORS.naturalResources, business: LAND },
      grade: "important",
      sharing: { attribute: "conditional", conditions: "宗地界址坐标仅用于规划、审批、执法等依法履职事项。" },
      open: { attribute: "restricted", reason: "宗地界址坐标属精确空间位置信息，仅开放宗地属性。" },
      updateFrequency: "weekly",
      volume: { rows: 214_377, asOf: AS_OF },
      fields: [
        field("parcel_code", ["宗地代码", "Parcel code"], "text", "nr.parcel_code", {
          sample: ident("serial", "449900"),
          desc: ["19位宗地代码（GB/T 13923）。", "19-character parcel code (GB/T 13923)."],
        }),
        field("district", ["所在区", "District"], "text", "nr.parcel_district", { sample: districts() }),
        field("land_use", ["土地用途", "Land use"], "text", "nr.parcel_land_use", {
          sample: oneOf("商服用地", "工矿仓储用地", "住宅用地", "公共管理与公共服务用地", "交通运输用地"),
        }),
        field("area", ["宗地面积", "Area"], "numeric", "nr.parcel_area", {
          unit: "平方米",
          sample: range(80, 120_000, 2),
        }),
        field("right_type", ["权利类型", "Type of right"], "text", "nr.parcel_right_type", {
          sample: oneOf("国有建设用地使用权", "集体建设用地使用权", "宅基地使用权"),
        }),
        field("term_ends_on", ["使用期限截止", "Term ends"], "date", "nr.parcel_term_end", {
          sample: dates("2030-01-01", "2096-12-31"),
        }),
        field("centroid_x", ["中心点X坐标", "Centroid X (CGCS2000)"], "numeric", "nr.parcel_centroid_x", {
          unit: "米",
          grade: "important",
          sample: range(38_490_000, 38_560_000, 2),
        }),
        field("centroid_y", ["中心点Y坐标", "Centroid Y (CGCS2000)"], "numeric", "nr.parcel_centroid_y", {
          unit: "米",
          grade: "important",
          sample: range(2_480_000, 2_530_000, 2),
        }),
      ],
    },
  },
  {
    sourceOrgKey: "natural-resources",
    entry: {
      code: "NR-REAL-ESTATE",
      name: { zh: "不动产登记信息", en: "Real estate registrations" },
      description: {
        zh: "房屋等建筑物、构筑物所有权及其抵押等权利的登记信息。",
        en: "Registrations of ownership of buildings and structures and of rights on them such as mortgages.",
      },
      library: "base",
      libraryCode: "natural_resources",
      category: {
        sector: SECTORS.naturalResources,
        business: business("real_estate_registration", "不动产登记", "Real estate registration"),
      },
      grade: "core",
      sharing: {
        attribute: "conditional",
        conditions: "依《不动产登记资料查询暂行办法》，仅限权利人、利害关系人及有关国家机关依法查询使用。",
      },
      open: {
        attribute: "restricted",
        reason:
          "不动产登记资料依《不动产登记暂行条例》第二十七条仅限特定主体查询；仅开放按区、按用途汇总的统计数据。",
      },
      updateFrequency: "daily",
      volume: { rows: 2_871_503, asOf: AS_OF },
      fields: [
        field("unit_no", ["不动产单元号", "Real estate unit number"], "text", "nr.estate_unit_no", {
          grade: "important",
          sample: ident("serial", "449900"),
        }),
        field(
          "certificate_no",
          ["不动产权证书号", "Certificate number"],
          "text",
          "nr.estate_certificate_no",
          {
            grade: "important",
            personalInfo: true,
            masking: "hash",
            sample: ident("serial", "鹏2026不动产权第"),
          },
        ),
        ref.personName("owner_name", ["权利人", "Owner"]),
        ref.idNumber("owner_id", ["权利人身份号码", "Owner's identity number"]),
        field("co_ownership", ["共有情况", "Co-ownership"], "text", "nr.estate_co_ownership", {
          sample: oneOf("单独所有", "共同共有", "按份共有"),
        }),
        field("usage", ["房屋用途", "Use"], "text", "nr.estate_usage", {
          sample: oneOf("住宅", "商业", "办公", "工业"),
        }),
        field("floor_area", ["建筑面积", "Floor area"], "numeric", "nr.estate_floor_area", {
          unit: "平方米",
          sample: range(30, 400, 2),
        }),
        field("mortgaged", ["是否抵押", "Mortgaged"], "boolean", "nr.estate_mortgaged", {
          grade: "important",
        }),
        field("parcel_code", ["所在宗地代码", "Parcel code"], "text", "nr.parcel_code", {
          authoritative: false,
          sample: ident("serial", "449900"),
        }),
        field("registered_on", ["登簿日期", "Registered on"], "date", "nr.estate_registered_on", {
          sample: dates("2010-01-01"),
        }),
      ],
    },
  },
  {
    sourceOrgKey: "natural-resources",
    entry: {
      code: "NR-PLANNING-PERMIT",
      name: { zh: "建设工程规划许可", en: "Construction planning permits" },
      description: {
        zh: "核发的建设工程规划许可证：建设单位、项目、用地和建筑面积。",
        en: "Construction planning permits issued: developer, project, site and floor areas.",
      },
      library: "base",
      libraryCode: "natural_resources",
      category: {
        sector: SECTORS.naturalResources,
        business: business("planning_permit", "规划许可", "Planning permits"),
      },
      grade: "general",
      sharing: { attribute: "unconditional" },
      open: { attribute: "open" },
      updateFrequency: "weekly",
      volume: { rows: 17_460, asOf: AS_OF },
      fields: [
        field("permit_no", ["许可证编号", "Permit number"], "text", "nr.planning_permit_no", {
          sample: ident("serial", "建字第"),
        }),
        ref.uscc("developer_uscc", ["建设单位统一社会信用代码", "Developer's credit code"]),
        field("project_name", ["项目名称", "Project"], "text", "nr.planning_project_name"),
        ref.district(),
        field("site_area", ["用地面积", "Site area"], "numeric", "nr.planning_site_area", {
          unit: "平方米",
          sample: range(500, 200_000, 2),
        }),
        field("floor_area", ["总建筑面积", "Total floor area"], "numeric", "nr.planning_floor_area", {
          unit: "平方米",
          sample: range(1_000, 800_000, 2),
        }),
        field("issued_on", ["核发日期", "Issued on"], "date", "nr.planning_issued_on", {
          sample: dates("2016-01-01"),
        }),
      ],
    },
  },
  {
    sourceOrgKey: "natural-resources",
    entry: {
      code: "NR-ADDRESS",
      name: { zh: "标准地址库", en: "Standard addresses" },
      description: {
        zh: "楼栋级标准地址编码、标准地址、所属街道社区和经纬度。",
        en: "Building-level standard address codes, addresses, sub-district and community, and coordinates.",
      },
      library: "base",
      libraryCode: "natural_resources",
      category: {
        sector: SECTORS.naturalResources,
        business: business("geospatial", "地理空间信息", "Geospatial information"),
      },
      grade: "general",
      sharing: { attribute: "unconditional" },
      open: { attribute: "open" },
      updateFrequency: "monthly",
      volume: { rows: 643_918, asOf: AS_OF },
      fields: [
        field("address_code", ["标准地址编码", "Address code"], "text", "nr.address_code", {
          sample: ident("serial", "BZDZ"),
        }),
        field("address", ["标准地址", "Address"], "text", "nr.address_text", { sample: ident("address") }),
        ref.district(),
        field("street", ["所属街道", "Sub-district"], "text", "nr.address_street", {
          sample: oneOf("园岭街道", "南湖街道", "东湾街道", "西岸街道", "北岭街道", "科苑街道"),
        }),
        field("building_type", ["建筑类型", "Building type"], "text", "nr.address_building_type", {
          sample: oneOf("住宅", "商业", "办公", "工业厂房", "公共建筑"),
        }),
        field("longitude", ["经度", "Longitude"], "numeric", "nr.address_longitude", {
          unit: "度",
          sample: range(113.75, 114.62, 6),
        }),
        field("latitude", ["纬度", "Latitude"], "numeric", "nr.address_latitude", {
          unit: "度",
          sample: range(22.45, 22.86, 6),
        }),
      ],
    },
  },
  {
    sourceOrgKey: "natural-resources",
    entry: {
      code: "NR-SURVEY",
      name: { zh: "基础测绘成果目录", en: "Basic surveying results" },
      description: {
        zh: "大比例尺地形图等基础测绘成果的图幅、比例尺、坐标系统、精度和生产时间。",
        en: "Large-scale topographic map sheets and other basic surveying results: sheet, scale, coordinate system, accuracy and production date.",
      },
      library: "base",
      libraryCode: "natural_resources",
      category: {
        sector: SECTORS.naturalResources,
        business: business("surveying_mapping", "测绘地理信息", "Surveying and mapping"),
      },
      grade: "core",
      sharing: {
        attribute: "not_shareable",
        legalBasis:
          "《中华人民共和国测绘法》第三十四条及《测绘地理信息管理工作国家秘密范围的规定》：涉密测绘成果不纳入共享，须按涉密测绘成果提供使用审批程序单独申请。",
      },
      open: { attribute: "prohibited", reason: "属涉密测绘成果。" },
      updateFrequency: "irregular",
      volume: { rows: 9_420, asOf: AS_OF },
      fields: [
        field("sheet_no", ["图幅号", "Sheet number"], "text", "nr.survey_sheet_no", {
          grade: "core",
          sample: ident("serial", "F49"),
        }),
        field("scale", ["比例尺", "Scale"], "text", "nr.survey_scale", {
          sample: oneOf("1:500", "1:1000", "1:2000", "1:10000"),
        }),
        field("coordinate_system", ["坐标系统", "Coordinate system"], "text", "nr.survey_crs", {
          sample: oneOf("2000国家大地坐标系", "鹏城独立坐标系"),
        }),
        field("accuracy", ["平面精度", "Planimetric accuracy"], "numeric", "nr.survey_accuracy", {
          unit: "米",
          grade: "core",
          sample: range(0.05, 5, 2),
        }),
        field("produced_on", ["生产日期", "Produced on"], "date", "nr.survey_produced_on", {
          sample: dates("2015-01-01"),
        }),
      ],
    },
  },
  {
    sourceOrgKey: "natural-resources",
    entry: {
      code: "NR-FARMLAND",
      name: { zh: "永久基本农田保护图斑", en: "Permanent basic farmland" },
      description: {
        zh: "划定的永久基本农田图斑：所在区、面积、耕地质量等别和保护状态。",
        en: "Designated permanent basic farmland patches: district, area, cultivated-land quality grade and protection status.",
      },
      library: "base",
      libraryCode: "natural_resources",
      category: { sector: SECTORS.naturalResources, business: LAND },
      grade: "important",
      sharing: { attribute: "conditional", conditions: "用于耕地保护督察、项目选址和农业补贴核定。" },
      open: { attribute: "restricted", reason: "仅开放按区汇总的保护面积。" },
      updateFrequency: "yearly",
      volume: { rows: 3_912, asOf: AS_OF },
      fields: [
        field("patch_id", ["图斑编号", "Patch number"], "text", "nr.farmland_patch_id", {
          sample: ident("serial", "JBNT"),
        }),
        ref.district(),
        field("area", ["图斑面积", "Area"], "numeric", "nr.farmland_area", {
          unit: "亩",
          sample: range(2, 900, 2),
        }),
        field("quality_grade", ["耕地质量等别", "Quality grade"], "integer", "nr.farmland_quality_grade", {
          unit: "等",
          sample: range(1, 10),
        }),
        field("designated_on", ["划定日期", "Designated on"], "date", "nr.farmland_designated_on", {
          sample: dates("2017-01-01", "2023-12-31"),
        }),
        field("status", ["保护状态", "Status"], "text", "nr.farmland_status", {
          grade: "important",
          sample: oneOf("正常耕种", "待整改", "已整改"),
        }),
      ],
    },
  },
];
