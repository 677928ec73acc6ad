#!/usr/bin/env python3
"""LSTM training speed: nnbench against PyTorch's nn.LSTM (eager) and JAX (lax.scan under jit).

The same network on each side: `lstm(H, sequence: false) dense(1)` on the `adding` task's inputs
[32, T, 2], mean squared error, Adam (lr 1e-3), float32, batch 32, one thread. A step is forward
through the T steps, loss, backpropagation through time and one Adam update; nothing else is
timed. Each side warms up first (JAX: the compilation too), then times `steps` steps. The runs are
interleaved (round 1: PyTorch, nnbench, JAX; round 2: ...) so that a burst of load on a shared
machine hits every side alike, and the best round of each counts. Prints samples per second and
the ratios nnbench / PyTorch and nnbench / JAX, with the machine and the date.

Build nnbench first:   swift build -c release
then run:              python3 scripts/bench_lstm.py [--rounds 3] [--scale 1.0] [--before OLD_BINARY]

With --before, an older nnbench build (say, main's, copied aside before rebuilding) runs as one
more interleaved side, and the last column is nnbench / before: a change's speed-up measured under
the same load as everything else.

At long T the gradient carried back through the steps vanishes into subnormal floats, which x86
computes with far more slowly: PyTorch and nnbench keep them (IEEE arithmetic), XLA flushes them to
zero by default, so the T = 200 rows measure that as much as the LSTM (README.md, Speed).

PyTorch: pip install torch==2.13.0+cpu (never plain torch, which brings CUDA). JAX: pip install jax.
A side whose library is missing is reported as such and left out.
"""

import argparse
import json
import os
import time

# One thread for every library, set before any of them is imported.
os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

from machine import describe, executable, output_of, positive_float, positive_int  # noqa: E402

BATCH = 32
# T, H, timed steps (about a second of work each on one core of the CI machine)
CONFIGS = [(50, 64, 200), (200, 64, 50), (50, 256, 30), (200, 256, 8)]


def nnbench_rate(binary, T, H, steps):
    out = output_of(
        [binary, "bench", "train", "adding", "--param", "length=%d" % T, "--arch", "lstm(%d, sequence: false) dense(1)" % H,
         "--optimizer", "adam(lr: 0.001)", "--batch", str(BATCH), "--steps", str(steps), "--threads", "1", "--json"])
    return json.loads(out)["samplesPerSecond"]


