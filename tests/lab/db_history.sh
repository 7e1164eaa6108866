#!/usr/bin/env bash
# History and change detection end to end: two `fumidai scan --grab --db`
# runs over the lab's services /24 into an embedded PostgreSQL in a temporary
# FUMIDAI_STATE_DIR. For the first, an nft rule in the services namespace
# drops everything sent to the MikroTik persona's PPTP server
# (198.19.0.33:1723), as if its VPN were off; before the second the rule goes
# ("a VPN gets switched on"). The persona's L2TP server (UDP 1701) names the
# router in both scans. Then:
#  1. each scan is one finalized row with its targets and ports, holding as
#     many observations as its JSONL has records;
#  2. service_changes(first, second) is exactly that PPTP server, appeared,
#     and the other way round exactly it, disappeared;
#  3. hijack_signals(first, second) is exactly it: a VPN on a MikroTik router;
#     the other way round, nothing;
#  4. host_services and hosts hold it as current, first seen by the second
#     scan, on a known router; host_history says it appeared then.
# Usage: db_history.sh /path/to/fumidai   (needs root; exits 77 to skip)
set -euo pipefail
FUMIDAI=${1:?usage: db_history.sh /path/to/fumidai}
TEST_NAME=db_history
source "$(dirname "$0")/lablib.sh"
SOURCE_DIR=$(cd "$(dirname "$0")/../.." && pwd)
command -v psql >/dev/null || fail "psql is not installed"

VPN_HOST=198.19.0.33
VPN_PORT=1723
VPN_OFF_TABLE=fdt_hist_vpn_off

# The database first, so the cleanup below knows to stop it. The server runs
# as user postgres under root: it must reach the state directory.
export FUMIDAI_STATE_DIR=$WORK/state
chmod 755 "$WORK"
db_cleanup() {
  "$FUMIDAI" db down >/dev/null 2>&1 || true
  lab_cleanup
}
trap db_cleanup EXIT
"$FUMIDAI" db up >/dev/null || fail "db up failed: $(tail -3 "$FUMIDAI_STATE_DIR/pg/postgresql.log" 2>/dev/null)"
URL=$("$FUMIDAI" db url)
sql() { psql "$URL" -X -At -v ON_ERROR_STOP=1 -c "$1"; }

lab_start fdt-hist --prefix 198.18.0.0/24 --seed 3
[[ $SERVICES == yes ]] || fail "the lab came up without services"
[[ $SVC_PREFIX == 198.19.0.0/24 ]] || fail "expected the services in 198.19.0.0/24, not $SVC_PREFIX"
grep -q "^$VPN_HOST,$VPN_PORT,.*,tcp" "$SERVICES_TRUTH" || fail "the lab has no service at $VPN_HOST:$VPN_PORT/tcp"

