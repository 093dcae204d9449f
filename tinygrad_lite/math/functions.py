"""The functions of :mod:`tinygrad_lite.math`: numbers or Values alike (see the package)."""

from __future__ import annotations

import math as _math
import operator
from collections.abc import Iterable, Sequence
from typing import Any, cast, overload

from ..engine import Value, apply_op
from ..ops import OPS, Op
from ..ops import ieee as _ieee
from .dispatch import (
    Real,
    RoundingFunction,
    binary,
    exact_log,
    logarithm,
    named,
    real,
    rounding,
    unary,
)

# -- exponentials, logarithms, powers -----------------------------------------

exp = unary("exp")
exp2 = unary("exp2")
expm1 = unary("expm1")
log1p = unary("log1p")
sqrt = unary("sqrt")
cbrt = unary("cbrt")


_log_forward = OPS["log"].forward


@overload
def log(x: Value, base: Value | Real | None = None) -> Value: ...  # type: ignore[overload-overlap]


@overload
def log(x: Real, base: Value) -> Value: ...  # type: ignore[overload-overlap]


@overload
def log(x: Real, base: Real | None = None) -> float: ...


def log(x: Any, base: Any = None) -> Any:
    """Natural logarithm, or ``log(x) / log(base)`` with a base.

    ``log(0) = -inf``, ``log(-1) = nan``, ``log(x, 1)`` is ``±inf`` or nan (where
    ``math`` raises). ``d/dx log(x) = 1/x``.
    """
    if base is None:
        return x.log() if type(x) is Value else exact_log(x, _math.log, _log_forward)
    numerator = x.log() if type(x) is Value else exact_log(x, _math.log, _log_forward)
    denominator = base.log() if type(base) is Value else exact_log(base, _math.log, _log_forward)
    if type(numerator) is float and type(denominator) is float:
        return _ieee.ieee_div(numerator, denominator)
    return numerator / denominator


log2 = logarithm("log2", _math.log2)
log10 = logarithm("log10", _math.log10)

pow = binary("pow")  # noqa: A001 - the name math gives it; never exported at top level

# -- trigonometric and hyperbolic ---------------------------------------------

sin = unary("sin")
cos = unary("cos")
tan = unary("tan")
asin = unary("asin")
acos = unary("acos")
atan = unary("atan")
atan2 = binary("atan2")
sinh = unary("sinh")
cosh = unary("cosh")
tanh = unary("tanh")
asinh = unary("asinh")
acosh = unary("acosh")
atanh = unary("atanh")
erf = unary("erf")
erfc = unary("erfc")

_RADIANS_TO_DEGREES = 180.0 / _math.pi  # the constants CPython's degrees/radians use
_DEGREES_TO_RADIANS = _math.pi / 180.0


@overload
def degrees(x: Value) -> Value: ...  # type: ignore[overload-overlap]


@overload
def degrees(x: Real) -> float: ...


def degrees(x: Any) -> Any:
    """Radians to degrees: ``x * 180/pi``."""
    return x * _RADIANS_TO_DEGREES if type(x) is Value else _math.degrees(real("degrees", x))


@overload
def radians(x: Value) -> Value: ...  # type: ignore[overload-overlap]


@overload
def radians(x: Real) -> float: ...


def radians(x: Any) -> Any:
    """Degrees to radians: ``x * pi/180``."""
    return x * _DEGREES_TO_RADIANS if type(x) is Value else _math.radians(real("radians", x))


# -- absolute value, signs, remainders ----------------------------------------

fabs = unary("fabs", "abs")
copysign = binary("copysign")
fmod = binary("fmod")
remainder = binary("remainder")


floor = cast(
    RoundingFunction,
    named(
        rounding("floor", _math.floor),
        "floor",
        "The largest integer ``<= x``: an int for a number (as math), a node for a Value "
        "(derivative 0); inf and nan stay themselves.",
    ),
)
ceil = cast(
    RoundingFunction,
    named(
        rounding("ceil", _math.ceil),
        "ceil",
        "The smallest integer ``>= x``: an int for a number, a node for a Value.",
    ),
)
trunc = cast(
    RoundingFunction,
    named(
        rounding("trunc", _math.trunc),
        "trunc",
        "``x`` rounded toward 0: an int for a number, a node for a Value.",
    ),
)


