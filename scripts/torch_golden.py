#!/usr/bin/env python3
"""Write PyTorch's float64 answers for nnbench's layers, losses and optimizers.

The engine's tests compare its Double layers, losses and optimizer steps with these numbers
(`Tests/NNBenchEngineTests/TorchGolden*.swift`), so that every expected value has a source
independent of the engine's authors: PyTorch's own forward passes, autograd and `torch.optim`.

Command (from the repository root; the output is committed):

    python3 scripts/torch_golden.py            # writes Tests/NNBenchEngineTests/Golden/torch_golden.json
    python3 scripts/torch_golden.py --check    # exit 1 if the committed file differs from a fresh run

Made with torch 2.13.0+cpu (`pip install torch==2.13.0+cpu`), numpy and Python 3.11; the file's
"meta" records the versions that wrote it. Every input comes from numpy's RandomState seeded by
the case's name, torch runs on one thread with deterministic algorithms, and the file is written
with sorted keys and one fixed layout, so a second run gives the same bytes. Another CPU or
torch version may change last bits (torch's vectorised kernels differ per instruction set);
the tests' tolerances are far above that.

Layouts are the engine's (the model protocol's, docs/protocol.md): tensors are {"shape": [...], "values": [row-major]},
parameters are named as in a one-layer network ("0.weight", "0.bias", "0.running_mean"), and a
dense layer's weight is [inputs, units], the transpose of nn.Linear.weight (the script transposes
it for torch and transposes torch's gradient back).

  layers      one layer: input, parameters, state, a fixed random output gradient; torch's
              output, input gradient, parameter gradients and state after the forward pass.
  dropout     torch's multiplier of a kept value (its masks are not the engine's), with an input
              and an output gradient the engine's masks are applied to.
  losses      predictions and targets; torch's mean loss and its gradient w.r.t. the predictions.
  optimizers  a start, per step a learning rate and the gradients set as .grad (so only the
              update rule is exercised); torch's parameters after each step.
"""

import argparse
import math
import os
import sys
import zlib

import numpy as np
import torch
import torch.nn.functional as F

REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUTPUT = os.path.join("Tests", "NNBenchEngineTests", "Golden", "torch_golden.json")
COMMAND = "python3 scripts/torch_golden.py"
TESTED_WITH = "2.13.0+cpu"


def random_state(name):
    """The case's own generator: a case's numbers do not change when other cases are added."""
    return np.random.RandomState(zlib.crc32(name.encode()))


def tensor_json(array):
    array = np.asarray(array, dtype=np.float64)
    return {"shape": list(array.shape), "values": [float(v) for v in array.reshape(-1)]}


def as_numpy(tensor):
    return tensor.detach().numpy().copy()


# MARK: Layers


def layer_case(name, spec, x, forward, parameters=(), state=(), training=True, transposed=()):
    """Runs `forward(x, *parameters, *state)` with autograd and records everything.

    `parameters` and `state` are (engine name, numpy array in the engine's layout) pairs; names in
    `transposed` are given to torch transposed (dense weights).
    """
    def swap_layout(engine_name, array):
        """The engine's layout to torch's and back: a transpose, or nothing."""
        return array.T if engine_name in transposed else array

    x_t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    p_t = [torch.tensor(swap_layout(n, v), dtype=torch.float64, requires_grad=True) for n, v in parameters]
    s_t = [torch.tensor(swap_layout(n, v), dtype=torch.float64) for n, v in state]
    y = forward(x_t, *p_t, *s_t)
    dy = random_state(name + "/output_gradient").standard_normal(tuple(y.shape))
    y.backward(torch.tensor(dy, dtype=torch.float64))

    return {
        "name": name,
        "spec": spec,
        "training": training,
        "input": tensor_json(x),
        "parameters": {n: tensor_json(v) for n, v in parameters},
        "state": {n: tensor_json(v) for n, v in state},
        "output": tensor_json(as_numpy(y)),
        "output_gradient": tensor_json(dy),
        "input_gradient": tensor_json(as_numpy(x_t.grad)),
        "parameter_gradients": {n: tensor_json(swap_layout(n, as_numpy(t.grad))) for (n, _), t in zip(parameters, p_t)},
        "state_after": {n: tensor_json(as_numpy(t)) for (n, _), t in zip(state, s_t)},
    }


