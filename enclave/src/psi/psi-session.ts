/**
 * One PSI session on the enclave's side (protocol and messages: common/src/psi/wire.ts), as plain
 * functions over a session object — no transport here.
 *
 * At start the session draws a fresh secret a (never stored, zeroed at close) and a random order
 * of its column. It then answers, in any order and concurrently:
 *   blindBuyerChunk(i, [b]H(x))  → tags of [a][b]H(x): in order (mode "intersection"), or kept
 *                                  (mode "cardinality") until every chunk is in, then shuffled as
 *                                  ONE list — a per-chunk shuffle would tell the buyer which chunk a
 *                                  match came from — and served by replyChunk(j);
 *   serverChunk(k)               → [a]H(y) of the column's values at positions k·4096… of the
 *                                  random order (H(y) from the column cache: a session costs only
 *                                  exponentiations).
 * Every buyer chunk is checked before use: its index in range and not yet received, exactly the
 * number of points its position implies, each point canonical and not of small order
 * (group.ts). Errors name the chunk, the position and the rule, never bytes. An enclave chunk may
 * be sent again (a client retrying a lost answer) up to PSI_MAX_CHUNK_SENDS times.
 *
 * What the enclave keeps about a session is `summary()`: mode, format, set sizes, chunk counts and
 * times. It never sees a buyer item, H(x) or [b]: only [b]H(x), a uniformly random group element.
 */
import { randomUUID } from "node:crypto";
import type { TPsiCurve } from "@pdx/common/psi/curve";
import { blindedPointsProblem, PSI_POINT_BYTES, randomPsiScalar } from "@pdx/common/psi/group";
import { PSI_TAG_BYTES } from "@pdx/common/psi/tags";
import {
  PSI_CHUNK_ITEMS,
  PSI_MAX_CHUNK_SENDS,
  psiChunkCount,
  psiChunkLength,
  type TPsiSessionStarted,
  type TPsiSessionSummary,
  ZPsiSessionStart,
} from "@pdx/common/psi/wire";
import { EnclaveError } from "../errors";
import type { TPsiColumn } from "./psi-column";
import { randomPermutation, shuffleRecords } from "./shuffle";

export interface TPsiSessionDependencies {
  /** The prepared column (psi-column.ts), in the format the request names. */
  column: TPsiColumn;
  curve: TPsiCurve;
  now?: () => Date;
}

const RECEIVED = 2;
const IN_PROGRESS = 1;

const invalid = (message: string) => new EnclaveError("INVALID_REQUEST", `psi: ${message}`);

/** A running session (see the module comment). Create with `startPsiSession`. */
export class PsiSession {
  readonly started: TPsiSessionStarted;
  #curve: TPsiCurve;
  #column: TPsiColumn;
  #now: () => Date;
  #secret: Uint8Array;
  #order: Uint32Array;
  #buyerChunks: Uint8Array;
  #buyerChunksReceived = 0;
  #replyTags: Uint8Array | null;
  #replySends: Uint8Array;
  #serverSends: Uint8Array;
  #startedAt: Date;
  #endedAt: Date | null = null;
  #closed = false;

  constructor(started: TPsiSessionStarted, dependencies: TPsiSessionDependencies) {
    this.started = started;
    this.#curve = dependencies.curve;
    this.#column = dependencies.column;
    this.#now = dependencies.now ?? (() => new Date());
    this.#secret = randomPsiScalar();
    this.#order = randomPermutation(started.serverSetSize);
    this.#buyerChunks = new Uint8Array(started.buyerChunkCount);
    this.#replyTags =
      started.mode === "cardinality" ? new Uint8Array(started.buyerSetSize * PSI_TAG_BYTES) : null;
    this.#replySends = new Uint8Array(started.mode === "cardinality" ? started.buyerChunkCount : 0);
    this.#serverSends = new Uint8Array(started.serverChunkCount);
    this.#startedAt = this.#now();
  }

  get sessionId(): string {
    return this.started.sessionId;
  }

  #open(): void {
    if (this.#closed) throw invalid(`session ${this.sessionId} is closed`);
  }

