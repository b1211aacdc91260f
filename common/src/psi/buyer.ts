/**
 * The buyer's side of the PSI protocol (wire.ts has the message flow), usable in Node and in
 * browsers: it takes a TPsiCurve engine (sodium-curve.ts in a page, node-curve-pool.ts in Node)
 * and never imports node: modules itself.
 *
 *   const buyer = await createPsiBuyer({ format: "uscc", items, curve });
 *   // send buyer.sessionRequest() (the server adds product and dataset) → started
 *   const result = await runPsiBuyer(buyer, started, transport);
 * or step by step: begin(started) → blindChunk(i) / acceptReplyTags(i, tags) /
 * acceptServerPoints(k, points) → finish().
 *
 * The buyer's secret b never leaves this object and is zeroed by finish() or discard(). Items are
 * normalized and de-duplicated first (normalize.ts); only [b]H(x) is sent. Matching uses the
 * 16-byte tags in a compact set (tags.ts): the buyer's reply tags are the keys — valued with the
 * item's index in mode "intersection", with a position in the enclave's shuffled list in mode
 * "cardinality", where nothing ties a tag to an item — and the tags of [b][a]H(y) are looked up.
 * Server chunks that arrive before all reply tags are kept (16 bytes a value) until they are.
 */
import type { TPsiCurve } from "./curve";
import { blindedPointsProblem, randomPsiScalar } from "./group";
import { normalizePsiItems, type TPsiItemFormat } from "./normalize";
import { PSI_TAG_BYTES, PsiTagSet } from "./tags";
import {
  PSI_CHUNK_ITEMS,
  PSI_MAX_BUYER_SET_SIZE,
  psiChunkCount,
  psiChunkLength,
  type TPsiMode,
  type TPsiSessionStarted,
} from "./wire";

export interface TPsiBuyerOptions {
  format: TPsiItemFormat;
  /** The buyer's raw list (normalized and de-duplicated here; empty entries dropped). */
  items: Iterable<string | null | undefined>;
  curve: TPsiCurve;
  /** The secret scalar b; random when absent (tests pass one to compare engines). */
  secret?: Uint8Array;
}

export type TPsiBuyerResult =
  | {
      mode: "intersection";
      /** The buyer's normalized items that are in the enclave's column, in the buyer's order. */
      items: string[];
      buyerSetSize: number;
      serverSetSize: number;
    }
  | { mode: "cardinality"; intersectionSize: number; buyerSetSize: number; serverSetSize: number };

export interface TPsiBuyer {
  readonly format: TPsiItemFormat;
  /** Distinct items after normalization: what the enclave learns. */
  readonly setSize: number;
  /** Entries dropped by normalization (counts only). */
  readonly dropped: { empty: number; duplicates: number };
  /** Buyer chunks to send. */
  readonly chunkCount: number;
  /** What the buyer asks for; the server adds product and dataset, the product decides the mode. */
  sessionRequest(): { format: TPsiItemFormat; buyerSetSize: number };
  /** Takes the enclave's session answer; throws if it does not fit this buyer's list. */
  begin(started: TPsiSessionStarted): void;
  /** [b]H(x) of chunk `index` (its items in list order), n × 32 bytes. */
  blindChunk(index: number): Promise<Uint8Array>;
  /** Tags of [a][b]H(x): reply to buyer chunk `index` (intersection), or shuffled chunk `index` (cardinality). */
  acceptReplyTags(index: number, tags: Uint8Array): void;
  /** [a]H(y) of server chunk `index`: checked, blinded with b, kept as tags. */
  acceptServerPoints(index: number, points: Uint8Array): Promise<void>;
  /** The result once every chunk is in; zeroes the secret. */
  finish(): TPsiBuyerResult;
  /** Zeroes the secret without a result (abandoned session). */
  discard(): void;
}

