#!/usr/bin/env bash
# `fumidai fingerprint` over stored service records (no network, no root):
#  1. --self-test passes on the embedded rules and labels.
#  2. The lab's records (tests/unit/data/fingerprints/lab-records.jsonl) come
#     out the same from a file and from standard input, one line per record,
#     unchanged but for fingerprints and labels, valid against the v1 schema;
#     --stats counts them.
#  3. Labels over an address: a PPTP record is labelled vpn-on-consumer-router
#     only when a router's page shares its address in the same input.
#  4. A bad line is an input error naming file and line; nothing is written
#     (no output, no temporary file); --skip-bad skips and counts it.
#  5. A bad --rules directory is an input error before any input is read.
# Usage: fingerprint_command.sh /path/to/fumidai
set -euo pipefail
FUMIDAI=${1:?usage: fingerprint_command.sh /path/to/fumidai}
SOURCE_DIR=$(cd "$(dirname "$0")/../.." && pwd)
RECORDS=$SOURCE_DIR/tests/unit/data/fingerprints/lab-records.jsonl
SCHEMA=$SOURCE_DIR/scanner/data/service-record.v1.schema.json
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
fail() {
  echo "FAIL fingerprint_command: $*" >&2
  exit 1
}

# 1.
"$FUMIDAI" fingerprint --self-test >"$WORK/self-test" || fail "--self-test: $(tail -5 "$WORK/self-test")"
grep -q '^self-test: passed$' "$WORK/self-test" || fail "--self-test printed no pass line"
grep -q '^rules: [0-9]* (.*router [0-9]*.*), [0-9]* examples$' "$WORK/self-test" || fail "no rule counts"

# 2.
"$FUMIDAI" fingerprint --stats -o "$WORK/out.jsonl" "$RECORDS" 2>"$WORK/stats" || fail "exit $?: $(cat "$WORK/stats")"
"$FUMIDAI" fingerprint <"$RECORDS" >"$WORK/stdin.jsonl" || fail "standard input: exit $?"
cmp -s "$WORK/out.jsonl" "$WORK/stdin.jsonl" || fail "file and standard input differ"
python3 - "$RECORDS" "$WORK/out.jsonl" "$WORK/stats" "$SCHEMA" <<'PY' || fail "output (above)"
import json, sys
import jsonschema
records, out, stats, schema = sys.argv[1:]
validator = jsonschema.Draft7Validator(json.load(open(schema)),
                                       format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
before = [json.loads(l) for l in open(records)]
after = [json.loads(l) for l in open(out)]
assert len(before) == len(after), (len(before), len(after))
for b, a in zip(before, after):
    errors = [e.message for e in validator.iter_errors(a)]
    assert not errors, (a["ip"], a["port"], errors)
    assert {k: v for k, v in a.items() if k not in ("fingerprints", "labels")} == \
           {k: v for k, v in b.items() if k not in ("fingerprints", "labels")}, (a["ip"], a["port"])
named = sum(1 for a in after if a["fingerprints"])
assert named >= len(after) // 2, f"only {named} of {len(after)} records named"
summary = json.loads(open(stats).read().strip().splitlines()[-1])
assert summary["records"] == len(after) and summary["fingerprinted"] == named, summary
assert summary["by_source"]["fumidai"] >= named and summary["bad_lines"] == 0, summary
PY

# 3. pptpd's record (198.19.0.46: a PPTP server, no router named) moved onto the MikroTik web UI's
# address (198.19.0.21), as a router's own PPTP server would be.
grep '"ip":"198.19.0.46","port":1723,' "$RECORDS" | sed 's/"ip":"198.19.0.46"/"ip":"198.19.0.21"/' >"$WORK/pptp.jsonl"
[[ -s $WORK/pptp.jsonl ]] || fail "no pptpd record in $RECORDS"
grep '"ip":"198.19.0.21","port":80,' "$RECORDS" >"$WORK/web.jsonl"
cat "$WORK/pptp.jsonl" "$WORK/web.jsonl" | "$FUMIDAI" fingerprint >"$WORK/host.jsonl"
"$FUMIDAI" fingerprint "$WORK/pptp.jsonl" >"$WORK/alone.jsonl"
label_ids() { python3 -c 'import json, sys; print(" ".join(l["id"] for l in json.loads(sys.stdin.readline())["labels"]))'; }
[[ " $(label_ids <"$WORK/host.jsonl") " == *" vpn-on-consumer-router "* ]] ||
  fail "the PPTP record beside a router's page lacks vpn-on-consumer-router: $(head -1 "$WORK/host.jsonl")"
[[ " $(label_ids <"$WORK/alone.jsonl") " != *" vpn-on-consumer-router "* ]] ||
  fail "the PPTP record alone got vpn-on-consumer-router from nowhere"

# 4.
{
  head -3 "$RECORDS"
  echo '{"ip":"198.51.100.7","port":"80"}'
  echo 'not json'
  tail -2 "$RECORDS"
} >"$WORK/bad.jsonl"
set +e
"$FUMIDAI" fingerprint -o "$WORK/bad-out.jsonl" "$WORK/bad.jsonl" 2>"$WORK/bad.stderr"
rc=$?
set -e
[[ $rc == 2 ]] || fail "a bad line: exit $rc, expected 2"
grep -q "bad.jsonl:4: not a service record: \"port\" is not a port number" "$WORK/bad.stderr" ||
  fail "the error does not name file and line: $(cat "$WORK/bad.stderr")"
[[ -z $(ls "$WORK" | grep bad-out) ]] || fail "output written despite a bad line: $(ls "$WORK")"
"$FUMIDAI" fingerprint --skip-bad -o "$WORK/bad-out.jsonl" "$WORK/bad.jsonl" 2>"$WORK/skip.stderr" ||
  fail "--skip-bad: exit $?"
[[ $(wc -l <"$WORK/bad-out.jsonl") == 5 ]] || fail "--skip-bad wrote $(wc -l <"$WORK/bad-out.jsonl") lines, not 5"
grep -q 'bad.jsonl:5: not JSON' "$WORK/skip.stderr" || fail "--skip-bad does not report line 5"
grep -q '2 bad lines skipped' "$WORK/skip.stderr" || fail "--skip-bad does not count: $(cat "$WORK/skip.stderr")"

# 5. (Standard input stays unread: the command fails before taking it.)
set +e
"$FUMIDAI" fingerprint --rules "$WORK/no-such-dir" </dev/null >"$WORK/rules.out" 2>"$WORK/rules.stderr"
rc=$?
set -e
[[ $rc == 2 && ! -s $WORK/rules.out ]] || fail "a bad --rules: exit $rc, output $(wc -c <"$WORK/rules.out") bytes"
grep -q 'no-such-dir' "$WORK/rules.stderr" || fail "the error does not name the directory: $(cat "$WORK/rules.stderr")"
echo "fingerprint_command: passed"
