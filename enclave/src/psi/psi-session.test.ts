/**
 * The enclave's PSI session on real curve operations (node:crypto engine): start checks, every
 * refusal of malformed buyer input (named by chunk, position and rule, never by bytes), the state
 * rules of each mode, the resend limit, what the session records (sizes only), close, and the
 * session store's bounds and expiry.
 */

import type { TPsiCurve } from "@pdx/common/psi/curve";
import { PSI_POINT_BYTES, randomPsiScalar, SMALL_ORDER_U_HEX } from "@pdx/common/psi/group";
import { createNodePsiCurve } from "@pdx/common/psi/node-curve";
import { PSI_TAG_BYTES } from "@pdx/common/psi/tags";
import { PSI_CHUNK_ITEMS, PSI_MAX_CHUNK_SENDS, ZPsiSessionSummary } from "@pdx/common/psi/wire";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EnclaveError } from "../errors";
import { preparePsiColumn, type TPsiColumn } from "./psi-column";
import { type PsiSession, startPsiSession } from "./psi-session";
import { PsiSessionStore } from "./psi-session-store";

let curve: TPsiCurve;
let column: TPsiColumn;
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

beforeAll(async () => {
  curve = await createNodePsiCurve();
  column = await preparePsiColumn({
    format: "generic",
    values: Array.from({ length: 5000 }, (_, i) => `value-${i}`),
    curve,
  });
});

afterAll(async () => {
  await curve?.close();
});

/** Blinded points of `n` fresh items, as a buyer would send them. */
async function blinded(n: number, offset = 0): Promise<Uint8Array> {
  const items = Array.from({ length: n }, (_, i) => `buyer-${offset + i}`);
  return curve.hashAndExponentiate("generic", items, randomPsiScalar());
}

async function refusal(promise: Promise<unknown> | (() => unknown)): Promise<EnclaveError> {
  try {
    await (typeof promise === "function" ? promise() : promise);
  } catch (error) {
    expect(error).toBeInstanceOf(EnclaveError);
    return error as EnclaveError;
  }
  throw new Error("expected a refusal");
}

describe("start", () => {
  it("answers with both sides' chunk counts and the column's size", () => {
    const session = startPsiSession(
      { mode: "intersection", format: "generic", buyerSetSize: 5000 },
      { column, curve },
    );
    expect(session.started).toMatchObject({
      mode: "intersection",
      format: "generic",
      chunkItems: PSI_CHUNK_ITEMS,
      tagBytes: PSI_TAG_BYTES,
      buyerSetSize: 5000,
      buyerChunkCount: 2,
      serverSetSize: 5000,
      serverChunkCount: 2,
    });
  });

  it("refuses a malformed request naming the field, and a format the column is not prepared in", async () => {
    const bad = await refusal(() =>
      startPsiSession({ mode: "intersection", format: "generic", buyerSetSize: -1 }, { column, curve }),
    );
    expect(bad.code).toBe("INVALID_REQUEST");
    expect(bad.safeMessage).toMatch(/^psi: start: buyerSetSize: /);
    const extra = await refusal(() =>
      startPsiSession(
        { mode: "intersection", format: "generic", buyerSetSize: 1, items: ["x"] },
        { column, curve },
      ),
    );
    expect(extra.safeMessage).toMatch(/^psi: start: /);
    const format = await refusal(() =>
      startPsiSession({ mode: "intersection", format: "uscc", buyerSetSize: 1 }, { column, curve }),
    );
    expect(format.safeMessage).toBe("psi: start: the column is matched as generic, the request says uscc");
  });
});

