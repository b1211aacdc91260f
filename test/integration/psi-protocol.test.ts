/**
 * Private set intersection end to end, on real parts: the buyer client and the enclave session on
 * real curve operations (node:crypto on two worker threads each side), talking through the wire
 * contract as JSON (enclave/src/psi/psi-loopback.ts), with every message recorded.
 *
 *   - oracle: on random sets of unified social credit codes, with overlap, duplicates, empty
 *     entries and spelling variants that normalization folds, the buyer learns exactly the
 *     plaintext intersection (intersection mode) or its size (cardinality mode);
 *   - cardinality mode hides which items matched: the tags come back shuffled across the whole
 *     list, so the positions that match are not the positions of the matching items;
 *   - the enclave never receives an item, a normalized item or H(x) — only [b]H(x) — and records
 *     sizes only; each session uses a fresh secret (two sessions share no point or tag).
 * Sets are drawn from a seeded generator so a failure can be replayed.
 */
import { createPsiBuyer, runPsiBuyer, type TPsiBuyerResult } from "@pdx/common/psi/buyer";
import type { TPsiCurve } from "@pdx/common/psi/curve";
import { PSI_POINT_BYTES, randomPsiScalar } from "@pdx/common/psi/group";
import { createNodePsiCurvePool } from "@pdx/common/psi/node-curve-pool";
import { normalizePsiItems } from "@pdx/common/psi/normalize";
import { PSI_TAG_BYTES } from "@pdx/common/psi/tags";
import { PSI_CHUNK_ITEMS, psiBase64ToBytes, type TPsiMode, ZPsiSessionSummary } from "@pdx/common/psi/wire";
import { mulberry32 } from "@pdx/common/seeded-random";
import { buildUscc, USCC_CHARSET } from "@pdx/common/uscc";
import { preparePsiColumn } from "@pdx/enclave/src/psi/psi-column";
import { openPsiLoopback, type TPsiWireMessage } from "@pdx/enclave/src/psi/psi-loopback";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let buyerCurve: TPsiCurve;
let enclaveCurve: TPsiCurve;

beforeAll(async () => {
  [buyerCurve, enclaveCurve] = await Promise.all([createNodePsiCurvePool(), createNodePsiCurvePool()]);
});

afterAll(async () => {
  await Promise.all([buyerCurve?.close(), enclaveCurve?.close()]);
});

const generator = mulberry32;

/** `n` distinct valid codes. */
function codes(random: () => number, n: number): string[] {
  const out = new Set<string>();
  while (out.size < n) {
    let body = "";
    for (let i = 0; i < 8; i++) body += USCC_CHARSET[Math.floor(random() * 31)];
    out.add(buildUscc({ authority: "9", entityType: "1", division: "350100", orgBody8: body }));
  }
  return [...out];
}

/** How a bank's spreadsheet might spell a code (all fold to the code under "uscc"). */
function misspell(random: () => number, code: string): string {
  switch (Math.floor(random() * 4)) {
    case 0:
      return code.toLowerCase();
    case 1:
      return ` ${code}\t`;
    case 2:
      return code.replace(/[0-9A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)); // full width
    default:
      return code;
  }
}

