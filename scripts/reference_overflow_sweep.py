#!/usr/bin/env python3
"""The reference check on relu rnns that explode under sgd(lr: 0.1) (issue 15, finding 1): over a
seed sweep, no false alarm, and how many optimizer steps the check could not compare because
the reference's own values left the model's range.

    python3 scripts/reference_overflow_sweep.py [--nnbench .build/release/nnbench] [--seeds 20] [--models engine32,engine64] [--lengths 15,30,60]

For every model, architecture (`rnn(8, nonlinearity: relu, sequence: false) dense(1)`, and two
such layers, the first returning its sequence, on counting), length T and seed 0..N-1 it runs `nnbench check --only reference --seed S --param
length=T --json`. Prints one line per model, architecture and T: runs, failures (each printed),
runs with steps not compared and the steps left out, and the worst load. Exit status 1 when any
run failed.
"""

import re
import sys

from check_sweep import check_results, option

ARCHITECTURES = {
    "last": "rnn(8, nonlinearity: relu, sequence: false) dense(1)",
    # counting takes one output per sequence, so a layer returning its sequence feeds a second one.
    "sequence": "rnn(8, nonlinearity: relu) rnn(8, nonlinearity: relu, sequence: false) dense(1)",
}


def main(argv):
    nnbench = option(argv, "--nnbench", ".build/release/nnbench")
    seeds = int(option(argv, "--seeds", "20"))
    models = option(argv, "--models", "engine32,engine64").split(",")
    lengths = [int(t) for t in option(argv, "--lengths", "15,30,60").split(",")]
    failed = False
    for model in models:
        for name, arch in ARCHITECTURES.items():
            for length in lengths:
                runs, failures, cut, left_out, worst, where = 0, 0, 0, 0, 0.0, "-"
                for seed in range(seeds):
                    found = check_results(nnbench, model, ["--arch", arch, "--task", "counting", "--param", "length=%d" % length, "--seed", str(seed)], "reference", "%s T=%d seed %d" % (name, length, seed))
                    if found is None:
                        failed = True
                        continue
                    for result in found:
                        runs += 1
                        if result["status"] != "passed":
                            failures += 1
                            print("  %s %s T=%d seed %d: %s %s" % (model, name, length, seed, result["status"], result.get("diagnosis")))
                        skipped = [m for note in result.get("notes", []) for m in re.findall(r"(\d+) of the (\d+) steps compared", note)]
                        if skipped:
                            cut += 1
                            left_out += sum(int(total) - int(done) for done, total in skipped)
                        if (result.get("load") or 0) > worst:
                            worst, where = result["load"], "seed %d" % seed
                failed = failed or failures > 0
                print("%-8s %-8s T=%-3d runs %2d  false alarms %d  runs with steps not compared %2d (%3d steps)  worst load %.3f (%s)"
                      % (model, name, length, runs, failures, cut, left_out, worst, where), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
