# Sourced by the CLI test scripts, after they set TEST_NAME, FUMIDAI and WORK.
fail() {
  echo "FAIL $TEST_NAME: $*" >&2
  exit 1
}
# expect_exit CODE PATTERN ARGS...: runs fumidai ARGS (output in $WORK/out),
# checks its exit code and that the output matches the extended regex PATTERN.
expect_exit() {
  local want=$1 pattern=$2 rc=0
  shift 2
  "$FUMIDAI" "$@" >"$WORK/out" 2>&1 || rc=$?
  ((rc == want)) || fail "fumidai $*: exit $rc, wanted $want: $(cat "$WORK/out")"
  grep -qE -- "$pattern" "$WORK/out" || fail "fumidai $*: no /$pattern/ in: $(cat "$WORK/out")"
}
