#!/usr/bin/env bash
# Sharding: three scans with the same --seed and --shards 3 (each with its own
# thread count, as different machines would have) probe every (address, port)
# exactly once between them, per a packet capture on the lab side, and their
# results together equal the ground truth.
# One shard also writes CSV (-O csv), read back like the JSONL of the others.
# Usage: scan_shards.sh /path/to/fumidai   (needs root; exits 77 to skip)
set -euo pipefail
FUMIDAI=${1:?usage: scan_shards.sh /path/to/fumidai}
TEST_NAME=scan_shards
source "$(dirname "$0")/lablib.sh"

lab_start fdt-shards --prefix 198.18.32.0/20 --seed 3 --services no
port_count=$(tr ',' '\n' <<<"$PORTS" | wc -l)
probes=$((4096 * port_count))
capture_start "$WORK/syn.pcap" "dst net $PREFIX"
# Shard 1 writes CSV. Shard 2 names its interface, source address and gateway
# MAC instead of taking them from the routing and neighbour tables.
shard_args=([0]="-o $WORK/shard0.jsonl" [1]="-O csv -o $WORK/shard1.csv"
  [2]="-o $WORK/shard2.jsonl -i $SCAN_IF -S $SCANNER_IP -G $GATEWAY_MAC")
for shard in 0 1 2; do
  # shellcheck disable=SC2086 # shard_args holds several words on purpose
  scan -p "$PORTS" -r 50000 -c 1 -q --seed 424242 --shards 3 --shard "$shard" -T $((shard + 1)) \
    -b "$WORK/no-blocklist" ${shard_args[shard]} "$PREFIX" 2>"$WORK/stderr$shard" ||
    fail "shard $shard exited $?: $(cat "$WORK/stderr$shard")"
done
capture_stop

capture_targets "$WORK/syn.pcap" >"$WORK/captured"
total=$(wc -l <"$WORK/captured")
unique=$(sort -u "$WORK/captured" | wc -l)
echo "$TEST_NAME: capture: $total SYNs, $unique distinct, of $probes"
((total == probes && unique == probes)) || fail "shards overlap or leave gaps"
[[ $(head -1 "$WORK/shard1.csv") == ip,port,transport,status,ttl,ts ]] || fail "CSV header: $(head -1 "$WORK/shard1.csv")"
{
  cat "$WORK"/shard*.jsonl | results /dev/stdin open
  awk -F, 'NR > 1 && $4 == "open" { print $1 ":" $2 }' "$WORK/shard1.csv"
} | sort >"$WORK/open"
truth open >"$WORK/truth-open"
diff -q "$WORK/truth-open" "$WORK/open" >/dev/null || fail "sharded results differ from the ground truth"
echo "$TEST_NAME: $(wc -l <"$WORK/open") open ports across 3 shards, as in the ground truth"
echo "$TEST_NAME: PASS"
