#!/usr/bin/env bash
# The main job on the embedded default: install packages, build, start the
# embedded PostgreSQL (state/pg) and load the lab's ISP attribution, bring up
# the lab (a closed network of namespaces answering for 198.18.0.0/16, plus
# real services on 198.19.0.0/24), SYN-scan it, then scan --grab the services
# from the lab's scanner namespace, storing both scans, and print what was
# found and what the database says about it.
# Usage (root): tools/run.sh     Environment: FUMIDAI_KEEP_LAB=1 leaves the lab up.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
# The same build as tools/test.sh's first stage, so either command reuses the other's.
tools/build.sh build -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -DNDEBUG" -DFUMIDAI_UNITY_BUILD=ON
fumidai=$PWD/build/fumidai
lab=fumidai
# The embedded database lives here whatever directory a command runs in.
export FUMIDAI_STATE_DIR=$PWD/state

echo "== the store: fumidai db up (embedded PostgreSQL in state/pg), and the lab's ISPs (lab/attribution)"
"$fumidai" db up
# Re-importing a file already imported is a no-op, so the demo can run again.
(
  cd lab/attribution
  "$fumidai" import pfx2as routeviews-rv2-20250101-1200.pfx2as
  "$fumidai" import as2org 20250101.as-org2info.txt
  "$fumidai" import delegated delegated-apnic-extended-20250101 delegated-ripencc-extended-20250101
  "$fumidai" import geolite2-asn GeoLite2-ASN-CSV_20250101/GeoLite2-ASN-Blocks-IPv4.csv \
    GeoLite2-ASN-CSV_20250101/GeoLite2-ASN-Blocks-IPv6.csv
  "$fumidai" import abuse --date 2025-01-01 abuse-contacts.csv
  "$fumidai" import list
)

"$fumidai" lab down --name-prefix "$lab" >/dev/null
"$fumidai" lab up --name-prefix "$lab"
[[ ${FUMIDAI_KEEP_LAB:-0} == 1 ]] || trap '"$fumidai" lab down --name-prefix "$lab" >/dev/null' EXIT
# shellcheck source=/dev/null
source "/run/fumidai-lab/$lab/lab.env"
# Nothing is sent unless the scanner namespace provably reaches only the lab.
"$fumidai" lab check --name-prefix "$lab"

mkdir -p state
out=state/scan.jsonl
echo "== fumidai scan --db ${PREFIX} -p ${PORTS//\\/} (inside $SCAN_NS)"
# The lab lives in 198.18.0.0/15, which the built-in blocklist holds, so the
# lab scan uses the same IANA list minus that range (lab/lab-blocklist.conf).
# --db: the scan's records also go into the database, over its Unix socket,
# which the scanner namespace reaches like any file.
ip netns exec "$SCAN_NS" "$fumidai" scan --db -p "${PORTS//\\/}" -r 100000 -c 2 -b lab/lab-blocklist.conf \
  -o "$out" -m state/scan-summary.json "$PREFIX"
echo "== first results ($(wc -l <"$out") open ports in $out)"
head -n 5 "$out"
found=$(sed -E 's/.*"ip":"([^"]+)","port":([0-9]+).*/\1:\2/' "$out" | sort -u)
truth=$(awk -F, '$3 == "open" { print $1 ":" $2 }' "$GROUND_TRUTH" | sort)
echo "== against the lab's ground truth: $(comm -12 <(echo "$truth") <(echo "$found") | wc -l) of $(wc -l <<<"$truth") open ports found," \
  "$(comm -13 <(echo "$truth") <(echo "$found") | wc -l) false positives"

# Stage 2: scan the lab's services /24 and grab every open port in the same
# process (scan --grab), with PTR names from the lab's dnsmasq.
grabbed=state/grab.jsonl
echo "== fumidai scan --grab --db ${SVC_PREFIX} -p ${SERVICE_PORTS//\\/} --udp-ports ${SERVICE_UDP_PORTS//\\/} (inside $SCAN_NS)"
ip netns exec "$SCAN_NS" "$fumidai" scan --grab --db -p "${SERVICE_PORTS//\\/}" --udp-ports "${SERVICE_UDP_PORTS//\\/}" \
  -r 10000 -c 1 -b lab/lab-blocklist.conf \
  --resolvers "$DNS_SERVER" --read-timeout 3 --timeout 8 -q -o "$grabbed" "$SVC_PREFIX"
