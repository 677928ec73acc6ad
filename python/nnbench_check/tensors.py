"""Tensors on the wire (docs/protocol.md, "Values") and the error a request is refused with."""

import numpy as np


class ProtocolError(Exception):
    """A request the program cannot honour: answered {"ok": false, "error": message}, and the
    program goes on. Raise it from a layer's `setup` to refuse a layer's fields."""


NON_FINITE = {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}


def tensor_in(value, dtype, what):
    """{"shape": [...], "data": [...]} -> ndarray of `dtype`, data row-major.

    Numbers may also be the strings "NaN", "Infinity", "-Infinity" (the protocol's non-finite
    numbers). Raises ProtocolError naming `what` when the value is not a tensor or its data do
    not fill its shape."""
    if not isinstance(value, dict) or not isinstance(value.get("shape"), list) or not isinstance(value.get("data"), list):
        raise ProtocolError("%s: expected a tensor {\"shape\": [...], \"data\": [...]}" % what)
    shape = value["shape"]
    if not all(isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in shape):
        raise ProtocolError("%s: shape %r is not a list of sizes" % (what, shape))
    data = value["data"]
    size = int(np.prod(shape, dtype=np.int64))
    if len(data) != size:
        raise ProtocolError("%s: shape %s needs %d values, got %d" % (what, shape, size, len(data)))
    try:
        numbers = [NON_FINITE[v] if isinstance(v, str) else float(v) for v in data]
    except (KeyError, TypeError, ValueError):
        raise ProtocolError("%s: data holds something that is not a number" % what) from None
    return np.array(numbers, dtype=dtype).reshape(shape)


def number_out(v):
    """A float as JSON wants it: non-finite values as the protocol's strings, never bare NaN."""
    v = float(v)
    if v != v:
        return "NaN"
    if v in (float("inf"), float("-inf")):
        return "Infinity" if v > 0 else "-Infinity"
    return v


def tensor_out(a):
    """ndarray -> {"shape": [...], "data": [...]}, row-major, in float64 (exact for float32)."""
    a = np.asarray(a, np.float64)
    data = a.ravel().tolist()
    if not np.isfinite(a).all():
        data = [number_out(v) for v in data]
    return {"shape": list(a.shape), "data": data}
