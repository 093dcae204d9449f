"""Forward functions on floats with IEEE 754 results where Python raises.

Python's ``math`` raises ``ValueError`` outside a function's domain and
``OverflowError`` past the float range, and ``/``, ``//`` and ``%`` raise
``ZeroDivisionError``; IEEE 754 (and C, numpy, torch) return ``inf`` or
``nan`` instead. Every function here takes and returns floats and never
raises: ``log(0) = -inf``, ``log(-1) = nan``, ``exp(1000) = inf``,
``fmod(1, 0) = nan``, ``floor(inf) = inf``. Where Python does not raise, the
result is Python's own, to the last bit (``-5.0 % inf`` is ``inf``, as in
Python and numpy).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import reduce
from operator import add, mul

_INF = math.inf
_NAN = math.nan
LN2 = math.log(2.0)
LN10 = math.log(10.0)
TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


def ieee_div(a: float, b: float) -> float:
    """``a / b`` with IEEE 754 results: ``1/0 = inf``, ``-1/0 = -inf``, ``0/0 = nan``."""
    try:
        return a / b
    except ZeroDivisionError:
        if a != a or a == 0.0:  # nan / 0 and 0 / 0
            return _NAN
        # NOTE: the sign of a zero divisor counts, as in IEEE: 1 / -0.0 = -inf.
        return math.copysign(_INF, a) * math.copysign(1.0, b)


def ieee_pow(a: float, b: float) -> float:
    """``a ** b`` with IEEE 754 results; a negative base with a fractional exponent is nan.

    ``10.0 ** 400`` is ``inf``, ``0.0 ** -1`` is ``inf``, ``(-8) ** (1/3)`` is
    ``nan`` (never a complex number).
    """
    try:
        return math.pow(a, b)
    except OverflowError:
        # |a| > 1 and b large, or |a| < 1 and b very negative: magnitude overflows.
        return -_INF if a < 0.0 and _is_odd_integer(b) else _INF
    except ValueError:
        # math.pow raises for a negative base with a non-integer exponent
        # and for 0 ** negative; IEEE gives nan and (+-)inf respectively.
        if a == 0.0:
            return math.copysign(_INF, a) if _is_odd_integer(b) else _INF
        return _NAN


def _is_odd_integer(x: float) -> bool:
    return math.isfinite(x) and x.is_integer() and math.fmod(x, 2.0) != 0.0


# -- exponentials and logarithms ----------------------------------------------


def exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        return _INF


_EXP2 = getattr(math, "exp2", None)


def exp2(x: float) -> float:
    try:
        result: float = _EXP2(x) if _EXP2 is not None else math.pow(2.0, x)
    except OverflowError:
        return _INF
    return result


def expm1(x: float) -> float:
    try:
        return math.expm1(x)
    except OverflowError:
        return _INF


def log(x: float) -> float:
    if x > 0.0:
        return math.log(x)  # log(inf) is inf
    if x == 0.0:
        return -_INF
    return _NAN  # negative or nan


def log2(x: float) -> float:
    if x > 0.0:
        return math.log2(x)
    return -_INF if x == 0.0 else _NAN


def log10(x: float) -> float:
    if x > 0.0:
        return math.log10(x)
    return -_INF if x == 0.0 else _NAN


def log1p(x: float) -> float:
    if x > -1.0:
        return math.log1p(x)
    return -_INF if x == -1.0 else _NAN


def sqrt(x: float) -> float:
    if x >= 0.0:
        return math.sqrt(x)
    return _NAN  # negative or nan


_CBRT = getattr(math, "cbrt", None)


def cbrt(x: float) -> float:
    """The real cube root: ``cbrt(-8) = -2`` (where ``(-8) ** (1/3)`` is nan)."""
    if _CBRT is not None:
        result: float = _CBRT(x)
        return result
    if x == 0.0 or not math.isfinite(x):  # pragma: no cover - Python 3.10
        return x
    return math.copysign(abs(x) ** (1.0 / 3.0), x)  # pragma: no cover - Python 3.10


# -- trigonometric and hyperbolic ---------------------------------------------


def sin(x: float) -> float:
    try:
        return math.sin(x)
    except ValueError:  # sin(inf)
        return _NAN


def cos(x: float) -> float:
    try:
        return math.cos(x)
    except ValueError:  # cos(inf)
        return _NAN


def tan(x: float) -> float:
    try:
        return math.tan(x)
    except ValueError:  # tan(inf)
        return _NAN


def asin(x: float) -> float:
    return math.asin(x) if -1.0 <= x <= 1.0 else _NAN


def acos(x: float) -> float:
    return math.acos(x) if -1.0 <= x <= 1.0 else _NAN


def sinh(x: float) -> float:
    try:
        return math.sinh(x)
    except OverflowError:
        return math.copysign(_INF, x)


def cosh(x: float) -> float:
    try:
        return math.cosh(x)
    except OverflowError:
        return _INF


def acosh(x: float) -> float:
    return math.acosh(x) if x >= 1.0 else _NAN


def atanh(x: float) -> float:
    if -1.0 < x < 1.0:
        return math.atanh(x)
    if x == 1.0 or x == -1.0:
        return math.copysign(_INF, x)
    return _NAN


def sigmoid(x: float) -> float:
    # NOTE: two branches so exp never overflows: sigmoid(-1000) is exactly 0.0
    # and sigmoid(1000) exactly 1.0.
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    if x < 0.0:
        e = math.exp(x)
        return e / (1.0 + e)
    return x  # nan


# -- piecewise ----------------------------------------------------------------


def relu(x: float) -> float:
    # NOTE: written so that relu(nan) is nan: nan <= 0 is False.
    return 0.0 if x <= 0.0 else x


def floor(x: float) -> float:
    return float(math.floor(x)) if math.isfinite(x) else x


def ceil(x: float) -> float:
    return float(math.ceil(x)) if math.isfinite(x) else x


def trunc(x: float) -> float:
    return float(math.trunc(x)) if math.isfinite(x) else x


def round_half_even(x: float) -> float:
    """Python's ``round(x)`` (ties to even), as a float; inf and nan stay themselves."""
    return float(round(x)) if math.isfinite(x) else x


