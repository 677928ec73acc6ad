#!/usr/bin/env python3
"""A client of nnbench's model protocol written on the helper module `nnbench_check`: only the
layers, in numpy. The module does the rest (the line loop, tensors, hello, errors, the losses,
the optimizers, and every op derived from the layers' forward and backward passes).

    nnbench check --exec "python3 examples/helper_client/nnbench_helper_client.py"
    python3 nnbench_helper_client.py --dtype float32
    python3 nnbench_helper_client.py --bug tanh-derivative-of-input   # one wrong backward pass

It builds every layer type of protocol version 2. `nnbench_check` comes with the wheel
(scripts/build_wheel.sh); in a checkout the script finds it in python/.
"""

import math
import os
import sys

import numpy as np

try:
    import nnbench_check as nb
except ImportError:  # a checkout: the module's source is in python/
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
    import nnbench_check as nb

BUGS = {
    "tanh-derivative-of-input": "tanh's derivative computed as 1 - x^2 of its input x, not of its output",
    "dense-bias-gradient-not-summed": "dense's bias gradient taken from the first sample only",
}
BUG = None


class Dense(nb.Layer):
    """y = x W + b, W: [in, units] (docs/protocol.md's layout, the transpose of PyTorch's)."""

    def setup(self, spec):
        if len(self.in_shape) != 1:
            raise nb.ProtocolError("layer %d (dense) needs [n, features] inputs: add a flatten" % self.index)
        self.add_param("weight", (self.in_shape[0], spec["units"]), spec.get("init"))
        if spec.get("bias", True):
            self.add_param("bias", (spec["units"],))

    def forward(self, x, train):
        self.x = x
        return x @ self.params["weight"] + self.params.get("bias", 0)

    def backward(self, dy):
        self.grads["weight"] = self.x.T @ dy
        if "bias" in self.params:
            self.grads["bias"] = dy[0] if BUG == "dense-bias-gradient-not-summed" else dy.sum(axis=0)
        return dy @ self.params["weight"].T


def tanh_derivative(x, y):
    return 1 - x * x if BUG == "tanh-derivative-of-input" else 1 - y * y


def sigmoid(x):
    return np.exp(-np.logaddexp(0, -x))  # 1/(1 + e^-x) without overflow


_erfc = np.frompyfunc(math.erfc, 1, 1)


def normal_cdf(x):
    """Phi(x) = erfc(-x/sqrt(2))/2 in float64 with the C library's erfc (numpy has no erf)."""
    return (0.5 * _erfc(-np.asarray(x, np.float64) / math.sqrt(2)).astype(np.float64)).astype(x.dtype)


def gelu_derivative(x, y):
    return normal_cdf(x) + x * np.exp(-0.5 * x * x) / x.dtype.type(math.sqrt(2 * math.pi))


class LeakyReLU(nb.Layer):
    def setup(self, spec):
        self.slope = spec.get("slope", 0.01)

    def forward(self, x, train):
        self.x = x
        return np.where(x > 0, x, self.slope * x)

    def backward(self, dy):
        return dy * np.where(self.x > 0, 1, self.slope).astype(dy.dtype)


