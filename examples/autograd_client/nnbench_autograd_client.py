#!/usr/bin/env python3
"""A scalar reverse-mode autograd engine serving nnbench's model protocol (docs/protocol.md).

    nnbench check --exec "python3 examples/autograd_client/nnbench_autograd_client.py" \\
        --arch "dense(4) relu dense(1)" --task sum
    python3 nnbench_autograd_client.py --bug NAME     # commit one classic autograd mistake
    python3 nnbench_autograd_client.py --list-bugs

Every number of the network is a `Value`: a float (`data`) and d(loss)/d(this value) (`grad`).
Each operation records the values it was computed from and a `_backward` closure that sends its
own `grad` on to them (the chain rule, one operation at a time); `Value.backward` runs the
closures from the loss down, each value after every value that uses it. Gradients of weights,
of layer inputs and of outputs then all come from one pass, with no hand-written backward.

The program supports only what it needs for a multilayer perceptron: the layers dense, relu and
tanh, the loss mse and the optimizer sgd (with momentum, nesterov and weight decay). It says so
in `hello` and answers `ok: false` to anything else. It computes in float64 (Python floats).
One JSON request per line on stdin, one answer per line on stdout; logs go to stderr.
"""

import json
import math
import random
import re
import sys

# ---------------------------------------------------------------------------------------------
# Switchable bugs: each is an `if bug(...)` branch beside the correct code.

BUGS = {
    "backward-recursive-per-path": "backward recurses into each child from each parent (no topological order): "
                                   "a value used by several later values sends its gradient back once per path",
    "grad-assigned-not-accumulated": "_backward assigns (=) a child's gradient instead of adding (+=): "
                                     "a value used twice keeps one use's gradient",
    "grads-not-zeroed": "zero_grad forgotten: parameter gradients accumulate across gradients/step calls",
}

ACTIVE_BUG = None  # set from --bug


def bug(name):
    """True when the deliberate mistake `name` is switched on."""
    assert name in BUGS, name
    return ACTIVE_BUG == name


# ---------------------------------------------------------------------------------------------
# The autograd engine.


class Value:
    """A scalar in a computation graph: `data`, and `grad` = d(root)/d(self) after root.backward()."""

    __slots__ = ("data", "grad", "_backward", "_children")

    def __init__(self, data, children=()):
        self.data, self.grad = data, 0.0
        self._backward = _nothing  # sends self.grad on to the children (chain rule)
        self._children = children  # the values self was computed from

    def __add__(self, other):
        return Value.sum([self, other])

    def __sub__(self, other):
        return Value.sum([self, other * -1.0 if isinstance(other, Value) else -other])

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other))

        def _backward():
            _send(self, other.data * out.grad)
            _send(other, self.data * out.grad)
        out._backward = _backward
        return out

    def square(self):  # self * self would make self a child twice
        out = Value(self.data * self.data, (self,))
        out._backward = lambda: _send(self, 2 * self.data * out.grad)
        return out

    def relu(self):
        out = Value(self.data if self.data > 0 else 0.0, (self,))
        out._backward = lambda: _send(self, out.grad if self.data > 0 else 0.0)  # 0 at the kink
        return out

    def tanh(self):
        out = Value(math.tanh(self.data), (self,))
        out._backward = lambda: _send(self, (1 - out.data * out.data) * out.grad)  # of the output
        return out

    @staticmethod
    def sum(terms):
        """Σ terms as one node (Python's sum would chain len(terms) nodes), added left to right."""
        terms = [t if isinstance(t, Value) else Value(t) for t in terms]
        total = 0.0
        for t in terms:
            total += t.data
        out = Value(total, tuple(terms))

        def _backward():
            for t in terms:
                _send(t, out.grad)
        out._backward = _backward
        return out

    def backward(self):
        """d self / d v into v.grad for every value v self depends on (it adds: zero them first)."""
        self.grad = 1.0
        if bug("backward-recursive-per-path"):
            return _backward_each_path(self)
        for v in reversed(topological_order(self)):  # v after every value that uses v
            v._backward()


def _nothing():
    pass


