"""Helpers for local-derivative rules: the same call on a float or on a ``Value``.

A rule is called with floats by the plain ``backward`` and with ``Value`` s by
``backward(create_graph=True)``, which records the derivative's own graph.
So rules never call ``math`` on an argument directly: they use arithmetic
and these helpers. A float goes through the op's IEEE forward; a ``Value``
through its method (``x.cos()``) or, for several operands, through the
engine's generic entry point, which the engine hands over when it is
imported (the op table sits below the engine and never imports it).

Branches in a rule read the number with :func:`data` (or :func:`sign`,
:func:`step`, :func:`zero_unless_nan`), never ``float()``: a rule's branch
is not a lost gradient, and must not warn. Each such read of a ``Value`` is
counted (:func:`value_reads`): a derivative recorded as a graph holds the
branch it took as a constant, so ``jit`` must know which rules branched, to
check on replay that the same branch is still the right one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import ieee
from .base import OPS, VARIADIC, Op

_NAN = float("nan")

_value_apply: Callable[..., Any] | None = None


def set_value_apply(apply: Callable[..., Any]) -> None:
    """Called once by the engine: how to apply an op when an operand is a Value."""
    global _value_apply
    _value_apply = apply


_value_reads = 0


def value_reads() -> int:
    """How many times a rule has read the number of a Value so far (a running count)."""
    return _value_reads


def _read(x: Any) -> float:
    """``x.data`` for a Value ``x``, counted (see the module docstring)."""
    global _value_reads
    _value_reads += 1
    number: float = x.data
    return number


def data(x: Any) -> float:
    """The number held by ``x``: ``x`` itself for a float, ``x.data`` for a Value."""
    return x if type(x) is float else _read(x)


def apply(op: Op, *args: Any) -> Any:
    """``op`` over operands of which some is a Value: its node (the engine's ``apply_op``)."""
    assert _value_apply is not None, "the engine registers Value application on import"
    return _value_apply(op, *args)


def call(name: str, *args: Any) -> Any:
    """The op ``name`` on floats (its forward) or, when any operand is a Value, a node."""
    op = OPS[name]
    for x in args:
        if type(x) is not float:
            assert _value_apply is not None, "the engine registers Value application on import"
            return _value_apply(op, *args)
    return op.forward(list(args)) if op.arity == VARIADIC else op.forward(*args)


def div(a: Any, b: Any) -> Any:
    if type(a) is float and type(b) is float:
        return ieee.ieee_div(a, b)
    return a / b


def pow_(a: Any, b: Any) -> Any:
    if type(a) is float and type(b) is float:
        return ieee.ieee_pow(a, b)
    return a**b


def exp(x: Any) -> Any:
    return ieee.exp(x) if type(x) is float else x.exp()


def log(x: Any) -> Any:
    return ieee.log(x) if type(x) is float else x.log()


def sqrt(x: Any) -> Any:
    return ieee.sqrt(x) if type(x) is float else x.sqrt()


def sin(x: Any) -> Any:
    return ieee.sin(x) if type(x) is float else x.sin()


def cos(x: Any) -> Any:
    return ieee.cos(x) if type(x) is float else x.cos()


def sinh(x: Any) -> Any:
    return ieee.sinh(x) if type(x) is float else x.sinh()


def cosh(x: Any) -> Any:
    return ieee.cosh(x) if type(x) is float else x.cosh()


def hypot(*args: Any) -> Any:
    return call("hypot", *args)


# NOTE: the three below are on the hot path of the plain backward, so they read
# the number inline instead of calling data().


def zero_unless_nan(x: Any) -> float:
    """The derivative of a piecewise-constant op: 0, or nan where the input is nan."""
    number = x if type(x) is float else _read(x)
    return 0.0 if number == number else _NAN


def step(x: Any) -> float:
    """d relu(x)/dx: 1 above zero, 0 at and below (nan stays nan)."""
    # NOTE: relu'(0) = 0, the smallest subgradient, as in PyTorch.
    number = x if type(x) is float else _read(x)
    if number > 0.0:
        return 1.0
    return 0.0 if number <= 0.0 else _NAN


def sign(x: Any) -> float:
    """d|x|/dx: the sign of x, 0 at 0 (nan stays nan)."""
    number = x if type(x) is float else _read(x)
    if number > 0.0:
        return 1.0
    if number < 0.0:
        return -1.0
    return 0.0 if number == 0.0 else _NAN
