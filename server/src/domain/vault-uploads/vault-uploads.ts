/**
 * Vault ingest on the server's side: a data-source department uploads a new version of one of
 * ITS coded datasets to the enclave's vault. The server never keeps the file: it checks who may
 * upload what, builds the vault spec from the dataset's coded catalog entry (vaultDatasetSpecOf),
 * relays chunks to the enclave, asks it to complete once every byte arrived, and remembers
 * whose upload is whose (table vault_uploads) with the last state it saw.
 *
 * Ownership: only a data_source user whose organization is the dataset's source may start,
 * relay, read or cancel; another organization's dataset or upload is answered exactly like an
 * unknown one (NOT_FOUND), so nobody learns what others upload.
 */
import { randomUUID } from "node:crypto";
import type { TDatasetEntry, TGrade } from "@pdx/common/catalog/dataset-entry";
import {
  type TDatasetVersion,
  type TFieldStorage,
  type TUploadFormat,
  type TUploadState,
  type TUploadStatus,
  type TVaultDatasetSpec,
  vaultDatasetSpecOf,
  vaultFieldOf,
  ZDatasetVersionLabel,
  ZVaultDatasetSpec,
} from "@pdx/common/vault-api";
import type { TDb, TQueryable } from "../../db";
import { DbError } from "../../db";
import type { TVaultUploadsClient } from "../../enclave-client/vault-uploads";
import type { TSessionUser } from "../auth/session-user";
import { effectiveDatasetStatus } from "../catalog/search";
import { DomainError, isDomainError } from "../domain-error";
import { appendAuditEvent } from "../trail/audit-trail";

/** What every function here needs. */
export interface TVaultUploadDeps {
  db: TDb;
  uploads: TVaultUploadsClient;
  now: Date;
}

/** Audit trail object type of an upload. */
export const VAULT_UPLOAD_OBJECT_TYPE = "vault_upload";
/** Most uploads listMyUploads returns. */
export const MY_UPLOADS_LIMIT = 50;
/** Most unfinished uploads listMyUploads refreshes from the enclave in one call. */
const REFRESH_LIMIT = 10;
const LIVE_STATES: readonly TUploadState[] = ["receiving", "validating"];

// ── Datasets a department may upload ────────────────────────────────────────────────────────

export interface TUploadableField {
  name: string;
  label: { zh: string; en: string };
  type: TDatasetEntry["fields"][number]["type"];
  storage: TFieldStorage;
  fingerprint: boolean;
}

export interface TUploadableDataset {
  code: string;
  name: { zh: string; en: string };
  grade: TGrade;
  registrationCode: string | null;
  /** The columns a file must have, and how the vault will store each. */
  fields: TUploadableField[];
}

interface TOwnDatasetRow {
  id: string;
  code: string;
  entry: TDatasetEntry | null;
  status: "coded" | "deregistered" | "expired";
  valid_until: Date | null;
  registration_id: string | null;
  registration_code: string | null;
}

function requireDataSource(user: TSessionUser): void {
  if (user.role !== "data_source") {
    throw new DomainError("FORBIDDEN", "only a data-source department uploads dataset versions");
  }
}

function fieldsOf(entry: TDatasetEntry): TUploadableField[] {
  return entry.fields.map((f) => {
    const v = vaultFieldOf(f);
    return { name: f.name, label: f.label, type: f.type, storage: v.storage, fingerprint: v.fingerprint };
  });
}

/** The caller department's coded datasets that have a catalog entry with fields, by code. */
export async function listUploadableDatasets(
  db: TQueryable,
  user: TSessionUser,
  now: Date,
): Promise<TUploadableDataset[]> {
  requireDataSource(user);
  const { rows } = await db.query<TOwnDatasetRow>(
    `SELECT id, code, entry, status, valid_until, registration_id, registration_code
       FROM datasets WHERE source_org_id = $1 AND entry IS NOT NULL ORDER BY code`,
    [user.org.id],
  );
  return rows
    .filter(
      (r) =>
        r.entry !== null &&
        r.entry.fields.length > 0 &&
        effectiveDatasetStatus(r.status, r.valid_until, now) === "coded",
    )
    .map((r) => {
      const entry = r.entry as TDatasetEntry;
      return {
        code: r.code,
        name: entry.name,
        grade: entry.grade,
        registrationCode: r.registration_code,
        fields: fieldsOf(entry),
      };
    });
}

