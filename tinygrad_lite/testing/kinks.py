"""Where a central difference cannot be trusted: kinks and poles, read from the recorded graph.

Sits on the engine and the op table's float functions; imports nothing from
hypothesis, so it is the part of :mod:`tinygrad_lite.testing` that needs no
extra. A central difference ``(f(x + h) - f(x - h)) / 2h`` estimates ``f'(x)``
only where ``f`` is smooth on ``[x - h, x + h]``. Two things break that, and
neither is a wrong derivative:

* a **kink** or a jump inside the interval (``abs`` at 0, ``floor`` at an
  integer, ``maximum`` where its arguments tie, an ``if`` in the user's own
  code): the difference quotient mixes two branches;
* a **pole** or a vertical tangent at or near the interval (``1/x`` at 0,
  ``log`` at 0, ``sqrt`` at 0, ``tan`` at pi/2): the truncation error
  ``h**2 f'''/6`` is no longer small, however right the derivative is.

:func:`find_hazard` detects both from the graph itself. It records ``f`` at
``x`` and at ``x ± h`` along every input, and compares the three graphs node
by node: their shape (an ``if`` in Python code changes which ops are
recorded), the *branch* each piecewise op takes (:data:`BRANCH_KEYS`,
:data:`CROSSINGS`), and how far each op's operands are from its pole
compared with how far they move (:data:`POLE_DISTANCES`). A custom op is
opaque: only its result is seen, so only a non-finite value rejects a point
inside it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from ..engine import Value, topological_order
from ..ops import ieee

__all__ = [
    "BRANCH_KEYS",
    "CROSSINGS",
    "POLE_DISTANCES",
    "POLE_MARGIN",
    "Hazard",
    "find_hazard",
]

POLE_MARGIN = 1000.0
"""A point is too near a pole when the operands' distance to it is below this many steps.

Near a pole at distance ``d`` the central difference's relative error grows
like ``c (s/d)**2``, where ``s`` is how far the step ``h`` moves the operand
and ``c`` is a few units for ``1/x`` and tens for ``1/x**3`` or a second
derivative. ``d >= 1000 s`` keeps that below 1e-4, a tenth of gradcheck's
``rtol``; it costs the search a sliver of ``2000 h`` around each pole.
"""


def _side(x: float) -> int:
    """-1, 0 or 1 by the sign of ``x``; 2 for nan (so that a key equals itself)."""
    if x > 0.0:
        return 1
    if x < 0.0:
        return -1
    return 0 if x == 0.0 else 2


def _number(x: float) -> float | str:
    """``x`` as a key: itself, or the string ``"nan"`` (nan never equals itself)."""
    return x if x == x else "nan"


def _quotient_key(rounding: Callable[[float], float]) -> Callable[[Sequence[float]], Hashable]:
    """The piece of a remainder: the rounded quotient ``a / b`` and the sign of ``b``."""

    def key(args: Sequence[float]) -> Hashable:
        a, b = args
        return _number(rounding(ieee.ieee_div(a, b))), _side(b)

    return key


def _interval_key(args: Sequence[float]) -> Hashable:
    # asin, acos, atanh: defined on [-1, 1]; which side of each end
    (x,) = args
    return _side(x - 1.0), _side(x + 1.0)


def _tan_period(args: Sequence[float]) -> Hashable:
    # tan's poles sit at pi/2 + k pi: the key is k, the period between two poles
    return _number(ieee.floor(args[0] / math.pi + 0.5))


def _copysign_key(args: Sequence[float]) -> Hashable:
    a, b = args
    return _side(a), math.copysign(1.0, b) if b == b else "nan"


def _clamp_key(args: Sequence[float]) -> Hashable:
    x, low, high = args
    return _side(x - low), _side(x - high), _side(low - high)


def _atan2_crosses(here: Sequence[float], there: Sequence[float]) -> bool:
    # atan2 jumps by 2 pi across its cut, the ray y = 0, x <= 0: where y changes
    # sign left of the origin. Across y = 0 right of it, atan2 is smooth.
    return _side(here[0]) != _side(there[0]) and not (here[1] > 0.0 and there[1] > 0.0)


def _first_sign(args: Sequence[float]) -> Hashable:
    return _side(args[0])


def _difference_sign(args: Sequence[float]) -> Hashable:
    return _side(args[0] - args[1])


def _own_value(forward: Callable[[float], float]) -> Callable[[Sequence[float]], Hashable]:
    """A piecewise-constant op's key is its own value: the integer ``floor(x)``, ..."""

    def key(args: Sequence[float]) -> Hashable:
        return _number(forward(args[0]))

    return key


