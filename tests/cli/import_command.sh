#!/usr/bin/env bash
# `fumidai import` exit codes and messages, against the db_cluster fixture's
# PostgreSQL (FUMIDAI_STATE_DIR), in a database of its own:
#  1. Usage errors, a missing file and a bad --date exit 2 before the
#     database is touched.
#  2. A bad line exits 2 with "FILE:LINE: reason" and stores nothing;
#     --skip-bad exits 0, reports the first bad lines and the count.
#  3. The lab's files import (dates from their names; the abuse CSV's from
#     --date, or its modification day); a second import of the same file is
#     a no-op (exit 0); `import list` shows them, newest first.
#  4. An unreachable database exits 1; a database without the schema asks
#     for `fumidai db migrate` (exit 1).
# Usage: import_command.sh /path/to/fumidai
set -euo pipefail
FUMIDAI=${1:?usage: import_command.sh /path/to/fumidai}
SOURCE_DIR=$(cd "$(dirname "$0")/../.." && pwd)
LAB=$SOURCE_DIR/lab/attribution
FIXTURES=$SOURCE_DIR/tests/db/data/attribution
WORK=$(mktemp -d)
DB_NAME=fumidai_cli_import_$$
BASE_URL=$("$FUMIDAI" db url)
URL=${BASE_URL/dbname=fumidai/dbname=$DB_NAME}
cleanup() {
  psql -q "$BASE_URL" -c "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() {
  echo "FAIL import_command: $*" >&2
  exit 1
}
# expect CODE CMD...: runs CMD, output in $WORK/out and $WORK/err, and checks its exit code.
expect() {
  local want=$1 got=0
  shift
  "$@" >"$WORK/out" 2>"$WORK/err" || got=$?
  [[ $got == "$want" ]] || fail "exit $got, wanted $want: $* (stderr: $(head -3 "$WORK/err"))"
}
stored() { psql -qtA "$URL" -c "SELECT count(*) FROM attribution_imports"; }

psql -q "$BASE_URL" -c "CREATE DATABASE $DB_NAME" >/dev/null
# 4b. Before the schema: commands that need it refuse.
expect 1 "$FUMIDAI" import list --db "$URL"
grep -q 'fumidai db migrate' "$WORK/err" || fail "no migrate hint: $(cat "$WORK/err")"
expect 0 "$FUMIDAI" db migrate --db "$URL"

# 1.
expect 2 "$FUMIDAI" import
expect 2 "$FUMIDAI" import geolite2 "$LAB/abuse-contacts.csv" --db "$URL"
expect 2 "$FUMIDAI" import pfx2as --db "$URL"
expect 2 "$FUMIDAI" import pfx2as "$WORK/missing.pfx2as" --db "$URL"
grep -q "missing.pfx2as" "$WORK/err" || fail "the missing file is not named: $(cat "$WORK/err")"
expect 2 "$FUMIDAI" import pfx2as --date 2025-02-30 "$LAB/routeviews-rv2-20250101-1200.pfx2as" --db "$URL"
grep -q -- '--date: bad date "2025-02-30"' "$WORK/err" || fail "bad --date message: $(cat "$WORK/err")"
[[ $(stored) == 0 ]] || fail "usage errors stored something"
# A second date in the names needs --date.
cp "$LAB/delegated-ripencc-extended-20250101" "$WORK/delegated-ripencc-extended-20250102"
expect 2 "$FUMIDAI" import delegated "$LAB/delegated-apnic-extended-20250101" \
  "$WORK/delegated-ripencc-extended-20250102" --db "$URL"
grep -q 'different dates.*--date' "$WORK/err" || fail "no --date hint: $(cat "$WORK/err")"

# 2.
expect 2 "$FUMIDAI" import pfx2as --date 2025-01-01 "$FIXTURES/bad-lines.pfx2as" --db "$URL"
[[ $(cat "$WORK/err") == "fumidai import pfx2as: $FIXTURES/bad-lines.pfx2as:3: bad prefix \"198.18.0.1/18\": host bits set" ]] ||
  fail "bad line message: $(cat "$WORK/err")"
