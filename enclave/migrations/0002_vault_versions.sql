-- Generic dataset versions (the ingest pipeline, enclave/src/ingest) and the upload sessions that
-- produce them. The physical layout of a loaded version is described in
-- enclave/src/vault/stored-dataset.ts: its rows live in `vault_rows_<id>`.

-- One row per LOADED version: a row here means `vault_rows_<id>` holds every row of the version.
-- Versions are immutable: nothing updates or deletes these rows.
CREATE TABLE vault_versions (
  id serial PRIMARY KEY,
  code text NOT NULL,
  version text NOT NULL,
  title text NOT NULL,
  -- The TVaultDatasetSpec the version was loaded under (fields, grade, k, ε budget).
  spec jsonb NOT NULL,
  row_count bigint NOT NULL CHECK (row_count >= 0),
  -- SHA-256 over each row's canonical JSON + "\n", in file order (enclave/src/ingest/content-hash.ts).
  content_hash text NOT NULL CHECK (content_hash ~ '^[0-9a-f]{64}$'),
  -- The version's data key, wrapped by the enclave key store (base64).
  wrapped_data_key text NOT NULL,
  -- The upload session that produced it (null for versions generated inside the enclave).
  upload_id uuid,
  uploaded_by jsonb,
  loaded_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (code, version)
);

-- Upload sessions, persisted so that a restarted enclave resumes them (bytes are staged in files
-- under ENCLAVE_DATA_DIR/staging/<upload_id>; received_bytes is recorded only after an fsync).
CREATE TABLE vault_uploads (
  upload_id uuid PRIMARY KEY,
  dataset_code text NOT NULL,
  version text NOT NULL,
  format text NOT NULL CHECK (format IN ('csv', 'jsonl')),
  -- SHA-256 of the canonical JSON of the start request (same id + same request = idempotent).
  request_hash text NOT NULL CHECK (request_hash ~ '^[0-9a-f]{64}$'),
  spec jsonb NOT NULL,
  uploaded_by jsonb NOT NULL,
  state text NOT NULL CHECK (state IN ('receiving', 'validating', 'loaded', 'rejected', 'failed', 'cancelled')),
  total_bytes bigint NOT NULL CHECK (total_bytes > 0),
  received_bytes bigint NOT NULL DEFAULT 0 CHECK (received_bytes >= 0 AND received_bytes <= total_bytes),
  rows_processed bigint NOT NULL DEFAULT 0,
  rows_loaded bigint NOT NULL DEFAULT 0,
  error_count bigint NOT NULL DEFAULT 0,
  -- The first row errors (TRowError[]), never row values.
  errors jsonb NOT NULL DEFAULT '[]'::jsonb,
  failure text,
  content_hash text,
  version_id integer REFERENCES vault_versions (id),
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
CREATE INDEX vault_uploads_by_state ON vault_uploads (state);