/** The caller's own coded dataset `code` with its vault spec; anything else is NOT_FOUND. */
async function ownCodedDataset(
  db: TQueryable,
  user: TSessionUser,
  code: string,
  now: Date,
): Promise<{ row: TOwnDatasetRow; entry: TDatasetEntry; spec: TVaultDatasetSpec }> {
  requireDataSource(user);
  const { rows } = await db.query<TOwnDatasetRow>(
    `SELECT id, code, entry, status, valid_until, registration_id, registration_code
       FROM datasets WHERE code = $1 AND source_org_id = $2`,
    [code, user.org.id],
  );
  const row = rows[0];
  if (!row) {
    throw new DomainError("NOT_FOUND", `no dataset "${code}" among your department's datasets`);
  }
  const status = effectiveDatasetStatus(row.status, row.valid_until, now);
  if (status !== "coded") {
    throw new DomainError(
      "INVALID_STATE",
      `dataset "${code}" is ${status}; only a coded (registered and in force) dataset takes new versions`,
    );
  }
  if (!row.entry || row.entry.fields.length === 0) {
    throw new DomainError(
      "PRECONDITION_FAILED",
      `dataset "${code}" has no catalog entry with fields; register its data dictionary first`,
    );
  }
  const parsed = ZVaultDatasetSpec.safeParse(vaultDatasetSpecOf(row.entry));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DomainError(
      "PRECONDITION_FAILED",
      `dataset "${code}"'s catalog entry cannot be stored in the vault: ${issue?.path.join(".") ?? "entry"}: ${issue?.message ?? "invalid"}`,
    );
  }
  return { row, entry: row.entry, spec: parsed.data };
}

// ── Uploads ─────────────────────────────────────────────────────────────────────────────────

export interface TStartUploadInput {
  datasetCode: string;
  version: string;
  format: TUploadFormat;
  totalBytes: number;
  /** The file's name as the browser gave it (shown in the list; never used as a path). */
  fileName: string;
}

/** One upload as its department sees it in the list. */
export interface TMyUpload {
  uploadId: string;
  datasetCode: string;
  datasetName: { zh: string; en: string };
  version: string;
  format: TUploadFormat;
  fileName: string;
  totalBytes: number;
  receivedBytes: number;
  state: TUploadState;
  rowsLoaded: number;
  errorCount: number;
  contentHash: string | null;
  failure: string | null;
  uploadedBy: string;
  createdAt: string;
  updatedAt: string;
}

interface TUploadRow {
  id: string;
  dataset_code: string;
  org_id: string;
  user_id: string;
  version: string;
  format: TUploadFormat;
  file_name: string;
  total_bytes: string;
  received_bytes: string;
  state: TUploadState;
  rows_loaded: string;
  error_count: number;
  content_hash: string | null;
  failure: string | null;
  created_at: Date;
  updated_at: Date;
}

/** Whether an enclave status is final (nothing more will change). */
export function isFinalState(state: TUploadState): boolean {
  return !LIVE_STATES.includes(state);
}

/** Writes what the enclave said into the upload's row. */
async function recordStatus(db: TQueryable, status: TUploadStatus, now: Date): Promise<void> {
  await db.query(
    `UPDATE vault_uploads
        SET state = $2, received_bytes = LEAST($3::bigint, total_bytes), rows_loaded = $4, error_count = $5,
            content_hash = $6, failure = $7, updated_at = $8, finished_at = COALESCE(finished_at, $9)
      WHERE id = $1`,
    [
      status.uploadId,
      status.state,
      status.receivedBytes,
      status.rowsLoaded,
      status.errorCount,
      status.contentHash,
      status.failure?.slice(0, 500) ?? null,
      now,
      isFinalState(status.state) ? now : null,
    ],
  );
}

/** The caller organization's upload `uploadId`; another organization's is NOT_FOUND. */
async function ownUpload(db: TQueryable, user: TSessionUser, uploadId: string): Promise<TUploadRow> {
  requireDataSource(user);
  const { rows } = await db.query<TUploadRow>("SELECT * FROM vault_uploads WHERE id = $1 AND org_id = $2", [
    uploadId,
    user.org.id,
  ]);
  const row = rows[0];
  if (!row) throw new DomainError("NOT_FOUND", "no such upload among your department's uploads");
  return row;
}

/**
 * Refreshes the live uploads of (dataset, version) from the enclave, so a stale "receiving" or
 * "validating" row does not block a new attempt at the same label.
 */
