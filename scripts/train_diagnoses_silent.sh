#!/bin/sh
# Trains every task of the catalogue with `nnbench train TASK --seed S`, S = 0, 1, 2 (its
# reference solution over its whole epoch budget, two runs at a time), and lists the runs that
# print a training diagnosis ('nnbench: warning: ...' on standard error; docs/diagnoses.md).
# Exit 1 when one does, 0 when every run is silent.
#
#   scripts/train_diagnoses_silent.sh [NNBENCH]   default .build/release/nnbench
B=${1:-.build/release/nnbench}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
"$B" list | awk 'NR > 2 { print $1 }' | while read -r task; do for seed in 0 1 2; do echo "$task $seed"; done; done |
  xargs -P 2 -n 2 sh -c '"$0" train "$2" --seed "$3" 2>&1 >/dev/null | grep "nnbench: warning" > "$1/$2.seed-$3"; true' "$B" "$OUT"
runs=0; warned=0
for file in "$OUT"/*; do
  runs=$((runs + 1))
  if [ -s "$file" ]; then warned=$((warned + 1)); echo "$(basename "$file"):"; cat "$file"; fi
done
echo "$runs runs, $warned with a diagnosis"
[ "$runs" -gt 0 ] && [ "$warned" -eq 0 ]
