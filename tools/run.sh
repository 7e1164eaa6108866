#!/usr/bin/env bash
# The main job on the embedded default: install packages, build, bring up the
# lab (a closed network of namespaces answering for 198.18.0.0/16), SYN-scan it
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
