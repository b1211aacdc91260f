/**
 * The data-source departments (数源部门) of 鹏城市 that register datasets in the catalog, and one
 * demo user for each. Every department carries a GB 11714 organization code (`agencyCode`, its
 * check character computed) and a GB 32100 unified social credit code with registration authority
 * 1 (机构编制) and entity type 1 (机关) whose positions 9–17 are that organization code.
 * `market-regulation` is the same organization as in ../demo-organizations.ts (same key and code);
 * its demo user there (source@demo.pdx.cn) is its user, so it gets no second one here.
 */
import { buildUscc, orgCodeCheckChar } from "@pdx/common/uscc";
import type { TDemoOrganization, TDemoUser } from "../demo-organizations";

/** A data-source department: a demo organization with its GB 11714 organization code. */
export interface TCatalogDepartment extends TDemoOrganization {
  type: "data_source";
  /** Organization code (组织机构代码 / 机构代码), GB 11714, 9 characters; = uscc positions 9–17. */
  agencyCode: string;
}

/** Municipal division code used by every demo organization's credit code (as in demo-organizations). */
const CITY_DIVISION = "440300";

function department(key: string, name: string, nameEn: string, orgBody8: string): TCatalogDepartment {
  return {
    key,
    name,
    nameEn,
    type: "data_source",
    agencyCode: orgBody8 + orgCodeCheckChar(orgBody8),
    uscc: buildUscc({ authority: "1", entityType: "1", division: CITY_DIVISION, orgBody8 }),
  };
}

export const CATALOG_DEPARTMENTS: readonly TCatalogDepartment[] = [
  department(
    "market-regulation",
    "市市场监督管理局",
    "Municipal Administration for Market Regulation",
    "00750012",
  ),
  department("public-security", "市公安局", "Municipal Public Security Bureau", "00750061"),
  department("civil-affairs", "市民政局", "Municipal Civil Affairs Bureau", "00750088"),
  department(
    "human-resources",
    "市人力资源和社会保障局",
    "Municipal Human Resources and Social Security Bureau",
    "00750096",
  ),
  department(
    "natural-resources",
    "市规划和自然资源局",
    "Municipal Planning and Natural Resources Bureau",
    "00750104",
  ),
  department(
    "development-reform",
    "市发展和改革委员会",
    "Municipal Development and Reform Commission",
    "00750045",
  ),
  department("tax", "市税务局", "Municipal Tax Service", "00750139"),
  department("health", "市卫生健康委员会", "Municipal Health Commission", "00750147"),
  department("transport", "市交通运输局", "Municipal Transport Bureau", "00750155"),
  department(
    "government-services",
    "市政务服务管理局",
    "Municipal Government Services Administration",
    "00750163",
  ),
  department("housing", "市住房和建设局", "Municipal Housing and Construction Bureau", "00750171"),
  department("ecology-environment", "市生态环境局", "Municipal Ecology and Environment Bureau", "00750180"),
  department("education", "市教育局", "Municipal Education Bureau", "00750198"),
  department(
    "urban-management",
    "市城市管理和综合执法局",
    "Municipal Urban Management and Law Enforcement Bureau",
    "00750200",
  ),
];

/** The demo user of each department added here (`<key>@demo.pdx.cn`, password DEMO_PASSWORD). */
export const CATALOG_DEPARTMENT_USERS: readonly TDemoUser[] = (
  [
    ["public-security", "张建国（科技信息化处）"],
    ["civil-affairs", "何丽（信息中心）"],
    ["human-resources", "刘洋（数据管理科）"],
    ["natural-resources", "孙晓峰（测绘地理信息处）"],
    ["development-reform", "郑雪（公共信用信息中心）"],
    ["tax", "韩磊（征管和科技发展科）"],
    ["health", "吴婷（卫生健康信息中心）"],
    ["transport", "马骏（科技信息处）"],
    ["government-services", "许文博（电子证照科）"],
    ["housing", "钱慧（信息中心）"],
    ["ecology-environment", "邓宇（生态环境监测站）"],
    ["education", "冯佳（教育信息化处）"],
    ["urban-management", "谢志强（智慧城管科）"],
  ] as const
).map(([orgKey, displayName]) => ({
  email: `${orgKey}@demo.pdx.cn`,
  displayName,
  role: "data_source",
  orgKey,
}));

/** The department with `key`; throws naming the key when there is none. */
export function catalogDepartment(key: string): TCatalogDepartment {
  const found = CATALOG_DEPARTMENTS.find((d) => d.key === key);
  if (!found) throw new RangeError(`no catalog department "${key}"`);
  return found;
}