async function refreshLiveUploadsOf(deps: TVaultUploadDeps, datasetCode: string, version: string) {
  const { rows } = await deps.db.query<{ id: string }>(
    `SELECT id FROM vault_uploads WHERE dataset_code = $1 AND version = $2 AND state = ANY($3)`,
    [datasetCode, version, LIVE_STATES],
  );
  for (const { id } of rows) {
    try {
      await recordStatus(deps.db, await deps.uploads.status(id), deps.now);
    } catch (err) {
      if (!isDomainError(err, "NOT_FOUND")) throw err;
      // The enclave no longer knows it (e.g. its staging was wiped): it will never finish.
      await deps.db.query(
        "UPDATE vault_uploads SET state = 'failed', failure = $2, updated_at = $3, finished_at = $3 WHERE id = $1",
        [id, "the secure computing domain no longer holds this upload", deps.now],
      );
    }
  }
}

/**
 * Opens an upload of a new version of the caller department's coded dataset. The version label
 * must be new for the dataset (loaded versions are immutable; a rejected, failed or cancelled
 * attempt frees its label again).
 */
export async function startUpload(
  deps: TVaultUploadDeps,
  user: TSessionUser,
  input: TStartUploadInput,
): Promise<TUploadStatus> {
  const label = ZDatasetVersionLabel.safeParse(input.version);
  if (!label.success) {
    throw new DomainError("INVALID_INPUT", `version label ${label.error.issues[0]?.message ?? "is invalid"}`);
  }
  const { row, spec } = await ownCodedDataset(deps.db, user, input.datasetCode, deps.now);
  await refreshLiveUploadsOf(deps, spec.code, input.version);
  const { rows: live } = await deps.db.query<{ state: TUploadState }>(
    "SELECT state FROM vault_uploads WHERE dataset_code = $1 AND version = $2 AND state = ANY($3)",
    [spec.code, input.version, [...LIVE_STATES, "loaded"]],
  );
  if (live[0]) {
    throw new DomainError(
      "CONFLICT",
      live[0].state === "loaded"
        ? `version "${input.version}" of ${spec.code} is already loaded; versions are immutable, choose a new label`
        : `version "${input.version}" of ${spec.code} is already being uploaded; resume or cancel that upload first`,
    );
  }

  const uploadId = randomUUID();
  const status = await deps.uploads.start({
    uploadId,
    dataset: spec,
    version: input.version,
    format: input.format,
    totalBytes: input.totalBytes,
    uploadedBy: { orgId: user.org.id, userId: user.id },
  });
  try {
    await deps.db.withTransaction(async (tx) => {
      await tx.query(
        `INSERT INTO vault_uploads (id, dataset_id, dataset_code, registration_id, org_id, user_id, version, format,
                                    file_name, total_bytes, received_bytes, state, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, $11, $12, $12)`,
        [
          uploadId,
          row.id,
          spec.code,
          row.registration_id,
          user.org.id,
          user.id,
          input.version,
          input.format,
          input.fileName.slice(0, 255),
          input.totalBytes,
          status.state,
          deps.now,
        ],
      );
      await appendAuditEvent(
        tx,
        {
          actor: user,
          action: "vault_upload.start",
          objectType: VAULT_UPLOAD_OBJECT_TYPE,
          objectId: uploadId,
          before: null,
          after: {
            datasetCode: spec.code,
            version: input.version,
            format: input.format,
            totalBytes: input.totalBytes,
          },
          detail: {
            datasetCode: spec.code,
            version: input.version,
            format: input.format,
            totalBytes: input.totalBytes,
          },
        },
        deps.now,
      );
    });
  } catch (err) {
    // Two attempts at the same label raced: the enclave session of the loser is closed again.
    await deps.uploads.cancel(uploadId).catch(() => undefined);
    if (err instanceof DbError && err.code === "UNIQUE_VIOLATION") {
      throw new DomainError(
        "CONFLICT",
        `version "${input.version}" of ${spec.code} is already being uploaded; resume or cancel that upload first`,
      );
    }
    throw err;
  }
  return status;
}

/**
 * Relays one chunk of the caller's upload to the enclave. The chunk that brings the upload to
 * its full size also completes it (the enclave then validates and loads in the background).
 */
export async function relayChunk(
  deps: TVaultUploadDeps,
  user: TSessionUser,
  uploadId: string,
  offset: number,
  bytes: Uint8Array,
): Promise<TUploadStatus> {
  await ownUpload(deps.db, user, uploadId);
  let status = await deps.uploads.putChunk(uploadId, offset, bytes);
  status = await completeWhenFull(deps, status);
  await recordStatus(deps.db, status, deps.now);
  return status;
}

