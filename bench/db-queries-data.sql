-- Synthetic observations for bench/db-queries.sh, made server-side with
-- generate_series: :hosts hosts over 100 ISPs (every 4th ISP holds two ASNs,
-- every 10th three; ISP sizes skewed: the largest holds about a tenth), each
-- a router (35%), VPN server (10%), proxy (5%) or other host (50%), with the
-- services such hosts expose, fingerprints, labels and attribution; then
-- :scans weekly scans of all of it. A service is seen by each scan it exists
-- in with probability 0.93; a tenth of the router PPTP servers and open
-- SOCKS proxies are switched on partway through (the hijack signal), and
-- some services end. Deterministic (hashes of the host number, no random()).
-- psql variables: hosts, scans.
\set ON_ERROR_STOP 1

CREATE UNLOGGED TABLE bench_isps AS
SELECT i AS isp, format('ORG-BENCH-%s', lpad(i::text, 3, '0')) AS org_id, format('Bench ISP %s', i) AS org_name,
       (ARRAY['JP', 'US', 'DE', 'FR', 'BR', 'IN', 'KR', 'GB', 'VN', 'ID'])[1 + i % 10] AS country,
       CASE WHEN i % 10 = 0 THEN 3 WHEN i % 4 = 0 THEN 2 ELSE 1 END AS asn_count
  FROM generate_series(1, 100) i;

-- Each ASN holds one /14 (262,144 addresses), in turn from 16.0.0.0.
CREATE UNLOGGED TABLE bench_asns AS
SELECT n, 64511 + n AS asn, isp, slot, '16.0.0.0'::inet + (n - 1) * 262144 AS base
  FROM (SELECT row_number() OVER (ORDER BY i.isp, k) AS n, i.isp, k - 1 AS slot
          FROM bench_isps i, generate_series(1, i.asn_count) k) numbered;

CREATE UNLOGGED TABLE bench_hosts AS
WITH raw AS (
  SELECT h, abs(hashint8(h)) AS r1, abs(hashint8(h + 1000000007)) AS r2, abs(hashint8(h + 2000000011)) AS r3
    FROM generate_series(1::bigint, :hosts) h),
placed AS (
  SELECT r.*, 1 + floor(power((r1 % 1000003) / 1000003.0, 1.6) * 100)::int AS isp FROM raw r)
SELECT p.h, p.isp, a.asn, i.org_id, i.org_name, i.country,
       a.base + row_number() OVER (PARTITION BY a.asn ORDER BY p.h) AS ip,
       CASE WHEN p.r2 % 100 < 35 THEN 'router' WHEN p.r2 % 100 < 45 THEN 'vpn'
            WHEN p.r2 % 100 < 50 THEN 'proxy' ELSE 'other' END AS kind,
       p.r3 % 10 AS model, p.r3 AS r3
  FROM placed p
  JOIN bench_isps i ON i.isp = p.isp
  JOIN bench_asns a ON a.isp = p.isp AND a.slot = (p.r2 / 100) % i.asn_count;

-- Router makes, by bench_hosts.model.
CREATE UNLOGGED TABLE bench_models (model, rule, vendor, product, version, panel) AS VALUES
  (0, 'mikrotik-routeros-webfig', 'MikroTik', 'RouterOS', '6.49.7', 'mikrotik-webfig-panel-version'),
  (1, 'tplink-archer-c7', 'TP-Link', 'Archer C7', '5.0', 'tplink-web-admin'),
  (2, 'asus-rt-ac68u', 'ASUS', 'RT-AC68U', '3.0.0.4', 'asus-asuswrt-admin-panel'),
  (3, 'avm-fritzbox-7590', 'AVM', 'FRITZ!Box 7590', '7.57', 'avm-fritzos-admin-panel'),
  (4, 'netgear-r7000', 'NETGEAR', 'R7000', '1.0.11', 'netgear-admin-panel'),
  (5, 'huawei-hg8245h', 'Huawei', 'EchoLife HG8245H', 'V3R017', 'huawei-ont-web-admin'),
  (6, 'dlink-dir-825', 'D-Link', 'DIR-825', '2.10', 'dlink-admin-panel'),
  (7, 'draytek-vigor', 'DrayTek', 'Vigor', '3.9.6', 'draytek-vigor-admin-panel'),
  (8, 'zyxel-usg20-vpn', 'Zyxel', 'USG20-VPN', '5.10', 'zyxel-zld-admin-panel'),
  (9, 'yamaha-rtx1210', 'Yamaha', 'RTX1210', '14.01', 'yamaha-rtx-admin-panel');

