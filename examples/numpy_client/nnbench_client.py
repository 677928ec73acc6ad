#!/usr/bin/env python3
"""A reference client of nnbench's model protocol (PROTOCOL.md, version 1), in plain numpy.

    nnbench check --exec "python3 examples/numpy_client/nnbench_client.py"
    python3 nnbench_client.py --dtype float32      # compute in float32 instead of float64
    python3 nnbench_client.py --bug NAME           # commit one classic mistake on purpose
    python3 nnbench_client.py --list-bugs

The program reads one JSON request per line on stdin and writes exactly one JSON answer per
line on stdout (flushed after each). Nothing else goes to stdout: logs go to stderr.

Every layer keeps what its backward pass needs from its forward pass (`self.x`, `self.y`, ...)
and its backward pass takes dL/d(output) and returns dL/d(input), adding dL/d(parameter) into
the model's gradient dictionary. Each `if bug(...)` branch is a deliberate mistake, off unless
`--bug` names it; read the code around it to see the correct version.
"""

import json
import sys

import numpy as np

# ---------------------------------------------------------------------------------------------
# Switchable bugs. Names follow nnbench's own injected faults (docs/checks.md).

BUGS = {
    "relu-backward-passes-negative": "relu's backward passes the gradient for negative inputs too",
    "sigmoid-derivative-of-input": "sigmoid's derivative computed as x(1-x) of the input x, not of the output",
    "tanh-derivative-of-input": "tanh's derivative computed as 1-x^2 of the input x, not of the output",
    "dense-weight-gradient-transposed": "dense's weight gradient dy^T.x ([units, in]) stored as if it were [in, units]",
    "dense-input-gradient-wrong-product": "dense's input gradient dy.W with W's data read as [units, in] instead of dy.W^T",
    "dense-missing-bias-gradient": "dense's bias gradient left at zero",
    "dense-bias-gradient-not-summed": "dense's bias gradient taken from the first sample only, not summed over the batch",
    "dense-leaks-across-batch": "dense adds the batch mean of its input to every sample (samples leak into each other)",
    "conv-kernel-flipped": "conv2d computes a true convolution (kernel flipped) instead of cross-correlation",
    "maxpool-gradient-to-window": "maxpool's backward sends the gradient to the whole window, not only to the max",
    "dropout-not-inverted": "dropout does not divide by 1-rate in training",
    "dropout-in-evaluation": "dropout also drops units in evaluation",
    "loss-sum-not-mean": "losses (and their gradients) are sums over the batch instead of means",
    "softmax-without-max": "softmax cross-entropy without the maximum subtracted (overflows on large logits)",
    "bce-unstable": "binary cross-entropy as -y log(sigmoid(z)) - (1-y) log(1-sigmoid(z)) (log of 0 on large logits)",
    "mse-gradient-missing-factor-2": "mse's gradient (yhat-y)/(n k) instead of 2(yhat-y)/(n k)",
    "updates-not-applied": "step computes the update but never applies it",
    "update-wrong-sign": "step moves up the gradient: p += lr*g",
    "gradients-not-zeroed": "gradients accumulate across gradients/step calls instead of starting from zero",
    "momentum-not-kept": "sgd's momentum buffer restarts at every step",
    "adam-without-bias-correction": "adam uses m and v without dividing by 1-beta^t",
    "weight-decay-wrong-sign": "weight decay subtracted from the gradient: g -= wd*p",
    "init-zeros": "weights initialised to zero",
    "init-constant": "weights initialised to one constant (0.1)",
    "init-scale-times-10": "weights drawn from ten times the Glorot bound",
    "labels-shuffled-separately": "step shuffles the targets apart from the inputs",
}

ACTIVE_BUG = None  # set from --bug


def bug(name):
    """True when the deliberate mistake `name` is switched on."""
    assert name in BUGS, name
    return ACTIVE_BUG == name


class ProtocolError(Exception):
    """A request the client cannot honour; answered as {"ok": false, "error": message}."""


# ---------------------------------------------------------------------------------------------
# Layers. Each has: params (names and initial values), forward(x, train), backward(dy).


