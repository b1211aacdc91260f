-- The vault: raw datasets held by the secure domain, their privacy rules, and the nonces of
-- accepted signed requests. Only the enclave process has credentials for this database.

-- Privacy rules of a dataset (set by its data source): the minimum group size of any released cell.
CREATE TABLE dataset_rules (
  dataset_code text PRIMARY KEY,
  title text NOT NULL,
  min_group_size integer NOT NULL CHECK (min_group_size >= 2)
);

-- Column policy: what may be done with each field of a dataset.
--   never     — never released, in any form (identifying fields)
--   dimension — may be a group-by dimension of an aggregate
--   aggregate — may only be aggregated (sum) over a group
CREATE TABLE column_policies (
  dataset_code text NOT NULL REFERENCES dataset_rules (dataset_code),
  field text NOT NULL CHECK (field ~ '^[a-z][a-z0-9_]*$'),
  policy text NOT NULL CHECK (policy IN ('never', 'dimension', 'aggregate')),
  reason text NOT NULL,
  PRIMARY KEY (dataset_code, field)
);

-- Loaded dataset versions. A row here means the version's rows are fully loaded.
CREATE TABLE datasets (
  code text NOT NULL REFERENCES dataset_rules (dataset_code),
  version text NOT NULL,
  row_count integer NOT NULL CHECK (row_count >= 0),
  -- SHA-256 over each row's canonical JSON + "\n", in load order (seeds/legal-entities.ts).
  content_hash text NOT NULL CHECK (content_hash ~ '^[0-9a-f]{64}$'),
  loaded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (code, version)
);

-- LE-BASE (法人基础库) rows, one set per dataset version.
CREATE TABLE legal_entities (
  dataset_version text NOT NULL,
  uscc text NOT NULL CHECK (length(uscc) = 18),
  name text NOT NULL,
  district text NOT NULL,
  industry text NOT NULL,
  registered_capital numeric(16, 2) NOT NULL CHECK (registered_capital >= 0),
  founded_on date NOT NULL,
  status text NOT NULL,
  PRIMARY KEY (dataset_version, uscc)
);

-- Nonces of accepted signed requests; kept past the timestamp window, then pruned.
CREATE TABLE request_nonces (
  key_id text NOT NULL,
  nonce text NOT NULL,
  request_timestamp_ms bigint NOT NULL,
  PRIMARY KEY (key_id, nonce)
);
CREATE INDEX request_nonces_by_timestamp ON request_nonces (request_timestamp_ms);

INSERT INTO dataset_rules (dataset_code, title, min_group_size) VALUES ('LE-BASE', '法人基础库', 10);

INSERT INTO column_policies (dataset_code, field, policy, reason) VALUES
  ('LE-BASE', 'uscc', 'never', 'the unified social credit code identifies a single legal entity'),
  ('LE-BASE', 'name', 'never', 'the registered name identifies a single legal entity'),
  ('LE-BASE', 'district', 'dimension', 'district of registration'),
  ('LE-BASE', 'industry', 'dimension', 'GB/T 4754 industry section'),
  ('LE-BASE', 'status', 'dimension', 'registration status'),
  ('LE-BASE', 'registered_capital', 'aggregate', 'registered capital may be summed over a group only'),
  ('LE-BASE', 'founded_on', 'never', 'exact founding dates can single out an entity; release by year is not offered yet');
