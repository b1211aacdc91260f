/**
 * Deterministic JSON: object keys sorted recursively, no whitespace. Used wherever bytes are
 * hashed or signed (receipts, usage records, signed requests) so every party derives the same
 * bytes from the same value.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortDeep(value));
}

function sortDeep(value: unknown): unknown {
  if (value === null || typeof value !== "object") {
    if (typeof value === "number" && !Number.isFinite(value)) {
      throw new TypeError(`canonicalJson: non-finite number ${value} cannot be encoded`);
    }
    if (typeof value === "bigint") throw new TypeError("canonicalJson: bigint must be converted to string");
    return value;
  }
  if (Array.isArray(value)) return value.map(sortDeep);
  if (value instanceof Date) return value.toISOString();
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = sortDeep(v);
  }
  return out;
}
