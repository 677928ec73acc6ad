#!/usr/bin/env bash
# Checks, and where it can installs, what nnbench needs on a fresh Debian machine:
# Swift 6 and zlib's headers (Debian's libz-dev). python3 and numpy are optional: the tests that
# need them say they are skipped when they are missing.
set -euo pipefail

if ! command -v swift >/dev/null 2>&1; then
    echo "setup: swift was not found on PATH; install Swift 6 (https://swift.org/install) and try again" >&2
    exit 1
fi

if [ ! -f /usr/include/zlib.h ]; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
        echo "setup: zlib headers missing; installing Debian's libz-dev"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libz-dev
    else
        echo "setup: zlib headers (/usr/include/zlib.h) missing; install them, e.g. 'sudo apt-get install libz-dev'" >&2
        exit 1
    fi
fi

if ! python3 -c 'import numpy' >/dev/null 2>&1; then
    echo "setup: note: python3 with numpy not found; the tests that load NPY files with numpy will be skipped"
fi
echo "setup: ok ($(swift --version 2>/dev/null | head -n 1))"