async function completeWhenFull(deps: TVaultUploadDeps, status: TUploadStatus): Promise<TUploadStatus> {
  if (status.state !== "receiving" || status.receivedBytes !== status.totalBytes) return status;
  return deps.uploads.complete(status.uploadId);
}

/**
 * The caller's upload as the enclave sees it now (recorded in vault_uploads). An upload that
 * holds every byte but was never completed (the completing call was lost) is completed here.
 */
export async function uploadStatus(
  deps: TVaultUploadDeps,
  user: TSessionUser,
  uploadId: string,
): Promise<TUploadStatus> {
  await ownUpload(deps.db, user, uploadId);
  const status = await completeWhenFull(deps, await deps.uploads.status(uploadId));
  await recordStatus(deps.db, status, deps.now);
  return status;
}

/** Cancels the caller's upload (only while it is still receiving, as the enclave decides). */
export async function cancelUpload(
  deps: TVaultUploadDeps,
  user: TSessionUser,
  uploadId: string,
): Promise<TUploadStatus> {
  const before = await ownUpload(deps.db, user, uploadId);
  const status = await deps.uploads.cancel(uploadId);
  await deps.db.withTransaction(async (tx) => {
    await recordStatus(tx, status, deps.now);
    await appendAuditEvent(
      tx,
      {
        actor: user,
        action: "vault_upload.cancel",
        objectType: VAULT_UPLOAD_OBJECT_TYPE,
        objectId: uploadId,
        before: { state: before.state },
        after: { state: status.state },
        detail: { datasetCode: before.dataset_code, version: before.version },
      },
      deps.now,
    );
  });
  return status;
}

/** Loaded versions of the caller department's dataset `datasetCode`, newest first. */
export async function listDatasetVersions(
  deps: TVaultUploadDeps,
  user: TSessionUser,
  datasetCode: string,
): Promise<TDatasetVersion[]> {
  requireDataSource(user);
  const { rows } = await deps.db.query<{ code: string }>(
    "SELECT code FROM datasets WHERE code = $1 AND source_org_id = $2",
    [datasetCode, user.org.id],
  );
  if (!rows[0])
    throw new DomainError("NOT_FOUND", `no dataset "${datasetCode}" among your department's datasets`);
  try {
    return await deps.uploads.listVersions(datasetCode);
  } catch (err) {
    // A dataset with no loaded version yet is not an error for its department.
    if (isDomainError(err, "NOT_FOUND")) return [];
    throw err;
  }
}

/**
 * The caller department's recent uploads, newest first. Unfinished ones are refreshed from the
 * enclave first (best effort: when it cannot be reached, the last known state is shown).
 */
export async function listMyUploads(deps: TVaultUploadDeps, user: TSessionUser): Promise<TMyUpload[]> {
  requireDataSource(user);
  const { rows: live } = await deps.db.query<{ id: string }>(
    `SELECT id FROM vault_uploads WHERE org_id = $1 AND state = ANY($2) ORDER BY created_at DESC LIMIT $3`,
    [user.org.id, LIVE_STATES, REFRESH_LIMIT],
  );
  for (const { id } of live) {
    try {
      await recordStatus(deps.db, await deps.uploads.status(id), deps.now);
    } catch (err) {
      if (!isDomainError(err)) throw err;
      if (isDomainError(err, "ENCLAVE_UNAVAILABLE")) break;
    }
  }
  const { rows } = await deps.db.query<TUploadRow & { entry: TDatasetEntry | null; display_name: string }>(
    `SELECT u.*, d.entry, us.display_name
       FROM vault_uploads u JOIN datasets d ON d.id = u.dataset_id JOIN users us ON us.id = u.user_id
      WHERE u.org_id = $1 ORDER BY u.created_at DESC LIMIT $2`,
    [user.org.id, MY_UPLOADS_LIMIT],
  );
  return rows.map((r) => ({
    uploadId: r.id,
    datasetCode: r.dataset_code,
    datasetName: r.entry?.name ?? { zh: r.dataset_code, en: r.dataset_code },
    version: r.version,
    format: r.format,
    fileName: r.file_name,
    totalBytes: Number(r.total_bytes),
    receivedBytes: Number(r.received_bytes),
    state: r.state,
    rowsLoaded: Number(r.rows_loaded),
    errorCount: r.error_count,
    contentHash: r.content_hash,
    failure: r.failure,
    uploadedBy: r.display_name,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  }));
}
