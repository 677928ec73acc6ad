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

# The package's CZlib module map says `link "z"`, and SwiftPM reads zlib's pkg-config file
# (Libs: -L/usr/lib/x86_64-linux-gnu -lz), putting that folder first on the linker's search path,
# where `-lz` finds libz.so. A copy of the system's zlib.pc whose library folder holds only
# Debian's libz.a (libz-dev), found first through PKG_CONFIG_PATH, makes the same `-lz` take the
# static archive: no change to the package, which stays a normal dependency for others, and the
# same compiler flags (Cflags unchanged), so only the link differs from a normal release build.
for tool in pkg-config strip objdump ldd; do
    command -v $tool >/dev/null || { echo "build_static: $tool not found on PATH; install Debian's pkg-config, binutils (strip, objdump) and libc-bin (ldd)" >&2; exit 1; }
done
cc=$(command -v cc || command -v clang || true)
libz=$([ -n "$cc" ] && "$cc" -print-file-name=libz.a || true)
pc=$(pkg-config --variable pcfiledir zlib 2>/dev/null || true)/zlib.pc
if [ ! -f "$libz" ] || [ ! -f "$pc" ]; then
    echo "build_static: zlib's static library libz.a or its zlib.pc not found (${cc:-cc} -print-file-name=libz.a, pkg-config zlib); install Debian's libz-dev" >&2
    exit 1
fi
mkdir -p "$scratch/static-zlib"
zdir=$(cd "$scratch/static-zlib" && pwd)
ln -sf "$(readlink -f "$libz")" "$zdir/libz.a"
sed -e "s|^libdir=.*|libdir=$zdir|" -e "s|^sharedlibdir=.*|sharedlibdir=$zdir|" "$pc" > "$zdir/zlib.pc"

PKG_CONFIG_PATH="$zdir${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}" \
    swift build -c release --static-swift-stdlib --product nnbench --scratch-path "$scratch"
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
