/**
 * The enterprise features the encrypted-query products compute from LE-BASE rows. Each obeys the
 * per-entity rule (common/src/he/features.ts): registered capital is important data, so only its
 * band leaves; the founding year, status, district and industry are publicized register items.
 */
import type { THeFeature } from "@pdx/common/he/features";
import type { TFieldUsed } from "./manifest";

/** Registered capital bands, in 万元: <10, 10–100, 100–500, 500–1000, 1000–5000, ≥5000. */
export const CAPITAL_BAND_EDGES = [10, 100, 500, 1000, 5000];

export const LE_STATUS_VALUES = ["存续", "在业", "吊销", "注销", "迁出"];

export const LE_ENTERPRISE_FEATURES: THeFeature[] = [
  {
    as: "capital_band",
    field: "registered_capital",
    transform: "band",
    edges: CAPITAL_BAND_EDGES,
    label: { zh: "注册资本档位（0–5）", en: "Registered-capital band (0–5)" },
  },
  {
    as: "founded_year",
    field: "founded_on",
    transform: "year",
    label: { zh: "成立年份", en: "Year founded" },
  },
  {
    as: "status_code",
    field: "status",
    transform: "category",
    values: LE_STATUS_VALUES,
    label: {
      zh: "登记状态代码（0 存续 1 在业 2 吊销 3 注销 4 迁出）",
      en: "Status code (0 active, 1 operating, 2 revoked, 3 deregistered, 4 moved out)",
    },
  },
];

/** fieldsUsed entries of the features (and the entity field). */
export const LE_ENTERPRISE_FIELDS_USED: TFieldUsed[] = [
  { name: "uscc", label: { zh: "统一社会信用代码", en: "Unified social credit code" }, usage: "match" },
  {
    name: "registered_capital",
    label: { zh: "注册资本（仅档位）", en: "Registered capital (band only)" },
    usage: "feature",
  },
  {
    name: "founded_on",
    label: { zh: "成立日期（仅年份）", en: "Founding date (year only)" },
    usage: "feature",
  },
  { name: "status", label: { zh: "登记状态", en: "Registration status" }, usage: "feature" },
];
