/** The signed-in user as every layer sees it, and how to load it (explicit columns). */
import type { TOrganizationType as TSeedOrganizationType, TUserRole } from "@pdx/seeds/demo-organizations";
import type { TQueryable } from "../../db";

export type { TUserRole };
/** Organization types; "platform" is the marketplace operator's own organization (admins). */
export type TOrganizationType = TSeedOrganizationType | "platform";

/** All user roles, in display order. */
export const USER_ROLES = [
  "buyer",
  "operator",
  "data_source",
  "regulator",
  "auditor",
  "admin",
] as const satisfies readonly TUserRole[];

export interface TSessionUser {
  id: string;
  email: string;
  displayName: string;
  role: TUserRole;
  org: { id: string; name: string; type: TOrganizationType };
}

interface TUserRow {
  id: string;
  email: string;
  display_name: string;
  role: TUserRole;
  org_id: string;
  org_name: string;
  org_type: TOrganizationType;
}

/** Columns selected for a TSessionUser (users u JOIN organizations o). */
export const SESSION_USER_COLUMNS = `u.id, u.email, u.display_name, u.role,
  o.id AS org_id, o.name AS org_name, o.type AS org_type`;

/** Maps a row selected with SESSION_USER_COLUMNS. */
export function toSessionUser(row: TUserRow): TSessionUser {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    role: row.role,
    org: { id: row.org_id, name: row.org_name, type: row.org_type },
  };
}

/** Loads a user by id, or null. */
export async function findSessionUser(db: TQueryable, userId: string): Promise<TSessionUser | null> {
  const { rows } = await db.query<TUserRow>(
    `SELECT ${SESSION_USER_COLUMNS} FROM users u JOIN organizations o ON o.id = u.org_id WHERE u.id = $1`,
    [userId],
  );
  return rows[0] ? toSessionUser(rows[0]) : null;
}

export type { TUserRow };
