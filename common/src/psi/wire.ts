/**
 * The PSI wire contract between a buyer client, the server (which relays, signed) and the enclave:
 * limits, chunking, and zod schemas of every message. Bytes travel as base64 in JSON.
 *
 * A session:
 *   1. start       → ZPsiSessionStart {mode, format, buyerSetSize}; the MODE comes from the
 *                    product, never from the buyer. Answer ZPsiSessionStarted: the chunk counts of
 *                    both directions and the enclave's set size.
 *   2. buyer chunk → ZPsiBuyerChunk {index, points}: chunk `index` of [b]H(x), exactly
 *                    `chunkItems` points (the last chunk: the rest), any order, each index once.
 *                    Answer ZPsiBuyerChunkReply: mode "intersection" → the 16-byte tags of
 *                    [a][b]H(x) in the same order; mode "cardinality" → tags null (kept back).
 *   3. reply chunk (cardinality only, once every buyer chunk is in) → ZPsiTagsChunk {index, tags}:
 *                    the tags of ALL buyer items, shuffled as one list, cut into chunks.
 *   4. server chunk → ZPsiPointsChunk {index, points}: [a]H(y) of the enclave's column, shuffled.
 * The buyer then matches tags (buyer.ts). The enclave sees set sizes and blinded points only.
 *
 * Browser-safe: no node: imports.
 */
import { z } from "zod";
import { PSI_POINT_BYTES } from "./group";
import { PSI_ITEM_FORMATS } from "./normalize";
import { PSI_TAG_BYTES } from "./tags";

export const PSI_MODES = ["intersection", "cardinality"] as const;
export type TPsiMode = (typeof PSI_MODES)[number];

/** Items per chunk in both directions: 4096 points = 128 KiB (≈ 175 KB as base64). */
export const PSI_CHUNK_ITEMS = 4096;
/** Largest buyer list (distinct items after normalization). */
export const PSI_MAX_BUYER_SET_SIZE = 1_048_576;
/** Largest enclave column (distinct values): its H(y) cache is 32 bytes per value. */
export const PSI_MAX_SERVER_SET_SIZE = 4_194_304;
/** How often one enclave chunk may be sent again (a client's retry after a lost answer). */
export const PSI_MAX_CHUNK_SENDS = 3;

/** Chunks needed for `items` items (at least one, so an empty set still has a well-formed exchange). */
export function psiChunkCount(items: number): number {
  return Math.max(1, Math.ceil(items / PSI_CHUNK_ITEMS));
}

/** Items in chunk `index` of a list of `items` items. */
export function psiChunkLength(items: number, index: number): number {
  return Math.max(0, Math.min(PSI_CHUNK_ITEMS, items - index * PSI_CHUNK_ITEMS));
}

const MAX_BUYER_CHUNKS = psiChunkCount(PSI_MAX_BUYER_SET_SIZE);
const MAX_SERVER_CHUNKS = psiChunkCount(PSI_MAX_SERVER_SET_SIZE);

/** base64 length of `bytes` bytes. */
const base64Length = (bytes: number) => Math.ceil(bytes / 3) * 4;

const ZBase64 = (maxBytes: number) =>
  z.base64().max(base64Length(maxBytes), `must be at most ${maxBytes} bytes (base64)`);

export const ZPsiSessionId = z.uuid();

export const ZPsiSessionStart = z.strictObject({
  mode: z.enum(PSI_MODES),
  format: z.enum(PSI_ITEM_FORMATS),
  buyerSetSize: z.int().min(0).max(PSI_MAX_BUYER_SET_SIZE),
});
export type TPsiSessionStart = z.infer<typeof ZPsiSessionStart>;

