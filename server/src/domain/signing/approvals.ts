/**
 * Signed approvals: every approval or rejection in a workflow is signed with the approver's own
 * ed25519 key over a canonical JSON payload that names the subject, a hash of the subject's
 * content at the moment of signing, the step, the decision and the signer. The payload is stored
 * verbatim, so `verifyApproval` needs nothing but the row and the public key.
 */
import { randomUUID } from "node:crypto";
import { canonicalJson } from "@pdx/common/canonical-json";
import { signMessage, verifyMessage } from "@pdx/common/ed25519";
import { z } from "zod";
import type { TQueryable } from "../../db";
import { DomainError } from "../domain-error";
import type { TKeyring } from "./keyring";
import { ensureUserSigningKey, findSigningKey } from "./user-keys";

export const APPROVAL_SUBJECT_TYPES = [
  "dataset_registration",
  "operator_application",
  "annual_report",
  "authorization",
  "operator_status",
] as const;
export type TApprovalSubjectType = (typeof APPROVAL_SUBJECT_TYPES)[number];

/** Who signs: a user and their organization (a TSessionUser fits). */
export interface TSigner {
  id: string;
  org: { id: string };
}

export interface TApprovalInput {
  subjectType: TApprovalSubjectType;
  subjectId: string;
  /** SHA-256 hex of the subject's content being approved (e.g. the registration's entry hash). */
  subjectHash: string;
  /** Which approval step this is, e.g. "review", "source:<orgId>", "regulator". */
  step: string;
  decision: "approve" | "reject";
  comment?: string;
}

/** The signed payload (version 1). */
const ZApprovalPayload = z.object({
  v: z.literal(1),
  type: z.literal("pdx.approval"),
  subjectType: z.enum(APPROVAL_SUBJECT_TYPES),
  subjectId: z.string().uuid(),
  subjectHash: z.string().regex(/^[0-9a-f]{64}$/),
  step: z.string().min(1).max(120),
  decision: z.enum(["approve", "reject"]),
  comment: z.string().max(2000),
  signer: z.object({ userId: z.string().uuid(), orgId: z.string().uuid(), keyId: z.string() }),
  signedAt: z.string(),
});
export type TApprovalPayload = z.infer<typeof ZApprovalPayload>;

export interface TSignedApproval {
  id: string;
  subjectType: TApprovalSubjectType;
  subjectId: string;
  subjectHash: string;
  step: string;
  decision: "approve" | "reject";
  comment: string;
  signerUserId: string;
  signerOrgId: string;
  signerName: string;
  signerOrgName: string;
  keyId: string;
  publicKey: string;
  payload: string;
  signature: string;
  signedAt: Date;
}