class Layer:
    def __init__(self, index, in_shape):
        self.index = index
        self.in_shape = in_shape  # per-sample shape, e.g. (features,) or (c, h, w)
        self.out_shape = in_shape
        self.param_names = []  # e.g. ["0.weight", "0.bias"]

    def init_params(self, rng, dtype):
        return {}

    def name(self, what):
        return "%d.%s" % (self.index, what)


class Activation(Layer):
    """relu, tanh, sigmoid, identity, leaky_relu: elementwise, no parameters."""

    def __init__(self, index, in_shape, kind, slope=0.01):
        super().__init__(index, in_shape)
        self.kind, self.slope = kind, slope

    def forward(self, model, x, train):
        self.x = x
        if self.kind == "relu":
            y = np.maximum(x, 0)
        elif self.kind == "leaky_relu":
            y = np.where(x > 0, x, self.slope * x)
        elif self.kind == "tanh":
            y = np.tanh(x)
        elif self.kind == "sigmoid":
            # 1 / (1 + e^-x) written as exp(-log(1 + e^-x)): no overflow for large |x|.
            y = np.exp(-np.logaddexp(0, -x))
        else:  # identity
            y = x
        self.y = y
        return y

    def backward(self, model, dy):
        x, y = self.x, self.y
        if self.kind == "relu":
            if bug("relu-backward-passes-negative"):
                return dy
            return dy * (x > 0)
        if self.kind == "leaky_relu":
            return dy * np.where(x > 0, 1, self.slope).astype(dy.dtype)
        if self.kind == "tanh":
            if bug("tanh-derivative-of-input"):
                return dy * (1 - x * x)
            return dy * (1 - y * y)  # tanh' = 1 - tanh^2, of the output
        if self.kind == "sigmoid":
            if bug("sigmoid-derivative-of-input"):
                return dy * x * (1 - x)
            return dy * y * (1 - y)  # sigmoid' = s(1 - s), of the output
        return dy


class Dense(Layer):
    """y = x.W + b, W: [in, units], b: [units]."""

    def __init__(self, index, in_shape, units, bias=True):
        super().__init__(index, in_shape)
        if len(in_shape) != 1:
            raise ProtocolError("layer %d (dense) needs [n, features] inputs, got per-sample shape %s (add a flatten)" % (index, list(in_shape)))
        self.inputs, self.units, self.has_bias = in_shape[0], units, bias
        self.out_shape = (units,)
        self.param_names = [self.name("weight")] + ([self.name("bias")] if bias else [])

    def init_params(self, rng, dtype):
        p = {self.name("weight"): glorot(rng, (self.inputs, self.units), self.inputs, self.units, dtype)}
        if self.has_bias:
            p[self.name("bias")] = np.zeros(self.units, dtype)
        return p

    def forward(self, model, x, train):
        self.x = x
        W = model.params[self.name("weight")]
        y = x @ W
        if self.has_bias:
            y = y + model.params[self.name("bias")]
        if bug("dense-leaks-across-batch"):
            y = y + x.mean(axis=0) @ W  # depends on the other samples of the batch
        return y

    def backward(self, model, dy):
        x, W = self.x, model.params[self.name("weight")]
        if bug("dense-leaks-across-batch"):
            # The exact gradient of the leaky forward, so only the batch checks can see it.
            dW = x.T @ dy + np.outer(x.mean(axis=0), dy.sum(axis=0))
            dx = dy @ W.T + (dy.sum(axis=0) @ W.T) / x.shape[0]
        else:
            dW = x.T @ dy  # [in, n] . [n, units] = [in, units]
            dx = dy @ W.T  # [n, units] . [units, in] = [n, in]
        if bug("dense-weight-gradient-transposed"):
            dW = (dy.T @ x).reshape(W.shape)  # [units, in] read as [in, units]: wrong even when square
        if bug("dense-input-gradient-wrong-product"):
            dx = dy @ W.reshape(self.units, self.inputs)
        model.add_grad(self.name("weight"), dW)
        if self.has_bias:
            db = dy.sum(axis=0)  # the bias is added to every sample: sum over the batch
            if bug("dense-missing-bias-gradient"):
                db = np.zeros_like(db)
            if bug("dense-bias-gradient-not-summed"):
                db = dy[0]
            model.add_grad(self.name("bias"), db)
        return dx


