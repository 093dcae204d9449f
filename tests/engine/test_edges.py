"""Engine edges: the convention table of docs/natural-python.md, both backward modes
agreeing at edge values, and edge inputs (sNaN, numpy bools)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import Graph, apply_value, expression_graphs

from tinygrad_lite import Value, clamp, maximum, minimum
from tinygrad_lite import math as tlmath
from tinygrad_lite.ops import BINARY, OPS, UNARY

INF, NAN = math.inf, math.nan
SQRT3 = math.sqrt(3.0)

EDGES = [0.0, -0.0, 1.0, -1.0, 0.5, -2.0, 3.0, INF, -INF, NAN, 5e-324, -1e-320, 2.2e-308, 1e308]
"""Zeros, units, infinities, nan, subnormals, the smallest normal, a huge number."""


def same(a: float, b: float) -> bool:
    """Equal to the last bit a float shows: nan is nan, and the sign of zero counts."""
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)


def gradients(function: Callable[..., Value], args: list[float]) -> tuple[float, list[float]]:
    leaves = [Value(x) for x in args]
    out = function(*leaves)
    out.backward()
    return out.data, [leaf.grad for leaf in leaves]


# ---------------------------------------------------------------------------
# The documented table (docs/natural-python.md), row by row: (expression, point, value, gradients).

TABLE: list[tuple[str, Callable[..., Value], list[float], float, list[float]]] = [
    ("1/x at 0", lambda x: 1 / x, [0.0], INF, [-INF]),
    ("0/0", lambda a, b: a / b, [0.0, 0.0], NAN, [INF, NAN]),
    ("(-8)**(1/3)", lambda x: x ** (1 / 3), [-8.0], NAN, [NAN]),
    ("sqrt(-1)", lambda x: x.sqrt(), [-1.0], NAN, [NAN]),
    ("asin(2)", lambda x: x.asin(), [2.0], NAN, [NAN]),
    ("acosh(0.5)", lambda x: x.acosh(), [0.5], NAN, [NAN]),
    ("log(-1)", lambda x: x.log(), [-1.0], NAN, [-1.0]),
    ("log1p(-2)", lambda x: x.log1p(), [-2.0], NAN, [-1.0]),
    ("atanh(2)", lambda x: x.atanh(), [2.0], NAN, [-1 / 3]),
    ("acosh(-2)", lambda x: x.acosh(), [-2.0], NAN, [1 / SQRT3]),
    ("log(0)", lambda x: x.log(), [0.0], -INF, [INF]),
    ("log1p(-1)", lambda x: x.log1p(), [-1.0], -INF, [INF]),
    ("exp(1000)", lambda x: x.exp(), [1000.0], INF, [INF]),
    ("sinh(1000)", lambda x: x.sinh(), [1000.0], INF, [INF]),
    ("10**400", lambda x: x**400, [10.0], INF, [INF]),
    ("sqrt(0)", lambda x: x.sqrt(), [0.0], 0.0, [INF]),
    ("cbrt(0)", lambda x: x.cbrt(), [0.0], 0.0, [INF]),
    ("asin(1)", lambda x: x.asin(), [1.0], math.pi / 2, [INF]),
    ("asin(-1)", lambda x: x.asin(), [-1.0], -math.pi / 2, [INF]),
    ("acos(1)", lambda x: x.acos(), [1.0], 0.0, [-INF]),
    ("acos(-1)", lambda x: x.acos(), [-1.0], math.pi, [-INF]),
    ("acosh(1)", lambda x: x.acosh(), [1.0], 0.0, [INF]),
    ("atanh(1)", lambda x: x.atanh(), [1.0], INF, [INF]),
    ("atanh(-1)", lambda x: x.atanh(), [-1.0], -INF, [INF]),
    ("sin(inf)", lambda x: x.sin(), [INF], NAN, [NAN]),
    ("cos(-inf)", lambda x: x.cos(), [-INF], NAN, [NAN]),
    ("tan(inf)", lambda x: x.tan(), [INF], NAN, [NAN]),
    ("tanh(1000)", lambda x: x.tanh(), [1000.0], 1.0, [0.0]),
    ("sigmoid(-1000)", lambda x: x.sigmoid(), [-1000.0], 0.0, [0.0]),
    ("erf(-inf)", lambda x: x.erf(), [-INF], -1.0, [0.0]),
    ("atan(inf)", lambda x: x.atan(), [INF], math.pi / 2, [0.0]),
    ("relu(0)", lambda x: x.relu(), [0.0], 0.0, [0.0]),
    ("abs(0)", abs, [0.0], 0.0, [0.0]),
    ("hypot at the origin", lambda x, y: x.hypot(y), [0.0, 0.0], 0.0, [0.0, 0.0]),
    ("floor at a jump", lambda x: x.floor(), [2.0], 2.0, [0.0]),
    ("round at a tie", round, [2.5], 2.0, [0.0]),
    ("sign(0)", lambda x: x.sign(), [0.0], 0.0, [0.0]),
    ("floor(nan)", lambda x: x.floor(), [NAN], NAN, [NAN]),
    ("x // y", lambda x, y: x // y, [7.0, 2.0], 3.0, [0.0, 0.0]),
    ("x // 0", lambda x: x // 0, [1.0], INF, [0.0]),
    ("-x // 0", lambda x: x // 0, [-1.0], -INF, [0.0]),
    ("0 // 0", lambda x: x // 0, [0.0], NAN, [NAN]),
    ("-7 % 2", lambda x, y: x % y, [-7.0, 2.0], 1.0, [1.0, 4.0]),
    ("fmod(-7, 2)", lambda x, y: x.fmod(y), [-7.0, 2.0], -1.0, [1.0, 3.0]),
    ("remainder(-7, 2)", tlmath.remainder, [-7.0, 2.0], 1.0, [1.0, 4.0]),
    ("x % 0", lambda x, y: x % y, [1.0, 0.0], NAN, [1.0, -INF]),
    ("fmod(x, 0)", lambda x, y: x.fmod(y), [1.0, 0.0], NAN, [1.0, -INF]),
    ("atan2(0, 0)", lambda y, x: y.atan2(x), [0.0, 0.0], 0.0, [0.0, 0.0]),
    ("atan2(0, -0)", lambda y, x: y.atan2(x), [0.0, -0.0], math.pi, [0.0, 0.0]),
    ("atan2(-0, -0)", lambda y, x: y.atan2(x), [-0.0, -0.0], -math.pi, [0.0, 0.0]),
    ("maximum at a tie", maximum, [1.0, 1.0], 1.0, [0.5, 0.5]),
    ("minimum at a tie", minimum, [1.0, 1.0], 1.0, [0.5, 0.5]),
    ("clamp at low", clamp, [0.0, 0.0, 1.0], 0.0, [1.0, 0.0, 0.0]),
    ("clamp at high", clamp, [1.0, 0.0, 1.0], 1.0, [1.0, 0.0, 0.0]),
    ("clamp below", clamp, [-1.0, 0.0, 1.0], 0.0, [0.0, 1.0, 0.0]),
    ("clamp, low > high", clamp, [0.5, 2.0, 1.0], 1.0, [0.0, 0.0, 1.0]),
    ("copysign(2, -1)", lambda x, y: x.copysign(y), [2.0, -1.0], -2.0, [-1.0, 0.0]),
    ("copysign(0, -1)", lambda x, y: x.copysign(y), [0.0, -1.0], -0.0, [-0.0, 0.0]),
    ("copysign(-2, nan)", lambda x, y: x.copysign(y), [-2.0, NAN], 2.0, [-1.0, 0.0]),
    ("maximum(nan, 1)", maximum, [NAN, 1.0], NAN, [NAN, NAN]),
    ("clamp(nan)", clamp, [NAN, 0.0, 1.0], NAN, [NAN, NAN, NAN]),
    ("x**0 at 0", lambda x: x**0, [0.0], 1.0, [0.0]),
    ("0**y", lambda x, y: x**y, [0.0, 2.0], 0.0, [0.0, 0.0]),
]


@pytest.mark.parametrize(
    ("function", "point", "value", "expected"),
    [row[1:] for row in TABLE],
    ids=[row[0] for row in TABLE],
)
def test_the_readme_convention_table(
    function: Callable[..., Value], point: list[float], value: float, expected: list[float]
) -> None:
    data, grads = gradients(function, point)
    assert same(data, value)
    assert math.isnan(value) or math.copysign(1, data) == math.copysign(1, value)  # -0.0
    for got, want in zip(grads, expected, strict=True):
        assert same(got, want) if abs(want) != 1 / SQRT3 else math.isclose(got, want), grads


def test_the_documented_table_lists_the_rows_tested_here() -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "docs" / "natural-python.md").read_text()
    for phrase in ("`log(-1)`", "`atan2(y, x)` at the origin", "`clamp(x, low, high)`", "1e-320"):
        assert phrase in readme
    assert "`log(-1)`, `log1p(-2)`" in readme and "`-1`, `-1`, `-1/3`" in readme


# ---------------------------------------------------------------------------
# Both backward modes agree, at every edge value.


def both_modes(function: Callable[..., Value], args: list[float]) -> tuple[list[Any], list[Any]]:
    plain = [Value(x) for x in args]
    function(*plain).backward()
    graphed = [Value(x) for x in args]
    function(*graphed).backward(create_graph=True)
    as_data = [g.grad.data if type(g.grad) is Value else g.grad for g in graphed]
    return [p.grad for p in plain], as_data


def test_pow_at_a_subnormal_base_and_zero_exponent_agrees_in_both_modes() -> None:
    # nan with create_graph, 0.0 without
    plain, graphed = both_modes(lambda x, y: x**y, [1e-320, 0.0])
    assert plain == graphed == [0.0, pytest.approx(math.log(1e-320))]
    x, y = Value(1e-320), Value(0.0)
    (x**y).backward(create_graph=True)
    assert x.grad == 0.0  # a constant where x**-1 overflows


def _op_cases() -> list[tuple[str, tuple[float, ...]]]:
    cases: list[tuple[str, tuple[float, ...]]] = []
    for name in sorted(OPS):
        arity = OPS[name].arity
        if arity == UNARY:
            cases.extend((name, (x,)) for x in EDGES)
        elif arity == BINARY:
            cases.extend((name, pair) for pair in itertools.product(EDGES, repeat=2))
        elif name in ("clamp", "dot", "lerp"):  # three operands (dot: w, x and a bias)
            cases.extend((name, triple) for triple in itertools.product(EDGES[::2], repeat=3))
        else:
            cases.extend((name, pair) for pair in itertools.product(EDGES, repeat=2))
    return cases


def test_every_op_at_every_edge_agrees_in_both_backward_modes() -> None:
    cases = _op_cases()
    broken = []
    for name, args in cases:
        plain, graphed = both_modes(lambda *xs, name=name: apply_value(name, xs), list(args))
        if not all(same(p, g) for p, g in zip(plain, graphed, strict=True)):
            broken.append((name, args, plain, graphed))
    print(f"{len(cases)} tried, {len(broken)} broke a promise")
    assert not broken, broken[:10]


edge_floats = st.sampled_from(EDGES)


@given(expression=expression_graphs(max_leaves=3, max_steps=8), data=st.data())
def test_random_graphs_at_edge_values_agree_in_both_backward_modes(
    expression: Graph, data: st.DataObject
) -> None:
    point = [data.draw(edge_floats) for _ in expression.leaves]
    plain, graphed = both_modes(expression.on_values, point)
    for p, g in zip(plain, graphed, strict=True):
        assert same(p, g), (expression, point, plain, graphed)


# ---------------------------------------------------------------------------
# Edge inputs.


def test_a_signaling_nan_decimal_is_nan() -> None:
    for snan in (Decimal("sNaN"), Decimal("-sNaN")):
        assert math.isnan(Value(snan).data)
        assert math.isnan((Value(1.0) + snan).data)
        assert math.isnan(tlmath.sqrt(snan))


def test_numpy_bools_are_accepted_like_python_bools() -> None:
    np = pytest.importorskip("numpy")
    assert Value(np.True_).data == Value(True).data == 1.0
    assert Value(np.False_).data == 0.0
    assert (Value(2.0) * np.True_).data == 2.0
    assert (np.True_ + Value(2.0)).data == 3.0
    assert tlmath.exp(np.False_) == 1.0


def _compositions(edges: list[float]) -> list[tuple[str, str, float, float]]:
    names = [n for n in sorted(OPS) if OPS[n].arity in (UNARY, BINARY)]
    return [
        (inner, outer, a, b)
        for inner in names
        for outer in names
        for a, b in itertools.product(edges, repeat=2)
    ]


def _composed(inner: str, outer: str) -> Callable[[Value, Value], Value]:
    def function(a: Value, b: Value) -> Value:
        first = apply_value(inner, [a] if OPS[inner].arity == UNARY else [a, b])
        return apply_value(outer, [first] if OPS[outer].arity == UNARY else [first, b])

    return function


def _broken_compositions(edges: list[float], stride: int) -> tuple[int, list[Any]]:
    cases = _compositions(edges)[::stride]
    broken = []
    for inner, outer, a, b in cases:
        plain, graphed = both_modes(_composed(inner, outer), [a, b])
        if not all(same(p, g) for p, g in zip(plain, graphed, strict=True)):
            broken.append((inner, outer, a, b, plain, graphed))
    print(f"{len(cases)} tried, {len(broken)} broke a promise")
    return len(cases), broken


def test_two_ops_composed_at_edge_values_agree_in_both_backward_modes() -> None:
    tried, broken = _broken_compositions([0.0, -1.0, INF, NAN, 5e-324], stride=7)
    assert tried > 5000 and not broken, broken[:5]


@pytest.mark.fuzz
def test_two_ops_composed_at_every_edge_pair_agree_in_both_backward_modes() -> None:
    tried, broken = _broken_compositions(EDGES, stride=1)
    assert tried > 400_000 and not broken, broken[:5]
