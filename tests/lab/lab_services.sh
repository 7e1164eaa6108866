#!/usr/bin/env bash
# Lab services: `fumidai lab up` (services on, the default) adds NAME-svc with
# real daemons and the device emulator. `check` covers the third namespace
# and fails when it gains a way out; from inside the scanner namespace every
# services.csv row accepts a TCP connection, the daemons greet as themselves,
# and dnsmasq answers PTR queries as ptr.csv says. `down` leaves no
# namespace, no process and no state dir.
# Usage: lab_services.sh /path/to/fumidai   (needs root; exits 77 to skip)
set -euo pipefail
FUMIDAI=${1:?usage: lab_services.sh /path/to/fumidai}
TEST_NAME=lab_services
# shellcheck source=tests/lab/lablib.sh
source "$(dirname "$0")/lablib.sh"
# Every connection gives up after PROBE_SECONDS; reading a greeting or the
# PTR answers gets longer, as a loaded machine may be slow to start the
# telnet login script or python.
readonly PROBE_SECONDS=2 READ_SECONDS=3 DNS_SECONDS=10

# Bad services input is refused (exit 2) before anything is created.
for args in "--services maybe" "--services-prefix 198.18.0.0/24" "--services-prefix 198.51.100.0/24" \
  "--services-prefix 198.19.0.0/23" "--prefix 198.51.0.0/16"; do
  rc=0
  # shellcheck disable=SC2086 # args holds two words on purpose
  "$FUMIDAI" lab up --name-prefix fdt-svc --prefix 198.18.0.0/20 $args 2>/dev/null || rc=$?
  ((rc == 2)) || fail "up $args exited $rc, expected 2"
done
! ip netns list | awk '$1 ~ /^fdt-svc-/ { found = 1 } END { exit !found }' ||
  fail "a rejected up left a namespace behind"

started=$(date +%s%N)
lab_start fdt-svc --prefix 198.18.0.0/20 --seed 21
echo "$TEST_NAME: up took $((($(date +%s%N) - started) / 1000000)) ms"
for key in SVC_NS SVC_PREFIX SERVICES_TRUTH PTR_TRUTH DNS_SERVER SERVICE_PORTS; do
  [[ -n ${!key:-} ]] || fail "lab.env lacks $key"
done
[[ $SERVICES == yes && $DNS_SERVER == 198.19.0.53:53 && $SVC_PREFIX == 198.19.0.0/24 ]] ||
  fail "lab.env: SERVICES=$SERVICES DNS_SERVER=$DNS_SERVER SVC_PREFIX=$SVC_PREFIX"
out=$("$FUMIDAI" lab check --name-prefix fdt-svc) || fail "check failed"
[[ $out == *"$SVC_NS"* ]] || fail "check does not cover $SVC_NS: $out"
status=$("$FUMIDAI" lab status --name-prefix fdt-svc) || fail "status exited non-zero: $status"
for field in '"up": true' '"services": true' '"svc_ns_present": true' '"isolated": true'; do
  [[ $status == *"$field"* ]] || fail "status lacks $field: $status"
done
[[ $status != *'"alive": false'* ]] || fail "status reports a dead process: $status"

# check fails loudly once the services namespace could reach anything else.
expect_not_isolated() {
  local err rc=0
  err=$("$FUMIDAI" lab check --name-prefix fdt-svc 2>&1) || rc=$?
  ((rc == 1)) || fail "check exited $rc with $1, expected 1"
  [[ $err == *"$2"* ]] || fail "check did not name $2: $err"
}
ip -n "$SVC_NS" route add default via 198.51.100.1
expect_not_isolated "a default route in $SVC_NS" "default route"
ip -n "$SVC_NS" route del default
ip -n "$SVC_NS" link add fdt-extra0 type veth peer name fdt-extra1
expect_not_isolated "an extra link in $SVC_NS" fdt-extra0
ip -n "$SVC_NS" link del fdt-extra0
ip netns exec "$INET_NS" nft add rule ip fumidai_svc forward accept
expect_not_isolated "a forward-everything rule" "unexpected forward rule"
handle=$(ip netns exec "$INET_NS" nft -a list chain ip fumidai_svc forward | awk '$1 == "accept" { print $NF }')
ip netns exec "$INET_NS" nft delete rule ip fumidai_svc forward handle "$handle"
"$FUMIDAI" lab check --name-prefix fdt-svc >/dev/null || fail "check still fails after the repairs"

