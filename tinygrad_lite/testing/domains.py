"""Hypothesis strategies for floats in a domain, and each built-in op's smooth domain.

Part of :mod:`tinygrad_lite.testing` (needs hypothesis). :func:`domain`
turns what a user writes for one input (a ``(low, high)`` pair or a
strategy) into a strategy; :data:`OP_INPUTS` holds, per built-in op, a
strategy for a tuple of arguments far enough from the op's kinks
(``abs``, ``relu`` at 0) and poles (``div`` by 0, ``log`` at 0) that central
differences with ``h = 1e-6`` are accurate. :func:`~tinygrad_lite.testing.check_op`
searches those domains; the package's own test suite loops over them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from hypothesis import strategies as st

__all__ = [
    "DEFAULT_DOMAIN",
    "KINK_GAP",
    "OP_INPUTS",
    "away_from_zero",
    "domain",
    "domains",
    "off_the_jumps",
    "point_strategy",
    "reals",
]

KINK_GAP = 1e-2
"""The distance :data:`OP_INPUTS` keeps from kinks and jumps (``abs``, ``relu`` at 0, ...)."""

DEFAULT_DOMAIN = (-10.0, 10.0)
"""Where an input is drawn from when no domain is given."""


def reals(low: float, high: float) -> st.SearchStrategy[float]:
    """Finite floats in ``[low, high]``."""
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


def away_from_zero(low: float, high: float) -> st.SearchStrategy[float]:
    """Floats with ``low <= |x| <= high`` and either sign."""
    return st.builds(lambda x, sign: x * sign, reals(low, high), st.sampled_from([-1.0, 1.0]))


def domain(spec: Any, what: str = "a domain") -> st.SearchStrategy[float]:
    """A strategy for one input: from a ``(low, high)`` pair of finite numbers, or a strategy.

    Raises:
        TypeError: If ``spec`` is neither.
        ValueError: If ``low > high`` or a bound is not finite.
    """
    if isinstance(spec, st.SearchStrategy):
        return spec
    if (
        isinstance(spec, Sequence)
        and not isinstance(spec, str)
        and len(spec) == 2
        and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in spec)
    ):
        low, high = float(spec[0]), float(spec[1])
        if not (math.isfinite(low) and math.isfinite(high)) or low > high:
            raise ValueError(f"{what} must be (low, high) with finite low <= high, got {spec!r}")
        return reals(low, high)
    raise TypeError(
        f"{what} must be a (low, high) pair of numbers or a hypothesis strategy of floats, "
        f"got {type(spec).__name__}: {spec!r}"
    )


def domains(inputs: Any, count: int | None = None) -> list[st.SearchStrategy[float]]:
    """One strategy per input, from ``inputs``: a count, or one domain per input.

    Args:
        inputs: ``n`` (``n`` inputs in :data:`DEFAULT_DOMAIN`), or a sequence
            of domains, one per input (see :func:`domain`), or None to use
            ``count`` inputs in the default domain.
        count: How many inputs the function takes, when known.

    Raises:
        TypeError: If ``inputs`` has none of these forms.
        ValueError: If a count is below 1 or a domain is malformed.
    """
    if inputs is None:
        if count is None:
            raise TypeError("say how many inputs the function takes: inputs=2")
        inputs = count
    if isinstance(inputs, int) and not isinstance(inputs, bool):
        if inputs < 1:
            raise ValueError(f"inputs must be at least 1, got {inputs}")
        return [reals(*DEFAULT_DOMAIN)] * inputs
    if isinstance(inputs, (st.SearchStrategy, str)) or not isinstance(inputs, Sequence):
        raise TypeError(
            "inputs must be a count (inputs=2) or one domain per input "
            f"(inputs=[(-1, 1), (0, 5)]), got {type(inputs).__name__}: {inputs!r}"
        )
    if not inputs:
        raise ValueError("inputs must name at least one domain, got an empty sequence")
    return [domain(spec, f"inputs[{i}]") for i, spec in enumerate(inputs)]


def point_strategy(inputs: Any, count: int | None = None) -> st.SearchStrategy[tuple[float, ...]]:
    """Whole points: ``inputs`` as for :func:`domains`, or a strategy of tuples as it is."""
    if isinstance(inputs, st.SearchStrategy):
        return inputs
    return st.tuples(*domains(inputs, count))


def _variadic(
    count: st.SearchStrategy[int], low: float = -10.0, high: float = 10.0
) -> st.SearchStrategy[tuple[float, ...]]:
    return count.flatmap(lambda n: st.tuples(*[reals(low, high)] * n))


def _fraction_gap() -> st.SearchStrategy[float]:
    """A fractional part at least 0.05 from 0, 0.5 and 1: clear of every rounding's jump."""
    return st.one_of(reals(0.05, 0.45), reals(0.55, 0.95))


def off_the_jumps() -> st.SearchStrategy[float]:
    """``n + f``: away from the integers and the half-integers (floor, round, ...)."""
    return st.builds(lambda n, f: n + f, st.integers(-10, 9), _fraction_gap())