/** Normalizes the list and prepares a buyer (see the module comment). */
export async function createPsiBuyer(options: TPsiBuyerOptions): Promise<TPsiBuyer> {
  const { format, curve } = options;
  const normalized = normalizePsiItems(format, options.items);
  const items = normalized.items;
  if (items.length > PSI_MAX_BUYER_SET_SIZE) {
    throw new RangeError(
      `psi buyer: ${items.length} distinct items, at most ${PSI_MAX_BUYER_SET_SIZE} allowed`,
    );
  }
  const secret = options.secret ? new Uint8Array(options.secret) : randomPsiScalar(); // a copy, even of a Buffer view
  const chunkCount = psiChunkCount(items.length);
  let started: TPsiSessionStarted | null = null;
  let mode: TPsiMode | null = null;
  const tagSet = new PsiTagSet(items.length);
  let replyChunksIn: Uint8Array = new Uint8Array(0);
  let replyChunksLeft = 0;
  let serverChunksIn: Uint8Array = new Uint8Array(0);
  let serverChunksLeft = 0;
  const waitingServerTags: Uint8Array[] = [];
  const matched = new Uint8Array(items.length);
  let matchCount = 0;
  let finished = false;

  const need = (what: string) => {
    if (finished) throw new Error(`psi buyer: ${what} after the session finished`);
    if (!started) throw new Error(`psi buyer: ${what} before begin()`);
    return started;
  };

  const probe = (tags: Uint8Array) => {
    for (let offset = 0; offset < tags.length; offset += PSI_TAG_BYTES) {
      const value = tagSet.find(tags, offset);
      if (value >= 0 && matched[value] === 0) {
        matched[value] = 1;
        matchCount++;
      }
    }
  };

  const checkIndex = (index: number, count: number, what: string) => {
    if (!Number.isInteger(index) || index < 0 || index >= count) {
      throw new RangeError(`psi buyer: ${what} index ${index} out of range (0–${count - 1})`);
    }
  };

  return {
    format,
    setSize: items.length,
    dropped: { empty: normalized.empty, duplicates: normalized.duplicates },
    chunkCount,

    sessionRequest: () => ({ format, buyerSetSize: items.length }),

    begin(answer) {
      if (started) throw new Error("psi buyer: begin() called twice");
      if (answer.format !== format) {
        throw new Error(`psi buyer: the session matches format ${answer.format}, the list is ${format}`);
      }
      if (answer.buyerSetSize !== items.length || answer.buyerChunkCount !== chunkCount) {
        throw new Error(
          `psi buyer: the session expects ${answer.buyerSetSize} items in ${answer.buyerChunkCount} chunks, the list has ${items.length} in ${chunkCount}`,
        );
      }
      if (answer.chunkItems !== PSI_CHUNK_ITEMS || answer.tagBytes !== PSI_TAG_BYTES) {
        throw new Error("psi buyer: the session uses another chunk or tag size");
      }
      if (answer.serverChunkCount !== psiChunkCount(answer.serverSetSize)) {
        throw new Error("psi buyer: the session's server chunk count does not fit its set size");
      }
      started = answer;
      mode = answer.mode;
      replyChunksIn = new Uint8Array(chunkCount);
      replyChunksLeft = chunkCount;
      serverChunksIn = new Uint8Array(answer.serverChunkCount);
      serverChunksLeft = answer.serverChunkCount;
    },

    async blindChunk(index) {
      need("blindChunk");
      checkIndex(index, chunkCount, "buyer chunk");
      const start = index * PSI_CHUNK_ITEMS;
      return curve.hashAndExponentiate(
        format,
        items.slice(start, start + psiChunkLength(items.length, index)),
        secret,
      );
    },

    acceptReplyTags(index, tags) {
      need("acceptReplyTags");
      checkIndex(index, chunkCount, "reply chunk");
      if (replyChunksIn[index]) throw new Error(`psi buyer: reply chunk ${index} received twice`);
      const expected = psiChunkLength(items.length, index);
      if (tags.length !== expected * PSI_TAG_BYTES) {
        throw new RangeError(
          `psi buyer: reply chunk ${index} has ${tags.length} bytes, expected ${expected * PSI_TAG_BYTES}`,
        );
      }
      const base = index * PSI_CHUNK_ITEMS;
      for (let i = 0; i < expected; i++) {
        if (!tagSet.add(tags, i * PSI_TAG_BYTES, base + i)) {
          throw new Error(`psi buyer: reply chunk ${index} repeats a tag (inconsistent answer)`);
        }
      }
      replyChunksIn[index] = 1;
      replyChunksLeft--;
      if (replyChunksLeft === 0) for (const waiting of waitingServerTags.splice(0)) probe(waiting);
    },

    async acceptServerPoints(index, points) {
      const session = need("acceptServerPoints");
      checkIndex(index, session.serverChunkCount, "server chunk");
      if (serverChunksIn[index]) throw new Error(`psi buyer: server chunk ${index} received twice`);
      const expected = psiChunkLength(session.serverSetSize, index);
      const problem = blindedPointsProblem(points, expected);
      if (problem) throw new RangeError(`psi buyer: server chunk ${index}: ${problem}`);
      serverChunksIn[index] = 1; // taken: a concurrent second copy is refused
      let tags: Uint8Array;
      try {
        tags = await curve.exponentiateToTags(secret, points);
      } catch (error) {
        serverChunksIn[index] = 0;
        throw error;
      }
      if (finished) throw new Error("psi buyer: acceptServerPoints after the session finished");
      serverChunksLeft--; // counted only once its tags are in, so finish() cannot run ahead of it
      if (replyChunksLeft === 0) probe(tags);
      else waitingServerTags.push(tags);
    },

    finish() {
      const session = need("finish");
      if (replyChunksLeft > 0 || serverChunksLeft > 0) {
        throw new Error(
          `psi buyer: ${replyChunksLeft} reply chunk(s) and ${serverChunksLeft} server chunk(s) still missing`,
        );
      }
      finished = true;
      secret.fill(0);
      if (mode === "cardinality") {
        return {
          mode: "cardinality",
          intersectionSize: matchCount,
          buyerSetSize: items.length,
          serverSetSize: session.serverSetSize,
        };
      }
      return {
        mode: "intersection",
        items: items.filter((_, i) => matched[i] === 1),
        buyerSetSize: items.length,
        serverSetSize: session.serverSetSize,
      };
    },

    discard() {
      finished = true;
      secret.fill(0);
    },
  };
}

