"""What the optimizers accept: settings, rates and gradients, checked with clear messages.

Sits under :mod:`.optimizer` and :mod:`.rules`, which check everything a
user gives through these functions before anything changes. Each returns
the accepted value or raises a ``TypeError`` / ``ValueError`` that names
the setting, the bad value and what is accepted.
"""

from __future__ import annotations

import numbers
from typing import Any

from ..engine import Value
from ..ops import OPS

sqrt = OPS["sqrt"].forward  # IEEE: nan for a negative argument, never an exception


def short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def real(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a number, got {type(value).__name__}: {short(value)}")
    try:
        return float(value)
    except OverflowError:
        raise ValueError(f"{name} is a number beyond the float range") from None


def check(name: str, value: Any, ok: Any, accepted: str) -> float:
    number = real(name, value)
    if not ok(number):
        raise ValueError(f"{name} must be {accepted}, got {value!r}")
    return number


def non_negative(name: str, value: Any) -> float:
    # NOTE: written "not >= 0" so nan is rejected too.
    return check(name, value, lambda x: x >= 0.0, ">= 0")


def unit_interval(name: str, value: Any) -> float:
    return check(name, value, lambda x: 0.0 <= x < 1.0, "in [0, 1)")


def fraction(name: str, value: Any) -> float:
    return check(name, value, lambda x: 0.0 <= x <= 1.0, "in [0, 1]")


def positive(name: str, value: Any) -> float:
    return check(name, value, lambda x: x > 0.0, "> 0")


def flag(name: str, value: Any) -> bool:
    if type(value) is not bool:
        raise ValueError(f"{name} must be True or False, got {short(value)}")
    return value


def pair(name: str, value: Any) -> tuple[Any, Any]:
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise ValueError(f"{name} must be a pair (beta1, beta2), got {short(value)}")
    return value[0], value[1]


def grad(p: Value) -> float | None:
    """``p.grad`` as a float, or None when it is None (the parameter is skipped)."""
    g = p.grad
    if g is None or type(g) is float:
        return g
    return grad_number(g)


def grad_number(g: Any) -> float:
    """A gradient that is not a float as one: an int, or the data of a Value gradient.

    ``backward(create_graph=True)`` leaves Value gradients; their number is read
    on purpose (``.data``), so the step never warns ``GradientLostWarning``.
    """
    return g.data if type(g) is Value else float(g)
