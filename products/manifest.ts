/**
 * The data product manifest: what a product is, which dataset and fields it reads, the logic the
 * enclave runs, what it outputs and the privacy rule on every output. Validated with zod; the
 * cross-field checks (every group-by and aggregated field declared, output columns matching the
 * logic) run in `superRefine`, so a manifest that parses is internally consistent.
 */
import { ZAggregateMeasure } from "@pdx/common/enclave-api";
import { ZHeFeature } from "@pdx/common/he/features";
import { HE_MODES } from "@pdx/common/he/layout";
import { MPC_STATISTICS, ZMpcNodeId } from "@pdx/common/mpc-api";
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
  /**
   * group_by/aggregate: an aggregate product; match/filter: a set-intersection product;
   * match/feature/filter: an encrypted-query product.
   */
  usage: z.enum(["group_by", "aggregate", "match", "filter", "feature"]),
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

/**
 * An encrypted-query product's rule: the buyer's input (weights, selection) is encrypted under a
 * key that never leaves the buyer, so the secure domain cannot learn it; what the buyer can learn
 * is bounded by the product's features — per entity for scoring and lookup, over a chosen subset
 * for aggregates (which may be a single entity: so the same bound). The features therefore obey
 * the per-entity rule of common/src/he/features.ts (checked against the catalog by the enclave at
 * every job and by the product tests).
 */
export const ZEncryptedQueryRule = z.object({
  kind: z.literal("encrypted-input"),
  reveals: z.enum(["per-entity", "subset-aggregate"]),
});

export const ZPrivacyRule = z.discriminatedUnion("kind", [
  ZMinGroupSizeRule,
  ZSetMembershipRule,
  ZEncryptedQueryRule,
]);
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

/**
 * An encrypted query over the entities of one dataset (homomorphic encryption, common/src/he):
 * the entities are the distinct values of `entityField` among rows passing the filters, in a
 * public order (the directory the buyer downloads); each entity's features are computed by the
 * enclave from its row as the product declares (features.ts).
 *   scoring    the buyer's encrypted weights · each entity's features (CKKS), scores returned encrypted;
 *   lookup     the features of one entity chosen by an encrypted one-hot selection (BFV);
 *   aggregate  count, sum, mean and variance of the features over an encrypted subset (BFV exact
 *              integers, or CKKS reals — the buyer's choice).
 */
export const ZEncryptedQueryLogic = z.object({
  kind: z.literal("he"),
  mode: z.enum(HE_MODES),
  /** The dataset's identifier field naming each entity (one row per entity: a register's key). */
  entityField: ZFieldName,
  filters: z.array(ZSetFilter).max(3),
  features: z.array(ZHeFeature).min(1).max(16),
});
export type TEncryptedQueryLogic = z.infer<typeof ZEncryptedQueryLogic>;

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

/** Adds an issue at `path` unless `field` is declared in fieldsUsed with one of `usages`. */
function requireUsage(
  declared: ReadonlyMap<string, TFieldUsed["usage"]>,
  field: string,
  usages: readonly TFieldUsed["usage"][],
  path: (string | number)[],
  ctx: TIssueSink,
): void {
  const usage = declared.get(field);
  if (usage !== undefined && usages.includes(usage)) return;
  ctx.addIssue({
    code: "custom",
    path,
    message: `field "${field}" must be declared in fieldsUsed with usage ${usages.map((u) => `"${u}"`).join(" or ")}`,
  });
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
    requireUsage(declared, m.logic.field, ["match"], ["logic", "field"], ctx);
    for (const [i, f] of m.logic.filters.entries())
      requireUsage(declared, f.field, ["filter"], ["logic", "filters", i, "field"], ctx);
    checkColumns(
      m.columns,
      m.privacyRule.reveals === "intersection"
        ? [{ key: m.logic.field, kind: "dimension" }]
        : [{ key: "matches", kind: "measure" }],
      ctx,
      m.privacyRule.reveals === "intersection" ? "the matched field" : "the match count",
    );
  });

/**
 * An encrypted-query product (see ZEncryptedQueryLogic). Output columns by mode — scoring: the
 * entity field then "score"; lookup: the entity field then every feature; aggregate: "feature"
 * then count, sum, mean, variance (one row per feature).
 */
