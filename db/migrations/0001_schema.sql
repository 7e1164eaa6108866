-- fumidai schema, version 1: scans, their observations (partitioned by scan
-- time), fingerprint matches and labels, the latest state per host, and the
-- dated ISP attribution data. db/README.md describes each table.
-- Applied in one transaction by `fumidai db migrate`; never edit a migration
-- that has shipped: add the next file instead.

-- One row per scan (a `scan --db` run, or one ingested JSONL file).
CREATE TABLE scans (
  id               bigserial PRIMARY KEY,
  -- Natural key: `scan --db` makes one per run; `ingest` uses the file's
  -- SHA-256 unless told otherwise, so a re-run finds the same scan.
  uid              text NOT NULL UNIQUE,
  name             text NOT NULL,
  started          timestamptz NOT NULL,
  finished         timestamptz,              -- null until the scan's last batch is in
  ports            integer[] NOT NULL DEFAULT '{}',
  udp_ports        integer[] NOT NULL DEFAULT '{}',
  rate             bigint,
  seed             numeric(20, 0),           -- a uint64
  shard            integer,
  shards           integer,
  targets          cidr[] NOT NULL DEFAULT '{}',  -- the address space it covered (disappearance needs it)
  target_summary   text NOT NULL DEFAULT '',
  tool_version     text NOT NULL,
  summary          jsonb NOT NULL DEFAULT '{}',   -- the scanner's end-of-scan summary, as it printed it
  -- Which import of each kind attributed its rows: {"pfx2as": 3, "as2org": 4, ...}.
  attribution      jsonb NOT NULL DEFAULT '{}',
  rows_ingested    bigint NOT NULL DEFAULT 0
);
CREATE INDEX scans_started ON scans (started);

-- Batches committed per scan: a retried batch (after a lost connection or a
-- re-run ingest) finds its number here and is skipped, in the same
-- transaction that would have written it.
CREATE TABLE ingest_batches (
  scan_id     bigint NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
  batch       bigint NOT NULL,
  rows        integer NOT NULL,
  committed   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scan_id, batch)
);

-- The observations: one row per (scan, ip, port, transport), stage 1 and 2
-- together. scan_started is the partition key (monthly partitions, made by
-- ensure_scan_partitions()). Attribution is copied in at ingest, as of the
-- scan's day.
CREATE TABLE services (
  scan_id       bigint NOT NULL,
  scan_started  timestamptz NOT NULL,
  ip            inet NOT NULL,
  port          integer NOT NULL CHECK (port BETWEEN 0 AND 65535),
  transport     text NOT NULL CHECK (transport IN ('tcp', 'udp')),
  protocol      text,                        -- null: stage 1 only
  status        text NOT NULL,               -- stage 1's open/closed or stage 2's success/io-timeout/...
  seen_at       timestamptz NOT NULL,        -- the record's ts
  ttl           smallint,
  data          jsonb,                       -- stage 2's data object, as grabbed
  error         text,
  ptr           text,
  fingerprints  jsonb NOT NULL DEFAULT '[]', -- the record's fingerprint array, as written
  categories    text[] NOT NULL DEFAULT '{}',
  labels        text[] NOT NULL DEFAULT '{}',
  severity      text,                        -- the highest of its labels' severities
  asn           bigint,
  org_id        text,
  org_name      text,
  country       text,
  PRIMARY KEY (scan_started, scan_id, ip, port, transport)
) PARTITION BY RANGE (scan_started);
CREATE INDEX services_ip ON services (ip, scan_started);

-- At most one fingerprint per category per service (fingerprints/README.md).
CREATE TABLE fingerprint_matches (
  scan_id       bigint NOT NULL,
  scan_started  timestamptz NOT NULL,
  ip            inet NOT NULL,
  port          integer NOT NULL,
  transport     text NOT NULL,
  category      text NOT NULL,
  rule_id       text NOT NULL,
  source        text NOT NULL,               -- fumidai or recog
  vendor        text,
  product       text,
  version       text,
  device        text,
  cpe           text,
  confidence    smallint,
  PRIMARY KEY (scan_started, scan_id, ip, port, transport, category)
) PARTITION BY RANGE (scan_started);

