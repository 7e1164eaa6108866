# Shared by the stage-1 send benchmarks (source it): a veth pair between two
# namespaces the benchmark creates, the far side counting arrivals (veth rx
# counter) and dropping them at ingress, and the helpers that measure a tool
# against it. The caller sets NS_SND, NS_SINK, WORK and PROBES, removes the
# namespaces on exit, and sends only from inside NS_SND.

# bench_pair_up: creates the pair (never in the root namespace) and sets
# GW_MAC, the sink's MAC, which the tools take as their gateway.
bench_pair_up() {
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
  # Isolation: the sender namespace must reach nothing but the sink.
  local links
  links=$(ip -n "$NS_SND" -o link show | awk -F': ' '{print $2}' | cut -d@ -f1 | sort | tr '\n' ' ')
  [ "$links" = "fb0 lo " ] || { echo "bench: unexpected links in $NS_SND: $links" >&2; exit 1; }
}

# measure CMD...: runs CMD in the sender namespace while a sampler in the
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

# run_tool NAME CMD...: one measured run; prints it and keeps NAME's best pps
# in best[NAME].
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
  printf '  %-24s %9s pps   %s\n' "$name" "$pps" "$verdict"
  if [ -z "${best[$name]:-}" ] || [ "$pps" -gt "${best[$name]}" ]; then best[$name]=$pps; fi
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
