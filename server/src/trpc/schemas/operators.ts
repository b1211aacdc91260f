/** Inputs and outputs of operators.* (admission, documents, operator status, annual reports). */
import { z } from "zod";
import { ZAnnualReportContent } from "../../domain/operators/annual-reports";
import {
  DOCUMENT_MEDIA_TYPES,
  DOSSIER_KINDS,
  MAX_DOCUMENT_BASE64_CHARS,
  ZDocumentFileName,
  ZOperatorStatement,
} from "../../domain/operators/dossier";
import {
  ANNUAL_DECISIONS,
  ANNUAL_REPORT_STATES,
  APPLICATION_ACTIONS,
  APPLICATION_STATES,
  OPERATOR_STATUS_ACTIONS,
  OPERATOR_STATUSES,
  REVIEW_ACTIONS,
} from "../../domain/operators/operator-machines";

const ZId = z.string().uuid();
const ZIso = z.string();
const ZHex64 = z.string().regex(/^[0-9a-f]{64}$/);
const ZComment = z.string().trim().max(2000);
const ZReason = z.string().trim().min(1).max(2000);

// ── inputs
export const ZCreateApplicationInput = z.object({ statement: ZOperatorStatement });
export const ZUpdateStatementInput = z.object({ applicationId: ZId, statement: ZOperatorStatement });
export const ZApplicationIdInput = z.object({ applicationId: ZId });
export const ZUploadDocumentInput = z.object({
  applicationId: ZId,
  kind: z.enum(DOSSIER_KINDS),
  fileName: ZDocumentFileName,
  mediaType: z.enum(DOCUMENT_MEDIA_TYPES),
  // A little slack over the 5 MB limit: the domain names the exact problem (size or encoding).
  contentBase64: z
    .string()
    .min(1)
    .max(MAX_DOCUMENT_BASE64_CHARS + 1024),
});
export const ZDocumentIdInput = z.object({ documentId: ZId });
export const ZReviewApplicationInput = z.object({
  applicationId: ZId,
  action: z.enum(REVIEW_ACTIONS),
  /** The reviewer's comment; required for reject (the reason). */
  comment: ZComment.default(""),
});
export const ZListOperatorsInput = z
  .object({ applicationStatus: z.enum(APPLICATION_STATES).optional() })
  .optional();
export const ZChangeOperatorStatusInput = z.object({
  orgId: ZId,
  action: z.enum(OPERATOR_STATUS_ACTIONS),
  reason: ZReason,
});
export const ZSubmitAnnualReportInput = z.object({
  year: z.number().int().min(2000).max(2100),
  report: ZAnnualReportContent,
});
export const ZEvaluateAnnualReportInput = z.object({
  reportId: ZId,
  score: z.number().int().min(0).max(100),
  decision: z.enum(ANNUAL_DECISIONS),
  comment: ZComment.default(""),
});
export const ZListAnnualReportsInput = z
  .object({
    year: z.number().int().min(2000).max(2100).optional(),
    status: z.enum(ANNUAL_REPORT_STATES).optional(),
  })
  .optional();

// ── outputs
const ZOrgRef = z.object({ id: ZId, name: z.string(), uscc: z.string().nullable() });

export const ZApplicationRef = z.object({ id: ZId, status: z.enum(APPLICATION_STATES) });
export const ZTransitionOutput = ZApplicationRef.extend({ approvalId: ZId.nullable() });

export const ZDocumentMeta = z.object({
  id: ZId,
  kind: z.enum(DOSSIER_KINDS),
  fileName: z.string(),
  mediaType: z.string(),
  sizeBytes: z.number().int(),
  sha256: ZHex64,
  uploadedAt: ZIso,
  uploadedBy: z.string(),
});

export const ZDocumentDownload = ZDocumentMeta.extend({
  applicationId: ZId,
  contentBase64: z.string(),
  sha256Matches: z.boolean(),
});

export const ZApprovalView = z.object({
  id: ZId,
  step: z.string(),
  decision: z.enum(["approve", "reject"]),
  comment: z.string(),
  signerName: z.string(),
  signerOrgName: z.string(),
  keyId: z.string(),
  publicKey: z.string(),
  signature: z.string(),
  subjectHash: ZHex64,
  signedAt: ZIso,
  verified: z.boolean(),
  checks: z.array(
    z.object({
      name: z.enum(["signature", "payload_matches_row", "subject_hash"]),
      ok: z.boolean(),
      detail: z.string(),
    }),
  ),
});