def normal(name, shape, scale=1.0, offset=0.0):
    return offset + scale * random_state(name).standard_normal(shape)


def activation_cases():
    cases = []
    # Exact zeros in the inputs pin the derivative at the kink: 0 for relu, slope for leaky_relu,
    # as PyTorch's backward takes them (x > 0 decides).
    kinked = normal("relu/input", (4, 5))
    kinked[0, 1] = kinked[2, 3] = kinked[3, 0] = 0.0
    cases.append(layer_case("relu", "relu", kinked, F.relu))
    cases.append(layer_case("leaky_relu", "leaky_relu", kinked, lambda x: F.leaky_relu(x, 0.01)))
    cases.append(layer_case("leaky_relu_0.2", "leaky_relu(0.2)", kinked, lambda x: F.leaky_relu(x, 0.2)))
    cases.append(layer_case("tanh", "tanh", normal("tanh/input", (4, 5), 2.0), torch.tanh))
    # Large |x| exercises the overflow-free logistic on both sides.
    wide = normal("sigmoid/input", (4, 5), 3.0)
    wide[1, :] = [-800.0, -40.0, 40.0, 800.0, 17.0]
    cases.append(layer_case("sigmoid", "sigmoid", wide, torch.sigmoid))
    cases.append(layer_case("identity", "identity", normal("identity/input", (3, 4)), lambda x: x * 1.0))
    # PyTorch's softplus (beta 1, threshold 20) returns x itself where x > 20; inside the threshold,
    # and for any negative x, it is log1p(exp(x)).
    soft = normal("softplus/input", (4, 5), 4.0)
    soft[1, :] = [-800.0, -40.0, -19.5, 19.5, 19.99]
    cases.append(layer_case("softplus", "softplus", soft, F.softplus))
    # Beyond the threshold, where PyTorch's softplus is x and its derivative 1.
    beyond = np.array([[20.5, 21.0, 25.0, 30.0, 40.0], [50.0, 100.0, 800.0, 20.0001, 36.0]])
    cases.append(layer_case("softplus_beyond_threshold", "softplus", beyond, F.softplus))
    gelu = normal("gelu/input", (4, 5), 2.0)
    gelu[1, :] = [-9.0, -6.0, 6.0, 9.0, 0.0]
    cases.append(layer_case("gelu", "gelu", gelu, lambda x: F.gelu(x, approximate="none")))
    return cases


def dense_cases():
    def dense(x, weight, bias=None):
        # nn.Linear's computation: y = x·weightᵀ + bias with weight [out, in].
        return F.linear(x, weight, bias)

    return [
        layer_case("dense", "dense(4)", normal("dense/input", (3, 5)), dense,
                   parameters=[("0.weight", normal("dense/weight", (5, 4), 0.5)), ("0.bias", normal("dense/bias", (4,)))],
                   transposed={"0.weight"}),
        layer_case("dense_no_bias", "dense(3, bias: false)", normal("dense_no_bias/input", (4, 2)), dense,
                   parameters=[("0.weight", normal("dense_no_bias/weight", (2, 3)))], transposed={"0.weight"}),
    ]


