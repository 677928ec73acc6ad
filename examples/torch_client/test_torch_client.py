#!/usr/bin/env python3
"""Self-test of nnbench_torch_client.py through real subprocesses: plain python3 + numpy, no pytest.

    python3 examples/torch_client/test_torch_client.py

Without torch it prints "skipped: ..." and exits 0. Otherwise it ends with "N passed, N failed"
and exits 1 if anything failed. The client processes start together, so that their torch
imports overlap, and each serves many requests.

Tolerances, and why:
  SAME = 1e-12 (relative, floor 1): the client and a numpy formula computing the same float64
    function in another order differ by a few roundings per summed term (~50 terms × 1.1e-16).
  Central differences (float64): step h = 1e-6·max(1, |p|); truncation ~h²·|f'''| ~ 1e-12,
    rounding ~eps·|L|/h ~ 1e-10; so |analytic − numeric| ≤ 1e-6·max(|a|, |n|) + 1e-8 leaves a
    margin of 100 over both and still fails a wrong derivative (off by O(1) of itself).
  FLOAT32 = 1e-4 of a tensor's largest entry: float32 rounds at 6e-8 per operation; a pass of
    ~10 layers summing ≤ 50 terms accumulates ≲ 3e-5 of the values' scale.
  Initialisation: 60,000 draws give a sample standard deviation within 1/√(2N) = 0.3 % of σ
    (one standard error); 5 standard errors is 1.5 %.
"""

import importlib.util
import json
import math
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
CLIENT = os.path.join(HERE, "nnbench_torch_client.py")
CUSTOM = os.path.join(HERE, "custom_relu.py")
NUMPY_CLIENT = os.path.join(HERE, "..", "numpy_client", "nnbench_client.py")

SAME = 1e-12
FLOAT32 = 1e-4
R = np.random.default_rng(20240601)

# ---------------------------------------------------------------------------------------------
# Bookkeeping: every check counts; a failure prints what and goes on.

RESULTS = {"passed": 0, "failed": 0}


def check(condition, what):
    if condition:
        RESULTS["passed"] += 1
    else:
        RESULTS["failed"] += 1
        print("FAIL: %s" % what, flush=True)
    return condition


def close(a, b, tolerance, floor=1.0):
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return a.shape == b.shape and bool(np.all(np.abs(a - b) <= tolerance * np.maximum(floor, np.abs(b))))


def worst(a, b):
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return "shapes %s %s" % (a.shape, b.shape) if a.shape != b.shape else "max |a-b| = %.3g" % float(np.max(np.abs(a - b), initial=0))


# ---------------------------------------------------------------------------------------------
# A client process.


def T(a):
    a = np.asarray(a, np.float64)
    return {"shape": list(a.shape), "data": a.ravel().tolist()}


def A(t):
    return np.array(t["data"], np.float64).reshape(t["shape"])


class Program:
    def __init__(self, *command):
        self.log = tempfile.TemporaryFile(mode="w+")
        self.process = subprocess.Popen([sys.executable] + list(command), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=self.log, text=True, cwd=HERE)
        self.next_id = 0

    def raw(self, line):
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline()
        if not answer:
            self.log.seek(0)
            raise RuntimeError("the client exited; its standard error:\n" + self.log.read()[-3000:])
        return json.loads(answer)

    def answer(self, op, **fields):
        self.next_id += 1
        answer = self.raw(json.dumps(dict(id=self.next_id, op=op, **fields)))
        assert answer["id"] == self.next_id, answer
        return answer

    def call(self, op, **fields):
        answer = self.answer(op, **fields)
        if not answer.get("ok"):
            raise RuntimeError("%s failed: %s" % (op, answer.get("error")))
        return answer

    def build(self, model, loss, seed=0):
        return self.call("build", model=model, loss=loss, seed=seed)["params"]

    def params(self):
        return {n: A(t) for n, t in self.call("get_params")["params"].items()}

    def set(self, params):
        self.call("set_params", params={n: T(v) for n, v in params.items()})

    def loss(self, x, y):
        return self.call("loss", x=T(x), y=T(y))["loss"]

    def grads(self, x, y, **fields):
        a = self.call("gradients", x=T(x), y=T(y), **fields)
        return a["loss"], {n: A(t) for n, t in a["grads"].items()}, a

    def trace(self, x, train=False):
        a = self.call("forward", x=T(x), train=train, trace=True)
        return [A(t) for t in a["trace"]], {int(k): A(t) for k, t in a.get("masks", {}).items()}

    def shutdown(self):
        self.call("shutdown")
        status = self.process.wait(timeout=30)
        self.log.close()
        return status


# ---------------------------------------------------------------------------------------------
# Models, and the layers' formulas in numpy (docs/protocol.md's Layers table).

IMAGE = {"inputs": [2, 7, 7], "layers": [
    {"type": "conv2d", "filters": 3, "kernel": 3, "stride": 1, "padding": 1, "bias": True, "init": "he_uniform"},
    {"type": "batchnorm", "momentum": 0.1, "eps": 1e-5},
    {"type": "relu"},
    {"type": "maxpool2d", "size": 3, "stride": 2},  # overlapping windows: 7 -> 3
    {"type": "conv2d", "filters": 2, "kernel": 2, "stride": 1, "padding": 0, "bias": False, "init": "glorot_normal"},
    {"type": "avgpool2d", "size": 2, "stride": 1},  # 2 -> 1
    {"type": "flatten"},
    {"type": "dense", "units": 4, "bias": True, "init": "lecun_normal"},
    {"type": "gelu"},
    {"type": "dropout", "rate": 0.3},
    {"type": "dense", "units": 3, "bias": True, "init": "glorot_uniform"}]}

MLP = {"inputs": 5, "layers": [
    {"type": "dense", "units": 6, "bias": True, "init": "he_normal"},
    {"type": "batchnorm", "momentum": 0.2, "eps": 1e-3},
    {"type": "leaky_relu", "slope": 0.1},
    {"type": "dense", "units": 6, "bias": True, "init": "lecun_uniform"},
    {"type": "softplus"},
    {"type": "dense", "units": 4, "bias": False, "init": "glorot_uniform"},
    {"type": "tanh"},
    {"type": "dense", "units": 3, "bias": True, "init": "glorot_uniform"},
    {"type": "sigmoid"},
    {"type": "dense", "units": 2, "bias": True, "init": "glorot_uniform"},
    {"type": "identity"}]}

SMALL = {"inputs": 3, "layers": [{"type": "dense", "units": 4, "bias": True, "init": "glorot_uniform"}, {"type": "relu"},
                                 {"type": "dense", "units": 1, "bias": True, "init": "glorot_uniform"}]}

DROPOUT = {"inputs": 3, "layers": [{"type": "dense", "units": 40, "bias": True, "init": "glorot_uniform"}, {"type": "relu"},
                                   {"type": "dropout", "rate": 0.25}, {"type": "dense", "units": 2, "bias": True, "init": "glorot_uniform"}]}

# Recurrent models (docs/protocol.md, Recurrent layers): every type and variant, h0 = 0.
TOKENS = {"inputs": 6, "layers": [  # copy-memory's shape: tokens in, one class per step out
    {"type": "embedding", "vocabulary": 5, "dim": 3},
    {"type": "lstm", "units": 4, "sequence": True, "bias": True, "forget_bias": 1.0},
    {"type": "dense", "units": 5, "bias": True, "init": "glorot_uniform"}]}

GRU = {"inputs": [5, 2], "layers": [
    {"type": "gru", "units": 3, "sequence": False, "bias": True},
    {"type": "tanh"},
    {"type": "dense", "units": 2, "bias": True, "init": "glorot_uniform"}]}

RNN_RELU = {"inputs": [4, 3], "layers": [
    {"type": "rnn", "units": 3, "nonlinearity": "relu", "sequence": True, "bias": True},
    {"type": "dense", "units": 2, "bias": False, "init": "glorot_uniform"}]}

