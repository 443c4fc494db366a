#!/usr/bin/env bash
# Install the Debian packages synack needs to build and test, skipping those already present.
# `deps.sh bench` also installs lwIP (liblwip-dev), the reference stack of the benchmarks.
set -euo pipefail
pkgs=(build-essential cmake pkg-config libcmocka-dev valgrind clang-format socat tshark iproute2 iputils-ping iptables)
if [ "${1:-}" = bench ]; then pkgs+=(liblwip-dev); fi
pkgs+=(clang libclang-rt-14-dev) # libFuzzer for the fuzz targets (fuzz/)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "deps: installing ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "deps: need root to install packages (run as root or install: ${missing[*]})" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq || true
apt-get install -y -qq --no-install-recommends "${missing[@]}"
