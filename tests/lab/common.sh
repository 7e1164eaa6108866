# Sourced first by every lab test, after it sets TEST_NAME and FUMIDAI: the
# failure helper, and the skip (exit 77) when not root.
fail() {
  echo "$TEST_NAME: FAIL: $*" >&2
  exit 1
}
((EUID == 0)) || {
  echo "$TEST_NAME: SKIP: needs root (network namespaces)"
  exit 77
}
[[ -x ${FUMIDAI:-} ]] || fail "'${FUMIDAI:-}' is not an executable"
