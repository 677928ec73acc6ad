#!/usr/bin/env python3
"""nnbench's model protocol (docs/protocol.md, version 2) served by PyTorch modules, on CPU.

    nnbench check --exec "python3 examples/torch_client/nnbench_torch_client.py"
    python3 nnbench_torch_client.py --dtype float32              # compute in float32 (float64 by default)
    python3 nnbench_torch_client.py --custom relu=custom_relu.py:ReLUFunction

Every protocol layer type is a `torch.nn` module (`nn.Linear`, `nn.Conv2d`, `nn.BatchNorm1d`, `nn.LSTM`, ...),
the losses are `nn.MSELoss`, `nn.BCEWithLogitsLoss` and `nn.CrossEntropyLoss`, the optimizers are
`torch.optim`'s, and every gradient comes from autograd. Dropout is the one layer of the client's
own (`MaskedDropout`): `nn.Dropout` does not expose the mask it drew, and the protocol reports it.

Replacing a layer type by your own code (the point of this client; README.md has the details):
`--custom TYPE=MODULE:NAME` on the command line, or `serve(layers={TYPE: obj})` from your own script.
`obj` is one of
  - a `torch.autograd.Function` subclass, or any function: called as `obj.apply(x, *args)` / `obj(x, *args)`
    with the arguments of the type's functional form (`FUNCTION_ARGUMENTS` below: dense gets
    `(x, weight, bias)` as `F.linear`, weight `[units, in]`), the client keeping the parameters;
  - an `nn.Module` subclass: constructed with the arguments of the stock module's constructor
    (dense: `cls(in_features, out_features, bias=...)` as `nn.Linear`) and called as `module(x)`;
    its parameters and buffers must be the stock module's (names and PyTorch layouts).
The client initialises the parameters itself (docs/protocol.md's Initialisation), whatever the
module's constructor drew.

Standard output carries answers only: anything else printed there (by a user's module, say) is
sent to standard error, which nnbench keeps in its log.
"""

import argparse
import importlib
import importlib.util
import inspect
import json
import math
import os
import sys

import torch
from torch import nn
from torch.optim.adam import adam
from torch.optim.adamw import adamw
from torch.optim.rmsprop import rmsprop
from torch.optim.sgd import sgd

PROTOCOL = 2
OPTIONAL_OPS_V1 = ["gradients", "step", "trace"]
OPTIONAL_OPS_V2 = OPTIONAL_OPS_V1 + ["layer_gradients", "layer_forward", "loss_from_layer", "initial_state"]


class ProtocolError(Exception):
    """A request the client cannot honour; answered as {"ok": false, "error": message}."""


# ---------------------------------------------------------------------------------------------
# Values: {"shape": [...], "data": [...]} <-> tensors in the default dtype.


def tensor_in(value, what):
    if not isinstance(value, dict) or not isinstance(value.get("shape"), list) or not isinstance(value.get("data"), list):
        raise ProtocolError("%s: expected a tensor {\"shape\": [...], \"data\": [...]}" % what)
    shape = [int(d) for d in value["shape"]]
    count = math.prod(shape)
    if len(value["data"]) != count:
        raise ProtocolError("%s: shape %s needs %d numbers, got %d" % (what, shape, count, len(value["data"])))
    # float() also reads the strings "NaN", "Infinity" and "-Infinity" the protocol allows.
    data = torch.tensor([float(v) for v in value["data"]], dtype=torch.float64)
    return data.reshape(shape).to(torch.get_default_dtype())


def tensor_out(t):
    t = t.detach()
    return {"shape": list(t.shape), "data": t.to(torch.float64).reshape(-1).tolist()}


# ---------------------------------------------------------------------------------------------
# Initialisation: docs/protocol.md's table, with its fans, through torch.nn.init. Draws are made
# in float64 whatever the dtype, so that a seed gives the same weights (rounded) in both.


def init_weight(weight, init, fan_in, fan_out, generator):
    init = "glorot_uniform" if init is None else init  # version 1 sends no `init`
    w = torch.empty(weight.shape, dtype=torch.float64)
    uniform = {"glorot_uniform": 6 / (fan_in + fan_out), "he_uniform": 6 / fan_in, "lecun_uniform": 3 / fan_in}
    normal = {"glorot_normal": 2 / (fan_in + fan_out), "he_normal": 2 / fan_in, "lecun_normal": 1 / fan_in}
    if init in uniform:
        bound = math.sqrt(uniform[init])
        nn.init.uniform_(w, -bound, bound, generator=generator)
    elif init in normal:
        nn.init.normal_(w, 0.0, math.sqrt(normal[init]), generator=generator)
    elif init == "zeros":
        nn.init.zeros_(w)
    elif isinstance(init, str) and init.startswith("constant(") and init.endswith(")"):
        try:
            nn.init.constant_(w, float(init[len("constant("):-1]))
        except ValueError:
            raise ProtocolError("init %r: expected constant(<number>)" % init) from None
    else:
        raise ProtocolError("unsupported init %r (supported: %s, zeros, constant(v))" % (init, ", ".join(list(uniform) + list(normal))))
    with torch.no_grad():
        weight.copy_(w)


# ---------------------------------------------------------------------------------------------
# Layers. A builder turns a layer's spec into a Built: the module, and the protocol's tensors of
# that layer (name suffix, how it starts, whether it is trained, whether the protocol's layout is
# the transpose of the module's).


class Slot:
    """One protocol tensor of a layer: its name suffix, the module's attribute holding it (PyTorch's
    recurrent modules say `weight_ih_l0` where the protocol says `weight_ih`), how it starts ("init",
    "zeros", "ones", or a function drawing it in float64 from the generator), whether it is trained,
    and whether the protocol's layout is the transpose of the module's."""

    def __init__(self, suffix, start, trainable=True, transposed=False, attribute=None):
        self.suffix, self.start, self.trainable, self.transposed = suffix, start, trainable, transposed
        self.attribute = attribute or suffix


