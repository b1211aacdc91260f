/**
 * The demo organizations and their users (the catalog's departments and datasets are in
 * seeds/catalog). Plain data, deterministic: the server's `seedDemoData` upserts it at
 * start. Every organization carries a valid unified social credit code (GB 32100), built with
 * common/uscc so the check characters are computed, never typed in.
 */
import { buildUscc, orgCodeCheckChar } from "@pdx/common/uscc";

/** The password of every demo user. Demo only — never reuse it anywhere real. */
export const DEMO_PASSWORD = "Demo#2026";

/** What part an organization plays in the marketplace. */
export type TOrganizationType =
  | "data_source"
  | "regulator"
  | "operator"
  | "buyer"
  | "service_agency"
  | "auditor"
  | "platform";

/** What a user may do; usually follows the organization's type ("admin" is the platform's). */
export type TUserRole =
  | "buyer"
  | "operator"
  | "data_source"
  | "regulator"
  | "service_agency"
  | "auditor"
  | "admin";

export interface TDemoOrganization {
  /** Stable seed key; products name their operator by it. */
  key: string;
  name: string;
  nameEn: string;
  type: TOrganizationType;
  /** Unified social credit code (统一社会信用代码), valid per GB 32100. */
  uscc: string;
  /** Organization code (GB 11714) of government departments (data sources, regulator). */
  agencyCode?: string;
}

export interface TDemoUser {
  email: string;
  displayName: string;
  role: TUserRole;
  orgKey: string;
  /** Admin of the organization (invites and removes its users). */
  isOrgAdmin?: boolean;
}

/** The GB 11714 organization code with its computed check character. */
const agencyCode = (body8: string) => `${body8}${orgCodeCheckChar(body8)}`;

/** Shenzhen (鹏城) municipal division code, positions 3–8 of every demo code. */
const CITY_DIVISION = "440300";

export const DEMO_ORGANIZATIONS: readonly TDemoOrganization[] = [
  {
    key: "market-regulation",
    name: "市市场监督管理局",
    nameEn: "Municipal Administration for Market Regulation",
    type: "data_source",
    // 1 = organization-establishment authority, 1 = government organ (机关)
    uscc: buildUscc({ authority: "1", entityType: "1", division: CITY_DIVISION, orgBody8: "00750012" }),
    agencyCode: agencyCode("00750012"),
  },
  {
    key: "data-bureau",
    name: "市数据局",
    nameEn: "Municipal Data Bureau",
    type: "regulator",
    uscc: buildUscc({ authority: "1", entityType: "1", division: CITY_DIVISION, orgBody8: "00750037" }),
    agencyCode: agencyCode("00750037"),
  },
  {
    key: "city-data-operator",
    name: "城市数据运营有限公司",
    nameEn: "City Data Operation Co., Ltd.",
    type: "operator",
    // 9 = market regulation (industry & commerce), 1 = enterprise
    uscc: buildUscc({ authority: "9", entityType: "1", division: CITY_DIVISION, orgBody8: "35926174" }),
  },
  {
    key: "pengcheng-bank",
    name: "鹏城商业银行股份有限公司",
    nameEn: "Pengcheng Commercial Bank Co., Ltd.",
    type: "buyer",
    uscc: buildUscc({ authority: "9", entityType: "1", division: CITY_DIVISION, orgBody8: "19228508" }),
  },
  {
    key: "pengcheng-data-exchange",
    name: "鹏城数据交易平台运营中心",
    nameEn: "Pengcheng Data Exchange Platform Center",
    type: "platform",
    uscc: buildUscc({ authority: "9", entityType: "1", division: CITY_DIVISION, orgBody8: "58843106" }),
  },
  {
    key: "huaxin-appraisal",
    name: "华信数据资产评估有限公司",
    nameEn: "Huaxin Data Asset Appraisal Co., Ltd.",
    type: "service_agency",
    uscc: buildUscc({ authority: "9", entityType: "1", division: CITY_DIVISION, orgBody8: "71254839" }),
  },
  {
    key: "xinheng-cpa",
    name: "信衡会计师事务所",
    nameEn: "Xinheng Certified Public Accountants",
    type: "auditor",
    uscc: buildUscc({ authority: "9", entityType: "1", division: CITY_DIVISION, orgBody8: "67130952" }),
  },
];

export const DEMO_USERS: readonly TDemoUser[] = [
  {
    email: "source@demo.pdx.cn",
    displayName: "林静（数据处）",
    role: "data_source",
    orgKey: "market-regulation",
  },
  {
    email: "regulator@demo.pdx.cn",
    displayName: "周明（数据要素处）",
    role: "regulator",
    orgKey: "data-bureau",
  },
  {
    email: "operator@demo.pdx.cn",
    displayName: "陈涛（产品部）",
    role: "operator",
    orgKey: "city-data-operator",
  },
  { email: "buyer@demo.pdx.cn", displayName: "王芳（风险管理部）", role: "buyer", orgKey: "pengcheng-bank" },
  { email: "auditor@demo.pdx.cn", displayName: "赵磊（审计部）", role: "auditor", orgKey: "xinheng-cpa" },
  {
    email: "admin@demo.pdx.cn",
    displayName: "孙蕾（平台运维）",
    role: "admin",
    orgKey: "pengcheng-data-exchange",
  },
  {
    email: "agency@demo.pdx.cn",
    displayName: "何平（评估部）",
    role: "service_agency",
    orgKey: "huaxin-appraisal",
  },
];
