-- fumidai schema, version 2: the latest state per service and host, folded in
-- when a scan is finalized; per-scan exposure counts; history and change
-- between scans. db/README.md ("History and change") describes each part.

-- When finalize_scan() first folded the scan in; null: not yet. Only
-- finalized scans count towards the latest state and the history.
ALTER TABLE scans ADD COLUMN finalized timestamptz;
CREATE INDEX scans_finalized ON scans (started DESC, id DESC) WHERE finalized IS NOT NULL;

-- A service stays in host_services after a scan that covered it no longer
-- saw it: current = false, and gone_since/gone_scan_id name the first
-- covering scan after its last sighting that did not see it.
-- router_fingerprint: the router-category fingerprint of its latest sighting
-- that named one, so a router stays known when a later grab names less.
ALTER TABLE host_services
  ADD COLUMN current             boolean NOT NULL DEFAULT true,
  ADD COLUMN gone_since          timestamptz,
  ADD COLUMN gone_scan_id        bigint,
  ADD COLUMN router_fingerprint  jsonb;

-- Every fold rewrites the rows it touches (last_seen moves on): room on each
-- page lets most of those be HOT updates.
ALTER TABLE host_services SET (fillfactor = 70);
ALTER TABLE hosts SET (fillfactor = 70);

ALTER TABLE hosts ADD COLUMN first_scan_id bigint;
-- One ISP's routers with something exposed, in address order (keyset paging).
CREATE INDEX hosts_org_routers ON hosts (org_id, ip) WHERE router_vendor IS NOT NULL AND services > 0;
CREATE INDEX hosts_asn_routers ON hosts (asn, ip) WHERE router_vendor IS NOT NULL AND services > 0;

-- Exposure counts per scan, filled by finalize_scan: one row per
-- (scan, kind, name, vendor, category, asn, org, country). kind:
--   service   every service present (name '')
--   category  per fingerprint category (name = the category)
--   label     per label (name = the label id)
--   product   per fingerprint (name = product, vendor, category)
-- `hosts` counts distinct addresses within the row. An address has one
-- attribution per scan, so hosts add up across asn, org and country, but not
-- across names: a host with two labels is in both rows.
CREATE TABLE scan_exposure (
  scan_id   bigint NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
  kind      text NOT NULL CHECK (kind IN ('service', 'category', 'label', 'product')),
  name      text NOT NULL,
  vendor    text NOT NULL DEFAULT '',
  category  text NOT NULL DEFAULT '',
  asn       bigint,
  org_id    text,
  org_name  text,
  country   text,
  services  bigint NOT NULL,
  hosts     bigint NOT NULL
);
CREATE INDEX scan_exposure_scan ON scan_exposure (scan_id, kind, org_id);
CREATE INDEX scan_exposure_asn ON scan_exposure (asn, kind, scan_id);

-- Whether an observation means the service is there. A port that refused,
-- timed out on connect, answered closed or unreachable, or was blocklisted
-- is absent; any other answer (success, a protocol or I/O error after the
-- connection) shows something listening.
CREATE FUNCTION service_present(status text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT status NOT IN ('closed', 'unreachable', 'connection-refused', 'connection-timeout', 'blocklisted-target')
$$;

-- The distinct fingerprint rule ids of a record's fingerprint array, sorted.
CREATE FUNCTION fingerprint_rule_ids(fingerprints jsonb) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT f ->> 'id' ORDER BY f ->> 'id'), '{}')
  FROM jsonb_array_elements(fingerprints) f
$$;

-- The router-category element of a record's fingerprint array, if any.
CREATE FUNCTION router_fingerprint(fingerprints jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT f FROM jsonb_array_elements(fingerprints) f WHERE f ->> 'category' = 'router' LIMIT 1
$$;

-- Concatenates arrays over rows (then sorted_distinct makes a set of them).
CREATE AGGREGATE array_cat_agg(anycompatiblearray) (SFUNC = array_cat, STYPE = anycompatiblearray, INITCOND = '{}');

CREATE FUNCTION sorted_distinct(items text[]) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT i ORDER BY i), '{}') FROM unnest(items) i
$$;

