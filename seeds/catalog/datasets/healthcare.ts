/** Healthcare theme library (医疗健康主题库). */
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

const HOSPITALS = [
  "鹏城市人民医院",
  "鹏城市中医院",
  "鹏城市妇幼保健院",
  "南湾区人民医院",
  "北岭区中心医院",
  "高新区社区健康服务中心",
];

export const HEALTHCARE_DATASETS: readonly TCatalogDatasetSeed[] = [
  {
    sourceOrgKey: "health",
    entry: {
      code: "HC-OUTPATIENT",
      name: { zh: "门急诊就诊记录", en: "Outpatient and emergency visits" },
      description: {
        zh: "全市公立医疗机构门急诊就诊记录：就诊科室、诊断编码、费用及医保支付。",
        en: "Outpatient and emergency visits to public hospitals: department, diagnosis code, costs and insurance payments.",
      },
      library: "theme",
      libraryCode: "healthcare",
      category: {
        sector: SECTORS.health,
        business: business("medical_services", "医疗服务", "Medical services"),
      },
      grade: "core",
      sharing: {
        attribute: "conditional",
        conditions: "仅用于医保结算、公共卫生监测和经伦理审查的医学研究；研究使用须以加密计算方式进行。",
      },
      open: {
        attribute: "restricted",
        reason: "含诊断等医疗健康信息，属敏感个人信息；明细不开放，仅开放按病种、按区汇总的统计数据。",
      },
      updateFrequency: "daily",
      volume: { rows: 48_206_331, asOf: AS_OF },
      fields: [
        field("visit_id", ["就诊流水号", "Visit id"], "text", "hc.visit_id", {
          grade: "important",
          personalInfo: true,
          masking: "hash",
          sample: ident("serial", "MZ"),
        }),
        ref.idNumber("patient_id", ["患者身份号码", "Patient's identity number"]),
        field("hospital", ["就诊机构", "Hospital"], "text", "hc.visit_hospital", {
          sample: oneOf(...HOSPITALS),
        }),
        field("department", ["就诊科室", "Department"], "text", "hc.visit_department", {
          sample: oneOf("内科", "外科", "儿科", "妇产科", "急诊科", "眼科", "口腔科"),
        }),
        field(
          "diagnosis_code",
          ["主要诊断编码", "Principal diagnosis (ICD-10)"],
          "text",
          "hc.visit_diagnosis_code",
          {
            grade: "core",
            personalInfo: true,
            masking: "generalize",
            sample: oneOf("J06.900", "I10.x00", "E11.900", "K29.700", "M54.500", "J45.900"),
            desc: [
              "ICD-10编码；对外泛化到类目。",
              "ICD-10 code; generalized to its category when given out.",
            ],
          },
        ),
        field("visit_date", ["就诊日期", "Visit date"], "date", "hc.visit_date", {
          sample: dates("2024-01-01"),
        }),
        field("total_cost", ["医疗总费用", "Total cost"], "numeric", "hc.visit_total_cost", {
          unit: "元",
          grade: "important",
          personalInfo: true,
          masking: "generalize",
          sample: range(15, 6_000, 2),
        }),
        field("insurance_paid", ["医保统筹支付", "Paid by insurance"], "numeric", "hc.visit_insurance_paid", {
          unit: "元",
          grade: "important",
          personalInfo: true,
          masking: "generalize",
          sample: range(0, 4_000, 2),
        }),
      ],
    },
  },
  {
    sourceOrgKey: "health",
    entry: {
      code: "HC-EMR",
      name: { zh: "电子病历", en: "Electronic medical records" },
      description: {
        zh: "医疗机构电子病历的主诉、现病史、检查检验结果和医嘱摘要。",
        en: "Electronic medical records: chief complaint, history of present illness, test results and orders.",
      },
      library: "theme",
      libraryCode: "healthcare",
      category: {
        sector: SECTORS.health,
        business: business("medical_records", "病历管理", "Medical records"),
      },
      grade: "core",
      sharing: {
        attribute: "not_shareable",
        legalBasis:
          "《中华人民共和国个人信息保护法》第二十八条、《中华人民共和国基本医疗卫生与健康促进法》第九十二条及《医疗机构病历管理规定》第六条：病历资料除法定情形外不得向其他单位提供。",
      },
      open: { attribute: "prohibited", reason: "病历属敏感个人信息，禁止开放。" },
      updateFrequency: "realtime",
      volume: { rows: 61_870_405, asOf: AS_OF },
      fields: [
        field("record_id", ["病历号", "Record id"], "text", "hc.emr_record_id", {
          grade: "core",
          personalInfo: true,
          masking: "hash",
          sample: ident("serial", "BL"),
        }),
        ref.idNumber("patient_id", ["患者身份号码", "Patient's identity number"]),
        field("chief_complaint", ["主诉", "Chief complaint"], "text", "hc.emr_chief_complaint", {
          grade: "core",
          personalInfo: true,
          masking: "suppress",
        }),
        field("present_illness", ["现病史", "History of present illness"], "text", "hc.emr_present_illness", {
          grade: "core",
          personalInfo: true,
          masking: "suppress",
        }),
        field("test_summary", ["检查检验结果摘要", "Test results"], "text", "hc.emr_test_summary", {
          grade: "core",
          personalInfo: true,
          masking: "suppress",
        }),
        field("recorded_on", ["记录日期", "Recorded on"], "date", "hc.emr_recorded_on", {
          sample: dates("2020-01-01"),
        }),
      ],
    },
  },
  {
    sourceOrgKey: "health",
    entry: {
      code: "HC-INSTITUTION",
      name: { zh: "医疗机构执业信息", en: "Licensed medical institutions" },
      description: {
        zh: "医疗机构执业许可信息：机构等级、类别、核定床位、所在区和许可有效期。",
        en: "Practice licences of medical institutions: level, kind, approved beds, district and licence validity.",
      },
      library: "theme",
      libraryCode: "healthcare",
      category: {
        sector: SECTORS.health,
        business: business("medical_licensing", "医疗机构管理", "Medical institution licensing"),
      },
      grade: "general",
      sharing: { attribute: "unconditional" },
      open: { attribute: "open" },
      updateFrequency: "weekly",
      volume: { rows: 4_126, asOf: AS_OF },
      fields: [
        field("license_no", ["执业许可证登记号", "Licence number"], "text", "hc.institution_license_no", {
          sample: ident("serial", "PDY"),
        }),
        field("name", ["机构名称", "Name"], "text", "hc.institution_name", { sample: oneOf(...HOSPITALS) }),
        field("level", ["机构等级", "Level"], "text", "hc.institution_level", {
          sample: oneOf("三级甲等", "三级乙等", "二级甲等", "一级", "未定级"),
        }),
        field("kind", ["机构类别", "Kind"], "text", "hc.institution_kind", {
          sample: oneOf("综合医院", "中医医院", "专科医院", "社区健康服务中心", "门诊部", "诊所"),
        }),
        field("beds", ["核定床位", "Approved beds"], "integer", "hc.institution_beds", {
          unit: "张",
          sample: range(0, 2_500),
        }),
        ref.district(),
        field("licensed_until", ["许可有效期至", "Licensed until"], "date", "hc.institution_licensed_until", {
          sample: dates("2026-11-01", "2031-12-31"),
        }),
      ],
    },
  },
  {
    sourceOrgKey: "health",
    entry: {
      code: "HC-VACCINATION",
      name: { zh: "预防接种统计", en: "Vaccination statistics" },
      description: {
        zh: "按区、按月、按疫苗汇总的接种剂次和适龄人群接种率。",
        en: "Doses given and coverage of the target population by district, month and vaccine.",
      },
      library: "theme",
      libraryCode: "healthcare",
      category: {
        sector: SECTORS.health,
        business: business("disease_prevention", "疾病预防控制", "Disease prevention"),
      },
      grade: "general",
      sharing: { attribute: "unconditional" },
      open: { attribute: "open" },
      updateFrequency: "monthly",
      volume: { rows: 15_840, asOf: AS_OF },
      fields: [
        ref.district(),
        field("month", ["统计月份", "Month"], "date", "hc.vaccination_month", {
          sample: dates("2022-01-01"),
        }),
        field("vaccine", ["疫苗", "Vaccine"], "text", "hc.vaccination_vaccine", {
          sample: oneOf("乙肝疫苗", "卡介苗", "脊灰疫苗", "百白破疫苗", "麻腮风疫苗", "流感疫苗"),
        }),
        field("doses", ["接种剂次", "Doses"], "integer", "hc.vaccination_doses", {
          unit: "剂次",
          sample: range(50, 30_000),
        }),
        field("coverage_rate", ["适龄人群接种率", "Coverage"], "numeric", "hc.vaccination_coverage", {
          unit: "%",
          sample: range(85, 99.9, 1),
        }),
      ],
    },
  },
];
