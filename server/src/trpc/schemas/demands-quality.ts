/**
 * Input and output schemas of demands.* and quality.* (the API contract the web app sees).
 * Inputs are bounded and trimmed; the domain functions check what needs the database (datasets,
 * fields, responses exist) and answer INVALID_INPUT naming the problem.
 */
import { LIBRARY_CODES } from "@pdx/common/catalog/dataset-entry";
import { z } from "zod";
import { DEMAND_ACTIONS, DEMAND_STATUSES } from "../../domain/demands/demand-machine";
import { DEMAND_DATASET_CODES_MAX, DEMAND_TEXT_MAX, DEMAND_TITLE_MAX } from "../../domain/demands/demands";
import { QUALITY_COMMENT_MAX, QUALITY_TEXT_MAX } from "../../domain/quality/quality-issues";
import { QUALITY_ACTIONS, QUALITY_CATEGORIES, QUALITY_STATUSES } from "../../domain/quality/quality-machine";

const ZId = z.string().uuid();
const ZIsoDate = z.string().datetime();
const ZLocalized = z.object({ zh: z.string(), en: z.string() });
const ZOrgRef = z.object({ id: z.string(), name: z.string() });
const ZUserRef = z.object({ id: z.string(), displayName: z.string() });
const ZDatasetCode = z
  .string()
  .trim()
  .regex(/^[A-Z][A-Z0-9-]{2,39}$/, "must be a dataset code such as LE-BASE");
const ZFieldName = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9_]{0,62}$/, "must be a field name such as registered_capital");
const text = (max: number) => z.string().trim().min(1, "must not be empty").max(max);

// ── demands
export const ZDemandStatus = z.enum(DEMAND_STATUSES);

export const ZPostDemandInput = z.object({
  title: text(DEMAND_TITLE_MAX),
  description: text(DEMAND_TEXT_MAX),
  libraryCode: z.enum(LIBRARY_CODES).nullish(),
  datasetCodes: z.array(ZDatasetCode).max(DEMAND_DATASET_CODES_MAX).optional(),
});
export const ZRespondToDemandInput = z.object({
  demandId: ZId,
  message: text(DEMAND_TEXT_MAX),
  offeredDatasetCode: ZDatasetCode.nullish(),
  offeredProductId: ZId.nullish(),
});
export const ZMarkDemandSatisfiedInput = z.object({ demandId: ZId, responseId: ZId });
export const ZCloseDemandInput = z.object({ demandId: ZId });
export const ZListDemandsInput = z
  .object({
    status: ZDemandStatus.optional(),
    mine: z.boolean().optional(),
    limit: z.number().int().min(1).max(200).optional(),
  })
  .optional();
export const ZGetDemandInput = z.object({ id: ZId });

export const ZDemandSummary = z.object({
  id: ZId,
  title: z.string(),
  description: z.string(),
  libraryCode: z.enum(LIBRARY_CODES).nullable(),
  datasetCodes: z.array(z.string()),
  status: ZDemandStatus,
  buyerOrg: ZOrgRef,
  createdBy: ZUserRef,
  createdAt: ZIsoDate,
  firstResponseAt: ZIsoDate.nullable(),
  satisfiedAt: ZIsoDate.nullable(),
  satisfiedByResponseId: z.string().nullable(),
  closedAt: ZIsoDate.nullable(),
  responseCount: z.number().int().nonnegative(),
});
export const ZDemandDetail = ZDemandSummary.extend({
  responses: z.array(
    z.object({
      id: ZId,
      responderOrg: ZOrgRef.extend({ type: z.string() }),
      responder: ZUserRef,
      message: z.string(),
      offeredDataset: z.object({ code: z.string(), name: ZLocalized }).nullable(),
      offeredProduct: z.object({ id: z.string(), code: z.string(), name: ZLocalized }).nullable(),
      createdAt: ZIsoDate,
    }),
  ),
  actions: z.array(z.enum(DEMAND_ACTIONS)),
});
const ZShare = z.number().min(0).max(1).nullable();
export const ZDemandStats = z.object({
  asOf: ZIsoDate,
  total: z.number().int(),
  open: z.number().int(),
  answered: z.number().int(),
  satisfied: z.number().int(),
  closed: z.number().int(),
  openCount: z.number().int(),
  openOlderThan7Days: z.number().int(),
  satisfactionRate: ZShare,
  timeToSatisfy: z.object({
    medianMs: z.number().nullable(),
    p90Ms: z.number().nullable(),
    within1DayShare: ZShare,
    within7DaysShare: ZShare,
  }),
  byLibrary: z.array(
    z.object({
      libraryCode: z.string(),
      total: z.number().int(),
      openCount: z.number().int(),
      satisfied: z.number().int(),
    }),
  ),
});

