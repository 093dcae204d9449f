"""The Value methods of the full scalar op set: trigonometry, exponentials, roundings, ...

Sits under :mod:`.value`: :class:`~tinygrad_lite.engine.Value` inherits
:class:`MathMethods`. Each method is one op of the table applied to the
Value, through the four node-making hooks the Value class provides
(``_unary``, ``_method``, ``_right``/``_left`` for the operators, and
``_nary_method``); the hot ops (``+ - * /``, ``relu``, ``tanh``, ``exp``,
...) are written on the Value class itself. ``tinygrad_lite.math`` calls
these for Value arguments.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from ..ops import OPS, Op

if TYPE_CHECKING:
    from .value import Value

__all__ = ["MathMethods"]

_ACOS = OPS["acos"]
_ACOSH = OPS["acosh"]
_ASIN = OPS["asin"]
_ASINH = OPS["asinh"]
_ATAN = OPS["atan"]
_ATAN2 = OPS["atan2"]
_ATANH = OPS["atanh"]
_CBRT = OPS["cbrt"]
_CEIL = OPS["ceil"]
_CLAMP = OPS["clamp"]
_COPYSIGN = OPS["copysign"]
_COSH = OPS["cosh"]
_ERF = OPS["erf"]
_ERFC = OPS["erfc"]
_EXP2 = OPS["exp2"]
_EXPM1 = OPS["expm1"]
_FLOOR = OPS["floor"]
_FLOORDIV = OPS["floordiv"]
_FMOD = OPS["fmod"]
_HYPOT = OPS["hypot"]
_LOG10 = OPS["log10"]
_LOG1P = OPS["log1p"]
_LOG2 = OPS["log2"]
_MAXIMUM = OPS["maximum"]
_MINIMUM = OPS["minimum"]
_MOD = OPS["mod"]
_ROUND = OPS["round"]
_SIGN = OPS["sign"]
_SINH = OPS["sinh"]
_TAN = OPS["tan"]
_TRUNC = OPS["trunc"]


class MathMethods:
    """One method per op of the table, named as in Python's ``math`` module (and torch)."""

    __slots__ = ()

    # The hooks, defined by Value (declared here for the type checker).
    if TYPE_CHECKING:

        def _unary(self, op: Op) -> Value: ...
        def _method(self, op: Op, other: Any) -> Value: ...
        def _right(self, op: Op, other: Any) -> Value: ...
        def _left(self, op: Op, other: Any) -> Value: ...
        def _nary_method(self, op: Op, *others: Any) -> Value: ...
        def __mul__(self, other: Value | float) -> Value: ...
        def __truediv__(self, other: Value | float) -> Value: ...

    def tan(self) -> Value:
        """Tangent; ``d tan(x)/dx = 1 + tan(x)**2``."""
        return self._unary(_TAN)

    def asin(self) -> Value:
        """Arc sine, nan outside [-1, 1]; ``d/dx = 1/sqrt(1 - x**2)``, inf at ±1."""
        return self._unary(_ASIN)

    def acos(self) -> Value:
        """Arc cosine, nan outside [-1, 1]; ``d/dx = -1/sqrt(1 - x**2)``, -inf at ±1."""
        return self._unary(_ACOS)

    def atan(self) -> Value:
        """Arc tangent; ``d/dx = 1/(1 + x**2)``."""
        return self._unary(_ATAN)

    def atan2(self, x: Value | float) -> Value:
        """``atan2(self, x)``, the angle of the point ``(x, self)``; derivative 0 at the origin."""
        return self._method(_ATAN2, x)

    def sinh(self) -> Value:
        """Hyperbolic sine (``±inf`` past about ±710); ``d/dx = cosh(x)``."""
        return self._unary(_SINH)

    def cosh(self) -> Value:
        """Hyperbolic cosine (``inf`` past about ±710); ``d/dx = sinh(x)``."""
        return self._unary(_COSH)

    def asinh(self) -> Value:
        """Inverse hyperbolic sine; ``d/dx = 1/sqrt(x**2 + 1)``."""
        return self._unary(_ASINH)

    def acosh(self) -> Value:
        """Inverse hyperbolic cosine, nan below 1; ``d/dx = 1/sqrt(x**2 - 1)``, inf at 1."""
        return self._unary(_ACOSH)

    def atanh(self) -> Value:
        """Inverse hyperbolic tangent: ``±inf`` at ±1, nan beyond; ``d/dx = 1/(1 - x**2)``."""
        return self._unary(_ATANH)

    def exp2(self) -> Value:
        """``2**x``; ``d/dx = 2**x log(2)``."""
        return self._unary(_EXP2)

    def expm1(self) -> Value:
        """``e**x - 1``, accurate near 0; ``d/dx = e**x``."""
        return self._unary(_EXPM1)

    def log2(self) -> Value:
        """Base-2 logarithm (``-inf`` at 0, nan below); ``d/dx = 1/(x log 2)``."""
        return self._unary(_LOG2)

    def log10(self) -> Value:
        """Base-10 logarithm (``-inf`` at 0, nan below); ``d/dx = 1/(x log 10)``."""
        return self._unary(_LOG10)

    def log1p(self) -> Value:
        """``log(1 + x)``, accurate near 0 (``-inf`` at -1); ``d/dx = 1/(1 + x)``."""
        return self._unary(_LOG1P)

    def cbrt(self) -> Value:
        """The real cube root (``cbrt(-8) = -2``); ``d/dx = 1/(3 cbrt(x)**2)``, inf at 0."""
        return self._unary(_CBRT)

    def erf(self) -> Value:
        """The error function; ``d/dx = 2/sqrt(pi) exp(-x**2)``."""
        return self._unary(_ERF)

    def erfc(self) -> Value:
        """``1 - erf(x)``, accurate for large x; ``d/dx = -2/sqrt(pi) exp(-x**2)``."""
        return self._unary(_ERFC)

    def floor(self) -> Value:
        """The largest integer ``<= x`` (as a float); derivative 0."""
        return self._unary(_FLOOR)

    def ceil(self) -> Value:
        """The smallest integer ``>= x`` (as a float); derivative 0."""
        return self._unary(_CEIL)

    def trunc(self) -> Value:
        """``x`` rounded toward 0 (as a float); derivative 0."""
        return self._unary(_TRUNC)

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

    def sign(self) -> Value:
        """-1, 0 or 1 (nan at nan); derivative 0."""
        return self._unary(_SIGN)

    def copysign(self, other: Value | float) -> Value:
        """``|self|`` with the sign of ``other``; ``d/dself = ±1`` (0 at 0), flat in ``other``."""
        return self._method(_COPYSIGN, other)

    def fmod(self, other: Value | float) -> Value:
        """C's ``fmod``: the remainder with the sign of ``self`` (``math.fmod``)."""
        return self._method(_FMOD, other)

    def hypot(self, *others: Value | float) -> Value:
        """``sqrt(self**2 + other**2 + ...)`` without overflow; derivative 0 at the origin."""
        return self._nary_method(_HYPOT, *others)

    def maximum(self, other: Value | float) -> Value:
        """The larger of the two; at a tie each side gets half the gradient."""
        return self._method(_MAXIMUM, other)

    def minimum(self, other: Value | float) -> Value:
        """The smaller of the two; at a tie each side gets half the gradient."""
        return self._method(_MINIMUM, other)

    def clamp(self, low: Value | float | None = None, high: Value | float | None = None) -> Value:
        """``self`` limited to ``[low, high]`` (``None``: no limit on that side), as torch.

        The gradient goes to ``self`` when ``low <= self <= high`` (boundaries
        included), to ``low`` below and to ``high`` above; ``low > high``
        gives ``high``.
        """
        lower: Any = -math.inf if low is None else low
        upper: Any = math.inf if high is None else high
        return self._nary_method(_CLAMP, lower, upper)

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
