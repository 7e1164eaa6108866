#!/usr/bin/env bash
# Opt-outs end to end, through the CLI only: a network asks to opt out
# (`fumidai optouts request`), the token goes to its abuse contact through a
# real SMTP server on 127.0.0.1 (Debian's aiosmtpd, tests/mail/smtp_sink.py;
# `fumidai optouts send`), the contact confirms it (`optouts verify`), and a
# `scan --db` of the lab's services /24 then sends not one packet into the
# opted-out network (a capture on the lab side), while the rest of the /24 is
# scanned, and the scan's recorded coverage leaves the network out.
# Usage: optout_scan.sh /path/to/fumidai   (needs root; exits 77 to skip)
set -euo pipefail
FUMIDAI=${1:?usage: optout_scan.sh /path/to/fumidai}
TEST_NAME=optout_scan
source "$(dirname "$0")/lablib.sh"
SOURCE_DIR=$(cd "$(dirname "$0")/../.." && pwd)
PYTHON=/usr/bin/python3  # Debian's, which has python3-aiosmtpd
command -v psql >/dev/null || fail "psql is not installed"
command -v tcpdump >/dev/null || fail "tcpdump is not installed"

OPTED_OUT=198.19.0.32/29  # Kumo Broadband's hosts .32-.39 (lab/attribution/README.md)
ABUSE=abuse@kumo-bb.example.jp

export FUMIDAI_STATE_DIR=$WORK/state
chmod 755 "$WORK"
SINK_PID=
optout_cleanup() {
  [[ -n $SINK_PID ]] && kill "$SINK_PID" 2>/dev/null || true
  "$FUMIDAI" db down >/dev/null 2>&1 || true
  lab_cleanup
}
trap optout_cleanup EXIT
"$FUMIDAI" db up >/dev/null || fail "db up failed: $(tail -3 "$FUMIDAI_STATE_DIR/pg/postgresql.log" 2>/dev/null)"
URL=$("$FUMIDAI" db url)
sql() { psql "$URL" -X -At -v ON_ERROR_STOP=1 -c "$1"; }
ATTRIBUTION=$SOURCE_DIR/lab/attribution
"$FUMIDAI" import pfx2as "$ATTRIBUTION/routeviews-rv2-20250101-1200.pfx2as" >/dev/null
"$FUMIDAI" import abuse --date 2025-01-01 "$ATTRIBUTION/abuse-contacts.csv" >/dev/null

# 1. The request, pending until confirmed.
"$FUMIDAI" optouts request "$OPTED_OUT" --contact noc@kumo-bb.example.jp --reason "we run our own scans" \
  --public-url http://127.0.0.1:8080 >"$WORK/request.json" || fail "optouts request exited $?"
grep -q "\"verify_to\":\"$ABUSE\"" "$WORK/request.json" || fail "the token did not go to $ABUSE: $(cat "$WORK/request.json")"
grep -q '"state":"pending"' "$WORK/request.json" || fail "a new opt-out is not pending: $(cat "$WORK/request.json")"
if "$FUMIDAI" optouts request 203.0.113.0/24 --contact a@example.net --reason x 2>"$WORK/refused.err"; then
  fail "an opt-out for a network without an abuse contact was accepted"
fi

# 2. The token travels by mail to the abuse contact.
mkdir -p "$WORK/mail"
"$PYTHON" "$SOURCE_DIR/tests/mail/smtp_sink.py" --dir "$WORK/mail" >"$WORK/sink.port" 2>"$WORK/sink.log" &
SINK_PID=$!
for _ in $(seq 100); do [[ -s $WORK/sink.port ]] && break; sleep 0.1; done
SINK_PORT=$(head -1 "$WORK/sink.port")
[[ $SINK_PORT =~ ^[0-9]+$ ]] || fail "the SMTP sink did not start: $(cat "$WORK/sink.log")"
"$FUMIDAI" optouts send --smtp "127.0.0.1:$SINK_PORT" --starttls none >"$WORK/send.out" || fail "optouts send exited $?"
[[ -s $WORK/mail/0001.json ]] || fail "no verification message arrived: $(cat "$WORK/send.out")"
grep -q "\"rcpt_tos\": \[\"$ABUSE\"\]" "$WORK/mail/0001.json" || fail "the message went elsewhere: $(head -c 300 "$WORK/mail/0001.json")"
TOKEN=$(grep -oE '/v1/optouts/verify/[0-9a-f]+' "$WORK/mail/0001.json" | head -1 | sed 's|.*/||')
[[ -n $TOKEN ]] || fail "no confirmation link in the message"
[[ $(sql "SELECT count(*) FROM optouts WHERE state = 'verified'") == 0 ]] || fail "verified before confirmation"
"$FUMIDAI" optouts verify "$TOKEN" >/dev/null || fail "optouts verify exited $?"
[[ $(sql "SELECT prefix FROM optouts WHERE state = 'verified'") == "$OPTED_OUT" ]] || fail "the opt-out is not verified"

# 3. A scan with --db leaves the network alone.
lab_start fdt-optout --prefix 198.18.0.0/24 --seed 5
[[ $SVC_PREFIX == 198.19.0.0/24 ]] || fail "expected the services in 198.19.0.0/24, not $SVC_PREFIX"
PORT_LIST=${SERVICE_PORTS//\\/}
capture_start "$WORK/syn.pcap" "dst net $SVC_PREFIX"
scan -p "$PORT_LIST" -r 20000 -c 1 -b "$SOURCE_DIR/lab/lab-blocklist.conf" --scan-name optout -o "$WORK/scan.csv" \
  "$SVC_PREFIX" --db 2>"$WORK/scan.stderr" || fail "scan exited $?: $(tail -3 "$WORK/scan.stderr")"
capture_stop
grep -q "1 opted-out networks added to the blocklist" "$WORK/scan.stderr" || fail "the scan did not load the opt-out"
capture_targets "$WORK/syn.pcap" >"$WORK/captured"
to_opted_out=$(grep -cE '^198\.19\.0\.(3[2-9]):' "$WORK/captured" || true)
to_others=$(grep -vcE '^198\.19\.0\.(3[2-9]):' "$WORK/captured" || true)
echo "$TEST_NAME: capture: $to_opted_out SYNs into $OPTED_OUT, $to_others to the rest of $SVC_PREFIX"
[[ $to_opted_out == 0 ]] || fail "$to_opted_out SYNs went into the opted-out $OPTED_OUT"
[[ $to_others -ge 200 ]] || fail "only $to_others SYNs reached the rest of $SVC_PREFIX: the capture saw too little"
covered=$(sql "SELECT bool_or(cidr '$OPTED_OUT' && t) FROM scans, unnest(targets) t WHERE name = 'optout'")
[[ $covered == f ]] || fail "the scan's recorded coverage includes the opted-out network"
echo "$TEST_NAME: ok"