BRANCH_KEYS: dict[str, Callable[[Sequence[float]], Hashable]] = {
    "abs": _first_sign,
    "relu": _first_sign,
    "sign": _own_value(ieee.sign),
    "floor": _own_value(ieee.floor),
    "ceil": _own_value(ieee.ceil),
    "trunc": _own_value(ieee.trunc),
    "round": _own_value(ieee.round_half_even),
    "maximum": _difference_sign,
    "minimum": _difference_sign,
    "clamp": _clamp_key,
    "copysign": _copysign_key,
    "floordiv": _quotient_key(ieee.floor),
    "mod": _quotient_key(ieee.floor),
    "fmod": _quotient_key(ieee.trunc),
    "remainder": _quotient_key(ieee.round_half_even),
    # where a pole or a domain's edge is crossed, the piece changes too
    "div": lambda args: _side(args[1]),
    "log": _first_sign,
    "log2": _first_sign,
    "log10": _first_sign,
    "sqrt": _first_sign,
    "cbrt": _first_sign,
    "log1p": lambda args: _side(args[0] + 1.0),
    "acosh": lambda args: _side(args[0] - 1.0),
    "asin": _interval_key,
    "acos": _interval_key,
    "atanh": _interval_key,
    "tan": _tan_period,
}
"""Per piecewise op: the branch its operands select, a hashable key.

Two points with different keys lie on different pieces of the op, so a
difference quotient between them straddles a kink, a jump, a pole or the
edge of the op's domain. The keys reuse the ops' own float functions
(``floor``'s key is ``floor(x)``, ``%``'s the quotient its rule uses).
"""

CROSSINGS: dict[str, Callable[[Sequence[float], Sequence[float]], bool]] = {
    "atan2": _atan2_crosses,
}
"""Per op whose pieces no key can name: whether two operand lists lie on different sides.

``atan2``'s plane minus its cut is one piece, yet crossing the cut jumps.
"""


def _pow_pole(args: Sequence[float]) -> float:
    # a**b is smooth at a = 0 only for a whole exponent b >= 0 (x**2, x**3);
    # otherwise a derivative has a**(b - k) with b - k < 0, or log(a)
    a, b = args
    if math.isfinite(b) and b >= 0.0 and b.is_integer():
        return math.inf
    return abs(a)


def _unit_interval_pole(args: Sequence[float]) -> float:
    return min(abs(args[0] - 1.0), abs(args[0] + 1.0))


def _divisor(args: Sequence[float]) -> float:
    return abs(args[1])


POLE_DISTANCES: dict[str, Callable[[Sequence[float]], float]] = {
    "div": _divisor,
    "floordiv": _divisor,
    "mod": _divisor,
    "fmod": _divisor,
    "remainder": _divisor,
    "pow": _pow_pole,
    "log": lambda args: abs(args[0]),
    "log2": lambda args: abs(args[0]),
    "log10": lambda args: abs(args[0]),
    "sqrt": lambda args: abs(args[0]),
    "cbrt": lambda args: abs(args[0]),
    "log1p": lambda args: abs(args[0] + 1.0),
    "acosh": lambda args: abs(args[0] - 1.0),
    "asin": _unit_interval_pole,
    "acos": _unit_interval_pole,
    "atanh": _unit_interval_pole,
    "tan": lambda args: abs(ieee.cos(args[0])),
    "atan2": lambda args: math.hypot(*args),
    "hypot": lambda args: math.hypot(*args),
}
"""Per op with a pole or a vertical tangent: how far its operands are from it.

Any measure that is 0 at the singularity and grows linearly away from it
serves (``|b|`` for ``a / b``, ``|cos x|`` for ``tan``): :func:`find_hazard`
compares it with how much the same measure moves over the step. ``hypot``'s
cone at the origin counts as a pole: its second derivative grows as ``1/r``.
"""


@dataclass(frozen=True)
class Hazard:
    """Why a point was rejected.

    Attributes:
        kind: ``"kink"`` (a branch changes within the step), ``"pole"`` (too
            near a pole or a vertical tangent) or ``"undefined"`` (``f`` or an
            op is not finite at or next to the point).
        op: The op where it was seen (``""`` when the recorded graph's shape
            changed: a branch in the function's own Python code).
        input: The input whose step revealed it (None: the point itself).
    """

    kind: str
    op: str
    input: int | None