[[ ! -s $WORK/out && $(stored) == 0 ]] || fail "a failed import stored something"
# Several files are one import: a bad line in the second undoes the first.
expect 2 "$FUMIDAI" import delegated "$LAB/delegated-apnic-extended-20250101" "$FIXTURES/bad-lines-delegated" \
  --db "$URL"
grep -q "bad-lines-delegated:4: bad date" "$WORK/err" || fail "delegated bad line: $(cat "$WORK/err")"
[[ $(stored) == 0 ]] || fail "a failed two-file import stored something"
expect 0 "$FUMIDAI" import pfx2as --date 2024-01-01 --skip-bad "$FIXTURES/bad-lines.pfx2as" --db "$URL"
grep -q '^import [0-9]*: pfx2as, data date 2024-01-01, 3 rows, 3 bad lines skipped$' "$WORK/out" ||
  fail "skip-bad summary: $(cat "$WORK/out")"
[[ $(grep -c "skipped $FIXTURES/bad-lines.pfx2as:[357]: " "$WORK/err") == 3 ]] || fail "skipped lines: $(cat "$WORK/err")"
[[ $(psql -qtA "$URL" -c "SELECT rows || '/' || skipped FROM attribution_imports") == 3/3 ]] || fail "counts not stored"

# 3.
cd "$LAB"
expect 0 "$FUMIDAI" import pfx2as routeviews-rv2-20250101-1200.pfx2as --db "$URL"
grep -q '^import [0-9]*: pfx2as, data date 2025-01-01, 13 rows$' "$WORK/out" || fail "pfx2as: $(cat "$WORK/out")"
expect 0 "$FUMIDAI" import pfx2as routeviews-rv2-20250101-1200.pfx2as --db "$URL"
grep -q '^import [0-9]* already holds these files (pfx2as, data date 2025-01-01, 13 rows): nothing to do$' \
  "$WORK/out" || fail "re-import: $(cat "$WORK/out")"
expect 0 "$FUMIDAI" import as2org 20250101.as-org2info.txt --db "$URL"
expect 0 "$FUMIDAI" import delegated delegated-apnic-extended-20250101 delegated-ripencc-extended-20250101 --db "$URL"
grep -q ', 10 rows$' "$WORK/out" || fail "delegated: $(cat "$WORK/out")"
expect 0 "$FUMIDAI" import geolite2-asn GeoLite2-ASN-CSV_20250101/GeoLite2-ASN-Blocks-IPv4.csv \
  GeoLite2-ASN-CSV_20250101/GeoLite2-ASN-Blocks-IPv6.csv --db "$URL"
grep -q 'geolite2-asn, data date 2025-01-01, 24 rows$' "$WORK/out" || fail "geolite2-asn: $(cat "$WORK/out")"
cp abuse-contacts.csv "$WORK/abuse.csv"
touch -d '2024-12-24 12:00:00 UTC' "$WORK/abuse.csv"
expect 0 "$FUMIDAI" import abuse "$WORK/abuse.csv" --db "$URL"
grep -q 'abuse, data date 2024-12-24, 16 rows$' "$WORK/out" || fail "abuse by mtime: $(cat "$WORK/out")"
expect 0 "$FUMIDAI" import list --db "$URL"
[[ $(grep -c '^ *[0-9]' "$WORK/out") == 6 ]] || fail "import list: $(cat "$WORK/out")"
[[ $(grep -c ' yes ' "$WORK/out") == 5 ]] || fail "five current imports expected: $(cat "$WORK/out")"
head -2 "$WORK/out" | tail -1 | grep -q ' 2025-01-01 ' || fail "newest data first: $(cat "$WORK/out")"
[[ $(psql -qtA "$URL" -c "SELECT concat_ws('/', asn, org_id, country) FROM attribute_ip('198.19.0.85', now())") == \
  64501/ORG-RHEIN-RIPE/DE ]] || fail "attribute_ip after the CLI imports"

# 4a.
expect 1 "$FUMIDAI" import pfx2as routeviews-rv2-20250101-1200.pfx2as --db "host=$WORK/no-socket dbname=x"
grep -q 'cannot connect' "$WORK/err" || fail "unreachable database: $(cat "$WORK/err")"
echo "import_command: ok"