describe("malformed buyer chunks are refused, naming what was wrong", () => {
  let session: PsiSession;
  let good: Uint8Array;
  beforeAll(async () => {
    session = startPsiSession(
      { mode: "intersection", format: "generic", buyerSetSize: 4100 },
      { column, curve },
    );
    good = await blinded(4);
  });

  it.each([
    ["an index out of range", 2, () => good, /^psi: buyer chunk index 2 is out of range \(0–1\)$/],
    ["a negative index", -1, () => good, /index -1 is out of range/],
    ["a fractional index", 0.5, () => good, /index 0.5 is out of range/],
    [
      "too few points for the chunk",
      1,
      () => good.subarray(0, 96),
      /^psi: buyer chunk 1: expected 4 points, got 3$/,
    ],
    ["too many points for the chunk", 1, () => new Uint8Array(5 * 32), /expected 4 points, got 5/],
    [
      "a length that is not whole points",
      1,
      () => good.subarray(0, 100),
      /length 100 bytes is not a whole number/,
    ],
    ["no points at all", 1, () => new Uint8Array(0), /expected 4 points, got 0/],
  ])("%s", async (_, index, points, message) => {
    const error = await refusal(session.blindBuyerChunk(index, points()));
    expect(error.code).toBe("INVALID_REQUEST");
    expect(error.safeMessage).toMatch(message);
  });

  it("a small-order or non-canonical point, by position, without its bytes", async () => {
    for (const [bytes, rule] of [
      [SMALL_ORDER_U_HEX[4], "is a small-order point"],
      [SMALL_ORDER_U_HEX[0], "is a small-order point"],
      ["edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", "is not a canonical u-coordinate"],
    ] as const) {
      const points = good.slice();
      points.set(Buffer.from(bytes, "hex"), 2 * PSI_POINT_BYTES);
      const error = await refusal(session.blindBuyerChunk(1, points));
      expect(error.safeMessage).toContain(`buyer chunk 1: point 2 ${rule}`);
      expect(error.safeMessage).not.toContain(bytes.slice(0, 16));
      expect(error.safeMessage).not.toContain(hex(good).slice(0, 16));
    }
  });

  it("a chunk received twice, even while the first is being processed", async () => {
    const first = session.blindBuyerChunk(1, good);
    const second = await refusal(session.blindBuyerChunk(1, good));
    expect(second.safeMessage).toBe("psi: buyer chunk 1 was already received");
    expect((await first)?.length).toBe(4 * PSI_TAG_BYTES);
    expect((await refusal(session.blindBuyerChunk(1, good))).safeMessage).toMatch(/already received/);
  });
});

describe("modes", () => {
  it("intersection: tags come back in order, one per point, and reply chunks do not exist", async () => {
    const session = startPsiSession(
      { mode: "intersection", format: "generic", buyerSetSize: 10 },
      { column, curve },
    );
    const points = await blinded(10);
    points.copyWithin(7 * 32, 2 * 32, 3 * 32); // point 7 := point 2
    const tags = (await session.blindBuyerChunk(0, points))!;
    expect(tags.length).toBe(10 * PSI_TAG_BYTES);
    const tag = (i: number) => hex(tags.subarray(i * PSI_TAG_BYTES, (i + 1) * PSI_TAG_BYTES));
    expect(tag(7)).toBe(tag(2)); // tag i is point i's
    expect(new Set(Array.from({ length: 10 }, (_, i) => tag(i))).size).toBe(9);
    const again = startPsiSession(
      { mode: "intersection", format: "generic", buyerSetSize: 10 },
      { column, curve },
    );
    expect(hex((await again.blindBuyerChunk(0, points))!)).not.toBe(hex(tags)); // a fresh secret per session
    expect((await refusal(() => session.replyChunk(0))).safeMessage).toBe(
      "psi: reply chunks exist only in cardinality mode",
    );
  });

  it("cardinality: nothing comes back per chunk; the whole list, shuffled, once all chunks are in", async () => {
    const n = PSI_CHUNK_ITEMS + 300;
    const session = startPsiSession(
      { mode: "cardinality", format: "generic", buyerSetSize: n },
      { column, curve },
    );
    const chunk0 = await blinded(PSI_CHUNK_ITEMS);
    const chunk1 = await blinded(300, PSI_CHUNK_ITEMS);
    expect(await session.blindBuyerChunk(1, chunk1)).toBeNull();
    expect((await refusal(() => session.replyChunk(0))).safeMessage).toBe(
      "psi: reply chunks are sent once all 2 buyer chunks are in (1 received)",
    );
    expect(await session.blindBuyerChunk(0, chunk0)).toBeNull();
    const replies = [session.replyChunk(0), session.replyChunk(1)];
    expect(replies.map((r) => r.length)).toEqual([PSI_CHUNK_ITEMS * PSI_TAG_BYTES, 300 * PSI_TAG_BYTES]);
    // The last 300 tags are not simply chunk 1's tags: the shuffle spans the whole list.
    const all = new Set<string>();
    for (const reply of replies) {
      for (let i = 0; i < reply.length; i += PSI_TAG_BYTES)
        all.add(hex(reply.subarray(i, i + PSI_TAG_BYTES)));
    }
    expect(all.size).toBe(n);
  });

  it("server chunks: the whole column once, in a fresh order per session", async () => {
    const one = startPsiSession(
      { mode: "intersection", format: "generic", buyerSetSize: 1 },
      { column, curve },
    );
    const chunks = [await one.serverChunk(0), await one.serverChunk(1)];
    expect(chunks.map((c) => c.length)).toEqual([PSI_CHUNK_ITEMS * 32, (5000 - PSI_CHUNK_ITEMS) * 32]);
    const distinct = new Set<string>();
    for (const chunk of chunks) {
      for (let i = 0; i < chunk.length; i += 32) distinct.add(hex(chunk.subarray(i, i + 32)));
    }
    expect(distinct.size).toBe(5000);
    expect(hex(await one.serverChunk(0))).toBe(hex(chunks[0]!)); // a resend is the same answer
    expect((await refusal(one.serverChunk(2))).safeMessage).toMatch(/server chunk index 2 is out of range/);
  });

  it(`an enclave chunk may be sent ${PSI_MAX_CHUNK_SENDS} times, then LIMIT_EXCEEDED`, async () => {
    const session = startPsiSession(
      { mode: "intersection", format: "generic", buyerSetSize: 1 },
      { column, curve },
    );
    for (let i = 0; i < PSI_MAX_CHUNK_SENDS; i++) await session.serverChunk(1);
    const error = await refusal(session.serverChunk(1));
    expect(error.code).toBe("LIMIT_EXCEEDED");
    expect(error.safeMessage).toBe(`psi: server chunk 1 was already sent ${PSI_MAX_CHUNK_SENDS} times`);
  });
});

