#!/usr/bin/env bash
# `fumidai serve` end to end, against the db_cluster fixture's PostgreSQL
# (FUMIDAI_STATE_DIR) in a database of its own, on 127.0.0.1 only:
#  1. Bad flags (a malformed --listen, half a TLS pair, unreadable PEM files,
#     a port taken) exit 2 with one line; an unmigrated database exits 1
#     before listening.
#  2. With keys from `fumidai keys create`: /healthz, /readyz and /metrics
#     answer without a key; a /v1 route without a key, or with a wrong or
#     revoked-unknown one, is a 401 problem with WWW-Authenticate; with a key
#     the route answers.
#  3. SIGTERM: exit 0, the "stopped" line, and one audit_log row per request.
# Usage: serve_command.sh /path/to/fumidai
set -euo pipefail
FUMIDAI=${1:?usage: serve_command.sh /path/to/fumidai}
WORK=$(mktemp -d)
DB_NAME=fumidai_cli_serve_$$
BASE_URL=$("$FUMIDAI" db url)
URL=${BASE_URL/dbname=fumidai/dbname=$DB_NAME}
SERVER=
cleanup() {
  [[ -z $SERVER ]] || kill "$SERVER" 2>/dev/null || true
  psql -qX "$BASE_URL" -c "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" -c "DROP DATABASE IF EXISTS ${DB_NAME}_empty" \
    >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
TEST_NAME=serve_command
source "$(dirname "$0")/clilib.sh"
psql -qX "$BASE_URL" -c "CREATE DATABASE $DB_NAME" -c "CREATE DATABASE ${DB_NAME}_empty" >/dev/null
"$FUMIDAI" db migrate --db "$URL" >/dev/null

# 1. Bad flags and databases.
expect_exit 2 "--listen nowhere: expected ADDR:PORT" serve --db "$URL" --listen nowhere
expect_exit 2 "port must be" serve --db "$URL" --listen 127.0.0.1:99999
expect_exit 2 "--tls-cert and --tls-key go together" serve --db "$URL" --listen 127.0.0.1:0 --tls-cert "$WORK/none.pem"
echo "not a certificate" >"$WORK/bad.pem"
expect_exit 2 "bad.pem" serve --db "$URL" --listen 127.0.0.1:0 --tls-cert "$WORK/bad.pem" --tls-key "$WORK/bad.pem"
expect_exit 2 "--workers" serve --db "$URL" --workers 0
expect_exit 1 "db migrate" serve --db "${BASE_URL/dbname=fumidai/dbname=${DB_NAME}_empty}" --listen 127.0.0.1:0
python3 -c 'import socket,time,sys; s=socket.socket(); s.bind(("127.0.0.1",0)); s.listen(); print(s.getsockname()[1]); sys.stdout.flush(); time.sleep(30)' \
  >"$WORK/taken" &
holder=$!
for _ in $(seq 1 50); do [[ -s $WORK/taken ]] && break; sleep 0.1; done
expect_exit 2 "127.0.0.1" serve --db "$URL" --listen "127.0.0.1:$(cat "$WORK/taken")"
kill "$holder"

# 2. A running server.
ADMIN_KEY=$("$FUMIDAI" keys create --db "$URL" serve-admin --role admin 2>/dev/null)
"$FUMIDAI" serve --db "$URL" --listen 127.0.0.1:0 2>"$WORK/serve.err" &
SERVER=$!
for _ in $(seq 1 100); do grep -q "listening on" "$WORK/serve.err" && break; sleep 0.1; done
API=$(grep -oE 'http://127\.0\.0\.1:[0-9]+' "$WORK/serve.err") || fail "no listening line: $(cat "$WORK/serve.err")"
requests=0
# get STATUS PATH [KEY]: GET PATH, body in $WORK/body, headers in $WORK/headers.
get() {
  local want=$1 path=$2 key=${3:-} got
  got=$(curl -sS -o "$WORK/body" -D "$WORK/headers" -w '%{http_code}' ${key:+-H "Authorization: Bearer $key"} "$API$path")
  requests=$((requests + 1))
  [[ $got == "$want" ]] || fail "GET $path: status $got, wanted $want: $(cat "$WORK/body")"
}
get 200 /healthz
grep -q '"status":"ok"' "$WORK/body" || fail "/healthz body: $(cat "$WORK/body")"
get 200 /readyz
get 200 /metrics
grep -q '^fumidai_api_requests_total{route="healthz",status="200"} 1$' "$WORK/body" ||
  fail "/metrics lacks the healthz count: $(head -20 "$WORK/body")"
get 401 /v1/scans
grep -qi '^WWW-Authenticate: Bearer' "$WORK/headers" || fail "401 without WWW-Authenticate: $(cat "$WORK/headers")"
grep -qi '^Content-Type: application/problem+json' "$WORK/headers" || fail "401 is not problem+json"
get 401 /v1/scans "fmd_aaaaaaaa_not-a-real-secret-not-a-real-secret-0000"
get 401 /v1/scans "garbage"
get 200 /v1/scans "$ADMIN_KEY"
get 400 "/v1/scans?nonsense=1" "$ADMIN_KEY"
grep -q 'nonsense' "$WORK/body" || fail "the 400 does not name the parameter: $(cat "$WORK/body")"

# 3. SIGTERM drains and stops; the audit log holds every request.
kill -TERM "$SERVER"
rc=0
wait "$SERVER" || rc=$?
SERVER=
((rc == 0)) || fail "serve exited $rc after SIGTERM: $(cat "$WORK/serve.err")"
grep -q "stopped" "$WORK/serve.err" || fail "no stopped line: $(cat "$WORK/serve.err")"
logged=$(psql -qXAt "$URL" -c "SELECT count(*) FROM audit_log")
[[ $logged == "$requests" ]] || fail "audit_log holds $logged rows for $requests requests"
echo "serve_command: $requests requests, all audited"