class Conv2D(Layer):
    """Cross-correlation as PyTorch's Conv2d: y[n,f,i,j] = b[f] + sum_{c,a,b} xp[n,c,i*s+a,j*s+b] w[f,c,a,b]."""

    def __init__(self, index, in_shape, filters, kernel, stride=1, padding=0, bias=True):
        super().__init__(index, in_shape)
        self.has_bias = bias
        if len(in_shape) != 3:
            raise ProtocolError("layer %d (conv2d) needs [n, c, h, w] inputs" % index)
        c, h, w = in_shape
        self.c, self.f, self.k, self.s, self.pad = c, filters, kernel, stride, padding
        self.oh = (h + 2 * padding - kernel) // stride + 1
        self.ow = (w + 2 * padding - kernel) // stride + 1
        if self.oh < 1 or self.ow < 1:
            raise ProtocolError("layer %d (conv2d): kernel %d larger than the padded input %dx%d" % (index, kernel, h, w))
        self.out_shape = (filters, self.oh, self.ow)
        self.param_names = [self.name("weight")] + ([self.name("bias")] if bias else [])

    def init_params(self, rng, dtype):
        kk = self.k * self.k  # PyTorch's fans: fan_in = c k k, fan_out = f k k
        p = {self.name("weight"): glorot(rng, (self.f, self.c, self.k, self.k), self.c * kk, self.f * kk, dtype)}
        if self.has_bias:
            p[self.name("bias")] = np.zeros(self.f, dtype)
        return p

    def window(self, a, b):
        """The slices of the padded input that kernel offset (a, b) sees at every output position."""
        s = self.s
        return (slice(None), slice(None), slice(a, a + s * (self.oh - 1) + 1, s), slice(b, b + s * (self.ow - 1) + 1, s))

    def weight(self, model):
        w = model.params[self.name("weight")]
        return w[:, :, ::-1, ::-1] if bug("conv-kernel-flipped") else w

    def forward(self, model, x, train):
        p = self.pad
        xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
        self.xp = xp
        w = self.weight(model)
        y = np.zeros((x.shape[0], self.f, self.oh, self.ow), x.dtype)
        for a in range(self.k):  # one kernel offset at a time: a [c] x [f] product at every position
            for b in range(self.k):
                y += np.einsum("nchw,fc->nfhw", xp[self.window(a, b)], w[:, :, a, b])
        if self.has_bias:
            y += model.params[self.name("bias")][None, :, None, None]
        return y

    def backward(self, model, dy):
        xp, w = self.xp, self.weight(model)
        dxp = np.zeros_like(xp)
        dw = np.zeros_like(w)
        for a in range(self.k):
            for b in range(self.k):
                win = self.window(a, b)
                dw[:, :, a, b] = np.einsum("nfhw,nchw->fc", dy, xp[win])
                dxp[win] += np.einsum("nfhw,fc->nchw", dy, w[:, :, a, b])
        if bug("conv-kernel-flipped"):
            dw = dw[:, :, ::-1, ::-1]  # back to the stored layout: the gradient stays exact
        model.add_grad(self.name("weight"), dw)
        if self.has_bias:
            model.add_grad(self.name("bias"), dy.sum(axis=(0, 2, 3)))  # summed over samples and positions
        p = self.pad
        return dxp[:, :, p:dxp.shape[2] - p, p:dxp.shape[3] - p]


class MaxPool2D(Layer):
    """The maximum of each size x size window; the first maximum (row-major) wins ties."""

    def __init__(self, index, in_shape, size, stride=None):
        super().__init__(index, in_shape)
        if len(in_shape) != 3:
            raise ProtocolError("layer %d (maxpool2d) needs [n, c, h, w] inputs" % index)
        c, h, w = in_shape
        self.size, self.s = size, stride or size
        self.oh, self.ow = (h - size) // self.s + 1, (w - size) // self.s + 1
        if self.oh < 1 or self.ow < 1:
            raise ProtocolError("layer %d (maxpool2d): window %d larger than the input %dx%d" % (index, size, h, w))
        self.out_shape = (c, self.oh, self.ow)

    def window(self, a, b):
        s = self.s
        return (slice(None), slice(None), slice(a, a + s * (self.oh - 1) + 1, s), slice(b, b + s * (self.ow - 1) + 1, s))

    def forward(self, model, x, train):
        self.x = x
        best = x[self.window(0, 0)].copy()
        self.arg = np.zeros(best.shape, np.int64)  # which offset a*size+b holds the max
        for a in range(self.size):
            for b in range(self.size):
                v = x[self.window(a, b)]
                # Strictly greater: an earlier equal value keeps its place. A NaN wins, so that
                # it propagates (as in PyTorch) instead of vanishing from the output.
                better = (v > best) | (np.isnan(v) & ~np.isnan(best))
                best = np.where(better, v, best)
                self.arg[better] = a * self.size + b
        return best

    def backward(self, model, dy):
        dx = np.zeros_like(self.x)
        for a in range(self.size):
            for b in range(self.size):
                if bug("maxpool-gradient-to-window"):
                    dx[self.window(a, b)] += dy
                else:
                    dx[self.window(a, b)] += dy * (self.arg == a * self.size + b)
        return dx


