#!/usr/bin/env bash
# Every test: install packages, build, run ctest (unit, kernel, fuzz corpora,
# lab), then the unit tests again under ASan+UBSan, then a short libFuzzer run
# of every fuzz target (clang). Ends with one "total: N passed, N failed" line.
# Usage (root): tools/test.sh
set -uo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh || exit 1
passed=0
failed=0
# stage NAME: prints a stage's heading with the minutes spent so far (CI's
# budget is 30).
stage() { printf '== %s (at %d:%02d)\n' "$1" $((SECONDS / 60)) $((SECONDS % 60)); }
# run_ctest DIR ARGS...: runs ctest, adds its counts to the totals.
run_ctest() {
  local dir=$1 log
  shift
  log=$(mktemp)
  (cd "$dir" && ctest --output-on-failure "$@") 2>&1 | tee "$log"
  local summary
  summary=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -1)
  if [[ -z $summary ]]; then
    failed=$((failed + 1))
  else
    local bad total
    bad=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$summary")
    total=$(sed -E 's/.* failed out of ([0-9]+).*/\1/' <<<"$summary")
    local skipped
    skipped=$(grep -cE '\*\*\*Skipped|Not Run' "$log" || true)
    passed=$((passed + total - bad - skipped))
    failed=$((failed + bad))
  fi
  rm -f "$log"
}

stage "build (RelWithDebInfo)"
# No debug info in the test builds: it is most of the compile time, and only
# the sanitizer and fuzz stages need stack traces (line tables suffice).
# One test per core; the lab tests run alone (RUN_SERIAL), the database tests
# each in a database of their own.
if tools/build.sh build -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -DNDEBUG" -DFUMIDAI_UNITY_BUILD=ON; then run_ctest build -j "$(nproc)"; else
  failed=$((failed + 1))
fi
# ctest keeps passing tests' output only in its log: the rule database's size and
# the Recog example run's pass count, for the record.
stage "fingerprint database and Recog examples"
grep -hE '^(rules: [0-9]|labels: [0-9]|eol: [0-9]|recog examples: [0-9])' build/Testing/Temporary/LastTest.log | sort -u

stage "unit tests under ASan+UBSan"
# Line tables only (-g1): enough for the sanitizers' stack traces, and much
# less to compile than full debug information.
if FUMIDAI_BUILD_TARGET=fumidai_sanitizer_targets tools/build.sh build-asan -DFUMIDAI_SANITIZE=ON -DFUMIDAI_LAB_TESTS=OFF \
  -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O0 -g1" -DFUMIDAI_UNITY_BUILD=ON; then
  # The unit suite as two gtest shards, one per core (tests/CMakeLists.txt).
  # Time in the tests is a ManualClock, so a busy machine changes no outcome.
  # The corpus replays are left to the libFuzzer stage (each fuzzer starts
  # with its corpus, under ASan+UBSan too).
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 run_ctest build-asan -L unit -LE fuzz -j "$(nproc)"
else
  failed=$((failed + 1))
fi

stage "libFuzzer smoke runs (clang)"
# Not with FUMIDAI_FUZZ_LIBRARIES_FROM=build: the first stage's unity-built
# archives hold several files per object, and one pulled in for another
# symbol duplicates what a fuzzer compiles itself.
if FUMIDAI_BUILD_TARGET=fumidai_fuzzers tools/build.sh build-fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DFUMIDAI_FUZZ=ON \
  -DFUMIDAI_LAB_TESTS=OFF -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -DNDEBUG -gline-tables-only"; then
  # Only the fuzzers, one per core. Each first runs its whole seed corpus, under
  # ASan+UBSan (the replays ran unsanitized in the first stage).
  run_ctest build-fuzz -L fuzz -LE unit -j "$(nproc)"
else
  failed=$((failed + 1))
fi

stage "done"
echo "total: $passed passed, $failed failed"
((failed == 0))