def _quotient_pair() -> st.SearchStrategy[tuple[float, float]]:
    """``(a, b)`` with ``a / b`` clear of the integers and half-integers (``%``, ``//``)."""
    return st.builds(lambda b, q: (b * q, b), away_from_zero(0.5, 5.0), off_the_jumps())


def _apart(count: int, gap: float = 0.05) -> st.SearchStrategy[tuple[float, ...]]:
    """``count`` floats in [-10, 10], pairwise at least ``gap`` apart, in random order."""

    def spread(start: float, steps: list[float], order: list[int]) -> tuple[float, ...]:
        values = [start]
        for step in steps:
            values.append(values[-1] + step)
        return tuple(values[i] for i in order)

    return st.builds(
        spread,
        reals(-10.0, 0.0),
        st.lists(reals(gap, 10.0 / count), min_size=count - 1, max_size=count - 1),
        st.permutations(list(range(count))),
    )


OP_INPUTS: dict[str, st.SearchStrategy[tuple[float, ...]]] = {
    "add": st.tuples(reals(-10.0, 10.0), reals(-10.0, 10.0)),
    "sub": st.tuples(reals(-10.0, 10.0), reals(-10.0, 10.0)),
    "mul": st.tuples(reals(-10.0, 10.0), reals(-10.0, 10.0)),
    "div": st.tuples(reals(-10.0, 10.0), away_from_zero(0.5, 10.0)),
    "pow": st.tuples(reals(0.5, 3.0), reals(-3.0, 3.0)),
    "neg": st.tuples(reals(-10.0, 10.0)),
    "abs": st.tuples(away_from_zero(KINK_GAP, 10.0)),
    "relu": st.tuples(away_from_zero(KINK_GAP, 10.0)),
    "tanh": st.tuples(reals(-5.0, 5.0)),
    "sigmoid": st.tuples(reals(-10.0, 10.0)),
    "exp": st.tuples(reals(-5.0, 5.0)),
    "log": st.tuples(reals(0.1, 100.0)),
    "sqrt": st.tuples(reals(0.1, 100.0)),
    "sin": st.tuples(reals(-10.0, 10.0)),
    "cos": st.tuples(reals(-10.0, 10.0)),
    "tan": st.tuples(reals(-1.2, 1.2)),
    "asin": st.tuples(reals(-0.9, 0.9)),
    "acos": st.tuples(reals(-0.9, 0.9)),
    "atan": st.tuples(reals(-10.0, 10.0)),
    # y clear of 0 keeps away from the origin and from the cut along the negative x axis
    "atan2": st.tuples(away_from_zero(0.1, 10.0), reals(-10.0, 10.0)),
    "sinh": st.tuples(reals(-5.0, 5.0)),
    "cosh": st.tuples(reals(-5.0, 5.0)),
    "asinh": st.tuples(reals(-10.0, 10.0)),
    "acosh": st.tuples(reals(1.1, 10.0)),
    "atanh": st.tuples(reals(-0.9, 0.9)),
    "exp2": st.tuples(reals(-5.0, 5.0)),
    "expm1": st.tuples(reals(-5.0, 5.0)),
    "log2": st.tuples(reals(0.1, 100.0)),
    "log10": st.tuples(reals(0.1, 100.0)),
    "log1p": st.tuples(reals(-0.9, 100.0)),
    "cbrt": st.tuples(away_from_zero(0.1, 10.0)),
    "erf": st.tuples(reals(-3.0, 3.0)),
    "erfc": st.tuples(reals(-3.0, 3.0)),
    "floor": st.tuples(off_the_jumps()),
    "ceil": st.tuples(off_the_jumps()),
    "trunc": st.tuples(off_the_jumps()),
    "round": st.tuples(off_the_jumps()),
    "sign": st.tuples(away_from_zero(KINK_GAP, 10.0)),
    "floordiv": _quotient_pair(),
    "mod": _quotient_pair(),
    "fmod": _quotient_pair(),
    "remainder": _quotient_pair(),
    "copysign": st.tuples(away_from_zero(KINK_GAP, 10.0), away_from_zero(KINK_GAP, 10.0)),
    "maximum": _apart(2),
    "minimum": _apart(2),
    "clamp": _apart(3),
    "hypot": st.integers(1, 4).flatmap(
        lambda n: st.tuples(away_from_zero(0.5, 10.0), *[reals(-10.0, 10.0)] * (n - 1))
    ),
    "fsum": _variadic(st.integers(1, 8)),
    "prod": _variadic(st.integers(1, 5), -3.0, 3.0),
    "total": _variadic(st.integers(1, 8)),
    "logsumexp": _variadic(st.integers(1, 5)),
    # 2n arguments (w_1..w_n, x_1..x_n) or 2n + 1 with a bias last
    "dot": st.integers(1, 6).flatmap(lambda n: _variadic(st.sampled_from([2 * n, 2 * n + 1]))),
}
"""Per built-in op name: a strategy for a tuple of arguments in the op's smooth domain."""
