#!/usr/bin/env python3
"""Compare nnbench's training speed with PyTorch (eager and torch.compile) and JAX (jit), side by side.

Trains the same architectures with the same batch size, optimizer (Adam, lr 1e-3), float32 and
number of steps on every side, at 1 and 2 threads, and prints samples per second, the ratios
nnbench / JAX, nnbench / PyTorch eager and nnbench / torch.compile, the machine, the date and the
load average. A step is forward, loss, backward and one Adam update; nothing else is timed.

The sides:
- nnbench: `nnbench bench train ... --threads N --json` (warm-up steps, then `steps` timed).
- PyTorch eager: the usual Python loop, torch.set_num_threads(N).
- torch.compile: the same loop with the model-and-loss function and the optimizer's step
  compiled by TorchInductor, which writes C++ and builds it with the machine's C++ compiler (gcc);
  the compilation happens in the warm-up. If it fails here, the column says so and why.
- JAX: the whole loop of `steps` steps is one `jax.jit` function, `lax.scan` over the steps
  (the batch of step i is `dynamic_slice`d from the data on the device); compiled ahead of the
  timed call (`.lower().compile()`), timed with `block_until_ready`.

Threads. nnbench and PyTorch take the count directly. JAX (XLA's CPU client) takes it from
XLA_FLAGS, read once at import, so JAX and torch.compile run in worker processes of their own,
one per thread count, started with the environment set first:
  1 thread:  XLA_FLAGS="--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
  2 threads: XLA_FLAGS="--xla_cpu_multi_thread_eigen=true intra_op_parallelism_threads=2",
             XLA's defaults on a 2-CPU machine (its intra-op pool has one thread per CPU).
Every worker also gets OMP_NUM_THREADS=N, and every side's process (nnbench's too) is pinned to N
CPUs (sched_setaffinity) when N is fewer than the machine has: JAX 0.10's CPU runtime does not
keep to one thread under the flags above (1.00-1.75 CPU seconds per second in the 1-thread column,
2026-12-02, AMD EPYC), which made its 1-thread figures those of up to two cores. The script prints,
for each side, the CPU time its timed runs used per second of wall time, which shows the threads
really used (at most N).

The runs are interleaved: for each architecture and thread count, round 1 runs every side once,
round 2 every side again, and so on, so that a burst of load on a shared machine hits all sides
alike; the best round of each side counts.

Build nnbench first:   swift build -c release
then run:              python3 scripts/bench_train.py [--threads 1,2] [--rounds 3] [--scale 1.0]
                       [--sides nnbench,jax,torch,compile] [--before OLD_BINARY]

With --before, an older nnbench build runs as one more interleaved side and the last column is
nnbench / before: a change's speed-up measured under the same load as everything else.

PyTorch: pip install torch==2.13.0+cpu (never plain torch, whose default wheel pulls about 3 GB of
CUDA packages this benchmark does not use). JAX: pip install jax. A side whose library is missing
is reported as such and left out.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

from machine import describe, executable, output_of, pinned_to, positive_float, positive_int, thread_counts

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
DATA_BATCHES = 32  # the Python sides cycle through this many distinct batches of random data


def shape_of(arch):
    """(input shape, dense widths or None for the conv net, classes or None for the binary loss)."""
    if arch.startswith("conv2d"):
        return (1, 8, 8), None, None
    widths = [int(part[len("dense("):-1]) for part in arch.split() if part.startswith("dense(")]
    return ((64 if widths[-1] == 10 else 2),), widths, widths[-1]


# ---------------------------------------------------------------- PyTorch, eager and compiled

def torch_model(torch, arch):
    """The PyTorch module for one of CONFIGS' architectures, and its loss."""
    nn = torch.nn
    shape, widths, classes = shape_of(arch)
    if widths is None:
        return nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                             nn.Linear(8 * 4 * 4, 1)), nn.BCEWithLogitsLoss(), shape, None
    layers, previous = [], shape[0]
    for i, width in enumerate(widths):
        layers.append(nn.Linear(previous, width))
        if i < len(widths) - 1:
            layers.append(nn.ReLU())
        previous = width
    return nn.Sequential(*layers), nn.CrossEntropyLoss(), shape, classes


