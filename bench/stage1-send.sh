#!/usr/bin/env bash
# Stage-1 send benchmark: fumidai vs Debian's zmap and masscan, side by side
# in one run, over one veth pair between two namespaces this script creates.
#
# Every tool sends the same 2,097,152 probes into 198.18.0.0/15 (RFC 2544's
# benchmarking range) at its unlimited rate: fumidai and masscan as /15 × 16
# ports; zmap 2.1.1 scans one port per run, so it sends /15 × 16 probes (-P 16).
# The far side counts arrivals (veth rx counter) and drops them at ingress.
# pps is measured on the far side, between the 10% and 90% arrival marks, so
# tool start-up and shutdown do not count.
#
# Then it brings up the lab and prints recall and false positives against the
# ground truth at rising rates, to find the highest rate the lab can answer.
#
# Usage: bench/stage1-send.sh [path/to/fumidai]   (root; sends only inside its namespaces)
set -euo pipefail
FUMIDAI=$(realpath "${1:-build/fumidai}")
ROUNDS=${ROUNDS:-3}
NS_SND=fdbench-snd-$$
NS_SINK=fdbench-sink-$$
LAB=fdbench-lab-$$
WORK=$(mktemp -d)

cleanup() {
  ip netns del "$NS_SND" 2>/dev/null || true
  ip netns del "$NS_SINK" 2>/dev/null || true
  "$FUMIDAI" lab down --name-prefix "$LAB" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

for tool in zmap masscan; do command -v "$tool" >/dev/null || { echo "bench: $tool is not installed (apt-get install $tool)" >&2; exit 2; }; done

# --- the pair: veth created inside the namespaces, never in the root one ---
ip netns add "$NS_SND"
ip netns add "$NS_SINK"
ip -n "$NS_SND" link set lo up
ip -n "$NS_SINK" link set lo up
ip netns exec "$NS_SND" ip link add fb0 type veth peer name fb1 netns "$NS_SINK"
ip -n "$NS_SND" addr add 192.0.2.2/24 dev fb0
ip -n "$NS_SINK" addr add 192.0.2.1/24 dev fb1
ip -n "$NS_SND" link set fb0 up
ip -n "$NS_SINK" link set fb1 up
ip -n "$NS_SND" route add default via 192.0.2.1
ip netns exec "$NS_SINK" nft -f - <<NFT
table netdev bench {
  chain in {
    type filter hook ingress device "fb1" priority 0; policy accept;
    ether type arp accept
    drop
  }
}
NFT
GW_MAC=$(ip -n "$NS_SINK" link show fb1 | awk '/link\/ether/ {print $2}')
: >"$WORK/empty-blocklist"
# Isolation: the sender namespace must reach nothing but the sink.
links=$(ip -n "$NS_SND" -o link show | awk -F': ' '{print $2}' | cut -d@ -f1 | sort | tr '\n' ' ')
[ "$links" = "fb0 lo " ] || { echo "bench: unexpected links in $NS_SND: $links" >&2; exit 1; }

rx() { ip netns exec "$NS_SINK" cat /sys/class/net/fb1/statistics/rx_packets; }

# measure NAME CMD...: runs CMD in the sender namespace while a sampler in the
# sink namespace records (time, rx) every few ms; prints "arrived pps".
measure() {
  local samples="$WORK/samples"
  ip netns exec "$NS_SINK" bash -c '
    exec 9<> <(:)
    while :; do
      read -r n < /sys/class/net/fb1/statistics/rx_packets
      echo "$EPOCHREALTIME $n"
      read -t 0.005 -u 9 || true
    done' >"$samples" &
  local sampler=$!
  sleep 0.3
  ip netns exec "$NS_SND" "$@" >/dev/null 2>&1
  sleep 0.3
  kill "$sampler"
  wait "$sampler" 2>/dev/null || true
  # Rate between the 10% and 90% arrival marks: start-up, the tail and a late
  # sample at either edge do not count.
  awk 'NR == 1 { base = $2 } { t[NR] = $1; n[NR] = $2 } END {
         total = n[NR] - base
         for (i = 1; i <= NR; i++) if (n[i] - base >= 0.1 * total) { a = i; break }
         for (i = 1; i <= NR; i++) if (n[i] - base >= 0.9 * total) { b = i; break }
         printf "%d %.0f\n", total, (n[b] - n[a]) / (t[b] - t[a]) }' "$samples"
}

