#!/usr/bin/env bash
# Lab services: `fumidai lab up` (services on, the default) adds NAME-svc with
# real daemons and the device emulator. `check` covers the third namespace
# and fails when it gains a way out; from inside the scanner namespace every
# TCP row of services.csv accepts a connection, the daemons greet as
# themselves, the proxy, SOCKS, VPN and UPnP daemons answer their protocol's
# first message (and the tls-auth OpenVPN stays silent), nothing else
# answers on their UDP ports, and dnsmasq answers PTR queries as ptr.csv
# says. `down` leaves no namespace, no process and no state dir.
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
for key in SVC_NS SVC_PREFIX SERVICES_TRUTH PTR_TRUTH DNS_SERVER SERVICE_PORTS SERVICE_UDP_PORTS; do
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
# OpenVPN's tun devices are the only other links: down, without addresses.
tuns=$(ip -n "$SVC_NS" -o link show type tun |
  awk '{ sub(/:$/, "", $2); print $2, ($3 ~ /[<,]UP[,>]/ ? "up" : "down") }' | sort | paste -sd' ')
[[ $tuns == "fd-vpn0 down fd-vpn1 down fd-vpn2 down fd-vpn3 down" ]] || fail "tun devices in $SVC_NS: $tuns"
[[ -z $(ip -n "$SVC_NS" -o addr show type tun) ]] || fail "a tun device in $SVC_NS has an address"
ip netns exec "$INET_NS" nft add rule ip fumidai_svc forward accept
expect_not_isolated "a forward-everything rule" "unexpected forward rule"
handle=$(ip netns exec "$INET_NS" nft -a list chain ip fumidai_svc forward | awk '$1 == "accept" { print $NF }')
ip netns exec "$INET_NS" nft delete rule ip fumidai_svc forward handle "$handle"
"$FUMIDAI" lab check --name-prefix fdt-svc >/dev/null || fail "check still fails after the repairs"

# The ground truth: the header, the daemons' rows, and SERVICE_PORTS and
# SERVICE_UDP_PORTS to match.
[[ $(head -1 "$SERVICES_TRUTH") == ip,port,protocol,tls,service,expected_status,transport ]] ||
  fail "services.csv header: $(head -1 "$SERVICES_TRUTH")"
for row in 198.19.0.10,80,http,false,lighttpd,success,tcp 198.19.0.11,22,ssh,false,openssh,success,tcp \
  198.19.0.12,21,ftp,false,vsftpd,success,tcp 198.19.0.13,23,telnet,false,busybox-telnetd,success,tcp \
  198.19.0.40,8888,http-proxy,false,tinyproxy,success,tcp 198.19.0.41,3128,http-proxy,false,tinyproxy-auth,success,tcp \
  198.19.0.42,1080,socks5,false,dante,success,tcp 198.19.0.43,1080,socks5,false,dante-auth,success,tcp \
  198.19.0.44,1194,openvpn,false,openvpn,success,udp 198.19.0.44,1194,openvpn,false,openvpn,success,tcp \
  198.19.0.45,443,openvpn,false,openvpn-tcp443,success,tcp \
  198.19.0.45,1194,openvpn,false,openvpn-tls-auth,io-timeout,udp 198.19.0.46,1723,pptp,false,pptpd,success,tcp \
  198.19.0.47,500,ike,false,strongswan,success,udp 198.19.0.47,4500,ike,false,strongswan,success,udp \
  198.19.0.48,1701,l2tp,false,xl2tpd,success,udp 198.19.0.49,443,sslvpn,true,ocserv,success,tcp \
  198.19.0.50,1900,upnp,false,miniupnpd,success,udp 198.19.0.50,5000,http,false,miniupnpd,success,tcp \
  198.19.0.60,80,http,false,fumidai-canary,success,tcp; do
  grep -qxF "$row" "$SERVICES_TRUTH" || fail "services.csv lacks $row"
done
[[ $CANARY == 198.19.0.60:80 && -s $CANARY_KEY ]] || fail "lab.env: CANARY=$CANARY CANARY_KEY=$CANARY_KEY"
for transport in tcp udp; do
  ports=$(awk -F, -v t="$transport" 'NR > 1 && $7 == t { print $2 }' "$SERVICES_TRUTH" | sort -nu | paste -sd,)
  listed=$SERVICE_PORTS
  [[ $transport == tcp ]] || listed=$SERVICE_UDP_PORTS
  [[ $listed == "$ports" ]] || fail "lab.env lists $transport ports $listed, services.csv has $ports"
