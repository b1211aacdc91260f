/** Population base library (人口库). */
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

const PIPL = "《中华人民共和国个人信息保护法》";

export const POPULATION_DATASETS: readonly TCatalogDatasetSeed[] = [
  {
    sourceOrgKey: "public-security",
    entry: {
      code: "POP-RESIDENT",
      name: { zh: "实有人口基础信息", en: "Resident population register" },
      description: {
        zh: "全市户籍人口和实有人口的基础身份信息，是人口库的权威来源：公民身份号码、姓名、性别、出生日期、户籍地和居住地。",
        en: "Basic identity data of every registered and actual resident: identity number, name, gender, date of birth, household registration and residence. The authoritative source of the population library.",
      },
      library: "base",
      libraryCode: "population",
      category: {
        sector: SECTORS.publicSecurity,
        business: business("household_registration", "户籍管理", "Household registration"),
      },
      grade: "core",
      sharing: {
        attribute: "conditional",
        conditions:
          "仅限政务部门依法履职使用，按最小必要原则申请字段，经市公安局审核同意；身份核验类需求优先采用核验模式。",
      },
      open: {
        attribute: "prohibited",
        reason: `含公民身份号码等敏感个人信息，依${PIPL}第二十八条禁止向社会开放。`,
      },
      updateFrequency: "daily",
      volume: { rows: 3_264_518, asOf: AS_OF },
      fields: [
        field("person_id", ["公民身份号码", "Citizen identity number"], "text", "pop.id_number", {
          grade: "core",
          personalInfo: true,
          masking: "mask_id",
          sample: ident("resident_id"),
          desc: [
            "18位公民身份号码（GB 11643），人口库主键。",
            "18-character citizen identity number (GB 11643); the library's key.",
          ],
        }),
        field("name", ["姓名", "Name"], "text", "pop.name", {
          grade: "important",
          personalInfo: true,
          masking: "mask_name",
          sample: ident("person_name"),
        }),
        field("gender", ["性别", "Gender"], "text", "pop.gender", { sample: oneOf("男", "女") }),
        field("birth_date", ["出生日期", "Date of birth"], "date", "pop.birth_date", {
          grade: "important",
          personalInfo: true,
          masking: "generalize",
          sample: dates("1936-01-01", "2026-10-31"),
          desc: [
            "出生日期；对外提供时泛化到年月。",
            "Date of birth; given out generalized to year and month.",
          ],
        }),
        field(
          "household_district",
          ["户籍所在区", "District of household registration"],
          "text",
          "pop.household_district",
          {
            sample: districts(),
          },
        ),
        field(
          "residence_district",
          ["居住所在区", "District of residence"],
          "text",
          "pop.residence_district",
          {
            sample: districts(),
          },
        ),
        field("residence_address", ["居住地址", "Residential address"], "text", "pop.residence_address", {
          grade: "important",
          personalInfo: true,
          masking: "mask_middle",
          sample: ident("address"),
        }),
        field("household_type", ["户口性质", "Household type"], "text", "pop.household_type", {
          sample: oneOf("家庭户", "集体户"),
        }),
        field("population_type", ["人口类别", "Population type"], "text", "pop.population_type", {
          sample: oneOf("户籍人口", "流动人口", "境外人员"),
        }),
        field("status", ["人口状态", "Status"], "text", "pop.status", {
          sample: oneOf("正常", "迁出", "死亡", "注销"),
        }),
        field("updated_on", ["最近更新日期", "Last updated"], "date", "pop.updated_on", {
          sample: dates("2024-01-01"),
        }),
      ],
    },
  },
  {
    sourceOrgKey: "public-security",
    entry: {
      code: "POP-HOUSEHOLD",
      name: { zh: "户籍家庭户信息", en: "Registered households" },
      description: {
        zh: "户籍家庭户及集体户的户号、户主、户内人数和户籍地址。",
        en: "Household and collective registrations: household number, head of household, number of members and registered address.",
      },
      library: "base",
      libraryCode: "population",
      category: {
        sector: SECTORS.publicSecurity,
        business: business("household_registration", "户籍管理", "Household registration"),
      },
      grade: "core",
      sharing: {
        attribute: "conditional",
        conditions: "用于社会救助、教育入学、住房保障资格审核等法定事项，经市公安局审核同意。",
      },
      open: { attribute: "restricted", reason: "仅可开放按区汇总的户数和户均人数，不开放户级明细。" },
      updateFrequency: "daily",
      volume: { rows: 1_107_236, asOf: AS_OF },
      fields: [
        field("household_no", ["户号", "Household number"], "text", "pop.household_no", {
          grade: "important",
          personalInfo: true,
          masking: "hash",
          sample: ident("serial", "HH"),
        }),
        ref.idNumber("head_id", ["户主公民身份号码", "Head of household's identity number"]),
        ref.personName("head_name", ["户主姓名", "Head of household's name"]),
        field("member_count", ["户内人数", "Members"], "integer", "pop.household_member_count", {
          unit: "人",
          sample: range(1, 8),
        }),
        field("household_address", ["户籍地址", "Registered address"], "text", "pop.household_address", {
          grade: "important",
          personalInfo: true,
          masking: "mask_middle",
          sample: ident("address"),
        }),
        ref.district("district", ["户籍所在区", "District"]),
        field("household_type", ["户别", "Household kind"], "text", "pop.household_kind", {
          sample: oneOf("家庭户", "集体户"),
        }),
        field("established_on", ["立户日期", "Established on"], "date", "pop.household_established_on", {
          sample: dates("1980-01-01"),
        }),
      ],
    },
  },
  {
    sourceOrgKey: "public-security",
    entry: {
      code: "POP-FLOATING",
      name: { zh: "流动人口居住登记", en: "Migrant residence registrations" },
      description: {
        zh: "非本市户籍人员的居住登记和居住证办理信息。",
        en: "Residence registrations and residence permits of people whose household registration is elsewhere.",
      },
      library: "base",
      libraryCode: "population",
      category: {
        sector: SECTORS.publicSecurity,
        business: business("residence_permit", "居住证管理", "Residence permits"),
      },
      grade: "core",
      sharing: {
        attribute: "conditional",
        conditions: "用于积分入学、公共服务均等化等事项，按需申请字段并经市公安局审核。",
      },
      open: { attribute: "restricted", reason: "仅开放按区、按来源省份汇总的统计数据。" },
      updateFrequency: "daily",
      volume: { rows: 1_486_902, asOf: AS_OF },
      fields: [
        field("permit_no", ["居住证编号", "Residence permit number"], "text", "pop.residence_permit_no", {
          grade: "important",
          personalInfo: true,
          masking: "hash",
          sample: ident("serial", "JZ"),
        }),
        ref.idNumber("person_id", ["公民身份号码", "Citizen identity number"]),
        field("origin_province", ["户籍地省份", "Province of registration"], "text", "pop.origin_province", {
          sample: oneOf("湖南省", "广西壮族自治区", "江西省", "湖北省", "四川省", "河南省", "广东省"),
        }),
        field(
          "residence_district",
          ["居住所在区", "District of residence"],
          "text",
          "pop.floating_district",
          {
            sample: districts(),
          },
        ),
        field("occupation", ["职业类别", "Occupation group"], "text", "pop.occupation_group", {
          sample: oneOf("专业技术人员", "办事人员", "商业服务业人员", "生产运输设备操作人员", "其他从业人员"),
        }),
        field("registered_on", ["登记日期", "Registered on"], "date", "pop.residence_registered_on", {
          sample: dates("2018-01-01"),
        }),
        field("expires_on", ["有效期至", "Valid until"], "date", "pop.residence_permit_expires_on", {
          sample: dates("2026-11-01", "2029-12-31"),
        }),
      ],
    },
  },
  {
    sourceOrgKey: "public-security",
    entry: {
      code: "POP-STATS",
      name: { zh: "分区人口统计", en: "Population statistics by district" },
      description: {
        zh: "按区、按年度汇总的常住人口、户籍人口、流动人口及出生死亡人数。",
        en: "Resident, registered and migrant population and births and deaths by district and year.",
      },
      library: "base",
      libraryCode: "population",
      category: {
        sector: SECTORS.publicSecurity,
        business: business("population_statistics", "人口统计", "Population statistics"),
      },
      grade: "general",
      sharing: { attribute: "unconditional" },
      open: { attribute: "open" },
      updateFrequency: "yearly",
      volume: { rows: 110, asOf: AS_OF },
      fields: [
        ref.district(),
        field("year", ["统计年度", "Year"], "integer", "pop.stat_year", {
          unit: "年",
          sample: range(2015, 2025),
        }),
        field("resident_population", ["常住人口", "Resident population"], "integer", "pop.stat_resident", {
          unit: "人",
          sample: range(60_000, 620_000),
        }),
        field(
          "registered_population",
          ["户籍人口", "Registered population"],
          "integer",
          "pop.stat_registered",
          {
            unit: "人",
            sample: range(30_000, 350_000),
          },
        ),
        field("floating_population", ["流动人口", "Migrant population"], "integer", "pop.stat_floating", {
          unit: "人",
          sample: range(20_000, 300_000),
        }),
        field("births", ["出生人数", "Births"], "integer", "pop.stat_births", {
          unit: "人",
          sample: range(400, 7_000),
        }),
        field("deaths", ["死亡人数", "Deaths"], "integer", "pop.stat_deaths", {
          unit: "人",
          sample: range(150, 2_500),
        }),
      ],
    },
  },
  {
    sourceOrgKey: "civil-affairs",
    entry: {
      code: "POP-MARRIAGE",
      name: { zh: "婚姻登记信息", en: "Marriage registrations" },
      description: {
        zh: "结婚、离婚及补领婚姻登记证的登记记录。",
        en: "Registrations of marriages, divorces and replacement certificates.",
      },
      library: "base",
      libraryCode: "population",
      category: {
        sector: SECTORS.civilAffairs,
        business: business("marriage_registration", "婚姻登记", "Marriage registration"),
      },
      grade: "core",
      sharing: {
        attribute: "conditional",
        conditions: "用于生育登记、住房保障、社会救助等事项的婚姻状况核验，优先以核验模式提供。",
      },
      open: { attribute: "restricted", reason: "仅开放按年度、按登记类型汇总的登记数量。" },
      updateFrequency: "daily",
      volume: { rows: 412_873, asOf: AS_OF },
      fields: [
        field("registration_no", ["登记证字号", "Certificate number"], "text", "pop.marriage_cert_no", {
          grade: "important",
          personalInfo: true,
          masking: "hash",
          sample: ident("serial", "鹏婚字"),
        }),
        ref.idNumber("party_a_id", ["当事人甲身份号码", "Party A identity number"]),
        ref.idNumber("party_b_id", ["当事人乙身份号码", "Party B identity number"]),
        field(
          "registration_type",
          ["登记类型", "Registration type"],
          "text",
          "pop.marriage_registration_type",
          {
            sample: oneOf("结婚登记", "离婚登记", "补领结婚证", "补领离婚证"),
          },
        ),
        field("registered_on", ["登记日期", "Registered on"], "date", "pop.marriage_registered_on", {
          sample: dates("2000-01-01"),
        }),
        field("registry_office", ["登记机关", "Registry office"], "text", "pop.marriage_registry_office", {
          sample: oneOf("中心区婚姻登记处", "南湾区婚姻登记处", "西岸区婚姻登记处", "高新区婚姻登记处"),
        }),
      ],
    },
  },
  {
    sourceOrgKey: "health",
    entry: {
      code: "POP-BIRTH",
      name: { zh: "出生医学登记信息", en: "Birth medical registrations" },
      description: {
        zh: "医疗机构签发出生医学证明时登记的新生儿出生信息。",
        en: "Newborn data recorded when hospitals issue birth medical certificates.",
      },
      library: "base",
      libraryCode: "population",
      category: {
        sector: SECTORS.health,
        business: business("maternal_child", "妇幼保健", "Maternal and child health"),
      },
      grade: "core",
      sharing: {
        attribute: "conditional",
        conditions: "用于户籍申报、医保参保、预防接种建档，经市卫生健康委员会审核。",
      },
      open: {
        attribute: "restricted",
        reason: `含新生儿及母亲健康信息，属${PIPL}规定的敏感个人信息；仅开放按区、按月汇总的出生统计。`,
      },
      updateFrequency: "daily",
      volume: { rows: 486_120, asOf: AS_OF },
      fields: [
        field(
          "certificate_no",
          ["出生医学证明编号", "Birth certificate number"],
          "text",
          "pop.birth_cert_no",
          {
            grade: "important",
            personalInfo: true,
            masking: "hash",
            sample: ident("serial", "Y44"),
          },
        ),
        field("newborn_name", ["新生儿姓名", "Newborn's name"], "text", "pop.newborn_name", {
          grade: "important",
          personalInfo: true,
          masking: "mask_name",
          sample: ident("person_name"),
        }),
        field("born_on", ["出生日期", "Born on"], "date", "pop.newborn_born_on", {
          sample: dates("2010-01-01"),
        }),
        field("gender", ["性别", "Gender"], "text", "pop.newborn_gender", { sample: oneOf("男", "女") }),
        field("birth_weight", ["出生体重", "Birth weight"], "integer", "pop.birth_weight", {
          unit: "克",
          grade: "important",
          personalInfo: true,
          masking: "generalize",
          sample: range(1_800, 4_600),
        }),
        field("gestational_weeks", ["出生孕周", "Gestational age"], "integer", "pop.gestational_weeks", {
          unit: "周",
          grade: "important",
          personalInfo: true,
          masking: "generalize",
          sample: range(30, 42),
        }),
        field("hospital", ["助产机构", "Hospital"], "text", "pop.birth_hospital", {
          sample: oneOf("鹏城市人民医院", "鹏城市妇幼保健院", "南湾区人民医院", "北岭区中心医院"),
        }),
        ref.idNumber("mother_id", ["母亲身份号码", "Mother's identity number"]),
        ref.district("district", ["出生地所在区", "District of birth"]),
      ],
    },
  },
  {
    sourceOrgKey: "health",
    entry: {
      code: "POP-DEATH",
      name: { zh: "死亡医学登记信息", en: "Death medical registrations" },
      description: {
        zh: "死亡医学证明（推断）书登记的死亡日期、根本死因类别和死亡地点类别。",
        en: "Date of death, underlying cause category and place category recorded on medical death certificates.",
      },
      library: "base",
      libraryCode: "population",
      category: {
        sector: SECTORS.health,
        business: business("vital_statistics", "死因监测", "Cause-of-death surveillance"),
      },
      grade: "core",
      sharing: {
        attribute: "conditional",
        conditions: "用于户籍注销、养老金停发、殡葬管理，经市卫生健康委员会审核。",
      },
      open: { attribute: "restricted", reason: "仅开放按年度、按死因类别汇总的统计数据。" },
      updateFrequency: "daily",
      volume: { rows: 158_744, asOf: AS_OF },
      fields: [
        ref.idNumber("person_id", ["公民身份号码", "Citizen identity number"]),
        field("died_on", ["死亡日期", "Date of death"], "date", "pop.death_date", {
          grade: "important",
          personalInfo: true,
          masking: "generalize",
          sample: dates("2010-01-01"),
        }),
        field("age_at_death", ["死亡年龄", "Age at death"], "integer", "pop.age_at_death", {
          unit: "岁",
          sample: range(0, 104),
        }),
        field(
          "cause_category",
          ["根本死因类别", "Underlying cause (ICD-10 chapter)"],
          "text",
          "pop.death_cause_category",
          {
            grade: "important",
            personalInfo: true,
            masking: "generalize",
            sample: oneOf(
              "循环系统疾病",
              "肿瘤",
              "呼吸系统疾病",
              "损伤和中毒",
              "内分泌营养和代谢疾病",
              "其他",
            ),
          },
        ),
        field("place_category", ["死亡地点类别", "Place of death"], "text", "pop.death_place_category", {
          sample: oneOf("医疗机构", "家中", "养老机构", "其他场所"),
        }),
        ref.district(),
      ],
    },
  },
];
