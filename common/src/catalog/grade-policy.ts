/**
 * What a field may be authorized for, by its grade and the computation mode of the scenario
 * (分级授权). The dataset's attributes come first: data prohibited from opening and data that is
 * not shareable cannot be authorized at all; a suppressed field never.
 *
 * |           | sandbox (aggregate)             | he  | mpc | verification |
 * | general   | yes                             | yes | yes | yes          |
 * | important | aggregate only, min group size  | yes | yes | yes          |
 * | core      | no                              | yes | yes | yes          |
 */
import type { TDatasetEntry, TDatasetField, TDescribedLabel } from "./dataset-entry";

/** How an operator's scenario computes on the data. */
export const COMPUTE_MODES = ["sandbox", "he", "mpc", "verification"] as const;
export type TComputeMode = (typeof COMPUTE_MODES)[number];

export const COMPUTE_MODE_LABELS: Readonly<Record<TComputeMode, TDescribedLabel>> = {
  sandbox: {
    zh: "沙箱聚合计算",
    en: "Sandbox aggregation",
    description: {
      zh: "在安全域内对明文进行聚合计算，仅输出满足最小分组规模的统计结果。",
      en: "Aggregates plain values inside the secure domain; only statistics that meet the minimum group size leave it.",
    },
  },
  he: {
    zh: "同态加密计算",
    en: "Homomorphic encryption",
    description: {
      zh: "在密文上计算，参与方看不到明文。",
      en: "Computes on ciphertexts; no party sees plain values.",
    },
  },
  mpc: {
    zh: "多方安全计算",
    en: "Multi-party computation",
    description: {
      zh: "各方以秘密分享方式协同计算，任何一方都看不到他方明文。",
      en: "Parties compute jointly on secret shares; none sees another's plain values.",
    },
  },
  verification: {
    zh: "核验",
    en: "Verification",
    description: {
      zh: "只回答提交的值与源数据是否一致（是/否），不返回数据本身。",
      en: "Answers only whether a submitted value matches the source (yes/no); returns no data.",
    },
  },
};

/** How a field can be used in a computation mode. */
export const FIELD_ACCESS_KINDS = [
  "aggregate",
  "aggregate_min_group",
  "encrypted",
  "secret_shared",
  "match_only",
  "never",
] as const;
export type TFieldAccess = (typeof FIELD_ACCESS_KINDS)[number];

export const FIELD_ACCESS_LABELS: Readonly<Record<TFieldAccess, TDescribedLabel>> = {
  aggregate: {
    zh: "可聚合",
    en: "Aggregate",
    description: { zh: "可在沙箱内聚合计算。", en: "May be aggregated in the sandbox." },
  },
  aggregate_min_group: {
    zh: "仅聚合（最小分组）",
    en: "Aggregate, minimum group size",
    description: {
      zh: "仅可出现在满足最小分组规模的聚合结果中。",
      en: "Only in aggregates whose groups meet the minimum size.",
    },
  },
  encrypted: {
    zh: "仅密文",
    en: "Encrypted only",
    description: { zh: "仅以同态密文参与计算。", en: "Takes part only as homomorphic ciphertext." },
  },
  secret_shared: {
    zh: "仅秘密分享",
    en: "Secret-shared only",
    description: { zh: "仅以秘密分享形式参与多方计算。", en: "Takes part only as secret shares." },
  },
  match_only: {
    zh: "仅核验",
    en: "Match only",
    description: { zh: "仅用于一致性核验（是/否）。", en: "Only used to answer yes/no matches." },
  },
  never: {
    zh: "不可授权",
    en: "Never",
    description: { zh: "在此模式下不能被授权。", en: "Cannot be authorized in this mode." },
  },
};

/** How `field` can be used in `mode`, by its grade and masking alone (see `datasetAuthorizationBlock`). */
export function fieldAccess(
  field: Pick<TDatasetField, "grade" | "masking">,
  mode: TComputeMode,
): TFieldAccess {
  if (field.masking === "suppress") return "never";
  switch (mode) {
    case "sandbox":
      return field.grade === "general"
        ? "aggregate"
        : field.grade === "important"
          ? "aggregate_min_group"
          : "never";
    case "he":
      return "encrypted";
    case "mpc":
      return "secret_shared";
    case "verification":
      return "match_only";
  }
}

/** Why nothing of the dataset may be authorized, or null when its attributes allow authorization. */
export function datasetAuthorizationBlock(
  entry: Pick<TDatasetEntry, "code" | "open" | "sharing">,
): string | null {
  if (entry.open.attribute === "prohibited")
    return `dataset ${entry.code}: its open attribute is "prohibited" (禁止开放), so none of its fields may be authorized`;
  if (entry.sharing.attribute === "not_shareable")
    return `dataset ${entry.code}: its sharing attribute is "not_shareable" (不予共享), so none of its fields may be authorized`;
  return null;
}

/**
 * Why `fieldNames` of `entry` may not be authorized for `mode` (empty when they may): the dataset
 * is prohibited from opening or not shareable, no field is asked for, a field is unknown, a field
 * is suppressed, or a core field is asked for sandbox computation. Every problem names the field.
 */
export function authorizableProblems(
  entry: TDatasetEntry,
  fieldNames: readonly string[],
  mode: TComputeMode,
): string[] {
  const problems: string[] = [];
  const block = datasetAuthorizationBlock(entry);
  if (block) problems.push(block);
  if (fieldNames.length === 0) problems.push(`dataset ${entry.code}: no fields requested`);
  const byName = new Map(entry.fields.map((f) => [f.name, f]));
  for (const name of new Set(fieldNames)) {
    const field = byName.get(name);
    if (!field) {
      problems.push(`dataset ${entry.code} has no field "${name}"`);
      continue;
    }
    if (block) continue;
    if (fieldAccess(field, mode) !== "never") continue;
    problems.push(
      field.masking === "suppress"
        ? `dataset ${entry.code}, field "${name}": its masking is "suppress" (不提供), so it can never be authorized`
        : `dataset ${entry.code}, field "${name}" is core data (核心数据): not authorizable for ${mode} computation (only he, mpc or verification)`,
    );
  }
  return problems;
}

/** The fields of `entry` that may be authorized for `mode` (none when the dataset is blocked). */
export function authorizableFields(entry: TDatasetEntry, mode: TComputeMode): string[] {
  if (datasetAuthorizationBlock(entry)) return [];
  return entry.fields.filter((f) => fieldAccess(f, mode) !== "never").map((f) => f.name);
}
