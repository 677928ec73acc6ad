#!/usr/bin/env bash
# Runs the whole test suite under AddressSanitizer and ThreadSanitizer, each build in its own
# folder so that neither disturbs the ordinary .build:
#
#   scripts/sanitize.sh                  both, AddressSanitizer first
#   scripts/sanitize.sh address          AddressSanitizer only (.build-asan)
#   scripts/sanitize.sh thread           ThreadSanitizer only (.build-tsan)
#   scripts/sanitize.sh thread --filter SuiteRunner   extra arguments go to swift test
#
# The nnbench executable the command-line tests start is built with the same sanitizer, so the
# parallel suite runner and the process runner are checked in the tool as well as in the tests.
# A finding fails the run: swift test exits non-zero and the report is in the output (saved to
# .build-asan/sanitize.log or .build-tsan/sanitize.log).
set -euo pipefail
cd "$(dirname "$0")/.."

sanitizers=()
while [ $# -gt 0 ] && { [ "$1" = address ] || [ "$1" = thread ]; }; do sanitizers+=("$1"); shift; done
[ "${#sanitizers[@]}" -gt 0 ] || sanitizers=(address thread)

# allocator_may_return_null: the matrix kernels' out-of-memory test needs malloc to return NULL
# under its memory limit, as glibc's does, rather than the sanitizer's allocator ending the process.
export ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1:${ASAN_OPTIONS:-}"
export TSAN_OPTIONS="halt_on_error=0:allocator_may_return_null=1:${TSAN_OPTIONS:-}"
# Leaks of the toolchain's libraries (XCTest, Foundation's Process), not nnbench's: see the file.
export LSAN_OPTIONS="suppressions=$PWD/scripts/lsan.supp:print_suppressions=0:${LSAN_OPTIONS:-}"

failed=()
for sanitizer in "${sanitizers[@]}"; do
    scratch=.build-${sanitizer:0:1}san
    mkdir -p "$scratch"
    echo "== swift test --sanitize=$sanitizer --scratch-path $scratch $*"
    if swift test --sanitize="$sanitizer" --scratch-path "$scratch" "$@" 2>&1 | tee "$scratch/sanitize.log"; then
        echo "== $sanitizer: clean"
    else
        failed+=("$sanitizer")
        echo "== $sanitizer: FAILED (see $scratch/sanitize.log)"
    fi
done
[ "${#failed[@]}" -eq 0 ]