class BatchNorm(nb.Layer):
    """PyTorch's BatchNorm1d on [n, features], BatchNorm2d on [n, c, h, w]."""

    def setup(self, spec):
        c = self.in_shape[0]
        self.momentum, self.eps = spec.get("momentum", 0.1), spec.get("eps", 1e-5)
        self.axes = (0,) if len(self.in_shape) == 1 else (0, 2, 3)
        self.add_param("weight", (c,), "constant(1)")
        self.add_param("bias", (c,))
        self.add_buffer("running_mean", np.zeros(c))
        self.add_buffer("running_var", np.ones(c))

    def channel(self, v):
        return v.reshape((1, -1) + (1,) * (len(self.in_shape) - 1))

    def forward(self, x, train):
        self.train, m = train, x.size // self.in_shape[0]
        if train:
            if m == 1:
                raise nb.ProtocolError("layer %d (batchnorm): one value per channel in training mode" % self.index)
            mean, var = x.mean(axis=self.axes), x.var(axis=self.axes)
            b, k = self.buffers, self.momentum
            b["running_mean"] = (1 - k) * b["running_mean"] + k * mean
            b["running_var"] = (1 - k) * b["running_var"] + k * var * x.dtype.type(m / (m - 1))
        else:
            mean, var = self.buffers["running_mean"], self.buffers["running_var"]
        self.inv_std = 1 / np.sqrt(var + x.dtype.type(self.eps))
        self.xhat = (x - self.channel(mean)) * self.channel(self.inv_std)
        return self.channel(self.params["weight"]) * self.xhat + self.channel(self.params["bias"])

    def backward(self, dy):
        xhat, c = self.xhat, self.channel
        self.grads["weight"] = (dy * xhat).sum(axis=self.axes)
        self.grads["bias"] = dy.sum(axis=self.axes)
        dxhat = dy * c(self.params["weight"])
        if not self.train:
            return dxhat * c(self.inv_std)
        m = dy.size // self.in_shape[0]  # through the batch mean and variance too
        return c(self.inv_std) / m * (m * dxhat - c(dxhat.sum(axis=self.axes)) - xhat * c((dxhat * xhat).sum(axis=self.axes)))


class Conv2D(nb.Layer):
    """Cross-correlation as PyTorch's Conv2d, zero padding; weight [F, C, k, k]."""

    def setup(self, spec):
        c, h, w = self.in_shape
        self.k, self.s, self.pad = spec["kernel"], spec.get("stride", 1), spec.get("padding", 0)
        self.oh, self.ow = (h + 2 * self.pad - self.k) // self.s + 1, (w + 2 * self.pad - self.k) // self.s + 1
        if self.oh < 1 or self.ow < 1:
            raise nb.ProtocolError("layer %d (conv2d): kernel %d larger than the padded input" % (self.index, self.k))
        self.add_param("weight", (spec["filters"], c, self.k, self.k), spec.get("init"))
        if spec.get("bias", True):
            self.add_param("bias", (spec["filters"],))

    def window(self, a, b):
        s = self.s
        return (slice(None), slice(None), slice(a, a + s * (self.oh - 1) + 1, s), slice(b, b + s * (self.ow - 1) + 1, s))

    def forward(self, x, train):
        p, w = self.pad, self.params["weight"]
        self.xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
        y = np.zeros((x.shape[0], w.shape[0], self.oh, self.ow), x.dtype)
        for a in range(self.k):
            for b in range(self.k):
                y += np.einsum("nchw,fc->nfhw", self.xp[self.window(a, b)], w[:, :, a, b])
        if "bias" in self.params:
            y += self.params["bias"][None, :, None, None]
        return y

    def backward(self, dy):
        w, dxp = self.params["weight"], np.zeros_like(self.xp)
        dw = np.zeros_like(w)
        for a in range(self.k):
            for b in range(self.k):
                dw[:, :, a, b] = np.einsum("nfhw,nchw->fc", dy, self.xp[self.window(a, b)])
                dxp[self.window(a, b)] += np.einsum("nfhw,fc->nchw", dy, w[:, :, a, b])
        self.grads["weight"] = dw
        if "bias" in self.params:
            self.grads["bias"] = dy.sum(axis=(0, 2, 3))
        p = self.pad
        return dxp[:, :, p:dxp.shape[2] - p, p:dxp.shape[3] - p]


class Pool2D(nb.Layer):
    """size x size windows every stride pixels (they overlap when stride < size)."""

    def setup(self, spec):
        c, h, w = self.in_shape
        self.size = spec["size"]
        self.s = spec.get("stride", self.size)
        self.oh, self.ow = (h - self.size) // self.s + 1, (w - self.size) // self.s + 1
        if self.oh < 1 or self.ow < 1:
            raise nb.ProtocolError("layer %d: window %d larger than the input" % (self.index, self.size))

    def windows(self):
        for i in range(self.oh):
            for j in range(self.ow):
                yield i, j, (slice(None), slice(None), slice(i * self.s, i * self.s + self.size), slice(j * self.s, j * self.s + self.size))


