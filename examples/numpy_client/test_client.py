#!/usr/bin/env python3
"""Self-test of nnbench_client.py: plain python3 + numpy, no pytest.

    python3 examples/numpy_client/test_client.py            # float64 and float32
    python3 examples/numpy_client/test_client.py float32    # one precision
    python3 examples/numpy_client/test_client.py --matrix   # every check that catches each bug (slower)

What it checks:
  1. docs/protocol.md's example exchange (the requests of docs/protocol/example.requests) through
     a real subprocess, against answers worked out by hand; version 1's exchange byte for byte
     with --protocol 1, and with a hello that does not say a version; shutdown's exit status 0.
  2. The correct client passes a battery modelled on docs/checks.md: parameter gradients and each
     layer's input gradient against central differences along random directions (in evaluation
     and in training, under the pass's own dropout masks and batch statistics; each layer's alone,
     from layer_gradients, so that a wrong backward pass is blamed on its layer), layer outputs
     against naive loops, every
     activation against its formula, the masks (y = x * mask), layer_forward, loss_from_layer,
     batchnorm's buffers, optimizer steps against the formulas of docs/protocol.md, losses, every
     initialiser's distribution, batch independence, dropout modes, numerics on huge values,
     errors answered as ok:false.
  3. --protocol 1 is exactly a version 1 program.
  4. Every --bug makes at least one of those checks fail (a bug the battery misses is a defect);
     the first that does is printed, or with --matrix every one.

Tolerances. float64: central differences with h = 1e-6 along directions of +-1 entries
(truncation O(h^2 |v|^3) < 1e-8 for the few hundred entries here, rounding eps*L/h ~ 1e-10),
errors |a-n|/max(|a|,|n|,1e-4) below 1e-5. float32: a float32 loss is rounded
at ~6e-8 of itself, so float32 central differences need h ~ 1e-2 and are then only good to ~1e-2
(and step over relu kinks). Instead, the float32 client's analytic gradients are compared with
float64 central differences at the same (float32-representable) weights, inputs and masks: what
remains is the float32 rounding of the forward and backward passes, ~1e-6 relative, so the bound
is 1e-3 with a floor of 1e-3. Same-answer comparisons use 1e-10 (float64) and 1e-4 (float32)
times max(1, |ref|): a hundred times the rounding of a few hundred operations.

The differences are taken in-process, through the client's own forward code (`Handle.inside`):
through JSON they would take most of the time. Every op is also exercised through the JSON path,
and the example exchange through a real process.
"""

import contextlib
import io
import json
import math
import os
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import nnbench_client as nc  # noqa: E402

CLIENT = os.path.join(HERE, "nnbench_client.py")

# ---------------------------------------------------------------------------------------------
# Talking to an in-process client through the same JSON path as the real loop.


def T(a):
    a = np.asarray(a, np.float64)
    return {"shape": list(a.shape), "data": a.ravel().tolist()}


def A(t):
    return np.array(t["data"], np.float64).reshape(t["shape"])


def masks_of(answer):
    """An answer's masks as {layer index: array}."""
    return {int(k): A(t) for k, t in answer.get("masks", {}).items()}


class Refused(Exception):
    """The client answered ok: false."""


class Handle:
    """One client, with its bug switched on around each request."""

    def __init__(self, dtype="float64", bug=None, protocol=2):
        self.client, self.bug, self.next_id = nc.Client(dtype, protocol), bug, 0

    def call(self, op, **fields):
        self.next_id += 1
        nc.ACTIVE_BUG = self.bug
        try:  # the client logs failed requests to stderr; the tests provoke some on purpose
            with contextlib.redirect_stderr(io.StringIO()):
                line, _ = nc.answer_line(self.client, json.dumps(dict(id=self.next_id, op=op, **fields)))
        finally:
            nc.ACTIVE_BUG = None
        answer = json.loads(line)
        assert answer["id"] == self.next_id
        if not answer["ok"]:
            raise Refused("%s failed: %s" % (op, answer["error"]))
        return answer

    def refuses(self, op, **fields):
        return self.refusal(op, **fields) is not None

    def refusal(self, op, **fields):
        """The error of an ok:false answer, or None if the client answered ok:true."""
        try:
            self.call(op, **fields)
            return None
        except Refused as error:
            return str(error)

    def build(self, model, loss, seed=0):
        answer = self.call("build", model=model, loss=loss, seed=seed)
        self.trainable = [p["name"] for p in answer["params"] if p.get("trainable", True)]
        return answer

    def params(self):
        return {n: A(t) for n, t in self.call("get_params")["params"].items()}

    def set(self, params):
        self.call("set_params", params={n: T(v) for n, v in params.items()})

    def loss(self, x, y):
        return self.call("loss", x=T(x), y=T(y))["loss"]

    def grads(self, x, y, **fields):
        a = self.call("gradients", x=T(x), y=T(y), **fields)
        return a["loss"], {n: A(t) for n, t in a["grads"].items()}

    def forward(self, x, train=False):
        return A(self.call("forward", x=T(x), train=train)["y"])

    def trace(self, x, train=False):
        """(y, every layer's output, masks) of one forward pass."""
        a = self.call("forward", x=T(x), train=train, trace=True)
        return A(a["y"]), [A(t) for t in a["trace"]], masks_of(a)

    # In-process, for central differences: the client's own code without the JSON round trip.

    def inside(self, fn):
        nc.ACTIVE_BUG = self.bug
        try:
            with np.errstate(all="ignore"):
                return fn(self.client)
        finally:
            nc.ACTIVE_BUG = None
            self.client.given_masks = {}

    def loss_inside(self, x, y, train=False, masks=None):
        """The loss at the client's current parameters, replaying `masks` in training."""
        def run(c):
            c.given_masks = {i: m.astype(c.dtype) for i, m in (masks or {}).items()}
            return float(c.loss_fn(c.run_forward(x.astype(c.dtype), train), y.astype(c.dtype))[0])
        return self.inside(run)

    def grads_inside(self, x, y, train=False, masks=None):
        def run(c):
            c.given_masks = {i: m.astype(c.dtype) for i, m in (masks or {}).items()}
            c.compute_gradients(x.astype(c.dtype), y.astype(c.dtype), train)
            return {n: g.astype(np.float64) for n, g in c.grads.items()}
        return self.inside(run)

    def layer_inside(self, index, x, train=False, mask=None):
        return self.inside(lambda c: c.apply_layer(index, x.astype(c.dtype), train, None if mask is None else mask.astype(c.dtype)).astype(np.float64))


def close(a, b, bound):
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return a.shape == b.shape and bool(np.all(np.abs(a - b) <= bound * np.maximum(1, np.abs(b))))


def same_bound(dtype):
    return 1e-10 if dtype == "float64" else 1e-4


def directions(shape, seed):
    """Two random directions of +-1 entries: a wrong gradient entry shows in both unless the
    others cancel it, which two independent sign draws make negligible."""
    rng = np.random.default_rng(seed)
    return [rng.choice([-1.0, 1.0], size=shape) for _ in range(2)]


def central_difference(f, a, v, step=1e-6):
    """(f(a + h v) - f(a - h v)) / 2h, the derivative of f along v, with the array a perturbed
    in place and restored bit for bit."""
    keep = a.copy()
    a += step * v
    up = f()
    a[...] = keep - step * v
    down = f()
    a[...] = keep
    return (up - down) / (2 * step)


def gradient_error(analytic, numeric, dtype):
    """|a - n| / max(|a|, |n|, floor) (the worst entry's, and where), and the bound it must stay under."""
    floor, bound = (1e-4, 1e-5) if dtype == "float64" else (1e-3, 1e-3)
    analytic, numeric = np.atleast_1d(analytic), np.atleast_1d(numeric)
    with np.errstate(all="ignore"):
        err = np.abs(analytic - numeric) / np.maximum(np.maximum(np.abs(analytic), np.abs(numeric)), floor)
    err = np.where(np.isfinite(err), err, np.inf)
    i = np.unravel_index(np.argmax(err), err.shape)
    return float(err[i]), i, bound


