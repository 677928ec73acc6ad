#!/usr/bin/env python3
"""A hand-written ReLU, a torch.autograd.Function with its own backward, checked by nnbench in
place of the protocol's `relu` (README.md, "Checking your own layer").

    nnbench check --exec "python3 examples/torch_client/custom_relu.py"            # ReLUFunction
    nnbench check --exec "python3 examples/torch_client/custom_relu.py --wrong"    # ReLUBackwardPassesNegative

The same Function through the client's command line, without this file's main:

    nnbench check --exec "python3 examples/torch_client/nnbench_torch_client.py \\
        --custom relu=examples/torch_client/custom_relu.py:ReLUFunction"
"""

import os
import sys

import torch


class ReLUFunction(torch.autograd.Function):
    """max(x, 0); its derivative is 1 for x > 0 and 0 elsewhere (0 at the kink, as the protocol says)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * (x > 0).to(grad_output.dtype)


class ReLUBackwardPassesNegative(torch.autograd.Function):
    """Wrong on purpose: the forward pass is right, the backward pass lets the gradient of the
    negative inputs through as well (the derivative of the identity). nnbench's gradient,
    input-gradient and reference checks blame it on this layer."""

    @staticmethod
    def forward(ctx, x):
        return x.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from nnbench_torch_client import main

    argv = sys.argv[1:]
    relu = ReLUFunction
    if "--wrong" in argv:
        argv.remove("--wrong")
        relu = ReLUBackwardPassesNegative
    sys.exit(main(argv, layers={"relu": relu}))