def batchnorm_cases():
    def case(name, spec, shape, training, momentum=0.1, eps=1e-5):
        channels = shape[1]
        # Off-centre, with a different mean and spread per channel, and γ, β, running statistics away
        # from 1, 0, 0, 1 so that no term vanishes by chance.
        scale = np.arange(1, channels + 1).reshape((1, channels) + (1,) * (len(shape) - 2))
        x = normal(name + "/input", shape, 1.0) * scale + 2.0 - scale

        def forward(x, weight, bias, running_mean, running_var):
            return F.batch_norm(x, running_mean, running_var, weight, bias, training=training, momentum=momentum, eps=eps)

        return layer_case(
            name, spec, x, forward, training=training,
            parameters=[("0.weight", normal(name + "/weight", (channels,), 0.5, 1.0)),
                        ("0.bias", normal(name + "/bias", (channels,), 0.5))],
            state=[("0.running_mean", normal(name + "/running_mean", (channels,), 0.5)),
                   ("0.running_var", 0.5 + random_state(name + "/running_var").random_sample(channels))])

    return [
        case("batchnorm1d_training", "batchnorm", (6, 3), True),
        case("batchnorm1d_training_momentum_eps", "batchnorm(momentum: 0.3, eps: 0.001)", (5, 4), True, 0.3, 1e-3),
        case("batchnorm1d_evaluation", "batchnorm", (6, 3), False),
        case("batchnorm2d_training", "batchnorm", (3, 2, 3, 3), True),
        case("batchnorm2d_evaluation", "batchnorm(momentum: 0.3, eps: 0.001)", (3, 2, 3, 3), False, 0.3, 1e-3),
    ]


def conv_cases():
    def case(name, filters, kernel, stride, padding, bias, input_shape):
        options = [str(filters), f"kernel: {kernel}"]
        options += [f"stride: {stride}"] if stride != 1 else []
        options += [f"padding: {padding}"] if padding != 0 else []
        options += ["bias: false"] if not bias else []
        weight = ("0.weight", normal(name + "/weight", (filters, input_shape[1], kernel, kernel), 0.5))
        parameters = [weight] + ([("0.bias", normal(name + "/bias", (filters,)))] if bias else [])
        return layer_case(
            name, f"conv2d({', '.join(options)})", normal(name + "/input", input_shape),
            lambda x, w, b=None: F.conv2d(x, w, b, stride=stride, padding=padding), parameters=parameters)

    return [
        case("conv2d", 3, 3, 1, 0, True, (2, 2, 5, 5)),
        # (6 + 2 − 3)/2 rounds down: the last column of the padded image is in no window.
        case("conv2d_stride_padding", 2, 3, 2, 1, True, (2, 3, 6, 6)),
        case("conv2d_no_bias", 2, 2, 1, 0, False, (2, 2, 4, 4)),
        case("conv2d_stride_3_padding_1", 2, 2, 3, 1, True, (1, 1, 7, 7)),
    ]


def pooling_cases():
    def case(name, kind, size, stride, x):
        spec = f"{kind}({size})" if stride == size else f"{kind}({size}, stride: {stride})"
        function = F.max_pool2d if kind == "maxpool2d" else F.avg_pool2d
        return layer_case(name, spec, x, lambda x: function(x, size, stride))

    # Small integers: many windows hold equal maxima, so the tie-break (the first in row-major
    # order gets the gradient) is compared with torch's.
    ties = random_state("maxpool2d_ties/input").randint(0, 3, size=(1, 2, 4, 4)).astype(np.float64)
    return [
        case("maxpool2d", "maxpool2d", 2, 2, normal("maxpool2d/input", (2, 2, 4, 4))),
        case("maxpool2d_odd", "maxpool2d", 2, 2, normal("maxpool2d_odd/input", (1, 2, 5, 5))),
        case("maxpool2d_overlapping", "maxpool2d", 3, 2, normal("maxpool2d_overlapping/input", (2, 1, 7, 7))),
        case("maxpool2d_stride_1", "maxpool2d", 2, 1, normal("maxpool2d_stride_1/input", (1, 2, 4, 4))),
        case("maxpool2d_ties", "maxpool2d", 2, 1, ties),
        case("avgpool2d", "avgpool2d", 2, 2, normal("avgpool2d/input", (2, 2, 4, 4))),
        case("avgpool2d_odd", "avgpool2d", 2, 2, normal("avgpool2d_odd/input", (1, 2, 5, 5))),
        case("avgpool2d_overlapping", "avgpool2d", 3, 2, normal("avgpool2d_overlapping/input", (2, 1, 7, 7))),
        case("avgpool2d_stride_1", "avgpool2d", 2, 1, normal("avgpool2d_stride_1/input", (1, 2, 4, 4))),
    ]


