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
PROBES=2097152
# shellcheck source=stage1-lib.sh
source "$(dirname "$0")/stage1-lib.sh"
bench_pair_up
: >"$WORK/empty-blocklist"

echo "stage 1 send rate: $PROBES probes into 198.18.0.0/15, unlimited rate, best of $ROUNDS rounds"
for round in $(seq "$ROUNDS"); do
  echo "round $round"
  run_tool "fumidai -T 2" "$FUMIDAI" scan -p 8000-8015 -r 0 -T 2 -c 0 -q -G "$GW_MAC" -b "$WORK/empty-blocklist" -o /dev/null 198.18.0.0/15
  run_tool "fumidai -T 1" "$FUMIDAI" scan -p 8000-8015 -r 0 -T 1 -c 0 -q -G "$GW_MAC" -b "$WORK/empty-blocklist" -o /dev/null 198.18.0.0/15
  run_tool "zmap -T 2" zmap -p 80 -P 16 -r 0 -T 2 -c 0 -q -G "$GW_MAC" -b "$WORK/empty-blocklist" -o /dev/null 198.18.0.0/15
  run_tool "masscan" masscan 198.18.0.0/15 -p8000-8015 --rate 100000000 --router-mac "$GW_MAC" --adapter fb0 \
    --adapter-ip 192.0.2.2 --wait 0 -oL /dev/null
done
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
