#!/usr/bin/env python3
"""A reference client of nnbench's model protocol (docs/protocol.md, version 2), in plain numpy.

    nnbench check --exec "python3 examples/numpy_client/nnbench_client.py"
    python3 nnbench_client.py --dtype float32      # compute in float32 instead of float64
    python3 nnbench_client.py --protocol 1         # behave exactly as a version 1 program
    python3 nnbench_client.py --bug NAME           # commit one classic mistake on purpose
    python3 nnbench_client.py --list-bugs

The program reads one JSON request per line on stdin and writes exactly one JSON answer per
line on stdout (flushed after each). Nothing else goes to stdout: logs go to stderr.

Every layer keeps what its backward pass needs from its forward pass (`self.x`, `self.y`, ...)
and its backward pass takes dL/d(output) and returns dL/d(input), adding dL/d(parameter) into
the model's gradient dictionary. Each `if bug(...)` branch is a deliberate mistake, off unless
`--bug` names it; read the code around it to see the correct version.
"""

import itertools
import json
import math
import re
import sys

import numpy as np

# ---------------------------------------------------------------------------------------------
# Switchable bugs. The first names follow nnbench's own injected faults (docs/checks.md); the
# later ones are nnbench issue 11's real-world bugs of the version 2 layers and optimizers.

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
    "init-scale-times-10": "weights drawn with ten times the initialiser's scale",
    "labels-shuffled-separately": "step shuffles the targets apart from the inputs",
    "training-inputs-one-batch-late": "step runs on the previous step's inputs with its own targets (inputs one batch behind)",
    "dropout-backward-ignores-mask": "dropout's backward scales by 1/(1-rate) but passes the gradient of dropped units too",
    "maxpool-backward-assigns": "maxpool's backward assigns (=) where overlapping windows must accumulate (+=)",
    "maxpool-backward-first-window-only": "maxpool's backward stops after the first window: only the first output's gradient is routed",
    "dense-input-gradient-last-unit-only": "dense's input gradient keeps only the last unit's share (= where += belongs)",
    "softmax-ce-gradient-wrong-sign": "softmax cross-entropy's gradient with the wrong sign: onehot - softmax",
    "bias-gradient-averaged": "dense's bias gradient averaged over the batch instead of summed",
    "batchnorm-gradient-ignores-statistics": "batchnorm's training input gradient treats the batch mean and variance as constants",
    "batchnorm-running-var-biased": "batchnorm's running variance moves towards the biased batch variance, not the unbiased one",
    "batchnorm-eval-uses-batch-statistics": "batchnorm normalises with the batch's statistics in evaluation too (no eval mode)",
    "gelu-tanh-approximation": "gelu computed with the tanh approximation (and its derivative) instead of the exact erf form",
    "rmsprop-without-eps-inside": "rmsprop divides by sqrt(s + eps) instead of sqrt(s) + eps",
    "adamw-decay-coupled": "adamw adds wd*p to the gradient (adam's L2) instead of decaying the weights apart",
    "bptt-truncated-to-one-step": "rnn/lstm/gru backward does not carry dL/dh_t back to h_t-1 (backpropagation through time truncated to one step)",
    "recurrent-ignores-initial-state": "rnn/lstm/gru forward starts from h_0 = 0 whatever initial_state gives (its backward still answers dL/dh_0)",
    "rnn-weight-hh-gradient-skips-first-step": "rnn/lstm/gru weight_hh gradient summed from step 2 on: the h_0 term, zero when h_0 = 0, is left out",
}

ACTIVE_BUG = None  # set from --bug


def bug(name):
    """True when the deliberate mistake `name` is switched on."""
    assert name in BUGS, name
    return ACTIVE_BUG == name


class ProtocolError(Exception):
    """A request the client cannot honour; answered as {"ok": false, "error": message}."""


# What each protocol version offers (docs/protocol.md, "Versions"), in the tables' order.
LAYER_TYPES = {1: ["dense", "relu", "leaky_relu", "tanh", "sigmoid", "identity", "dropout", "conv2d", "maxpool2d", "flatten"]}
LAYER_TYPES[2] = LAYER_TYPES[1] + ["gelu", "softplus", "batchnorm", "avgpool2d", "rnn", "lstm", "gru", "embedding"]
OPTIMIZER_TYPES = {1: ["sgd", "adam"], 2: ["sgd", "adam", "adamw", "rmsprop"]}
OPTIONAL_OPS = {1: ["gradients", "step", "trace"], 2: ["gradients", "step", "trace", "layer_gradients", "layer_forward", "loss_from_layer", "initial_state"]}

# ---------------------------------------------------------------------------------------------
# Layers. Each has: param_names, buffer_names, init_params(rng, dtype), forward(model, x, train)
# and backward(model, dy). Shapes are per sample: (features,) or (channels, height, width).


class Layer:
    def __init__(self, index, in_shape):
        self.index = index
        self.in_shape = in_shape
        self.out_shape = in_shape
        self.param_names = []  # trainable, e.g. ["0.weight", "0.bias"]
        self.buffer_names = []  # learnt without gradients: batchnorm's running statistics

    def init_params(self, rng, dtype):
        return {}

    def name(self, what):
        return "%d.%s" % (self.index, what)


SQRT_2_OVER_PI = math.sqrt(2 / math.pi)
_erfc = np.frompyfunc(math.erfc, 1, 1)


def normal_cdf(x):
    """Phi(x) = erfc(-x/sqrt(2))/2, with the C library's erfc in float64, element by element.

    numpy has no erf. erfc's form equals (1 + erf(x/sqrt(2)))/2 but keeps its relative accuracy
    for negative x, where 1 + erf cancels (1 + erf gives 0 below x = -8.3). Measured against
    mpmath at 40 digits: gelu = x*Phi(x) within 1.3e-14 relative for |x| <= 10 (the conditioning
    of erfc at 7, not erfc itself) and within 1 ulp for x >= 0."""
    return (0.5 * _erfc(-np.asarray(x, np.float64) / math.sqrt(2)).astype(np.float64)).astype(x.dtype)


