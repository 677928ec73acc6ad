#!/usr/bin/env python3
"""Compare nnbench's Float32 matrix product with numpy's (OpenBLAS), side by side.

Times C = A @ B for square n x n float32 matrices at 1 and 2 threads (by default) in both
libraries and prints GFLOPS and the ratio nnbench / numpy, with the CPU model and the date.

Build nnbench first:   swift build -c release
then run:              python3 scripts/bench_matmul.py [--sizes 64,256,512,1024] [--threads 1,2]

nnbench is measured with `.build/release/nnbench bench matmul --sizes ... --threads T --json`.
numpy is measured in a fresh subprocess per thread count, because OpenBLAS reads
OPENBLAS_NUM_THREADS only when it is loaded. Each side's process is pinned to T CPUs when T is
fewer than the machine has (machine.pinned_to), so no library can use more. Both report the best of repeated runs after a
warm-up; on a shared machine, run it while the machine is otherwise idle.
"""

import argparse
import json
import os
import sys

from machine import describe, executable, output_of, positive_float, positive_ints, thread_counts

# A, B and C of n = 8192 take 768 MiB as float32, and numpy's side builds them through int64 and
# float64 temporaries (about 1 GiB more): the largest side this script will try.
MAX_SIZE = 8192

# Runs in a subprocess with OPENBLAS_NUM_THREADS already set; prints a JSON array like nnbench's.
NUMPY_TIMER = r"""
import json, sys, time
import numpy as np
sizes, threads, budget = json.loads(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
results = []
for n in sizes:
    a = ((np.arange(n * n) % 97 - 48) / 64).astype(np.float32).reshape(n, n)
    b = ((np.arange(n * n) % 89 - 44) / 64).astype(np.float32).reshape(n, n)
    c = np.empty((n, n), np.float32)
    np.matmul(a, b, out=c)
    best, runs, start = float("inf"), 0, time.perf_counter()
    while runs < 3 or time.perf_counter() - start < budget:
        t = time.perf_counter()
        np.matmul(a, b, out=c)
        best = min(best, time.perf_counter() - t)
        runs += 1
    results.append({"n": n, "threads": threads, "gflops": 2 * n**3 / best / 1e9})
print(json.dumps(results))
"""


def numpy_gflops(sizes, threads, budget):
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads))
    out = output_of([sys.executable, "-c", NUMPY_TIMER, json.dumps(sizes), str(threads), str(budget)], env=env, threads=threads)
    return {r["n"]: r["gflops"] for r in json.loads(out)}


def nnbench_gflops(binary, sizes, threads):
    out = output_of([binary, "bench", "matmul", "--sizes", ",".join(map(str, sizes)), "--threads", str(threads), "--json"], threads=threads)
    return {r["n"]: r["gflops"] for r in json.loads(out)}


def matrix_sizes(text):
    """An argparse type for --sizes: comma-separated sides from 1 to MAX_SIZE."""
    sizes = positive_ints(text)
    for n in sizes:
        if n > MAX_SIZE:
            raise argparse.ArgumentTypeError("%d: expected sides up to %d (three %d x %d float32 matrices need %.1f GiB)"
                                             % (n, MAX_SIZE, n, n, 3 * 4 * n * n / 2**30))
    return sizes


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=matrix_sizes, default="64,256,512,1024",
                        help="comma-separated matrix sides, at most %d" % MAX_SIZE)
    parser.add_argument("--threads", type=thread_counts, default="1,2" if os.cpu_count() > 1 else "1",
                        help="comma-separated thread counts, at most the CPU count")
    parser.add_argument("--budget", type=positive_float, default=1.0,
                        help="seconds numpy repeats each size (nnbench uses its own default)")
    parser.add_argument("--binary", type=executable, default=".build/release/nnbench",
                        help="the nnbench executable (default: %(default)s, from `swift build -c release`)")
    args = parser.parse_args()
    sizes = args.sizes

    print(describe())
    print(f"{'n':>6} {'threads':>7} {'numpy GFLOPS':>13} {'nnbench GFLOPS':>15} {'nnbench/numpy':>13}")
    for threads in args.threads:
        reference = numpy_gflops(sizes, threads, args.budget)
        ours = nnbench_gflops(args.binary, sizes, threads)
        for n in sizes:
            print(f"{n:>6} {threads:>7} {reference[n]:>13.1f} {ours[n]:>15.1f} "
                  f"{ours[n] / reference[n]:>13.2f}")


if __name__ == "__main__":
    main()