describe("what the enclave records", () => {
  it("sizes and counts only — no point, tag or item — and a closed session refuses further calls", async () => {
    const times = [new Date("2026-03-01T10:00:00Z"), new Date("2026-03-01T10:00:05Z")];
    const session = startPsiSession(
      { mode: "intersection", format: "generic", buyerSetSize: 3 },
      { column, curve, now: () => times.shift() ?? new Date("2026-03-01T10:00:09Z") },
    );
    const points = await blinded(3);
    const tags = await session.blindBuyerChunk(0, points);
    const served = [await session.serverChunk(0), await session.serverChunk(1)];
    const summary = session.summary();
    expect(ZPsiSessionSummary.parse(summary)).toEqual(summary);
    expect(summary).toEqual({
      sessionId: session.sessionId,
      mode: "intersection",
      format: "generic",
      buyerSetSize: 3,
      serverSetSize: 5000,
      buyerChunksReceived: 1,
      replyChunksSent: 0,
      serverChunksSent: 2,
      complete: true,
      startedAt: "2026-03-01T10:00:00.000Z",
      endedAt: "2026-03-01T10:00:05.000Z",
    });
    const recorded = JSON.stringify(summary);
    for (const bytes of [points, tags!, ...served]) {
      for (let i = 0; i < Math.min(bytes.length, 64 * 32); i += 16) {
        expect(recorded).not.toContain(hex(bytes.subarray(i, i + 8)));
        expect(recorded).not.toContain(Buffer.from(bytes.subarray(i, i + 9)).toString("base64"));
      }
    }
    session.close();
    expect((await refusal(session.serverChunk(0))).safeMessage).toBe(
      `psi: session ${session.sessionId} is closed`,
    );
    expect(session.summary().endedAt).toBe("2026-03-01T10:00:05.000Z");
  });
});

describe("session store", () => {
  it("bounds open sessions, expires idle ones and reports every ending as its summary", async () => {
    let now = 0;
    const ended: string[] = [];
    const store = new PsiSessionStore({
      maxOpen: 2,
      idleMs: 1000,
      now: () => now,
      onEnd: (s) => ended.push(s.sessionId),
    });
    const open = () =>
      startPsiSession({ mode: "cardinality", format: "generic", buyerSetSize: 1 }, { column, curve });
    const a = open();
    const b = open();
    store.add(a);
    store.add(b);
    const c = open();
    expect(() => store.add(c)).toThrow(EnclaveError);
    await expect(c.serverChunk(0)).rejects.toThrow(/closed/);
    now = 600;
    expect(store.get(a.sessionId)).toBe(a); // a touched at 600, b idle since 0
    now = 1200;
    expect(() => store.get(b.sessionId)).toThrow(/no open session with this id/);
    expect(ended).toEqual([b.sessionId]);
    expect(store.end(a.sessionId).sessionId).toBe(a.sessionId);
    expect(ended).toEqual([b.sessionId, a.sessionId]);
    expect(store.size).toBe(0);
  });
});