# ---------------------------------------------------------------------------------------------
# Models and data for the checks.

R = np.random.default_rng(12345)
MODELS = {
    "mlp": ({"inputs": 4, "layers": [{"type": "dense", "units": 8}, {"type": "tanh"}, {"type": "dense", "units": 8},
                                     {"type": "relu"}, {"type": "dense", "units": 3}]}, "softmax_ce",
            R.normal(size=(6, 4)), np.array([0, 1, 2, 1, 0, 2.0])),
    "sigmoid": ({"inputs": 2, "layers": [{"type": "dense", "units": 5}, {"type": "sigmoid"}, {"type": "dense", "units": 4},
                                         {"type": "leaky_relu", "slope": 0.1}, {"type": "dense", "units": 1}, {"type": "identity"}]},
                "bce_logits", R.normal(size=(5, 2)), np.array([[0], [1], [1], [0], [1.0]])),
    "regression": ({"inputs": 3, "layers": [{"type": "dense", "units": 4, "bias": False}, {"type": "tanh"},
                                            {"type": "dense", "units": 2}]}, "mse", R.normal(size=(6, 3)), R.normal(size=(6, 2))),
    "square": ({"inputs": 3, "layers": [{"type": "dense", "units": 3}, {"type": "relu"}, {"type": "dense", "units": 3}]},
               "mse", R.normal(size=(4, 3)), R.normal(size=(4, 3))),
    "image": ({"inputs": [1, 6, 6], "layers": [{"type": "conv2d", "filters": 2, "kernel": 3, "padding": 1}, {"type": "relu"},
                                               {"type": "maxpool2d", "size": 2}, {"type": "flatten"}, {"type": "dropout", "rate": 0.25},
                                               {"type": "dense", "units": 1}]}, "bce_logits", R.normal(size=(3, 1, 6, 6)), np.array([[1], [0], [1.0]])),
    "strided": ({"inputs": [2, 7, 7], "layers": [{"type": "conv2d", "filters": 3, "kernel": 3, "stride": 2, "padding": 1, "bias": False},
                                                 {"type": "tanh"},
                                                 {"type": "maxpool2d", "size": 2, "stride": 1}, {"type": "flatten"}, {"type": "dense", "units": 2}]},
                "mse", R.normal(size=(2, 2, 7, 7)), R.normal(size=(2, 2))),
    # Version 2: batchnorm (1d and 2d), gelu, softplus, avgpool2d with overlapping windows, init.
    # No bias before a batchnorm, as in practice: its gradient is 0 (the batch mean removes it),
    # so what a client answers is rounding noise, which adam and rmsprop would scale up to lr.
    "normalised": ({"inputs": 3, "layers": [{"type": "dense", "units": 5, "bias": False, "init": "he_normal"}, {"type": "batchnorm"}, {"type": "gelu"},
                                            {"type": "dense", "units": 4, "init": "lecun_uniform"}, {"type": "softplus"},
                                            {"type": "dense", "units": 2}]}, "mse", R.normal(size=(6, 3)), R.normal(size=(6, 2))),
    "pooled": ({"inputs": [2, 5, 5], "layers": [{"type": "conv2d", "filters": 3, "kernel": 3, "padding": 1, "bias": False, "init": "glorot_normal"},
                                                {"type": "batchnorm", "momentum": 0.2}, {"type": "relu"},
                                                {"type": "avgpool2d", "size": 3, "stride": 2}, {"type": "flatten"},
                                                {"type": "dropout", "rate": 0.3}, {"type": "dense", "units": 3}]},
               "softmax_ce", R.normal(size=(4, 2, 5, 5)), np.array([0, 2, 1, 2.0])),
    # Recurrent layers: an LSTM's last state with a forget-gate bias; a GRU under an Elman rnn,
    # both returning every step, so the loss reads every step's output; tokens through an embedding.
    "lstm": ({"inputs": [3, 2], "layers": [{"type": "lstm", "units": 3, "sequence": False, "bias": True, "forget_bias": 1.0},
                                           {"type": "dense", "units": 2}]}, "mse", R.normal(size=(4, 3, 2)), R.normal(size=(4, 2))),
    "sequences": ({"inputs": [3, 2], "layers": [{"type": "gru", "units": 3, "sequence": True, "bias": True},
                                                {"type": "rnn", "units": 2, "nonlinearity": "tanh", "sequence": True, "bias": False}]},
                  "mse", R.normal(size=(4, 3, 2)), R.normal(size=(4, 3, 2))),
    "tokens": ({"inputs": 4, "layers": [{"type": "embedding", "vocabulary": 3, "dim": 2},
                                        {"type": "rnn", "units": 3, "nonlinearity": "tanh", "sequence": False, "bias": True},
                                        {"type": "dense", "units": 1}]},
               "bce_logits", np.array([[0, 1, 2, 1], [2, 2, 0, 1], [1, 0, 0, 2.0]]), np.array([[1], [0], [1.0]])),
    # A dense layer on a sequence acts at every step, and softmax_ce averages over every
    # (sample, step) pair: copy-memory's per-step classes.
    "per-step": ({"inputs": 4, "layers": [{"type": "embedding", "vocabulary": 3, "dim": 2},
                                          {"type": "gru", "units": 3, "sequence": True, "bias": True},
                                          {"type": "dense", "units": 3}]},
                 "softmax_ce", np.array([[0, 1, 2, 1], [2, 2, 0, 1], [1, 0, 0, 2.0]]), np.array([[2, 0, 1, 1], [0, 2, 2, 1], [1, 1, 0, 0.0]])),
}


def stochastic(model):
    """Whether training computes another function than evaluation (dropout, batchnorm)."""
    return any(spec["type"] in ("dropout", "batchnorm") for spec in model["layers"])


def built(name, dtype, bug=None, seed=0):
    model, loss, x, y = MODELS[name]
    h = Handle(dtype, bug)
    h.build(model, loss, seed)
    return h, x, y


def varied(h):
    """Random batchnorm weights, biases and running statistics (a fresh one's are 1, 0, 0, 1),
    so that no statistic is the identity and evaluation differs from training."""
    p = h.params()
    layers = [n[:-len(".running_mean")] for n in p if n.endswith(".running_mean")]
    if not layers:
        return p
    rng = np.random.default_rng(7)
    for layer in layers:
        for what, low, high in (("weight", 0.5, 2), ("bias", -1, 1), ("running_mean", -1, 1), ("running_var", 0.5, 2)):
            n = "%s.%s" % (layer, what)
            p[n] = rng.uniform(low, high, p[n].shape)
    h.set(p)
    return p


def reference(h, name, dtype):
    """The client whose loss is differentiated: h itself in float64; in float32, a float64
    client with the same bug and h's (float32-representable) parameters."""
    if dtype == "float64":
        return h
    ref = Handle("float64", h.bug)
    ref.build(*MODELS[name][:2])
    ref.set(h.params())
    return ref


# ---------------------------------------------------------------------------------------------
# Naive references, written from docs/protocol.md's definitions in float64 loops.


def naive_conv(x, w, b, stride, pad):
    n, c, H, W = x.shape
    f, _, k, _ = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    oh, ow = (H + 2 * pad - k) // stride + 1, (W + 2 * pad - k) // stride + 1
    y = np.zeros((n, f, oh, ow))
    for s in range(n):
        for o in range(f):
            for i in range(oh):
                for j in range(ow):
                    y[s, o, i, j] = b[o] + np.sum(xp[s, :, i * stride:i * stride + k, j * stride:j * stride + k] * w[o])
    return y


def naive_pool(x, size, stride, reduce):
    n, c, H, W = x.shape
    oh, ow = (H - size) // stride + 1, (W - size) // stride + 1
    y = np.zeros((n, c, oh, ow))
    for i in range(oh):
        for j in range(ow):
            y[:, :, i, j] = reduce(x[:, :, i * stride:i * stride + size, j * stride:j * stride + size], axis=(2, 3))
    return y


