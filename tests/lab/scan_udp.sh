#!/usr/bin/env bash
# Stage-1 UDP end to end, against the lab's services namespace: a scan of the
# services /24 with --udp-ports finds dnsmasq (.53:53) open with its
# version.bind answer, every UDP service of the ground truth (services.csv
# rows whose 7th column is udp) open unless the truth expects silence
# (io-timeout), and every other probed port of every service address closed
# through the svc kernel's ICMP port unreachable; no false positives, no
# "unreachable". The same scan probes the services' TCP ports (-p): exactly
# the TCP rows are open. A capture on the lab side shows every UDP probe
# arrived and none went to a blocklisted address; every record validates
# against the stage-1 record schema.
# Usage: scan_udp.sh /path/to/fumidai   (needs root; exits 77 to skip)
set -euo pipefail
FUMIDAI=${1:?usage: scan_udp.sh /path/to/fumidai}
TEST_NAME=scan_udp
source "$(dirname "$0")/lablib.sh"
SOURCE_DIR=$(cd "$(dirname "$0")/../.." && pwd)
SCHEMA=$SOURCE_DIR/scanner/data/scan-record.v1.schema.json

lab_start fdt-udp --prefix 198.18.0.0/24 --seed 9
[[ $SERVICES == yes ]] || fail "the lab came up without services"
# No way out: lab_start had `lab check` prove the scanner namespace's only
# links lead into the lab; beyond that, the scanner's one route out (its
# default) ends in the inet namespace, and neither it nor the services
# namespace has a default route of its own.
[[ $(ip -n "$SCAN_NS" -4 route show default) == "default via $GATEWAY_IP dev $SCAN_IF"* ]] ||
  fail "unexpected default route in $SCAN_NS: $(ip -n "$SCAN_NS" -4 route show default)"
for ns in "$INET_NS" "$SVC_NS"; do
  [[ -z $(ip -n "$ns" -4 route show default) ]] || fail "$ns has a default route"
done

SVC_NET=${SVC_PREFIX%.0/24}
DNS_IP=${DNS_SERVER%:*}
# DNS, SSDP, two ports nothing listens on, and every UDP port of the truth.
UDP_PORTS=$({
  printf '%s\n' 53 123 161 1900
  awk -F, 'NR > 1 && $7 == "udp" { print $2 }' "$SERVICES_TRUTH"
} | sort -nu | paste -sd,)
printf '# test blocklist\n%s.12\n%s.80-%s.83\n' "$SVC_NET" "$SVC_NET" "$SVC_NET" >"$WORK/blocklist"
ip netns exec "$SCAN_NS" "$FUMIDAI" scan --list-udp-payloads >"$WORK/payloads" || fail "--list-udp-payloads failed"

ip netns exec "$INET_NS" tcpdump -i "$INET_IF" -n -s 96 -B 16384 -U -w "$WORK/udp.pcap" \
  "udp and src host $SCANNER_IP and dst net $SVC_PREFIX" 2>"$WORK/udp.pcap.log" &
CAPTURE_PIDS+=($!)
for _ in $(seq 100); do grep -q "listening on" "$WORK/udp.pcap.log" 2>/dev/null && break; sleep 0.05; done
grep -q "listening on" "$WORK/udp.pcap.log" || fail "tcpdump did not start: $(cat "$WORK/udp.pcap.log")"
scan --udp-ports "$UDP_PORTS" -p "${SERVICE_PORTS//\\/}" -r 20000 -c 2 --report-closed -b "$WORK/blocklist" -o "$WORK/out.jsonl" \
  -m "$WORK/meta.json" "$SVC_PREFIX" 2>"$WORK/stderr" || fail "scan exited $?: $(tail -3 "$WORK/stderr")"
capture_stop
capture_targets "$WORK/udp.pcap" >"$WORK/captured"

python3 - "$WORK/out.jsonl" "$WORK/meta.json" "$SERVICES_TRUTH" "$WORK/payloads" "$WORK/captured" "$SCHEMA" \
  "$DNS_IP" "$SVC_NET" "$UDP_PORTS" "${SERVICE_PORTS//\\/}" <<'PY' || fail "results differ from the ground truth (above)"
import csv, json, sys
import jsonschema

