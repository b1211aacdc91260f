/** Inputs and outputs of authorizations.* (scenario filing and authorization agreements). */
import { ZAuthorizationScope } from "@pdx/common/authorization-scope";
import { GRADES } from "@pdx/common/catalog/dataset-entry";
import { COMPUTE_MODES, FIELD_ACCESS_KINDS } from "@pdx/common/catalog/grade-policy";
import { z } from "zod";
import { AUTHORIZATION_STATES, SCENARIO_STATES } from "../../domain/authorizations/machines";
import { BENEFICIARY_CLASSES } from "../../domain/authorizations/scenarios";

const ZId = z.string().uuid();
const ZIso = z.string();
const ZOrgRef = z.object({ id: z.string(), name: z.string() });
const ZLocalized = z.object({ zh: z.string(), en: z.string() });
const ZReason = z.string().trim().min(1, "a reason is required").max(2000);

// ── inputs
export const ZScenarioContentInput = z.object({
  title: z.string().trim().min(1).max(200),
  purpose: z.string().trim().min(1).max(4000),
  beneficiaryClass: z.enum(BENEFICIARY_CLASSES),
  computeMode: z.enum(COMPUTE_MODES),
  expectedOutputs: z.string().trim().min(1).max(4000),
  requestedScope: ZAuthorizationScope,
});
export const ZUpdateScenarioInput = ZScenarioContentInput.extend({ id: ZId });
export const ZIdInput = z.object({ id: ZId });
export const ZReasonInput = z.object({ id: ZId, reason: ZReason });
export const ZListScenariosInput = z.object({ status: z.enum(SCENARIO_STATES).optional() }).optional();
export const ZAuthorizableDatasetsInput = z.object({ q: z.string().trim().max(100).optional() }).optional();

export const ZApplyInput = z.object({
  scenarioId: ZId,
  scope: ZAuthorizationScope,
  validFrom: z.iso.datetime({ offset: true }),
  validUntil: z.iso.datetime({ offset: true }),
});
export const ZDecideInput = z.object({
  id: ZId,
  step: z.string().min(1).max(120),
  comment: z.string().max(2000).optional(),
});
export const ZListAuthorizationsInput = z
  .object({ status: z.enum(AUTHORIZATION_STATES).optional(), awaitingMe: z.boolean().optional() })
  .optional();

// ── outputs
export const ZScenarioRef = z.object({ id: ZId, status: z.enum(SCENARIO_STATES) });
export const ZAuthorizationRef = z.object({ id: ZId, status: z.enum(AUTHORIZATION_STATES) });
export const ZDecision = z.object({
  id: ZId,
  status: z.enum(AUTHORIZATION_STATES),
  approvalId: ZId,
  activated: z.boolean().optional(),
});

const ZEvent = z.object({
  seq: z.number().int(),
  occurredAt: ZIso,
  action: z.string(),
  actorName: z.string().nullable(),
  actorOrgName: z.string().nullable(),
  approvalId: z.string().nullable(),
  detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  eventHash: z.string(),
});

const ZResolvedScopeDataset = z.object({
  datasetCode: z.string(),
  name: ZLocalized.nullable(),
  sourceOrg: ZOrgRef.nullable(),
  grade: z.enum(GRADES).nullable(),
  fields: z.array(
    z.object({
      name: z.string(),
      label: ZLocalized.nullable(),
      grade: z.enum(GRADES).nullable(),
      access: z.enum(FIELD_ACCESS_KINDS),
    }),
  ),
  problems: z.array(z.string()),
});

export const ZPickerDataset = z.object({
  code: z.string(),
  name: ZLocalized,
  sourceOrg: ZOrgRef,
  grade: z.enum(GRADES),
  libraryCode: z.string(),
  blockedReason: z.string().nullable(),
  fields: z.array(
    z.object({
      name: z.string(),
      label: ZLocalized,
      type: z.string(),
      grade: z.enum(GRADES),
      personalInfo: z.boolean(),
      masking: z.string(),
      access: z.record(z.enum(COMPUTE_MODES), z.enum(FIELD_ACCESS_KINDS)),
    }),
  ),
});

