/**
 * Input and output schemas of psi.* (the API contract the web app sees): a buyer's private set
 * intersection sessions. Points are base64 of 32-byte X25519 u-coordinates and tags base64 of
 * 16-byte digests (common/src/psi/wire.ts) — never list items.
 */

import { PSI_POINT_BYTES } from "@pdx/common/psi/group";
import { PSI_CHUNK_ITEMS, PSI_MAX_BUYER_SET_SIZE, ZPsiSessionStarted } from "@pdx/common/psi/wire";
import { z } from "zod";

const ZId = z.uuid();
const ZLocalized = z.object({ zh: z.string(), en: z.string() });
const ZPoints = z
  .string()
  .max(Math.ceil((PSI_CHUNK_ITEMS * PSI_POINT_BYTES) / 3) * 4, "a chunk holds at most 4,096 points")
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, "must be base64");

export const ZPsiStartInput = z.object({
  productId: ZId,
  buyerSetSize: z.int().min(1, "your list is empty").max(PSI_MAX_BUYER_SET_SIZE),
});
export const ZPsiSessionInput = z.object({ sessionId: ZId });
export const ZPsiChunkInput = z.object({ sessionId: ZId, index: z.int().min(0).max(1_000_000) });
export const ZPsiBuyerChunkInput = ZPsiChunkInput.extend({ points: ZPoints });
export const ZPsiListInput = z.object({ limit: z.int().min(1).max(100).optional() }).optional();

export const ZPsiSession = z.object({
  sessionId: ZId,
  productId: ZId,
  product: z.object({ code: z.string(), version: z.int(), name: ZLocalized }),
  started: ZPsiSessionStarted,
  datasetVersion: z.string(),
  state: z.enum(["open", "finished"]),
  usageRecordId: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
});
export const ZPsiBuyerChunkOutput = z.object({ index: z.int(), tags: z.string().nullable() });
export const ZPsiTagsOutput = z.object({ index: z.int(), tags: z.string() });
export const ZPsiPointsOutput = z.object({ index: z.int(), points: z.string() });