echo "== service records ($(wc -l <"$grabbed") in $grabbed), one line each:"
python3 - "$grabbed" "$SERVICES_TRUTH" <<'PY'
import csv, json, sys
truth = {(r["ip"], int(r["port"]), r["transport"]): r for r in csv.DictReader(open(sys.argv[2]))
         if r["transport"] == "tcp" or r["expected_status"] != "io-timeout"}  # silent UDP: invisible to stage 1
agree = 0
for line in open(sys.argv[1]):
    r = json.loads(line)
    d = r["data"]
    what = d.get("title") or d.get("www_authenticate_realm") or d.get("banner") or d.get("server") or r.get("error", "")
    cert = d.get("tls", {}).get("certificate", {}).get("subject", "")
    def name(f):
        vendor, product = f.get("vendor", ""), f.get("product", "")
        words = [product] if product.startswith(vendor) else [vendor, product]
        return " ".join(w for w in words + [f.get("version", "")] if w)
    names = "; ".join(name(f) for f in r["fingerprints"])
    labels = ",".join(l["id"] for l in r["labels"])
    print(f'  {r["ip"]:>12}:{r["port"]:<5}/{r["transport"]} {r["protocol"]:<10} {r["status"]:<16} {str(r["ptr"]):<34} '
          f'{what.strip()[:40]!r} {cert[:30]}')
    if names or labels:
        print(f'  {"":>18} -> {names[:90]}  [{labels}]')
    t = truth.get((r["ip"], r["port"], r["transport"]))
    agree += t is not None and t["expected_status"] == r["status"] and t["protocol"] == r["protocol"]
print(f"== against the services ground truth: {agree} of {len(truth)} services as expected")
PY

echo "== read back from the database ($("$fumidai" db url))"
"$fumidai" db status
psql -X -q "$("$fumidai" db url)" <<'SQL'
\pset footer off
\echo '-- the latest scan: exposed services per ISP and category (scan_exposure)'
SELECT coalesce(e.org_name, '?') AS isp, e.asn, e.country, e.name AS category, e.services, e.hosts
FROM scan_exposure e WHERE e.scan_id = latest_scan_id() AND e.kind = 'category'
ORDER BY isp, e.asn, category;
\echo '-- routers with a VPN or proxy exposed now (hosts), and who to tell (abuse_contacts_for)'
SELECT h.ip, h.org_name AS isp, h.router_vendor || ' ' || h.router_product AS router, h.labels,
       (SELECT string_agg(DISTINCT c.email, ', ') FROM abuse_contacts_for(h.ip, h.asn, now()) c) AS abuse_contact
FROM hosts h
WHERE h.router_vendor IS NOT NULL AND h.labels && ARRAY['vpn-on-consumer-router', 'open-proxy']
ORDER BY h.ip;
SQL

# The REST API over what was just stored, left running for the README's curl
# examples: keys in state/api-keys/ (admin; an analyst scoped to Sakura Hikari
# Net's two ASNs; a researcher), the server on 127.0.0.1:8080 until
# `kill $(cat state/serve.pid)`. A re-run replaces the server and revokes the
# previous run's keys.
echo "== the API: fumidai serve on 127.0.0.1:8080 (log state/serve.log, keys in state/api-keys/)"
if [[ -f state/serve.pid ]]; then
  old=$(cat state/serve.pid)
  kill -TERM "$old" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$old" 2>/dev/null || break; sleep 0.1; done
