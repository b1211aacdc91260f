/**
 * Mock rows for a catalog entry's data dictionary page: generated from the schema alone, never
 * from real data, deterministic for a seed, and plainly fake — organization names read
 * "示例企业0001", person names "张示例", codes use the unassigned division 449900 (a real code
 * never carries it; the synthetic legal-entity register uses 449902–449911), mobile numbers start
 * with the unassigned prefix 100. Each field's masking rule is applied, exactly as it would be when
 * the data leaves its source.
 */
import { sha256Hex } from "../hash";
import { mulberry32 } from "../seeded-random";
import { buildUscc } from "../uscc";
import type { TDatasetEntry, TDatasetField, TMaskingRule } from "./dataset-entry";

/** Most rows one call generates. */
export const MOCK_ROWS_MAX = 50;

export type TMockValue = string | number | boolean | null;
export type TMockRow = Record<string, TMockValue>;

/** Division code of every generated identifier: "4499" is not a real prefecture, "00" no district. */
const FAKE_DIVISION = "449900";
const FAKE_DISTRICTS = ["中心区", "南湾区", "东港区", "西岸区", "北岭区", "新城区", "高新区", "滨海区"];
const SURNAMES = [..."王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"];
const RESIDENT_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const RESIDENT_ID_CHECK = "10X98765432";
const FIRST_DAY = Date.UTC(2015, 0, 1);
const LAST_DAY = Date.UTC(2026, 9, 31);
const DAY_MS = 86_400_000;
/** Days from 1950-01-01 to 2007-12-31: the birth dates of a register's generated resident ids. */
const BIRTH_DAYS = 21_184;

/** The per-field generator (mulberry32). */
const prng = mulberry32;

/** FNV-1a of a string: the per-field seed, so adding a field never changes another's values. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const pad = (n: number, width: number) => String(n).padStart(width, "0");
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function residentIdCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * RESIDENT_ID_WEIGHTS[i]!;
  return RESIDENT_ID_CHECK[sum % 11]!;
}

function rawValue(field: TDatasetField, row: number, next: () => number, salt: number): TMockValue {
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]) => items[int(items.length)]!;
  const dayBetween = (from: number, to: number) =>
    isoDay(from + int(Math.floor((to - from) / DAY_MS) + 1) * DAY_MS);
  const sample = field.sample;
  switch (sample?.kind) {
    case "enum":
      return pick(sample.values);
    case "range": {
      if (field.type === "integer") {
        const lo = Math.ceil(sample.min);
        return lo + int(Math.floor(sample.max) - lo + 1);
      }
      const factor = 10 ** (sample.decimals ?? 2);
      return Math.round((sample.min + next() * (sample.max - sample.min)) * factor) / factor;
    }
    case "date_range":
      return dayBetween(Date.parse(sample.from), Date.parse(sample.to));
    case "identifier":
      // The dataset that is an identifier's authoritative source is its register: one row per
      // value (the vault enforces it), so its values follow the row number instead of the PRNG.
      if (field.authoritative) {
        const unique = uniqueIdentifier(sample.format, row, salt);
        if (unique !== null) return unique;
      }
      switch (sample.format) {
        case "uscc":
          return buildUscc({
            authority: "9",
            entityType: "1",
            division: FAKE_DIVISION,
            orgBody8: `MA${pad(int(1e6), 6)}`,
          });
        case "resident_id": {
          const birth = dayBetween(Date.UTC(1950, 0, 1), Date.UTC(2008, 11, 31)).replaceAll("-", "");
          const first17 = `${FAKE_DIVISION}${birth}${pad(int(1000), 3)}`;
          return first17 + residentIdCheckChar(first17);
        }
        case "mobile":
          return `100${pad(int(1e8), 8)}`;
        case "person_name":
          return `${pick(SURNAMES)}示例`;
        case "org_name":
          return `示例企业${pad(row + 1, 4)}`;
        case "address":
          return `鹏城市${pick(FAKE_DISTRICTS)}示例路${1 + int(200)}号`;
        case "plate":
          return `鹏${pick([..."ABCDEF"])}${pad(int(1e5), 5)}`;
        case "serial":
          return `${sample.prefix ?? "SL"}${pad(int(1e8), 8)}`;
      }
      break;
  }
  switch (field.type) {
    case "text":
      return `示例${field.label.zh}${pad(row + 1, 3)}`;
    case "integer":
      return int(1000);
    case "numeric":
      return Math.round(next() * 1_000_000) / 100;
    case "date":
      return dayBetween(FIRST_DAY, LAST_DAY);
    case "boolean":
      return next() < 0.5;
  }
}

/** The offset of a register field's generated identifiers for one seed (see uniqueIdentifier). */
function uniqueSalt(seed: number, code: string, field: string): number {
  return fnv1a(`${seed}:${code}:${field}:unique`);
}

/** Distinct values a register's generated identifier can take, per format. */
const UNIQUE_CAPACITY: Readonly<Record<string, number>> = {
  uscc: 1_000_000,
  resident_id: 21_184 * 1000,
  mobile: 100_000_000,
  plate: 600_000,
};
/** A prime sharing no factor with any capacity: i ↦ (i·P + salt) mod capacity is a bijection. */
const UNIQUE_STRIDE = 7919;