def naive_maxpool_backward(x, dy, size, stride):
    """Each output's gradient to the first maximum of its window in row-major order, added up."""
    dx = np.zeros(x.shape)
    for s, c, i, j in np.ndindex(dy.shape):
        window = x[s, c, i * stride:i * stride + size, j * stride:j * stride + size]
        a, b = divmod(int(np.argmax(window)), size)  # argmax: the first occurrence
        dx[s, c, i * stride + a, j * stride + b] += dy[s, c, i, j]
    return dx


def naive_batchnorm(x, p, i, spec, train):
    y = np.empty(x.shape)
    for c in range(x.shape[1]):
        v = x[:, c]
        mean, var = (v.mean(), v.var()) if train else (p["%d.running_mean" % i][c], p["%d.running_var" % i][c])
        y[:, c] = p["%d.weight" % i][c] * (v - mean) / math.sqrt(var + spec.get("eps", 1e-5)) + p["%d.bias" % i][c]
    return y


def logistic(x):
    return 1 / (1 + math.exp(-x)) if x > -700 else 0.0  # math.exp(700) is near the largest double


def elementwise(f):
    return np.vectorize(f, otypes=[float])


SQRT2 = math.sqrt(2)
# Each activation and its derivative, exactly as docs/protocol.md writes them.
ACTIVATIONS = {
    "relu": (elementwise(lambda x: max(x, 0.0)), elementwise(lambda x: 1.0 if x > 0 else 0.0)),
    "leaky_relu": (elementwise(lambda x: x if x > 0 else 0.1 * x), elementwise(lambda x: 1.0 if x > 0 else 0.1)),
    "tanh": (elementwise(math.tanh), elementwise(lambda x: 1 - math.tanh(x) ** 2)),
    "sigmoid": (elementwise(lambda x: logistic(x)), elementwise(lambda x: logistic(x) * logistic(-x))),
    "identity": (elementwise(lambda x: x), elementwise(lambda x: 1.0)),
    "gelu": (elementwise(lambda x: x / 2 * (1 + math.erf(x / SQRT2))),
             elementwise(lambda x: (1 + math.erf(x / SQRT2)) / 2 + x * math.exp(-x * x / 2) / math.sqrt(2 * math.pi))),
    "softplus": (elementwise(lambda x: x if x > 20 else math.log1p(math.exp(x))),
                 elementwise(lambda x: 1.0 if x > 20 else logistic(x))),
}


def naive_recurrent(spec, i, x, p):
    """rnn, lstm and gru sample by sample, step by step, as docs/protocol.md writes them."""
    t, u = spec["type"], spec["units"]
    W_ih, W_hh = p["%d.weight_ih" % i], p["%d.weight_hh" % i]
    b_ih, b_hh = p.get("%d.bias_ih" % i, np.zeros(W_ih.shape[0])), p.get("%d.bias_hh" % i, np.zeros(W_ih.shape[0]))
    sig = elementwise(logistic)
    out = np.zeros((x.shape[0], x.shape[1], u))
    for s in range(x.shape[0]):
        h, c = np.zeros(u), np.zeros(u)
        for step in range(x.shape[1]):
            a, r = W_ih @ x[s, step] + b_ih, W_hh @ h + b_hh
            if t == "rnn":
                h = np.tanh(a + r) if spec.get("nonlinearity", "tanh") == "tanh" else np.maximum(a + r, 0)
            elif t == "lstm":
                g = a + r
                c = sig(g[u:2 * u]) * c + sig(g[:u]) * np.tanh(g[2 * u:3 * u])
                h = sig(g[3 * u:]) * np.tanh(c)
            else:
                reset, z = sig(a[:u] + r[:u]), sig(a[u:2 * u] + r[u:2 * u])
                h = (1 - z) * np.tanh(a[2 * u:] + reset * r[2 * u:]) + z * h
            out[s, step] = h
    return out if spec.get("sequence", True) else out[:, -1]


def naive_layer(spec, i, x, p, train, mask):
    t = spec["type"]
    if t in ("rnn", "lstm", "gru"):
        return naive_recurrent(spec, i, x, p)
    if t == "embedding":
        return p["%d.weight" % i][x.astype(int)]
    if t == "dense":
        return x @ p["%d.weight" % i] + p.get("%d.bias" % i, 0)
    if t == "conv2d":
        return naive_conv(x, p["%d.weight" % i], p.get("%d.bias" % i, np.zeros(spec["filters"])), spec.get("stride", 1), spec.get("padding", 0))
    if t in ("maxpool2d", "avgpool2d"):
        return naive_pool(x, spec["size"], spec.get("stride", spec["size"]), np.max if t == "maxpool2d" else np.mean)
    if t == "flatten":
        return x.reshape(x.shape[0], -1)
    if t == "batchnorm":
        return naive_batchnorm(x, p, i, spec, train)
    if t == "dropout":
        return x * mask if train else x
    if t == "leaky_relu":
        return np.where(x > 0, x, spec["slope"] * x)
    return ACTIVATIONS[t][0](x)


def loss_and_gradient(loss, z, y):
    """docs/protocol.md's losses and their gradients d loss / d z."""
    if loss == "mse":
        return np.mean((z - y) ** 2), 2 * (z - y) / z.size
    if loss == "bce_logits":
        return np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))), (1 / (1 + np.exp(-z)) - y) / z.size
    if z.ndim == 3:  # per-step classes: the mean over every (sample, step) pair
        value, dz = loss_and_gradient(loss, z.reshape(-1, z.shape[2]), y.reshape(-1))
        return value, dz.reshape(z.shape)
    m = z.max(axis=1, keepdims=True)
    e = np.exp(z - m)
    onehot = np.eye(z.shape[1])[y.astype(int)]
    lse = m[:, 0] + np.log(e.sum(axis=1))
    return np.mean(lse - z[np.arange(len(y)), y.astype(int)]), (e / e.sum(axis=1, keepdims=True) - onehot) / len(y)


# ---------------------------------------------------------------------------------------------
# The checks: each returns a list of failures (empty when it passes).


def check_gradient(dtype, bug):
    """Parameter gradients against central differences along random directions (PyTorch's fast
    gradcheck), in evaluation and in training, under the pass's own masks and batch statistics."""
    failures = []
    for name, (model, _, x, y) in MODELS.items():
        for train in ([False, True] if stochastic(model) else [False]):
            if failures:  # one failing model fails the check; the others would only cost time
                return failures
            h, _, _ = built(name, dtype, bug)
            varied(h)
            ref = reference(h, name, dtype)
            a = h.call("gradients", x=T(x), y=T(y), train=train, trace=True)
            grads, masks = {n: A(t) for n, t in a["grads"].items()}, masks_of(a)
            if list(grads) != h.trainable:
                failures.append("gradient (%s): grads has %s, the trainable parameters are %s" % (name, list(grads), h.trainable))
                continue
            if not train and any(not np.array_equal(grads[n], A(t)) for n, t in h.call("gradients", x=T(x), y=T(y))["grads"].items()):
                failures.append("gradient (%s): a second gradients call answers other gradients" % name)
            for n, g in grads.items():
                for v in directions(g.shape, 1):
                    numeric = central_difference(lambda: ref.loss_inside(x, y, train, masks), ref.client.params[n], v)
                    err, _, bound = gradient_error(np.sum(v * g), numeric, dtype)
                    if err > bound:
                        failures.append("gradient (%s, %s): %s along a random direction: analytic %.6g, central difference %.6g, error %.2g > %g" % (
                            name, "train" if train else "eval", n, np.sum(v * g), numeric, err, bound))
                        break
    return failures


