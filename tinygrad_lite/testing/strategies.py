"""Strategies for your own ``@given`` tests: :func:`points` and :func:`values`.

Part of :mod:`tinygrad_lite.testing` (needs hypothesis). :func:`points` draws
points of a domain and, given the function, keeps only those where a central
difference can be trusted (no kink or pole within the step:
:func:`~tinygrad_lite.testing.kinks.find_hazard`); :func:`values` draws
:class:`~tinygrad_lite.Value` leaves. Random expression graphs are in
:mod:`~tinygrad_lite.testing.expressions`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from hypothesis import strategies as st

from ..engine import Value
from .checks import _as_value, _positional_count
from .domains import DEFAULT_DOMAIN, domain, point_strategy
from .kinks import find_hazard

__all__ = ["points", "values"]


def points(
    f: Callable[..., Any] | None = None,
    *,
    inputs: int | Sequence[Any] | st.SearchStrategy[Any] | None = None,
    eps: float = 1e-6,
) -> st.SearchStrategy[tuple[float, ...]]:
    """Points of a domain, away from the kinks and poles that ``f`` actually hits.

    With ``f``, a drawn point is kept only when ``f`` recorded at the point
    and one step ``eps`` away along each input takes the same branch at
    every op, is finite, and stays clear of every pole: exactly the points
    where :func:`~tinygrad_lite.testing.assert_gradients_match` with the
    same ``eps`` judges. Without ``f``, every point of the domain.

    Args:
        f: The function the points are for, called as
            ``f(Value(x_1), ..., Value(x_n))``; or None.
        inputs: How many inputs, each in ``[-10, 10]``; or one domain per
            input, a ``(low, high)`` pair or a strategy of floats; or a
            strategy of whole points. None: the number of ``f``'s positional
            parameters.
        eps: The step that must not cross a kink.

    Returns:
        A strategy for tuples of floats, one per input.
    """
    strategy = point_strategy(inputs, None if f is None else _positional_count(f))
    if f is None:
        return strategy

    def function(*xs: Value) -> Value:
        return _as_value(f(*xs))

    return strategy.filter(lambda point: find_hazard(function, point, eps) is None)


def values(within: Any = DEFAULT_DOMAIN, *, label: str = "") -> st.SearchStrategy[Value]:
    """Fresh :class:`~tinygrad_lite.Value` leaves holding floats of a domain.

    Args:
        within: A ``(low, high)`` pair or a strategy of floats.
        label: The leaves' label.

    Returns:
        A strategy for new leaves (``grad`` 0), one per draw.
    """
    return st.builds(lambda x: Value(x, label), domain(within, "values(within=...)"))
