-- Issue 4 (vault ingest): which organization and user uploaded which dataset version to the
-- enclave's vault. The file itself never touches the server's database: chunks are relayed to
-- the enclave, which stages, validates and loads them. `id` is the enclave's upload id; the
-- state and counters are the last ones the server saw (the enclave is authoritative).
CREATE TABLE vault_uploads (
  id uuid PRIMARY KEY,
  dataset_id uuid NOT NULL REFERENCES datasets (id),
  dataset_code text NOT NULL CHECK (dataset_code ~ '^[A-Z][A-Z0-9-]{2,39}$'),
  -- The coded registration whose entry (fields, grades, masking) the version was checked against.
  registration_id uuid REFERENCES dataset_registrations (id),
  org_id uuid NOT NULL REFERENCES organizations (id),
  user_id uuid NOT NULL REFERENCES users (id),
  version text NOT NULL CHECK (version ~ '^[0-9A-Za-z][0-9A-Za-z._-]{0,39}$'),
  format text NOT NULL CHECK (format IN ('csv', 'jsonl')),
  file_name text NOT NULL DEFAULT '' CHECK (length(file_name) <= 255),
  total_bytes bigint NOT NULL CHECK (total_bytes > 0),
  received_bytes bigint NOT NULL DEFAULT 0 CHECK (received_bytes >= 0 AND received_bytes <= total_bytes),
  state text NOT NULL CHECK (state IN ('receiving', 'validating', 'loaded', 'rejected', 'failed', 'cancelled')),
  rows_loaded bigint NOT NULL DEFAULT 0 CHECK (rows_loaded >= 0),
  error_count integer NOT NULL DEFAULT 0 CHECK (error_count >= 0),
  content_hash text CHECK (content_hash ~ '^[0-9a-f]{64}$'),
  failure text CHECK (length(failure) <= 500),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
CREATE INDEX vault_uploads_org_idx ON vault_uploads (org_id, created_at DESC);
-- At most one upload of a version in progress or loaded (rejected, failed and cancelled ones stay
-- as history, and the version label can be used again).
CREATE UNIQUE INDEX vault_uploads_live_version_idx ON vault_uploads (dataset_code, version)
  WHERE state IN ('receiving', 'validating', 'loaded');
