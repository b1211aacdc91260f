"use client";

import { useI18n } from "@/lib/i18n/i18n-provider";

/** Last-resort boundary for a page that threw while rendering; shows no internals. */
export default function PageError({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const { t } = useI18n();
  return (
    <div className="page">
      <div className="notice notice-error" role="alert" data-testid="page-error">
        <strong>{t("common.error")}</strong>{" "}
        <button type="button" className="button button-small" onClick={reset}>
          {t("common.retry")}
        </button>
      </div>
    </div>
  );
}