class Flatten(Layer):
    def __init__(self, index, in_shape):
        super().__init__(index, in_shape)
        self.out_shape = (int(np.prod(in_shape)),)

    def forward(self, model, x, train):
        return x.reshape(x.shape[0], -1)

    def backward(self, model, dy):
        return dy.reshape((dy.shape[0],) + tuple(self.in_shape))


class Dropout(Layer):
    """Inverted dropout: in training keep each unit with probability 1-rate and divide by 1-rate."""

    def __init__(self, index, in_shape, rate):
        super().__init__(index, in_shape)
        if not 0 <= rate < 1:
            raise ProtocolError("layer %d (dropout): rate must be in [0, 1), got %r" % (index, rate))
        self.rate = rate

    def forward(self, model, x, train):
        if not train and not bug("dropout-in-evaluation"):
            self.mask = None
            return x
        keep = model.dropout_rng.random(x.shape) >= self.rate
        scale = 1.0 if bug("dropout-not-inverted") else 1.0 / (1.0 - self.rate)
        self.mask = keep.astype(x.dtype) * x.dtype.type(scale)
        return x * self.mask

    def backward(self, model, dy):
        return dy if self.mask is None else dy * self.mask


def glorot(rng, shape, fan_in, fan_out, dtype):
    """Glorot (Xavier) uniform: U(-sqrt(6/(fan_in+fan_out)), +sqrt(...)), drawn in float64."""
    if bug("init-zeros"):
        return np.zeros(shape, dtype)
    if bug("init-constant"):
        return np.full(shape, 0.1, dtype)
    bound = np.sqrt(6.0 / (fan_in + fan_out))
    if bug("init-scale-times-10"):
        bound *= 10
    return rng.uniform(-bound, bound, size=shape).astype(dtype)


def make_layer(index, spec, in_shape):
    if not isinstance(spec, dict) or "type" not in spec:
        raise ProtocolError("layer %d: expected an object with a \"type\"" % index)
    kind = spec["type"]

    def need(field):
        if field not in spec:
            raise ProtocolError("layer %d (%s): missing field %r" % (index, kind, field))
        return spec[field]

    if kind in ("relu", "tanh", "sigmoid", "identity"):
        return Activation(index, in_shape, kind)
    if kind == "leaky_relu":
        return Activation(index, in_shape, kind, float(spec.get("slope", 0.01)))
    if kind == "dense":
        return Dense(index, in_shape, int(need("units")), bool(spec.get("bias", True)))
    if kind == "conv2d":
        return Conv2D(index, in_shape, int(need("filters")), int(need("kernel")), int(spec.get("stride", 1)), int(spec.get("padding", 0)),
                      bool(spec.get("bias", True)))
    if kind == "maxpool2d":
        size = int(need("size"))
        return MaxPool2D(index, in_shape, size, int(spec.get("stride", size)))
    if kind == "flatten":
        return Flatten(index, in_shape)
    if kind == "dropout":
        return Dropout(index, in_shape, float(need("rate")))
    raise ProtocolError("layer %d: unsupported layer type %r" % (index, kind))


# ---------------------------------------------------------------------------------------------
# Losses: each returns (loss, dloss/dz) for the raw last-layer output z.


def mse(z, y):
    n_k = z.size  # n * k
    if bug("loss-sum-not-mean"):
        n_k = 1
    d = z - y
    grad = (1 if bug("mse-gradient-missing-factor-2") else 2) * d / z.dtype.type(n_k)
    return np.sum(d * d) / n_k, grad