function shuffled<T>(random: () => number, items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

interface TScenario {
  buyerRaw: (string | null)[];
  columnRaw: (string | null)[];
}

/** A buyer list and a column with `overlap` codes in common, spelled variously, with noise. */
function scenario(seed: number, buyerOnly: number, columnOnly: number, overlap: number): TScenario {
  const random = generator(seed);
  const all = codes(random, buyerOnly + columnOnly + overlap);
  const shared = all.slice(0, overlap);
  const mine = all.slice(overlap, overlap + buyerOnly);
  const theirs = all.slice(overlap + buyerOnly);
  const buyerRaw: (string | null)[] = shuffled(random, [...shared, ...mine]).map((c) => misspell(random, c));
  for (let i = 0; i < Math.min(20, buyerRaw.length); i++)
    buyerRaw.push(buyerRaw[Math.floor(random() * buyerRaw.length)]!);
  buyerRaw.push("", "   ", null);
  const columnRaw: (string | null)[] = shuffled(random, [...shared, ...theirs]);
  for (let i = 0; i < Math.min(20, columnRaw.length); i++)
    columnRaw.push(columnRaw[Math.floor(random() * columnRaw.length)]!);
  columnRaw.push(null, "");
  return { buyerRaw, columnRaw };
}

async function run(
  { buyerRaw, columnRaw }: TScenario,
  mode: TPsiMode,
  secret?: Uint8Array,
): Promise<{ result: TPsiBuyerResult; messages: TPsiWireMessage[]; summary: ReturnType<typeof summaryOf> }> {
  const column = await preparePsiColumn({ format: "uscc", values: columnRaw, curve: enclaveCurve });
  const buyer = await createPsiBuyer({
    format: "uscc",
    items: buyerRaw,
    curve: buyerCurve,
    ...(secret ? { secret } : {}),
  });
  const messages: TPsiWireMessage[] = [];
  const { session, started, transport } = openPsiLoopback({
    request: buyer.sessionRequest(),
    mode,
    column,
    curve: enclaveCurve,
    record: (m) => messages.push(m),
  });
  const result = await runPsiBuyer(buyer, started, transport, { concurrency: 3 });
  session.close();
  return { result, messages, summary: summaryOf(session) };
}
const summaryOf = (session: { summary(): unknown }) => session.summary() as Record<string, unknown>;

/** The plaintext answer: the buyer's normalized items found in the normalized column, in the buyer's order. */
function oracle({ buyerRaw, columnRaw }: TScenario): string[] {
  const column = new Set(normalizePsiItems("uscc", columnRaw).items);
  return normalizePsiItems("uscc", buyerRaw).items.filter((item) => column.has(item));
}

describe("the buyer learns exactly the intersection (oracle, random sets)", () => {
  it.each([
    // seed, buyer-only, column-only, overlap
    [1, 0, 40, 0],
    [2, 0, 0, 1],
    [3, 300, 4500, 120],
    [4, 2000, 1500, 2100], // the buyer's list spans two chunks
    [5, 10, 0, 4096], // the column is exactly one full chunk
    [6, 50, 30, 0], // disjoint
  ])("seed %i: %i buyer-only, %i column-only, %i shared", async (seed, buyerOnly, columnOnly, overlap) => {
    const sets = scenario(seed, buyerOnly, columnOnly, overlap);
    const expected = oracle(sets);
    expect(expected.length).toBe(overlap);
    const { result, summary } = await run(sets, "intersection");
    expect(result).toEqual({
      mode: "intersection",
      items: expected,
      buyerSetSize: buyerOnly + overlap,
      serverSetSize: columnOnly + overlap,
    });
    expect(summary).toMatchObject({ buyerSetSize: buyerOnly + overlap, serverSetSize: columnOnly + overlap });
  });

  it("an empty buyer list is a well-formed session with an empty answer", async () => {
    const sets: TScenario = { buyerRaw: ["", null], columnRaw: scenario(7, 0, 10, 0).columnRaw };
    const { result } = await run(sets, "intersection");
    expect(result).toEqual({ mode: "intersection", items: [], buyerSetSize: 0, serverSetSize: 10 });
  });
});

describe("cardinality mode", () => {
  it("returns only the count, and the matching positions do not reveal the matching items", async () => {
    // 500 shared codes are the buyer's FIRST 500 items; 4,500 more are the buyer's own.
    const random = generator(11);
    const all = codes(random, 8000);
    const shared = all.slice(0, 500);
    const buyerRaw = [...shared, ...all.slice(500, 5000)];
    const columnRaw = shuffled(random, [...shared, ...all.slice(5000)]);
    const b = randomPsiScalar();
    const { result, messages } = await run({ buyerRaw, columnRaw }, "cardinality", b.slice());
    expect(result).toEqual({
      mode: "cardinality",
      intersectionSize: 500,
      buyerSetSize: 5000,
      serverSetSize: 3500,
    });

    // Replies to buyer chunks carry no tags; the tags come as separate, shuffled chunks.
    const chunkReplies = messages
      .filter((m) => m.kind === "buyer-chunk-reply")
      .map((m) => JSON.parse(m.body));
    expect(chunkReplies.every((r) => r.tags === null)).toBe(true);

    // Redo the buyer's matching by hand (the test knows b) to see WHERE the matches are.
    const byIndex = (kind: TPsiWireMessage["kind"], field: "tags" | "points") =>
      messages
        .filter((m) => m.kind === kind)
        .map((m) => JSON.parse(m.body) as { index: number } & Record<string, string>)
        .sort((x, y) => x.index - y.index)
        .map((m) => psiBase64ToBytes(m[field]!));
    const replyTags = Buffer.concat(byIndex("reply-chunk", "tags"));
    const serverPoints = Buffer.concat(byIndex("server-chunk", "points"));
    const serverTags = await buyerCurve.exponentiateToTags(b, serverPoints);
    const serverSet = new Set<string>();
    for (let i = 0; i < serverTags.length; i += PSI_TAG_BYTES) {
      serverSet.add(Buffer.from(serverTags.subarray(i, i + PSI_TAG_BYTES)).toString("hex"));
    }
    const matchedPositions: number[] = [];
    for (let i = 0; i < 5000; i++) {
      const tag = replyTags.subarray(i * PSI_TAG_BYTES, (i + 1) * PSI_TAG_BYTES).toString("hex");
      if (serverSet.has(tag)) matchedPositions.push(i);
    }
    expect(matchedPositions.length).toBe(500);
    // Without the shuffle the matches would sit at positions 0–499 (the shared items' positions).
    // Shuffled, about 500 · 500/5000 = 50 of them land there by chance, and about 500 · 904/5000
    // ≈ 90 in the second chunk (the shuffle spans chunks).
    const atItemPositions = matchedPositions.filter((p) => p < 500).length;
    expect(atItemPositions).toBeLessThan(150);
    expect(matchedPositions.filter((p) => p >= PSI_CHUNK_ITEMS).length).toBeGreaterThan(20);
  });
});

describe("what the enclave sees", () => {
  it("never an item, a normalized item or H(x): only [b]H(x); and it records sizes only", async () => {
    const sets = scenario(21, 700, 900, 300);
    const { messages, summary } = await run(sets, "intersection");
    const toEnclave = messages.filter((m) => m.from === "buyer");
    expect(toEnclave.map((m) => m.kind).sort()).toEqual(["buyer-chunk", "start"]);

    const start = JSON.parse(toEnclave.find((m) => m.kind === "start")!.body);
    expect(start).toEqual({ format: "uscc", buyerSetSize: 1000, mode: "intersection" });

    const normalized = normalizePsiItems("uscc", sets.buyerRaw).items;
    const raw = sets.buyerRaw.filter((r): r is string => !!r && r.trim() !== "");
    const everything = toEnclave.map((m) => m.body).join("\n");
    for (const item of [...normalized, ...raw]) expect(everything).not.toContain(item);

    // No 32-byte window at a point boundary of what was sent is H(x) of a buyer item.
    const hashes = await buyerCurve.hashToGroup("uscc", normalized);
    const hashSet = new Set<string>();
    for (let i = 0; i < hashes.length; i += PSI_POINT_BYTES) {
      hashSet.add(Buffer.from(hashes.subarray(i, i + PSI_POINT_BYTES)).toString("hex"));
    }
    let sentPoints = 0;
    for (const message of toEnclave.filter((m) => m.kind === "buyer-chunk")) {
      const points = psiBase64ToBytes(JSON.parse(message.body).points);
      for (let i = 0; i < points.length; i += PSI_POINT_BYTES) {
        expect(hashSet.has(Buffer.from(points.subarray(i, i + PSI_POINT_BYTES)).toString("hex"))).toBe(false);
        sentPoints++;
      }
    }
    expect(sentPoints).toBe(1000);

    // Exactly the fields of the summary contract (sizes and counts only: common/src/psi/wire.test.ts).
    expect(Object.keys(summary).sort()).toEqual(Object.keys(ZPsiSessionSummary.shape).sort());
    expect(summary).toMatchObject({ buyerSetSize: 1000, serverSetSize: 1200, complete: true });
  });

  it("each session has its own secret: two sessions over the same column share no point or tag", async () => {
    const sets = scenario(31, 200, 300, 100);
    const b = randomPsiScalar();
    const first = await run(sets, "intersection", b.slice());
    const second = await run(sets, "intersection", b.slice());
    expect(first.result).toEqual(second.result);
    const payloads = (
      messages: TPsiWireMessage[],
      kind: TPsiWireMessage["kind"],
      field: string,
      size: number,
    ) => {
      const out = new Set<string>();
      for (const m of messages.filter((x) => x.kind === kind)) {
        const bytes = psiBase64ToBytes(JSON.parse(m.body)[field]);
        for (let i = 0; i < bytes.length; i += size)
          out.add(Buffer.from(bytes.subarray(i, i + size)).toString("hex"));
      }
      return out;
    };
    // The buyer's blinded points are the same (same b), the enclave's answers are not.
    expect(payloads(second.messages, "buyer-chunk", "points", 32)).toEqual(
      payloads(first.messages, "buyer-chunk", "points", 32),
    );
    for (const [kind, field, size] of [
      ["buyer-chunk-reply", "tags", 16],
      ["server-chunk", "points", 32],
    ] as const) {
      const one = payloads(first.messages, kind, field, size);
      for (const value of payloads(second.messages, kind, field, size)) expect(one.has(value)).toBe(false);
    }
  });
});
