/**
 * Input and output schemas of productJobs.* (the API contract the web app sees): operators'
 * logic versions and mock runs, buyers' real jobs with their cost preview, and the regulator's
 * output review.
 */
import { JOB_STATES, ZBlockedBy, ZJobStats } from "@pdx/common/enclave-jobs";
import { z } from "zod";
import { ZJobParams } from "../../domain/product-jobs/jobs";
import { LOGIC_LANGUAGES, ZLogicFields } from "../../domain/product-jobs/logic-versions";
import { REVIEW_COMMENT_MAX } from "../../domain/product-jobs/output-review";

const ZId = z.uuid();
const ZIsoDate = z.iso.datetime();
const ZHash = z.string().regex(/^[0-9a-f]{64}$/);
const ZLocalized = z.object({ zh: z.string(), en: z.string() });

export const ZLogicDraftInput = z.object({
  productId: ZId,
  language: z.enum(LOGIC_LANGUAGES),
  source: z.string().min(1, "must not be empty").max(200_000),
  fields: ZLogicFields,
});
export const ZRunMockInput = ZLogicDraftInput.extend({ params: ZJobParams.optional() });
export const ZProductIdInput = z.object({ productId: ZId });
export const ZVersionIdInput = z.object({ versionId: ZId });
export const ZJobIdInput = z.object({ jobId: ZId });
export const ZRealJobInput = z.object({ productId: ZId, params: ZJobParams.optional() });
export const ZListJobsInput = z
  .object({
    limit: z.int().min(1).max(100).optional(),
    mode: z.enum(["mock", "real"]).optional(),
    productId: ZId.optional(),
  })
  .optional();
export const ZReleaseInput = z.object({
  jobId: ZId,
  comment: z.string().trim().max(REVIEW_COMMENT_MAX).optional(),
});
export const ZWithholdInput = z.object({
  jobId: ZId,
  comment: z.string().trim().min(1, "say why the output is withheld").max(REVIEW_COMMENT_MAX),
});

export const ZLogicVersionSummary = z.object({
  id: ZId,
  productId: ZId,
  version: z.int(),
  language: z.enum(LOGIC_LANGUAGES),
  fields: z.record(z.string(), z.array(z.string())),
  versionHash: ZHash,
  reviewState: z.enum(["awaiting_first_review", "approved"]),
  createdAt: ZIsoDate,
  createdBy: z.string(),
});
export const ZLogicVersion = ZLogicVersionSummary.extend({ source: z.string() });

export const ZOperatorProduct = z.object({
  id: ZId,
  code: z.string(),
  name: ZLocalized,
  datasetCode: z.string(),
  latestVersion: ZLogicVersionSummary.nullable(),
});

export const ZExampleLogic = z.object({
  language: z.enum(LOGIC_LANGUAGES),
  source: z.string(),
  fields: z.record(z.string(), z.array(z.string())),
});

export const ZRunnableVersion = z
  .object({
    productId: ZId,
    version: z.int(),
    versionHash: ZHash,
    fields: z.record(z.string(), z.array(z.string())),
    reviewState: z.enum(["awaiting_first_review", "approved"]),
    epsilon: z.object({ perQuery: z.number(), maxPerJob: z.number() }),
  })
  .nullable();

export const ZJobPreview = z.object({
  maxEpsilon: z.number(),
  budgets: z.array(
    z.object({ datasetCode: z.string(), total: z.number(), spent: z.number(), remaining: z.number() }),
  ),
  affordable: z.boolean(),
  version: z.int(),
  versionHash: ZHash,
});

export const ZProductJob = z.object({
  jobId: ZId,
  product: z.object({ id: ZId, code: z.string(), name: ZLocalized }),
  version: z.object({ id: ZId.nullable(), number: z.int(), hash: ZHash }),
  mode: z.enum(["mock", "real"]),
  requesterOrg: z.object({ id: ZId, name: z.string() }),
  state: z.enum(JOB_STATES),
  reviewState: z.enum(["not_needed", "held", "released_by_regulator", "withheld_by_regulator"]),
  output: z.unknown(),
  outputVisible: z.boolean(),
  logs: z.array(z.string()),
  blockedBy: ZBlockedBy.nullable(),
  failure: z.object({ code: z.string(), message: z.string() }).nullable(),
  stats: ZJobStats.nullable(),
  receipt: z
    .object({
      authorizationId: z.string().nullable(),
      productVersionHash: ZHash,
      datasets: z.array(z.object({ code: z.string(), version: z.string() })),
      fieldsTouched: z.array(z.string()),
      rowsRead: z.number(),
      queries: z.number(),
      verifications: z.number(),
      outputHash: ZHash,
      epsilonSpent: z.number(),
      requestHash: ZHash,
      enclaveKeyId: z.string(),
      signature: z.string(),
      signatureValid: z.boolean(),
      startedAt: z.string(),
      finishedAt: z.string(),
    })
    .nullable(),
  review: z.object({
    comment: z.string().nullable(),
    reviewedAt: ZIsoDate.nullable(),
    reviewer: z.string().nullable(),
  }),
  usageRecordId: z.string().nullable(),
  queuedAt: ZIsoDate,
  finishedAt: ZIsoDate.nullable(),
});