/** How a buyer reaches the enclave (through the server); bytes as on the wire, decoded. */
export interface TPsiBuyerTransport {
  /** Sends buyer chunk `index`; returns its reply tags (intersection) or null (cardinality). */
  sendBuyerChunk(index: number, points: Uint8Array): Promise<Uint8Array | null>;
  /** Cardinality mode: shuffled reply chunk `index`, once every buyer chunk is in. */
  fetchReplyChunk(index: number): Promise<Uint8Array>;
  /** Server chunk `index` of [a]H(y). */
  fetchServerChunk(index: number): Promise<Uint8Array>;
}

export interface TPsiRunProgress {
  buyerChunksSent: number;
  replyChunksReceived: number;
  serverChunksReceived: number;
  buyerChunkCount: number;
  serverChunkCount: number;
}

export interface TRunPsiBuyerOptions {
  /** Requests in flight per direction (default 4). */
  concurrency?: number;
  onProgress?: (progress: TPsiRunProgress) => void;
}

async function forEachLimited(
  count: number,
  limit: number,
  fn: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, count)) }, lane));
}

/**
 * Runs a whole session for a buyer that has its `started` answer: buyer chunks (and, in
 * cardinality mode, then the shuffled replies) while server chunks stream in parallel.
 */
export async function runPsiBuyer(
  buyer: TPsiBuyer,
  started: TPsiSessionStarted,
  transport: TPsiBuyerTransport,
  options: TRunPsiBuyerOptions = {},
): Promise<TPsiBuyerResult> {
  const concurrency = options.concurrency ?? 4;
  const progress: TPsiRunProgress = {
    buyerChunksSent: 0,
    replyChunksReceived: 0,
    serverChunksReceived: 0,
    buyerChunkCount: started.buyerChunkCount,
    serverChunkCount: started.serverChunkCount,
  };
  const report = () => options.onProgress?.({ ...progress });
  try {
    buyer.begin(started);
    const buyerSide = (async () => {
      await forEachLimited(buyer.chunkCount, concurrency, async (index) => {
        const tags = await transport.sendBuyerChunk(index, await buyer.blindChunk(index));
        progress.buyerChunksSent++;
        if (started.mode === "intersection") {
          if (!tags) throw new Error(`psi buyer: no tags in the reply to chunk ${index} (intersection mode)`);
          buyer.acceptReplyTags(index, tags);
          progress.replyChunksReceived++;
        }
        report();
      });
      if (started.mode === "cardinality") {
        await forEachLimited(buyer.chunkCount, concurrency, async (index) => {
          buyer.acceptReplyTags(index, await transport.fetchReplyChunk(index));
          progress.replyChunksReceived++;
          report();
        });
      }
    })();
    const serverSide = forEachLimited(started.serverChunkCount, concurrency, async (index) => {
      await buyer.acceptServerPoints(index, await transport.fetchServerChunk(index));
      progress.serverChunksReceived++;
      report();
    });
    await Promise.all([buyerSide, serverSide]);
    return buyer.finish();
  } catch (error) {
    buyer.discard();
    throw error;
  }
}
