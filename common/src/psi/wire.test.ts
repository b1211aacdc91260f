/**
 * The wire contract: chunk arithmetic, limits enforced by the schemas (with messages that name the
 * field), and the base64 helpers round-tripping through the schemas.
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  PSI_CHUNK_ITEMS,
  PSI_MAX_BUYER_SET_SIZE,
  psiBase64ToBytes,
  psiBase64ToBytesPortable,
  psiBytesToBase64,
  psiBytesToBase64Portable,
  psiChunkCount,
  psiChunkLength,
  ZPsiBuyerChunk,
  ZPsiSessionStart,
  ZPsiSessionSummary,
} from "./wire";

describe("chunks", () => {
  it("cut a list into full chunks and a last partial one", () => {
    expect(psiChunkCount(0)).toBe(1);
    expect(psiChunkCount(1)).toBe(1);
    expect(psiChunkCount(PSI_CHUNK_ITEMS)).toBe(1);
    expect(psiChunkCount(PSI_CHUNK_ITEMS + 1)).toBe(2);
    expect(psiChunkLength(PSI_CHUNK_ITEMS + 1, 0)).toBe(PSI_CHUNK_ITEMS);
    expect(psiChunkLength(PSI_CHUNK_ITEMS + 1, 1)).toBe(1);
    expect(psiChunkLength(0, 0)).toBe(0);
    for (const n of [1, 4095, 4096, 4097, 100_000, PSI_MAX_BUYER_SET_SIZE]) {
      let total = 0;
      for (let i = 0; i < psiChunkCount(n); i++) total += psiChunkLength(n, i);
      expect(total).toBe(n);
    }
  });
});

describe("schemas", () => {
  it("a start request names the field that is wrong", () => {
    expect(
      ZPsiSessionStart.safeParse({ mode: "cardinality", format: "uscc", buyerSetSize: 10 }).success,
    ).toBe(true);
    const tooMany = ZPsiSessionStart.safeParse({
      mode: "intersection",
      format: "uscc",
      buyerSetSize: PSI_MAX_BUYER_SET_SIZE + 1,
    });
    expect(tooMany.success).toBe(false);
    expect(tooMany.error?.issues[0]?.path).toEqual(["buyerSetSize"]);
    const badMode = ZPsiSessionStart.safeParse({ mode: "everything", format: "uscc", buyerSetSize: 1 });
    expect(badMode.error?.issues[0]?.path).toEqual(["mode"]);
    const extra = ZPsiSessionStart.safeParse({
      mode: "intersection",
      format: "uscc",
      buyerSetSize: 1,
      items: ["x"],
    });
    expect(extra.success).toBe(false);
  });

  it("a buyer chunk carries base64 of at most one chunk of points", () => {
    const full = psiBytesToBase64(randomBytes(PSI_CHUNK_ITEMS * 32));
    expect(ZPsiBuyerChunk.safeParse({ index: 0, points: full }).success).toBe(true);
    const over = psiBytesToBase64(randomBytes(PSI_CHUNK_ITEMS * 32 + 32));
    expect(ZPsiBuyerChunk.safeParse({ index: 0, points: over }).error?.issues[0]?.path).toEqual(["points"]);
    expect(ZPsiBuyerChunk.safeParse({ index: 0, points: "not base64!" }).success).toBe(false);
    expect(ZPsiBuyerChunk.safeParse({ index: -1, points: "" }).success).toBe(false);
  });

  it("a session summary holds sizes and counts only", () => {
    expect(Object.keys(ZPsiSessionSummary.shape).sort()).toEqual(
      [
        "buyerChunksReceived",
        "buyerSetSize",
        "complete",
        "endedAt",
        "format",
        "mode",
        "replyChunksSent",
        "serverChunksSent",
        "serverSetSize",
        "sessionId",
        "startedAt",
      ].sort(),
    );
  });
});

describe("base64", () => {
  it("round-trips bytes of every length, the portable (browser) path and the Buffer path alike", () => {
    for (const n of [0, 1, 2, 3, 31, 32_768, 32_769, PSI_CHUNK_ITEMS * 32]) {
      const bytes = randomBytes(n);
      const text = psiBytesToBase64Portable(bytes);
      expect(text).toBe(psiBytesToBase64(bytes));
      expect(text).toBe(Buffer.from(bytes).toString("base64"));
      expect(Buffer.from(psiBase64ToBytesPortable(text)).equals(bytes)).toBe(true);
      expect(Buffer.from(psiBase64ToBytes(text)).equals(bytes)).toBe(true);
    }
  });
});