out, meta, truth_csv, payloads, captured, schema_path, dns_ip, net, ports, tcp_ports = sys.argv[1:]
ports = [int(p) for p in ports.split(",")]
tcp_ports = {int(p) for p in tcp_ports.split(",")}
blocked = {f"{net}.12"} | {f"{net}.{h}" for h in range(80, 84)}
problems = []

# Ports whose probe carries a protocol payload; a daemon on any other port
# may ignore the empty datagram it gets.
with_payload = {int(l.split("\t")[0]) for l in open(payloads) if l.split("\t")[0].isdigit()
                and l.split("\t")[1] != "empty"}
rows = list(csv.reader(open(truth_csv)))[1:]
addresses = ({r[0] for r in rows} | {dns_ip}) - blocked
expect_open, maybe_open, silent = {(dns_ip, 53)}, set(), set()
for r in rows:
    if len(r) < 7 or r[6] != "udp" or r[0] in blocked:
        continue
    target = (r[0], int(r[1]))
    if r[5] == "io-timeout":
        silent.add(target)
    elif int(r[1]) in with_payload:
        expect_open.add(target)
    else:
        maybe_open.add(target)
expect_closed = {(a, p) for a in addresses for p in ports} - expect_open - maybe_open - silent
expect_tcp_open = {(r[0], int(r[1])) for r in rows
                   if (len(r) < 7 or r[6] == "tcp") and r[0] not in blocked and int(r[1]) in tcp_ports}

validator = jsonschema.Draft7Validator(json.load(open(schema_path)),
                                       format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
records = [json.loads(l) for l in open(out)]
found = {"open": set(), "closed": set(), "unreachable": set()}
tcp_open = set()
for r in records:
    for e in validator.iter_errors(r):
        problems.append(f"{r.get('ip')}:{r.get('port')}: schema: {e.message}")
    key = (r["ip"], r["port"])
    if r.get("transport") == "tcp":
        if r["status"] == "open":
            tcp_open.add(key)
        continue
    if key in found[r["status"]]:
        problems.append(f"{key} reported twice")
    found[r["status"]].add(key)
    if key == (dns_ip, 53):
        if r.get("protocol") != "dns" or not r.get("data", {}).get("version", "").startswith("dnsmasq-"):
            problems.append(f"dnsmasq's record has no DNS description: {r}")

def compare(name, expected, got, allowed=frozenset()):
    for t in sorted(expected - got):
        problems.append(f"{name}: missed {t[0]}:{t[1]}")
    for t in sorted(got - expected - allowed):
        problems.append(f"{name}: false {t[0]}:{t[1]}")

compare("open", expect_open, found["open"], maybe_open)
compare("closed", expect_closed, found["closed"])
compare("unreachable", set(), found["unreachable"])
compare("tcp open", expect_tcp_open, tcp_open)
for t in sorted(maybe_open - found["open"]):
    print(f"note: {t[0]}:{t[1]} has no protocol payload and stayed silent")

# The capture: every probe to a non-blocklisted address arrived once; none to blocklisted ones.
probes = [l.strip() for l in open(captured) if l.strip()]
to_blocked = [p for p in probes if p.rsplit(":", 1)[0] in blocked]
if to_blocked:
    problems.append(f"{len(to_blocked)} probes went to blocklisted addresses, e.g. {to_blocked[0]}")
expected_probes = (256 - len(blocked)) * len(ports)
if len(probes) != expected_probes:
    problems.append(f"captured {len(probes)} probes, expected {expected_probes}")

summary = json.load(open(meta))
for key, want in (("udp_hits", len(found["open"])), ("completed", True), ("invalid", 0),
                  ("udp_ports", ports), ("blocklisted", len(blocked))):
    if summary.get(key) != want:
        problems.append(f"summary {key} = {summary.get(key)}, expected {want}")

print(f"tcp open {len(tcp_open)}/{len(expect_tcp_open)};"
      f" udp open {len(found['open'])}/{len(expect_open)} (+{len(found['open'] & maybe_open)} payload-less),"
      f" closed {len(found['closed'])}/{len(expect_closed)}, silent as expected {len(silent)},"
      f" probes {len(probes)}, to blocklisted {len(to_blocked)}")
for p in problems:
    print("  " + p)
sys.exit(1 if problems else 0)
PY
echo "$TEST_NAME: PASS"