def bce_logits(z, y):
    n_k = 1 if bug("loss-sum-not-mean") else z.size
    sig = np.exp(-np.logaddexp(0, -z))  # sigmoid(z), stable
    if bug("bce-unstable"):
        with np.errstate(all="ignore"):
            s = 1 / (1 + np.exp(-z))
            total = -np.sum(y * np.log(s) + (1 - y) * np.log(1 - s))
    else:
        # max(z,0) - z y + log(1 + e^-|z|): never exponentiates a positive number.
        total = np.sum(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))))
    return total / n_k, (sig - y) / z.dtype.type(n_k)


def softmax_ce(z, y):
    n = z.shape[0]
    if y.ndim != 1 or y.shape[0] != n:
        raise ProtocolError("softmax_ce targets must have shape [%d], got %s" % (n, list(y.shape)))
    labels = y.astype(np.int64)
    if np.any(labels != y) or np.any(labels < 0) or np.any(labels >= z.shape[1]):
        raise ProtocolError("softmax_ce targets must be class indices 0..%d" % (z.shape[1] - 1))
    if bug("softmax-without-max"):
        shifted = z  # exp(1000) overflows to infinity
    else:
        shifted = z - z.max(axis=1, keepdims=True)  # logsumexp is unchanged, exp never overflows
    with np.errstate(all="ignore"):
        e = np.exp(shifted)
        lse = np.log(e.sum(axis=1))
        p = e / e.sum(axis=1, keepdims=True)  # softmax
    rows = np.arange(n)
    count = 1 if bug("loss-sum-not-mean") else n
    loss = np.sum(lse - shifted[rows, labels]) / count
    grad = p.copy()
    grad[rows, labels] -= 1  # d/dz (logsumexp(z) - z_y) = softmax(z) - onehot(y)
    return loss, grad / z.dtype.type(count)


LOSSES = {"mse": mse, "bce_logits": bce_logits, "softmax_ce": softmax_ce}


# ---------------------------------------------------------------------------------------------
# The model and the protocol's ops.


def tensor_in(value, dtype, what):
    """{"shape": [...], "data": [...]} -> ndarray. Accepts numbers and "NaN"/"Infinity" strings."""
    if not isinstance(value, dict) or "shape" not in value or "data" not in value:
        raise ProtocolError("%s: expected a tensor {\"shape\": [...], \"data\": [...]}" % what)
    shape = [int(d) for d in value["shape"]]
    data = value["data"]
    if len(data) != int(np.prod(shape)):
        raise ProtocolError("%s: shape %s needs %d values, got %d" % (what, shape, int(np.prod(shape)), len(data)))
    return np.array([float(v) for v in data], dtype=dtype).reshape(shape)


def tensor_out(a):
    return {"shape": list(a.shape), "data": np.asarray(a, np.float64).ravel().tolist()}