def torch_runner(compiled):
    """A function (arch, batch, steps) -> samples/s for PyTorch eager or torch.compile."""
    import torch
    cache = {}

    def prepare(arch, batch):
        torch.manual_seed(0)
        model, loss_fn, shape, classes = torch_model(torch, arch)
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
        count = batch * DATA_BATCHES
        x = torch.randn(count, *shape)
        y = torch.randint(0, classes, (count,)) if classes else torch.randint(0, 2, (count, 1)).float()

        def loss_of(xb, yb):
            return loss_fn(model(xb), yb)

        def update():
            optimizer.step()

        if compiled:
            loss_of, update = torch.compile(loss_of), torch.compile(update)

        def step(i):
            start = (i % DATA_BATCHES) * batch
            optimizer.zero_grad()
            loss_of(x[start:start + batch], y[start:start + batch]).backward()
            update()
        return step

    def rate(arch, batch, steps):
        key = (arch, batch)
        if key not in cache:
            cache[key] = prepare(arch, batch)
        step = cache[key]
        for i in range(steps // 10 + 1):  # torch.compile: the first call compiles
            step(i)
        start = time.perf_counter()
        for i in range(steps):
            step(i)
        return steps * batch / (time.perf_counter() - start)
    return rate, "torch %s" % torch.__version__


# ---------------------------------------------------------------- JAX

def jax_runner():
    """A function (arch, batch, steps) -> samples/s: the whole loop jitted, lax.scan over steps."""
    import jax
    jnp, lax = jax.numpy, jax.lax
    cache = {}

    def uniform(key, shape, fan_in):
        bound = 1 / fan_in ** 0.5  # PyTorch's default U(-1/sqrt(fan_in), 1/sqrt(fan_in))
        return jax.random.uniform(key, shape, jnp.float32, -bound, bound)

    def init(arch):
        shape, widths, _ = shape_of(arch)
        keys = iter(jax.random.split(jax.random.PRNGKey(0), 16))
        if widths is None:
            return [(uniform(next(keys), (8, 1, 3, 3), 9), uniform(next(keys), (8,), 9)),
                    (uniform(next(keys), (128, 1), 128), uniform(next(keys), (1,), 128))]
        params, previous = [], shape[0]
        for width in widths:
            params.append((uniform(next(keys), (previous, width), previous), uniform(next(keys), (width,), previous)))
            previous = width
        return params

    def loss_fn(arch):
        _, widths, _ = shape_of(arch)
        if widths is None:
            def conv_loss(params, x, y):
                (w, b), (w_out, b_out) = params
                h = lax.conv_general_dilated(x, w, (1, 1), ((1, 1), (1, 1)), dimension_numbers=("NCHW", "OIHW", "NCHW"))
                h = jax.nn.relu(h + b[None, :, None, None])
                h = lax.reduce_window(h, -jnp.inf, lax.max, (1, 1, 2, 2), (1, 1, 2, 2), "VALID")
                z = h.reshape(h.shape[0], -1) @ w_out + b_out
                return jnp.mean(jnp.maximum(z, 0) - z * y + jnp.log1p(jnp.exp(-jnp.abs(z))))  # BCE with logits
            return conv_loss

        def mlp_loss(params, x, y):
            h = x
            for i, (w, b) in enumerate(params):
                h = h @ w + b
                if i < len(params) - 1:
                    h = jax.nn.relu(h)
            return -jnp.mean(jnp.take_along_axis(jax.nn.log_softmax(h), y[:, None], axis=1))  # cross-entropy
        return mlp_loss

    def make_loop(arch, batch, steps):
        loss = loss_fn(arch)
        tree = jax.tree_util.tree_map

        def train(params, m, v, x, y):
            def one(carry, i):
                params, m, v = carry
                start = (i % DATA_BATCHES) * batch
                xb = lax.dynamic_slice_in_dim(x, start, batch)
                yb = lax.dynamic_slice_in_dim(y, start, batch)
                grads = jax.grad(loss)(params, xb, yb)
                t = (i + 1).astype(jnp.float32)
                m = tree(lambda a, g: 0.9 * a + 0.1 * g, m, grads)
                v = tree(lambda a, g: 0.999 * a + 0.001 * g * g, v, grads)
                params = tree(lambda p, a, b: p - 1e-3 * (a / (1 - 0.9 ** t)) / (jnp.sqrt(b / (1 - 0.999 ** t)) + 1e-8),
                              params, m, v)
                return (params, m, v), None
            (params, m, v), _ = lax.scan(one, (params, m, v), jnp.arange(steps))
            return params, m, v
        return jax.jit(train)

    def prepare(arch, batch):
        shape, _, classes = shape_of(arch)
        params = init(arch)
        zeros = jax.tree_util.tree_map(jnp.zeros_like, params)
        kx, ky = jax.random.split(jax.random.PRNGKey(1))
        count = batch * DATA_BATCHES
        x = jax.random.normal(kx, (count, *shape), jnp.float32)
        y = (jax.random.randint(ky, (count,), 0, classes) if classes
             else jax.random.randint(ky, (count, 1), 0, 2).astype(jnp.float32))
        return params, zeros, x, y

    def rate(arch, batch, steps):
        key = (arch, batch, steps)
        if key not in cache:
            params, zeros, x, y = prepare(arch, batch)
            warm = make_loop(arch, batch, steps // 10 + 1).lower(params, zeros, zeros, x, y).compile()
            timed = make_loop(arch, batch, steps).lower(params, zeros, zeros, x, y).compile()
            cache[key] = (params, zeros, x, y, warm, timed)
        params, zeros, x, y, warm, timed = cache[key]
        jax.block_until_ready(warm(params, zeros, zeros, x, y))
        start = time.perf_counter()
        jax.block_until_ready(timed(params, zeros, zeros, x, y))
        return steps * batch / (time.perf_counter() - start)
    return rate, "jax %s" % jax.__version__


# ---------------------------------------------------------------- workers and nnbench

WORKER_SIDES = {"JAX": "jax", "PyTorch": "torch", "torch.compile": "compile"}
# the ratio columns' headers, as README.md writes them
RATIO_NAMES = {"JAX": "nnbench/JAX", "PyTorch": "nnbench/eager", "torch.compile": "nnbench/compile",
               "before": "nnbench/before"}


def worker_main(kind):
    """Serve one side in this process: read `arch<TAB>batch<TAB>steps` lines, answer JSON lines."""
    try:
        rate, version = jax_runner() if kind == "jax" else torch_runner(compiled=kind == "compile")
    except ImportError as error:
        print(json.dumps({"error": "not installed (%s)" % error}), flush=True)
        return
    print(json.dumps({"version": version}), flush=True)
    for line in sys.stdin:
        arch, batch, steps = line.rstrip("\n").split("\t")
        try:
            cpu = time.process_time()
            start = time.perf_counter()
            samples = rate(arch, int(batch), int(steps))
            # CPU per wall second of the whole call (warm-up included): the threads really used
            usage = (time.process_time() - cpu) / (time.perf_counter() - start)
            print(json.dumps({"rate": samples, "cpu": usage}), flush=True)
        except Exception as error:  # report the reason (torch.compile without a compiler, say) and go on
            print(json.dumps({"error": "%s: %s" % (type(error).__name__, str(error).strip().splitlines()[-1:])}), flush=True)


class Worker:
    """One side at one thread count in a process of its own (XLA_FLAGS is read once, at import)."""

    def __init__(self, kind, threads):
        env = dict(os.environ, OMP_NUM_THREADS=str(threads))
        env["XLA_FLAGS"] = ("--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1" if threads == 1 else
                            "--xla_cpu_multi_thread_eigen=true intra_op_parallelism_threads=%d" % threads)
        self.log = tempfile.TemporaryFile(mode="w+")
        self.process = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "--worker", kind],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log, text=True, env=env,
            preexec_fn=pinned_to(threads))
        hello = self.answer()
        self.version, self.error = hello.get("version"), hello.get("error")

    def answer(self):
        line = self.process.stdout.readline()
        if not line:
            self.log.seek(0)
            tail = [l for l in self.log.read().splitlines() if l.strip()][-1:]
            return {"error": "worker exited: %s" % (tail[0] if tail else "no message")}
        return json.loads(line)

    def run(self, arch, batch, steps):
        if self.error:
            return None
        self.process.stdin.write("%s\t%d\t%d\n" % (arch, batch, steps))
        self.process.stdin.flush()
        reply = self.answer()
        if "error" in reply:
            self.error = reply["error"]
            return None
        return reply["rate"], reply["cpu"]

    def close(self):
        if self.process.poll() is None:
            self.process.stdin.close()
            self.process.wait()


