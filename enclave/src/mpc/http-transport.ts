/**
 * Delivery of sealed frames to peers over HTTP: one POST of the frame to the peer's
 * /v1/mpc/messages, delivered when (and only when) the peer answers 202. Anything else — no
 * connection, no answer in time, another status, a refusal — is a DeliveryError whose reason is
 * safe to record and to forward (the peer's error code and message, which the enclave's error
 * table keeps free of values; never the frame).
 */
import { MPC_MESSAGES_PATH } from "@pdx/common/mpc-api";
import { DeliveryError } from "./joint-aggregate-job";
import type { TMpcPeer } from "./node-config";

export interface TMpcTransport {
  /** Delivers one frame within `timeoutMs`; throws DeliveryError. */
  send(peer: TMpcPeer, frame: Uint8Array, timeoutMs: number): Promise<void>;
}

function causeCode(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown } } | null)?.cause;
  return typeof cause?.code === "string" && /^[A-Z_]{2,40}$/.test(cause.code) ? cause.code : "network error";
}

/** Socket errors of a reused keep-alive connection the peer had closed: worth one more try. */
const RETRYABLE = new Set(["ECONNRESET", "EPIPE", "UND_ERR_SOCKET"]);

async function post(peer: TMpcPeer, frame: Uint8Array, timeoutMs: number): Promise<Response> {
  return fetch(`${peer.url}${MPC_MESSAGES_PATH}`, {
    method: "POST",
    headers: { "content-type": "application/octet-stream" },
    body: frame as Uint8Array<ArrayBuffer>,
    signal: AbortSignal.timeout(timeoutMs),
  });
}

/**
 * HTTP delivery. A connection reset before any answer (typically a keep-alive connection the
 * peer closed while this process was busy) is retried once with the same frame; if the first
 * attempt did reach the peer, the retry is refused as a replay (409 NONCE_REPLAYED), which then
 * means the frame was delivered.
 */
export const httpTransport: TMpcTransport = {
  async send(peer, frame, timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    let response: Response | null = null;
    let retried = false;
    for (;;) {
      try {
        response = await post(peer, frame, Math.max(1, deadline - Date.now()));
        break;
      } catch (err) {
        const name = (err as { name?: unknown } | null)?.name;
        if (name === "TimeoutError") throw new DeliveryError(peer.nodeId, `no answer within ${timeoutMs} ms`);
        const code = causeCode(err);
        if (retried || !RETRYABLE.has(code)) throw new DeliveryError(peer.nodeId, `unreachable (${code})`);
        retried = true;
      }
    }
    const text = await response.text().catch(() => "");
    if (response.status === 202) return;
    let code = "";
    let refusal = "";
    try {
      const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
      if (typeof body.error?.code === "string" && typeof body.error.message === "string") {
        code = body.error.code;
        refusal = `: ${body.error.code.slice(0, 40)}: ${body.error.message.slice(0, 200)}`;
      }
    } catch {
      // not an enclave error body
    }
    if (retried && response.status === 409 && code === "NONCE_REPLAYED") return;
    throw new DeliveryError(peer.nodeId, `answered HTTP ${response.status}${refusal}`);
  },
};