// ── quality
export const ZQualityStatus = z.enum(QUALITY_STATUSES);

export const ZReportQualityInput = z.object({
  datasetCode: ZDatasetCode,
  fieldName: ZFieldName.nullish(),
  category: z.enum(QUALITY_CATEGORIES),
  description: text(QUALITY_TEXT_MAX),
});
export const ZQualityIssueIdInput = z.object({ issueId: ZId });
export const ZRectifyQualityInput = z.object({ issueId: ZId, note: text(QUALITY_TEXT_MAX) });
export const ZVerifyQualityInput = z.object({
  issueId: ZId,
  score: z.number().int().min(1).max(5),
  comment: z.string().trim().max(QUALITY_COMMENT_MAX).optional(),
});
export const ZReopenQualityInput = z.object({ issueId: ZId, reason: text(QUALITY_COMMENT_MAX) });
export const ZListQualityInput = z
  .object({
    status: ZQualityStatus.optional(),
    datasetCode: ZDatasetCode.optional(),
    overdue: z.boolean().optional(),
    limit: z.number().int().min(1).max(500).optional(),
  })
  .optional();
export const ZGetQualityInput = z.object({ id: ZId });

export const ZQualityIssue = z.object({
  id: ZId,
  datasetCode: z.string(),
  datasetName: ZLocalized.nullable(),
  fieldName: z.string().nullable(),
  fieldLabel: ZLocalized.nullable(),
  sourceOrg: ZOrgRef,
  reporterOrg: ZOrgRef,
  reporter: ZUserRef,
  category: z.enum(QUALITY_CATEGORIES),
  description: z.string(),
  status: ZQualityStatus,
  reportedAt: ZIsoDate,
  acknowledgeDueAt: ZIsoDate,
  rectifyDueAt: ZIsoDate,
  acknowledgedAt: ZIsoDate.nullable(),
  rectifiedAt: ZIsoDate.nullable(),
  rectificationNote: z.string().nullable(),
  verifiedAt: ZIsoDate.nullable(),
  score: z.number().int().min(1).max(5).nullable(),
  reopenCount: z.number().int().nonnegative(),
  acknowledgeOverdue: z.boolean(),
  rectifyOverdue: z.boolean(),
});
export const ZQualityIssueDetail = ZQualityIssue.extend({
  timeline: z.array(
    z.object({
      seq: z.number().int(),
      step: z.string(),
      occurredAt: ZIsoDate,
      actorName: z.string().nullable(),
      actorOrgName: z.string().nullable(),
      note: z.string().nullable(),
      reason: z.string().nullable(),
      comment: z.string().nullable(),
      score: z.number().nullable(),
    }),
  ),
  actions: z.array(z.enum(QUALITY_ACTIONS)),
});
export const ZQualityStats = z.object({
  asOf: ZIsoDate,
  deadlines: z.object({ acknowledgeWithinDays: z.number().int(), rectifyWithinDays: z.number().int() }),
  bySource: z.array(
    z.object({
      sourceOrg: ZOrgRef,
      total: z.number().int(),
      open: z.number().int(),
      awaitingVerification: z.number().int(),
      verified: z.number().int(),
      overdue: z.number().int(),
      averageScore: z.number().nullable(),
      averageRectifyMs: z.number().nullable(),
    }),
  ),
});
export const ZQualityDatasetOption = z.object({
  code: z.string(),
  name: ZLocalized,
  sourceOrg: ZOrgRef,
  fields: z.array(z.object({ name: z.string(), label: ZLocalized })),
});
