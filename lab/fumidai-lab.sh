#!/usr/bin/env bash
# The lab's plumbing: builds, inspects and removes a closed test network of
# network namespaces. Run through `fumidai lab up|down|status|check`, which
# validates the input and sets FUMIDAI_BIN to its own binary (this script runs
# `fumidai lab plan`, `fumidai lab listen` and `fumidai lab devices` with it).
#
#   NAME-scan  lo, fd-scan0 192.0.2.2/24, default via 192.0.2.1 (its only way out)
#       | veth
#   NAME-inet  lo, fd-inet0 192.0.2.1/24, `local PREFIX dev lo`, nft table
#              fumidai_lab, the listener; no route beyond the lab's veths.
#              With services: fd-inet1 198.51.100.1/24, SVC_PREFIX via
#              198.51.100.2, and forwarding only between fd-inet0 and fd-inet1
#              (nft table fumidai_svc, policy drop)
#       | veth (only with --services yes, the default)
#   NAME-svc   lo holding one /32 per service address of SVC_PREFIX, fd-svc0
#              198.51.100.2/24, 192.0.2.0/24 via 198.51.100.1, no default
#              route; real daemons, each on its own address (.10 lighttpd,
#              .11 sshd, .12 vsftpd, .13 busybox telnetd, .53 dnsmasq, .40/.41
#              tinyproxy open/BasicAuth, .42/.43 danted none/username, .44
#              OpenVPN udp+tcp 1194, .45 OpenVPN tcp 443 and udp 1194 with
#              tls-auth, .46 pptpd, .47 strongSwan charon, .48 xl2tpd, .49
#              ocserv, .50 miniupnpd, .60:80 fumidai's canary), the device
#              emulator, OpenVPN's tun devices fd-vpn0-3 (down, no address,
#              no route) and nft table fumidai_daemons (only the right address
#              answers on the ports charon and miniupnpd bind on every address)
#
# Safety: each veth is created from inside one lab namespace with its peer
# placed straight into another, so no lab interface or address ever exists in
# the root namespace, and nothing here sends a packet. Daemons get configs,
# keys and certificates generated into the state dir, and their pid files,
# logs and sockets go there too (or, for a fixed path such as
# /var/run/charon.pid, to a private mount in the daemon's own mount
# namespace); the machine's own /etc and services are not touched. The PPP
# daemons the VPN servers would start are /bin/false.
#
# Exit codes: 0 done, 1 failure (or not isolated), 2 bad arguments, 3 `status`
# of a lab that is not up.
set -euo pipefail

readonly SCAN_IF=fd-scan0 INET_IF=fd-inet0 INET_SVC_IF=fd-inet1 SVC_IF=fd-svc0
readonly SCANNER_IP=192.0.2.2 GATEWAY_IP=192.0.2.1 LINK_PREFIX_LENGTH=24 SCAN_NET=192.0.2.0/24
readonly INET_SVC_IP=198.51.100.1 SVC_LINK_IP=198.51.100.2
# Backlogs for the inet namespace, so a fast scan is not answered with drops.
readonly SYN_BACKLOG=65535
# UDP scans learn "closed" from ICMP port unreachable; the kernel's default
# limits (one per second per peer, 1000/s in all) would turn most into silence.
readonly ICMP_ERRORS_PER_SECOND=1000000
readonly LISTENER_READY_SECONDS=10 SERVICES_READY_SECONDS=10 STOP_SECONDS=5
# Host numbers of the daemons in the services /24 (and of the canary, which
# `up` leaves alone); the device emulator's addresses must avoid them.
readonly HTTP_HOST=10 SSH_HOST=11 FTP_HOST=12 TELNET_HOST=13 DNS_HOST=53
readonly PROXY_HOST=40 PROXY_AUTH_HOST=41 SOCKS_HOST=42 SOCKS_AUTH_HOST=43 OPENVPN_HOST=44 OPENVPN2_HOST=45
readonly PPTP_HOST=46 IKE_HOST=47 L2TP_HOST=48 SSLVPN_HOST=49 UPNP_HOST=50 CANARY_HOST=60 CANARY_PORT=80
readonly DAEMON_HOSTS="$HTTP_HOST $SSH_HOST $FTP_HOST $TELNET_HOST $DNS_HOST $PROXY_HOST $PROXY_AUTH_HOST
  $SOCKS_HOST $SOCKS_AUTH_HOST $OPENVPN_HOST $OPENVPN2_HOST $PPTP_HOST $IKE_HOST $L2TP_HOST $SSLVPN_HOST
  $UPNP_HOST $CANARY_HOST"
# tinyproxy's ports (open, BasicAuth) and miniupnpd's description (HTTP) port.
readonly PROXY_PORT=8888 PROXY_AUTH_PORT=3128 UPNP_HTTP_PORT=5000
# Ports that charon and miniupnpd bind on every address of the services
# namespace: only the addresses services.csv gives them answer there.
readonly WILDCARD_UDP_PORTS="500, 1900, 4500" WILDCARD_TCP_PORTS=$UPNP_HTTP_PORT
# OpenVPN's tun devices in the services namespace, one per instance.
readonly VPN_LINKS="fd-vpn0 fd-vpn1 fd-vpn2 fd-vpn3"
# Credentials of the daemons that ask for them (tinyproxy BasicAuth); lab-only.
readonly PROXY_USER=lab PROXY_PASSWORD=lab-proxy-password
# At most this many rows from `fumidai lab devices --print-services`.
readonly MAX_DEVICE_ROWS=1024
# Processes `up` starts, each with NAME.pid and NAME.log in the state dir:
# those in the services namespace, then all of them in the order `down`
# stops them.
readonly SERVICE_PROCESSES=(canary devices miniupnpd ocserv xl2tpd charon pptpd openvpn-udp-tls-auth openvpn-tcp443
  openvpn-tcp openvpn-udp danted-auth danted tinyproxy-auth tinyproxy telnetd vsftpd sshd lighttpd dnsmasq)
readonly PROCESSES=("${SERVICE_PROCESSES[@]}" listener)
# Files and directories `up` may write into the state dir; `down` removes
# only these, and the files matching STATE_GLOBS (names a daemon picks).
readonly STATE_FILES=(lab.env lab.env.tmp ground-truth.csv lab.nft svc.nft daemons.nft
  services.csv devices.csv ptr.csv ptr.tmp dns-hosts
  lighttpd.conf sshd_config sshd-own.pid dnsmasq-own.pid vsftpd.conf vsftpd.userlist
  telnet-login telnetd-utmp telnetd-wtmp www/index.html www/favicon.ico
  ssh_host_ed25519_key ssh_host_ed25519_key.pub ssh_host_ecdsa_key ssh_host_ecdsa_key.pub
  ca.key ca.crt server.key server.crt openssl.log tls-auth.key
  tinyproxy.conf tinyproxy-auth.conf danted.conf danted-auth.conf danted-own.pid danted-auth-own.pid
  openvpn.conf pptpd.conf pptpd-own.pid ppp-options strongswan.conf swanctl.conf charon.vici swanctl.log
  xl2tpd.conf xl2tpd-own.pid xl2tpd-control l2tp-secrets ocserv.conf ocserv-passwd ocserv-own.pid
  miniupnpd.conf miniupnpd-own.pid canary.key canary.jsonl
  "${PROCESSES[@]/%/.pid}" "${PROCESSES[@]/%/.log}")