class Activation(Layer):
    """relu, leaky_relu, tanh, sigmoid, identity, gelu, softplus: elementwise, no parameters."""

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
            y = sigmoid(x)
        elif self.kind == "gelu":
            if bug("gelu-tanh-approximation"):
                y = 0.5 * x * (1 + np.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x ** 3)))
            else:
                y = x * normal_cdf(x)  # the exact form
        elif self.kind == "softplus":
            # PyTorch's threshold: x itself above 20 (where ln(1 + e^x) is x to 2e-9).
            y = np.where(x > 20, x, np.log1p(np.exp(np.minimum(x, 20))))
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
        if self.kind == "gelu":
            if bug("gelu-tanh-approximation"):  # the approximation's own derivative: consistent
                t = np.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x ** 3))
                return dy * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x))
            pdf = np.exp(-0.5 * x * x) / x.dtype.type(math.sqrt(2 * math.pi))
            return dy * (normal_cdf(x) + x * pdf)  # (x Phi(x))' = Phi(x) + x phi(x)
        if self.kind == "softplus":
            return dy * np.where(x > 20, 1, sigmoid(x)).astype(dy.dtype)  # ln(1 + e^x)' = sigmoid(x)
        return dy


def sigmoid(x):
    # 1 / (1 + e^-x) written as exp(-log(1 + e^-x)): no overflow for large |x|.
    return np.exp(-np.logaddexp(0, -x))


class Dense(Layer):
    """y = x.W + b, W: [in, units], b: [units]. On a sequence [n, steps, in] it acts on the last
    axis at every step, as PyTorch's Linear does: the (sample, step) pairs are its rows."""

    def __init__(self, index, in_shape, units, bias=True, init="glorot_uniform"):
        super().__init__(index, in_shape)
        if len(in_shape) not in (1, 2):
            raise ProtocolError("layer %d (dense) needs [n, features] or [n, steps, features] inputs, got per-sample shape %s (add a flatten)"
                                % (index, list(in_shape)))
        self.inputs, self.units, self.has_bias, self.init = in_shape[-1], units, bias, init
        self.out_shape = tuple(in_shape[:-1]) + (units,)
        self.param_names = [self.name("weight")] + ([self.name("bias")] if bias else [])

    def init_params(self, rng, dtype):
        p = {self.name("weight"): initial_weight(rng, self.init, (self.inputs, self.units), self.inputs, self.units, dtype)}
        if self.has_bias:
            p[self.name("bias")] = np.zeros(self.units, dtype)
        return p

    def forward(self, model, x, train):
        self.shape = x.shape
        x = x.reshape(-1, self.inputs)  # a sequence's (sample, step) pairs are rows
        self.x = x
        W = model.params[self.name("weight")]
        y = x @ W
        if self.has_bias:
            y = y + model.params[self.name("bias")]
        if bug("dense-leaks-across-batch"):
            y = y + x.mean(axis=0) @ W  # depends on the other samples of the batch
        return y.reshape(self.shape[:-1] + (self.units,))

    def backward(self, model, dy):
        x, W = self.x, model.params[self.name("weight")]
        dy = dy.reshape(-1, self.units)
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
        if bug("dense-input-gradient-last-unit-only"):
            for u in range(self.units):  # unit u's share of dx is dy[:, u] W[:, u]^T ...
                dx = np.outer(dy[:, u], W[:, u])  # ... and `=` keeps only the last one: `+=` belongs
        model.add_grad(self.name("weight"), dW)
        if self.has_bias:
            db = dy.sum(axis=0)  # the bias is added to every sample: sum over the batch
            if bug("dense-missing-bias-gradient"):
                db = np.zeros_like(db)
            if bug("dense-bias-gradient-not-summed"):
                db = dy[0]
            if bug("bias-gradient-averaged"):
                db = dy.mean(axis=0)
            model.add_grad(self.name("bias"), db)
        return dx.reshape(self.shape)


class BatchNorm(Layer):
    """PyTorch's BatchNorm1d on [n, features] and BatchNorm2d on [n, c, h, w]: per channel,
    over the batch (and the plane). y = weight * (x - mean) / sqrt(var + eps) + bias."""

    def __init__(self, index, in_shape, momentum=0.1, eps=1e-5):
        super().__init__(index, in_shape)
        if len(in_shape) not in (1, 3):
            raise ProtocolError("layer %d (batchnorm) needs [n, features] or [n, c, h, w] inputs" % index)
        self.c, self.momentum, self.eps = in_shape[0], momentum, eps
        self.axes = (0,) if len(in_shape) == 1 else (0, 2, 3)  # all but the channel
        self.param_names = [self.name("weight"), self.name("bias")]
        self.buffer_names = [self.name("running_mean"), self.name("running_var")]

    def init_params(self, rng, dtype):
        ones, zeros = np.ones(self.c, dtype), np.zeros(self.c, dtype)
        return dict(zip(self.param_names + self.buffer_names, (ones, zeros, zeros.copy(), ones.copy())))

    def per_channel(self, v):
        """[c] -> broadcastable against the input: [1, c] or [1, c, 1, 1]."""
        return v.reshape((1, -1) + (1,) * (len(self.in_shape) - 1))

    def forward(self, model, x, train):
        weight, bias, mean_name, var_name = self.param_names + self.buffer_names
        P, m = model.params, x.size // self.c  # m values per channel
        self.batch_statistics = train or bug("batchnorm-eval-uses-batch-statistics")
        if self.batch_statistics:
            if train and m == 1:
                raise ProtocolError("layer %d (batchnorm): one value per channel in training mode (PyTorch refuses it too)" % self.index)
            mean, var = x.mean(axis=self.axes), x.var(axis=self.axes)  # the biased variance
            if train and model.move_buffers:  # only step's forward moves them
                unbiased = var if bug("batchnorm-running-var-biased") else var * x.dtype.type(m / (m - 1))
                P[mean_name] = (1 - self.momentum) * P[mean_name] + self.momentum * mean
                P[var_name] = (1 - self.momentum) * P[var_name] + self.momentum * unbiased
        else:
            mean, var = P[mean_name], P[var_name]
        self.inv_std = 1 / np.sqrt(var + x.dtype.type(self.eps))
        self.xhat = (x - self.per_channel(mean)) * self.per_channel(self.inv_std)
        return self.per_channel(P[weight]) * self.xhat + self.per_channel(P[bias])

    def backward(self, model, dy):
        xhat, inv_std, pc = self.xhat, self.per_channel(self.inv_std), self.per_channel
        model.add_grad(self.param_names[0], (dy * xhat).sum(axis=self.axes))
        model.add_grad(self.param_names[1], dy.sum(axis=self.axes))
        dxhat = dy * pc(model.params[self.param_names[0]])
        if not self.batch_statistics or bug("batchnorm-gradient-ignores-statistics"):
            return dxhat * inv_std  # the mean and variance are constants: true in evaluation only
        # The batch mean and variance depend on every x: d/dx of (x - mean(x)) / sqrt(var(x) + eps).
        m = dy.size // self.c
        return inv_std / m * (m * dxhat - pc(dxhat.sum(axis=self.axes)) - xhat * pc((dxhat * xhat).sum(axis=self.axes)))


