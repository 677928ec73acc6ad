#!/usr/bin/env python3
"""The gradient check through time over a seed sweep: its worst load (error/bound) on correct
implementations, for docs/checks.md's margin.

    python3 scripts/through_time_sweep.py [--nnbench .build/debug/nnbench] [--seeds 20] [--models engine32,engine64,numpy,numpy32,torch,torch32]

For every model, recurrent architecture (rnn, lstm, gru over parity's 4 tokens) and seed 0..N-1 it
runs `nnbench check --only gradient --seed S` and reads the through-time comparison's figure from
the result's notes. Prints one line per model and architecture: runs, failures (false alarms),
worst load, and where. Exit status 1 when any run failed.
"""

import json
import re
import subprocess
import sys

from check_sweep import MODELS, option, results

ARCHS = {
    "rnn": "embedding(2, 4) rnn(6, sequence: false) dense(1)",
    "lstm": "embedding(2, 4) lstm(6, sequence: false, forget_bias: 1) dense(1)",
    "gru": "embedding(2, 4) gru(6, sequence: false) dense(1)",
}


def main(argv):
    nnbench = option(argv, "--nnbench", ".build/debug/nnbench")
    seeds = int(option(argv, "--seeds", "20"))
    models = option(argv, "--models", ",".join(MODELS)).split(",")
    failed = False
    for model in models:
        for arch_name, arch in ARCHS.items():
            worst, where, failures, runs = 0.0, "", 0, 0
            for seed in range(seeds):
                command = [nnbench, "check", *MODELS[model], "--arch", arch, "--task", "parity", "--param", "bits=4",
                           "--only", "gradient", "--seed", str(seed), "--json"]
                run = subprocess.run(command, capture_output=True, text=True)
                for result in results(json.loads(run.stdout), "gradient"):
                    runs += 1
                    if result["status"] != "passed":
                        failures += 1
                        print("  %s %s seed %d: %s %s" % (model, arch_name, seed, result["status"], result.get("diagnosis")))
                    for note in result["notes"]:
                        match = re.match(r"through time: .*: error/bound (\S+)$", note)
                        if match and float(match.group(1)) > worst:
                            worst, where = float(match.group(1)), "seed %d" % seed
            failed = failed or failures > 0
            print("%-8s %-4s runs %2d  false alarms %d  worst through-time load %.3g (%s)" % (model, arch_name, runs, failures, worst, where),
                  flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
