/**
 * canonicalJson's SHA-256 and byte length without building the text (common/src/canonical-json.ts
 * gives the same bytes): for megabyte-sized values such as homomorphic requests.
 */
import { createHash } from "node:crypto";

const PLAIN_ASCII = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/**
 * SHA-256 (hex) and UTF-8 byte length of canonicalJson(value), streamed into the hash: the JSON
 * text of a request (23 MB with BFV Galois keys) is never built and its base64 strings are hashed
 * as they are, which keeps the main thread free (measured on such a request: 25–80 ms, against
 * 350–600 ms for sha256Hex(canonicalJson(request))).
 */
export function canonicalDigestOf(value: unknown): { sha256: string; bytes: number } {
  const hash = createHash("sha256");
  let bytes = 0;
  const put = (text: string) => {
    hash.update(text, "utf8");
    bytes += Buffer.byteLength(text, "utf8");
  };
  const walk = (v: unknown): void => {
    if (v === null || typeof v !== "object") {
      if (typeof v === "number" && !Number.isFinite(v))
        throw new TypeError(`canonicalJson: non-finite number ${v} cannot be encoded`);
      if (typeof v === "bigint") throw new TypeError("canonicalJson: bigint must be converted to string");
      if (typeof v === "string" && PLAIN_ASCII.test(v)) {
        // Base64 and the like: JSON would only add the quotes; hash the one-byte text as is.
        hash.update('"').update(v, "latin1").update('"');
        bytes += v.length + 2;
        return;
      }
      put(JSON.stringify(v) ?? "null");
      return;
    }
    if (v instanceof Date) {
      put(JSON.stringify(v.toISOString()));
      return;
    }
    if (Array.isArray(v)) {
      put("[");
      v.forEach((item, i) => {
        if (i > 0) put(",");
        walk(item === undefined || typeof item === "function" ? null : item);
      });
      put("]");
      return;
    }
    put("{");
    let first = true;
    for (const key of Object.keys(v).sort()) {
      const item = (v as Record<string, unknown>)[key];
      if (item === undefined || typeof item === "function") continue;
      put(`${first ? "" : ","}${JSON.stringify(key)}:`);
      first = false;
      walk(item);
    }
    put("}");
  };
  walk(value);
  return { sha256: hash.digest("hex"), bytes };
}