export const ZPsiSessionStarted = z.strictObject({
  sessionId: ZPsiSessionId,
  mode: z.enum(PSI_MODES),
  format: z.enum(PSI_ITEM_FORMATS),
  chunkItems: z.literal(PSI_CHUNK_ITEMS),
  tagBytes: z.literal(PSI_TAG_BYTES),
  buyerSetSize: z.int().min(0).max(PSI_MAX_BUYER_SET_SIZE),
  buyerChunkCount: z.int().min(1).max(MAX_BUYER_CHUNKS),
  serverSetSize: z.int().min(0).max(PSI_MAX_SERVER_SET_SIZE),
  serverChunkCount: z.int().min(1).max(MAX_SERVER_CHUNKS),
});
export type TPsiSessionStarted = z.infer<typeof ZPsiSessionStarted>;

export const ZPsiBuyerChunk = z.strictObject({
  index: z
    .int()
    .min(0)
    .max(MAX_BUYER_CHUNKS - 1),
  points: ZBase64(PSI_CHUNK_ITEMS * PSI_POINT_BYTES),
});
export type TPsiBuyerChunk = z.infer<typeof ZPsiBuyerChunk>;

export const ZPsiBuyerChunkReply = z.strictObject({
  index: z
    .int()
    .min(0)
    .max(MAX_BUYER_CHUNKS - 1),
  /** Intersection mode: tags in the chunk's order; cardinality mode: null (fetched shuffled later). */
  tags: ZBase64(PSI_CHUNK_ITEMS * PSI_TAG_BYTES).nullable(),
});
export type TPsiBuyerChunkReply = z.infer<typeof ZPsiBuyerChunkReply>;

export const ZPsiTagsChunk = z.strictObject({
  index: z
    .int()
    .min(0)
    .max(MAX_BUYER_CHUNKS - 1),
  tags: ZBase64(PSI_CHUNK_ITEMS * PSI_TAG_BYTES),
});
export type TPsiTagsChunk = z.infer<typeof ZPsiTagsChunk>;

export const ZPsiPointsChunk = z.strictObject({
  index: z
    .int()
    .min(0)
    .max(MAX_SERVER_CHUNKS - 1),
  points: ZBase64(PSI_CHUNK_ITEMS * PSI_POINT_BYTES),
});
export type TPsiPointsChunk = z.infer<typeof ZPsiPointsChunk>;

/** What the enclave keeps about a session: sizes and counts only, never points, tags or items. */
export const ZPsiSessionSummary = z.strictObject({
  sessionId: ZPsiSessionId,
  mode: z.enum(PSI_MODES),
  format: z.enum(PSI_ITEM_FORMATS),
  buyerSetSize: z.int().min(0),
  serverSetSize: z.int().min(0),
  buyerChunksReceived: z.int().min(0),
  replyChunksSent: z.int().min(0),
  serverChunksSent: z.int().min(0),
  complete: z.boolean(),
  startedAt: z.iso.datetime(),
  endedAt: z.iso.datetime().nullable(),
});
export type TPsiSessionSummary = z.infer<typeof ZPsiSessionSummary>;

/** Node's Buffer, typed structurally so this file needs no Node types (browsers have none). */
type TNodeBuffer = {
  from(buffer: ArrayBufferLike, byteOffset: number, length: number): { toString(encoding: "base64"): string };
  from(text: string, encoding: "base64"): Uint8Array;
};
const NodeBuffer = (globalThis as { Buffer?: TNodeBuffer }).Buffer;

/** base64 of bytes without Buffer: btoa over binary strings in 32 KiB slices (browsers). */
export function psiBytesToBase64Portable(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** Bytes of base64 without Buffer (browsers). */
export function psiBase64ToBytesPortable(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** base64 of bytes (Node's Buffer when present: much faster than btoa). */
export function psiBytesToBase64(bytes: Uint8Array): string {
  if (NodeBuffer) return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
  return psiBytesToBase64Portable(bytes);
}

/** Bytes of a base64 string already checked by a schema above. */
export function psiBase64ToBytes(text: string): Uint8Array {
  if (NodeBuffer) return new Uint8Array(NodeBuffer.from(text, "base64"));
  return psiBase64ToBytesPortable(text);
}