readonly STATE_GLOBS=('ocserv-socket.*')
readonly STATE_DIRS=(vsftpd-empty www)
SERVICES_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)/services
readonly SERVICES_DIR
# Debian's charon; strongswan-charon puts it outside PATH.
readonly CHARON=/usr/lib/ipsec/charon

COMMAND=${1:-}
NAME_PREFIX=fumidai
STATE_DIR=
PREFIX=198.18.0.0/16
SEED=1
DENSITY=0.05
OPEN_PROB=0.3
PORTS=21,22,23,80,443,1723,7547,8080
SERVICES=yes
SVC_PREFIX=198.19.0.0/24
DEVICES_CONFIG=

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
      "[--prefix P] [--seed S] [--density D] [--open-prob Q] [--ports L]" \
      "[--services yes|no] [--services-prefix P] [--devices-config F]"
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
      --services) SERVICES=$2 ;;
      --services-prefix) SVC_PREFIX=$2 ;;
      --devices-config) DEVICES_CONFIG=$2 ;;
      *) bad_input "unknown argument '$1'" ;;
    esac
    shift 2
  done
  # The C++ front end validates the plan and services values; names end up
  # in paths, namespace names and daemon configs, so this script checks them
  # itself.
  [[ $NAME_PREFIX =~ ^[A-Za-z0-9_][A-Za-z0-9_-]{0,31}$ ]] || bad_input "invalid --name-prefix '$NAME_PREFIX'"
  STATE_DIR=${STATE_DIR:-/run/fumidai-lab/$NAME_PREFIX}
  [[ $STATE_DIR == /* ]] || bad_input "--state-dir must be absolute, got '$STATE_DIR'"
  [[ $SERVICES =~ ^(yes|no)$ ]] || bad_input "invalid --services '$SERVICES' (expected yes or no)"
  local octet='(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])'
  [[ $SVC_PREFIX =~ ^$octet\.$octet\.$octet\.0/24$ ]] || bad_input "invalid --services-prefix '$SVC_PREFIX'"
  SCAN_NS=$NAME_PREFIX-scan
  INET_NS=$NAME_PREFIX-inet
  SVC_NS=$NAME_PREFIX-svc
  # The first three octets of the services /24, and where its daemons live.
  SVC_NET=${SVC_PREFIX%.0/24}
  HTTP_IP=$SVC_NET.$HTTP_HOST SSH_IP=$SVC_NET.$SSH_HOST FTP_IP=$SVC_NET.$FTP_HOST
  TELNET_IP=$SVC_NET.$TELNET_HOST DNS_IP=$SVC_NET.$DNS_HOST
  PROXY_IP=$SVC_NET.$PROXY_HOST PROXY_AUTH_IP=$SVC_NET.$PROXY_AUTH_HOST SOCKS_IP=$SVC_NET.$SOCKS_HOST
  SOCKS_AUTH_IP=$SVC_NET.$SOCKS_AUTH_HOST OPENVPN_IP=$SVC_NET.$OPENVPN_HOST OPENVPN2_IP=$SVC_NET.$OPENVPN2_HOST
  PPTP_IP=$SVC_NET.$PPTP_HOST IKE_IP=$SVC_NET.$IKE_HOST L2TP_IP=$SVC_NET.$L2TP_HOST
  SSLVPN_IP=$SVC_NET.$SSLVPN_HOST UPNP_IP=$SVC_NET.$UPNP_HOST CANARY_IP=$SVC_NET.$CANARY_HOST
}

require_root() {
  ((EUID == 0)) || die "needs root (it manages network namespaces)"
  local tool
  for tool in ip nft ss sysctl setsid; do
    command -v "$tool" >/dev/null || die "'$tool' not found"
  done
}

require_service_tools() {
  local tool
  for tool in lighttpd /usr/sbin/sshd ssh-keygen vsftpd busybox dnsmasq openssl tinyproxy danted openvpn pptpd \
    "$CHARON" swanctl xl2tpd ocserv miniupnpd; do
    command -v "$tool" >/dev/null || die "'$tool' not found (tools/install-deps.sh installs it); or use --services no"
  done
  busybox --list | awk '$1 == "telnetd" { found = 1 } END { exit !found }' ||
    die "this busybox has no telnetd applet (install busybox-static); or use --services no"
  # The daemon configs embed these paths unquoted.
  [[ $STATE_DIR =~ ^/[A-Za-z0-9_./-]+$ ]] || die "--state-dir '$STATE_DIR' is not usable in daemon configs"
  [[ -n $DEVICES_CONFIG && -r $DEVICES_CONFIG ]] || die "device emulator config '$DEVICES_CONFIG' is not readable"
  "$FUMIDAI_BIN" lab devices --help >/dev/null 2>&1 ||
    die "'$FUMIDAI_BIN lab devices' is not available; or use --services no"
}

# awk reads all input: `grep -q` would exit early and, under pipefail, turn
# the writer's SIGPIPE into a false "not found".
ns_exists() { ip netns list | awk -v name="$1" '$1 == name { found = 1 } END { exit !found }'; }


# --- processes -----------------------------------------------------------------

# Sets PID to the pid recorded for process $1; fails if there is none.
# Builtins only: `up` calls this in its polling loops.
PID=''
read_pid() {
  PID=''
  read -r PID 2>/dev/null <"$STATE_DIR/$1.pid" || true
  [[ $PID =~ ^[0-9]+$ ]]
}

recorded_pid() {
  read_pid "$1" && echo "$PID"
}

# Sets MARKER to what the command line of process $1 contains, to tell it
# from a process that got a recycled pid. The daemons all name a file in the
# state dir (from the start: so do the wrappers they are started through).
MARKER=''
process_marker() {
  case $1 in
    listener) MARKER=" lab listen " ;;
    devices) MARKER=" lab devices " ;;
    *) MARKER="$STATE_DIR/" ;;
  esac
}

# True if pid runs with the marker in its command line. A daemon that
# overwrites its command line (ocserv) runs in the state dir instead, which
# counts as that marker. A zombie (nobody may reap it in a container) has an
# empty command line and no working directory, so it counts as gone.
# Builtins only, like the two below: `down` checks every process.
is_running() {
  local args=() IFS=' '
  { mapfile -d '' -t args <"/proc/$1/cmdline"; } 2>/dev/null || return 1
  [[ "${args[*]} " == *"$2"* ]] || [[ $2 == "$STATE_DIR/" && /proc/$1/cwd -ef $STATE_DIR ]]
}

# Sets PID to the pid of process NAME if it runs; fails otherwise.
find_running() {
  read_pid "$1" && process_marker "$1" && is_running "$PID" "$MARKER"
}

# Prints the pid of process NAME if it runs.
running_pid() {
  find_running "$1" && echo "$PID"
}

# SIGTERM to each named process that runs, then SIGKILL to whichever has not
# exited after STOP_SECONDS. Only pids from the state dir, never by name, and
# each checked to be what `up` started before it gets a signal; it counts as
# stopped once fully exited (an exiting process loses its command line first).
stop_processes() {
  local name waited=0 remaining
  local -A pids=()
  for name in "$@"; do
    find_running "$name" || continue
    pids[$name]=$PID
    kill -TERM "$PID" 2>/dev/null || true
  done
  while ((waited < STOP_SECONDS * 10)); do
    remaining=0
    for name in "${!pids[@]}"; do
      has_exited "${pids[$name]}" || remaining=1
    done
    ((remaining)) || return 0
    sleep 0.1
    waited=$((waited + 1))
  done
  for name in "${!pids[@]}"; do
    if ! has_exited "${pids[$name]}"; then
      say "$name ${pids[$name]} ignored SIGTERM; killing it"
      kill -KILL "${pids[$name]}" 2>/dev/null || true
    fi
  done
}

# start_process NAME NS COMMAND...: runs COMMAND in namespace NS, detached,
# with NAME.pid and NAME.log in the state dir. setsid: it must outlive this
# script and not get the Ctrl-C or hangup of whoever ran `up`. Without job
# control the background child is no group leader, so setsid and `ip netns
# exec` both exec in place and $! is the command's own pid.
start_process() {
  local name=$1 ns=$2
  shift 2
  setsid ip netns exec "$ns" "$@" </dev/null >"$STATE_DIR/$name.log" 2>&1 &
  echo "$!" >"$STATE_DIR/$name.pid"
}

# True once pid is gone or a zombie whose threads have all ended (a thread
# group leader that exits early is a zombie while the others run). Zombies
# count as gone: bash reaps its background child only when it gets around to
# it, and nobody may reap the orphans of a killed `up` in a container.
has_exited() {
  local stat tasks
  read -r stat 2>/dev/null <"/proc/$1/stat" || return 0
  [[ ${stat##*) } == [ZX]* ]] || return 1
  tasks=(/proc/"$1"/task/*)
  ((${#tasks[@]} <= 1))
}

# Fails if any named process has exited, quoting the end of its log.
require_alive() {
  local name
  for name in "$@"; do
    read_pid "$name" || die "$name has no pid file"
    ! has_exited "$PID" || die "$name exited: $(tail -n 3 "$STATE_DIR/$name.log" 2>/dev/null | paste -sd' ')"
  done
}

# --- down ----------------------------------------------------------------------

delete_ns() {
  local pids
  ns_exists "$1" || return 0
  pids=$(ip netns pids "$1" | tr '\n' ' ')
  # The namespace lives on while these run; they were not started by `up`.
  [[ -z $pids ]] || say "warning: processes still in $1 (pids $pids); the namespace lingers until they exit"
  ip netns del "$1"
}

remove_state_dir() {
  local file files=("${STATE_FILES[@]/#/${STATE_DIR:?}/}")
  [[ -d $STATE_DIR ]] || return 0
  for file in "${STATE_GLOBS[@]}"; do
    # Unquoted on purpose: the pattern expands inside the state dir only.
    # shellcheck disable=SC2206
    files+=("$STATE_DIR"/$file)
  done
  # One rm for all: the list is long, and forks are what `down` spends its time on.
  rm -f -- "${files[@]}"
  for file in "${STATE_DIRS[@]}"; do
    [[ ! -d $STATE_DIR/$file ]] || rmdir -- "${STATE_DIR:?}/$file" || true
  done
  rmdir -- "$STATE_DIR" || say "warning: $STATE_DIR holds files the lab did not write; left in place"
}

cmd_down() {
  local failed=0 ns
  stop_processes "${PROCESSES[@]}"
  for ns in "$SCAN_NS" "$SVC_NS" "$INET_NS"; do
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
  ((CREATED_STATE_DIR == 0)) || stop_processes "${PROCESSES[@]}"
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

# No rate limit on the ICMP errors namespace $1 sends.
unlimit_icmp_errors() {
  ns_sysctl "$1" net.ipv4.icmp_ratelimit=0 net.ipv4.icmp_msgs_per_sec=$ICMP_ERRORS_PER_SECOND \
    net.ipv4.icmp_msgs_burst=$ICMP_ERRORS_PER_SECOND
}

# The local addresses (ip:port) listening in NS, TCP and UDP (udp: prefix);
# any address, IPv4 or IPv6, is 0.0.0.0.
listening() {
  ip netns exec "$1" ss -H -l -n -t -u |
    awk '{ address = $5; sub(/^(\*|\[::\]):/, "0.0.0.0:", address); print ($1 == "udp" ? "udp:" : "") address }'
}

# wait_for_listening NS SECONDS ENDPOINT...: until every ENDPOINT (ip:port,
# or udp:ip:port) listens in NS; the processes in WAIT_FOR must stay alive.
WAIT_FOR=()
wait_for_listening() {
  local ns=$1 seconds=$2 tries=0 missing
  shift 2
  while ((tries < seconds * 10)); do
    require_alive "${WAIT_FOR[@]}"
    missing=$(printf '%s\n' "$@" | grep -vxF -f <(listening "$ns") || true)
    [[ -n $missing ]] || return 0
    sleep 0.1
    tries=$((tries + 1))
  done
  die "not listening in $ns after ${seconds}s: $(paste -sd' ' <<<"$missing")"
}

setup_services_network() {
  # Never from the root namespace: created in the services namespace, the
  # peer born directly in the inet namespace.
  ip netns exec "$SVC_NS" ip link add "$SVC_IF" type veth peer name "$INET_SVC_IF" netns "$INET_NS"
  ip -n "$SVC_NS" addr add "$SVC_LINK_IP/$LINK_PREFIX_LENGTH" dev "$SVC_IF"
  ip -n "$SVC_NS" link set "$SVC_IF" up
  ip -n "$SVC_NS" route add "$SCAN_NET" via "$INET_SVC_IP" dev "$SVC_IF"
  ip -n "$INET_NS" addr add "$INET_SVC_IP/$LINK_PREFIX_LENGTH" dev "$INET_SVC_IF"
  ip -n "$INET_NS" link set "$INET_SVC_IF" up
  ip -n "$INET_NS" route add "$SVC_PREFIX" via "$SVC_LINK_IP" dev "$INET_SVC_IF"
  # rp_filter off on every hop, as in the inet namespace; the services
  # namespace is an end, never a router.
  ns_sysctl "$INET_NS" "net.ipv4.conf.$INET_SVC_IF.rp_filter=0"
  ns_sysctl "$SVC_NS" net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
    "net.ipv4.conf.$SVC_IF.rp_filter=0" net.ipv4.ip_forward=0
  unlimit_icmp_errors "$SVC_NS"
  # The inet namespace routes between the scanner and the services, and
  # nothing else: the drop policy is in place before forwarding is on.
  cat >"$STATE_DIR/svc.nft" <<EOF
# Written by 'fumidai lab up': the inet namespace forwards only between the
# scanner's link and the services' link, and only to and from $SVC_PREFIX.
table ip fumidai_svc {
  chain forward {
    type filter hook forward priority filter; policy drop;
    iifname "$INET_IF" oifname "$INET_SVC_IF" ip daddr $SVC_PREFIX accept
    iifname "$INET_SVC_IF" oifname "$INET_IF" ip saddr $SVC_PREFIX accept
  }
}
EOF
  ip netns exec "$INET_NS" nft -f "$STATE_DIR/svc.nft"
  ns_sysctl "$INET_NS" net.ipv4.ip_forward=1
}

# render TEMPLATE OUT KEY=VALUE...: a config from lab/services/TEMPLATE with
# each @KEY@ replaced, and @STATE_DIR@ and @SVC_PREFIX@; a placeholder left
# over is a mistake in the template.
render() {
  local text='' pair out=$2
  [[ -r $SERVICES_DIR/$1 ]] || die "cannot read lab/services/$1"
  # read, not $(<...): no fork for each of the many configs. It fails at
  # the end of the file, having read all of it.
  IFS= read -r -d '' text <"$SERVICES_DIR/$1" || true
  shift 2
  for pair in "$@" "STATE_DIR=$STATE_DIR" "SVC_PREFIX=$SVC_PREFIX"; do
    # Quoted replacements: bash 5.2 would otherwise expand & in them.
    text=${text//"@${pair%%=*}@"/"${pair#*=}"}
  done
  [[ ! $text =~ @[A-Z_]+@ ]] || die "lab/services: ${BASH_REMATCH[0]} left unset in $out"
  printf '%s' "$text" >"$STATE_DIR/$out"
}

# services.csv: the daemons' rows, then the device emulator's, each checked:
# its address must be a host of SVC_PREFIX that no daemon uses. Columns:
# ip,port,protocol,tls,service,expected_status,transport; the emulator's rows
# may lack the transport, which is then tcp. expected_status is what a
# correct stage-2 probe reports.
write_services_truth() {
  "$FUMIDAI_BIN" lab devices --config "$DEVICES_CONFIG" --print-services >"$STATE_DIR/devices.csv" ||
    die "'fumidai lab devices --print-services' failed"
  {
    echo "ip,port,protocol,tls,service,expected_status,transport"
    echo "$HTTP_IP,80,http,false,lighttpd,success,tcp"
    echo "$SSH_IP,22,ssh,false,openssh,success,tcp"
    echo "$FTP_IP,21,ftp,false,vsftpd,success,tcp"
    echo "$TELNET_IP,23,telnet,false,busybox-telnetd,success,tcp"
    echo "$PROXY_IP,$PROXY_PORT,http-proxy,false,tinyproxy,success,tcp"
    echo "$PROXY_AUTH_IP,$PROXY_AUTH_PORT,http-proxy,false,tinyproxy-auth,success,tcp"
    echo "$SOCKS_IP,1080,socks5,false,dante,success,tcp"
    echo "$SOCKS_AUTH_IP,1080,socks5,false,dante-auth,success,tcp"
    echo "$OPENVPN_IP,1194,openvpn,false,openvpn,success,udp"
    echo "$OPENVPN_IP,1194,openvpn,false,openvpn,success,tcp"
    echo "$OPENVPN2_IP,443,openvpn,false,openvpn-tcp443,success,tcp"
    # tls-auth: a reset without the shared key's HMAC is dropped unanswered.
    echo "$OPENVPN2_IP,1194,openvpn,false,openvpn-tls-auth,io-timeout,udp"
    echo "$PPTP_IP,1723,pptp,false,pptpd,success,tcp"
    echo "$IKE_IP,500,ike,false,strongswan,success,udp"
    echo "$IKE_IP,4500,ike,false,strongswan,success,udp"
    echo "$L2TP_IP,1701,l2tp,false,xl2tpd,success,udp"
    echo "$SSLVPN_IP,443,sslvpn,true,ocserv,success,tcp"
    echo "$UPNP_IP,1900,upnp,false,miniupnpd,success,udp"
    echo "$UPNP_IP,$UPNP_HTTP_PORT,http,false,miniupnpd,success,tcp"
    # The canary answers a plain GET / (no token) with a 400: a web page all the same.
    echo "$CANARY_IP,$CANARY_PORT,http,false,fumidai-canary,success,tcp"
    awk -F, -v net="$SVC_NET" -v max="$MAX_DEVICE_ROWS" -v taken="$DAEMON_HOSTS" '
      BEGIN { n = split(taken, t, " "); for (i = 1; i <= n; i++) used[t[i]] = 1 }
      function bad(why) { print "devices row " NR " (" $0 "): " why > "/dev/stderr"; failed = 1; exit 1 }
      NR > max { bad("more than " max " rows") }
      {
        if (NF != 7) bad("expected 7 fields")
        if ($7 != "tcp" && $7 != "udp") bad("transport must be tcp or udp")
        host = $1
        if (substr(host, 1, length(net) + 1) != net ".") bad("address outside the services prefix")
        host = substr(host, length(net) + 2)
        if (host !~ /^[0-9]+$/ || host + 0 < 1 || host + 0 > 254) bad("bad host number")
        if ((host + 0) in used) bad("address taken by a lab daemon")
        if ($2 !~ /^[0-9]+$/ || $2 + 0 < 1 || $2 + 0 > 65535) bad("bad port")
        if ($4 != "true" && $4 != "false") bad("tls must be true or false")
        if ($3 !~ /^[!-~]+$/ || $5 !~ /^[!-~]+$/ || $6 !~ /^[!-~]+$/) bad("empty field or one with spaces")
        print
      }
      END { exit failed }' "$STATE_DIR/devices.csv"
  } >"$STATE_DIR/services.csv" || die "bad output from 'fumidai lab devices --print-services'"
}

# ptr.csv (ip,name) and dnsmasq's hosts file: every service address
# (svc-SERVICE.lab.test, -HOST appended when the name is taken), the DNS server
# itself, and every live host of the plan (host-A-B-C-D.dyn.lab.test).
write_ptr_truth() {
  {
    echo "$DNS_IP -"
    awk -F, 'NR > 1 && !($1 in seen) { seen[$1] = 1; print $1, $5 }' "$STATE_DIR/services.csv"
  } | awk -v net="$SVC_NET" '
    {
      # A DNS label holds 63 bytes.
      name = substr("svc-" tolower($2), 1, 50)
      if ($2 == "-") name = "ns"
      gsub(/[^a-z0-9-]/, "-", name)
      if (name in taken) name = name "-" substr($1, length(net) + 2)
      taken[name] = 1
      print $1 "," name ".lab.test"
    }' >"$STATE_DIR/ptr.tmp"
  awk -F, 'NR > 1 && !($1 in seen) { seen[$1] = 1; name = $1; gsub(/\./, "-", name); print $1 ",host-" name ".dyn.lab.test" }' \
    "$STATE_DIR/ground-truth.csv" >>"$STATE_DIR/ptr.tmp"
  {
    echo "ip,name"
    sort -t. -k1,1n -k2,2n -k3,3n -k4,4n "$STATE_DIR/ptr.tmp"
  } >"$STATE_DIR/ptr.csv"
  rm -f -- "$STATE_DIR/ptr.tmp"
  awk -F, 'NR > 1 { print $1, $2 }' "$STATE_DIR/ptr.csv" >"$STATE_DIR/dns-hosts"
}

# daemons.nft for the services namespace: charon and miniupnpd bind every
# address, so on their ports only the addresses services.csv gives them
# answer; the rest refuse, as a host without the service does. miniupnpd
# sends SSDP replies from a socket bound to no address, which would leave
# with fd-svc0's address (and be dropped by the inet namespace): they get its
# own. Stateless, so the namespace needs no connection tracking.
write_daemons_ruleset() {
  local udp tcp
  udp=$(awk -F, 'NR > 1 && $7 == "udp" { printf "%s%s . %s", sep, $1, $2; sep = ", " }' "$STATE_DIR/services.csv")
  tcp=$(awk -F, 'NR > 1 && $7 == "tcp" { printf "%s%s . %s", sep, $1, $2; sep = ", " }' "$STATE_DIR/services.csv")
  cat >"$STATE_DIR/daemons.nft" <<EOF
# Written by 'fumidai lab up' for $SVC_NS: on the ports daemons bind on every
# address, only the services.csv rows answer; miniupnpd's SSDP replies leave
# with its own address.
table ip fumidai_daemons {
  set udp_services {
    type ipv4_addr . inet_service
    elements = { $udp }
  }
  set tcp_services {
    type ipv4_addr . inet_service
    elements = { $tcp }
  }
  chain input {
    type filter hook input priority filter; policy accept;
    udp dport { $WILDCARD_UDP_PORTS } ip daddr . udp dport != @udp_services reject
    tcp dport { $WILDCARD_TCP_PORTS } ip daddr . tcp dport != @tcp_services reject with tcp reset
  }
  chain output {
    type filter hook output priority filter; policy accept;
    oifname "$SVC_IF" ip saddr $SVC_LINK_IP udp sport 1900 ip saddr set $UPNP_IP
  }
}
EOF
}

# A CA and a server certificate it signed, on P-256 keys (made in
# milliseconds), fresh per lab, for OpenVPN and ocserv; and OpenVPN's
# tls-auth key.
make_vpn_keys() {
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -noenc -days 30 \
    -subj "/CN=fumidai lab CA $NAME_PREFIX" -addext basicConstraints=critical,CA:TRUE \
    -addext keyUsage=critical,keyCertSign,cRLSign -keyout "$STATE_DIR/ca.key" -out "$STATE_DIR/ca.crt" &&
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -noenc -days 30 \
      -CA "$STATE_DIR/ca.crt" -CAkey "$STATE_DIR/ca.key" -subj /CN=lab-router \
      -addext basicConstraints=critical,CA:FALSE -addext keyUsage=critical,digitalSignature,keyAgreement \
      -addext extendedKeyUsage=serverAuth -addext subjectAltName=DNS:lab-router \
      -keyout "$STATE_DIR/server.key" -out "$STATE_DIR/server.crt" &&
    openvpn --genkey secret "$STATE_DIR/tls-auth.key"
}

# charon's IKEv2 connection, loaded over its vici socket once that is up.
load_ike_connection() {
  local tries=0
  while [[ ! -S $STATE_DIR/charon.vici ]]; do
    ((tries < SERVICES_READY_SECONDS * 10)) || die "charon opened no vici socket after ${SERVICES_READY_SECONDS}s"
    require_alive charon
    sleep 0.1
    tries=$((tries + 1))
  done
  ip netns exec "$SVC_NS" timeout "$SERVICES_READY_SECONDS" env STRONGSWAN_CONF="$STATE_DIR/strongswan.conf" \
    SWANCTL_DIR="$STATE_DIR" swanctl --load-all --noprompt --file "$STATE_DIR/swanctl.conf" \
    --uri "unix://$STATE_DIR/charon.vici" >"$STATE_DIR/swanctl.log" 2>&1 ||
    die "swanctl could not load the IKE connection: $(tail -n 3 "$STATE_DIR/swanctl.log" | paste -sd' ')"
}

start_services() {
  local endpoints=() endpoint ip port transport type pid background_pids=() vpn_links=()
  write_services_truth
  write_ptr_truth

  # One /32 on lo per address: the daemons bind their own address, and
  # nothing else of the prefix answers.
  {
    echo "addr add $DNS_IP/32 dev lo"
    awk -F, 'NR > 1 && !($1 in seen) { seen[$1] = 1; print "addr add " $1 "/32 dev lo" }' "$STATE_DIR/services.csv"
  } | ip -n "$SVC_NS" -batch -
  write_daemons_ruleset
  ip netns exec "$SVC_NS" nft -f "$STATE_DIR/daemons.nft"
  # The emulator takes longest to listen (it makes its certificates), so it
  # starts first.
  start_process devices "$SVC_NS" "$FUMIDAI_BIN" lab devices --config "$DEVICES_CONFIG"

  # Fresh keys per lab, generated side by side: ssh host keys (no RSA key,
  # whose generation alone can take a second) and the VPN servers'.
  for type in ed25519 ecdsa; do
    ssh-keygen -q -t "$type" -N '' -C "fumidai-lab-$NAME_PREFIX" -f "$STATE_DIR/ssh_host_${type}_key" &
    background_pids+=($!)
  done
  make_vpn_keys >"$STATE_DIR/openssl.log" 2>&1 &
  background_pids+=($!)

  # The web root lives with the config, in the state dir.
  mkdir -m 755 -- "$STATE_DIR/www"
  install -m 644 -- "$SERVICES_DIR/www/index.html" "$SERVICES_DIR/www/favicon.ico" "$STATE_DIR/www/"
  render lighttpd.conf.in lighttpd.conf "ADDRESS=$HTTP_IP"
  render sshd_config.in sshd_config "ADDRESS=$SSH_IP"
  render vsftpd.conf.in vsftpd.conf "ADDRESS=$FTP_IP"
  : >"$STATE_DIR/vsftpd.userlist"
  mkdir -m 755 -- "$STATE_DIR/vsftpd-empty"
  install -m 700 -- "$SERVICES_DIR/telnet-login.sh" "$STATE_DIR/telnet-login"
  render tinyproxy.conf.in tinyproxy.conf "ADDRESS=$PROXY_IP" "PORT=$PROXY_PORT"
  render tinyproxy.conf.in tinyproxy-auth.conf "ADDRESS=$PROXY_AUTH_IP" "PORT=$PROXY_AUTH_PORT"
  printf 'BasicAuth %s %s\n' "$PROXY_USER" "$PROXY_PASSWORD" >>"$STATE_DIR/tinyproxy-auth.conf"
  render dante.conf.in danted.conf "ADDRESS=$SOCKS_IP" METHOD=none
  render dante.conf.in danted-auth.conf "ADDRESS=$SOCKS_AUTH_IP" METHOD=username
  render openvpn.conf.in openvpn.conf
  install -m 644 -- "$SERVICES_DIR/ppp-options" "$STATE_DIR/ppp-options"
  render pptpd.conf.in pptpd.conf "ADDRESS=$PPTP_IP"
  render strongswan.conf.in strongswan.conf
  render swanctl.conf.in swanctl.conf "ADDRESS=$IKE_IP"
  render xl2tpd.conf.in xl2tpd.conf "ADDRESS=$L2TP_IP"
  : >"$STATE_DIR/l2tp-secrets"
  render ocserv.conf.in ocserv.conf "ADDRESS=$SSLVPN_IP"
  : >"$STATE_DIR/ocserv-passwd"
  render miniupnpd.conf.in miniupnpd.conf "ADDRESS=$UPNP_IP" "PORT=$UPNP_HTTP_PORT"
  for pid in "${background_pids[@]}"; do
    wait "$pid" || die "making keys failed: $(tail -n 3 "$STATE_DIR/openssl.log" | paste -sd' ')"
  done
  # sshd needs its privilege separation directory; it is the standard
  # (normally boot-time) one, shared with any sshd of the machine, so `down`
  # leaves it.
  mkdir -p /run/sshd

  start_process dnsmasq "$SVC_NS" dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts \
    --addn-hosts="$STATE_DIR/dns-hosts" --listen-address="$DNS_IP" --bind-interfaces --port=53 \
    --pid-file="$STATE_DIR/dnsmasq-own.pid" --log-facility=- --local=/lab.test/ --local=/in-addr.arpa/
  start_process lighttpd "$SVC_NS" lighttpd -D -f "$STATE_DIR/lighttpd.conf"
  start_process sshd "$SVC_NS" /usr/sbin/sshd -D -e -f "$STATE_DIR/sshd_config"
  start_process vsftpd "$SVC_NS" vsftpd "$STATE_DIR/vsftpd.conf"
  # busybox telnetd records each session in utmp and wtmp. In the mount
  # namespace `ip netns exec` gives it (a slave of the root one, so nothing
  # propagates back), those are bind-mounted state dir files, so the lab
  # leaves nothing in the machine's login records.
  : >"$STATE_DIR/telnetd-utmp"
  : >"$STATE_DIR/telnetd-wtmp"
  # shellcheck disable=SC2016 # the script is for the inner bash
  start_process telnetd "$SVC_NS" bash -c '
    for file in /run/utmp /var/log/wtmp; do
      [[ ! -e $file ]] || mount --bind "${0}telnetd-${file##*/}" "$file" || exit 1
    done
    exec busybox telnetd -F -K -b "$1:23" -f /dev/null -l "${0}telnet-login"' "$STATE_DIR/" "$TELNET_IP"
  start_process tinyproxy "$SVC_NS" tinyproxy -d -c "$STATE_DIR/tinyproxy.conf"
  start_process tinyproxy-auth "$SVC_NS" tinyproxy -d -c "$STATE_DIR/tinyproxy-auth.conf"
  start_process danted "$SVC_NS" danted -f "$STATE_DIR/danted.conf" -p "$STATE_DIR/danted-own.pid" -N 1
  start_process danted-auth "$SVC_NS" danted -f "$STATE_DIR/danted-auth.conf" -p "$STATE_DIR/danted-auth-own.pid" -N 1
  # OpenVPN 2.6 serves one socket per process: one process per listener,
  # each with its own tun device.
  read -r -a vpn_links <<<"$VPN_LINKS"
  start_process openvpn-udp "$SVC_NS" openvpn --config "$STATE_DIR/openvpn.conf" --local "$OPENVPN_IP" \
    --proto udp4 --port 1194 --dev "${vpn_links[0]}"
  start_process openvpn-tcp "$SVC_NS" openvpn --config "$STATE_DIR/openvpn.conf" --local "$OPENVPN_IP" \
    --proto tcp4-server --port 1194 --dev "${vpn_links[1]}"
  start_process openvpn-tcp443 "$SVC_NS" openvpn --config "$STATE_DIR/openvpn.conf" --local "$OPENVPN2_IP" \
    --proto tcp4-server --port 443 --dev "${vpn_links[2]}"
  start_process openvpn-udp-tls-auth "$SVC_NS" openvpn --config "$STATE_DIR/openvpn.conf" --local "$OPENVPN2_IP" \
    --proto udp4 --port 1194 --dev "${vpn_links[3]}" --tls-auth "$STATE_DIR/tls-auth.key" 0
  start_process pptpd "$SVC_NS" pptpd -f -c "$STATE_DIR/pptpd.conf" -e /bin/false
  # charon writes /var/run/charon.pid, a path fixed at build time: it gets a
  # private /run in its own mount namespace (the state dir, should it live
  # under /run, bound back in), so labs side by side do not clash and the
  # machine's /run stays untouched. Its argv[0] names the state dir, as the
  # other daemons' command lines do.
  # shellcheck disable=SC2016 # the script is for the inner bash
  start_process charon "$SVC_NS" env STRONGSWAN_CONF="$STATE_DIR/strongswan.conf" bash -c '
    mount --bind "$0" /mnt && mount -t tmpfs -o mode=755,size=1m fumidai-charon /run &&
      mkdir -p "$0" && mount --move /mnt "$0" || exit 1
    exec -a "${0}charon" "$1"' "$STATE_DIR/" "$CHARON"
  # xl2tpd would start /usr/sbin/pppd (a path fixed at build time) for a
  # session: in its mount namespace that is /bin/false.
  # shellcheck disable=SC2016 # the script is for the inner bash
  start_process xl2tpd "$SVC_NS" bash -c '
    [[ ! -e /usr/sbin/pppd ]] || mount --bind /bin/false /usr/sbin/pppd || exit 1
    exec xl2tpd -D -c "${0}xl2tpd.conf" -p "${0}xl2tpd-own.pid" -C "${0}xl2tpd-control"' "$STATE_DIR/"
  # shellcheck disable=SC2016 # the script is for the inner bash
  # ocserv overwrites its command line; it runs in the state dir, which
  # marks it as the lab's (is_running).
  start_process ocserv "$SVC_NS" bash -c 'cd "$0" && exec ocserv -f -c "${0}ocserv.conf"' "$STATE_DIR/"
  start_process miniupnpd "$SVC_NS" miniupnpd -d -f "$STATE_DIR/miniupnpd.conf" -P "$STATE_DIR/miniupnpd-own.pid"
  # fumidai's own canary: the one destination proxy probes ask a proxy to
  # reach; its log proves which proxies relayed.
  "$FUMIDAI_BIN" canary --make-key "$STATE_DIR/canary.key" >/dev/null 2>&1 || die "canary --make-key failed"
  start_process canary "$SVC_NS" "$FUMIDAI_BIN" canary --listen "$CANARY_IP:$CANARY_PORT" \
    --key-file "$STATE_DIR/canary.key" --log "$STATE_DIR/canary.jsonl"

  # Every row's endpoint; charon and miniupnpd listen on every address
  # (which `listening` prints as 0.0.0.0).
  local -A any_address=(["udp:$IKE_IP:500"]=udp:0.0.0.0:500 ["udp:$IKE_IP:4500"]=udp:0.0.0.0:4500
    ["udp:$UPNP_IP:1900"]=udp:0.0.0.0:1900 ["$UPNP_IP:$UPNP_HTTP_PORT"]=0.0.0.0:$UPNP_HTTP_PORT)
  endpoints=("$DNS_IP:53" "udp:$DNS_IP:53")
  while IFS=, read -r ip port _ _ _ _ transport; do
    endpoint=$ip:$port
    [[ $transport == tcp ]] || endpoint=udp:$endpoint
    endpoints+=("${any_address[$endpoint]:-$endpoint}")
  done < <(tail -n +2 "$STATE_DIR/services.csv")
  WAIT_FOR=("${SERVICE_PROCESSES[@]}")
  wait_for_listening "$SVC_NS" "$SERVICES_READY_SECONDS" "${endpoints[@]}"
  load_ike_connection
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
  local live=$1 open=$2 pid=$3 gateway_mac key service_ports service_udp_ports
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
    env_line SERVICES "$SERVICES"
    if [[ $SERVICES == yes ]]; then
      service_ports=$(awk -F, 'NR > 1 && $7 == "tcp" { print $2 }' "$STATE_DIR/services.csv" |
        sort -nu | paste -sd,)
      service_udp_ports=$(awk -F, 'NR > 1 && $7 == "udp" { print $2 }' "$STATE_DIR/services.csv" |
        sort -nu | paste -sd,)
      for key in SVC_NS SVC_IF SVC_PREFIX; do
        env_line "$key" "${!key}"
      done
      env_line SERVICES_TRUTH "$STATE_DIR/services.csv"
      env_line PTR_TRUTH "$STATE_DIR/ptr.csv"
      env_line DNS_SERVER "$DNS_IP:53"
      env_line SERVICE_PORTS "$service_ports"
      env_line SERVICE_UDP_PORTS "$service_udp_ports"
      env_line CANARY "$CANARY_IP:$CANARY_PORT"
      env_line CANARY_KEY "$STATE_DIR/canary.key"
      env_line CANARY_LOG "$STATE_DIR/canary.jsonl"
    fi
  } >"$STATE_DIR/lab.env.tmp"
  mv -- "$STATE_DIR/lab.env.tmp" "$STATE_DIR/lab.env"
}