# The ground truth: the header, the four daemons, and SERVICE_PORTS to match.
[[ $(head -1 "$SERVICES_TRUTH") == ip,port,protocol,tls,service,expected_status ]] ||
  fail "services.csv header: $(head -1 "$SERVICES_TRUTH")"
for row in 198.19.0.10,80,http,false,lighttpd,success 198.19.0.11,22,ssh,false,openssh,success \
  198.19.0.12,21,ftp,false,vsftpd,success 198.19.0.13,23,telnet,false,busybox-telnetd,success; do
  grep -qxF "$row" "$SERVICES_TRUTH" || fail "services.csv lacks $row"
done
ports=$(awk -F, 'NR > 1 { print $2 }' "$SERVICES_TRUTH" | sort -nu | paste -sd,)
[[ $SERVICE_PORTS == "$ports" ]] || fail "SERVICE_PORTS=$SERVICE_PORTS, services.csv has $ports"

# in_scan SECONDS COMMAND...: runs inside the scanner namespace only, with a deadline.
in_scan() { ip netns exec "$SCAN_NS" timeout "$@"; }

rows=0
while IFS=, read -r ip port _ _ service _; do
  # shellcheck disable=SC2016 # $1 and $2 belong to the inner bash
  in_scan "$PROBE_SECONDS" bash -c 'exec 3<>"/dev/tcp/$1/$2"' connect "$ip" "$port" 2>/dev/null ||
    fail "$ip:$port ($service) does not accept a connection"
  rows=$((rows + 1))
done < <(tail -n +2 "$SERVICES_TRUTH")
echo "$TEST_NAME: all $rows services.csv rows accept a connection from $SCAN_NS"

# Each daemon greets as itself. greeting IP PORT REQUEST READ_OPTION prints
# what IP:PORT sends after REQUEST, as far as `read READ_OPTION` (-N COUNT or
# -d DELIMITER) takes it within READ_SECONDS, minus NULs.
# shellcheck disable=SC2016 # the script belongs to the inner bash
greeting() {
  in_scan $((READ_SECONDS + 1)) env LC_ALL=C bash -c 'exec 3<>"/dev/tcp/$1/$2"; printf "%b" "$3" >&3
    IFS= read -r -t "$5" $4 -u 3 reply; printf "%s" "$reply"' greeting "$@" "$READ_SECONDS" 2>/dev/null || true
}
[[ $(greeting 198.19.0.11 22 "" "-N 8") == SSH-2.0- ]] || fail "sshd does not greet with SSH-2.0-"
[[ $(greeting 198.19.0.12 21 "" "-N 4") == "220 " ]] || fail "vsftpd does not greet with 220"
# Up to the first colon, the one of the login prompt (the telnet options
# before it hold none).
[[ $(greeting 198.19.0.13 23 "" "-d :" | tr -d '\r\0') == *"lab-router login" ]] ||
  fail "telnetd does not prompt 'lab-router login: '"
page=$(greeting 198.19.0.10 80 'GET / HTTP/1.0\r\nHost: svc\r\n\r\n' "-N 4096")
[[ $page == "HTTP/1.0 200 OK"* && $page == *"<title>lab-router admin</title>"* ]] ||
  fail "lighttpd does not serve the index: ${page:0:200}"
[[ $(greeting 198.19.0.10 80 'GET /favicon.ico HTTP/1.0\r\n\r\n' "-N 15") == "HTTP/1.0 200 OK" ]] ||
  fail "lighttpd does not serve favicon.ico"
echo "$TEST_NAME: sshd, vsftpd, telnetd and lighttpd greet as themselves"

