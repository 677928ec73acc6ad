#!/usr/bin/env bash
# Builds nnbench as one binary that runs on a Linux x86_64 machine with no Swift installed:
# `swift build -c release --static-swift-stdlib` (the Swift runtime, Foundation and Dispatch linked
# in) with zlib linked statically too, so that the binary needs only glibc (libc, libm,
# libstdc++'s C runtime pieces come from the toolchain's static archives).
#
#   scripts/build_static.sh [--scratch-path DIR] [--output FILE]
#
# --scratch-path is swift build's (default .build); --output is where the binary goes (default
# DIR/static/nnbench). It is stripped of its symbol table (`strip`): error messages do not need
# it, and it is most of the unstripped size. The script then checks what it built: `ldd` lists no
# Swift library and no libz, and it prints the size and the newest glibc symbol version the binary
# needs (objdump -T), which sets the wheel's platform tag (scripts/build_wheel.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

scratch=.build
output=
while [ $# -gt 0 ]; do
    case $1 in
        --scratch-path) scratch=$2; shift 2 ;;
        --output) output=$2; shift 2 ;;
        *) echo "usage: scripts/build_static.sh [--scratch-path DIR] [--output FILE]" >&2; exit 64 ;;
    esac
done
output=${output:-$scratch/static/nnbench}

# The package's CZlib module map says `link "z"`, which the linker resolves to libz.so when it
# finds one. A folder holding only Debian's libz.a (libz-dev), searched first, makes the same
# `-lz` take the static archive instead: no change to the package, which stays a normal
# dependency for others.
libz=$(cc -print-file-name=libz.a)
if [ ! -f "$libz" ]; then
    echo "build_static: libz.a not found (cc -print-file-name=libz.a); install Debian's libz-dev" >&2
    exit 1
fi
mkdir -p "$scratch/static-zlib"
ln -sf "$(readlink -f "$libz")" "$scratch/static-zlib/libz.a"

swift build -c release --static-swift-stdlib --product nnbench --scratch-path "$scratch" \
    -Xlinker -L"$(cd "$scratch/static-zlib" && pwd)"
built="$(swift build -c release --scratch-path "$scratch" --show-bin-path)/nnbench"

mkdir -p "$(dirname "$output")"
strip -o "$output.tmp" "$built"
mv "$output.tmp" "$output"

# What it needs: nothing of Swift's, no zlib.
if ldd "$output" | grep -E 'libswift|libFoundation|libdispatch|libBlocksRuntime|libz\.so' >&2; then
    echo "build_static: $output still needs the libraries above" >&2
    exit 1
fi
glibc=$(objdump -T "$output" | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -n 1)
echo "build_static: $output, $(stat -c %s "$output") bytes (unstripped $(stat -c %s "$built")), needs ${glibc/_/ } or newer"
echo "build_static: ldd:"
ldd "$output" | sed 's/^/    /'
"$output" --version