def nnbench_run(binary, task, arch, batch, steps, threads):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = output_of([binary, "bench", "train", *task, "--arch", arch, "--optimizer", "adam(lr: 0.001)",
                     "--batch", str(batch), "--steps", str(steps), "--threads", str(threads), "--json"], threads=threads)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) / (time.perf_counter() - start)
    return json.loads(out)["samplesPerSecond"], cpu


def config_numbers(text):
    """An argparse type for --configs: `all`, or comma-separated row numbers of CONFIGS from 1."""
    if text == "all":
        return list(range(1, len(CONFIGS) + 1))
    numbers = [int(part) if part.isdigit() else 0 for part in text.split(",")]
    if not all(1 <= n <= len(CONFIGS) for n in numbers):
        raise argparse.ArgumentTypeError("%s: expected `all` or row numbers from 1 to %d" % (text, len(CONFIGS)))
    return numbers


def side_names(text):
    """An argparse type for --sides: comma-separated names from nnbench, jax, torch, compile."""
    known = ["nnbench"] + list(WORKER_SIDES.values())
    unknown = [name for name in text.split(",") if name not in known]
    if unknown:
        raise argparse.ArgumentTypeError("unknown side(s) %s: expected names from %s"
                                         % (", ".join(map(repr, unknown)), ",".join(known)))
    return text.split(",")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=thread_counts, default="1,2" if os.cpu_count() > 1 else "1",
                        help="comma-separated thread counts, at most the CPU count (default %(default)s)")
    parser.add_argument("--rounds", type=positive_int, default=3,
                        help="interleaved rounds; the best of each side counts (default 3)")
    parser.add_argument("--scale", type=positive_float, default=1.0, help="multiply every step count by this (> 0)")
    parser.add_argument("--configs", type=config_numbers, default="all",
                        help="comma-separated row numbers of the table, from 1 (default all)")
    parser.add_argument("--sides", type=side_names, default="nnbench,jax,torch,compile",
                        help="which sides run (default %(default)s; nnbench always runs)")
    parser.add_argument("--binary", type=executable, default=".build/release/nnbench",
                        help="the nnbench executable (default: %(default)s, from `swift build -c release`)")
    parser.add_argument("--before", type=executable,
                        help="an older nnbench executable to run beside --binary, for a before/after ratio")
    args = parser.parse_args()
    wanted = args.sides
    configs = [CONFIGS[i - 1] for i in args.configs]

    print(describe())
    print("load:    %s (1, 5, 15 min) at the start" % " ".join("%.1f" % a for a in os.getloadavg()))
    print("float32, Adam (lr 1e-3); best of %d interleaved rounds; samples/s" % args.rounds)
    peers = [name for name, kind in WORKER_SIDES.items() if kind in wanted]
    ours = ["nnbench"] + (["before"] if args.before else [])
    head = "%-26s %5s %3s" % ("architecture", "batch", "thr") + "".join(" %13s" % n for n in ours + peers)
    head += "".join(" %16s" % RATIO_NAMES[n] for n in peers + ours[1:])
    lines, usage, reasons, versions = [head], {}, {}, {}
    print("rows as they finish (the whole table again at the end):")
    print(head, flush=True)
    for threads in args.threads:
        workers = {name: Worker(WORKER_SIDES[name], threads) for name in peers}
        for name, worker in workers.items():
            versions[name] = worker.version or worker.error
        if peers:
            print("threads %d: %s" % (threads, "; ".join("%s %s" % (n, versions[n]) for n in peers)), flush=True)
        for name, task, arch, batch, steps in configs:
            steps = max(1, int(steps * args.scale))
            best = {}
            for _ in range(args.rounds):
                for side in ours + peers:
                    if side in ours:
                        got = nnbench_run(args.binary if side == "nnbench" else args.before, task, arch, batch, steps, threads)
                    else:
                        got = workers[side].run(arch, batch, steps)
                        if got is None:
                            reasons[side] = workers[side].error
                            continue
                    if got[0] > best.get(side, (0, 0))[0]:
                        best[side] = got
                    usage.setdefault((side, threads), []).append(got[1])
            missing = lambda n: "not installed" if reasons.get(n, "").startswith("not installed") else "failed"  # noqa: E731
            cell = lambda n: " %13s" % ("%.0f" % best[n][0] if n in best else missing(n))  # noqa: E731
            ratio = lambda n: " %16s" % ("%.2f" % (best["nnbench"][0] / best[n][0]) if n in best else "-")  # noqa: E731
            line = "%-26s %5d %3d" % (name, batch, threads) + "".join(cell(n) for n in ours + peers)
            line += "".join(ratio(n) for n in peers + ours[1:])
            lines.append(line)
            print(line, flush=True)
        for worker in workers.values():
            worker.close()
    print("load:    %s (1, 5, 15 min) at the end" % " ".join("%.1f" % a for a in os.getloadavg()))
    print("CPU seconds per wall second (whole calls, warm-up included; the threads really used):")
    for (side, threads), values in sorted(usage.items()):
        print("  %-14s %d thread(s): %.2f-%.2f" % (side, threads, min(values), max(values)))
    # A side that never got one CPU's worth of time was starved by other work on the machine:
    # its figures, and the ratios against it, understate it.
    for (side, threads), values in sorted(usage.items()):
        if max(values) < 0.9:
            print("caution: %s at %d thread(s) never used more than %.2f CPU seconds per second: the "
                  "machine was busy, so its figures and the ratios against it are not its speed; "
                  "run again on a quieter machine" % (side, threads, max(values)))
    for side, reason in reasons.items():
        print("%s: did not run: %s" % (side, reason))
    print("\n".join(lines))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--worker"]:  # a side's process, started by Worker
        worker_main(sys.argv[2])
    else:
        main()
