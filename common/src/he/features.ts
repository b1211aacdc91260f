/**
 * The features of an encrypted-query product: what the enclave computes from each entity's row
 * before any homomorphic evaluation, and the per-entity rule every feature must obey.
 *
 * Why the rule: the buyer's input is encrypted, so the enclave cannot see — let alone limit — the
 * weights or the selection. A one-hot weight vector turns a "score" into one feature of every
 * entity; a one-entity subset turns an "aggregate" into that entity's features. So whatever the
 * mode, a buyer can learn each entity's features, and the features must be values the data
 * source allows out per entity:
 *   - "general" fields (publicized register items), not personal information: any transform;
 *   - "important" fields and masked fields (whose masking would otherwise be undone): only
 *     coarsened — a band index (`band`) or a category index;
 *   - "core" fields, personal information and suppressed fields: never.
 * The product page states this bound; the enclave checks it against the catalog at every job.
 *
 * Transforms (every result is a small integer or, for `number`, the field's decimal value):
 *   number    the numeric field's value (general fields only);
 *   year      the year of a date field;
 *   band      how many of the ascending `edges` are ≤ the value (0 … edges.length);
 *   category  the index of the text value in `values`, or values.length when it is not listed.
 * A missing (null) value gives 0 for number, year and band, and values.length for category.
 */
import { z } from "zod";

const ZFeatureFieldName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z][a-z0-9_]*$/, "must be a lowercase identifier");

const ZFeatureLabel = z.object({ zh: z.string().min(1).max(200), en: z.string().min(1).max(200) });

const featureBase = {
  /** The feature's name in requests and results. */
  as: ZFeatureFieldName,
  /** The dataset field it is computed from. */
  field: ZFeatureFieldName,
  label: ZFeatureLabel,
};

export const ZHeFeature = z.discriminatedUnion("transform", [
  z.strictObject({ ...featureBase, transform: z.literal("number") }),
  z.strictObject({ ...featureBase, transform: z.literal("year") }),
  z.strictObject({
    ...featureBase,
    transform: z.literal("band"),
    edges: z
      .array(z.number().finite())
      .min(1)
      .max(32)
      .refine((e) => e.every((v, i) => i === 0 || v > e[i - 1]!), { message: "edges must ascend" }),
  }),
  z.strictObject({
    ...featureBase,
    transform: z.literal("category"),
    values: z
      .array(z.string().min(1).max(60))
      .min(1)
      .max(64)
      .refine((v) => new Set(v).size === v.length, { message: "values must be distinct" }),
  }),
]);
export type THeFeature = z.infer<typeof ZHeFeature>;

/** What the rule needs to know of a catalog field. */
export interface THeFeatureFieldFacts {
  name: string;
  type: string;
  grade: "general" | "important" | "core";
  personalInfo: boolean;
  masking: string;
}

const FIELD_TYPES: Readonly<Record<THeFeature["transform"], readonly string[]>> = {
  number: ["integer", "numeric"],
  year: ["date"],
  band: ["integer", "numeric"],
  category: ["text"],
};

/**
 * Why `features` may not be computed from `fields` (empty when they may): an unknown field, a
 * transform that does not fit the field's type, or a field whose grade forbids per-entity output
 * in that form. Every problem names the feature and the field.
 */
export function heFeatureProblems(
  features: readonly THeFeature[],
  fields: readonly THeFeatureFieldFacts[],
): string[] {
  const byName = new Map(fields.map((f) => [f.name, f]));
  const problems: string[] = [];
  for (const feature of features) {
    const named = `feature "${feature.as}" (field "${feature.field}")`;
    const field = byName.get(feature.field);
    if (!field) {
      problems.push(`${named}: the dataset has no such field`);
      continue;
    }
    if (!FIELD_TYPES[feature.transform].includes(field.type)) {
      problems.push(
        `${named}: transform "${feature.transform}" needs a ${FIELD_TYPES[feature.transform].join(" or ")} field, not ${field.type}`,
      );
      continue;
    }
    if (field.masking === "suppress" || field.personalInfo || field.grade === "core") {
      problems.push(
        `${named}: ${field.grade === "core" ? "core data" : field.personalInfo ? "personal information" : "a suppressed field"} may never be output per entity`,
      );
      continue;
    }
    if (
      (field.grade === "important" || field.masking !== "none") &&
      (feature.transform === "number" || feature.transform === "year")
    ) {
      problems.push(
        `${named}: ${field.grade === "important" ? "important data" : `a field masked "${field.masking}"`} may be output per entity only coarsened (transform "band" or "category")`,
      );
    }
  }
  return problems;
}

/** The feature's value for one entity, from the field's canonical text (null when missing). */
export function heFeatureValue(feature: THeFeature, text: string | null): number {
  switch (feature.transform) {
    case "number": {
      if (text === null) return 0;
      const v = Number(text);
      return Number.isFinite(v) ? v : 0;
    }
    case "year": {
      if (text === null) return 0;
      const year = Number(text.slice(0, 4));
      return Number.isInteger(year) ? year : 0;
    }
    case "band": {
      if (text === null) return 0;
      const v = Number(text);
      if (!Number.isFinite(v)) return 0;
      let band = 0;
      for (const edge of feature.edges) if (v >= edge) band += 1;
      return band;
    }
    case "category": {
      const i = text === null ? -1 : feature.values.indexOf(text);
      return i === -1 ? feature.values.length : i;
    }
  }
}

/** Whether every value of the feature is an integer (so BFV can carry it exactly). */
export function heFeatureIsInteger(feature: THeFeature): boolean {
  return feature.transform !== "number";
}
