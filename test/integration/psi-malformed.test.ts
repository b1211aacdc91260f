/**
 * Malformed PSI input is refused on both sides, at the wire and after it, with errors that name
 * the chunk, position, field or rule (never bytes):
 *   - request bodies the enclave's routes receive (not JSON, not base64, too large, unknown
 *     fields, indexes out of range, wrong point counts, small-order and non-canonical points,
 *     repeated chunks, reply chunks asked too early or in the wrong mode);
 *   - answers a buggy or hostile enclave could give the buyer (wrong sizes, small-order points,
 *     repeated tags, chunks twice, a session that does not fit the buyer's list, finishing early).
 * Real curve operations (node:crypto) throughout.
 */
import { createPsiBuyer, type TPsiBuyer } from "@pdx/common/psi/buyer";
import type { TPsiCurve } from "@pdx/common/psi/curve";
import { PSI_POINT_BYTES, randomPsiScalar, SMALL_ORDER_U_HEX } from "@pdx/common/psi/group";
import { createNodePsiCurve } from "@pdx/common/psi/node-curve";
import { PSI_TAG_BYTES } from "@pdx/common/psi/tags";
import { PSI_CHUNK_ITEMS, psiBytesToBase64, type TPsiSessionStarted } from "@pdx/common/psi/wire";
import { EnclaveError } from "@pdx/enclave/src/errors";
import { preparePsiColumn, type TPsiColumn } from "@pdx/enclave/src/psi/psi-column";
import { openPsiLoopback } from "@pdx/enclave/src/psi/psi-loopback";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let curve: TPsiCurve;
let column: TPsiColumn;

beforeAll(async () => {
  curve = await createNodePsiCurve();
  column = await preparePsiColumn({
    format: "generic",
    values: Array.from({ length: 50 }, (_, i) => `row-${i}`),
    curve,
  });
});
afterAll(async () => {
  await curve?.close();
});

const open = (mode: "intersection" | "cardinality", buyerSetSize: number) =>
  openPsiLoopback({ request: { format: "generic", buyerSetSize }, mode, column, curve });

const points = (n: number) =>
  curve.hashAndExponentiate(
    "generic",
    Array.from({ length: n }, (_, i) => `item-${i}`),
    randomPsiScalar(),
  );

async function refused(action: () => unknown): Promise<EnclaveError> {
  try {
    await action();
  } catch (error) {
    expect(error).toBeInstanceOf(EnclaveError);
    return error as EnclaveError;
  }
  throw new Error("expected a refusal");
}

describe("the enclave refuses malformed buyer chunks", () => {
  it.each<[string, (good: string) => string, RegExp]>([
    ["a body that is not JSON", () => "{index: 0", /^psi: buyer chunk: the body is not JSON$/],
    [
      "points that are not base64",
      () => JSON.stringify({ index: 0, points: "%%%" }),
      /^psi: buyer chunk: points: /,
    ],
    [
      "an unknown field",
      (good) => JSON.stringify({ ...JSON.parse(good), items: ["x"] }),
      /^psi: buyer chunk: /,
    ],
    [
      "a missing index",
      (good) => JSON.stringify({ points: JSON.parse(good).points }),
      /^psi: buyer chunk: index: /,
    ],
    [
      "an index beyond any session",
      (good) => JSON.stringify({ ...JSON.parse(good), index: 1e6 }),
      /^psi: buyer chunk: index: /,
    ],
    [
      "more than one chunk of points",
      () =>
        JSON.stringify({ index: 0, points: psiBytesToBase64(new Uint8Array((PSI_CHUNK_ITEMS + 1) * 32)) }),
      /^psi: buyer chunk: points: must be at most 131072 bytes/,
    ],
    [
      "an index past the session's chunks",
      (good) => JSON.stringify({ ...JSON.parse(good), index: 1 }),
      /^psi: buyer chunk index 1 is out of range \(0–0\)$/,
    ],
  ])("%s", async (_, craft, message) => {
    const { routes } = open("intersection", 5);
    const good = JSON.stringify({ index: 0, points: psiBytesToBase64(await points(5)) });
    const error = await refused(() => routes.buyerChunk(craft(good)));
    expect(error.code).toBe("INVALID_REQUEST");
    expect(error.safeMessage).toMatch(message);
  });

  it("wrong point counts, small-order and non-canonical points, by position; then a repeat", async () => {
    const { routes } = open("intersection", 5);
    const good = await points(5);
    const send = (bytes: Uint8Array) =>
      routes.buyerChunk(JSON.stringify({ index: 0, points: psiBytesToBase64(bytes) }));
    expect((await refused(() => send(good.subarray(0, 4 * 32)))).safeMessage).toBe(
      "psi: buyer chunk 0: expected 5 points, got 4",
    );
    for (const [hex, rule] of [
      [SMALL_ORDER_U_HEX[1], "is a small-order point (its product would be zero)"],
      [SMALL_ORDER_U_HEX[2], "is a small-order point (its product would be zero)"],
      [
        "f0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "is not a canonical u-coordinate (must be < 2^255 − 19)",
      ],
    ] as const) {
      const bad = good.slice();
      bad.set(Buffer.from(hex, "hex"), 3 * PSI_POINT_BYTES);
      expect((await refused(() => send(bad))).safeMessage).toBe(`psi: buyer chunk 0: point 3 ${rule}`);
    }
    const reply = JSON.parse(await send(good));
    expect(Buffer.from(reply.tags, "base64").length).toBe(5 * PSI_TAG_BYTES);
    expect((await refused(() => send(good))).safeMessage).toBe("psi: buyer chunk 0 was already received");
  });

  it("reply chunks: only in cardinality mode, only once every buyer chunk is in, within range", async () => {
    const intersection = open("intersection", 5);
    expect((await refused(() => intersection.routes.replyChunk(0))).safeMessage).toBe(
      "psi: reply chunks exist only in cardinality mode",
    );
    const cardinality = open("cardinality", 5);
    expect((await refused(() => cardinality.routes.replyChunk(0))).safeMessage).toMatch(
      /once all 1 buyer chunks are in/,
    );
    await cardinality.routes.buyerChunk(
      JSON.stringify({ index: 0, points: psiBytesToBase64(await points(5)) }),
    );
    expect(JSON.parse(cardinality.routes.replyChunk(0)).index).toBe(0);
    expect((await refused(() => cardinality.routes.replyChunk(1))).safeMessage).toMatch(
      /reply chunk index 1 is out of range/,
    );
  });
});

