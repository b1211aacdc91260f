/**
 * Organizations: their identity codes and registration by the platform admin. Enterprises carry a
 * unified social credit code (GB 32100), government departments an organization code (GB 11714);
 * both are validated with their check characters before anything is written.
 */
import { randomUUID } from "node:crypto";
import { agencyCodeProblem, usccProblem } from "@pdx/common/uscc";
import type { TDb, TQueryable } from "../../db";
import { DbError } from "../../db";
import type { TOrganizationType, TSessionUser } from "../auth/session-user";
import { DomainError } from "../domain-error";
import { appendAuditEvent } from "../trail/audit-trail";

/** Government departments carry an agency code; everyone else a USCC. */
export const DEPARTMENT_TYPES: readonly TOrganizationType[] = ["data_source", "regulator"];

export interface TOrganization {
  id: string;
  key: string;
  name: string;
  nameEn: string;
  type: TOrganizationType;
  uscc: string | null;
  agencyCode: string | null;
  memberCount: number;
  createdAt: Date;
}

const ORG_SELECT = `SELECT o.id, o.key, o.name, o.name_en, o.type, o.uscc, o.agency_code, o.created_at,
    (SELECT count(*) FROM users u WHERE u.org_id = o.id AND u.removed_at IS NULL)::int AS member_count
  FROM organizations o`;

interface TOrgRow {
  id: string;
  key: string;
  name: string;
  name_en: string;
  type: TOrganizationType;
  uscc: string | null;
  agency_code: string | null;
  created_at: Date;
  member_count: number;
}

const toOrganization = (r: TOrgRow): TOrganization => ({
  id: r.id,
  key: r.key,
  name: r.name,
  nameEn: r.name_en,
  type: r.type,
  uscc: r.uscc,
  agencyCode: r.agency_code,
  memberCount: r.member_count,
  createdAt: r.created_at,
});

/** The caller's own organization. */
export async function myOrganization(db: TQueryable, actor: TSessionUser): Promise<TOrganization> {
  const { rows } = await db.query<TOrgRow>(`${ORG_SELECT} WHERE o.id = $1`, [actor.org.id]);
  if (!rows[0]) throw new DomainError("NOT_FOUND", "your organization no longer exists");
  return toOrganization(rows[0]);
}

/** Every organization, optionally of one type. */
export async function listOrganizations(
  db: TQueryable,
  filter: { type?: TOrganizationType } = {},
): Promise<TOrganization[]> {
  const { rows } = filter.type
    ? await db.query<TOrgRow>(`${ORG_SELECT} WHERE o.type = $1 ORDER BY o.type, o.name`, [filter.type])
    : await db.query<TOrgRow>(`${ORG_SELECT} ORDER BY o.type, o.name`);
  return rows.map(toOrganization);
}

export interface TRegisterOrganizationInput {
  key: string;
  name: string;
  nameEn: string;
  type: TOrganizationType;
  uscc?: string | null;
  agencyCode?: string | null;
}

/** Why the identity codes of `input` are not acceptable (each names the field), or []. */
export function organizationCodeProblems(input: TRegisterOrganizationInput): string[] {
  const problems: string[] = [];
  const uscc = input.uscc?.trim().toUpperCase() || null;
  const agency = input.agencyCode?.trim().toUpperCase().replace("-", "") || null;
  const isDepartment = DEPARTMENT_TYPES.includes(input.type);
  if (!isDepartment && !uscc) problems.push("uscc: an enterprise needs its unified social credit code");
  if (isDepartment && !agency)
    problems.push("agencyCode: a government department needs its organization code");
  if (uscc) {
    const p = usccProblem(uscc);
    if (p) problems.push(`uscc: not a valid unified social credit code (GB 32100): ${p}`);
  }
  if (agency) {
    const p = agencyCodeProblem(agency);
    if (p) problems.push(`agencyCode: not a valid organization code (GB 11714): ${p}`);
  }
  return problems;
}

/** Registers an organization (platform admin). Nothing is written when any code is invalid. */
export async function registerOrganization(
  db: TDb,
  actor: TSessionUser,
  input: TRegisterOrganizationInput,
  now: Date = new Date(),
): Promise<TOrganization> {
  const problems = organizationCodeProblems(input);
  if (problems.length > 0) throw new DomainError("INVALID_INPUT", problems.join("; "));
  if (!/^[a-z][a-z0-9-]{1,63}$/.test(input.key)) {
    throw new DomainError(
      "INVALID_INPUT",
      "key: lowercase letters, digits and hyphens, starting with a letter",
    );
  }
  const id = randomUUID();
  const uscc = input.uscc?.trim().toUpperCase() || null;
  const agencyCode = input.agencyCode?.trim().toUpperCase().replace("-", "") || null;
  try {
    await db.withTransaction(async (tx) => {
      await tx.query(
        `INSERT INTO organizations (id, key, name, name_en, type, uscc, agency_code, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [id, input.key, input.name.trim(), input.nameEn.trim(), input.type, uscc, agencyCode, now],
      );
      await appendAuditEvent(
        tx,
        {
          actor,
          action: "organization.register",
          objectType: "organization",
          objectId: id,
          before: null,
          after: { key: input.key, name: input.name, type: input.type, uscc, agencyCode },
          detail: { type: input.type },
        },
        now,
      );
    });
  } catch (err) {
    if (err instanceof DbError && err.code === "UNIQUE_VIOLATION") {
      const what =
        err.constraint === "organizations_uscc_key"
          ? "uscc: an organization with this unified social credit code is already registered"
          : err.constraint === "organizations_agency_code_key"
            ? "agencyCode: an organization with this code is already registered"
            : "key: an organization with this key already exists";
      throw new DomainError("CONFLICT", what);
    }
    throw err;
  }
  const { rows } = await db.query<TOrgRow>(`${ORG_SELECT} WHERE o.id = $1`, [id]);
  return toOrganization(rows[0]!);
}

export interface TPublicSigningKey {
  keyId: string;
  publicKey: string;
  userId: string;
  userName: string;
  orgId: string;
  orgName: string;
  createdAt: Date;
  retiredAt: Date | null;
}

/** Public signing keys (for verifying approvals outside the platform), optionally of one org. */
export async function listPublicKeys(
  db: TQueryable,
  filter: { orgId?: string } = {},
): Promise<TPublicSigningKey[]> {
  const { rows } = await db.query<{
    key_id: string;
    public_key: string;
    user_id: string;
    user_name: string;
    org_id: string;
    org_name: string;
    created_at: Date;
    retired_at: Date | null;
  }>(
    `SELECT k.key_id, k.public_key, u.id AS user_id, u.display_name AS user_name, o.id AS org_id,
            o.name AS org_name, k.created_at, k.retired_at
       FROM user_signing_keys k JOIN users u ON u.id = k.user_id JOIN organizations o ON o.id = u.org_id
      ${filter.orgId ? "WHERE o.id = $1" : ""}
      ORDER BY o.name, u.display_name, k.created_at`,
    filter.orgId ? [filter.orgId] : [],
  );
  return rows.map((r) => ({
    keyId: r.key_id,
    publicKey: r.public_key,
    userId: r.user_id,
    userName: r.user_name,
    orgId: r.org_id,
    orgName: r.org_name,
    createdAt: r.created_at,
    retiredAt: r.retired_at,
  }));
}
