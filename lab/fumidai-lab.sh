#!/usr/bin/env bash
# The lab's plumbing: builds, inspects and removes a closed test network of two
# network namespaces. Run through `fumidai lab up|down|status|check`, which
# validates the input and sets FUMIDAI_BIN to its own binary (this script runs
# `fumidai lab plan` and `fumidai lab listen` with it).
#
#   NAME-scan  lo, fd-scan0 192.0.2.2/24, default via 192.0.2.1 (its only way out)
#       | veth
#   NAME-inet  lo, fd-inet0 192.0.2.1/24, `local PREFIX dev lo`, nft table
#              fumidai_lab, the listener; no route beyond the veth
#
# Safety: the veth is created from inside the scanner namespace with its peer
# placed straight into the inet namespace, so no lab interface or address ever
# exists in the root namespace, and nothing here sends a packet.
#
# Exit codes: 0 done, 1 failure (or not isolated), 2 bad arguments, 3 `status`
# of a lab that is not up.
set -euo pipefail

readonly SCAN_IF=fd-scan0 INET_IF=fd-inet0
readonly SCANNER_IP=192.0.2.2 GATEWAY_IP=192.0.2.1 LINK_PREFIX_LENGTH=24
# Backlogs for the inet namespace, so a fast scan is not answered with drops.
readonly SYN_BACKLOG=65535
readonly LISTENER_READY_SECONDS=10 LISTENER_STOP_SECONDS=5
# Files `up` may write into the state dir; `down` removes only these.
readonly STATE_FILES=(lab.env lab.env.tmp ground-truth.csv lab.nft listener.pid listener.log)

COMMAND=${1:-}
NAME_PREFIX=fumidai
STATE_DIR=
PREFIX=198.18.0.0/16
SEED=1
DENSITY=0.05
OPEN_PROB=0.3
PORTS=21,22,23,80,443,1723,7547,8080

say() { echo "fumidai lab $COMMAND: $*" >&2; }
die() {
  say "$*"
  exit 1
}
bad_input() {
  say "$*"
  exit 2
}

