/**
 * Input and output schemas of datasets.* and registrations.* (the catalog and its registration
 * workflow). Entries arrive as a bounded object and are validated by the domain
 * (parseDatasetEntry), so a bad entry is an INVALID_INPUT naming the field rather than a bare
 * shape error; outputs list exactly what a client receives.
 */
import {
  GRADES,
  LIBRARY_CODES,
  LIBRARY_KINDS,
  OPEN_ATTRIBUTES,
  SHARING_ATTRIBUTES,
  UPDATE_FREQUENCIES,
  ZDatasetEntryShape,
} from "@pdx/common/catalog/dataset-entry";
import { COMPUTE_MODES, FIELD_ACCESS_KINDS } from "@pdx/common/catalog/grade-policy";
import { MOCK_ROWS_MAX } from "@pdx/common/catalog/mock-rows";
import { z } from "zod";
import {
  REGISTRATION_ACTIONS,
  REGISTRATION_KINDS,
  REGISTRATION_STATES,
} from "../../domain/catalog/registrations-machine";
import { DATASET_STATUS_FILTERS } from "../../domain/catalog/search";
import { CHAIN_WRITE_KINDS } from "../../domain/chain-writes/outbox";

const ZId = z.uuid();
const ZIso = z.string();
const ZLocalized = z.object({ zh: z.string(), en: z.string() });
const ZDatasetCode = z
  .string()
  .trim()
  .regex(/^[A-Z][A-Z0-9-]{2,39}$/, "must be a dataset code such as LE-BASE");
/** An entry as submitted: any object; its content is checked by the domain. */
const ZEntryInput = z.record(z.string(), z.unknown());
const ZReason = z.string().max(2000);

// ── datasets ────────────────────────────────────────────────────────────────────────────────

export const ZListDatasetsInput = z
  .object({
    q: z.string().max(200).optional(),
    library: z.enum(LIBRARY_KINDS).optional(),
    libraryCode: z.enum(LIBRARY_CODES).optional(),
    grade: z.enum(GRADES).optional(),
    sourceOrgId: ZId.optional(),
    sharing: z.enum(SHARING_ATTRIBUTES).optional(),
    open: z.enum(OPEN_ATTRIBUTES).optional(),
    status: z.enum(DATASET_STATUS_FILTERS).optional(),
    page: z.int().min(1).max(10_000).default(1),
    pageSize: z.int().min(1).max(100).default(20),
  })
  .default({ page: 1, pageSize: 20 });

const ZDatasetStatus = z.enum(["coded", "deregistered", "expired"]);

const ZDatasetSummary = z.object({
  code: z.string(),
  name: ZLocalized,
  description: ZLocalized,
  library: z.enum(LIBRARY_KINDS),
  libraryCode: z.enum(LIBRARY_CODES),
  category: ZDatasetEntryShape.shape.category,
  grade: z.enum(GRADES),
  sharing: z.enum(SHARING_ATTRIBUTES),
  open: z.enum(OPEN_ATTRIBUTES),
  updateFrequency: z.enum(UPDATE_FREQUENCIES),
  volume: z.object({ rows: z.number(), asOf: z.string() }),
  fieldCount: z.int(),
  sourceOrg: z.object({ id: z.string(), name: z.string() }),
  registrationCode: z.string().nullable(),
  codedAt: ZIso.nullable(),
  validUntil: ZIso.nullable(),
  status: ZDatasetStatus,
});

const ZFacetCount = z.object({ value: z.string(), count: z.int(), label: z.string().optional() });

export const ZDatasetPage = z.object({
  items: z.array(ZDatasetSummary),
  total: z.int(),
  page: z.int(),
  pageSize: z.int(),
  facets: z.object({
    library: z.array(ZFacetCount),
    libraryCode: z.array(ZFacetCount),
    grade: z.array(ZFacetCount),
    sourceOrgId: z.array(ZFacetCount),
    sharing: z.array(ZFacetCount),
    open: z.array(ZFacetCount),
  }),
});

export const ZDatasetCodeInput = z.object({ code: ZDatasetCode });

const ZChainWrite = z.object({
  id: z.string(),
  kind: z.enum(CHAIN_WRITE_KINDS),
  status: z.enum(["pending", "confirmed"]),
  attempts: z.int(),
  lastError: z.string().nullable(),
  txHash: z.string().nullable(),
  blockNumber: z.number().nullable(),
  contractAddress: z.string().nullable(),
  chainId: z.string().nullable(),
  createdAt: ZIso,
  confirmedAt: ZIso.nullable(),
});

const ZFieldAccess = z.enum(FIELD_ACCESS_KINDS);