/**
 * A register's identifier for row `row` (0-based): row i takes value number (i·7919 + salt) mod
 * capacity, so values are distinct for every row up to the format's capacity (USCC 10⁶, resident
 * id 2.1·10⁷, mobile 10⁸, plate 6·10⁵) and differ between seeds; null for other formats.
 */
function uniqueIdentifier(format: string, row: number, salt: number): string | null {
  const capacity = UNIQUE_CAPACITY[format];
  if (capacity === undefined) return null;
  const k = ((((row % capacity) * UNIQUE_STRIDE) % capacity) + (salt % capacity)) % capacity;
  switch (format) {
    case "uscc":
      return buildUscc({
        authority: "9",
        entityType: "1",
        division: FAKE_DIVISION,
        orgBody8: `MA${pad(k, 6)}`,
      });
    case "resident_id": {
      // Births spread over 1950–2007 (21,184 days), then the sequence number.
      const birth = isoDay(Date.UTC(1950, 0, 1) + (k % BIRTH_DAYS) * DAY_MS).replaceAll("-", "");
      const first17 = `${FAKE_DIVISION}${birth}${pad(Math.floor(k / BIRTH_DAYS), 3)}`;
      return first17 + residentIdCheckChar(first17);
    }
    case "mobile":
      return `100${pad(k, 8)}`;
    default:
      return `鹏${"ABCDEF"[Math.floor(k / 100_000)]}${pad(k % 100_000, 5)}`;
  }
}

/** Rounds a number down to its order of magnitude: 37 → 30, 5234.5 → 5000. */
function generalizeNumber(value: number): number {
  if (value === 0 || !Number.isFinite(value)) return value;
  const magnitude = 10 ** Math.floor(Math.log10(Math.abs(value)));
  return Number((Math.floor(value / magnitude) * magnitude).toPrecision(12));
}

/** Applies a masking rule (脱敏规则) to one value; see MASKING_LABELS for what each rule keeps. */
export function maskValue(rule: TMaskingRule, value: TMockValue): TMockValue {
  if (rule === "suppress") return null;
  if (rule === "none" || value === null || typeof value === "boolean") return value;
  if (rule === "generalize") {
    if (typeof value === "number") return generalizeNumber(value);
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value.slice(0, 7);
    const chars = [...value];
    return `${chars.slice(0, Math.ceil(chars.length / 2)).join("")}*`;
  }
  const text = String(value);
  const chars = [...text];
  const n = chars.length;
  const keep = (head: number, tail: number) =>
    n <= head + tail
      ? `${chars[0] ?? ""}${"*".repeat(Math.max(1, n - 1))}`
      : `${chars.slice(0, head).join("")}${"*".repeat(n - head - tail)}${tail ? chars.slice(n - tail).join("") : ""}`;
  switch (rule) {
    case "hash":
      return sha256Hex(text).slice(0, 16);
    case "mask_name":
      return `${chars[0] ?? ""}*`;
    case "mask_id":
      return keep(6, 4);
    case "mask_phone":
      return keep(3, 4);
    case "mask_middle":
      return keep(Math.ceil(n / 3), Math.floor(n / 4));
  }
}

/**
 * `n` fake rows (at most MOCK_ROWS_MAX) for `entry`, the same for the same entry, n and seed; a
 * shorter run is a prefix of a longer one. Values are typed by field type (integer and numeric as
 * numbers, dates as "YYYY-MM-DD", booleans) and then masked by each field's rule, so a masked
 * value is a string ("张*"), a generalized date "YYYY-MM" and a suppressed one null.
 */
export function mockRows(entry: TDatasetEntry, n: number, seed: number): TMockRow[] {
  if (!Number.isInteger(n) || n < 0)
    throw new RangeError(`mockRows: n must be a non-negative integer, got ${n}`);
  if (!Number.isInteger(seed)) throw new RangeError(`mockRows: seed must be an integer, got ${seed}`);
  const count = Math.min(n, MOCK_ROWS_MAX);
  const rows: TMockRow[] = Array.from({ length: count }, () => ({}));
  for (const field of entry.fields) {
    const next = prng(fnv1a(`${seed}:${entry.code}:${field.name}`));
    const salt = uniqueSalt(seed, entry.code, field.name);
    for (let i = 0; i < count; i++)
      rows[i]![field.name] = maskValue(field.masking, rawValue(field, i, next, salt));
  }
  return rows;
}

/**
 * Unmasked fake rows for `entry`, streamed one at a time (no cap): what a source's data would look
 * like before masking, for mock vault versions, sample upload files and benchmarks. Row i has the
 * same raw values as row i of `mockRows` (before masking) for the same seed.
 */
export function* rawMockRows(
  entry: Pick<TDatasetEntry, "code" | "fields">,
  n: number,
  seed: number,
): Generator<TMockRow> {
  if (!Number.isInteger(n) || n < 0)
    throw new RangeError(`rawMockRows: n must be a non-negative integer, got ${n}`);
  const generators = entry.fields.map((field) => ({
    field,
    next: prng(fnv1a(`${seed}:${entry.code}:${field.name}`)),
    salt: uniqueSalt(seed, entry.code, field.name),
  }));
  for (let i = 0; i < n; i++) {
    const row: TMockRow = {};
    for (const { field, next, salt } of generators) row[field.name] = rawValue(field, i, next, salt);
    yield row;
  }
}
