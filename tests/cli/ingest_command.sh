#!/usr/bin/env bash
# `fumidai ingest` against the db_cluster fixture's server, in a database of
# its own:
#  1. The lab's service records load (report line on stderr); a re-run adds
#     nothing; stage-1 records with --metadata take the summary's start,
#     ports and seed; two files joined by --scan-id make one scan.
#  2. A line that is not JSON: exit 2 naming file and line, nothing written.
#     A bad record after committed batches: exit 2 naming it, the scan left
#     unfinished; --skip-bad completes it, counting the line.
#  3. Bad flags and bad databases: malformed --db and bad flags exit 2,
#     an unreachable server or an unmigrated database exit 1, each one line.
#  4. A SQL-looking string is stored as data.
# Usage: ingest_command.sh /path/to/fumidai   (FUMIDAI_STATE_DIR: the fixture's)
set -euo pipefail
FUMIDAI=${1:?usage: ingest_command.sh /path/to/fumidai}
SOURCE_DIR=$(cd "$(dirname "$0")/../.." && pwd)
DATA=$SOURCE_DIR/tests/unit/data/ingest
WORK=$(mktemp -d)
unset FUMIDAI_DATABASE_URL
URL=$("$FUMIDAI" db url)
DB=fumidai_ingest_cli_$$
ADMIN=${URL/dbname=fumidai/dbname=postgres}
TARGET=${URL/dbname=fumidai/dbname=$DB}
EMPTY=${URL/dbname=fumidai/dbname=${DB}_empty}
cleanup() {
  psql -qX "$ADMIN" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "DROP DATABASE IF EXISTS ${DB}_empty" \
    >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
TEST_NAME=ingest_command
source "$(dirname "$0")/clilib.sh"
psql -qX "$ADMIN" -c "CREATE DATABASE $DB" -c "CREATE DATABASE ${DB}_empty" >/dev/null ||
  fail "cannot create the test databases on $ADMIN (is the db_cluster fixture up?)"
"$FUMIDAI" db migrate --db "$TARGET" >/dev/null
q() { psql -qXAt "$TARGET" -c "$1"; }
expect_eq() {  # expect_eq WHAT GOT WANT
  [[ $2 == "$3" ]] || fail "$1: got '$2', wanted '$3'"
}

# 1.
expect_exit 0 'ingest: 9 rows in 1 batches \(0 already in\), 0 duplicates, 0 reconnects, 0 bad lines' \
  ingest --db "$TARGET" "$DATA/grab.jsonl"
expect_eq "services" "$(q 'SELECT count(*) FROM services')" 9
expect_eq "scan name and uid" "$(q 'SELECT name, uid FROM scans')" "grab.jsonl|$(sha256sum "$DATA/grab.jsonl" | cut -d' ' -f1)"
expect_eq "finished" "$(q 'SELECT count(*) FROM scans WHERE finished IS NOT NULL AND rows_ingested = 9')" 1
expect_exit 0 'ingest: 0 rows in 0 batches \(1 already in\), 9 duplicates' ingest --db "$TARGET" "$DATA/grab.jsonl"
expect_exit 0 'ingest: 41 rows in 21 batches' \
  ingest --db "$TARGET" --metadata "$DATA/scan-summary.json" --scan-name lab --batch-rows 2 "$DATA/scan.jsonl"
expect_eq "the summary's scan" "$(q "SELECT started, seed, ports, finished FROM scans WHERE name = 'lab'")" \
  "2026-11-27 11:50:42.271+00|17577253860842540125|{21,22,23,80,443,1723,7547,8080}|2026-11-27 11:50:49.542+00"
head -4 "$DATA/grab.jsonl" >"$WORK/a.jsonl"
tail -n +5 "$DATA/grab.jsonl" | sed 's/"ip":"198\.19\./"ip":"198.20./' >"$WORK/b.jsonl"
expect_exit 0 'a.jsonl and 1 more: scan joined .*: ingest: 9 rows' \
  ingest --db "$TARGET" --scan-id joined "$WORK/a.jsonl" "$WORK/b.jsonl"
expect_eq "one scan of two files" "$(q "SELECT rows_ingested, ports FROM scans WHERE uid = 'joined'")" \
  "9|{23,80,443,1080,1723,3128}"

# 2.
scans=$(q 'SELECT count(*) FROM scans')
{ head -2 "$DATA/scan.jsonl"; echo '{"ip":'; tail -1 "$DATA/scan.jsonl"; } >"$WORK/broken.jsonl"
expect_exit 2 "^fumidai ingest: $WORK/broken.jsonl:3: not JSON" ingest --db "$TARGET" "$WORK/broken.jsonl"
expect_eq "scans after a broken file" "$(q 'SELECT count(*) FROM scans')" "$scans"
{ head -5 "$DATA/scan.jsonl" | sed 's/"ip":"198\.18\./"ip":"198.21./'
  echo '{"ip":"198.21.0.1","port":"80","transport":"tcp","status":"open","ttl":64,"ts":"2026-11-27T11:50:42.279Z"}'
  tail -3 "$DATA/scan.jsonl" | sed 's/"ip":"198\.18\./"ip":"198.21./'; } >"$WORK/bad.jsonl"
expect_exit 2 "^fumidai ingest: $WORK/bad.jsonl:6: \"port\" must be an integer 1-65535" \
  ingest --db "$TARGET" --batch-rows 2 "$WORK/bad.jsonl"
grep -q 'is left unfinished' "$WORK/out" || fail "no word of the unfinished scan: $(cat "$WORK/out")"
expect_eq "unfinished" "$(q "SELECT finished IS NULL FROM scans WHERE name = 'bad.jsonl'")" t
expect_exit 0 'ingest: 4 rows in 2 batches \(2 already in\), 4 duplicates, 0 reconnects, 1 bad lines' \
  ingest --db "$TARGET" --batch-rows 2 --skip-bad "$WORK/bad.jsonl"
grep -q "bad.jsonl:6: .*(skipped)" "$WORK/out" || fail "the skipped line was not named: $(cat "$WORK/out")"
expect_eq "completed" "$(q "SELECT finished IS NOT NULL, rows_ingested FROM scans WHERE name = 'bad.jsonl'")" "t|8"
: >"$WORK/empty.jsonl"
expect_exit 2 'no record has a time to date the scan by; give --metadata' ingest --db "$TARGET" "$WORK/empty.jsonl"

# 3.
expect_exit 2 'invalid --batch-rows 0' ingest --db "$TARGET" --batch-rows 0 "$DATA/grab.jsonl"
echo 'not json' >"$WORK/summary.json"
expect_exit 2 "^fumidai ingest: --metadata $WORK/summary.json: not JSON" \
  ingest --db "$TARGET" --metadata "$WORK/summary.json" "$DATA/grab.jsonl"
echo '{"start":"yesterday"}' >"$WORK/summary.json"
expect_exit 2 'summary: "start" must be a UTC time' ingest --db "$TARGET" --metadata "$WORK/summary.json" "$DATA/grab.jsonl"
expect_exit 2 'does not exist|File does not exist' ingest --db "$TARGET" "$WORK/missing.jsonl"
expect_exit 2 '^fumidai ingest: --db: malformed database URL' ingest --db 'nonsense=1' "$DATA/grab.jsonl"
expect_exit 1 '^fumidai ingest: cannot connect to host=/nonexistent' ingest --db 'host=/nonexistent dbname=x' \
  "$DATA/grab.jsonl"
expect_exit 1 'run `fumidai db migrate`' ingest --db "$EMPTY" "$DATA/grab.jsonl"

# 4.
printf '%s\n' '{"ip":"192.0.2.66","port":80,"transport":"tcp","protocol":"http","status":"success","data":{"title":"x'"'"'); DROP TABLE services; --"},"ptr":"'"'"' OR 1=1; --","fingerprints":[],"labels":[{"id":"$$; TRUNCATE scans; $$","severity":"info"}],"ts":"2026-11-27T12:00:00.000Z"}' \
  >"$WORK/sql.jsonl"
expect_exit 0 'ingest: 1 rows' ingest --db "$TARGET" "$WORK/sql.jsonl"
expect_eq "SQL as data" "$(q "SELECT data->>'title', ptr, labels[1] FROM services WHERE ip = '192.0.2.66'")" \
  "x'); DROP TABLE services; --|' OR 1=1; --|\$\$; TRUNCATE scans; \$\$"
echo "ingest_command: all checks passed"