parse_arguments() {
  [[ $COMMAND =~ ^(up|down|status|check)$ ]] || {
    COMMAND=
    bad_input "usage: fumidai-lab.sh up|down|status|check [--name-prefix N] [--state-dir D]" \
      "[--prefix P] [--seed S] [--density D] [--open-prob Q] [--ports L]"
  }
  shift
  while (($#)); do
    (($# >= 2)) || bad_input "$1 needs a value"
    case $1 in
      --name-prefix) NAME_PREFIX=$2 ;;
      --state-dir) STATE_DIR=$2 ;;
      --prefix) PREFIX=$2 ;;
      --seed) SEED=$2 ;;
      --density) DENSITY=$2 ;;
      --open-prob) OPEN_PROB=$2 ;;
      --ports) PORTS=$2 ;;
      *) bad_input "unknown argument '$1'" ;;
    esac
    shift 2
  done
  # The C++ front end validates the plan values; names end up in paths and
  # namespace names, so this script checks them itself.
  [[ $NAME_PREFIX =~ ^[A-Za-z0-9_][A-Za-z0-9_-]{0,31}$ ]] || bad_input "invalid --name-prefix '$NAME_PREFIX'"
  STATE_DIR=${STATE_DIR:-/run/fumidai-lab/$NAME_PREFIX}
  [[ $STATE_DIR == /* ]] || bad_input "--state-dir must be absolute, got '$STATE_DIR'"
  SCAN_NS=$NAME_PREFIX-scan
  INET_NS=$NAME_PREFIX-inet
}

require_root() {
  ((EUID == 0)) || die "needs root (it manages network namespaces)"
  local tool
  for tool in ip nft ss sysctl setsid; do
    command -v "$tool" >/dev/null || die "'$tool' not found"
  done
}

# awk reads all input: `grep -q` would exit early and, under pipefail, turn
# the writer's SIGPIPE into a false "not found".
ns_exists() { ip netns list | awk -v name="$1" '$1 == name { found = 1 } END { exit !found }'; }

# Link names in a namespace, sorted, without the @peer suffix.
link_names() { ip -n "$1" -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | sort; }

listener_pid() {
  local pid
  [[ -r $STATE_DIR/listener.pid ]] || return 1
  pid=$(<"$STATE_DIR/listener.pid")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  echo "$pid"
}

# True if pid is a running `fumidai lab listen`. Checking the command line
# guards against a recycled pid, and a zombie (nobody may reap it in a
# container) has an empty one, so it counts as gone.
is_listener() {
  local cmdline
  cmdline=$(tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline") || return 1
  [[ $cmdline == *" lab listen "* ]]
}

stop_listener() {
  local pid waited=0
  pid=$(listener_pid) || return 0
  is_listener "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  while is_listener "$pid" && ((waited < LISTENER_STOP_SECONDS * 10)); do
    sleep 0.1
    waited=$((waited + 1))
  done
  if is_listener "$pid"; then
    say "listener $pid ignored SIGTERM; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
}

delete_ns() {
  local pids
  ns_exists "$1" || return 0
  pids=$(ip netns pids "$1" | tr '\n' ' ')
  # The namespace lives on while these run; they were not started by `up`.
  [[ -z $pids ]] || say "warning: processes still in $1 (pids $pids); the namespace lingers until they exit"
  ip netns del "$1"
}

remove_state_dir() {
  local file
  [[ -d $STATE_DIR ]] || return 0
  for file in "${STATE_FILES[@]}"; do
    rm -f -- "${STATE_DIR:?}/$file"
  done
  rmdir -- "$STATE_DIR" || say "warning: $STATE_DIR holds files the lab did not write; left in place"
}

cmd_down() {
  local failed=0 ns
  stop_listener
  for ns in "$SCAN_NS" "$INET_NS"; do
    delete_ns "$ns" || {
      say "cannot delete namespace $ns"
      failed=1
    }
  done
  remove_state_dir
  ((failed == 0)) || exit 1
  echo "lab '$NAME_PREFIX' is down"
}

# --- up ----------------------------------------------------------------------

# What this `up` created, so a failure undoes exactly that and never touches
# a lab someone else brought up under the same names.
CREATED_STATE_DIR=0
CREATED_NAMESPACES=()
UP_COMPLETE=0

rollback() {
  local status=$? ns
  ((UP_COMPLETE == 0)) || return 0
  set +e
  say "failed; removing what this run created"
  stop_listener
  for ns in "${CREATED_NAMESPACES[@]}"; do
    delete_ns "$ns"
  done
  ((CREATED_STATE_DIR == 0)) || remove_state_dir
  exit $((status == 0 ? 1 : status))
}

# sysctl -w for a whole namespace; net.* values are per namespace.
ns_sysctl() {
  local ns=$1
  shift
  ip netns exec "$ns" sysctl -q -w "$@" >/dev/null
}

disable_ipv6() {
  # IPv4-only keeps the lab quiet (no router solicitations, no link-local
  # addresses) and `check` simple.
  [[ -e /proc/sys/net/ipv6 ]] || return 0
  ns_sysctl "$1" net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
}

# True once pid is gone or a zombie: bash reaps its background child only
# when it gets around to it.
has_exited() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  [[ ${stat##*) } == Z* ]]
}

wait_for_listener() {
  local pid=$1 tries=0 port listening missing
  while ((tries < LISTENER_READY_SECONDS * 10)); do
    ! has_exited "$pid" || die "listener exited: $(tail -n 1 "$STATE_DIR/listener.log" 2>/dev/null)"
    listening=$(ip netns exec "$INET_NS" ss -H -l -t -n | awk '{ print $4 }')
    missing=0
    for port in ${PORTS//,/ }; do
      grep -qx "0.0.0.0:$port" <<<"$listening" || missing=1
    done
    ((missing == 0)) && return 0
    sleep 0.1
    tries=$((tries + 1))
  done
  die "listener not listening on all of $PORTS after ${LISTENER_READY_SECONDS}s"
}

# KEY=VALUE, quoted only if the value needs it, so the file also reads well
# for tools that are not a shell.
env_line() {
  if [[ $2 =~ ^[A-Za-z0-9_./:,+=-]*$ ]]; then
    printf '%s=%s\n' "$1" "$2"
  else
    printf '%s=%q\n' "$1" "$2"
  fi
}

write_lab_env() {
  local live=$1 open=$2 pid=$3 gateway_mac key
  gateway_mac=$(ip -n "$INET_NS" -o link show dev "$INET_IF" |
    awk '{ for (i = 1; i < NF; i++) if ($i == "link/ether") print $(i + 1) }')
  {
    echo "# fumidai lab '$NAME_PREFIX', written by 'fumidai lab up'; meant to be sourced."
    for key in NAME_PREFIX STATE_DIR SCAN_NS INET_NS SCAN_IF INET_IF SCANNER_IP GATEWAY_IP; do
      env_line "$key" "${!key}"
    done
    env_line GATEWAY_MAC "$gateway_mac"
    for key in PREFIX SEED DENSITY OPEN_PROB PORTS; do
      env_line "$key" "${!key}"
    done
    env_line LIVE_HOSTS "$live"
    env_line OPEN_PORTS "$open"
    env_line GROUND_TRUTH "$STATE_DIR/ground-truth.csv"
    env_line NFT_RULESET "$STATE_DIR/lab.nft"
    env_line LISTENER_PID "$pid"
  } >"$STATE_DIR/lab.env.tmp"
  mv -- "$STATE_DIR/lab.env.tmp" "$STATE_DIR/lab.env"
}

cmd_up() {
  local ns plan_output live open pid
  local down_hint="run 'fumidai lab down --name-prefix $NAME_PREFIX' first"
  [[ -n ${FUMIDAI_BIN:-} && -x $FUMIDAI_BIN ]] ||
    die "FUMIDAI_BIN must name the fumidai binary (run this through 'fumidai lab up')"
  for ns in "$SCAN_NS" "$INET_NS"; do
    ! ns_exists "$ns" || die "lab '$NAME_PREFIX' is already up (namespace $ns exists); $down_hint"
  done
  mkdir -p -- "$(dirname -- "$STATE_DIR")"
  # mkdir doubles as the lock against a concurrent `up` of the same lab.
  mkdir -- "$STATE_DIR" 2>/dev/null ||
    die "state dir $STATE_DIR already exists (a lab is up or was not taken down); $down_hint"

  CREATED_STATE_DIR=1
  trap rollback EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM

  plan_output=$("$FUMIDAI_BIN" lab plan --prefix "$PREFIX" --seed "$SEED" --density "$DENSITY" \
    --open-prob "$OPEN_PROB" --ports "$PORTS" --out "$STATE_DIR")
  live=$(sed -n 's/^LIVE_HOSTS=\([0-9]*\)$/\1/p' <<<"$plan_output")
  open=$(sed -n 's/^OPEN_PORTS=\([0-9]*\)$/\1/p' <<<"$plan_output")
  [[ -n $live && -n $open ]] || die "unexpected output from 'fumidai lab plan': $plan_output"

  for ns in "$SCAN_NS" "$INET_NS"; do
    ip netns add "$ns"
    CREATED_NAMESPACES+=("$ns")
    ip -n "$ns" link set lo up
    disable_ipv6 "$ns"
  done

  # Never from the root namespace: created in the scanner namespace, the
  # peer born directly in the inet namespace.
  ip netns exec "$SCAN_NS" ip link add "$SCAN_IF" type veth peer name "$INET_IF" netns "$INET_NS"

  ip -n "$SCAN_NS" addr add "$SCANNER_IP/$LINK_PREFIX_LENGTH" dev "$SCAN_IF"
  ip -n "$SCAN_NS" link set "$SCAN_IF" up
  ip -n "$SCAN_NS" route add default via "$GATEWAY_IP" dev "$SCAN_IF"

  ip -n "$INET_NS" addr add "$GATEWAY_IP/$LINK_PREFIX_LENGTH" dev "$INET_IF"
  ip -n "$INET_NS" link set "$INET_IF" up
  # Syncookies stay on so a full SYN queue still gets answered; rp_filter is
  # off so scans from any source the scanner namespace picks are not dropped
  # before the ruleset decides. New namespaces inherit IPv4 settings from the
  # root namespace, so forwarding is switched off explicitly: the inet
  # namespace is an end, never a router.
  ns_sysctl "$INET_NS" net.ipv4.tcp_max_syn_backlog=$SYN_BACKLOG net.core.somaxconn=$SYN_BACKLOG \
    net.ipv4.tcp_syncookies=1 net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
    "net.ipv4.conf.$INET_IF.rp_filter=0" net.ipv4.ip_forward=0
  # The kernel of the inet namespace owns every address of the prefix; the
  # ruleset then decides which of them answer.
  ip -n "$INET_NS" route add local "$PREFIX" dev lo
  ip netns exec "$INET_NS" nft -f "$STATE_DIR/lab.nft"

  # setsid: the listener must outlive this script and not get the Ctrl-C or
  # hangup of whoever ran `up`. Without job control the background child is
  # no group leader, so setsid and `ip netns exec` both exec in place and $!
  # is the listener's own pid.
  setsid ip netns exec "$INET_NS" "$FUMIDAI_BIN" lab listen --ports "$PORTS" \
    </dev/null >"$STATE_DIR/listener.log" 2>&1 &
  pid=$!
  echo "$pid" >"$STATE_DIR/listener.pid"
  wait_for_listener "$pid"

  write_lab_env "$live" "$open" "$pid"
  cmd_check >/dev/null || die "the new lab failed its isolation check"
  UP_COMPLETE=1
  echo "lab '$NAME_PREFIX' up: $SCAN_NS ($SCANNER_IP) reaches $PREFIX via $INET_NS ($GATEWAY_IP)," \
    "$live live hosts, $open open ports; environment in $STATE_DIR/lab.env"
}

# --- check -------------------------------------------------------------------

PROBLEMS=()

# The veth end `if` in `ns` must have its peer `peer_if` in `peer_ns`, and
# the ifindexes on both sides must agree.
check_peer() {
  local ns=$1 if=$2 peer_ns=$3 peer_if=$4 line peer_line peer_index own_index
  line=$(ip -n "$ns" -o -d link show dev "$if" 2>/dev/null) || {
    PROBLEMS+=("$ns has no link $if")
    return
  }
  peer_line=$(ip -n "$peer_ns" -o -d link show dev "$peer_if" 2>/dev/null) || {
    PROBLEMS+=("$peer_ns has no link $peer_if")
    return
  }
  [[ $line == *" veth "* ]] || PROBLEMS+=("$if in $ns is not a veth")
  [[ $line == *" link-netns $peer_ns "* ]] || PROBLEMS+=("the peer of $if in $ns is not in namespace $peer_ns")
  peer_index=$(sed -n 's/^[0-9]*: [^@:]*@if\([0-9]*\):.*/\1/p' <<<"$line")
  own_index=$(sed -n 's/^\([0-9]*\): .*/\1/p' <<<"$peer_line")
  [[ -n $peer_index && $peer_index == "$own_index" ]] ||
    PROBLEMS+=("the peer of $if in $ns is ifindex ${peer_index:-?}," \
      "but $peer_if in $peer_ns is ifindex ${own_index:-?}")
}

# Every route in every table of `ns` must leave through lo or `if`; routes
# without a device are only acceptable if they discard.
check_routes() {
  local ns=$1 if=$2 family
  for family in -4 -6; do
    while IFS= read -r problem; do
      [[ -z $problem ]] || PROBLEMS+=("$ns: $problem")
    done < <({ ip -n "$ns" "$family" -o route show table all 2>/dev/null || true; } | awk -v allowed="$if" '
      {
        devices = 0
        for (i = 1; i < NF; i++) if ($i == "dev") {
          devices++
          if ($(i + 1) != "lo" && $(i + 1) != allowed) print "route \"" $0 "\" uses " $(i + 1)
        }
        if (devices == 0 && $1 !~ /^(unreachable|blackhole|prohibit|throw)$/) {
          print "route \"" $0 "\" names no device"
        }
      }')
  done
}

cmd_check() {
  local ns links default_route
  PROBLEMS=()
  for ns in "$SCAN_NS" "$INET_NS"; do
    ns_exists "$ns" || PROBLEMS+=("namespace $ns does not exist")
  done
  if ((${#PROBLEMS[@]} == 0)); then
    links=$(link_names "$SCAN_NS" | paste -sd' ')
    [[ $links == "$SCAN_IF lo" ]] || PROBLEMS+=("$SCAN_NS has links [$links], expected exactly lo and $SCAN_IF")
    links=$(link_names "$INET_NS" | paste -sd' ')
    [[ $links == "$INET_IF lo" ]] || PROBLEMS+=("$INET_NS has links [$links], expected exactly lo and $INET_IF")
    check_peer "$SCAN_NS" "$SCAN_IF" "$INET_NS" "$INET_IF"
    check_peer "$INET_NS" "$INET_IF" "$SCAN_NS" "$SCAN_IF"
    check_routes "$SCAN_NS" "$SCAN_IF"
    check_routes "$INET_NS" "$INET_IF"
    default_route=$(ip -n "$SCAN_NS" -4 route show default)
    [[ $default_route == "default via $GATEWAY_IP dev $SCAN_IF"* ]] ||
      PROBLEMS+=("$SCAN_NS default route is '$default_route', expected via $GATEWAY_IP dev $SCAN_IF")
    default_route=$({
      ip -n "$INET_NS" -4 route show table all
      ip -n "$INET_NS" -6 route show table all 2>/dev/null || true
    } | awk '$1 == "default" || $1 == "0.0.0.0/0" || $1 == "::/0"')
    [[ -z $default_route ]] || PROBLEMS+=("$INET_NS has a default route: $default_route")
    [[ $(ip netns exec "$INET_NS" sysctl -n net.ipv4.ip_forward) == 0 ]] || PROBLEMS+=("$INET_NS forwards IPv4")
  fi
  # The root namespace must never hold a lab interface.
  links=$(ip -o link show | awk -F': ' -v a="$SCAN_IF" -v b="$INET_IF" '
    { sub(/@.*/, "", $2) }
    $2 == a || $2 == b { printf "%s ", $2 }')
  [[ -z $links ]] || PROBLEMS+=("the root namespace has lab link(s): $links")

  if ((${#PROBLEMS[@]} > 0)); then
    local problem
    for problem in "${PROBLEMS[@]}"; do
      say "NOT isolated: $problem"
    done
    return 1
  fi
  echo "lab isolated: $SCAN_NS reaches only $INET_NS"
}

# --- status ------------------------------------------------------------------

json_string() {
  local s=${1//\\/\\\\}
  s=${s//\"/\\\"}
  [[ -n $s ]] && printf '"%s"' "$s" || printf null
}
json_number() { [[ $1 =~ ^[0-9]+$ ]] && printf '%s' "$1" || printf null; }
json_bool() { "$@" >/dev/null 2>&1 && printf true || printf false; }

# One value from lab.env, read by a separate shell so sourcing cannot clash
# with this script's variables.
lab_value() {
  [[ -r $STATE_DIR/lab.env ]] || return 1
  bash -c 'source "$1" && printf "%s" "${!2:-}"' lab_value "$STATE_DIR/lab.env" "$1"
}

cmd_status() {
  local scan_up inet_up pid alive isolated up=true
  scan_up=$(json_bool ns_exists "$SCAN_NS")
  inet_up=$(json_bool ns_exists "$INET_NS")
  pid=$(listener_pid || true)
  alive=false
  [[ -n $pid ]] && is_listener "$pid" && alive=true
  isolated=$(json_bool cmd_check)
  [[ $scan_up == true && $inet_up == true && $alive == true && -r $STATE_DIR/lab.env ]] || up=false
  printf '{"name_prefix": %s, "up": %s, ' "$(json_string "$NAME_PREFIX")" "$up"
  printf '"scan_ns": %s, "scan_ns_present": %s, "inet_ns": %s, "inet_ns_present": %s, ' \
    "$(json_string "$SCAN_NS")" "$scan_up" "$(json_string "$INET_NS")" "$inet_up"
  printf '"listener_pid": %s, "listener_alive": %s, "prefix": %s, "seed": %s, "ports": %s, ' \
    "$(json_number "$pid")" "$alive" "$(json_string "$(lab_value PREFIX)")" "$(json_number "$(lab_value SEED)")" \
    "$(json_string "$(lab_value PORTS)")"
  printf '"live_hosts": %s, "open_ports": %s, "isolated": %s, "state_dir": %s}\n' \
    "$(json_number "$(lab_value LIVE_HOSTS)")" "$(json_number "$(lab_value OPEN_PORTS)")" "$isolated" \
    "$(json_string "$STATE_DIR")"
  [[ $up == true ]] || exit 3
}

parse_arguments "$@"
require_root
case $COMMAND in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  check) cmd_check ;;
esac
