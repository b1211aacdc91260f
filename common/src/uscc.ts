/**
 * Unified social credit codes (统一社会信用代码), GB 32100-2015. 18 characters:
 * registration authority (1) + entity type (1) + administrative division (6) + organization code
 * (9, itself carrying a GB 11714 check character) + check character (1).
 */

/** The 31 characters allowed (no I, O, S, V, Z). */
export const USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/** The GB 32100 check character for the first 17 characters. Throws naming a bad character. */
export function usccCheckChar(first17: string): string {
  if (first17.length !== 17) throw new RangeError(`uscc: expected 17 characters, got ${first17.length}`);
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = USCC_CHARSET.indexOf(first17[i]!);
    if (v < 0)
      throw new RangeError(
        `uscc: character ${JSON.stringify(first17[i])} at position ${i + 1} is not allowed`,
      );
    sum += v * WEIGHTS[i]!;
  }
  return USCC_CHARSET[(31 - (sum % 31)) % 31]!;
}

/** GB 11714 check character of an 8-character organization code body (digits and A–Z). */
export function orgCodeCheckChar(body8: string): string {
  if (!/^[0-9A-Z]{8}$/.test(body8)) throw new RangeError(`org code body must be 8 of [0-9A-Z], got ${body8}`);
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const c = body8.charCodeAt(i);
    const v = c <= 57 ? c - 48 : c - 55;
    sum += v * ORG_WEIGHTS[i]!;
  }
  const r = 11 - (sum % 11);
  return r === 10 ? "X" : r === 11 ? "0" : String(r);
}

/** Why a code is invalid, or null when it is a valid unified social credit code. */
export function usccProblem(code: string): string | null {
  if (typeof code !== "string") return "not a string";
  if (code.length !== 18) return `must be 18 characters, got ${code.length}`;
  for (let i = 0; i < 18; i++) {
    if (!USCC_CHARSET.includes(code[i]!))
      return `character ${JSON.stringify(code[i])} at position ${i + 1} is not allowed`;
  }
  if (!/^\d{6}$/.test(code.slice(2, 8)))
    return "positions 3–8 must be a 6-digit administrative division code";
  const expected = usccCheckChar(code.slice(0, 17));
  if (code[17] !== expected) return `check character should be ${expected}, got ${code[17]}`;
  return null;
}

/** True when `code` is a valid unified social credit code. */
export function isValidUscc(code: string): boolean {
  return usccProblem(code) === null;
}

/** Builds a complete code from its parts (organization code check char and USCC check char computed). */
export function buildUscc(parts: {
  authority: string;
  entityType: string;
  division: string;
  orgBody8: string;
}): string {
  const org = parts.orgBody8 + orgCodeCheckChar(parts.orgBody8);
  const first17 = parts.authority + parts.entityType + parts.division + org;
  return first17 + usccCheckChar(first17);
}

/**
 * Why an organization code (组织机构代码, GB 11714: 8 characters + check character, often
 * written "XXXXXXXX-X") is invalid, or null when valid. Departments carry one as their agency code.
 */
export function agencyCodeProblem(code: string): string | null {
  if (typeof code !== "string") return "not a string";
  const bare = code.replace("-", "");
  if (!/^[0-9A-Z]{9}$/.test(bare)) return "must be 8 digits or capital letters followed by a check character";
  const expected = orgCodeCheckChar(bare.slice(0, 8));
  if (bare[8] !== expected) return `check character should be ${expected}, got ${bare[8]}`;
  return null;
}
