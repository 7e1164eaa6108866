#!/usr/bin/env bash
# build.sh DIR [CMAKE ARGS...]: configures and builds fumidai into DIR.
# FUMIDAI_BUILD_TARGET=T builds only target T (and what it needs).
set -euo pipefail
dir=$1
shift
cmake -S "$(dirname "$0")/.." -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build "$dir" -j "$(nproc)" ${FUMIDAI_BUILD_TARGET:+--target "$FUMIDAI_BUILD_TARGET"}
