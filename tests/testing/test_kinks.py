"""find_hazard: kinks, poles and undefined points read from the recorded graph."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tinygrad_lite import CustomOp, Value, custom_op
from tinygrad_lite import math as tlmath
from tinygrad_lite.ops import BINARY, BUILTIN_OPS, OPS, UNARY, piecewise
from tinygrad_lite.testing import Hazard, find_hazard
from tinygrad_lite.testing.kinks import BRANCH_KEYS, CROSSINGS, POLE_DISTANCES

EPS = 1e-6


def python_abs(x: Value) -> Value:
    return x if x >= 0 else -x


@pytest.mark.parametrize(
    ("f", "point", "expected"),
    [
        (abs, [0.0], Hazard("kink", "abs", 0)),
        (abs, [5e-7], Hazard("kink", "abs", 0)),  # x - h is below 0
        (lambda x: x.relu(), [0.0], Hazard("kink", "relu", 0)),
        (tlmath.floor, [3.0], Hazard("kink", "floor", 0)),
        (round, [2.5], Hazard("kink", "round", 0)),
        (lambda x, y: x % y, [3.0, 1.5], Hazard("kink", "mod", 0)),
        (lambda x, y: tlmath.maximum(x, y), [2.0, 2.0], Hazard("kink", "maximum", 0)),
        (lambda x: tlmath.clamp(x, -1.0, 1.0), [1.0], Hazard("kink", "clamp", 0)),
        (lambda y, x: tlmath.atan2(y, x), [0.0, -1.0], Hazard("kink", "atan2", 0)),
        (python_abs, [0.0], Hazard("kink", "", 0)),  # an if in Python code
        (lambda x: 1.0 / x, [1e-4], Hazard("pole", "div", 0)),
        (lambda x: 1.0 / x, [0.0], Hazard("pole", "div", None)),
        (lambda x: x**0.5, [1e-5], Hazard("pole", "pow", 0)),
        (lambda x: x.sqrt(), [0.0], Hazard("pole", "sqrt", None)),
        (lambda x: x.tan(), [math.pi / 2 - 1e-4], Hazard("pole", "tan", 0)),
        (lambda x: x.asin(), [1.0 - 1e-5], Hazard("pole", "asin", 0)),
        (lambda x: x.log(), [-1.0], Hazard("undefined", "log", None)),
        (lambda x: (x - 1.0).sqrt(), [1.0 - 1e-7], Hazard("undefined", "sqrt", None)),
    ],
)
def test_hazards_are_found_where_they_are(
    f: Callable[..., Any], point: list[float], expected: Hazard
) -> None:
    assert find_hazard(f, point, EPS) == expected


@pytest.mark.parametrize(
    ("f", "point"),
    [
        (abs, [1e-3]),
        (tlmath.floor, [3.5]),
        (lambda x, y: x % y, [3.2, 1.5]),
        (lambda x: 1.0 / x, [0.01]),
        (lambda x: x**2, [0.0]),  # smooth at 0: a whole exponent is no pole
        (lambda x: x**3 - x, [0.0]),
        (lambda y, x: tlmath.atan2(y, x), [0.0, 1.0]),  # y crosses 0 right of the origin
        (lambda x: x.tan(), [math.pi / 2 - 0.01]),
        (python_abs, [0.5]),
        (lambda x: x.log(), [2.0]),
    ],
)
def test_smooth_points_are_kept(f: Callable[..., Any], point: list[float]) -> None:
    assert find_hazard(f, point, EPS) is None


@pytest.fixture
def scratch() -> Iterator[list[CustomOp]]:
    made: list[CustomOp] = []
    yield made
    for op in made:
        op.unregister()


def test_a_custom_op_is_opaque(scratch: list[CustomOp]) -> None:
    hinge = custom_op("opaque_hinge", lambda x: max(0.0, x), lambda x, out: 1.0 if x > 0 else 0.0)
    scratch.append(hinge)
    assert find_hazard(lambda x: hinge(x), [0.0], EPS) is None  # its kink is inside the node
    assert find_hazard(lambda x: hinge(x).relu(), [0.0], EPS) is not None  # relu's is not


def test_the_tables_name_built_in_ops_and_cover_every_piecewise_op() -> None:
    assert set(BRANCH_KEYS) | set(CROSSINGS) | set(POLE_DISTANCES) <= BUILTIN_OPS
    piecewise_ops = {op.name for op in piecewise.ENTRIES}
    piecewise_ops |= {"abs", "floordiv", "mod", "fmod", "remainder", "copysign"}
    assert piecewise_ops <= set(BRANCH_KEYS)


def test_a_key_equals_itself_at_nan() -> None:
    for name, key in BRANCH_KEYS.items():
        arguments = [math.nan] * {UNARY: 1, BINARY: 2}.get(OPS[name].arity, 3)
        assert key(arguments) == key(list(arguments)), name