-- What each kind of host runs: share (percent of such hosts), the service's
-- own fingerprint (category, rule, vendor, product), whether it names the
-- router too, its label and severity, and whether it is switched on late.
CREATE UNLOGGED TABLE bench_catalog (kind, port, transport, protocol, share, category, rule, vendor, product, names_router,
                                 label, severity, late) AS VALUES
  ('router', 80, 'tcp', 'http', 70, 'admin-panel', NULL, NULL, NULL, true, 'admin-panel-exposed', 'high', false),
  ('router', 443, 'tcp', 'https', 30, 'admin-panel', NULL, NULL, NULL, true, 'admin-panel-exposed', 'high', false),
  ('router', 7547, 'tcp', 'cwmp', 30, 'remote-access', 'huawei-hgw-cwmp-listener', 'Huawei', 'TR-069 listener', true,
   'cwmp-exposed', 'medium', false),
  ('router', 1900, 'udp', 'upnp', 25, 'remote-access', 'miniupnpd', 'MiniUPnP', 'MiniUPnPd', true,
   'upnp-wan-exposed', 'medium', false),
  ('router', 1723, 'tcp', 'pptp', 12, 'vpn', 'router-pptp-server', NULL, 'PPTP server', true,
   'vpn-on-consumer-router', 'critical', true),
  ('router', 1080, 'tcp', 'socks5', 4, 'proxy', 'socks5-proxy', 'Unknown', 'SOCKS5 proxy', false, 'open-proxy',
   'critical', true),
  ('router', 22, 'tcp', 'ssh', 20, 'remote-access', 'dropbear', 'Matt Johnston', 'Dropbear SSH', false, NULL, NULL,
   false),
  ('vpn', 443, 'tcp', 'sslvpn', 60, 'vpn', 'fortinet-fortigate-sslvpn-model', 'Fortinet', 'FortiGate SSL VPN', false,
   NULL, NULL, false),
  ('vpn', 1194, 'udp', 'openvpn-udp', 30, 'vpn', 'openvpn-server', 'OpenVPN', 'OpenVPN server', false, NULL, NULL,
   false),
  ('vpn', 500, 'udp', 'ike', 35, 'vpn', 'strongswan-ike-vid-set', 'strongSwan', 'strongSwan', false, NULL, NULL,
   false),
  ('proxy', 3128, 'tcp', 'http-proxy', 50, 'proxy', 'squid-proxy', 'Squid', 'Squid', false, 'open-proxy',
   'critical', false),
  ('proxy', 8080, 'tcp', 'http-proxy', 40, 'proxy', 'tinyproxy-version', 'Tinyproxy', 'Tinyproxy', false,
   'proxy-auth-required', 'low', false),
  ('proxy', 1080, 'tcp', 'socks5', 30, 'proxy', 'socks5-proxy', 'Unknown', 'SOCKS5 proxy', false, 'open-proxy',
   'critical', false),
  ('other', 80, 'tcp', 'http', 60, 'other', 'lighttpd', 'lighttpd', 'lighttpd', false, NULL, NULL, false),
  ('other', 443, 'tcp', 'https', 55, 'other', 'nginx', 'nginx', 'nginx', false, NULL, NULL, false),
  ('other', 22, 'tcp', 'ssh', 45, 'remote-access', 'openssh', 'OpenBSD', 'OpenSSH', false, NULL, NULL, false),
  ('other', 23, 'tcp', 'telnet', 6, 'remote-access', 'busybox-telnetd-login', 'BusyBox', 'BusyBox telnetd', false,
   'telnet-exposed', 'high', false);

-- Each host's services, with the scans they exist in (from_scan..to_scan).
-- A host runs at least its kind's first service.
CREATE UNLOGGED TABLE bench_services AS
WITH chosen AS (
  SELECT h.h, h.model, c.*, abs(hashint8(h.h * 7919 + c.port * 3 + length(c.transport))) AS r
    FROM bench_hosts h JOIN bench_catalog c ON c.kind = h.kind),
kept AS (
  SELECT * FROM chosen
   WHERE r % 100 < share
      OR (port, transport) = (SELECT port, transport FROM bench_catalog f WHERE f.kind = chosen.kind LIMIT 1))
SELECT k.h, k.port, k.transport, k.protocol,
       CASE WHEN k.late THEN 2 + (k.r / 100) % (:scans - 1) ELSE 1 END AS from_scan,
       CASE WHEN (k.r / 1000) % 100 < 8 THEN 1 + (k.r / 100000) % :scans ELSE :scans END AS to_scan,
       jsonb_build_array(jsonb_build_object(
           'id', coalesce(k.rule, m.panel), 'source', 'fumidai', 'category', k.category,
           'vendor', coalesce(k.vendor, m.vendor), 'product', coalesce(k.product, m.product || ' web interface')))
         || CASE WHEN k.names_router THEN jsonb_build_array(jsonb_build_object(
                'id', m.rule, 'source', 'fumidai', 'category', 'router', 'vendor', m.vendor, 'product', m.product,
                'version', m.version))
            ELSE '[]'::jsonb END AS fingerprints,
       CASE WHEN k.names_router THEN ARRAY[k.category, 'router'] ELSE ARRAY[k.category] END AS categories,
       CASE WHEN k.label IS NULL THEN '{}'::text[] ELSE ARRAY[k.label] END AS labels,
       k.severity
  FROM kept k JOIN bench_models m ON m.model = k.model;
-- A service that ends before it starts never runs.
DELETE FROM bench_services WHERE to_scan < from_scan;
CREATE INDEX ON bench_services (h);
ANALYZE bench_hosts;
ANALYZE bench_services;

INSERT INTO scans (uid, name, started, finished, ports, udp_ports, targets, target_summary, tool_version)
SELECT format('bench-%s', k), format('bench scan %s', k), '2026-01-05T00:00:00Z'::timestamptz + (k - 1) * interval '7 days',
       '2026-01-05T06:00:00Z'::timestamptz + (k - 1) * interval '7 days',
       (SELECT array_agg(DISTINCT port ORDER BY port) FROM bench_catalog WHERE transport = 'tcp'),
       (SELECT array_agg(DISTINCT port ORDER BY port) FROM bench_catalog WHERE transport = 'udp'),
       (SELECT array_agg(set_masklen(base, 14)::cidr ORDER BY n) FROM bench_asns),
       'bench ASNs', 'bench'
  FROM generate_series(1, :scans) k;
SELECT ensure_scan_partitions(started) FROM scans WHERE uid LIKE 'bench-%';
