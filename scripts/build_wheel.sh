#!/usr/bin/env bash
# Builds the Python wheel of nnbench: the static binary of scripts/build_static.sh as the console
# command `nnbench`, and the helper module nnbench_check (python/), in dist/.
#
#   scripts/build_wheel.sh [--scratch-path DIR] [--binary FILE] [--output DIR]
#
# --binary takes an already built static binary instead of building one (--scratch-path is then
# unused). The wheel's version is the binary's (`nnbench --version`, ToolVersion in
# Sources/NNBenchIO); its platform tag, manylinux_2_M_ARCH, says the newest glibc symbol version
# the binary needs (objdump -T), so pip installs it only where that glibc exists. Prints the
# wheel's path and size.
set -euo pipefail
cd "$(dirname "$0")/.."

scratch=.build
binary=
output=dist
while [ $# -gt 0 ]; do
    case $1 in
        --scratch-path) scratch=$2; shift 2 ;;
        --binary) binary=$2; shift 2 ;;
        --output) output=$2; shift 2 ;;
        *) echo "usage: scripts/build_wheel.sh [--scratch-path DIR] [--binary FILE] [--output DIR]" >&2; exit 64 ;;
    esac
done
if [ -z "$binary" ]; then
    scripts/build_static.sh --scratch-path "$scratch"
    binary=$scratch/static/nnbench
fi

version=$("$binary" --version | awk '{print $2}')
glibc=$(objdump -T "$binary" | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -n 1)
major=$(echo "${glibc#GLIBC_}" | cut -d. -f1)
minor=$(echo "${glibc#GLIBC_}" | cut -d. -f2)
arch=$(objdump -f "$binary" | sed -n 's/^architecture: i386:\(x86-64\).*/x86_64/p; s/^architecture: aarch64.*/aarch64/p')
[ -n "$arch" ] || { echo "build_wheel: $binary: not an x86_64 or aarch64 binary" >&2; exit 1; }
# manylinux_2_17 is the oldest tag pip knows for these architectures' manylinux2014.
[ "$minor" -ge 17 ] || minor=17
wheel=$(python3 scripts/make_wheel.py "$binary" "$version" "manylinux_${major}_${minor}_${arch}" "$output")
echo "build_wheel: $wheel, $(stat -c %s "$wheel") bytes (binary $(stat -c %s "$binary") bytes, needs $glibc)"
