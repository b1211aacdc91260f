/**
 * The data product manifest: what a product is, which dataset and fields it reads, the logic the
 * enclave runs, what it outputs and the privacy rule on every output. Validated with zod; the
 * cross-field checks (every group-by and aggregated field declared, output columns matching the
 * logic) run in `superRefine`, so a manifest that parses is internally consistent.
 */
import { ZAggregateMeasure } from "@pdx/common/enclave-api";
import { PSI_ITEM_FORMATS } from "@pdx/common/psi/normalize";
import { z } from "zod";

/** A text in Chinese (first) and English. */
export const ZLocalizedText = z.object({
  zh: z.string().min(1).max(2000),
  en: z.string().min(1).max(2000),
});
export type TLocalizedText = z.infer<typeof ZLocalizedText>;

const ZFieldName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z][a-z0-9_]*$/, "must be a lowercase identifier");

/** A field of the source dataset the product reads, and how. */
export const ZFieldUsed = z.object({
  name: ZFieldName,
  label: ZLocalizedText,
  /** group_by/aggregate: an aggregate product; match/filter: a set-intersection product. */
  usage: z.enum(["group_by", "aggregate", "match", "filter"]),
});
export type TFieldUsed = z.infer<typeof ZFieldUsed>;

/** A column of the product's output table. */
export const ZOutputColumn = z.object({
  key: ZFieldName,
  label: ZLocalizedText,
  kind: z.enum(["dimension", "measure"]),
  /** Unit of a measure, e.g. "万元"; absent for counts and dimensions. */
  unit: z.string().min(1).max(20).optional(),
});
export type TOutputColumn = z.infer<typeof ZOutputColumn>;

/** Cells whose group has fewer than k records are withheld. */
export const ZMinGroupSizeRule = z.object({
  kind: z.literal("min-group-size"),
  k: z.number().int().min(2).max(10_000),
});

/**
 * A set-intersection product's rule: the buyer learns, of its own list, which items are in the
 * dataset's set ("intersection") or only how many ("cardinality"); the secure domain learns only
 * the sizes of the two sets.
 */
export const ZSetMembershipRule = z.object({
  kind: z.literal("set-membership"),
  reveals: z.enum(["intersection", "cardinality"]),
  /** Most items a buyer's list may hold. */
  maxBuyerItems: z.int().min(1).max(1_000_000),
  /**
   * Fewest distinct items a list must hold: a count over a one-item list would be a membership
   * test, which a count-only product must not be.
   */
  minBuyerItems: z.int().min(1).max(1000).default(1),
});

export const ZPrivacyRule = z.discriminatedUnion("kind", [ZMinGroupSizeRule, ZSetMembershipRule]);
export type TPrivacyRule = z.infer<typeof ZPrivacyRule>;

/** A grouped aggregate over one dataset, run by the enclave (common/enclave-api). */
export const ZAggregateLogic = z.object({
  kind: z.literal("aggregate"),
  groupBy: z.array(ZFieldName).min(1).max(4),
  measures: z.array(ZAggregateMeasure).min(1).max(8),
});
export type TAggregateLogic = z.infer<typeof ZAggregateLogic>;

/** Which rows of the dataset form the set: every filter must hold (public, part of the product). */
export const ZSetFilter = z.object({
  field: ZFieldName,
  op: z.literal("in"),
  values: z.array(z.string().min(1).max(60)).min(1).max(20),
});
export type TSetFilter = z.infer<typeof ZSetFilter>;

/** Private set intersection of a buyer's list with one identifier field of the dataset. */
export const ZSetIntersectionLogic = z.object({
  kind: z.literal("psi"),
  /** The dataset's identifier field (e.g. "uscc") the buyer's items are compared with. */
  field: ZFieldName,
  /** How both sides normalize items before hashing (common/src/psi/normalize.ts). */
  format: z.enum(PSI_ITEM_FORMATS),
  filters: z.array(ZSetFilter).max(3),
});
export type TSetIntersectionLogic = z.infer<typeof ZSetIntersectionLogic>;

const manifestBase = {
  /** Stable product code, e.g. "le-district-industry". */
  code: z
    .string()
    .min(3)
    .max(64)
    .regex(/^[a-z][a-z0-9-]*$/, "must be lowercase letters, digits and dashes"),
  /** Bumped whenever logic, fields or rule change; usage records name code@version. */
  version: z.number().int().min(1).max(1_000_000),
  name: ZLocalizedText,
  summary: ZLocalizedText,
  description: ZLocalizedText,
  /** Seed key of the operator organization (seeds/demo-organizations.ts). */
  operatorOrgKey: z.string().min(1).max(64),
  /** Code of the source dataset in the catalog, e.g. "LE-BASE". */
  datasetCode: z.string().min(1).max(100),
  fieldsUsed: z.array(ZFieldUsed).min(1).max(50),
  columns: z.array(ZOutputColumn).min(1).max(20),
};

type TIssueSink = Pick<z.RefinementCtx, "addIssue">;

/** Every field declared once, with a usage among `allowed`, and read by the logic (`read`). */
function checkFieldsUsed(
  fieldsUsed: readonly TFieldUsed[],
  allowed: readonly TFieldUsed["usage"][],
  read: ReadonlySet<string>,
  ctx: TIssueSink,
): Map<string, TFieldUsed["usage"]> {
  const declared = new Map(fieldsUsed.map((f) => [f.name, f.usage]));
  if (declared.size !== fieldsUsed.length) {
    ctx.addIssue({ code: "custom", path: ["fieldsUsed"], message: "a field is declared twice" });
  }
  for (const [i, f] of fieldsUsed.entries()) {
    if (!allowed.includes(f.usage))
      ctx.addIssue({
        code: "custom",
        path: ["fieldsUsed", i, "usage"],
        message: `usage "${f.usage}" does not fit this delivery form (allowed: ${allowed.join(", ")})`,
      });
    if (!read.has(f.name)) {
      ctx.addIssue({
        code: "custom",
        path: ["fieldsUsed", i, "name"],
        message: `field "${f.name}" is declared but the logic never reads it`,
      });
    }
  }
  return declared;
}