class MaxPool2D(Pool2D):
    """The first maximum of each window (row-major) takes the gradient; overlaps add up."""

    def forward(self, x, train):
        self.x = x
        n, c = x.shape[:2]
        y = np.empty((n, c, self.oh, self.ow), x.dtype)
        self.arg = np.empty((n, c, self.oh, self.ow), np.int64)
        for i, j, win in self.windows():
            flat = x[win].reshape(n, c, -1)
            self.arg[:, :, i, j], y[:, :, i, j] = flat.argmax(axis=2), flat.max(axis=2)
        return y

    def backward(self, dy):
        dx = np.zeros_like(self.x)
        samples, channels = np.indices(self.x.shape[:2])
        for i, j, _ in self.windows():
            a, b = np.divmod(self.arg[:, :, i, j], self.size)
            np.add.at(dx, (samples, channels, i * self.s + a, j * self.s + b), dy[:, :, i, j])
        return dx


class AvgPool2D(Pool2D):
    def forward(self, x, train):
        self.x = x
        y = np.empty((x.shape[0], x.shape[1], self.oh, self.ow), x.dtype)
        for i, j, win in self.windows():
            y[:, :, i, j] = x[win].mean(axis=(2, 3))
        return y

    def backward(self, dy):
        dx, share = np.zeros_like(self.x), dy / dy.dtype.type(self.size * self.size)
        for i, j, win in self.windows():
            dx[win] += share[:, :, i, j, None, None]
        return dx


class Flatten(nb.Layer):
    def forward(self, x, train):
        return x.reshape(x.shape[0], -1)

    def backward(self, dy):
        return dy.reshape((dy.shape[0],) + tuple(self.in_shape))


class Dropout(nb.Layer):
    """Inverted dropout; the module draws (or replays) the mask and reports it to nnbench."""

    def setup(self, spec):
        self.rate = spec["rate"]
        if not 0 <= self.rate < 1:
            raise nb.ProtocolError("layer %d (dropout): rate must be in [0, 1)" % self.index)

    def forward(self, x, train):
        return x * self.dropout_mask(x.shape, self.rate) if train else x

    def backward(self, dy):
        return dy if self.mask is None else dy * self.mask


LAYERS = {
    "dense": Dense,
    "relu": nb.elementwise(lambda x: np.maximum(x, 0), lambda x, y: (x > 0).astype(x.dtype)),
    "leaky_relu": LeakyReLU,
    "tanh": nb.elementwise(np.tanh, tanh_derivative),
    "sigmoid": nb.elementwise(sigmoid, lambda x, y: y * (1 - y)),
    "identity": nb.elementwise(lambda x: x, lambda x, y: np.ones_like(x)),
    "gelu": nb.elementwise(lambda x: x * normal_cdf(x), gelu_derivative),  # the exact erf form
    "softplus": nb.elementwise(lambda x: np.where(x > 20, x, np.log1p(np.exp(np.minimum(x, 20)))),
                               lambda x, y: np.where(x > 20, 1, sigmoid(x)).astype(x.dtype)),  # PyTorch's threshold 20
    "dropout": Dropout,
    "batchnorm": BatchNorm,
    "conv2d": Conv2D,
    "maxpool2d": MaxPool2D,
    "avgpool2d": AvgPool2D,
    "flatten": Flatten,
}

USAGE = "usage: nnbench_helper_client.py [--dtype float32|float64] [--bug NAME] [--list-bugs]"


def main(argv):
    global BUG
    dtype, args = "float64", list(argv)
    while args:
        a = args.pop(0)
        if a == "--list-bugs":
            for name, what in BUGS.items():
                print("%-32s %s" % (name, what))
            return 0
        if a == "--dtype" and args and args[0] in ("float32", "float64"):
            dtype = args.pop(0)
        elif a == "--bug" and args and args[0] in BUGS:
            BUG = args.pop(0)
        else:
            print(USAGE, file=sys.stderr)
            return 64
    name = "numpy-on-nnbench_check" + ("" if BUG is None else " (bug: %s)" % BUG)
    return nb.serve(LAYERS, name=name, dtype=dtype)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