class Built:
    def __init__(self, module, slots=(), init=None, fans=None):
        self.module, self.slots, self.init, self.fans = module, list(slots), init, fans


class MaskedDropout(nn.Module):
    """Inverted dropout that draws its mask from the network's generator and keeps it.

    Training: each value is 0 with probability `rate` and 1/(1 - rate) otherwise, and `self.mask`
    holds the multipliers of the last pass (docs/protocol.md, Dropout masks). `given_mask`, when
    set, is used instead of a draw (layer_forward). Evaluation: the identity. `apply_mask(x, mask)`
    is `x * mask` unless a user replaced it."""

    def __init__(self, rate, apply_mask=torch.mul):
        super().__init__()
        if not 0 <= rate < 1:
            raise ProtocolError("dropout: rate must be in [0, 1), got %r" % rate)
        self.rate, self.apply_mask = rate, apply_mask
        self.generator, self.given_mask, self.mask = None, None, None

    def forward(self, x):
        if not self.training:
            return x
        if self.given_mask is not None:
            mask = self.given_mask
        else:  # drawn in float64 so that both precisions drop the same units for a seed
            keep = torch.rand(x.shape, generator=self.generator, dtype=torch.float64) >= self.rate
            mask = keep.to(x.dtype) / (1 - self.rate)
        self.mask = mask
        return self.apply_mask(x, mask)


class FunctionLayer(nn.Module):
    """A stock layer whose computation is a user's function or autograd Function: it keeps the stock
    module (`self.stock`) for the parameters and buffers, and calls `fn(x, *arguments(stock))`."""

    def __init__(self, stock, fn, arguments):
        super().__init__()
        self.stock, self.fn, self.arguments = stock, fn, arguments

    def forward(self, x):
        return self.fn(x, *self.arguments(self.stock))


class Tokens(nn.Module):
    """An embedding's input: token indices carried as numbers [n, steps], checked to be integers in
    0 ... vocabulary - 1 and cast to int64 for `inner` (nn.Embedding, a user's module, or F.embedding
    through a FunctionLayer). Indices have no gradient."""

    def __init__(self, inner, vocabulary):
        super().__init__()
        self.inner, self.vocabulary = inner, vocabulary

    def forward(self, x):
        tokens = x.detach().to(torch.int64)
        if bool((tokens != x).any()) or bool((tokens < 0).any()) or bool((tokens >= self.vocabulary).any()):
            raise ProtocolError("embedding: inputs must be token indices 0..%d" % (self.vocabulary - 1))
        return self.inner(tokens)


class LastStep(nn.Module):
    """A recurrent module (nn.RNN, nn.LSTM, nn.GRU or a user's, batch first) giving every
    step's h_t [n, steps, units], or with sequence false the last one [n, units] (output[:, -1]).
    It starts from h0 = 0, or from `initial` (h_0, and an LSTM's c_0, each [n, units]) while a
    request's initial_state sets it; then the module is called as module(x, h0) or
    module(x, (h0, c0)), PyTorch's signature, with the layer axis added."""

    def __init__(self, inner, sequence):
        super().__init__()
        self.inner, self.sequence, self.initial = inner, sequence, None

    def forward(self, x):
        if self.initial is None:
            out = self.inner(x)
        else:
            h, c = (t.unsqueeze(0) for t in self.initial) if len(self.initial) == 2 else (self.initial[0].unsqueeze(0), None)
            out = self.inner(x, h if c is None else (h, c))
        out = out[0] if isinstance(out, tuple) else out  # (output, h_n) or (output, (h_n, c_n))
        return out if self.sequence else out[:, -1]


def field(spec, name, kind, default=None):
    if name not in spec:
        if default is None:
            raise ProtocolError("layer %r: missing field %r" % (spec.get("type"), name))
        return default
    value = spec[name]
    if kind is int and (isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value) or value < 0):
        raise ProtocolError("layer %r: %s must be a non-negative integer, got %r" % (spec.get("type"), name, value))
    if kind is bool and not isinstance(value, bool):
        raise ProtocolError("layer %r: %s must be true or false, got %r" % (spec.get("type"), name, value))
    return kind(value)


def rank(spec, in_shape, ranks):
    if len(in_shape) not in ranks:
        want = " or ".join({1: "[n, features]", 2: "[n, steps, features]", 3: "[n, channels, height, width]"}[r] for r in ranks)
        hint = " (add a flatten first)" if ranks == (1,) else ""
        raise ProtocolError("layer %r needs %s inputs, got per-sample shape %s%s" % (spec["type"], want, list(in_shape), hint))


def realise(custom, stock, args, kwargs, arguments):
    """The module of a layer: the stock one, the user's Module class built like it, or the stock
    one computing through the user's function."""
    if custom is None:
        return stock(*args, **kwargs)
    if isinstance(custom, type) and issubclass(custom, nn.Module):
        return custom(*args, **kwargs)
    fn = custom.apply if isinstance(custom, type) and issubclass(custom, torch.autograd.Function) else custom
    return FunctionLayer(stock(*args, **kwargs), fn, arguments)


def no_arguments(module):
    return ()


def elementwise(stock):
    def build(spec, in_shape, custom):
        return Built(realise(custom, stock, (), {}, no_arguments))
    return build


def build_leaky_relu(spec, in_shape, custom):
    slope = float(spec.get("slope", 0.01))
    return Built(realise(custom, nn.LeakyReLU, (slope,), {}, lambda m: (slope,)))


