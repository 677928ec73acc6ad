#!/usr/bin/env python3
"""The bug x check matrix of the numpy client: every --bug of examples/numpy_client/nnbench_client.py
checked by nnbench over the protocol, with the place nnbench names and whether it is the bug's.

    swift build -c release
    python3 scripts/client_bug_matrix.py                      # float64 and float32, every bug
    python3 scripts/client_bug_matrix.py --dtype float32 --bugs relu-backward-passes-negative,bce-unstable
    python3 scripts/client_bug_matrix.py --nnbench .build/release/nnbench --jobs 2

For each bug (and the correct client, row "(none)"), it runs

    nnbench check --exec "python3 examples/numpy_client/nnbench_client.py --bug BUG [--dtype float32]" --json

which checks the program on nnbench's six default architectures (Showcase.all), and prints a
Markdown table per precision: a column per check, `X` when the check failed on some architecture,
else `E` (an error), `.` (passed) or `-` (skipped everywhere); then the place nnbench named and
whether it is right. On each architecture where the bug was caught, the place is the `location` of
the first failing check in nnbench's order (input-gradient, reference, gradient, then the others:
FaultMatrix.localisationOrder); it is right when it is the bug's place below (TRUTH): for a layer
bug, named layers, all of the broken type; for the others the loss, the optimizer (one of the rules
the bug breaks), the initialisation or the data. A bug is located when every architecture that
catches it places it right. Exit status 0 when every bug is caught and located and the correct
client passes, 1 otherwise, 2 when nnbench could not be run.
"""

import concurrent.futures
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLIENT = "examples/numpy_client/nnbench_client.py"
CHECKS = ["init", "reference", "gradient", "input-gradient", "update", "batch", "modes", "numerics", "health", "overfit",
          "known-answers", "ablation", "input-baseline"]
ORDER = ["input-gradient", "reference", "gradient"] + [c for c in CHECKS if c not in ("input-gradient", "reference", "gradient")]
ANY = None  # every optimizer rule
RECURRENT = {"rnn", "lstm", "gru"}  # the client's recurrent bugs are in the code the three share

# Where each bug of the client is: ("layer", type or set of types), ("loss",), ("optimizer", rules or ANY),
# ("initialisation",) or ("data",). Read from the client's code around each bug("...").
TRUTH = {
    "relu-backward-passes-negative": ("layer", "relu"),
    "sigmoid-derivative-of-input": ("layer", "sigmoid"),
    "tanh-derivative-of-input": ("layer", "tanh"),
    "dense-weight-gradient-transposed": ("layer", "dense"),
    "dense-input-gradient-wrong-product": ("layer", "dense"),
    "dense-missing-bias-gradient": ("layer", "dense"),
    "dense-bias-gradient-not-summed": ("layer", "dense"),
    "dense-leaks-across-batch": ("layer", "dense"),
    "conv-kernel-flipped": ("layer", "conv2d"),
    "maxpool-gradient-to-window": ("layer", "maxpool2d"),
    "dropout-not-inverted": ("layer", "dropout"),
    "dropout-in-evaluation": ("layer", "dropout"),
    "loss-sum-not-mean": ("loss",),
    "softmax-without-max": ("loss",),
    "bce-unstable": ("loss",),
    "mse-gradient-missing-factor-2": ("loss",),
    "updates-not-applied": ("optimizer", ANY),
    "update-wrong-sign": ("optimizer", ANY),
    "gradients-not-zeroed": ("optimizer", ANY),
    "momentum-not-kept": ("optimizer", {"sgd"}),
    "adam-without-bias-correction": ("optimizer", {"adam", "adamw"}),
    "weight-decay-wrong-sign": ("optimizer", {"sgd", "adam", "adamw", "rmsprop"}),
    "init-zeros": ("initialisation",),
    "init-constant": ("initialisation",),
    "init-scale-times-10": ("initialisation",),
    "labels-shuffled-separately": ("data",),
    "training-inputs-one-batch-late": ("data",),
    "dropout-backward-ignores-mask": ("layer", "dropout"),
    "maxpool-backward-assigns": ("layer", "maxpool2d"),
    "maxpool-backward-first-window-only": ("layer", "maxpool2d"),
    "dense-input-gradient-last-unit-only": ("layer", "dense"),
    "softmax-ce-gradient-wrong-sign": ("loss",),
    "bias-gradient-averaged": ("layer", "dense"),
    "batchnorm-gradient-ignores-statistics": ("layer", "batchnorm"),
    "batchnorm-running-var-biased": ("layer", "batchnorm"),
    "batchnorm-eval-uses-batch-statistics": ("layer", "batchnorm"),
    "gelu-tanh-approximation": ("layer", "gelu"),
    "rmsprop-without-eps-inside": ("optimizer", {"rmsprop"}),
    "adamw-decay-coupled": ("optimizer", {"adamw"}),
    "bptt-truncated-to-one-step": ("layer", RECURRENT),
    "recurrent-ignores-initial-state": ("layer", RECURRENT),
    "rnn-weight-hh-gradient-skips-first-step": ("layer", RECURRENT),
}


