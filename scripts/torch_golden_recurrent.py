#!/usr/bin/env python3
"""Write PyTorch's float64 answers for nnbench's sequence layers: rnn, lstm, gru, embedding, dense
on a sequence and per-step softmax cross-entropy.

The engine's tests (`Tests/NNBenchEngineTests/TorchGoldenRecurrentTests.swift`) compare its Double
layers with these numbers, so that the gate equations, the gate order, the parameter layout and
backpropagation through time have a source independent of the engine's authors: `nn.RNN`,
`nn.LSTM`, `nn.GRU` (one layer, batch first), `nn.Embedding` and autograd.

Command (from the repository root; the output is committed):

    python3 scripts/torch_golden_recurrent.py          # writes Tests/NNBenchEngineTests/Golden/torch_golden_recurrent.json
    python3 scripts/torch_golden_recurrent.py --check  # exit 1 if the committed file differs from a fresh run

Made with torch 2.13.0+cpu (`pip install torch==2.13.0+cpu`); inputs, the layout of the file and
the JSON writer are those of scripts/torch_golden.py (numpy's RandomState seeded by the case's
name, sorted keys), so a second run gives the same bytes.

  recurrent   one recurrent layer on x [n, T, features] from a random nonzero initial state h0
              (and c0), its parameters under PyTorch's names without the layer suffix ("0.weight_ih"
              for weight_ih_l0) with nonzero biases; the loss
                  Σ output·output_gradient + Σ h_n·final_gradient.h + Σ c_n·final_gradient.c
              reads every step's output (or the last step's, with `sequence: false`) and the final
              state. Torch's output, final state, and the gradients of the input, the parameters
              and the initial state.
  embedding   token indices (repeated, so that gradients add up), the weight, an output gradient;
              torch's output and weight gradient.
  dense       dense on [n, T, in], acting on the last axis as nn.Linear; the weight in the engine's
              layout [in, units] (transposed for torch, its gradient transposed back).
  losses      softmax_ce on logits [n, T, classes] with targets [n, T]: F.cross_entropy on
              [n, classes, T], the mean over every (sample, step) pair, and its gradient.
"""

import os

import numpy as np
import torch
import torch.nn.functional as F

from torch_golden import as_numpy, deterministic_meta, normal, random_state, tensor_json, write_or_check

OUTPUT = os.path.join("Tests", "NNBenchEngineTests", "Golden", "torch_golden_recurrent.json")
COMMAND = "python3 scripts/torch_golden_recurrent.py"


def recurrent_case(name, spec, kind, units, samples=2, steps=5, features=3, sequence=True, bias=True, nonlinearity="tanh"):
    gates = {"rnn": 1, "gru": 3, "lstm": 4}[kind]
    options = {"batch_first": True, "bias": bias}
    if kind == "rnn":
        module = torch.nn.RNN(features, units, nonlinearity=nonlinearity, **options)
    else:
        module = (torch.nn.LSTM if kind == "lstm" else torch.nn.GRU)(features, units, **options)
    module = module.double()
    names = ["weight_ih", "weight_hh"] + (["bias_ih", "bias_hh"] if bias else [])
    shapes = {"weight_ih": (gates * units, features), "weight_hh": (gates * units, units),
              "bias_ih": (gates * units,), "bias_hh": (gates * units,)}
    # Weights of 0.5/√units keep the gates away from saturation; biases of order 0.5, none zero.
    parameters = {n: normal(f"{name}/{n}", shapes[n], 0.5 if n.startswith("bias") else 0.5 / np.sqrt(units)) for n in names}
    with torch.no_grad():
        for n in names:
            getattr(module, n + "_l0").copy_(torch.tensor(parameters[n]))

    x = normal(name + "/input", (samples, steps, features))
    parts = ["h", "c"] if kind == "lstm" else ["h"]
    initial = {p: random_state(f"{name}/{p}0").uniform(-1, 1, (samples, units)) for p in parts}
    x_t = torch.tensor(x, requires_grad=True)
    # Torch's states carry a layer axis in front: [1, n, units].
    initial_t = {p: torch.tensor(v[None], requires_grad=True) for p, v in initial.items()}
    state = (initial_t["h"], initial_t["c"]) if kind == "lstm" else initial_t["h"]
    y, final = module(x_t, state)
    final = dict(zip(parts, final if kind == "lstm" else (final,)))
    if not sequence:
        y = y[:, -1, :]
    dy = normal(name + "/output_gradient", tuple(y.shape))
    dfinal = {p: normal(f"{name}/final_gradient/{p}", (samples, units)) for p in parts}
    loss = (y * torch.tensor(dy)).sum() + sum((final[p][0] * torch.tensor(dfinal[p])).sum() for p in parts)
    loss.backward()

    return {
        "name": name,
        "spec": spec,
        "input": tensor_json(x),
        "parameters": {f"0.{n}": tensor_json(v) for n, v in parameters.items()},
        "initial_state": {p: tensor_json(v) for p, v in initial.items()},
        "output_gradient": tensor_json(dy),
        "final_state_gradient": {p: tensor_json(v) for p, v in dfinal.items()},
        "output": tensor_json(as_numpy(y)),
        "final_state": {p: tensor_json(as_numpy(final[p][0])) for p in parts},
        "input_gradient": tensor_json(as_numpy(x_t.grad)),
        "parameter_gradients": {f"0.{n}": tensor_json(as_numpy(getattr(module, n + "_l0").grad)) for n in names},
        "initial_state_gradient": {p: tensor_json(as_numpy(initial_t[p].grad[0])) for p in parts},
    }