def other_cases():
    return [
        layer_case("flatten", "flatten", normal("flatten/input", (2, 2, 3, 3)), lambda x: torch.flatten(x, 1)),
        # Evaluation mode: the identity, whatever the rate.
        layer_case("dropout_evaluation", "dropout(0.3)", normal("dropout_evaluation/input", (3, 6)),
                   lambda x: F.dropout(x, 0.3, training=False), training=False),
    ]


def dropout_cases():
    """Torch's multiplier of a kept value in training, read from its output for an input of ones."""
    cases = []
    for rate in (0.3, 0.5):
        torch.manual_seed(0)
        kept = sorted({float(v) for v in F.dropout(torch.ones(1000, dtype=torch.float64), rate, training=True) if v != 0})
        assert len(kept) == 1, kept
        name = f"dropout_{rate}"
        cases.append({
            "name": name,
            "spec": f"dropout({rate})",
            "kept_multiplier": kept[0],
            "input": tensor_json(normal(name + "/input", (4, 10))),
            "output_gradient": tensor_json(normal(name + "/output_gradient", (4, 10))),
        })
    return cases


# MARK: Losses


def loss_case(name, loss, predictions, targets):
    z = torch.tensor(predictions, dtype=torch.float64, requires_grad=True)
    if loss == "mse":
        value = F.mse_loss(z, torch.tensor(targets, dtype=torch.float64))
    elif loss == "bce_logits":
        value = F.binary_cross_entropy_with_logits(z, torch.tensor(targets, dtype=torch.float64))
    else:
        value = F.cross_entropy(z, torch.tensor(targets, dtype=torch.int64))
    value.backward()
    return {
        "name": name,
        "loss": loss,
        "predictions": tensor_json(predictions),
        "targets": tensor_json(np.asarray(targets, dtype=np.float64)),
        "value": value.item(),
        "gradient": tensor_json(as_numpy(z.grad)),
    }


def loss_cases():
    def labels(name, samples, classes):
        return random_state(name + "/targets").randint(0, classes, size=samples)

    def bits(name, shape):
        return random_state(name + "/targets").randint(0, 2, size=shape).astype(np.float64)

    return [
        loss_case("mse", "mse", normal("mse/predictions", (4, 1)), normal("mse/targets", (4, 1))),
        loss_case("mse_wide", "mse", normal("mse_wide/predictions", (3, 5)), normal("mse_wide/targets", (3, 5))),
        loss_case("mse_large", "mse", normal("mse_large/predictions", (2, 3), 1e3), normal("mse_large/targets", (2, 3), 1e3)),
        loss_case("bce_logits", "bce_logits", normal("bce_logits/predictions", (6, 1), 2.0), bits("bce_logits", (6, 1))),
        # Probabilities as targets, as BCEWithLogitsLoss allows.
        loss_case("bce_logits_soft_targets", "bce_logits", normal("bce_logits_soft_targets/predictions", (3, 4), 2.0),
                  random_state("bce_logits_soft_targets/targets").random_sample((3, 4))),
        # Logits whose e^|z| overflows, on the right and the wrong side of their targets.
        loss_case("bce_logits_large", "bce_logits", np.array([[-1000.0], [-50.0], [50.0], [1000.0], [800.0], [-800.0], [36.0], [-36.0]]),
                  np.array([[0.0], [1.0], [1.0], [0.0], [1.0], [1.0], [0.0], [1.0]])),
        loss_case("softmax_ce", "softmax_ce", normal("softmax_ce/predictions", (5, 3), 2.0), labels("softmax_ce", 5, 3)),
        loss_case("softmax_ce_ten_classes", "softmax_ce", normal("softmax_ce_ten_classes/predictions", (4, 10), 2.0),
                  labels("softmax_ce_ten_classes", 4, 10)),
        loss_case("softmax_ce_two_classes", "softmax_ce", normal("softmax_ce_two_classes/predictions", (3, 2), 2.0),
                  labels("softmax_ce_two_classes", 3, 2)),
        # Logits whose exponentials overflow unless the row's maximum is subtracted first.
        loss_case("softmax_ce_large", "softmax_ce",
                  np.array([[1000.0, -1000.0, 999.5, 0.0], [-500.0, -499.0, -501.0, -1e4], [1e4, 1e4, -1e4, 0.0], [800.0, 0.0, 0.0, 0.0]]),
                  np.array([2, 0, 1, 0])),
    ]