def check_input_gradient(dtype, bug):
    """layer_gradients, layer_forward and loss_from_layer, in evaluation and in training: every
    layer's input gradient against central differences of that layer alone at the pass's own
    input, along random directions (max pooling: entry by entry against a loop, its ties at
    relu's zeros being kinks); the chain output_grads[L] = input_grads[L+1], ending in the
    loss's gradient; layer_forward's outputs against the trace; loss_from_layer at every layer
    against loss."""
    failures = []
    for name, (model, loss, x, y) in MODELS.items():
        layers = model["layers"]
        for train in ([False, True] if stochastic(model) else [False]):
            if failures:  # one failing model fails the check; the others would only cost time
                return failures
            mode = "train" if train else "eval"
            h, _, _ = built(name, dtype, bug)
            varied(h)
            ref = reference(h, name, dtype)
            a = h.call("layer_gradients", x=T(x), y=T(y), train=train)
            ig, og, masks = [A(t) for t in a["input_grads"]], [A(t) for t in a["output_grads"]], masks_of(a)
            xs = [x]  # the pass's input of every layer, rebuilt with layer_forward
            for L in range(len(layers)):
                fields = {"mask": T(masks[L])} if L in masks else {}
                xs.append(A(h.call("layer_forward", layer=L, x=T(xs[L]), train=train, **fields)["y"]))
            if not train:
                _, trace, _ = h.trace(x)
                bad = [L for L in range(len(layers)) if not close(xs[L + 1], trace[L], same_bound(dtype))]
                if bad:
                    failures.append("layer_forward (%s): layer %d's output differs from the forward trace" % (name, bad[0]))
                    continue
                base = h.loss(x, y)
                bad = [L for L in range(len(layers) + 1) if not close(h.call("loss_from_layer", layer=L, x=T(xs[L]), y=T(y))["loss"], base, same_bound(dtype))]
                if bad:
                    failures.append("loss_from_layer (%s): from layer %d the loss differs from loss" % (name, bad[0]))
            last = h.call("loss_from_layer", layer=len(layers), x=T(xs[-1]), y=T(y))["loss"]
            value, dz = loss_and_gradient(loss, xs[-1], y)
            if not close(last, a["loss"], same_bound(dtype)) or not close(value, a["loss"], same_bound(dtype)):
                failures.append("layer_gradients (%s, %s): loss %.10g; the layers replayed give %.10g, the formula %.10g" % (name, mode, a["loss"], last, value))
            chain = [L for L in range(len(layers) - 1) if not np.array_equal(og[L], ig[L + 1])]
            if chain or not close(og[-1], dz, same_bound(dtype)):
                failures.append("layer_gradients (%s, %s): output_grads[%d] is not %s" % (
                    name, mode, chain[0] if chain else len(layers) - 1, "input_grads[%d]" % (chain[0] + 1) if chain else "the loss's gradient"))
            for L, spec in enumerate(layers):
                xL = xs[L].copy()
                if spec["type"] == "embedding":
                    continue  # token indices have no gradient
                if spec["type"] == "maxpool2d":
                    pairs = [(ig[L], naive_maxpool_backward(xL, og[L], spec["size"], spec.get("stride", spec["size"])))]
                else:  # d/dx <og, f(x)> along v is v . input_grads
                    pairs = [(np.sum(v * ig[L]), central_difference(lambda: float(np.sum(og[L] * ref.layer_inside(L, xL, train, masks.get(L)))), xL, v))
                             for v in directions(xL.shape, L)]
                for analytic, numeric in pairs:
                    err, i, bound = gradient_error(analytic, numeric, dtype)
                    if err > bound:
                        failures.append("input-gradient (%s, %s): layer %d (%s): analytic %.6g, expected %.6g, error %.2g > %g" % (
                            name, mode, L, spec["type"], np.atleast_1d(analytic)[i], np.atleast_1d(numeric)[i], err, bound))
                        break
    return failures


def check_layers(dtype, bug):
    """Every layer's output (trace) against a naive implementation from the weights, in
    evaluation and in training; a training trace's masks: one per dropout layer, shaped as its
    input, each value 0 or 1/(1-rate), and y = x * mask; layer_forward in training reproduces
    the training trace (batch statistics, the trace's masks)."""
    failures = []
    for name, (model, _, x, _) in MODELS.items():
        for train in ([False, True] if stochastic(model) else [False]):
            h, _, _ = built(name, dtype, bug)
            p = varied(h)
            y, trace, masks = h.trace(x, train)
            dropouts = [i for i, spec in enumerate(model["layers"]) if spec["type"] == "dropout"]
            if train and sorted(masks) != dropouts:
                failures.append("masks (%s): for layers %s, the dropout layers are %s" % (name, sorted(masks), dropouts))
                continue
            a = x
            for i, spec in enumerate(model["layers"]):
                if i in masks:
                    kept = masks[i] != 0
                    scale = float(np.float32(1 / (1 - spec["rate"]))) if dtype == "float32" else 1 / (1 - spec["rate"])
                    if masks[i].shape != a.shape or not np.all(masks[i][kept] == scale):
                        failures.append("masks (%s): layer %d's mask is not 0 or 1/(1-rate) = %.8g, shaped %s" % (name, i, scale, list(a.shape)))
                        break
                a = naive_layer(spec, i, a, p, train, masks.get(i))
                if not close(trace[i], a, same_bound(dtype)):
                    failures.append("layers (%s, %s): layer %d (%s) output differs from the naive reference" % (name, "train" if train else "eval", i, spec["type"]))
                    break
            if not close(y, trace[-1], 0):
                failures.append("layers (%s): y differs from the last traced output" % name)
            if train:  # layer_forward in training, from the trace's input and mask, gives its output
                inputs = [x] + trace[:-1]
                fields = [{"mask": T(masks[L])} if L in masks else {} for L in range(len(trace))]
                bad = [L for L in range(len(trace)) if not close(
                    A(h.call("layer_forward", layer=L, x=T(inputs[L]), train=True, **fields[L])["y"]), trace[L], same_bound(dtype))]
                if bad:
                    failures.append("layer_forward (%s, train): layer %d's output differs from the training trace" % (name, bad[0]))
    return failures


# Every multiple of 1/4 in [-12, 12] (0 and the kinks included, exact in float32), softplus's
# threshold from both sides, and values that overflow a careless exp.
ACTIVATION_INPUTS = np.concatenate([np.linspace(-12, 12, 97), [-1000, -30, 19.5, 20, 20.5, 25, 1000]])


def check_activations(dtype, bug):
    """Each activation's output and derivative (input_grads of layer_gradients with a constant
    output gradient) against its formula, over a grid that includes 0 and softplus's threshold."""
    failures = []
    x = ACTIVATION_INPUTS[None, :]
    for kind, (f, df) in ACTIVATIONS.items():
        h = Handle(dtype, bug)
        h.build({"inputs": x.shape[1], "layers": [{"type": kind, "slope": 0.1}]}, "mse")
        fx = f(x)
        # mse's gradient 2 (z - y)/k with z - y = 1 everywhere: input_grads = (2/k) f'(x).
        a = h.call("layer_gradients", x=T(x), y=T(fx - 1))
        got, slope = h.forward(x), A(a["input_grads"][0]) * x.shape[1] / 2
        for what, value, want in (("output", got, fx), ("derivative", slope, df(x))):
            bad = ~np.isclose(value, want, rtol=same_bound(dtype), atol=same_bound(dtype))
            if np.any(bad):
                i = int(np.argmax(bad))
                failures.append("activations: %s's %s at %g is %.10g, the formula gives %.10g" % (kind, what, x[0, i], value[0, i], want[0, i]))
    return failures


def ref_optimizer(opt, params, grads, state, t):
    """docs/protocol.md's formulas, in float64, written independently of the client. Buffers
    (not in grads) are left alone."""
    out = dict(params)
    kind, lr = opt["type"], opt["lr"]
    wd = opt.get("weight_decay", 0.01 if kind == "adamw" else 0)
    for n, g in grads.items():
        p = params[n]
        if kind == "adamw":
            p = p * (1 - lr * wd)
        else:
            g = g + wd * p
        if kind == "sgd":
            mu = opt.get("momentum", 0)
            if mu:
                state[n] = g if n not in state else mu * state[n] + g
                g = g + mu * state[n] if opt.get("nesterov") else state[n]
            out[n] = p - lr * g
        elif kind in ("adam", "adamw"):
            b1, b2, eps = opt.get("beta1", 0.9), opt.get("beta2", 0.999), opt.get("eps", 1e-8)
            m, v = state.get(n, (0 * p, 0 * p))
            m, v = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g * g
            state[n] = (m, v)
            out[n] = p - lr * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + eps)
        else:  # rmsprop
            alpha, eps, mu = opt.get("alpha", 0.99), opt.get("eps", 1e-8), opt.get("momentum", 0)
            s, avg, b = state.get(n, (0 * p, 0 * p, 0 * p))
            s = alpha * s + (1 - alpha) * g * g
            if opt.get("centered"):
                avg = alpha * avg + (1 - alpha) * g
            d = np.sqrt(s - avg * avg) + eps
            b = mu * b + g / d
            state[n] = (s, avg, b)
            out[n] = p - lr * (b if mu else g / d)
    return out