class Conv2D(Layer):
    """Cross-correlation as PyTorch's Conv2d: y[n,f,i,j] = b[f] + sum_{c,a,b} xp[n,c,i*s+a,j*s+b] w[f,c,a,b]."""

    def __init__(self, index, in_shape, filters, kernel, stride=1, padding=0, bias=True, init="glorot_uniform"):
        super().__init__(index, in_shape)
        self.has_bias, self.init = bias, init
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
        p = {self.name("weight"): initial_weight(rng, self.init, (self.f, self.c, self.k, self.k), self.c * kk, self.f * kk, dtype)}
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


class Pool2D(Layer):
    """size x size windows every `stride` pixels; with stride < size they overlap."""

    def __init__(self, index, in_shape, kind, size, stride=None):
        super().__init__(index, in_shape)
        if len(in_shape) != 3:
            raise ProtocolError("layer %d (%s) needs [n, c, h, w] inputs" % (index, kind))
        c, h, w = in_shape
        self.size, self.s = size, stride or size
        self.oh, self.ow = (h - size) // self.s + 1, (w - size) // self.s + 1
        if self.oh < 1 or self.ow < 1:
            raise ProtocolError("layer %d (%s): window %d larger than the input %dx%d" % (index, kind, size, h, w))
        self.out_shape = (c, self.oh, self.ow)

    def window(self, i, j):
        """The input slice that output position (i, j) pools."""
        s, k = self.s, self.size
        return (slice(None), slice(None), slice(i * s, i * s + k), slice(j * s, j * s + k))

    def positions(self):
        return itertools.product(range(self.oh), range(self.ow))


class MaxPool2D(Pool2D):
    """The maximum of each window; the first maximum (row-major) wins ties and takes the gradient."""

    def forward(self, model, x, train):
        self.x = x
        n, c = x.shape[:2]
        y = np.empty((n, c, self.oh, self.ow), x.dtype)
        self.arg = np.empty((n, c, self.oh, self.ow), np.int64)  # where in its window: a*size + b
        for i, j in self.positions():
            flat = x[self.window(i, j)].reshape(n, c, -1)
            # argmax answers the first maximum; a NaN counts as the maximum, so it propagates
            # (as in PyTorch) instead of vanishing from the output.
            self.arg[:, :, i, j] = flat.argmax(axis=2)
            y[:, :, i, j] = flat.max(axis=2)
        return y

    def backward(self, model, dy):
        dx = np.zeros_like(self.x)
        n, c = self.x.shape[:2]
        samples, channels = np.indices((n, c))
        for i, j in self.positions():
            if bug("maxpool-gradient-to-window"):
                dx[self.window(i, j)] += dy[:, :, i, j, None, None]
                continue
            a, b = np.divmod(self.arg[:, :, i, j], self.size)
            argmax = (samples, channels, i * self.s + a, j * self.s + b)
            if bug("maxpool-backward-assigns"):
                dx[argmax] = dy[:, :, i, j]  # an input that is the max of two windows keeps one share
            else:
                dx[argmax] += dy[:, :, i, j]  # overlapping windows: their shares add up
            if bug("maxpool-backward-first-window-only"):
                break
        return dx


class AvgPool2D(Pool2D):
    """The mean of each window; its gradient is shared equally by the window's inputs."""

    def forward(self, model, x, train):
        self.x = x
        y = np.empty((x.shape[0], x.shape[1], self.oh, self.ow), x.dtype)
        for i, j in self.positions():
            y[:, :, i, j] = x[self.window(i, j)].mean(axis=(2, 3))
        return y

    def backward(self, model, dy):
        dx = np.zeros_like(self.x)
        share = dy / dy.dtype.type(self.size * self.size)
        for i, j in self.positions():
            dx[self.window(i, j)] += share[:, :, i, j, None, None]  # overlapping windows add up
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
    """Inverted dropout: in training keep each unit with probability 1-rate and divide by 1-rate.
    `self.mask` holds the multipliers (0 or 1/(1-rate)) of the last training pass."""

    def __init__(self, index, in_shape, rate):
        super().__init__(index, in_shape)
        if not 0 <= rate < 1:
            raise ProtocolError("layer %d (dropout): rate must be in [0, 1), got %r" % (index, rate))
        self.rate = rate

    def forward(self, model, x, train):
        if self.index in model.given_masks:  # layer_forward's mask: replayed, not drawn
            self.mask = model.given_masks[self.index]
            return x * self.mask
        if not train and not bug("dropout-in-evaluation"):
            self.mask = None
            return x
        keep = model.dropout_rng.random(x.shape) >= self.rate
        scale = 1.0 if bug("dropout-not-inverted") else 1.0 / (1.0 - self.rate)
        self.mask = keep.astype(x.dtype) * x.dtype.type(scale)
        return x * self.mask

    def backward(self, model, dy):
        if self.mask is None:
            return dy
        if bug("dropout-backward-ignores-mask"):
            return dy * dy.dtype.type(1.0 / (1.0 - self.rate))  # the dropped units get a gradient too
        return dy * self.mask


