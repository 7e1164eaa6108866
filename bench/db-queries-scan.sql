-- One synthetic scan for bench/db-queries.sh (after db-queries-data.sql):
-- scan number :scan's observations, fingerprint matches and labels, as the
-- ingest path would write them. psql variable: scan.
\set ON_ERROR_STOP 1
INSERT INTO services (scan_id, scan_started, ip, port, transport, protocol, status, seen_at, fingerprints, categories,
                      labels, severity, asn, org_id, org_name, country)
SELECT s.id, s.started, h.ip, b.port, b.transport, b.protocol, 'success',
       s.started + (h.h % 21600) * interval '1 second', b.fingerprints, b.categories, b.labels, b.severity, h.asn,
       h.org_id, h.org_name, h.country
  FROM scans s, bench_services b JOIN bench_hosts h USING (h)
 WHERE s.uid = format('bench-%s', :scan) AND :scan BETWEEN b.from_scan AND b.to_scan
   AND abs(hashint8(b.h * 31 + b.port * 1009 + :scan * 7)) % 100 < 93;
INSERT INTO fingerprint_matches (scan_id, scan_started, ip, port, transport, category, rule_id, source, vendor,
                                 product, version, confidence)
SELECT o.scan_id, o.scan_started, o.ip, o.port, o.transport, f ->> 'category', f ->> 'id', 'fumidai', f ->> 'vendor',
       f ->> 'product', f ->> 'version', 90
  FROM scans s
  JOIN services o ON o.scan_started = s.started AND o.scan_id = s.id, jsonb_array_elements(o.fingerprints) f
 WHERE s.uid = format('bench-%s', :scan);
INSERT INTO service_labels (scan_id, scan_started, ip, port, transport, label, severity)
SELECT o.scan_id, o.scan_started, o.ip, o.port, o.transport, l, o.severity
  FROM scans s
  JOIN services o ON o.scan_started = s.started AND o.scan_id = s.id, unnest(o.labels) l
 WHERE s.uid = format('bench-%s', :scan);
UPDATE scans SET rows_ingested = (SELECT count(*) FROM services o WHERE o.scan_started = scans.started
                                                                 AND o.scan_id = scans.id)
 WHERE uid = format('bench-%s', :scan);