export const ZDatasetDetail = ZDatasetSummary.extend({
  entry: ZDatasetEntryShape,
  entryHash: z.string().nullable(),
  sourceOrg: z.object({
    id: z.string(),
    name: z.string(),
    nameEn: z.string(),
    agencyCode: z.string().nullable(),
  }),
  registrationId: z.string().nullable(),
  chainWrites: z.array(ZChainWrite),
  fieldAccess: z.array(
    z.object({
      field: z.string(),
      access: z.object(
        Object.fromEntries(COMPUTE_MODES.map((m) => [m, ZFieldAccess])) as Record<
          (typeof COMPUTE_MODES)[number],
          typeof ZFieldAccess
        >,
      ),
    }),
  ),
  authorizationBlock: z.string().nullable(),
  itemSources: z.array(
    z.object({
      field: z.string(),
      item: z.string(),
      sourceOrgName: z.string().nullable(),
      datasetCode: z.string().nullable(),
    }),
  ),
  history: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(REGISTRATION_KINDS),
      status: z.enum(REGISTRATION_STATES),
      registrationCode: z.string().nullable(),
      submittedAt: ZIso.nullable(),
      codedAt: ZIso.nullable(),
      validUntil: ZIso.nullable(),
      updatedAt: ZIso,
      canOpen: z.boolean(),
    }),
  ),
});

export const ZMockRowsInput = z.object({
  code: ZDatasetCode,
  n: z.int().min(1).max(MOCK_ROWS_MAX).default(10),
  seed: z.int().min(0).max(2_147_483_647).optional(),
});

export const ZMockRows = z.object({
  code: z.string(),
  seed: z.int(),
  columns: z.array(z.object({ name: z.string(), label: ZLocalized, type: z.string(), masking: z.string() })),
  rows: z
    .array(z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])))
    .max(MOCK_ROWS_MAX),
});

export const ZDatasetSources = z.array(
  z.object({
    id: z.string(),
    name: z.string(),
    nameEn: z.string(),
    agencyCode: z.string().nullable(),
    datasetCount: z.int(),
    itemCount: z.int(),
  }),
);

export const ZCatalogStats = z.object({
  total: z.int(),
  byLibrary: z.object({ base: z.int(), theme: z.int() }),
  byGrade: z.object({ core: z.int(), important: z.int(), general: z.int() }),
  byLibraryCode: z.array(z.object({ libraryCode: z.string(), count: z.int() })),
  departments: z.int(),
  authoritativeItems: z.int(),
});

// ── registrations ───────────────────────────────────────────────────────────────────────────

export const ZRegistrationAction = z.enum(REGISTRATION_ACTIONS);

export const ZCreateRegistrationInput = z.object({ entry: ZEntryInput });
export const ZUpdateRegistrationInput = z.object({ id: ZId, entry: ZEntryInput });
export const ZRegistrationIdInput = z.object({ id: ZId });
export const ZRegistrationReasonInput = z.object({ id: ZId, reason: ZReason });
export const ZReviewRegistrationInput = z.object({ id: ZId, comment: ZReason.optional() });
export const ZStartFollowUpInput = z.object({ datasetCode: ZDatasetCode });
export const ZRegistrationStatusFilter = z
  .object({ status: z.enum(REGISTRATION_STATES).optional() })
  .default({});
export const ZCheckEntryInput = z.object({ entry: ZEntryInput, registrationId: ZId.optional() });

export const ZRegistrationSummary = z.object({
  id: z.string(),
  datasetCode: z.string(),
  name: ZLocalized,
  kind: z.enum(REGISTRATION_KINDS),
  status: z.enum(REGISTRATION_STATES),
  sourceOrg: z.object({ id: z.string(), name: z.string() }),
  registrationCode: z.string().nullable(),
  submittedAt: ZIso.nullable(),
  noticeEndsAt: ZIso.nullable(),
  validUntil: ZIso.nullable(),
  updatedAt: ZIso,
});

export const ZRegistrationDetail = ZRegistrationSummary.extend({
  entry: ZDatasetEntryShape,
  entryHash: z.string(),
  previousRegistrationId: z.string().nullable(),
  reason: z.string().nullable(),
  noticeStartedAt: ZIso.nullable(),
  codedAt: ZIso.nullable(),
  validFrom: ZIso.nullable(),
  createdBy: z.object({ id: z.string(), name: z.string() }),
  createdAt: ZIso,
  approvals: z.array(
    z.object({
      id: z.string(),
      step: z.string(),
      decision: z.enum(["approve", "reject"]),
      comment: z.string(),
      signerName: z.string(),
      signerOrgName: z.string(),
      keyId: z.string(),
      publicKey: z.string(),
      signature: z.string(),
      subjectHash: z.string(),
      signedAt: ZIso,
      verification: z.object({
        ok: z.boolean(),
        checks: z.array(z.object({ name: z.string(), ok: z.boolean(), detail: z.string() })),
      }),
    }),
  ),
  auditEvents: z.array(
    z.object({
      seq: z.number(),
      occurredAt: ZIso,
      action: z.string(),
      actorName: z.string().nullable(),
      actorOrgName: z.string().nullable(),
      approvalId: z.string().nullable(),
      detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
      eventHash: z.string(),
    }),
  ),
  chainWrites: z.array(ZChainWrite),
  allowedActions: z.array(ZRegistrationAction),
  canEdit: z.boolean(),
});

export const ZRegistrationQueue = z.object({
  items: z.array(ZRegistrationSummary),
  counts: z.array(z.object({ status: z.enum(REGISTRATION_STATES), count: z.int() })),
});

export const ZEntryProblems = z.array(
  z.object({
    path: z.string(),
    message: z.string(),
    kind: z.enum(["INVALID_INPUT", "CONFLICT", "PRECONDITION_FAILED"]),
  }),
);