def build_dense(spec, in_shape, custom):
    rank(spec, in_shape, (1, 2))  # on a sequence [n, steps, in], the last axis at every step (nn.Linear's own)
    units, bias = field(spec, "units", int), field(spec, "bias", bool, True)
    module = realise(custom, nn.Linear, (in_shape[-1], units), {"bias": bias}, lambda m: (m.weight, m.bias))
    slots = [Slot("weight", "init", transposed=True)] + ([Slot("bias", "zeros")] if bias else [])
    return Built(module, slots, spec.get("init"), (in_shape[-1], units))


def build_conv2d(spec, in_shape, custom):
    rank(spec, in_shape, (3,))
    filters, kernel = field(spec, "filters", int), field(spec, "kernel", int)
    stride, padding, bias = field(spec, "stride", int, 1), field(spec, "padding", int, 0), field(spec, "bias", bool, True)
    module = realise(custom, nn.Conv2d, (in_shape[0], filters, kernel), {"stride": stride, "padding": padding, "bias": bias},
                     lambda m: (m.weight, m.bias, stride, padding))
    slots = [Slot("weight", "init")] + ([Slot("bias", "zeros")] if bias else [])
    return Built(module, slots, spec.get("init"), (in_shape[0] * kernel * kernel, filters * kernel * kernel))


def build_batchnorm(spec, in_shape, custom):
    rank(spec, in_shape, (1, 3))
    momentum, eps = float(spec.get("momentum", 0.1)), float(spec.get("eps", 1e-5))
    stock = nn.BatchNorm1d if len(in_shape) == 1 else nn.BatchNorm2d
    module = realise(custom, stock, (in_shape[0],), {"eps": eps, "momentum": momentum},
                     lambda m: (m.running_mean, m.running_var, m.weight, m.bias, m.training, momentum, eps))
    return Built(module, [Slot("weight", "ones"), Slot("bias", "zeros"),
                          Slot("running_mean", "zeros", trainable=False), Slot("running_var", "ones", trainable=False)])


def pooling(stock):
    def build(spec, in_shape, custom):
        rank(spec, in_shape, (3,))
        size = field(spec, "size", int)
        stride = field(spec, "stride", int, size)
        return Built(realise(custom, stock, (size, stride), {}, lambda m: (size, stride)))
    return build


def build_dropout(spec, in_shape, custom):
    if isinstance(custom, type) and issubclass(custom, nn.Module):
        raise ProtocolError("dropout is replaced by a function or autograd Function f(x, mask), not a Module: the mask is the client's")
    fn = custom.apply if isinstance(custom, type) and issubclass(custom, torch.autograd.Function) else custom
    return Built(MaskedDropout(field(spec, "rate", float), fn or torch.mul))


def uniform(bound, block=None, value=None):
    """A draw from U(-bound, bound) in float64; `block` (a slice) then set to `value`."""
    def draw(shape, generator):
        w = torch.empty(shape, dtype=torch.float64)
        nn.init.uniform_(w, -bound, bound, generator=generator)
        if block is not None:
            w[block] = value
        return w
    return draw


def build_recurrent(stock):
    """rnn, lstm and gru: PyTorch's modules themselves, one layer, batch first (docs/protocol.md,
    Recurrent layers); the protocol's `weight_ih` is the module's `weight_ih_l0`, same layout."""
    def build(spec, in_shape, custom):
        rank(spec, in_shape, (2,))
        kind = spec["type"]
        if custom is not None and not (isinstance(custom, type) and issubclass(custom, nn.Module)):
            raise ProtocolError("%s is replaced by an nn.Module subclass, constructed as nn.%s(input_size, hidden_size, bias=..., "
                                "batch_first=True%s)" % (kind, stock.__name__, ", nonlinearity=..." if stock is nn.RNN else ""))
        units, bias, sequence = field(spec, "units", int), field(spec, "bias", bool, True), field(spec, "sequence", bool, True)
        if units < 1:
            raise ProtocolError("layer %r: units must be at least 1" % kind)
        kwargs = {"bias": bias, "batch_first": True}
        if stock is nn.RNN:
            kwargs["nonlinearity"] = spec.get("nonlinearity", "tanh")
            if kwargs["nonlinearity"] not in ("tanh", "relu"):
                raise ProtocolError("layer 'rnn': nonlinearity must be \"tanh\" or \"relu\", got %r" % (kwargs["nonlinearity"],))
        forget = spec.get("forget_bias") if stock is nn.LSTM else None
        if forget is not None and (isinstance(forget, bool) or not isinstance(forget, (int, float)) or not bias):
            raise ProtocolError("layer 'lstm': forget_bias must be a number, on a layer with bias; got %r" % (forget,))
        module = LastStep((custom or stock)(in_shape[-1], units, **kwargs), sequence)
        k = 1 / math.sqrt(units)  # PyTorch's own initialisation, U(-1/sqrt(units), 1/sqrt(units))
        forget_block = slice(units, 2 * units)  # gates i, f, g, o: f's rows
        slots = [Slot("weight_ih", uniform(k), attribute="weight_ih_l0"), Slot("weight_hh", uniform(k), attribute="weight_hh_l0")]
        if bias:  # forget_bias: b_if + b_hf starts at its value (b_if = value, b_hf = 0)
            slots += [Slot("bias_ih", uniform(k, *(() if forget is None else (forget_block, float(forget)))), attribute="bias_ih_l0"),
                      Slot("bias_hh", uniform(k, *(() if forget is None else (forget_block, 0.0))), attribute="bias_hh_l0")]
        return Built(module, slots)
    return build


def build_embedding(spec, in_shape, custom):
    if len(in_shape) != 1:
        raise ProtocolError("layer 'embedding' needs token indices [n, steps] (it comes first), got per-sample shape %s" % list(in_shape))
    vocabulary, dim = field(spec, "vocabulary", int), field(spec, "dim", int)
    module = Tokens(realise(custom, nn.Embedding, (vocabulary, dim), {}, lambda m: (m.weight,)), vocabulary)

    def normal(shape, generator):  # nn.Embedding's own N(0, 1)
        return torch.empty(shape, dtype=torch.float64).normal_(0.0, 1.0, generator=generator)
    return Built(module, [Slot("weight", normal)])