/** Columns must be exactly `expected`, in order. */
function checkColumns(
  columns: readonly TOutputColumn[],
  expected: { key: string; kind: string }[],
  ctx: TIssueSink,
  what: string,
): void {
  const actual = columns.map((c) => ({ key: c.key, kind: c.kind }));
  if (JSON.stringify(expected) !== JSON.stringify(actual)) {
    ctx.addIssue({
      code: "custom",
      path: ["columns"],
      message: `columns must be ${what}, in order: ${expected.map((c) => `${c.key} (${c.kind})`).join(", ")}`,
    });
  }
}

/** An aggregate product: a grouped aggregate with k-anonymity suppression (issue 1). */
export const ZAggregateProductManifest = z
  .object({
    ...manifestBase,
    deliveryForm: z.literal("authorized_query"),
    logic: ZAggregateLogic,
    privacyRule: ZMinGroupSizeRule,
  })
  .superRefine((m, ctx) => {
    const readByLogic = new Set<string>([
      ...m.logic.groupBy,
      ...m.logic.measures.flatMap((x) => (x.fn === "sum" ? [x.field] : [])),
    ]);
    const declared = checkFieldsUsed(m.fieldsUsed, ["group_by", "aggregate"], readByLogic, ctx);
    for (const [i, field] of m.logic.groupBy.entries()) {
      if (declared.get(field) !== "group_by") {
        ctx.addIssue({
          code: "custom",
          path: ["logic", "groupBy", i],
          message: `field "${field}" must be declared in fieldsUsed with usage "group_by"`,
        });
      }
    }
    for (const [i, measure] of m.logic.measures.entries()) {
      if (measure.fn === "sum" && declared.get(measure.field) !== "aggregate") {
        ctx.addIssue({
          code: "custom",
          path: ["logic", "measures", i, "field"],
          message: `field "${measure.field}" must be declared in fieldsUsed with usage "aggregate"`,
        });
      }
    }
    checkColumns(
      m.columns,
      [
        ...m.logic.groupBy.map((key) => ({ key, kind: "dimension" })),
        ...m.logic.measures.map((x) => ({ key: x.as, kind: "measure" })),
      ],
      ctx,
      "the group-by fields then the measures",
    );
  });

/**
 * A private-set-intersection product: the buyer's list (e.g. its borrowers' USCCs), blinded in
 * the buyer's browser, is intersected with one identifier field of the dataset's rows that pass
 * the product's filters. Output: the matching items (one dimension column named after the field)
 * or only their number (one measure column "matches").
 */
export const ZSetIntersectionProductManifest = z
  .object({
    ...manifestBase,
    deliveryForm: z.literal("private_set_intersection"),
    logic: ZSetIntersectionLogic,
    privacyRule: ZSetMembershipRule,
  })
  .superRefine((m, ctx) => {
    const read = new Set([m.logic.field, ...m.logic.filters.map((f) => f.field)]);
    const declared = checkFieldsUsed(m.fieldsUsed, ["match", "filter"], read, ctx);
    if (declared.get(m.logic.field) !== "match")
      ctx.addIssue({
        code: "custom",
        path: ["logic", "field"],
        message: `field "${m.logic.field}" must be declared in fieldsUsed with usage "match"`,
      });
    for (const [i, f] of m.logic.filters.entries()) {
      if (declared.get(f.field) !== "filter")
        ctx.addIssue({
          code: "custom",
          path: ["logic", "filters", i, "field"],
          message: `field "${f.field}" must be declared in fieldsUsed with usage "filter"`,
        });
    }
    checkColumns(
      m.columns,
      m.privacyRule.reveals === "intersection"
        ? [{ key: m.logic.field, kind: "dimension" }]
        : [{ key: "matches", kind: "measure" }],
      ctx,
      m.privacyRule.reveals === "intersection" ? "the matched field" : "the match count",
    );
  });

export const ZProductManifest = z.discriminatedUnion("deliveryForm", [
  ZAggregateProductManifest,
  ZSetIntersectionProductManifest,
]);
export type TProductManifest = z.infer<typeof ZProductManifest>;
export type TAggregateProductManifest = z.infer<typeof ZAggregateProductManifest>;
export type TSetIntersectionProductManifest = z.infer<typeof ZSetIntersectionProductManifest>;
export type TDeliveryForm = TProductManifest["deliveryForm"];

/** Parses a manifest; throws an error naming the product and every problem. */
export function defineProductManifest(input: z.input<typeof ZProductManifest>): TProductManifest {
  const result = ZProductManifest.safeParse(input);
  if (result.success) return result.data;
  const label = typeof input?.code === "string" ? input.code : "(no code)";
  const problems = result.error.issues.map((i) => `  - ${i.path.join(".") || "(manifest)"}: ${i.message}`);
  throw new Error(`product manifest ${label} is invalid:\n${problems.join("\n")}`);
}

/** "code@version", the product reference recorded in receipts and usage records. */
export function productRef(manifest: Pick<TProductManifest, "code" | "version">): string {
  return `${manifest.code}@${manifest.version}`;
}
