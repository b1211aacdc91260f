/**
 * Input and output schemas of every procedure (the API contract the web app sees). Inputs are
 * bounded; outputs list exactly the fields a client may receive.
 */
import { ZSignedJobReceiptV2 } from "@pdx/common/enclave-jobs";
import { ZHeFeature } from "@pdx/common/he/features";
import { HE_MODES } from "@pdx/common/he/layout";
import { PSI_ITEM_FORMATS } from "@pdx/common/psi/normalize";
import { ZSignedReceipt } from "@pdx/common/receipt";
import { ZFieldUsed, ZLocalizedText, ZOutputColumn, ZPrivacyRule } from "@pdx/products";
import { z } from "zod";
import { ORGANIZATION_TYPES, USER_ROLES } from "../domain/auth/session-user";

const ZId = z.string().uuid();
const ZRecordId = z.string().regex(/^\d{1,18}$/, "must be a usage record id");
const ZIsoDate = z.string().datetime();
const ZHex64 = z.string().regex(/^[0-9a-f]{64}$/);
const ZOrgRef = z.object({ id: z.string(), name: z.string() });

/** Input of procedures that take none. */
export const ZNoInput = z.undefined();

// ── auth
export const ZLoginInput = z.object({
  email: z.string().trim().min(3).max(254),
  password: z.string().min(1).max(256),
});
export const ZUser = z.object({
  id: ZId,
  email: z.string(),
  displayName: z.string(),
  role: z.enum(USER_ROLES),
  isOrgAdmin: z.boolean(),
  org: z.object({
    id: ZId,
    name: z.string(),
    type: z.enum(ORGANIZATION_TYPES),
  }),
});
export const ZLoginOutput = z.object({ user: ZUser });
export const ZLogoutOutput = z.object({ ok: z.literal(true) });

// ── catalog
export const ZListProductsInput = z.object({ q: z.string().trim().max(100).optional() }).optional();
export const ZGetProductInput = z.object({ id: ZId });
export const ZProduct = z.object({
  id: ZId,
  code: z.string(),
  version: z.number().int(),
  name: ZLocalizedText,
  summary: ZLocalizedText,
  description: ZLocalizedText,
  operator: ZOrgRef,
  dataset: z.object({ code: z.string(), name: ZLocalizedText, sourceOrg: ZOrgRef }),
  deliveryForm: z.enum([
    "authorized_query",
    "private_set_intersection",
    "encrypted_query",
    "joint_statistics",
  ]),
  privacyRule: ZPrivacyRule,
  fieldsUsed: z.array(ZFieldUsed),
  columns: z.array(ZOutputColumn),
  setIntersection: z.object({ field: z.string(), format: z.enum(PSI_ITEM_FORMATS) }).nullable(),
  encryptedQuery: z
    .object({ mode: z.enum(HE_MODES), entityField: z.string(), features: z.array(ZHeFeature) })
    .nullable(),
  jointStatistics: z
    .object({
      coordinator: z.string(),
      parties: z.array(
        z.object({ node: z.string(), holder: ZLocalizedText, datasetCode: z.string(), version: z.string() }),
      ),
      groups: z.array(z.string()),
      statistics: z.array(z.enum(["count", "sum", "mean", "variance"])),
      bounds: z.tuple([z.number(), z.number()]),
      epsilon: z.number(),
      rowsPerUnit: z.number().int(),
    })
    .nullable(),
});

// ── runs
export const ZStartRunInput = z.object({ productId: ZId });
export const ZListRunsInput = z.object({ limit: z.number().int().min(1).max(100).default(20) }).optional();
export const ZGetRunInput = z.object({ runId: ZId });
export const ZRun = z.object({
  runId: ZId,
  usageRecordId: ZRecordId,
  productId: ZId,
  product: z.object({ code: z.string(), version: z.number().int(), name: ZLocalizedText }),
  columns: z.array(ZOutputColumn),
  rows: z.array(z.record(z.string(), z.union([z.string(), z.number()]))).max(100_000),
  suppression: z.object({
    k: z.number().int(),
    suppressedCells: z.number().int().nonnegative(),
    releasedCells: z.number().int().nonnegative(),
  }),
  receipt: z.object({
    jobId: ZId,
    rowsRead: z.number().int().nonnegative(),
    outputHash: ZHex64,
    enclaveKeyId: z.string(),
    signatureValid: z.boolean(),
  }),
  createdAt: ZIsoDate,
});

// ── audit
export const ZListUsageRecordsInput = z.object({
  q: z.string().trim().max(100).optional(),
  limit: z.number().int().min(1).max(100).default(20),
  cursor: ZRecordId.nullish(),
});
export const ZUsageRecordSummary = z.object({
  id: ZRecordId,
  createdAt: ZIsoDate,
  buyerOrg: ZOrgRef,
  user: z.object({ id: z.string(), displayName: z.string() }),
  product: z.object({ code: z.string(), version: z.number().int(), name: ZLocalizedText }),
  datasetCode: z.string(),
  datasetVersion: z.string(),
  rowsRead: z.number().int().nonnegative(),
  batchId: z.string().nullable(),
  anchorStatus: z.enum(["pending", "anchored"]),
});
export const ZUsageRecordPage = z.object({
  items: z.array(ZUsageRecordSummary),
  nextCursor: ZRecordId.nullable(),
});
export const ZVerifyUsageRecordInput = z.object({ id: ZRecordId });
export const ZUsageRecordVerification = z.object({
  record: ZUsageRecordSummary.extend({
    runId: z.string(),
    productId: z.string(),
    fields: z.array(z.string()),
    outputHash: z.string(),
    requestHash: z.string(),
    recordHash: z.string(),
    leafIndex: z.number().int().nullable(),
    /** The stored signed receipt; null when the stored value is malformed. */
    /** v1 (declarative aggregate runs) or v2 (product jobs), as the enclave signed it. */
    receipt: z.union([ZSignedReceipt, ZSignedJobReceiptV2]).nullable(),
  }),
  checks: z.array(
    z.object({
      name: z.enum(["record_hash", "receipt_signature", "merkle_proof", "chain_root"]),
      ok: z.boolean(),
      detail: z.string(),
    }),
  ),
  anchor: z
    .object({
      batchId: z.string(),
      root: z.string(),
      txHash: z.string(),
      blockNumber: z.number().int(),
      contractAddress: z.string(),
      chainId: z.string(),
      anchoredAt: ZIsoDate,
    })
    .nullable(),
  verdict: z.enum(["verified", "failed", "pending"]),
});
