/**
 * Small builders that keep the catalog seed files readable: a field is one call with its label,
 * type, data item and only what differs from the defaults (general, not personal, not masked,
 * authoritative). Shared references (join keys to another department's items) are prebuilt in
 * `ref`, always `authoritative: false`.
 *
 * Personal-information convention used throughout: `personalInfo` marks fields that identify a
 * person or are sensitive on their own (identifiers, names, contacts, home addresses, health,
 * income); attributes that describe a person only when joined to such a field (gender, district,
 * an event's type) are not flagged — they are protected by the dataset grade and by masking the
 * identifying fields of the same row.
 */
import type {
  TDatasetEntry,
  TDatasetField,
  TFieldSample,
  TFieldType,
  TGrade,
  TIdentifierFormat,
  TMaskingRule,
} from "@pdx/common/catalog/dataset-entry";
import { LE_DISTRICTS, LE_INDUSTRIES } from "../legal-entities";

/** A catalog dataset together with the seed key of the department that is its source. */
export interface TCatalogDatasetSeed {
  sourceOrgKey: string;
  entry: TDatasetEntry;
}

/** Snapshot date of every seeded volume (the legal-entity register's version 2026.11). */
export const AS_OF = "2026-10-31";

/** District names of 鹏城市 (the same ten as the synthetic legal-entity register). */
export const DISTRICTS: readonly string[] = LE_DISTRICTS.map((d) => d.name);
/** GB/T 4754-2017 industry sections, A–R. */
export const INDUSTRIES: readonly string[] = LE_INDUSTRIES.map((i) => i.name);

interface TFieldOptions {
  grade?: TGrade;
  personalInfo?: boolean;
  masking?: TMaskingRule;
  unit?: string;
  authoritative?: boolean;
  sample?: TFieldSample;
  /** Description [zh, en]; defaults to the label. */
  desc?: readonly [string, string];
}

/** One field; defaults: general, not personal information, not masked, authoritative. */
export function field(
  name: string,
  label: readonly [string, string],
  type: TFieldType,
  item: string,
  options: TFieldOptions = {},
): TDatasetField {
  const [zh, en] = options.desc ?? label;
  return {
    name,
    label: { zh: label[0], en: label[1] },
    type,
    ...(options.unit ? { unit: options.unit } : {}),
    description: { zh, en },
    grade: options.grade ?? "general",
    personalInfo: options.personalInfo ?? false,
    masking: options.masking ?? "none",
    item,
    authoritative: options.authoritative ?? true,
    ...(options.sample ? { sample: options.sample } : {}),
  };
}

export const oneOf = (...values: string[]): TFieldSample => ({ kind: "enum", values });
export const range = (min: number, max: number, decimals?: number): TFieldSample =>
  decimals === undefined ? { kind: "range", min, max } : { kind: "range", min, max, decimals };
export const dates = (from: string, to: string = AS_OF): TFieldSample => ({ kind: "date_range", from, to });
export const ident = (format: TIdentifierFormat, prefix?: string): TFieldSample =>
  prefix ? { kind: "identifier", format, prefix } : { kind: "identifier", format };
export const districts = (): TFieldSample => ({ kind: "enum", values: [...DISTRICTS] });
export const industries = (): TFieldSample => ({ kind: "enum", values: [...INDUSTRIES] });

type TRefOptions = Pick<TFieldOptions, "desc" | "grade">;

/** References to items whose authoritative source is another dataset (join keys). */
export const ref = {
  /** An enterprise's unified social credit code; source: LE-BASE (市市场监督管理局). */
  uscc: (
    name = "uscc",
    label: readonly [string, string] = ["统一社会信用代码", "Unified social credit code"],
  ) => field(name, label, "text", "le.uscc", { authoritative: false, sample: ident("uscc") }),
  /** An enterprise's registered name; source: LE-BASE. */
  enterpriseName: (
    name = "enterprise_name",
    label: readonly [string, string] = ["企业名称", "Enterprise name"],
  ) => field(name, label, "text", "le.name", { authoritative: false, sample: ident("org_name") }),
  /** A citizen's identity number (公民身份号码); source: POP-RESIDENT (市公安局). Core. */
  idNumber: (name: string, label: readonly [string, string], options: TRefOptions = {}) =>
    field(name, label, "text", "pop.id_number", {
      grade: "core",
      personalInfo: true,
      masking: "mask_id",
      authoritative: false,
      sample: ident("resident_id"),
      ...options,
    }),
  /** A citizen's name; source: POP-RESIDENT. */
  personName: (name: string, label: readonly [string, string], options: TRefOptions = {}) =>
    field(name, label, "text", "pop.name", {
      grade: "important",
      personalInfo: true,
      masking: "mask_name",
      authoritative: false,
      sample: ident("person_name"),
      ...options,
    }),
  /** A district name of the administrative division register (NR-ADMIN-DIVISION, 市民政局). */
  district: (name = "district", label: readonly [string, string] = ["所属区", "District"]) =>
    field(name, label, "text", "geo.division_name", { authoritative: false, sample: districts() }),
  /** A GB/T 4754 industry section; source: LE-BASE. */
  industry: (name = "industry", label: readonly [string, string] = ["所属行业", "Industry"]) =>
    field(name, label, "text", "le.industry", { authoritative: false, sample: industries() }),
};

/** Sectors (行业) of the catalog's categories; each dataset adds its business (业务). */
export const SECTORS = {
  publicSecurity: { code: "public_security", zh: "公共安全", en: "Public security" },
  civilAffairs: { code: "civil_affairs", zh: "民政", en: "Civil affairs" },
  marketRegulation: { code: "market_regulation", zh: "市场监管", en: "Market regulation" },
  credit: { code: "social_credit", zh: "社会信用", en: "Social credit" },
  naturalResources: { code: "natural_resources", zh: "自然资源", en: "Natural resources" },
  governmentServices: { code: "government_services", zh: "政务服务", en: "Government services" },
  health: { code: "health", zh: "卫生健康", en: "Health" },
  transport: { code: "transport", zh: "交通运输", en: "Transport" },
  humanResources: {
    code: "human_resources",
    zh: "人力资源和社会保障",
    en: "Human resources & social security",
  },
  tax: { code: "taxation", zh: "税务", en: "Taxation" },
  development: { code: "development_reform", zh: "发展改革", en: "Development & reform" },
  education: { code: "education", zh: "教育", en: "Education" },
  housing: { code: "housing_construction", zh: "住房和建设", en: "Housing & construction" },
  urbanManagement: { code: "urban_management", zh: "城市管理", en: "Urban management" },
  ecology: { code: "ecology_environment", zh: "生态环境", en: "Ecology & environment" },
} as const;

/** A category level from its code and labels. */
export const business = (code: string, zh: string, en: string) => ({ code, zh, en });