/** Signs and stores an approval by `actor` inside `tx`. */
export async function signApproval(
  tx: TQueryable,
  keyring: TKeyring,
  actor: TSigner,
  input: TApprovalInput,
  now: Date = new Date(),
): Promise<{ id: string; keyId: string; signature: string; payload: string; signedAt: Date }> {
  const comment = (input.comment ?? "").trim();
  if (comment.length > 2000) throw new DomainError("INVALID_INPUT", "comment: at most 2000 characters");
  if (input.decision === "reject" && comment.length === 0) {
    throw new DomainError("INVALID_INPUT", "a rejection needs a reason (comment)");
  }
  const key = await ensureUserSigningKey(tx, keyring, actor.id);
  const payloadObject: TApprovalPayload = {
    v: 1,
    type: "pdx.approval",
    subjectType: input.subjectType,
    subjectId: input.subjectId,
    subjectHash: input.subjectHash,
    step: input.step,
    decision: input.decision,
    comment,
    signer: { userId: actor.id, orgId: actor.org.id, keyId: key.keyId },
    signedAt: now.toISOString(),
  };
  ZApprovalPayload.parse(payloadObject);
  const payload = canonicalJson(payloadObject);
  const signature = signMessage(payload, keyring.openUserKey(actor.id, key.sealedSecretKey));
  const id = randomUUID();
  await tx.query(
    `INSERT INTO signed_approvals (id, subject_type, subject_id, step, decision, comment, subject_hash,
       signer_user_id, signer_org_id, key_id, payload, signature, signed_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
    [
      id,
      input.subjectType,
      input.subjectId,
      input.step,
      input.decision,
      comment,
      input.subjectHash,
      actor.id,
      actor.org.id,
      key.keyId,
      payload,
      signature,
      now,
    ],
  );
  return { id, keyId: key.keyId, signature, payload, signedAt: now };
}

interface TApprovalRow {
  id: string;
  subject_type: TApprovalSubjectType;
  subject_id: string;
  subject_hash: string;
  step: string;
  decision: "approve" | "reject";
  comment: string;
  signer_user_id: string;
  signer_org_id: string;
  signer_name: string;
  signer_org_name: string;
  key_id: string;
  public_key: string;
  payload: string;
  signature: string;
  signed_at: Date;
}

const APPROVAL_SELECT = `SELECT a.id, a.subject_type, a.subject_id, a.subject_hash, a.step, a.decision,
    a.comment, a.signer_user_id, a.signer_org_id, u.display_name AS signer_name, o.name AS signer_org_name,
    a.key_id, k.public_key, a.payload, a.signature, a.signed_at
  FROM signed_approvals a
  JOIN users u ON u.id = a.signer_user_id
  JOIN organizations o ON o.id = a.signer_org_id
  JOIN user_signing_keys k ON k.key_id = a.key_id`;

function toApproval(r: TApprovalRow): TSignedApproval {
  return {
    id: r.id,
    subjectType: r.subject_type,
    subjectId: r.subject_id,
    subjectHash: r.subject_hash,
    step: r.step,
    decision: r.decision,
    comment: r.comment,
    signerUserId: r.signer_user_id,
    signerOrgId: r.signer_org_id,
    signerName: r.signer_name,
    signerOrgName: r.signer_org_name,
    keyId: r.key_id,
    publicKey: r.public_key,
    payload: r.payload,
    signature: r.signature,
    signedAt: r.signed_at,
  };
}

/** The approvals of a subject, oldest first. */
export async function listApprovals(
  db: TQueryable,
  subjectType: TApprovalSubjectType,
  subjectId: string,
): Promise<TSignedApproval[]> {
  const { rows } = await db.query<TApprovalRow>(
    `${APPROVAL_SELECT} WHERE a.subject_type = $1 AND a.subject_id = $2 ORDER BY a.signed_at, a.id`,
    [subjectType, subjectId],
  );
  return rows.map(toApproval);
}

export interface TApprovalVerification {
  approvalId: string;
  ok: boolean;
  /** Each check with its outcome; `detail` is user-safe. */
  checks: { name: "signature" | "payload_matches_row" | "subject_hash"; ok: boolean; detail: string }[];
  approval: TSignedApproval;
}

/**
 * Verifies an approval: the signature over the stored payload with the signer's public key, the
 * payload agreeing with the row's columns, and — when `currentSubjectHash` is given — the
 * subject's content still being what was approved.
 */
export async function verifyApproval(
  db: TQueryable,
  approvalId: string,
  currentSubjectHash?: string,
): Promise<TApprovalVerification> {
  const { rows } = await db.query<TApprovalRow>(`${APPROVAL_SELECT} WHERE a.id = $1`, [approvalId]);
  const row = rows[0];
  if (!row) throw new DomainError("NOT_FOUND", "no such approval");
  const approval = toApproval(row);
  const key = await findSigningKey(db, approval.keyId);
  const signatureOk = key !== null && verifyMessage(approval.payload, approval.signature, key.publicKey);
  let payloadOk = false;
  try {
    const p = ZApprovalPayload.parse(JSON.parse(approval.payload));
    payloadOk =
      p.subjectType === approval.subjectType &&
      p.subjectId === approval.subjectId &&
      p.subjectHash === approval.subjectHash &&
      p.step === approval.step &&
      p.decision === approval.decision &&
      p.comment === approval.comment &&
      p.signer.userId === approval.signerUserId &&
      p.signer.orgId === approval.signerOrgId &&
      p.signer.keyId === approval.keyId &&
      key?.userId === approval.signerUserId;
  } catch {
    payloadOk = false;
  }
  const checks: TApprovalVerification["checks"] = [
    {
      name: "signature",
      ok: signatureOk,
      detail: signatureOk
        ? `ed25519 signature verifies with key ${approval.keyId}`
        : "the signature does not verify with the signer's public key",
    },
    {
      name: "payload_matches_row",
      ok: payloadOk,
      detail: payloadOk
        ? "the signed payload matches the stored decision, step, subject and signer"
        : "the stored decision, step, subject or signer differs from what was signed",
    },
  ];
  if (currentSubjectHash !== undefined) {
    const same = currentSubjectHash === approval.subjectHash;
    checks.push({
      name: "subject_hash",
      ok: same,
      detail: same
        ? "the subject is unchanged since it was approved"
        : "the subject's content changed after it was approved",
    });
  }
  return { approvalId, ok: checks.every((c) => c.ok), checks, approval };
}