class Embedding(Layer):
    """Token indices [n, steps] -> rows of weight [vocabulary, dim]: [n, steps, dim] (nn.Embedding)."""

    def __init__(self, index, in_shape, vocabulary, dim):
        super().__init__(index, in_shape)
        if index != 0:
            raise ProtocolError("layer %d (embedding): must be the first layer, on token indices [n, steps]" % index)
        if len(in_shape) != 1:
            raise ProtocolError("layer 0 (embedding): needs token indices [n, steps] (model inputs [steps]), got per-sample shape %s"
                                % list(in_shape))
        self.vocabulary, self.dim = vocabulary, dim
        self.out_shape = (in_shape[0], dim)
        self.param_names = [self.name("weight")]

    def init_params(self, rng, dtype):
        return {self.name("weight"): rng.normal(0, 1, size=(self.vocabulary, self.dim)).astype(dtype)}

    def forward(self, model, x, train):
        tokens = x.astype(np.int64)
        if np.any(tokens != x) or np.any(tokens < 0) or np.any(tokens >= self.vocabulary):
            raise ProtocolError("layer %d (embedding): inputs must be token indices 0..%d" % (self.index, self.vocabulary - 1))
        self.tokens = tokens
        return model.params[self.name("weight")][tokens]

    def backward(self, model, dy):
        dW = np.zeros_like(model.params[self.name("weight")])
        np.add.at(dW, self.tokens, dy)  # a token used at several places adds up
        model.add_grad(self.name("weight"), dW)
        return np.zeros(self.tokens.shape, dy.dtype)  # indices have no gradient


class Recurrent(Layer):
    """rnn, lstm and gru as PyTorch's nn.RNN, nn.LSTM and nn.GRU (one layer, batch first, h0 = 0
    unless the request's initial_state gives h_0 and c_0: model.initial_state),
    docs/protocol.md "Recurrent layers": weight_ih [gates*units, in], weight_hh [gates*units, units],
    gates stacked in PyTorch's order (lstm i, f, g, o; gru r, z, n). Backward walks the steps back
    carrying dL/dh (and dL/dc), adding each step's output gradient as it reaches it."""

    GATES = {"rnn": 1, "lstm": 4, "gru": 3}

    def __init__(self, index, in_shape, kind, units, nonlinearity="tanh", sequence=True, bias=True, forget_bias=None):
        super().__init__(index, in_shape)
        if len(in_shape) != 2:
            raise ProtocolError("layer %d (%s) needs sequences [n, steps, features], got per-sample shape %s" % (index, kind, list(in_shape)))
        if nonlinearity not in ("tanh", "relu"):
            raise ProtocolError("layer %d (%s): unsupported nonlinearity %r" % (index, kind, nonlinearity))
        self.kind, self.units, self.act, self.sequence, self.has_bias, self.forget_bias = kind, units, nonlinearity, sequence, bias, forget_bias
        self.steps, self.inputs = in_shape
        self.out_shape = (self.steps, units) if sequence else (units,)
        names = ["weight_ih", "weight_hh"] + (["bias_ih", "bias_hh"] if bias else [])
        self.param_names = [self.name(n) for n in names]

    def init_params(self, rng, dtype):
        k, rows = 1 / math.sqrt(self.units), self.GATES[self.kind] * self.units
        shapes = [(rows, self.inputs), (rows, self.units)] + ([(rows,), (rows,)] if self.has_bias else [])
        p = {n: rng.uniform(-k, k, size=shape).astype(dtype) for n, shape in zip(self.param_names, shapes)}
        if self.forget_bias is not None and self.has_bias:  # the forget gate's bias b_if + b_hf starts there
            u = self.units
            p[self.name("bias_ih")][u:2 * u] = self.forget_bias
            p[self.name("bias_hh")][u:2 * u] = 0
        return p

    def weights(self, model):
        p = [model.params[n] for n in self.param_names]
        zero = np.zeros(p[0].shape[0], p[0].dtype)
        return p + ([] if self.has_bias else [zero, zero])

    def forward(self, model, x, train):
        W_ih, W_hh, b_ih, b_hh = self.weights(model)
        n, u = x.shape[0], self.units
        h, c = model.initial_state.get(self.index, (None, None))
        if h is None or bug("recurrent-ignores-initial-state"):
            h = np.zeros((n, u), x.dtype)
        if c is None or bug("recurrent-ignores-initial-state"):
            c = np.zeros((n, u), x.dtype)
        if h.shape != (n, u) or c.shape != (n, u):
            raise ProtocolError("layer %d: initial_state must be [%d, %d], got %s" % (self.index, n, u, list(h.shape)))
        self.x, self.h, self.c, self.cache = x, [h], [c], []
        for t in range(self.steps):
            a = x[:, t] @ W_ih.T + b_ih
            r = h @ W_hh.T + b_hh
            if self.kind == "rnn":
                h = np.tanh(a + r) if self.act == "tanh" else np.maximum(a + r, 0)
                self.cache.append(None)
            elif self.kind == "lstm":
                g = a + r
                i, f, gg, o = sigmoid(g[:, :u]), sigmoid(g[:, u:2 * u]), np.tanh(g[:, 2 * u:3 * u]), sigmoid(g[:, 3 * u:])
                c = f * c + i * gg
                h = o * np.tanh(c)
                self.cache.append((i, f, gg, o))
            else:
                rg, z = sigmoid(a[:, :u] + r[:, :u]), sigmoid(a[:, u:2 * u] + r[:, u:2 * u])
                nn = np.tanh(a[:, 2 * u:] + rg * r[:, 2 * u:])
                self.cache.append((rg, z, nn, r[:, 2 * u:]))
                h = (1 - z) * nn + z * h
            self.h.append(h)
            self.c.append(c)
        return np.stack(self.h[1:], axis=1) if self.sequence else h

    def backward(self, model, dy):
        W_ih, W_hh, _, _ = self.weights(model)
        x, u = self.x, self.units
        dy_steps = dy if self.sequence else np.zeros((x.shape[0], self.steps, u), dy.dtype)
        if not self.sequence:
            dy_steps[:, -1] = dy
        grads = [np.zeros_like(W_ih), np.zeros_like(W_hh), np.zeros(W_ih.shape[0], dy.dtype), np.zeros(W_ih.shape[0], dy.dtype)]
        dx = np.zeros_like(x)
        dh = np.zeros_like(self.h[0])
        dc = np.zeros_like(self.c[0])
        for t in reversed(range(self.steps)):
            dh = dh + dy_steps[:, t]
            h, h_prev = self.h[t + 1], self.h[t]
            if self.kind == "rnn":
                da = dh * (1 - h * h) if self.act == "tanh" else dh * (h > 0)
                dgi = dgh = da
                dh_prev = np.zeros_like(dh)
            elif self.kind == "lstm":
                i, f, gg, o = self.cache[t]
                tc = np.tanh(self.c[t + 1])
                total = dc + dh * o * (1 - tc * tc)  # c_t reaches the loss through c_t+1 and h_t
                dgi = dgh = np.concatenate([total * gg * i * (1 - i), total * self.c[t] * f * (1 - f),
                                            total * i * (1 - gg * gg), dh * tc * o * (1 - o)], axis=1)
                dc = total * f
                dh_prev = np.zeros_like(dh)
            else:
                rg, z, nn, hn = self.cache[t]
                dn = dh * (1 - z) * (1 - nn * nn)
                dr = dn * hn * rg * (1 - rg)
                dz = dh * (h_prev - nn) * z * (1 - z)
                dgi = np.concatenate([dr, dz, dn], axis=1)
                dgh = np.concatenate([dr, dz, dn * rg], axis=1)  # the reset gate multiplies W_hn h + b_hn
                dh_prev = dh * z
            grads[0] += dgi.T @ x[:, t]
            if t > 0 or not bug("rnn-weight-hh-gradient-skips-first-step"):
                grads[1] += dgh.T @ h_prev
            grads[2] += dgi.sum(axis=0)
            grads[3] += dgh.sum(axis=0)
            dx[:, t] = dgi @ W_ih
            dh = dh_prev + dgh @ W_hh  # dL/dh_t-1 through this step
            if bug("bptt-truncated-to-one-step"):
                dh, dc = np.zeros_like(dh), np.zeros_like(dc)  # nothing carried back: each step sees only its own output
        self.initial_grads = (dh, dc)  # dL/dh_0, dL/dc_0: initial_state_grads
        for name, g in zip(self.param_names, grads):
            model.add_grad(name, g)
        return dx


