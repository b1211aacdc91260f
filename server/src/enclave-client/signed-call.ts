/**
 * The one transport of every enclave client: sign the request with the server's ed25519 key over
 * method, path and the exact body bytes (common/signed-request), send it with a timeout, and parse
 * the JSON answer. Network failures and timeouts become ENCLAVE_UNAVAILABLE, a body that is not
 * JSON ENCLAVE_RESPONSE_INVALID — with user-safe messages; the internal detail names the call only.
 * What the answer must look like is each client's business.
 */
import { publicKeyOf } from "@pdx/common/ed25519";
import { signRequest } from "@pdx/common/signed-request";
import { DomainError } from "../domain/domain-error";

export const UNAVAILABLE_MESSAGE = "the secure computing domain is unavailable; please try again later";
export const INVALID_MESSAGE =
  "the secure computing domain's answer could not be verified; nothing was recorded";

export interface TSignedCallOptions {
  baseUrl: string;
  /** The server's ed25519 secret key (hex) that signs requests. */
  serverSigningKey: string;
  timeoutMs: number;
  fetch?: typeof fetch;
}

export type TSignedCall = (
  method: "GET" | "POST" | "PUT" | "DELETE",
  path: string,
  /** A JSON text (sent as application/json), raw bytes (application/octet-stream), or nothing. */
  body?: string | Uint8Array,
) => Promise<{ status: number; body: unknown }>;

/** Creates the signed transport for one enclave base URL. */
export function createSignedCall(opts: TSignedCallOptions): TSignedCall {
  const baseUrl = opts.baseUrl.replace(/\/+$/, "");
  const publicKey = publicKeyOf(opts.serverSigningKey);
  const doFetch = opts.fetch ?? fetch;
  return async (method, path, body = "") => {
    const headers = signRequest({ method, path, body, secretKey: opts.serverSigningKey, publicKey });
    if (typeof body !== "string") headers["content-type"] = "application/octet-stream";
    else if (body !== "") headers["content-type"] = "application/json";
    const what = `enclave ${method} ${path}`;
    let res: Response;
    try {
      res = await doFetch(`${baseUrl}${path}`, {
        method,
        headers,
        // Node's fetch sends any Uint8Array view as is; the lib type only lists ArrayBuffer-backed ones.
        body:
          method === "GET" || method === "DELETE" ? undefined : (body as string | Uint8Array<ArrayBuffer>),
        signal: AbortSignal.timeout(opts.timeoutMs),
      });
    } catch (err) {
      const timedOut = err instanceof DOMException && err.name === "TimeoutError";
      throw new DomainError(
        "ENCLAVE_UNAVAILABLE",
        UNAVAILABLE_MESSAGE,
        timedOut ? `${what}: timed out after ${opts.timeoutMs} ms` : `${what}: unreachable`,
      );
    }
    let json: unknown;
    try {
      json = await res.json();
    } catch {
      throw new DomainError(
        "ENCLAVE_RESPONSE_INVALID",
        INVALID_MESSAGE,
        `${what}: HTTP ${res.status}, body is not JSON`,
      );
    }
    return { status: res.status, body: json };
  };
}
