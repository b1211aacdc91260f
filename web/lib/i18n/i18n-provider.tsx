"use client";

import { useRouter } from "next/navigation";
import { createContext, type ReactNode, useCallback, useContext, useMemo } from "react";
import { createTranslator, pickLocalized, type TTranslate } from "./dictionaries";
import { LOCALE_COOKIE, type TLocale, type TLocalizedText } from "./types";

interface TI18nContext {
  locale: TLocale;
  t: TTranslate;
  /** The locale's side of a {zh, en} text from the API. */
  pick: (text: TLocalizedText) => string;
  /** Formats a number for the locale (grouping; at most `maxFractionDigits` decimals). */
  formatNumber: (value: number, maxFractionDigits?: number) => string;
  /** Formats an ISO timestamp as a local date and time. */
  formatDateTime: (iso: string) => string;
  setLocale: (locale: TLocale) => void;
}

const I18nContext = createContext<TI18nContext | null>(null);

/**
 * Gives client components the locale chosen on the server (from the `pdx_lang` cookie). Switching
 * writes the cookie and refreshes the server components, so both sides agree.
 */
export function I18nProvider({ locale, children }: { locale: TLocale; children: ReactNode }) {
  const router = useRouter();
  const setLocale = useCallback(
    (next: TLocale) => {
      // biome-ignore lint/suspicious/noDocumentCookie: a plain, non-sensitive preference cookie.
      document.cookie = `${LOCALE_COOKIE}=${next}; path=/; max-age=31536000; samesite=lax`;
      document.documentElement.lang = next;
      router.refresh();
    },
    [router],
  );
  const value = useMemo<TI18nContext>(() => {
    const intlLocale = locale === "en" ? "en-US" : "zh-CN";
    const numberFormats = new Map<number, Intl.NumberFormat>();
    const dateFormat = new Intl.DateTimeFormat(intlLocale, {
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hour12: false,
    });
    return {
      locale,
      t: createTranslator(locale),
      pick: (text) => pickLocalized(text, locale),
      formatNumber: (n, maxFractionDigits = 2) => {
        let format = numberFormats.get(maxFractionDigits);
        if (!format) {
          format = new Intl.NumberFormat(intlLocale, { maximumFractionDigits: maxFractionDigits });
          numberFormats.set(maxFractionDigits, format);
        }
        return format.format(n);
      },
      formatDateTime: (iso) => {
        const date = new Date(iso);
        return Number.isNaN(date.getTime()) ? iso : dateFormat.format(date);
      },
      setLocale,
    };
  }, [locale, setLocale]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

/** The current locale's translator and formatters; only inside I18nProvider. */
export function useI18n(): TI18nContext {
  const context = useContext(I18nContext);
  if (!context) throw new Error("useI18n must be used inside I18nProvider");
  return context;
}
