#!/usr/bin/env python3
"""Compare nnbench's dataset generation with scikit-learn's, side by side.

Times the generation of n samples in memory (no file writing) by scikit-learn's `make_moons` and
`make_classification` and by nnbench's closest tasks, and prints seconds and the speed ratio
(scikit-learn time / nnbench time, so > 1 means nnbench is faster), with the machine and the date.

  make_moons(n, noise=0.1)                     vs  nnbench moons (noise 0.1)
  make_classification(n, 2 features, 2 classes,
                      1 cluster per class)     vs  nnbench blobs (2 classes, 2-D Gaussians)

Each side reports the best of --repeats runs per round, and the best round counts; the sides take
turns within each round (--rounds), so a noisy machine slows all of them alike. nnbench is timed by
`nnbench bench generate`, which builds the task's splits in memory; its validation and test splits
are set to one sample each so that n samples are generated, as by scikit-learn.

With --before, an older nnbench build (say, main's, copied aside before rebuilding) runs as one
more interleaved side, and the last column, nnbench/before (before's seconds over nnbench's), is a
change's speed-up measured under the same load.

Build nnbench first:   swift build -c release
then run:              python3 scripts/bench_generate.py [--n 1000000] [--rounds 3] [--before OLD_BINARY]
scikit-learn:          pip install scikit-learn
"""

import argparse
import json
import sys
import time

from machine import describe, executable, output_of, positive_int


def sklearn_seconds(function, n, repeats, **options):
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        function(n_samples=n, random_state=0, **options)
        best = min(best, time.perf_counter() - start)
    return best


def nnbench_seconds(binary, task, n, repeats, parameters):
    arguments = [binary, "bench", "generate", task, "--n", str(n - 2), "--param", "n-valid=1",
                 "--param", "n-test=1", "--repeats", str(repeats), "--json"]
    for parameter in parameters:
        arguments += ["--param", parameter]
    return json.loads(output_of(arguments))["seconds"]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=positive_int, default=1_000_000, help="samples per dataset (default %(default)s)")
    parser.add_argument("--repeats", type=positive_int, default=5, help="runs per side and round; the fastest counts")
    parser.add_argument("--rounds", type=positive_int, default=1, help="interleaved rounds; the best counts (default %(default)s)")
    parser.add_argument("--binary", type=executable, default=".build/release/nnbench",
                        help="the nnbench executable (default: %(default)s, from `swift build -c release`)")
    parser.add_argument("--before", type=executable, help="an older nnbench executable, timed as one more interleaved side")
    args = parser.parse_args()
    if args.n < 3:
        parser.error("argument --n: at least 3 (nnbench's validation and test splits take one each)")
    try:
        from sklearn.datasets import make_classification, make_moons
    except ImportError:
        # Without its one peer the script has nothing to compare: status 2, as for a missing file.
        sys.stderr.write("error: scikit-learn is not installed: pip install scikit-learn\n")
        sys.exit(2)

    import sklearn
    print(describe())
    print(f"scikit-learn {sklearn.__version__}, n = {args.n:,}, best of {args.repeats} runs × {args.rounds} rounds")
    pairs = [
        ("make_moons", make_moons, {"noise": 0.1}, "moons", ["noise=0.1"]),
        ("make_classification", make_classification,
         {"n_features": 2, "n_informative": 2, "n_redundant": 0, "n_clusters_per_class": 1}, "blobs", ["classes=2"]),
    ]
    best = {}
    for _ in range(args.rounds):
        for name, function, options, task, parameters in pairs:
            sides = {"scikit-learn": lambda: sklearn_seconds(function, args.n, args.repeats, **options),
                     "nnbench": lambda: nnbench_seconds(args.binary, task, args.n, args.repeats, parameters)}
            if args.before:
                sides["before"] = lambda: nnbench_seconds(args.before, task, args.n, args.repeats, parameters)
            for side, run in sides.items():
                best[name, side] = min(best.get((name, side), float("inf")), run())
    header = f"{'scikit-learn':<22} {'seconds':>8}   {'nnbench':<8} {'seconds':>8} {'speed ratio':>12}"
    print(header + (f" {'before':>8} {'nnbench/before':>15}" if args.before else ""))
    for name, _, _, task, _ in pairs:
        reference, ours = best[name, "scikit-learn"], best[name, "nnbench"]
        line = f"{name:<22} {reference:>8.3f}   {task:<8} {ours:>8.4f} {reference / ours:>11.1f}x"
        if args.before:
            line += f" {best[name, 'before']:>8.4f} {best[name, 'before'] / ours:>14.2f}x"
        print(line)


if __name__ == "__main__":
    main()
