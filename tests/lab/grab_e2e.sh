#!/usr/bin/env bash
# Stage 2 end to end, against the lab's real services (web, SSH, FTP and
# Telnet servers, HTTP and SOCKS proxies, OpenVPN, pptpd, strongSwan, xl2tpd,
# ocserv, miniupnpd, the router emulator's personas and its hostile peers)
# and its dnsmasq:
#  1. `fumidai scan --grab` over TCP and UDP ports of the services /24 and
#     one /24 of the sampled prefix gives exactly one record per open
#     ground-truth port; for the services (every row of services.csv but a
#     silent UDP one, which stage 1 cannot see), with the protocol and status
#     the ground truth expects, the fields each daemon and persona is known
#     to send (PPTP and L2TP host and vendor names, IKE versions, UPnP models,
#     CWMP realms, SSL VPN products, proxy verdicts) and the PTR name dnsmasq
#     holds.
#  2. `fumidai grab` fed stage 1's JSONL on stdin gives the same records.
#  3. Every record validates against the v1 JSON Schema.
#  4. The fingerprint stage names every daemon and persona: each service's
#     record carries the rule ids and labels lab/expected-fingerprints.csv
#     gives it, and no service but a hostile peer is left out of that file.
# Usage: grab_e2e.sh /path/to/fumidai   (needs root; exits 77 to skip)
set -euo pipefail
FUMIDAI=${1:?usage: grab_e2e.sh /path/to/fumidai}
TEST_NAME=grab_e2e
source "$(dirname "$0")/lablib.sh"
SOURCE_DIR=$(cd "$(dirname "$0")/../.." && pwd)
SCHEMA=$SOURCE_DIR/scanner/data/service-record.v1.schema.json

