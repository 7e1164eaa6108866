#!/usr/bin/env bash
# Installs the Debian 12 packages fumidai builds, tests and benchmarks with.
# Idempotent; needs root. FUMIDAI_SKIP_APT=1 skips it (for repeated local runs).
set -euo pipefail
[[ ${FUMIDAI_SKIP_APT:-0} == 1 ]] && exit 0
((EUID == 0)) || { echo "install-deps: run as root (apt-get)" >&2; exit 2; }
packages=(
  # build
  build-essential cmake ninja-build pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-system1.81-dev libfmt-dev libcli11-dev
  # tests: GoogleTest, clang for libFuzzer and the sanitizers, the lab's plumbing
  libgtest-dev clang libclang-rt-14-dev iproute2 nftables tcpdump util-linux procps
  # benchmark peers
  zmap masscan
)
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
