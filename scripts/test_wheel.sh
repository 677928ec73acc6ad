#!/usr/bin/env bash
# The wheel as a user without Swift gets it: builds it (scripts/build_wheel.sh, or takes --wheel
# FILE), installs it into a fresh virtual environment, and with a PATH that has no `swift`, in an
# empty folder outside the checkout, runs
#   nnbench --version, list, show, generate (CSV, NPY read back by numpy), train,
#   check --exec on the helper client (examples/helper_client, importing nnbench_check from the
#   wheel): passes; the same client with one wrong backward pass (--bug tanh-derivative-of-input):
#   fails, naming layer 1, the tanh; and run, which says in one line what it needs.
# Exits non-zero at the first step that does not do what it should.
#
#   scripts/test_wheel.sh [--wheel FILE] [--scratch-path DIR]
#
# The environment is made with --system-site-packages so that the wheel's one dependency, numpy,
# comes from the machine instead of the network; nnbench itself comes only from the wheel.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

wheel=
scratch=.build
while [ $# -gt 0 ]; do
    case $1 in
        --wheel) wheel=$2; shift 2 ;;
        --scratch-path) scratch=$2; shift 2 ;;
        *) echo "usage: scripts/test_wheel.sh [--wheel FILE] [--scratch-path DIR]" >&2; exit 64 ;;
    esac
done
if [ -z "$wheel" ]; then
    wheel=$(scripts/build_wheel.sh --scratch-path "$scratch" --output "$scratch/dist" | sed -n 's/^build_wheel: \(.*\.whl\),.*/\1/p')
fi
wheel=$(cd "$(dirname "$wheel")" && pwd)/$(basename "$wheel")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m venv --system-site-packages "$work/venv"
"$work/venv/bin/python" -m pip install --quiet --no-index --no-deps "$wheel"
cp examples/helper_client/nnbench_helper_client.py "$work/client.py"
cd "$work"
export PATH="$work/venv/bin:/usr/bin:/bin"
unset CI
step() { echo "== $*"; }
fail() { echo "test_wheel: FAILED: $*" >&2; exit 1; }

step "no swift on PATH, nnbench from the wheel"
! command -v swift >/dev/null || fail "swift is on PATH: $(command -v swift)"
[ "$(command -v nnbench)" = "$work/venv/bin/nnbench" ] || fail "nnbench is $(command -v nnbench)"
if ldd "$(command -v nnbench)" | grep -E 'libswift|libFoundation|libdispatch|libz\.so'; then fail "the binary needs the libraries above"; fi
nnbench --version

step "nnbench list"
nnbench list > list.txt
grep -q '^xor ' list.txt || fail "list has no xor"
head -n 3 list.txt

step "nnbench show xor"
nnbench show xor | head -n 3

step "nnbench generate xor (csv; npy read back by numpy)"
nnbench generate xor --n 8 > xor.csv
nnbench generate xor --format npy --output xor.npy
python -c "import numpy as np; a = np.load('xor.npy'); assert a.ndim == 2 and a.shape[1] == 3, a.shape; print('xor.npy', a.shape, a.dtype)"

step "nnbench train xor"
nnbench train xor | tail -n 2

step "nnbench check --exec on the helper client: passes"
nnbench check --exec "python client.py" > check.txt || { cat check.txt; fail "the correct helper client fails a check"; }
tail -n 1 check.txt

step "the same client with a wrong tanh backward: fails, naming layer 1 (tanh)"
status=0
nnbench check --exec "python client.py --bug tanh-derivative-of-input" --arch "dense(8) tanh dense(1)" --task xor > bug.txt || status=$?
[ $status -eq 1 ] || { cat bug.txt; fail "exit status $status, expected 1"; }
grep -E 'input-gradient' bug.txt | grep -q 'layer 1 (tanh)' || { cat bug.txt; fail "input-gradient does not name layer 1 (tanh)"; }
grep -E 'input-gradient' bug.txt | head -n 2

step "nnbench run outside a checkout: one line saying what it needs"
status=0
nnbench run xor > run.txt 2> run.err || status=$?
cat run.txt run.err
[ $status -eq 2 ] && [ "$(wc -l < run.err)" -eq 1 ] || fail "run: status $status, $(wc -l < run.err) lines on stderr"
echo "test_wheel: all passed ($(basename "$wheel"), $(stat -c %s "$wheel") bytes)"
