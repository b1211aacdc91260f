/**
 * The server's client of the enclave's private-set-intersection endpoints
 * (common/src/enclave-psi.ts, chunk messages in common/src/psi/wire.ts): it relays blinded
 * points and tags between a buyer's browser and the enclave, every request signed with the
 * server's key. It never sees an item in clear. Answers are checked before use: schema, sizes,
 * and at the end the enclave's v2 receipt — signature, session id, product, version hash,
 * authorization, requester, request hash, the two set sizes and the output hash, which must equal
 * the hash of the chunks this server relayed (psiOutputHashOf).
 */
import { canonicalJson } from "@pdx/common/canonical-json";
import { ZEnclaveError } from "@pdx/common/enclave-api";
import type { TSignedJobReceiptV2 } from "@pdx/common/enclave-jobs";
import {
  psiOutputHashOf,
  type TPsiChunkDigests,
  type TPsiEnclaveStart,
  type TPsiEnclaveStarted,
  ZPsiEnclaveStart,
  ZPsiEnclaveStarted,
  ZPsiSessionFinished,
} from "@pdx/common/enclave-psi";
import { sha256Hex } from "@pdx/common/hash";
import { PSI_POINT_BYTES } from "@pdx/common/psi/group";
import { PSI_TAG_BYTES } from "@pdx/common/psi/tags";
import {
  type TPsiBuyerChunkReply,
  ZPsiBuyerChunkReply,
  ZPsiPointsChunk,
  ZPsiTagsChunk,
} from "@pdx/common/psi/wire";
import { DomainError } from "../domain/domain-error";
import { protocolRefusal } from "./index";
import { releasedReceiptProblems } from "./released-receipt";
import { createSignedCall, INVALID_MESSAGE } from "./signed-call";

export const PSI_SESSIONS_PATH = "/v1/psi/sessions";

/** SHA-256 of the canonical JSON of a session's start request: the receipt's request hash. */
export function psiRequestHashOf(request: TPsiEnclaveStart): string {
  return sha256Hex(canonicalJson(request));
}

/** SHA-256 hex of a chunk's bytes, given as base64. */
export function psiChunkDigest(base64: string): string {
  return sha256Hex(Buffer.from(base64, "base64"));
}

/** What a session's receipt must agree with. */
export interface TPsiExpectation {
  request: TPsiEnclaveStart;
  /** The enclave's set size announced at start. */
  serverSetSize: number;
  /** Digests of the released chunks this server relayed, by index. */
  chunkDigests: TPsiChunkDigests;
}

export interface TPsiSessionsClient {
  start(request: TPsiEnclaveStart): Promise<TPsiEnclaveStarted>;
  /** Relays buyer chunk `index` (base64 of [b]H(x)); intersection mode answers its tags. */
  sendBuyerChunk(
    sessionId: string,
    index: number,
    points: string,
    mode: "intersection" | "cardinality",
    count: number,
  ): Promise<TPsiBuyerChunkReply>;
  /** Cardinality mode: shuffled reply chunk `index` (`count` tags expected). */
  replyChunk(sessionId: string, index: number, count: number): Promise<string>;
  /** Chunk `index` of the enclave's blinded set (`count` points expected). */
  serverChunk(sessionId: string, index: number, count: number): Promise<string>;
  /** Ends the session; resolves with its verified receipt. */
  finish(expect: TPsiExpectation): Promise<TSignedJobReceiptV2>;
}

