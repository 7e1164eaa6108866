# Shared by the lab scan tests; source it after setting TEST_NAME.
# lab_start NAME ARGS...: brings up a fresh lab called NAME (torn down on exit),
# sources its lab.env, and refuses to continue unless `fumidai lab check`
# proves the scanner namespace leads only into the lab.
# Usage in a test: FUMIDAI=$1; TEST_NAME=...; source lablib.sh; lab_start fdt-x --prefix ...

source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
WORK=$(mktemp -d)
LAB_NAMES=()
CAPTURE_PIDS=()

lab_cleanup() {
  local pid name
  for pid in "${CAPTURE_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for name in "${LAB_NAMES[@]}"; do "$FUMIDAI" lab down --name-prefix "$name" >/dev/null 2>&1 || true; done
  rm -rf "$WORK"
}
trap lab_cleanup EXIT

lab_start() {
  local name=$1
  shift
  LAB_NAMES+=("$name")
  "$FUMIDAI" lab down --name-prefix "$name" >/dev/null  # a crashed earlier run may have left it
  "$FUMIDAI" lab up --name-prefix "$name" "$@" >/dev/null || fail "lab up failed"
  # shellcheck source=/dev/null
  source "/run/fumidai-lab/$name/lab.env"
  "$FUMIDAI" lab check --name-prefix "$name" >/dev/null || fail "lab is not isolated; sending nothing"
  PORTS=${PORTS//\\/}
  : >"$WORK/no-blocklist"
}

# scan ARGS...: fumidai scan inside the lab's scanner namespace, never elsewhere.
scan() {
  ip netns exec "$SCAN_NS" "$FUMIDAI" scan "$@"
}

# capture_start FILE FILTER: records SYNs arriving on the lab side into FILE (pcap).
capture_start() {
  ip netns exec "$INET_NS" tcpdump -i "$INET_IF" -n -s 96 -B 16384 -U -w "$1" "tcp[tcpflags] & tcp-syn != 0 and tcp[tcpflags] & tcp-ack == 0 and ($2)" 2>"$1.log" &
  CAPTURE_PIDS+=($!)
  # tcpdump says "listening on" once its filter is attached.
  for _ in $(seq 100); do grep -q "listening on" "$1.log" 2>/dev/null && return 0; sleep 0.05; done
  fail "tcpdump did not start: $(cat "$1.log")"
}

capture_stop() {
  sleep 0.5
  kill -INT "${CAPTURE_PIDS[-1]}"
  wait "${CAPTURE_PIDS[-1]}" 2>/dev/null || true
  unset 'CAPTURE_PIDS[-1]'
}

# Prints "ip:port" per captured SYN (one line per packet, duplicates kept).
capture_targets() {
  tcpdump -n -r "$1" 2>/dev/null | awk '{ split($5, a, "."); sub(":", "", a[5]); print a[1] "." a[2] "." a[3] "." a[4] ":" a[5] }'
}

# Prints "ip:port" of the ground truth rows in STATE (open|closed), sorted.
truth() {
  awk -F, -v s="$1" 'NR > 1 && $3 == s { print $1 ":" $2 }' "$GROUND_TRUTH" | sort
}

# Prints "ip:port" of the results in a JSONL file with STATUS, sorted.
results() {
  grep -h "\"status\":\"$2\"" "$1" | sed -E 's/.*"ip":"([^"]+)","port":([0-9]+).*/\1:\2/' | sort
}
