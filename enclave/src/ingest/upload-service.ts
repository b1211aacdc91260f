/**
 * Upload sessions of dataset versions (the domain behind http/upload-routes.ts; no transport
 * here). A session is opened for one new version, receives its file in chunks at increasing
 * offsets into a staging file (ENCLAVE_DATA_DIR/staging/<uploadId>; fsynced before the received
 * byte count is recorded, so a restart resumes where the vault says), and on completion runs the
 * ingest pipeline (load-version.ts) in the background, one load at a time. Session state lives
 * in vault_uploads, so it survives a restart; a load interrupted by a stop is run again at the
 * next start. Refusals are EnclaveErrors naming the rule (never a value).
 *
 * States: receiving → validating → loaded | rejected | failed; receiving → cancelled.
 */
import { createReadStream } from "node:fs";
import { mkdir, open, readdir, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import { canonicalJson } from "@pdx/common/canonical-json";
import { sha256Hex } from "@pdx/common/hash";
import type { TDatasetVersion, TStartUploadRequest, TUploadStatus } from "@pdx/common/vault-api";
import { EnclaveError } from "../errors";
import type { TKeyStore } from "../keys/types";
import type { TEnclaveLog } from "../log";
import { sqlStateOf } from "../log";
import type { IngestStore, TUploadRecord } from "./ingest-store";
import { loadVersion } from "./load-version";
import { csvRows, jsonlRows } from "./row-sources";
import { specStorageProblem } from "./stored-columns";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const READ_BYTES = 1 << 20;
const INTERNAL_FAILURE = "the enclave could not load this version (internal error; see the enclave log)";

export interface TUploadServiceOptions {
  store: IngestStore;
  keyStore: TKeyStore;
  /** ENCLAVE_DATA_DIR: staging files go to `<dataDir>/staging`. */
  dataDir: string;
  log?: TEnclaveLog;
  /** Rows per INSERT batch (tests). */
  batchRows?: number;
}

/** See the module comment. */
export class UploadService {
  private readonly stagingDir: string;
  private readonly locks = new Map<string, Promise<unknown>>();
  /** Rows read so far by the running (or queued) loads. */
  private readonly progress = new Map<string, number>();
  private loads: Promise<void> = Promise.resolve();
  private readonly abort = new AbortController();

  private constructor(private readonly options: TUploadServiceOptions) {
    this.stagingDir = join(options.dataDir, "staging");
  }

  /**
   * Opens the service: creates the staging directory, removes staging files of finished
   * sessions, and queues again the loads a stop interrupted.
   */
  static async open(options: TUploadServiceOptions): Promise<UploadService> {
    const service = new UploadService(options);
    await mkdir(service.stagingDir, { recursive: true, mode: 0o700 });
    const live = new Set([
      ...(await options.store.uploadsIn("receiving")),
      ...(await options.store.uploadsIn("validating")),
    ]);
    for (const name of await readdir(service.stagingDir)) {
      if (!live.has(name)) await unlink(join(service.stagingDir, name)).catch(() => {});
    }
    for (const id of await options.store.uploadsIn("validating")) service.schedule(id);
    return service;
  }

  /** Opens a session (201) — or, for the same id and the same request, returns it (idempotent). */
  async start(request: TStartUploadRequest): Promise<{ status: TUploadStatus; created: boolean }> {
    const problem = specStorageProblem(request.dataset);
    if (problem) throw new EnclaveError("INVALID_REQUEST", `dataset.fields: ${problem}`);
    const requestHash = sha256Hex(canonicalJson(request));
    return this.withLock(request.uploadId, async () => {
      const existing = await this.options.store.upload(request.uploadId);
      if (existing) return { status: this.sameRequest(existing, requestHash), created: false };
      if (await this.options.store.versionExists(request.dataset.code, request.version)) {
        throw new EnclaveError(
          "VERSION_EXISTS",
          `${request.dataset.code} version ${request.version} is already loaded (versions are immutable)`,
        );
      }
      const file = await open(this.stagingPath(request.uploadId), "w", 0o600);
      await file.close();
      if (!(await this.options.store.createUpload(request, requestHash))) {
        const raced = await this.record(request.uploadId);
        return { status: this.sameRequest(raced, requestHash), created: false };
      }
      return { status: await this.status(request.uploadId), created: true };
    });
  }

  /**
   * Appends a chunk at `offset`, which must be the bytes received so far; a chunk that ends at or
   * before that point was received already and is accepted without effect.
   */
  async putChunk(uploadId: string, offset: number, bytes: Uint8Array): Promise<TUploadStatus> {
    return this.withLock(uploadId, async () => {
      const { status } = await this.record(uploadId);
      if (status.state !== "receiving") {
        throw new EnclaveError("UPLOAD_STATE", `the upload is ${status.state}: it takes no more chunks`);
      }
      if (bytes.length === 0) throw new EnclaveError("INVALID_REQUEST", "the chunk is empty");
      const end = offset + bytes.length;
      if (end <= status.receivedBytes) return status;
      if (offset !== status.receivedBytes) {
        throw new EnclaveError(
          "UPLOAD_OFFSET",
          `the chunk must start at byte ${status.receivedBytes} (the bytes received so far), not ${offset}`,
        );
      }
      if (end > status.totalBytes) {
        throw new EnclaveError(
          "INVALID_REQUEST",
          `the chunk ends at byte ${end}, past the upload's totalBytes ${status.totalBytes}`,
        );
      }
      const file = await open(this.stagingPath(uploadId), "r+");
      try {
        await file.write(bytes, 0, bytes.length, offset);
        await file.truncate(end);
        await file.sync();
      } finally {
        await file.close();
      }
      if (!(await this.options.store.advanceReceived(uploadId, offset, end))) {
        const now = await this.record(uploadId);
        throw new EnclaveError("UPLOAD_STATE", `the upload is ${now.status.state}: it takes no more chunks`);
      }
      return this.status(uploadId);
    });
  }

  /** The session's status; while it loads, rowsProcessed is live. */
  async status(uploadId: string): Promise<TUploadStatus> {
    const { status } = await this.record(uploadId);
    const live = this.progress.get(uploadId);
    return status.state === "validating" && live !== undefined ? { ...status, rowsProcessed: live } : status;
  }

  /**
   * Ends the upload and starts its load in the background (state validating), or — when it was
   * completed already — returns its status.
   */
  async complete(uploadId: string): Promise<{ status: TUploadStatus; started: boolean }> {
    return this.withLock(uploadId, async () => {
      const { status } = await this.record(uploadId);
      if (status.state === "cancelled") throw new EnclaveError("UPLOAD_STATE", "the upload was cancelled");
      if (status.state !== "receiving") return { status: await this.status(uploadId), started: false };
      if (status.receivedBytes !== status.totalBytes) {
        throw new EnclaveError(
          "UPLOAD_STATE",
          `only ${status.receivedBytes} of ${status.totalBytes} bytes were received: send the rest first`,
        );
      }
      if (await this.options.store.versionExists(status.datasetCode, status.version)) {
        await this.options.store.transition(uploadId, ["receiving"], "rejected", {
          failure: `${status.datasetCode} version ${status.version} was loaded by another upload meanwhile`,
        });
        await this.removeStaged(uploadId);
        throw new EnclaveError(
          "VERSION_EXISTS",
          `${status.datasetCode} version ${status.version} is already loaded (versions are immutable)`,
        );
      }
      await this.options.store.transition(uploadId, ["receiving"], "validating", { rowsProcessed: 0 });
      this.schedule(uploadId);
      return { status: await this.status(uploadId), started: true };
    });
  }

  /** Cancels a session that is still receiving (its staged bytes are deleted). */
  async cancel(uploadId: string): Promise<TUploadStatus> {
    return this.withLock(uploadId, async () => {
      const { status } = await this.record(uploadId);
      if (status.state === "cancelled") return status;
      if (status.state !== "receiving") {
        throw new EnclaveError(
          "UPLOAD_STATE",
          `the upload is ${status.state}: only a receiving upload can be cancelled`,
        );
      }
      await this.options.store.transition(uploadId, ["receiving"], "cancelled");
      await this.removeStaged(uploadId);
      return this.status(uploadId);
    });
  }

  /** Loaded versions of a dataset, newest first. */
  listVersions(code: string): Promise<TDatasetVersion[]> {
    return this.options.store.listVersions(code);
  }

  /** Resolves when every queued load has ended. */
  async whenIdle(): Promise<void> {
    let current: Promise<void>;
    do {
      current = this.loads;
      await current;
    } while (current !== this.loads);
  }

  /** Stops: a running load is abandoned between rows (it runs again at the next open). */
  async close(): Promise<void> {
    this.abort.abort();
    await this.whenIdle();
  }

  // ── internals ───────────────────────────────────────────────────────────────────────────────

  private stagingPath(uploadId: string): string {
    if (!UUID.test(uploadId)) throw new Error("ingest: bad upload id");
    return join(this.stagingDir, uploadId);
  }

  private async record(uploadId: string): Promise<TUploadRecord> {
    const record = UUID.test(uploadId) ? await this.options.store.upload(uploadId) : null;
    if (!record) throw new EnclaveError("UPLOAD_UNKNOWN", "no such upload");
    return record;
  }

  private sameRequest(existing: TUploadRecord, requestHash: string): TUploadStatus {
    if (existing.requestHash !== requestHash) {
      throw new EnclaveError("UPLOAD_STATE", "this uploadId is already used by a different upload request");
    }
    return existing.status;
  }

  private async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(key) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const settled = run.then(
      () => {},
      () => {},
    );
    this.locks.set(key, settled);
    try {
      return await run;
    } finally {
      if (this.locks.get(key) === settled) this.locks.delete(key);
    }
  }

  private async removeStaged(uploadId: string) {
    await unlink(this.stagingPath(uploadId)).catch(() => {});
  }

  private schedule(uploadId: string) {
    this.progress.set(uploadId, 0);
    this.loads = this.loads.then(() => this.process(uploadId));
  }

  /** Runs one upload's load; never throws (the outcome is recorded on the session). */
  private async process(uploadId: string): Promise<void> {
    const started = performance.now();
    const signal = this.abort.signal;
    const { store, log } = this.options;
    try {
      if (signal.aborted) return;
      const record = await store.upload(uploadId);
      if (record?.status.state !== "validating") return;
      const { status, spec } = record;
      const path = this.stagingPath(uploadId);
      const size = await stat(path).then(
        (s) => s.size,
        () => -1,
      );
      if (size < status.totalBytes) {
        await store.transition(uploadId, ["validating"], "failed", {
          failure: "the staged file of this upload was lost; upload the version again",
        });
        return;
      }
      const bytes = createReadStream(path, {
        highWaterMark: READ_BYTES,
        start: 0,
        end: status.totalBytes - 1,
      });
      const rows = status.format === "csv" ? csvRows(spec, bytes) : jsonlRows(spec, bytes);
      let outcome: Awaited<ReturnType<typeof loadVersion>>;
      try {
        outcome = await loadVersion(
          { store, keyStore: this.options.keyStore },
          {
            spec,
            version: status.version,
            rows,
            loadId: uploadId,
            upload: { uploadId, uploadedBy: record.uploadedBy },
            onProgress: (n) => this.progress.set(uploadId, n),
            signal,
            batchRows: this.options.batchRows,
          },
        );
      } finally {
        bytes.destroy();
      }
      if (outcome.kind === "loaded") {
        log?.({
          event: "vault_ingest",
          dataset: spec.code,
          version: status.version,
          status: "loaded",
          rows: outcome.stored.rowCount,
          ms: Math.round(performance.now() - started),
        });
      } else if (outcome.kind === "rejected") {
        await store.transition(uploadId, ["validating"], "rejected", {
          rowsProcessed: outcome.rowsProcessed,
          errorCount: outcome.errorCount,
          errors: outcome.errors,
          failure: outcome.failure,
        });
      } else {
        await store.transition(uploadId, ["validating"], "rejected", {
          failure: `${spec.code} version ${status.version} was loaded by another upload meanwhile`,
        });
      }
      await this.removeStaged(uploadId);
    } catch (err) {
      if (signal.aborted) return;
      log?.({
        event: "internal_error",
        path: `/v1/uploads/${uploadId}/complete`,
        errorName: err instanceof Error && /^[A-Za-z0-9_]{1,60}$/.test(err.name) ? err.name : "Unknown",
        sqlState: sqlStateOf(err),
      });
      await store
        .transition(uploadId, ["validating"], "failed", { failure: INTERNAL_FAILURE })
        .catch(() => {});
      await this.removeStaged(uploadId);
    } finally {
      this.progress.delete(uploadId);
    }
  }
}
