-- Product jobs: operators' logic versions (sandboxed ES modules the enclave runs against vault
-- datasets) and the jobs buyers (real data) and operators (mock data) run with them. The
-- enclave owns a job's execution; this database mirrors its lifecycle, keeps the released output,
-- the enclave's signed v2 receipt and the regulator's output review (the first released results
-- of a new logic version are held until the regulator releases them).

CREATE TABLE product_logic_versions (
  id uuid PRIMARY KEY,
  product_id uuid NOT NULL REFERENCES products (id),
  version integer NOT NULL CHECK (version >= 1),
  language text NOT NULL CHECK (language IN ('typescript', 'javascript')),
  source text NOT NULL CHECK (length(source) BETWEEN 1 AND 200000),
  -- Fields the logic declares it reads: {"DATASET-CODE": ["field", …]}.
  fields jsonb NOT NULL,
  -- SHA-256 of canonicalJson({language, source, fields}): the version's identity in receipts.
  version_hash text NOT NULL CHECK (version_hash ~ '^[0-9a-f]{64}$'),
  created_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  -- awaiting_first_review until the regulator releases the first results of this version.
  review_state text NOT NULL DEFAULT 'awaiting_first_review'
    CHECK (review_state IN ('awaiting_first_review', 'approved')),
  approved_by uuid REFERENCES users (id),
  approved_at timestamptz,
  UNIQUE (product_id, version)
);
CREATE INDEX product_logic_versions_product_idx ON product_logic_versions (product_id, version DESC);

CREATE TABLE product_jobs (
  -- The enclave's job id.
  id uuid PRIMARY KEY,
  product_id uuid NOT NULL REFERENCES products (id),
  -- The saved version a real job runs; null for an operator's mock run of an unsaved draft.
  product_logic_version_id uuid REFERENCES product_logic_versions (id),
  version_number integer NOT NULL CHECK (version_number >= 1),
  version_hash text NOT NULL CHECK (version_hash ~ '^[0-9a-f]{64}$'),
  requester_org_id uuid NOT NULL REFERENCES organizations (id),
  requester_user_id uuid NOT NULL REFERENCES users (id),
  mode text NOT NULL CHECK (mode IN ('mock', 'real')),
  authorization_id uuid,
  params jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- SHA-256 of the canonical JSON of the request the enclave accepted (its receipt must name it).
  request_hash text NOT NULL CHECK (request_hash ~ '^[0-9a-f]{64}$'),
  state text NOT NULL CHECK (state IN
    ('queued', 'running', 'checking', 'released', 'blocked', 'failed', 'cancelled')),
  output jsonb,
  logs jsonb NOT NULL DEFAULT '[]'::jsonb,
  blocked_by jsonb,
  failure jsonb,
  stats jsonb,
  -- The enclave's signed v2 receipt ({receipt, signature}) exactly as received.
  receipt jsonb,
  review_state text NOT NULL DEFAULT 'not_needed' CHECK (review_state IN
    ('not_needed', 'held', 'released_by_regulator', 'withheld_by_regulator')),
  reviewed_by uuid REFERENCES users (id),
  reviewed_at timestamptz,
  review_comment text CHECK (review_comment IS NULL OR length(review_comment) <= 2000),
  usage_record_id bigint UNIQUE REFERENCES usage_records (id),
  queued_at timestamptz NOT NULL,
  finished_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (mode = 'mock' OR product_logic_version_id IS NOT NULL)
);
CREATE INDEX product_jobs_requester_idx ON product_jobs (requester_org_id, created_at DESC);
CREATE INDEX product_jobs_unfinished_idx ON product_jobs (queued_at)
  WHERE state IN ('queued', 'running', 'checking');
CREATE INDEX product_jobs_held_idx ON product_jobs (finished_at) WHERE review_state = 'held';
