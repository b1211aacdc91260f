/**
 * The data product manifest: what a product is, which dataset and fields it reads, the logic the
 * enclave runs, what it outputs and the privacy rule on every output. Validated with zod; the
 * cross-field checks (every group-by and aggregated field declared, output columns matching the
 * logic) run in `superRefine`, so a manifest that parses is internally consistent.
 */
import { ZAggregateMeasure } from "@pdx/common/enclave-api";
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
  usage: z.enum(["group_by", "aggregate"]),
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
export const ZPrivacyRule = z.object({
  kind: z.literal("min-group-size"),
  k: z.number().int().min(2).max(10_000),
});
export type TPrivacyRule = z.infer<typeof ZPrivacyRule>;

/** A grouped aggregate over one dataset, run by the enclave (common/enclave-api). */
export const ZAggregateLogic = z.object({
  kind: z.literal("aggregate"),
  groupBy: z.array(ZFieldName).min(1).max(4),
  measures: z.array(ZAggregateMeasure).min(1).max(8),
});
export type TAggregateLogic = z.infer<typeof ZAggregateLogic>;

export const ZProductManifest = z
  .object({
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
    deliveryForm: z.literal("authorized_query"),
    logic: ZAggregateLogic,
    fieldsUsed: z.array(ZFieldUsed).min(1).max(50),
    columns: z.array(ZOutputColumn).min(1).max(20),
    privacyRule: ZPrivacyRule,
  })
  .superRefine((m, ctx) => {
    const declared = new Map(m.fieldsUsed.map((f) => [f.name, f.usage]));
    if (declared.size !== m.fieldsUsed.length) {
      ctx.addIssue({ code: "custom", path: ["fieldsUsed"], message: "a field is declared twice" });
    }
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
    const readByLogic = new Set<string>([
      ...m.logic.groupBy,
      ...m.logic.measures.flatMap((x) => (x.fn === "sum" ? [x.field] : [])),
    ]);
    for (const [i, f] of m.fieldsUsed.entries()) {
      if (!readByLogic.has(f.name)) {
        ctx.addIssue({
          code: "custom",
          path: ["fieldsUsed", i, "name"],
          message: `field "${f.name}" is declared but the logic never reads it`,
        });
      }
    }
    const expected = [
      ...m.logic.groupBy.map((key) => ({ key, kind: "dimension" })),
      ...m.logic.measures.map((x) => ({ key: x.as, kind: "measure" })),
    ];
    const actual = m.columns.map((c) => ({ key: c.key, kind: c.kind }));
    if (JSON.stringify(expected) !== JSON.stringify(actual)) {
      ctx.addIssue({
        code: "custom",
        path: ["columns"],
        message: `columns must be the group-by fields then the measures, in order: ${expected
          .map((c) => `${c.key} (${c.kind})`)
          .join(", ")}`,
      });
    }
  });
export type TProductManifest = z.infer<typeof ZProductManifest>;

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
