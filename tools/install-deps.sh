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
  libssl-dev libc-ares-dev libpcre2-dev libyaml-cpp-dev libpqxx-dev zlib1g-dev
  # the store: Debian's server binaries for the embedded cluster, psql for the benchmarks
  postgresql-15 postgresql-client-15
  # tests: GoogleTest, clang for libFuzzer and the sanitizers, the lab's plumbing
  libgtest-dev clang libclang-rt-14-dev iproute2 nftables tcpdump util-linux procps
  # the lab's real services (stage 2) and the record schema check; busybox-static, as Debian's plain
  # busybox has no telnetd
  lighttpd openssh-server vsftpd busybox-static dnsmasq-base openssl python3 python3-jsonschema
  # the lab's VPN servers, proxies and UPnP (issue 4)
  tinyproxy dante-server openvpn pptpd strongswan-charon strongswan-swanctl xl2tpd ocserv miniupnpd-nftables
  # the mail tests' SMTP sink (issue 8)
  python3-aiosmtpd
  # benchmark peers
  zmap masscan wrk time
)
export DEBIAN_FRONTEND=noninteractive
# The lab's daemons run only inside the lab's namespaces. Installing
# them must not start them in the root namespace, so services stay down
# (policy-rc.d exit 101) for the duration, unless the machine already has a
# policy of its own.
policy=/usr/sbin/policy-rc.d
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod 755 "$policy"
  trap 'rm -f "$policy"' EXIT
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
