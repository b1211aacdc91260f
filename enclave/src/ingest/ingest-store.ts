/**
 * The ingest's SQL over the vault database (obtained from `Vault.ingestStore()`): upload sessions
 * (vault_uploads), staging tables that receive a version's rows batch by batch, and the one
 * short transaction that makes a version visible — insert its vault_versions row, rename its
 * staging table to `vault_rows_<id>`, mark its upload loaded — so a version is either absent or
 * complete. Values bound as parameters; identifiers only from stored-columns.ts, quoted.
 */
import type {
  TDatasetVersion,
  TRowError,
  TStartUploadRequest,
  TUploadState,
  TUploadStatus,
  TVaultDatasetSpec,
} from "@pdx/common/vault-api";
import { MOCK_VERSION_LABEL } from "@pdx/common/vault-api";
import type pg from "pg";
import { rowsTableOf, type TStoredDataset } from "../vault/stored-dataset";
import { quoteIdentifier } from "../vault/tables";
import { createRowsTableSql, insertRowsSql, type TStoredColumn } from "./stored-columns";

/** An upload session as stored. */
export interface TUploadRecord {
  status: TUploadStatus;
  requestHash: string;
  spec: TVaultDatasetSpec;
  uploadedBy: TStartUploadRequest["uploadedBy"];
}

interface TUploadRow {
  upload_id: string;
  dataset_code: string;
  version: string;
  format: "csv" | "jsonl";
  request_hash: string;
  spec: TVaultDatasetSpec;
  uploaded_by: TStartUploadRequest["uploadedBy"];
  state: TUploadState;
  total_bytes: string;
  received_bytes: string;
  rows_processed: string;
  rows_loaded: string;
  error_count: string;
  errors: TRowError[];
  failure: string | null;
  content_hash: string | null;
  started_at: Date;
  finished_at: Date | null;
}

interface TVersionRow {
  id: number;
  code: string;
  version: string;
  spec: TVaultDatasetSpec;
  row_count: string;
  content_hash: string;
  wrapped_data_key: string;
  loaded_at: Date;
}

const VERSION_COLUMNS = "id, code, version, spec, row_count, content_hash, wrapped_data_key, loaded_at";

function uploadOf(r: TUploadRow): TUploadRecord {
  return {
    status: {
      uploadId: r.upload_id,
      datasetCode: r.dataset_code,
      version: r.version,
      format: r.format,
      state: r.state,
      totalBytes: Number(r.total_bytes),
      receivedBytes: Number(r.received_bytes),
      rowsProcessed: Number(r.rows_processed),
      rowsLoaded: Number(r.rows_loaded),
      errorCount: Number(r.error_count),
      errors: r.errors,
      failure: r.failure,
      contentHash: r.content_hash,
      startedAt: r.started_at.toISOString(),
      finishedAt: r.finished_at ? r.finished_at.toISOString() : null,
    },
    requestHash: r.request_hash,
    spec: r.spec,
    uploadedBy: r.uploaded_by,
  };
}

function storedOf(r: TVersionRow): TStoredDataset {
  return {
    id: r.id,
    code: r.code,
    version: r.version,
    rowCount: Number(r.row_count),
    contentHash: r.content_hash,
    spec: r.spec,
    table: rowsTableOf(r.id),
    wrappedDataKey: r.wrapped_data_key,
    loadedAt: r.loaded_at.toISOString(),
  };
}

/** How a finished load is recorded. */
export interface TRegisterVersion {
  stagingTable: string;
  spec: TVaultDatasetSpec;
  version: string;
  rowCount: number;
  contentHash: string;
  wrappedDataKey: string;
  /** The upload that produced it (its session is marked loaded in the same transaction). */
  upload?: { uploadId: string; uploadedBy: TStartUploadRequest["uploadedBy"] };
}

/** Outcome of the final attempt to make a version visible. */
export type TRegisterResult = { ok: true; stored: TStoredDataset } | { ok: false; reason: "version-exists" };

/** Staging table of an upload or a generated load (dropped or renamed when the load ends). */
export function stagingTableOf(loadId: string): string {
  const hex = loadId.toLowerCase().replace(/[^0-9a-f]/g, "");
  if (hex.length < 8 || hex.length > 40) throw new Error("ingest: bad load id");
  return `vault_load_${hex}`;
}

/** The unique index on a register's privacy-unit fingerprint (see requireUniqueColumn). */
export function unitIndexOf(table: string): string {
  return `${table}_unit`;
}

const UNIQUE_VIOLATION = "23505";

/** See the module comment. */
export class IngestStore {
  constructor(private readonly pool: pg.Pool) {}

  // ── Upload sessions ──────────────────────────────────────────────────────────────────────────