# The protocol's layer types. A builder is builder(spec, per-sample input shape, custom) -> Built;
# `custom` is None or the user's replacement. Add a type by adding a builder.
LAYERS = {
    "dense": build_dense,
    "relu": elementwise(nn.ReLU),
    "leaky_relu": build_leaky_relu,
    "tanh": elementwise(nn.Tanh),
    "sigmoid": elementwise(nn.Sigmoid),
    "identity": elementwise(nn.Identity),
    "gelu": elementwise(nn.GELU),  # approximate="none": the exact x·Φ(x)
    "softplus": elementwise(nn.Softplus),  # beta 1, threshold 20: the protocol's
    "dropout": build_dropout,
    "batchnorm": build_batchnorm,
    "conv2d": build_conv2d,
    "maxpool2d": pooling(nn.MaxPool2d),
    "avgpool2d": pooling(nn.AvgPool2d),
    "flatten": elementwise(nn.Flatten),
    "rnn": build_recurrent(nn.RNN),
    "lstm": build_recurrent(nn.LSTM),
    "gru": build_recurrent(nn.GRU),
    "embedding": build_embedding,
}

# What a replacing function receives after x, per type (the order of torch.nn.functional's form);
# the other types pass x alone. Quoted in build's error when a replacement's signature is wrong.
FUNCTION_ARGUMENTS = {
    "dense": "weight [units, in], bias or None (F.linear)",
    "conv2d": "weight [filters, in_channels, k, k], bias or None, stride, padding (F.conv2d)",
    "batchnorm": "running_mean, running_var, weight, bias, training, momentum, eps (F.batch_norm)",
    "leaky_relu": "slope (F.leaky_relu)",
    "maxpool2d": "size, stride (F.max_pool2d)",
    "avgpool2d": "size, stride (F.avg_pool2d)",
    "dropout": "mask, called in training only (x * mask)",
    "embedding": "weight [vocabulary, dim], x being int64 indices (F.embedding)",
}


# ---------------------------------------------------------------------------------------------
# Losses (default mean reduction: docs/protocol.md's formulas).

LOSSES = {"mse": nn.MSELoss, "bce_logits": nn.BCEWithLogitsLoss, "softmax_ce": nn.CrossEntropyLoss}


# ---------------------------------------------------------------------------------------------
# Optimizers: torch.optim's update code through its functional forms (torch.optim.sgd.sgd,
# torch.optim.adam.adam, ...: what the classes' step() runs), with the state the
# classes keep. The classes themselves import torch._dynamo when constructed and when stepping
# (some 800 modules, 2 s of CPU, as long as torch's own import, in every process) for graph breaks
# that do nothing outside torch.compile.


