"""The Value methods of the op table: generated from its entries, and a few written out.

Sits under :mod:`.value`: :class:`~tinygrad_lite.engine.Value` inherits
:class:`MathMethods`, and :func:`install` gives it one method per op of the
table that is a function of the Value alone (``v.asin()``) or of the Value
and one more operand (``v.atan2(x)``). A method applies its op through the
engine's generic entry point, and its docstring is the entry's ``doc``: an
op is written once, in the table. ``custom_op`` adds its ops' methods the
same way. Written out here are the methods that take arguments of their
own (``round(decimals)``, ``clamp(low, high)``, ``hypot(*others)``) and the
operators ``%``, ``//`` and ``divmod``; micrograd's own (``relu``,
``tanh``, ...) are on the Value class.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..ops import OPS, UNARY, VARIADIC, Op
from ..ops.generic import apply

if TYPE_CHECKING:
    from .value import Value

__all__ = ["MathMethods", "install", "method_for"]

# Ops that are operators, not methods (``a // b``, not ``a.floordiv(b)``).
OPERATORS = frozenset({"add", "sub", "mul", "div", "pow", "neg", "floordiv", "mod"})

_CLAMP = OPS["clamp"]
_FLOORDIV = OPS["floordiv"]
_HYPOT = OPS["hypot"]
_MOD = OPS["mod"]
_ROUND = OPS["round"]


def method_for(op: Op, count: int) -> Callable[..., Any]:
    """The method ``v.<op>(*others)`` of an op of ``count`` operands, documented by its entry.

    It calls the Value's node-making hooks (``_unary``, ``_method``) or, for
    more operands, the engine's ``apply_op``, as a method written out would.
    """
    if count == 1:

        def unary(self: Value) -> Value:
            return self._unary(op)

        method: Callable[..., Any] = unary
    elif count == 2:

        def binary(self: Value, other: Value | float) -> Value:
            return self._method(op, other)

        method = binary
    else:

        def several(self: Value, *others: Value | float) -> Value:
            if len(others) != count - 1:
                raise TypeError(
                    f"{op.name}() takes {count - 1} argument(s) besides the Value, "
                    f"got {len(others)}"
                )
            result: Value = apply(op, self, *others)
            return result

        method = several
    method.__name__ = method.__qualname__ = op.name
    method.__doc__ = op.doc
    return method


def install(value_class: type) -> None:
    """Give ``value_class`` a method for every plain unary or binary op it lacks."""
    for op in list(OPS.values()):
        if op.name in OPERATORS or op.arity == VARIADIC or hasattr(value_class, op.name):
            continue
        setattr(value_class, op.name, method_for(op, 1 if op.arity == UNARY else 2))


class MathMethods:
    """The methods written out; :func:`install` adds one per op of the table."""

    __slots__ = ()

    if TYPE_CHECKING:
        # The hooks, defined by Value.
        def _unary(self, op: Op) -> Value: ...
        def _method(self, op: Op, other: Any) -> Value: ...
        def _right(self, op: Op, other: Any) -> Value: ...
        def _left(self, op: Op, other: Any) -> Value: ...
        def __mul__(self, other: Value | float) -> Value: ...
        def __truediv__(self, other: Value | float) -> Value: ...

        # What install() adds, for the type checker (the docstrings are the entries').
        def abs(self) -> Value: ...
        def sigmoid(self) -> Value: ...
        def sqrt(self) -> Value: ...
        def sin(self) -> Value: ...
        def cos(self) -> Value: ...
        def exp2(self) -> Value: ...
        def expm1(self) -> Value: ...
        def log2(self) -> Value: ...
        def log10(self) -> Value: ...
        def log1p(self) -> Value: ...
        def cbrt(self) -> Value: ...
        def tan(self) -> Value: ...
        def asin(self) -> Value: ...
        def acos(self) -> Value: ...
        def atan(self) -> Value: ...
        def atan2(self, x: Value | float) -> Value: ...
        def sinh(self) -> Value: ...
        def cosh(self) -> Value: ...
        def asinh(self) -> Value: ...
        def acosh(self) -> Value: ...
        def atanh(self) -> Value: ...
        def erf(self) -> Value: ...
        def erfc(self) -> Value: ...
        def floor(self) -> Value: ...
        def ceil(self) -> Value: ...
        def trunc(self) -> Value: ...
        def sign(self) -> Value: ...
        def copysign(self, other: Value | float) -> Value: ...
        def fmod(self, other: Value | float) -> Value: ...
        def remainder(self, other: Value | float) -> Value: ...
        def maximum(self, other: Value | float) -> Value: ...
        def minimum(self, other: Value | float) -> Value: ...

    def round(self, decimals: int = 0) -> Value:
        """``x`` rounded half to even, as ``torch.round``; derivative 0.

        Args:
            decimals: Round to this many decimal places: the node is then
                ``round(x * 10**decimals) / 10**decimals``, as in torch (a
                negative count rounds to tens, hundreds, ...).
        """
        if type(decimals) is not int:
            raise TypeError(
                f"round() decimals must be an int, got {type(decimals).__name__}: {decimals!r}"
            )
        if decimals == 0:
            return self._unary(_ROUND)
        if decimals > 0:
            scale = 10.0**decimals
            return (self * scale).round() / scale
        scale = 10.0**-decimals
        return (self / scale).round() * scale

    def hypot(self, *others: Value | float) -> Value:
        """``sqrt(self**2 + other**2 + ...)`` without overflow; derivative 0 at the origin."""
        result: Value = apply(_HYPOT, self, *others)
        return result

    def clamp(self, low: Value | float | None = None, high: Value | float | None = None) -> Value:
        """``self`` limited to ``[low, high]`` (``None``: no limit on that side), as torch.

        The gradient goes to ``self`` when ``low <= self <= high`` (boundaries
        included), to ``low`` below and to ``high`` above; ``low > high``
        gives ``high``.
        """
        lower: Any = -math.inf if low is None else low
        upper: Any = math.inf if high is None else high
        result: Value = apply(_CLAMP, self, lower, upper)
        return result

    def __floor__(self) -> Value:
        return self.floor()

    def __ceil__(self) -> Value:
        return self.ceil()

    def __trunc__(self) -> Value:
        return self.trunc()

    def __round__(self, ndigits: int | None = None) -> Value:
        """``round(v)`` is a Value (a piecewise-constant node, derivative 0), as in torch.

        ``round(v, n)`` is ``v.round(n)``, torch's ``round(v, decimals=n)``:
        ``round(x * 10**n) / 10**n``, which may differ from Python's
        correctly rounded ``round(float, n)`` at a decimal tie (2.675).
        """
        return self.round() if ndigits is None else self.round(ndigits)

    def __mod__(self, other: Value | float) -> Value:
        return self._right(_MOD, other)

    def __rmod__(self, other: float) -> Value:
        return self._left(_MOD, other)

    def __floordiv__(self, other: Value | float) -> Value:
        return self._right(_FLOORDIV, other)

    def __rfloordiv__(self, other: float) -> Value:
        return self._left(_FLOORDIV, other)

    def __divmod__(self, other: Value | float) -> tuple[Value, Value]:
        quotient = self._right(_FLOORDIV, other)
        if quotient is NotImplemented:
            return NotImplemented
        return quotient, self._right(_MOD, other)

    def __rdivmod__(self, other: float) -> tuple[Value, Value]:
        quotient = self._left(_FLOORDIV, other)
        if quotient is NotImplemented:
            return NotImplemented  # type: ignore[no-any-return]
        return quotient, self._left(_MOD, other)
