#!/usr/bin/env python3
"""Self-test of the helper module nnbench_check: plain python3 + numpy, no pytest.

    python3 python/test_nnbench_check.py

It drives the module through its JSON path (`Client.answer`, the same as the real loop) with the
layers of examples/helper_client, the client written on it, and checks:
  1. docs/protocol.md's example exchange through a real process, answer for answer after hello;
  2. gradients against central differences, each layer's input gradient (layer_gradients)
     against central differences of loss_from_layer, and a wrong backward pass (the client's
     --bug tanh-derivative-of-input) caught at its own layer;
  3. step against the optimizers' first steps worked out by hand;
  4. batchnorm's buffers move in step only; dropout's masks reproduce the trace; layer_forward
     replays the mask it is sent;
  5. version 1 when nnbench asks for it; errors answered ok:false; a layer type without backward
     offers no gradient op; non-finite numbers as the protocol's strings; float32;
  6. the module's version is nnbench's (Sources/NNBenchIO/ToolVersion.swift).

Tolerances. float64 central differences with h = 1e-6 along a +-1 direction: truncation
O(h^2 |v|^3) ~ 1e-12 x 30 entries for these smooth losses (no layer input sits within 1e-5 of a
relu kink, checked below), rounding ~ eps |L| / h ~ 2e-10 absolute (|L| ~ 1), so relative to
max(|a|, |n|, 1e-4) at most 2e-6; bound 1e-5 (as the numpy client's self-test). The wrong tanh
backward is off by ~1. Same-value comparisons 1e-12 relative (a few roundings of the same
operations). float32 against float64: 1e-3 relative with a floor of 1e-3 (float32 rounds at
6e-8; a few hundred operations, then the relative error of small entries).
"""

import json
import math
import os
import re
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "examples", "helper_client"))
import nnbench_check as nb  # noqa: E402
import nnbench_helper_client as example  # noqa: E402

CLIENT = os.path.join(ROOT, "examples", "helper_client", "nnbench_helper_client.py")


def T(a):
    a = np.asarray(a, np.float64)
    return {"shape": list(a.shape), "data": a.ravel().tolist()}


def A(t):
    return np.array(t["data"], np.float64).reshape(t["shape"])


class Refused(Exception):
    pass


class Handle:
    """One Client of the example's layers, spoken to through JSON lines."""

    def __init__(self, dtype="float64", layers=None):
        self.client, self.next_id = nb.Client(layers or example.LAYERS, "test", dtype), 0

    def call(self, op, **fields):
        self.next_id += 1
        stderr, sys.stderr = sys.stderr, open(os.devnull, "w")  # refusals are logged; some are on purpose
        try:
            line, _ = self.client.answer(json.dumps(dict(id=self.next_id, op=op, **fields)))
        finally:
            sys.stderr.close()
            sys.stderr = stderr
        answer = json.loads(line)
        assert answer["id"] == self.next_id, answer
        if not answer["ok"]:
            raise Refused("%s: %s" % (op, answer["error"]))
        return answer

    def refusal(self, op, **fields):
        try:
            self.call(op, **fields)
        except Refused as error:
            return str(error)
        raise AssertionError("%s %s was answered ok: true" % (op, fields))


R = np.random.default_rng(2024)
MLP = {"inputs": 4, "layers": [{"type": "dense", "units": 6, "bias": True, "init": "glorot_uniform"}, {"type": "tanh"},
                               {"type": "dense", "units": 5, "bias": True, "init": "he_normal"}, {"type": "sigmoid"},
                               {"type": "dense", "units": 3, "bias": True, "init": "lecun_uniform"}]}
X, Y = R.normal(size=(5, 4)), np.array([0, 2, 1, 1, 0.0])
NORMED = {"inputs": 3, "layers": [{"type": "dense", "units": 4, "bias": False, "init": "glorot_uniform"},
                                  {"type": "batchnorm", "momentum": 0.1, "eps": 1e-5}, {"type": "relu"},
                                  {"type": "dropout", "rate": 0.5}, {"type": "dense", "units": 2, "bias": True, "init": "glorot_uniform"}]}
