-- Encrypted queries (products with delivery form encrypted_query): a buyer's homomorphic request
-- — ciphertexts under the buyer's key and public evaluation keys — relayed to the enclave, which
-- answers with ciphertexts only the buyer can decrypt. This server keeps who ran which product,
-- the mode, the preset and the sizes, and the usage record carrying the enclave's signed receipt.
-- Never the request or the response (they decrypt nowhere here, and they are large).

CREATE TABLE he_queries (
  -- Chosen by this server; the enclave's receipt carries it as its job id.
  id uuid PRIMARY KEY,
  product_id uuid NOT NULL REFERENCES products (id),
  requester_org_id uuid NOT NULL REFERENCES organizations (id),
  requester_user_id uuid NOT NULL REFERENCES users (id),
  mode text NOT NULL CHECK (mode IN ('scoring', 'lookup', 'aggregate')),
  preset text NOT NULL,
  entity_count integer NOT NULL CHECK (entity_count >= 1),
  dataset_version text NOT NULL,
  request_bytes bigint NOT NULL CHECK (request_bytes >= 0),
  response_bytes bigint NOT NULL CHECK (response_bytes >= 0),
  usage_record_id bigint NOT NULL REFERENCES usage_records (id),
  created_at timestamptz NOT NULL
);
CREATE INDEX he_queries_org_idx ON he_queries (requester_org_id, created_at DESC);
