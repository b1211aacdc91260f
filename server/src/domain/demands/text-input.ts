/**
 * Checks of free text typed by users (titles, descriptions, notes). The transport validates the
 * shape with zod too; these keep the domain functions safe when called directly (seeding, jobs).
 */
import { DomainError } from "../domain-error";

/** `value` trimmed; INVALID_INPUT naming `name` when empty or longer than `max`. */
export function requiredText(name: string, value: string, max: number): string {
  const text = value.trim();
  if (text.length === 0) throw new DomainError("INVALID_INPUT", `${name} must not be empty`);
  if (text.length > max) throw new DomainError("INVALID_INPUT", `${name} must be at most ${max} characters`);
  return text;
}

/** `value` trimmed ("" when absent); INVALID_INPUT naming `name` when longer than `max`. */
export function optionalText(name: string, value: string | undefined, max: number): string {
  const text = (value ?? "").trim();
  if (text.length > max) throw new DomainError("INVALID_INPUT", `${name} must be at most ${max} characters`);
  return text;
}
