/**
 * The server's client of the enclave's vault ingest endpoints (common/src/vault-api.ts): open an
 * upload session, put raw chunks at offsets, read the status, complete, cancel, and list the
 * loaded versions of a dataset. Every call is signed with the server's ed25519 key
 * (common/signed-request) over the exact body (a chunk's raw bytes), and every answer is checked
 * against its schema before anything uses it. Refusals become DomainErrors: the enclave's upload messages are
 * safe to show by contract (ZEnclaveError) and name the offset, state or version concerned.
 */
import { ZEnclaveError } from "@pdx/common/enclave-api";
import {
  type TDatasetVersion,
  type TStartUploadRequest,
  type TUploadStatus,
  UPLOAD_CHUNK_BYTES,
  ZDatasetVersion,
  ZStartUploadRequest,
  ZUploadStatus,
} from "@pdx/common/vault-api";
import { z } from "zod";
import { DomainError } from "../domain/domain-error";
import { createSignedCall, INVALID_MESSAGE, UNAVAILABLE_MESSAGE } from "./signed-call";

/** Paths of the ingest endpoints. */
export const UPLOADS_PATH = "/v1/uploads";
export const uploadPath = (uploadId: string) => `${UPLOADS_PATH}/${encodeURIComponent(uploadId)}`;
export const chunkPath = (uploadId: string, offset: number) => `${uploadPath(uploadId)}/chunks/${offset}`;
export const completePath = (uploadId: string) => `${uploadPath(uploadId)}/complete`;
export const versionsPath = (datasetCode: string) =>
  `/v1/datasets/${encodeURIComponent(datasetCode)}/versions`;

export interface TVaultUploadsClient {
  /** POST /v1/uploads — opens a session for one new version. */
  start(request: TStartUploadRequest): Promise<TUploadStatus>;
  /** PUT /v1/uploads/:id/chunks/:offset — raw bytes at `offset` (must be where the upload stands). */
  putChunk(uploadId: string, offset: number, bytes: Uint8Array): Promise<TUploadStatus>;
  /** GET /v1/uploads/:id. */
  status(uploadId: string): Promise<TUploadStatus>;
  /** POST /v1/uploads/:id/complete — starts validation and load in the enclave's background. */
  complete(uploadId: string): Promise<TUploadStatus>;
  /** DELETE /v1/uploads/:id. */
  cancel(uploadId: string): Promise<TUploadStatus>;
  /** GET /v1/datasets/:code/versions — loaded versions, newest first. */
  listVersions(datasetCode: string): Promise<TDatasetVersion[]>;
}

export interface TVaultUploadsClientOptions {
  baseUrl: string;
  /** The server's ed25519 secret key (hex) that signs requests. */
  serverSigningKey: string;
  /** Per-request timeout; defaults to 60 s (a 4 MiB chunk over a slow link). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const ZVersionList = z.array(ZDatasetVersion);

/** Creates the client. */
export function createVaultUploadsClient(opts: TVaultUploadsClientOptions): TVaultUploadsClient {
  const send = createSignedCall({ ...opts, timeoutMs: opts.timeoutMs ?? 60_000 });

  /** Sends one signed request and returns the parsed answer, or throws a DomainError. */
  async function call<T>(
    method: "GET" | "POST" | "PUT" | "DELETE",
    path: string,
    body: string | Uint8Array,
    schema: z.ZodType<T>,
  ): Promise<T> {
    const { status, body: json } = await send(method, path, body);
    if (status < 200 || status > 299) throw uploadRefusal(`${method} ${path}`, status, json);
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new DomainError(
        "ENCLAVE_RESPONSE_INVALID",
        INVALID_MESSAGE,
        `enclave ${method} ${path}: response does not match the contract`,
      );
    }
    return parsed.data;
  }

  return {
    start(request) {
      const body = JSON.stringify(ZStartUploadRequest.parse(request));
      return call("POST", UPLOADS_PATH, body, ZUploadStatus);
    },
    putChunk(uploadId, offset, bytes) {
      if (!Number.isSafeInteger(offset) || offset < 0)
        throw new RangeError(`chunk offset ${offset} is invalid`);
      if (bytes.byteLength < 1 || bytes.byteLength > UPLOAD_CHUNK_BYTES) {
        throw new DomainError(
          "INVALID_INPUT",
          `a chunk must hold 1 to ${UPLOAD_CHUNK_BYTES} bytes (this one holds ${bytes.byteLength})`,
        );
      }
      return call("PUT", chunkPath(uploadId, offset), bytes, ZUploadStatus);
    },
    status(uploadId) {
      return call("GET", uploadPath(uploadId), "", ZUploadStatus);
    },
    complete(uploadId) {
      return call("POST", completePath(uploadId), "", ZUploadStatus);
    },
    cancel(uploadId) {
      return call("DELETE", uploadPath(uploadId), "", ZUploadStatus);
    },
    listVersions(datasetCode) {
      return call("GET", versionsPath(datasetCode), "", ZVersionList);
    },
  };
}

/** Maps an enclave refusal of an ingest call to a DomainError (exported for tests). */
export function uploadRefusal(what: string, status: number, body: unknown): DomainError {
  const parsed = ZEnclaveError.safeParse(body);
  if (!parsed.success) {
    return new DomainError(
      status >= 500 ? "ENCLAVE_UNAVAILABLE" : "ENCLAVE_RESPONSE_INVALID",
      status >= 500 ? UNAVAILABLE_MESSAGE : INVALID_MESSAGE,
      `enclave ${what}: HTTP ${status} without an error body`,
    );
  }
  const { code, message } = parsed.data.error;
  const detail = `enclave ${what}: HTTP ${status} ${code}`;
  // The enclave's message is user-safe by contract; it is bounded here all the same.
  const safe = message.slice(0, 300);
  switch (code) {
    case "UPLOAD_UNKNOWN":
      return new DomainError("NOT_FOUND", "no such upload in the secure computing domain", detail);
    case "UPLOAD_STATE":
      return new DomainError("INVALID_STATE", safe, detail);
    case "UPLOAD_OFFSET":
      return new DomainError("CONFLICT", safe, detail);
    case "VERSION_EXISTS":
      return new DomainError("CONFLICT", safe, detail);
    case "DATASET_UNKNOWN":
      return new DomainError(
        "NOT_FOUND",
        "the secure computing domain holds no version of this dataset",
        detail,
      );
    case "INVALID_REQUEST":
    case "LIMIT_EXCEEDED":
      return new DomainError("INVALID_INPUT", safe, detail);
    // Signature, key, clock or replay problems are the platform's, not the user's.
    default:
      return new DomainError("ENCLAVE_UNAVAILABLE", UNAVAILABLE_MESSAGE, detail);
  }
}