RNN_TANH = {"inputs": [4, 2], "layers": [
    {"type": "rnn", "units": 3, "nonlinearity": "tanh", "sequence": False, "bias": False},
    {"type": "dense", "units": 1, "bias": True, "init": "glorot_uniform"}]}

SEQUENCES = {  # lstm (sequence: false), gru (sequence: true) and a dense layer on a sequence, as nnbench builds them
    "lstm-last": {"inputs": [5, 2], "layers": [
        {"type": "lstm", "units": 3, "sequence": False, "bias": True},
        {"type": "dense", "units": 1, "bias": True, "init": "glorot_uniform"}]},
    "gru-sequence": {"inputs": [5, 2], "layers": [
        {"type": "gru", "units": 3, "sequence": True, "bias": True},
        {"type": "dense", "units": 1, "bias": True, "init": "glorot_uniform"}]},
}

CASES = {  # name: (model, loss, x, y)
    "image": (IMAGE, "softmax_ce", R.normal(size=(4, 2, 7, 7)), np.array([0, 2, 1, 2.0])),
    "mlp": (MLP, "mse", R.normal(size=(6, 5)), R.normal(size=(6, 2))),
    "small": (SMALL, "bce_logits", R.normal(size=(5, 3)), np.array([[0], [1], [1], [0], [1.0]])),
    "dropout": (DROPOUT, "mse", R.normal(size=(8, 3)), R.normal(size=(8, 2))),
    # every token used, so that a step moves the whole embedding; per-step targets [n, steps]
    "tokens": (TOKENS, "softmax_ce", np.array([[0, 1, 2, 3, 4, 0], [4, 4, 3, 1, 0, 2], [2, 2, 2, 1, 1, 0.0]]),
               np.array([[0, 4, 1, 1, 2, 3], [3, 3, 0, 1, 4, 2], [1, 0, 2, 4, 4, 0.0]])),
    "gru": (GRU, "mse", R.normal(size=(4, 5, 2)), R.normal(size=(4, 2))),
    "rnn-relu": (RNN_RELU, "mse", R.normal(size=(3, 4, 3)), R.normal(size=(3, 4, 2))),
    "rnn-tanh": (RNN_TANH, "bce_logits", R.normal(size=(4, 4, 2)), np.array([[0], [1], [1], [0.0]])),
}
RECURRENT = ["tokens", "gru", "rnn-relu", "rnn-tanh"]


def windows(x, size, stride, reduce):
    n, c, h, w = x.shape
    oh, ow = (h - size) // stride + 1, (w - size) // stride + 1
    y = np.zeros((n, c, oh, ow))
    for i in range(oh):
        for j in range(ow):
            y[:, :, i, j] = reduce(x[:, :, i * stride:i * stride + size, j * stride:j * stride + size].reshape(n, c, -1), axis=2)
    return y


def conv2d(x, w, b, stride, padding):
    k = w.shape[2]
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    oh, ow = (xp.shape[2] - k) // stride + 1, (xp.shape[3] - k) // stride + 1
    y = np.zeros((x.shape[0], w.shape[0], oh, ow))
    for i in range(oh):
        for j in range(ow):
            y[:, :, i, j] = np.einsum("nckl,fckl->nf", xp[:, :, i * stride:i * stride + k, j * stride:j * stride + k], w)
    return y if b is None else y + b[None, :, None, None]


def batchnorm(x, weight, bias, mean, var, eps):
    shape = (1, -1) + (1,) * (x.ndim - 2)
    return weight.reshape(shape) * (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps) + bias.reshape(shape)


def batch_statistics(x):
    axes = (0,) if x.ndim == 2 else (0, 2, 3)
    return x.mean(axis=axes), x.var(axis=axes), x.size // x.shape[1]  # biased variance; m per channel


ERF = np.vectorize(math.erf)


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def recurrent_formula(spec, get, x):
    """docs/protocol.md's equations for rnn, lstm and gru from h0 = c0 = 0, gates in PyTorch's order."""
    kind, u = spec["type"], spec["units"]
    W_ih, W_hh = get("weight_ih"), get("weight_hh")
    b_ih = get("bias_ih") if spec["bias"] else np.zeros(W_ih.shape[0])
    b_hh = get("bias_hh") if spec["bias"] else np.zeros(W_ih.shape[0])
    h, c, out = np.zeros((x.shape[0], u)), np.zeros((x.shape[0], u)), []
    for t in range(x.shape[1]):
        a, r = x[:, t] @ W_ih.T + b_ih, h @ W_hh.T + b_hh
        if kind == "rnn":
            h = np.tanh(a + r) if spec["nonlinearity"] == "tanh" else np.maximum(a + r, 0)
        elif kind == "lstm":
            i, f, g, o = sigmoid((a + r)[:, :u]), sigmoid((a + r)[:, u:2 * u]), np.tanh((a + r)[:, 2 * u:3 * u]), sigmoid((a + r)[:, 3 * u:])
            c = f * c + i * g
            h = o * np.tanh(c)
        else:
            reset, update = sigmoid(a[:, :u] + r[:, :u]), sigmoid(a[:, u:2 * u] + r[:, u:2 * u])
            new = np.tanh(a[:, 2 * u:] + reset * r[:, 2 * u:])
            h = (1 - update) * new + update * h
        out.append(h)
    return np.stack(out, axis=1) if spec["sequence"] else h


def layer_formula(spec, p, L, x, train=False, mask=None):
    """Layer L of docs/protocol.md applied to x, with the protocol-layout tensors p."""
    kind = spec["type"]
    get = lambda s: p.get("%d.%s" % (L, s))  # noqa: E731
    if kind in ("rnn", "lstm", "gru"):
        return recurrent_formula(spec, get, x)
    if kind == "embedding":
        return get("weight")[x.astype(int)]
    if kind == "dense":
        y = x @ get("weight")
        return y if get("bias") is None else y + get("bias")
    if kind == "conv2d":
        return conv2d(x, get("weight"), get("bias"), spec["stride"], spec["padding"])
    if kind == "batchnorm":
        mean, var = (batch_statistics(x)[:2]) if train else (get("running_mean"), get("running_var"))
        return batchnorm(x, get("weight"), get("bias"), mean, var, spec["eps"])
    if kind == "maxpool2d":
        return windows(x, spec["size"], spec["stride"], np.max)
    if kind == "avgpool2d":
        return windows(x, spec["size"], spec["stride"], np.mean)
    if kind == "dropout":
        return x * mask if train else x
    return {"relu": lambda: np.maximum(x, 0), "leaky_relu": lambda: np.where(x > 0, x, spec.get("slope", 0.01) * x),
            "tanh": lambda: np.tanh(x), "sigmoid": lambda: 1 / (1 + np.exp(-x)), "identity": lambda: x,
            "gelu": lambda: x / 2 * (1 + ERF(x / math.sqrt(2))),
            "softplus": lambda: np.where(x > 20, x, np.log1p(np.exp(np.minimum(x, 20)))),
            "flatten": lambda: x.reshape(x.shape[0], -1)}[kind]()


def loss_formula(loss, z, y):
    """docs/protocol.md's Losses: (value, d loss / d z)."""
    if loss == "mse":
        return np.mean((z - y) ** 2), 2 * (z - y) / z.size
    if loss == "bce_logits":
        s = 1 / (1 + np.exp(-z))
        return np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))), (s - y) / z.size
    if z.ndim == 3:  # one class per step: every (sample, step) is a row
        value, grad = loss_formula(loss, z.reshape(-1, z.shape[-1]), y.reshape(-1))
        return value, grad.reshape(z.shape)
    m = z.max(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(z - m).sum(axis=1))
    rows, labels = np.arange(len(y)), y.astype(int)
    p = np.exp(z - lse[:, None])
    p[rows, labels] -= 1
    return np.mean(lse - z[rows, labels]), p / len(y)