  /** Inserts a new session in state receiving; false when the id is already taken. */
  async createUpload(request: TStartUploadRequest, requestHash: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `INSERT INTO vault_uploads
         (upload_id, dataset_code, version, format, request_hash, spec, uploaded_by, state, total_bytes)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'receiving', $8)
       ON CONFLICT (upload_id) DO NOTHING`,
      [
        request.uploadId,
        request.dataset.code,
        request.version,
        request.format,
        requestHash,
        JSON.stringify(request.dataset),
        JSON.stringify(request.uploadedBy),
        request.totalBytes,
      ],
    );
    return rowCount === 1;
  }

  async upload(uploadId: string): Promise<TUploadRecord | null> {
    const { rows } = await this.pool.query<TUploadRow>("SELECT * FROM vault_uploads WHERE upload_id = $1", [
      uploadId,
    ]);
    return rows[0] ? uploadOf(rows[0]) : null;
  }

  /** Ids of the sessions in `state`, oldest first. */
  async uploadsIn(state: TUploadState): Promise<string[]> {
    const { rows } = await this.pool.query<{ upload_id: string }>(
      "SELECT upload_id FROM vault_uploads WHERE state = $1 ORDER BY started_at, upload_id",
      [state],
    );
    return rows.map((r) => r.upload_id);
  }

  /** Records received bytes (only while receiving, only forward from `from`); false otherwise. */
  async advanceReceived(uploadId: string, from: number, to: number): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE vault_uploads SET received_bytes = $3
        WHERE upload_id = $1 AND state = 'receiving' AND received_bytes = $2`,
      [uploadId, from, to],
    );
    return rowCount === 1;
  }

  /** Moves a session from one state to another; false when it was not in `from`. */
  async transition(
    uploadId: string,
    from: readonly TUploadState[],
    to: TUploadState,
    outcome: {
      rowsProcessed?: number;
      errorCount?: number;
      errors?: TRowError[];
      failure?: string | null;
      receivedBytes?: number;
    } = {},
  ): Promise<boolean> {
    const finished = to === "rejected" || to === "failed" || to === "cancelled" || to === "loaded";
    const { rowCount } = await this.pool.query(
      `UPDATE vault_uploads
          SET state = $3,
              rows_processed = COALESCE($4, rows_processed),
              error_count = COALESCE($5, error_count),
              errors = COALESCE($6::jsonb, errors),
              failure = CASE WHEN $7::boolean THEN $8 ELSE failure END,
              received_bytes = COALESCE($9, received_bytes),
              finished_at = CASE WHEN $10::boolean THEN now() ELSE NULL END
        WHERE upload_id = $1 AND state = ANY($2::text[])`,
      [
        uploadId,
        from,
        to,
        outcome.rowsProcessed ?? null,
        outcome.errorCount ?? null,
        outcome.errors ? JSON.stringify(outcome.errors) : null,
        outcome.failure !== undefined,
        outcome.failure ?? null,
        outcome.receivedBytes ?? null,
        finished,
      ],
    );
    return rowCount === 1;
  }

  // ── Versions ─────────────────────────────────────────────────────────────────────────────────

  async versionExists(code: string, version: string): Promise<boolean> {
    const { rows } = await this.pool.query("SELECT 1 FROM vault_versions WHERE code = $1 AND version = $2", [
      code,
      version,
    ]);
    return rows.length > 0;
  }

  /** A loaded version (the newest of `code` when `version` is absent), or null. */
  async storedDataset(code: string, version?: string): Promise<TStoredDataset | null> {
    const { rows } =
      version === undefined
        ? await this.pool.query<TVersionRow>(
            // The newest REAL version: the generated mock version is only ever read by name.
            `SELECT ${VERSION_COLUMNS} FROM vault_versions WHERE code = $1 AND version <> $2
              ORDER BY loaded_at DESC, id DESC LIMIT 1`,
            [code, MOCK_VERSION_LABEL],
          )
        : await this.pool.query<TVersionRow>(
            `SELECT ${VERSION_COLUMNS} FROM vault_versions WHERE code = $1 AND version = $2`,
            [code, version],
          );
    return rows[0] ? storedOf(rows[0]) : null;
  }

  /** Loaded versions of `code`, newest first, as the data source sees them. */
  async listVersions(code: string): Promise<TDatasetVersion[]> {
    const { rows } = await this.pool.query<TVersionRow>(
      `SELECT ${VERSION_COLUMNS} FROM vault_versions WHERE code = $1 AND version <> $2 ORDER BY loaded_at DESC, id DESC`,
      [code, MOCK_VERSION_LABEL],
    );
    return rows.map((r) => ({
      code: r.code,
      version: r.version,
      rows: Number(r.row_count),
      contentHash: r.content_hash,
      loadedAt: r.loaded_at.toISOString(),
      fields: r.spec.fields.map((f) => ({ name: f.name, storage: f.storage, fingerprint: f.fingerprint })),
    }));
  }

  // ── Staging and the final step ───────────────────────────────────────────────────────────────

  /** Creates an empty staging table (dropping a leftover of an interrupted load first). */
  async createStaging(table: string, columns: readonly TStoredColumn[]): Promise<void> {
    await this.dropStaging(table);
    await this.pool.query(createRowsTableSql(table, columns));
  }

  async dropStaging(table: string): Promise<void> {
    await this.pool.query(`DROP TABLE IF EXISTS ${quoteIdentifier(table)}`);
  }

  /** Appends one batch: `rows` are the _row numbers, `columnValues` one array per column. */
  async insertBatch(
    table: string,
    columns: readonly TStoredColumn[],
    rows: readonly number[],
    columnValues: readonly unknown[][],
  ): Promise<void> {
    await this.pool.query(insertRowsSql(table, columns), [rows, ...columnValues]);
  }

  /**
   * Makes `column` unique in a staging table with a unique index (a register's privacy unit: one
   * row per unit; the index also serves lookups by that identifier and moves with the table on
   * registration). When values repeat, no index is left and the answer lists the repeating rows,
   * each with the first row holding the same value (first `limit` in row order, all counted);
   * null when every value is unique.
   */
  async requireUniqueColumn(
    table: string,
    column: string,
    limit: number,
  ): Promise<null | { count: number; repeats: { row: number; firstRow: number }[] }> {
    try {
      await this.pool.query(
        `CREATE UNIQUE INDEX ${quoteIdentifier(unitIndexOf(table))} ON ${quoteIdentifier(table)} (${quoteIdentifier(column)})`,
      );
      return null;
    } catch (err) {
      if ((err as { code?: unknown }).code !== UNIQUE_VIOLATION) throw err;
    }
    const repeats = await this.pool.query<{ row: string; first_row: string; repeats: string }>(
      `SELECT "_row" AS row, first_row, count(*) OVER () AS repeats
         FROM (SELECT "_row", min("_row") OVER (PARTITION BY ${quoteIdentifier(column)}) AS first_row
                 FROM ${quoteIdentifier(table)}
                WHERE ${quoteIdentifier(column)} IS NOT NULL) AS ranked
        WHERE "_row" <> first_row
        ORDER BY "_row"
        LIMIT $1`,
      [limit],
    );
    return {
      count: Number(repeats.rows[0]?.repeats ?? 0),
      repeats: repeats.rows.map((r) => ({ row: Number(r.row), firstRow: Number(r.first_row) })),
    };
  }

  /**
   * In one transaction: checks the staged row count, records the version, renames its staging
   * table to `vault_rows_<id>` and marks the upload loaded. A version already there (another
   * load won) leaves everything as it was.
   */
  async registerVersion(input: TRegisterVersion): Promise<TRegisterResult> {
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      const counted = await client.query<{ n: string }>(
        `SELECT count(*) AS n FROM ${quoteIdentifier(input.stagingTable)}`,
      );
      if (Number(counted.rows[0]?.n) !== input.rowCount) {
        throw new Error("ingest: the staged row count differs from the rows written");
      }
      const inserted = await client.query<TVersionRow>(
        `INSERT INTO vault_versions
           (code, version, title, spec, row_count, content_hash, wrapped_data_key, upload_id, uploaded_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (code, version) DO NOTHING
         RETURNING ${VERSION_COLUMNS}`,
        [
          input.spec.code,
          input.version,
          input.spec.title,
          JSON.stringify(input.spec),
          input.rowCount,
          input.contentHash,
          input.wrappedDataKey,
          input.upload?.uploadId ?? null,
          input.upload ? JSON.stringify(input.upload.uploadedBy) : null,
        ],
      );
      const row = inserted.rows[0];
      if (!row) {
        await client.query("ROLLBACK");
        return { ok: false, reason: "version-exists" };
      }
      const rowsTable = rowsTableOf(row.id);
      await client.query(
        `ALTER TABLE ${quoteIdentifier(input.stagingTable)} RENAME TO ${quoteIdentifier(rowsTable)}`,
      );
      await client.query(
        `ALTER INDEX IF EXISTS ${quoteIdentifier(unitIndexOf(input.stagingTable))} RENAME TO ${quoteIdentifier(unitIndexOf(rowsTable))}`,
      );
      if (input.upload) {
        const updated = await client.query(
          `UPDATE vault_uploads
              SET state = 'loaded', rows_processed = $2, rows_loaded = $2, error_count = 0,
                  errors = '[]'::jsonb, failure = NULL, content_hash = $3, version_id = $4, finished_at = now()
            WHERE upload_id = $1 AND state = 'validating'`,
          [input.upload.uploadId, input.rowCount, input.contentHash, row.id],
        );
        if (updated.rowCount !== 1) throw new Error("ingest: the upload left the validating state");
      }
      await client.query("COMMIT");
      return { ok: true, stored: storedOf(row) };
    } catch (err) {
      await client.query("ROLLBACK").catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }
}
