"use client";

import { useI18n } from "@/lib/i18n/i18n-provider";

/** A product's privacy rule as the API delivers it (products/manifest.ts ZPrivacyRule). */
export type TPrivacyRuleView =
  | { kind: "min-group-size"; k: number }
  | {
      kind: "set-membership";
      reveals: "intersection" | "cardinality";
      maxBuyerItems: number;
      minBuyerItems: number;
    }
  | { kind: "encrypted-input"; reveals: "per-entity" | "subset-aggregate" };

/** The privacy rule in words, e.g. "最小分组 k = 10，不足 10 家企业的单元格不予输出". */
export function PrivacyRuleText({ rule }: { rule: TPrivacyRuleView }) {
  const { t, formatNumber } = useI18n();
  if (rule.kind === "min-group-size")
    return <span data-testid="privacy-rule">{t("privacy.minGroupSize", { k: rule.k })}</span>;
  if (rule.kind === "encrypted-input")
    return <span data-testid="privacy-rule">{t(`privacy.encryptedInput.${rule.reveals}`)}</span>;
  return (
    <span data-testid="privacy-rule">
      {t(`privacy.setMembership.${rule.reveals}`)}（
      {rule.minBuyerItems > 1
        ? t("privacy.setMembership.range", {
            min: formatNumber(rule.minBuyerItems, 0),
            max: formatNumber(rule.maxBuyerItems, 0),
          })
        : t("privacy.setMembership.limit", { max: formatNumber(rule.maxBuyerItems, 0) })}
      ）
    </span>
  );
}

/** The delivery form in words. */
export function DeliveryFormText({
  form,
}: {
  form: "authorized_query" | "private_set_intersection" | "encrypted_query" | "joint_statistics";
}) {
  const { t } = useI18n();
  return <span>{t(`delivery.${form}`)}</span>;
}
