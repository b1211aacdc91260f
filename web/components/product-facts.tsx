"use client";

import { useI18n } from "@/lib/i18n/i18n-provider";

/** The privacy rule in words, e.g. "最小分组 k = 10，不足 10 家企业的单元格不予输出". */
export function PrivacyRuleText({ rule }: { rule: { kind: "min-group-size"; k: number } }) {
  const { t } = useI18n();
  return <span data-testid="privacy-rule">{t("privacy.minGroupSize", { k: rule.k })}</span>;
}

/** The delivery form in words. */
export function DeliveryFormText({ form }: { form: "authorized_query" }) {
  const { t } = useI18n();
  return <span>{t(`delivery.${form}`)}</span>;
}