export interface TPsiSessionsClientOptions {
  baseUrl: string;
  serverSigningKey: string;
  enclavePublicKey: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

function invalid(detail: string): DomainError {
  return new DomainError("ENCLAVE_RESPONSE_INVALID", INVALID_MESSAGE, `enclave psi: ${detail}`);
}

/** Enclave refusals specific to PSI sessions; anything else as for other jobs. */
function psiRefusal(status: number, body: unknown): DomainError {
  const parsed = ZEnclaveError.safeParse(body);
  if (parsed.success) {
    const { code } = parsed.data.error;
    const detail = `enclave psi: HTTP ${status} ${code}`;
    if (code === "JOB_UNKNOWN")
      return new DomainError(
        "NOT_FOUND",
        "the secure computing domain no longer holds this session (it expired or the domain restarted); start again",
        detail,
      );
  }
  // The enclave's protocol checks (chunk sizes, points, order) name what was wrong, safely.
  return protocolRefusal(status, body, "psi");
}

/** Problems of a finished session's receipt against what was asked and relayed; empty when it verifies. */
export function psiReceiptProblems(
  signed: TSignedJobReceiptV2,
  expect: TPsiExpectation,
  enclavePublicKey: string,
): string[] {
  const q = expect.request;
  const problems = releasedReceiptProblems(
    signed,
    {
      jobId: q.sessionId,
      product: q.product,
      authorizationId: q.authorization.id,
      requesterOrgId: q.requester.orgId,
      requestHash: psiRequestHashOf(q),
      outputHash: psiOutputHashOf(expect.chunkDigests),
    },
    enclavePublicKey,
    "session id",
  );
  const c = signed.receipt.computation;
  if (
    c?.kind !== "psi" ||
    c.reveals !== q.mode ||
    c.buyerItems !== q.buyerSetSize ||
    c.datasetItems !== expect.serverSetSize
  )
    problems.push("set sizes mismatch");
  return problems;
}

/** Creates the client. */
export function createPsiSessionsClient(opts: TPsiSessionsClientOptions): TPsiSessionsClient {
  const send = createSignedCall({ ...opts, timeoutMs: opts.timeoutMs ?? 120_000 });
  const sessionPath = (id: string) => `${PSI_SESSIONS_PATH}/${encodeURIComponent(id)}`;

  const bytesOf = (base64: string) => Buffer.from(base64, "base64").length;

  return {
    async start(request) {
      const checked = ZPsiEnclaveStart.parse(request);
      const { status, body } = await send("POST", PSI_SESSIONS_PATH, JSON.stringify(checked));
      if (status !== 201) throw psiRefusal(status, body);
      const parsed = ZPsiEnclaveStarted.safeParse(body);
      if (!parsed.success) throw invalid("start: answer does not match the schema");
      const started = parsed.data;
      if (started.sessionId !== checked.sessionId) throw invalid("start: session id mismatch");
      if (started.mode !== checked.mode || started.format !== checked.format)
        throw invalid("start: mode mismatch");
      if (started.buyerSetSize !== checked.buyerSetSize) throw invalid("start: buyer set size mismatch");
      return started;
    },

    async sendBuyerChunk(sessionId, index, points, mode, count) {
      const path = `${sessionPath(sessionId)}/buyer-chunks/${index}`;
      const { status, body } = await send("POST", path, JSON.stringify({ points }));
      if (status !== 200) throw psiRefusal(status, body);
      const parsed = ZPsiBuyerChunkReply.safeParse(body);
      if (!parsed.success || parsed.data.index !== index)
        throw invalid(`buyer chunk ${index}: answer does not match the schema`);
      const tags = parsed.data.tags;
      if (mode === "cardinality" ? tags !== null : tags === null || bytesOf(tags) !== count * PSI_TAG_BYTES)
        throw invalid(
          `buyer chunk ${index}: the reply does not hold ${mode === "cardinality" ? "no tags" : `${count} tags`}`,
        );
      return parsed.data;
    },

    async replyChunk(sessionId, index, count) {
      const { status, body } = await send("GET", `${sessionPath(sessionId)}/reply-chunks/${index}`);
      if (status !== 200) throw psiRefusal(status, body);
      const parsed = ZPsiTagsChunk.safeParse(body);
      if (
        !parsed.success ||
        parsed.data.index !== index ||
        bytesOf(parsed.data.tags) !== count * PSI_TAG_BYTES
      )
        throw invalid(`reply chunk ${index}: answer does not hold ${count} tags`);
      return parsed.data.tags;
    },

    async serverChunk(sessionId, index, count) {
      const { status, body } = await send("GET", `${sessionPath(sessionId)}/server-chunks/${index}`);
      if (status !== 200) throw psiRefusal(status, body);
      const parsed = ZPsiPointsChunk.safeParse(body);
      if (
        !parsed.success ||
        parsed.data.index !== index ||
        bytesOf(parsed.data.points) !== count * PSI_POINT_BYTES
      )
        throw invalid(`server chunk ${index}: answer does not hold ${count} points`);
      return parsed.data.points;
    },

    async finish(expect) {
      const { status, body } = await send("POST", `${sessionPath(expect.request.sessionId)}/finish`, "{}");
      if (status !== 200) throw psiRefusal(status, body);
      const parsed = ZPsiSessionFinished.safeParse(body);
      if (!parsed.success) throw invalid("finish: answer does not match the schema");
      const problems = psiReceiptProblems(parsed.data.signedReceipt, expect, opts.enclavePublicKey);
      if (problems.length > 0) throw invalid(`finish: ${problems.join(", ")}`);
      return parsed.data.signedReceipt;
    },
  };
}
