-- Private set intersection sessions: a buyer's list, blinded in the browser, is intersected in the
-- enclave with one identifier field of a dataset (products with delivery form
-- private_set_intersection). This server only relays blinded points and tags; it keeps who ran
-- which product, the two set sizes, the digests of the released chunks it relayed (the enclave's
-- receipt must hash to them) and, once finished, the usage record. Never an item of either list.

CREATE TABLE psi_sessions (
  -- Chosen by this server; the enclave answers under it.
  id uuid PRIMARY KEY,
  product_id uuid NOT NULL REFERENCES products (id),
  requester_org_id uuid NOT NULL REFERENCES organizations (id),
  requester_user_id uuid NOT NULL REFERENCES users (id),
  -- The start request sent to the enclave (sizes, product, field, filters, authorization).
  request jsonb NOT NULL,
  -- The enclave's start answer (chunk counts, set sizes, dataset version).
  started jsonb NOT NULL,
  mode text NOT NULL CHECK (mode IN ('intersection', 'cardinality')),
  buyer_set_size integer NOT NULL CHECK (buyer_set_size >= 1),
  server_set_size integer NOT NULL CHECK (server_set_size >= 0),
  -- SHA-256 hex of each released chunk's bytes, by index (null until relayed): the tags replying
  -- to the buyer's chunks, and the enclave's blinded set.
  reply_chunk_digests jsonb NOT NULL,
  server_chunk_digests jsonb NOT NULL,
  state text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'finished')),
  usage_record_id bigint REFERENCES usage_records (id),
  started_at timestamptz NOT NULL,
  finished_at timestamptz,
  CHECK ((state = 'finished') = (usage_record_id IS NOT NULL AND finished_at IS NOT NULL))
);
CREATE INDEX psi_sessions_org_idx ON psi_sessions (requester_org_id, started_at DESC);
