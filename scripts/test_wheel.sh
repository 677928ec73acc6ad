#!/usr/bin/env bash
# The wheel as a user without Swift gets it: builds it (scripts/build_wheel.sh, or takes --wheel
# FILE), installs it into a fresh virtual environment, and with a PATH that has no `swift`, in an
# empty folder outside the checkout, runs
#   nnbench --version, list, show, generate (CSV, NPY read back by numpy), train,
#   check --exec on the helper client (examples/helper_client, importing nnbench_check from the
#   wheel): passes; the same client with one wrong backward pass (--bug tanh-derivative-of-input):
#   fails, naming layer 1, the tanh; and run: without a Baselines folder it says in one line what
#   it needs (status 2, with or without --allow-new); after `baseline record xor` it runs the
#   built-in suite's xor and compares it exactly; with --allow-new it accepts an entry that has no
#   baseline yet (moons).
# Exits non-zero at the first step that does not do what it should, and before building anything
# when a tool it needs is missing (python3's venv, numpy, binutils' objdump and strip).
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
# What the test needs besides what building the binary needs (scripts/build_static.sh checks that):
# said before a build that can take many minutes, not after it.
python3 -c 'import ensurepip, venv' 2>/dev/null || {
    echo "test_wheel: python3 cannot make a virtual environment (no ensurepip); install Debian's python3-venv" >&2; exit 1; }
python3 -c 'import numpy' 2>/dev/null || {
    echo "test_wheel: python3 has no numpy (the wheel's one dependency, taken from the machine); install python3-numpy or 'pip install numpy'" >&2; exit 1; }
for tool in objdump strip ldd; do
    command -v $tool >/dev/null || { echo "test_wheel: $tool not found on PATH; install Debian's binutils (objdump, strip) and libc-bin (ldd)" >&2; exit 1; }
done

if [ -z "$wheel" ]; then
    # The build's own lines go on to stderr (a CI log shows them; `tee /dev/stderr` would reopen,
    # and so truncate, a log file stderr is redirected to); the wheel's path is kept.
    mkdir -p "$scratch"
    scripts/build_wheel.sh --scratch-path "$scratch" --output "$scratch/dist" | tee "$scratch/build_wheel.log" >&2
    wheel=$(sed -n 's/^build_wheel: \(.*\.whl\),.*/\1/p' "$scratch/build_wheel.log")
    [ -n "$wheel" ] || { echo "test_wheel: scripts/build_wheel.sh named no wheel" >&2; exit 1; }
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

step "nnbench run outside a checkout, no Baselines folder: one line saying what it needs, status 2 (--allow-new too)"
for allow in "" --allow-new; do
    status=0
    nnbench run xor $allow > run.txt 2> run.err || status=$?
    cat run.txt run.err
    [ $status -eq 2 ] && [ "$(wc -l < run.err)" -eq 1 ] && [ ! -s run.txt ] || fail "run xor $allow: status $status, $(wc -l < run.err) lines on stderr"
done

step "nnbench baseline record xor, then run xor: the built-in suite, compared exactly"
nnbench baseline record xor | tail -n 1
[ -f Baselines/xor.json.gz ] || fail "baseline record xor wrote no Baselines/xor.json.gz"
status=0
nnbench run xor > run.txt || status=$?
[ $status -eq 0 ] || { cat run.txt; fail "run xor against its own baseline: status $status"; }
head -n 1 run.txt
grep -q '^suite built-in default' run.txt || { cat run.txt; fail "run's first line does not name the built-in default suite"; }
grep -q 'pass (exact)' run.txt || { cat run.txt; fail "run xor is not an exact pass"; }
tail -n 1 run.txt

step "nnbench run xor moons: moons has no baseline, status 2; with --allow-new accepted, status 0"
status=0
nnbench run xor moons > run.txt || status=$?
[ $status -eq 2 ] || { cat run.txt; fail "run xor moons without --allow-new: status $status, expected 2"; }
status=0
nnbench run xor moons --allow-new > run.txt || status=$?
[ $status -eq 0 ] || { cat run.txt; fail "run xor moons --allow-new: status $status"; }
grep -E '^moons ' run.txt | grep -q ' new ' || { cat run.txt; fail "moons is not 'new'"; }
tail -n 1 run.txt
echo "test_wheel: all passed ($(basename "$wheel"), $(stat -c %s "$wheel") bytes)"