def _send(child, g):
    """Adds g, the contribution of one use of child, to child.grad."""
    if bug("grad-assigned-not-accumulated"):
        child.grad = g  # the last use overwrites the others
    else:
        child.grad += g


def topological_order(root):
    """Every value root depends on, each after the values it is computed from (iterative DFS)."""
    order, seen, stack = [], set(), [(root, False)]
    while stack:
        v, children_done = stack.pop()
        if children_done:
            order.append(v)
        elif v not in seen:
            seen.add(v)
            stack.append((v, True))
            stack.extend((c, False) for c in v._children)
    return order


def _backward_each_path(v):
    """The bug: v sends its grad, then each child does, once for every path that reaches it."""
    v._backward()
    for child in v._children:
        _backward_each_path(child)


# ---------------------------------------------------------------------------------------------
# The multilayer perceptron: a batch is a list of rows, a row a list of Values.

LAYERS, LOSSES, OPTIMIZERS = ["dense", "relu", "tanh"], ["mse"], ["sgd"]


class Refused(Exception):
    """A request this program cannot honour: answered {"ok": false, "error": message}."""


class Dense:
    """y = x·W + b, W: [inputs, units] (W[i][j] connects input i to unit j), b: [units]."""

    def __init__(self, index, inputs, units, bias):
        self.index, self.inputs, self.units = index, inputs, units
        self.weight = [[Value(0.0) for _ in range(units)] for _ in range(inputs)]
        self.bias = [Value(0.0) for _ in range(units)] if bias else None

    def parameters(self):
        """(name, shape, values in row-major order), weight before bias."""
        p = [("%d.weight" % self.index, [self.inputs, self.units], [w for row in self.weight for w in row])]
        if self.bias is not None:
            p.append(("%d.bias" % self.index, [self.units], self.bias))
        return p

    def initialise(self, rng, init):
        """Draws the weight from `init` in row-major order (the biases stay 0)."""
        for row in self.weight:
            for w in row:
                w.data = initial_weight(rng, init, self.inputs, self.units)

    def __call__(self, row):
        bias = self.bias or [0.0] * self.units
        return [Value.sum([x * self.weight[i][j] for i, x in enumerate(row)] + [bias[j]]) for j in range(self.units)]


class Activation:
    """relu or tanh, elementwise."""

    def __init__(self, kind, width):
        self.kind, self.inputs, self.units = kind, width, width

    def parameters(self):
        return []

    def __call__(self, row):
        return [v.relu() for v in row] if self.kind == "relu" else [v.tanh() for v in row]


def initial_weight(rng, init, fan_in, fan_out):
    """One draw of docs/protocol.md's initialiser `init`; the uniform ones have the normal ones'
    variance (b = √3 σ)."""
    constant = re.fullmatch(r"constant\((.+)\)", init)
    if init == "zeros" or constant:
        return float(constant.group(1)) if constant else 0.0
    family, _, distribution = init.partition("_")
    variance = {"glorot": 2 / (fan_in + fan_out), "he": 2 / fan_in, "lecun": 1 / fan_in}.get(family)
    if variance is None or distribution not in ("uniform", "normal"):
        raise Refused("unsupported init %r" % init)
    sigma = math.sqrt(variance)
    return rng.gauss(0.0, sigma) if distribution == "normal" else rng.uniform(-math.sqrt(3) * sigma, math.sqrt(3) * sigma)


class MLP:
    """The layers of a `build` request, weights drawn from `seed` in layer order."""

    def __init__(self, features, specs, seed, protocol):
        self.features, self.layers = features, []
        rng = random.Random(seed)
        for index, spec in enumerate(specs):
            width = self.layers[-1].units if self.layers else features
            kind = spec.get("type") if isinstance(spec, dict) else None
            if kind not in LAYERS:
                raise Refused("layer %d: unsupported layer type %r (this program offers %s)" % (index, kind, ", ".join(LAYERS)))
            if kind == "dense":
                units = spec.get("units")
                if isinstance(units, bool) or not isinstance(units, int) or units < 1:
                    raise Refused("layer %d (dense): units must be a positive integer, got %r" % (index, units))
                layer = Dense(index, width, units, bool(spec.get("bias", True)))
                layer.initialise(rng, str(spec.get("init", "glorot_uniform")) if protocol >= 2 else "glorot_uniform")
            else:
                layer = Activation(kind, width)
            self.layers.append(layer)
        self.outputs = self.layers[-1].units if self.layers else features

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]

    def zero_grad(self):
        for _, _, values in self.parameters():
            for v in values:
                v.grad = 0.0

    def run(self, rows, start=0, keep=None):
        """Layers start, start+1, ... on a batch; `keep` collects each layer's output batch."""
        for layer in self.layers[start:]:
            rows = [layer(row) for row in rows]
            if keep is not None:
                keep.append(rows)
        return rows