XN, YN = R.normal(size=(6, 3)), R.normal(size=(6, 2))


def relative_error(a, n, floor=1e-4):
    a, n = np.asarray(a, np.float64), np.asarray(n, np.float64)
    return float(np.max(np.abs(a - n) / np.maximum(np.maximum(np.abs(a), np.abs(n)), floor)))


def along(h, op_loss, v, step=1e-6):
    """(L(a + h v) - L(a - h v)) / 2h for the loss `op_loss(delta)` at an offset delta."""
    return (op_loss(step * v) - op_loss(-step * v)) / (2 * step)


def test_example_exchange():
    """docs/protocol.md's example, answered by the helper client through a real process: every
    answer after hello as the document writes it, and shutdown exits 0."""
    with open(os.path.join(ROOT, "docs", "protocol", "example.requests")) as f:
        requests = f.read()
    with open(os.path.join(ROOT, "docs", "protocol.md")) as f:
        documented = [line[2:] for line in f.read().split("## A complete exchange")[1].split("```")[1].splitlines() if line.startswith("< ")]
    run = subprocess.run([sys.executable, CLIENT], input=requests, capture_output=True, text=True, timeout=60)
    got = run.stdout.splitlines()
    assert run.returncode == 0, run.stderr
    hello = json.loads(got[0])
    assert hello["protocol"] == 2 and hello["dtype"] == "float64" and "batchnorm" in hello["layers"], hello
    for mine, theirs in zip(got[1:], documented[1:]):
        assert json.loads(mine) == json.loads(theirs), "%s\n  documented %s" % (mine, theirs)
    assert len(got) == len(documented), got


def test_gradients():
    h = Handle()
    h.call("build", model=MLP, loss="softmax_ce", seed=3)
    params = {n: A(t) for n, t in h.call("get_params")["params"].items()}
    answer = h.call("gradients", x=T(X), y=T(Y), train=False, trace=False)
    for name, g in answer["grads"].items():
        v = np.random.default_rng(len(name)).choice([-1.0, 1.0], size=params[name].shape)

        def loss_at(delta):
            moved = dict(params)
            moved[name] = params[name] + delta
            h.call("set_params", params={n: T(p) for n, p in moved.items()})
            return h.call("loss", x=T(X), y=T(Y))["loss"]
        numeric = along(h, loss_at, v)
        err = relative_error(np.sum(A(g) * v), numeric)
        assert err < 1e-5, "%s: analytic %r, central difference %r (relative error %.2g)" % (name, np.sum(A(g) * v), numeric, err)
    h.call("set_params", params={n: T(p) for n, p in params.items()})
    return h, params


def layer_gradient_errors(h, x, y):
    """Per layer, the relative error of d loss/d (layer input) along a direction, against
    central differences of loss_from_layer on that layer's input (from a trace)."""
    answer = h.call("layer_gradients", x=T(x), y=T(y), train=False)
    trace = [x] + [A(t) for t in h.call("forward", x=T(x), trace=True)["trace"]]
    errors = []
    for layer, grad in enumerate(answer["input_grads"]):
        inp = trace[layer]
        assert np.min(np.abs(inp)) > 1e-5 or layer == 0, "an input too near a kink for h = 1e-6"
        v = np.random.default_rng(layer).choice([-1.0, 1.0], size=inp.shape)
        numeric = along(h, lambda d: h.call("loss_from_layer", layer=layer, x=T(inp + d), y=T(y))["loss"], v)
        errors.append(relative_error(np.sum(A(grad) * v), numeric))
    for out, following in zip(answer["output_grads"], answer["input_grads"][1:]):
        assert out == following, "output_grads[L] is not input_grads[L+1]"
    return errors