-- Whether scan `c` probed (ip, port, transport): the port is in its port list
-- for that transport, and the address in its targets. A scan whose targets
-- are unknown (an ingested file without its metadata) covers only the
-- addresses it has any record of: those it certainly reached.
CREATE FUNCTION scan_covers(c scans, ip inet, port integer, transport text) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT port = ANY (CASE transport WHEN 'udp' THEN c.udp_ports ELSE c.ports END)
     AND CASE WHEN cardinality(c.targets) > 0 THEN ip <<= ANY (c.targets)
              ELSE EXISTS (SELECT 1 FROM services o
                            WHERE o.ip = scan_covers.ip AND o.scan_started = c.started AND o.scan_id = c.id)
         END
$$;

-- Microseconds since the epoch: how times cross to the C++ query layer.
CREATE FUNCTION epoch_us(t timestamptz) RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT (extract(epoch FROM t) * 1000000)::bigint
$$;

-- The newest finalized scan, by start time (then id).
CREATE FUNCTION latest_scan_id() RETURNS bigint
LANGUAGE sql STABLE AS $$
  SELECT id FROM scans WHERE finalized IS NOT NULL ORDER BY started DESC, id DESC LIMIT 1
$$;

-- Folds scan `finalize_id` into host_services and hosts and fills its
-- scan_exposure rows. Idempotent. Order-independent: the state of a service is
-- that of the newest finalized scan covering it, so a late, older scan only
-- fills in what it alone knows (an earlier first sighting, or that the
-- service was already gone before a newer scan saw it again).
-- JIT is off: the planner cannot know the temporary tables' sizes, and
-- compiling costs more than the folds it would speed up. work_mem is raised
-- so a million-row scan's sorts stay in memory.
CREATE FUNCTION finalize_scan(finalize_id bigint) RETURNS void
LANGUAGE plpgsql SET client_min_messages = warning SET jit = off SET work_mem = '256MB' AS $$
DECLARE
  s scans%ROWTYPE;
  newest boolean;