def torch_runner(torch):
    torch.set_num_threads(1)

    def rate(T, H, steps):
        torch.manual_seed(0)
        lstm, head = torch.nn.LSTM(2, H, batch_first=True), torch.nn.Linear(H, 1)
        params = list(lstm.parameters()) + list(head.parameters())
        optimizer = torch.optim.Adam(params, lr=1e-3)
        x, y = torch.rand(BATCH * 8, T, 2), torch.rand(BATCH * 8, 1)

        def step(i):
            start = (i % 8) * BATCH
            optimizer.zero_grad()
            out, _ = lstm(x[start:start + BATCH])
            loss = torch.nn.functional.mse_loss(head(out[:, -1]), y[start:start + BATCH])
            loss.backward()
            optimizer.step()

        for i in range(steps // 10 + 1):
            step(i)
        t = time.perf_counter()
        for i in range(steps):
            step(i)
        return steps * BATCH / (time.perf_counter() - t)
    return rate


def jax_runner(jax):
    jnp, lax = jax.numpy, jax.lax

    def init(key, H):
        k = 1 / H ** 0.5  # PyTorch's U(-1/sqrt(H), 1/sqrt(H))
        keys = jax.random.split(key, 6)
        u = lambda kk, shape: jax.random.uniform(kk, shape, jnp.float32, -k, k)  # noqa: E731
        return {"w_ih": u(keys[0], (4 * H, 2)), "w_hh": u(keys[1], (4 * H, H)), "b": u(keys[2], (4 * H,)) + u(keys[3], (4 * H,)),
                "w_out": u(keys[4], (H, 1)), "b_out": u(keys[5], (1,))}

    def loss_fn(p, x, y):
        H = p["w_hh"].shape[1]
        xs = jnp.swapaxes(x, 0, 1) @ p["w_ih"].T + p["b"]  # [T, n, 4H]: the input part of every step at once

        def cell(carry, a):
            h, c = carry
            g = a + h @ p["w_hh"].T
            i, f, gg, o = (jax.nn.sigmoid(g[:, :H]), jax.nn.sigmoid(g[:, H:2 * H]), jnp.tanh(g[:, 2 * H:3 * H]),
                           jax.nn.sigmoid(g[:, 3 * H:]))
            c = f * c + i * gg
            h = o * jnp.tanh(c)
            return (h, c), None

        zeros = jnp.zeros((x.shape[0], H), jnp.float32)
        (h, _), _ = lax.scan(cell, (zeros, zeros), xs)
        return jnp.mean((h @ p["w_out"] + p["b_out"] - y) ** 2)

    @jax.jit
    def train_step(p, m, v, t, x, y):
        grads = jax.grad(loss_fn)(p, x, y)
        t = t + 1
        m = jax.tree_util.tree_map(lambda a, g: 0.9 * a + 0.1 * g, m, grads)
        v = jax.tree_util.tree_map(lambda a, g: 0.999 * a + 0.001 * g * g, v, grads)
        p = jax.tree_util.tree_map(lambda w, a, b: w - 1e-3 * (a / (1 - 0.9 ** t)) / (jnp.sqrt(b / (1 - 0.999 ** t)) + 1e-8), p, m, v)
        return p, m, v, t

    def rate(T, H, steps):
        p = init(jax.random.PRNGKey(0), H)
        m = jax.tree_util.tree_map(jnp.zeros_like, p)
        v = jax.tree_util.tree_map(jnp.zeros_like, p)
        t = jnp.zeros((), jnp.float32)
        key_x, key_y = jax.random.split(jax.random.PRNGKey(1))
        x, y = jax.random.uniform(key_x, (BATCH * 8, T, 2)), jax.random.uniform(key_y, (BATCH * 8, 1))
        batches = [(x[i * BATCH:(i + 1) * BATCH], y[i * BATCH:(i + 1) * BATCH]) for i in range(8)]
        for i in range(steps // 10 + 1):  # the first call compiles
            p, m, v, t = train_step(p, m, v, t, *batches[i % 8])
        jax.block_until_ready(p)
        start = time.perf_counter()
        for i in range(steps):
            p, m, v, t = train_step(p, m, v, t, *batches[i % 8])
        jax.block_until_ready(p)
        return steps * BATCH / (time.perf_counter() - start)
    return rate


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=positive_int, default=3, help="interleaved rounds; the best of each side counts (default 3)")
    parser.add_argument("--scale", type=positive_float, default=1.0, help="multiply every step count by this (> 0)")
    parser.add_argument("--binary", type=executable, default=".build/release/nnbench",
                        help="the nnbench executable (default: %(default)s, from `swift build -c release`)")
    parser.add_argument("--before", type=executable, help="an older nnbench executable to run beside --binary, for a before/after ratio")
    args = parser.parse_args()
    sides = {}
    versions = []
    try:
        import torch
        sides["PyTorch"] = torch_runner(torch)
        versions.append("torch %s" % torch.__version__)
    except ImportError:
        versions.append("torch: not installed (pip install torch==2.13.0+cpu)")
    try:
        import jax
        sides["JAX"] = jax_runner(jax)
        versions.append("jax %s" % jax.__version__)
    except ImportError:
        versions.append("jax: not installed (pip install jax)")
    sides["nnbench"] = lambda T, H, steps: nnbench_rate(args.binary, T, H, steps)
    if args.before:
        sides["before"] = lambda T, H, steps: nnbench_rate(args.before, T, H, steps)

    print(describe())
    print("load:    %s (1, 5, 15 min)" % " ".join("%.1f" % a for a in os.getloadavg()))
    print("libs:    %s; float32, batch %d, Adam, 1 thread, best of %d interleaved rounds" % (", ".join(versions), BATCH, args.rounds))
    names = [n for n in ("PyTorch", "JAX") if n in sides]
    if args.before:
        print("before:  %s" % args.before)
    ours = ["nnbench"] + (["before"] if args.before else [])
    head = "%5s %5s %7s" % ("T", "H", "steps") + "".join(" %14s" % ("%s sam/s" % n) for n in names + ours)
    head += "".join(" %16s" % ("nnbench/%s" % n) for n in names + ours[1:])
    print(head)
    for T, H, steps in CONFIGS:
        steps = max(2, int(steps * args.scale))
        best = {}
        for _ in range(args.rounds):
            for name, rate in sides.items():
                best[name] = max(best.get(name, 0.0), rate(T, H, steps))
        line = "%5d %5d %7d" % (T, H, steps) + "".join(" %14.0f" % best[n] for n in names + ours)
        line += "".join(" %16.2f" % (best["nnbench"] / best[n]) for n in names + ours[1:])
        print(line, flush=True)


if __name__ == "__main__":
    main()