def mse(outputs, targets):
    """(1/(n·k)) Σ (z − y)²: PyTorch's MSELoss with its mean reduction."""
    squares = [(z - y).square() for zs, ys in zip(outputs, targets) for z, y in zip(zs, ys)]
    return Value.sum(squares) * (1.0 / len(squares))


def sgd(parameters, buffers, opt):
    """One step of torch.optim.SGD from each parameter's .grad: g ← g + wd·p; b ← g at the first
    step, μ·b + g after; g ← g + μ·b (nesterov) or b; p ← p − lr·g. `buffers` keeps b by name."""
    lr, mu, wd, nesterov = opt["lr"], opt.get("momentum", 0), opt.get("weight_decay", 0), opt.get("nesterov", False)
    for name, _, values in parameters:
        g = [p.grad + wd * p.data for p in values]
        if mu != 0:
            b = buffers.get(name)
            b = g if b is None else [mu * bi + gi for bi, gi in zip(b, g)]
            buffers[name] = b
            g = [gi + mu * bi for gi, bi in zip(g, b)] if nesterov else b
        for p, gi in zip(values, g):
            p.data -= lr * gi


# ---------------------------------------------------------------------------------------------
# The protocol: one request in, one answer out.

OPS = {1: ["gradients", "step", "trace"], 2: ["gradients", "step", "trace", "layer_gradients", "layer_forward", "loss_from_layer"]}


def rows_in(tensor, width, field):
    """A request's tensor [n, width] as a list of n rows of floats."""
    if not isinstance(tensor, dict) or not isinstance(tensor.get("shape"), list) or not isinstance(tensor.get("data"), list):
        raise Refused("%s: expected a tensor {\"shape\": [...], \"data\": [...]}" % field)
    shape, data = tensor["shape"], tensor["data"]
    if len(shape) != 2 or shape[1] != width or len(data) != shape[0] * width:
        raise Refused("%s has shape %s with %d values, expected [n, %d] and n·%d values" % (field, shape, len(data), width, width))
    data = [float(v) for v in data]
    return [data[i:i + width] for i in range(0, len(data), width)]


def tensor_out(rows):
    """A batch (rows of Values) as a protocol tensor of their data."""
    return {"shape": [len(rows), len(rows[0]) if rows else 0], "data": [v.data for row in rows for v in row]}


def grads_out(rows):
    """A batch (rows of Values) as a protocol tensor of their gradients."""
    return {"shape": [len(rows), len(rows[0]) if rows else 0], "data": [v.grad for row in rows for v in row]}


def leaves(rows):
    """Rows of floats as rows of fresh Values: the inputs whose .grad layer_gradients reads."""
    return [[Value(v) for v in row] for row in rows]