@dataclass
class _Trace:
    """One evaluation of ``f``: its graph's shape and every node's operands."""

    output: float
    shape: list[tuple[str, tuple[Any, ...]]]
    operands: list[list[float]]
    results: list[float]
    ops: list[str]


def _record(f: Callable[..., Any], point: Sequence[float]) -> _Trace:
    """Evaluate ``f`` on fresh leaves at ``point`` and record its graph node by node."""
    leaves = [Value(x) for x in point]
    result = f(*leaves)
    if type(result) is not Value:
        # a plain number: f did not depend on its inputs here (max(x, 0.0) below 0)
        return _Trace(_as_float(result), [("number", ())], [], [], [])
    order = topological_order(result)
    position = {id(node): k for k, node in enumerate(order)}
    inputs = {id(leaf): i for i, leaf in enumerate(leaves)}
    shape: list[tuple[str, tuple[Any, ...]]] = []
    operands: list[list[float]] = []
    results: list[float] = []
    ops: list[str] = []
    for node in order:
        if node.is_leaf:
            shape.append(("input", (inputs.get(id(node), -1),)))
            continue
        refs = tuple(position[id(x)] if type(x) is Value else "number" for x in node.operands)
        shape.append((node.op, refs))
        operands.append([x.data if isinstance(x, Value) else x for x in node.operands])
        results.append(node.data)
        ops.append(node.op)
    return _Trace(result.data, shape, operands, results, ops)


def _as_float(result: object) -> float:
    try:
        return float(result)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise TypeError(
            f"the function must return a Value or a real number, got "
            f"{type(result).__name__}: {result!r}"
        ) from None


def find_hazard(f: Callable[..., Any], point: Sequence[float], eps: float) -> Hazard | None:
    """Why central differences of step ``eps`` cannot be trusted at ``point``, or None.

    Records ``f`` at ``point`` and at ``point ± eps`` along each input (the
    points a gradient check evaluates), then looks for, in this order: an op
    exactly at its pole, a non-finite result, a graph whose shape changed,
    an op whose branch (:data:`BRANCH_KEYS`, :data:`CROSSINGS`) differs from
    the centre's, and an op whose operands are within :data:`POLE_MARGIN`
    steps of its pole (:data:`POLE_DISTANCES`).

    Args:
        f: Called as ``f(Value(x_1), ..., Value(x_n))``.
        point: The point ``(x_1, ..., x_n)``.
        eps: The half-step of the central difference.

    Returns:
        The first :class:`Hazard` found, or None when the point is safe.
    """
    centre = _record(f, point)
    hazard = _pole_at(centre, None, None)
    if hazard is not None:
        return hazard
    if not math.isfinite(centre.output):
        return Hazard("undefined", _first_undefined(centre), None)
    for i in range(len(point)):
        for direction in (1.0, -1.0):
            moved = list(point)
            moved[i] += direction * eps
            side = _record(f, moved)
            if not math.isfinite(side.output):
                return Hazard("undefined", _first_undefined(side), i)
            if side.shape != centre.shape:
                return Hazard("kink", "", i)
            hazard = _branch_change(centre, side, i) or _pole_at(centre, side, i)
            if hazard is not None:
                return hazard
    return None


def _first_undefined(record: _Trace) -> str:
    """The first op whose operands are finite and whose result is not (or "")."""
    for name, operands, result in zip(record.ops, record.operands, record.results, strict=True):
        if not math.isfinite(result) and all(math.isfinite(x) for x in operands):
            return name
    return ""


def _branch_change(centre: _Trace, side: _Trace, i: int) -> Hazard | None:
    for name, here, there in zip(centre.ops, centre.operands, side.operands, strict=True):
        key = BRANCH_KEYS.get(name)
        if key is not None and key(here) != key(there):
            return Hazard("kink", name, i)
        crosses = CROSSINGS.get(name)
        if crosses is not None and crosses(here, there):
            return Hazard("kink", name, i)
    return None


def _pole_at(centre: _Trace, side: _Trace | None, i: int | None) -> Hazard | None:
    """A node whose pole distance is 0, or below POLE_MARGIN times its change over the step."""
    for k, name in enumerate(centre.ops):
        distance = POLE_DISTANCES.get(name)
        if distance is None:
            continue
        here = distance(centre.operands[k])
        if side is None:
            if here == 0.0 or here != here:
                return Hazard("pole", name, None)
            continue
        change = abs(distance(side.operands[k]) - here)
        if here < POLE_MARGIN * change:
            return Hazard("pole", name, i)
    return None
