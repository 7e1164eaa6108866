#!/usr/bin/env bash
# Fingerprint-stage benchmark: records per second per core over a fixed
# corpus of 50,000 synthetic service records (made from the lab's real ones,
# see bench/fingerprint_bench.cpp), with
#  1. the full database (our rules plus Rapid7 Recog's XML from $RECOG_DIR,
#     else ../shared/recog/xml when there is one), against the baseline the
#     issue names: the same records through our literal prefilter alone;
#  2. our rules x1, x4 and x16 (synthetic copies: distinct ids, perturbed
#     literals): the cost must stay near-flat, not grow with the rules.
# No packets, no root. Usage: bench/fingerprints.sh [BUILD_DIR]   (default build)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
# Recog beside the checkout: ../shared from the main checkout, ../../shared from a worktree.
if [[ -z ${RECOG_DIR:-} ]]; then
  for dir in ../shared/recog/xml ../../shared/recog/xml; do [[ -d $dir ]] && RECOG_DIR=$dir && break; done
fi
[[ -f $BUILD/build.ninja ]] || tools/build.sh "$BUILD" >/dev/null
cmake --build "$BUILD" --target fingerprint_bench >/dev/null
ARGS=(--templates tests/unit/data/fingerprints/lab-records.jsonl --records "${RECORDS:-50000}" --seed 1 --rounds 3)
# RECOG_DIR=none: our rules only.
[[ -n ${RECOG_DIR:-} && $RECOG_DIR != none ]] && ARGS+=(--recog "$RECOG_DIR")
OUT=$(mktemp)
trap 'rm -f "$OUT"' EXIT
"$BUILD/bench/fingerprint_bench" "${ARGS[@]}" >"$OUT"
val() { awk -v k="$1" -v f="${2:-2}" '$1 == k { print $f }' "$OUT"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo "== records per second per core ($(sed -n 1p "$OUT" | cut -d' ' -f2-); $(sed -n 2p "$OUT" | cut -d' ' -f2-))"
echo "  full: fields + our rules + Recog + EOL + labels   $(val full) rec/s ($(val named) of records named)"
echo "  fields from the record alone                        $(val fields) rec/s ($(val fields 3) fields per record)"
echo "  rule sources alone (ours + Recog, EOL)              $(val sources) rec/s"
echo "  our rules alone                                     $(val ours) rec/s ($(val ours 3) candidates per record of $(val scale1 4) rules)"
echo "  baseline: our literal prefilter alone               $(val prefilter) rec/s"
echo "  ratios to the baseline: full $(ratio "$(val full)" "$(val prefilter)")x," \
  "our rules $(ratio "$(val ours)" "$(val prefilter)")x;" \
  "our rules without the prefilter $(val exhaustive) rec/s ($(ratio "$(val exhaustive)" "$(val prefilter)")x;" \
  "the prefilter saves $(ratio "$(val ours)" "$(val exhaustive)")x)"

echo "== scaling: our rules x1, x4, x16 (synthetic copies)"
base=$(val scale1)
for k in 1 4 16; do
  rate=$(val "scale$k")
  echo "  x$k: $(val "scale$k" 4) rules, $rate rec/s, $(val "scale$k" 3) candidates per record," \
    "cost $(ratio "$base" "$rate")x of x1 (rules ${k}x); prefilter alone $(val "scale$k" 5) rec/s," \
    "cost $(ratio "$(val scale1 5)" "$(val "scale$k" 5)")x"
done
echo "  regex match-limit hits: $(val limit_hits)"
