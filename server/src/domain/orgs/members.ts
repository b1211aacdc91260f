/**
 * People of an organization: an org admin invites users (a one-time token, shown once), the
 * invitee sets a password and gets a signing key, and an org admin removes users. Removed users
 * keep their row (their past signatures and trail stay attributable) but can no longer sign in;
 * their sessions end at once. Every change writes an audit event.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { TDb, TQueryable } from "../../db";
import { hashPassword, MAX_PASSWORD_LENGTH } from "../auth/password";
import type { TOrganizationType, TSessionUser, TUserRole } from "../auth/session-user";
import { normalizeEmail } from "../auth/sessions";
import { DomainError } from "../domain-error";
import type { TKeyring } from "../signing/keyring";
import { ensureUserSigningKey } from "../signing/user-keys";
import { appendAuditEvent } from "../trail/audit-trail";

/** The role a user of each organization type has. */
export const ROLE_FOR_ORG_TYPE: Record<TOrganizationType, TUserRole> = {
  data_source: "data_source",
  regulator: "regulator",
  operator: "operator",
  buyer: "buyer",
  service_agency: "service_agency",
  auditor: "auditor",
  platform: "admin",
};

/** How long an invitation stays valid. */
export const INVITATION_TTL_DAYS = 7;
/** Minimum password length for accounts created from invitations. */
export const MIN_PASSWORD_LENGTH = 10;

const hashToken = (token: string) => createHash("sha256").update(token, "utf8").digest("hex");

export interface TMember {
  id: string;
  email: string;
  displayName: string;
  role: TUserRole;
  isOrgAdmin: boolean;
  keyId: string | null;
  createdAt: Date;
}

export interface TPendingInvitation {
  id: string;
  email: string;
  displayName: string;
  isOrgAdmin: boolean;
  invitedByName: string;
  createdAt: Date;
  expiresAt: Date;
}

/** Active members and open invitations of the caller's organization. */
export async function listMembers(
  db: TQueryable,
  actor: TSessionUser,
  now: Date = new Date(),
): Promise<{ members: TMember[]; invitations: TPendingInvitation[] }> {
  const { rows: members } = await db.query<{
    id: string;
    email: string;
    display_name: string;
    role: TUserRole;
    is_org_admin: boolean;
    key_id: string | null;
    created_at: Date;
  }>(
    `SELECT u.id, u.email, u.display_name, u.role, u.is_org_admin, k.key_id, u.created_at
       FROM users u
       LEFT JOIN user_signing_keys k ON k.user_id = u.id AND k.retired_at IS NULL
      WHERE u.org_id = $1 AND u.removed_at IS NULL
      ORDER BY u.created_at, u.email`,
    [actor.org.id],
  );
  const { rows: invitations } = await db.query<{
    id: string;
    email: string;
    display_name: string;
    is_org_admin: boolean;
    invited_by_name: string;
    created_at: Date;
    expires_at: Date;
  }>(
    `SELECT i.id, i.email, i.display_name, i.is_org_admin, u.display_name AS invited_by_name, i.created_at, i.expires_at
       FROM user_invitations i JOIN users u ON u.id = i.invited_by
      WHERE i.org_id = $1 AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > $2
      ORDER BY i.created_at`,
    [actor.org.id, now],
  );
  return {
    members: members.map((m) => ({
      id: m.id,
      email: m.email,
      displayName: m.display_name,
      role: m.role,
      isOrgAdmin: m.is_org_admin,
      keyId: m.key_id,
      createdAt: m.created_at,
    })),
    invitations: invitations.map((i) => ({
      id: i.id,
      email: i.email,
      displayName: i.display_name,
      isOrgAdmin: i.is_org_admin,
      invitedByName: i.invited_by_name,
      createdAt: i.created_at,
      expiresAt: i.expires_at,
    })),
  };
}

/**
 * Invites `email` into the caller's organization. Returns the one-time token (only its hash is
 * stored); the caller hands it to the invitee. Refuses an e-mail that already has an account or
 * an open invitation (CONFLICT).
 */