class Client:
    def __init__(self, dtype="float64"):
        self.dtype = np.dtype(dtype)
        self.layers = None

    # -- model ----------------------------------------------------------------------------

    def add_grad(self, name, g):
        self.grads[name] += g

    def run_forward(self, x, train, keep=None):
        for layer in self.layers:
            x = layer.forward(self, x, train)
            if keep is not None:
                keep.append(x)
        return x

    def compute_gradients(self, x, y, train):
        """Forward, loss, backward; leaves the gradients in self.grads."""
        z = self.run_forward(x, train)
        loss, dz = self.loss_fn(z, y)
        if not bug("gradients-not-zeroed"):
            self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        d = dz.astype(self.dtype)
        for layer in reversed(self.layers):
            d = layer.backward(self, d)
        return float(loss)

    def inputs(self, req, field="x"):
        if self.layers is None:
            raise ProtocolError("no model: send build first")
        if field not in req:
            raise ProtocolError("missing field %r" % field)
        x = tensor_in(req[field], self.dtype, field)
        if x.ndim < 1 or tuple(x.shape[1:]) != self.in_shape:
            raise ProtocolError("x has shape %s, the model expects [n, %s]" % (list(x.shape), ", ".join(map(str, self.in_shape))))
        return x

    def targets(self, req, n):
        y = tensor_in(req.get("y"), self.dtype, "y")
        if self.loss_name != "softmax_ce" and y.shape != (n,) + self.out_shape:
            raise ProtocolError("y has shape %s, expected %s" % (list(y.shape), [n] + list(self.out_shape)))
        return y

    # -- ops ------------------------------------------------------------------------------

    def op_hello(self, req):
        name = "tiny-numpy-mlp" if ACTIVE_BUG is None else "tiny-numpy-mlp (bug: %s)" % ACTIVE_BUG
        return {"protocol": 1, "name": name, "dtype": self.dtype.name, "ops": ["gradients", "step", "trace"]}

    def op_build(self, req):
        model, loss = req.get("model"), req.get("loss")
        if loss not in LOSSES:
            raise ProtocolError("unsupported loss %r (supported: %s)" % (loss, ", ".join(LOSSES)))
        if not isinstance(model, dict) or "inputs" not in model or "layers" not in model:
            raise ProtocolError("model must be {\"inputs\": ..., \"layers\": [...]}")
        seed = int(req.get("seed", 0)) % 2**64  # default_rng wants a non-negative integer
        shape = model["inputs"]
        shape = (int(shape),) if isinstance(shape, (int, float)) else tuple(int(d) for d in shape)
        layers = []
        for i, spec in enumerate(model["layers"]):
            layers.append(make_layer(i, spec, shape if not layers else layers[-1].out_shape))
        rng = np.random.default_rng(seed)
        params = {}
        for layer in layers:  # layer order, weight before bias: the draws depend only on the seed
            params.update(layer.init_params(rng, self.dtype))
        self.layers, self.params, self.in_shape = layers, params, shape
        self.out_shape = layers[-1].out_shape if layers else shape
        self.loss_name, self.loss_fn = loss, LOSSES[loss]
        self.names = [n for layer in layers for n in layer.param_names]
        self.grads = {k: np.zeros_like(v) for k, v in params.items()}
        self.dropout_rng = np.random.default_rng([seed, 1])  # its own stream, from the same seed
        self.reset_optimizer()
        return {"params": [{"name": n, "shape": list(params[n].shape)} for n in self.names]}

    def reset_optimizer(self):
        self.opt_type, self.opt_step, self.opt_state = None, 0, {}

    def op_get_params(self, req):
        if self.layers is None:
            raise ProtocolError("no model: send build first")
        return {"params": {n: tensor_out(self.params[n]) for n in self.names}}

    def op_set_params(self, req):
        if self.layers is None:
            raise ProtocolError("no model: send build first")
        given = req.get("params")
        if not isinstance(given, dict) or set(given) != set(self.names):
            raise ProtocolError("set_params needs exactly these parameters: %s" % ", ".join(self.names))
        new = {}
        for n in self.names:
            t = tensor_in(given[n], self.dtype, n)
            if t.shape != self.params[n].shape:
                raise ProtocolError("%s has shape %s, expected %s" % (n, list(t.shape), list(self.params[n].shape)))
            new[n] = t
        self.params = new  # all or nothing
        self.reset_optimizer()
        return {}

    def op_forward(self, req):
        x = self.inputs(req)
        keep = [] if req.get("trace", False) else None
        y = self.run_forward(x, bool(req.get("train", False)), keep)
        answer = {"y": tensor_out(y)}
        if keep is not None:
            answer["trace"] = [tensor_out(t) for t in keep]
        return answer

    def op_loss(self, req):
        x = self.inputs(req)
        y = self.targets(req, x.shape[0])
        loss, _ = self.loss_fn(self.run_forward(x, False), y)
        return {"loss": float(loss)}

    def op_gradients(self, req):
        x = self.inputs(req)
        loss = self.compute_gradients(x, self.targets(req, x.shape[0]), train=False)
        return {"loss": loss, "grads": {n: tensor_out(self.grads[n]) for n in self.names}}

    def op_step(self, req):
        x = self.inputs(req)
        y = self.targets(req, x.shape[0])
        opt = req.get("optimizer")
        if not isinstance(opt, dict) or opt.get("type") not in ("sgd", "adam"):
            raise ProtocolError("optimizer must be {\"type\": \"sgd\" | \"adam\", ...}")
        if bug("labels-shuffled-separately"):
            y = y[self.dropout_rng.permutation(y.shape[0])]
        loss = self.compute_gradients(x, y, train=True)
        if opt["type"] != self.opt_type:  # a new optimizer starts with empty state
            self.opt_type, self.opt_step, self.opt_state = opt["type"], 0, {}
        self.opt_step += 1
        for n in self.names:
            update = (sgd if opt["type"] == "sgd" else adam)(self, n, self.params[n], self.grads[n], opt)
            if not bug("updates-not-applied"):
                self.params[n] = self.params[n] - update
        return {"loss": loss}

    def op_shutdown(self, req):
        return {}

    def handle(self, req):
        op = req.get("op")
        method = getattr(self, "op_%s" % op, None) if isinstance(op, str) else None
        if method is None:
            raise ProtocolError("unsupported op %r" % (op,))
        return method(req)


