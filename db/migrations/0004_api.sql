-- API, version 4: the REST API's keys (`fumidai keys`) and its audit log
-- (issue 7; db/fumidai/db/ApiKeyStore.h, AuditLogWriter.h).

-- A key is shown once as fmd_<token_prefix>_<secret>; only the SHA-256 of
-- the secret is kept, and the prefix (not secret) finds the row. Keys are
-- revoked, never deleted, so the audit log's key_id always names one.
-- The checks repeat what ApiKeyStore validates, so a row written by hand
-- (psql) cannot make a key the API would misread.
CREATE TABLE api_keys (
  id              bigserial PRIMARY KEY,
  name            text NOT NULL UNIQUE CHECK (name ~ '^[A-Za-z0-9._-]{1,64}$'),
  role            text NOT NULL CHECK (role IN ('admin', 'analyst', 'researcher')),
  token_prefix    text NOT NULL UNIQUE CHECK (token_prefix ~ '^[a-z0-9]{8}$'),
  secret_hash     bytea NOT NULL CHECK (length(secret_hash) = 32),
  -- The constituency: an analyst's ASNs, prefixes and countries (at least one
  -- entry); empty for the other roles, which see everything.
  asns            bigint[] NOT NULL DEFAULT '{}',
  prefixes        cidr[] NOT NULL DEFAULT '{}',
  countries       text[] NOT NULL DEFAULT '{}',
  rate_per_second double precision NOT NULL CHECK (rate_per_second > 0 AND rate_per_second <= 1000000),
  burst           double precision NOT NULL CHECK (burst >= 1 AND burst <= 1000000),
  created_at      timestamptz NOT NULL DEFAULT now(),
  revoked_at      timestamptz,
  -- Coarse on purpose: ApiKeyStore::find moves it at most once a minute.
  last_used_at    timestamptz,
  CHECK ((role = 'analyst') = (cardinality(asns) + cardinality(prefixes) + cardinality(countries) > 0))
);

-- One row per request the server answered. No foreign key to api_keys: the
-- writer batches thousands of rows and a key's name is copied in, so a row
-- stays readable whatever happens to the key.
CREATE TABLE audit_log (
  id          bigserial PRIMARY KEY,
  at          timestamptz NOT NULL,
  key_id      bigint,
  key_name    text NOT NULL DEFAULT '',
  method      text NOT NULL,
  target      text NOT NULL,
  route       text NOT NULL DEFAULT '',
  status      integer NOT NULL,
  bytes       bigint NOT NULL DEFAULT 0,
  duration_us bigint NOT NULL DEFAULT 0,
  remote      text NOT NULL DEFAULT '',
  request_id  text NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_key_at ON audit_log (key_id, at);