export async function inviteMember(
  db: TDb,
  actor: TSessionUser,
  input: { email: string; displayName: string; isOrgAdmin: boolean },
  now: Date = new Date(),
): Promise<{ invitationId: string; token: string; expiresAt: Date }> {
  const email = normalizeEmail(input.email);
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 254) {
    throw new DomainError("INVALID_INPUT", "email: not a valid e-mail address");
  }
  const displayName = input.displayName.trim();
  if (displayName.length < 1 || displayName.length > 200) {
    throw new DomainError("INVALID_INPUT", "displayName: 1 to 200 characters");
  }
  const token = randomBytes(32).toString("base64url");
  const invitationId = randomUUID();
  const expiresAt = new Date(now.getTime() + INVITATION_TTL_DAYS * 86_400_000);
  await db.withTransaction(async (tx) => {
    const { rows: existing } = await tx.query("SELECT 1 FROM users WHERE email = $1", [email]);
    if (existing.length > 0) throw new DomainError("CONFLICT", "email: this e-mail already has an account");
    // An expired open invitation no longer blocks a new one.
    await tx.query(
      `UPDATE user_invitations SET revoked_at = $2
        WHERE email = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at <= $2`,
      [email, now],
    );
    const { rows: open } = await tx.query(
      "SELECT 1 FROM user_invitations WHERE email = $1 AND accepted_at IS NULL AND revoked_at IS NULL",
      [email],
    );
    if (open.length > 0)
      throw new DomainError("CONFLICT", "email: an invitation for this e-mail is already open");
    const role = ROLE_FOR_ORG_TYPE[actor.org.type];
    const after = { orgId: actor.org.id, email, displayName, role, isOrgAdmin: input.isOrgAdmin };
    await tx.query(
      `INSERT INTO user_invitations (id, org_id, email, display_name, role, is_org_admin, token_hash,
         invited_by, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        invitationId,
        actor.org.id,
        email,
        displayName,
        role,
        input.isOrgAdmin,
        hashToken(token),
        actor.id,
        now,
        expiresAt,
      ],
    );
    await appendAuditEvent(
      tx,
      {
        actor,
        action: "member.invite",
        objectType: "invitation",
        objectId: invitationId,
        before: null,
        after,
        detail: { role, isOrgAdmin: input.isOrgAdmin },
      },
      now,
    );
  });
  return { invitationId, token, expiresAt };
}

/** Revokes an open invitation of the caller's organization. */
export async function revokeInvitation(
  db: TDb,
  actor: TSessionUser,
  invitationId: string,
  now: Date = new Date(),
): Promise<void> {
  await db.withTransaction(async (tx) => {
    const { rowCount } = await tx.query(
      `UPDATE user_invitations SET revoked_at = $3
        WHERE id = $1 AND org_id = $2 AND accepted_at IS NULL AND revoked_at IS NULL`,
      [invitationId, actor.org.id, now],
    );
    if (rowCount === 0) throw new DomainError("NOT_FOUND", "no such open invitation in your organization");
    await appendAuditEvent(
      tx,
      {
        actor,
        action: "member.revoke_invitation",
        objectType: "invitation",
        objectId: invitationId,
        before: { open: true },
        after: { open: false },
      },
      now,
    );
  });
}

/** Why a new password is not acceptable, or null. */
export function newPasswordProblem(password: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `password: at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH) return `password: at most ${MAX_PASSWORD_LENGTH} characters`;
  if (!/[A-Za-z]/.test(password) || !/[0-9]/.test(password)) {
    return "password: use letters and digits";
  }
  return null;
}

/**
 * Accepts an invitation: creates the user (with the invitation's organization, role and admin
 * flag), their signing key, and marks the invitation used. Unknown, used, revoked and expired
 * tokens all get the same answer.
 */
export async function acceptInvitation(
  db: TDb,
  keyring: TKeyring,
  input: { token: string; password: string },
  now: Date = new Date(),
): Promise<{ email: string }> {
  const problem = newPasswordProblem(input.password);
  if (problem) throw new DomainError("INVALID_INPUT", problem);
  const invalid = new DomainError(
    "NOT_FOUND",
    "this invitation is not valid (unknown, used, revoked or expired)",
  );
  if (input.token.length < 20 || input.token.length > 100) throw invalid;
  const passwordHash = await hashPassword(input.password);
  return db.withTransaction(async (tx) => {
    const { rows } = await tx.query<{
      id: string;
      org_id: string;
      email: string;
      display_name: string;
      role: TUserRole;
      is_org_admin: boolean;
      expires_at: Date;
    }>(
      `SELECT id, org_id, email, display_name, role, is_org_admin, expires_at FROM user_invitations
        WHERE token_hash = $1 AND accepted_at IS NULL AND revoked_at IS NULL FOR UPDATE`,
      [hashToken(input.token)],
    );
    const inv = rows[0];
    if (!inv || inv.expires_at.getTime() <= now.getTime()) throw invalid;
    const userId = randomUUID();
    await tx.query(
      `INSERT INTO users (id, org_id, email, display_name, role, is_org_admin, password_hash, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [userId, inv.org_id, inv.email, inv.display_name, inv.role, inv.is_org_admin, passwordHash, now],
    );
    const key = await ensureUserSigningKey(tx, keyring, userId);
    await tx.query("UPDATE user_invitations SET accepted_at = $2, accepted_user_id = $3 WHERE id = $1", [
      inv.id,
      now,
      userId,
    ]);
    await appendAuditEvent(
      tx,
      {
        actor: { id: userId, org: { id: inv.org_id } },
        action: "member.accept_invitation",
        objectType: "user",
        objectId: userId,
        before: null,
        after: { orgId: inv.org_id, email: inv.email, role: inv.role, isOrgAdmin: inv.is_org_admin },
        detail: { keyId: key.keyId },
      },
      now,
    );
    return { email: inv.email };
  });
}

/**
 * Removes a user of the caller's organization: sign-in refused, sessions ended, signing key
 * retired (past signatures still verify). An admin cannot remove themself, and the last org admin
 * cannot be removed (the organization would be left without one).
 */
export async function removeMember(
  db: TDb,
  actor: TSessionUser,
  userId: string,
  now: Date = new Date(),
): Promise<void> {
  if (userId === actor.id) throw new DomainError("PRECONDITION_FAILED", "you cannot remove yourself");
  await db.withTransaction(async (tx) => {
    const { rows } = await tx.query<{ email: string; role: string; is_org_admin: boolean }>(
      "SELECT email, role, is_org_admin FROM users WHERE id = $1 AND org_id = $2 AND removed_at IS NULL FOR UPDATE",
      [userId, actor.org.id],
    );
    const user = rows[0];
    if (!user) throw new DomainError("NOT_FOUND", "no such member in your organization");
    if (user.is_org_admin) {
      const { rows: admins } = await tx.query<{ n: string }>(
        "SELECT count(*)::text AS n FROM users WHERE org_id = $1 AND is_org_admin AND removed_at IS NULL",
        [actor.org.id],
      );
      if (Number(admins[0]!.n) <= 1) {
        throw new DomainError("PRECONDITION_FAILED", "the last admin of an organization cannot be removed");
      }
    }
    await tx.query("UPDATE users SET removed_at = $2, removed_by = $3 WHERE id = $1", [
      userId,
      now,
      actor.id,
    ]);
    await tx.query("DELETE FROM sessions WHERE user_id = $1", [userId]);
    await tx.query("UPDATE user_signing_keys SET retired_at = $2 WHERE user_id = $1 AND retired_at IS NULL", [
      userId,
      now,
    ]);
    await appendAuditEvent(
      tx,
      {
        actor,
        action: "member.remove",
        objectType: "user",
        objectId: userId,
        before: { email: user.email, role: user.role, isOrgAdmin: user.is_org_admin, removed: false },
        after: { email: user.email, role: user.role, isOrgAdmin: user.is_org_admin, removed: true },
      },
      now,
    );
  });
}
