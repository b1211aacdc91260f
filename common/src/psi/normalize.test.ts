/**
 * Normalization: what each format folds together (and what it keeps apart), idempotence, and the
 * set semantics of normalizePsiItems (empties and duplicates dropped, first-seen order kept).
 */
import { describe, expect, it } from "vitest";
import { normalizePsiItem, normalizePsiItems, PSI_ITEM_FORMATS, type TPsiItemFormat } from "./normalize";

describe("normalizePsiItem", () => {
  it.each<[TPsiItemFormat, string, string]>([
    ["uscc", " 91350100m000100y3x\t", "91350100M000100Y3X"],
    ["uscc", "９１３５０１００Ｍ０００１００Ｙ３Ｘ", "91350100M000100Y3X"], // full-width (NFKC)
    ["resident_id", "11010519491231002x", "11010519491231002X"],
    ["resident_id", " 110105194912310021 ", "110105194912310021"],
    ["mobile", "+86 138-0013-8000", "13800138000"],
    ["mobile", "0086 13800138000", "13800138000"],
    ["mobile", "138 0013 8000", "13800138000"],
    ["plate", " 粤b·12345 ", "粤B12345"],
    ["plate", "京A-88888", "京A88888"],
    ["generic", "  Cafe\u0301 ", "Café"], // NFC composes e + combining acute
    ["generic", "a  b", "a  b"], // inner spaces kept
  ])("%s: %j → %j", (format, raw, expected) => {
    expect(normalizePsiItem(format, raw)).toBe(expected);
  });

  it("keeps apart what a format does not fold", () => {
    expect(normalizePsiItem("generic", "abc")).not.toBe(normalizePsiItem("generic", "ABC"));
    expect(normalizePsiItem("uscc", "9135 0100")).toBe("9135 0100"); // no inner-space removal for codes
    expect(normalizePsiItem("mobile", "+8613800138000123")).toBe("+8613800138000123"); // not 11 digits
  });

  it("is idempotent for every format", () => {
    const samples = [" 91350100m000100y3x ", "+86 138-0013-8000", "粤b·12345", "Cafe\u0301", "", "   ", "x"];
    for (const format of PSI_ITEM_FORMATS) {
      for (const raw of samples) {
        const once = normalizePsiItem(format, raw);
        expect(normalizePsiItem(format, once)).toBe(once);
      }
    }
  });
});

describe("normalizePsiItems", () => {
  it("drops empty and duplicate items after normalization, keeping first-seen order", () => {
    const result = normalizePsiItems("uscc", [
      "91350100M000100Y3X",
      " 91350100m000100y3x",
      "",
      null,
      "   ",
      "911100001000001234",
      undefined,
      "911100001000001234",
    ]);
    expect(result).toEqual({ items: ["91350100M000100Y3X", "911100001000001234"], empty: 4, duplicates: 2 });
  });
});
