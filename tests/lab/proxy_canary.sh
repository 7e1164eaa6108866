#!/usr/bin/env bash
# Open proxies and the canary, against the lab's real tinyproxy (open and
# with BasicAuth) and danted (no auth and username):
#  1. `fumidai grab` with --canary tells open from auth-required proxies, and
#     proves relaying: the canary's HMAC proof came back through the open
#     ones, and the canary's own log holds exactly their tokens.
#  2. Every connection a proxy opened went to the canary's address and port:
#     a capture on the services namespace's loopback (the path any of its
#     processes' connections take) sees no SYN to anything else.
#  3. Without --canary no proxy is asked to connect anywhere: no SYN at all.
# Usage: proxy_canary.sh /path/to/fumidai   (needs root; exits 77 to skip)
set -euo pipefail
FUMIDAI=${1:?usage: proxy_canary.sh /path/to/fumidai}
TEST_NAME=proxy_canary
source "$(dirname "$0")/lablib.sh"
SOURCE_DIR=$(cd "$(dirname "$0")/../.." && pwd)

lab_start fdt-proxy --prefix 198.18.0.0/24 --seed 9
[[ -n ${CANARY:-} && -r ${CANARY_KEY:-} && -n ${CANARY_LOG:-} ]] || fail "lab.env has no canary"
PROXIES=$(awk -F, 'NR > 1 && ($3 == "http-proxy" || $3 ~ /^socks/) { print $1 ":" $2 }' "$SERVICES_TRUTH")
(($(wc -l <<<"$PROXIES") == 4)) || fail "expected 4 proxy rows in services.csv, got: $PROXIES"

# Proxies' outgoing SYNs: every process of the services namespace connects to
# the lab's addresses over its loopback.
syn_capture() {
  ip netns exec "$SVC_NS" tcpdump -i lo -n -s 96 --immediate-mode -U -w "$1" \
    'tcp[tcpflags] & tcp-syn != 0 and tcp[tcpflags] & tcp-ack == 0' 2>"$1.log" &
  CAPTURE_PIDS+=($!)
  for _ in $(seq 100); do grep -q "listening on" "$1.log" 2>/dev/null && return 0; sleep 0.05; done
  fail "tcpdump did not start: $(cat "$1.log")"
}
grab() {
  ip netns exec "$SCAN_NS" "$FUMIDAI" grab -b "$SOURCE_DIR/lab/lab-blocklist.conf" --resolvers "$DNS_SERVER" \
    --read-timeout 3 --timeout 10 -q "$@" <<<"$PROXIES"
}

syn_capture "$WORK/with-canary.pcap"
grab --canary "$CANARY" --canary-key "$CANARY_KEY" -o "$WORK/with-canary.jsonl" 2>"$WORK/grab.stderr" ||
  fail "grab exited $?: $(tail -3 "$WORK/grab.stderr")"
capture_stop
syn_capture "$WORK/without.pcap"
grab -o "$WORK/without.jsonl" 2>"$WORK/grab2.stderr" || fail "grab exited $?: $(tail -3 "$WORK/grab2.stderr")"
capture_stop

destinations() { capture_targets "$1" | sort | uniq -c; }
echo "$TEST_NAME: SYNs inside the services namespace, with the canary:"
destinations "$WORK/with-canary.pcap"
# Both open proxies relayed at least once, so the capture cannot be empty.
(($(capture_targets "$WORK/with-canary.pcap" | wc -l) >= 2)) || fail "the capture saw no relayed connection"
others=$(capture_targets "$WORK/with-canary.pcap" | grep -v -x -F "$CANARY" || true)
[[ -z $others ]] || fail "a proxy was made to connect somewhere other than the canary: $others"
[[ -z $(capture_targets "$WORK/without.pcap") ]] || fail "without --canary a proxy still connected somewhere"

python3 - "$WORK/with-canary.jsonl" "$WORK/without.jsonl" "$SERVICES_TRUTH" "$CANARY_LOG" <<'PY' ||
import csv, json, sys
with_canary, without, truth_file, canary_log = sys.argv[1:]
truth = {(r["ip"], int(r["port"])): r for r in csv.DictReader(open(truth_file)) if r["transport"] == "tcp"}
expect = {"tinyproxy": "open", "tinyproxy-auth": "auth-required", "dante": "open", "dante-auth": "auth-required"}
failures = []
tokens = set()
for path, canary in ((with_canary, True), (without, False)):
    records = [json.loads(line) for line in open(path)]
    if len(records) != 4:
        failures.append(f"{path}: {len(records)} records, expected 4")
    for r in records:
        row = truth[(r["ip"], r["port"])]
        verdict, relay = r["data"].get("verdict"), r["data"].get("relay", {})
        where = f'{row["service"]} {"with" if canary else "without"} canary'
        print(f'{where}: {r["protocol"]} {r["status"]} verdict={verdict} relay={json.dumps(relay)[:160]}')
        if r["protocol"] != row["protocol"] or r["status"] != "success":
            failures.append(f'{where}: {r["protocol"]}/{r["status"]}, expected {row["protocol"]}/success')
        wanted = expect[row["service"]]
        if not canary and wanted == "open" and row["protocol"] == "http-proxy":
            wanted = "unproven"  # nothing relayed, so nothing proven
        if verdict != wanted:
            failures.append(f"{where}: verdict {verdict}, expected {wanted}")
        if canary and expect[row["service"]] == "open":
            if not relay.get("proven"):
                failures.append(f"{where}: relaying not proven")
            tokens.add(relay.get("token"))
        elif relay.get("proven"):
            failures.append(f"{where}: proven relaying through a proxy that should not relay")
logged = [json.loads(line) for line in open(canary_log)]
valid = {e["token"] for e in logged if e.get("valid")}
print(f"canary log: {len(logged)} requests, valid tokens {sorted(valid)}")
if valid != tokens:
    failures.append(f"the canary saw tokens {sorted(valid)}, the proven grabs carried {sorted(tokens)}")
for f in failures:
    print("FAIL:", f)
sys.exit(1 if failures else 0)
PY
  fail "proxy verdicts or canary log wrong (above)"
echo "$TEST_NAME: PASS"
