"""The protocol's three losses (docs/protocol.md, "Losses"): means over the batch, on the raw
last-layer output z (logits), each returning (loss, d loss / d z). PyTorch's MSELoss,
BCEWithLogitsLoss and CrossEntropyLoss with their default mean reduction."""

import numpy as np

from .tensors import ProtocolError


def mse(z, y):
    """(1/(n k)) sum (z - y)^2; gradient 2 (z - y) / (n k)."""
    d = z - y
    return float(np.sum(d * d)) / z.size, 2 * d / z.dtype.type(z.size)


def bce_logits(z, y):
    """(1/(n k)) sum max(z, 0) - z y + ln(1 + e^-|z|), the stable form; gradient (sigmoid(z) - y) / (n k)."""
    total = np.sum(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))))
    sigmoid = np.exp(-np.logaddexp(0, -z))  # 1/(1 + e^-z) without overflow
    return float(total) / z.size, (sigmoid - y) / z.dtype.type(z.size)


def softmax_ce(z, y):
    """(1/n) sum logsumexp(z_i) - z_i,y_i with y the class indices [n]; gradient (softmax - onehot) / n.
    On a sequence output z [n, steps, C] with y [n, steps], every (sample, step) is a row and n
    becomes n steps, as PyTorch's CrossEntropyLoss on logits [n, C, steps]."""
    classes = z.shape[-1]
    if y.shape != z.shape[:-1]:
        raise ProtocolError("softmax_ce targets must have shape %s, got %s" % (list(z.shape[:-1]), list(y.shape)))
    rows_z, labels_f = z.reshape(-1, classes), y.reshape(-1)
    n, labels = rows_z.shape[0], labels_f.astype(np.int64)
    if np.any(labels != labels_f) or np.any(labels < 0) or np.any(labels >= classes):
        raise ProtocolError("softmax_ce targets must be class indices in 0...%d" % (classes - 1))
    shifted = rows_z - rows_z.max(axis=1, keepdims=True)  # logsumexp unchanged, exp never overflows
    e = np.exp(shifted)
    rows = np.arange(n)
    loss = np.sum(np.log(e.sum(axis=1)) - shifted[rows, labels]) / n
    grad = e / e.sum(axis=1, keepdims=True)
    grad[rows, labels] -= 1
    return float(loss), (grad / z.dtype.type(n)).reshape(z.shape)


LOSSES = {"mse": mse, "bce_logits": bce_logits, "softmax_ce": softmax_ce}
