/**
 * The final check on what a product job releases. The sandboxed logic only ever sees protected
 * query results and post-processes them into an output; before the enclave releases it, the output
 * must be plain JSON data within the job's byte cap:
 *   - "output-shape": only null, booleans, finite numbers, strings, arrays and plain objects; no
 *     undefined (except as an object property, which JSON omits), functions, symbols, bigints,
 *     class instances, cycles, or nesting deeper than OUTPUT_MAX_DEPTH;
 *   - "output-size": the canonical JSON (the bytes the receipt's outputHash covers) is at most the
 *     cap, counted in UTF-8 bytes.
 * (The cap on verification questions is the query module's VerificationMeter, one per job.)
 * Messages name the path and the limit, never a value.
 */
import { canonicalJson } from "@pdx/common/canonical-json";
import type { TBlockedBy } from "@pdx/common/enclave-jobs";

/** Deepest nesting of arrays and objects an output may have. */
export const OUTPUT_MAX_DEPTH = 64;

export type TOutputCheck =
  | { ok: true; canonicalJson: string; bytes: number }
  | { ok: false; blockedBy: TBlockedBy };

/** A short, value-free path for messages: output.rows[3].total (keys cut to 40 characters). */
function describePath(path: readonly (string | number)[]): string {
  let text = "output";
  for (const part of path) {
    if (typeof part === "number") text += `[${part}]`;
    else {
      const key = part.length > 40 ? `${part.slice(0, 40)}…` : part;
      text += /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
    }
    if (text.length > 200) return `${text.slice(0, 200)}…`;
  }
  return text;
}

function shapeProblem(value: unknown): string | null {
  const ancestors = new Set<object>();
  const visit = (v: unknown, path: (string | number)[]): string | null => {
    if (v === null || typeof v === "string" || typeof v === "boolean") return null;
    if (typeof v === "number")
      return Number.isFinite(v) ? null : `${describePath(path)} is not a finite number`;
    if (v === undefined) return `${describePath(path)} is undefined`;
    if (typeof v !== "object") return `${describePath(path)} is a ${typeof v}, not JSON data`;
    if (path.length >= OUTPUT_MAX_DEPTH)
      return `${describePath(path)} nests deeper than ${OUTPUT_MAX_DEPTH} levels`;
    if (ancestors.has(v)) return `${describePath(path)} refers back to itself (a cycle)`;
    ancestors.add(v);
    try {
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) {
          const problem = visit(v[i], [...path, i]);
          if (problem) return problem;
        }
        return null;
      }
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) {
        return `${describePath(path)} is not a plain object (arrays and {…} only)`;
      }
      if (Object.getOwnPropertySymbols(v).length > 0) return `${describePath(path)} has symbol keys`;
      for (const [key, child] of Object.entries(v)) {
        if (child === undefined) continue; // omitted, as JSON does
        const problem = visit(child, [...path, key]);
        if (problem) return problem;
      }
      return null;
    } finally {
      ancestors.delete(v);
    }
  };
  return visit(value, []);
}

/** Checks an output's shape and canonical size; see the module comment. */
export function checkOutput(output: unknown, maxBytes: number): TOutputCheck {
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1)
    throw new RangeError("checkOutput: maxBytes must be positive");
  const problem = shapeProblem(output);
  if (problem) {
    return {
      ok: false,
      blockedBy: { rule: "output-shape", message: `the output must be plain JSON data: ${problem}` },
    };
  }
  const json = canonicalJson(output);
  const bytes = Buffer.byteLength(json, "utf8");
  if (bytes > maxBytes) {
    return {
      ok: false,
      blockedBy: {
        rule: "output-size",
        message: `the output is ${bytes} bytes of canonical JSON; the limit is ${maxBytes} bytes`,
      },
    };
  }
  return { ok: true, canonicalJson: json, bytes };
}