done

# in_scan SECONDS COMMAND...: runs inside the scanner namespace only, with a deadline.
in_scan() { ip netns exec "$SCAN_NS" timeout "$@"; }

rows=0
while IFS=, read -r ip port _ _ service _ transport; do
  [[ $transport == tcp ]] || continue
  # shellcheck disable=SC2016 # $1 and $2 belong to the inner bash
  in_scan "$PROBE_SECONDS" bash -c 'exec 3<>"/dev/tcp/$1/$2"' connect "$ip" "$port" 2>/dev/null ||
    fail "$ip:$port ($service) does not accept a connection"
  rows=$((rows + 1))
done < <(tail -n +2 "$SERVICES_TRUTH")
echo "$TEST_NAME: all $rows TCP rows of services.csv accept a connection from $SCAN_NS"

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

# The proxy, SOCKS, VPN and UPnP daemons answer their protocol's first
# message, each from its own address only: minimal clients, one line each
# (name: what came back), only to lab addresses (the proxies fetch
# lighttpd's page). An answer is waited for READ_SECONDS; silence is judged
# after SILENT_SECONDS.
readonly SILENT_SECONDS=2
answers=$(in_scan 60 python3 - "$READ_SECONDS" "$SILENT_SECONDS" <<'EOF'
import os, socket, ssl, struct, sys

READ, SILENT = float(sys.argv[1]), float(sys.argv[2])
WEB = "198.19.0.10"


def tcp(ip, port, payload, want=4096):
    with socket.create_connection((ip, port), READ) as s:
        s.settimeout(READ)
        s.sendall(payload)
        return s.recv(want)


def udp(ip, port, payload, wait=READ):
    """The first datagram back, "silent" or "refused" (ICMP port unreachable)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(wait)
        s.connect((ip, port))
        s.send(payload)
        try:
            return s.recv(4096)
        except socket.timeout:
            return "silent"
        except ConnectionRefusedError:
            return "refused"


def status_line(reply):
    return reply.split(b"\r\n", 1)[0].split(b" ")[1].decode()


def http_proxy(ip, port):
    return status_line(tcp(ip, port, f"GET http://{WEB}/ HTTP/1.0\r\nHost: {WEB}\r\n\r\n".encode(), 64))


def socks5(ip):
    """The method chosen among no-auth and username, and for no-auth the
    CONNECT reply for lighttpd."""
    with socket.create_connection((ip, 1080), READ) as s:
        s.settimeout(READ)
        s.sendall(b"\x05\x02\x00\x02")
        method = s.recv(2)
        if method != b"\x05\x00":
            return method.hex()
        s.sendall(b"\x05\x01\x00\x01" + socket.inet_aton(WEB) + struct.pack(">H", 80))
        return method.hex() + " connect " + s.recv(10)[:2].hex()


# P_CONTROL_HARD_RESET_CLIENT_V2, key id 0: session id, empty ack array, packet id 0.
OPENVPN_RESET = bytes([7 << 3]) + os.urandom(8) + b"\x00" + struct.pack(">I", 0)


def openvpn_opcode(reply):
    return reply if isinstance(reply, str) else f"opcode {reply[0] >> 3}"


def openvpn_tcp(ip, port):
    reply = tcp(ip, port, struct.pack(">H", len(OPENVPN_RESET)) + OPENVPN_RESET)
    return openvpn_opcode(reply[2:])


def pptp():
    """Start-Control-Connection-Request; the reply's control message type."""
    sccrq = struct.pack(">HHIHH", 156, 1, 0x1A2B3C4D, 1, 0) + struct.pack(">HHIIHH", 0x0100, 0, 1, 1, 1, 0)
    reply = tcp("198.19.0.46", 1723, sccrq + b"lab-scanner".ljust(64, b"\0") + b"fumidai".ljust(64, b"\0"), 156)
    return f"control type {struct.unpack('>H', reply[8:10])[0]}"


IKE_SPI = os.urandom(8)


def ike_sa_init():
    """IKEv2 IKE_SA_INIT: AES-CBC-128, SHA2-256, MODP-2048, a KE of 2, a nonce."""
    def transform(more, kind, ident, attributes=b""):
        return struct.pack(">BBHBBH", 3 if more else 0, 0, 8 + len(attributes), kind, 0, ident) + attributes
    transforms = (transform(True, 1, 12, struct.pack(">HH", 0x800E, 128)) + transform(True, 2, 5)
                  + transform(True, 3, 12) + transform(False, 4, 14))
    proposal = struct.pack(">BBHBBBB", 0, 0, 8 + len(transforms), 1, 1, 0, 4) + transforms
    # SA, then KE (34), then Nonce (40), each naming the next.
    body = (struct.pack(">BBH", 34, 0, 4 + len(proposal)) + proposal
            + struct.pack(">BBHHH", 40, 0, 8 + 256, 14, 0) + bytes(255) + b"\x02"
            + struct.pack(">BBH", 0, 0, 36) + os.urandom(32))
    return IKE_SPI + bytes(8) + struct.pack(">BBBBII", 33, 0x20, 34, 0x08, 0, 28 + len(body)) + body


def ike(reply):
    """Whose SPI, which exchange, and the first payload (33: SA, the full answer)."""
    if isinstance(reply, str):
        return reply
    return (f"{'our spi' if reply[:8] == IKE_SPI else 'other spi'} exchange {reply[18]}"
            f" response {bool(reply[19] & 0x20)} first payload {reply[16]}")


ISAKMP_COOKIE = os.urandom(8)


def ike_v1_main_mode():
    """IKEv1 Main Mode, one proposal: AES-CBC-128, SHA1, PSK, MODP-2048, 8 h."""
    attributes = b"".join(struct.pack(">HH", 0x8000 | kind, value)
                          for kind, value in [(1, 7), (14, 128), (2, 2), (3, 1), (4, 14), (11, 1), (12, 28800)])
    transform = struct.pack(">BBHBBH", 0, 0, 8 + len(attributes), 1, 1, 0) + attributes
    proposal = struct.pack(">BBHBBBB", 0, 0, 8 + len(transform), 1, 1, 0, 1) + transform
    sa = struct.pack(">BBHII", 0, 0, 12 + len(proposal), 1, 1) + proposal
    return ISAKMP_COOKIE + bytes(8) + struct.pack(">BBBBII", 1, 0x10, 2, 0, 0, 28 + len(sa)) + sa


def ike_v1(reply):
    """Whose cookie, which exchange, and the first payload (1: SA)."""
    if isinstance(reply, str):
        return reply
    return (f"{'our cookie' if reply[:8] == ISAKMP_COOKIE else 'other cookie'} exchange {reply[18]}"
            f" first payload {reply[16]}")


# A fresh tunnel id per run: xl2tpd takes an SCCRQ from a peer and tunnel id
# it already knows for a retransmission, and only acknowledges it.
L2TP_TUNNEL = struct.unpack(">H", os.urandom(2))[0] | 1


def l2tp(ip):
    """SCCRQ (control, length and sequence bits, tunnel 0); to which tunnel the
    reply goes, and its message type."""
    def avp(kind, value):
        return struct.pack(">HHH", 0x8000 | (6 + len(value)), 0, kind) + value
    avps = (avp(0, struct.pack(">H", 1)) + avp(2, struct.pack(">H", 0x0100)) + avp(3, struct.pack(">I", 3))
            + avp(7, b"lab-scanner") + avp(9, struct.pack(">H", L2TP_TUNNEL)) + avp(10, struct.pack(">H", 4)))
    reply = udp(ip, 1701, struct.pack(">HHHHHH", 0xC802, 12 + len(avps), 0, 0, 0, 0) + avps)
    if isinstance(reply, str):
        return reply
    tunnel = "ours" if struct.unpack(">H", reply[4:6])[0] == L2TP_TUNNEL else "other"
    return f"tunnel {tunnel} message type {struct.unpack('>H', reply[18:20])[0]}"


def sslvpn():
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with socket.create_connection(("198.19.0.49", 443), READ) as raw, context.wrap_socket(raw) as s:
        s.settimeout(READ)
        s.sendall(b"GET / HTTP/1.1\r\nHost: 198.19.0.49\r\n\r\n")
        reply = s.recv(4096)
        login_form = b'type="auth-request"' in reply
        return f"{status_line(reply)} auth-request {login_form}"


M_SEARCH = (b"M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nMX: 1\r\n"
            b"ST: upnp:rootdevice\r\n\r\n")


def ssdp(ip):
    reply = udp(ip, 1900, M_SEARCH)
    if isinstance(reply, str):
        return reply
    headers = dict(line.split(":", 1) for line in reply.decode().split("\r\n")[1:] if ":" in line)
    return "LOCATION " + headers.get("LOCATION", headers.get("Location", "none")).strip()


def upnp_description():
    reply = tcp("198.19.0.50", 5000, b"GET /rootDesc.xml HTTP/1.0\r\nHost: 198.19.0.50:5000\r\n\r\n", 65536)
    return f"{status_line(reply)} igd {b'InternetGatewayDevice' in reply}"


def refused(ip, port):
    try:
        tcp(ip, port, b"")
        return "accepted"
    except ConnectionRefusedError:
        return "refused"


checks = [
    ("tinyproxy", lambda: http_proxy("198.19.0.40", 8888), "200"),
    ("tinyproxy-auth", lambda: http_proxy("198.19.0.41", 3128), "407"),
    ("dante", lambda: socks5("198.19.0.42"), "0500 connect 0500"),
    ("dante-auth", lambda: socks5("198.19.0.43"), "0502"),
    ("openvpn-udp", lambda: openvpn_opcode(udp("198.19.0.44", 1194, OPENVPN_RESET)), "opcode 8"),
    ("openvpn-tcp", lambda: openvpn_tcp("198.19.0.44", 1194), "opcode 8"),
    ("openvpn-tcp443", lambda: openvpn_tcp("198.19.0.45", 443), "opcode 8"),
    ("openvpn-tls-auth", lambda: openvpn_opcode(udp("198.19.0.45", 1194, OPENVPN_RESET, SILENT)), "silent"),
    ("pptpd", pptp, "control type 2"),
    ("strongswan-500", lambda: ike(udp("198.19.0.47", 500, ike_sa_init())),
     "our spi exchange 34 response True first payload 33"),
    # On 4500 IKE comes after a four-byte non-ESP marker.
    ("strongswan-4500", lambda: ike(udp("198.19.0.47", 4500, bytes(4) + ike_sa_init())[4:]),
     "our spi exchange 34 response True first payload 33"),
    ("strongswan-ikev1", lambda: ike_v1(udp("198.19.0.47", 500, ike_v1_main_mode())),
     "our cookie exchange 2 first payload 1"),
    ("xl2tpd", lambda: l2tp("198.19.0.48"), "tunnel ours message type 2"),
    ("ocserv", sslvpn, "200 auth-request True"),
    ("miniupnpd-ssdp", lambda: ssdp("198.19.0.50"), "LOCATION http://198.19.0.50:5000/rootDesc.xml"),
    ("miniupnpd-http", upnp_description, "200 igd True"),
    # The daemons that bind every address answer on none but their own.
    (f"{WEB} udp 500", lambda: ike(udp(WEB, 500, ike_sa_init(), SILENT)), "refused"),
    (f"{WEB} udp 4500", lambda: ike(udp(WEB, 4500, bytes(4) + ike_sa_init(), SILENT)), "refused"),
    (f"{WEB} udp 1194", lambda: openvpn_opcode(udp(WEB, 1194, OPENVPN_RESET, SILENT)), "refused"),
    (f"{WEB} udp 1701", lambda: l2tp(WEB), "refused"),
    (f"{WEB} udp 1900", lambda: ssdp(WEB), "refused"),
    (f"{WEB} tcp 5000", lambda: refused(WEB, 5000), "refused"),
]
failed = 0
for name, check, expected in checks:
    try:
        got = check()
    except (OSError, ValueError, IndexError, struct.error) as e:
        got = f"{type(e).__name__}: {e}"
    print(f"{name}: {got}" + ("" if got == expected else f" (expected {expected})"))
    failed += got != expected
sys.exit(1 if failed else 0)
EOF
) || fail "the daemons do not answer as expected:
$answers"
echo "$TEST_NAME: $(wc -l <<<"$answers") protocol answers as expected:"
printf '  %s\n' "${answers//$'\n'/$'\n  '}"

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
# down warns if a process (a daemon's child, say) outlived its stop.
err=$("$FUMIDAI" lab down --name-prefix fdt-svc 2>&1 >/dev/null) || fail "lab down failed: $err"
[[ -z $err ]] || fail "lab down: $err"
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
