/**
 * A small dataset for the tests of encrypted-query products (vault-features.test.ts,
 * jobs/he-service.test.ts): a register of shops keyed by USCC (its privacy unit, one row per
 * shop) whose feature fields cover what LE-BASE does not — a general decimal field in clear
 * (`number`, so CKKS only), a field SEALED at rest (masking "generalize": a numeric, so `band`
 * only — a masked field leaves only coarsened), a date in clear for `year`, and a nullable category. Rows are stored in an order that differs from the
 * directory's (ascending USCC), so the tests see the reordering.
 */
import type { TDatasetEntry } from "@pdx/common/catalog/dataset-entry";
import type { THeFeature } from "@pdx/common/he/features";
import type { TVaultDatasetSpec } from "@pdx/common/vault-api";
import { vaultDatasetSpecOf } from "@pdx/common/vault-api";
import { field, ident, oneOf } from "@pdx/seeds/catalog/build";
import { CATALOG_DATASETS } from "@pdx/seeds/catalog/index";
import { ensureGeneratedVersion, type TEnsureResult } from "../ingest/generated-versions";
import type { TLoadVersionDeps } from "../ingest/load-version";
import { usccOf } from "../ingest/test-support";

export const HE_SHOPS_CODE = "HE-SHOPS";
export const HE_SHOP_KINDS = ["餐饮", "零售", "服务"] as const;
export const HE_SHOP_DISTRICTS = ["中心区", "南湾区", "北山区"] as const;

export interface THeShop {
  uscc: string;
  district: string;
  /** Decimal text with two decimals, 0–4999.99. */
  floor_area: string;
  /** Sealed at rest; decimal text. */
  capital: string;
  /** Sealed at rest; YYYY-MM-DD. */
  opened_on: string;
  kind: string | null;
}

/** The catalog entry (LE-BASE's metadata with the shop fields). */
export function heShopsEntry(
  grades: { capital?: "general" | "important"; floorArea?: "general" | "important" } = {},
): TDatasetEntry {
  const base = CATALOG_DATASETS.find((e) => e.code === "LE-BASE")!;
  return {
    ...base,
    code: HE_SHOPS_CODE,
    name: { zh: "测试商户登记", en: "Test shop register" },
    grade: "important",
    fields: [
      field("uscc", ["统一社会信用代码", "USCC"], "text", "test.shop_uscc", { sample: ident("uscc") }),
      field("district", ["所属区", "District"], "text", "test.shop_district", {
        sample: oneOf(...HE_SHOP_DISTRICTS),
      }),
      field("floor_area", ["面积", "Floor area"], "numeric", "test.shop_area", {
        grade: grades.floorArea ?? "general",
      }),
      field("capital", ["资本", "Capital"], "numeric", "test.shop_capital", {
        grade: grades.capital ?? "general",
        masking: "generalize",
      }),
      field("opened_on", ["开业日期", "Opened on"], "date", "test.shop_opened"),
      field("kind", ["类型", "Kind"], "text", "test.shop_kind", { sample: oneOf(...HE_SHOP_KINDS) }),
    ],
  };
}

/** The vault spec: the catalog's, with `kind` nullable. */
export function heShopsSpec(): TVaultDatasetSpec {
  const spec = vaultDatasetSpecOf(heShopsEntry());
  return { ...spec, fields: spec.fields.map((f) => (f.name === "kind" ? { ...f, nullable: true } : f)) };
}

/** `n` shops; `salt` changes the values (a later version). */
export function heShopRows(n: number, salt = 0): THeShop[] {
  return Array.from({ length: n }, (_, k) => {
    const i = ((k * 7919) % n) + 1; // rows out of USCC order
    const v = i + salt;
    return {
      uscc: usccOf(i),
      district: HE_SHOP_DISTRICTS[v % 3]!,
      floor_area: `${(v * 37) % 5000}.${String((v * 13) % 100).padStart(2, "0")}`,
      capital: `${(v * 131) % 20_000}.5`,
      opened_on: `20${10 + (v % 15)}-0${1 + (v % 9)}-1${v % 10}`,
      kind: v % 7 === 0 ? null : HE_SHOP_KINDS[v % 3]!,
    };
  });
}

/** Loads `rows` as HE-SHOPS@`version` (sealed fields under the version's data key). */
export function loadHeShops(
  deps: TLoadVersionDeps,
  rows: readonly THeShop[],
  version: string,
): Promise<TEnsureResult> {
  return ensureGeneratedVersion(deps, heShopsSpec(), version, () =>
    rows.map((r) => ({ ...r }) as Record<string, unknown>),
  );
}

/** Features over every kind of shop field. */
export const HE_SHOP_FEATURES: THeFeature[] = [
  { as: "area", field: "floor_area", transform: "number", label: { zh: "面积", en: "Area" } },
  {
    as: "capital_band",
    field: "capital",
    transform: "band",
    edges: [100, 1000, 10_000],
    label: { zh: "资本档", en: "Capital band" },
  },
  { as: "opened_year", field: "opened_on", transform: "year", label: { zh: "开业年", en: "Year opened" } },
  {
    as: "kind_code",
    field: "kind",
    transform: "category",
    values: [...HE_SHOP_KINDS],
    label: { zh: "类型码", en: "Kind code" },
  },
];
