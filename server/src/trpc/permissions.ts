/**
 * Who may call what: the ONE authorization table (procedure × role), enforced in one place
 * (trpc.ts `authorize`). Every procedure of the app router must have an entry (a test enumerates
 * the router and checks every procedure for every role); a procedure missing here is refused to
 * everyone. "org_admin" is held by users whose organization made them its admin, in addition to
 * their own role.
 *
 * This table is the coarse gate. Which ROWS a caller may touch (their own organization's
 * datasets, applications, orders…) is checked by the domain functions and tested there.
 */
import {
  permissionRolesOf,
  type TPermissionRole,
  type TSessionUser,
  USER_ROLES,
} from "../domain/auth/session-user";

/** "public": anyone, signed in or not; otherwise the roles allowed (signed-in users only). */
export type TProcedureAccess = "public" | readonly TPermissionRole[];

const SIGNED_IN: readonly TPermissionRole[] = USER_ROLES;

export const PROCEDURE_ACCESS = {
  // ── auth ──
  "auth.login": "public",
  "auth.logout": "public",
  "auth.me": "public",
  "auth.acceptInvitation": "public",

  // ── products & runs ──
  "catalog.listProducts": SIGNED_IN,
  "catalog.getProduct": SIGNED_IN,
  "runs.start": ["buyer"],
  "runs.listMine": ["buyer"],
  "runs.get": ["buyer"],

  // ── usage audit ──
  "audit.listUsageRecords": ["auditor", "regulator"],
  "audit.verifyUsageRecord": ["auditor", "regulator"],

  // ── organizations & people ──
  "orgs.myOrganization": SIGNED_IN,
  "orgs.listMembers": ["org_admin"],
  "orgs.invite": ["org_admin"],
  "orgs.revokeInvitation": ["org_admin"],
  "orgs.removeMember": ["org_admin"],
  "orgs.list": ["admin", "regulator", "auditor"],
  "orgs.register": ["admin"],
  "orgs.publicKeys": SIGNED_IN,

  // ── audit trail ──
  "trail.list": ["auditor", "regulator"],
  "trail.verify": ["auditor", "regulator"],
  "trail.verifyApproval": ["auditor", "regulator"],

  // ── datasets (catalog 一本账) ── (H3)

  // ── registrations ── (H3)

  // ── operators ── (H4)

  // ── scenarios & authorizations ── (H5)

  // ── demands ── (H6)

  // ── quality ── (H6)
} as const satisfies Record<string, TProcedureAccess>;

export type TProcedurePath = keyof typeof PROCEDURE_ACCESS;

/** The access rule of `path`, or undefined when the table has none (refused). */
export function accessOf(path: string): TProcedureAccess | undefined {
  return Object.hasOwn(PROCEDURE_ACCESS, path) ? PROCEDURE_ACCESS[path as TProcedurePath] : undefined;
}

/** Whether `user` may call a procedure with access rule `access` (public rules need no user). */
export function isAllowed(
  access: TProcedureAccess,
  user: Pick<TSessionUser, "role" | "isOrgAdmin"> | null,
): boolean {
  if (access === "public") return true;
  if (!user) return false;
  return permissionRolesOf(user).some((role) => access.includes(role));
}
