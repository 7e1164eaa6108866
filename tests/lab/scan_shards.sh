#!/usr/bin/env bash
# Sharding: three scans with the same --seed and --shards 3 (each with its own
# thread count, as different machines would have) probe every (address, port)
# exactly once between them, per a packet capture on the lab side, and their
# results together equal the ground truth.
# Usage: scan_shards.sh /path/to/fumidai   (needs root; exits 77 to skip)
set -euo pipefail
FUMIDAI=${1:?usage: scan_shards.sh /path/to/fumidai}
TEST_NAME=scan_shards
source "$(dirname "$0")/lablib.sh"

lab_start fdt-shards --prefix 198.18.32.0/20 --seed 3
port_count=$(tr ',' '\n' <<<"$PORTS" | wc -l)
probes=$((4096 * port_count))
capture_start "$WORK/syn.pcap" "dst net $PREFIX"
for shard in 0 1 2; do
  scan -p "$PORTS" -r 50000 -c 1 -q --seed 424242 --shards 3 --shard "$shard" -T $((shard + 1)) \
    -b "$WORK/no-blocklist" -o "$WORK/shard$shard.jsonl" "$PREFIX" 2>"$WORK/stderr$shard" ||
    fail "shard $shard exited $?: $(cat "$WORK/stderr$shard")"
done
capture_stop

capture_targets "$WORK/syn.pcap" >"$WORK/captured"
total=$(wc -l <"$WORK/captured")
unique=$(sort -u "$WORK/captured" | wc -l)
echo "$TEST_NAME: capture: $total SYNs, $unique distinct, of $probes"
((total == probes && unique == probes)) || fail "shards overlap or leave gaps"
cat "$WORK"/shard*.jsonl >"$WORK/all.jsonl"
results "$WORK/all.jsonl" open >"$WORK/open"
truth open >"$WORK/truth-open"
diff -q "$WORK/truth-open" "$WORK/open" >/dev/null || fail "sharded results differ from the ground truth"
echo "$TEST_NAME: $(wc -l <"$WORK/open") open ports across 3 shards, as in the ground truth"
echo "$TEST_NAME: PASS"
