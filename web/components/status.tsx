"use client";

import { useI18n } from "@/lib/i18n/i18n-provider";
import { describeError, errorCodeOf } from "@/lib/trpc/errors";

/** A quiet placeholder while data loads. */
export function Loading({ label }: { label?: string }) {
  const { t } = useI18n();
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label ?? t("common.loading")}
    </div>
  );
}

/** Shows a failed call's user-safe message (never raw internals), with an optional retry. */
export function ErrorNotice({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  const code = errorCodeOf(error);
  const message = describeError(error, t);
  return (
    <div className="notice notice-error" role="alert" data-testid="error-notice" data-error-code={code ?? ""}>
      <strong>{t("common.error")}</strong> {message}
      {onRetry && (
        <button type="button" className="button button-small" onClick={onRetry}>
          {t("common.retry")}
        </button>
      )}
    </div>
  );
}
