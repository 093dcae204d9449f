"""Shared hypothesis strategies for the suite, on top of ``tinygrad_lite.testing``.

The package ships the machinery (one mechanism, not two): ``OP_INPUTS``, the
smooth domain of every built-in op; ``reals``, ``away_from_zero`` and
``off_the_jumps``; random expressions (``tinygrad_lite.testing.expressions``)
and ``apply_value`` / ``apply_float``. This module adds what only the suite
needs:

* three user-defined ops registered with ``tinygrad_lite.custom_op``
  (``softplus``, ``logaddexp`` and the three-argument ``lerp``), with their
  domains in ``OP_INPUTS``, so that every test that loops over the op table,
  and every random expression graph, runs them exactly like the built-ins;
* two oracles: every op through HIPS ``autograd.numpy`` (``apply_autograd``)
  and through the standard ``math`` module (``apply_math``);
* ``Graph``, the package's ``Expression`` with ``on_autograd`` (so three
  engines evaluate one expression), drawn by ``expression_graphs()``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import autograd.numpy as anp
import autograd.scipy.special as aspecial
from hypothesis import strategies as st

from tinygrad_lite import custom_op
from tinygrad_lite import math as tlmath
from tinygrad_lite.testing import Expression, expressions
from tinygrad_lite.testing.domains import OP_INPUTS as BUILTIN_OP_INPUTS
from tinygrad_lite.testing.domains import away_from_zero, off_the_jumps, reals
from tinygrad_lite.testing.expressions import apply_float, apply_value

__all__ = [
    "OP_INPUTS",
    "USER_OPS",
    "Graph",
    "apply_autograd",
    "apply_float",
    "apply_math",
    "apply_value",
    "away_from_zero",
    "expression_graphs",
    "lerp",
    "logaddexp",
    "off_the_jumps",
    "reals",
    "softplus",
]

# ---------------------------------------------------------------------------
# User-defined ops, written as a student would: forward on floats, local
# derivatives with tinygrad_lite.math (so they run on Values too).


def _softplus(x: float) -> float:
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))  # log(1 + e**x), never overflows


softplus = custom_op(
    "softplus", _softplus, lambda x, out: 1.0 / (1.0 + tlmath.exp(-x)), symbol="softplus"
)


@custom_op("logaddexp", local_grads=lambda a, b, out: (tlmath.exp(a - out), tlmath.exp(b - out)))
def logaddexp(a: float, b: float) -> float:
    """``log(e**a + e**b)``, shifted by the larger so it never overflows."""
    high = max(a, b)
    return high + math.log1p(math.exp(-abs(a - b)))


lerp = custom_op(
    "lerp",
    lambda a, b, t: a + t * (b - a),
    lambda a, b, t, out: (1.0 - t, t, b - a),
    symbol="lerp",
)

USER_OPS = ("softplus", "logaddexp", "lerp")

OP_INPUTS: dict[str, st.SearchStrategy[tuple[float, ...]]] = {
    **BUILTIN_OP_INPUTS,
    "softplus": st.tuples(reals(-10.0, 10.0)),
    "logaddexp": st.tuples(reals(-10.0, 10.0), reals(-10.0, 10.0)),
    "lerp": st.tuples(reals(-10.0, 10.0), reals(-10.0, 10.0), reals(-2.0, 2.0)),
}
"""Per op name: a strategy for a tuple of arguments in the op's smooth domain."""


# ---------------------------------------------------------------------------
# Applying an op by name on three engines.


def _dot_split(args: Sequence[Any]) -> tuple[list[Any], list[Any], Any]:
    n = len(args) // 2
    bias = args[-1] if len(args) % 2 else None
    return list(args[:n]), list(args[n : 2 * n]), bias


def _left_fold(values: Sequence[Any], start: Any = None) -> Any:
    result = values[0] if start is None else start
    for x in values if start is not None else values[1:]:
        result = result + x
    return result


def _left_product(values: Sequence[Any]) -> Any:
    result = values[0]
    for x in values[1:]:
        result = result * x
    return result


def _autograd_dot(*xs: Any) -> Any:
    weights, inputs, bias = _dot_split(xs)
    products = [w * x for w, x in zip(weights, inputs, strict=True)]
    return _left_fold(products, 0.0 if bias is None else bias)