def initial_weight(rng, init, shape, fan_in, fan_out, dtype):
    """A weight drawn from the initialiser `init` (docs/protocol.md, "Initialisation"), in float64.

    The normal initialisers have standard deviation sigma: glorot sqrt(2/(fan_in + fan_out)), he
    sqrt(2/fan_in), lecun sqrt(1/fan_in); each uniform one has the same variance, U(-b, b) with
    b = sqrt(3) sigma (glorot_uniform's b = sqrt(6/(fan_in + fan_out)), and so on)."""
    if bug("init-zeros"):
        return np.zeros(shape, dtype)
    if bug("init-constant"):
        return np.full(shape, 0.1, dtype)
    constant = re.fullmatch(r"constant\((.+)\)", init)
    if init == "zeros" or constant:
        return np.full(shape, float(constant.group(1)) if constant else 0.0, dtype)
    family, _, distribution = init.partition("_")
    variance = {"glorot": 2 / (fan_in + fan_out), "he": 2 / fan_in, "lecun": 1 / fan_in}.get(family)
    if variance is None or distribution not in ("uniform", "normal"):
        raise ProtocolError("unsupported init %r" % init)
    sigma = math.sqrt(variance) * (10 if bug("init-scale-times-10") else 1)
    if distribution == "normal":
        return rng.normal(0, sigma, size=shape).astype(dtype)
    return rng.uniform(-math.sqrt(3) * sigma, math.sqrt(3) * sigma, size=shape).astype(dtype)


def make_layer(index, spec, in_shape, protocol):
    """The layer `spec` describes; a version 1 program knows neither the version 2 types nor the
    fields `init` and conv2d's `bias`, and ignores them as unknown fields."""
    if not isinstance(spec, dict) or "type" not in spec:
        raise ProtocolError("layer %d: expected an object with a \"type\"" % index)
    kind = spec["type"]
    if kind not in LAYER_TYPES[protocol]:
        raise ProtocolError("layer %d: unsupported layer type %r" % (index, kind))
    init = str(spec.get("init", "glorot_uniform")) if protocol >= 2 else "glorot_uniform"

    def need(field):
        if field not in spec:
            raise ProtocolError("layer %d (%s): missing field %r" % (index, kind, field))
        return spec[field]

    def count(field, default=None, least=1):  # units, stride, ...: JSON 3 or 3.0, never 2.5, true or "3", nor below `least`
        value = need(field) if default is None else spec.get(field, default)
        if (isinstance(value, bool) or not isinstance(value, (int, float)) or (isinstance(value, float) and not value.is_integer())
                or value < least):
            raise ProtocolError("layer %d (%s): %s must be a whole number >= %d, got %s" % (index, kind, field, least, json.dumps(value)))
        return int(value)

    def flag(field, default):
        value = spec.get(field, default)
        if not isinstance(value, bool):
            raise ProtocolError("layer %d (%s): %s must be true or false, got %s" % (index, kind, field, json.dumps(value)))
        return value

    if kind in ("relu", "tanh", "sigmoid", "identity", "gelu", "softplus"):
        return Activation(index, in_shape, kind)
    if kind == "leaky_relu":
        return Activation(index, in_shape, kind, float(spec.get("slope", 0.01)))
    if kind == "dense":
        return Dense(index, in_shape, count("units"), flag("bias", True), init)
    if kind == "conv2d":
        bias = flag("bias", True) if protocol >= 2 else True
        return Conv2D(index, in_shape, count("filters"), count("kernel"), count("stride", 1), count("padding", 0, least=0), bias, init)
    if kind == "batchnorm":
        return BatchNorm(index, in_shape, float(spec.get("momentum", 0.1)), float(spec.get("eps", 1e-5)))
    if kind in ("maxpool2d", "avgpool2d"):
        size = count("size")
        stride = count("stride", size)
        if stride < size and protocol < 2:
            raise ProtocolError("layer %d (%s): overlapping windows (stride %d < size %d) are not supported" % (index, kind, stride, size))
        return (MaxPool2D if kind == "maxpool2d" else AvgPool2D)(index, in_shape, kind, size, stride)
    if kind == "flatten":
        return Flatten(index, in_shape)
    if kind in ("rnn", "lstm", "gru"):
        forget = spec.get("forget_bias")
        return Recurrent(index, in_shape, kind, count("units"), str(spec.get("nonlinearity", "tanh")), flag("sequence", True),
                         flag("bias", True), None if forget is None else float(forget))
    if kind == "embedding":
        return Embedding(index, in_shape, count("vocabulary"), count("dim"))
    return Dropout(index, in_shape, float(need("rate")))


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
    sig = sigmoid(z)
    if bug("bce-unstable"):
        with np.errstate(all="ignore"):
            s = 1 / (1 + np.exp(-z))
            total = -np.sum(y * np.log(s) + (1 - y) * np.log(1 - s))
    else:
        # max(z,0) - z y + log(1 + e^-|z|): never exponentiates a positive number.
        total = np.sum(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))))
    return total / n_k, (sig - y) / z.dtype.type(n_k)