fi
mkdir -p state/api-keys
chmod 700 state/api-keys
for old in state/api-keys/*.name; do
  [[ -e $old ]] && { "$fumidai" keys revoke "$(cat "$old")" >/dev/null || true; }
done
run=$(date +%Y%m%d%H%M%S)
make_key() {  # make_key FILE NAME ARGS...: a key, its token in state/api-keys/FILE
  local file=$1 name=$2-$run
  shift 2
  (umask 077 && "$fumidai" keys create "$name" "$@" >"state/api-keys/$file" 2>/dev/null)
  echo "$name" >"state/api-keys/$file.name"
}
make_key admin demo-admin --role admin
make_key analyst-sakura demo-analyst-sakura --role analyst --asn 64496 --asn 64497
make_key researcher demo-researcher --role researcher
setsid "$fumidai" serve --listen 127.0.0.1:8080 >state/serve.log 2>&1 </dev/null &
echo $! >state/serve.pid
for _ in $(seq 1 100); do curl -fsS http://127.0.0.1:8080/readyz >/dev/null 2>&1 && break; sleep 0.1; done
curl -fsS http://127.0.0.1:8080/readyz >/dev/null || { cat state/serve.log; exit 1; }
ADMIN=$(cat state/api-keys/admin)
ANALYST=$(cat state/api-keys/analyst-sakura)
RESEARCHER=$(cat state/api-keys/researcher)
api() {  # api KEY PATH: one request and a short view of its answer (a line per item or member)
  echo "\$ curl -H 'Authorization: Bearer …' 'http://127.0.0.1:8080$2'"
  curl -sS -H "Authorization: Bearer $1" "http://127.0.0.1:8080$2" | python3 -c '
import json, sys
line = lambda v: json.dumps(v, ensure_ascii=False)[:150]
d = json.load(sys.stdin)
items = d.get("items")
for key, value in d.items():
    if key != "items":
        print(f"  {key}: {line(value)}")
for item in (items or [])[:6]:
    print(f"  - {line(item)}")
if items and len(items) > 6:
    print(f"  ... {len(items)} items")'
}
api "$ADMIN" "/v1/scans?limit=2"
api "$ADMIN" "/v1/stats/by-isp?by=label"
api "$ADMIN" "/v1/exposures?label=vpn-on-consumer-router&country=JP&limit=3"
api "$ANALYST" "/v1/exposures?limit=3"
api "$ANALYST" "/v1/hosts/198.19.0.20"
# Minato Business Link's host: outside the analyst's constituency, a 404 like an unknown address.
api "$ANALYST" "/v1/hosts/198.19.0.40"
api "$ADMIN" "/v1/isps/64496"
echo "\$ curl … 'http://127.0.0.1:8080/v1/exports/exposures.csv?columns=shadowserver&pseudonymize=prefix24' (researcher)"
curl -sS -H "Authorization: Bearer $RESEARCHER" \
  "http://127.0.0.1:8080/v1/exports/exposures.csv?columns=shadowserver&pseudonymize=prefix24" | sed -n 1,4p

# A notification campaign through the API: Japanese routers with a VPN
# switched on and open proxies, grouped by abuse contact, letters in
# Japanese, half the recipients held back as a control group. Delivery goes to a local SMTP sink (aiosmtpd on
# 127.0.0.1, saving each message in state/mail/); then some treated owners
# "fix" their routers (nft drops their VPN ports inside the lab), the lab is
# scanned again, and the API reports remediation, treated against control.
echo "== a notification campaign (POST /v1/campaigns), delivered to an SMTP sink on 127.0.0.1 (state/mail/)"
post() {  # post KEY PATH JSON
  curl -sS -X POST -H "Authorization: Bearer $1" -H 'Content-Type: application/json' --data "$3" "http://127.0.0.1:8080$2"
}
# The lab's stepping stones in Japan sit with two abuse contacts: Kumo
# Broadband's VPN routers and Minato Business Link's proxies. Seed 4 draws
# Kumo into treatment and Minato into control.
campaign=$(post "$ADMIN" /v1/campaigns '{"name": "JP stepping stones: routers with a VPN switched on, open proxies",
  "selection": {"label": ["vpn-on-consumer-router", "open-proxy", "proxy-auth-required"], "country": "JP"},
  "grouping": "abuse-contact", "language": "ja", "control_fraction": 0.5, "seed": 4}')
campaign_id=$(python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])' <<<"$campaign") ||
  { echo "campaign refused: $campaign"; exit 1; }
api "$ADMIN" "/v1/campaigns/$campaign_id"
api "$ADMIN" "/v1/campaigns/$campaign_id/recipients"
rm -rf state/mail && mkdir -p state/mail
/usr/bin/python3 tests/mail/smtp_sink.py --dir state/mail >state/mail/port 2>state/mail/sink.log &
sink=$!
for _ in $(seq 1 100); do [[ -s state/mail/port ]] && break; sleep 0.1; done
"$fumidai" campaign send "$campaign_id" --smtp "127.0.0.1:$(head -1 state/mail/port)" --starttls none
"$fumidai" campaign send "$campaign_id" --smtp "127.0.0.1:$(head -1 state/mail/port)" --starttls none  # sends nothing twice
kill "$sink"
first_letter=$(ls state/mail/*.eml | head -1)
echo "== the first letter as it arrived ($first_letter), read with Python's email package"
/usr/bin/python3 - "$first_letter" <<'PY'
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
for h in ("From", "To", "Subject", "Date", "Message-ID"):
    print(f"  {h}: {m[h]}")
text = m.get_body(preferencelist=("plain",)).get_content().splitlines()
print("\n".join("  | " + l for l in text[:16]))
print(f"  | ... ({len(text)} lines)")
for a in m.iter_attachments():
    rows = a.get_content().splitlines()
    print(f"  attachment {a.get_filename()} ({a.get_content_type()}, {len(rows) - 1} rows):")
    print("\n".join("  | " + r for r in rows[:3]))
PY
# The recipient clicks the acknowledgement link in the letter (the page's
# button POSTs it).
ack=$(grep -oE 'http://127\.0\.0\.1:8080/v1/ack/[0-9a-f]+' state/mail/0001.json | head -1)
echo "\$ curl -X POST ${ack%/*}/…  (the letter's acknowledgement link)"
curl -sS -X POST "$ack" -o /dev/null -w '  HTTP %{http_code}\n'
echo "\$ curl -H 'Authorization: Bearer …' 'http://127.0.0.1:8080/v1/campaigns/$campaign_id/letters'  (recipient, state, attempts, last reply)"
curl -sS -H "Authorization: Bearer $ADMIN" "http://127.0.0.1:8080/v1/campaigns/$campaign_id/letters" | python3 -c '
import json, sys
for l in json.load(sys.stdin)["items"]:
    print("  %s  %s  %s  %s" % (l["recipient"], l["state"], l["attempts"], l["last_reply"]))'

# Some owners act on their letters: the treated recipients' first two routers
# switch their VPN off; the control group does nothing. Then the lab is scanned again.
echo "== owners fix some routers (treated: VPN off on two routers each); the lab is scanned again"
fixes=$(curl -sS -H "Authorization: Bearer $ADMIN" "http://127.0.0.1:8080/v1/campaigns/$campaign_id/recipients" |
  python3 -c '
import json, sys, urllib.request
recipients = json.load(sys.stdin)["items"]
def get(path):
    request = urllib.request.Request("http://127.0.0.1:8080" + path, headers={"Authorization": "Bearer " + sys.argv[1]})
    return json.load(urllib.request.urlopen(request))
exposures = get("/v1/exposures?label=vpn-on-consumer-router&country=JP&limit=1000")["items"]
for r in recipients:
    if r["arm"] != "treatment":
        continue
    hosts = sorted({e["ip"] for e in exposures if e["org"] == r["name"]}, key=lambda ip: tuple(map(int, ip.split("."))))[:2]
    for e in exposures:
        if e["ip"] in hosts:
            print(e["ip"], e["transport"], e["port"])' "$ADMIN")
{
  echo "table ip fumidai_demo_fixed {"
  echo "  chain input {"
  echo "    type filter hook input priority filter - 10; policy accept;"
  while read -r ip transport port; do
    [[ -n $ip ]] && echo "    ip daddr $ip $transport dport $port drop"
  done <<<"$fixes"
  echo "  }"
  echo "}"
} >state/demo-fixed.nft
ip netns exec "$SVC_NS" nft delete table ip fumidai_demo_fixed 2>/dev/null || true
ip netns exec "$SVC_NS" nft -f state/demo-fixed.nft
echo "$fixes" | sed 's/^/  fixed: /'
ip netns exec "$SCAN_NS" "$fumidai" scan --grab --db -p "${SERVICE_PORTS//\\/}" --udp-ports "${SERVICE_UDP_PORTS//\\/}" \
  -r 10000 -c 1 -b lab/lab-blocklist.conf --scan-name "after the letters" \
  --resolvers "$DNS_SERVER" --read-timeout 3 --timeout 8 -q -o state/grab-after.jsonl "$SVC_PREFIX"
ip netns exec "$SVC_NS" nft delete table ip fumidai_demo_fixed
api "$ADMIN" "/v1/campaigns/$campaign_id/remediation"
"$fumidai" campaign remediation "$campaign_id"
echo "== the API keeps running (pid $(cat state/serve.pid)); try the README's curl examples: KEY=\$(cat state/api-keys/admin)"
