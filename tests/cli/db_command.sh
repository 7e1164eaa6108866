#!/usr/bin/env bash
# `fumidai db` on a cluster of its own (a temporary FUMIDAI_STATE_DIR):
#  1. status before up: exit 1, "not created"; url names the socket.
#  2. up creates, starts and migrates; up again changes nothing.
#  3. status: running, schema current, row counts; exit 0.
#  4. A malformed --db is an input error (exit 2) naming the option and
#     hiding the password; an unreachable server exit 1; FUMIDAI_DATABASE_URL
#     is used when there is no --db, and --db wins over it.
#  5. down stops it; down again is not an error; status says stopped, exit 1;
#     up restarts it with its data.
# Usage: db_command.sh /path/to/fumidai   (as root the server runs as postgres)
set -euo pipefail
FUMIDAI=${1:?usage: db_command.sh /path/to/fumidai}
WORK=$(mktemp -d /tmp/fumidai-db-command.XXXXXX)
chmod 755 "$WORK"
export FUMIDAI_STATE_DIR=$WORK/state
unset FUMIDAI_DATABASE_URL
cleanup() {
  "$FUMIDAI" db down >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
TEST_NAME=db_command
source "$(dirname "$0")/clilib.sh"

# 1.
expect_exit 1 'not created: run `fumidai db up`' db status
expect_exit 0 "host='$WORK/state/pg/run'" db url

# 2.
expect_exit 0 'applied 0001_schema.sql' db up
expect_exit 0 'already current' db up

# 3.
expect_exit 0 '^scans: 0$' db status
grep -q '^embedded cluster: .*(running, pid [0-9]*)$' "$WORK/out" || fail "status: $(cat "$WORK/out")"

# 4.
expect_exit 2 '^fumidai db status: --db: malformed database URL' db status --db 'nonsense=1'
expect_exit 2 'password|\*\*\*' db status --db 'postgresql://u:hunter2@localhost/x?bogus=1'
grep -q hunter2 "$WORK/out" && fail "the password was printed: $(cat "$WORK/out")"
expect_exit 1 'cannot connect to host=/nonexistent' db status --db 'host=/nonexistent dbname=x'
url=$("$FUMIDAI" db url)
FUMIDAI_DATABASE_URL=$url expect_exit 0 '\(FUMIDAI_DATABASE_URL\)' db status
FUMIDAI_DATABASE_URL='nonsense=1' expect_exit 2 '^fumidai db status: FUMIDAI_DATABASE_URL: malformed' db status
FUMIDAI_DATABASE_URL='nonsense=1' expect_exit 0 '\(--db\)' db status --db "$url"
expect_exit 2 'not the embedded cluster' db down --db "$url"

# 5.
expect_exit 0 'PostgreSQL is down' db down
expect_exit 0 'PostgreSQL is down' db down
expect_exit 1 'stopped: run `fumidai db up`' db status
expect_exit 0 'already current' db up
echo "PASS db_command"