class Server:
    """The protocol's ops on one MLP; each `op_NAME` answers the request `NAME`'s fields."""

    def __init__(self):
        self.protocol, self.net = 2, None

    def need_net(self):
        if self.net is None:
            raise Refused("no model: send build first")
        return self.net

    def batch(self, req, start=0, targets=True):
        """The request's x (shaped as the input of layer `start`) and y, as rows of floats."""
        net = self.need_net()
        width = net.layers[start].inputs if start < len(net.layers) else net.outputs
        x = rows_in(req.get("x"), width, "x")
        y = rows_in(req.get("y"), net.outputs, "y") if targets else None
        if y is not None and len(y) != len(x):
            raise Refused("x has %d samples, y %d" % (len(x), len(y)))
        return x, y

    def flag(self, req, field, default):
        """A field version 2 added to a version 1 op; a version 1 program ignores it."""
        return bool(req.get(field, default)) if self.protocol >= 2 else default

    def backpropagate(self, x, y, keep=None):
        """Forward, mse, backward: the loss Value and the input leaves; grads left in .grad."""
        inputs = leaves(x)
        loss = mse(self.net.run(inputs, keep=keep), y)
        if not bug("grads-not-zeroed"):
            self.net.zero_grad()
        loss.backward()
        return loss, inputs

    def with_trace(self, answer, keep, train):
        if keep is not None:
            answer["trace"] = [tensor_out(rows) for rows in keep]
            if train:
                answer["masks"] = {}  # no dropout layer
        return answer

    def op_hello(self, req):
        asked = req.get("protocol", 1)  # a version 1 nnbench sends no version
        if isinstance(asked, bool) or not isinstance(asked, int) or asked < 1:
            raise Refused("protocol must be a positive integer, got %r" % (asked,))
        self.protocol = min(2, asked)
        name = "micrograd-style-mlp" + (" (bug: %s)" % ACTIVE_BUG if ACTIVE_BUG else "")
        answer = {"protocol": self.protocol, "name": name, "dtype": "float64", "ops": OPS[self.protocol]}
        if self.protocol >= 2:
            answer.update(layers=LAYERS, losses=LOSSES, optimizers=OPTIMIZERS)
        return answer

    def op_build(self, req):
        if req.get("loss") not in LOSSES:
            raise Refused("unsupported loss %r (this program offers %s)" % (req.get("loss"), ", ".join(LOSSES)))
        model = req.get("model")
        if not isinstance(model, dict) or not isinstance(model.get("layers"), list):
            raise Refused("model must be {\"inputs\": ..., \"layers\": [...]}")
        features = model.get("inputs")
        features = features[0] if isinstance(features, list) and len(features) == 1 else features
        if isinstance(features, bool) or not isinstance(features, int) or features < 1:
            raise Refused("inputs must be a number of features, got %r (no image layers here)" % (model.get("inputs"),))
        seed = req.get("seed", 0)
        self.net = MLP(features, model["layers"], int(seed), self.protocol)
        self.buffers = {}  # sgd's momentum, empty after build and set_params
        params = [{"name": n, "shape": shape} for n, shape, _ in self.net.parameters()]
        if self.protocol >= 2:
            for p in params:
                p["trainable"] = True
        return {"params": params}

    def op_get_params(self, req):
        return {"params": {n: {"shape": shape, "data": [v.data for v in values]} for n, shape, values in self.need_net().parameters()}}

    def op_set_params(self, req):
        given, params = req.get("params"), self.need_net().parameters()
        if not isinstance(given, dict) or set(given) != {n for n, _, _ in params}:
            raise Refused("set_params needs exactly these parameters: %s" % ", ".join(n for n, _, _ in params))
        new = {}
        for n, shape, values in params:  # check all before changing any
            t = given[n]
            if not isinstance(t, dict) or t.get("shape") != shape or not isinstance(t.get("data"), list) or len(t["data"]) != len(values):
                raise Refused("%s must be a tensor of shape %s" % (n, shape))
            new[n] = [float(v) for v in t["data"]]
        for n, _, values in params:
            for v, d in zip(values, new[n]):
                v.data = d
        self.buffers = {}
        return {}

    def op_forward(self, req):
        x, _ = self.batch(req, targets=False)
        keep = [] if req.get("trace", False) else None
        answer = {"y": tensor_out(self.net.run(leaves(x), keep=keep))}
        return self.with_trace(answer, keep, bool(req.get("train", False)) and self.protocol >= 2)

    def op_loss(self, req):
        x, y = self.batch(req)
        return {"loss": mse(self.net.run(leaves(x)), y).data}

    def op_gradients(self, req):
        x, y = self.batch(req)
        keep = [] if self.flag(req, "trace", False) else None
        loss, _ = self.backpropagate(x, y, keep)
        answer = {"loss": loss.data, "grads": {n: {"shape": shape, "data": [v.grad for v in values]} for n, shape, values in self.net.parameters()}}
        return self.with_trace(answer, keep, self.flag(req, "train", False))

    def op_step(self, req):
        opt = req.get("optimizer")
        if not isinstance(opt, dict) or opt.get("type") not in OPTIMIZERS:
            raise Refused("unsupported optimizer %r (this program offers %s)" % (opt.get("type") if isinstance(opt, dict) else opt, ", ".join(OPTIMIZERS)))
        if not isinstance(opt.get("lr"), (int, float)):
            raise Refused("sgd needs a number lr")
        x, y = self.batch(req)
        keep = [] if self.flag(req, "trace", False) else None
        loss, _ = self.backpropagate(x, y, keep)
        sgd(self.net.parameters(), self.buffers, opt)
        return self.with_trace({"loss": loss.data}, keep, self.flag(req, "train", True))

    def op_layer_gradients(self, req):
        x, y = self.batch(req)
        keep = []
        loss, inputs = self.backpropagate(x, y, keep)
        # Layer L's input is layer L-1's output: the same Values, so one .grad serves both.
        answer = {"loss": loss.data, "input_grads": [grads_out(rows) for rows in [inputs] + keep[:-1]],
                  "output_grads": [grads_out(rows) for rows in keep]}
        if req.get("train", False):
            answer["masks"] = {}  # no dropout layer
        return answer

    def layer_index(self, req, largest):
        index = req.get("layer")
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index <= largest:
            raise Refused("layer must be an integer in 0...%d, got %r" % (largest, index))
        return index

    def op_layer_forward(self, req):
        index = self.layer_index(req, len(self.need_net().layers) - 1)
        x, _ = self.batch(req, start=index, targets=False)
        return {"y": tensor_out([self.net.layers[index](row) for row in leaves(x)])}

    def op_loss_from_layer(self, req):
        index = self.layer_index(req, len(self.need_net().layers))
        x, y = self.batch(req, start=index)
        return {"loss": mse(self.net.run(leaves(x), start=index), y).data}

    def op_shutdown(self, req):
        return {}

    def handle(self, req):
        op = req.get("op")
        offered = ["hello", "build", "get_params", "set_params", "forward", "loss", "shutdown"] + OPS[self.protocol]
        if op not in offered or op == "trace":  # trace is a field of forward, not an op
            raise Refused("unsupported op %r" % (op,))
        return getattr(self, "op_" + op)(req)


