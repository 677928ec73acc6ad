#!/usr/bin/env bash
# Checks, and where it can installs, what nnbench needs on a fresh Debian machine:
# Swift 6 and zlib's headers (Debian's libz-dev). python3 and numpy are optional: the tests that
# need them say they are skipped when they are missing.
#
# With --clients (as .ci/run calls it), also what the protocol clients of examples/ need: python3
# with numpy, node, PyTorch's CPU build (pip's local wheel folder has torch 2.13.0+cpu; plain
# 'torch' would pull gigabytes of CUDA), jsonschema (for scripts/validate_exchange.py) and
# tensorboard (for scripts/check_tensorboard.py); pip installs the Python packages when they are
# missing, and a missing python3 or node is an error.
#
# With --browser (as .ci/run calls it before rendering reports), Debian's chromium-headless-shell
# (apt-get, as root) and Pillow (pip), for scripts/render_report.py.
set -euo pipefail

if [ "${1:-}" = "--browser" ]; then
    if ! command -v chromium-headless-shell >/dev/null 2>&1; then
        if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
            echo "setup: installing Debian's chromium-headless-shell"
            { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium-headless-shell; } || {
                echo "setup: 'apt-get install chromium-headless-shell' failed; install it and try again" >&2; exit 1; }
        else
            echo "setup: chromium-headless-shell not found on PATH; install it, e.g. 'sudo apt-get install chromium-headless-shell'" >&2
            exit 1
        fi
    fi
    python3 -c "import PIL" >/dev/null 2>&1 || {
        echo "setup: installing pillow with pip"
        python3 -m pip install --quiet pillow || { echo "setup: 'pip install pillow' failed; install it and try again" >&2; exit 1; }
    }
    echo "setup: browser ok ($(chromium-headless-shell --version 2>/dev/null | head -n 1))"
    exit 0
fi

if [ "${1:-}" = "--clients" ]; then
    for tool in python3 node; do
        command -v $tool >/dev/null 2>&1 || { echo "setup: $tool was not found on PATH; the protocol clients need it" >&2; exit 1; }
    done
    need() {  # MODULE PIP-REQUIREMENT
        python3 -c "import $1" >/dev/null 2>&1 && return
        echo "setup: installing $2 with pip"
        python3 -m pip install --quiet "$2" || { echo "setup: 'pip install $2' failed; install it and try again" >&2; exit 1; }
    }
    need numpy numpy
    need jsonschema jsonschema
    need torch torch==2.13.0+cpu
    need tensorboard tensorboard
    echo "setup: clients ok (python3 $(python3 -c 'import sys; print(sys.version.split()[0])'), node $(node --version), torch $(python3 -c 'import torch; print(torch.__version__)'))"
    exit 0
fi

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
