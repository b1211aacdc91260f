/**
 * A catalog entry (一本账 entry) of a public dataset: what it is, which library it belongs to, how
 * sensitive it and each of its fields are, on what terms it may be shared and opened, and how each
 * field is masked. `ZDatasetEntry` validates the shape AND the cross-field rules; the cross-field
 * rules alone are `datasetEntryProblems`. Label tables (zh/en) for every enumeration are here so
 * that the server, the seeds and the web app name things the same way.
 */
import { z } from "zod";

/** A text in both interface languages. */
export interface TLocalized {
  zh: string;
  en: string;
}

/** A label with a one-sentence explanation (for tooltips and legends). */
export interface TDescribedLabel extends TLocalized {
  description: TLocalized;
}

// ── Enumerations ──────────────────────────────────────────────────────────────────────────────

/** Sensitivity grades (数据分级), highest first. */
export const GRADES = ["core", "important", "general"] as const;
export type TGrade = (typeof GRADES)[number];

/** Base libraries (基础库) and theme libraries (主题库). */
export const LIBRARY_KINDS = ["base", "theme"] as const;
export type TLibraryKind = (typeof LIBRARY_KINDS)[number];

/** The five base libraries named by the city plans. */
export const BASE_LIBRARY_CODES = [
  "population",
  "legal_entity",
  "credit",
  "natural_resources",
  "e_certificate",
] as const;
export type TBaseLibraryCode = (typeof BASE_LIBRARY_CODES)[number];

/** Theme libraries built on the base libraries. */
export const THEME_LIBRARY_CODES = [
  "healthcare",
  "transport",
  "social_security",
  "tax",
  "energy",
  "education",
  "urban_governance",
  "ecology",
] as const;
export type TThemeLibraryCode = (typeof THEME_LIBRARY_CODES)[number];

export const LIBRARY_CODES = [...BASE_LIBRARY_CODES, ...THEME_LIBRARY_CODES] as const;
export type TLibraryCode = TBaseLibraryCode | TThemeLibraryCode;

/** Sharing attribute (共享属性) between government departments. */
export const SHARING_ATTRIBUTES = ["unconditional", "conditional", "not_shareable"] as const;
export type TSharingAttribute = (typeof SHARING_ATTRIBUTES)[number];

/** Open attribute (开放属性) towards the public and enterprises. */
export const OPEN_ATTRIBUTES = ["open", "restricted", "prohibited"] as const;
export type TOpenAttribute = (typeof OPEN_ATTRIBUTES)[number];

export const UPDATE_FREQUENCIES = [
  "realtime",
  "daily",
  "weekly",
  "monthly",
  "quarterly",
  "yearly",
  "irregular",
] as const;
export type TUpdateFrequency = (typeof UPDATE_FREQUENCIES)[number];

export const FIELD_TYPES = ["text", "integer", "numeric", "date", "boolean"] as const;
export type TFieldType = (typeof FIELD_TYPES)[number];

/** Desensitization (脱敏) rules, applied to a field's values whenever they leave the source. */
export const MASKING_RULES = [
  "none",
  "mask_name",
  "mask_id",
  "mask_phone",
  "mask_middle",
  "hash",
  "generalize",
  "suppress",
] as const;
export type TMaskingRule = (typeof MASKING_RULES)[number];

/** Kinds of identifier a text field holds, so that mock rows look like the real thing (but fake). */
export const IDENTIFIER_FORMATS = [
  "uscc",
  "resident_id",
  "mobile",
  "person_name",
  "org_name",
  "address",
  "plate",
  "serial",
] as const;
export type TIdentifierFormat = (typeof IDENTIFIER_FORMATS)[number];

/** Which field types each masking rule can apply to. */
export const MASKING_APPLIES_TO: Readonly<Record<TMaskingRule, readonly TFieldType[]>> = {
  none: FIELD_TYPES,
  mask_name: ["text"],
  mask_id: ["text"],
  mask_phone: ["text"],
  mask_middle: ["text"],
  hash: ["text"],
  generalize: ["text", "integer", "numeric", "date"],
  suppress: FIELD_TYPES,
};

