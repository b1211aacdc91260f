/**
 * A buyer and an enclave session in one process, talking through the PSI wire contract: every
 * message is serialized to the JSON body it would be on HTTP (base64 bytes), checked by its zod
 * schema on the receiving side, and optionally recorded. For the integration tests (which inspect
 * what the buyer sends), the benchmark, and as the reference for the HTTP routes the transport
 * layer wires: each method here is what one route does.
 */

import type { TPsiBuyerTransport } from "@pdx/common/psi/buyer";
import type { TPsiCurve } from "@pdx/common/psi/curve";
import type { TPsiItemFormat } from "@pdx/common/psi/normalize";
import {
  psiBase64ToBytes,
  psiBytesToBase64,
  type TPsiMode,
  type TPsiSessionStarted,
  ZPsiBuyerChunk,
  ZPsiBuyerChunkReply,
  ZPsiPointsChunk,
  ZPsiSessionStart,
  ZPsiSessionStarted,
  ZPsiTagsChunk,
} from "@pdx/common/psi/wire";
import type { z } from "zod";
import { EnclaveError } from "../errors";
import type { TPsiColumn } from "./psi-column";
import { type PsiSession, startPsiSession } from "./psi-session";

/** One message as it crossed the wire. */
export interface TPsiWireMessage {
  from: "buyer" | "enclave";
  kind: "start" | "started" | "buyer-chunk" | "buyer-chunk-reply" | "reply-chunk" | "server-chunk";
  body: string;
}

export interface TPsiLoopbackOptions {
  /** The buyer's request (buyer.sessionRequest()). */
  request: { format: TPsiItemFormat; buyerSetSize: number };
  /** Decided by the product, added by the server. */
  mode: TPsiMode;
  column: TPsiColumn;
  curve: TPsiCurve;
  /** Sees every message (tests inspect what the enclave receives). */
  record?: (message: TPsiWireMessage) => void;
}

function receive<T>(schema: z.ZodType<T>, body: string, what: string): T {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new EnclaveError("INVALID_REQUEST", `psi: ${what}: the body is not JSON`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new EnclaveError(
      "INVALID_REQUEST",
      `psi: ${what}: ${issue.path.join(".") || "body"}: ${issue.message}`,
    );
  }
  return parsed.data;
}

/** What each enclave route of an open session does, from request body to answer body (JSON). */
export interface TPsiSessionRoutes {
  /** POST …/buyer-chunks: ZPsiBuyerChunk → ZPsiBuyerChunkReply. */
  buyerChunk(body: string): Promise<string>;
  /** GET …/reply-chunks/:index (cardinality mode) → ZPsiTagsChunk. */
  replyChunk(index: number): string;
  /** GET …/server-chunks/:index → ZPsiPointsChunk. */
  serverChunk(index: number): Promise<string>;
}

/** The routes of one session (see TPsiSessionRoutes). */
export function psiSessionRoutes(session: PsiSession): TPsiSessionRoutes {
  return {
    async buyerChunk(body) {
      const chunk = receive(ZPsiBuyerChunk, body, "buyer chunk");
      const tags = await session.blindBuyerChunk(chunk.index, psiBase64ToBytes(chunk.points));
      return JSON.stringify({ index: chunk.index, tags: tags === null ? null : psiBytesToBase64(tags) });
    },
    replyChunk(index) {
      return JSON.stringify({ index, tags: psiBytesToBase64(session.replyChunk(index)) });
    },
    async serverChunk(index) {
      return JSON.stringify({ index, points: psiBytesToBase64(await session.serverChunk(index)) });
    },
  };
}

/** Opens a session and returns the buyer's transport to it (see the module comment). */
export function openPsiLoopback(options: TPsiLoopbackOptions): {
  session: PsiSession;
  started: TPsiSessionStarted;
  routes: TPsiSessionRoutes;
  transport: TPsiBuyerTransport;
} {
  const record = options.record ?? (() => {});
  const sent = (from: TPsiWireMessage["from"], kind: TPsiWireMessage["kind"], body: string) => {
    record({ from, kind, body });
    return body;
  };

  const startBody = sent("buyer", "start", JSON.stringify({ ...options.request, mode: options.mode }));
  const session = startPsiSession(receive(ZPsiSessionStart, startBody, "start"), {
    column: options.column,
    curve: options.curve,
  });
  const started = receive(
    ZPsiSessionStarted,
    sent("enclave", "started", JSON.stringify(session.started)),
    "started",
  );
  const routes = psiSessionRoutes(session);

  const transport: TPsiBuyerTransport = {
    async sendBuyerChunk(index, points) {
      const body = sent("buyer", "buyer-chunk", JSON.stringify({ index, points: psiBytesToBase64(points) }));
      const reply = sent("enclave", "buyer-chunk-reply", await routes.buyerChunk(body));
      const answer = receive(ZPsiBuyerChunkReply, reply, "buyer chunk reply");
      return answer.tags === null ? null : psiBase64ToBytes(answer.tags);
    },
    async fetchReplyChunk(index) {
      const body = sent("enclave", "reply-chunk", routes.replyChunk(index));
      return psiBase64ToBytes(receive(ZPsiTagsChunk, body, "reply chunk").tags);
    },
    async fetchServerChunk(index) {
      const body = sent("enclave", "server-chunk", await routes.serverChunk(index));
      return psiBase64ToBytes(receive(ZPsiPointsChunk, body, "server chunk").points);
    },
  };
  return { session, started, routes, transport };
}
