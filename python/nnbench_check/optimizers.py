"""The protocol's optimizers (docs/protocol.md, "Optimizers"), PyTorch's definitions, derived
from the gradients the layers compute: a program written on this module gets `step` for free.

Each takes (state, p, g, opt, t): `state` a dict kept per parameter until the next `build`,
`set_params` or change of optimizer, `t` the step count since (1 on the first step), `opt` the
request's optimizer object with every field written; it returns the new value of p."""

import numpy as np


def sgd(state, p, g, opt, t):
    """g <- g + wd p; with momentum mu: b <- (t = 1 ? g : mu b + g), g <- nesterov ? g + mu b : b; p - lr g."""
    mu = opt.get("momentum", 0)
    g = g + opt.get("weight_decay", 0) * p
    if mu != 0:
        b = state["b"] = g if "b" not in state else mu * state["b"] + g
        g = g + mu * b if opt.get("nesterov", False) else b
    return p - opt["lr"] * g


def adam(state, p, g, opt, t):
    """adam: g <- g + wd p; m, v moving averages of g and g^2; p - lr m^/(sqrt(v^) + eps) with the
    bias corrections m^ = m/(1 - beta1^t), v^ = v/(1 - beta2^t). adamw: p (1 - lr wd) first,
    then the same without wd in g (decoupled weight decay, Loshchilov and Hutter 2019)."""
    lr, b1, b2, eps = opt["lr"], opt.get("beta1", 0.9), opt.get("beta2", 0.999), opt.get("eps", 1e-8)
    decoupled = opt["type"] == "adamw"
    wd = opt.get("weight_decay", 0.01 if decoupled else 0)
    if decoupled:
        p = p * (1 - lr * wd)
    else:
        g = g + wd * p
    m = state["m"] = b1 * state.get("m", 0) + (1 - b1) * g
    v = state["v"] = b2 * state.get("v", 0) + (1 - b2) * g * g
    return p - lr * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + eps)


def rmsprop(state, p, g, opt, t):
    """g <- g + wd p; s <- alpha s + (1 - alpha) g^2; centered: a <- alpha a + (1 - alpha) g and
    d = sqrt(s - a^2) + eps, else d = sqrt(s) + eps; with momentum mu: b <- mu b + g/d, p - lr b;
    else p - lr g/d."""
    alpha, eps, mu = opt.get("alpha", 0.99), opt.get("eps", 1e-8), opt.get("momentum", 0)
    g = g + opt.get("weight_decay", 0) * p
    s = state["s"] = alpha * state.get("s", 0) + (1 - alpha) * g * g
    if opt.get("centered", False):
        a = state["a"] = alpha * state.get("a", 0) + (1 - alpha) * g
        d = np.sqrt(s - a * a) + eps
    else:
        d = np.sqrt(s) + eps
    if mu != 0:
        b = state["b"] = mu * state.get("b", 0) + g / d
        return p - opt["lr"] * b
    return p - opt["lr"] * g / d


OPTIMIZERS = {"sgd": sgd, "adam": adam, "adamw": adam, "rmsprop": rmsprop}