describe("the buyer refuses answers that do not fit", () => {
  async function begun(mode: "intersection" | "cardinality" = "intersection"): Promise<{
    buyer: TPsiBuyer;
    started: TPsiSessionStarted;
  }> {
    const buyer = await createPsiBuyer({ format: "generic", items: ["a", "b", "c"], curve });
    const { started } = open(mode, buyer.setSize);
    buyer.begin(started);
    return { buyer, started };
  }

  it("a session that does not fit its list", async () => {
    const buyer = await createPsiBuyer({ format: "generic", items: ["a", "b", "c"], curve });
    const { started } = open("intersection", 3);
    expect(() => buyer.begin({ ...started, buyerSetSize: 4 })).toThrow(
      /expects 4 items in 1 chunks, the list has 3/,
    );
    expect(() => buyer.begin({ ...started, format: "uscc" })).toThrow(
      /matches format uscc, the list is generic/,
    );
    expect(() => buyer.begin({ ...started, serverChunkCount: 2 })).toThrow(/server chunk count does not fit/);
    await expect(buyer.blindChunk(0)).rejects.toThrow(/before begin\(\)/);
  });

  it("server chunks with the wrong count, a small-order point, twice, or out of range", async () => {
    const { buyer } = await begun();
    const good = await points(50);
    await expect(buyer.acceptServerPoints(0, good.subarray(0, 49 * 32))).rejects.toThrow(
      /server chunk 0: expected 50 points, got 49/,
    );
    const bad = good.slice();
    bad.set(Buffer.from(SMALL_ORDER_U_HEX[3], "hex"), 7 * 32);
    await expect(buyer.acceptServerPoints(0, bad)).rejects.toThrow(
      /server chunk 0: point 7 is a small-order point/,
    );
    await expect(buyer.acceptServerPoints(1, good)).rejects.toThrow(/server chunk index 1 out of range/);
    await buyer.acceptServerPoints(0, good);
    await expect(buyer.acceptServerPoints(0, good)).rejects.toThrow(/server chunk 0 received twice/);
  });

  it("reply tags of the wrong size or repeated, and finishing before everything is in", async () => {
    const { buyer } = await begun();
    expect(() => buyer.acceptReplyTags(0, new Uint8Array(2 * PSI_TAG_BYTES))).toThrow(
      /has 32 bytes, expected 48/,
    );
    const repeated = new Uint8Array(3 * PSI_TAG_BYTES);
    repeated.fill(7);
    expect(() => buyer.acceptReplyTags(0, repeated)).toThrow(/repeats a tag/);
    expect(() => buyer.finish()).toThrow(/1 reply chunk\(s\) and 1 server chunk\(s\) still missing/);
    buyer.discard();
    await expect(buyer.blindChunk(0)).rejects.toThrow(/after the session finished/);
  });

  it("finish() does not run ahead of a server chunk still being processed", async () => {
    const buyer = await createPsiBuyer({ format: "generic", items: ["row-1", "x", "row-7"], curve });
    const { started, transport } = open("intersection", 3);
    buyer.begin(started);
    buyer.acceptReplyTags(0, (await transport.sendBuyerChunk(0, await buyer.blindChunk(0)))!);
    const pending = buyer.acceptServerPoints(0, await transport.fetchServerChunk(0));
    expect(() => buyer.finish()).toThrow(/0 reply chunk\(s\) and 1 server chunk\(s\) still missing/);
    await pending;
    expect(buyer.finish()).toEqual({
      mode: "intersection",
      items: ["row-1", "row-7"],
      buyerSetSize: 3,
      serverSetSize: 50,
    });
  });
});
