#!/usr/bin/env python3
"""Peak memory and time of `nnbench generate` as n grows, per format: memory should stay flat
and time grow linearly in n, since generate draws and writes the samples a block at a time
(README, "Generate data").

For each format (csv, json, npy, and csv.gz) and each n, runs

    nnbench generate TASK --n N --param n-valid=1 --param n-test=1 --format F --output /dev/null

(a .gz name for csv.gz, written into a temporary folder) and prints the wall time, the time per
million samples and the peak resident memory of the process (from wait4's rusage), with the
machine and the date.

Build nnbench first:   swift build -c release
then run:              python3 scripts/bench_generate_stream.py [--sizes 100000 1000000 10000000] [--task moons]
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time

from machine import describe


def run(arguments):
    """Runs a command; returns (seconds, peak resident memory in MB)."""
    start = time.perf_counter()
    process = subprocess.Popen(arguments, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed ({os.waitstatus_to_exitcode(status)}): {' '.join(arguments)}")
    return seconds, usage.ru_maxrss / 1024  # Linux reports kilobytes


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000, 10_000_000],
                        help="training-set sizes n (default: %(default)s)")
    parser.add_argument("--task", default="moons", help="the task (default: %(default)s)")
    parser.add_argument("--formats", nargs="+", default=["csv", "json", "npy", "csv.gz"])
    parser.add_argument("--binary", default=".build/release/nnbench",
                        help="the nnbench executable (default: %(default)s, from `swift build -c release`)")
    args = parser.parse_args()
    if not os.access(args.binary, os.X_OK):
        sys.exit(f"{args.binary} not found: run `swift build -c release` first")
    print(describe())
    print(f"task {args.task}, validation and test splits of 1 sample each")
    print(f"{'format':<7} {'n':>12} {'seconds':>9} {'s per 10^6':>11} {'peak MB':>8}")
    with tempfile.TemporaryDirectory() as folder:
        for form in args.formats:
            for n in args.sizes:
                output = os.path.join(folder, "data." + form) if form.endswith(".gz") else "/dev/null"
                seconds, peak = run([args.binary, "generate", args.task, "--n", str(n), "--param", "n-valid=1",
                                     "--param", "n-test=1", "--format", form.split(".")[0], "--output", output])
                print(f"{form:<7} {n:>12,} {seconds:>9.2f} {seconds / n * 1e6:>11.3f} {peak:>8.1f}", flush=True)


if __name__ == "__main__":
    main()
