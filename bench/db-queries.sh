#!/usr/bin/env bash
# The API's queries on ~10M synthetic observations: an embedded PostgreSQL in
# its own temporary FUMIDAI_STATE_DIR; HOSTS hosts over 100 ISPs
# (bench/db-queries-data.sql: routers, VPN servers, proxies, other hosts with
# their fingerprints and labels) observed by SCANS weekly scans
# (bench/db-queries-scan.sql, made server-side), each folded in with
# finalize_scan(); then each of the three ExposureQueries ROUNDS times, warm
# (bench/db_query_bench.cpp), with p50 and p95 against the 100 ms goal, and
# the plans of the statements behind them.
# No packets, no root needed. Usage: bench/db-queries.sh [BUILD_DIR]   (default build)
#   HOSTS (550000: ~1M observations a scan)  SCANS (10)  ROUNDS (500)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
HOSTS=${HOSTS:-550000}
SCANS=${SCANS:-10}
ROUNDS=${ROUNDS:-500}
GOAL_MS=100
[[ -f $BUILD/build.ninja ]] || tools/build.sh "$BUILD" >/dev/null
cmake --build "$BUILD" --target fumidai db_query_bench >/dev/null
FUMIDAI=$PWD/$BUILD/fumidai

# shellcheck source=bench/synthetic-store-lib.sh
source bench/synthetic-store-lib.sh
trap store_cleanup EXIT
store_generate "$HOSTS" "$SCANS"

echo "== queries, warm, $ROUNDS rounds each (goal: p95 under $GOAL_MS ms)"
OUT=$(mktemp)
trap 'rm -f "$OUT"; store_cleanup' EXIT
"$BUILD/bench/db_query_bench" --db "$URL" --rounds "$ROUNDS" >"$OUT"
while read -r name p50 p95 max rounds rows; do
  case $name in
    counts_isp_category) what="exposure counts, ISP x category, latest scan" ;;
    counts_asn_label) what="exposure counts, ASN x label, latest scan" ;;
    routers_page) what="one ISP's exposed routers, 100 after a cursor" ;;
    routers_first_page) what="one ISP's exposed routers, the first 100" ;;
    host_history) what="a host's services, history and changes" ;;
    *) what=$name ;;
  esac
  verdict=$(awk -v p="$p95" -v g="$GOAL_MS" 'BEGIN { print (p < g) ? "ok" : "OVER GOAL" }')
  printf '  %-48s p50 %8.3f ms  p95 %8.3f ms  max %8.3f ms  (%s rows a call)  %s\n' "$what" "$p50" "$p95" "$max" \
    "$rows" "$verdict"
done <"$OUT"

echo "== plans"
LATEST=$(sql -At -c "SELECT latest_scan_id()")
ORG=$(sql -At -c "SELECT org_id FROM hosts GROUP BY org_id ORDER BY count(*) DESC LIMIT 1")
CURSOR=$(sql -At -c "SELECT host(ip) FROM hosts WHERE org_id = '$ORG' AND router_vendor IS NOT NULL AND services > 0
                       ORDER BY ip OFFSET (SELECT count(*) / 2 FROM hosts WHERE org_id = '$ORG'
                                           AND router_vendor IS NOT NULL AND services > 0) LIMIT 1")
HOST=$(sql -At -c "SELECT host(ip) FROM hosts WHERE router_vendor IS NOT NULL ORDER BY ip LIMIT 1 OFFSET 1000")
explain() {
  echo "-- $1"
  sql -At -c "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) $2" | sed 's/^/   /'
}
explain "counts by ISP x category, scan $LATEST" \
  "SELECT org_id, max(org_name), name, sum(services), sum(hosts) FROM scan_exposure
    WHERE scan_id = $LATEST AND kind = 'category' GROUP BY org_id, name ORDER BY org_id, name"
explain "routers of $ORG, the page after $CURSOR" \
  "SELECT host(ip), router_vendor FROM hosts WHERE org_id = '$ORG' AND router_vendor IS NOT NULL AND services > 0
    AND ip > '$CURSOR'::inet ORDER BY ip LIMIT 101"
explain "host services of $HOST" \
  "SELECT port, transport FROM host_services WHERE ip = '$HOST' ORDER BY current DESC, port, transport"
explain "host history of $HOST" "SELECT * FROM host_history('$HOST')"
