#!/usr/bin/env bash
# Bad input: every malformed flag or file gets a one-line error naming the bad
# value and exit code 2; targets the blocklist removes entirely get an error
# saying so; without CAP_NET_RAW the error says what is missing. A capture on
# the lab side proves that none of these sent a single packet.
# Usage: scan_bad_input.sh /path/to/fumidai   (needs root; exits 77 to skip)
set -euo pipefail
FUMIDAI=${1:?usage: scan_bad_input.sh /path/to/fumidai}
TEST_NAME=scan_bad_input
source "$(dirname "$0")/lablib.sh"

lab_start fdt-bad --prefix 198.18.48.0/20 --seed 9 --services no
capture_start "$WORK/syn.pcap" "dst net $PREFIX"
printf '198.18.48.0/20\n198.18.300.0/24\n' >"$WORK/bad-list"
printf '\x00\x01garbage' >"$WORK/bad-resume"
printf '53 dns\n500 ike-typo\n* empty\n' >"$WORK/bad-payloads"

# expect CODE TEXT ARGS...: the scan exits CODE and says TEXT in exactly one line.
expect() {
  local code=$1 text=$2 rc=0
  shift 2
  scan "$@" 2>"$WORK/err" >/dev/null || rc=$?
  [[ $rc -eq $code ]] || fail "'$*' exited $rc, expected $code: $(cat "$WORK/err")"
  [[ $(wc -l <"$WORK/err") -eq 1 ]] || fail "'$*' printed more than one line: $(cat "$WORK/err")"
  grep -qF -- "$text" "$WORK/err" || fail "'$*' said '$(cat "$WORK/err")', expected it to mention '$text'"
  echo "$TEST_NAME: exit $rc: $(cat "$WORK/err")"
}
nb=(-b "$WORK/no-blocklist")
expect 2 "'198.18.48.0/33'" -p 80 "${nb[@]}" 198.18.48.0/33
expect 2 "'1.2.3'" -p 80 "${nb[@]}" 1.2.3
expect 2 "'198.18.48.9-198.18.48.1'" -p 80 "${nb[@]}" 198.18.48.9-198.18.48.1
expect 2 "'0'" -p 0 "${nb[@]}" "$PREFIX"
expect 2 "'70000'" -p 80,70000 "${nb[@]}" "$PREFIX"
expect 2 "'fast'" -p 80 -r fast "${nb[@]}" "$PREFIX"
expect 2 "'-5'" -p 80 -r -5 "${nb[@]}" "$PREFIX"
expect 2 "'10Q'" -p 80 -B 10Q "${nb[@]}" "$PREFIX"
expect 2 "'00:11:22:33:44'" -p 80 -G 00:11:22:33:44 "${nb[@]}" "$PREFIX"
expect 2 "'999.1.1.1'" -p 80 -S 999.1.1.1 "${nb[@]}" "$PREFIX"
expect 2 "bad-list:2" -p 80 -b "$WORK/bad-list" "$PREFIX"
expect 2 "/nonexistent" -p 80 -w /nonexistent "${nb[@]}"
expect 2 "--shard" -p 80 --shards 2 --shard 2 "${nb[@]}" "$PREFIX"
expect 2 "bad-resume" -p 80 --resume "$WORK/bad-resume" "${nb[@]}" "$PREFIX"
expect 2 "'xml'" -p 80 -O xml "${nb[@]}" "$PREFIX"
expect 2 "no ports" "${nb[@]}" "$PREFIX"
expect 2 "--udp-ports" --udp-ports 53,0 "${nb[@]}" "$PREFIX"
expect 2 "'70000'" --udp-ports 53,70000 -p 80 "${nb[@]}" "$PREFIX"
expect 2 "bad-payloads:2" --udp-ports 53 --udp-payload-file "$WORK/bad-payloads" "${nb[@]}" "$PREFIX"
# The built-in blocklist holds 198.18.0.0/15, so the whole lab prefix is refused.
expect 2 "blocklisted" -p 80 "$PREFIX"
# Without privileges: a clear error, not a crash.
chmod a+rx "$WORK"
chmod a+r "$WORK/no-blocklist"
rc=0
ip netns exec "$SCAN_NS" setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
  "$FUMIDAI" scan -p 80 "${nb[@]}" "$PREFIX" 2>"$WORK/err" >/dev/null || rc=$?
[[ $rc -eq 1 ]] || fail "unprivileged scan exited $rc: $(cat "$WORK/err")"
grep -q "root or CAP_NET_RAW" "$WORK/err" || fail "unprivileged scan said: $(cat "$WORK/err")"
echo "$TEST_NAME: exit $rc: $(cat "$WORK/err")"
capture_stop

sent=$(tcpdump -n -r "$WORK/syn.pcap" 2>/dev/null | wc -l)
((sent == 0)) || fail "$sent packets were sent by rejected scans"
echo "$TEST_NAME: capture: 0 packets sent by rejected scans"
echo "$TEST_NAME: PASS"
