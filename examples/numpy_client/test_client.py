#!/usr/bin/env python3
"""Self-test of nnbench_client.py: plain python3 + numpy, no pytest.

    python3 examples/numpy_client/test_client.py            # float64 and float32
    python3 examples/numpy_client/test_client.py float32    # one precision

What it checks:
  1. PROTOCOL.md's example exchange, byte for byte, through a real subprocess (and shutdown's exit 0).
  2. The correct client passes a small battery modelled on docs/checks.md: gradients against central
     differences, layer outputs against naive loop implementations, optimizer steps against the
     formulas of PROTOCOL.md, losses against their formulas, init, batch independence, dropout
     modes, numerics on huge logits, errors answered as ok:false.
  3. Every --bug makes at least one of those checks fail (a bug the battery misses is a defect).

Tolerances. float64: central differences with h = 1e-6 (truncation O(h^2) ~ 1e-12, rounding
eps*L/h ~ 1e-10), errors |a-n|/max(|a|,|n|,1e-4) below 1e-5. float32: a float32 loss is rounded
at ~6e-8 of itself, so float32 central differences need h ~ 1e-2 and are then only good to ~1e-2
(and step over relu kinks). Instead, the float32 client's analytic gradients are compared with
float64 central differences at the same (float32-representable) weights: what remains is the
float32 rounding of the forward and backward passes, ~1e-6 relative, so the bound is 1e-3 with a
floor of 1e-3. Same-answer comparisons use 1e-10 (float64) and 1e-4 (float32) times max(1, |ref|).
"""

import contextlib
import io
import json
import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
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


class Handle:
    """One client, with its bug switched on around each request."""

    def __init__(self, dtype="float64", bug=None):
        self.client, self.bug, self.next_id = nc.Client(dtype), bug, 0

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
            raise RuntimeError("%s failed: %s" % (op, answer["error"]))
        return answer

    def build(self, model, loss, seed=0):
        return self.call("build", model=model, loss=loss, seed=seed)

    def params(self):
        return {n: A(t) for n, t in self.call("get_params")["params"].items()}

    def set(self, params):
        self.call("set_params", params={n: T(v) for n, v in params.items()})

    def loss(self, x, y):
        return self.call("loss", x=T(x), y=T(y))["loss"]

    def grads(self, x, y):
        a = self.call("gradients", x=T(x), y=T(y))
        return a["loss"], {n: A(t) for n, t in a["grads"].items()}

    def forward(self, x, train=False, trace=False):
        a = self.call("forward", x=T(x), train=train, trace=trace)
        return (A(a["y"]), [A(t) for t in a["trace"]]) if trace else A(a["y"])


def close(a, b, bound):
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return a.shape == b.shape and bool(np.all(np.abs(a - b) <= bound * np.maximum(1, np.abs(b))))


def same_bound(dtype):
    return 1e-10 if dtype == "float64" else 1e-4


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
}


def built(name, dtype, bug=None, seed=0):
    model, loss, x, y = MODELS[name]
    h = Handle(dtype, bug)
    h.build(model, loss, seed)
    return h, x, y


# ---------------------------------------------------------------------------------------------
# The checks: each returns a list of failures (empty when it passes).


def check_gradient(dtype, bug):
    """Analytic gradients against central differences, entry by entry."""
    failures = []
    for name in MODELS:
        h, x, y = built(name, dtype, bug)
        params = h.params()
        if dtype == "float32":  # float64 differences at the float32 weights (see the docstring)
            ref, step, floor, bound = Handle("float64", bug), 1e-6, 1e-3, 1e-3
            ref.build(*MODELS[name][:2])
            ref.set(params)
        else:
            ref, step, floor, bound = h, 1e-6, 1e-4, 1e-5
        _, grads = h.grads(x, y)
        _, again = h.grads(x, y)
        if any(not np.array_equal(grads[n], again[n]) for n in grads):
            failures.append("gradient (%s): a second gradients call answers other gradients" % name)
        worst = (0, None)
        for n, p in params.items():
            for i in np.ndindex(p.shape):
                q = {k: v.copy() for k, v in params.items()}
                q[n][i] = p[i] + step
                ref.set(q)
                up = ref.loss(x, y)
                q[n][i] = p[i] - step
                ref.set(q)
                down = ref.loss(x, y)
                num, ana = (up - down) / (2 * step), grads[n][i]
                err = abs(ana - num) / max(abs(ana), abs(num), floor)
                if not np.isfinite(err) or err > worst[0]:
                    worst = (err if np.isfinite(err) else np.inf, "%s %s: analytic %.6g, central difference %.6g" % (n, list(i), ana, num))
        if worst[0] > bound:
            failures.append("gradient (%s): %s, error %.2g > %g" % (name, worst[1], worst[0], bound))
    return failures


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