# ---------------------------------------------------------------------------------------------
# Optimizers (PyTorch's definitions, as PROTOCOL.md writes them). Each returns the amount to
# subtract from the parameter p, given its gradient g.


def sgd(client, name, p, g, opt):
    lr, mu = opt["lr"], opt.get("momentum", 0)
    wd, nesterov = opt.get("weight_decay", 0), opt.get("nesterov", False)
    g = g - wd * p if bug("weight-decay-wrong-sign") else g + wd * p
    if mu != 0:
        b = client.opt_state.get(name)
        b = g if b is None or bug("momentum-not-kept") else mu * b + g
        client.opt_state[name] = b
        g = g + mu * b if nesterov else b
    return -lr * g if bug("update-wrong-sign") else lr * g


def adam(client, name, p, g, opt):
    lr, wd = opt["lr"], opt.get("weight_decay", 0)
    b1, b2, eps = opt.get("beta1", 0.9), opt.get("beta2", 0.999), opt.get("eps", 1e-8)
    g = g - wd * p if bug("weight-decay-wrong-sign") else g + wd * p
    m, v = client.opt_state.get(name, (np.zeros_like(p), np.zeros_like(p)))
    m = b1 * m + (1 - b1) * g
    v = b2 * v + (1 - b2) * g * g
    client.opt_state[name] = (m, v)
    t = client.opt_step
    if bug("adam-without-bias-correction"):
        m_hat, v_hat = m, v
    else:
        m_hat, v_hat = m / (1 - b1 ** t), v / (1 - b2 ** t)  # early m, v are biased towards 0
    update = lr * m_hat / (np.sqrt(v_hat) + eps)
    return -update if bug("update-wrong-sign") else update


# ---------------------------------------------------------------------------------------------
# The loop.


def answer_line(client, line):
    """One request line -> (answer line, whether to exit). Never raises."""
    req_id = None
    try:
        req = json.loads(line)
        if not isinstance(req, dict):
            raise ProtocolError("a request must be a JSON object")
        req_id = req.get("id")
        with np.errstate(all="ignore"):  # overflow gives inf/nan in the answer, as the numbers say
            fields = client.handle(req)
        answer = {"id": req_id, "ok": True}
        answer.update(fields)
        return json.dumps(answer, separators=(",", ":")), req.get("op") == "shutdown"
    except Exception as error:  # one bad request must not end the program
        message = str(error) if isinstance(error, ProtocolError) else "%s: %s" % (type(error).__name__, error)
        print("request %r failed: %s" % (req_id, message), file=sys.stderr)
        return json.dumps({"id": req_id, "ok": False, "error": message}, separators=(",", ":")), False


def main(argv):
    global ACTIVE_BUG
    dtype = "float64"
    args = list(argv)
    while args:
        a = args.pop(0)
        if a == "--list-bugs":
            for name, what in BUGS.items():
                print("%-36s %s" % (name, what))
            return 0
        elif a == "--dtype" and args and args[0] in ("float32", "float64"):
            dtype = args.pop(0)
        elif a == "--bug" and args and args[0] in BUGS:
            ACTIVE_BUG = args.pop(0)
        else:
            print("usage: nnbench_client.py [--dtype float32|float64] [--bug NAME] [--list-bugs]", file=sys.stderr)
            return 64
    print("nnbench numpy client: dtype %s, bug %s" % (dtype, ACTIVE_BUG), file=sys.stderr)
    client = Client(dtype)
    for line in sys.stdin:
        if not line.strip():
            continue
        out, done = answer_line(client, line)
        sys.stdout.write(out + "\n")
        sys.stdout.flush()
        if done:
            return 0
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