export const ZEncryptedQueryProductManifest = z
  .object({
    ...manifestBase,
    deliveryForm: z.literal("encrypted_query"),
    logic: ZEncryptedQueryLogic,
    privacyRule: ZEncryptedQueryRule,
  })
  .superRefine((m, ctx) => {
    const read = new Set([
      m.logic.entityField,
      ...m.logic.features.map((f) => f.field),
      ...m.logic.filters.map((f) => f.field),
    ]);
    const declared = checkFieldsUsed(m.fieldsUsed, ["match", "feature", "filter"], read, ctx);
    requireUsage(declared, m.logic.entityField, ["match"], ["logic", "entityField"], ctx);
    for (const [i, f] of m.logic.features.entries())
      requireUsage(declared, f.field, ["feature"], ["logic", "features", i, "field"], ctx);
    // A feature field may also filter (e.g. status: a feature and the active-only filter).
    for (const [i, f] of m.logic.filters.entries())
      requireUsage(declared, f.field, ["filter", "feature"], ["logic", "filters", i, "field"], ctx);
    const names = m.logic.features.map((f) => f.as);
    if (new Set(names).size !== names.length)
      ctx.addIssue({
        code: "custom",
        path: ["logic", "features"],
        message: "feature names (as) must be distinct",
      });
    const expectedReveals = m.logic.mode === "aggregate" ? "subset-aggregate" : "per-entity";
    if (m.privacyRule.reveals !== expectedReveals)
      ctx.addIssue({
        code: "custom",
        path: ["privacyRule", "reveals"],
        message: `an encrypted ${m.logic.mode} query reveals "${expectedReveals}"`,
      });
    const entity = { key: m.logic.entityField, kind: "dimension" };
    const expected =
      m.logic.mode === "scoring"
        ? [entity, { key: "score", kind: "measure" }]
        : m.logic.mode === "lookup"
          ? [entity, ...names.map((key) => ({ key, kind: "measure" }))]
          : [
              { key: "feature", kind: "dimension" },
              ...["count", "sum", "mean", "variance"].map((key) => ({ key, kind: "measure" })),
            ];
    checkColumns(m.columns, expected, ctx, `those of a ${m.logic.mode} query`);
  });

/**
 * One party of a joint-statistics product: an enclave node (its own process, vault and keys) and
 * the dataset of its department it contributes, mapped onto the product's public group domain.
 */
export const ZJointParty = z.object({
  /** The MPC node id (ENCLAVE_MPC_NODE_ID of that enclave), e.g. "tax". */
  node: ZMpcNodeId,
  /** Who holds the data, as the product page names it (e.g. 市税务局). */
  holder: ZLocalizedText,
  datasetCode: z.string().min(1).max(100),
  /** The dataset version the node holds (the product names it, so results are reproducible). */
  version: z.string().min(1).max(40),
  groupField: ZFieldName,
  /** A date group field bucketed by month or year ("2025-03", "2025"). */
  groupBucket: z.enum(["year", "month"]).optional(),
  valueField: ZFieldName,
  /** The value field's unit as a power of ten of the product's unit (4: 万元 in a product counting 元). */
  valueScale: z.int().min(-6).max(8).default(0),
  filters: z.array(ZSetFilter).max(3).default([]),
  /** Most rows one privacy unit (person, enterprise) contributes from this party. */
  rowsPerUnit: z.int().min(1).max(100),
});
export type TJointParty = z.infer<typeof ZJointParty>;

/**
 * A joint statistic computed by several enclave nodes with additive secret sharing
 * (enclave/src/mpc): per group of a public domain, count and the sum, mean and variance of a
 * value clamped to `bounds`, over the union of the parties' rows. The coordinator (one of the
 * parties) reconstructs only the joint totals and applies the output rules before release.
 */
