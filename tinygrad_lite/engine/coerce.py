"""Which numbers a Value accepts, and their floats; numpy arrays, which Values map over.

Sits at the bottom of :mod:`tinygrad_lite.engine`, on the standard library
only (a numpy array is recognized by its type's name; numpy is never
imported). A real number becomes a float with IEEE's answer where Python
would raise: an int or Fraction beyond the float range is ``±inf``,
``Decimal('sNaN')`` is nan, a numpy bool counts as the bool it is, and a
numpy ``timedelta64`` (registered as an integer, but without a float) is no
number.
"""

from __future__ import annotations

import decimal
import math
import numbers
import sys
from collections.abc import Callable
from typing import Any

__all__ = ["ACCEPTED", "is_array", "map_array", "number", "operand_number", "real_to_float"]

ACCEPTED = "int, float, bool, fractions.Fraction, decimal.Decimal or a numpy real or bool scalar"
"""What the messages name as accepted numbers."""


def real_to_float(x: Any) -> float | None:
    """The float for an accepted real number, or None when ``x`` is not one."""
    if isinstance(x, (numbers.Real, decimal.Decimal)):
        try:
            return float(x)
        except OverflowError:  # an int or Fraction beyond the float range
            positive: bool = x > 0  # type: ignore[operator]
            return math.inf if positive else -math.inf
        except ValueError:
            # NOTE: Decimal('sNaN') refuses float(); IEEE turns a signaling NaN
            # into a quiet one on any arithmetic, so it is nan here.
            if isinstance(x, decimal.Decimal) and x.is_snan():
                return math.nan
            raise
        except TypeError:
            # NOTE: numpy registers timedelta64 as a numbers.Integral, but it
            # has no float; it is no number here, so callers name it.
            return None
    if _is_numpy_bool(x):  # numpy.bool_ is no numbers.Real, but a bool all the same
        return 1.0 if x else 0.0
    return None


def _is_numpy_bool(x: Any) -> bool:
    kind = type(x)
    return kind.__module__ == "numpy" and kind.__name__ in ("bool", "bool_")


def is_array(x: Any) -> bool:
    """True for a numpy array: no number, but a Value maps over it (numpy is never imported)."""
    return any(
        kind.__name__ == "ndarray" and kind.__module__ == "numpy" for kind in type(x).__mro__
    )


def map_array(function: Callable[[Any], Any], array: Any) -> Any:
    """``function`` of every entry of a numpy ``array``: an object array of the results."""
    numpy = sys.modules["numpy"]  # loaded: an array exists
    return numpy.frompyfunc(function, 1, 1)(array)


def number(x: Any) -> float | None:
    """A number operand as a float (None when it is not a real number)."""
    if type(x) is int:
        try:
            return float(x)
        except OverflowError:
            return math.inf if x > 0 else -math.inf
    return real_to_float(x)


def operand_number(name: str, x: Any) -> float:
    """An op's plain-number operand as a float, or a TypeError naming the op and ``x``."""
    converted = x if type(x) is float else number(x)
    if converted is None:
        raise TypeError(
            f"{name}() accepts Values and real numbers ({ACCEPTED}), got {type(x).__name__}: {x!r}"
        )
    return converted