def optimizer_settings(spec):
    """The protocol's optimizer object -> (type, keyword arguments of the functional form)."""
    kind = spec.get("type")

    def number(name, default=None):
        value = spec.get(name, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ProtocolError("optimizer %s: %s must be a number, got %r" % (kind, name, value))
        return float(value)

    if kind == "sgd":
        # torch.optim.SGD refuses nesterov without momentum; the protocol's formula makes it a no-op.
        momentum = number("momentum", 0)
        return kind, {"lr": number("lr"), "momentum": momentum, "dampening": 0.0, "weight_decay": number("weight_decay", 0),
                      "nesterov": bool(spec.get("nesterov", False)) and momentum != 0}
    if kind in ("adam", "adamw"):
        return kind, {"lr": number("lr"), "beta1": number("beta1", 0.9), "beta2": number("beta2", 0.999), "eps": number("eps", 1e-8),
                      "weight_decay": number("weight_decay", 0 if kind == "adam" else 0.01), "amsgrad": False}
    if kind == "rmsprop":
        return kind, {"lr": number("lr"), "alpha": number("alpha", 0.99), "eps": number("eps", 1e-8), "weight_decay": number("weight_decay", 0),
                      "momentum": number("momentum", 0), "centered": bool(spec.get("centered", False))}
    raise ProtocolError("unsupported optimizer %r (supported: sgd, adam, adamw, rmsprop)" % (kind,))


class Optimizer:
    """One optimizer's state over the parameters, from its first step; `step` applies one update
    with the request's hyperparameters (a changed learning rate keeps the state, as a schedule
    does in PyTorch)."""

    def __init__(self, kind, params):
        self.kind, self.params = kind, params
        zeros = lambda: [torch.zeros_like(p) for p in params]  # noqa: E731
        self.steps = [torch.tensor(0.0) for _ in params]  # the step count t, as the classes keep it
        if kind == "sgd":
            self.buffers = [None] * len(params)  # the first step stores g itself
        elif kind in ("adam", "adamw"):
            self.exp_avgs, self.exp_avg_sqs = zeros(), zeros()
        else:
            self.square_avgs, self.grad_avgs, self.buffers = zeros(), zeros(), zeros()

    def step(self, settings):
        grads = [p.grad for p in self.params]
        common = {"foreach": False, "maximize": False}
        with torch.no_grad():
            if self.kind == "sgd":
                sgd(self.params, grads, self.buffers, **common, **settings)
            elif self.kind in ("adam", "adamw"):
                update = adam if self.kind == "adam" else adamw
                update(self.params, grads, self.exp_avgs, self.exp_avg_sqs, [], self.steps, **common, **settings)
            else:  # as RMSprop.step: the running mean of g and the momentum buffer only when used
                rmsprop(self.params, grads, self.square_avgs, self.grad_avgs if settings["centered"] else [],
                        self.buffers if settings["momentum"] > 0 else [], self.steps, **common, **settings)


# ---------------------------------------------------------------------------------------------
# The network: the layers in order, their protocol tensors, and the passes the ops need.


class Layer:
    def __init__(self, index, kind, built):
        self.index, self.kind, self.module, self.slots = index, kind, built.module, built.slots
        # Where the tensors live: inside the wrappers (Tokens, LastStep), and a FunctionLayer keeps
        # them in its stock module.
        holder = self.module
        while isinstance(holder, (Tokens, LastStep)):
            holder = holder.inner
        self.holder = holder.stock if isinstance(holder, FunctionLayer) else holder

    def name(self, slot):
        return "%d.%s" % (self.index, slot.suffix)

    def tensor(self, slot):
        return getattr(self.holder, slot.attribute)

    def check_tensors(self):
        """A user's module must hold exactly the protocol's parameters (no optimizer would train an
        extra one, and nnbench could not see it), and its buffers."""
        have = {n for n, _ in self.holder.named_parameters()}
        want = {s.attribute for s in self.slots if s.trainable}
        if have != want:
            raise ProtocolError("layer %d (%s): the module's parameters are %s, the protocol's %s"
                                % (self.index, self.kind, sorted(have) or "none", sorted(want) or "none"))
        buffers = {n for n, _ in self.holder.named_buffers()}
        missing = [s.attribute for s in self.slots if not s.trainable and s.attribute not in buffers]
        if missing:
            raise ProtocolError("layer %d (%s): the module has no buffer %s" % (self.index, self.kind, ", ".join(missing)))


class Network:
    def __init__(self, model, loss, seed, custom):
        if loss not in LOSSES:
            raise ProtocolError("unsupported loss %r (supported: %s)" % (loss, ", ".join(LOSSES)))
        if not isinstance(model, dict) or "inputs" not in model or not isinstance(model.get("layers"), list):
            raise ProtocolError("model must be {\"inputs\": ..., \"layers\": [...]}")
        inputs = model["inputs"]
        shape = (int(inputs),) if isinstance(inputs, (int, float)) else tuple(int(d) for d in inputs)
        self.generator = torch.Generator().manual_seed(int(seed) % 2**64)
        self.layers, self.shapes = [], [shape]  # shapes[L]: layer L's per-sample input; the last, the output
        for index, spec in enumerate(model["layers"]):
            kind = spec.get("type") if isinstance(spec, dict) else None
            if kind not in LAYERS:
                raise ProtocolError("layer %d: unsupported layer type %r (supported: %s)" % (index, kind, ", ".join(LAYERS)))
            if kind == "embedding" and index != 0:
                raise ProtocolError("layer %d (embedding): an embedding comes first, on token indices [n, steps]" % index)
            try:
                built = LAYERS[kind](spec, shape, custom.get(kind))
            except (ValueError, TypeError) as error:
                raise ProtocolError("layer %d (%s): %s" % (index, kind, error)) from None
            layer = Layer(index, kind, built)
            layer.check_tensors()
            self.initialise(layer, built)
            if isinstance(layer.module, MaskedDropout):
                layer.module.generator = self.generator
            shape = self.output_shape(layer, shape)
            self.layers.append(layer)
            self.shapes.append(shape)
        self.loss_fn = LOSSES[loss]()
        self.loss_name = loss
        self.slots = [(layer, slot) for layer in self.layers for slot in layer.slots]
        self.names = [layer.name(slot) for layer, slot in self.slots]
        self.parameters = [layer.tensor(slot) for layer, slot in self.slots if slot.trainable]

    def initialise(self, layer, built):
        """Weights from the seed in layer order (weight before bias), everything else constant."""
        with torch.no_grad():
            for slot in layer.slots:
                t = layer.tensor(slot)
                if slot.start == "init":
                    fan_in, fan_out = built.fans
                    init_weight(t, built.init, fan_in, fan_out, self.generator)
                elif callable(slot.start):
                    t.copy_(slot.start(t.shape, self.generator))
                else:
                    t.fill_(1.0 if slot.start == "ones" else 0.0)

    @staticmethod
    def output_shape(layer, shape):
        """One evaluation pass on zeros: the shape of any module, a user's included."""
        layer.module.eval()
        try:
            with torch.no_grad():
                y = layer.module(torch.zeros((2,) + shape))
        except (RuntimeError, TypeError) as error:  # a window larger than the input; a replacement's signature
            how = ""
            if isinstance(layer.module, FunctionLayer):
                more = FUNCTION_ARGUMENTS.get(layer.kind)
                how = " (a replacing function is called as f(x%s))" % (", " + more if more else "")
            message = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise ProtocolError("layer %d (%s) on per-sample input %s: %s%s" % (layer.index, layer.kind, list(shape), message, how)) from None
        return tuple(y.shape[1:])

    # -- tensors in the protocol's layout ---------------------------------------------------

    def protocol_tensors(self, trainable_only=False, grads=False):
        out = {}
        for (layer, slot), name in zip(self.slots, self.names):
            if trainable_only and not slot.trainable:
                continue
            t = layer.tensor(slot)
            if grads:
                t = t.grad if t.grad is not None else torch.zeros_like(t)  # no path from the loss: 0
            out[name] = tensor_out(t.T if slot.transposed else t)
        return out

    def shape_of(self, layer, slot):
        shape = list(layer.tensor(slot).shape)
        return shape[::-1] if slot.transposed else shape

    def set_tensors(self, given):
        if not isinstance(given, dict) or set(given) != set(self.names):
            raise ProtocolError("set_params needs exactly these tensors: %s; got %s"
                                % (", ".join(self.names), ", ".join(sorted(given)) if isinstance(given, dict) else repr(given)))
        new = []
        for (layer, slot), name in zip(self.slots, self.names):
            t = tensor_in(given[name], name)
            if list(t.shape) != self.shape_of(layer, slot):
                raise ProtocolError("%s has shape %s, expected %s" % (name, list(t.shape), self.shape_of(layer, slot)))
            new.append(t.T if slot.transposed else t)
        with torch.no_grad():  # all or nothing: nothing is copied before every tensor is read
            for (layer, slot), t in zip(self.slots, new):
                layer.tensor(slot).copy_(t)

    # -- passes -------------------------------------------------------------------------------

    def mode(self, train):
        for layer in self.layers:
            layer.module.train(train)

    def buffers(self):
        return [b for layer in self.layers for b in layer.module.buffers()]

    def run(self, x, train, start=0, keep=None):
        self.mode(train)
        for layer in self.layers[start:]:
            x = layer.module(x)
            if keep is not None:
                keep.append(x)
        return x

    def masks(self):
        return {str(layer.index): tensor_out(layer.module.mask) for layer in self.layers if isinstance(layer.module, MaskedDropout)}

    def loss(self, z, y):
        if self.loss_name == "softmax_ce":
            # A sequence's logits [n, steps, classes] against one class per step [n, steps]: every
            # (sample, step) is a row, as nn.CrossEntropyLoss on logits [n, classes, steps] averages.
            if z.dim() not in (2, 3) or list(y.shape) != list(z.shape[:-1]):
                raise ProtocolError("softmax_ce needs outputs [n, classes] and targets [n] (a sequence: [n, steps, classes] and [n, steps]); "
                                    "got %s and %s" % (list(z.shape), list(y.shape)))
            labels = y.to(torch.int64)
            if bool((labels != y).any()) or bool((labels < 0).any()) or bool((labels >= z.shape[-1]).any()):
                raise ProtocolError("softmax_ce targets must be class indices 0..%d" % (z.shape[-1] - 1))
            return self.loss_fn(z.transpose(1, 2) if z.dim() == 3 else z, labels)
        if y.shape != z.shape:
            raise ProtocolError("y has shape %s, the output %s" % (list(y.shape), list(z.shape)))
        return self.loss_fn(z, y)


class KeptBuffers:
    """Restores every buffer on exit (always, or only after an exception): the ops other than
    `step` never move batchnorm's running statistics, even in training mode."""

    def __init__(self, network, always=True):
        self.buffers, self.always = network.buffers(), always

    def __enter__(self):
        self.saved = [b.detach().clone() for b in self.buffers]

    def __exit__(self, kind, value, traceback):
        if self.always or kind is not None:
            with torch.no_grad():
                for b, s in zip(self.buffers, self.saved):
                    b.copy_(s)
        return False


# ---------------------------------------------------------------------------------------------
# The ops.


def takes_initial_state(module_class):
    """Whether a user's recurrent nn.Module subclass can be called as module(x, h0), PyTorch's
    signature: its forward takes a second argument (or *args)."""
    try:
        parameters = list(inspect.signature(module_class.forward).parameters.values())[1:]  # after self
    except (TypeError, ValueError):
        return False
    return any(p.kind == p.VAR_POSITIONAL for p in parameters) or len(
        [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]) >= 2


class Client:
    def __init__(self, custom=None, name="nnbench-torch-client"):
        self.custom, self.name = dict(custom or {}), name
        self.net, self.protocol = None, 1
        self.optimizer = None

    def network(self):
        if self.net is None:
            raise ProtocolError("no model: send build first")
        return self.net

    def batch_input(self, req, field_name="x", layer=0):
        if field_name not in req:
            raise ProtocolError("missing field %r" % field_name)
        x = tensor_in(req[field_name], field_name)
        want = self.network().shapes[layer]
        if x.dim() < 1 or tuple(x.shape[1:]) != want:
            raise ProtocolError("%s has shape %s, expected [n, %s]" % (field_name, list(x.shape), ", ".join(map(str, want))))
        return x

    def targets(self, req):
        return tensor_in(req.get("y"), "y")

    def layer_index(self, req, allow_end=False):
        value, count = req.get("layer"), len(self.network().layers)
        top = count if allow_end else count - 1
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= top:
            raise ProtocolError("layer must be an integer in 0...%d, got %r" % (top, value))
        return value

    def pass_with_gradients(self, req, train):
        """Forward in the given mode, the loss, and autograd's backward into the parameters' .grad."""
        net = self.network()
        x, y = self.batch_input(req), self.targets(req)
        for p in net.parameters:
            p.grad = None
        keep = []
        loss = net.loss(net.run(x, train, keep=keep), y)
        loss.backward()
        for p in net.parameters:  # a parameter the loss does not reach has gradient 0, not None
            if p.grad is None:
                p.grad = torch.zeros_like(p)
        answer = {"loss": loss.item()}
        if req.get("trace", False):
            answer["trace"] = [tensor_out(t) for t in keep]
            if train:
                answer["masks"] = net.masks()
        return answer

    # -- required ------------------------------------------------------------------------

    def op_hello(self, req):
        asked = req.get("protocol", 1)
        self.protocol = PROTOCOL if isinstance(asked, int) and not isinstance(asked, bool) and asked >= PROTOCOL else 1
        ops = OPTIONAL_OPS_V2 if self.protocol >= 2 else OPTIONAL_OPS_V1
        if not all(takes_initial_state(self.custom[kind]) for kind in ("rnn", "lstm", "gru") if kind in self.custom):
            ops = [op for op in ops if op != "initial_state"]  # nnbench then starts every sequence from h_0 = 0
        answer = {"protocol": self.protocol, "name": self.name, "dtype": str(torch.get_default_dtype()).replace("torch.", ""),
                  "ops": ops}
        if self.protocol >= 2:
            answer.update(layers=list(LAYERS), losses=list(LOSSES), optimizers=["sgd", "adam", "adamw", "rmsprop"])
        return answer

    def op_build(self, req):
        self.net = None  # a failed build leaves no half-built model behind
        self.net = Network(req.get("model"), req.get("loss"), req.get("seed", 0), self.custom)
        self.optimizer = None
        return {"params": [{"name": name, "shape": self.net.shape_of(layer, slot), "trainable": slot.trainable}
                           for (layer, slot), name in zip(self.net.slots, self.net.names)]}

    def op_get_params(self, req):
        return {"params": self.network().protocol_tensors()}

    def op_set_params(self, req):
        self.network().set_tensors(req.get("params"))
        self.optimizer = None  # the optimizer's state starts again
        return {}

    def op_forward(self, req):
        net, train = self.network(), bool(req.get("train", False))
        keep = [] if req.get("trace", False) else None
        with KeptBuffers(net), torch.no_grad():
            y = net.run(self.batch_input(req), train, keep=keep)
            answer = {"y": tensor_out(y)}
            if keep is not None:
                answer["trace"] = [tensor_out(t) for t in keep]
                if train:
                    answer["masks"] = net.masks()
        return answer

    def op_loss(self, req):
        net = self.network()
        with torch.no_grad():
            return {"loss": net.loss(net.run(self.batch_input(req), False), self.targets(req)).item()}

    def op_shutdown(self, req):
        return {}

    # -- optional ------------------------------------------------------------------------

    def op_gradients(self, req):
        net = self.network()
        with KeptBuffers(net):
            answer = self.pass_with_gradients(req, bool(req.get("train", False)))
        answer["grads"] = net.protocol_tensors(trainable_only=True, grads=True)
        given = {layer.index: layer.module.initial for layer in net.layers if isinstance(layer.module, LastStep) and layer.module.initial}
        if given:  # d loss / d h_0 (and c_0), autograd's like every other gradient
            answer["initial_state_grads"] = {str(i): {k: tensor_out(t.grad if t.grad is not None else torch.zeros_like(t))
                                                      for k, t in zip("hc", parts)} for i, parts in given.items()}
        return answer

    def set_initial_state(self, req):
        """Sets every recurrent layer's `initial` from the request's initial_state (version 2):
        {"L": {"h": tensor, "c": tensor}}, c for an LSTM only; leaves the others at zeros."""
        given = req.get("initial_state") if self.protocol >= 2 else None
        if given is None:
            return
        net = self.network()
        if not isinstance(given, dict):
            raise ProtocolError("initial_state must be an object {\"L\": {\"h\": tensor, \"c\": tensor}}")
        for key, parts in given.items():
            index = int(key) if isinstance(key, str) and key.isdigit() else -1
            if not 0 <= index < len(net.layers) or not isinstance(net.layers[index].module, LastStep) or not isinstance(parts, dict):
                raise ProtocolError("initial_state: %r is not a recurrent layer's index" % (key,))
            lstm = isinstance(net.layers[index].module.inner, nn.LSTM)
            if "h" not in parts or ("c" in parts) != lstm:
                raise ProtocolError("initial_state of layer %d needs %s" % (index, "h and c" if lstm else "h only"))
            net.layers[index].module.initial = tuple(tensor_in(parts[k], "initial_state." + k).requires_grad_(True) for k in ("hc" if lstm else "h"))

    def clear_initial_state(self):
        for layer in (self.net.layers if self.net is not None else []):
            if isinstance(layer.module, LastStep):
                layer.module.initial = None

    def op_step(self, req):
        net = self.network()
        spec = req.get("optimizer")
        if not isinstance(spec, dict):
            raise ProtocolError("optimizer must be an object {\"type\": ..., \"lr\": ...}")
        kind, settings = optimizer_settings(spec)
        with KeptBuffers(net, always=False):  # training moves batchnorm's buffers here, and only here
            answer = self.pass_with_gradients(req, bool(req.get("train", True)))
        if self.optimizer is None or self.optimizer.kind != kind:  # another type starts from an empty state
            self.optimizer = Optimizer(kind, net.parameters)
        self.optimizer.step(settings)
        return answer

    def op_layer_gradients(self, req):
        net, train = self.network(), bool(req.get("train", False))
        x, y = self.batch_input(req), self.targets(req)
        with KeptBuffers(net):
            x = x.clone().requires_grad_(True)
            outputs = []
            loss = net.loss(net.run(x, train, keep=outputs), y)
            wrt = [x] + outputs  # wrt[L] is layer L's input, wrt[L + 1] its output
            live = [t for t in wrt if t.requires_grad]
            found = dict(zip(map(id, live), torch.autograd.grad(loss, live, allow_unused=True)))
            grads = [found.get(id(t)) for t in wrt]
            grads = [g if g is not None else torch.zeros_like(t) for g, t in zip(grads, wrt)]
            answer = {"loss": loss.item(), "input_grads": [tensor_out(g) for g in grads[:-1]],
                      "output_grads": [tensor_out(g) for g in grads[1:]]}
            if train:
                answer["masks"] = net.masks()
        return answer

    def op_layer_forward(self, req):
        net = self.network()
        index = self.layer_index(req)
        layer, train = net.layers[index], bool(req.get("train", False))
        x = self.batch_input(req, layer=index)
        dropout = isinstance(layer.module, MaskedDropout)
        if train and dropout:
            if "mask" not in req:
                raise ProtocolError("layer_forward on dropout layer %d in training needs its mask" % index)
            mask = tensor_in(req["mask"], "mask")
            if mask.shape != x.shape:
                raise ProtocolError("mask has shape %s, x %s" % (list(mask.shape), list(x.shape)))
            layer.module.given_mask = mask
        try:
            with KeptBuffers(net), torch.no_grad():
                layer.module.train(train)
                return {"y": tensor_out(layer.module(x))}
        finally:
            if dropout:
                layer.module.given_mask = None

    def op_loss_from_layer(self, req):
        net = self.network()
        index = self.layer_index(req, allow_end=True)
        with torch.no_grad():
            z = net.run(self.batch_input(req, layer=index), False, start=index)
            return {"loss": net.loss(z, self.targets(req)).item()}

    def handle(self, req):
        op = req.get("op")
        method = getattr(self, "op_%s" % op, None) if isinstance(op, str) else None
        if method is None:
            raise ProtocolError("unsupported op %r" % (op,))
        try:
            if op in ("forward", "loss", "gradients"):
                self.set_initial_state(req)
            return method(req)
        finally:
            self.clear_initial_state()


# ---------------------------------------------------------------------------------------------
# The loop, the extension API and the command line.


def answer_line(client, line):
    """One request line -> (answer line, whether to exit). Never raises."""
    req_id = None
    try:
        req = json.loads(line)
        if not isinstance(req, dict):
            raise ProtocolError("a request must be a JSON object")
        req_id = req.get("id")
        answer = {"id": req_id, "ok": True}
        answer.update(client.handle(req))
        return json.dumps(answer, separators=(",", ":")), req.get("op") == "shutdown"
    except Exception as error:  # one bad request must not end the program
        message = str(error) if isinstance(error, ProtocolError) else "%s: %s" % (type(error).__name__, error)
        message = message.splitlines()[0] if message else type(error).__name__
        print("nnbench-torch-client: request %r failed: %s" % (req_id, message), file=sys.stderr, flush=True)
        return json.dumps({"id": req_id, "ok": False, "error": message}, separators=(",", ":")), False


def configure(dtype):
    """float32 or float64 everywhere, one thread, deterministic kernels."""
    torch.set_default_dtype({"float32": torch.float32, "float64": torch.float64}[dtype])
    torch.set_num_threads(1)
    # torch.use_deterministic_algorithms(True) first imports torch._inductor.config, some 800
    # modules and 2 s of CPU (as long as torch itself), to make torch.compile deterministic, which
    # this client never uses; the switch it then throws for eager kernels is this one.
    switch = getattr(torch._C, "_set_deterministic_algorithms", None)
    if switch is None:
        torch.use_deterministic_algorithms(True)
    else:
        switch(True)


def serve(layers=None, dtype="float64", name=None, stdin=None, stdout=None):
    """Answers protocol requests until `shutdown` or the end of the input; returns the exit status.

    layers: {protocol type: replacement} (a torch.autograd.Function subclass, a function, or an
    nn.Module subclass; see the module's docstring and README.md). After answering `shutdown` it
    ends the process at once with status 0. Call it from your own script:

        from nnbench_torch_client import serve
        serve(layers={"relu": MyReLU})
    """
    unknown = sorted(set(layers or {}) - set(LAYERS))
    if unknown:
        raise ValueError("no protocol layer type %s (types: %s)" % (", ".join(unknown), ", ".join(LAYERS)))
    configure(dtype)
    if stdout is None:
        # Answers go to the real standard output; print() from anyone else goes to standard error.
        stdout = os.fdopen(os.dup(sys.stdout.fileno()), "w")
        os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
        sys.stdout = sys.stderr
    stdin = stdin or sys.stdin
    if name is None:
        name = "nnbench-torch-client" + "".join(" %s=%s" % (t, getattr(r, "__name__", r)) for t, r in sorted((layers or {}).items()))
    client = Client(layers, name)
    print("nnbench-torch-client: torch %s, %s, custom layers: %s" % (torch.__version__, dtype, ", ".join(sorted(layers or {})) or "none"),
          file=sys.stderr, flush=True)
    for line in stdin:
        if not line.strip():
            continue
        out, done = answer_line(client, line)
        stdout.write(out + "\n")
        stdout.flush()
        if done:
            # Tearing torch down at interpreter exit takes over a second, longer than the grace
            # nnbench gives a program after `shutdown`; nothing is left to flush or release.
            sys.stderr.flush()
            os._exit(0)
    return 0


def load_object(reference):
    """"module:Name" (importable from the current directory) or "path/to/file.py:Name"."""
    target, _, attribute = reference.rpartition(":")
    if not target or not attribute:
        raise ValueError("expected MODULE:NAME or FILE.py:NAME, got %r" % reference)
    if target.endswith(".py"):
        module_spec = importlib.util.spec_from_file_location(os.path.splitext(os.path.basename(target))[0], target)
        if module_spec is None or not os.path.isfile(target):
            raise ValueError("no file %r" % target)
        module = importlib.util.module_from_spec(module_spec)
        sys.modules[module_spec.name] = module
        module_spec.loader.exec_module(module)
    else:
        sys.path.insert(0, os.getcwd())
        module = importlib.import_module(target)
    if not hasattr(module, attribute):
        raise ValueError("%s has no %r" % (target, attribute))
    return getattr(module, attribute)


class UsageParser(argparse.ArgumentParser):
    def error(self, message):
        print("nnbench-torch-client: error: %s" % message, file=sys.stderr)
        sys.exit(64)


def main(argv, layers=None):
    """The command line; `layers` are replacements a user's script passes (see serve), which
    --custom may add to."""
    parser = UsageParser(prog="nnbench_torch_client.py", description="nnbench's model protocol (version 2) served by PyTorch modules.")
    parser.add_argument("--dtype", choices=["float32", "float64"], default="float64", help="the precision to compute in (default float64)")
    parser.add_argument("--custom", action="append", default=[], metavar="TYPE=MODULE:NAME",
                        help="replace a protocol layer type by your autograd Function, function or nn.Module (repeatable)")
    args = parser.parse_args(argv)
    layers = dict(layers or {})
    for item in args.custom:
        kind, _, reference = item.partition("=")
        if kind not in LAYERS:
            parser.error("--custom %r: no protocol layer type %r (types: %s)" % (item, kind, ", ".join(LAYERS)))
        try:
            layers[kind] = load_object(reference)
        except Exception as error:
            parser.error("--custom %r: %s" % (item, error))
    return serve(layers, args.dtype)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
