import { describe, expect, it } from "vitest";
import { matchesQuery, normalizeQuery, queryTerms, searchTextOf } from "./search-text";
import { testDatasetEntry } from "./test-entry";

describe("normalizeQuery and queryTerms", () => {
  it("folds full-width characters (NFKC) and case, and collapses whitespace", () => {
    expect(normalizeQuery("  ＬＥ－ＴＥＳＴ　注册资本\t ")).toBe("le-test 注册资本");
    expect(queryTerms("法人　注册资本  法人")).toEqual(["法人", "注册资本"]);
    expect(queryTerms("   ")).toEqual([]);
  });
});

describe("searchTextOf and matchesQuery", () => {
  const text = searchTextOf(testDatasetEntry(), ["市市场监督管理局"]);

  it("is normalized and holds codes, names, labels, library and category labels, and extras", () => {
    for (const line of text.split("\n")) expect(line).toBe(normalizeQuery(line));
    for (const part of [
      "le-test",
      "法人测试库",
      "legal-entity test library",
      "法人",
      "基础库",
      "市场监管",
      "商事登记",
      "核心数据",
      "有条件共享",
      "有条件开放",
      "注册资本",
      "registered_capital",
      "le.uscc",
      "万元",
      "市市场监督管理局",
    ])
      expect(text).toContain(part);
  });

  it("matches Chinese substrings: every term must occur", () => {
    expect(matchesQuery(text, "法人 注册资本")).toBe(true);
    expect(matchesQuery(text, "资本")).toBe(true);
    expect(matchesQuery(text, "监督管理")).toBe(true);
    expect(matchesQuery(text, "法人 病历")).toBe(false);
    expect(matchesQuery(text, "人口")).toBe(false);
  });

  it("matches full-width and differently cased queries", () => {
    expect(matchesQuery(text, "ＬＥ－ＴＥＳＴ")).toBe(true);
    expect(matchesQuery(text, "REGISTERED_CAPITAL")).toBe(true);
    expect(matchesQuery(text, "Registered　Capital")).toBe(true);
    expect(matchesQuery(text, "ＲＥＰ＿ＭＯＢＩＬＥ")).toBe(true);
    expect(matchesQuery(text, "LE.USCC")).toBe(true);
  });

  it("never matches a term across two parts of the text", () => {
    // "法人测试库" ends one part and "legal-entity…" starts the next.
    expect(matchesQuery(text, "库legal")).toBe(false);
  });

  it("matches everything on an empty query", () => {
    expect(matchesQuery(text, "")).toBe(true);
    expect(matchesQuery(text, " 　")).toBe(true);
  });
});