BEGIN
  -- One fold at a time: each reads the state the others write.
  PERFORM pg_advisory_xact_lock(7306010711660819762);  -- "fumidai2"
  SELECT * INTO s FROM scans WHERE id = finalize_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'finalize_scan: there is no scan %', finalize_id USING ERRCODE = 'invalid_parameter_value';
  END IF;
  UPDATE scans SET finalized = coalesce(finalized, now()) WHERE id = s.id;

  DROP TABLE IF EXISTS finalize_present, finalize_ips;
  CREATE TEMP TABLE finalize_present ON COMMIT DROP AS
    SELECT o.ip, o.port, o.transport, o.protocol, o.status, o.seen_at, o.fingerprints, o.categories, o.labels,
           o.asn, o.org_id, o.org_name, o.country, o.ptr
      FROM services o
     WHERE o.scan_started = s.started AND o.scan_id = s.id AND service_present(o.status);
  ALTER TABLE finalize_present ADD PRIMARY KEY (ip, port, transport);
  ANALYZE finalize_present;
  -- The addresses whose host row must be recomputed.
  CREATE TEMP TABLE finalize_ips (ip inet PRIMARY KEY) ON COMMIT DROP;

  newest := NOT EXISTS (SELECT 1 FROM scans o
                         WHERE o.finalized IS NOT NULL AND o.id <> s.id AND (o.started, o.id) > (s.started, s.id));
  IF newest THEN
    -- Everything folded so far is older: what this scan saw is current...
    INSERT INTO host_services AS h (ip, port, transport, first_seen, last_seen, first_scan_id, last_scan_id, protocol,
                                    status, fingerprints, categories, labels, current, gone_since, gone_scan_id,
                                    router_fingerprint)
    SELECT p.ip, p.port, p.transport, p.seen_at, p.seen_at, s.id, s.id, p.protocol, p.status, p.fingerprints,
           p.categories, p.labels, true, NULL, NULL,
           CASE WHEN 'router' = ANY (p.categories) THEN router_fingerprint(p.fingerprints) END
      FROM finalize_present p
    ON CONFLICT (ip, port, transport) DO UPDATE
       SET last_seen = excluded.last_seen, last_scan_id = excluded.last_scan_id, protocol = excluded.protocol,
           status = excluded.status, fingerprints = excluded.fingerprints, categories = excluded.categories,
           labels = excluded.labels, current = true, gone_since = NULL, gone_scan_id = NULL,
           router_fingerprint = coalesce(excluded.router_fingerprint, h.router_fingerprint);
    -- ...and what it covered but did not see (every current row it saw now
    -- names it as last scan) is gone.
    IF cardinality(s.targets) > 0 THEN
      WITH gone AS (
        UPDATE host_services h SET current = false, gone_since = s.started, gone_scan_id = s.id
          FROM (SELECT DISTINCT t FROM unnest(s.targets) t) r
         WHERE h.ip BETWEEN host(network(r.t))::inet AND host(broadcast(r.t))::inet AND h.ip <<= r.t
           AND h.current AND h.last_scan_id <> s.id
           AND h.port = ANY (CASE h.transport WHEN 'udp' THEN s.udp_ports ELSE s.ports END)
        RETURNING h.ip)
      INSERT INTO finalize_ips SELECT DISTINCT ip FROM gone;
    ELSE
      WITH gone AS (
        UPDATE host_services h SET current = false, gone_since = s.started, gone_scan_id = s.id
         WHERE h.ip IN (SELECT o.ip FROM services o WHERE o.scan_started = s.started AND o.scan_id = s.id)
           AND h.current AND h.last_scan_id <> s.id
           AND h.port = ANY (CASE h.transport WHEN 'udp' THEN s.udp_ports ELSE s.ports END)
        RETURNING h.ip)
      INSERT INTO finalize_ips SELECT DISTINCT ip FROM gone;
    END IF;
    INSERT INTO finalize_ips SELECT DISTINCT ip FROM finalize_present ON CONFLICT DO NOTHING;
  ELSE
    PERFORM refold_services(s);
  END IF;

  PERFORM refresh_hosts(s);
  PERFORM refresh_scan_exposure(s);
END $$;

-- finalize_scan's slow path, for a scan older than one already folded: every
-- service it saw or covered is recomputed from all finalized scans.
CREATE FUNCTION refold_services(s scans) RETURNS void
LANGUAGE plpgsql SET client_min_messages = warning AS $$
BEGIN
  DROP TABLE IF EXISTS finalize_keys;
  CREATE TEMP TABLE finalize_keys (ip inet, port integer, transport text, PRIMARY KEY (ip, port, transport))
    ON COMMIT DROP;
  INSERT INTO finalize_keys SELECT ip, port, transport FROM finalize_present;
  INSERT INTO finalize_keys
  SELECT h.ip, h.port, h.transport FROM host_services h WHERE scan_covers(s, h.ip, h.port, h.transport)
  ON CONFLICT DO NOTHING;
  ANALYZE finalize_keys;

  WITH sightings AS (
    SELECT k.ip, k.port, k.transport, o.scan_id, c.started, o.seen_at, o.protocol, o.status, o.fingerprints,
           o.categories, o.labels
      FROM finalize_keys k
      JOIN services o ON o.ip = k.ip AND o.port = k.port AND o.transport = k.transport
      JOIN scans c ON c.id = o.scan_id AND c.started = o.scan_started
     WHERE c.finalized IS NOT NULL AND service_present(o.status)),
  first AS (
    SELECT DISTINCT ON (ip, port, transport) ip, port, transport, seen_at, scan_id
      FROM sightings ORDER BY ip, port, transport, started, scan_id),
  last AS (
    SELECT DISTINCT ON (ip, port, transport) *
      FROM sightings ORDER BY ip, port, transport, started DESC, scan_id DESC),
  routers AS (
    SELECT DISTINCT ON (ip, port, transport) ip, port, transport, router_fingerprint(fingerprints) AS fingerprint
      FROM sightings WHERE 'router' = ANY (categories)
     ORDER BY ip, port, transport, started DESC, scan_id DESC),
  -- No scan after the last sighting saw it: the first of them that covered
  -- it is when it went.
  gone AS (
    SELECT DISTINCT ON (l.ip, l.port, l.transport) l.ip, l.port, l.transport, c.id, c.started
      FROM last l
      JOIN scans c ON c.finalized IS NOT NULL AND (c.started, c.id) > (l.started, l.scan_id)
     WHERE scan_covers(c, l.ip, l.port, l.transport)
     ORDER BY l.ip, l.port, l.transport, c.started, c.id)
  INSERT INTO host_services AS h (ip, port, transport, first_seen, last_seen, first_scan_id, last_scan_id, protocol,
                                  status, fingerprints, categories, labels, current, gone_since, gone_scan_id,
                                  router_fingerprint)
  SELECT l.ip, l.port, l.transport, f.seen_at, l.seen_at, f.scan_id, l.scan_id, l.protocol, l.status, l.fingerprints,
         l.categories, l.labels, g.id IS NULL, g.started, g.id, r.fingerprint
    FROM last l
    JOIN first f USING (ip, port, transport)
    LEFT JOIN gone g USING (ip, port, transport)
    LEFT JOIN routers r USING (ip, port, transport)
  ON CONFLICT (ip, port, transport) DO UPDATE
     SET first_seen = excluded.first_seen, last_seen = excluded.last_seen, first_scan_id = excluded.first_scan_id,
         last_scan_id = excluded.last_scan_id, protocol = excluded.protocol, status = excluded.status,
         fingerprints = excluded.fingerprints, categories = excluded.categories, labels = excluded.labels,
         current = excluded.current, gone_since = excluded.gone_since, gone_scan_id = excluded.gone_scan_id,
         router_fingerprint = excluded.router_fingerprint;

  INSERT INTO finalize_ips SELECT DISTINCT ip FROM finalize_keys;
