-- Product jobs (common/enclave-jobs.ts): operator logic run in the sandbox. The request (with the
-- logic's source) stays inside the enclave; the status row is what GET /v1/product-jobs/:id
-- answers. A job that was queued or running when the enclave stopped is ended as failed at the
-- next start (its reservation of privacy budget is returned then).
CREATE TABLE product_jobs (
  id uuid PRIMARY KEY,
  request jsonb NOT NULL,
  request_hash text NOT NULL CHECK (request_hash ~ '^[0-9a-f]{64}$'),
  requester_org_id text NOT NULL,
  mode text NOT NULL CHECK (mode IN ('mock', 'real')),
  state text NOT NULL CHECK (state IN ('queued', 'running', 'checking', 'released', 'blocked', 'failed', 'cancelled')),
  output jsonb,
  blocked_by jsonb,
  failure jsonb,
  stats jsonb,
  logs jsonb NOT NULL DEFAULT '[]',
  receipt jsonb,
  queued_at timestamptz NOT NULL,
  finished_at timestamptz,
  CHECK ((finished_at IS NULL) = (state IN ('queued', 'running', 'checking')))
);
CREATE INDEX product_jobs_unfinished ON product_jobs (queued_at) WHERE finished_at IS NULL;