CREATE TABLE service_labels (
  scan_id       bigint NOT NULL,
  scan_started  timestamptz NOT NULL,
  ip            inet NOT NULL,
  port          integer NOT NULL,
  transport     text NOT NULL,
  label         text NOT NULL,
  severity      text NOT NULL,
  PRIMARY KEY (scan_started, scan_id, ip, port, transport, label)
) PARTITION BY RANGE (scan_started);

-- Rows older than any monthly partition (or far in the future) still land.
CREATE TABLE services_default PARTITION OF services DEFAULT;
CREATE TABLE fingerprint_matches_default PARTITION OF fingerprint_matches DEFAULT;
CREATE TABLE service_labels_default PARTITION OF service_labels DEFAULT;

-- Creates the month's partition of each observation table for `at`, if it is
-- missing. Ingest calls it when it creates a scan.
CREATE FUNCTION ensure_scan_partitions(at timestamptz) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  month_start timestamptz := date_trunc('month', at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
  month_end   timestamptz := month_start + interval '1 month';
  suffix      text := to_char(month_start AT TIME ZONE 'UTC', '"p"YYYYMM');
  parent      text;
BEGIN
  FOREACH parent IN ARRAY ARRAY['services', 'fingerprint_matches', 'service_labels'] LOOP
    IF to_regclass(format('%I', parent || '_' || suffix)) IS NULL THEN
      -- A default partition holding rows of this month would block the new
      -- partition; ingest creates the partition before any of its rows.
      EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
                     parent || '_' || suffix, parent, month_start, month_end);
    END IF;
  END LOOP;
END $$;

-- The latest state per service and per host, folded in when a scan finishes.
CREATE TABLE host_services (
  ip             inet NOT NULL,
  port           integer NOT NULL,
  transport      text NOT NULL,
  first_seen     timestamptz NOT NULL,
  last_seen      timestamptz NOT NULL,
  first_scan_id  bigint NOT NULL,
  last_scan_id   bigint NOT NULL,
  protocol       text,
  status         text NOT NULL,
  fingerprints   jsonb NOT NULL DEFAULT '[]',
  categories     text[] NOT NULL DEFAULT '{}',
  labels         text[] NOT NULL DEFAULT '{}',
  PRIMARY KEY (ip, port, transport)
);

CREATE TABLE hosts (
  ip              inet PRIMARY KEY,
  first_seen      timestamptz NOT NULL,
  last_seen       timestamptz NOT NULL,
  last_scan_id    bigint NOT NULL,
  asn             bigint,
  org_id          text,
  org_name        text,
  country         text,
  ptr             text,
  router_vendor   text,                      -- the host's router fingerprint, if any service named one
  router_product  text,
  router_version  text,
  categories      text[] NOT NULL DEFAULT '{}',
  labels          text[] NOT NULL DEFAULT '{}',
  services        integer NOT NULL DEFAULT 0 -- services present in its last scan
);
CREATE INDEX hosts_asn ON hosts (asn, ip);
CREATE INDEX hosts_org ON hosts (org_id, ip);
CREATE INDEX hosts_routers ON hosts (asn, ip) WHERE router_vendor IS NOT NULL;
CREATE INDEX hosts_labels ON hosts USING gin (labels);

-- Attribution data. Every import is dated by the data's own date (not the
-- day it was loaded); a scan is attributed with the newest import of each kind
-- dated on or before the scan's start, so old scans keep their day's view.
CREATE TABLE attribution_imports (
  id           bigserial PRIMARY KEY,
  kind         text NOT NULL CHECK (kind IN ('pfx2as', 'as2org', 'delegated', 'geolite2-asn', 'abuse')),
  source       text NOT NULL,               -- the file it came from
  sha256       text NOT NULL,
  data_date    date NOT NULL,
  imported_at  timestamptz NOT NULL DEFAULT now(),
  rows         bigint NOT NULL,
  skipped      bigint NOT NULL DEFAULT 0    -- bad lines passed over with --skip-bad
);
CREATE INDEX attribution_imports_kind ON attribution_imports (kind, data_date, id);

