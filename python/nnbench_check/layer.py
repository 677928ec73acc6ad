"""What a user writes: one `Layer` subclass per layer type, forward and backward in numpy.

The server (server.py) builds a network of them from nnbench's `build` request and derives every
op of the protocol from their two methods; parameter names, initialisation from the seed,
gradients' bookkeeping, dropout masks and batchnorm's buffers are handled here."""

import math
import re

import numpy as np

from .tensors import ProtocolError


class Layer:
    """One layer of the network. Subclass it and write `forward` and `backward`; `setup` when
    the layer has fields or parameters.

    Set by the server before `setup` is called:
      index     the layer's position in the model, from 0, activations included
      spec      the layer's object from the request, every field written ({"type": "dense", ...})
      in_shape  the shape of one sample's input: (features,) or (channels, height, width)
      dtype     numpy's float32 or float64, the precision the program computes in
      params    {local name: array}, filled by `add_param` ("weight", not "0.weight")
      buffers   {local name: array}, filled by `add_buffer` (batchnorm's running statistics)
      grads     {local name: array}: `backward` sets d loss / d parameter here, for each parameter

    `out_shape` is taken from a forward pass on one zero sample unless `setup` sets it.
    """

    def setup(self, spec):
        """Reads the layer's fields and declares its parameters (`add_param`), weight before
        bias, and its buffers (`add_buffer`). Raise ProtocolError to refuse a field's value."""

    def forward(self, x, train):
        """x: [n] + in_shape -> y: [n] + out_shape. Keep what `backward` needs on self.
        `train` is True in training mode (dropout drops, batchnorm uses the batch's statistics
        and may move its buffers; the server restores them wherever the protocol says that
        nothing moves)."""
        raise NotImplementedError("layer %d (%s) has no forward" % (self.index, self.spec.get("type")))

    def backward(self, dy):
        """dy = d loss / d y of the last forward -> d loss / d x; sets self.grads[name] for every
        parameter. A layer class that leaves this out makes the program offer no gradient op."""
        raise NotImplementedError("layer %d (%s) has no backward" % (self.index, self.spec.get("type")))

    # -- helpers for subclasses ------------------------------------------------------------

    def add_param(self, name, shape, init="zeros", fan_in=None, fan_out=None):
        """Declares a trainable parameter, drawn now from the build's seed with the initialiser
        `init` (docs/protocol.md, "Initialisation"; None is glorot_uniform), and returns it.
        Fans default to PyTorch's: [in, units] -> (in, units); [F, C, k, k] -> (C k k, F k k).
        `init` may also be a function (rng, shape) -> array, for the layers whose initialisation
        is not one of those names (the recurrent layers' U(-1/sqrt(units), 1/sqrt(units)),
        `lambda rng, shape: rng.uniform(-k, k, shape)`)."""
        shape = tuple(int(d) for d in shape)
        if callable(init):
            self.params[name] = np.asarray(init(self._rng, shape), dtype=self.dtype).reshape(shape)
            return self.params[name]
        if fan_in is None or fan_out is None:
            receptive = int(np.prod(shape[2:])) if len(shape) > 2 else 1
            if len(shape) >= 3:  # a convolution's [F, C, k, ...]
                fans = (shape[1] * receptive, shape[0] * receptive)
            else:  # a dense weight's [in, units], or a vector
                fans = (shape[0], shape[-1]) if shape else (1, 1)
            fan_in, fan_out = fan_in or fans[0], fan_out or fans[1]
        self.params[name] = initial_weight(self._rng, init or "glorot_uniform", shape, fan_in, fan_out, self.dtype)
        return self.params[name]

    def add_buffer(self, name, value):
        """Declares a buffer (learnt without gradients, e.g. a running mean) with its initial value."""
        self.buffers[name] = np.array(value, dtype=self.dtype)
        return self.buffers[name]

    def dropout_mask(self, shape, rate):
        """The multipliers of inverted dropout for this training pass: each 0 with probability
        `rate`, else 1/(1 - rate). Drawn from the build's seed, or the mask nnbench sent
        (`layer_forward`); kept in self.mask, which the server reports as the pass's mask."""
        if self.given_mask is not None:
            self.mask = self.given_mask
        else:
            keep = self._dropout_rng.random(shape) >= rate
            self.mask = keep.astype(self.dtype) * self.dtype.type(1 / (1 - rate))
        return self.mask


def elementwise(f, derivative):
    """A layer class for a parameter-free elementwise function: f(x) -> y, derivative(x, y) ->
    dy/dx elementwise. `elementwise(np.tanh, lambda x, y: 1 - y * y)` is tanh."""

    class Elementwise(Layer):
        def forward(self, x, train):
            self.x, self.y = x, f(x)
            return self.y

        def backward(self, dy):
            return dy * derivative(self.x, self.y)

    Elementwise.__name__ = Elementwise.__qualname__ = "elementwise(%s)" % getattr(f, "__name__", "f")
    return Elementwise


def initial_weight(rng, init, shape, fan_in, fan_out, dtype):
    """A tensor drawn from the initialiser `init` (docs/protocol.md, "Initialisation").

    The normal initialisers have standard deviation sigma: glorot sqrt(2/(fan_in + fan_out)), he
    sqrt(2/fan_in), lecun sqrt(1/fan_in); each uniform one has the same variance, U(-b, b) with
    b = sqrt(3) sigma. `zeros` and `constant(v)` fill. Raises ProtocolError for another name."""
    constant = re.fullmatch(r"constant\((.+)\)", init)
    if init == "zeros" or constant:
        try:
            return np.full(shape, float(constant.group(1)) if constant else 0.0, dtype)
        except ValueError:
            raise ProtocolError("unsupported init %r" % init) from None
    family, _, distribution = init.partition("_")
    variance = {"glorot": 2 / (fan_in + fan_out), "he": 2 / fan_in, "lecun": 1 / fan_in}.get(family)
    if variance is None or distribution not in ("uniform", "normal"):
        raise ProtocolError("unsupported init %r" % init)
    sigma = math.sqrt(variance)
    if distribution == "normal":
        return rng.normal(0, sigma, size=shape).astype(dtype)
    return rng.uniform(-math.sqrt(3) * sigma, math.sqrt(3) * sigma, size=shape).astype(dtype)
