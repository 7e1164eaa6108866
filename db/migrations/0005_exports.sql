-- Exports, version 5: the server's secret for pseudonymized exports
-- (pseudonymize=hmac). One row, made on first use by the API
-- (db::Pseudonymizer) from OpenSSL's random bytes, so that the same address
-- maps to the same pseudonym across exports and servers sharing a database.
CREATE TABLE export_secrets (
  id       smallint PRIMARY KEY CHECK (id = 1),
  secret   bytea NOT NULL CHECK (length(secret) >= 32),
  created  timestamptz NOT NULL DEFAULT now()
);