// ── Labels ────────────────────────────────────────────────────────────────────────────────────

export const GRADE_LABELS: Readonly<Record<TGrade, TDescribedLabel>> = {
  core: {
    zh: "核心数据",
    en: "Core",
    description: {
      zh: "仅可在同态加密、多方安全计算或核验模式下使用，不进入沙箱明文计算。",
      en: "Usable only under homomorphic encryption, multi-party computation or verification; never in plain sandbox computation.",
    },
  },
  important: {
    zh: "重要数据",
    en: "Important",
    description: {
      zh: "沙箱中仅可聚合使用，且须满足最小分组规模；加密计算与核验不受此限。",
      en: "In the sandbox only in aggregates that meet the minimum group size; encrypted computation and verification are not limited.",
    },
  },
  general: {
    zh: "一般数据",
    en: "General",
    description: {
      zh: "可在各计算模式下使用。",
      en: "Usable in every computation mode.",
    },
  },
};

export const LIBRARY_KIND_LABELS: Readonly<Record<TLibraryKind, TLocalized>> = {
  base: { zh: "基础库", en: "Base library" },
  theme: { zh: "主题库", en: "Theme library" },
};

export const LIBRARY_LABELS: Readonly<Record<TLibraryCode, TLocalized>> = {
  population: { zh: "人口", en: "Population" },
  legal_entity: { zh: "法人", en: "Legal entities" },
  credit: { zh: "信用", en: "Credit" },
  natural_resources: { zh: "自然资源和空间地理", en: "Natural resources & geospatial" },
  e_certificate: { zh: "电子证照", en: "E-certificates" },
  healthcare: { zh: "医疗健康", en: "Healthcare" },
  transport: { zh: "交通运输", en: "Transport" },
  social_security: { zh: "社会保障", en: "Social security" },
  tax: { zh: "税务", en: "Tax" },
  energy: { zh: "能源", en: "Energy" },
  education: { zh: "教育", en: "Education" },
  urban_governance: { zh: "城市治理", en: "Urban governance" },
  ecology: { zh: "生态环境", en: "Ecology & environment" },
};

export const SHARING_LABELS: Readonly<Record<TSharingAttribute, TLocalized>> = {
  unconditional: { zh: "无条件共享", en: "Shared unconditionally" },
  conditional: { zh: "有条件共享", en: "Shared on conditions" },
  not_shareable: { zh: "不予共享", en: "Not shareable" },
};

export const OPEN_LABELS: Readonly<Record<TOpenAttribute, TLocalized>> = {
  open: { zh: "无条件开放", en: "Open" },
  restricted: { zh: "有条件开放", en: "Open on conditions" },
  prohibited: { zh: "禁止开放", en: "Not open" },
};

export const FREQUENCY_LABELS: Readonly<Record<TUpdateFrequency, TLocalized>> = {
  realtime: { zh: "实时", en: "Real time" },
  daily: { zh: "每日", en: "Daily" },
  weekly: { zh: "每周", en: "Weekly" },
  monthly: { zh: "每月", en: "Monthly" },
  quarterly: { zh: "每季度", en: "Quarterly" },
  yearly: { zh: "每年", en: "Yearly" },
  irregular: { zh: "不定期", en: "Irregular" },
};

export const FIELD_TYPE_LABELS: Readonly<Record<TFieldType, TLocalized>> = {
  text: { zh: "文本", en: "Text" },
  integer: { zh: "整数", en: "Integer" },
  numeric: { zh: "数值", en: "Decimal" },
  date: { zh: "日期", en: "Date" },
  boolean: { zh: "布尔", en: "Boolean" },
};

