#!/usr/bin/env bash
# Stage-1 UDP send benchmark: fumidai vs Debian's zmap 2.1.1 (its udp probe
# module), side by side in one run, over one veth pair between two namespaces
# this script creates (bench/stage1-lib.sh, as bench/stage1-send.sh).
#
# Both send the same DNS probe, a 30-byte "version.bind" CH TXT query (zmap
# sends it from a file, --probe-args=file:; fumidai's built-in "dns" payload
# is the same bytes with the cookie in the transaction ID), 2,097,152 probes
# into 198.18.0.0/15 (RFC 2544's benchmarking range): /15 x 16 probes to port
# 53 (-P 16) for both, and fumidai also as /15 x 16 ports (5300-5315, all
# given the dns payload by a payload file). Both at their unlimited rate with
# two sender threads (-T 2). The far side counts arrivals and drops them at
# ingress; pps is measured there between the 10% and 90% arrival marks.
#
# Usage: bench/stage1-udp.sh [path/to/fumidai]   (root; sends only inside its namespaces)
set -euo pipefail
FUMIDAI=$(realpath "${1:-build/fumidai}")
ROUNDS=${ROUNDS:-3}
NS_SND=fdbench-usnd-$$
NS_SINK=fdbench-usink-$$
WORK=$(mktemp -d)

cleanup() {
  ip netns del "$NS_SND" 2>/dev/null || true
  ip netns del "$NS_SINK" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

command -v zmap >/dev/null || { echo "bench: zmap is not installed (apt-get install zmap)" >&2; exit 2; }

PROBES=2097152
# shellcheck source=stage1-lib.sh
source "$(dirname "$0")/stage1-lib.sh"
bench_pair_up
: >"$WORK/empty-blocklist"
# The query fumidai's dns payload sends, transaction ID 0.
printf '\0\0\0\0\0\1\0\0\0\0\0\0\7version\4bind\0\0\20\0\3' >"$WORK/dns.bin"
printf '* dns\n' >"$WORK/all-dns.conf"
[ "$(wc -c <"$WORK/dns.bin")" = 30 ] || { echo "bench: the DNS query is not 30 bytes" >&2; exit 1; }

COMMON=(-r 0 -T 2 -c 0 -q -G "$GW_MAC" -b "$WORK/empty-blocklist" -o /dev/null 198.18.0.0/15)
echo "stage 1 UDP send rate: $PROBES DNS probes (30-byte payload) into 198.18.0.0/15, unlimited rate, -T 2," \
  "best of $ROUNDS rounds"
for round in $(seq "$ROUNDS"); do
  echo "round $round"
  run_tool "fumidai -P 16" "$FUMIDAI" scan --udp-ports 53 -P 16 "${COMMON[@]}"
  run_tool "fumidai 16 ports" "$FUMIDAI" scan --udp-ports 5300-5315 --udp-payload-file "$WORK/all-dns.conf" "${COMMON[@]}"
  run_tool "zmap -M udp -P 16" zmap -M udp -p 53 --probe-args="file:$WORK/dns.bin" -P 16 "${COMMON[@]}"
done
echo "best pps: fumidai -P 16 ${best[fumidai -P 16]}, fumidai 16 ports ${best[fumidai 16 ports]}," \
  "zmap -M udp -P 16 ${best[zmap -M udp -P 16]}"
echo "ratio fumidai/zmap UDP (same probes, both -T 2): $(ratio "${best[fumidai -P 16]}" "${best[zmap -M udp -P 16]}")x"
echo "ratio fumidai 16 ports/zmap UDP:                 $(ratio "${best[fumidai 16 ports]}" "${best[zmap -M udp -P 16]}")x"
