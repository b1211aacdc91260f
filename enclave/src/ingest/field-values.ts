/**
 * Checks one raw value of an uploaded row against its registered field and returns its
 * canonical text (stored-dataset.ts): text as is in NFC; integer and numeric as plain decimals
 * without leading or trailing zeros ("12.5", "3", "-0.25"); date "YYYY-MM-DD" (a day that
 * exists); boolean "true"/"false". An empty value is null, allowed only for nullable fields.
 * Then the field's `values` list and identifier `format` are checked. Reasons name the rule
 * broken, never the value.
 */

import { USCC_CHARSET, usccCheckChar } from "@pdx/common/uscc";
import type { TVaultField } from "@pdx/common/vault-api";

export type TValueCheck = { ok: true; text: string | null } | { ok: false; reason: string };

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);
/** Longest numeric accepted (digits and sign): far beyond any real value, bounded for safety. */
const MAX_NUMERIC_CHARS = 200;
const RESIDENT_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const RESIDENT_ID_CHECK = "10X98765432";

/** The canonical decimal of a string already matching DECIMAL. */
function canonicalDecimal(raw: string): string {
  let sign = "";
  let body = raw;
  if (body[0] === "+" || body[0] === "-") {
    sign = body[0] === "-" ? "-" : "";
    body = body.slice(1);
  }
  const dot = body.indexOf(".");
  let int = dot < 0 ? body : body.slice(0, dot);
  let frac = dot < 0 ? "" : body.slice(dot + 1);
  int = int.replace(/^0+/, "") || "0";
  frac = frac.replace(/0+$/, "");
  const text = frac ? `${int}.${frac}` : int;
  return text === "0" ? "0" : sign + text;
}

function checkUscc(code: string): string | null {
  if (code.length !== 18) return `not a valid USCC (must be 18 characters, got ${code.length})`;
  for (let i = 0; i < 18; i++) {
    if (!USCC_CHARSET.includes(code[i]!)) return `not a valid USCC (character ${i + 1} is not allowed)`;
  }
  if (!/^\d{6}$/.test(code.slice(2, 8))) return "not a valid USCC (characters 3–8 must be a division code)";
  if (usccCheckChar(code.slice(0, 17)) !== code[17]) return "not a valid USCC (check character)";
  return null;
}

function checkResidentId(id: string): string | null {
  if (!/^\d{17}[\dX]$/.test(id)) {
    return "not a valid resident id (must be 17 digits and a check digit or X)";
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (id.charCodeAt(i) - 48) * RESIDENT_ID_WEIGHTS[i]!;
  if (RESIDENT_ID_CHECK[sum % 11] !== id[17]) return "not a valid resident id (check character)";
  return null;
}

function checkFormat(format: TVaultField["format"], text: string): string | null {
  switch (format) {
    case "uscc":
      return checkUscc(text);
    case "resident_id":
      return checkResidentId(text);
    case "mobile":
      return /^\d{11}$/.test(text) ? null : "not a valid mobile number (must be 11 digits)";
    default:
      return null;
  }
}

/** Checks and canonicalizes one value; see the module comment. */
export function checkValue(field: TVaultField, raw: string | null): TValueCheck {
  if (raw === null || raw === "") {
    return field.nullable ? { ok: true, text: null } : { ok: false, reason: "is required (empty)" };
  }
  let text: string;
  switch (field.type) {
    case "text":
      text = raw.normalize("NFC");
      break;
    case "integer": {
      if (!INTEGER.test(raw) || raw.length > 30) return { ok: false, reason: "not an integer" };
      const n = BigInt(raw);
      if (n > INT64_MAX || n < INT64_MIN) return { ok: false, reason: "integer out of range (64-bit)" };
      text = n.toString();
      break;
    }
    case "numeric":
      if (!DECIMAL.test(raw))
        return { ok: false, reason: "not a decimal number (digits, one optional point)" };
      if (raw.length > MAX_NUMERIC_CHARS) return { ok: false, reason: "decimal number too long" };
      text = canonicalDecimal(raw);
      break;
    case "date": {
      const m = DATE.exec(raw);
      if (!m) return { ok: false, reason: "not a date (YYYY-MM-DD)" };
      const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
      const day = new Date(Date.UTC(y, mo - 1, d));
      if (y < 1 || day.getUTCFullYear() !== y || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d) {
        return { ok: false, reason: "not a date that exists" };
      }
      text = raw;
      break;
    }
    case "boolean":
      if (raw !== "true" && raw !== "false")
        return { ok: false, reason: 'not a boolean ("true" or "false")' };
      text = raw;
      break;
  }
  if (field.values && !field.values.includes(text)) {
    return { ok: false, reason: "not one of the field's allowed values" };
  }
  if (field.format) {
    const problem = checkFormat(field.format, text);
    if (problem) return { ok: false, reason: problem };
  }
  return { ok: true, text };
}