PROBES=2097152
declare -A best
run_tool() {
  local name=$1
  shift
  local result arrived pps
  result=$(measure "$@")
  arrived=${result% *}
  pps=${result#* }
  # The far side also counts the odd IPv6 neighbour-discovery frame.
  local verdict="all arrived"
  [ "$arrived" -ge "$PROBES" ] || verdict="LOST $((PROBES - arrived))"
  printf '  %-14s %9s pps   %s\n' "$name" "$pps" "$verdict"
  if [ -z "${best[$name]:-}" ] || [ "$pps" -gt "${best[$name]}" ]; then best[$name]=$pps; fi
}

echo "stage 1 send rate: $PROBES probes into 198.18.0.0/15, unlimited rate, best of $ROUNDS rounds"
for round in $(seq "$ROUNDS"); do
  echo "round $round"
  run_tool "fumidai -T 2" "$FUMIDAI" scan -p 8000-8015 -r 0 -T 2 -c 0 -q -G "$GW_MAC" -b "$WORK/empty-blocklist" -o /dev/null 198.18.0.0/15
  run_tool "fumidai -T 1" "$FUMIDAI" scan -p 8000-8015 -r 0 -T 1 -c 0 -q -G "$GW_MAC" -b "$WORK/empty-blocklist" -o /dev/null 198.18.0.0/15
  run_tool "zmap -T 2" zmap -p 80 -P 16 -r 0 -T 2 -c 0 -q -G "$GW_MAC" -b "$WORK/empty-blocklist" -o /dev/null 198.18.0.0/15
  run_tool "masscan" masscan 198.18.0.0/15 -p8000-8015 --rate 100000000 --router-mac "$GW_MAC" --adapter fb0 \
    --adapter-ip 192.0.2.2 --wait 0 -oL /dev/null
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "best pps: fumidai -T 2 ${best[fumidai -T 2]}, fumidai -T 1 ${best[fumidai -T 1]}, zmap -T 2 ${best[zmap -T 2]}, masscan ${best[masscan]}"
echo "ratio fumidai/zmap (both -T 2): $(ratio "${best[fumidai -T 2]}" "${best[zmap -T 2]}")x   (goal >= 1.5x)"
echo "ratio fumidai/masscan:          $(ratio "${best[fumidai -T 2]}" "${best[masscan]}")x"
echo "ratio fumidai -T 1/zmap -T 2:   $(ratio "${best[fumidai -T 1]}" "${best[zmap -T 2]}")x"

# --- recall against the lab's ground truth as the rate rises ---
ip netns del "$NS_SND"
ip netns del "$NS_SINK"
"$FUMIDAI" lab up --name-prefix "$LAB" --prefix 198.18.0.0/16 --seed 7 --services no >/dev/null
# shellcheck disable=SC1090
. "/run/fumidai-lab/$LAB/lab.env"
"$FUMIDAI" lab check --name-prefix "$LAB" >/dev/null
awk -F, '$3 == "open" { print $1 ":" $2 }' "$GROUND_TRUTH" | sort >"$WORK/truth"
echo "recall on the lab (198.18.0.0/16 x ${PORTS//\\/}, $(wc -l <"$WORK/truth") open ports):"
for rate in 100000 200000 400000 800000 0; do
  ip netns exec "$SCAN_NS" "$FUMIDAI" scan -p "${PORTS//\\/}" -r "$rate" -T 2 -c 2 -q -b "$WORK/empty-blocklist" \
    -O csv -o "$WORK/found.csv" -m "$WORK/meta.json" "$PREFIX" 2>/dev/null
  tail -n +2 "$WORK/found.csv" | awk -F, '{ print $1 ":" $2 }' | sort -u >"$WORK/found"
  hit=$(comm -12 "$WORK/truth" "$WORK/found" | wc -l)
  fp=$(comm -13 "$WORK/truth" "$WORK/found" | wc -l)
  pps=$(grep -o '"pps":[0-9]*' "$WORK/meta.json" | cut -d: -f2)
  printf '  rate %-8s sent at %8s pps   recall %s (%d/%d)   false positives %d\n' \
    "$([ "$rate" = 0 ] && echo max || echo "$rate")" "$pps" "$(ratio "$hit" "$(wc -l <"$WORK/truth")")" "$hit" \
    "$(wc -l <"$WORK/truth")" "$fp"
done

# --- rate limiter: achieved vs requested, about two seconds of probes each ---
echo "rate limiter (-T 2, achieved vs requested):"
for spec in 1000:198.18.0.0/24 10000:198.18.0.0/21 100000:198.18.0.0/18 1000000:198.18.0.0/16; do
  rate=${spec%%:*}
  ip netns exec "$SCAN_NS" "$FUMIDAI" scan -p "${PORTS//\\/}" -r "$rate" -T 2 -c 0 -q -b "$WORK/empty-blocklist" \
    -o /dev/null -m "$WORK/meta.json" "${spec#*:}" 2>/dev/null
  pps=$(grep -o '"pps":[0-9]*' "$WORK/meta.json" | cut -d: -f2)
  printf '  requested %8s pps   achieved %8s pps   %s\n' "$rate" "$pps" \
    "$(awk -v a="$pps" -v r="$rate" 'BEGIN { printf "%+.2f%%", 100 * (a - r) / r }')"
done
