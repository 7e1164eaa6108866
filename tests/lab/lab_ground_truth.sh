#!/usr/bin/env bash
# Lab ground truth: the lab network answers exactly as ground-truth.csv says.
# From inside the scanner namespace (and only after `fumidai lab check`
# passed), a TCP connect to an open entry succeeds, to a closed entry (or a
# port outside the lab ports on a live host) is refused, and to an address
# that is not live times out.
# Usage: lab_ground_truth.sh /path/to/fumidai   (needs root; exits 77 to skip)
set -euo pipefail

FUMIDAI=${1:?usage: lab_ground_truth.sh /path/to/fumidai}
# Not PREFIX and friends: sourcing lab.env sets those.
readonly LAB_NAME=fdt-gt LAB_PREFIX=198.18.0.0/20 LAB_SEED=20240601
readonly LAB_ENV=/run/fumidai-lab/$LAB_NAME/lab.env
# Open and refused answer at once; silence is judged after this long.
readonly PROBE_SECONDS=2

TEST_NAME=lab_ground_truth
# shellcheck source=tests/lab/common.sh
source "$(dirname "$0")/common.sh"

trap '"$FUMIDAI" lab down --name-prefix "$LAB_NAME" >/dev/null 2>&1 || true' EXIT
# A crashed earlier run may have left this test's lab behind.
"$FUMIDAI" lab down --name-prefix "$LAB_NAME" >/dev/null

"$FUMIDAI" lab up --name-prefix "$LAB_NAME" --prefix "$LAB_PREFIX" --seed "$LAB_SEED" --services no >/dev/null ||
  fail "lab up failed"
# shellcheck source=/dev/null
source "$LAB_ENV"
[[ $PREFIX == "$LAB_PREFIX" && $SEED == "$LAB_SEED" ]] || fail "lab.env has PREFIX=$PREFIX SEED=$SEED"
# Nothing is sent unless the scanner namespace provably leads only into the lab.
"$FUMIDAI" lab check --name-prefix "$LAB_NAME" >/dev/null || fail "lab is not isolated; not probing"

# The file agrees with itself and with lab.env.
port_count=$(tr ',' '\n' <<<"$PORTS" | wc -l)
read -r rows open_rows hosts hosts_without_open < <(awk -F, 'NR > 1 {
    rows++
    if (!($1 in seen)) { seen[$1] = 1; hosts++ }
    if ($3 == "open") { open_rows++; has_open[$1] = 1 }
  }
  END {
    for (h in seen) if (!(h in has_open)) missing++
    print rows + 0, open_rows + 0, hosts + 0, missing + 0
  }' "$GROUND_TRUTH")
((hosts == LIVE_HOSTS)) || fail "ground truth has $hosts hosts, lab.env says $LIVE_HOSTS"
((rows == LIVE_HOSTS * port_count)) || fail "ground truth has $rows rows, expected $LIVE_HOSTS x $port_count"
((open_rows == OPEN_PORTS)) || fail "ground truth has $open_rows open rows, lab.env says $OPEN_PORTS"
((hosts_without_open == 0)) || fail "$hosts_without_open live hosts have no open port"

# Prints open, refused or silent. Runs inside the scanner namespace only.
probe() {
  local err rc=0
  # shellcheck disable=SC2016 # $1 and $2 belong to the inner bash
  err=$(ip netns exec "$SCAN_NS" timeout "$PROBE_SECONDS" bash -c 'exec 3<>"/dev/tcp/$1/$2"' probe "$1" "$2" 2>&1) ||
    rc=$?
  case $rc in
    0) echo open ;;
    124) echo silent ;;
    *)
      if [[ $err == *"Connection refused"* ]]; then
        echo refused
      else
        echo "error($rc): $err"
      fi
      ;;
  esac
}

expect() {
  local got
  got=$(probe "$1" "$2")
  [[ $got == "$3" ]] || fail "$1:$2 is $got, expected $3"
  echo "lab_ground_truth: $1:$2 $got"
}

# First, middle and last entries of each state, so the whole prefix is covered.
for state in open closed; do
  mapfile -t entries < <(awk -F, -v state="$state" 'NR > 1 && $3 == state { print $1 " " $2 }' "$GROUND_TRUTH")
  ((${#entries[@]} > 0)) || fail "no $state entries in the ground truth"
  for i in 0 $((${#entries[@]} / 2)) $((${#entries[@]} - 1)); do
    read -r ip port <<<"${entries[i]}"
    expect "$ip" "$port" "$([[ $state == open ]] && echo open || echo refused)"
  done
done

# A live host on a port outside the lab ports gets a RST too.
read -r live_ip _ < <(awk -F, 'NR == 2 { print $1 }' "$GROUND_TRUTH")
[[ ,$PORTS, != *,9,* ]] || fail "port 9 is a lab port; pick another"
expect "$live_ip" 9 refused

# The first address of the prefix that is not live stays silent. (At 5%
# density the first /24 always has one.)
silent_ip=$(awk -F, -v prefix="${PREFIX%/*}" 'NR > 1 { live[$1] = 1 }
  END {
    split(prefix, o, ".")
    for (n = 1; n < 255; n++) {
      ip = o[1] "." o[2] "." o[3] "." n
      if (!(ip in live)) { print ip; exit }
    }
  }' "$GROUND_TRUTH")
[[ -n $silent_ip ]] || fail "no address in $PREFIX is dead"
expect "$silent_ip" 80 silent

echo "lab_ground_truth: PASS"
