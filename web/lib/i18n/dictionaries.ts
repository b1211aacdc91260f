import { en } from "./en";
import type { TDictionary, TLocale, TLocalizedText, TMessageKey } from "./types";
import { zhCN } from "./zh-CN";

const DICTIONARIES: Record<TLocale, TDictionary> = { "zh-CN": zhCN, en };

/** Values substituted for `{name}` placeholders in a message. */
export type TMessageValues = Record<string, string | number>;

/** A translator bound to one locale: `t("run.suppressedNotice", { n: 3, k: 10 })`. */
export type TTranslate = (key: TMessageKey, values?: TMessageValues) => string;

/** Builds the translator for a locale; unknown placeholders are left as written. */
export function createTranslator(locale: TLocale): TTranslate {
  const dictionary = DICTIONARIES[locale];
  return (key, values) => {
    const message = dictionary[key];
    if (!values) return message;
    return message.replace(/\{(\w+)\}/g, (whole, name: string) =>
      name in values ? String(values[name]) : whole,
    );
  };
}

/** Picks the side of an API-delivered {zh, en} text that matches the locale. */
export function pickLocalized(text: TLocalizedText, locale: TLocale): string {
  return locale === "en" ? text.en : text.zh;
}

/** Units the API writes in Chinese, mapped to their catalogue keys. */
const UNIT_KEYS: Record<string, TMessageKey> = {
  万元: "unit.tenThousandYuan",
  元: "unit.yuan",
  家: "unit.enterprises",
};

/** A unit from the API in the locale's words (unknown units are shown as given). */
export function localizeUnit(unit: string, t: TTranslate): string {
  const key = UNIT_KEYS[unit];
  return key ? t(key) : unit;
}
