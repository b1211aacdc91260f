-- Privacy budgets: the ε each buyer organisation may spend on each dataset, and the ledger of every
-- reservation, charge and release made against it (enclave/src/privacy/budget-ledger.ts).
-- Amounts are numeric (exact decimals), so sums of charges never drift.

-- One budget per (buyer, dataset): created at the default total on first use.
--   epsilon_spent    — charged by released statistics, never returned
--   epsilon_reserved — held by running jobs; charged as they query, the rest released at the end
CREATE TABLE privacy_budgets (
  buyer_org_id text NOT NULL,
  dataset_code text NOT NULL,
  epsilon_total numeric NOT NULL CHECK (epsilon_total >= 0),
  epsilon_spent numeric NOT NULL DEFAULT 0 CHECK (epsilon_spent >= 0),
  epsilon_reserved numeric NOT NULL DEFAULT 0 CHECK (epsilon_reserved >= 0),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (buyer_org_id, dataset_code),
  CONSTRAINT privacy_budgets_within_total CHECK (epsilon_spent + epsilon_reserved <= epsilon_total)
);

-- Every movement of a budget, append-only. A job's outstanding reservation on a budget is its
-- reserves minus its charges and releases.
CREATE TABLE privacy_charges (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  job_id text NOT NULL,
  buyer_org_id text NOT NULL,
  dataset_code text NOT NULL,
  epsilon numeric NOT NULL CHECK (epsilon > 0),
  kind text NOT NULL CHECK (kind IN ('reserve', 'charge', 'release')),
  detail text NOT NULL DEFAULT '',
  at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (buyer_org_id, dataset_code) REFERENCES privacy_budgets (buyer_org_id, dataset_code)
);
CREATE INDEX privacy_charges_by_job ON privacy_charges (job_id, buyer_org_id, dataset_code);