  #checkIndex(index: number, count: number, what: string): void {
    if (!Number.isInteger(index) || index < 0 || index >= count) {
      throw invalid(`${what} index ${index} is out of range (0–${count - 1})`);
    }
  }

  #countSend(sends: Uint8Array, index: number, what: string): void {
    if (sends[index]! >= PSI_MAX_CHUNK_SENDS) {
      throw new EnclaveError(
        "LIMIT_EXCEEDED",
        `psi: ${what} ${index} was already sent ${PSI_MAX_CHUNK_SENDS} times`,
      );
    }
    sends[index] = sends[index]! + 1;
    this.#settle();
  }

  #settle(): void {
    if (this.#endedAt === null && this.complete) this.#endedAt = this.#now();
  }

  /** All buyer chunks received and every enclave chunk sent at least once. */
  get complete(): boolean {
    return (
      this.#buyerChunksReceived === this.started.buyerChunkCount &&
      this.#replySends.every((n) => n > 0) &&
      this.#serverSends.every((n) => n > 0)
    );
  }

  /**
   * Blinds buyer chunk `index` ([b]H(x), n × 32 bytes) with a. Returns its tags in order (mode
   * "intersection") or null (mode "cardinality": fetch the shuffled tags with `replyChunk`).
   */
  async blindBuyerChunk(index: number, points: Uint8Array): Promise<Uint8Array | null> {
    this.#open();
    const { buyerChunkCount, buyerSetSize, mode } = this.started;
    this.#checkIndex(index, buyerChunkCount, "buyer chunk");
    if (this.#buyerChunks[index] !== 0) throw invalid(`buyer chunk ${index} was already received`);
    const problem = blindedPointsProblem(points, psiChunkLength(buyerSetSize, index));
    if (problem) throw invalid(`buyer chunk ${index}: ${problem}`);
    this.#buyerChunks[index] = IN_PROGRESS;
    let tags: Uint8Array;
    try {
      tags = await this.#curve.exponentiateToTags(this.#secret, points);
    } catch (error) {
      this.#buyerChunks[index] = 0;
      throw error;
    }
    this.#open();
    this.#buyerChunks[index] = RECEIVED;
    this.#buyerChunksReceived++;
    if (mode === "intersection") {
      this.#settle();
      return tags;
    }
    this.#replyTags!.set(tags, index * PSI_CHUNK_ITEMS * PSI_TAG_BYTES);
    if (this.#buyerChunksReceived === buyerChunkCount) shuffleRecords(this.#replyTags!, PSI_TAG_BYTES);
    return null;
  }

  /** Cardinality mode: chunk `index` of the buyer's tags, shuffled as one list, once all chunks are in. */
  replyChunk(index: number): Uint8Array {
    this.#open();
    const { buyerChunkCount, buyerSetSize, mode } = this.started;
    if (mode !== "cardinality") throw invalid("reply chunks exist only in cardinality mode");
    this.#checkIndex(index, buyerChunkCount, "reply chunk");
    if (this.#buyerChunksReceived < buyerChunkCount) {
      throw invalid(
        `reply chunks are sent once all ${buyerChunkCount} buyer chunks are in (${this.#buyerChunksReceived} received)`,
      );
    }
    this.#countSend(this.#replySends, index, "reply chunk");
    const start = index * PSI_CHUNK_ITEMS * PSI_TAG_BYTES;
    return this.#replyTags!.slice(start, start + psiChunkLength(buyerSetSize, index) * PSI_TAG_BYTES);
  }

  /** [a]H(y) for server chunk `index` of the session's random order of the column. */
  async serverChunk(index: number): Promise<Uint8Array> {
    this.#open();
    const { serverChunkCount, serverSetSize } = this.started;
    this.#checkIndex(index, serverChunkCount, "server chunk");
    this.#countSend(this.#serverSends, index, "server chunk");
    const count = psiChunkLength(serverSetSize, index);
    const gathered = new Uint8Array(count * PSI_POINT_BYTES);
    const source = this.#column.points;
    for (let i = 0; i < count; i++) {
      const at = this.#order[index * PSI_CHUNK_ITEMS + i]! * PSI_POINT_BYTES;
      gathered.set(source.subarray(at, at + PSI_POINT_BYTES), i * PSI_POINT_BYTES);
    }
    return this.#curve.exponentiate(this.#secret, gathered);
  }

  /** What the enclave records about the session: sizes and counts only. */
  summary(): TPsiSessionSummary {
    const sent = (sends: Uint8Array) => sends.reduce((n, s) => n + (s > 0 ? 1 : 0), 0);
    return {
      sessionId: this.sessionId,
      mode: this.started.mode,
      format: this.started.format,
      buyerSetSize: this.started.buyerSetSize,
      serverSetSize: this.started.serverSetSize,
      buyerChunksReceived: this.#buyerChunksReceived,
      replyChunksSent: sent(this.#replySends),
      serverChunksSent: sent(this.#serverSends),
      complete: this.complete,
      startedAt: this.#startedAt.toISOString(),
      endedAt: this.#endedAt?.toISOString() ?? null,
    };
  }

  /** Ends the session: zeroes a, drops the kept tags; later calls are refused. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#secret.fill(0);
    this.#replyTags?.fill(0);
    this.#replyTags = null;
    this.#endedAt ??= this.#now();
  }
}

/**
 * Checks a start request (ZPsiSessionStart: mode from the product, format, the buyer's set size)
 * against the prepared column and opens a session.
 */
export function startPsiSession(request: unknown, dependencies: TPsiSessionDependencies): PsiSession {
  const parsed = ZPsiSessionStart.safeParse(request);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw invalid(`start: ${issue.path.join(".") || "request"}: ${issue.message}`);
  }
  const { mode, format, buyerSetSize } = parsed.data;
  const { column } = dependencies;
  if (column.format !== format) {
    throw invalid(`start: the column is matched as ${column.format}, the request says ${format}`);
  }
  if (column.points.length !== column.size * PSI_POINT_BYTES) {
    throw new Error("psi column: points do not match its size"); // a programming error, not the caller's
  }
  return new PsiSession(
    {
      sessionId: randomUUID(),
      mode,
      format,
      chunkItems: PSI_CHUNK_ITEMS,
      tagBytes: PSI_TAG_BYTES,
      buyerSetSize,
      buyerChunkCount: psiChunkCount(buyerSetSize),
      serverSetSize: column.size,
      serverChunkCount: psiChunkCount(column.size),
    },
    dependencies,
  );
}
