#!/usr/bin/env python3
"""The overfit check where the model does not fit its eight samples: its shortfall against half
the reference engine's gain, over a seed sweep, for docs/checks.md's margin.

    python3 scripts/overfit_sweep.py [--nnbench .build/release/nnbench] [--seeds 20] [--models engine32,engine64,numpy,torch32] [--cases "lstm copy-memory,..."]

For every model, case (architecture and task) and seed 0..N-1 it runs `nnbench check --only
overfit --seed S --json`. Runs where the model fits its batch pass and are counted apart;
where it does not, the check compares gains, and its load is the shortfall (D_ref − D)/(½·D_ref), 1 at the
bound. Prints one line per model and case: runs, runs compared by gain, false alarms, the worst
load and where, and the spread of D/D_ref. Exit status 1 when any run failed.
"""

import sys

from check_sweep import check_results, option

CASES = {
    "lstm copy-memory": ["--arch", "embedding(10, 3) lstm(9) dense(9)", "--task", "copy-memory", "--param", "length=6"],
    "gru copy-memory": ["--arch", "embedding(10, 3) gru(9) dense(9)", "--task", "copy-memory", "--param", "length=6"],
    "rnn copy-memory": ["--arch", "embedding(10, 3) rnn(9) dense(9)", "--task", "copy-memory", "--param", "length=6"],
    "rnn temporal-order": ["--arch", "embedding(8, 3) rnn(4, sequence: false) dense(4)", "--task", "temporal-order"],
    "relu rnn temporal-order": ["--arch", "embedding(8, 2) rnn(3, nonlinearity: relu, bias: false, sequence: false) dense(4)", "--task", "temporal-order", "--param", "length=10"],
    "lstm adding": ["--arch", "lstm(4, sequence: false) dense(1)", "--task", "adding"],
    "gru counting": ["--arch", "gru(2, sequence: false) dense(1)", "--task", "counting"],
    "linear xor": ["--arch", "dense(1)", "--task", "xor"],
    "linear spirals": ["--arch", "dense(3)", "--task", "spirals"],
    "mlp moons": ["--arch", "dense(2) tanh dense(1)", "--task", "moons"],
}

def gain_ratio(result):
    """D/D_ref from the check's load, the shortfall (D_ref − D)/(½·D_ref); 1 where the model gained more (load 0)."""
    return 1 - 0.5 * result["load"]


def main(argv):
    nnbench = option(argv, "--nnbench", ".build/release/nnbench")
    seeds = int(option(argv, "--seeds", "20"))
    models = option(argv, "--models", "engine32,engine64,numpy,torch32").split(",")
    cases = option(argv, "--cases", ",".join(CASES)).split(",")
    failed = False
    for model in models:
        for case in cases:
            worst, where, failures, runs, by_gain, ratios = 0.0, "", 0, 0, 0, []
            for seed in range(seeds):
                found = check_results(nnbench, model, [*CASES[case], "--seed", str(seed)], "overfit", "%s seed %d" % (case, seed))
                if found is None:
                    failed = True
                    continue
                for result in found:
                    runs += 1
                    if "reference's gain" in result.get("bound", ""):
                        by_gain += 1
                        ratios.append(gain_ratio(result))
                        if result["load"] > worst:
                            worst, where = result["load"], "seed %d" % seed
                    if result["status"] != "passed":
                        failures += 1
                        print("  %s %s seed %d: %s %s" % (model, case, seed, result["status"], result.get("diagnosis")))
            failed = failed or failures > 0
            spread = "D/D_ref %.3f..%.3f" % (min(ratios), max(ratios)) if ratios else "-"
            print("%-8s %-24s runs %2d  by gain %2d  false alarms %d  worst load %.3f (%s)  %s"
                  % (model, case, runs, by_gain, failures, worst, where or "-", spread), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
