#!/usr/bin/env bash
# Lab isolation: `fumidai lab check` passes on a fresh lab and fails once the
# scanner namespace gains a link or the inet namespace a default route; a
# second `up` is refused without harming the lab; `down` leaves no namespace,
# listener or state dir behind and is idempotent.
# Usage: lab_isolation.sh /path/to/fumidai   (needs root; exits 77 to skip)
# Sends no packets: it only builds, inspects and tears down the lab.
set -euo pipefail

FUMIDAI=${1:?usage: lab_isolation.sh /path/to/fumidai}
readonly NAME=fdt-iso PREFIX=198.18.0.0/20
readonly SCAN_NS=$NAME-scan INET_NS=$NAME-inet STATE_DIR=/run/fumidai-lab/$NAME
readonly EXTRA_LINK=fdt-extra0

TEST_NAME=lab_isolation
# shellcheck source=tests/lab/common.sh
source "$(dirname "$0")/common.sh"

ns_exists() { ip netns list | awk -v name="$1" '$1 == name { found = 1 } END { exit !found }'; }
is_listener() {
  local cmdline
  cmdline=$(tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline") || return 1
  [[ $cmdline == *" lab listen "* ]]
}

trap '"$FUMIDAI" lab down --name-prefix "$NAME" >/dev/null 2>&1 || true' EXIT
# A crashed earlier run may have left this test's lab behind.
"$FUMIDAI" lab down --name-prefix "$NAME" >/dev/null

# Bad input is refused before anything is created.
rc=0
"$FUMIDAI" lab up --name-prefix "$NAME" --prefix 10.0.0.0/8 2>/dev/null || rc=$?
((rc == 2)) || fail "up with a /8 prefix exited $rc, expected 2"
if ns_exists "$SCAN_NS" || ns_exists "$INET_NS"; then fail "a rejected up left a namespace behind"; fi

"$FUMIDAI" lab up --name-prefix "$NAME" --prefix "$PREFIX" --services no >/dev/null || fail "lab up failed"
out=$("$FUMIDAI" lab check --name-prefix "$NAME") || fail "check failed on a fresh lab"
[[ $out == "lab isolated"* ]] || fail "check printed '$out'"
status=$("$FUMIDAI" lab status --name-prefix "$NAME") || fail "status exited non-zero on a running lab: $status"
for field in '"up": true' '"isolated": true' '"listener_alive": true' "\"prefix\": \"$PREFIX\""; do
  [[ $status == *"$field"* ]] || fail "status lacks $field: $status"
done
listener=$(<"$STATE_DIR/listener.pid")
is_listener "$listener" || fail "listener $listener is not running"

# A second up of the same lab is refused and leaves the first one intact.
rc=0
err=$("$FUMIDAI" lab up --name-prefix "$NAME" --prefix "$PREFIX" --services no 2>&1 >/dev/null) || rc=$?
((rc != 0)) || fail "a second up succeeded"
[[ $err == *"already up"* ]] || fail "a second up did not say the lab is already up: $err"
"$FUMIDAI" lab check --name-prefix "$NAME" >/dev/null || fail "a refused second up broke the lab"
is_listener "$listener" || fail "a refused second up stopped the listener"

# An extra link in the scanner namespace. The dummy driver is a module that
# containers often lack; a veth pair with both ends inside the namespace is
# just as good an extra link and still never touches the root namespace.
ip -n "$SCAN_NS" link add "$EXTRA_LINK" type dummy 2>/dev/null ||
  ip -n "$SCAN_NS" link add "$EXTRA_LINK" type veth peer name fdt-extra1
rc=0
err=$("$FUMIDAI" lab check --name-prefix "$NAME" 2>&1) || rc=$?
((rc == 1)) || fail "check exited $rc with an extra link in $SCAN_NS, expected 1"
[[ $err == *"$EXTRA_LINK"* ]] || fail "check did not name $EXTRA_LINK: $err"
ip -n "$SCAN_NS" link del "$EXTRA_LINK"
"$FUMIDAI" lab check --name-prefix "$NAME" >/dev/null || fail "check still fails after removing $EXTRA_LINK"

# A default route in the inet namespace (back over the veth, so it leads
# nowhere new, but check must still refuse it).
ip -n "$INET_NS" route add default via 192.0.2.2
rc=0
err=$("$FUMIDAI" lab check --name-prefix "$NAME" 2>&1) || rc=$?
((rc == 1)) || fail "check exited $rc with a default route in $INET_NS, expected 1"
[[ $err == *"default route"* ]] || fail "check did not name the default route: $err"
ip -n "$INET_NS" route del default

"$FUMIDAI" lab down --name-prefix "$NAME" >/dev/null || fail "lab down failed"
! ns_exists "$SCAN_NS" || fail "$SCAN_NS survived down"
! ns_exists "$INET_NS" || fail "$INET_NS survived down"
! is_listener "$listener" || fail "listener $listener survived down"
[[ ! -e $STATE_DIR ]] || fail "$STATE_DIR survived down"

"$FUMIDAI" lab down --name-prefix "$NAME" >/dev/null || fail "a second down failed"
rc=0
"$FUMIDAI" lab status --name-prefix "$NAME" >/dev/null || rc=$?
((rc == 3)) || fail "status of a downed lab exited $rc, expected 3"
rc=0
"$FUMIDAI" lab check --name-prefix "$NAME" 2>/dev/null || rc=$?
((rc == 1)) || fail "check of a downed lab exited $rc, expected 1"

echo "lab_isolation: PASS"
