# Sourced by the benchmarks that need a store of synthetic observations
# (bench/db-queries.sh, bench/api.sh): an embedded PostgreSQL in a temporary
# FUMIDAI_STATE_DIR, filled server-side with HOSTS hosts over 100 ISPs
# (bench/db-queries-data.sql) observed by SCANS weekly scans
# (bench/db-queries-scan.sql), each folded in with finalize_scan().
# Needs FUMIDAI (the binary); sets STATE, URL, and the helpers sql, now, secs.
# The caller's EXIT trap must call store_cleanup.
# BENCH_STORE=DIR keeps the store in DIR and reuses it when it already holds
# the same HOSTS and SCANS (generating ~10M observations takes a while).

if [[ -n ${BENCH_STORE:-} ]]; then
  STATE=$BENCH_STORE
  if [[ -d $STATE/pg ]] && ! compgen -G "$STATE/generated-*" >/dev/null; then
    echo "BENCH_STORE=$STATE holds an unfinished store; remove it first" >&2
    exit 2
  fi
  mkdir -p "$STATE"
else
  STATE=$(mktemp -d /tmp/fumidai-bench-store.XXXXXX)
fi
chmod 755 "$STATE"  # the server may run as user postgres
export FUMIDAI_STATE_DIR=$STATE
store_cleanup() {
  "$FUMIDAI" db down >/dev/null 2>&1 || true
  [[ -n ${BENCH_STORE:-} ]] || rm -rf "$STATE"
}
sql() { psql "$URL" -X -q -v ON_ERROR_STOP=1 "$@"; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# store_generate HOSTS SCANS: starts the cluster and fills it, printing progress.
store_generate() {
  local hosts=$1 scans=$2
  "$FUMIDAI" db up >/dev/null
  URL=$("$FUMIDAI" db url)
  local marker=$STATE/generated-$hosts-$scans
  if [[ -f $marker ]]; then
    echo "== reusing $scans scans of $hosts hosts in $STATE"
    return
  fi
  echo "== generating $scans scans of $hosts hosts over 100 ISPs (embedded cluster in $STATE)"
  local start setup_done insert_total=0 fold_total=0 a b c rows done_at
  start=$(now)
  sql -v hosts="$hosts" -v scans="$scans" -f bench/db-queries-data.sql >/dev/null
  setup_done=$(now)
  for k in $(seq 1 "$scans"); do
    a=$(now)
    sql -v scan="$k" -f bench/db-queries-scan.sql
    b=$(now)
    sql -c "SELECT finalize_scan(id) FROM scans WHERE uid = 'bench-$k'" >/dev/null
    c=$(now)
    rows=$(sql -At -c "SELECT rows_ingested FROM scans WHERE uid = 'bench-$k'")
    echo "  scan $k: $rows observations written in $(secs "$a" "$b") s, finalized in $(secs "$b" "$c") s"
    insert_total=$(awk -v t="$insert_total" -v a="$a" -v b="$b" 'BEGIN { print t + b - a }')
    fold_total=$(awk -v t="$fold_total" -v b="$b" -v c="$c" 'BEGIN { print t + c - b }')
  done
  sql -c "VACUUM ANALYZE" >/dev/null
  done_at=$(now)
  sql -At -F ' ' -c "SELECT (SELECT count(*) FROM services), (SELECT count(*) FROM fingerprint_matches),
                            (SELECT count(*) FROM service_labels), (SELECT count(*) FROM host_services),
                            (SELECT count(*) FROM hosts), (SELECT count(*) FROM hosts WHERE router_vendor IS NOT NULL),
                            (SELECT count(DISTINCT org_id) FROM hosts), (SELECT count(DISTINCT asn) FROM hosts),
                            pg_size_pretty(pg_database_size(current_database()))" |
    while read -r services matches labels host_services hosts routers orgs asns size; do
      echo "  observations $services, fingerprint matches $matches, labels $labels; folded: $host_services services," \
        "$hosts hosts ($routers routers); $orgs ISPs, $asns ASNs; database $size"
    done
  echo "  generation $(secs "$start" "$done_at") s: set-up $(secs "$start" "$setup_done") s," \
    "observations $(awk -v t="$insert_total" 'BEGIN { printf "%.1f", t }') s," \
    "finalize_scan $(awk -v t="$fold_total" 'BEGIN { printf "%.1f", t }') s, vacuum/analyze"
  touch "$marker"
}
