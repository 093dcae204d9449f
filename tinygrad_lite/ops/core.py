"""micrograd's ops, each with its forward and its local derivative side by side.

Every entry is ``Op(name, symbol, arity, forward, local_grads)``. The
forward works on floats. ``local_grads`` gives ``d out / d input`` for each
input, given the inputs and the op's own result ``out``; it is written with
arithmetic and the helpers of :mod:`.generic`, so the same rule also runs on
Values, where it records the derivative's own graph (second derivatives).
Forwards follow IEEE 754 (:mod:`.ieee`): ``1/0`` is inf, never an error.
"""

from __future__ import annotations

import math
from operator import add, mul, sub
from typing import Any

from . import ieee
from .base import BINARY, UNARY, Op
from .generic import data, div, log, pow_, step


def _add_grads(a: Any, b: Any, out: Any) -> tuple[float, float]:
    """``a + b``. ``d/da = d/db = 1``."""
    return 1.0, 1.0


def _sub_grads(a: Any, b: Any, out: Any) -> tuple[float, float]:
    """``a - b``. ``d/da = 1``, ``d/db = -1``."""
    return 1.0, -1.0


def _mul_grads(a: Any, b: Any, out: Any) -> tuple[Any, Any]:
    """``a * b``. ``d/da = b``, ``d/db = a``."""
    return b, a


def _div_grads(a: Any, b: Any, out: Any) -> tuple[Any, Any]:
    """``a / b``, IEEE: ``1/0`` is inf, ``0/0`` nan. ``d/da = 1/b``, ``d/db = -a/b**2``."""
    return div(1.0, b), div(-out, b)


def _pow_grads(a: Any, b: Any, out: Any) -> tuple[Any, Any]:
    """``a ** b``, IEEE (never an error). ``d/da = b a**(b-1)``, ``d/db = a**b log a``."""
    # NOTE: on Values a plain-number side (the 2 of x ** 2) gets no gradient, so
    # its half is never built (x ** 2 at x < 0 would record an unused log(x) = nan).
    a_is_number, b_is_number = type(a) is float, type(b) is float
    a_data = data(a)
    if a_is_number and not b_is_number:
        base: Any = 0.0
    elif data(b) == 0.0:
        # NOTE: at b = 0, b * a**-1 is a signed zero where a**-1 is finite, and 0
        # where it is not (a = 0, subnormal, nan) instead of 0 * inf = nan. A Value
        # b keeps its graph: the mixed derivative d/db (b * a**(b-1)) is not 0.
        inverse = ieee.ieee_pow(a_data, -1.0)
        if not math.isfinite(inverse):
            base = 0.0
        else:
            base = b * inverse if b_is_number else b * pow_(a, b - 1.0)
    else:
        base = b * pow_(a, b - 1.0)
    # NOTE: at a = 0 the exponent's gradient is 0, as in PyTorch: a**b is flat in
    # b there for b > 0, and the 0 * log(0) = nan term is never formed.
    exponent = 0.0 if (b_is_number and not a_is_number) or a_data == 0.0 else out * log(a)
    return base, exponent


def _neg_grad(x: Any, out: Any) -> float:
    """``-x``. ``d/dx = -1``."""
    return -1.0


def _exp_grad(x: Any, out: Any) -> Any:
    """``e**x``; ``exp(1000)`` is inf. ``d/dx = e**x``."""
    return out  # d e**x/dx = e**x


def _log_grad(x: Any, out: Any) -> Any:
    """Natural logarithm: ``log(0) = -inf``, nan below 0. ``d/dx = 1/x``."""
    return div(1.0, x)


def _tanh_grad(x: Any, out: Any) -> Any:
    """Hyperbolic tangent. ``d/dx = 1 - tanh(x)**2``."""
    return 1.0 - out * out


def _relu_grad(x: Any, out: Any) -> float:
    """``max(0, x)``. ``d/dx`` is 1 above 0, else 0 (0 at 0, as in PyTorch)."""
    return step(x)  # NOTE: relu'(0) = 0, the smallest subgradient, as in PyTorch


ENTRIES = [  # name, symbol, arity, forward, local derivative (its docstring is the op's doc)
    Op("add", "+", BINARY, add, _add_grads),
    Op("sub", "-", BINARY, sub, _sub_grads),
    Op("mul", "*", BINARY, mul, _mul_grads),
    Op("div", "/", BINARY, ieee.ieee_div, _div_grads),
    Op("pow", "**", BINARY, ieee.ieee_pow, _pow_grads),
    Op("neg", "-", UNARY, lambda x: -x, _neg_grad),
    Op("exp", "exp", UNARY, ieee.exp, _exp_grad),
    Op("log", "log", UNARY, ieee.log, _log_grad),
    Op("tanh", "tanh", UNARY, math.tanh, _tanh_grad),
    Op("relu", "relu", UNARY, ieee.relu, _relu_grad),
]