def test_layer_gradients():
    h = Handle()
    h.call("build", model=MLP, loss="softmax_ce", seed=3)
    errors = layer_gradient_errors(h, X, Y)
    assert max(errors) < 1e-5, errors
    example.BUG = "tanh-derivative-of-input"  # layer 1 is the tanh
    try:
        errors = layer_gradient_errors(h, X, Y)
    finally:
        example.BUG = None
    wrong = [i for i, e in enumerate(errors) if e >= 1e-5]
    assert wrong and wrong[-1] == 1, "the wrong tanh backward is blamed on layers %s (errors %s)" % (wrong, errors)
    # Layers after the tanh are right; its input gradient and those below it inherit the error.
    return "a wrong tanh backward: layer 1's input gradient off by %.2g, layers 2-4 within %.1g" % (errors[1], max(errors[2:]))


def test_steps():
    """One step of each optimizer from p with gradient g, worked out by hand (docs/protocol.md)."""
    model = {"inputs": 2, "layers": [{"type": "dense", "units": 1, "bias": False, "init": "zeros"}]}
    x, y = np.array([[1.0, -2.0]]), np.array([[0.25]])  # z = 1, g = 2 (z - y) x = [1.5, -3]
    p = np.array([[0.5], [-0.25]])
    z = x @ p
    g = x.T @ (2 * (z - y))  # mse, n k = 1
    lr, wd = 0.1, 0.01
    cases = [
        ({"type": "sgd", "lr": lr, "momentum": 0, "nesterov": False, "weight_decay": wd}, p - lr * (g + wd * p)),
        ({"type": "sgd", "lr": lr, "momentum": 0.9, "nesterov": True, "weight_decay": 0}, p - lr * (g + 0.9 * g)),
        ({"type": "adam", "lr": lr, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0}, p - lr * g / (np.abs(g) + 1e-8)),
        ({"type": "adamw", "lr": lr, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": wd}, p * (1 - lr * wd) - lr * g / (np.abs(g) + 1e-8)),
        ({"type": "rmsprop", "lr": lr, "alpha": 0.99, "eps": 1e-8, "momentum": 0, "weight_decay": 0, "centered": False},
         p - lr * g / (np.sqrt(0.01 * g * g) + 1e-8)),
        ({"type": "rmsprop", "lr": lr, "alpha": 0.99, "eps": 1e-8, "momentum": 0.5, "weight_decay": 0, "centered": True},
         p - lr * g / (np.sqrt(0.01 * g * g - (0.01 * g) ** 2) + 1e-8)),
    ]
    h = Handle()
    h.call("build", model=model, loss="mse", seed=0)
    for opt, expected in cases:
        h.call("set_params", params={"0.weight": T(p)})
        loss = h.call("step", x=T(x), y=T(y), optimizer=opt, train=True, trace=False)["loss"]
        assert abs(loss - ((z - y) ** 2).item()) < 1e-12, loss
        got = A(h.call("get_params")["params"]["0.weight"])
        assert relative_error(got, expected, 1e-12) < 1e-12, "%s: %s, expected %s" % (opt["type"], got.ravel(), expected.ravel())
    # A second sgd step with momentum: b = 0.9 g1 + g2 (the state persists until set_params).
    opt = {"type": "sgd", "lr": lr, "momentum": 0.9, "nesterov": False, "weight_decay": 0}
    h.call("set_params", params={"0.weight": T(p)})
    h.call("step", x=T(x), y=T(y), optimizer=opt)
    p1 = p - lr * g
    g2 = x.T @ (2 * (x @ p1 - y))
    h.call("step", x=T(x), y=T(y), optimizer=opt)
    expected = p1 - lr * (0.9 * g + g2)
    assert relative_error(A(h.call("get_params")["params"]["0.weight"]), expected, 1e-12) < 1e-12


def test_buffers_and_masks():
    h = Handle()
    h.call("build", model=NORMED, loss="mse", seed=1)
    before = h.call("get_params")["params"]
    assert [p["name"] for p in h.call("build", model=NORMED, loss="mse", seed=1)["params"] if not p["trainable"]] == ["1.running_mean", "1.running_var"]
    forward = h.call("forward", x=T(XN), train=True, trace=True)
    trace, masks = [A(t) for t in forward["trace"]], {int(k): A(t) for k, t in forward["masks"].items()}
    assert list(masks) == [3] and np.allclose(trace[3], trace[2] * masks[3], rtol=1e-12, atol=0), "the trace is not x * mask"
    assert set(np.unique(masks[3])) <= {0.0, 2.0}, "a mask of rate 0.5 holds 0 and 2"
    h.call("gradients", x=T(XN), y=T(YN), train=True, trace=True)
    h.call("layer_gradients", x=T(XN), y=T(YN), train=True)
    mask = np.where(R.random((6, 4)) < 0.5, 0.0, 2.0)
    replayed = h.call("layer_forward", layer=3, x=T(trace[2]), train=True, mask=T(mask))["y"]
    assert np.array_equal(A(replayed), trace[2] * mask), "layer_forward does not replay the mask"
    h.call("layer_forward", layer=1, x=T(trace[0]), train=True)
    assert h.call("get_params")["params"] == before, "forward, gradients, layer_gradients or layer_forward moved a buffer"
    h.call("step", x=T(XN), y=T(YN), optimizer={"type": "sgd", "lr": 0.0}, train=True)
    after = {n: A(t) for n, t in h.call("get_params")["params"].items()}
    mean = (XN @ A(before["0.weight"])).mean(axis=0)
    assert relative_error(after["1.running_mean"], 0.1 * mean, 1e-12) < 1e-12, "step's training forward moves the running mean by momentum 0.1"
    assert "dropout" in h.refusal("layer_forward", layer=3, x=T(trace[2]), train=True)


def test_version1_and_errors():
    h = Handle()
    hello = h.call("hello")  # no version: an nnbench that speaks version 1 only
    assert hello["protocol"] == 1 and hello["ops"] == ["gradients", "step", "trace"] and "layers" not in hello, hello
    assert "unsupported layer type 'batchnorm'" in h.refusal("build", model=NORMED, loss="mse", seed=0)
    built = h.call("build", model=MLP, loss="softmax_ce", seed=0)
    assert all(set(p) == {"name", "shape"} for p in built["params"]), built
    assert "unknown op 'layer_gradients'" in h.refusal("layer_gradients", x=T(X), y=T(Y))
    assert "optimizer" in h.refusal("step", x=T(X), y=T(Y), optimizer={"type": "adamw", "lr": 0.1})
    assert set(h.call("gradients", x=T(X), y=T(Y), trace=True)) == {"id", "ok", "loss", "grads"}, "version 1 takes trace on gradients"
    h = Handle()
    assert h.call("hello", protocol=3)["protocol"] == 2
    assert "unknown op 'trian'" in h.refusal("trian")
    assert "send build first" in h.refusal("forward", x=T(X))
    assert "unsupported loss" in h.refusal("build", model=MLP, loss="hinge", seed=0)
    assert "unsupported init" in h.refusal("build", model={"inputs": 2, "layers": [{"type": "dense", "units": 1, "init": "orthogonal"}]}, loss="mse", seed=0)
    assert "add a flatten" in h.refusal("build", model={"inputs": [1, 4, 4], "layers": [{"type": "dense", "units": 1}]}, loss="mse", seed=0)
    h.call("build", model=MLP, loss="softmax_ce", seed=0)
    assert "expected [n, 4]" in h.refusal("forward", x=T(np.zeros((2, 3))))
    assert "y has shape" in h.refusal("loss", x=T(X), y=T(np.zeros((5, 3))))
    assert "set_params needs exactly" in h.refusal("set_params", params={})
    assert "layer must be" in h.refusal("loss_from_layer", layer=6, x=T(X), y=T(Y))
    answer = h.call("forward", x={"shape": [1, 4], "data": [1, "Infinity", 0, 0]})  # tanh(inf) is 1: finite again
    json.loads(h.client.answer(json.dumps({"id": 0, "op": "loss", "x": {"shape": [1, 4], "data": ["NaN", 0, 0, 0]}, "y": T([0])}))[0])
    nan = h.call("loss", x={"shape": [1, 4], "data": ["NaN", 0, 0, 0]}, y=T([0]))["loss"]
    assert nan == "NaN" and np.isfinite(A(answer["y"])).all(), (nan, answer)

    class Broken(nb.Layer):  # a user's bug: forward raises; the program answers and goes on
        def forward(self, x, train):
            return x + None

    h = Handle(layers={"dense": example.Dense, "broken": Broken})
    hello = h.call("hello", protocol=2)
    assert hello["ops"] == ["trace", "layer_forward", "loss_from_layer"], "no backward, no gradient ops: %s" % hello["ops"]
    assert "TypeError" in h.refusal("build", model={"inputs": 2, "layers": [{"type": "broken"}]}, loss="mse", seed=0)
    assert "unknown op 'gradients'" in h.refusal("gradients", x=T(X), y=T(Y))


def test_float32():
    h64, h32 = Handle(), Handle("float32")
    assert h32.call("hello", protocol=2)["dtype"] == "float32"
    for h in (h64, h32):
        h.call("build", model=MLP, loss="softmax_ce", seed=5)
    h64.call("set_params", params=h32.call("get_params")["params"])  # float32 weights, exactly in float64
    g64, g32 = h64.call("gradients", x=T(X), y=T(Y))["grads"], h32.call("gradients", x=T(X), y=T(Y))["grads"]
    for n in g64:
        err = relative_error(A(g32[n]), A(g64[n]), 1e-3)
        assert err < 1e-3, "%s: float32 gradient off by %.2g" % (n, err)
    assert h32.client.layers[0].params["weight"].dtype == np.float32


def test_sequence_loss_and_callable_init():
    """softmax_ce on a sequence output [n, steps, C] against targets [n, steps]: the mean over
    every (sample, step) row, as PyTorch; and an initialiser given as a function."""
    z, y = R.normal(size=(2, 3, 4)), np.array([[0, 3, 1], [2, 2, 0.0]])
    loss, grad = nb.LOSSES["softmax_ce"](z, y)
    rows = [(z[i, t], int(y[i, t])) for i in range(2) for t in range(3)]
    expected = sum(math.log(sum(math.exp(v) for v in row)) - row[c] for row, c in rows) / 6
    assert abs(loss - expected) < 1e-12 * abs(expected), (loss, expected)
    softmax = np.exp(z) / np.exp(z).sum(axis=2, keepdims=True)
    onehot = np.eye(4)[y.astype(int)]
    assert np.allclose(grad, (softmax - onehot) / 6, rtol=1e-12, atol=1e-15)

    class Uniform(nb.Layer):
        def setup(self, spec):
            self.add_param("weight", (3, self.in_shape[0]), lambda rng, shape: rng.uniform(-0.5, 0.5, shape))

        def forward(self, x, train):
            return x @ self.params["weight"].T

    h = Handle(layers={"uniform": Uniform})
    h.call("build", model={"inputs": 2, "layers": [{"type": "uniform"}]}, loss="mse", seed=0)
    w = A(h.call("get_params")["params"]["0.weight"])
    assert w.shape == (3, 2) and np.all(np.abs(w) <= 0.5) and len(np.unique(w)) == 6, w


def test_version():
    with open(os.path.join(ROOT, "Sources", "NNBenchIO", "ToolVersion.swift")) as f:
        swift = re.search(r'current = "([^"]+)"', f.read()).group(1)
    assert nb.__version__ == swift, "nnbench_check %s, nnbench %s" % (nb.__version__, swift)


TESTS = [test_example_exchange, test_gradients, test_layer_gradients, test_steps, test_buffers_and_masks,
         test_version1_and_errors, test_float32, test_sequence_loss_and_callable_init, test_version]


def main():
    start, failed = time.time(), False
    for test in TESTS:
        try:
            note = test()
            print("ok   %s%s" % (test.__name__, "" if not isinstance(note, str) else ": " + note))
        except Exception as error:
            failed = True
            print("FAIL %s: %s: %s" % (test.__name__, type(error).__name__, error))
    print("%s in %.1f s" % ("FAILED" if failed else "all passed", time.time() - start))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