-- Routed prefix → origin AS (pfx2as; GeoLite2-ASN also names the AS).
-- Multi-origin prefixes keep every origin in `asns`; `asn` is the first.
CREATE TABLE prefix_origins (
  import_id  bigint NOT NULL REFERENCES attribution_imports (id) ON DELETE CASCADE,
  prefix     cidr NOT NULL,
  asn        bigint NOT NULL,
  asns       bigint[] NOT NULL,
  as_name    text
);
CREATE INDEX prefix_origins_prefix ON prefix_origins USING gist (prefix inet_ops);
CREATE INDEX prefix_origins_import ON prefix_origins (import_id);

-- CAIDA AS2Org: organisations (the ISP) and the ASes each holds.
CREATE TABLE organizations (
  import_id  bigint NOT NULL REFERENCES attribution_imports (id) ON DELETE CASCADE,
  org_id     text NOT NULL,
  name       text NOT NULL,
  country    text,
  source     text,
  changed    date,
  PRIMARY KEY (import_id, org_id)
);

CREATE TABLE as_orgs (
  import_id  bigint NOT NULL REFERENCES attribution_imports (id) ON DELETE CASCADE,
  asn        bigint NOT NULL,
  as_name    text,
  org_id     text NOT NULL,
  source     text,
  changed    date,
  PRIMARY KEY (import_id, asn)
);
CREATE INDEX as_orgs_org ON as_orgs (import_id, org_id);

-- RIR delegated-extended: the country an address block is registered to.
CREATE TABLE prefix_countries (
  import_id  bigint NOT NULL REFERENCES attribution_imports (id) ON DELETE CASCADE,
  prefix     cidr NOT NULL,
  country    text NOT NULL,
  registry   text NOT NULL,
  status     text NOT NULL,
  assigned   date
);
CREATE INDEX prefix_countries_prefix ON prefix_countries USING gist (prefix inet_ops);
CREATE INDEX prefix_countries_import ON prefix_countries (import_id);

-- Abuse contacts per prefix or per AS (RDAP's abuse entity, cached as CSV).
CREATE TABLE abuse_contacts (
  import_id  bigint NOT NULL REFERENCES attribution_imports (id) ON DELETE CASCADE,
  prefix     cidr,
  asn        bigint,
  email      text NOT NULL,
  source     text NOT NULL,
  updated    date,
  CHECK ((prefix IS NULL) <> (asn IS NULL))
);
CREATE INDEX abuse_contacts_prefix ON abuse_contacts USING gist (prefix inet_ops) WHERE prefix IS NOT NULL;
CREATE INDEX abuse_contacts_asn ON abuse_contacts (import_id, asn) WHERE asn IS NOT NULL;

-- The newest import of each kind: what "now" means to the API and to
-- lookups that have no scan date.
CREATE VIEW current_imports AS
SELECT DISTINCT ON (kind) id, kind, source, data_date, imported_at, rows
FROM attribution_imports
ORDER BY kind, data_date DESC, id DESC;

-- The import of `import_kind` in force on day `at`: the newest dated on or
-- before it, else (data newer than the scan) the oldest there is.
CREATE FUNCTION import_as_of(import_kind text, at timestamptz) RETURNS bigint
LANGUAGE sql STABLE AS $$
  SELECT id FROM (
    (SELECT id, 0 AS rank, data_date FROM attribution_imports
      WHERE kind = import_kind AND data_date <= (at AT TIME ZONE 'UTC')::date
      ORDER BY data_date DESC, id DESC LIMIT 1)
    UNION ALL
    (SELECT id, 1, data_date FROM attribution_imports
      WHERE kind = import_kind ORDER BY data_date, id LIMIT 1)
  ) candidates ORDER BY rank LIMIT 1
$$;

-- One ISP = one AS2Org organisation and all its ASes, per the current import.
CREATE VIEW isps AS
SELECT o.org_id, o.name, o.country, array_agg(a.asn ORDER BY a.asn) AS asns
FROM organizations o
JOIN as_orgs a ON a.import_id = o.import_id AND a.org_id = o.org_id
WHERE o.import_id = (SELECT id FROM current_imports WHERE kind = 'as2org')
GROUP BY o.org_id, o.name, o.country;