def naive_maxpool(x, size, stride):
    n, c, H, W = x.shape
    oh, ow = (H - size) // stride + 1, (W - size) // stride + 1
    y = np.zeros((n, c, oh, ow))
    for i in range(oh):
        for j in range(ow):
            y[:, :, i, j] = x[:, :, i * stride:i * stride + size, j * stride:j * stride + size].max(axis=(2, 3))
    return y


def check_layers(dtype, bug):
    """Every layer's output (trace) against a naive implementation from the weights."""
    failures = []
    for name in MODELS:
        model, _, x, _ = MODELS[name]
        h, _, _ = built(name, dtype, bug)
        p = h.params()
        y, trace = h.forward(x, trace=True)
        a = x
        for i, spec in enumerate(model["layers"]):
            t = spec["type"]
            if t == "dense":
                a = a @ p["%d.weight" % i] + p.get("%d.bias" % i, 0)
            elif t == "conv2d":
                a = naive_conv(a, p["%d.weight" % i], p.get("%d.bias" % i, np.zeros(spec["filters"])), spec.get("stride", 1), spec.get("padding", 0))
            elif t == "maxpool2d":
                a = naive_maxpool(a, spec["size"], spec.get("stride", spec["size"]))
            elif t == "flatten":
                a = a.reshape(a.shape[0], -1)
            elif t == "relu":
                a = np.maximum(a, 0)
            elif t == "leaky_relu":
                a = np.where(a > 0, a, spec["slope"] * a)
            elif t == "tanh":
                a = np.tanh(a)
            elif t == "sigmoid":
                a = 1 / (1 + np.exp(-a))
            if not close(trace[i], a, same_bound(dtype)):
                failures.append("layers (%s): layer %d (%s) output differs from the naive reference" % (name, i, t))
                break
        if not close(y, trace[-1], 0):
            failures.append("layers (%s): y differs from the last traced output" % name)
    return failures


def ref_loss(loss, z, y):
    if loss == "mse":
        return np.mean((z - y) ** 2)
    if loss == "bce_logits":
        return np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))))
    m = z.max(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(z - m).sum(axis=1))
    return np.mean(lse - z[np.arange(len(y)), y.astype(int)])


def check_loss_and_batch(dtype, bug):
    """The loss is the formula of PROTOCOL.md; a batch's loss is the mean of its samples'; a
    sample's output does not depend on the rest of the batch."""
    failures = []
    for name in ("mlp", "sigmoid", "regression"):
        h, x, y = built(name, dtype, bug)
        z = h.forward(x)
        loss = h.loss(x, y)
        if not close(loss, ref_loss(MODELS[name][1], z, y), same_bound(dtype)):
            failures.append("loss (%s): %.10g, the formula gives %.10g" % (name, loss, ref_loss(MODELS[name][1], z, y)))
        singles = [h.loss(x[i:i + 1], y[i:i + 1]) for i in range(len(x))]
        if not close(loss, np.mean(singles), same_bound(dtype)):
            failures.append("batch (%s): batch loss %.10g, mean of the samples' %.10g" % (name, loss, np.mean(singles)))
        if not close(h.forward(x[:1]), z[:1], same_bound(dtype)):
            failures.append("batch (%s): sample 0's output changes with the batch" % name)
    return failures