lab_start fdt-grab --prefix 198.18.0.0/20 --seed 5
[[ $SERVICES == yes ]] || fail "the lab came up without services"
SAMPLED=198.18.3.0/24
# Short timeouts keep the hostile peers (slowloris, silent) quick; the
# expected statuses in services.csv hold for them as for the defaults.
GRAB_FLAGS=(--resolvers "$DNS_SERVER" --read-timeout 3 --timeout 8 -q)
PORT_LIST=$PORTS,${SERVICE_PORTS//\\/}
UDP_PORT_LIST=${SERVICE_UDP_PORTS//\\/}

scan --grab -p "$PORT_LIST" --udp-ports "$UDP_PORT_LIST" -r 20000 -c 1 -b "$SOURCE_DIR/lab/lab-blocklist.conf" "${GRAB_FLAGS[@]}" \
  -o "$WORK/grab.jsonl" "$SVC_PREFIX" "$SAMPLED" 2>"$WORK/grab.stderr" ||
  fail "scan --grab exited $?: $(tail -3 "$WORK/grab.stderr")"

scan -p "$PORT_LIST" --udp-ports "$UDP_PORT_LIST" -r 20000 -c 1 -b "$SOURCE_DIR/lab/lab-blocklist.conf" -q -o "$WORK/stage1.jsonl" \
  "$SVC_PREFIX" "$SAMPLED" 2>"$WORK/stage1.stderr" || fail "scan exited $?: $(tail -3 "$WORK/stage1.stderr")"
ip netns exec "$SCAN_NS" "$FUMIDAI" grab -b "$SOURCE_DIR/lab/lab-blocklist.conf" "${GRAB_FLAGS[@]}" \
  -o "$WORK/grab-stdin.jsonl" <"$WORK/stage1.jsonl" 2>"$WORK/grab-stdin.stderr" ||
  fail "grab exited $?: $(tail -3 "$WORK/grab-stdin.stderr")"

python3 - "$WORK/grab.jsonl" "$WORK/grab-stdin.jsonl" "$SERVICES_TRUTH" "$PTR_TRUTH" "$GROUND_TRUTH" \
  "$SAMPLED" "$SCHEMA" "$SOURCE_DIR/lab/expected-fingerprints.csv" <<'PY' || fail "records differ from the ground truth (above)"
import csv, ipaddress, json, sys
import jsonschema

grab, grab_stdin, services_csv, ptr_csv, truth_csv, sampled, schema_path, names_csv = sys.argv[1:]
NAMES = {(r["service"], r["protocol"]): (set(r["fingerprints"].split()), set(r["labels"].split()))
         for r in csv.DictReader(open(names_csv))}
validator = jsonschema.Draft7Validator(json.load(open(schema_path)),
                                       format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
ptr = {row["ip"]: row["name"] for row in csv.DictReader(open(ptr_csv))}
# A UDP service that stays silent (OpenVPN with tls-auth) is invisible to
# stage 1, so it never reaches stage 2.
services = {(r["ip"], int(r["port"]), r["transport"]): r for r in csv.DictReader(open(services_csv))
            if r["transport"] == "tcp" or r["expected_status"] != "io-timeout"}
sampled_net = ipaddress.ip_network(sampled)
sampled_open = {(ip, int(port), "tcp") for ip, port, state in (l.strip().split(",") for l in list(open(truth_csv))[1:])
                if state == "open" and ipaddress.ip_address(ip) in sampled_net}
expected = set(services) | sampled_open
problems = []
# What the probes must have parsed from each real daemon and persona, by
# (service, protocol): "a.b" names data["a"]["b"].
FIELDS = {
    ("pptpd", "pptp"): {"host_name": "local", "vendor": "linux"},
    ("yamaha-rtx1210-pptp", "pptp"): {"host_name": "RTX1210", "vendor": "YAMAHA Corporation"},
    ("mikrotik-routeros-pptp", "pptp"): {"host_name": "MikroTik", "vendor": "MikroTik"},
    ("xl2tpd", "l2tp"): {"message": "SCCRP", "host_name": "lab-lns", "vendor": "xelerance.com"},
    ("mikrotik-routeros-l2tp", "l2tp"): {"vendor": "MikroTik"},
    ("openvpn", "openvpn"): {"message": "P_CONTROL_HARD_RESET_SERVER_V2"},
    ("openvpn-tcp443", "openvpn"): {"message": "P_CONTROL_HARD_RESET_SERVER_V2"},
    ("strongswan", "ike"): {"versions": ["ikev2", "ikev1"], "ikev2.exchange": "IKE_SA_INIT"},
    ("miniupnpd", "upnp"): {"description.model_name": "lab-router IGD", "description.fetched": True},
    ("asus-rt-ac68u-ssdp", "upnp"): {"description.manufacturer": "ASUSTeK Computer Inc.",
                                     "description.model_name": "RT-AC68U"},
    ("avm-fritzbox-7590-ssdp", "upnp"): {"description.manufacturer": "AVM Berlin"},
    ("huawei-hg8245h-cwmp", "cwmp"): {"cwmp.realm": "HuaweiHomeGateway"},
    ("ocserv", "sslvpn"): {"sslvpn.product": "OpenConnect server (ocserv)"},
    ("paloalto-globalprotect", "sslvpn"): {"sslvpn.product": "Palo Alto GlobalProtect"},
    ("fortigate-sslvpn", "sslvpn"): {"sslvpn.product": "Fortinet FortiGate SSL VPN"},
    ("mikrotik-routeros-sstp", "sstp"): {"sstp.answered": True},
    ("tinyproxy", "http-proxy"): {"verdict": "unproven"},  # no --canary here: see proxy_canary
    ("tinyproxy-auth", "http-proxy"): {"verdict": "auth-required"},
    ("dante", "socks5"): {"verdict": "open"},
    ("dante-auth", "socks5"): {"verdict": "auth-required"},
}

def field(data, path):
    for key in path.split("."):
        data = data.get(key) if isinstance(data, dict) else None
    return data

def check(path):
    records = [json.loads(line) for line in open(path)]
    for r in records:
        for e in validator.iter_errors(r):
            problems.append(f"{path}: {r.get('ip')}:{r.get('port')}: schema: {e.message}")
    keys = [(r["ip"], r["port"], r["transport"]) for r in records]
    if len(keys) != len(set(keys)):
        problems.append(f"{path}: duplicate records")
    if set(keys) != expected:
        problems.append(f"{path}: missing {sorted(expected - set(keys))[:5]}, extra {sorted(set(keys) - expected)[:5]}")
    by_key = dict(zip(keys, records))
    for key, want in services.items():
        r = by_key.get(key)
        if r is None:
            continue
        got = (r["protocol"], r["status"], r["ptr"])
        exp = (want["protocol"], want["expected_status"], ptr.get(key[0]))
        if got != exp:
            problems.append(f"{path}: {want['service']} {key}: got {got}, expected {exp}: {r.get('error', '')}")
        for name, value in FIELDS.get((want["service"], want["protocol"]), {}).items():
            if field(r["data"], name) != value:
                problems.append(f"{path}: {want['service']} {key}: data.{name} is {field(r['data'], name)!r}, "
                                f"expected {value!r}")
        fp_want, labels_want = NAMES.get((want["service"], want["protocol"]), (None, set()))
        if fp_want is None and not want["service"].startswith("hostile-"):
            problems.append(f"{path}: {want['service']} ({want['protocol']}) has no row in expected-fingerprints.csv")
        fp_got = {f["id"] for f in r["fingerprints"] if f.get("source") == "fumidai"}
        labels_got = {l["id"] for l in r["labels"]}
        if not (fp_want or set()) <= fp_got or not labels_want <= labels_got:
            problems.append(f"{path}: {want['service']} {key}: fingerprints {sorted(fp_got)} labels {sorted(labels_got)}, "
                            f"expected at least {sorted(fp_want or ())} and {sorted(labels_want)}")
        if want["tls"] == "true" and want["expected_status"] == "success" and "certificate" not in r["data"].get("tls", {}):
            problems.append(f"{path}: {want['service']}: no certificate recorded")
    return records

a = check(grab)
b = check(grab_stdin)
status = lambda rs: sorted(((r["ip"], r["port"], r["transport"]), r["status"], r["protocol"]) for r in rs)
if status(a) != status(b):
    problems.append("scan --grab and grab from stdin disagree")
print(f"grab_e2e: {len(a)} records ({len(services)} services, "
      f"{sum(k[2] == 'udp' for k in services)} of them UDP, {len(sampled_open)} sampled open ports), "
      f"{sum(r['status'] == 'success' for r in a)} success, {sum(r['ptr'] is not None for r in a)} with PTR, "
      f"{sum(bool(r['fingerprints']) for r in a)} fingerprinted, {sum(bool(r['labels']) for r in a)} labelled")
for p in problems:
    print("  " + p)
sys.exit(1 if problems else 0)
PY
echo "$TEST_NAME: PASS"
