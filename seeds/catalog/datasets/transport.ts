/** Transport theme library (交通运输主题库). */
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

export const TRANSPORT_DATASETS: readonly TCatalogDatasetSeed[] = [
  {
    sourceOrgKey: "public-security",
    entry: {
      code: "TR-VEHICLE",
      name: { zh: "机动车登记信息", en: "Motor vehicle registrations" },
      description: {
        zh: "本市登记机动车的号牌、车辆类型、使用性质、燃料种类、登记日期和所有人。",
        en: "Vehicles registered in the city: plate, type, use, fuel, registration date and owner.",
      },
      library: "theme",
      libraryCode: "transport",
      category: {
        sector: SECTORS.publicSecurity,
        business: business("vehicle_registration", "机动车登记", "Vehicle registration"),
      },
      grade: "core",
      sharing: {
        attribute: "conditional",
        conditions: "用于交通管理、保险理赔核验和新能源汽车推广统计；所有人身份仅以核验模式提供。",
      },
      open: { attribute: "restricted", reason: "仅开放按车辆类型、燃料种类汇总的保有量。" },
      updateFrequency: "daily",
      volume: { rows: 3_508_277, asOf: AS_OF },
      fields: [
        field("plate_no", ["号牌号码", "Plate number"], "text", "tr.plate_no", {
          grade: "important",
          personalInfo: true,
          masking: "mask_middle",
          sample: ident("plate"),
        }),
        field("vehicle_type", ["车辆类型", "Vehicle type"], "text", "tr.vehicle_type", {
          sample: oneOf("小型轿车", "小型普通客车", "轻型厢式货车", "重型半挂牵引车", "大型普通客车"),
        }),
        field("use_nature", ["使用性质", "Use"], "text", "tr.vehicle_use", {
          sample: oneOf("非营运", "公路客运", "出租客运", "预约出租客运", "货运"),
        }),
        field("fuel_type", ["燃料种类", "Fuel"], "text", "tr.vehicle_fuel", {
          sample: oneOf("汽油", "柴油", "纯电动", "插电式混合动力", "燃料电池"),
        }),
        field("registered_on", ["初次登记日期", "First registered on"], "date", "tr.vehicle_registered_on", {
          sample: dates("2008-01-01"),
        }),
        ref.idNumber("owner_id", ["所有人身份号码", "Owner's identity number"]),
        field(
          "owner_district",
          ["所有人住所所在区", "Owner's district"],
          "text",
          "tr.vehicle_owner_district",
          {
            sample: districts(),
          },
        ),
      ],
    },
  },
  {
    sourceOrgKey: "transport",
    entry: {
      code: "TR-BUS-RIDERSHIP",
      name: { zh: "公交线路客流", en: "Bus ridership by route" },
      description: {
        zh: "各公交线路的日刷卡客流、高峰小时满载率和配车数。",
        en: "Daily boardings, peak-hour load factor and fleet size of each bus route.",
      },
      library: "theme",
      libraryCode: "transport",
      category: {
        sector: SECTORS.transport,
        business: business("public_transit", "公共交通", "Public transit"),
      },
      grade: "general",
      sharing: { attribute: "unconditional" },
      open: { attribute: "open" },
      updateFrequency: "daily",
      volume: { rows: 2_870_440, asOf: AS_OF },
      fields: [
        field("route_no", ["线路编号", "Route"], "text", "tr.bus_route_no", { sample: ident("serial", "M") }),
        field("service_date", ["运营日期", "Service date"], "date", "tr.bus_service_date", {
          sample: dates("2024-01-01"),
        }),
        field("boardings", ["刷卡客流", "Boardings"], "integer", "tr.bus_boardings", {
          unit: "人次",
          sample: range(200, 60_000),
        }),
        field("peak_load_factor", ["高峰小时满载率", "Peak load factor"], "numeric", "tr.bus_peak_load", {
          unit: "%",
          sample: range(20, 130, 1),
        }),
        field("vehicles", ["配车数", "Vehicles"], "integer", "tr.bus_vehicles", {
          unit: "辆",
          sample: range(4, 60),
        }),
        field("operator", ["运营企业", "Operator"], "text", "tr.bus_operator", {
          sample: oneOf("鹏城巴士集团", "鹏城东部公交", "鹏城西部公交"),
        }),
      ],
    },
  },
  {
    sourceOrgKey: "transport",
    entry: {
      code: "TR-RIDE-HAILING",
      name: { zh: "网约车订单数据", en: "Ride-hailing trips" },
      description: {
        zh: "网约车平台报送的订单：上下车所在区、出发时间、里程、费用和驾驶员证号摘要。",
        en: "Trips reported by ride-hailing platforms: pick-up and drop-off district, start date, distance, fare and a digest of the driver's licence.",
      },
      library: "theme",
      libraryCode: "transport",
      category: {
        sector: SECTORS.transport,
        business: business("taxi_regulation", "出租汽车监管", "Taxi regulation"),
      },
      grade: "important",
      sharing: { attribute: "conditional", conditions: "用于行业监管、交通规划研究；研究使用仅限聚合结果。" },
      open: { attribute: "restricted", reason: "订单含出行轨迹，仅开放按区汇总的出行量。" },
      updateFrequency: "daily",
      volume: { rows: 96_402_118, asOf: AS_OF },
      fields: [
        field("order_id", ["订单号", "Order id"], "text", "tr.ride_order_id", {
          masking: "hash",
          sample: ident("serial", "WY"),
        }),
        field("platform", ["平台公司", "Platform"], "text", "tr.ride_platform", {
          sample: oneOf("示例出行平台甲", "示例出行平台乙", "示例出行平台丙"),
        }),
        field("pickup_district", ["上车所在区", "Pick-up district"], "text", "tr.ride_pickup_district", {
          sample: districts(),
        }),
        field("dropoff_district", ["下车所在区", "Drop-off district"], "text", "tr.ride_dropoff_district", {
          sample: districts(),
        }),
        field("departed_on", ["出发日期", "Departed on"], "date", "tr.ride_departed_on", {
          sample: dates("2025-01-01"),
        }),
        field("distance", ["行驶里程", "Distance"], "numeric", "tr.ride_distance", {
          unit: "千米",
          sample: range(1, 60, 1),
        }),
        field("fare", ["订单金额", "Fare"], "numeric", "tr.ride_fare", {
          unit: "元",
          sample: range(10, 260, 2),
        }),
        field(
          "driver_license_digest",
          ["驾驶员证号摘要", "Driver licence digest"],
          "text",
          "tr.ride_driver_license",
          {
            grade: "important",
            personalInfo: true,
            masking: "hash",
            sample: ident("serial", "JSY"),
          },
        ),
      ],
    },
  },
  {
    sourceOrgKey: "transport",
    entry: {
      code: "TR-TRANSPORT-PERMIT",
      name: { zh: "道路运输经营许可", en: "Road transport operating permits" },
      description: {
        zh: "道路旅客、货物运输经营许可证的经营范围、车辆数和有效期。",
        en: "Road passenger and freight transport permits: scope, vehicles and validity.",
      },
      library: "theme",
      libraryCode: "transport",
      category: {
        sector: SECTORS.transport,
        business: business("road_transport", "道路运输管理", "Road transport"),
      },
      grade: "general",
      sharing: { attribute: "unconditional" },
      open: { attribute: "open" },
      updateFrequency: "weekly",
      volume: { rows: 12_906, asOf: AS_OF },
      fields: [
        field("permit_no", ["许可证号", "Permit number"], "text", "tr.permit_no", {
          sample: ident("serial", "鹏交运管许可"),
        }),
        ref.uscc(),
        ref.enterpriseName(),
        field("scope", ["经营范围", "Scope"], "text", "tr.permit_scope", {
          sample: oneOf(
            "道路普通货物运输",
            "道路危险货物运输",
            "班车客运",
            "包车客运",
            "网络预约出租汽车客运",
          ),
        }),
        field("vehicles", ["许可车辆数", "Vehicles"], "integer", "tr.permit_vehicles", {
          unit: "辆",
          sample: range(1, 800),
        }),
        field("valid_until", ["有效期至", "Valid until"], "date", "tr.permit_valid_until", {
          sample: dates("2026-11-01", "2030-12-31"),
        }),
      ],
    },
  },
];
