"""Piecewise ops: the roundings, sign, minimum, maximum and clamp (relu is in :mod:`.core`).

Conventions at the kinks, chosen as PyTorch does:

* ``relu'(0) = 0`` and ``abs'(0) = 0``, the smallest subgradient;
* ``floor``, ``ceil``, ``trunc``, ``round`` and ``sign`` are piecewise
  constant: derivative 0 everywhere, also at the jumps (nan at nan);
* ``maximum(a, b)`` and ``minimum(a, b)`` at a tie ``a == b`` send half of
  the gradient to each side (both are subgradients; the mean is symmetric);
* ``clamp(x, low, high)`` passes the gradient to ``x`` on the closed interval
  ``low <= x <= high`` (boundaries included), to ``low`` below it and to
  ``high`` above it; an empty interval (``low > high``) is ``high``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from . import ieee
from .base import BINARY, UNARY, VARIADIC, Op
from .generic import data, zero_unless_nan

_NAN = math.nan


def _constant_grad(x: Any, out: Any) -> float:
    return zero_unless_nan(out)


def _maximum_grads(a: Any, b: Any, out: Any) -> tuple[float, float]:
    a_data, b_data = data(a), data(b)
    if a_data > b_data:
        return 1.0, 0.0
    if b_data > a_data:
        return 0.0, 1.0
    if a_data == b_data:
        return 0.5, 0.5
    return _NAN, _NAN


def _minimum_grads(a: Any, b: Any, out: Any) -> tuple[float, float]:
    a_data, b_data = data(a), data(b)
    if a_data < b_data:
        return 1.0, 0.0
    if b_data < a_data:
        return 0.0, 1.0
    if a_data == b_data:
        return 0.5, 0.5
    return _NAN, _NAN


def _clamp_grads(args: Sequence[Any], out: Any) -> list[float]:
    x, low, high = (data(arg) for arg in args)
    if x != x or low != low or high != high:
        return [_NAN, _NAN, _NAN]
    if low > high or x > high:
        return [0.0, 0.0, 1.0]
    if x < low:
        return [0.0, 1.0, 0.0]
    return [1.0, 0.0, 0.0]


ENTRIES = [
    Op(
        "floor",
        "floor",
        UNARY,
        ieee.floor,
        _constant_grad,
        doc="The largest integer ``<= x``, as a float. Derivative 0 (nan at nan).",
    ),
    Op(
        "ceil",
        "ceil",
        UNARY,
        ieee.ceil,
        _constant_grad,
        doc="The smallest integer ``>= x``, as a float. Derivative 0 (nan at nan).",
    ),
    Op(
        "trunc",
        "trunc",
        UNARY,
        ieee.trunc,
        _constant_grad,
        doc="``x`` rounded toward 0, as a float. Derivative 0 (nan at nan).",
    ),
    Op(
        "round",
        "round",
        UNARY,
        ieee.round_half_even,
        _constant_grad,
        doc="``x`` rounded half to even, as ``torch.round``. Derivative 0 (nan at nan).",
    ),
    Op(
        "sign",
        "sign",
        UNARY,
        ieee.sign,
        _constant_grad,
        doc="-1, 0 or 1 (nan at nan). Derivative 0.",
    ),
    Op(
        "maximum",
        "max",
        BINARY,
        ieee.maximum,
        _maximum_grads,
        doc=(
            "The larger of ``a`` and ``b`` (nan if either is). The gradient goes to the larger; a "
            "tie sends half to each."
        ),
    ),
    Op(
        "minimum",
        "min",
        BINARY,
        ieee.minimum,
        _minimum_grads,
        doc=(
            "The smaller of ``a`` and ``b`` (nan if either is). The gradient goes to the smaller; "
            "a tie sends half to each."
        ),
    ),
    Op(
        "clamp",
        "clamp",
        VARIADIC,
        ieee.clamp,
        _clamp_grads,
        doc=(
            "``x`` limited to ``[low, high]``, as ``torch.clamp``. The gradient goes to ``x`` on "
            "the closed interval, to ``low`` below it, to ``high`` above it; ``low > high`` gives "
            "``high``."
        ),
    ),
]
