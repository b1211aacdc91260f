import { describe, expect, it } from "vitest";
import { createTranslator, localizeUnit, pickLocalized } from "./dictionaries";
import { en } from "./en";
import { parseLocale } from "./types";
import { zhCN } from "./zh-CN";

const placeholders = (message: string) => [...message.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("dictionaries", () => {
  it("have the same keys and the same placeholders in every message", () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zhCN).sort());
    for (const key of Object.keys(zhCN) as (keyof typeof zhCN)[]) {
      expect(placeholders(en[key]), key).toEqual(placeholders(zhCN[key]));
      expect(en[key].trim(), key).not.toBe("");
    }
  });

  it("fill placeholders and word the privacy rule as the product page shows it", () => {
    expect(createTranslator("zh-CN")("privacy.minGroupSize", { k: 10 })).toBe(
      "最小分组 k = 10，不足 10 家企业的单元格不予输出",
    );
    expect(createTranslator("en")("run.suppressedNotice", { n: 3, k: 10, released: 160 })).toContain(
      "3 cells were withheld",
    );
  });

  it("default to zh-CN for any unknown locale cookie", () => {
    expect(parseLocale(undefined)).toBe("zh-CN");
    expect(parseLocale("fr")).toBe("zh-CN");
    expect(parseLocale("en")).toBe("en");
  });

  it("pick the locale's side of API texts and translate known units", () => {
    expect(pickLocalized({ zh: "法人基础库", en: "Legal-entity base library" }, "en")).toBe(
      "Legal-entity base library",
    );
    expect(localizeUnit("万元", createTranslator("en"))).toBe("10k CNY");
    expect(localizeUnit("万元", createTranslator("zh-CN"))).toBe("万元");
    expect(localizeUnit("吨", createTranslator("en"))).toBe("吨");
  });
});
