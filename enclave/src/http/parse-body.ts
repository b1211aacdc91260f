/**
 * Parsing of a verified request body for every enclave endpoint: JSON, then the endpoint's zod
 * schema. Refusals are INVALID_REQUEST naming the offending paths (at most three), never values.
 */
import type { z } from "zod";
import { EnclaveError } from "../errors";

/** Turns zod issues into a message naming the offending paths (never the values). */
export function describeIssues(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 3)
    .map((i) => `${i.path.map(String).join(".") || "(body)"}: ${i.message}`)
    .join("; ");
}

/** The body text parsed as JSON and checked against `schema`; throws EnclaveError INVALID_REQUEST. */
export function parseJsonBody<T extends z.ZodType>(schema: T, raw: string): z.output<T> {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new EnclaveError("INVALID_REQUEST", "request body is not valid JSON");
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new EnclaveError("INVALID_REQUEST", describeIssues(parsed.error.issues));
  return parsed.data;
}