def ref_optimizer(opt, params, grads, state, t):
    """PROTOCOL.md's formulas, in float64, written independently of the client."""
    out = {}
    for n, p in params.items():
        g = grads[n] + opt.get("weight_decay", 0) * p
        if opt["type"] == "sgd":
            mu = opt.get("momentum", 0)
            if mu:
                state[n] = g if n not in state else mu * state[n] + g
                g = g + mu * state[n] if opt.get("nesterov") else state[n]
            out[n] = p - opt["lr"] * g
        else:
            b1, b2, eps = opt.get("beta1", 0.9), opt.get("beta2", 0.999), opt.get("eps", 1e-8)
            m, v = state.get(n, (0 * p, 0 * p))
            m, v = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g * g
            state[n] = (m, v)
            out[n] = p - opt["lr"] * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + eps)
    return out


OPTIMIZERS = [{"type": "sgd", "lr": 0.1}, {"type": "sgd", "lr": 0.05, "momentum": 0.9},
              {"type": "sgd", "lr": 0.05, "momentum": 0.9, "nesterov": True}, {"type": "adam", "lr": 0.01},
              {"type": "sgd", "lr": 0.1, "weight_decay": 0.1}, {"type": "adam", "lr": 0.01, "beta1": 0.8, "weight_decay": 0.1}]


def check_steps(dtype, bug):
    """Three steps of each optimizer against the formulas, using a correct client's gradients."""
    failures = []
    for name in ("regression", "mlp"):
        for opt in OPTIMIZERS:
            h, x, y = built(name, dtype, bug)
            correct = Handle("float64")
            correct.build(*MODELS[name][:2])
            params = h.params()
            h.set(params)  # a fresh optimizer state
            state = {}
            for t in range(1, 4):
                correct.set(params)
                loss, grads = correct.grads(x, y)
                answered = h.call("step", x=T(x), y=T(y), optimizer=opt)["loss"]
                params = ref_optimizer(opt, params, grads, state, t)
                got = h.params()
                bad = [n for n in params if not close(got[n], params[n], same_bound(dtype) * 10)]
                if bad or not close(answered, loss, same_bound(dtype)):
                    failures.append("step (%s, %s): after step %d %s differ from the formula" % (name, opt, t, bad or "the loss"))
                    break
                params = got
    return failures


def check_init(dtype, bug):
    failures = []
    for name in ("mlp", "image"):
        p0, p0b, p1 = (built(name, dtype, bug, seed)[0].params() for seed in (0, 0, 1))
        if any(not np.array_equal(p0[n], p0b[n]) for n in p0):
            failures.append("init (%s): the same seed gives other weights" % name)
        for n, w in p0.items():
            if not n.endswith("weight"):
                continue
            if np.array_equal(w, p1[n]):
                failures.append("init (%s): %s is the same for seeds 0 and 1" % (name, n))
            if np.all(w == w.flat[0]):
                failures.append("init (%s): %s is constant (%g)" % (name, n, w.flat[0]))
            fan_in, fan_out = (w.shape[0], w.shape[1]) if w.ndim == 2 else (np.prod(w.shape[1:]), w.shape[0] * np.prod(w.shape[2:]))
            expected = np.sqrt(6 / (fan_in + fan_out)) / np.sqrt(3)  # the RMS of Glorot uniform
            rms = np.sqrt(np.mean(w * w))
            if w.size >= 16 and not expected / 3 <= rms <= expected * 3:
                failures.append("init (%s): %s has RMS %.3g, Glorot gives %.3g" % (name, n, rms, expected))
    return failures


def check_modes(dtype, bug):
    """Evaluation is deterministic; training dropout keeps the mean (it is inverted)."""
    failures = []
    h, x, _ = built("image", dtype, bug)
    if not np.array_equal(h.forward(x), h.forward(x)):
        failures.append("modes: two evaluation forwards differ")
    d = Handle(dtype, bug)
    d.build({"inputs": 40, "layers": [{"type": "dropout", "rate": 0.25}]}, "mse", 3)
    x = np.abs(R.normal(size=(5, 40))) + 0.5
    ratio = np.mean([d.forward(x, train=True).sum() / x.sum() for _ in range(50)])
    if abs(ratio - 1) > 0.05:
        failures.append("modes: training dropout scales the mean by %.3f" % ratio)
    if not close(d.forward(x), x, same_bound(dtype)):
        failures.append("modes: dropout is not the identity in evaluation")
    return failures


