/**
 * Input and output schemas of mpc.* (the API contract the web app sees): a buyer's joint-statistics
 * jobs over several enclave nodes. The result is the coordinator's released table (k-suppressed,
 * noisy); the receipt summary names the coordinator's key and the hashes the usage record carries.
 */
import { ZMpcFailure, ZMpcJointResult } from "@pdx/common/mpc-api";
import { z } from "zod";

const ZId = z.uuid();
const ZLocalized = z.object({ zh: z.string(), en: z.string() });

export const ZMpcStartInput = z.object({ productId: ZId });
export const ZMpcJobInput = z.object({ jobId: ZId });
export const ZMpcListInput = z.object({ limit: z.int().min(1).max(100).optional() }).optional();

export const ZMpcJob = z.object({
  jobId: ZId,
  productId: ZId,
  product: z.object({ code: z.string(), version: z.int(), name: ZLocalized }),
  state: z.enum(["running", "released", "failed"]),
  failure: ZMpcFailure.nullable(),
  result: ZMpcJointResult.nullable(),
  receipt: z
    .object({
      usageRecordId: z.string(),
      coordinator: z.string(),
      enclaveKeyId: z.string(),
      outputHash: z.string(),
      requestHash: z.string(),
      epsilonPerParty: z.number(),
    })
    .nullable(),
  parties: z.array(z.object({ node: z.string(), datasetCode: z.string() })),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
});