def softmax_ce(z, y):
    if z.ndim == 3:  # a sequence: every (sample, step) pair is a row, the mean is over all of them
        if y.shape != z.shape[:2]:
            raise ProtocolError("softmax_ce targets must have shape %s, got %s" % (list(z.shape[:2]), list(y.shape)))
        loss, grad = softmax_ce(z.reshape(-1, z.shape[2]), y.reshape(-1))
        return loss, grad.reshape(z.shape)
    n = z.shape[0]
    if y.ndim != 1 or y.shape[0] != n:
        raise ProtocolError("softmax_ce targets must have shape [%d], got %s" % (n, list(y.shape)))
    with np.errstate(invalid="ignore"):
        labels = y.astype(np.int64)
    bad = (labels != y) | (labels < 0) | (labels >= z.shape[1])
    if np.any(bad):
        first = int(np.argmax(bad))
        raise ProtocolError("softmax_ce targets must be class indices 0..%d, got %g (at flat index %d)" % (z.shape[1] - 1, y[first], first))
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
    if bug("softmax-ce-gradient-wrong-sign"):
        grad = -grad  # onehot - softmax: every step climbs the loss
    return loss, grad / z.dtype.type(count)


LOSSES = {"mse": mse, "bce_logits": bce_logits, "softmax_ce": softmax_ce}


# ---------------------------------------------------------------------------------------------
# Optimizers (PyTorch's definitions, as docs/protocol.md writes them). Each returns the amount
# to subtract from the parameter p, given its gradient g.


def with_weight_decay(g, p, wd):
    """g + wd p: L2 regularisation folded into the gradient."""
    return g - wd * p if bug("weight-decay-wrong-sign") else g + wd * p


def sgd(client, name, p, g, opt):
    lr, mu = opt["lr"], opt.get("momentum", 0)
    g = with_weight_decay(g, p, opt.get("weight_decay", 0))
    if mu != 0:
        b = client.opt_state.get(name)
        b = g if b is None or bug("momentum-not-kept") else mu * b + g
        client.opt_state[name] = b
        g = g + mu * b if opt.get("nesterov", False) else b
    return lr * g


def adam(client, name, p, g, opt):
    """adam, and adamw: p <- p (1 - lr wd) first (decoupled), then adam's update without wd."""
    lr, b1, b2, eps = opt["lr"], opt.get("beta1", 0.9), opt.get("beta2", 0.999), opt.get("eps", 1e-8)
    decoupled = opt["type"] == "adamw"
    wd = opt.get("weight_decay", 0.01 if decoupled else 0)
    if bug("adamw-decay-coupled"):
        decoupled = False  # the decay then goes through m and v, and adam's scaling undoes it
    if not decoupled:
        g = with_weight_decay(g, p, wd)
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
    if decoupled:
        update = update + lr * with_weight_decay(0, p, wd)  # p (1 - lr wd) = p - lr wd p
    return update


def rmsprop(client, name, p, g, opt):
    lr, alpha, eps, mu = opt["lr"], opt.get("alpha", 0.99), opt.get("eps", 1e-8), opt.get("momentum", 0)
    g = with_weight_decay(g, p, opt.get("weight_decay", 0))
    s, a, b = client.opt_state.get(name, (np.zeros_like(p),) * 3)
    s = alpha * s + (1 - alpha) * g * g  # the mean square
    var = s
    if opt.get("centered", False):
        a = alpha * a + (1 - alpha) * g  # the mean: s - a^2 estimates the variance
        var = s - a * a
    if bug("rmsprop-without-eps-inside"):
        d = np.sqrt(var + eps)
    else:
        d = np.sqrt(var) + eps  # PyTorch's convention: eps outside the root
    if mu != 0:
        b = mu * b + g / d
    client.opt_state[name] = (s, a, b)
    return lr * b if mu != 0 else lr * g / d