@overload
def modf(x: Value) -> tuple[Value, Value]: ...  # type: ignore[overload-overlap]


@overload
def modf(x: Real) -> tuple[float, float]: ...


def modf(x: Any) -> Any:
    """``(fractional part, integer part)``, both with the sign of ``x``.

    For a Value: ``(fmod(x, 1), trunc(x))``, derivatives 1 and 0 (the
    fractional part of an infinite Value is nan, where ``math`` gives 0).
    """
    if type(x) is Value:
        return x.fmod(1.0), x.trunc()
    return _math.modf(real("modf", x))


def _power_of_two(exponent: int) -> float:
    return _ieee.ieee_pow(2.0, float(exponent))


@overload
def ldexp(x: Value, i: int) -> Value: ...  # type: ignore[overload-overlap]


@overload
def ldexp(x: Real, i: int) -> float: ...


def ldexp(x: Any, i: Any) -> Any:
    """``x * 2**i`` for an int ``i``; overflow gives ``±inf``. ``d/dx = 2**i``."""
    if type(i) is not int:
        i = operator.index(i)
    if type(x) is not Value:
        number = real("ldexp", x)
        try:
            return _math.ldexp(number, i)
        except OverflowError:
            return _math.copysign(_math.inf, number)
    # NOTE: in steps of at most 2**1000, so that a tiny x times a huge power of
    # two is exact, as in math.ldexp; each step is exact (a power of two).
    result: Value = x
    while i > 1000 or i < -1000:
        step = 1000 if i > 0 else -1000
        result = result * _power_of_two(step)
        i -= step
    return result * _power_of_two(i) if i else result + 0.0


@overload
def frexp(x: Value) -> tuple[Value, int]: ...  # type: ignore[overload-overlap]


@overload
def frexp(x: Real) -> tuple[float, int]: ...


def frexp(x: Any) -> Any:
    """``(m, k)`` with ``x = m * 2**k`` and ``0.5 <= |m| < 1``; for a Value, ``m`` is a node."""
    if type(x) is Value:
        _, exponent = _math.frexp(x.data)
        return ldexp(x, -exponent), exponent
    return _math.frexp(real("frexp", x))


# -- several arguments --------------------------------------------------------

_HYPOT = OPS["hypot"]
_FSUM = OPS["fsum"]
_PROD = OPS["prod"]


def hypot(*coordinates: Any) -> Any:
    """The Euclidean norm ``sqrt(x1**2 + ... + xn**2)``, without overflow.

    ``d/dx_i = x_i / hypot``, 0 at the origin (as ``abs`` at 0).
    """
    if any(type(x) is Value for x in coordinates):
        return apply_op(_HYPOT, *coordinates)
    return _HYPOT.forward([real("hypot", x) for x in coordinates]) if coordinates else 0.0


def dist(p: Iterable[Any], q: Iterable[Any]) -> Any:
    """The Euclidean distance ``hypot(p1 - q1, ..., pn - qn)`` of two points."""
    p_items, q_items = list(p), list(q)
    if len(p_items) != len(q_items):
        raise ValueError(
            f"dist() needs two points with the same number of coordinates, "
            f"got {len(p_items)} and {len(q_items)}"
        )
    if any(type(x) is Value for x in (*p_items, *q_items)):
        return hypot(*(a - b for a, b in zip(p_items, q_items, strict=True)))
    return hypot(
        *(real("dist", a) - real("dist", b) for a, b in zip(p_items, q_items, strict=True))
    )


def fsum(iterable: Iterable[Any]) -> Any:
    """The correctly rounded sum; ``inf + -inf`` is nan, overflow is ``±inf``. ``d/dx_i = 1``."""
    items = list(iterable)
    if any(type(x) is Value for x in items):
        return apply_op(_FSUM, *items)
    return _FSUM.forward([real("fsum", x) for x in items]) if items else 0.0


