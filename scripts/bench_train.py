#!/usr/bin/env python3
"""Compare nnbench's training speed with PyTorch's on the CPU, side by side.

Trains the same architectures with the same batch size, optimizer (Adam, lr 1e-3) and number of
steps in nnbench and in PyTorch, at 1 and 2 threads, and prints samples per second and the ratio
nnbench / PyTorch, with the machine and the date. A step is forward, loss, backward and one
optimizer update; nothing else is timed. Both sides warm up first and time one run of `steps`.

Build nnbench first:   swift build -c release
then run:              python3 scripts/bench_train.py [--threads 1,2] [--scale 1.0]

PyTorch: this project's machines carry a CPU-only wheel; install it with
    pip install /opt/wheels/torch-2.13.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl
elsewhere use PyTorch's CPU index (pip install torch --index-url https://download.pytorch.org/whl/cpu);
the default wheel on PyPI pulls about 3 GB of CUDA packages that this benchmark does not use.
"""

import argparse
import json
import os
import subprocess
import sys
import time

from machine import describe

# name, nnbench task arguments, architecture, batch, steps
CONFIGS = [
    ("tiny MLP 2-16-16-2", ["spirals", "--param", "classes=2", "--n", "3200"],
     "dense(16) relu dense(16) relu dense(2)", 32, 20000),
    ("small MLP 2-64-64-2", ["spirals", "--param", "classes=2", "--n", "3200"],
     "dense(64) relu dense(64) relu dense(2)", 32, 10000),
    ("mid MLP 64-256-256-10", ["random-labels", "--param", "features=64", "--param", "classes=10", "--n", "4096"],
     "dense(256) relu dense(256) relu dense(10)", 256, 400),
    ("conv net on bars-stripes", ["bars-stripes", "--n", "2048"],
     "conv2d(8, kernel: 3, padding: 1) relu maxpool2d(2) flatten dense(1)", 64, 1000),
]


def torch_model(torch, arch):
    """The PyTorch module for one of CONFIGS' architectures, and its loss."""
    nn = torch.nn
    if arch.startswith("conv2d"):
        return nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                             nn.Linear(8 * 4 * 4, 1)), nn.BCEWithLogitsLoss(), (1, 8, 8), None
    widths = [int(part[len("dense("):-1]) for part in arch.split() if part.startswith("dense(")]
    inputs = 64 if widths[-1] == 10 else 2
    layers, previous = [], inputs
    for i, width in enumerate(widths):
        layers.append(nn.Linear(previous, width))
        if i < len(widths) - 1:
            layers.append(nn.ReLU())
        previous = width
    return nn.Sequential(*layers), nn.CrossEntropyLoss(), (inputs,), widths[-1]


def torch_samples_per_second(torch, arch, batch, steps, threads):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model, loss_fn, shape, classes = torch_model(torch, arch)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    count = batch * 32
    x = torch.randn(count, *shape)
    y = torch.randint(0, classes, (count,)) if classes else torch.randint(0, 2, (count, 1)).float()

    def step(i):
        start = (i % 32) * batch
        optimizer.zero_grad()
        loss = loss_fn(model(x[start:start + batch]), y[start:start + batch])
        loss.backward()
        optimizer.step()

    for i in range(steps // 10 + 1):
        step(i)
    t = time.perf_counter()
    for i in range(steps):
        step(i)
    return steps * batch / (time.perf_counter() - t)


def nnbench_samples_per_second(binary, task, arch, batch, steps, threads):
    out = subprocess.run(
        [binary, "bench", "train", *task, "--arch", arch, "--optimizer", "adam(lr: 0.001)",
         "--batch", str(batch), "--steps", str(steps), "--threads", str(threads), "--json"],
        check=True, capture_output=True, text=True).stdout
    return json.loads(out)["samplesPerSecond"]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", default="1,2", help="comma-separated thread counts")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every step count by this")
    parser.add_argument("--binary", default=".build/release/nnbench",
                        help="the nnbench executable (default: %(default)s, from `swift build -c release`)")
    args = parser.parse_args()
    try:
        import torch
    except ImportError:
        sys.exit("PyTorch is not installed; see this script's help (-h) for how to get the CPU-only wheel")
    if not os.access(args.binary, os.X_OK):
        sys.exit(f"{args.binary} not found: run `swift build -c release` first")

    print(describe())
    print(f"torch:   {torch.__version__}")
    print(f"{'architecture':<26} {'batch':>5} {'threads':>7} {'PyTorch samples/s':>18} "
          f"{'nnbench samples/s':>18} {'ratio':>7}")
    for threads in [int(t) for t in args.threads.split(",")]:
        for name, task, arch, batch, steps in CONFIGS:
            steps = max(1, int(steps * args.scale))
            reference = torch_samples_per_second(torch, arch, batch, steps, threads)
            ours = nnbench_samples_per_second(args.binary, task, arch, batch, steps, threads)
            print(f"{name:<26} {batch:>5} {threads:>7} {reference:>18,.0f} {ours:>18,.0f} {ours / reference:>7.1f}")


if __name__ == "__main__":
    main()
