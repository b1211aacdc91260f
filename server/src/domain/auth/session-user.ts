/** The signed-in user as every layer sees it, and how to load it (explicit columns). */
import type { TOrganizationType as TSeedOrganizationType, TUserRole } from "@pdx/seeds/demo-organizations";
import type { TQueryable } from "../../db";

export type { TUserRole };
/** Organization types; "platform" is the marketplace operator's own organization (admins). */
export type TOrganizationType = TSeedOrganizationType | "platform";

/** All organization types, in display order. */
export const ORGANIZATION_TYPES = [
  "data_source",
  "regulator",
  "operator",
  "buyer",
  "service_agency",
  "auditor",
  "platform",
] as const satisfies readonly TOrganizationType[];

/** All user roles, in display order. */
export const USER_ROLES = [
  "buyer",
  "operator",
  "data_source",
  "regulator",
  "service_agency",
  "auditor",
  "admin",
] as const satisfies readonly TUserRole[];

/**
 * Roles of the permission matrix: the user roles plus "org_admin", held by users whose
 * `is_org_admin` is set (they also keep their own role).
 */
export type TPermissionRole = TUserRole | "org_admin";
export const PERMISSION_ROLES = [...USER_ROLES, "org_admin"] as const satisfies readonly TPermissionRole[];

/** The permission-matrix roles a user holds. */
export function permissionRolesOf(user: Pick<TSessionUser, "role" | "isOrgAdmin">): TPermissionRole[] {
  return user.isOrgAdmin ? [user.role, "org_admin"] : [user.role];
}

export interface TSessionUser {
  id: string;
  email: string;
  displayName: string;
  role: TUserRole;
  /** Admin of their organization: invites and removes its users. */
  isOrgAdmin: boolean;
  org: { id: string; name: string; type: TOrganizationType };
}

interface TUserRow {
  id: string;
  email: string;
  display_name: string;
  role: TUserRole;
  is_org_admin: boolean;
  org_id: string;
  org_name: string;
  org_type: TOrganizationType;
}

/** Columns selected for a TSessionUser (users u JOIN organizations o). */
export const SESSION_USER_COLUMNS = `u.id, u.email, u.display_name, u.role, u.is_org_admin,
  o.id AS org_id, o.name AS org_name, o.type AS org_type`;

/** Maps a row selected with SESSION_USER_COLUMNS. */
export function toSessionUser(row: TUserRow): TSessionUser {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    role: row.role,
    isOrgAdmin: row.is_org_admin,
    org: { id: row.org_id, name: row.org_name, type: row.org_type },
  };
}

/** Loads a user by id, or null. */
export async function findSessionUser(db: TQueryable, userId: string): Promise<TSessionUser | null> {
  const { rows } = await db.query<TUserRow>(
    `SELECT ${SESSION_USER_COLUMNS} FROM users u JOIN organizations o ON o.id = u.org_id WHERE u.id = $1 AND u.removed_at IS NULL`,
    [userId],
  );
  return rows[0] ? toSessionUser(rows[0]) : null;
}

export type { TUserRow };