def expected_params(model):
    """Names, protocol shapes and trainability in layer order (docs/protocol.md)."""
    shape, out = model["inputs"], []
    shape = [shape] if isinstance(shape, int) else list(shape)
    for L, spec in enumerate(model["layers"]):
        kind = spec["type"]
        if kind == "dense":  # on a sequence [steps, in], the last axis
            out.append(("%d.weight" % L, [shape[-1], spec["units"]], True))
            if spec.get("bias", True):
                out.append(("%d.bias" % L, [spec["units"]], True))
            shape = shape[:-1] + [spec["units"]]
        elif kind == "embedding":
            out.append(("%d.weight" % L, [spec["vocabulary"], spec["dim"]], True))
            shape = shape + [spec["dim"]]
        elif kind in ("rnn", "lstm", "gru"):
            rows, u = {"rnn": 1, "lstm": 4, "gru": 3}[kind] * spec["units"], spec["units"]
            out += [("%d.weight_ih" % L, [rows, shape[-1]], True), ("%d.weight_hh" % L, [rows, u], True)]
            if spec["bias"]:
                out += [("%d.bias_ih" % L, [rows], True), ("%d.bias_hh" % L, [rows], True)]
            shape = [shape[0], u] if spec["sequence"] else [u]
        elif kind == "conv2d":
            c, h, w = shape
            k, s, pad = spec["kernel"], spec["stride"], spec["padding"]
            out.append(("%d.weight" % L, [spec["filters"], c, k, k], True))
            if spec.get("bias", True):
                out.append(("%d.bias" % L, [spec["filters"]], True))
            shape = [spec["filters"], (h + 2 * pad - k) // s + 1, (w + 2 * pad - k) // s + 1]
        elif kind == "batchnorm":
            out += [("%d.%s" % (L, n), [shape[0]], n in ("weight", "bias")) for n in ("weight", "bias", "running_mean", "running_var")]
        elif kind in ("maxpool2d", "avgpool2d"):
            c, h, w = shape
            shape = [c, (h - spec["size"]) // spec["stride"] + 1, (w - spec["size"]) // spec["stride"] + 1]
        elif kind == "flatten":
            shape = [int(np.prod(shape))]
    return out, shape


def randomise(program, model):
    """Random parameters (and positive running variances), so that no layer is near trivial."""
    p = {}
    for name, shape, _ in expected_params(model)[0]:
        p[name] = R.uniform(0.5, 2.0, size=shape) if name.endswith("running_var") else R.normal(scale=0.6, size=shape)
    program.set(p)
    return p


# ---------------------------------------------------------------------------------------------
# The checks.


def test_hello(prog):
    a = prog.call("hello", protocol=2)
    check(a["protocol"] == 2 and a["dtype"] == "float64", "hello to a version 2 request: protocol 2, float64: %s" % a)
    check(set(a["ops"]) == {"gradients", "step", "trace", "layer_gradients", "layer_forward", "loss_from_layer", "initial_state"}, "hello's ops: %s" % a["ops"])
    check(set(a["layers"]) == {"dense", "relu", "leaky_relu", "tanh", "sigmoid", "identity", "gelu", "softplus", "dropout", "batchnorm",
                               "conv2d", "maxpool2d", "avgpool2d", "flatten", "rnn", "lstm", "gru", "embedding"}, "hello's layers: %s" % a["layers"])
    check(set(a["losses"]) == {"mse", "bce_logits", "softmax_ce"} and set(a["optimizers"]) == {"sgd", "adam", "adamw", "rmsprop"},
          "hello's losses and optimizers")
    old = prog.call("hello")
    check(old["protocol"] == 1 and set(old["ops"]) == {"gradients", "step", "trace"}, "hello without protocol: version 1: %s" % old)
    check(prog.call("hello", protocol=3)["protocol"] == 2, "hello to a version 3 request answers 2")
    prog.call("hello", protocol=2)


def test_example(prog):
    """docs/protocol.md's exchange, its answers from the formulas (y = relu(x·W + b), mse). The
    answers printed there (loss 0.53125) do not follow from its requests: the formulas give 2.5."""
    prog.build({"inputs": 3, "layers": [{"type": "dense", "units": 2, "bias": True, "init": "glorot_uniform"}, {"type": "relu"}]}, "mse", seed=1)
    W, x, y = np.array([[0.5, -1], [0.25, 0.5], [0, 1]]), np.array([[1.0, 2, 3]]), np.array([[0.0, 1]])
    prog.set({"0.weight": W, "0.bias": np.zeros(2)})
    pre = x @ W
    z = np.maximum(pre, 0)
    loss, dz = loss_formula("mse", z, y)
    dpre = dz * (pre > 0)
    check(prog.loss(x, y) == loss == 2.5, "example: loss %r, formula %r" % (prog.loss(x, y), loss))
    got_loss, g, _ = prog.grads(x, y)
    check(got_loss == loss and close(g["0.weight"], x.T @ dpre, SAME) and close(g["0.bias"], dpre.sum(0), SAME), "example: gradients %s" % g)
    a = prog.call("layer_gradients", x=T(x), y=T(y), train=False)
    check(close(A(a["input_grads"][0]), dpre @ W.T, SAME) and close(A(a["output_grads"][1]), dz, SAME), "example: layer_gradients %s" % a)


def test_build(prog):
    for name, (model, loss, x, y) in CASES.items():
        params = prog.build(model, loss, seed=3)
        want, _ = expected_params(model)
        check([(p["name"], p["shape"], p["trainable"]) for p in params] == want, "%s: build's params %s, expected %s" % (name, params, want))
        p = prog.params()
        check(list(p) == [n for n, _, _ in want], "%s: get_params in layer order" % name)
        for n, shape, _ in want:
            kind = model["layers"][int(n.split(".")[0])]["type"]
            if n.endswith("bias") or n.endswith("running_mean"):
                check(np.all(p[n] == 0), "%s: %s starts at 0" % (name, n))
            elif n.endswith("running_var") or (kind == "batchnorm" and n.endswith("weight")):
                check(np.all(p[n] == 1), "%s: %s starts at 1" % (name, n))
        prog.build(model, loss, seed=3)
        again = prog.params()
        check(all(np.array_equal(p[n], again[n]) for n in p), "%s: the same seed gives the same parameters" % name)
        prog.build(model, loss, seed=4)
        other = prog.params()
        check(any(not np.array_equal(p[n], other[n]) for n in p if n.endswith("weight")), "%s: another seed, other weights" % name)


def test_ops_and_shapes(prog):
    for name, (model, loss, x, y) in CASES.items():
        prog.build(model, loss, seed=5)
        p = randomise(prog, model)
        want, out_shape = expected_params(model)
        n = x.shape[0]
        layers = model["layers"]
        fwd = prog.call("forward", x=T(x))
        check(fwd["y"]["shape"] == [n] + out_shape and "trace" not in fwd, "%s: forward's y %s" % (name, fwd["y"]["shape"]))
        trace, masks = prog.trace(x)
        check(len(trace) == len(layers) and np.array_equal(trace[-1], A(fwd["y"])), "%s: the trace's last entry is y" % name)
        check(masks == {}, "%s: no masks in evaluation" % name)
        tloss = prog.loss(x, y)
        check(math.isclose(tloss, loss_formula(loss, trace[-1], y)[0], rel_tol=SAME), "%s: loss from the output's formula" % name)
        gl, g, ga = prog.grads(x, y, train=True, trace=True)
        check(set(g) == {m for m, _, t in want if t} and all(list(g[m].shape) == s for m, s, t in want if t),
              "%s: gradients for every trainable tensor, shaped as it" % name)
        dropouts = {L for L, s in enumerate(layers) if s["type"] == "dropout"}
        check(len(ga["trace"]) == len(layers) and set(map(int, ga["masks"])) == dropouts, "%s: gradients' trace and masks" % name)
        for L in range(len(layers) + 1):
            lo = prog.call("loss_from_layer", layer=L, x=T(trace[L - 1] if L else x), y=T(y))["loss"]
            check(math.isclose(lo, tloss, rel_tol=SAME), "%s: loss_from_layer %d gives the loss" % (name, L))
        lg = prog.call("layer_gradients", x=T(x), y=T(y), train=False)
        shapes = [list(x.shape)] + [list(t.shape) for t in trace]
        check([t["shape"] for t in lg["input_grads"]] == shapes[:-1] and [t["shape"] for t in lg["output_grads"]] == shapes[1:],
              "%s: layer_gradients shaped as the layers' inputs and outputs" % name)
        check(math.isclose(lg["loss"], tloss, rel_tol=SAME), "%s: layer_gradients' loss" % name)
        before = prog.params()
        step = prog.call("step", x=T(x), y=T(y), optimizer={"type": "sgd", "lr": 0.01, "momentum": 0, "nesterov": False,
                                                            "weight_decay": 0}, trace=True)
        check(len(step["trace"]) == len(layers) and set(map(int, step["masks"])) == dropouts and isinstance(step["loss"], float),
              "%s: step's loss, trace and masks" % name)
        after = prog.params()
        # In training, batchnorm subtracts the batch mean: a bias just before it has gradient 0.
        frozen = {"%d.bias" % L for L, s in enumerate(layers[:-1]) if layers[L + 1]["type"] == "batchnorm"}
        check(all(not np.array_equal(before[m], after[m]) for m, _, t in want if t and m not in frozen)
              and all(np.allclose(before[m], after[m], rtol=0, atol=1e-15) for m in frozen), "%s: a step moves every parameter" % name)
        check(set(after) == set(p), "%s: get_params keeps every tensor" % name)


def test_layer_outputs(prog):
    """Each layer's output, in evaluation and training, against its formula and against layer_forward."""
    for name, (model, loss, x, y) in CASES.items():
        prog.build(model, loss, seed=6)
        p = randomise(prog, model)
        for train in (False, True):
            trace, masks = prog.trace(x, train)
            for L, spec in enumerate(model["layers"]):
                inp = trace[L - 1] if L else x
                want = layer_formula(spec, p, L, inp, train, masks.get(L))
                check(close(trace[L], want, SAME), "%s: layer %d (%s, train %s) against its formula: %s"
                      % (name, L, spec["type"], train, worst(trace[L], want)))
                fields = {"mask": T(masks[L])} if train and L in masks else {}
                alone = A(prog.call("layer_forward", layer=L, x=T(inp), train=train, **fields)["y"])
                check(close(alone, trace[L], SAME), "%s: layer_forward %d (train %s) replays the pass: %s" % (name, L, train, worst(alone, trace[L])))
        check(all(np.array_equal(v, p[k]) for k, v in prog.params().items()), "%s: forward, layer_forward never move a tensor" % name)


def test_maxpool_ties(prog):
    """docs/protocol.md: the gradient goes to the first maximum, in row-major order, of each window."""
    model = {"inputs": [1, 3, 3], "layers": [{"type": "maxpool2d", "size": 2, "stride": 1}, {"type": "flatten"}]}
    prog.build(model, "mse")
    x = np.array([[[[0, 2, 2], [2, 1, 2], [0, 0, 0.0]]]])
    a = prog.call("layer_gradients", x=T(x), y=T(np.zeros((1, 4))), train=False)
    dz = 2 * np.array([2, 2, 2, 2.0]) / 4
    want = np.zeros((1, 1, 3, 3))
    for (i, j), (a_, b_) in zip([(0, 0), (0, 1), (1, 0), (1, 1)], [(0, 1), (0, 1), (1, 0), (1, 2)]):
        want[0, 0, a_, b_] += dz[i * 2 + j]
    check(close(A(a["input_grads"][0]), want, SAME), "maxpool ties: gradient to the first maximum %s" % A(a["input_grads"][0]))


def central_difference(f, value, h):
    return (f(value + h) - f(value - h)) / (2 * h)


def gradient_error(analytic, numeric):
    return abs(analytic - numeric) <= 1e-6 * max(abs(analytic), abs(numeric)) + 1e-8


def sample(shape, count):
    flat = int(np.prod(shape))
    return [np.unravel_index(i, shape) for i in R.choice(flat, size=min(count, flat), replace=False)]


def gradient_mismatches(prog, name, train=False, entries=5):
    """Parameter gradients against central differences of the loss (train: the loss of `gradients`
    in training mode, which moves no buffer; without dropout, training is deterministic)."""
    model, loss, x, y = CASES[name]
    prog.build(model, loss, seed=7)
    p = randomise(prog, model)
    _, g, _ = prog.grads(x, y, train=train)
    bad = []
    for n in g:
        for index in sample(g[n].shape, entries):
            def f(v, n=n, index=index):
                q = {k: a.copy() for k, a in p.items()}
                q[n][index] = v
                prog.set(q)
                return prog.grads(x, y, train=train)[0] if train else prog.loss(x, y)
            h = 1e-6 * max(1.0, abs(p[n][index]))
            numeric = central_difference(f, p[n][index], h)
            if not gradient_error(g[n][index], numeric):
                bad.append("%s%s: %r vs %r" % (n, list(index), g[n][index], numeric))
    prog.set(p)
    return bad


def test_gradients(prog, name, train=False):
    bad = gradient_mismatches(prog, name, train)
    check(not bad, "%s (train %s): gradients against central differences: %s" % (name, train, "; ".join(bad[:4])))


def test_layer_gradients(prog, name):
    """layer_gradients: chained (input of L+1 = output of L), the last output gradient the loss's,
    dense's weight gradient = input^T · output gradient as `gradients` says, and the input
    gradients against central differences of loss_from_layer."""
    model, loss, x, y = CASES[name]
    prog.build(model, loss, seed=8)
    randomise(prog, model)
    lg = prog.call("layer_gradients", x=T(x), y=T(y), train=False)
    ins, outs = [A(t) for t in lg["input_grads"]], [A(t) for t in lg["output_grads"]]
    trace, _ = prog.trace(x)
    check(all(np.array_equal(ins[L + 1], outs[L]) for L in range(len(outs) - 1)), "%s: input gradient of L+1 = output gradient of L" % name)
    check(close(outs[-1], loss_formula(loss, trace[-1], y)[1], SAME), "%s: the last output gradient is the loss's" % name)
    _, g, _ = prog.grads(x, y)
    for L, spec in enumerate(model["layers"]):
        if spec["type"] == "dense":  # on a sequence, summed over the steps too
            inp = trace[L - 1] if L else x
            want = inp.reshape(-1, inp.shape[-1]).T @ outs[L].reshape(-1, outs[L].shape[-1])
            check(close(g["%d.weight" % L], want, SAME), "%s: dense %d's weight gradient = input^T · output gradient" % (name, L))
    bad = input_gradient_mismatches(prog, name, x, y, trace, ins, first=1 if model["layers"][0]["type"] == "embedding" else 0)
    check(not bad, "%s: input gradients against central differences of loss_from_layer: %s" % (name, "; ".join(bad[:4])))


def input_gradient_mismatches(prog, name, x, y, trace, ins, entries=4, first=0):
    """Input gradients against central differences of loss_from_layer, from layer `first` (token
    indices, an embedding's input, have no derivative)."""
    bad = []
    for L in range(first, len(ins)):
        inp = trace[L - 1] if L else x
        for index in sample(inp.shape, entries):
            def f(v, L=L, index=index):
                z = inp.copy()
                z[index] = v
                return prog.call("loss_from_layer", layer=L, x=T(z), y=T(y))["loss"]
            numeric = central_difference(f, inp[index], 1e-6 * max(1.0, abs(inp[index])))
            if not gradient_error(ins[L][index], numeric):
                bad.append("layer %d %s: %r vs %r" % (L, list(index), ins[L][index], numeric))
    return bad


def test_dropout(prog):
    """Masks: values 0 or 1/(1-rate), the rate dropped, the training output reproduced from them,
    and the training-mode gradients those of the masked network."""
    model, loss, x, y = CASES["dropout"]
    prog.build(model, loss, seed=9)
    p = randomise(prog, model)
    keep = 1 / (1 - 0.25)
    dropped = []
    for _ in range(5):
        trace, masks = prog.trace(x, train=True)
        m = masks[2]
        check(m.shape == trace[1].shape and set(np.unique(m)) <= {0.0, keep}, "dropout: mask values 0 or 1/(1-rate): %s" % np.unique(m))
        dropped.append(np.mean(m == 0))
    # 5 × 320 draws: the fraction dropped has a standard error √(0.25·0.75/1600) ≈ 0.011; 5 of them.
    check(abs(np.mean(dropped) - 0.25) < 0.055, "dropout: drops 25 %%, measured %.3f" % np.mean(dropped))
    _, g, a = prog.grads(x, y, train=True, trace=True)
    trace, m = [A(t) for t in a["trace"]], A(a["masks"]["2"])
    pre = x @ p["0.weight"] + p["0.bias"]
    h = np.maximum(pre, 0) * m
    z = h @ p["3.weight"] + p["3.bias"]
    value, dz = loss_formula(loss, z, y)
    check(close(trace[-1], z, SAME) and math.isclose(a["loss"], value, rel_tol=SAME), "dropout: the mask reproduces the training output")
    dpre = (dz @ p["3.weight"].T) * m * (pre > 0)
    check(close(g["3.weight"], h.T @ dz, SAME) and close(g["0.weight"], x.T @ dpre, SAME) and close(g["0.bias"], dpre.sum(0), SAME),
          "dropout: training gradients are the masked network's")
    lg = prog.call("layer_gradients", x=T(x), y=T(y), train=True)
    m2 = A(lg["masks"]["2"])
    check(close(A(lg["input_grads"][2]), A(lg["output_grads"][2]) * m2, SAME), "dropout: layer_gradients' masks are its pass's")
    runs = []
    for _ in range(2):
        prog.build(model, loss, seed=9)
        runs.append([prog.trace(x, True)[1][2] for _ in range(2)])
    first, second = runs
    check(all(np.array_equal(a, b) for a, b in zip(first, second)) and not np.array_equal(first[0], first[1]),
          "dropout: masks follow the seed (and differ from pass to pass)")
    refused = prog.answer("layer_forward", layer=2, x=T(trace[1]), train=True)
    check(not refused["ok"], "dropout: layer_forward in training without a mask is refused")


def test_batchnorm(prog):
    """Buffers move in `step` only, by the protocol's formula; m = 1 is refused in training."""
    model, loss, x, y = CASES["mlp"]
    prog.build(model, loss, seed=10)
    p = randomise(prog, model)
    for op, fields in [("forward", {"train": True, "trace": True}), ("gradients", {"y": T(y), "train": True}),
                       ("layer_gradients", {"y": T(y), "train": True}), ("layer_forward", {"layer": 1, "train": True})]:
        xx = T(x @ p["0.weight"] + p["0.bias"]) if op == "layer_forward" else T(x)
        prog.call(op, x=xx, **fields)
        check(all(np.array_equal(v, p[k]) for k, v in prog.params().items()), "batchnorm: %s in training moves no buffer" % op)
    a = prog.call("step", x=T(x), y=T(y), optimizer={"type": "sgd", "lr": 0.0, "momentum": 0, "nesterov": False, "weight_decay": 0},
                  train=True, trace=True)
    mean, var, m = batch_statistics(A(a["trace"][0]))
    q = prog.params()
    check(close(q["1.running_mean"], 0.8 * p["1.running_mean"] + 0.2 * mean, SAME)
          and close(q["1.running_var"], 0.8 * p["1.running_var"] + 0.2 * var * m / (m - 1), SAME),
          "batchnorm: a training step moves the buffers (momentum 0.2, unbiased variance)")
    prog.set(p)
    prog.call("step", x=T(x), y=T(y), optimizer={"type": "sgd", "lr": 0.0}, train=False)
    check(all(np.array_equal(v, p[k]) for k, v in prog.params().items()), "batchnorm: an evaluation step moves no buffer")
    one = prog.answer("gradients", x=T(x[:1]), y=T(y[:1]), train=True)
    check(not one["ok"] and "value per channel" in one.get("error", ""), "batchnorm: one value per channel refused in training: %s" % one)
    check(prog.answer("forward", x=T(x[:1]))["ok"], "batchnorm: one sample in evaluation is fine")


def adam_like(p, g, s, t, lr, b1, b2, eps, wd, decoupled):
    if decoupled:
        p = p * (1 - lr * wd)
    else:
        g = g + wd * p
    s["m"] = b1 * s.get("m", 0) + (1 - b1) * g
    s["v"] = b2 * s.get("v", 0) + (1 - b2) * g * g
    return p - lr * (s["m"] / (1 - b1 ** t)) / (np.sqrt(s["v"] / (1 - b2 ** t)) + eps)


def formula_step(opt, p, g, s, t):
    """docs/protocol.md's Optimizers table, one parameter."""
    kind, lr = opt["type"], opt["lr"]
    if kind == "sgd":
        g = g + opt["weight_decay"] * p
        if opt["momentum"]:
            s["b"] = g if t == 1 else opt["momentum"] * s["b"] + g
            g = g + opt["momentum"] * s["b"] if opt["nesterov"] else s["b"]
        return p - lr * g
    if kind in ("adam", "adamw"):
        return adam_like(p, g, s, t, lr, opt["beta1"], opt["beta2"], opt["eps"], opt["weight_decay"], kind == "adamw")
    g = g + opt["weight_decay"] * p
    a = opt["alpha"]
    s["s"] = a * s.get("s", 0) + (1 - a) * g * g
    if opt["centered"]:
        s["a"] = a * s.get("a", 0) + (1 - a) * g
        d = np.sqrt(s["s"] - s["a"] ** 2) + opt["eps"]
    else:
        d = np.sqrt(s["s"]) + opt["eps"]
    if opt["momentum"]:
        s["b"] = opt["momentum"] * s.get("b", 0) + g / d
        return p - lr * s["b"]
    return p - lr * g / d


OPTIMIZERS = [
    {"type": "sgd", "lr": 0.1, "momentum": 0, "nesterov": False, "weight_decay": 0},
    {"type": "sgd", "lr": 0.05, "momentum": 0.9, "nesterov": False, "weight_decay": 0.01},
    {"type": "sgd", "lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 0},
    {"type": "sgd", "lr": 0.05, "momentum": 0, "nesterov": True, "weight_decay": 0},
    {"type": "adam", "lr": 0.01, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.1},
    {"type": "adamw", "lr": 0.01, "beta1": 0.8, "beta2": 0.99, "eps": 1e-8, "weight_decay": 0.01},
    {"type": "rmsprop", "lr": 0.01, "alpha": 0.99, "eps": 1e-8, "momentum": 0, "weight_decay": 0, "centered": False},
    {"type": "rmsprop", "lr": 0.01, "alpha": 0.9, "eps": 1e-6, "momentum": 0.5, "weight_decay": 0.1, "centered": True},
]


def test_optimizers(prog):
    """Three steps of each optimizer against the formulas, from each step's own gradients; the
    state starts again after set_params."""
    model, loss, x, y = CASES["small"]
    prog.build(model, loss, seed=11)
    start = randomise(prog, model)
    for opt in OPTIMIZERS:
        for restart in range(2):  # the second round checks set_params emptied the state
            prog.set(start)
            p, states = {k: v.copy() for k, v in start.items()}, {k: {} for k in start}
            for t in (1, 2, 3):
                _, g, _ = prog.grads(x, y)
                prog.call("step", x=T(x), y=T(y), optimizer=opt)
                p = {k: formula_step(opt, p[k], g[k], states[k], t) for k in p}
            got = prog.params()
            check(all(close(got[k], p[k], SAME) for k in p), "%s (round %d): three steps against the formula: %s"
                  % (opt, restart, "; ".join("%s %s" % (k, worst(got[k], p[k])) for k in p)))
    refused = prog.answer("step", x=T(x), y=T(y), optimizer={"type": "lbfgs", "lr": 1})
    check(not refused["ok"], "an unknown optimizer is refused")


def test_init(prog):
    """Each initialiser's distribution, with the protocol's fans (dense [in, units]; conv2d C·k·k, F·k·k)."""
    for kind, inputs, spec, fans in [
            ("dense", 200, {"type": "dense", "units": 300, "bias": True}, (200, 300)),
            ("conv2d", [40, 9, 9], {"type": "conv2d", "filters": 60, "kernel": 5, "stride": 1, "padding": 0, "bias": True}, (1000, 1500))]:
        fan_in, fan_out = fans
        for init, law, scale in [("glorot_uniform", "u", 6 / (fan_in + fan_out)), ("glorot_normal", "n", 2 / (fan_in + fan_out)),
                                 ("he_uniform", "u", 6 / fan_in), ("he_normal", "n", 2 / fan_in),
                                 ("lecun_uniform", "u", 3 / fan_in), ("lecun_normal", "n", 1 / fan_in)]:
            prog.build({"inputs": inputs, "layers": [dict(spec, init=init)]}, "mse", seed=12)
            w = prog.params()["0.weight"]
            bound = math.sqrt(scale)
            sigma = bound / math.sqrt(3) if law == "u" else bound
            ok = abs(w.std() / sigma - 1) < 0.015 and abs(w.mean()) < 5 * sigma / math.sqrt(w.size)
            if law == "u":  # the largest of 60,000 uniform draws is within 1e-3 of the bound (chance of missing ~e^-30)
                ok = ok and np.abs(w).max() <= bound and np.abs(w).max() > 0.999 * bound
            check(ok, "%s %s: std %.5g (σ %.5g), max %.5g" % (kind, init, w.std(), sigma, np.abs(w).max()))
        for init, value in [("zeros", 0.0), ("constant(0.5)", 0.5)]:
            prog.build({"inputs": inputs, "layers": [dict(spec, init=init)]}, "mse", seed=12)
            check(np.all(prog.params()["0.weight"] == value), "%s %s" % (kind, init))
    check(not prog.answer("build", model={"inputs": 2, "layers": [{"type": "dense", "units": 2, "init": "orthogonal"}]}, loss="mse", seed=0)["ok"],
          "an unknown init is refused")


def test_refusals(prog):
    def refused(op, **fields):
        return not prog.answer(op, **fields)["ok"]
    check(refused("build", model={"inputs": 3, "layers": [{"type": "transformer", "units": 2}]}, loss="mse", seed=0), "an unknown layer type is refused")
    check(refused("build", model={"inputs": 3, "layers": [{"type": "lstm", "units": 2, "sequence": True, "bias": True}]}, loss="mse", seed=0),
          "a recurrent layer on [n, features] is refused")
    check(refused("build", model={"inputs": [3, 2], "layers": [{"type": "rnn", "units": 2, "nonlinearity": "sigmoid", "sequence": True,
                                                                "bias": True}]}, loss="mse", seed=0), "an unknown nonlinearity is refused")
    check(refused("build", model={"inputs": [3, 2], "layers": [{"type": "dense", "units": 2, "bias": True, "init": "glorot_uniform"},
                                                                {"type": "embedding", "vocabulary": 2, "dim": 2}]}, loss="mse", seed=0),
          "an embedding after the first layer is refused")
    prog.build(TOKENS, "softmax_ce")
    check(refused("forward", x=T(np.full((1, 6), 5.0))), "a token past the vocabulary is refused")
    check(refused("forward", x=T(np.full((1, 6), 0.5))), "a token that is not an integer is refused")
    check(refused("loss", x=T(np.zeros((2, 6))), y=T(np.zeros(2))), "softmax_ce on a sequence output with one target per sample is refused")
    check(refused("build", model={"inputs": [1, 4, 4], "layers": [{"type": "dense", "units": 2}]}, loss="mse", seed=0),
          "dense on images without flatten is refused")
    check(refused("build", model={"inputs": [1, 2, 2], "layers": [{"type": "maxpool2d", "size": 3, "stride": 3}]}, loss="mse", seed=0),
          "a window larger than the input is refused")
    check(refused("build", model=SMALL, loss="hinge", seed=0), "an unknown loss is refused")
    check(refused("get_params"), "get_params after a failed build is refused")
    prog.build(SMALL, "mse")
    check(refused("forward", x=T(np.zeros((2, 4)))), "x of the wrong shape is refused")
    check(refused("set_params", params={"0.weight": T(np.zeros((3, 4)))}), "set_params without every tensor is refused")
    check(refused("set_params", params={n: T(np.zeros(s[::-1] if n == "0.weight" else s)) for n, s, _ in expected_params(SMALL)[0]}),
          "set_params with a [units, in] dense weight is refused")
    check(refused("loss", x=T(np.zeros((2, 3))), y=T(np.zeros((2, 2)))), "y of the wrong shape is refused")
    check(refused("layer_forward", layer=3, x=T(np.zeros((2, 1)))), "layer_forward past the last layer is refused")
    check(refused("frobnicate"), "an unknown op is refused")
    answer = prog.raw("this is not json")
    check(answer["ok"] is False and answer["id"] is None, "a line that is not JSON is answered ok:false, id null")
    check(prog.call("hello", protocol=2)["ok"], "the client goes on after refusals")


def test_float32(prog32, prog64):
    """The float32 client computes the float64 client's function to float32's precision."""
    check(prog32.call("hello", protocol=2)["dtype"] == "float32", "--dtype float32 says float32")
    for name in ("image", "mlp", "tokens", "gru"):
        model, loss, x, y = CASES[name]
        prog64.build(model, loss, seed=13)
        prog32.build(model, loss, seed=13)
        w64, w32 = prog64.params(), prog32.params()
        check(all(close(w32[k], w64[k].astype(np.float32), 0, 0) for k in w64), "%s: float32 weights are the float64 ones, rounded" % name)
        p = {k: v.astype(np.float32).astype(np.float64) for k, v in randomise(prog64, model).items()}
        x32 = x.astype(np.float32).astype(np.float64)
        prog64.set(p)
        prog32.set(p)
        _, g64, _ = prog64.grads(x32, y)
        _, g32, _ = prog32.grads(x32, y)
        for k in g64:
            scale = np.abs(g64[k]).max()
            check(np.all(np.abs(g32[k] - g64[k]) <= FLOAT32 * scale), "%s: float32 gradient %s: %s of scale %.3g" % (name, k, worst(g32[k], g64[k]), scale))


def test_against_numpy_client(prog, numpy_prog):
    """The same version-1 network with the same weights in the numpy client: outputs and gradients."""
    model = {"inputs": [1, 6, 6], "layers": [
        {"type": "conv2d", "filters": 2, "kernel": 3, "stride": 1, "padding": 1, "bias": True, "init": "glorot_uniform"},
        {"type": "relu"}, {"type": "maxpool2d", "size": 2, "stride": 2}, {"type": "flatten"},
        {"type": "dense", "units": 3, "bias": True, "init": "glorot_uniform"}, {"type": "tanh"},
        {"type": "dense", "units": 1, "bias": True, "init": "glorot_uniform"}, {"type": "sigmoid"}]}
    x, y = R.normal(size=(3, 1, 6, 6)), np.array([[0.2], [0.7], [0.4]])
    prog.build(model, "mse", seed=14)
    numpy_prog.build(model, "mse", seed=14)
    p = randomise(prog, model)
    numpy_prog.set(p)
    t_ours, _ = prog.trace(x)
    t_numpy, _ = numpy_prog.trace(x)
    check(all(close(a, b, SAME) for a, b in zip(t_ours, t_numpy)), "every layer's output equals the numpy client's")
    l1, g1, _ = prog.grads(x, y)
    l2, g2, _ = numpy_prog.grads(x, y)
    check(math.isclose(l1, l2, rel_tol=SAME) and all(close(g1[k], g2[k], SAME) for k in g2), "gradients equal the numpy client's")


def test_recurrent_against_numpy_client(prog, numpy_prog):
    """The recurrent layers with the same weights in the numpy client (its own backpropagation
    through time): every layer's output, the loss, the gradients and the input gradients. The
    numpy client takes dense on [n, features] only, so these end in a last step or a recurrent layer."""
    models = [("gru", GRU, "mse", CASES["gru"][2], CASES["gru"][3]),
              ("rnn-tanh", RNN_TANH, "bce_logits", CASES["rnn-tanh"][2], CASES["rnn-tanh"][3]),
              ("lstm-last", SEQUENCES["lstm-last"], "mse", R.normal(size=(3, 5, 2)), R.normal(size=(3, 1))),
              ("rnn-relu-sequence", {"inputs": [4, 3], "layers": [RNN_RELU["layers"][0]]}, "mse", R.normal(size=(3, 4, 3)), R.normal(size=(3, 4, 3))),
              ("gru-sequence", {"inputs": [5, 2], "layers": [SEQUENCES["gru-sequence"]["layers"][0]]}, "mse", R.normal(size=(2, 5, 2)), R.normal(size=(2, 5, 3))),
              ("embedding-lstm", {"inputs": 4, "layers": [{"type": "embedding", "vocabulary": 2, "dim": 4},
                                                          {"type": "lstm", "units": 6, "sequence": False, "bias": True, "forget_bias": 1.0},
                                                          {"type": "dense", "units": 1, "bias": True, "init": "glorot_uniform"}]},
               "bce_logits", np.array([[0, 1, 1, 0], [1, 1, 1, 1], [0, 0, 1, 0.0]]), np.array([[0], [0], [1.0]]))]
    for name, model, loss, x, y in models:
        prog.build(model, loss, seed=14)
        numpy_prog.build(model, loss, seed=14)
        p = randomise(prog, model)
        numpy_prog.set(p)
        t_ours, _ = prog.trace(x)
        t_numpy, _ = numpy_prog.trace(x)
        check(all(close(a, b, SAME) for a, b in zip(t_ours, t_numpy)), "%s: every layer's output equals the numpy client's" % name)
        l1, g1, _ = prog.grads(x, y)
        l2, g2, _ = numpy_prog.grads(x, y)
        check(math.isclose(l1, l2, rel_tol=SAME) and all(close(g1[k], g2[k], SAME) for k in g2),
              "%s: gradients equal the numpy client's: %s" % (name, "; ".join("%s %s" % (k, worst(g1[k], g2[k])) for k in g2)))
        a, b = (prog.call("layer_gradients", x=T(x), y=T(y), train=False), numpy_prog.call("layer_gradients", x=T(x), y=T(y), train=False))
        check(all(close(A(u), A(v), SAME) for u, v in zip(a["input_grads"][1:] + a["output_grads"], b["input_grads"][1:] + b["output_grads"])),
              "%s: layer_gradients equal the numpy client's" % name)
        # From random nonzero initial states (initial_state, version 2): the output, the loss, the
        # gradients and initial_state_grads equal the numpy client's; a layer's state moves the loss.
        states = {str(i): {k: T(R.uniform(-0.8, 0.8, (x.shape[0], spec["units"]))) for k in ("hc" if spec["type"] == "lstm" else "h")}
                  for i, spec in enumerate(model["layers"]) if spec["type"] in ("rnn", "lstm", "gru")}
        y1, y2 = (A(p_.call("forward", x=T(x), initial_state=states)["y"]) for p_ in (prog, numpy_prog))
        check(close(y1, y2, SAME) and not close(y1, A(prog.call("forward", x=T(x))["y"]), SAME), "%s: the output from initial_state equals the numpy client's and differs from h_0 = 0's" % name)
        a, b = (p_.call("gradients", x=T(x), y=T(y), initial_state=states) for p_ in (prog, numpy_prog))
        check(math.isclose(a["loss"], b["loss"], rel_tol=SAME) and all(close(A(a["grads"][k]), A(b["grads"][k]), SAME) for k in b["grads"])
              and all(close(A(a["initial_state_grads"][i][k]), A(b["initial_state_grads"][i][k]), SAME) for i in states for k in states[i]),
              "%s: gradients and initial_state_grads from initial_state equal the numpy client's" % name)


def test_recurrent_init(prog):
    """PyTorch's initialisation (docs/protocol.md): every recurrent weight and bias from
    U(-1/sqrt(units), 1/sqrt(units)), forget_bias's block exactly, an embedding from N(0, 1)."""
    u = 100
    prog.build({"inputs": [2, 150], "layers": [{"type": "lstm", "units": u, "sequence": True, "bias": True, "forget_bias": 1.0}]}, "mse", seed=17)
    p, k = prog.params(), 1 / math.sqrt(u)
    w = p["0.weight_ih"]  # [400, 150]: 60,000 draws
    check(abs(w.std() / (k / math.sqrt(3)) - 1) < 0.015 and abs(w.mean()) < 5 * k / math.sqrt(3 * w.size)
          and np.abs(w).max() <= k and np.abs(w).max() > 0.999 * k, "lstm weight_ih: U(±1/√units): std %.5g, max %.5g" % (w.std(), np.abs(w).max()))
    check(np.abs(p["0.weight_hh"]).max() <= k and np.abs(p["0.bias_hh"]).max() <= k, "lstm weight_hh, bias_hh within ±1/√units")
    forget = slice(u, 2 * u)
    check(np.all(p["0.bias_ih"][forget] == 1.0) and np.all(p["0.bias_hh"][forget] == 0.0), "forget_bias: b_if = 1, b_hf = 0")
    others = np.concatenate([p["0.bias_ih"][:u], p["0.bias_ih"][2 * u:]])
    check(np.abs(others).max() <= k and len(set(others.tolist())) == others.size, "the other gates' biases are drawn, not set")
    prog.build({"inputs": 2, "layers": [{"type": "embedding", "vocabulary": 600, "dim": 100}]}, "mse", seed=17)
    e = prog.params()["0.weight"]
    check(abs(e.std() - 1) < 0.015 and abs(e.mean()) < 5 / math.sqrt(e.size), "embedding: N(0, 1): std %.5g, mean %.3g" % (e.std(), e.mean()))


def test_replacements(stock, replaced, label, names):
    """A client whose layer types compute through replacements answers as the stock client."""
    check(all(n in replaced.call("hello", protocol=2)["name"] for n in names), "%s: hello's name says what is replaced" % label)
    for name in ("image", "mlp", "dropout", "tokens", "gru", "rnn-relu"):
        model, loss, x, y = CASES[name]
        stock.build(model, loss, seed=15)
        replaced.build(model, loss, seed=15)
        check(all(np.array_equal(a, b) for a, b in zip(stock.params().values(), replaced.params().values())),
              "%s %s: the same initial tensors" % (label, name))
        replaced.set(randomise(stock, model))
        for op, fields in [("forward", {"train": True, "trace": True}), ("gradients", {"y": T(y), "train": True, "trace": True}),
                           ("layer_gradients", {"y": T(y), "train": True}),
                           ("step", {"y": T(y), "optimizer": {"type": "adam", "lr": 0.01}, "trace": True})]:
            a, b = stock.call(op, x=T(x), **fields), replaced.call(op, x=T(x), **fields)
            a.pop("id"), b.pop("id")
            check(a == b, "%s %s: %s answers as the stock client" % (label, name, op))
        check(stock.params().keys() == replaced.params().keys()
              and all(np.array_equal(v, replaced.params()[k]) for k, v in stock.params().items()), "%s %s: the same step" % (label, name))


def test_custom_relu(right, wrong, stock):
    """custom_relu.py: ReLUFunction is the stock relu; its wrong twin's gradients are wrong below
    the relu and right above it, as nnbench's input-gradient check reports."""
    model, loss, x, y = CASES["small"]
    for prog in (right, wrong, stock):
        prog.build(model, loss, seed=16)
    p = randomise(stock, model)
    right.set(p)
    a, b = stock.grads(x, y), right.grads(x, y)
    check(a[0] == b[0] and all(np.array_equal(a[1][k], b[1][k]) for k in a[1]), "custom ReLUFunction: the stock relu's loss and gradients")
    test_gradients(right, "image")
    test_layer_gradients(right, "small")
    wrong.set(p)
    check(np.array_equal(stock.trace(x)[0][-1], wrong.trace(x)[0][-1]), "wrong ReLU: the forward pass is right")
    bad = gradient_mismatches(wrong, "small", entries=12)
    check(any(e.startswith("0.") for e in bad) and not any(e.startswith("2.") for e in bad),
          "wrong ReLU: the gradients below the relu are wrong, above it right: %s" % bad[:3])
    lg = wrong.call("layer_gradients", x=T(x), y=T(y), train=False)
    trace, _ = wrong.trace(x)
    bad = input_gradient_mismatches(wrong, "small", x, y, trace, [A(t) for t in lg["input_grads"]], entries=12)
    check(any(e.startswith("layer 1") for e in bad) and not any(e.startswith("layer 2") for e in bad),
          "wrong ReLU: the input gradients go wrong at the relu (layer 1), not above it: %s" % bad[:3])


def write_stateless_gru():
    """A user's GRU whose forward takes only x: a module file in a temporary folder."""
    path = os.path.join(tempfile.mkdtemp(prefix="nnbench-torch-test-"), "stateless_gru.py")
    with open(path, "w") as f:
        f.write("from torch import nn\n\n\nclass NoStateGRU(nn.GRU):\n    def forward(self, x):\n        return super().forward(x)\n")
    return path


def test_stateless_recurrent(prog):
    """A recurrent module that cannot take h0 leaves initial_state out of hello's ops, and still runs."""
    a = prog.call("hello", protocol=2)
    check("initial_state" not in a["ops"] and "layer_gradients" in a["ops"], "a GRU without h0: hello's ops %s" % a["ops"])
    prog.build({"inputs": [4, 2], "layers": [{"type": "gru", "units": 3, "sequence": False}, {"type": "dense", "units": 1}]}, "mse")
    out = prog.call("forward", x=T(np.full((1, 4, 2), 0.1)))
    check(A(out["y"]).shape == (1, 1), "a GRU without h0 runs forward: %s" % out)


def main():
    if importlib.util.find_spec("torch") is None:
        print("skipped: torch is not installed; pip install torch==2.13.0+cpu")
        return 0
    began = time.monotonic()
    functional = ["dense=torch.nn.functional:linear", "conv2d=torch.nn.functional:conv2d", "batchnorm=torch.nn.functional:batch_norm",
                  "relu=torch.nn.functional:relu", "leaky_relu=torch.nn.functional:leaky_relu", "gelu=torch.nn.functional:gelu",
                  "softplus=torch.nn.functional:softplus", "maxpool2d=torch.nn.functional:max_pool2d",
                  "avgpool2d=torch.nn.functional:avg_pool2d", "dropout=torch:mul", "tanh=torch:tanh", "sigmoid=torch:sigmoid",
                  "embedding=torch.nn.functional:embedding"]
    modules = ["dense=torch.nn:Linear", "conv2d=torch.nn:Conv2d", "leaky_relu=torch.nn:LeakyReLU", "maxpool2d=torch.nn:MaxPool2d",
               "avgpool2d=torch.nn:AvgPool2d", "gelu=torch.nn:GELU", "flatten=torch.nn:Flatten",
               "rnn=torch.nn:RNN", "lstm=torch.nn:LSTM", "gru=torch.nn:GRU", "embedding=torch.nn:Embedding"]
    programs = {  # started together: their torch imports overlap
        "float64": Program(CLIENT),
        "float32": Program(CLIENT, "--dtype", "float32"),
        "functional": Program(CLIENT, *[a for c in functional for a in ("--custom", c)]),
        "modules": Program(CLIENT, *[a for c in modules for a in ("--custom", c)]),
        "right": Program(CUSTOM),
        "wrong": Program(CUSTOM, "--wrong"),
        "numpy": Program(NUMPY_CLIENT),
        "stateless": Program(CLIENT, "--custom", "gru=%s:NoStateGRU" % write_stateless_gru()),
    }
    prog = programs["float64"]
    steps = [
        ("hello", lambda: test_hello(prog)),
        ("example", lambda: test_example(prog)),
        ("build", lambda: test_build(prog)),
        ("ops and shapes", lambda: test_ops_and_shapes(prog)),
        ("layer outputs", lambda: test_layer_outputs(prog)),
        ("maxpool ties", lambda: test_maxpool_ties(prog)),
        ("gradients", lambda: [test_gradients(prog, n, train) for n, train in [("image", False), ("mlp", False), ("small", False), ("mlp", True)]]),
        ("layer_gradients", lambda: [test_layer_gradients(prog, n) for n in ("image", "mlp", "small")]),
        ("recurrent gradients", lambda: [test_gradients(prog, n) for n in RECURRENT]),
        ("recurrent layer_gradients", lambda: [test_layer_gradients(prog, n) for n in RECURRENT]),
        ("recurrent init", lambda: test_recurrent_init(prog)),
        ("dropout", lambda: test_dropout(prog)),
        ("batchnorm", lambda: test_batchnorm(prog)),
        ("optimizers", lambda: test_optimizers(prog)),
        ("init", lambda: test_init(prog)),
        ("refusals", lambda: test_refusals(prog)),
        ("float32", lambda: test_float32(programs["float32"], prog)),
        ("numpy client", lambda: test_against_numpy_client(prog, programs["numpy"])),
        ("numpy client, recurrent", lambda: test_recurrent_against_numpy_client(prog, programs["numpy"])),
        ("functional replacements", lambda: test_replacements(prog, programs["functional"], "functional", ["dense=linear", "dropout=mul"])),
        ("module replacements", lambda: test_replacements(prog, programs["modules"], "modules", ["dense=Linear"])),
        ("custom relu", lambda: test_custom_relu(programs["right"], programs["wrong"], prog)),
        ("recurrent without h0", lambda: test_stateless_recurrent(programs["stateless"])),
    ]
    for title, run in steps:
        t = time.monotonic()
        try:
            run()
        except Exception as error:  # a crash in one part is a failure, the others still run
            check(False, "%s: %s: %s" % (title, type(error).__name__, error))
        print("%-24s %.1f s" % (title, time.monotonic() - t), flush=True)
    for name, program in programs.items():
        try:
            check(program.shutdown() == 0, "%s: shutdown exits 0" % name)
        except Exception as error:
            check(False, "%s: shutdown: %s" % (name, error))
    print("total %.1f s" % (time.monotonic() - began))
    print("%d passed, %d failed" % (RESULTS["passed"], RESULTS["failed"]))
    return 1 if RESULTS["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
