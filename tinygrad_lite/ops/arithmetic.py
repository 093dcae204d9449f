"""Arithmetic ops beyond micrograd's (those are in :mod:`.core`): abs, ``//``, the
three remainders, copysign.

Each rule sits next to its op's entry; ``out`` is the op's own result.
"""

from __future__ import annotations

import math
from typing import Any

from . import ieee
from .base import BINARY, UNARY, Op
from .generic import data, sign, zero_unless_nan


def _abs_grad(x: Any, out: Any) -> float:
    return sign(x)


def _quotient(a: Any, b: Any, out: Any, rounding: Any) -> float:
    """The integer ``n`` with ``out = a - n*b``: exact, read back from the result."""
    a_data, b_data, out_data = data(a), data(b), data(out)
    if math.isfinite(out_data) and math.isfinite(a_data) and math.isfinite(b_data):
        # NOTE: a - out is n*b up to rounding, so the quotient rounds to n exactly;
        # trunc(a/b) computed from the rounded a/b could be off by one.
        return ieee.round_half_even((a_data - out_data) / b_data)  # inf for a subnormal b
    quotient: float = rounding(ieee.ieee_div(a_data, b_data))  # inf or nan
    return quotient


def _fmod_grads(a: Any, b: Any, out: Any) -> tuple[float, float]:
    # fmod(a, b) = a - trunc(a/b) * b
    return 1.0, -_quotient(a, b, out, ieee.trunc)


def _remainder_grads(a: Any, b: Any, out: Any) -> tuple[float, float]:
    # remainder(a, b) = a - round(a/b) * b, ties to even
    return 1.0, -_quotient(a, b, out, ieee.round_half_even)


def _mod_grads(a: Any, b: Any, out: Any) -> tuple[float, float]:
    # a % b = a - (a // b) * b; Python's // is the quotient that matches its %
    return 1.0, -ieee.floordiv(data(a), data(b))


def _floordiv_grads(a: Any, b: Any, out: Any) -> tuple[float, float]:
    zero = zero_unless_nan(out)  # piecewise constant in both arguments
    return zero, zero


def _copysign(a: float, b: float) -> float:
    # NOTE: a nan's sign bit is not reproducible in CPython (which operand's nan
    # an addition keeps depends on the interpreter's specialization), so a nan
    # sign source counts as positive: the result never depends on it.
    return abs(a) if b != b else math.copysign(a, b)


def _copysign_grads(a: Any, b: Any, out: Any) -> tuple[float, float]:
    # |a| with b's sign: d/da = sign(a) * sign of b (0 at a = 0, as abs); flat in b
    b_data = data(b)
    b_sign = math.copysign(1.0, b_data) if b_data == b_data else 1.0
    return sign(a) * b_sign, zero_unless_nan(out)


ENTRIES = [
    Op("abs", "abs", UNARY, abs, _abs_grad, doc="Absolute value. ``d/dx = sign(x)``, 0 at 0."),
    Op(
        "floordiv",
        "//",
        BINARY,
        ieee.floordiv,
        _floordiv_grads,
        doc="``a // b``, Python's floor division, as a float. Derivative 0 (piecewise constant).",
    ),
    Op(
        "mod",
        "%",
        BINARY,
        ieee.mod,
        _mod_grads,
        doc="``a % b``, with the sign of ``b`` as Python's. ``d/da = 1``, ``d/db = -(a // b)``.",
    ),
    Op(
        "fmod",
        "fmod",
        BINARY,
        ieee.fmod,
        _fmod_grads,
        doc=(
            "C's ``fmod``: ``a - trunc(a/b) b``, with the sign of ``a``; nan for ``b = 0`` or "
            "infinite ``a``. ``d/da = 1``, ``d/db = -trunc(a/b)``."
        ),
    ),
    Op(
        "remainder",
        "remainder",
        BINARY,
        ieee.remainder,
        _remainder_grads,
        doc=(
            "IEEE remainder ``a - n b``, ``n`` the nearest integer to ``a/b`` (ties to even); nan "
            "for ``b = 0``. ``d/da = 1``, ``d/db = -n``."
        ),
    ),
    Op(
        "copysign",
        "copysign",
        BINARY,
        _copysign,
        _copysign_grads,
        doc=(
            "``|a|`` with the sign of ``b``; a nan ``b`` counts as positive. ``d/da = ±1`` (0 at "
            "0), ``d/db = 0``."
        ),
    ),
]
