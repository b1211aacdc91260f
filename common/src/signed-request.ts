/**
 * Signed server→enclave requests. The caller signs
 *   "PDX-REQ-1\n<METHOD>\n<path>\n<timestamp ms>\n<nonce>\n<sha256(body)>"
 * with its ed25519 key and sends the parts as headers. The receiver checks, in order: headers
 * present, key known, timestamp inside the window, signature valid, nonce never seen before.
 */
import { keyIdOf, signMessage, verifyMessage } from "./ed25519";
import { bytesToHex, sha256Hex } from "./hash";

export const SIGNED_REQUEST_HEADERS = {
  keyId: "x-pdx-key-id",
  timestamp: "x-pdx-timestamp",
  nonce: "x-pdx-nonce",
  signature: "x-pdx-signature",
} as const;

/** How far a request's timestamp may be from the receiver's clock. */
export const DEFAULT_REQUEST_WINDOW_MS = 30_000;

/** Why a signed request was refused. Each code is safe to return to the caller. */
export type TSignedRequestFailure =
  /** One of the four x-pdx-* headers is absent or malformed. */
  | "HEADER_MISSING"
  /** The key id is not among the receiver's trusted client keys. */
  | "KEY_UNKNOWN"
  /** The timestamp is further than the window from the receiver's clock. */
  | "TIMESTAMP_OUT_OF_WINDOW"
  /** The signature does not verify over the canonical request string. */
  | "SIGNATURE_INVALID"
  /** The nonce was already used by an accepted request. */
  | "NONCE_REPLAYED";

export class SignedRequestError extends Error {
  constructor(
    readonly code: TSignedRequestFailure,
    message: string,
  ) {
    super(message);
    this.name = "SignedRequestError";
  }
}

function canonicalRequest(
  method: string,
  path: string,
  timestamp: string,
  nonce: string,
  body: string | Uint8Array,
) {
  return ["PDX-REQ-1", method.toUpperCase(), path, timestamp, nonce, sha256Hex(body)].join("\n");
}

export interface TSignRequestInput {
  method: string;
  /** Path with query string, exactly as the receiver sees it (e.g. "/v1/jobs/aggregate"). */
  path: string;
  /** The exact body sent: its bytes, or a string standing for its UTF-8 bytes ("" for none). */
  body: string | Uint8Array;
  secretKey: string;
  publicKey: string;
  now?: number;
  nonce?: string;
}

/** Returns the headers to attach to a request. */
export function signRequest(input: TSignRequestInput): Record<string, string> {
  const timestamp = String(input.now ?? Date.now());
  const nonce = input.nonce ?? bytesToHex(crypto.getRandomValues(new Uint8Array(16)));
  const signature = signMessage(
    canonicalRequest(input.method, input.path, timestamp, nonce, input.body),
    input.secretKey,
  );
  return {
    [SIGNED_REQUEST_HEADERS.keyId]: keyIdOf(input.publicKey),
    [SIGNED_REQUEST_HEADERS.timestamp]: timestamp,
    [SIGNED_REQUEST_HEADERS.nonce]: nonce,
    [SIGNED_REQUEST_HEADERS.signature]: signature,
  };
}

/** Remembers nonces; `claim` returns false if the nonce was already claimed. */
export interface TNonceStore {
  claim(keyId: string, nonce: string, timestampMs: number): Promise<boolean>;
}

export interface TVerifyRequestInput {
  method: string;
  path: string;
  /** The body received: its raw bytes (binary uploads), or a string standing for its UTF-8 bytes. */
  body: string | Uint8Array;
  headers: Record<string, string | string[] | undefined>;
  /** Trusted client public keys (hex). */
  trustedKeys: readonly string[];
  nonces: TNonceStore;
  now?: number;
  windowMs?: number;
}

/** Verifies a signed request; returns the caller's key id or throws SignedRequestError. */
export async function verifyRequest(input: TVerifyRequestInput): Promise<{ keyId: string }> {
  const header = (name: string) => {
    const v = input.headers[name];
    return typeof v === "string" ? v : undefined;
  };
  const keyId = header(SIGNED_REQUEST_HEADERS.keyId);
  const timestamp = header(SIGNED_REQUEST_HEADERS.timestamp);
  const nonce = header(SIGNED_REQUEST_HEADERS.nonce);
  const signature = header(SIGNED_REQUEST_HEADERS.signature);
  if (!keyId || !timestamp || !nonce || !signature) {
    throw new SignedRequestError("HEADER_MISSING", "request is not signed: x-pdx-* headers missing");
  }
  if (!/^\d{1,16}$/.test(timestamp) || !/^[0-9a-f]{32}$/.test(nonce)) {
    throw new SignedRequestError("HEADER_MISSING", "x-pdx-timestamp or x-pdx-nonce is malformed");
  }
  const publicKey = input.trustedKeys.find((k) => keyIdOf(k) === keyId);
  if (!publicKey) throw new SignedRequestError("KEY_UNKNOWN", `key ${keyId} is not trusted`);
  const now = input.now ?? Date.now();
  const windowMs = input.windowMs ?? DEFAULT_REQUEST_WINDOW_MS;
  const ts = Number(timestamp);
  if (Math.abs(now - ts) > windowMs) {
    throw new SignedRequestError(
      "TIMESTAMP_OUT_OF_WINDOW",
      `request timestamp is ${Math.round((now - ts) / 1000)} s from the enclave clock (window ±${windowMs / 1000} s)`,
    );
  }
  const message = canonicalRequest(input.method, input.path, timestamp, nonce, input.body);
  if (!verifyMessage(message, signature, publicKey)) {
    throw new SignedRequestError("SIGNATURE_INVALID", "request signature does not verify");
  }
  if (!(await input.nonces.claim(keyId, nonce, ts))) {
    throw new SignedRequestError("NONCE_REPLAYED", "request nonce was already used (replay refused)");
  }
  return { keyId };
}

/** In-memory nonce store for tests and single-process use; entries expire after the window. */
export class MemoryNonceStore implements TNonceStore {
  private readonly seen = new Map<string, number>();
  constructor(private readonly windowMs = DEFAULT_REQUEST_WINDOW_MS) {}
  async claim(keyId: string, nonce: string, timestampMs: number): Promise<boolean> {
    const now = Date.now();
    for (const [k, t] of this.seen) if (t < now - 2 * this.windowMs) this.seen.delete(k);
    const key = `${keyId}:${nonce}`;
    if (this.seen.has(key)) return false;
    this.seen.set(key, timestampMs);
    return true;
  }
}