def prod(iterable: Iterable[Any], *, start: Any = 1) -> Any:
    """``start * x1 * ... * xn`` (ints give an int, as in math).

    ``d/dx_i`` is the product of the others, also where some ``x_j`` is 0.
    """
    items = list(iterable)
    if type(start) is Value or any(type(x) is Value for x in items):
        operands = items if type(start) is int and start == 1 else [start, *items]
        return apply_op(_PROD, *operands)
    return _math.prod(items, start=start)


def _not_differentiable(name: str, x: Any) -> None:
    if isinstance(x, Value):
        raise TypeError(
            f"tinygrad_lite.math.{name}() of a Value is not differentiable here ({name} is "
            "not in the op table); a float would silently lose the gradient. Use "
            f"math.{name}(v.data) for the number, or define it with tinygrad_lite.custom_op"
        )


def gamma(x: Real) -> float:
    """The gamma function of a number; IEEE values where math raises.

    ``gamma(±0) = ±inf``, nan at the negative integers and at ``-inf``, inf on
    overflow. A Value raises ``TypeError`` (no derivative in the op table).
    """
    _not_differentiable("gamma", x)
    number = real("gamma", x)
    try:
        return _math.gamma(number)
    except OverflowError:
        return _math.inf
    except ValueError:
        return _math.copysign(_math.inf, number) if number == 0.0 else _math.nan


def lgamma(x: Real) -> float:
    """``log|gamma(x)|`` of a number; ``inf`` at the poles and on overflow.

    A Value raises ``TypeError`` (no derivative in the op table).
    """
    _not_differentiable("lgamma", x)
    try:
        return _math.lgamma(real("lgamma", x))
    except (OverflowError, ValueError):
        return _math.inf


# -- predicates ---------------------------------------------------------------


def _number_of(name: str, x: Any) -> float:
    return x.data if type(x) is Value else real(name, x)


def isfinite(x: Value | Real) -> bool:
    """True unless ``x`` (a number, or a Value's data) is inf or nan."""
    return _math.isfinite(_number_of("isfinite", x))


def isnan(x: Value | Real) -> bool:
    """True if ``x`` (a number, or a Value's data) is nan."""
    return _math.isnan(_number_of("isnan", x))


def isinf(x: Value | Real) -> bool:
    """True if ``x`` (a number, or a Value's data) is ``±inf``."""
    return _math.isinf(_number_of("isinf", x))


def isclose(
    a: Value | Real, b: Value | Real, *, rel_tol: float = 1e-09, abs_tol: float = 0.0
) -> bool:
    """``math.isclose`` on numbers or on Values' data."""
    return _math.isclose(
        _number_of("isclose", a), _number_of("isclose", b), rel_tol=rel_tol, abs_tol=abs_tol
    )


# -- beyond math: the op table's other scalar functions -----------------------

maximum = binary("maximum")
minimum = binary("minimum")
sign = unary("sign")
relu = unary("relu")
sigmoid = unary("sigmoid")

_CLAMP: Op = OPS["clamp"]


@overload
def clamp(  # type: ignore[overload-overlap]
    x: Value, low: Value | Real | None = None, high: Value | Real | None = None
) -> Value: ...


@overload
def clamp(x: Real, low: Real | None = None, high: Real | None = None) -> float: ...


def clamp(x: Any, low: Any = None, high: Any = None) -> Any:
    """``x`` limited to ``[low, high]`` (None: unbounded on that side), as ``torch.clamp``.

    The gradient goes to ``x`` on the closed interval, to ``low`` below it and
    to ``high`` above it; ``low > high`` gives ``high``.
    """
    operands: Sequence[Any] = (
        x,
        -_math.inf if low is None else low,
        _math.inf if high is None else high,
    )
    if any(type(operand) is Value for operand in operands):
        return apply_op(_CLAMP, *operands)
    return _CLAMP.forward([real("clamp", operand) for operand in operands])
