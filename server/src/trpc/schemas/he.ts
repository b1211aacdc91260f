/**
 * Input and output schemas of he.* (the API contract the web app sees): a buyer's encrypted
 * queries. Requests and responses are the homomorphic wire format of common/src/he/wire.ts —
 * ciphertexts and public evaluation keys only; a secret key has no place in any of them.
 */
import { HE_MODES } from "@pdx/common/he/layout";
import { ZHeRequest, ZHeResponse } from "@pdx/common/he/wire";
import { z } from "zod";

const ZId = z.uuid();
const ZLocalized = z.object({ zh: z.string(), en: z.string() });
const ZHex64 = z.string().regex(/^[0-9a-f]{64}$/, "must be 64 lowercase hex characters");

export const ZHeDirectoryInput = z.object({ productId: ZId });
export const ZHeRunInput = z.object({
  productId: ZId,
  datasetVersion: z.string().min(1).max(40),
  directoryHash: ZHex64,
  request: ZHeRequest,
});
export const ZHeQueryInput = z.object({ queryId: ZId });
export const ZHeListInput = z.object({ limit: z.int().min(1).max(100).optional() }).optional();

export const ZHeDirectoryOutput = z.object({
  productId: ZId,
  mode: z.enum(HE_MODES),
  datasetVersion: z.string(),
  directoryHash: ZHex64,
  entities: z.array(z.string()),
  features: z.array(
    z.object({
      as: z.string(),
      label: ZLocalized,
      transform: z.enum(["number", "year", "band", "category"]),
      integer: z.boolean(),
    }),
  ),
});

export const ZHeQuery = z.object({
  queryId: ZId,
  productId: ZId,
  product: z.object({ code: z.string(), version: z.int(), name: ZLocalized }),
  mode: z.enum(HE_MODES),
  preset: z.string(),
  entityCount: z.int(),
  datasetVersion: z.string(),
  requestBytes: z.number(),
  responseBytes: z.number(),
  usageRecordId: z.string(),
  createdAt: z.string(),
});

export const ZHeRunOutput = z.object({ query: ZHeQuery, response: ZHeResponse });