export const MASKING_LABELS: Readonly<Record<TMaskingRule, TDescribedLabel>> = {
  none: {
    zh: "不脱敏",
    en: "Not masked",
    description: { zh: "原值提供。", en: "Values are given as they are." },
  },
  mask_name: {
    zh: "姓名掩码",
    en: "Name mask",
    description: { zh: "仅保留首字，如“张*”。", en: "Only the first character is kept, e.g. “张*”." },
  },
  mask_id: {
    zh: "证件号掩码",
    en: "ID mask",
    description: {
      zh: "保留前6位和后4位，如“440300********1234”。",
      en: "The first 6 and last 4 characters are kept, e.g. “440300********1234”.",
    },
  },
  mask_phone: {
    zh: "电话掩码",
    en: "Phone mask",
    description: {
      zh: "保留前3位和后4位，如“138****1234”。",
      en: "The first 3 and last 4 digits are kept, e.g. “138****1234”.",
    },
  },
  mask_middle: {
    zh: "中间掩码",
    en: "Middle mask",
    description: {
      zh: "保留前三分之一和后四分之一，中间以*替代。",
      en: "The first third and the last quarter are kept; the middle is replaced by *.",
    },
  },
  hash: {
    zh: "哈希",
    en: "Hash",
    description: {
      zh: "以不可逆摘要（16位十六进制）替代原值，相同原值得到相同摘要，可用于关联。",
      en: "Replaced by an irreversible digest (16 hex characters); equal values give equal digests, so joins still work.",
    },
  },
  generalize: {
    zh: "泛化",
    en: "Generalize",
    description: {
      zh: "数值取数量级区间下限，日期取年月，文本仅保留前半部分。",
      en: "Numbers are rounded down to their order of magnitude, dates to year and month, texts keep their first half.",
    },
  },
  suppress: {
    zh: "不提供",
    en: "Withheld",
    description: {
      zh: "任何情况下均不提供，该字段不能被授权。",
      en: "Never given out; the field can never be authorized.",
    },
  },
};

// ── Schema ────────────────────────────────────────────────────────────────────────────────────

const ZLocalized = (max: number) =>
  z.strictObject({ zh: z.string().trim().min(1).max(max), en: z.string().trim().min(1).max(max) });

const ZIsoDate = z.iso.date();

const ZCategoryLevel = z.strictObject({
  code: z.string().regex(/^[a-z][a-z0-9_]{1,39}$/, "must be 2–40 of a–z, 0–9, _ starting with a letter"),
  zh: z.string().trim().min(1).max(40),
  en: z.string().trim().min(1).max(80),
});

/** A hint for mock rows: what values a field takes (never real values). */
export const ZFieldSample = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("enum"),
    values: z.array(z.string().trim().min(1).max(60)).min(1).max(60),
  }),
  z.strictObject({
    kind: z.literal("range"),
    min: z.number(),
    max: z.number(),
    /** Decimal places of generated numbers (numeric fields; default 2). */
    decimals: z.int().min(0).max(6).optional(),
  }),
  z.strictObject({ kind: z.literal("date_range"), from: ZIsoDate, to: ZIsoDate }),
  z.strictObject({
    kind: z.literal("identifier"),
    format: z.enum(IDENTIFIER_FORMATS),
    /** Prefix of generated serial numbers (format "serial"). */
    prefix: z.string().trim().min(1).max(20).optional(),
  }),
]);
export type TFieldSample = z.infer<typeof ZFieldSample>;

export const ZDatasetField = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,62}$/, "must be a lowercase identifier (a–z, 0–9, _; starting with a letter)"),
  label: ZLocalized(60),
  type: z.enum(FIELD_TYPES),
  unit: z.string().trim().min(1).max(20).optional(),
  description: ZLocalized(500),
  grade: z.enum(GRADES),
  personalInfo: z.boolean(),
  masking: z.enum(MASKING_RULES),
  /** Data item code (数据项编码), e.g. "le.uscc": one authoritative source per item. */
  item: z
    .string()
    .max(80)
    .regex(/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/, 'must be a dotted lowercase code such as "le.uscc"'),
  /** True when the dataset's department is the item's source; false for a reference (join key). */
  authoritative: z.boolean(),
  sample: ZFieldSample.optional(),
});
export type TDatasetField = z.infer<typeof ZDatasetField>;