def check_numerics(dtype, bug):
    """Logits near +-1000 give a finite loss and finite gradients (stable forms)."""
    failures = []
    for name in ("mlp", "sigmoid"):
        h, x, y = built(name, dtype, bug)
        p = h.params()
        last = [n for n in p if n.endswith("bias")][-1]
        p[last] = p[last] + np.where(np.arange(p[last].size) % 2 == 0, 1000.0, -1000.0)
        h.set(p)
        y = y if name == "mlp" else 1 - (h.forward(x) > 0)  # bce: the wrong side, the hard case
        loss, grads = h.grads(x, y)
        if not np.isfinite(loss) or not all(np.all(np.isfinite(g)) for g in grads.values()):
            failures.append("numerics (%s): loss %r or a gradient is not finite at logits near 1000" % (name, loss))
    return failures


CHECKS = [check_gradient, check_layers, check_loss_and_batch, check_steps, check_init, check_modes, check_numerics]

# ---------------------------------------------------------------------------------------------
# Protocol-level tests through a real subprocess.


def test_example_exchange():
    """PROTOCOL.md's example, line for line. Its loss (0.8125) depends on the weights, which the
    protocol leaves to each program's initialiser, so we set weights that give yhat = [1.25, 1.25]
    (W = 0, b = [1.25, 1.25]: ((1.25-0)^2 + (1.25-1)^2) / 2 = 0.8125) before asking for it."""
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
    run = subprocess.run([sys.executable, CLIENT], stderr=subprocess.DEVNULL, stdout=subprocess.PIPE, input="\n".join(requests) + "\n", text=True, timeout=60)
    got = run.stdout.splitlines()
    assert got == expected, "example exchange:\n" + "\n".join("  got %s\n want %s" % (g, e) for g, e in zip(got, expected) if g != e)
    assert run.returncode == 0, "shutdown: exit status %d" % run.returncode
    listed = subprocess.run([sys.executable, CLIENT, "--list-bugs"], capture_output=True, text=True, timeout=60).stdout
    assert [line.split()[0] for line in listed.splitlines()] == list(nc.BUGS)


def test_errors(dtype):
    h = Handle(dtype)
    for op, fields in [("forward", {"x": T(np.zeros((1, 2)))}),  # before build
                       ("build", {"model": {"inputs": 2, "layers": [{"type": "batchnorm"}]}, "loss": "mse", "seed": 0}),
                       ("build", {"model": {"inputs": 2, "layers": []}, "loss": "hinge", "seed": 0})]:
        try:
            h.call(op, **fields)
            raise AssertionError("%s %s should answer ok: false" % (op, fields))
        except RuntimeError:
            pass
    h.build({"inputs": 2, "layers": [{"type": "dense", "units": 1}]}, "mse", 0)
    for op, fields in [("forward", {"x": T(np.zeros((1, 3)))}), ("set_params", {"params": {}}),
                       ("step", {"x": T(np.zeros((1, 2))), "y": T(np.zeros((1, 1))), "optimizer": {"type": "rmsprop"}})]:
        try:
            h.call(op, **fields)
            raise AssertionError("%s should answer ok: false" % op)
        except RuntimeError:
            pass
    assert h.call("hello")["dtype"] == dtype


# ---------------------------------------------------------------------------------------------


def main(argv):
    dtypes = argv or ["float64", "float32"]
    test_example_exchange()
    print("ok   example exchange of PROTOCOL.md, byte for byte; shutdown exits 0")
    failed = False
    for dtype in dtypes:
        test_errors(dtype)
        for check in CHECKS:
            failures = check(dtype, None)
            print("%s %s %s" % ("ok  " if not failures else "FAIL", dtype, check.__name__))
            for f in failures:
                print("       " + f)
            failed |= bool(failures)
        for bug in nc.BUGS:
            caught = [check.__name__[6:] for check in CHECKS if check(dtype, bug)]
            print("%s %s --bug %-36s caught by: %s" % ("ok  " if caught else "FAIL", dtype, bug, ", ".join(caught) or "nothing"))
            failed |= not caught
    print("FAILED" if failed else "all passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