PORT_LIST=${SERVICE_PORTS//\\/}
# --db with no URL, last: the embedded cluster in FUMIDAI_STATE_DIR.
scan_into_db() {
  local name=$1
  scan --grab -p "$PORT_LIST" --udp-ports 1701 -r 20000 -c 1 -b "$SOURCE_DIR/lab/lab-blocklist.conf" \
    --resolvers "$DNS_SERVER" --read-timeout 3 --timeout 8 -q --scan-name "$name" -o "$WORK/$name.jsonl" \
    "$SVC_PREFIX" --db 2>"$WORK/$name.stderr" || fail "scan $name exited $?: $(tail -3 "$WORK/$name.stderr")"
}

# The first scan: the VPN is off (its packets are dropped; the SYN gets no answer).
ip netns exec "$SVC_NS" nft -f - <<EOF
table ip $VPN_OFF_TABLE {
  chain input {
    type filter hook input priority filter - 10; policy accept;
    ip daddr $VPN_HOST tcp dport $VPN_PORT drop
  }
}
EOF
scan_into_db first
ip netns exec "$SVC_NS" nft delete table ip "$VPN_OFF_TABLE"
grep -q "\"ip\":\"$VPN_HOST\",\"port\":$VPN_PORT," "$WORK/first.jsonl" && fail "the first scan saw $VPN_HOST:$VPN_PORT"
scan_into_db second
grep -q "\"ip\":\"$VPN_HOST\",\"port\":$VPN_PORT," "$WORK/second.jsonl" || fail "the second scan missed $VPN_HOST:$VPN_PORT"

# 1. Two finalized scans with what they covered.
FIRST=$(sql "SELECT id FROM scans WHERE name = 'first'")
SECOND=$(sql "SELECT id FROM scans WHERE name = 'second'")
[[ -n $FIRST && -n $SECOND ]] || fail "the scans are not in the database: $(sql "SELECT id, name FROM scans")"
for id in "$FIRST" "$SECOND"; do
  row=$(sql "SELECT finalized IS NOT NULL, array_to_string(targets, ','), $VPN_PORT = ANY (ports), 1701 = ANY (udp_ports)
             FROM scans WHERE id = $id")
  [[ $row == "t|198.19.0.0/24|t|t" ]] || fail "scan $id: finalized|targets|covers $VPN_PORT|covers 1701/udp is '$row'"
done
for name in first second; do
  stored=$(sql "SELECT count(*) FROM services o JOIN scans s ON s.id = o.scan_id WHERE s.name = '$name'")
  records=$(wc -l <"$WORK/$name.jsonl")
  [[ $stored == "$records" ]] || fail "scan $name: $stored observations stored, $records records written"
done

# 2. The change, and only it.
changes=$(sql "SELECT host(ip) || ':' || port || '/' || transport || ' ' || change FROM service_changes($FIRST, $SECOND)")
[[ $changes == "$VPN_HOST:$VPN_PORT/tcp appeared" ]] || fail "service_changes(first, second):"$'\n'"$changes"
changes=$(sql "SELECT host(ip) || ':' || port || '/' || transport || ' ' || change FROM service_changes($SECOND, $FIRST)")
[[ $changes == "$VPN_HOST:$VPN_PORT/tcp disappeared" ]] || fail "service_changes(second, first):"$'\n'"$changes"

# 3. The hijack signal.
signals=$(sql "SELECT host(ip) || ':' || port || ' ' || change || ' ' || category || ' ' || protocol || ' on ' ||
                      router_vendor || ' ' || router_product FROM hijack_signals($FIRST, $SECOND)")
[[ $signals == "$VPN_HOST:$VPN_PORT appeared vpn pptp on MikroTik RouterOS" ]] ||
  fail "hijack_signals(first, second):"$'\n'"$signals"
signals=$(sql "SELECT count(*) FROM hijack_signals($SECOND, $FIRST)")
[[ $signals == 0 ]] || fail "hijack_signals(second, first) found $signals"

# 4. The latest state and the host's history.
state=$(sql "SELECT current, first_scan_id = $SECOND, last_scan_id = $SECOND FROM host_services
             WHERE ip = '$VPN_HOST' AND port = $VPN_PORT AND transport = 'tcp'")
[[ $state == "t|t|t" ]] || fail "host_services for $VPN_HOST:$VPN_PORT: current|first|last is '$state'"
host=$(sql "SELECT router_vendor, 'vpn' = ANY (categories), first_scan_id = $FIRST, last_scan_id = $SECOND
            FROM hosts WHERE ip = '$VPN_HOST'")
[[ $host == "MikroTik|t|t|t" ]] || fail "hosts for $VPN_HOST: router|vpn|first|last is '$host'"
history=$(sql "SELECT scan_id = $SECOND, change FROM host_history('$VPN_HOST') WHERE port = $VPN_PORT")
[[ $history == "t|appeared" ]] || fail "host_history($VPN_HOST) for port $VPN_PORT: '$history'"

echo "$TEST_NAME: ok ($(sql "SELECT count(*) FROM services") observations in 2 scans;" \
  "$VPN_HOST:$VPN_PORT appeared and signalled)"
