#!/usr/bin/env bash
# End to end: a SYN scan of a /16 × 8 ports at 100 kpps in the lab finds every
# open port in the ground truth and every closed one (--report-closed), with no
# false positives, and a packet capture on the lab side shows zero packets to
# the blocklisted ranges (and the expected ones to a control range).
# Usage: scan_e2e.sh /path/to/fumidai   (needs root; exits 77 to skip)
set -euo pipefail
FUMIDAI=${1:?usage: scan_e2e.sh /path/to/fumidai}
TEST_NAME=scan_e2e
source "$(dirname "$0")/lablib.sh"

lab_start fdt-e2e --prefix 198.18.0.0/16 --seed 11 --services no
printf '# test blocklist\n198.18.7.0/24\n198.18.200.0-198.18.203.255\n' >"$WORK/blocklist"
capture_start "$WORK/syn.pcap" "dst net 198.18.7.0/24 or dst net 198.18.200.0/22 or dst net 198.18.100.0/24"
scan -p "$PORTS" -r 100000 -c 2 --report-closed -b "$WORK/blocklist" -o "$WORK/out.jsonl" -m "$WORK/meta.json" \
  "$PREFIX" 2>"$WORK/stderr" || fail "scan exited $?: $(tail -3 "$WORK/stderr")"
capture_stop

blocked='^198\.18\.(7|20[0-3])\.'
truth open | grep -Ev "$blocked" >"$WORK/truth-open" || true
truth closed | grep -Ev "$blocked" >"$WORK/truth-closed" || true
results "$WORK/out.jsonl" open >"$WORK/open"
results "$WORK/out.jsonl" closed >"$WORK/closed"

missed=$(comm -23 "$WORK/truth-open" "$WORK/open" | wc -l)
false_open=$(comm -13 "$WORK/truth-open" "$WORK/open" | wc -l)
missed_closed=$(comm -23 "$WORK/truth-closed" "$WORK/closed" | wc -l)
false_closed=$(comm -13 "$WORK/truth-closed" "$WORK/closed" | wc -l)
echo "$TEST_NAME: open $(wc -l <"$WORK/open")/$(wc -l <"$WORK/truth-open") (missed $missed, false $false_open);" \
  "closed $(wc -l <"$WORK/closed")/$(wc -l <"$WORK/truth-closed") (missed $missed_closed, false $false_closed)"
((missed == 0 && false_open == 0)) || fail "open ports differ from the ground truth"
((missed_closed == 0 && false_closed == 0)) || fail "closed ports differ from the ground truth"
[[ $(sort "$WORK/open" | uniq -d | wc -l) -eq 0 ]] || fail "an open port was reported twice"

# The capture: nothing to the blocklisted ranges, every probe to the control /24.
capture_targets "$WORK/syn.pcap" >"$WORK/captured"
to_blocked=$(grep -cE "$blocked" "$WORK/captured" || true)
to_control=$(grep -c '^198\.18\.100\.' "$WORK/captured" || true)
port_count=$(tr ',' '\n' <<<"$PORTS" | wc -l)
echo "$TEST_NAME: capture: $to_blocked SYNs to blocklisted ranges, $to_control to the control /24"
((to_blocked == 0)) || fail "$to_blocked probes went to blocklisted addresses"
((to_control == 256 * port_count)) || fail "control /24 got $to_control probes, expected $((256 * port_count))"

grep -q '"blocklisted":1280' "$WORK/meta.json" || fail "summary does not count 1280 blocklisted addresses: $(cat "$WORK/meta.json")"
grep -q '"completed":true' "$WORK/meta.json" || fail "summary does not say completed"
grep -q '% (' "$WORK/stderr" || fail "no status line on stderr"
echo "$TEST_NAME: PASS"
