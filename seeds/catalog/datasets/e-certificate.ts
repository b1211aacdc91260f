/** E-certificate base library (电子证照库). */
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

const LICENSING = business("e_licensing", "电子证照", "E-licensing");

export const E_CERTIFICATE_DATASETS: readonly TCatalogDatasetSeed[] = [
  {
    sourceOrgKey: "market-regulation",
    entry: {
      code: "EC-BUSINESS-LICENSE",
      name: { zh: "营业执照电子证照", en: "Electronic business licences" },
      description: {
        zh: "企业和个体工商户电子营业执照的证照标识、发证机关、发照日期和证照状态。",
        en: "Electronic business licences of enterprises and individual businesses: licence id, issuing authority, issue date and status.",
      },
      library: "base",
      libraryCode: "e_certificate",
      category: { sector: SECTORS.marketRegulation, business: LICENSING },
      grade: "general",
      sharing: { attribute: "unconditional" },
      open: { attribute: "restricted", reason: "证照文件仅向持证主体及经其授权的办事部门提供。" },
      updateFrequency: "realtime",
      volume: { rows: 486_205, asOf: AS_OF },
      fields: [
        field("license_id", ["证照标识", "Licence id"], "text", "ec.business_license_id", {
          sample: ident("serial", "YYZZ"),
        }),
        ref.uscc(),
        ref.enterpriseName("holder_name", ["持证主体名称", "Holder"]),
        field(
          "issuing_authority",
          ["发证机关", "Issuing authority"],
          "text",
          "ec.business_license_authority",
          {
            sample: oneOf(
              "鹏城市市场监督管理局",
              "鹏城市市场监督管理局中心分局",
              "鹏城市市场监督管理局高新分局",
            ),
          },
        ),
        field("issued_on", ["发照日期", "Issued on"], "date", "ec.business_license_issued_on", {
          sample: dates("2016-01-01"),
        }),
        field("status", ["证照状态", "Status"], "text", "ec.business_license_status", {
          sample: oneOf("有效", "注销", "吊销"),
        }),
        field("file_digest", ["证照文件摘要", "File digest (SM3)"], "text", "ec.business_license_digest", {
          sample: ident("serial", "SM3-"),
        }),
      ],
    },
  },
  {
    sourceOrgKey: "public-security",
    entry: {
      code: "EC-ID-CARD",
      name: { zh: "居民身份证电子证照", en: "Electronic identity cards" },
      description: {
        zh: "居民身份证电子证照的持证人、有效期限和签发机关，用于政务服务“免证办”。",
        en: "Electronic identity cards — holder, validity and issuing authority — used so that citizens need not present paper cards.",
      },
      library: "base",
      libraryCode: "e_certificate",
      category: { sector: SECTORS.publicSecurity, business: LICENSING },
      grade: "core",
      sharing: {
        attribute: "conditional",
        conditions: "仅在持证人本人授权或政务服务办件中按件调用，调用记录留痕备查。",
      },
      open: { attribute: "prohibited", reason: "居民身份证信息属敏感个人信息，禁止开放。" },
      updateFrequency: "realtime",
      volume: { rows: 2_938_411, asOf: AS_OF },
      fields: [
        field("license_id", ["证照标识", "Licence id"], "text", "ec.id_card_license_id", {
          grade: "important",
          personalInfo: true,
          masking: "hash",
          sample: ident("serial", "SFZ"),
        }),
        ref.idNumber("holder_id", ["持证人身份号码", "Holder's identity number"]),
        ref.personName("holder_name", ["持证人姓名", "Holder"]),
        field("valid_from", ["有效期起", "Valid from"], "date", "ec.id_card_valid_from", {
          sample: dates("2010-01-01"),
        }),
        field("valid_until", ["有效期止", "Valid until"], "date", "ec.id_card_valid_until", {
          sample: dates("2026-11-01", "2046-12-31"),
        }),
        field("issuing_authority", ["签发机关", "Issuing authority"], "text", "ec.id_card_authority", {
          sample: oneOf("鹏城市公安局中心分局", "鹏城市公安局南湾分局", "鹏城市公安局西岸分局"),
        }),
        field("photo", ["证件照片", "Photo"], "text", "ec.id_card_photo", {
          grade: "core",
          personalInfo: true,
          masking: "suppress",
          desc: ["人像照片属生物识别信息，任何情况下不对外提供。", "A biometric portrait; never given out."],
        }),
      ],
    },
  },
  {
    sourceOrgKey: "public-security",
    entry: {
      code: "EC-DRIVING-LICENSE",
      name: { zh: "机动车驾驶证电子证照", en: "Electronic driving licences" },
      description: {
        zh: "机动车驾驶证电子证照：准驾车型、初次领证日期、有效期限、累积记分和状态。",
        en: "Electronic driving licences: permitted classes, first issue, validity, penalty points and status.",
      },
      library: "base",
      libraryCode: "e_certificate",
      category: { sector: SECTORS.publicSecurity, business: LICENSING },
      grade: "core",
      sharing: {
        attribute: "conditional",
        conditions: "用于道路运输从业资格核验、网约车驾驶员资格审核等事项。",
      },
      open: { attribute: "restricted", reason: "仅开放按准驾车型汇总的持证人数。" },
      updateFrequency: "daily",
      volume: { rows: 2_104_736, asOf: AS_OF },
      fields: [
        ref.idNumber("license_no", ["驾驶证号", "Licence number"], {
          desc: ["驾驶证号即持证人公民身份号码。", "The licence number is the holder's identity number."],
        }),
        ref.personName("holder_name", ["持证人姓名", "Holder"]),
        field("permitted_class", ["准驾车型", "Permitted classes"], "text", "ec.driving_class", {
          sample: oneOf("A1", "A2", "B1", "B2", "C1", "C2"),
        }),
        field("first_issued_on", ["初次领证日期", "First issued on"], "date", "ec.driving_first_issued_on", {
          sample: dates("1995-01-01"),
        }),
        field("valid_until", ["有效期止", "Valid until"], "date", "ec.driving_valid_until", {
          sample: dates("2026-11-01", "2036-12-31"),
        }),
        field("points", ["累积记分", "Penalty points"], "integer", "ec.driving_points", {
          unit: "分",
          grade: "important",
          sample: range(0, 12),
        }),
        field("status", ["驾驶证状态", "Status"], "text", "ec.driving_status", {
          sample: oneOf("正常", "超分", "暂扣", "注销"),
        }),
      ],
    },
  },
  {
    sourceOrgKey: "education",
    entry: {
      code: "EC-DEGREE",
      name: { zh: "学历学位证书电子证照", en: "Electronic diplomas" },
      description: {
        zh: "本市高等学校颁发的毕业证书和学位证书电子证照。",
        en: "Electronic graduation and degree certificates awarded by the city's universities.",
      },
      library: "base",
      libraryCode: "e_certificate",
      category: { sector: SECTORS.education, business: LICENSING },
      grade: "core",
      sharing: {
        attribute: "conditional",
        conditions: "用于人才引进、职称评审、招聘录用的学历核验，按件调用。",
      },
      open: { attribute: "restricted", reason: "仅持证人本人及经其授权的用人单位可查验。" },
      updateFrequency: "yearly",
      volume: { rows: 318_540, asOf: AS_OF },
      fields: [
        field("certificate_no", ["证书编号", "Certificate number"], "text", "ec.degree_certificate_no", {
          grade: "important",
          personalInfo: true,
          masking: "hash",
          sample: ident("serial", "1459"),
        }),
        ref.idNumber("holder_id", ["持证人身份号码", "Holder's identity number"]),
        ref.personName("holder_name", ["持证人姓名", "Holder"]),
        field("institution", ["颁证单位", "Institution"], "text", "ec.degree_institution", {
          sample: oneOf("鹏城大学", "鹏城理工大学", "鹏城职业技术学院", "鹏城师范学院"),
        }),
        field("major", ["专业", "Major"], "text", "ec.degree_major", {
          sample: oneOf("计算机科学与技术", "临床医学", "会计学", "电子信息工程", "汉语言文学", "土木工程"),
        }),
        field("level", ["学历层次", "Level"], "text", "ec.degree_level", {
          sample: oneOf("专科", "本科", "硕士研究生", "博士研究生"),
        }),
        field("awarded_on", ["颁证日期", "Awarded on"], "date", "ec.degree_awarded_on", {
          sample: dates("2005-01-01"),
        }),
      ],
    },
  },
  {
    sourceOrgKey: "human-resources",
    entry: {
      code: "EC-SOCIAL-CARD",
      name: { zh: "社会保障卡电子凭证", en: "Electronic social security cards" },
      description: {
        zh: "社会保障卡及电子社保卡的卡号、服务银行、发卡日期和卡状态。",
        en: "Social security cards and their electronic version: card number, service bank, issue date and status.",
      },
      library: "base",
      libraryCode: "e_certificate",
      category: { sector: SECTORS.humanResources, business: LICENSING },
      grade: "core",
      sharing: { attribute: "conditional", conditions: "用于就医结算、待遇发放和身份核验，按件调用。" },
      open: { attribute: "prohibited", reason: "社会保障卡关联金融账户，禁止开放。" },
      updateFrequency: "daily",
      volume: { rows: 3_012_884, asOf: AS_OF },
      fields: [
        field("card_no", ["社会保障卡卡号", "Card number"], "text", "ec.social_card_no", {
          grade: "important",
          personalInfo: true,
          masking: "mask_id",
          sample: ident("serial", "P4499"),
        }),
        ref.idNumber("holder_id", ["持卡人身份号码", "Holder's identity number"]),
        ref.personName("holder_name", ["持卡人姓名", "Holder"]),
        field("bank", ["服务银行", "Service bank"], "text", "ec.social_card_bank", {
          sample: oneOf("示例银行鹏城分行", "鹏城商业银行", "示例农村商业银行"),
        }),
        field("issued_on", ["发卡日期", "Issued on"], "date", "ec.social_card_issued_on", {
          sample: dates("2012-01-01"),
        }),
        field(
          "e_card_activated",
          ["已签发电子社保卡", "Electronic card issued"],
          "boolean",
          "ec.social_card_e_activated",
        ),
        field("status", ["卡状态", "Status"], "text", "ec.social_card_status", {
          sample: oneOf("正常", "挂失", "注销"),
        }),
      ],
    },
  },
  {
    sourceOrgKey: "housing",
    entry: {
      code: "EC-BUILDER-QUALIFICATION",
      name: { zh: "建筑业企业资质证书", en: "Construction enterprise qualifications" },
      description: {
        zh: "建筑业企业资质证书的资质类别、等级、有效期和发证机关。",
        en: "Construction enterprise qualification certificates: category, level, validity and issuing authority.",
      },
      library: "base",
      libraryCode: "e_certificate",
      category: {
        sector: SECTORS.housing,
        business: business("construction_market", "建筑市场管理", "Construction market"),
      },
      grade: "general",
      sharing: { attribute: "unconditional" },
      open: { attribute: "open" },
      updateFrequency: "weekly",
      volume: { rows: 8_214, asOf: AS_OF },
      fields: [
        field("certificate_no", ["资质证书编号", "Certificate number"], "text", "ec.builder_certificate_no", {
          sample: ident("serial", "D244"),
        }),
        ref.uscc(),
        ref.enterpriseName(),
        field("category", ["资质类别", "Category"], "text", "ec.builder_category", {
          sample: oneOf("施工总承包", "专业承包", "施工劳务"),
        }),
        field("level", ["资质等级", "Level"], "text", "ec.builder_level", {
          sample: oneOf("特级", "一级", "二级", "三级", "不分等级"),
        }),
        field("valid_until", ["有效期至", "Valid until"], "date", "ec.builder_valid_until", {
          sample: dates("2026-11-01", "2031-12-31"),
        }),
        field("issuing_authority", ["发证机关", "Issuing authority"], "text", "ec.builder_authority", {
          sample: oneOf("鹏城市住房和建设局", "省住房和城乡建设厅"),
        }),
      ],
    },
  },
  {
    sourceOrgKey: "government-services",
    entry: {
      code: "EC-CATALOG",
      name: { zh: "电子证照目录及调用统计", en: "E-certificate types and usage" },
      description: {
        zh: "全市电子证照类型目录、签发部门、累计签发量、月度调用量和跨地区互认情况。",
        en: "Types of e-certificates in the city with issuing department, certificates issued, monthly uses and cross-region recognition.",
      },
      library: "base",
      libraryCode: "e_certificate",
      category: {
        sector: SECTORS.governmentServices,
        business: business("e_certificate_platform", "电子证照库管理", "E-certificate platform"),
      },
      grade: "general",
      sharing: { attribute: "unconditional" },
      open: { attribute: "open" },
      updateFrequency: "monthly",
      volume: { rows: 1_284, asOf: AS_OF },
      fields: [
        field("type_code", ["证照类型代码", "Type code"], "text", "ec.catalog_type_code", {
          sample: ident("serial", "ZZLX"),
        }),
        field("type_name", ["证照类型名称", "Type name"], "text", "ec.catalog_type_name", {
          sample: oneOf(
            "营业执照",
            "居民身份证",
            "机动车驾驶证",
            "社会保障卡",
            "不动产权证书",
            "出生医学证明",
          ),
        }),
        field("issuing_department", ["签发部门", "Issuing department"], "text", "ec.catalog_issuer", {
          sample: oneOf(
            "市市场监督管理局",
            "市公安局",
            "市人力资源和社会保障局",
            "市规划和自然资源局",
            "市卫生健康委员会",
          ),
        }),
        field("issued_total", ["累计签发量", "Issued in total"], "integer", "ec.catalog_issued_total", {
          unit: "张",
          sample: range(100, 3_000_000),
        }),
        field("monthly_uses", ["本月调用量", "Uses this month"], "integer", "ec.catalog_monthly_uses", {
          unit: "次",
          sample: range(0, 800_000),
        }),
        field(
          "mutually_recognized",
          ["跨地区互认", "Recognized across regions"],
          "boolean",
          "ec.catalog_mutual_recognition",
        ),
      ],
    },
  },
];
