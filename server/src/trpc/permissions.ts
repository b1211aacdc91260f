/**
 * Who may call what: the ONE authorization table. Every procedure of the app router must have
 * an entry (a test enumerates the router); a procedure missing here is refused to everyone.
 */
import { type TUserRole, USER_ROLES } from "../domain/auth/session-user";

/** "public": anyone, signed in or not; otherwise the roles allowed (signed-in users only). */
export type TProcedureAccess = "public" | readonly TUserRole[];

const SIGNED_IN: readonly TUserRole[] = USER_ROLES;

export const PROCEDURE_ACCESS = {
  "auth.login": "public",
  "auth.logout": "public",
  "auth.me": "public",
  "catalog.listProducts": SIGNED_IN,
  "catalog.getProduct": SIGNED_IN,
  "runs.start": ["buyer"],
  "runs.listMine": ["buyer"],
  "runs.get": ["buyer"],
  "audit.listUsageRecords": ["auditor", "regulator"],
  "audit.verifyUsageRecord": ["auditor", "regulator"],
} as const satisfies Record<string, TProcedureAccess>;

export type TProcedurePath = keyof typeof PROCEDURE_ACCESS;

/** The access rule of `path`, or undefined when the table has none (refused). */
export function accessOf(path: string): TProcedureAccess | undefined {
  return Object.hasOwn(PROCEDURE_ACCESS, path) ? PROCEDURE_ACCESS[path as TProcedurePath] : undefined;
}