def answer_line(server, line):
    """One request line -> (answer line, whether to exit). Never raises: a bad request is ok: false."""
    req_id = None
    try:
        req = json.loads(line)
        if not isinstance(req, dict):
            raise Refused("a request must be a JSON object")
        req_id = req.get("id")
        answer = {"id": req_id, "ok": True}
        answer.update(server.handle(req))
        return json.dumps(answer, separators=(",", ":")), req.get("op") == "shutdown"
    except Exception as error:  # one bad request must not end the program
        message = str(error) if isinstance(error, Refused) else "%s: %s" % (type(error).__name__, error)
        print("request %r refused: %s" % (req_id, message), file=sys.stderr)
        return json.dumps({"id": req_id, "ok": False, "error": message}, separators=(",", ":")), False


def main(argv):
    global ACTIVE_BUG
    if argv == ["--list-bugs"]:
        for name, what in BUGS.items():
            print("%-31s %s" % (name, what))
        return 0
    if len(argv) == 2 and argv[0] == "--bug" and argv[1] in BUGS:
        ACTIVE_BUG = argv[1]
    elif argv:
        print("usage: nnbench_autograd_client.py [--bug %s] [--list-bugs]" % "|".join(BUGS), file=sys.stderr)
        return 64
    print("nnbench autograd client: bug %s" % ACTIVE_BUG, file=sys.stderr)
    server = Server()
    for line in sys.stdin:
        if line.strip():
            out, done = answer_line(server, line)
            sys.stdout.write(out + "\n")
            sys.stdout.flush()
            if done:
                return 0
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
