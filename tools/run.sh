#!/usr/bin/env bash
# The main job on the embedded default: install packages, build, bring up the
# lab (a closed network of namespaces answering for 198.18.0.0/16, plus real
# services on 198.19.0.0/24), SYN-scan it, then scan --grab the services
# from the lab's scanner namespace, and print what was found.
# Usage (root): tools/run.sh     Environment: FUMIDAI_KEEP_LAB=1 leaves the lab up.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
tools/build.sh build
fumidai=$PWD/build/fumidai
lab=fumidai

"$fumidai" lab down --name-prefix "$lab" >/dev/null
"$fumidai" lab up --name-prefix "$lab"
[[ ${FUMIDAI_KEEP_LAB:-0} == 1 ]] || trap '"$fumidai" lab down --name-prefix "$lab" >/dev/null' EXIT
# shellcheck source=/dev/null
source "/run/fumidai-lab/$lab/lab.env"
# Nothing is sent unless the scanner namespace provably reaches only the lab.
"$fumidai" lab check --name-prefix "$lab"

mkdir -p state
out=state/scan.jsonl
echo "== fumidai scan ${PREFIX} -p ${PORTS//\\/} (inside $SCAN_NS)"
# The lab lives in 198.18.0.0/15, which the built-in blocklist holds, so the
# lab scan uses the same IANA list minus that range (lab/lab-blocklist.conf).
ip netns exec "$SCAN_NS" "$fumidai" scan -p "${PORTS//\\/}" -r 100000 -c 2 -b lab/lab-blocklist.conf \
  -o "$out" -m state/scan-summary.json "$PREFIX"
echo "== first results ($(wc -l <"$out") open ports in $out)"
head -n 5 "$out"
found=$(sed -E 's/.*"ip":"([^"]+)","port":([0-9]+).*/\1:\2/' "$out" | sort -u)
truth=$(awk -F, '$3 == "open" { print $1 ":" $2 }' "$GROUND_TRUTH" | sort)
echo "== against the lab's ground truth: $(comm -12 <(echo "$truth") <(echo "$found") | wc -l) of $(wc -l <<<"$truth") open ports found," \
  "$(comm -13 <(echo "$truth") <(echo "$found") | wc -l) false positives"

# Stage 2: scan the lab's services /24 and grab every open port in the same
# process (scan --grab), with PTR names from the lab's dnsmasq.
grabbed=state/grab.jsonl
echo "== fumidai scan --grab ${SVC_PREFIX} -p ${SERVICE_PORTS//\\/} --udp-ports ${SERVICE_UDP_PORTS//\\/} (inside $SCAN_NS)"
ip netns exec "$SCAN_NS" "$fumidai" scan --grab -p "${SERVICE_PORTS//\\/}" --udp-ports "${SERVICE_UDP_PORTS//\\/}" \
  -r 10000 -c 1 -b lab/lab-blocklist.conf \
  --resolvers "$DNS_SERVER" --read-timeout 3 --timeout 8 -q -o "$grabbed" "$SVC_PREFIX"
echo "== service records ($(wc -l <"$grabbed") in $grabbed), one line each:"
python3 - "$grabbed" "$SERVICES_TRUTH" <<'PY'
import csv, json, sys
truth = {(r["ip"], int(r["port"]), r["transport"]): r for r in csv.DictReader(open(sys.argv[2]))
         if r["transport"] == "tcp" or r["expected_status"] != "io-timeout"}  # silent UDP: invisible to stage 1
agree = 0
for line in open(sys.argv[1]):
    r = json.loads(line)
    d = r["data"]
    what = d.get("title") or d.get("www_authenticate_realm") or d.get("banner") or d.get("server") or r.get("error", "")
    cert = d.get("tls", {}).get("certificate", {}).get("subject", "")
    def name(f):
        vendor, product = f.get("vendor", ""), f.get("product", "")
        words = [product] if product.startswith(vendor) else [vendor, product]
        return " ".join(w for w in words + [f.get("version", "")] if w)
    names = "; ".join(name(f) for f in r["fingerprints"])
    labels = ",".join(l["id"] for l in r["labels"])
    print(f'  {r["ip"]:>12}:{r["port"]:<5}/{r["transport"]} {r["protocol"]:<10} {r["status"]:<16} {str(r["ptr"]):<34} '
          f'{what.strip()[:40]!r} {cert[:30]}')
    if names or labels:
        print(f'  {"":>18} -> {names[:90]}  [{labels}]')
    t = truth.get((r["ip"], r["port"], r["transport"]))
    agree += t is not None and t["expected_status"] == r["status"] and t["protocol"] == r["protocol"]
print(f"== against the services ground truth: {agree} of {len(truth)} services as expected")
PY