export const ZAuditEventView = z.object({
  seq: z.number().int(),
  occurredAt: ZIso,
  action: z.string(),
  actorName: z.string().nullable(),
  actorOrgName: z.string().nullable(),
  beforeHash: z.string().nullable(),
  afterHash: z.string().nullable(),
  approvalId: z.string().nullable(),
  eventHash: z.string(),
  detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
});

export const ZApplicationSummary = z.object({
  id: ZId,
  org: ZOrgRef,
  status: z.enum(APPLICATION_STATES),
  submittedAt: ZIso.nullable(),
  noticeEndsAt: ZIso.nullable(),
  decidedAt: ZIso.nullable(),
  createdAt: ZIso,
  updatedAt: ZIso,
  documentsCount: z.number().int(),
});

export const ZApplicationDetail = ZApplicationSummary.extend({
  statement: ZOperatorStatement,
  reason: z.string().nullable(),
  noticeStartedAt: ZIso.nullable(),
  contentHash: ZHex64,
  documents: z.array(ZDocumentMeta),
  missingKinds: z.array(z.enum(DOSSIER_KINDS)),
  approvals: z.array(ZApprovalView),
  auditEvents: z.array(ZAuditEventView),
  allowedActions: z.array(z.enum(APPLICATION_ACTIONS)),
  canEdit: z.boolean(),
  noticeOver: z.boolean(),
});

export const ZOperatorSummary = z.object({
  org: ZOrgRef,
  status: z.enum(OPERATOR_STATUSES),
  applicationId: ZId.nullable(),
  admittedAt: ZIso,
  statusChangedAt: ZIso,
  statusReason: z.string().nullable(),
  authorizations: z.object({
    active: z.number().int(),
    suspended: z.number().int(),
    revoked: z.number().int(),
    pending: z.number().int(),
  }),
  allowedActions: z.array(z.enum(OPERATOR_STATUS_ACTIONS)),
});

export const ZOperatorsOverview = z.object({
  applications: z.array(ZApplicationSummary),
  operators: z.array(ZOperatorSummary),
});

export const ZMyOperatorStatus = z.object({
  org: z.object({ id: ZId, name: z.string() }),
  status: z.enum(OPERATOR_STATUSES).nullable(),
  admittedAt: ZIso.nullable(),
  statusChangedAt: ZIso.nullable(),
  statusReason: z.string().nullable(),
  openApplicationId: ZId.nullable(),
  canApply: z.boolean(),
  canReport: z.boolean(),
});

export const ZStatusChangeOutput = z.object({
  orgId: ZId,
  from: z.enum(OPERATOR_STATUSES),
  to: z.enum(OPERATOR_STATUSES),
  authorizations: z.object({
    suspended: z.number().int(),
    restored: z.number().int(),
    expired: z.number().int(),
    revoked: z.number().int(),
    rejected: z.number().int(),
  }),
});

export const ZAnnualReportRef = z.object({ id: ZId, status: z.enum(ANNUAL_REPORT_STATES) });

export const ZEvaluationOutput = ZAnnualReportRef.extend({
  approvalId: ZId,
  statusChange: ZStatusChangeOutput.nullable(),
});

export const ZAnnualReportView = z.object({
  id: ZId,
  org: z.object({ id: ZId, name: z.string() }),
  year: z.number().int(),
  status: z.enum(ANNUAL_REPORT_STATES),
  report: ZAnnualReportContent,
  reportHash: ZHex64,
  reportHashMatches: z.boolean(),
  submittedAt: ZIso,
  submittedBy: z.string(),
  operatorStatus: z.enum(OPERATOR_STATUSES).nullable(),
  evaluation: z
    .object({
      score: z.number().int(),
      decision: z.enum(ANNUAL_DECISIONS),
      comment: z.string().nullable(),
      evaluatedAt: ZIso,
      approval: ZApprovalView.nullable(),
    })
    .nullable(),
  allowedActions: z.array(z.literal("evaluate")),
});
