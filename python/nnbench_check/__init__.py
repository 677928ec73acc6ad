"""nnbench_check: write a program of nnbench's model protocol (docs/protocol.md) as its layers only.

    import numpy as np
    import nnbench_check as nb

    class Tanh(nb.Layer):
        def forward(self, x, train):
            self.y = np.tanh(x)
            return self.y

        def backward(self, dy):
            return dy * (1 - self.y ** 2)

    nb.serve({"tanh": Tanh, "dense": Dense})     # then: nnbench check --exec "python3 mynet.py"

Each layer type is a `Layer` subclass with `forward(x, train)` and `backward(dy)` in numpy (and
`setup(spec)` to declare parameters); `serve` does the rest: the line loop, tensors, `hello`
(protocol version 2, or 1 when asked), `ok: false` answers, float32 or float64, initialisation
from the seed, the losses, the optimizers (PyTorch's sgd, adam, adamw, rmsprop) and every op
derived from the layers: gradients, step, trace, layer_gradients, layer_forward, loss_from_layer.
"""

from .layer import Layer, elementwise, initial_weight
from .losses import LOSSES
from .optimizers import OPTIMIZERS
from .server import Client, serve
from .tensors import ProtocolError, tensor_in, tensor_out

__version__ = "0.1.0"  # nnbench's own version (Sources/NNBenchIO/ToolVersion.swift); the wheel checks they agree

__all__ = ["Layer", "elementwise", "initial_weight", "LOSSES", "OPTIMIZERS", "Client", "serve", "ProtocolError",
           "tensor_in", "tensor_out", "__version__"]