# PTR answers from dnsmasq, by a raw UDP query: the first and last service
# addresses, the DNS server itself and the first and last live hosts.
mapfile -t queries < <(awk -F, 'NR > 1 && $2 !~ /\.dyn\.lab\.test$/ { print $1 }' "$PTR_TRUTH" | sed -n '1p;$p'
  awk -F, 'NR > 1 && $2 ~ /\.dyn\.lab\.test$/ { print $1 }' "$PTR_TRUTH" | sed -n '1p;$p')
((${#queries[@]} == 4)) || fail "ptr.csv lacks service or host rows"
answers=$(in_scan "$DNS_SECONDS" python3 - "$DNS_SERVER" "${queries[@]}" <<'EOF'
import socket
import struct
import sys


def read_name(data, offset):
    """The name at offset, and the offset just past it (past the first
    compression pointer, if any)."""
    labels, jumps, end = [], 0, None
    while True:
        length = data[offset]
        if length >= 0xC0:
            if end is None:
                end = offset + 2
            offset = ((length & 0x3F) << 8) | data[offset + 1]
            jumps += 1
            if jumps > 16:
                raise ValueError("pointer loop")
            continue
        if length == 0:
            return ".".join(labels), end if end is not None else offset + 1
        labels.append(data[offset + 1 : offset + 1 + length].decode())
        offset += 1 + length


host, port = sys.argv[1].rsplit(":", 1)
for n, ip in enumerate(sys.argv[2:]):
    qname = ".".join(reversed(ip.split("."))) + ".in-addr.arpa"
    query = struct.pack(">HHHHHH", 0x1000 + n, 0x0100, 1, 0, 0, 0)
    query += b"".join(bytes([len(label)]) + label.encode() for label in qname.split("."))
    query += b"\0" + struct.pack(">HH", 12, 1)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(2)
        s.sendto(query, (host, int(port)))
        data = s.recv(4096)
    qid, flags, _, ancount = struct.unpack(">HHHH", data[:8])
    if qid != 0x1000 + n or flags & 0xF or ancount < 1:
        print(f"{ip},rcode={flags & 0xF},answers={ancount}")
        continue
    _, offset = read_name(data, 12)
    _, offset = read_name(data, offset + 4)
    rtype = struct.unpack(">H", data[offset : offset + 2])[0]
    name, _ = read_name(data, offset + 10)
    print(f"{ip},{name}" if rtype == 12 else f"{ip},type={rtype}")
EOF
) || fail "the PTR queries to $DNS_SERVER failed"
expected=$(for ip in "${queries[@]}"; do grep -m1 "^$ip," "$PTR_TRUTH"; done)
[[ $answers == "$expected" ]] || fail "PTR answers differ from ptr.csv:
$answers
expected:
$expected"
echo "$TEST_NAME: dnsmasq answers PTR as ptr.csv says: $(paste -sd' ' <<<"$answers")"

# down removes everything up made.
pids=$(cat "$STATE_DIR"/*.pid)
"$FUMIDAI" lab down --name-prefix fdt-svc >/dev/null || fail "lab down failed"
for ns in "$SCAN_NS" "$INET_NS" "$SVC_NS"; do
  ! ip netns list | awk -v name="$ns" '$1 == name { found = 1 } END { exit !found }' || fail "$ns survived down"
done
# Gone, or a zombie with no thread left (its parent, the `up` script, is
# gone, and nothing may reap orphans in a container).
for pid in $pids; do
  state=$(awk '{ sub(/.*\) /, ""); print $1 }' "/proc/$pid/stat" 2>/dev/null) || continue
  threads=$(awk '$1 == "Threads:" { print $2 }' "/proc/$pid/status" 2>/dev/null) || continue
  [[ $state == [ZX] && ${threads:-0} -le 1 ]] || fail "process $pid (state $state, $threads threads) survived down"
done
[[ ! -e $STATE_DIR ]] || fail "$STATE_DIR survived down: $(ls "$STATE_DIR")"
echo "$TEST_NAME: PASS"
