#!/usr/bin/env bash
# Ingest benchmark: rows per second of `fumidai ingest` against `psql \copy`
# of exactly the same rows, in one run, on one embedded cluster of its own
# (FUMIDAI_STATE_DIR under /tmp), each round into two fresh databases with
# the same migrated schema and indexes.
#  1. RECORDS (default 1,000,000) synthetic service records varied from the
#     lab's (tests/unit/data/fingerprints/lab-records.jsonl; half carry the
#     fingerprints and labels of tests/unit/data/ingest/grab.jsonl): a JSONL
#     file of about 1.1 KB a record.
#  2. The COPY text fumidai's encoder makes of them (bench/ingest_bench_data
#     copy), written to files first, untimed.
#  3. ROUNDS (default 3) rounds, alternating which side goes first, each
#     timing (a) `fumidai ingest FILE` (the survey pass, then batched COPY
#     and commits, then finalize_scan) and (b) `psql \copy` of the three
#     files. A CHECKPOINT before each; autovacuum off, so that neither side
#     vacuums the other's rows while timed.
# Prints each round's times and its ratio (the two sides of a round ran back
# to back, under the same load: the machine is shared), and over the rounds
# the median ratio — the figure for the goal, (a)'s ingest path >= 0.8x (b) —
# and each side's best: rows/s for (b), for (a)'s ingest path (the command
# minus finalize_scan, which folds the scan into the latest-state tables and
# which (b) does not do) and for (a) as a whole.
# No packets, no root needed (as root the server runs as postgres).
# Usage: bench/db-ingest.sh [BUILD_DIR]   (default build)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
RECORDS=${RECORDS:-1000000}
ROUNDS=${ROUNDS:-3}
[[ -f $BUILD/build.ninja ]] || tools/build.sh "$BUILD" >/dev/null
cmake --build "$BUILD" --target fumidai ingest_bench_data >/dev/null
FUMIDAI=$(realpath "$BUILD/fumidai")
DATA=$(realpath "$BUILD/bench/ingest_bench_data")
WORK=$(mktemp -d /tmp/fumidai-db-ingest.XXXXXX)
chmod 755 "$WORK"
export FUMIDAI_STATE_DIR=$WORK/state
unset FUMIDAI_DATABASE_URL
cleanup() {
  "$FUMIDAI" db down >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
START=2026-11-27T00:00:00.000Z
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n / s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
min() { tr ' ' '\n' | sort -g | head -1; }

echo "== data: $RECORDS records"
"$DATA" records --templates tests/unit/data/fingerprints/lab-records.jsonl \
  --annotations tests/unit/data/ingest/grab.jsonl --records "$RECORDS" --seed 1 --start "$START" \
  -o "$WORK/records.jsonl"
mkdir "$WORK/copy"
# Scan id 1: the first scan of a fresh database, as (a) makes it.
"$DATA" copy --scan-id 1 --started "$START" --out "$WORK/copy" "$WORK/records.jsonl"
chmod -R a+rX "$WORK"
echo "  JSONL $(du -m "$WORK/records.jsonl" | cut -f1) MB; COPY text $(du -cm "$WORK"/copy/*.copy | tail -1 | cut -f1) MB"

"$FUMIDAI" db up >/dev/null
URL=$("$FUMIDAI" db url)
ADMIN=${URL/dbname=fumidai/dbname=postgres}
A=${URL/dbname=fumidai/dbname=bench_ingest}
B=${URL/dbname=fumidai/dbname=bench_copy}
psql -qX "$ADMIN" -c "ALTER SYSTEM SET autovacuum = off" -c "SELECT pg_reload_conf()" >/dev/null

fresh() {  # fresh URL NAME: the database dropped, created and migrated
  PGOPTIONS='-c client_min_messages=warning' psql -qX "$ADMIN" -c "DROP DATABASE IF EXISTS $2" -c "CREATE DATABASE $2" \
    >/dev/null
  "$FUMIDAI" db migrate --db "$1" >/dev/null
}
run_copy() {
  fresh "$B" bench_copy
  # (a) makes its month's partitions as part of the ingest; (b) gets them before.
  psql -qX "$B" -c "SELECT ensure_scan_partitions('$START')" >/dev/null
  psql -qX "$ADMIN" -c CHECKPOINT >/dev/null
  local t0
  t0=$(now)
  psql -qX -v ON_ERROR_STOP=1 "$B" \
    -c "\\copy services (scan_id, scan_started, ip, port, transport, protocol, status, seen_at, ttl, data, error, ptr, fingerprints, categories, labels, severity, asn, org_id, org_name, country) FROM '$WORK/copy/services.copy'" \
    -c "\\copy fingerprint_matches (scan_id, scan_started, ip, port, transport, category, rule_id, source, vendor, product, version, device, cpe, confidence) FROM '$WORK/copy/fingerprint_matches.copy'" \
    -c "\\copy service_labels (scan_id, scan_started, ip, port, transport, label, severity) FROM '$WORK/copy/service_labels.copy'"
  copy_times+=" $(since "$t0")"
}
run_ingest() {
  fresh "$A" bench_ingest
  psql -qX "$ADMIN" -c CHECKPOINT >/dev/null
  local t0 total finalize
  t0=$(now)
  "$FUMIDAI" ingest --db "$A" "$WORK/records.jsonl" 2>"$WORK/ingest.err" || {
    cat "$WORK/ingest.err" >&2
    exit 1
  }
  total=$(since "$t0")
  finalize=$(sed -n 's/.*finalize \([0-9.]*\) s$/\1/p' "$WORK/ingest.err")
  total_times+=" $total"
  ingest_times+=" $(awk -v a="$total" -v b="$finalize" 'BEGIN { printf "%.2f", a - b }')"
}

copy_times=
ingest_times=
total_times=
for ((round = 1; round <= ROUNDS; round++)); do
  if ((round % 2)); then
    run_copy
    run_ingest
  else
    run_ingest
    run_copy
  fi
  echo "== round $round: (b) psql \\copy $(awk '{print $NF}' <<<"$copy_times") s;" \
    "(a) fumidai ingest $(awk '{print $NF}' <<<"$total_times") s, ingest path $(awk '{print $NF}' <<<"$ingest_times") s:" \
    "$(ratio "$(awk '{print $NF}' <<<"$copy_times")" "$(awk '{print $NF}' <<<"$ingest_times")")x"
done
sed 's/^/  last: /' "$WORK/ingest.err"

# The same rows on both sides (the last round's databases).
count() { psql -qXAt "$1" -c "SELECT (SELECT count(*) FROM services), (SELECT count(*) FROM fingerprint_matches),
  (SELECT count(*) FROM service_labels), (SELECT sum(hashtext(ip::text || port || status || labels::text)) FROM services)"; }
ca=$(count "$A")
cb=$(count "$B")
[[ $ca == "$cb" ]] || {
  echo "FAIL: the databases differ: ingest $ca, psql $cb" >&2
  exit 1
}
rows=$(cut -d'|' -f1 <<<"$ca")
copy_best=$(min <<<"${copy_times# }")
ingest_best=$(min <<<"${ingest_times# }")
total_best=$(min <<<"${total_times# }")
read -ra copies <<<"$copy_times"
read -ra ingests <<<"$ingest_times"
read -ra totals <<<"$total_times"
ratios=
whole=
for ((i = 0; i < ROUNDS; i++)); do
  ratios+=" $(ratio "${copies[i]}" "${ingests[i]}")"
  whole+=" $(ratio "${copies[i]}" "${totals[i]}")"
done
median() { tr ' ' '\n' | grep . | sort -g | awk '{v[NR] = $1} END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo "== $rows services rows, $(cut -d'|' -f2 <<<"$ca") fingerprint rows, $(cut -d'|' -f3 <<<"$ca") label rows"
echo "  (a) ingest path / (b) psql \\copy, per round:$ratios; median $(median <<<"$ratios")x (goal >= 0.8x)"
echo "  (a) with finalize_scan / (b), per round:$whole; median $(median <<<"$whole")x"
echo "  best rounds: (b) psql \\copy $(rate "$rows" "$copy_best") rows/s ($copy_best s);" \
  "(a) ingest path $(rate "$rows" "$ingest_best") rows/s ($ingest_best s);" \
  "(a) with finalize_scan $(rate "$rows" "$total_best") rows/s ($total_best s)"