OPTIMIZERS = [{"type": "sgd", "lr": 0.1}, {"type": "sgd", "lr": 0.05, "momentum": 0.9},
              {"type": "sgd", "lr": 0.05, "momentum": 0.9, "nesterov": True}, {"type": "adam", "lr": 0.01},
              {"type": "sgd", "lr": 0.1, "weight_decay": 0.1}, {"type": "adam", "lr": 0.01, "beta1": 0.8, "weight_decay": 0.1},
              {"type": "adamw", "lr": 0.01}, {"type": "adamw", "lr": 0.01, "beta1": 0.8, "weight_decay": 0.1},
              {"type": "rmsprop", "lr": 0.01}, {"type": "rmsprop", "lr": 0.01, "momentum": 0.9, "centered": True, "weight_decay": 0.1},
              # eps 0.01: sqrt(s) + eps and sqrt(s + eps) then differ by O(1), which float32 sees too;
              # at 1e-8 they differ by ~eps/(2 sqrt(s)) ~ 1e-7 of the step, which only float64 resolves.
              {"type": "rmsprop", "lr": 0.01, "alpha": 0.9, "eps": 0.01}]


def batch_statistics(x, axes):
    """The batch mean and unbiased variance per channel."""
    m = x.size // x.shape[1]
    return x.mean(axis=axes), x.var(axis=axes) * m / (m - 1)


def check_steps(dtype, bug):
    """Three steps of each optimizer against the formulas of docs/protocol.md, applied to the
    client's own gradients for the step's pass (the gradient checks judge those); in training,
    under the step's own masks (its trace), with batchnorm's buffers moved by the pass's batch
    statistics."""
    failures = []
    runs = [("regression", opt) for opt in OPTIMIZERS]
    runs += [("normalised", OPTIMIZERS[1]), ("normalised", OPTIMIZERS[7]), ("pooled", OPTIMIZERS[9])]
    for name, opt in runs:
        if failures:  # one failing run fails the check; the others would only cost time
            return failures
        model, _, x, y = MODELS[name]
        h, _, _ = built(name, dtype, bug)
        own, _, _ = built(name, dtype, bug)  # the same client, to ask for the gradients of each step's pass
        params = varied(h)
        state = {}
        for t in range(1, 4):
            a = h.call("step", x=T(x), y=T(y), optimizer=opt, trace=True)
            trace, masks = [A(v) for v in a["trace"]], masks_of(a)
            own.set(params)
            loss, grads = own.loss_inside(x, y, True, masks), own.grads_inside(x, y, True, masks)
            expected = ref_optimizer(opt, params, grads, state, t)
            for L, spec in enumerate(model["layers"]):
                if spec["type"] == "batchnorm":
                    inputs = x if L == 0 else trace[L - 1]
                    mean, var = batch_statistics(inputs, (0,) if inputs.ndim == 2 else (0, 2, 3))
                    mom = spec.get("momentum", 0.1)
                    expected["%d.running_mean" % L] = (1 - mom) * params["%d.running_mean" % L] + mom * mean
                    expected["%d.running_var" % L] = (1 - mom) * params["%d.running_var" % L] + mom * var
            got = h.params()
            bad = [n for n in expected if not close(got[n], expected[n], same_bound(dtype) * 10)]
            if bad or not close(a["loss"], loss, same_bound(dtype)):
                failures.append("step (%s, %s): after step %d %s differ from the formula" % (name, opt, t, bad or "the loss"))
                break
            params = got
    return failures


def check_step_batches(dtype, bug):
    """Steps on two different batches: each step's loss is its own batch's at the weights before
    it (a step on the previous batch's inputs reports another)."""
    h, x, y = built("regression", dtype, bug)
    own, _, _ = built("regression", dtype, bug)
    opt = {"type": "sgd", "lr": 0.1}
    for xs, ys in [(x, y), (x[::-1] * 2, y)]:
        own.set(h.params())
        expected = own.loss_inside(xs, ys)
        a = h.call("step", x=T(xs), y=T(ys), optimizer=opt)
        if not close(a["loss"], expected, same_bound(dtype)):
            return ["step on a second batch reports the loss %r, its batch's is %r" % (a["loss"], expected)]
    return []


INITS = {"glorot": lambda fan_in, fan_out: 2 / (fan_in + fan_out), "he": lambda fan_in, fan_out: 2 / fan_in,
         "lecun": lambda fan_in, fan_out: 1 / fan_in}


def initialised(model, dtype, bug, seed):
    h = Handle(dtype, bug)
    h.build(model, "mse", seed)
    return h.params()


def check_init(dtype, bug):
    """Every initialiser: the same seed gives the same weights and another seed others; biases
    start at 0; each weight's RMS is its sigma within 5 standard deviations of the estimate
    (sqrt(1/(2n)) relative for normal draws, less for uniform ones); uniform draws stay within
    sqrt(3) sigma, normal ones do not (all n of them inside: probability 0.917^n < 1e-10)."""
    failures = []
    for init in ["%s_%s" % (f, d) for f in INITS for d in ("uniform", "normal")] + ["zeros", "constant(0.5)"]:
        model = {"inputs": [4, 5, 5], "layers": [{"type": "conv2d", "filters": 8, "kernel": 3, "init": init}, {"type": "flatten"},
                                                 {"type": "dense", "units": 8, "init": init}]}
        p0, p0b, p1 = (initialised(model, dtype, bug, seed) for seed in (0, 0, 1))
        for n, w in p0.items():
            if n.endswith("bias"):
                if np.any(w != 0):
                    failures.append("init (%s): %s is not 0" % (init, n))
                continue
            if not np.array_equal(w, p0b[n]):
                failures.append("init (%s): the same seed gives other weights" % init)
            fan_in, fan_out = (w.shape[0], w.shape[1]) if w.ndim == 2 else (np.prod(w.shape[1:]), w.shape[0] * np.prod(w.shape[2:]))
            if init in ("zeros", "constant(0.5)"):
                if np.any(w != (0 if init == "zeros" else 0.5)):
                    failures.append("init (%s): %s is not that constant" % (init, n))
                continue
            if np.array_equal(w, p1[n]):
                failures.append("init (%s): %s is the same for seeds 0 and 1" % (init, n))
            sigma = math.sqrt(INITS[init.split("_")[0]](fan_in, fan_out))
            rms = np.sqrt(np.mean(w * w))
            if abs(rms / sigma - 1) > 5 * math.sqrt(1 / (2 * w.size)):
                failures.append("init (%s): %s has RMS %.4g, the initialiser's sigma is %.4g" % (init, n, rms, sigma))
            inside = np.max(np.abs(w)) <= math.sqrt(3) * sigma * (1 + 1e-6)  # float32's rounding of the bound
            if inside != init.endswith("uniform"):
                failures.append("init (%s): %s %s within sqrt(3) sigma" % (init, n, "lies" if inside else "does not lie"))
    return failures


def check_loss_and_batch(dtype, bug):
    """The loss is the formula of docs/protocol.md; a batch's loss is the mean of its samples';
    a sample's output in evaluation does not depend on the rest of the batch."""
    failures = []
    for name in ("mlp", "sigmoid", "regression", "normalised", "pooled"):
        h, x, y = built(name, dtype, bug)
        varied(h)
        z = h.forward(x)
        loss = h.loss(x, y)
        formula = loss_and_gradient(MODELS[name][1], z, y)[0]
        if not close(loss, formula, same_bound(dtype)):
            failures.append("loss (%s): %.10g, the formula gives %.10g" % (name, loss, formula))
        singles = [h.loss(x[i:i + 1], y[i:i + 1]) for i in range(len(x))]
        if not close(loss, np.mean(singles), same_bound(dtype)):
            failures.append("batch (%s): batch loss %.10g, mean of the samples' %.10g" % (name, loss, np.mean(singles)))
        if not close(h.forward(x[:1]), z[:1], same_bound(dtype)):
            failures.append("batch (%s): sample 0's output changes with the batch" % name)
    return failures