export const ZScenarioSummary = z.object({
  id: ZId,
  title: z.string(),
  operatorOrg: ZOrgRef,
  status: z.enum(SCENARIO_STATES),
  beneficiaryClass: z.enum(BENEFICIARY_CLASSES),
  computeMode: z.enum(COMPUTE_MODES),
  datasetCodes: z.array(z.string()),
  fieldCount: z.number().int(),
  filedAt: ZIso.nullable(),
  updatedAt: ZIso,
  authorization: z.object({ id: ZId, status: z.string() }).nullable(),
});

export const ZScenarioDetail = ZScenarioSummary.omit({ datasetCodes: true, fieldCount: true }).extend({
  purpose: z.string(),
  expectedOutputs: z.string(),
  requestedScope: z.array(ZResolvedScopeDataset),
  contentHash: z.string().nullable(),
  reason: z.string().nullable(),
  decidedAt: ZIso.nullable(),
  createdAt: ZIso,
  operatorStatus: z.string().nullable(),
  allowedActions: z.array(z.enum(["file", "accept", "reject", "withdraw", "edit", "apply"])),
  events: z.array(ZEvent),
});

const ZStepStatus = z.enum(["pending", "approved", "rejected"]);

export const ZAuthorizationSummary = z.object({
  id: ZId,
  scenario: z.object({ id: ZId, title: z.string() }),
  operatorOrg: ZOrgRef,
  status: z.enum(AUTHORIZATION_STATES),
  computeMode: z.enum(COMPUTE_MODES),
  validFrom: ZIso,
  validUntil: ZIso,
  datasetCodes: z.array(z.string()),
  steps: z.array(z.object({ step: z.string(), orgName: z.string().nullable(), status: ZStepStatus })),
  awaitingMe: z.boolean(),
  createdAt: ZIso,
  activatedAt: ZIso.nullable(),
});

export const ZAuthorizationDetail = ZAuthorizationSummary.omit({
  steps: true,
  datasetCodes: true,
  scenario: true,
}).extend({
  statusReason: z.string().nullable(),
  suspendedByOperatorStatus: z.boolean(),
  operatorStatus: z.string().nullable(),
  scenario: z.object({
    id: ZId,
    title: z.string(),
    purpose: z.string(),
    beneficiaryClass: z.string(),
    expectedOutputs: z.string(),
    status: z.string(),
    contentHash: z.string().nullable(),
  }),
  scope: z.array(ZResolvedScopeDataset),
  chain: z.object({
    authorizationId: z.string(),
    operatorId: z.string(),
    scopeHash: z.string(),
    scenarioHash: z.string(),
  }),
  subjectHash: z.string(),
  steps: z.array(
    z.object({
      step: z.string(),
      kind: z.enum(["source", "regulator"]),
      org: ZOrgRef.nullable(),
      status: ZStepStatus,
      approval: z
        .object({
          id: ZId,
          decision: z.enum(["approve", "reject"]),
          comment: z.string(),
          signerName: z.string(),
          signerOrgName: z.string(),
          keyId: z.string(),
          publicKey: z.string(),
          signature: z.string(),
          signedAt: ZIso,
          verified: z.boolean(),
          checks: z.array(z.object({ name: z.string(), ok: z.boolean(), detail: z.string() })),
        })
        .nullable(),
    }),
  ),
  myStep: z.string().nullable(),
  chainWrites: z.array(
    z.object({
      id: z.string(),
      kind: z.string(),
      status: z.enum(["pending", "confirmed"]),
      attempts: z.number().int(),
      lastError: z.string().nullable(),
      txHash: z.string().nullable(),
      blockNumber: z.number().nullable(),
      contractAddress: z.string().nullable(),
      chainId: z.string().nullable(),
      createdAt: ZIso,
      confirmedAt: ZIso.nullable(),
    }),
  ),
  events: z.array(ZEvent),
  allowedActions: z.array(z.enum(["approve", "reject", "suspend", "resume", "revoke"])),
  updatedAt: ZIso,
});
