import type { TTranslate } from "@/lib/i18n/dictionaries";

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/**
 * A duration in the largest fitting unit: minutes under an hour, hours under two days, days
 * otherwise (one decimal at most, via `formatNumber`).
 */
export function formatDuration(
  ms: number,
  t: TTranslate,
  formatNumber: (value: number, maxFractionDigits?: number) => string,
): string {
  if (ms < HOUR_MS) return t("demands.duration.minutes", { n: formatNumber(Math.round(ms / MINUTE_MS), 0) });
  if (ms < 2 * DAY_MS) return t("demands.duration.hours", { n: formatNumber(ms / HOUR_MS, 1) });
  return t("demands.duration.days", { n: formatNumber(ms / DAY_MS, 1) });
}