def check_buffers(dtype, bug):
    """batchnorm's running statistics: listed by build after the layer's parameters with
    trainable false, in get_params and set_params, never in grads; moved by step in training
    only; a training batch with one value per channel refused."""
    failures = []
    for name in ("normalised", "pooled"):
        model, loss, x, y = MODELS[name]
        h = Handle(dtype, bug)
        answer = h.build(model, loss)
        listed = [(p["name"], p["trainable"]) for p in answer["params"]]
        expected = []
        for L, spec in enumerate(model["layers"]):
            if spec["type"] in ("dense", "conv2d", "batchnorm"):
                expected += [("%d.weight" % L, True)] + [("%d.bias" % L, True)] * spec.get("bias", True)
            if spec["type"] == "batchnorm":
                expected += [("%d.running_mean" % L, False), ("%d.running_var" % L, False)]
        if listed != expected:
            failures.append("buffers (%s): build lists %s, expected %s" % (name, listed, expected))
        p = h.params()
        fresh = {n: v for n, v in p.items() if n.split(".")[0] in [str(L) for L, s in enumerate(model["layers"]) if s["type"] == "batchnorm"]}
        if any(not np.all(v == (1 if n.endswith(("weight", "running_var")) else 0)) for n, v in fresh.items()):
            failures.append("buffers (%s): a fresh batchnorm is not weight 1, bias 0, running_mean 0, running_var 1" % name)
        if not h.refuses("set_params", params={n: T(v) for n, v in p.items() if "running" not in n}):
            failures.append("buffers (%s): set_params without the buffers is accepted" % name)
        p = varied(h)
        if any(not close(v, p[n], same_bound(dtype)) for n, v in h.params().items()):
            failures.append("buffers (%s): get_params does not give back what set_params set" % name)
        for op, fields in (("forward", {"train": True}), ("gradients", {"train": True, "y": T(y)}), ("layer_gradients", {"train": True, "y": T(y)}),
                           ("step", {"train": False, "y": T(y), "optimizer": {"type": "sgd", "lr": 0.1, "weight_decay": 0.5}}),
                           ("layer_forward", {"layer": 1, "train": True, "x": T(h.trace(x)[1][0])})):
            before = h.params()
            h.call(op, **dict({"x": T(x)}, **fields))
            after = h.params()
            if any(not np.array_equal(before[n], after[n]) for n in before if "running" in n):
                failures.append("buffers (%s): %s %s moves the running statistics" % (name, op, fields.get("train")))
        h.call("step", x=T(x), y=T(y), optimizer={"type": "sgd", "lr": 0.1})
        if any(np.array_equal(p[n], v) for n, v in h.params().items() if "running" in n):
            failures.append("buffers (%s): a training step leaves a running statistic where it was" % name)
    for inputs, count, refused in ((3, 1, True), ([2, 1, 1], 1, True), ([2, 2, 1], 1, False), (3, 2, False)):
        h = Handle(dtype, bug)
        h.build({"inputs": inputs, "layers": [{"type": "batchnorm"}]}, "mse")
        x = np.random.default_rng(count).normal(size=(count,) + tuple(np.atleast_1d(inputs)))
        before = h.params()
        if h.refuses("step", x=T(x), y=T(x), optimizer={"type": "sgd", "lr": 0.1}) != refused or h.refuses("forward", x=T(x), train=True) != refused:
            failures.append("buffers: a training batch of %d samples of %s %s" % (count, inputs, "is accepted (m = 1)" if refused else "is refused"))
        if refused and any(not np.array_equal(v, before[n]) for n, v in h.params().items()):
            failures.append("buffers: a refused step changes the parameters")
        if h.refuses("forward", x=T(x)):
            failures.append("buffers: evaluation of one sample is refused")
    return failures


def check_modes(dtype, bug):
    """Evaluation is deterministic; training dropout keeps the mean (it is inverted)."""
    failures = []
    h, x, _ = built("image", dtype, bug)
    if not np.array_equal(h.forward(x), h.forward(x)):
        failures.append("modes: two evaluation forwards differ")
    d = Handle(dtype, bug)
    d.build({"inputs": 40, "layers": [{"type": "dropout", "rate": 0.25}]}, "mse", 3)
    x = np.abs(np.random.default_rng(5).normal(size=(5, 40))) + 0.5
    # 20 passes of 200 units: the ratio's standard deviation is sqrt(rate/(1-rate)/4000) = 0.009.
    ratio = np.mean([d.forward(x, train=True).sum() / x.sum() for _ in range(20)])
    if abs(ratio - 1) > 0.05:
        failures.append("modes: training dropout scales the mean by %.3f" % ratio)
    if not close(d.forward(x), x, same_bound(dtype)):
        failures.append("modes: dropout is not the identity in evaluation")
    return failures


def check_numerics(dtype, bug):
    """Logits near +-1000, and inputs x1000 through gelu and softplus, give a finite loss and
    finite gradients (stable forms)."""
    failures = []
    for name in ("mlp", "sigmoid", "normalised"):
        h, x, y = built(name, dtype, bug)
        p = h.params()
        if name == "normalised":
            x = x * 1000
        else:
            last = [n for n in p if n.endswith("bias")][-1]
            p[last] = p[last] + np.where(np.arange(p[last].size) % 2 == 0, 1000.0, -1000.0)
            h.set(p)
            y = y if name == "mlp" else 1 - (h.forward(x) > 0)  # bce: the wrong side, the hard case
        loss, grads = h.grads(x, y)
        if not np.isfinite(loss) or not all(np.all(np.isfinite(g)) for g in grads.values()):
            failures.append("numerics (%s): loss %r or a gradient is not finite at values near 1000" % (name, loss))
    return failures


# A bug is reported by the first check that catches it (--matrix: by every one): cheap checks
# first, and the per-layer input-gradient check before the whole-model ones, to name the layer.
def check_initial_state(dtype, bug):
    """initial_state (version 2): from random nonzero h_0 (and an LSTM's c_0) for every recurrent
    layer, initial_state_grads and every parameter's gradient against central differences of the
    loss from those states, along random directions: a forward that ignores the states (its loss
    does not move with them) or a backward that drops a term only a nonzero h_0 has shows here."""
    failures = []
    rng = np.random.default_rng(3)
    for name in ("lstm", "sequences", "tokens"):
        model, _, x, y = MODELS[name]
        h, _, _ = built(name, dtype, bug)
        ref = reference(h, name, dtype)
        states = {}
        for i, spec in enumerate(model["layers"]):
            if spec["type"] in ("rnn", "lstm", "gru"):
                states[i] = {"h": rng.uniform(-0.8, 0.8, (x.shape[0], spec["units"]))}
                if spec["type"] == "lstm":
                    states[i]["c"] = rng.uniform(-1, 1, (x.shape[0], spec["units"]))

        def sent():
            return {str(i): {k: T(v) for k, v in s.items()} for i, s in states.items()}

        def loss():
            return ref.call("loss", x=T(x), y=T(y), initial_state=sent())["loss"]

        a = h.call("gradients", x=T(x), y=T(y), initial_state=sent())
        given = a.get("initial_state_grads", {})
        wrt = [("%d.%s_0" % (i, k), v, A(given[str(i)][k]) if k in given.get(str(i), {}) else None) for i, s in states.items() for k, v in s.items()]
        wrt += [(n, ref.client.params[n], A(t)) for n, t in a["grads"].items()]
        for what, value, g in wrt:
            if g is None or g.shape != value.shape:
                failures.append("initial state (%s): no gradient %s of shape %s in the answer" % (name, what, list(value.shape)))
                continue
            for v in directions(g.shape, 2):
                numeric = central_difference(loss, value, v)
                err, _, bound = gradient_error(np.sum(v * g), numeric, dtype)
                if err > bound:
                    failures.append("initial state (%s): d loss / d %s along a random direction: analytic %.6g, central difference %.6g, error %.2g > %g" % (
                        name, what, np.sum(v * g), numeric, err, bound))
                    break
        if failures:
            return failures
    return failures