END $$;

-- Recomputes the hosts rows of finalize_ips from host_services: first and
-- last sighting, the current services' categories and labels, the router
-- fingerprint (a current service's if one ever named one, else a gone
-- service's: a known router stays known), and the attribution and PTR of its
-- latest scan.
CREATE FUNCTION refresh_hosts(s scans) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  ANALYZE finalize_ips;
  WITH rows AS (
    SELECT h.*, c.started AS last_started
      FROM finalize_ips i
      JOIN host_services h ON h.ip = i.ip
      JOIN scans c ON c.id = h.last_scan_id),
  -- min and max over [time, id] arrays pick the first and the latest
  -- sighting without a sort per host.
  folded AS (
    SELECT ip, min(first_seen) AS first_seen, max(last_seen) AS last_seen,
           min(ARRAY[epoch_us(first_seen), first_scan_id]) AS first,
           max(ARRAY[epoch_us(last_started), last_scan_id]) AS latest,
           count(*) FILTER (WHERE current) AS services,
           sorted_distinct(array_cat_agg(categories) FILTER (WHERE current)) AS categories,
           sorted_distinct(array_cat_agg(labels) FILTER (WHERE current)) AS labels
      FROM rows GROUP BY ip),
  routers AS (
    SELECT DISTINCT ON (ip) ip, router_fingerprint AS fingerprint
      FROM rows WHERE router_fingerprint IS NOT NULL
     ORDER BY ip, current DESC, last_started DESC, last_scan_id DESC, port, transport),
  -- Attribution and PTR from the host's latest scan: this scan's own rows
  -- when it saw the host, else a look-up.
  present AS (
    SELECT DISTINCT ON (ip) ip, asn, org_id, org_name, country, ptr
      FROM finalize_present ORDER BY ip, ptr IS NULL, port, transport)
  INSERT INTO hosts AS h (ip, first_seen, last_seen, first_scan_id, last_scan_id, asn, org_id, org_name, country, ptr,
                          router_vendor, router_product, router_version, categories, labels, services)
  SELECT f.ip, f.first_seen, f.last_seen, f.first[2], f.latest[2], coalesce(p.asn, a.asn),
         coalesce(p.org_id, a.org_id), coalesce(p.org_name, a.org_name), coalesce(p.country, a.country),
         CASE WHEN p.ip IS NOT NULL THEN p.ptr ELSE a.ptr END, r.fingerprint ->> 'vendor',
         r.fingerprint ->> 'product', r.fingerprint ->> 'version', f.categories, f.labels, f.services
    FROM folded f
    JOIN scans latest ON latest.id = f.latest[2]
    LEFT JOIN routers r ON r.ip = f.ip
    LEFT JOIN present p ON p.ip = f.ip AND latest.id = s.id
    LEFT JOIN LATERAL (
      SELECT o.asn, o.org_id, o.org_name, o.country, o.ptr FROM services o
       WHERE p.ip IS NULL AND o.ip = f.ip AND o.scan_started = latest.started AND o.scan_id = latest.id
       ORDER BY o.ptr IS NULL, o.port, o.transport LIMIT 1) a ON true
  ON CONFLICT (ip) DO UPDATE
     SET first_seen = excluded.first_seen, last_seen = excluded.last_seen, first_scan_id = excluded.first_scan_id,
         last_scan_id = excluded.last_scan_id, asn = excluded.asn, org_id = excluded.org_id,
         org_name = excluded.org_name, country = excluded.country, ptr = excluded.ptr,
         router_vendor = excluded.router_vendor, router_product = excluded.router_product,
         router_version = excluded.router_version, categories = excluded.categories, labels = excluded.labels,
         services = excluded.services;
END $$;

-- Replaces scan s's scan_exposure rows, from its present observations
-- (finalize_present).
CREATE FUNCTION refresh_scan_exposure(s scans) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM scan_exposure WHERE scan_id = s.id;
  INSERT INTO scan_exposure (scan_id, kind, name, vendor, category, asn, org_id, org_name, country, services, hosts)
  SELECT s.id, 'service', '', '', '', asn, org_id, org_name, country, count(*), count(DISTINCT ip)
    FROM finalize_present GROUP BY asn, org_id, org_name, country
  UNION ALL
  SELECT s.id, 'category', c, '', '', asn, org_id, org_name, country, count(*), count(DISTINCT ip)
    FROM finalize_present, unnest(categories) c GROUP BY c, asn, org_id, org_name, country
  UNION ALL
  SELECT s.id, 'label', l, '', '', asn, org_id, org_name, country, count(*), count(DISTINCT ip)
    FROM finalize_present, unnest(labels) l GROUP BY l, asn, org_id, org_name, country
  UNION ALL
  SELECT s.id, 'product', coalesce(m.product, ''), coalesce(m.vendor, ''), m.category, a.asn, a.org_id, a.org_name,
         a.country, count(*), count(DISTINCT a.ip)
    FROM finalize_present a
    JOIN fingerprint_matches m ON m.scan_started = s.started AND m.scan_id = s.id
                              AND m.ip = a.ip AND m.port = a.port AND m.transport = a.transport
   GROUP BY m.product, m.vendor, m.category, a.asn, a.org_id, a.org_name, a.country;
END $$;

-- What changed between two scans, over the services both covered (an address
-- or port outside either scan's coverage is never reported):
--   appeared     present in scan_b, not in scan_a
--   disappeared  present in scan_a, not in scan_b
--   changed      present in both, with a different protocol, fingerprint
--                rule ids or labels
CREATE FUNCTION service_changes(scan_a bigint, scan_b bigint)
RETURNS TABLE (ip inet, port integer, transport text, change text,
               protocol_a text, protocol_b text, status_a text, status_b text,
               rule_ids_a text[], rule_ids_b text[], categories_a text[], categories_b text[],
               labels_a text[], labels_b text[], fingerprints_a jsonb, fingerprints_b jsonb)
LANGUAGE plpgsql STABLE AS $$
DECLARE
  a scans%ROWTYPE;
  b scans%ROWTYPE;
BEGIN
  SELECT * INTO a FROM scans WHERE id = scan_a;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'service_changes: there is no scan %', scan_a USING ERRCODE = 'invalid_parameter_value';
  END IF;
  SELECT * INTO b FROM scans WHERE id = scan_b;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'service_changes: there is no scan %', scan_b USING ERRCODE = 'invalid_parameter_value';
  END IF;
  RETURN QUERY
  WITH pa AS (
    SELECT o.* FROM services o
     WHERE o.scan_started = a.started AND o.scan_id = a.id AND service_present(o.status)),
  pb AS (
    SELECT o.* FROM services o
     WHERE o.scan_started = b.started AND o.scan_id = b.id AND service_present(o.status)),
  pairs AS (
    SELECT coalesce(pa.ip, pb.ip) AS ip, coalesce(pa.port, pb.port) AS port,
           coalesce(pa.transport, pb.transport) AS transport,
           pa.ip IS NOT NULL AS in_a, pb.ip IS NOT NULL AS in_b,
           pa.protocol AS protocol_a, pb.protocol AS protocol_b, pa.status AS status_a, pb.status AS status_b,
           fingerprint_rule_ids(pa.fingerprints) AS rule_ids_a, fingerprint_rule_ids(pb.fingerprints) AS rule_ids_b,
           pa.categories AS categories_a, pb.categories AS categories_b,
           pa.labels AS labels_a, pb.labels AS labels_b,
           pa.fingerprints AS fingerprints_a, pb.fingerprints AS fingerprints_b
      FROM pa FULL JOIN pb ON pb.ip = pa.ip AND pb.port = pa.port AND pb.transport = pa.transport),
  classified AS (
    SELECT p.*,
           CASE WHEN p.in_a AND p.in_b THEN
                  CASE WHEN p.protocol_a IS DISTINCT FROM p.protocol_b OR p.rule_ids_a <> p.rule_ids_b
                              OR sorted_distinct(p.labels_a) <> sorted_distinct(p.labels_b)
                       THEN 'changed' END
                WHEN p.in_b THEN 'appeared'
                ELSE 'disappeared' END AS change
      FROM pairs p)
  SELECT c.ip, c.port, c.transport, c.change, c.protocol_a, c.protocol_b, c.status_a, c.status_b,
         CASE WHEN c.in_a THEN c.rule_ids_a END, CASE WHEN c.in_b THEN c.rule_ids_b END,
         c.categories_a, c.categories_b, c.labels_a, c.labels_b, c.fingerprints_a, c.fingerprints_b
    FROM classified c
   WHERE c.change IS NOT NULL
     AND (c.in_a OR scan_covers(a, c.ip, c.port, c.transport))
     AND (c.in_b OR scan_covers(b, c.ip, c.port, c.transport))
   ORDER BY c.ip, c.port, c.transport;
END $$;

-- The hijack signal: a VPN or proxy service that appeared between scan_a and
-- scan_b (new, or an existing service that now fingerprints as one) on a
-- host known as a router: a router fingerprint on any of its services in
-- either scan, or in its folded host row.
CREATE FUNCTION hijack_signals(scan_a bigint, scan_b bigint)
RETURNS TABLE (ip inet, port integer, transport text, change text, protocol text, category text,
               vendor text, product text, version text, rule_id text, labels text[],
               router_vendor text, router_product text, router_version text)
LANGUAGE sql STABLE AS $$
  WITH candidates AS (
    SELECT c.*,
           (SELECT f FROM jsonb_array_elements(c.fingerprints_b) f
             WHERE f ->> 'category' IN ('vpn', 'proxy') ORDER BY f ->> 'category' DESC LIMIT 1) AS service_fp
      FROM service_changes(scan_a, scan_b) c
     WHERE c.categories_b && ARRAY['vpn', 'proxy']
       AND (c.change = 'appeared' OR (c.change = 'changed' AND NOT c.categories_a && ARRAY['vpn', 'proxy']))),
  routers AS (
    SELECT DISTINCT ON (k.ip) k.ip, r.vendor, r.product, r.version
      FROM (SELECT DISTINCT candidates.ip FROM candidates) k
      CROSS JOIN LATERAL (
        SELECT f ->> 'vendor' AS vendor, f ->> 'product' AS product, f ->> 'version' AS version, 0 AS rank, sc.started
          FROM services o
          JOIN scans sc ON sc.id = o.scan_id AND sc.started = o.scan_started,
               jsonb_array_elements(o.fingerprints) f
         WHERE o.ip = k.ip AND o.scan_id IN (scan_a, scan_b) AND 'router' = ANY (o.categories)
           AND f ->> 'category' = 'router'
        UNION ALL
        SELECT h.router_vendor, h.router_product, h.router_version, 1, NULL
          FROM hosts h WHERE h.ip = k.ip AND h.router_vendor IS NOT NULL) r
     ORDER BY k.ip, r.rank, r.started DESC)
  SELECT c.ip, c.port, c.transport, c.change, c.protocol_b, c.service_fp ->> 'category', c.service_fp ->> 'vendor',
         c.service_fp ->> 'product', c.service_fp ->> 'version', c.service_fp ->> 'id', c.labels_b,
         r.vendor, r.product, r.version
    FROM candidates c
    JOIN routers r USING (ip)
   ORDER BY c.ip, c.port, c.transport
$$;

-- A host's history: one row per finalized scan that covered it and per
-- service it ever showed on a port that scan probed, where the service was
-- present or had just gone. change, against the previous scan covering the
-- same service: new (no earlier scan covered it), appeared, unchanged,
-- changed (protocol, fingerprint rule ids or labels), disappeared.
CREATE FUNCTION host_history(host inet)
RETURNS TABLE (scan_id bigint, scan_started timestamptz, port integer, transport text, change text,
               protocol text, status text, seen_at timestamptz, rule_ids text[], categories text[],
               labels text[], fingerprints jsonb)
LANGUAGE sql STABLE AS $$
  WITH covering AS (
    SELECT c.* FROM scans c
     WHERE c.finalized IS NOT NULL
       AND CASE WHEN cardinality(c.targets) > 0 THEN host <<= ANY (c.targets)
                ELSE EXISTS (SELECT 1 FROM services o
                              WHERE o.ip = host AND o.scan_started = c.started AND o.scan_id = c.id) END),
  sightings AS (
    SELECT o.* FROM services o
     WHERE o.ip = host AND service_present(o.status)
       AND (o.scan_id, o.scan_started) IN (SELECT c.id, c.started FROM covering c)),
  keys AS (SELECT DISTINCT s.port, s.transport FROM sightings s),
  grid AS (
    SELECT c.id AS scan_id, c.started, k.port, k.transport, o.scan_id IS NOT NULL AS present, o.protocol, o.status,
           o.seen_at, fingerprint_rule_ids(o.fingerprints) AS rule_ids, o.categories,
           sorted_distinct(o.labels) AS labels, o.fingerprints
      FROM covering c
      JOIN keys k ON k.port = ANY (CASE k.transport WHEN 'udp' THEN c.udp_ports ELSE c.ports END)
      LEFT JOIN sightings o ON o.scan_id = c.id AND o.port = k.port AND o.transport = k.transport),
  sequenced AS (
    SELECT g.*,
           lag(g.present) OVER w AS was_present, lag(g.protocol) OVER w AS was_protocol,
           lag(g.rule_ids) OVER w AS was_rule_ids, lag(g.labels) OVER w AS was_labels
      FROM grid g
    WINDOW w AS (PARTITION BY g.port, g.transport ORDER BY g.started, g.scan_id))
  SELECT q.scan_id, q.started, q.port, q.transport,
         CASE WHEN NOT q.present THEN 'disappeared'
              WHEN q.was_present IS NULL THEN 'new'
              WHEN NOT q.was_present THEN 'appeared'
              WHEN q.protocol IS DISTINCT FROM q.was_protocol OR q.rule_ids <> q.was_rule_ids
                   OR q.labels <> q.was_labels THEN 'changed'
              ELSE 'unchanged' END,
         q.protocol, q.status, q.seen_at, q.rule_ids, q.categories, q.labels, q.fingerprints
    FROM sequenced q
   WHERE q.present OR q.was_present
   ORDER BY q.started, q.scan_id, q.port, q.transport
$$;