def recurrent_cases():
    return [
        recurrent_case("rnn_tanh", "rnn(4)", "rnn", 4),
        recurrent_case("rnn_relu", "rnn(4, nonlinearity: relu)", "rnn", 4, nonlinearity="relu"),
        recurrent_case("rnn_last_step_no_bias", "rnn(3, sequence: false, bias: false)", "rnn", 3, sequence=False, bias=False),
        recurrent_case("lstm", "lstm(4)", "lstm", 4),
        recurrent_case("lstm_last_step", "lstm(3, sequence: false)", "lstm", 3, sequence=False),
        recurrent_case("lstm_no_bias", "lstm(3, bias: false)", "lstm", 3, bias=False),
        recurrent_case("gru", "gru(4)", "gru", 4),
        recurrent_case("gru_last_step", "gru(3, sequence: false)", "gru", 3, sequence=False),
        recurrent_case("gru_no_bias", "gru(3, bias: false)", "gru", 3, bias=False),
    ]


def embedding_case():
    name = "embedding"
    tokens = np.array([[2, 0, 2, 4], [1, 1, 3, 2]], dtype=np.float64)
    weight = normal(name + "/weight", (5, 3))
    w_t = torch.tensor(weight, requires_grad=True)
    y = F.embedding(torch.tensor(tokens, dtype=torch.int64), w_t)
    dy = normal(name + "/output_gradient", tuple(y.shape))
    y.backward(torch.tensor(dy))
    return {
        "name": name,
        "spec": "embedding(5, 3)",
        "input": tensor_json(tokens),
        "parameters": {"0.weight": tensor_json(weight)},
        "output_gradient": tensor_json(dy),
        "output": tensor_json(as_numpy(y)),
        "parameter_gradients": {"0.weight": tensor_json(as_numpy(w_t.grad))},
    }


def dense_case():
    name = "dense_sequence"
    x = normal(name + "/input", (2, 4, 3))
    weight, bias = normal(name + "/weight", (3, 5), 0.5), normal(name + "/bias", (5,))
    x_t, w_t, b_t = (torch.tensor(v, requires_grad=True) for v in (x, weight.T, bias))
    y = F.linear(x_t, w_t, b_t)
    dy = normal(name + "/output_gradient", tuple(y.shape))
    y.backward(torch.tensor(dy))
    return {
        "name": name,
        "spec": "dense(5)",
        "input": tensor_json(x),
        "parameters": {"0.weight": tensor_json(weight), "0.bias": tensor_json(bias)},
        "output_gradient": tensor_json(dy),
        "output": tensor_json(as_numpy(y)),
        "input_gradient": tensor_json(as_numpy(x_t.grad)),
        "parameter_gradients": {"0.weight": tensor_json(as_numpy(w_t.grad).T), "0.bias": tensor_json(as_numpy(b_t.grad))},
    }


def per_step_loss_case():
    name = "softmax_ce_per_step"
    logits = normal(name + "/predictions", (3, 4, 5), 2.0)
    targets = random_state(name + "/targets").randint(0, 5, size=(3, 4))
    z = torch.tensor(logits, requires_grad=True)
    # CrossEntropyLoss takes the classes on axis 1: [n, classes, T] against [n, T].
    value = F.cross_entropy(z.permute(0, 2, 1), torch.tensor(targets, dtype=torch.int64))
    value.backward()
    return {
        "name": name,
        "loss": "softmax_ce",
        "predictions": tensor_json(logits),
        "targets": tensor_json(targets.astype(np.float64)),
        "value": value.item(),
        "gradient": tensor_json(as_numpy(z.grad)),
    }


def golden():
    return {
        "meta": deterministic_meta(COMMAND, "scripts/torch_golden_recurrent.py"),
        "recurrent": recurrent_cases(),
        "embedding": [embedding_case()],
        "dense": [dense_case()],
        "losses": [per_step_loss_case()],
    }


def main():
    write_or_check(golden, OUTPUT, "torch_golden_recurrent.py", __doc__.splitlines()[0])


if __name__ == "__main__":
    main()