CHECKS = [check_activations, check_layers, check_loss_and_batch, check_numerics, check_modes, check_init,
          check_input_gradient, check_gradient, check_steps, check_step_batches, check_buffers, check_initial_state]

# Which bugs each check reaches: the names the client asks bug() about while the check runs on
# the correct client. A check that never asks about a bug runs the same code with it switched
# on (the checks are deterministic: seeded data and draws), so it cannot catch it and is skipped.
ASKED = set()


def asking_bug(name, answer=nc.bug):
    ASKED.add(name)
    return answer(name)


nc.bug = asking_bug

# ---------------------------------------------------------------------------------------------
# Protocol-level tests.

EXAMPLE_REQUESTS = os.path.join(ROOT, "docs", "protocol", "example.requests")
# The answers to docs/protocol/example.requests, worked out by hand. With W = [[0.5, -1],
# [0.25, 0.5], [0, 1]], b = 0, x = [1, 2, 3] and y = [0, 1]:
#   z = x W = [0.5 + 0.5 + 0, -1 + 1 + 3] = [1, 3], and relu keeps both (they are positive);
#   mse = ((1 - 0)^2 + (3 - 1)^2) / (n k = 2) = 5/2 = 2.5;
#   d loss/d z = 2 (z - y)/(n k) = [1, 2] = output_grads[1]; relu passes it (z > 0), so
#   input_grads[1] = output_grads[0] = [1, 2];
#   d loss/d W = x^T [1, 2] = [[1, 2], [2, 4], [3, 6]], d loss/d b = [1, 2];
#   input_grads[0] = [1, 2] W^T = [0.5 - 2, 0.25 + 1, 0 + 2] = [-1.5, 1.25, 2].
# Every value is exact in binary, so the lines are exact (Python writes 1.0 for a float 1).
EXAMPLE_ANSWERS = [
    '{"id":1,"ok":true,"protocol":2,"name":"tiny-numpy-mlp","dtype":"float64",'
    '"ops":["gradients","step","trace","layer_gradients","layer_forward","loss_from_layer","initial_state"],'
    '"layers":["dense","relu","leaky_relu","tanh","sigmoid","identity","dropout","conv2d","maxpool2d","flatten","gelu","softplus","batchnorm","avgpool2d","rnn","lstm","gru","embedding"],'
    '"losses":["mse","bce_logits","softmax_ce"],"optimizers":["sgd","adam","adamw","rmsprop"]}',
    '{"id":2,"ok":true,"params":[{"name":"0.weight","shape":[3,2],"trainable":true},{"name":"0.bias","shape":[2],"trainable":true}]}',
    '{"id":3,"ok":true}',
    '{"id":4,"ok":true,"loss":2.5}',
    '{"id":5,"ok":true,"loss":2.5,"grads":{"0.weight":{"shape":[3,2],"data":[1.0,2.0,2.0,4.0,3.0,6.0]},"0.bias":{"shape":[2],"data":[1.0,2.0]}}}',
    '{"id":6,"ok":true,"loss":2.5,"input_grads":[{"shape":[1,3],"data":[-1.5,1.25,2.0]},{"shape":[1,2],"data":[1.0,2.0]}],'
    '"output_grads":[{"shape":[1,2],"data":[1.0,2.0]},{"shape":[1,2],"data":[1.0,2.0]}]}',
    '{"id":7,"ok":true}',
]


def run_client(requests, *flags):
    run = subprocess.run([sys.executable, CLIENT, *flags], stderr=subprocess.DEVNULL, stdout=subprocess.PIPE, input=requests, text=True, timeout=60)
    return run.stdout.splitlines(), run.returncode


def compare(what, got, expected):
    assert got == expected, what + ":\n" + "\n".join("  got  %s\n  want %s" % (g, e) for g, e in zip(got + [""] * 9, expected + [""] * 9) if g != e)


def doc_example():
    """The request (>) and answer (<) lines of docs/protocol.md's section "A complete exchange"."""
    text = open(os.path.join(ROOT, "docs", "protocol.md"), encoding="utf-8").read()
    block = text[text.index("## A complete exchange"):].split("```")[1]
    lines = block.strip("\n").splitlines()
    return [line[2:] for line in lines if line.startswith("> ")], [line[2:] for line in lines if line.startswith("< ")]


def test_example_exchange():
    """docs/protocol/example.requests: the requests of docs/protocol.md's example, line for line;
    the client's answers are the lines worked out above, and the document shows them."""
    requests = open(EXAMPLE_REQUESTS, encoding="utf-8").read()
    doc_requests, doc_answers = doc_example()
    compare("docs/protocol/example.requests against docs/protocol.md", requests.splitlines(), doc_requests)
    got, status = run_client(requests)
    for line in got:
        print("       < " + line)
    compare("the example's answers", got, EXAMPLE_ANSWERS)
    compare("docs/protocol.md's answers", got, doc_answers)
    assert status == 0, "shutdown: exit status %d" % status


def test_version1_exchange():
    """Version 1's example byte for byte, from a client started with --protocol 1 and from one
    that meets a hello without a version (a version 1 nnbench). Its loss needs weights that give
    yhat = [1.25, 1.25] (W = 0, b = [1.25, 1.25]: ((1.25-0)^2 + (1.25-1)^2) / 2 = 0.8125)."""
    requests = [
        '{"id":1,"op":"hello"}',
        '{"id":2,"op":"build","model":{"inputs":3,"layers":[{"type":"dense","units":2}]},"loss":"mse","seed":1}',
        '{"id":30,"op":"set_params","params":{"0.weight":{"shape":[3,2],"data":[0,0,0,0,0,0]},"0.bias":{"shape":[2],"data":[1.25,1.25]}}}',
        '{"id":3,"op":"loss","x":{"shape":[1,3],"data":[1,2,3]},"y":{"shape":[1,2],"data":[0,1]}}',
        '{"id":4,"op":"frobnicate"}',
        '{"id":5,"op":"forward","x":{"shape":[1,3],"data":[1,"Infinity",3]}}',
        '{"id":6,"op":"shutdown"}',
    ]
    expected = [
        '{"id":1,"ok":true,"protocol":1,"name":"tiny-numpy-mlp","dtype":"float64","ops":["gradients","step","trace"]}',
        '{"id":2,"ok":true,"params":[{"name":"0.weight","shape":[3,2]},{"name":"0.bias","shape":[2]}]}',
        '{"id":30,"ok":true}',
        '{"id":3,"ok":true,"loss":0.8125}',
        '{"id":4,"ok":false,"error":"unsupported op \'frobnicate\'"}',
        '{"id":5,"ok":true,"y":{"shape":[1,2],"data":[NaN,NaN]}}',  # 0 * inf: NaN, as IEEE says
        '{"id":6,"ok":true}',
    ]
    for flags in (["--protocol", "1"], []):
        got, status = run_client("\n".join(requests) + "\n", *flags)
        compare("version 1's exchange %s" % flags, got, expected)
        assert status == 0, "shutdown: exit status %d" % status
    listed = subprocess.run([sys.executable, CLIENT, "--list-bugs"], capture_output=True, text=True, timeout=60).stdout
    assert [line.split()[0] for line in listed.splitlines()] == list(nc.BUGS)
    assert subprocess.run([sys.executable, CLIENT, "--protocol", "3"], capture_output=True, timeout=60).returncode == 64


def version1_client(dtype, how):
    if how == "--protocol 1":
        h = Handle(dtype, protocol=1)
        hello = h.call("hello", protocol=2)
    else:  # a version 2 client meeting a version 1 nnbench
        h = Handle(dtype)
        hello = h.call("hello")
    assert hello["protocol"] == 1 and hello["ops"] == ["gradients", "step", "trace"], hello
    assert not {"layers", "losses", "optimizers"} & set(hello), hello
    return h