# MARK: Optimizers

OPTIMIZERS = {
    "sgd": {"type": "sgd", "lr": 0.1, "momentum": 0.0, "nesterov": False, "weight_decay": 0.0},
    "sgd_weight_decay": {"type": "sgd", "lr": 0.1, "momentum": 0.0, "nesterov": False, "weight_decay": 0.1},
    "sgd_momentum": {"type": "sgd", "lr": 0.1, "momentum": 0.9, "nesterov": False, "weight_decay": 0.0},
    "sgd_nesterov": {"type": "sgd", "lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.0},
    "sgd_momentum_weight_decay": {"type": "sgd", "lr": 0.05, "momentum": 0.8, "nesterov": False, "weight_decay": 0.01},
    "sgd_nesterov_weight_decay": {"type": "sgd", "lr": 0.05, "momentum": 0.8, "nesterov": True, "weight_decay": 0.05},
    "adam": {"type": "adam", "lr": 0.1, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.0},
    "adam_all_options": {"type": "adam", "lr": 0.01, "beta1": 0.8, "beta2": 0.9, "eps": 1e-3, "weight_decay": 0.1},
    "adamw": {"type": "adamw", "lr": 0.1, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.01},
    "adamw_no_weight_decay": {"type": "adamw", "lr": 0.1, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.0},
    "adamw_all_options": {"type": "adamw", "lr": 0.05, "beta1": 0.8, "beta2": 0.95, "eps": 1e-6, "weight_decay": 0.1},
    "rmsprop": {"type": "rmsprop", "lr": 0.01, "alpha": 0.99, "eps": 1e-8, "momentum": 0.0, "weight_decay": 0.0, "centered": False},
    "rmsprop_weight_decay": {"type": "rmsprop", "lr": 0.01, "alpha": 0.9, "eps": 1e-8, "momentum": 0.0, "weight_decay": 0.1, "centered": False},
    "rmsprop_centered": {"type": "rmsprop", "lr": 0.01, "alpha": 0.9, "eps": 1e-8, "momentum": 0.0, "weight_decay": 0.0, "centered": True},
    "rmsprop_momentum": {"type": "rmsprop", "lr": 0.01, "alpha": 0.9, "eps": 1e-8, "momentum": 0.8, "weight_decay": 0.0, "centered": False},
    "rmsprop_all_options": {"type": "rmsprop", "lr": 0.01, "alpha": 0.9, "eps": 1e-3, "momentum": 0.8, "weight_decay": 0.1, "centered": True},
}

# Every step's rate differs from the optimizer's "lr", as a schedule's would: the update must use it.
RATE_FACTORS = [1.0, 0.5, 0.25, 2.0]
SHAPES = {"0.weight": (2, 3), "0.bias": (3,)}


def torch_optimizer(options, parameters):
    kind = options["type"]
    common = {"lr": options["lr"], "weight_decay": options["weight_decay"], "foreach": False}
    if kind == "sgd":
        return torch.optim.SGD(parameters, momentum=options["momentum"], nesterov=options["nesterov"], dampening=0.0, **common)
    if kind in ("adam", "adamw"):
        optimizer = torch.optim.Adam if kind == "adam" else torch.optim.AdamW
        return optimizer(parameters, betas=(options["beta1"], options["beta2"]), eps=options["eps"], amsgrad=False, **common)
    return torch.optim.RMSprop(parameters, alpha=options["alpha"], eps=options["eps"], momentum=options["momentum"],
                               centered=options["centered"], **common)


def optimizer_case(name, options):
    start = {n: normal(f"{name}/start/{n}", shape) for n, shape in SHAPES.items()}
    tensors = {n: torch.tensor(v, dtype=torch.float64, requires_grad=True) for n, v in start.items()}
    optimizer = torch_optimizer(options, list(tensors.values()))
    steps = []
    for step, factor in enumerate(RATE_FACTORS):
        lr = options["lr"] * factor
        gradients = {n: normal(f"{name}/step{step}/{n}", shape, 0.5) for n, shape in SHAPES.items()}
        for group in optimizer.param_groups:
            group["lr"] = lr
        for n, t in tensors.items():
            t.grad = torch.tensor(gradients[n], dtype=torch.float64)
        optimizer.step()
        steps.append({
            "lr": lr,
            "gradients": {n: tensor_json(g) for n, g in gradients.items()},
            "parameters": {n: tensor_json(as_numpy(t)) for n, t in tensors.items()},
        })
    return {"name": name, "optimizer": options, "start": {n: tensor_json(v) for n, v in start.items()}, "steps": steps}


# MARK: Output


def dump(value, indent=0):
    """JSON with sorted keys, an object's members on their own lines and arrays of numbers on one."""
    pad = "  " * (indent + 1)
    if isinstance(value, dict):
        if not value:
            return "{}"
        members = [f"{pad}{dump(key)}: {dump(value[key], indent + 1)}" for key in sorted(value)]
        return "{\n" + ",\n".join(members) + "\n" + "  " * indent + "}"
    if isinstance(value, list):
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
            return "[" + ", ".join(dump(v) for v in value) + "]"
        return "[\n" + ",\n".join(pad + dump(v, indent + 1) for v in value) + "\n" + "  " * indent + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        assert math.isfinite(value), value
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        assert value.isprintable() and '"' not in value and "\\" not in value, value
        return f'"{value}"'
    raise TypeError(type(value))


def deterministic_meta(command, generator):
    """Puts torch in float64, deterministic, one thread, and returns the file's `meta`: the
    command, the generator and the versions the numbers came from."""
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    torch.set_default_dtype(torch.float64)
    return {
        "command": command,
        "generator": generator,
        "dtype": "float64",
        "numpy": np.__version__,
        "python": ".".join(map(str, sys.version_info[:3])),
        "torch": torch.__version__,
    }


def golden():
    return {
        "meta": deterministic_meta(COMMAND, "scripts/torch_golden.py"),
        "layers": activation_cases() + dense_cases() + batchnorm_cases() + conv_cases() + pooling_cases() + other_cases(),
        "dropout": dropout_cases(),
        "losses": loss_cases(),
        "optimizers": [optimizer_case(name, options) for name, options in OPTIMIZERS.items()],
    }


def write_or_check(golden, output, script, description):
    """The command line of a golden-number script: writes `golden()` to `output` (a path under the
    repository), or with --check compares a fresh run with the file and exits 1 if it differs."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--output", default=os.path.join(REPOSITORY, output), help="where to write (default: %(default)s)")
    parser.add_argument("--check", action="store_true", help="compare with the file instead of writing it; exit 1 if it differs")
    arguments = parser.parse_args()
    if torch.__version__ != TESTED_WITH:
        print(f"{script}: warning: torch {torch.__version__}, not {TESTED_WITH}: last bits may change", file=sys.stderr)
    text = dump(golden()) + "\n"
    if arguments.check:
        with open(arguments.output, encoding="utf-8") as file:
            same = file.read() == text
        print(f"{arguments.output}: {'identical' if same else 'DIFFERS from a fresh run'}")
        sys.exit(0 if same else 1)
    os.makedirs(os.path.dirname(arguments.output), exist_ok=True)
    with open(arguments.output, "w", encoding="utf-8") as file:
        file.write(text)
    print(f"wrote {arguments.output} ({len(text.encode())} bytes)")


def main():
    write_or_check(golden, OUTPUT, "torch_golden.py", __doc__.splitlines()[0])


if __name__ == "__main__":
    main()
