#!/usr/bin/env python3
"""The gradient check on recurrent networks over a seed sweep: its worst load (error/bound) on
correct implementations, for docs/checks.md's margins.

    python3 scripts/through_time_sweep.py [--nnbench .build/debug/nnbench] [--seeds 20] [--models engine32,engine64,numpy,numpy32,torch,torch32] [--cases showcases|relu|NAME,...]

For every model, case (architecture and task) and seed 0..N-1 it runs `nnbench check --only
gradient --seed S` and reads the result's load (the worse of the last-step comparison and the one
through time) and the through-time comparison's figure from the result's notes. The cases:
`showcases`, the rnn, lstm and gru showcases over parity's 4 tokens (T = 4); `relu`, a relu rnn
returning its last step or its sequence, alone and under an lstm or gru that returns its last step
or its sequence, on counting at T = 10, 30 and 60, where a relu's kinks at the steps a
`sequence: false` output hides once failed the correct engine (issue 15). Prints one line per
model and case: runs, failures (false alarms), the worst load, the worst through-time load, and
where. Exit status 1 when any run failed.
"""

import re
import sys

from check_sweep import MODELS, check_results, option

PARITY = ["--task", "parity", "--param", "bits=4"]
SHOWCASES = {
    "rnn": ["--arch", "embedding(2, 4) rnn(6, sequence: false) dense(1)", *PARITY],
    "lstm": ["--arch", "embedding(2, 4) lstm(6, sequence: false, forget_bias: 1) dense(1)", *PARITY],
    "gru": ["--arch", "embedding(2, 4) gru(6, sequence: false) dense(1)", *PARITY],
}
RELU_ARCHS = {
    "relu-rnn-last": "rnn(8, nonlinearity: relu, sequence: false) dense(1)",
    "relu-rnn-seq": "rnn(8, nonlinearity: relu) flatten dense(1)",
    "relu-rnn-lstm-last": "rnn(8, nonlinearity: relu) lstm(4, sequence: false) dense(1)",
    "relu-rnn-lstm-seq": "rnn(8, nonlinearity: relu) lstm(4) flatten dense(1)",
    "relu-rnn-gru-last": "rnn(8, nonlinearity: relu) gru(4, sequence: false) dense(1)",
    "relu-rnn-gru-seq": "rnn(8, nonlinearity: relu) gru(4) flatten dense(1)",
}
RELU = {"%s T%d" % (name, steps): ["--arch", arch, "--task", "counting", "--param", "length=%d" % steps]
        for name, arch in RELU_ARCHS.items() for steps in (10, 30, 60)}
GROUPS = {"showcases": SHOWCASES, "relu": RELU}
CASES = {**SHOWCASES, **RELU}


def main(argv):
    nnbench = option(argv, "--nnbench", ".build/debug/nnbench")
    seeds = int(option(argv, "--seeds", "20"))
    models = option(argv, "--models", ",".join(MODELS)).split(",")
    names = option(argv, "--cases", "showcases").split(",")
    cases = [case for name in names for case in (GROUPS[name] if name in GROUPS else [name])]
    unknown = [case for case in cases if case not in CASES]
    if unknown:
        print("through_time_sweep.py: unknown case(s) %s; expected showcases, relu or one of: %s" % (", ".join(unknown), ", ".join(CASES)),
              file=sys.stderr)
        return 64
    failed = False
    for model in models:
        for case in cases:
            worst, where, through, through_where, failures, runs = 0.0, "", 0.0, "", 0, 0
            for seed in range(seeds):
                found = check_results(nnbench, model, [*CASES[case], "--seed", str(seed)], "gradient", "%s seed %d" % (case, seed))
                if found is None:
                    failed = True
                    continue
                for result in found:
                    runs += 1
                    if result["status"] != "passed":
                        failures += 1
                        print("  %s %s seed %d: %s %s" % (model, case, seed, result["status"], result.get("diagnosis")))
                    if (result.get("load") or 0) > worst:
                        worst, where = result["load"], "seed %d" % seed
                    for note in result["notes"]:
                        match = re.match(r"through time: .*: error/bound (\S+)$", note)
                        if match and float(match.group(1)) > through:
                            through, through_where = float(match.group(1)), "seed %d" % seed
            failed = failed or failures > 0
            print("%-8s %-22s runs %2d  false alarms %d  worst load %.3g (%s)  through time %.3g (%s)"
                  % (model, case, runs, failures, worst, where, through, through_where), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
