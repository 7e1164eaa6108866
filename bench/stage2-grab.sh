#!/usr/bin/env bash
# Stage-2 benchmark, in one run inside the lab (its services namespace serves,
# its scanner namespace grabs; nothing leaves the lab):
#  1. Grabs per second: `fumidai grab` (HTTP GET /, no favicon, no PTR) against
#     the emulator's router page, side by side with the machine's limit for new
#     connections to the same server, measured by `wrk -H "Connection: close"`.
#     Goal: at least 0.7x.
#  2. Memory at 10,000 concurrent connections (to a server that never answers).
#  3. Cost per target from 1k to 100k targets (CPU time per grab).
# Usage: bench/stage2-grab.sh [path/to/fumidai]   (root)
set -euo pipefail
cd "$(dirname "$0")/.."
FUMIDAI=$(realpath "${1:-build/fumidai}")
LAB=fdbench2-$$
WORK=$(mktemp -d)
SERVER_PID=

cleanup() {
  [[ -z $SERVER_PID ]] || kill "$SERVER_PID" 2>/dev/null || true
  "$FUMIDAI" lab down --name-prefix "$LAB" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
for tool in wrk /usr/bin/time; do command -v "$tool" >/dev/null || { echo "bench: $tool is missing" >&2; exit 2; }; done

"$FUMIDAI" lab up --name-prefix "$LAB" --prefix 198.18.0.0/24 >/dev/null
# shellcheck disable=SC1090
. "/run/fumidai-lab/$LAB/lab.env"
"$FUMIDAI" lab check --name-prefix "$LAB" >/dev/null || { echo "bench: lab not isolated; sending nothing" >&2; exit 1; }
# The services namespace holds each service address on its lo; add the bench's.
for address in 198.19.0.200 198.19.0.201 198.19.0.202 198.19.0.203 198.19.0.204; do
  ip -n "$SVC_NS" addr add "$address/32" dev lo
done
setsid ip netns exec "$SVC_NS" "$FUMIDAI" lab devices --config bench/stage2-devices.json </dev/null >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 100); do
  ip netns exec "$SVC_NS" ss -H -l -t -n | grep -q '198.19.0.201:80' && break
  kill -0 "$SERVER_PID" 2>/dev/null || { echo "bench: server failed: $(cat "$WORK/server.log")" >&2; exit 1; }
  sleep 0.1
done
# Both clients close many short connections to one address; let the scanner
# namespace reuse its TIME_WAIT ports (a per-namespace setting).
ip netns exec "$SCAN_NS" sysctl -q -w net.ipv4.tcp_tw_reuse=1 net.ipv4.ip_local_port_range="10000 65000"

# The router persona answers on four addresses (one server process): wrk
# takes the first, fumidai spreads over all four, since each host is grabbed
# by one engine thread.
ROUTER=198.19.0.200
ROUTERS=198.19.0.200,198.19.0.202,198.19.0.203,198.19.0.204
SILENT=198.19.0.201
GRAB=(ip netns exec "$SCAN_NS" "$FUMIDAI" grab -b lab/lab-blocklist.conf --module http --no-favicon --no-rdns -q)
# grab_targets ADDRESSES N: N targets, port 80, round robin over the addresses.
grab_targets() { awk -v a="$1" -v n="$2" 'BEGIN { k = split(a, t, ","); for (i = 0; i < n; i++) print t[i % k + 1] ":80" }'; }
# grab N CONCURRENCY THREADS: prints "grabs/s maxrss_kib cpu_seconds"
grab_run() {
  grab_targets "$ROUTERS" "$1" | /usr/bin/time -f '%M %U %S' -o "$WORK/time" \
    "${GRAB[@]}" --grab-threads "$3" --concurrency "$2" --per-host "$2" --per-prefix "$2" --connect-rate 0 \
    -o /dev/null 2>"$WORK/summary"
  local gps
  gps=$(grep -o '"grabs_per_second":[0-9]*' "$WORK/summary" | cut -d: -f2)
  read -r rss user sys <"$WORK/time"
  echo "$gps $rss $(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo "== 1. grabs per second vs wrk -H 'Connection: close' (same server, http://$ROUTER/), best of 3"
# Both with two threads and 64 connections; fumidai also with one thread.
best_wrk=0
best_grab=0
best_grab1=0
for round in 1 2 3; do
  wrk_rps=$(ip netns exec "$SCAN_NS" wrk -t 2 -c 64 -d 5s -H "Connection: close" "http://$ROUTER/" |
    awk '/Requests\/sec/ { printf "%d", $2 }')
  read -r gps _ _ < <(grab_run 60000 64 2)
  read -r gps1 _ _ < <(grab_run 40000 64 1)
  echo "  round $round: wrk $wrk_rps req/s, fumidai grab $gps grabs/s (--grab-threads 2), $gps1 (1 thread)"
  ((wrk_rps > best_wrk)) && best_wrk=$wrk_rps
  ((gps > best_grab)) && best_grab=$gps
  ((gps1 > best_grab1)) && best_grab1=$gps1
done
echo "  best: wrk $best_wrk req/s, fumidai $best_grab grabs/s, ratio $(ratio "$best_grab" "$best_wrk")x (goal >= 0.7x);" \
  "one thread: $best_grab1, ratio $(ratio "$best_grab1" "$best_wrk")x"

echo "== 2. memory at 10,000 concurrent connections (to $SILENT, which never answers)"
grab_targets "$SILENT" 1 | /usr/bin/time -f '%M' -o "$WORK/time1" "${GRAB[@]}" --read-timeout 2 -o /dev/null 2>/dev/null
base_kib=$(<"$WORK/time1")
grab_targets "$SILENT" 10000 | /usr/bin/time -f '%M' -o "$WORK/time" \
  "${GRAB[@]}" --concurrency 10000 --per-host 10000 --per-prefix 10000 --connect-rate 0 --max-pending 10000 \
  --read-timeout 10 --timeout 30 -o "$WORK/silent.jsonl" 2>"$WORK/summary"
peak_kib=$(<"$WORK/time")
open=$(grep -o '"max_open_connections":[0-9]*' "$WORK/summary" | cut -d: -f2)
echo "  peak connections open at once: $open; peak RSS $((peak_kib / 1024)) MiB (one target: $((base_kib / 1024)) MiB);" \
  "$(((peak_kib - base_kib) * 1024 / (open > 0 ? open : 1))) bytes per connection"
echo "  records: $(wc -l <"$WORK/silent.jsonl"), statuses: $(grep -o '"status":{[^}]*}' "$WORK/summary")"

echo "== 3. cost per target from 1k to 100k targets (concurrency 64, one thread)"
for n in 1000 10000 100000; do
  read -r gps rss cpu < <(grab_run "$n" 64 1)
  echo "  $n targets: $gps grabs/s, $(awk -v c="$cpu" -v n="$n" 'BEGIN { printf "%.1f", c * 1e6 / n }') us CPU per target," \
    "peak RSS $((rss / 1024)) MiB"
done
