#!/usr/bin/env bash
# Resume: a scan interrupted with Ctrl-C (SIGINT) and continued with the same
# --resume file sends every probe exactly once in total (counted by a packet
# capture on the lab side), and the two runs' results together equal the
# ground truth with no duplicates. A finished checkpoint sends nothing more,
# and a checkpoint from another scan is refused before anything is sent.
# Usage: scan_resume.sh /path/to/fumidai   (needs root; exits 77 to skip)
set -euo pipefail
FUMIDAI=${1:?usage: scan_resume.sh /path/to/fumidai}
TEST_NAME=scan_resume
source "$(dirname "$0")/lablib.sh"

lab_start fdt-resume --prefix 198.18.64.0/18 --seed 5 --services no
port_count=$(tr ',' '\n' <<<"$PORTS" | wc -l)
probes=$((16384 * port_count))
checkpoint=$WORK/scan.resume
common=(-p "$PORTS" -r 30000 -T 2 -c 1 -q -b "$WORK/no-blocklist" --resume "$checkpoint")
capture_start "$WORK/syn.pcap" "dst net $PREFIX"

# exec: $! must be the scanner itself, to get the SIGINT a user's Ctrl-C sends.
(exec ip netns exec "$SCAN_NS" "$FUMIDAI" scan "${common[@]}" -o "$WORK/part1.jsonl" -m "$WORK/meta1.json" \
  "$PREFIX" 2>"$WORK/stderr1") &
scan_pid=$!
sleep 1.5
kill -INT "$scan_pid"
wait "$scan_pid" || fail "interrupted scan exited $?: $(cat "$WORK/stderr1")"
grep -q '"completed":false' "$WORK/meta1.json" || fail "the interrupted run claims completion: $(cat "$WORK/meta1.json")"
sent1=$(grep -o '"sent":[0-9]*' "$WORK/meta1.json" | cut -d: -f2)

scan "${common[@]}" -o "$WORK/part2.jsonl" -m "$WORK/meta2.json" "$PREFIX" 2>"$WORK/stderr2" ||
  fail "resumed scan exited $?: $(cat "$WORK/stderr2")"
grep -q '"resumed":true' "$WORK/meta2.json" || fail "second run did not resume"
grep -q '"completed":true' "$WORK/meta2.json" || fail "resumed run did not complete"
sent2=$(grep -o '"sent":[0-9]*' "$WORK/meta2.json" | cut -d: -f2)

scan "${common[@]}" -o "$WORK/part3.jsonl" -m "$WORK/meta3.json" "$PREFIX" 2>/dev/null || fail "third run failed"
grep -q '"sent":0,' "$WORK/meta3.json" || fail "a finished checkpoint sent again: $(cat "$WORK/meta3.json")"

rc=0
scan -p 80 -T 2 -r 30000 -c 0 -q -b "$WORK/no-blocklist" --resume "$checkpoint" -o /dev/null "$PREFIX" 2>"$WORK/stderr4" || rc=$?
((rc == 2)) || fail "a checkpoint from another scan was not refused (exit $rc)"
grep -q "different scan" "$WORK/stderr4" || fail "unclear error for a foreign checkpoint: $(cat "$WORK/stderr4")"
capture_stop

capture_targets "$WORK/syn.pcap" >"$WORK/captured"
total=$(wc -l <"$WORK/captured")
unique=$(sort -u "$WORK/captured" | wc -l)
echo "$TEST_NAME: run 1 sent $sent1, run 2 sent $sent2; capture: $total SYNs, $unique distinct, of $probes"
((sent1 > 0 && sent2 > 0)) || fail "the interrupt did not split the scan"
((sent1 + sent2 == probes)) || fail "runs sent $((sent1 + sent2)), expected $probes"
((total == probes && unique == probes)) || fail "probes were re-sent or missed"

cat "$WORK/part1.jsonl" "$WORK/part2.jsonl" >"$WORK/all.jsonl"
results "$WORK/all.jsonl" open >"$WORK/open"
truth open >"$WORK/truth-open"
[[ $(uniq -d "$WORK/open" | wc -l) -eq 0 ]] || fail "an open port was reported by both runs"
diff -q "$WORK/truth-open" "$WORK/open" >/dev/null || fail "resumed results differ from the ground truth:
$(comm -3 "$WORK/truth-open" "$WORK/open" | head)"
echo "$TEST_NAME: $(wc -l <"$WORK/open") open ports found across both runs, as in the ground truth"
echo "$TEST_NAME: PASS"