/** The shape of an entry without the cross-field rules (for drafts that may still be incomplete). */
export const ZDatasetEntryShape = z.strictObject({
  code: z
    .string()
    .regex(/^[A-Z][A-Z0-9-]{2,39}$/, 'must be 3–40 of A–Z, 0–9, "-" starting with a letter, e.g. "LE-BASE"'),
  name: ZLocalized(100),
  description: ZLocalized(2000),
  library: z.enum(LIBRARY_KINDS),
  libraryCode: z.enum(LIBRARY_CODES),
  category: z.strictObject({ sector: ZCategoryLevel, business: ZCategoryLevel }),
  grade: z.enum(GRADES),
  sharing: z.strictObject({
    attribute: z.enum(SHARING_ATTRIBUTES),
    /** Required for conditional sharing: who may use it, for what, after which approval. */
    conditions: z.string().trim().min(1).max(500).optional(),
    /** Required when not shareable: the law or regulation that forbids sharing. */
    legalBasis: z.string().trim().min(1).max(500).optional(),
  }),
  open: z.strictObject({
    attribute: z.enum(OPEN_ATTRIBUTES),
    /** Required unless open: why opening is restricted or prohibited. */
    reason: z.string().trim().min(1).max(500).optional(),
  }),
  updateFrequency: z.enum(UPDATE_FREQUENCIES),
  volume: z.strictObject({ rows: z.int().min(0), asOf: ZIsoDate }),
  fields: z.array(ZDatasetField).min(1).max(60),
});
export type TDatasetEntry = z.infer<typeof ZDatasetEntryShape>;

// ── Grades ────────────────────────────────────────────────────────────────────────────────────

const GRADE_RANK: Readonly<Record<TGrade, number>> = { general: 0, important: 1, core: 2 };

/** general 0 < important 1 < core 2. */
export function gradeRank(grade: TGrade): number {
  return GRADE_RANK[grade];
}

/** The highest of the grades ("general" for none). */
export function maxGrade(grades: Iterable<TGrade>): TGrade {
  let max: TGrade = "general";
  for (const g of grades) if (GRADE_RANK[g] > GRADE_RANK[max]) max = g;
  return max;
}

/** Whether a library code names a base or a theme library. */
export function libraryKindOf(code: TLibraryCode): TLibraryKind {
  return (BASE_LIBRARY_CODES as readonly string[]).includes(code) ? "base" : "theme";
}

// ── Cross-field rules ─────────────────────────────────────────────────────────────────────────

interface TEntryIssue {
  path: (string | number)[];
  message: string;
}

const SAMPLE_APPLIES_TO: Readonly<Record<TFieldSample["kind"], readonly TFieldType[]>> = {
  enum: ["text"],
  range: ["integer", "numeric"],
  date_range: ["date"],
  identifier: ["text"],
};