def test_protocol1(dtype):
    """A version 1 program offers no version 2 op, field or layer type."""
    for how in ("--protocol 1", "hello without a version"):
        h = version1_client(dtype, how)
        for spec in ({"type": "gelu"}, {"type": "softplus"}, {"type": "batchnorm"}, {"type": "avgpool2d", "size": 2}, {"type": "maxpool2d", "size": 2, "stride": 1}):
            model = {"inputs": [1, 4, 4] if "size" in spec else 4, "layers": [spec]}
            assert h.refuses("build", model=model, loss="mse", seed=0), "%s: builds %s" % (how, spec)
        model, loss, x, y = MODELS["image"]
        model = {"inputs": model["inputs"], "layers": [dict(model["layers"][0], bias=False, init="zeros")] + model["layers"][1:]}
        answer = h.build(model, loss)
        assert answer["params"] == [{"name": "0.weight", "shape": [2, 1, 3, 3]}, {"name": "0.bias", "shape": [2]},
                                    {"name": "5.weight", "shape": [18, 1]}, {"name": "5.bias", "shape": [1]}], answer  # init and bias ignored
        assert np.all(h.params()["0.weight"] != 0)
        for op in ("layer_gradients", "layer_forward", "loss_from_layer"):
            assert h.refuses(op, layer=0, x=T(x), y=T(y)), "%s: offers %s" % (how, op)
        for kind in ("adamw", "rmsprop"):
            assert h.refuses("step", x=T(x), y=T(y), optimizer={"type": kind, "lr": 0.1}), "%s: steps with %s" % (how, kind)
        plain = h.call("gradients", x=T(x), y=T(y))
        asked = h.call("gradients", x=T(x), y=T(y), train=True, trace=True)  # ignored: evaluation, no trace
        assert set(asked) == {"id", "ok", "loss", "grads"} and asked["grads"] == plain["grads"], "%s: gradients takes train/trace" % how
        assert "masks" not in h.call("forward", x=T(x), train=True, trace=True), "%s: masks with a trace" % how
        assert set(h.call("step", x=T(x), y=T(y), optimizer={"type": "sgd", "lr": 0.1}, trace=True)) == {"id", "ok", "loss"}


def test_negotiation():
    for asked, answered in ((2, 2), (3, 2), (1, 1)):
        assert Handle().call("hello", protocol=asked)["protocol"] == answered
    assert Handle(protocol=1).call("hello", protocol=2)["protocol"] == 1
    assert Handle().refuses("hello", protocol="2")


def test_errors(dtype):
    h = Handle(dtype)
    for op, fields in [("forward", {"x": T(np.zeros((1, 2)))}),  # before build
                       ("build", {"model": {"inputs": 2, "layers": [{"type": "lstm"}]}, "loss": "mse", "seed": 0}),
                       ("build", {"model": {"inputs": 2, "layers": [{"type": "dense", "units": 1, "init": "orthogonal"}]}, "loss": "mse", "seed": 0}),
                       ("build", {"model": {"inputs": 2, "layers": []}, "loss": "hinge", "seed": 0})]:
        assert h.refuses(op, **fields), "%s %s should answer ok: false" % (op, fields)
    # bad layer fields and class targets: the error names the value and what was expected
    dense, lstm = {"type": "dense", "units": 1}, {"type": "lstm", "units": 2}
    for inputs, layer, says in [(2, dict(dense, units=0), "units must be a whole number >= 1, got 0"),
                                (2, dict(dense, units=2.5), "units must be a whole number >= 1, got 2.5"),
                                (2, dict(dense, units="3"), 'units must be a whole number >= 1, got "3"'),
                                (2, dict(dense, bias="no"), 'bias must be true or false, got "no"'),
                                ([3, 2], dict(lstm, units=-2), "units must be a whole number >= 1, got -2"),
                                ([3, 2], dict(lstm, sequence="yes"), 'sequence must be true or false, got "yes"'),
                                (4, {"type": "embedding", "vocabulary": 0, "dim": 2}, "vocabulary must be a whole number >= 1, got 0"),
                                ([1, 4, 4], {"type": "conv2d", "filters": 1, "kernel": 2, "stride": 0}, "stride must be a whole number >= 1, got 0"),
                                ([1, 4, 4], {"type": "conv2d", "filters": 1, "kernel": 2, "padding": -1}, "padding must be a whole number >= 0, got -1"),
                                ([1, 4, 4], {"type": "maxpool2d", "size": 2, "stride": 1.5}, "stride must be a whole number >= 1, got 1.5"),
                                ([3, 2], {"type": "embedding", "vocabulary": 3, "dim": 2},
                                 "needs token indices [n, steps] (model inputs [steps]), got per-sample shape [3, 2]")]:
        error = h.refusal("build", model={"inputs": inputs, "layers": [layer]}, loss="mse", seed=0)
        assert error and says in error, "build %s: %r should say %r" % (layer, error, says)
    h.build({"inputs": 2, "layers": [{"type": "dense", "units": 9}]}, "softmax_ce")
    for bad in (9, 1.5, -1):
        error = h.refusal("loss", x=T(np.zeros((2, 2))), y=T(np.array([0.0, bad])))
        says = "class indices 0..8, got %g (at flat index 1)" % bad
        assert error and says in error, "softmax_ce target %s: %r should say %r" % (bad, error, says)
    model, loss, x, y = MODELS["image"]
    h.build(model, loss)
    for op, fields in [("forward", {"x": T(np.zeros((1, 3)))}), ("set_params", {"params": {}}),
                       ("step", {"x": T(x), "y": T(y), "optimizer": {"type": "lamb", "lr": 0.1}}),
                       ("layer_forward", {"layer": 6, "x": T(x)}), ("layer_forward", {"layer": 0, "x": T(np.zeros((1, 4)))}),
                       ("layer_forward", {"layer": 4, "x": T(np.zeros((1, 18))), "train": True}),  # dropout in training: no mask
                       ("loss_from_layer", {"layer": 7, "x": T(x), "y": T(y)}), ("loss_from_layer", {"layer": 1.5, "x": T(x), "y": T(y)})]:
        assert h.refuses(op, **fields), "%s %s should answer ok: false" % (op, fields)
    assert h.call("hello")["dtype"] == dtype


# ---------------------------------------------------------------------------------------------


def run_check(check, dtype, bug):
    try:
        return check(dtype, bug)
    except Exception as error:  # a bug may make the client refuse an op: the check fails
        return ["%s: %s: %s" % (check.__name__[6:], type(error).__name__, error)]


def main(argv):
    matrix = "--matrix" in argv
    dtypes = [a for a in argv if a != "--matrix"] or ["float64", "float32"]
    start = time.time()
    note = test_example_exchange()
    print("ok   example exchange of docs/protocol.md (docs/protocol/example.requests); shutdown exits 0; %s" % note)
    test_version1_exchange()
    test_negotiation()
    print("ok   version 1's exchange byte for byte with --protocol 1 and with a hello without a version; negotiation")
    failed = False
    for dtype in dtypes:
        test_errors(dtype)
        test_protocol1(dtype)
        print("ok   %s errors answered ok:false; --protocol 1 offers no version 2 op, field, layer type or optimizer" % dtype)
        reaches = {}
        for check in CHECKS:
            ASKED.clear()
            failures = run_check(check, dtype, None)
            reaches[check] = set(ASKED)
            print("%s %s %s" % ("ok  " if not failures else "FAIL", dtype, check.__name__))
            for f in failures:
                print("       " + f)
            failed |= bool(failures)
        for bug in nc.BUGS:
            caught = []
            for check in CHECKS:
                if bug in reaches[check] and run_check(check, dtype, bug):
                    caught.append(check.__name__[6:])
                    if not matrix:
                        break
            print("%s %s --bug %-38s caught by: %s" % ("ok  " if caught else "FAIL", dtype, bug, ", ".join(caught) or "nothing"))
            failed |= not caught
    print("%s in %.1f s" % ("FAILED" if failed else "all passed", time.time() - start))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
