/**
 * The vault writes its row errors and upload failures in English (they are part of its API and
 * of its logs). This maps the known ones to catalogue keys, so a zh-CN page can say them in
 * Chinese; the vault's own words stay shown next to them. Unknown texts map to null.
 */
import type { TMessageKey } from "@/lib/i18n/types";

type TReasonRule = [RegExp, TMessageKey, (m: RegExpExecArray) => Record<string, string>];

const none = () => ({});

/** Row-level reasons (enclave/src/ingest: field-values.ts, row-sources.ts). */
const ROW_RULES: TReasonRule[] = [
  [
    /^not a valid USCC \(must be 18 characters, got (\d+)\)$/,
    "vault.reason.usccLength",
    (m) => ({ n: m[1]! }),
  ],
  [/^not a valid USCC \(character (\d+) is not allowed\)$/, "vault.reason.usccChar", (m) => ({ n: m[1]! })],
  [/^not a valid USCC \(characters 3–8 must be a division code\)$/, "vault.reason.usccDivision", none],
  [/^not a valid USCC \(check character\)$/, "vault.reason.usccCheck", none],
  [/^not a valid resident id \(check character\)$/, "vault.reason.idCheck", none],
  [/^not a valid resident id/, "vault.reason.idFormat", none],
  [/^is required \(empty\)$/, "vault.reason.required", none],
  [/^not an integer$/, "vault.reason.integer", none],
  [/^integer out of range/, "vault.reason.integerRange", none],
  [/^not a decimal number/, "vault.reason.decimal", none],
  [/^decimal number too long$/, "vault.reason.decimalLong", none],
  [/^not a date \(YYYY-MM-DD\)$/, "vault.reason.date", none],
  [/^not a date that exists$/, "vault.reason.dateExists", none],
  [/^not a boolean/, "vault.reason.boolean", none],
  [/^not one of the field's allowed values$/, "vault.reason.enum", none],
  [/^key missing$/, "vault.reason.keyMissing", none],
  [/^unknown key/, "vault.reason.unknownKey", none],
  [/^the line is not a JSON object$/, "vault.reason.notObject", none],
  [/^has (\d+) columns, the header has (\d+)$/, "vault.reason.columnCount", (m) => ({ n: m[1]!, k: m[2]! })],
  [/^malformed CSV/, "vault.reason.malformedCsv", none],
  [/^must be a string, number, boolean or null$/, "vault.reason.jsonType", none],
  [/^number too large to be exact in JSON/, "vault.reason.jsonNumber", none],
];

/** Whole-upload failures (enclave/src/ingest: row-sources.ts, csv-parser.ts, ingest-failure.ts). */
const FAILURE_RULES: TReasonRule[] = [
  [/^the header row must name exactly the registered fields/, "vault.reason.header", none],
  [/^the header row is malformed/, "vault.reason.headerMalformed", none],
  [/^the file is empty/, "vault.reason.empty", none],
  [/^the file holds no data rows$/, "vault.reason.noRows", none],
  [/^the file is not valid UTF-8 text/, "vault.reason.utf8", none],
  [/never closed \(missing quote\)$/, "vault.reason.quote", none],
  [/is longer than \d+ characters/, "vault.reason.tooLong", none],
  [/^the staged file of this upload was lost/, "vault.reason.lost", none],
];

function match(
  rules: TReasonRule[],
  text: string,
): { key: TMessageKey; values: Record<string, string> } | null {
  for (const [pattern, key, values] of rules) {
    const m = pattern.exec(text);
    if (m) return { key, values: values(m) };
  }
  return null;
}

/** A row error's reason as a catalogue key and its values, or null when not a known one. */
export const rowReasonKey = (reason: string) => match(ROW_RULES, reason);

/** An upload failure as a catalogue key and its values, or null when not a known one. */
export const failureKey = (failure: string) => match(FAILURE_RULES, failure);
