"use client";

import { useI18n } from "@/lib/i18n/i18n-provider";

/** 已上链 / 待上链 as a coloured tag. */
export function AnchorStatusTag({ status }: { status: "pending" | "anchored" }) {
  const { t } = useI18n();
  return (
    <span className={status === "anchored" ? "tag tag-ok" : "tag tag-pending"} data-anchor-status={status}>
      {t(`audit.anchor.${status}`)}
    </span>
  );
}
