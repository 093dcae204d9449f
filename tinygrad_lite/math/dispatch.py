"""How a function of :mod:`tinygrad_lite.math` dispatches: a node for a Value, IEEE floats else.

The typed shapes of the functions (a Value gives a Value, a number a float)
and the factories that build them from an op of the table.
"""

from __future__ import annotations

import math as _math
import operator
from collections.abc import Callable
from typing import Any, Protocol, SupportsFloat, SupportsIndex, cast, overload

from ..engine import Value, apply_op
from ..engine.coerce import number as _number
from ..ops import OPS

Real = SupportsFloat | SupportsIndex

PUBLIC_MODULE = "tinygrad_lite.math"


class UnaryFunction(Protocol):
    """A function of one number or Value (``sin``): a node for a Value, else a float."""

    __name__: str

    @overload
    def __call__(self, x: Value, /) -> Value: ...  # type: ignore[overload-overlap]

    @overload
    def __call__(self, x: Real, /) -> float: ...


class BinaryFunction(Protocol):
    """A function of two numbers or Values (``atan2``): a node if either is a Value."""

    __name__: str

    @overload
    def __call__(self, a: Value, b: Value | Real, /) -> Value: ...  # type: ignore[overload-overlap]

    @overload
    def __call__(self, a: Real, b: Value, /) -> Value: ...  # type: ignore[overload-overlap]

    @overload
    def __call__(self, a: Real, b: Real, /) -> float: ...


def real(name: str, x: Any) -> float:
    """A number operand as a float (what ``math`` would convert it to)."""
    number = x if type(x) is float else _number(x)
    if number is not None:
        return number
    if not isinstance(x, Value) and (
        hasattr(type(x), "__float__") or hasattr(type(x), "__index__")
    ):
        try:
            return float(x)  # e.g. a 0-d numpy array, as math accepts it
        except OverflowError:  # an integer-like beyond the float range
            return _math.inf if operator.index(x) > 0 else -_math.inf
    raise TypeError(
        f"tinygrad_lite.math.{name}() accepts a Value or a real number, "
        f"got {type(x).__name__}: {x!r}"
    )


def unary(name: str, op_name: str | None = None) -> UnaryFunction:
    """``name`` for the op ``op_name`` (default: the same), its docstring from the entry."""
    op = OPS[op_name or name]
    forward = op.forward

    def function(x: Any) -> Any:
        if type(x) is Value:
            return apply_op(op, x)
        return forward(real(name, x))

    return cast(UnaryFunction, named(function, name, op.doc))


def binary(name: str, op_name: str | None = None) -> BinaryFunction:
    """``name`` for the op ``op_name`` (default: the same), its docstring from the entry."""
    op = OPS[op_name or name]
    forward = op.forward

    def function(a: Any, b: Any) -> Any:
        if type(a) is Value or type(b) is Value:
            return apply_op(op, a, b)
        return forward(real(name, a), real(name, b))

    return cast(BinaryFunction, named(function, name, op.doc))


def named(function: Callable[..., Any], name: str, doc: str) -> Callable[..., Any]:
    function.__name__ = function.__qualname__ = name
    function.__module__ = PUBLIC_MODULE
    function.__doc__ = doc
    return function


def exact_log(x: Any, exact: Callable[[Any], float], forward: Callable[[float], float]) -> float:
    # NOTE: math's logarithms are exact for ints beyond the float range (log(10**400))
    if isinstance(x, int) and x > 0:
        return exact(x)
    return forward(real(exact.__name__, x))


def logarithm(name: str, exact: Callable[[Any], float]) -> UnaryFunction:
    """A logarithm that is exact for huge ints, as ``math``'s, documented by its entry."""
    forward = OPS[name].forward

    def function(x: Any) -> Any:
        return getattr(x, name)() if type(x) is Value else exact_log(x, exact, forward)

    return cast(UnaryFunction, named(function, name, OPS[name].doc))


def rounding(name: str, exact: Callable[[Any], int]) -> Callable[[Any], Any]:
    def function(x: Any) -> Any:
        if type(x) is Value:
            return getattr(x, name)()
        try:
            return exact(x)  # an int, exact for huge ints, Fractions and Decimals
        except (OverflowError, ValueError):
            return real(name, x)  # inf, -inf and nan are their own rounding
        except TypeError:
            real(name, x)  # raises, naming the function and the operand
            raise

    return function


class RoundingFunction(Protocol):
    """``floor``, ``ceil`` or ``trunc``: a node for a Value, an int for a finite number."""

    __name__: str

    @overload
    def __call__(self, x: Value, /) -> Value: ...  # type: ignore[overload-overlap]

    @overload
    def __call__(self, x: Real, /) -> int | float: ...
