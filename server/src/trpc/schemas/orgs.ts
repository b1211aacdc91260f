/** Inputs and outputs of orgs.*, trail.* and auth.acceptInvitation. */
import { z } from "zod";
import { ORGANIZATION_TYPES, USER_ROLES } from "../../domain/auth/session-user";

const ZId = z.string().uuid();
/** Dates leave the API as ISO strings (no transformer on the wire). */
export const ZDateOut = z.date().transform((d) => d.toISOString());

export const ZAcceptInvitationInput = z.object({
  token: z.string().min(1).max(200),
  password: z.string().min(1).max(256),
});
export const ZAcceptInvitationOutput = z.object({ email: z.string() });

export const ZOrganization = z.object({
  id: ZId,
  key: z.string(),
  name: z.string(),
  nameEn: z.string(),
  type: z.enum(ORGANIZATION_TYPES),
  uscc: z.string().nullable(),
  agencyCode: z.string().nullable(),
  memberCount: z.number().int(),
  createdAt: ZDateOut,
});

export const ZListOrganizationsInput = z.object({ type: z.enum(ORGANIZATION_TYPES).optional() }).optional();

export const ZRegisterOrganizationInput = z.object({
  key: z.string().trim().min(2).max(64),
  name: z.string().trim().min(1).max(200),
  nameEn: z.string().trim().min(1).max(200),
  type: z.enum(ORGANIZATION_TYPES),
  uscc: z.string().trim().max(18).nullish(),
  agencyCode: z.string().trim().max(10).nullish(),
});

export const ZMembers = z.object({
  members: z.array(
    z.object({
      id: ZId,
      email: z.string(),
      displayName: z.string(),
      role: z.enum(USER_ROLES),
      isOrgAdmin: z.boolean(),
      keyId: z.string().nullable(),
      createdAt: ZDateOut,
    }),
  ),
  invitations: z.array(
    z.object({
      id: ZId,
      email: z.string(),
      displayName: z.string(),
      isOrgAdmin: z.boolean(),
      invitedByName: z.string(),
      createdAt: ZDateOut,
      expiresAt: ZDateOut,
    }),
  ),
});

export const ZInviteInput = z.object({
  email: z.string().trim().min(3).max(254),
  displayName: z.string().trim().min(1).max(200),
  isOrgAdmin: z.boolean().default(false),
});
export const ZInviteOutput = z.object({ invitationId: ZId, token: z.string(), expiresAt: ZDateOut });
export const ZIdInput = z.object({ id: ZId });
export const ZOk = z.object({ ok: z.literal(true) });

export const ZPublicKeysInput = z.object({ orgId: ZId.optional() }).optional();
export const ZPublicKey = z.object({
  keyId: z.string(),
  publicKey: z.string(),
  userId: ZId,
  userName: z.string(),
  orgId: ZId,
  orgName: z.string(),
  createdAt: ZDateOut,
  retiredAt: ZDateOut.nullable(),
});

// ── trail
export const ZTrailListInput = z
  .object({
    orgId: ZId.optional(),
    action: z
      .string()
      .regex(/^[a-z_]+(\.[a-z_]+)+$/, "must be an action like registration.submit")
      .optional(),
    objectType: z.string().max(60).optional(),
    objectId: z.string().max(200).optional(),
    from: z.string().datetime().optional(),
    to: z.string().datetime().optional(),
    /** Paging: events with a sequence number below this (the last seq of the previous page). */
    cursor: z.number().int().positive().nullish(),
    limit: z.number().int().min(1).max(500).default(100),
  })
  .optional();

const ZDetail = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));
export const ZAuditEvent = z.object({
  seq: z.number().int(),
  occurredAt: z.string(),
  actorUserId: ZId.nullable(),
  actorOrgId: ZId.nullable(),
  actorName: z.string().nullable(),
  actorOrgName: z.string().nullable(),
  action: z.string(),
  objectType: z.string(),
  objectId: z.string(),
  beforeHash: z.string().nullable(),
  afterHash: z.string().nullable(),
  approvalId: ZId.nullable(),
  detail: ZDetail,
  prevHash: z.string(),
  eventHash: z.string(),
});
export const ZTrailVerification = z.object({
  ok: z.boolean(),
  checkedEvents: z.number().int(),
  headSeq: z.number().int(),
  problems: z.array(
    z.object({
      seq: z.number().int(),
      kind: z.enum(["event_modified", "chain_broken", "seq_gap", "head_mismatch"]),
    }),
  ),
});

export const ZApprovalVerification = z.object({
  approvalId: ZId,
  ok: z.boolean(),
  checks: z.array(
    z.object({
      name: z.enum(["signature", "payload_matches_row", "subject_hash"]),
      ok: z.boolean(),
      detail: z.string(),
    }),
  ),
  approval: z.object({
    id: ZId,
    subjectType: z.string(),
    subjectId: ZId,
    subjectHash: z.string(),
    step: z.string(),
    decision: z.enum(["approve", "reject"]),
    comment: z.string(),
    signerUserId: ZId,
    signerOrgId: ZId,
    signerName: z.string(),
    signerOrgName: z.string(),
    keyId: z.string(),
    publicKey: z.string(),
    payload: z.string(),
    signature: z.string(),
    signedAt: ZDateOut,
  }),
});