cmd_up() {
  local ns plan_output live open pid namespaces=("$SCAN_NS" "$INET_NS") endpoints=() port services_note=

  local down_hint="run 'fumidai lab down --name-prefix $NAME_PREFIX' first"
  [[ -n ${FUMIDAI_BIN:-} && -x $FUMIDAI_BIN ]] ||
    die "FUMIDAI_BIN must name the fumidai binary (run this through 'fumidai lab up')"
  [[ $SERVICES == no ]] || {
    require_service_tools
    namespaces+=("$SVC_NS")
  }
  for ns in "$SCAN_NS" "$INET_NS" "$SVC_NS"; do
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

  for ns in "${namespaces[@]}"; do
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
  # root namespace, so forwarding is switched off explicitly: without
  # services the inet namespace is an end, never a router.
  ns_sysctl "$INET_NS" net.ipv4.tcp_max_syn_backlog=$SYN_BACKLOG net.core.somaxconn=$SYN_BACKLOG \
    net.ipv4.tcp_syncookies=1 net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
    "net.ipv4.conf.$INET_IF.rp_filter=0" net.ipv4.ip_forward=0
  unlimit_icmp_errors "$INET_NS"
  # The kernel of the inet namespace owns every address of the prefix; the
  # ruleset then decides which of them answer. It leaves alone what is not
  # for the prefix, such as traffic to the services.
  ip -n "$INET_NS" route add local "$PREFIX" dev lo
  ip netns exec "$INET_NS" nft -f "$STATE_DIR/lab.nft"

  start_process listener "$INET_NS" "$FUMIDAI_BIN" lab listen --ports "$PORTS"
  pid=$(recorded_pid listener)
  [[ $SERVICES == no ]] || {
    setup_services_network
    start_services
  }
  for port in ${PORTS//,/ }; do
    endpoints+=("0.0.0.0:$port")
  done
  WAIT_FOR=(listener)
  wait_for_listening "$INET_NS" "$LISTENER_READY_SECONDS" "${endpoints[@]}"

  write_lab_env "$live" "$open" "$pid"
  cmd_check >/dev/null || die "the new lab failed its isolation check"
  UP_COMPLETE=1
  [[ $SERVICES == no ]] ||
    services_note=", $(($(wc -l <"$STATE_DIR/services.csv") - 1)) services in $SVC_PREFIX ($SVC_NS)"
  echo "lab '$NAME_PREFIX' up: $SCAN_NS ($SCANNER_IP) reaches $PREFIX via $INET_NS ($GATEWAY_IP)," \
    "$live live hosts, $open open ports$services_note; environment in $STATE_DIR/lab.env"
}

# --- check -------------------------------------------------------------------

PROBLEMS=()
# Per namespace, read once per check: `ip -o -d link show` and all routes.
declare -A NS_LINKS=() NS_ROUTES=()

load_namespace() {
  NS_LINKS[$1]=$(ip -n "$1" -o -d link show 2>/dev/null || true)
  NS_ROUTES[$1]=$({
    ip -n "$1" -4 -o route show table all 2>/dev/null || true
    ip -n "$1" -6 -o route show table all 2>/dev/null || true
  })
}

# Sets LINK_LINE to the line of link $2 in namespace $1 and LINK_INDEX to
# its ifindex; fails if there is no such link.
LINK_LINE='' LINK_INDEX=''
find_link() {
  local line
  while IFS= read -r line; do
    if [[ $line =~ ^([0-9]+):\ ([^@:]+)[@:] && ${BASH_REMATCH[2]} == "$2" ]]; then
      LINK_LINE=$line LINK_INDEX=${BASH_REMATCH[1]}
      return 0
    fi
  done <<<"${NS_LINKS[$1]}"
  return 1
}

# The links of namespace $1 must be exactly those named in $2, plus any of
# the tun devices named in $3 (a tun device leads only to the process that
# holds it open, a daemon of the lab; check_routes keeps routes off it).
check_links() {
  local ns=$1 expected=$2 tuns=${3:-} line links=() name
  while IFS= read -r line; do
    [[ $line =~ ^[0-9]+:\ ([^@:]+)[@:] ]] && links+=("${BASH_REMATCH[1]}")
  done <<<"${NS_LINKS[$ns]}"
  for name in $expected; do
    [[ " ${links[*]} " == *" $name "* ]] || PROBLEMS+=("$ns has no link $name")
  done
  for name in "${links[@]}"; do
    if [[ " $tuns " == *" $name "* ]]; then
      find_link "$ns" "$name" && [[ $LINK_LINE == *" tun type tun "* ]] ||
        PROBLEMS+=("$name in $ns is not a tun device")
    elif [[ " $expected " != *" $name "* ]]; then
      PROBLEMS+=("$ns has link $name; expected exactly [$expected]${tuns:+ and tun devices among [$tuns]}")
    fi
  done
}

# The veth end `if` in `ns` must have its peer `peer_if` in `peer_ns`, and
# the ifindexes on both sides must agree.
check_peer() {
  local ns=$1 if=$2 peer_ns=$3 peer_if=$4 line peer_index own_index
  find_link "$ns" "$if" || return 0 # check_links reports it
  line=$LINK_LINE
  find_link "$peer_ns" "$peer_if" || return 0
  own_index=$LINK_INDEX
  [[ $line == *" veth "* ]] || PROBLEMS+=("$if in $ns is not a veth")
  [[ $line == *" link-netns $peer_ns "* ]] || PROBLEMS+=("the peer of $if in $ns is not in namespace $peer_ns")
  peer_index=
  [[ $line =~ ^[0-9]+:\ [^@:]+@if([0-9]+): ]] && peer_index=${BASH_REMATCH[1]}
  [[ -n $peer_index && $peer_index == "$own_index" ]] ||
    PROBLEMS+=("the peer of $if in $ns is ifindex ${peer_index:-?}," \
      "but $peer_if in $peer_ns is ifindex ${own_index:-?}")
}

# Every route in every table of `ns` must leave through lo or one of the
# links named in `allowed` (space-separated), and none may be a default
# route unless `default_ok` says how it must start; routes without a device
# are only acceptable if they discard.
check_routes() {
  local ns=$1 allowed=$2 default_ok=${3:-} route words i devices
  while IFS= read -r route; do
    [[ -n $route ]] || continue
    read -r -a words <<<"$route"
    devices=0
    for ((i = 0; i + 1 < ${#words[@]}; i++)); do
      [[ ${words[i]} == dev ]] || continue
      devices=$((devices + 1))
      [[ " lo $allowed " == *" ${words[i + 1]} "* ]] || PROBLEMS+=("$ns: route \"$route\" uses ${words[i + 1]}")
    done
    ((devices > 0)) || [[ ${words[0]} =~ ^(unreachable|blackhole|prohibit|throw)$ ]] ||
      PROBLEMS+=("$ns: route \"$route\" names no device")
    if [[ ${words[0]} =~ ^(default|0\.0\.0\.0/0|::/0)$ ]] ||
      [[ ${words[0]} =~ ^(unicast|local|broadcast|multicast|unreachable|blackhole|prohibit|throw)$ &&
        ${words[1]:-} =~ ^(default|0\.0\.0\.0/0|::/0)$ ]]; then
      [[ -n $default_ok && $route == "$default_ok"* ]] || PROBLEMS+=("$ns has a default route: $route")
    fi
  done <<<"${NS_ROUTES[$ns]}"
}

ip_forward() { ip netns exec "$1" sysctl -n net.ipv4.ip_forward; }

# With services the inet namespace forwards, but only through a chain that
# drops by default and accepts nothing but fd-inet0 <-> fd-inet1. (The links
# it could forward between are all checked to lead into the lab anyway.)
check_forward_chain() {
  local chain line rule
  chain=$(ip netns exec "$INET_NS" nft list chain ip fumidai_svc forward 2>/dev/null) || {
    PROBLEMS+=("$INET_NS forwards IPv4 without the fumidai_svc forward chain")
    return
  }
  [[ $chain == *"hook forward priority filter; policy drop;"* ]] ||
    PROBLEMS+=("$INET_NS: the fumidai_svc forward chain does not drop by default")
  while IFS= read -r line; do
    # Rules are the lines indented twice, after the chain's type line.
    [[ $line =~ ^$'\t\t'([a-z].*)$ ]] || continue
    rule=${BASH_REMATCH[1]}
    [[ $rule == "type "* ]] && continue
    [[ $rule =~ ^iifname\ \"($INET_IF|$INET_SVC_IF)\"\ oifname\ \"($INET_IF|$INET_SVC_IF)\"\ .*accept$ &&
      ${BASH_REMATCH[1]} != "${BASH_REMATCH[2]}" ]] || PROBLEMS+=("$INET_NS: unexpected forward rule: $rule")
  done <<<"$chain"
}

cmd_check() {
  local ns namespaces links services=0
  PROBLEMS=()
  NS_LINKS=() NS_ROUTES=()
  namespaces=$(ip netns list | awk '{ print $1 }')
  for ns in "$SCAN_NS" "$INET_NS"; do
    grep -qxF -- "$ns" <<<"$namespaces" || PROBLEMS+=("namespace $ns does not exist")
  done
  ! grep -qxF -- "$SVC_NS" <<<"$namespaces" || services=1
  if ((${#PROBLEMS[@]} == 0)); then
    load_namespace "$SCAN_NS"
    load_namespace "$INET_NS"
    ((services == 0)) || load_namespace "$SVC_NS"
    check_links "$SCAN_NS" "lo $SCAN_IF"
    check_peer "$SCAN_NS" "$SCAN_IF" "$INET_NS" "$INET_IF"
    check_peer "$INET_NS" "$INET_IF" "$SCAN_NS" "$SCAN_IF"
    # The scanner namespace's default route is its way into the lab.
    check_routes "$SCAN_NS" "$SCAN_IF" "default via $GATEWAY_IP dev $SCAN_IF"
    [[ $'\n'${NS_ROUTES[$SCAN_NS]} == *$'\n'"default via $GATEWAY_IP dev $SCAN_IF"* ]] ||
      PROBLEMS+=("$SCAN_NS has no default route via $GATEWAY_IP dev $SCAN_IF")
    if ((services)); then
      check_links "$INET_NS" "lo $INET_IF $INET_SVC_IF"
      check_routes "$INET_NS" "$INET_IF $INET_SVC_IF"
      check_links "$SVC_NS" "lo $SVC_IF" "$VPN_LINKS"
      check_peer "$SVC_NS" "$SVC_IF" "$INET_NS" "$INET_SVC_IF"
      check_peer "$INET_NS" "$INET_SVC_IF" "$SVC_NS" "$SVC_IF"
      check_routes "$SVC_NS" "$SVC_IF"
      [[ $(ip_forward "$SVC_NS") == 0 ]] || PROBLEMS+=("$SVC_NS forwards IPv4")
      [[ $(ip_forward "$INET_NS") == 0 ]] || check_forward_chain
    else
      check_links "$INET_NS" "lo $INET_IF"
      check_routes "$INET_NS" "$INET_IF"
      [[ $(ip_forward "$INET_NS") == 0 ]] || PROBLEMS+=("$INET_NS forwards IPv4")
    fi
  fi
  # The root namespace must never hold a lab interface.
  links=$(ip -o link show | awk -F': ' -v names="$SCAN_IF $INET_IF $INET_SVC_IF $SVC_IF" '
    BEGIN { n = split(names, a, " "); for (i = 1; i <= n; i++) lab[a[i]] = 1 }
    { sub(/@.*/, "", $2) }
    $2 in lab { printf "%s ", $2 }')
  [[ -z $links ]] || PROBLEMS+=("the root namespace has lab link(s): $links")

  if ((${#PROBLEMS[@]} > 0)); then
    local problem
    for problem in "${PROBLEMS[@]}"; do
      say "NOT isolated: $problem"
    done
    return 1
  fi
  if ((services)); then
    echo "lab isolated: $SCAN_NS reaches only $INET_NS and, through it, $SVC_NS"
  else
    echo "lab isolated: $SCAN_NS reaches only $INET_NS"
  fi
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

# {"NAME": {"pid": N, "alive": B}, ...} for the processes given.
process_status() {
  local name separator=
  printf '{'
  for name in "$@"; do
    printf '%s"%s": {"pid": %s, "alive": %s}' "$separator" "$name" "$(json_number "$(recorded_pid "$name")")" \
      "$(json_bool running_pid "$name")"
    separator=', '
  done
  printf '}'
}

all_running() {
  local name
  for name in "$@"; do
    find_running "$name" || return 1
  done
}

cmd_status() {
  local scan_up inet_up svc_up pid alive isolated services up=true daemons='{}'
  scan_up=$(json_bool ns_exists "$SCAN_NS")
  inet_up=$(json_bool ns_exists "$INET_NS")
  svc_up=$(json_bool ns_exists "$SVC_NS")
  pid=$(recorded_pid listener || true)
  alive=false
  process_marker listener
  [[ -n $pid ]] && is_running "$pid" "$MARKER" && alive=true
  isolated=$(json_bool cmd_check)
  services=$(lab_value SERVICES || true)
  [[ -n $services ]] || services=$([[ $svc_up == true ]] && echo yes || echo no)
  if [[ $services == yes ]]; then
    daemons=$(process_status "${SERVICE_PROCESSES[@]}")
    [[ $svc_up == true ]] && all_running "${SERVICE_PROCESSES[@]}" || up=false
  fi
  [[ $scan_up == true && $inet_up == true && $alive == true && -r $STATE_DIR/lab.env ]] || up=false
  printf '{"name_prefix": %s, "up": %s, ' "$(json_string "$NAME_PREFIX")" "$up"
  printf '"scan_ns": %s, "scan_ns_present": %s, "inet_ns": %s, "inet_ns_present": %s, ' \
    "$(json_string "$SCAN_NS")" "$scan_up" "$(json_string "$INET_NS")" "$inet_up"
  printf '"listener_pid": %s, "listener_alive": %s, "prefix": %s, "seed": %s, "ports": %s, ' \
    "$(json_number "$pid")" "$alive" "$(json_string "$(lab_value PREFIX)")" "$(json_number "$(lab_value SEED)")" \
    "$(json_string "$(lab_value PORTS)")"
  printf '"live_hosts": %s, "open_ports": %s, ' \
    "$(json_number "$(lab_value LIVE_HOSTS)")" "$(json_number "$(lab_value OPEN_PORTS)")"
  printf '"services": %s, "svc_ns": %s, "svc_ns_present": %s, "svc_prefix": %s, "daemons": %s, ' \
    "$([[ $services == yes ]] && echo true || echo false)" "$(json_string "$SVC_NS")" "$svc_up" \
    "$(json_string "$(lab_value SVC_PREFIX)")" "$daemons"
  printf '"isolated": %s, "state_dir": %s}\n' "$isolated" "$(json_string "$STATE_DIR")"
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
