#!/usr/bin/env bash
# Builds the libFuzzer targets of Fuzz/ (with nnbench's modules instrumented for coverage and
# AddressSanitizer) and runs each on its seed corpus, one after another.
#
#   scripts/fuzz.sh [SECONDS]     each target for SECONDS (default 60)
#   scripts/fuzz.sh --runs N      each target for N executions
#   scripts/fuzz.sh --ci          each target for 20 s (CI's short pass)
#   FUZZ_TARGETS="SuiteFuzzer WireJSONFuzzer" scripts/fuzz.sh ...   only those targets
#
# A crash, a hang (one input running past 10 s), a leak (LeakSanitizer, on by default on Linux)
# or an AddressSanitizer error stops that target; its input is saved as
# Fuzz/Crashes/TARGET-crash-<sha1> (or -timeout-, -leak-, -oom-) and the script exits 1 after
# the remaining targets have run. Inputs the fuzzer finds interesting go to a scratch corpus under
# Fuzz/.build/corpus/TARGET, never into the committed seeds of Fuzz/Corpus/TARGET. The last
# lines print each target's executions and executions per second.
set -euo pipefail
cd "$(dirname "$0")/.."

limit=(-max_total_time=60)
case "${1:-}" in
    "") ;;
    --ci) limit=(-max_total_time=20) ;;
    --runs) limit=(-runs="${2:?--runs needs a count}") ;;
    *[!0-9]*) echo "usage: scripts/fuzz.sh [SECONDS | --runs N | --ci]" >&2; exit 64 ;;
    *) limit=(-max_total_time="$1") ;;
esac

targets=(${FUZZ_TARGETS:-ArchitectureSpecFuzzer OptimizerSpecFuzzer SuiteFuzzer ModelJSONFuzzer BaselineFileFuzzer WireJSONFuzzer})

echo "== building the fuzz targets (release, -sanitize=fuzzer,address, -enable-testing)"
swift build -c release --package-path Fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing
bin=Fuzz/.build/release
mkdir -p Fuzz/Crashes

failed=()
summary=()
for target in "${targets[@]}"; do
    echo "== $target ${limit[*]}"
    scratch=Fuzz/.build/corpus/$target
    mkdir -p "$scratch"
    log=Fuzz/.build/$target.log
    status=0
    "$bin/$target" "${limit[@]}" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
        -artifact_prefix="Fuzz/Crashes/$target-" "$scratch" "Fuzz/Corpus/$target" >"$log" 2>&1 || status=$?
    tail -n 12 "$log"
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    if [ "$status" -ne 0 ]; then
        failed+=("$target")
        summary+=("$target: FAILED (status $status) after ${runs:-?} executions; see $log and Fuzz/Crashes/")
    else
        summary+=("$target: ${runs:-?} executions, ${rate:-?} per second, no crash, hang or leak")
    fi
done

echo "== summary"
printf '%s\n' "${summary[@]}"
[ "${#failed[@]}" -eq 0 ]
