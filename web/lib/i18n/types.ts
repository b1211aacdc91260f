import type { zhCN } from "./zh-CN";

/** A key of the message catalogue (the zh-CN dictionary defines them). */
export type TMessageKey = keyof typeof zhCN;

/** A complete dictionary: every key, no other. */
export type TDictionary = Record<TMessageKey, string>;

/** The locales the UI speaks; zh-CN is the default. */
export const LOCALES = ["zh-CN", "en"] as const;
export type TLocale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: TLocale = "zh-CN";

/** Name of the cookie that remembers the chosen locale. */
export const LOCALE_COOKIE = "pdx_lang";

/** A text the API delivers in both languages. */
export interface TLocalizedText {
  zh: string;
  en: string;
}

/** Reads a locale from a cookie value, falling back to the default for anything unknown. */
export function parseLocale(value: string | undefined | null): TLocale {
  return value === "en" ? "en" : DEFAULT_LOCALE;
}