def describe(location):
    """A location of nnbench's JSON in the words nnbench uses (BugLocation.description)."""
    place = location["place"]
    if place in ("layers", "suspects"):
        layers = location["layers"]
        types = {layer["type"] for layer in layers}
        word = "layer" if len(layers) == 1 else "layers"
        if len(types) == 1:
            text = "%s %s (%s)" % (word, ", ".join(str(layer["index"]) for layer in layers), types.pop())
        else:
            text = word + " " + ", ".join("%d (%s)" % (layer["index"], layer["type"]) for layer in layers)
        if place == "suspects":
            if location["loss"]:
                return text + " or the loss" if layers else "the loss"
            return "one of " + text
        return text
    return {"loss": "the loss", "initialisation": "initialisation", "data": "the training data (inputs or targets)"}.get(place) or "optimizer " + location.get("spec", "")


def is_right(location, truth):
    place = location["place"]
    if truth[0] == "layer":
        return place in ("layers", "suspects") and not location.get("loss") and bool(location["layers"]) \
            and all(layer["type"] in ({truth[1]} if isinstance(truth[1], str) else truth[1]) for layer in location["layers"])
    if truth[0] == "loss":
        return place == "loss" or (place == "suspects" and location["loss"] and not location["layers"])
    if truth[0] == "optimizer":
        return place == "optimizer" and (truth[1] is ANY or location["optimizer"] in truth[1])
    return place == truth[0]


def run(nnbench, bug, dtype, timeout):
    program = "python3 %s%s%s" % (CLIENT, " --bug " + bug if bug else "", " --dtype float32" if dtype == "float32" else "")
    done = subprocess.run([nnbench, "check", "--exec", program, "--json"], cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    if done.returncode not in (0, 1, 2) or not done.stdout.strip():
        raise RuntimeError("%s: exit %d: %s" % (program, done.returncode, done.stderr.strip()[-400:]))
    return json.loads(done.stdout)


def row(bug, report):
    """The cells of one bug: per check X/E/./-, the places named per architecture, the verdict."""
    cells = {}
    for check in CHECKS:
        statuses = {r["status"] for e in report["entries"] for r in e["results"] if r["check"] == check}
        cells[check] = "X" if "failed" in statuses else "E" if "error" in statuses else "." if "passed" in statuses else "-"
    places, rights = [], []
    for entry in report["entries"]:
        failed = {r["check"]: r for r in entry["results"] if r["status"] == "failed"}
        if entry["status"] == "error":
            places.append("%s: could not be checked" % entry["name"])
            rights.append(False)
            continue
        if not failed:
            continue
        named = next(((c, failed[c]["location"]) for c in ORDER if c in failed and failed[c].get("location")), None)
        if named is None:
            places.append("%s: — (%s)" % (entry["name"], ", ".join(sorted(failed))))
            rights.append(False)
            continue
        right = bug is not None and is_right(named[1], TRUTH[bug])
        places.append("%s: %s %s (%s)" % (entry["name"], describe(named[1]), "✓" if right else "✗", named[0]))
        rights.append(right)
    if bug is None:
        verdict = "✓ no false alarm" if not rights else "✗ false alarm"
    elif not rights:
        verdict = "✗ not caught"
    else:
        verdict = "✓" if all(rights) else "✗ %d/%d" % (sum(rights), len(rights))
    return cells, places, verdict, (not rights) if bug is None else (bool(rights) and all(rights))


def main(argv):
    nnbench, dtypes, bugs, jobs, timeout = os.path.join(ROOT, ".build", "release", "nnbench"), ["float64", "float32"], list(TRUTH), 1, 900
    args = list(argv)
    while args:
        a = args.pop(0)
        if a == "--nnbench" and args:
            nnbench = os.path.abspath(args.pop(0))
        elif a == "--dtype" and args and args[0] in ("float32", "float64"):
            dtypes = [args.pop(0)]
        elif a == "--bugs" and args:
            bugs = args.pop(0).split(",")
        elif a == "--jobs" and args and args[0].isdigit() and int(args[0]) > 0:
            jobs = int(args.pop(0))
        else:
            print("usage: client_bug_matrix.py [--nnbench PATH] [--dtype float32|float64] [--bugs A,B] [--jobs N]", file=sys.stderr)
            return 64
    listed = subprocess.run([sys.executable, os.path.join(ROOT, CLIENT), "--list-bugs"], capture_output=True, text=True).stdout
    unknown = [b for b in bugs if b not in TRUTH]
    missing = [line.split()[0] for line in listed.splitlines() if line.split()[0] not in TRUTH]
    if unknown or missing:
        print("client_bug_matrix.py: unknown bugs %s; client bugs without a place in TRUTH: %s" % (unknown, missing), file=sys.stderr)
        return 64
    ok = True
    for dtype in dtypes:
        try:
            with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
                reports = list(pool.map(lambda bug: run(nnbench, bug, dtype, timeout), [None] + bugs))
        except (OSError, RuntimeError, subprocess.TimeoutExpired, json.JSONDecodeError) as error:
            print("client_bug_matrix.py: %s" % error, file=sys.stderr)
            return 2
        print("%s (`%s`):\n" % (dtype, "python3 %s%s" % (CLIENT, " --dtype float32" if dtype == "float32" else "")))
        print("| bug | " + " | ".join(CHECKS) + " | located | |")
        print("|---|" + ":-:|" * len(CHECKS) + "---|---|")
        located = 0
        for bug, report in zip([None] + bugs, reports):
            cells, places, verdict, good = row(bug, report)
            ok &= good
            located += bool(bug) and good
            print("| %s | %s | %s | %s |" % ("`%s`" % bug if bug else "(none)", " | ".join(cells[c] for c in CHECKS), "; ".join(places) or "—", verdict))
        print("\n%d of %d bugs caught and located right on every architecture that catches them.\n" % (located, len(bugs)))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
