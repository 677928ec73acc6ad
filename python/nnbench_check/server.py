"""The protocol's plumbing (docs/protocol.md): the line loop, `hello`, the network built from the
user's layer classes, and every op derived from their forward and backward passes."""

import json
import sys
import traceback

import numpy as np

from .layer import Layer
from .losses import LOSSES
from .optimizers import OPTIMIZERS
from .tensors import ProtocolError, number_out, tensor_in, tensor_out

VERSION1_LAYERS = ["dense", "relu", "leaky_relu", "tanh", "sigmoid", "identity", "dropout", "conv2d", "maxpool2d", "flatten"]
VERSION1_OPTIMIZERS = ["sgd", "adam"]
GRADIENT_OPS = {"gradients", "step", "layer_gradients"}
VERSION2_OPS = ["layer_gradients", "layer_forward", "loss_from_layer"]


class Client:
    """A program of the model protocol, version 2 (and version 1 when nnbench asks for it),
    made of the user's layers.

    layers      {type name: Layer subclass}, the types it builds ("dense": Dense, ...)
    name        what `hello` calls it
    dtype       "float64" or "float32", the precision everything is computed in
    losses      {name: f(z, y) -> (loss, d loss/d z)}; the protocol's three by default
    optimizers  {type: f(state, p, g, opt, t) -> new p}; PyTorch's sgd, adam, adamw, rmsprop by default
    """

    def __init__(self, layers, name="nnbench-check client", dtype="float64", losses=None, optimizers=None):
        for kind, cls in layers.items():
            if not (isinstance(cls, type) and issubclass(cls, Layer)):
                raise TypeError("layers[%r] must be a subclass of nnbench_check.Layer" % kind)
        self.layer_types, self.name, self.dtype = dict(layers), name, np.dtype(dtype)
        if self.dtype not in (np.float32, np.float64):
            raise ValueError("dtype must be float32 or float64, got %r" % dtype)
        self.losses = dict(LOSSES if losses is None else losses)
        self.optimizers = dict(OPTIMIZERS if optimizers is None else optimizers)
        # Gradient ops only when every layer type has a backward pass.
        self.differentiable = all(cls.backward is not Layer.backward for cls in layers.values())
        self.protocol, self.layers = 2, None

    # -- the loop -----------------------------------------------------------------------------

    def answer(self, line):
        """One request line -> (answer line, whether the program should exit). Never raises:
        a failure is an `ok: false` answer with its reason (and the traceback on stderr)."""
        req_id = None
        try:
            req = json.loads(line)
            if not isinstance(req, dict):
                raise ProtocolError("a request must be a JSON object")
            req_id = req.get("id")
            op = req.get("op")
            method = getattr(self, "op_" + op, None) if isinstance(op, str) and op in self.offered_ops() else None
            if method is None:
                raise ProtocolError("unknown op %r" % (op,))
            with np.errstate(all="ignore"):  # overflow is a finding for nnbench's checks, not an error
                fields = method(req)
            answer = {"id": req_id, "ok": True}
            answer.update(fields)
            return json.dumps(answer, separators=(",", ":"), allow_nan=False), op == "shutdown"
        except Exception as error:  # one bad request must not end the program
            if isinstance(error, ProtocolError):
                message = str(error)
            else:
                message = "%s: %s" % (type(error).__name__, error)
                traceback.print_exc(file=sys.stderr)
            print("request %r failed: %s" % (req_id, message), file=sys.stderr)
            return json.dumps({"id": req_id, "ok": False, "error": message}, separators=(",", ":")), False

    def offered_ops(self):
        ops = {"hello", "build", "get_params", "set_params", "forward", "loss", "shutdown"} | set(self.optional_ops())
        return ops

    def optional_ops(self):
        ops = ["gradients", "step", "trace"] + (VERSION2_OPS if self.protocol >= 2 else [])
        return [op for op in ops if self.differentiable or op not in GRADIENT_OPS]

    # -- the network ----------------------------------------------------------------------------

    def need_model(self):
        if self.layers is None:
            raise ProtocolError("no model: send build first")

    def tensor(self, req, field, shape, what=None):
        """The request's tensor `field`, checked to be [n] + shape."""
        if field not in req:
            raise ProtocolError("missing field %r" % field)
        t = tensor_in(req[field], self.dtype, field)
        if t.ndim < 1 or tuple(t.shape[1:]) != tuple(shape):
            raise ProtocolError("%s has shape %s, expected [n, %s]" % (field, list(t.shape), ", ".join(map(str, shape))))
        return t

    def targets(self, req, n):
        y = tensor_in(req.get("y"), self.dtype, "y")
        # softmax_ce takes class indices: one per sample, or per step of a sequence output [n, steps, C].
        expected = (n,) + (self.out_shape[:-1] if self.loss_name == "softmax_ce" else self.out_shape)
        if y.shape != expected:
            raise ProtocolError("y has shape %s, expected %s" % (list(y.shape), list(expected)))
        return y

    def flag(self, req, field, default=False):
        """A boolean request field; version 2's fields on version 1's ops are ignored in version 1."""
        return bool(req.get(field, default)) if self.protocol >= 2 else default

    def run(self, x, train, start=0, keep=None):
        """Layers start, start+1, ... applied to x; `keep` collects each one's output."""
        for layer in self.layers[start:]:
            x = layer.forward(x, train)
            if keep is not None:
                keep.append(x)
        return x

    def backprop(self, x, y, train, keep=None, flow=None):
        """Forward, loss, backward; returns the loss. Each layer's grads start empty; `flow`
        collects every layer's (d loss/d output, d loss/d input), last layer first."""
        for layer in self.layers:
            layer.mask, layer.grads = None, {}
        z = self.run(x, train, keep=keep)
        loss, d = self.loss_fn(z, y)
        d = np.asarray(d, self.dtype)
        for layer in reversed(self.layers):
            d_out, d = d, layer.backward(d)
            if flow is not None:
                flow.append((d_out, d))
        return loss

    def gradients(self):
        """{protocol name: gradient} of the last backward pass, every trainable parameter."""
        grads = {}
        for layer in self.layers:
            for local, p in layer.params.items():
                g = layer.grads.get(local)
                if g is None:
                    raise ProtocolError("layer %d (%s): backward set no gradient for %r" % (layer.index, layer.spec["type"], local))
                g = np.asarray(g)
                if g.shape != p.shape:
                    raise ProtocolError("layer %d (%s): the gradient of %r has shape %s, the parameter %s" % (
                        layer.index, layer.spec["type"], local, list(g.shape), list(p.shape)))
                grads["%d.%s" % (layer.index, local)] = g
        return grads

    def named(self, buffers=True):
        """[(protocol name, layer, which dict, local name)] in the build answer's order."""
        out = []
        for layer in self.layers:
            for kind in ("params", "buffers") if buffers else ("params",):
                out.extend(("%d.%s" % (layer.index, local), layer, kind, local) for local in getattr(layer, kind))
        return out

    def saved_buffers(self):
        return [(layer, {k: v.copy() for k, v in layer.buffers.items()}) for layer in self.layers]

    def restore(self, saved):
        for layer, buffers in saved:
            layer.buffers = buffers

    def masks(self):
        """{"L": mask} of every dropout layer's last training pass."""
        return {str(layer.index): tensor_out(layer.mask) for layer in self.layers
                if layer.spec["type"] == "dropout" and layer.mask is not None}

    def traced(self, answer, keep, train):
        if keep is not None:
            answer["trace"] = [tensor_out(t) for t in keep]
            if train and self.protocol >= 2:
                answer["masks"] = self.masks()
        return answer

    def layer_index(self, req, largest):
        index = req.get("layer")
        if isinstance(index, bool) or not isinstance(index, (int, float)) or index != int(index) or not 0 <= index <= largest:
            raise ProtocolError("layer must be an integer in 0...%d, got %r" % (largest, index))
        return int(index)

    # -- ops --------------------------------------------------------------------------------------

    def op_hello(self, req):
        asked = req.get("protocol", 1)  # an nnbench that speaks version 1 only sends no version
        if isinstance(asked, bool) or not isinstance(asked, int) or asked < 1:
            raise ProtocolError("protocol must be a positive integer, got %r" % (asked,))
        self.protocol = min(2, asked)
        if isinstance(req.get("nnbench"), str):
            print("%s: nnbench %s, protocol %d" % (self.name, req["nnbench"], self.protocol), file=sys.stderr)
        answer = {"protocol": self.protocol, "name": self.name, "dtype": self.dtype.name, "ops": self.optional_ops()}
        if self.protocol >= 2:
            answer.update(layers=list(self.layer_types), losses=list(self.losses), optimizers=list(self.optimizers))
        return answer

    def op_build(self, req):
        model, loss = req.get("model"), req.get("loss")
        if loss not in self.losses:
            raise ProtocolError("unsupported loss %r (supported: %s)" % (loss, ", ".join(self.losses)))
        if not isinstance(model, dict) or "inputs" not in model or not isinstance(model.get("layers"), list):
            raise ProtocolError("model must be {\"inputs\": ..., \"layers\": [...]}")
        seed = req.get("seed", 0)
        if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
            raise ProtocolError("seed must be a non-negative integer, got %r" % (seed,))
        inputs = model["inputs"]
        shape = (int(inputs),) if isinstance(inputs, (int, float)) else tuple(int(d) for d in inputs)
        rng, dropout_rng = np.random.default_rng(seed), np.random.default_rng([seed, 1])
        layers, in_shape = [], shape
        for index, spec in enumerate(model["layers"]):
            kind = spec.get("type") if isinstance(spec, dict) else None
            allowed = self.layer_types if self.protocol >= 2 else [k for k in self.layer_types if k in VERSION1_LAYERS]
            if kind not in allowed:
                raise ProtocolError("layer %d: unsupported layer type %r (supported: %s)" % (index, kind, ", ".join(allowed)))
            layer = self.layer_types[kind]()
            layer.index, layer.spec, layer.in_shape, layer.dtype = index, spec, in_shape, self.dtype
            layer.params, layer.buffers, layer.grads, layer.mask, layer.given_mask = {}, {}, {}, None, None
            layer._rng, layer._dropout_rng = rng, dropout_rng  # in layer order: the draws depend only on the seed
            layer.setup(spec)
            if getattr(layer, "out_shape", None) is None:
                try:
                    layer.out_shape = tuple(layer.forward(np.zeros((1,) + in_shape, self.dtype), False).shape[1:])
                except ProtocolError:
                    raise
                except Exception as error:
                    raise ProtocolError("layer %d (%s) does not take inputs of shape [n, %s]: %s: %s" % (
                        index, kind, ", ".join(map(str, in_shape)), type(error).__name__, error)) from None
            layer.out_shape = tuple(layer.out_shape)
            layers.append(layer)
            in_shape = layer.out_shape
        self.layers, self.in_shape, self.out_shape = layers, shape, in_shape
        self.loss_name, self.loss_fn = loss, self.losses[loss]
        self.reset_optimizer()
        if self.protocol < 2:
            return {"params": [{"name": n, "shape": list(layer.params[local].shape)} for n, layer, _, local in self.named(False)]}
        return {"params": [{"name": n, "shape": list(getattr(layer, kind)[local].shape), "trainable": kind == "params"}
                           for n, layer, kind, local in self.named()]}

    def reset_optimizer(self):
        self.opt_type, self.opt_step, self.opt_state = None, 0, {}

    def op_get_params(self, req):
        self.need_model()
        return {"params": {n: tensor_out(getattr(layer, kind)[local]) for n, layer, kind, local in self.named()}}

    def op_set_params(self, req):
        self.need_model()
        given, named = req.get("params"), self.named()
        if not isinstance(given, dict) or set(given) != {n for n, *_ in named}:
            raise ProtocolError("set_params needs exactly these parameters: %s" % ", ".join(n for n, *_ in named))
        new = []
        for n, layer, kind, local in named:
            t = tensor_in(given[n], self.dtype, n)
            if t.shape != getattr(layer, kind)[local].shape:
                raise ProtocolError("%s has shape %s, expected %s" % (n, list(t.shape), list(getattr(layer, kind)[local].shape)))
            new.append((layer, kind, local, t))
        for layer, kind, local, t in new:  # all or nothing
            getattr(layer, kind)[local] = t
        self.reset_optimizer()
        return {}

    def op_forward(self, req):
        self.need_model()
        x = self.tensor(req, "x", self.in_shape)
        train, keep = bool(req.get("train", False)), [] if req.get("trace", False) else None
        saved = self.saved_buffers()
        try:
            for layer in self.layers:
                layer.mask = None
            y = self.run(x, train, keep=keep)
        finally:
            self.restore(saved)
        return self.traced({"y": tensor_out(y)}, keep, train)

    def op_loss(self, req):
        self.need_model()
        x = self.tensor(req, "x", self.in_shape)
        loss, _ = self.loss_fn(self.run(x, False), self.targets(req, x.shape[0]))
        return {"loss": number_out(loss)}

    def op_gradients(self, req):
        self.need_model()
        x = self.tensor(req, "x", self.in_shape)
        y = self.targets(req, x.shape[0])
        train, keep = self.flag(req, "train"), [] if self.flag(req, "trace") else None
        saved = self.saved_buffers()
        try:
            loss = self.backprop(x, y, train, keep=keep)
            grads = self.gradients()
        finally:
            self.restore(saved)
        return self.traced({"loss": number_out(loss), "grads": {n: tensor_out(g) for n, g in grads.items()}}, keep, train)

    def op_step(self, req):
        self.need_model()
        x = self.tensor(req, "x", self.in_shape)
        y = self.targets(req, x.shape[0])
        opt = req.get("optimizer")
        offered = [t for t in self.optimizers if self.protocol >= 2 or t in VERSION1_OPTIMIZERS]
        if not isinstance(opt, dict) or opt.get("type") not in offered:
            raise ProtocolError("optimizer must be {\"type\": %s, ...}" % " | ".join('"%s"' % t for t in offered))
        train, keep = self.flag(req, "train", True), [] if self.flag(req, "trace") else None
        saved = self.saved_buffers()
        try:
            loss = self.backprop(x, y, train, keep=keep)  # the training forward moves the buffers
            grads = self.gradients()
        except Exception:
            self.restore(saved)  # a failed step changes nothing
            raise
        if opt["type"] != self.opt_type:  # a new optimizer starts with empty state
            self.reset_optimizer()
            self.opt_type = opt["type"]
        self.opt_step += 1
        update = self.optimizers[opt["type"]]
        for n, layer, kind, local in self.named(False):
            layer.params[local] = np.asarray(update(self.opt_state.setdefault(n, {}), layer.params[local], grads[n], opt, self.opt_step), self.dtype)
        return self.traced({"loss": number_out(loss)}, keep, train)

    def op_layer_gradients(self, req):
        self.need_model()
        x = self.tensor(req, "x", self.in_shape)
        y = self.targets(req, x.shape[0])
        train, flow = bool(req.get("train", False)), []
        saved = self.saved_buffers()
        try:
            loss = self.backprop(x, y, train, flow=flow)
        finally:
            self.restore(saved)
        flow.reverse()  # layer order
        answer = {"loss": number_out(loss), "input_grads": [tensor_out(d_in) for _, d_in in flow],
                  "output_grads": [tensor_out(d_out) for d_out, _ in flow]}
        if train:
            answer["masks"] = self.masks()
        return answer

    def op_layer_forward(self, req):
        self.need_model()
        layer = self.layers[self.layer_index(req, len(self.layers) - 1)]
        x = self.tensor(req, "x", layer.in_shape)
        train = bool(req.get("train", False))
        if train and layer.spec["type"] == "dropout":
            if "mask" not in req:
                raise ProtocolError("layer %d (dropout) in training needs the request's mask" % layer.index)
            layer.given_mask = self.tensor(req, "mask", layer.in_shape)
            if layer.given_mask.shape != x.shape:
                raise ProtocolError("mask has shape %s, x %s" % (list(layer.given_mask.shape), list(x.shape)))
        saved = self.saved_buffers()
        try:
            return {"y": tensor_out(layer.forward(x, train))}
        finally:
            layer.given_mask = None
            self.restore(saved)

    def op_loss_from_layer(self, req):
        self.need_model()
        index = self.layer_index(req, len(self.layers))
        x = self.tensor(req, "x", self.layers[index].in_shape if index < len(self.layers) else self.out_shape)
        loss, _ = self.loss_fn(self.run(x, False, start=index), self.targets(req, x.shape[0]))
        return {"loss": number_out(loss)}

    def op_shutdown(self, req):
        return {}


def serve(layers, name="nnbench-check client", dtype="float64", losses=None, optimizers=None, stdin=None, stdout=None):
    """Answers nnbench's requests on stdin until `shutdown` or the end of the input; returns
    the exit status (0). The arguments are Client's; run it as your program's main:

        sys.exit(nnbench_check.serve({"dense": Dense, "relu": ReLU}, name="my-net"))
    """
    client = Client(layers, name, dtype, losses, optimizers)
    stdin, stdout = stdin or sys.stdin, stdout or sys.stdout
    for line in stdin:
        if not line.strip():
            continue
        out, done = client.answer(line)
        stdout.write(out + "\n")
        stdout.flush()
        if done:
            break
    return 0
