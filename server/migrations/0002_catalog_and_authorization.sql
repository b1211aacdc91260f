-- Issue 3: organizations and people (org admins, invitations, per-user signing keys), signed
-- approvals, the hash-chained audit trail, the chain-write outbox, the catalog (一本账) with its
-- registration lifecycle and one authoritative source per data item, operator admission and
-- annual evaluation, scenario filing and authorizations, the demand list and the data-quality loop.
-- Status columns carry the state machines of server/src/domain/**; the CHECKs list every state so
-- the database refuses anything the code does not know.

-- ── Organizations and people ────────────────────────────────────────────────────────────────
ALTER TABLE organizations DROP CONSTRAINT organizations_type_check;
ALTER TABLE organizations ADD CONSTRAINT organizations_type_check CHECK (type IN
  ('data_source', 'regulator', 'operator', 'buyer', 'service_agency', 'auditor', 'platform'));
-- Organization code (GB 11714: 8 characters + check character) of government departments.
ALTER TABLE organizations ADD COLUMN agency_code text UNIQUE CHECK (agency_code ~ '^[0-9A-Z]{8}[0-9X]$');

ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN
  ('buyer', 'operator', 'data_source', 'regulator', 'service_agency', 'auditor', 'admin'));
-- An organization's admin invites and removes the organization's users.
ALTER TABLE users ADD COLUMN is_org_admin boolean NOT NULL DEFAULT false;
-- Removed users keep their row (their signatures and trail stay attributable) but cannot sign in.
ALTER TABLE users ADD COLUMN removed_at timestamptz;
ALTER TABLE users ADD COLUMN removed_by uuid REFERENCES users (id);

CREATE TABLE user_invitations (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  email text NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
  display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
  role text NOT NULL,
  is_org_admin boolean NOT NULL DEFAULT false,
  -- SHA-256 of the one-time invitation token (the token itself is shown once to the inviter).
  token_hash text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  invited_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  accepted_at timestamptz,
  accepted_user_id uuid REFERENCES users (id),
  revoked_at timestamptz
);
CREATE UNIQUE INDEX user_invitations_open_email_idx ON user_invitations (email)
  WHERE accepted_at IS NULL AND revoked_at IS NULL;

-- One ed25519 key per user, created with the user; the secret key is stored only encrypted
-- (AES-256-GCM under the server's key-encryption key, AAD = user id). Retired keys stay so old
-- signatures remain verifiable.
CREATE TABLE user_signing_keys (
  key_id text PRIMARY KEY CHECK (key_id ~ '^[0-9a-f]{16}$'),
  user_id uuid NOT NULL REFERENCES users (id),
  public_key text NOT NULL UNIQUE CHECK (public_key ~ '^[0-9a-f]{64}$'),
  encrypted_secret_key text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  retired_at timestamptz
);
CREATE UNIQUE INDEX user_signing_keys_current_idx ON user_signing_keys (user_id) WHERE retired_at IS NULL;

-- ── Signed approvals ────────────────────────────────────────────────────────────────────────
-- `payload` is the exact canonical JSON that was signed (it embeds the subject's content hash),
-- so a signature can be verified later without trusting any other column.
CREATE TABLE signed_approvals (
  id uuid PRIMARY KEY,
  subject_type text NOT NULL CHECK (subject_type IN
    ('dataset_registration', 'operator_application', 'annual_report', 'authorization', 'operator_status')),
  subject_id uuid NOT NULL,
  step text NOT NULL CHECK (length(step) BETWEEN 1 AND 120),
  decision text NOT NULL CHECK (decision IN ('approve', 'reject')),
  comment text NOT NULL DEFAULT '' CHECK (length(comment) <= 2000),
  subject_hash text NOT NULL CHECK (subject_hash ~ '^[0-9a-f]{64}$'),
  signer_user_id uuid NOT NULL REFERENCES users (id),
  signer_org_id uuid NOT NULL REFERENCES organizations (id),
  key_id text NOT NULL REFERENCES user_signing_keys (key_id),
  payload text NOT NULL,
  signature text NOT NULL CHECK (signature ~ '^[0-9a-f]{128}$'),
  signed_at timestamptz NOT NULL
);
CREATE INDEX signed_approvals_subject_idx ON signed_approvals (subject_type, subject_id, signed_at);

-- ── Audit trail (append-only, hash-chained) ─────────────────────────────────────────────────
-- event_hash = SHA-256 of the canonical JSON of every other column plus prev_hash
-- (server/src/domain/trail/audit-trail.ts). audit_chain_head serializes appends: each append
-- locks the head row, so the chain has no forks under concurrency.
CREATE TABLE audit_events (
  seq bigint PRIMARY KEY CHECK (seq >= 1),
  occurred_at timestamptz NOT NULL,
  actor_user_id uuid REFERENCES users (id),
  actor_org_id uuid REFERENCES organizations (id),
  action text NOT NULL CHECK (action ~ '^[a-z_]+(\.[a-z_]+)+$'),
  object_type text NOT NULL CHECK (length(object_type) BETWEEN 1 AND 60),
  object_id text NOT NULL CHECK (length(object_id) BETWEEN 1 AND 200),
  before_hash text CHECK (before_hash ~ '^[0-9a-f]{64}$'),
  after_hash text CHECK (after_hash ~ '^[0-9a-f]{64}$'),
  approval_id uuid REFERENCES signed_approvals (id),
  detail jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(detail) = 'object'),
  prev_hash text NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
  event_hash text NOT NULL UNIQUE CHECK (event_hash ~ '^[0-9a-f]{64}$')
);
CREATE INDEX audit_events_object_idx ON audit_events (object_type, object_id, seq);
CREATE INDEX audit_events_actor_org_idx ON audit_events (actor_org_id, seq);
CREATE INDEX audit_events_action_idx ON audit_events (action, seq);
CREATE INDEX audit_events_occurred_at_idx ON audit_events (occurred_at);

CREATE TABLE audit_chain_head (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  seq bigint NOT NULL CHECK (seq >= 0),
  event_hash text NOT NULL CHECK (event_hash ~ '^[0-9a-f]{64}$')
);
INSERT INTO audit_chain_head (singleton, seq, event_hash) VALUES (true, 0, repeat('0', 64));

CREATE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_events_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change();

-- ── Chain-write outbox ──────────────────────────────────────────────────────────────────────
-- Written in the same transaction as the state change it records; sent to the chain strictly in
-- id order by server/src/domain/chain-writes (so a crash never leaves a change unrecorded).
CREATE TABLE chain_writes (
  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN
    ('registration.record', 'registration.status', 'authorization.record', 'authorization.status')),
  subject_id uuid NOT NULL,
  payload jsonb NOT NULL CHECK (jsonb_typeof(payload) = 'object'),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed')),
  attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  last_error text,
  tx_hash text CHECK (tx_hash ~ '^0x[0-9a-f]{64}$'),
  block_number bigint CHECK (block_number >= 0),
  contract_address text,
  chain_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  confirmed_at timestamptz,
  CHECK ((status = 'confirmed') = (tx_hash IS NOT NULL))
);
CREATE INDEX chain_writes_pending_idx ON chain_writes (id) WHERE status = 'pending';
CREATE INDEX chain_writes_subject_idx ON chain_writes (subject_id, id);

-- ── Catalog (一本账) ────────────────────────────────────────────────────────────────────────
-- `datasets` is the catalog's current, coded state of each dataset (what everyone browses);
-- `dataset_registrations` holds every registration application with its full entry
-- (common/src/catalog/dataset-entry.ts ZDatasetEntry) and its lifecycle.
ALTER TABLE datasets ADD COLUMN library text NOT NULL DEFAULT 'base' CHECK (library IN ('base', 'theme'));
ALTER TABLE datasets ADD COLUMN library_code text NOT NULL DEFAULT 'legal_entity' CHECK (library_code ~ '^[a-z_]{2,40}$');
ALTER TABLE datasets ADD COLUMN sector_code text NOT NULL DEFAULT '';
ALTER TABLE datasets ADD COLUMN business_code text NOT NULL DEFAULT '';
ALTER TABLE datasets ADD COLUMN grade text NOT NULL DEFAULT 'general' CHECK (grade IN ('core', 'important', 'general'));
ALTER TABLE datasets ADD COLUMN sharing text NOT NULL DEFAULT 'conditional'
  CHECK (sharing IN ('unconditional', 'conditional', 'not_shareable'));
ALTER TABLE datasets ADD COLUMN open_attribute text NOT NULL DEFAULT 'restricted'
  CHECK (open_attribute IN ('open', 'restricted', 'prohibited'));
ALTER TABLE datasets ADD COLUMN update_frequency text NOT NULL DEFAULT 'irregular';
ALTER TABLE datasets ADD COLUMN volume_rows bigint NOT NULL DEFAULT 0 CHECK (volume_rows >= 0);
-- The full validated entry (ZDatasetEntry) and its SHA-256 (canonical JSON).
ALTER TABLE datasets ADD COLUMN entry jsonb;
ALTER TABLE datasets ADD COLUMN entry_hash text CHECK (entry_hash ~ '^[0-9a-f]{64}$');
-- Normalized text for search (common/src/catalog/search-text.ts).
ALTER TABLE datasets ADD COLUMN search_text text NOT NULL DEFAULT '';
ALTER TABLE datasets ADD COLUMN status text NOT NULL DEFAULT 'coded'
  CHECK (status IN ('coded', 'deregistered', 'expired'));
ALTER TABLE datasets ADD COLUMN registration_id uuid;
ALTER TABLE datasets ADD COLUMN registration_code text;
ALTER TABLE datasets ADD COLUMN coded_at timestamptz;
ALTER TABLE datasets ADD COLUMN valid_until timestamptz;
CREATE INDEX datasets_filters_idx ON datasets (library, library_code, grade, status);
CREATE INDEX datasets_source_idx ON datasets (source_org_id);

CREATE TABLE dataset_registrations (
  id uuid PRIMARY KEY,
  dataset_code text NOT NULL CHECK (dataset_code ~ '^[A-Z][A-Z0-9-]{2,39}$'),
  source_org_id uuid NOT NULL REFERENCES organizations (id),
  kind text NOT NULL CHECK (kind IN ('initial', 'change', 'correction')),
  status text NOT NULL CHECK (status IN ('draft', 'submitted', 'accepted', 'reviewed', 'public_notice',
    'coded', 'returned', 'rejected', 'withdrawn', 'superseded', 'deregistered', 'expired')),
  entry jsonb NOT NULL,
  entry_hash text NOT NULL CHECK (entry_hash ~ '^[0-9a-f]{64}$'),
  previous_registration_id uuid REFERENCES dataset_registrations (id),
  -- Assigned when coded, e.g. 'PCDR-2026-000123'.
  registration_code text UNIQUE,
  reason text CHECK (length(reason) <= 2000),
  submitted_at timestamptz,
  notice_started_at timestamptz,
  notice_ends_at timestamptz,
  coded_at timestamptz,
  valid_from timestamptz,
  valid_until timestamptz,
  created_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'coded') <= (registration_code IS NOT NULL AND valid_until IS NOT NULL))
);
-- At most one registration of a dataset in progress at a time.
CREATE UNIQUE INDEX dataset_registrations_open_idx ON dataset_registrations (dataset_code)
  WHERE status IN ('draft', 'submitted', 'accepted', 'reviewed', 'public_notice', 'returned');
CREATE INDEX dataset_registrations_source_idx ON dataset_registrations (source_org_id, updated_at DESC);
CREATE INDEX dataset_registrations_status_idx ON dataset_registrations (status, updated_at DESC);

-- One authoritative source per data item (一数一源): the primary key refuses a second source.
CREATE TABLE data_item_sources (
  item_code text PRIMARY KEY CHECK (length(item_code) BETWEEN 1 AND 120),
  source_org_id uuid NOT NULL REFERENCES organizations (id),
  dataset_code text NOT NULL,
  field_name text NOT NULL,
  registration_id uuid REFERENCES dataset_registrations (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX data_item_sources_source_idx ON data_item_sources (source_org_id);

-- ── Operators ───────────────────────────────────────────────────────────────────────────────
CREATE TABLE operator_applications (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  status text NOT NULL CHECK (status IN ('draft', 'submitted', 'pre_reviewed', 'expert_reviewed',
    'public_notice', 'admitted', 'rejected', 'withdrawn')),
  -- What the applicant declares: business scope, data-security officer, qualifications…
  statement jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(statement) = 'object'),
  reason text CHECK (length(reason) <= 2000),
  submitted_at timestamptz,
  notice_started_at timestamptz,
  notice_ends_at timestamptz,
  decided_at timestamptz,
  created_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX operator_applications_open_idx ON operator_applications (org_id)
  WHERE status IN ('draft', 'submitted', 'pre_reviewed', 'expert_reviewed', 'public_notice');

-- Dossier documents, stored with their SHA-256 (the hash is what approvals sign).
CREATE TABLE operator_documents (
  id uuid PRIMARY KEY,
  application_id uuid NOT NULL REFERENCES operator_applications (id),
  kind text NOT NULL CHECK (kind IN ('audit_report', 'financial_statements', 'security_commitment',
    'risk_self_assessment', 'emergency_plan', 'other')),
  file_name text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
  media_type text NOT NULL CHECK (length(media_type) BETWEEN 3 AND 100),
  size_bytes integer NOT NULL CHECK (size_bytes BETWEEN 1 AND 10485760),
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  content bytea NOT NULL,
  uploaded_by uuid NOT NULL REFERENCES users (id),
  uploaded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX operator_documents_application_idx ON operator_documents (application_id, kind);

-- Admitted operators and their standing.
CREATE TABLE operators (
  org_id uuid PRIMARY KEY REFERENCES organizations (id),
  status text NOT NULL CHECK (status IN ('admitted', 'rectifying', 'suspended', 'terminated')),
  application_id uuid REFERENCES operator_applications (id),
  admitted_at timestamptz NOT NULL,
  status_changed_at timestamptz NOT NULL,
  status_reason text CHECK (length(status_reason) <= 2000)
);

CREATE TABLE operator_annual_reports (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  year integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
  status text NOT NULL CHECK (status IN ('submitted', 'evaluated')),
  -- The operator's report: products, revenue, security incidents, compliance… (validated by zod).
  report jsonb NOT NULL CHECK (jsonb_typeof(report) = 'object'),
  report_hash text NOT NULL CHECK (report_hash ~ '^[0-9a-f]{64}$'),
  score integer CHECK (score BETWEEN 0 AND 100),
  decision text CHECK (decision IN ('continue', 'rectify', 'suspend', 'terminate')),
  evaluation_comment text CHECK (length(evaluation_comment) <= 2000),
  approval_id uuid REFERENCES signed_approvals (id),
  submitted_by uuid NOT NULL REFERENCES users (id),
  submitted_at timestamptz NOT NULL,
  evaluated_at timestamptz,
  UNIQUE (org_id, year),
  CHECK ((status = 'evaluated') = (decision IS NOT NULL AND score IS NOT NULL))
);

-- ── Scenarios and authorizations (无场景不授权) ─────────────────────────────────────────────
CREATE TABLE scenarios (
  id uuid PRIMARY KEY,
  operator_org_id uuid NOT NULL REFERENCES organizations (id),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  purpose text NOT NULL CHECK (length(purpose) BETWEEN 1 AND 4000),
  beneficiary_class text NOT NULL CHECK (beneficiary_class IN ('public_welfare', 'industry')),
  compute_mode text NOT NULL CHECK (compute_mode IN ('sandbox', 'he', 'mpc', 'verification')),
  expected_outputs text NOT NULL CHECK (length(expected_outputs) BETWEEN 1 AND 4000),
  -- [{datasetCode, fields: [...]}] (common/src/authorization-scope.ts)
  requested_scope jsonb NOT NULL CHECK (jsonb_typeof(requested_scope) = 'array'),
  status text NOT NULL CHECK (status IN ('draft', 'filed', 'accepted', 'rejected', 'withdrawn')),
  -- SHA-256 (canonical JSON) of the filed content; keccak form goes on chain with the authorization.
  content_hash text CHECK (content_hash ~ '^[0-9a-f]{64}$'),
  reason text CHECK (length(reason) <= 2000),
  filed_at timestamptz,
  decided_at timestamptz,
  created_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX scenarios_operator_idx ON scenarios (operator_org_id, updated_at DESC);

CREATE TABLE authorizations (
  id uuid PRIMARY KEY,
  -- One authorization application per scenario.
  scenario_id uuid NOT NULL UNIQUE REFERENCES scenarios (id),
  operator_org_id uuid NOT NULL REFERENCES organizations (id),
  scope jsonb NOT NULL CHECK (jsonb_typeof(scope) = 'array'),
  scope_hash text NOT NULL CHECK (scope_hash ~ '^0x[0-9a-f]{64}$'),
  scenario_hash text NOT NULL CHECK (scenario_hash ~ '^0x[0-9a-f]{64}$'),
  compute_mode text NOT NULL CHECK (compute_mode IN ('sandbox', 'he', 'mpc', 'verification')),
  valid_from timestamptz NOT NULL,
  valid_until timestamptz NOT NULL,
  status text NOT NULL CHECK (status IN ('pending_approval', 'active', 'suspended', 'revoked', 'expired', 'rejected')),
  -- Approval steps required: [{step: 'source:<orgId>', orgId}, {step: 'regulator'}]
  required_approvals jsonb NOT NULL CHECK (jsonb_typeof(required_approvals) = 'array'),
  -- Why the status is what it is; 'operator_suspended' marks a suspension caused by the operator's.
  status_reason text CHECK (length(status_reason) <= 2000),
  suspended_by_operator_status boolean NOT NULL DEFAULT false,
  activated_at timestamptz,
  created_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (valid_until > valid_from),
  CHECK (valid_until <= valid_from + interval '5 years')
);
CREATE INDEX authorizations_operator_idx ON authorizations (operator_org_id, status);

-- A listed product runs under its operator's authorization.
ALTER TABLE products ADD COLUMN authorization_id uuid REFERENCES authorizations (id);

-- ── Demand list (需求清单) ──────────────────────────────────────────────────────────────────
CREATE TABLE data_demands (
  id uuid PRIMARY KEY,
  buyer_org_id uuid NOT NULL REFERENCES organizations (id),
  created_by uuid NOT NULL REFERENCES users (id),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  description text NOT NULL CHECK (length(description) BETWEEN 1 AND 4000),
  library_code text,
  dataset_codes text[] NOT NULL DEFAULT '{}',
  status text NOT NULL CHECK (status IN ('open', 'answered', 'satisfied', 'closed')),
  created_at timestamptz NOT NULL DEFAULT now(),
  first_response_at timestamptz,
  satisfied_at timestamptz,
  satisfied_by_response_id uuid,
  closed_at timestamptz
);
CREATE INDEX data_demands_status_idx ON data_demands (status, created_at DESC);

CREATE TABLE demand_responses (
  id uuid PRIMARY KEY,
  demand_id uuid NOT NULL REFERENCES data_demands (id),
  responder_org_id uuid NOT NULL REFERENCES organizations (id),
  responder_user_id uuid NOT NULL REFERENCES users (id),
  message text NOT NULL CHECK (length(message) BETWEEN 1 AND 4000),
  offered_dataset_code text,
  offered_product_id uuid REFERENCES products (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX demand_responses_demand_idx ON demand_responses (demand_id, created_at);

-- ── Data-quality loop (发现-反馈-整改-评价) ─────────────────────────────────────────────────
CREATE TABLE quality_issues (
  id uuid PRIMARY KEY,
  dataset_code text NOT NULL,
  field_name text,
  -- Routed to the dataset's source when reported.
  source_org_id uuid NOT NULL REFERENCES organizations (id),
  reporter_user_id uuid NOT NULL REFERENCES users (id),
  reporter_org_id uuid NOT NULL REFERENCES organizations (id),
  category text NOT NULL CHECK (category IN ('accuracy', 'completeness', 'timeliness', 'consistency', 'other')),
  description text NOT NULL CHECK (length(description) BETWEEN 1 AND 4000),
  status text NOT NULL CHECK (status IN ('reported', 'rectifying', 'rectified', 'verified', 'reopened')),
  reported_at timestamptz NOT NULL,
  acknowledge_due_at timestamptz NOT NULL,
  rectify_due_at timestamptz NOT NULL,
  acknowledged_at timestamptz,
  rectified_at timestamptz,
  rectification_note text CHECK (length(rectification_note) <= 4000),
  verified_at timestamptz,
  score integer CHECK (score BETWEEN 1 AND 5),
  reopen_count integer NOT NULL DEFAULT 0 CHECK (reopen_count >= 0),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'verified') = (score IS NOT NULL))
);
CREATE INDEX quality_issues_source_idx ON quality_issues (source_org_id, status);
CREATE INDEX quality_issues_dataset_idx ON quality_issues (dataset_code, reported_at DESC);
