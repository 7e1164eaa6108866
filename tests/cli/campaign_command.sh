#!/usr/bin/env bash
# `fumidai campaign` and `fumidai optouts` against the db_cluster fixture's
# PostgreSQL in a database of its own, with the lab's attribution imported
# and one finalized scan of four VPN-serving routers written in with SQL:
#  1. Bad input (flags, selections, ids, a non-DSN bounce file) exits 2 with
#     one line and leaves nothing behind.
#  2. create groups the routers by abuse contact and queues one letter each;
#     letters and letter show them; a relay that is down leaves them queued
#     with the reason; a queued letter cannot be acknowledged; remediation
#     says no scan has come since; a bounce for an unknown letter records
#     nothing.
# Usage: campaign_command.sh /path/to/fumidai
set -euo pipefail
FUMIDAI=${1:?usage: campaign_command.sh /path/to/fumidai}
WORK=$(mktemp -d)
DB_NAME=fumidai_cli_campaign_$$
BASE_URL=$("$FUMIDAI" db url)
URL=${BASE_URL/dbname=fumidai/dbname=$DB_NAME}
cleanup() {
  psql -qX "$BASE_URL" -c "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
TEST_NAME=campaign_command
source "$(dirname "$0")/clilib.sh"
SOURCE_DIR=$(cd "$(dirname "$0")/../.." && pwd)
psql -qX "$BASE_URL" -c "CREATE DATABASE $DB_NAME" >/dev/null
"$FUMIDAI" db migrate --db "$URL" >/dev/null
LAB=$SOURCE_DIR/lab/attribution
"$FUMIDAI" import pfx2as --db "$URL" "$LAB/routeviews-rv2-20250101-1200.pfx2as" >/dev/null
"$FUMIDAI" import as2org --db "$URL" "$LAB/20250101.as-org2info.txt" >/dev/null
"$FUMIDAI" import abuse --db "$URL" --date 2025-01-01 "$LAB/abuse-contacts.csv" >/dev/null
psql -qX -v ON_ERROR_STOP=1 "$URL" >/dev/null <<'SQL'
SELECT ensure_scan_partitions('2026-04-06T00:00:00Z');
INSERT INTO scans (uid, name, started, finished, ports, targets, tool_version)
VALUES ('cli-campaign', 'test', '2026-04-06T00:00:00Z', '2026-04-06T01:00:00Z', '{1723}', '{198.19.0.0/24}', 'test');
INSERT INTO services (scan_id, scan_started, ip, port, transport, protocol, status, seen_at, fingerprints, categories,
                      labels, asn, org_id, org_name, country)
SELECT s.id, s.started, h.ip::inet, 1723, 'tcp', 'pptp', 'success', s.started + interval '10 minutes',
       '[{"id": "router-pptp-server", "source": "fumidai", "category": "vpn", "vendor": "TP-Link", "product": "PPTP server"}]',
       '{vpn}', '{vpn-on-consumer-router}', h.asn, h.org_id, h.org_name, 'JP'
FROM scans s, (VALUES ('198.19.0.20', 64496, 'ORG-SAKURA-JPNIC', 'Sakura Hikari Net K.K.'),
                      ('198.19.0.33', 64498, 'ORG-KUMO-JPNIC', 'Kumo Broadband, Inc.'),
                      ('198.19.0.34', 64498, 'ORG-KUMO-JPNIC', 'Kumo Broadband, Inc.'),
                      ('198.19.0.12', 64500, 'ORG-MINATO-JPNIC', 'Minato Business Link K.K.'))
              AS h (ip, asn, org_id, org_name);
SELECT finalize_scan(id) FROM scans;
SQL

# 1. Bad input.
create=(campaign create "JP VPN routers" --db "$URL")
expect_exit 2 "selection: name at least one filter" "${create[@]}"
expect_exit 2 "--select \"label\": NAME=VALUE" "${create[@]}" --select label
expect_exit 2 "selection.colour" "${create[@]}" --select colour=red
expect_exit 2 "selection.country" "${create[@]}" --select country=Japan
expect_exit 2 "--grouping \"nope\"" "${create[@]}" --select country=JP --grouping nope
expect_exit 2 "control_fraction: from 0 to 0.5" "${create[@]}" --select country=JP --control 0.7
expect_exit 2 "no letter templates in \"xx\"" "${create[@]}" --select country=JP --language xx
expect_exit 2 "matches no exposures" "${create[@]}" --select country=FR
expect_exit 2 "--selection: not a JSON object" "${create[@]}" --selection '[1]'
expect_exit 2 "--public-url" "${create[@]}" --select country=JP --public-url ftp://x
expect_exit 2 "no campaign 999" campaign show 999 --db "$URL"
[[ $(psql -XAt "$URL" -c "SELECT count(*) FROM campaigns") == 0 ]] || fail "a refused campaign left rows behind"

# 2. A campaign, its letters, a relay that is down.
expect_exit 0 "3 letters queued to 3 treated recipients; 0 recipients in control; 0 unresolved" \
  "${create[@]}" --select label=vpn-on-consumer-router --select country=JP --language ja --seed 7
expect_exit 0 "abuse@kumo-bb.example.jp" campaign show 1 --db "$URL"
expect_exit 0 "queued" campaign letters 1 --db "$URL"
expect_exit 0 "^Subject: =\?UTF-8\?B\?" campaign letter 1 1 --db "$URL"
expect_exit 2 "has no letter for recipient 9" campaign letter 1 9 --db "$URL"
expect_exit 2 "--smtp \"nowhere\": HOST:PORT" campaign send 1 --smtp nowhere --db "$URL"
expect_exit 2 "--starttls \"sometimes\"" campaign send 1 --smtp 127.0.0.1:25 --starttls sometimes --db "$URL"
closed=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
expect_exit 0 "sent 0, to retry 3, failed 0; now .*3 queued" \
  campaign send 1 --smtp "127.0.0.1:$closed" --starttls none --timeout 5 --db "$URL"
[[ $(psql -XAt "$URL" -c "SELECT count(*) FROM mail_outbox WHERE state = 'queued' AND attempts = 1 AND last_reply <> ''") == 3 ]] ||
  fail "the letters are not queued with the relay's failure: $(psql -XAt "$URL" -c 'SELECT state, attempts, last_reply FROM mail_outbox')"
expect_exit 2 "only a sent letter can be acknowledged" campaign ack 1 1 --db "$URL"
expect_exit 0 "no finalized scan since the campaign was made" campaign remediation 1 --db "$URL"
expect_exit 0 "\"curve\":\[\]" campaign remediation 1 --json --db "$URL"
expect_exit 0 "0 bounces recorded" campaign bounces "$SOURCE_DIR/tests/mail/data/postfix-dsn.eml" --db "$URL"
echo "not a report" >"$WORK/plain.eml"
expect_exit 2 "plain.eml" campaign bounces "$WORK/plain.eml" --db "$URL"
expect_exit 0 "\"name\":\"JP VPN routers\"" campaign list --json --db "$URL"
echo "$TEST_NAME: ok"
