import { describe, expect, it } from "vitest";
import {
  agencyCodeProblem,
  buildUscc,
  isValidUscc,
  orgCodeCheckChar,
  usccCheckChar,
  usccProblem,
} from "./uscc";

// Published codes of real enterprises (business licences shown on their public websites).
const KNOWN_VALID = ["91330100716105852F", "9144030071526726XG", "914403001922038216", "91110000600037341L"];

describe("GB 32100 unified social credit code", () => {
  it.each(KNOWN_VALID)("accepts the published code %s", (code) => {
    expect(usccProblem(code)).toBeNull();
    expect(usccCheckChar(code.slice(0, 17))).toBe(code[17]);
  });

  it("rejects a code whose check character is wrong and names the expected one", () => {
    expect(usccProblem("91330100716105852A")).toBe("check character should be F, got A");
  });

  it("rejects forbidden characters with their position", () => {
    expect(usccProblem("9I330100716105852F")).toMatch(/position 2/);
    expect(usccProblem("91330100716105852O")).toMatch(/position 18/);
  });

  it("rejects wrong length and a non-numeric division code", () => {
    expect(usccProblem("9133010071610585")).toMatch(/18 characters/);
    expect(usccProblem("91A30100716105852F")).toMatch(/administrative division/);
  });

  it("builds codes that validate, with a GB 11714 organization-code check character", () => {
    const code = buildUscc({ authority: "9", entityType: "1", division: "440307", orgBody8: "MA5F0X2K" });
    expect(code).toHaveLength(18);
    expect(isValidUscc(code)).toBe(true);
    // 71610585 → check digit 2 in the published code 91330100716105852F
    expect(orgCodeCheckChar("71610585")).toBe("2");
    expect(orgCodeCheckChar("71526726")).toBe("X");
  });

  it("flags any single-character change of a valid code", () => {
    const code = KNOWN_VALID[0]!;
    for (let i = 0; i < 17; i++) {
      const c = code[i] === "1" ? "2" : "1";
      const changed = code.slice(0, i) + c + code.slice(i + 1);
      expect(isValidUscc(changed), changed).toBe(false);
    }
  });
});

describe("GB 11714 organization (agency) code", () => {
  it("accepts a code with its computed check character, with or without the hyphen", () => {
    const body = "00750012";
    const code = `${body}${orgCodeCheckChar(body)}`;
    expect(agencyCodeProblem(code)).toBeNull();
    expect(agencyCodeProblem(`${body}-${orgCodeCheckChar(body)}`)).toBeNull();
  });

  it("names a wrong check character and a malformed code", () => {
    const body = "00750012";
    const right = orgCodeCheckChar(body);
    const wrong = right === "1" ? "2" : "1";
    expect(agencyCodeProblem(`${body}${wrong}`)).toBe(`check character should be ${right}, got ${wrong}`);
    expect(agencyCodeProblem("0075001")).toMatch(/must be 8 digits or capital letters/);
    expect(agencyCodeProblem("0075001a2")).toMatch(/must be 8 digits or capital letters/);
  });
});
