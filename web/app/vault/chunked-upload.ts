/**
 * The browser side of a chunked vault upload: sends a File in UPLOAD_CHUNK_BYTES slices (read
 * with File.slice, so the file is never held in memory whole) to the web app's
 * /api/vault/uploads/:id/chunks/:offset route, from a given offset. Each slice goes by
 * XMLHttpRequest, whose upload progress events let the bar move within a chunk too. A chunk that fails for a
 * network reason or a 5xx is retried with backoff (1 s, 2 s, 4 s); after that the upload pauses
 * (UploadPausedError) and can resume from the enclave's receivedBytes. A 409 about the offset
 * (the chunk arrived but its answer was lost, or another tab moved on) re-reads the status and
 * continues from there. Other refusals stop the upload with the server's message.
 */
import { type TUploadStatus, UPLOAD_CHUNK_BYTES, ZUploadStatus } from "@pdx/common/vault-api";
import { CSRF_HEADER } from "@/lib/trpc/client";

/** Backoff before each retry of a failed chunk (3 retries). */
export const RETRY_DELAYS_MS = [1000, 2000, 4000] as const;

/** The chunk route's URL. */
export const chunkUrl = (uploadId: string, offset: number) =>
  `/api/vault/uploads/${encodeURIComponent(uploadId)}/chunks/${offset}`;

/** The upload stopped after RETRY_DELAYS_MS.length failed retries; resume later. */
export class UploadPausedError extends Error {
  constructor(readonly offset: number) {
    super(`upload paused at byte ${offset}`);
    this.name = "UploadPausedError";
  }
}

/** The server refused a chunk (message user-safe; code as tRPC's, e.g. "CONFLICT"). */
export class ChunkRefusedError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | null,
    readonly domainCode: string | null,
  ) {
    super(message);
    this.name = "ChunkRefusedError";
  }
}

export interface TChunkUploadOptions {
  file: Blob;
  uploadId: string;
  /** Where to start (the enclave's receivedBytes). */
  fromOffset: number;
  /** The upload's status now (re-read after an offset conflict). */
  readStatus: () => Promise<TUploadStatus>;
  /** After each stored chunk: bytes the enclave holds. */
  onProgress: (receivedBytes: number) => void;
  /** While a chunk travels: bytes of the file sent so far (stored ones plus this chunk's sent part). */
  onSending?: (sentBytes: number) => void;
  /** Before a retry: attempt number (1–3) and the wait. */
  onRetry?: (attempt: number, delayMs: number) => void;
  signal?: AbortSignal;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });

/** The network failed under a chunk (no answer at all): worth retrying. */
export class ChunkNetworkError extends Error {
  constructor() {
    super("network failure while sending a chunk");
    this.name = "ChunkNetworkError";
  }
}

/** Whether a failed attempt is worth retrying (network, gateway, unavailable). */
function isTransient(err: unknown): boolean {
  if (err instanceof ChunkRefusedError) return err.status >= 500;
  return err instanceof ChunkNetworkError;
}

/** PUTs one chunk; `onSent` reports how many of its bytes have gone out. */
function sendChunk(
  url: string,
  body: Blob,
  onSent: (bytes: number) => void,
  signal?: AbortSignal,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const xhr = new XMLHttpRequest();
    const onAbort = () => xhr.abort();
    xhr.open("PUT", url);
    xhr.withCredentials = true;
    for (const [name, value] of Object.entries(CSRF_HEADER)) xhr.setRequestHeader(name, value);
    xhr.setRequestHeader("content-type", "application/octet-stream");
    xhr.upload.onprogress = (e) => onSent(e.loaded);
    xhr.onload = () => {
      signal?.removeEventListener("abort", onAbort);
      resolve({ status: xhr.status, text: xhr.responseText });
    };
    xhr.onerror = xhr.ontimeout = () => {
      signal?.removeEventListener("abort", onAbort);
      reject(new ChunkNetworkError());
    };
    xhr.onabort = () => {
      signal?.removeEventListener("abort", onAbort);
      reject(signal?.reason ?? new DOMException("aborted", "AbortError"));
    };
    signal?.addEventListener("abort", onAbort);
    xhr.send(body);
  });
}