OPTIMIZERS = {"sgd": sgd, "adam": adam, "adamw": adam, "rmsprop": rmsprop}


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
    def __init__(self, dtype="float64", protocol=2):
        self.dtype = np.dtype(dtype)
        self.max_protocol = self.protocol = protocol  # hello may lower it: a version 1 nnbench
        self.layers = None
        self.given_masks = {}  # layer index -> dropout mask to replay instead of drawing one
        self.move_buffers = False  # batchnorm's running statistics move in step's forward only
        self.initial_state = {}  # recurrent layer index -> (h_0, c_0 or None), for one request

    # -- model ----------------------------------------------------------------------------

    def add_grad(self, name, g):
        self.grads[name] += g

    def run_forward(self, x, train, keep=None, start=0):
        """Layers start, start+1, ... applied to x; `keep` collects each one's output."""
        for layer in self.layers[start:]:
            x = layer.forward(self, x, train)
            if keep is not None:
                keep.append(x)
        return x

    def compute_gradients(self, x, y, train, keep=None, flow=None):
        """Forward, loss, backward; leaves the gradients in self.grads. `flow` collects each
        layer's (d loss/d output, d loss/d input), last layer first."""
        z = self.run_forward(x, train, keep)
        loss, dz = self.loss_fn(z, y)
        if not bug("gradients-not-zeroed"):
            self.grads = {n: np.zeros_like(self.params[n]) for n in self.names}
        d = dz.astype(self.dtype)
        for layer in reversed(self.layers):
            d_out, d = d, layer.backward(self, d)
            if flow is not None:
                flow.append((d_out, d))
        return float(loss)

    def masks(self):
        """The multipliers of every dropout layer in the last training pass, keyed by index."""
        return {str(layer.index): tensor_out(layer.mask) for layer in self.layers if isinstance(layer, Dropout)}

    def apply_layer(self, index, x, train, mask=None):
        """Layer `index` alone (layer_forward): batch statistics without moving the buffers in
        training, and the given dropout mask."""
        self.given_masks = {} if mask is None else {index: mask}
        try:
            return self.layers[index].forward(self, x, train)
        finally:
            self.given_masks = {}

    def need_model(self):
        if self.layers is None:
            raise ProtocolError("no model: send build first")

    def inputs(self, req, shape=None, field="x"):
        """The request's tensor `field`, shaped [n] + shape (the model's input by default)."""
        self.need_model()
        shape = self.in_shape if shape is None else tuple(shape)
        if field not in req:
            raise ProtocolError("missing field %r" % field)
        x = tensor_in(req[field], self.dtype, field)
        if x.ndim < 1 or tuple(x.shape[1:]) != shape:
            raise ProtocolError("%s has shape %s, expected [n, %s]" % (field, list(x.shape), ", ".join(map(str, shape))))
        return x

    def targets(self, req, n):
        y = tensor_in(req.get("y"), self.dtype, "y")
        if self.loss_name != "softmax_ce" and y.shape != (n,) + self.out_shape:
            raise ProtocolError("y has shape %s, expected %s" % (list(y.shape), [n] + list(self.out_shape)))
        return y

    def version2_flag(self, req, field, default=False):
        """A boolean field that version 2 added to a version 1 op: a version 1 program ignores it."""
        return bool(req.get(field, default)) if self.protocol >= 2 else default

    def layer_index(self, req, largest):
        index = req.get("layer")
        if isinstance(index, bool) or not isinstance(index, (int, float)) or index != int(index) or not 0 <= index <= largest:
            raise ProtocolError("layer must be an integer in 0...%d, got %r" % (largest, index))
        return int(index)

    # -- ops ------------------------------------------------------------------------------

    def op_hello(self, req):
        asked = req.get("protocol", 1)  # a version 1 nnbench does not send the field
        if isinstance(asked, bool) or not isinstance(asked, int) or asked < 1:
            raise ProtocolError("protocol must be a positive integer, got %r" % (asked,))
        self.protocol = min(self.max_protocol, asked)
        name = "tiny-numpy-mlp" if ACTIVE_BUG is None else "tiny-numpy-mlp (bug: %s)" % ACTIVE_BUG
        answer = {"protocol": self.protocol, "name": name, "dtype": self.dtype.name, "ops": OPTIONAL_OPS[self.protocol]}
        if self.protocol >= 2:
            answer.update(layers=LAYER_TYPES[2], losses=list(LOSSES), optimizers=OPTIMIZER_TYPES[2])
        return answer

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
            layers.append(make_layer(i, spec, shape if not layers else layers[-1].out_shape, self.protocol))
        rng = np.random.default_rng(seed)
        params = {}
        for layer in layers:  # layer order, weight before bias: the draws depend only on the seed
            params.update(layer.init_params(rng, self.dtype))
        self.layers, self.params, self.in_shape = layers, params, shape
        self.out_shape = layers[-1].out_shape if layers else shape
        self.loss_name, self.loss_fn = loss, LOSSES[loss]
        self.names = [n for layer in layers for n in layer.param_names]  # trainable
        self.all_names = [n for layer in layers for n in layer.param_names + layer.buffer_names]
        self.grads = {n: np.zeros_like(params[n]) for n in self.names}
        self.dropout_rng = np.random.default_rng([seed, 1])  # its own stream, from the same seed
        self.reset_optimizer()
        if self.protocol < 2:
            return {"params": [{"name": n, "shape": list(params[n].shape)} for n in self.names]}
        return {"params": [{"name": n, "shape": list(params[n].shape), "trainable": n in self.names} for n in self.all_names]}

    def reset_optimizer(self):
        self.opt_type, self.opt_step, self.opt_state = None, 0, {}
        self.previous_x = None  # the last step's inputs, for the bug training-inputs-one-batch-late

    def op_get_params(self, req):
        self.need_model()
        return {"params": {n: tensor_out(self.params[n]) for n in self.all_names}}

    def op_set_params(self, req):
        self.need_model()
        given = req.get("params")
        if not isinstance(given, dict) or set(given) != set(self.all_names):
            raise ProtocolError("set_params needs exactly these parameters: %s" % ", ".join(self.all_names))
        new = {}
        for n in self.all_names:
            t = tensor_in(given[n], self.dtype, n)
            if t.shape != self.params[n].shape:
                raise ProtocolError("%s has shape %s, expected %s" % (n, list(t.shape), list(self.params[n].shape)))
            new[n] = t
        self.params = new  # all or nothing
        self.reset_optimizer()
        return {}

    def op_forward(self, req):
        x = self.inputs(req)
        train = bool(req.get("train", False))
        keep = [] if req.get("trace", False) else None
        y = self.run_forward(x, train, keep)
        answer = {"y": tensor_out(y)}
        if keep is not None:
            answer["trace"] = [tensor_out(t) for t in keep]
            if train and self.protocol >= 2:
                answer["masks"] = self.masks()
        return answer

    def op_loss(self, req):
        x = self.inputs(req)
        y = self.targets(req, x.shape[0])
        loss, _ = self.loss_fn(self.run_forward(x, False), y)
        return {"loss": float(loss)}

    def op_gradients(self, req):
        x = self.inputs(req)
        train, keep = self.version2_flag(req, "train"), [] if self.version2_flag(req, "trace") else None
        loss = self.compute_gradients(x, self.targets(req, x.shape[0]), train, keep)
        answer = {"loss": loss, "grads": {n: tensor_out(self.grads[n]) for n in self.names}}
        return self.with_trace(answer, keep, train)

    def with_trace(self, answer, keep, train):
        """The answer, with the pass's trace (and masks, in training) when it was asked for."""
        if keep is not None:
            answer["trace"] = [tensor_out(t) for t in keep]
            if train:
                answer["masks"] = self.masks()
        return answer

    def op_step(self, req):
        x = self.inputs(req)
        y = self.targets(req, x.shape[0])
        opt = req.get("optimizer")
        if not isinstance(opt, dict) or opt.get("type") not in OPTIMIZER_TYPES[self.protocol]:
            raise ProtocolError("optimizer must be {\"type\": %s, ...}" % " | ".join('"%s"' % t for t in OPTIMIZER_TYPES[self.protocol]))
        train, keep = self.version2_flag(req, "train", True), [] if self.version2_flag(req, "trace") else None
        if bug("labels-shuffled-separately"):
            y = y[self.dropout_rng.permutation(y.shape[0])]
        if bug("training-inputs-one-batch-late"):
            late = self.previous_x if self.previous_x is not None and self.previous_x.shape == x.shape else x
            self.previous_x, x = x, late
        before = dict(self.params)  # a failed step changes nothing (arrays are replaced, never written into)
        try:
            self.move_buffers = train
            loss = self.compute_gradients(x, y, train, keep)
            self.move_buffers = False
            if opt["type"] != self.opt_type:  # a new optimizer starts with empty state
                self.opt_type, self.opt_step, self.opt_state = opt["type"], 0, {}
            self.opt_step += 1
            for n in self.names:
                update = OPTIMIZERS[opt["type"]](self, n, self.params[n], self.grads[n], opt)
                if bug("update-wrong-sign"):
                    update = -update  # p += lr g: up the gradient
                if not bug("updates-not-applied"):
                    self.params[n] = self.params[n] - update
        except Exception:
            self.params = before
            raise
        finally:
            self.move_buffers = False
        return self.with_trace({"loss": loss}, keep, train)

    def op_layer_gradients(self, req):
        x = self.inputs(req)
        train, flow = bool(req.get("train", False)), []
        loss = self.compute_gradients(x, self.targets(req, x.shape[0]), train, flow=flow)
        flow.reverse()  # layer order
        answer = {"loss": loss, "input_grads": [tensor_out(d_in) for _, d_in in flow],
                  "output_grads": [tensor_out(d_out) for d_out, _ in flow]}
        if train:
            answer["masks"] = self.masks()
        return answer

    def op_layer_forward(self, req):
        self.need_model()
        index = self.layer_index(req, len(self.layers) - 1)
        layer = self.layers[index]
        x = self.inputs(req, layer.in_shape)
        train, mask = bool(req.get("train", False)), None
        if train and isinstance(layer, Dropout):
            mask = self.inputs(req, layer.in_shape, field="mask")
            if mask.shape != x.shape:
                raise ProtocolError("mask has shape %s, x %s" % (list(mask.shape), list(x.shape)))
        return {"y": tensor_out(self.apply_layer(index, x, train, mask))}

    def op_loss_from_layer(self, req):
        self.need_model()
        index = self.layer_index(req, len(self.layers))
        x = self.inputs(req, self.layers[index].in_shape if index < len(self.layers) else self.out_shape)
        loss, _ = self.loss_fn(self.run_forward(x, False, start=index), self.targets(req, x.shape[0]))
        return {"loss": float(loss)}

    def op_shutdown(self, req):
        return {}

    def read_initial_state(self, req):
        """The request's initial_state (version 2): {"L": {"h": tensor, "c": tensor}} -> {L: (h, c)}."""
        given = req.get("initial_state") if self.protocol >= 2 else None
        if given is None:
            return {}
        self.need_model()
        if not isinstance(given, dict):
            raise ProtocolError("initial_state must be an object {\"L\": {\"h\": tensor, \"c\": tensor}}")
        states = {}
        for key, parts in given.items():
            index = int(key) if isinstance(key, str) and key.isdigit() else -1
            if not 0 <= index < len(self.layers) or not isinstance(self.layers[index], Recurrent) or not isinstance(parts, dict):
                raise ProtocolError("initial_state: %r is not a recurrent layer's index" % (key,))
            lstm = self.layers[index].kind == "lstm"
            if "h" not in parts or ("c" in parts) != lstm:
                raise ProtocolError("initial_state of layer %d needs %s" % (index, "h and c" if lstm else "h only"))
            states[index] = (tensor_in(parts["h"], self.dtype, "initial_state.h"),
                             tensor_in(parts["c"], self.dtype, "initial_state.c") if lstm else None)
        return states

    def handle(self, req):
        op = req.get("op")
        version2 = op in OPTIONAL_OPS[2] and op not in OPTIONAL_OPS[1]
        method = getattr(self, "op_%s" % op, None) if isinstance(op, str) and (self.protocol >= 2 or not version2) else None
        if method is None or op == "initial_state":
            raise ProtocolError("unsupported op %r" % (op,))
        self.initial_state = self.read_initial_state(req) if op in ("forward", "loss", "gradients") else {}
        try:
            answer = method(req)
        finally:
            given, self.initial_state = self.initial_state, {}
        if op == "gradients" and given:
            answer["initial_state_grads"] = {str(i): {k: tensor_out(v) for k, v in zip("hc", self.layers[i].initial_grads) if k == "h" or given[i][1] is not None}
                                             for i in given}
        return answer


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


USAGE = "usage: nnbench_client.py [--dtype float32|float64] [--protocol 1|2] [--bug NAME] [--list-bugs]"


def main(argv):
    global ACTIVE_BUG
    dtype, protocol = "float64", 2
    args = list(argv)
    while args:
        a = args.pop(0)
        if a == "--list-bugs":
            for name, what in BUGS.items():
                print("%-38s %s" % (name, what))
            return 0
        elif a == "--dtype" and args and args[0] in ("float32", "float64"):
            dtype = args.pop(0)
        elif a == "--protocol" and args and args[0] in ("1", "2"):
            protocol = int(args.pop(0))
        elif a == "--bug" and args and args[0] in BUGS:
            ACTIVE_BUG = args.pop(0)
        else:
            print(USAGE, file=sys.stderr)
            return 64
    print("nnbench numpy client: protocol %d, dtype %s, bug %s" % (protocol, dtype, ACTIVE_BUG), file=sys.stderr)
    client = Client(dtype, protocol)
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