export const ZJointStatisticsLogic = z.object({
  kind: z.literal("mpc"),
  coordinator: ZMpcNodeId,
  parties: z.array(ZJointParty).min(2).max(8),
  /** The public group domain: each party's group value must be one of these (others are not counted). */
  groups: z.array(z.string().min(1).max(60)).min(1).max(1000),
  statistics: z.array(z.enum(MPC_STATISTICS)).min(1).max(MPC_STATISTICS.length),
  /** Each row's value (in the product's unit) is clamped to [lo, hi]. */
  bounds: z.tuple([z.number().finite(), z.number().finite()]),
  /** ε per noised statistic (count, sum, sum of squares), charged at every party's budget. */
  epsilon: z.number().min(0.05).max(10),
});
export type TJointStatisticsLogic = z.infer<typeof ZJointStatisticsLogic>;

/**
 * A joint-statistics product (MPC across enclave nodes). Its datasetCode is the coordinator's
 * dataset; every party's fields must be declared in fieldsUsed (group_by / aggregate / filter);
 * the columns are "group" then the statistics; the rule is k on the joint groups (the release
 * also carries discrete-Laplace noise at ε / Σ rowsPerUnit).
 */
export const ZJointStatisticsProductManifest = z
  .object({
    ...manifestBase,
    deliveryForm: z.literal("joint_statistics"),
    logic: ZJointStatisticsLogic,
    privacyRule: ZMinGroupSizeRule,
  })
  .superRefine((m, ctx) => {
    const parties = m.logic.parties;
    const coordinator = parties.find((p) => p.node === m.logic.coordinator);
    if (!coordinator)
      ctx.addIssue({
        code: "custom",
        path: ["logic", "coordinator"],
        message: "the coordinator must be a party",
      });
    else if (coordinator.datasetCode !== m.datasetCode)
      ctx.addIssue({
        code: "custom",
        path: ["datasetCode"],
        message: `must be the coordinator's dataset (${coordinator.datasetCode})`,
      });
    if (new Set(parties.map((p) => p.node)).size !== parties.length)
      ctx.addIssue({ code: "custom", path: ["logic", "parties"], message: "each node may appear once" });
    if (new Set(m.logic.groups).size !== m.logic.groups.length)
      ctx.addIssue({ code: "custom", path: ["logic", "groups"], message: "groups must be distinct" });
    if (new Set(m.logic.statistics).size !== m.logic.statistics.length)
      ctx.addIssue({ code: "custom", path: ["logic", "statistics"], message: "statistics must be distinct" });
    if (m.logic.bounds[0] > m.logic.bounds[1])
      ctx.addIssue({ code: "custom", path: ["logic", "bounds"], message: "lo must not exceed hi" });
    const read = new Set(
      parties.flatMap((p) => [p.groupField, p.valueField, ...p.filters.map((f) => f.field)]),
    );
    const declared = checkFieldsUsed(m.fieldsUsed, ["group_by", "aggregate", "filter"], read, ctx);
    for (const [i, p] of parties.entries()) {
      if (declared.get(p.groupField) !== "group_by")
        ctx.addIssue({
          code: "custom",
          path: ["logic", "parties", i, "groupField"],
          message: `field "${p.groupField}" must be declared in fieldsUsed with usage "group_by"`,
        });
      if (declared.get(p.valueField) !== "aggregate")
        ctx.addIssue({
          code: "custom",
          path: ["logic", "parties", i, "valueField"],
          message: `field "${p.valueField}" must be declared in fieldsUsed with usage "aggregate"`,
        });
    }
    checkColumns(
      m.columns,
      [{ key: "group", kind: "dimension" }, ...m.logic.statistics.map((key) => ({ key, kind: "measure" }))],
      ctx,
      '"group" then the statistics',
    );
  });

export const ZProductManifest = z.discriminatedUnion("deliveryForm", [
  ZAggregateProductManifest,
  ZSetIntersectionProductManifest,
  ZEncryptedQueryProductManifest,
  ZJointStatisticsProductManifest,
]);
export type TProductManifest = z.infer<typeof ZProductManifest>;
export type TAggregateProductManifest = z.infer<typeof ZAggregateProductManifest>;
export type TSetIntersectionProductManifest = z.infer<typeof ZSetIntersectionProductManifest>;
export type TEncryptedQueryProductManifest = z.infer<typeof ZEncryptedQueryProductManifest>;
export type TJointStatisticsProductManifest = z.infer<typeof ZJointStatisticsProductManifest>;
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
