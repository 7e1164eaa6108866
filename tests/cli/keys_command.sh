#!/usr/bin/env bash
# `fumidai keys` against the db_cluster fixture's PostgreSQL
# (FUMIDAI_STATE_DIR), in a database of its own:
#  1. Bad flags (a bad role, an analyst without a constituency, a bad CIDR,
#     country or ASN, a constituency on an admin key, a bad name or rate)
#     exit 2 with one line naming the value, and write nothing.
#  2. create prints the token once (stdout) and says so (stderr); only its
#     hash is stored; a taken name exits 2.
#  3. list (table and --json) shows the keys and never a secret.
#  4. revoke by name or id; again is a no-op; an unknown key exits 2.
# Usage: keys_command.sh /path/to/fumidai
set -euo pipefail
FUMIDAI=${1:?usage: keys_command.sh /path/to/fumidai}
WORK=$(mktemp -d)
DB_NAME=fumidai_cli_keys_$$
BASE_URL=$("$FUMIDAI" db url)
URL=${BASE_URL/dbname=fumidai/dbname=$DB_NAME}
cleanup() {
  psql -q "$BASE_URL" -c "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
TEST_NAME=keys_command
source "$(dirname "$0")/clilib.sh"
# expect CODE CMD...: runs CMD, output in $WORK/out and $WORK/err, and checks its exit code.
expect() {
  local want=$1 got=0
  shift
  "$@" >"$WORK/out" 2>"$WORK/err" || got=$?
  [[ $got == "$want" ]] || fail "exit $got, wanted $want: $* (stderr: $(head -3 "$WORK/err"))"
}
# expect_error CODE MESSAGE CMD...: as expect, and stderr is that one line.
expect_error() {
  local want=$1 message=$2
  shift 2
  expect "$want" "$@"
  [[ $(cat "$WORK/err") == "$message" ]] || fail "$*: stderr $(cat "$WORK/err"), wanted $message"
}
keys() { psql -qtA "$URL" -c "SELECT count(*) FROM api_keys"; }

psql -q "$BASE_URL" -c "CREATE DATABASE $DB_NAME" >/dev/null
expect 0 "$FUMIDAI" db migrate --db "$URL"

# 1.
expect 2 "$FUMIDAI" keys
expect 2 "$FUMIDAI" keys create ops --db "$URL"
expect_error 2 'fumidai keys create: --role: bad role "root": admin, analyst or researcher' \
  "$FUMIDAI" keys create ops --role root --db "$URL"
expect_error 2 'fumidai keys create: an analyst key needs a constituency: at least one ASN, prefix or country' \
  "$FUMIDAI" keys create cert --role analyst --db "$URL"
expect_error 2 'fumidai keys create: bad prefix "192.0.2.1/24": host bits set' \
  "$FUMIDAI" keys create cert --role analyst --prefix 192.0.2.1/24 --db "$URL"
expect 2 "$FUMIDAI" keys create cert --role analyst --prefix 300.0.0.0/8 --db "$URL"
grep -q '^fumidai keys create: bad prefix "300.0.0.0/8": ' "$WORK/err" || fail "bad CIDR: $(cat "$WORK/err")"
expect_error 2 'fumidai keys create: bad country "DEU": an ISO 3166-1 alpha-2 code such as DE' \
  "$FUMIDAI" keys create cert --role analyst --country DEU --db "$URL"
expect_error 2 'fumidai keys create: --asn: bad ASN "AS1x": a number such as 64500 or AS64500' \
  "$FUMIDAI" keys create cert --role analyst --asn AS1x --db "$URL"
expect_error 2 'fumidai keys create: an admin key sees everything: a constituency is for analyst keys only' \
  "$FUMIDAI" keys create ops --role admin --asn 64500 --db "$URL"
expect 2 "$FUMIDAI" keys create "bad name" --role admin --db "$URL"
grep -q '^fumidai keys create: bad key name "bad name"' "$WORK/err" || fail "bad name: $(cat "$WORK/err")"
expect 2 "$FUMIDAI" keys create ops --role admin --rate 0 --db "$URL"
grep -q '^fumidai keys create: bad rate 0' "$WORK/err" || fail "bad rate: $(cat "$WORK/err")"
expect 2 "$FUMIDAI" keys create ops --role admin --rate fast --db "$URL"
expect_error 2 "fumidai keys create: bad ASN -1: not 1-4294967295" "$FUMIDAI" keys create cert --role analyst --asn -1 --db "$URL"
[[ $(keys) == 0 ]] || fail "bad flags wrote a key"

# 2.
expect 0 "$FUMIDAI" keys create ops --role admin --db "$URL"
TOKEN=$(cat "$WORK/out")
[[ $TOKEN =~ ^fmd_[a-z0-9]{8}_[A-Za-z0-9_-]{43}$ ]] || fail "token: $TOKEN"
grep -q '^fumidai keys create: key 1 (ops, admin); the token above is shown only once' "$WORK/err" ||
  fail "no shown-once line: $(cat "$WORK/err")"
SECRET=${TOKEN:13}
[[ $(psql -qtA "$URL" -c "SELECT count(*) FROM api_keys WHERE api_keys::text LIKE '%$SECRET%'") == 0 ]] ||
  fail "the secret is stored"
[[ $(psql -qtA "$URL" -c "SELECT secret_hash = sha256('$SECRET') FROM api_keys") == t ]] || fail "hash"
expect 0 "$FUMIDAI" keys create cert-de --role analyst --asn AS64500 --asn 64501 --prefix 2001:db8::/32 \
  --country de --rate 2 --burst 5 --db "$URL"
expect 0 "$FUMIDAI" keys create research --role researcher --db "$URL"
expect_error 2 'fumidai keys create: a key named "ops" exists' "$FUMIDAI" keys create ops --role admin --db "$URL"
[[ $(keys) == 3 ]] || fail "three keys expected"

# 3.
expect 0 "$FUMIDAI" keys list --db "$URL"
[[ $(grep -c '^ *[0-9]' "$WORK/out") == 3 ]] || fail "keys list: $(cat "$WORK/out")"
grep -q 'cert-de .* AS64500,AS64501,2001:db8::/32,DE$' "$WORK/out" || fail "constituency: $(cat "$WORK/out")"
expect 0 "$FUMIDAI" keys list --json --db "$URL"
python3 - "$WORK/out" <<'PY' || fail "keys list --json: $(cat "$WORK/out")"
import json, sys
keys = json.load(open(sys.argv[1]))
assert [k["name"] for k in keys] == ["ops", "cert-de", "research"], keys
c = keys[1]["constituency"]
assert c == {"asns": [64500, 64501], "prefixes": ["2001:db8::/32"], "countries": ["DE"]}, c
assert keys[1]["rate_per_second"] == 2 and keys[1]["burst"] == 5
assert keys[0]["revoked_at"] is None and keys[0]["role"] == "admin"
PY
! grep -q -- "$SECRET" "$WORK/out" || fail "keys list printed a secret"

# 4.
expect 0 "$FUMIDAI" keys revoke ops --db "$URL"
grep -q '^revoked key 1 (ops)' "$WORK/out" || fail "revoke: $(cat "$WORK/out")"
expect 0 "$FUMIDAI" keys revoke 1 --db "$URL"
grep -q '^key 1 (ops) was already revoked at ' "$WORK/out" || fail "revoke again: $(cat "$WORK/out")"
expect 0 "$FUMIDAI" keys revoke 3 --db "$URL"
expect_error 2 'fumidai keys revoke: no API key is named or numbered "nobody"' "$FUMIDAI" keys revoke nobody --db "$URL"
[[ $(psql -qtA "$URL" -c "SELECT string_agg(name, ',' ORDER BY id) FROM api_keys WHERE revoked_at IS NOT NULL") == \
  ops,research ]] || fail "revoked keys"
echo "keys_command: ok"