def sign(x: float) -> float:
    """-1, 0 or 1 (``sign(-0.0)`` is 0.0, as in numpy); ``sign(nan)`` is nan."""
    if x > 0.0:
        return 1.0
    if x < 0.0:
        return -1.0
    return 0.0 if x == 0.0 else _NAN


def maximum(a: float, b: float) -> float:
    """The larger of ``a`` and ``b``; nan if either is nan; ``maximum(-0.0, 0.0) = 0.0``."""
    if a > b:
        return a
    if b > a:
        return b
    if a == b:
        return a + b if a == 0.0 else a  # NOTE: -0.0 + 0.0 is 0.0, as IEEE's maximum
    return _NAN


def minimum(a: float, b: float) -> float:
    """The smaller of ``a`` and ``b``; nan if either is nan; ``minimum(-0.0, 0.0) = -0.0``."""
    if a < b:
        return a
    if b < a:
        return b
    if a == b:
        return -(-a + -b) if a == 0.0 else a  # -0.0 if either zero is negative
    return _NAN


def clamp(args: Sequence[float]) -> float:
    """``x`` limited to ``[low, high]`` for ``args = (x, low, high)``; ``high`` if low > high."""
    x, low, high = args
    if x != x or low != low or high != high:
        return _NAN
    if low > high or x > high:  # as torch: an empty interval clamps to high
        return high
    return low if x < low else x


# -- division and its remainders ----------------------------------------------


def fmod(a: float, b: float) -> float:
    """C's ``fmod``: ``a - n*b``, ``n = trunc(a/b)``, the sign of ``a``; ``fmod(x, 0)`` is nan."""
    try:
        return math.fmod(a, b)
    except ValueError:  # b == 0 or a infinite
        return _NAN


def remainder(a: float, b: float) -> float:
    """IEEE ``remainder``: ``a - n*b`` with ``n`` the nearest integer to ``a/b``."""
    try:
        return math.remainder(a, b)
    except ValueError:  # b == 0 or a infinite
        return _NAN


def mod(a: float, b: float) -> float:
    """Python's ``a % b`` (the sign of ``b``); ``a % 0`` is nan, as in numpy."""
    try:
        return a % b
    except ZeroDivisionError:
        return _NAN


def floordiv(a: float, b: float) -> float:
    """Python's ``a // b``; ``a // 0`` is ``floor(a / 0)``: ``±inf`` or nan, as in numpy."""
    try:
        return a // b
    except ZeroDivisionError:
        return ieee_div(a, b)  # +-inf and nan are their own floor


def hypot(args: Sequence[float]) -> float:
    """The Euclidean norm ``sqrt(x1**2 + ... + xn**2)``, without overflow or underflow."""
    return math.hypot(*args)


# -- sums and products --------------------------------------------------------


def total(args: Sequence[float]) -> float:
    # NOTE: a left fold, so the result is bit-identical to x1 + x2 + ... + xn
    # (builtin sum() uses compensated summation from Python 3.12 on).
    return reduce(add, args)


def fsum(args: Sequence[float]) -> float:
    """``math.fsum``: the correctly rounded sum; ``inf - inf`` is nan, overflow is inf."""
    try:
        return math.fsum(args)
    except OverflowError:
        return math.copysign(_INF, total(args))
    except ValueError:  # inf + -inf
        return _NAN


def prod(args: Sequence[float]) -> float:
    """``x1 * x2 * ... * xn`` as a left fold (``math.prod``)."""
    return reduce(mul, args)


def dot(args: Sequence[float]) -> float:
    """``b + w1*x1 + ... + wn*xn`` for ``args = (w1..wn, x1..xn[, b])``."""
    n = len(args) // 2
    start = args[-1] if len(args) % 2 else 0.0
    # NOTE: a left fold from the bias, bit-identical to the scalar expansion
    # ((b + w1*x1) + w2*x2) + ... that micrograd's Neuron builds.
    return reduce(add, map(mul, args[:n], args[n : 2 * n]), start)


def logsumexp(args: Sequence[float]) -> float:
    """``log(exp(x1) + ... + exp(xn))``, shifted by the largest term so nothing overflows."""
    shift = max(args)
    if shift == _INF or shift == -_INF or shift != shift:
        # all -inf gives -inf; any inf gives inf; max() of a list with nan is
        # order-dependent, so look for nan explicitly
        return _NAN if any(x != x for x in args) else shift
    if any(x != x for x in args):
        return _NAN
    return shift + math.log(reduce(add, [math.exp(x - shift) for x in args]))
