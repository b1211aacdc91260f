import { describe, expect, it } from "vitest";
import { readCookie } from "./app";

describe("readCookie", () => {
  it("finds the named cookie among others", () => {
    expect(readCookie("a=1; pdx_session=tok-en_1; b=2", "pdx_session")).toBe("tok-en_1");
    expect(readCookie("pdx_session=x", "pdx_session")).toBe("x");
  });

  it("returns null when absent, empty or when only a prefix matches", () => {
    expect(readCookie(undefined, "pdx_session")).toBeNull();
    expect(readCookie("", "pdx_session")).toBeNull();
    expect(readCookie("pdx_session=", "pdx_session")).toBeNull();
    expect(readCookie("pdx_session_old=x; other", "pdx_session")).toBeNull();
  });
});
