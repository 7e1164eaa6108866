#!/usr/bin/env bash
# Ingest benchmark: rows per second of `fumidai ingest` against `psql \copy`
# of exactly the same rows, in one run, on one embedded cluster of its own
# (FUMIDAI_STATE_DIR under /tmp), into two fresh databases with the same
# migrated schema and indexes.
#  1. RECORDS (default 1,000,000) synthetic service records varied from the
#     lab's (tests/unit/data/fingerprints/lab-records.jsonl; half carry the
#     fingerprints and labels of tests/unit/data/ingest/grab.jsonl): a JSONL
#     file of about 1.2 GB.
#  2. The COPY text fumidai's encoder makes of them (bench/ingest_bench_data
#     copy), written to files first, untimed.
#  3. Timed: (a) `fumidai ingest FILE` (both passes, batched COPY, commits,
#     then finalize_scan), (b) `psql \copy` of the three files.
# Prints rows/s for (a)'s ingest path (the command minus finalize_scan, which
# folds the scan into the latest-state tables and which (b) does not do),
# for (a) as a whole, and for (b), and the ratios; the goal is (a) >= 0.8x (b).
# No packets, no root needed (as root the server runs as postgres).
# Usage: bench/db-ingest.sh [BUILD_DIR]   (default build)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
RECORDS=${RECORDS:-1000000}
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
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n / s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

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
psql -qX "$ADMIN" -c "CREATE DATABASE bench_ingest" -c "CREATE DATABASE bench_copy" >/dev/null
"$FUMIDAI" db migrate --db "$A" >/dev/null
"$FUMIDAI" db migrate --db "$B" >/dev/null
# (a) makes its month's partitions as part of the ingest; (b) gets them before.
psql -qX "$B" -c "SELECT ensure_scan_partitions('$START')" >/dev/null

psql -qX "$ADMIN" -c CHECKPOINT >/dev/null
echo "== (b) psql \\copy"
t0=$(now)
psql -qX -v ON_ERROR_STOP=1 "$B" \
  -c "\\copy services (scan_id, scan_started, ip, port, transport, protocol, status, seen_at, ttl, data, error, ptr, fingerprints, categories, labels, severity, asn, org_id, org_name, country) FROM '$WORK/copy/services.copy'" \
  -c "\\copy fingerprint_matches (scan_id, scan_started, ip, port, transport, category, rule_id, source, vendor, product, version, device, cpe, confidence) FROM '$WORK/copy/fingerprint_matches.copy'" \
  -c "\\copy service_labels (scan_id, scan_started, ip, port, transport, label, severity) FROM '$WORK/copy/service_labels.copy'"
copy_seconds=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }')
echo "  $copy_seconds s"

psql -qX "$ADMIN" -c CHECKPOINT >/dev/null
echo "== (a) fumidai ingest"
t0=$(now)
"$FUMIDAI" ingest --db "$A" "$WORK/records.jsonl" 2>"$WORK/ingest.err" || {
  cat "$WORK/ingest.err" >&2
  exit 1
}
total_seconds=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }')
sed 's/^/  /' "$WORK/ingest.err"
finalize_seconds=$(sed -n 's/.*finalize \([0-9.]*\) s$/\1/p' "$WORK/ingest.err")
ingest_seconds=$(awk -v a="$total_seconds" -v b="$finalize_seconds" 'BEGIN { printf "%.2f", a - b }')
echo "  $total_seconds s, of which finalize_scan $finalize_seconds s"

# The same rows on both sides.
count() { psql -qXAt "$1" -c "SELECT (SELECT count(*) FROM services), (SELECT count(*) FROM fingerprint_matches),
  (SELECT count(*) FROM service_labels), (SELECT sum(hashtext(ip::text || port || status || labels::text)) FROM services)"; }
ca=$(count "$A")
cb=$(count "$B")
[[ $ca == "$cb" ]] || {
  echo "FAIL: the databases differ: ingest $ca, psql $cb" >&2
  exit 1
}
rows=$(cut -d'|' -f1 <<<"$ca")
echo "== $rows services rows, $(cut -d'|' -f2 <<<"$ca") fingerprint rows, $(cut -d'|' -f3 <<<"$ca") label rows in each"
echo "  (b) psql \\copy:                      $(rate "$rows" "$copy_seconds") rows/s"
echo "  (a) fumidai ingest, ingest path:     $(rate "$rows" "$ingest_seconds") rows/s" \
  "= $(ratio "$copy_seconds" "$ingest_seconds")x psql (goal >= 0.8x)"
echo "  (a) fumidai ingest, with finalize:   $(rate "$rows" "$total_seconds") rows/s" \
  "= $(ratio "$copy_seconds" "$total_seconds")x psql"
