/** Education theme library (教育主题库). */
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

const SCHOOLS = [
  "鹏城市第一中学",
  "鹏城实验学校",
  "南湾区第二小学",
  "高新区外国语学校",
  "北岭区职业技术学校",
];

export const EDUCATION_DATASETS: readonly TCatalogDatasetSeed[] = [
  {
    sourceOrgKey: "education",
    entry: {
      code: "EDU-SCHOOL",
      name: { zh: "学校基本信息", en: "Schools" },
      description: {
        zh: "全市幼儿园、中小学和中等职业学校的类型、办学性质、所在区、在校生数和专任教师数。",
        en: "Kindergartens, primary, secondary and vocational schools: type, public or private, district, students and full-time teachers.",
      },
      library: "theme",
      libraryCode: "education",
      category: {
        sector: SECTORS.education,
        business: business("school_management", "学校管理", "School management"),
      },
      grade: "general",
      sharing: { attribute: "unconditional" },
      open: { attribute: "open" },
      updateFrequency: "yearly",
      volume: { rows: 2_406, asOf: AS_OF },
      fields: [
        field("school_code", ["学校标识码", "School code"], "text", "edu.school_code", {
          sample: ident("serial", "31449"),
        }),
        field("name", ["学校名称", "Name"], "text", "edu.school_name", { sample: oneOf(...SCHOOLS) }),
        field("school_type", ["学校类型", "Type"], "text", "edu.school_type", {
          sample: oneOf("幼儿园", "小学", "初级中学", "九年一贯制学校", "高级中学", "中等职业学校"),
        }),
        field("ownership", ["办学性质", "Ownership"], "text", "edu.school_ownership", {
          sample: oneOf("公办", "民办"),
        }),
        ref.district(),
        field("students", ["在校生数", "Students"], "integer", "edu.school_students", {
          unit: "人",
          sample: range(80, 4_500),
        }),
        field("teachers", ["专任教师数", "Full-time teachers"], "integer", "edu.school_teachers", {
          unit: "人",
          sample: range(8, 380),
        }),
      ],
    },
  },
  {
    sourceOrgKey: "education",
    entry: {
      code: "EDU-STUDENT",
      name: { zh: "中小学生学籍信息", en: "Pupil enrolment records" },
      description: {
        zh: "中小学生的全国学籍号、就读学校、年级、入学日期和学籍状态。",
        en: "Pupils' national student number, school, grade, enrolment date and status.",
      },
      library: "theme",
      libraryCode: "education",
      category: {
        sector: SECTORS.education,
        business: business("student_status", "学籍管理", "Student status"),
      },
      grade: "core",
      sharing: {
        attribute: "conditional",
        conditions: "用于学位申请、教育资助和疫苗接种查验，经市教育局审核。",
      },
      open: {
        attribute: "prohibited",
        reason:
          "不满十四周岁未成年人的个人信息属敏感个人信息（《中华人民共和国个人信息保护法》第二十八条），禁止开放。",
      },
      updateFrequency: "daily",
      volume: { rows: 1_028_663, asOf: AS_OF },
      fields: [
        field("student_no", ["全国学籍号", "National student number"], "text", "edu.student_no", {
          grade: "core",
          personalInfo: true,
          masking: "hash",
          sample: ident("serial", "G"),
        }),
        ref.idNumber("person_id", ["公民身份号码", "Citizen identity number"]),
        ref.personName("name", ["姓名", "Name"]),
        field("school_code", ["就读学校标识码", "School code"], "text", "edu.school_code", {
          authoritative: false,
          sample: ident("serial", "31449"),
        }),
        field("grade_level", ["年级", "Grade"], "text", "edu.student_grade", {
          sample: oneOf(
            "一年级",
            "二年级",
            "三年级",
            "四年级",
            "五年级",
            "六年级",
            "七年级",
            "八年级",
            "九年级",
          ),
        }),
        field("enrolled_on", ["入学日期", "Enrolled on"], "date", "edu.student_enrolled_on", {
          sample: dates("2017-09-01"),
        }),
        field("status", ["学籍状态", "Status"], "text", "edu.student_status", {
          sample: oneOf("在读", "转出", "休学", "毕业"),
        }),
      ],
    },
  },
];