_AUTOGRAD_OPS: dict[str, Callable[..., Any]] = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "pow": lambda a, b: a**b,
    "neg": lambda x: -x,
    "abs": anp.abs,
    "relu": lambda x: anp.maximum(x, 0.0),
    "tanh": anp.tanh,
    "sigmoid": lambda x: 1.0 / (1.0 + anp.exp(-x)),
    "exp": anp.exp,
    "log": anp.log,
    "sqrt": anp.sqrt,
    "sin": anp.sin,
    "cos": anp.cos,
    "tan": anp.tan,
    "asin": anp.arcsin,
    "acos": anp.arccos,
    "atan": anp.arctan,
    "atan2": anp.arctan2,
    "sinh": anp.sinh,
    "cosh": anp.cosh,
    "asinh": anp.arcsinh,
    "acosh": anp.arccosh,
    "atanh": anp.arctanh,
    "exp2": anp.exp2,
    "expm1": anp.expm1,
    "log2": anp.log2,
    "log10": anp.log10,
    "log1p": anp.log1p,
    "cbrt": lambda x: anp.sign(x) * anp.abs(x) ** (1.0 / 3.0),
    "erf": aspecial.erf,
    "erfc": aspecial.erfc,
    "floor": anp.floor,
    "ceil": anp.ceil,
    "trunc": anp.trunc,
    "round": anp.round,
    "sign": anp.sign,
    "floordiv": anp.floor_divide,
    "mod": anp.mod,
    # autograd has no rule for fmod, IEEE remainder or copysign: built from its primitives
    "fmod": lambda a, b: a - anp.trunc(a / b) * b,
    "remainder": lambda a, b: a - anp.round(a / b) * b,
    "copysign": lambda a, b: anp.abs(a) * anp.sign(b),
    "maximum": anp.maximum,
    "minimum": anp.minimum,
    "clamp": lambda x, low, high: anp.minimum(anp.maximum(x, low), high),
    "hypot": lambda *xs: anp.sqrt(_left_fold([x * x for x in xs])),
    "fsum": lambda *xs: _left_fold(xs),
    "prod": lambda *xs: _left_product(xs),
    "softplus": lambda x: anp.logaddexp(0.0, x),
    "logaddexp": anp.logaddexp,
    "lerp": lambda a, b, t: a + t * (b - a),
    "total": lambda *xs: _left_fold(xs),
    "dot": _autograd_dot,
    "logsumexp": lambda *xs: anp.log(_left_fold([anp.exp(x) for x in xs])),
}

_MATH_OPS: dict[str, Callable[..., float]] = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "pow": math.pow,
    "neg": lambda x: -x,
    "abs": abs,
    "relu": lambda x: max(x, 0.0),
    "tanh": math.tanh,
    "sigmoid": lambda x: 1.0 / (1.0 + math.exp(-x)),
    "exp": math.exp,
    "log": math.log,
    "sqrt": math.sqrt,
    "sin": math.sin,
    "cos": math.cos,
    "tan": math.tan,
    "asin": math.asin,
    "acos": math.acos,
    "atan": math.atan,
    "atan2": math.atan2,
    "sinh": math.sinh,
    "cosh": math.cosh,
    "asinh": math.asinh,
    "acosh": math.acosh,
    "atanh": math.atanh,
    "exp2": lambda x: 2.0**x,
    "expm1": math.expm1,
    "log2": math.log2,
    "log10": math.log10,
    "log1p": math.log1p,
    "cbrt": lambda x: math.copysign(abs(x) ** (1.0 / 3.0), x),
    "erf": math.erf,
    "erfc": math.erfc,
    "floor": math.floor,
    "ceil": math.ceil,
    "trunc": math.trunc,
    "round": round,
    "sign": lambda x: math.copysign(1.0, x),
    "floordiv": lambda a, b: a // b,
    "mod": lambda a, b: a % b,
    "fmod": math.fmod,
    "remainder": math.remainder,
    "copysign": math.copysign,
    "maximum": max,
    "minimum": min,
    "clamp": lambda x, low, high: min(max(x, low), high),
    "hypot": math.hypot,
    "fsum": lambda *xs: math.fsum(xs),
    "prod": lambda *xs: math.prod(xs),
    "softplus": lambda x: math.log(1.0 + math.exp(x)),
    "logaddexp": lambda a, b: math.log(math.exp(a) + math.exp(b)),
    "lerp": lambda a, b, t: a + t * (b - a),
    "total": lambda *xs: _left_fold(xs),
    "dot": lambda *xs: _left_fold(
        [w * x for w, x in zip(*_dot_split(xs)[:2], strict=True)], _dot_split(xs)[2] or 0.0
    ),
    "logsumexp": lambda *xs: math.log(math.fsum(math.exp(x) for x in xs)),
}


def apply_autograd(name: str, args: Sequence[Any]) -> Any:
    """``name`` applied with ``autograd.numpy`` (traceable by ``autograd.grad``)."""
    return _AUTOGRAD_OPS[name](*args)


def apply_math(name: str, args: Sequence[float]) -> float:
    """``name`` on floats through the ``math`` module: an oracle for the op table."""
    return _MATH_OPS[name](*args)


# ---------------------------------------------------------------------------
# Random expression graphs: the package's, with the autograd oracle.


class Graph(Expression):
    """:class:`tinygrad_lite.testing.Expression`, replayable on HIPS autograd too."""

    def on_autograd(self, *leaves: Any) -> Any:
        """Replay with ``autograd.numpy``: differentiable by ``autograd.grad``."""
        return self.replay(leaves, apply_autograd)


def expression_graphs(
    min_leaves: int = 1, max_leaves: int = 4, max_steps: int = 10
) -> st.SearchStrategy[Graph]:
    """``tinygrad_lite.testing.expressions`` over every op of the table, as :class:`Graph`."""
    drawn = expressions(min_leaves=min_leaves, max_leaves=max_leaves, max_steps=max_steps)
    return drawn.map(lambda e: Graph(e.leaves, e.instructions))