async function putChunk(
  uploadId: string,
  offset: number,
  body: Blob,
  onSent: (bytes: number) => void,
  signal?: AbortSignal,
): Promise<TUploadStatus> {
  const res = await sendChunk(chunkUrl(uploadId, offset), body, onSent, signal);
  let json: unknown = null;
  try {
    json = JSON.parse(res.text);
  } catch {
    // a body that is not JSON is handled below
  }
  if (res.status >= 200 && res.status < 300) {
    const parsed = ZUploadStatus.safeParse(json);
    if (parsed.success) return parsed.data;
    throw new ChunkRefusedError("unexpected answer from the server", 502, null, null);
  }
  const error = (json as { error?: { message?: unknown; code?: unknown; domainCode?: unknown } } | null)
    ?.error;
  throw new ChunkRefusedError(
    typeof error?.message === "string" ? error.message : `HTTP ${res.status}`,
    res.status,
    typeof error?.code === "string" ? error.code : null,
    typeof error?.domainCode === "string" ? error.domainCode : null,
  );
}

/**
 * Sends the file from `fromOffset` to its end; resolves with the status after the last chunk
 * (then "validating": the server completes the upload with its last chunk).
 */
export async function uploadChunks(opts: TChunkUploadOptions): Promise<TUploadStatus> {
  const total = opts.file.size;
  let offset = opts.fromOffset;
  let last: TUploadStatus | null = null;
  while (offset < total) {
    const slice = opts.file.slice(offset, Math.min(offset + UPLOAD_CHUNK_BYTES, total));
    let attempt = 0;
    for (;;) {
      try {
        const base = offset;
        last = await putChunk(
          opts.uploadId,
          offset,
          slice,
          (sent) => opts.onSending?.(base + sent),
          opts.signal,
        );
        break;
      } catch (err) {
        if (opts.signal?.aborted) throw err;
        if (err instanceof ChunkRefusedError && err.status === 409 && err.domainCode === "CONFLICT") {
          // The enclave stands elsewhere (a lost answer): continue from where it is.
          last = await opts.readStatus();
          if (last.state === "receiving" && last.receivedBytes === offset) throw err;
          break;
        }
        if (!isTransient(err)) throw err;
        if (attempt >= RETRY_DELAYS_MS.length) throw new UploadPausedError(offset);
        const delay = RETRY_DELAYS_MS[attempt]!;
        attempt++;
        opts.onRetry?.(attempt, delay);
        await sleep(delay, opts.signal);
      }
    }
    if (last.state !== "receiving") return last;
    offset = last.receivedBytes;
    opts.onProgress(offset);
  }
  return last ?? opts.readStatus();
}

/** The upload format a file name suggests (CSV unless it looks like JSON Lines). */
export function formatOfFileName(name: string): "csv" | "jsonl" {
  return /\.(jsonl|ndjson|json)$/i.test(name) ? "jsonl" : "csv";
}

/**
 * Rows the file probably holds, from the line count of its first 256 KiB (CSV: less the
 * header): the denominator of the validation progress bar. Reads only that slice.
 */
export async function estimateRows(file: Blob, format: "csv" | "jsonl"): Promise<number> {
  const sample = await file.slice(0, 256 * 1024).text();
  const lines = sample.split("\n").length - 1;
  if (lines <= 0) return 1;
  const bytesPerLine = Math.min(file.size, 256 * 1024) / lines;
  return Math.max(1, Math.round(file.size / bytesPerLine) - (format === "csv" ? 1 : 0));
}

/** localStorage key of an unfinished upload of this file as this version. */
export function resumeKeyOf(datasetCode: string, version: string, file: File): string {
  return `pdx.vault.upload:${datasetCode}:${version}:${file.name}:${file.size}:${file.lastModified}`;
}

/** The remembered upload id of a file (null when none or storage is unavailable). */
export function rememberedUploadId(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

export function rememberUploadId(key: string, uploadId: string | null): void {
  try {
    if (uploadId) window.localStorage.setItem(key, uploadId);
    else window.localStorage.removeItem(key);
  } catch {
    // private mode: resuming by choosing the file again is not available
  }
}