function entryIssues(entry: TDatasetEntry): TEntryIssue[] {
  const issues: TEntryIssue[] = [];
  const add = (path: (string | number)[], message: string) => issues.push({ path, message });

  const kind = libraryKindOf(entry.libraryCode);
  if (kind !== entry.library)
    add(
      ["libraryCode"],
      `"${entry.libraryCode}" is a ${kind} library but library is "${entry.library}" (base libraries: ${BASE_LIBRARY_CODES.join(", ")}; themes: ${THEME_LIBRARY_CODES.join(", ")})`,
    );

  if (entry.sharing.attribute === "conditional" && !entry.sharing.conditions)
    add(["sharing", "conditions"], "conditional sharing needs the conditions under which the data is shared");
  if (entry.sharing.attribute === "not_shareable" && !entry.sharing.legalBasis)
    add(
      ["sharing", "legalBasis"],
      "a dataset that is not shareable needs the legal basis that forbids sharing",
    );
  if (entry.open.attribute !== "open" && !entry.open.reason)
    add(["open", "reason"], `an open attribute of "${entry.open.attribute}" needs a reason`);
  if (entry.open.attribute === "open" && entry.sharing.attribute === "not_shareable")
    add(
      ["open", "attribute"],
      "a dataset that is not shareable between departments cannot be open to the public",
    );
  if (entry.open.attribute === "open" && entry.grade === "core")
    add(["open", "attribute"], "core data cannot be open to the public");

  const firstIndexOfName = new Map<string, number>();
  const firstIndexOfAuthoritativeItem = new Map<string, number>();
  entry.fields.forEach((field, i) => {
    const at = (...rest: (string | number)[]) => ["fields", i, ...rest];
    const named = `field "${field.name}"`;

    const sameName = firstIndexOfName.get(field.name);
    if (sameName !== undefined)
      add(at("name"), `duplicate field name "${field.name}" (also fields[${sameName}])`);
    else firstIndexOfName.set(field.name, i);

    if (field.authoritative) {
      const sameItem = firstIndexOfAuthoritativeItem.get(field.item);
      if (sameItem !== undefined)
        add(
          at("item"),
          `${named}: data item "${field.item}" is already provided authoritatively by fields[${sameItem}]`,
        );
      else firstIndexOfAuthoritativeItem.set(field.item, i);
    }

    if (gradeRank(field.grade) > gradeRank(entry.grade))
      add(
        ["grade"],
        `the dataset is graded ${entry.grade} but ${named} is ${field.grade}: a dataset must be graded at least as high as its highest field (就高从严)`,
      );

    if (field.personalInfo && field.masking === "none" && field.grade !== "core")
      add(
        at("masking"),
        `${named} holds personal information and must be masked (masking "none" is allowed only for core fields, which are used encrypted only)`,
      );

    if (!MASKING_APPLIES_TO[field.masking].includes(field.type))
      add(
        at("masking"),
        `${named}: masking "${field.masking}" does not apply to ${field.type} fields (only ${MASKING_APPLIES_TO[field.masking].join(", ")})`,
      );

    const sample = field.sample;
    if (sample) {
      if (!SAMPLE_APPLIES_TO[sample.kind].includes(field.type))
        add(
          at("sample"),
          `${named}: a "${sample.kind}" sample does not fit a ${field.type} field (only ${SAMPLE_APPLIES_TO[sample.kind].join(", ")})`,
        );
      if (sample.kind === "range" && sample.min > sample.max)
        add(at("sample"), `${named}: sample range min ${sample.min} is above max ${sample.max}`);
      if (sample.kind === "date_range" && sample.from > sample.to)
        add(at("sample"), `${named}: sample dates start ${sample.from} after they end ${sample.to}`);
    }
  });
  return issues;
}

/** "fields[3].grade" from ["fields", 3, "grade"]. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

/**
 * Problems with the cross-field rules of a well-shaped entry, as "path: message" (empty when
 * none): library kind vs code, dataset grade ≥ every field grade (就高从严), unique field names,
 * conditions / legal basis / reason where required, masking of personal information, masking and
 * sample hints that fit the field's type, one authoritative field per item.
 */
export function datasetEntryProblems(entry: TDatasetEntry): string[] {
  return entryIssues(entry).map((issue) => `${formatIssuePath(issue.path)}: ${issue.message}`);
}

/** Shape and cross-field rules: what every boundary that accepts an entry should use. */
export const ZDatasetEntry = ZDatasetEntryShape.superRefine((entry, ctx) => {
  for (const issue of entryIssues(entry))
    ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
});

export type TParseDatasetEntryResult = { ok: true; entry: TDatasetEntry } | { ok: false; problems: string[] };

/** Parses an entry; every problem names its path, e.g. 'fields[3].grade: …'. */
export function parseDatasetEntry(input: unknown): TParseDatasetEntryResult {
  const result = ZDatasetEntry.safeParse(input);
  if (result.success) return { ok: true, entry: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((issue) => {
      const path = formatIssuePath(issue.path);
      return path ? `${path}: ${issue.message}` : issue.message;
    }),
  };
}
