/** Deterministic UUIDs for seeded things, so their ids survive a database reset. */
import { createHash } from "node:crypto";

/**
 * A UUID (RFC 9562 version 8, "custom") derived from `name` with SHA-256: the same name always
 * gives the same id.
 */
export function stableUuid(name: string): string {
  const b = createHash("sha256").update(`pdx:${name}`, "utf8").digest().subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x80; // version 8
  b[8] = (b[8]! & 0x3f) | 0x80; // RFC 9562 variant
  const h = b.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
