-- Joint-statistics jobs (products with delivery form joint_statistics): several enclave nodes
-- compute a joint aggregate by multi-party computation; this server starts the job on the
-- coordinator node and polls it there. It keeps who ran which product, the spec it sent (public:
-- parties, datasets, fields, group domain, bounds, ε, the authorization claim), the job's end —
-- the released (already protected) result, or the failure naming the node — and, once released,
-- the usage record carrying the coordinator's signed receipt. Never a row of any vault.

CREATE TABLE mpc_jobs (
  -- The job id the nodes use (chosen by this server).
  id uuid PRIMARY KEY,
  product_id uuid NOT NULL REFERENCES products (id),
  requester_org_id uuid NOT NULL REFERENCES organizations (id),
  requester_user_id uuid NOT NULL REFERENCES users (id),
  spec jsonb NOT NULL,
  state text NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'released', 'failed')),
  -- { node, step, reason } of a failed job (the reason is the nodes' caller-safe text).
  failure jsonb,
  -- The released result (k-suppressed, noisy) as the coordinator released it.
  result jsonb,
  usage_record_id bigint REFERENCES usage_records (id),
  started_at timestamptz NOT NULL,
  ended_at timestamptz,
  CHECK ((state = 'released') = (result IS NOT NULL AND usage_record_id IS NOT NULL)),
  CHECK ((state = 'failed') = (failure IS NOT NULL)),
  CHECK ((state = 'running') = (ended_at IS NULL))
);
CREATE INDEX mpc_jobs_org_idx ON mpc_jobs (requester_org_id, started_at DESC);
