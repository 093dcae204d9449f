"""Arithmetic ops: + - * / ** and negation, the three remainders, ``//``, copysign.

Each rule sits next to its op's entry; ``out`` is the op's own result,
reused where it is cheaper or exact (``d(a/b)/db = -out/b``).
"""

from __future__ import annotations

import math
from operator import add, mul, sub
from typing import Any

from . import ieee
from .base import BINARY, UNARY, Op
from .generic import data, div, log, pow_, sign, zero_unless_nan


def _add_grads(a: Any, b: Any, out: Any) -> tuple[float, float]:
    return 1.0, 1.0


def _sub_grads(a: Any, b: Any, out: Any) -> tuple[float, float]:
    return 1.0, -1.0


def _mul_grads(a: Any, b: Any, out: Any) -> tuple[Any, Any]:
    return b, a


def _div_grads(a: Any, b: Any, out: Any) -> tuple[Any, Any]:
    # d(a/b)/da = 1/b, d(a/b)/db = -a/b**2 = -out/b
    return div(1.0, b), div(-out, b)


def _pow_grads(a: Any, b: Any, out: Any) -> tuple[Any, Any]:
    # d(a**b)/da = b * a**(b-1); d(a**b)/db = a**b * log(a)
    # NOTE: on Values (create_graph) a plain-number side gets no gradient, so its
    # half is never built: x ** 2 at x < 0 must not record an unused log(x) = nan
    # (detect_anomaly would raise on it), nor 2 ** x an unused 2 ** (x - 1) node.
    a_is_number = type(a) is float
    b_is_number = type(b) is float
    a_data = data(a)
    skip_base = a_is_number and not b_is_number
    # NOTE: at b = 0, d(a**b)/da = b * a**-1 is a signed zero wherever a**-1 is
    # finite, and 0 where it is not (a = 0, a subnormal a, a nan), instead of
    # 0 * inf = nan. A plain-number exponent gives that zero as a constant; a
    # Value exponent keeps its graph, because the mixed derivative
    # d/db (b * a**(b-1)) = a**(b-1) is not 0.
    if skip_base:
        base: Any = 0.0
    elif data(b) == 0.0:
        inverse = ieee.ieee_pow(a_data, -1.0)
        if not math.isfinite(inverse):
            base = 0.0
        elif b_is_number:
            base = b * inverse
        else:
            base = b * pow_(a, b - 1.0)
    else:
        base = b * pow_(a, b - 1.0)
    # NOTE: at a = 0 the exponent's gradient is 0, as in PyTorch: a**b is flat
    # in b there for b > 0, and we never form the 0 * log(0) = nan term.
    skip_exponent = b_is_number and not a_is_number
    exponent = 0.0 if skip_exponent or a_data == 0.0 else out * log(a)
    return base, exponent


def _neg_grad(x: Any, out: Any) -> float:
    return -1.0


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
    Op("add", "+", BINARY, add, _add_grads),
    Op("sub", "-", BINARY, sub, _sub_grads),
    Op("mul", "*", BINARY, mul, _mul_grads),
    Op("div", "/", BINARY, ieee.ieee_div, _div_grads),
    Op("pow", "**", BINARY, ieee.ieee_pow, _pow_grads),
    Op("neg", "-", UNARY, lambda x: -x, _neg_grad),
    Op("abs", "abs", UNARY, abs, _abs_grad),
    Op("floordiv", "//", BINARY, ieee.floordiv, _floordiv_grads),
    Op("mod", "%", BINARY, ieee.mod, _mod_grads),
    Op("fmod", "fmod", BINARY, ieee.fmod, _fmod_grads),
    Op("remainder", "remainder", BINARY, ieee.remainder, _remainder_grads),
    Op("copysign", "copysign", BINARY, _copysign, _copysign_grads),
]
