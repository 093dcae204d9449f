"""Correct at every order: compositions, jit across kinks, the sign of zero, domain edges.

Each reproduction below failed before the engine was fixed; the property
tests check, on random expression graphs and on both sides of every op's
kinks, that transformations composed up to third order and their ``jit``
replays give the ``create_graph`` path's (and eager's) numbers to the last
bit, sign of zero included. ``make fuzz`` runs the long variants.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import Graph, apply_value, expression_graphs

import tinygrad_lite as tl
from tinygrad_lite import Value
from tinygrad_lite.functional import grad, hessian, hvp, jacobian, jvp
from tinygrad_lite.ops import OPS

INF = math.inf
CHECKS = {"composition": 0, "jit": 0}
"""How many number-by-number comparisons the property tests made (printed at the end)."""


def same(a: float, b: float) -> bool:
    """Equal to the last bit a float shows: nan is nan, and the sign of zero counts."""
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)


def flat(tree: Any) -> list[float]:
    if isinstance(tree, (list, tuple)):
        return [x for item in tree for x in flat(item)]
    return [tree]


def assert_same(ours: Any, expected: Any, kind: str, context: object) -> None:
    got, want = flat(ours), flat(expected)
    assert len(got) == len(want), (context, ours, expected)
    for a, b in zip(got, want, strict=True):
        CHECKS[kind] += 1
        assert same(a, b), (context, ours, expected)


@pytest.fixture(scope="module", autouse=True)
def _report_counts() -> Any:
    yield
    print(f"\nevery-order checks: {CHECKS['composition']} composition, {CHECKS['jit']} jit/eager")


# ---------------------------------------------------------------------------
# The reproductions.


def test_jit_hessian_of_abs_times_x_follows_the_kink() -> None:
    h = hessian(lambda x: abs(x) * x, jit=True)
    assert h(-3.0) == -2.0
    assert h(2.0) == 2.0  # replayed on the other side of the kink: the recorded -2 was wrong
    assert h(-1.0) == -2.0 and h(4.0) == 2.0
    # both sides are kept: the last two calls were replays, not new recordings
    assert h.recordings == 2 and h.replays == 2  # type: ignore[attr-defined]


def test_jit_hessian_of_relu_times_y_is_eager_on_both_sides() -> None:
    def f(p: list[Value]) -> Value:
        return p[0].relu() * p[1]

    h = hessian(f, jit=True)
    for point in ([1.0, 2.0], [-1.0, 2.0], [3.0, -1.0], [0.0, 1.0], [-0.0, 1.0]):
        assert_same(h(point), hessian(f)(point), "jit", point)
    assert h([-1.0, 2.0]) == [[0.0, 0.0], [0.0, 0.0]]


def test_jit_replays_a_smooth_hessian_without_recording_again() -> None:
    h = hessian(lambda x: x**3 * x.sin(), jit=True)
    points = [-3.0, -2.0, 2.0, 3.0, 0.5]
    for x in points:
        assert_same(h(x), hessian(lambda x: x**3 * x.sin())(x), "jit", x)
    assert h.recordings == 1 and h.replays == len(points) - 1  # type: ignore[attr-defined]


def test_third_order_of_a_linear_function_is_zero() -> None:
    assert grad(grad(grad(lambda x: 3.0 * x)))(1.0) == 0.0
    assert grad(grad(grad(lambda x: x**3)))(2.0) == 6.0


def test_jacobian_of_hessian_with_a_constant_hessian() -> None:
    third = jacobian(hessian(lambda p: p[0] + p[1] ** 2))([1.0, 2.0])
    assert third == [[[0.0, 0.0], [0.0, 0.0]], [[0.0, 0.0], [0.0, 0.0]]]


@pytest.mark.parametrize(
    ("function", "point", "expected"),
    [
        (lambda x: 1 / x, -0.0, -INF),  # d2(1/x) = 2/x**3
        (lambda x: 1 / x, 0.0, INF),
        (lambda x: x**-1.0, -0.0, -INF),
        (lambda x: 2.0 / x, -0.0, -INF),
    ],
)
def test_nested_transformations_keep_the_sign_of_zero(
    function: Callable[[Value], Value], point: float, expected: float
) -> None:
    x = Value(point)
    y = function(x)
    y.backward(create_graph=True)
    first = x.grad
    x.grad = 0.0
    first.backward()
    assert same(x.grad, expected)
    assert same(hessian(function)(point), expected)


@pytest.mark.parametrize("point", [0.0, -0.0])
@pytest.mark.parametrize(
    "function",
    [
        lambda x: 1 / x,
        lambda x: x / x.sqrt(),
        lambda x: x.sqrt(),
        lambda x: x**0.5,
        lambda x: x**-2.0,
        lambda x: x**3.0 / x,
        lambda x: (x * x).sqrt(),
    ],
)
def test_hessian_at_a_signed_zero_is_the_create_graph_path(
    function: Callable[[Value], Value], point: float
) -> None:
    x = Value(point)
    function(x).backward(create_graph=True)
    first = x.grad
    x.grad = 0.0
    first.backward()
    assert same(hessian(function)(point), x.grad)


@pytest.mark.parametrize(
    ("name", "point", "expected"),
    [
        ("asin", 1.0, INF),
        ("asin", -1.0, -INF),
        ("acos", 1.0, -INF),
        ("acos", -1.0, INF),
        ("atanh", 1.0, INF),
        ("atanh", -1.0, -INF),
        ("acosh", 1.0, -INF),
    ],
)
def test_second_derivatives_at_domain_boundaries_are_infinite(
    name: str, point: float, expected: float
) -> None:
    # asin'' = x / (1 - x*x)**1.5, atanh'' = 2x / (1 - x*x)**2, acosh'' = -x / (x*x - 1)**1.5
    assert same(hessian(lambda x: getattr(x, name)())(point), expected)


def test_acosh_derivative_at_minus_one_is_plus_infinity() -> None:
    # 1 / sqrt(x*x - 1) at x = -1: 1 / sqrt(+0) (PyTorch's value)
    assert same(grad(lambda x: x.acosh())(-1.0), INF)


def test_plain_backward_keeps_a_negative_zero_gradient() -> None:
    x = Value(0.0)
    x.cos().backward()
    assert same(x.grad, -0.0)  # -sin(0) = -0.0, as create_graph and PyTorch give
    y = Value(0.0)
    y.cos().backward(create_graph=True)
    assert same(y.grad.data, -0.0)


def test_a_positive_and_a_negative_zero_sum_to_positive_zero() -> None:
    # IEEE: 0.0 + -0.0 is 0.0; the first contribution is kept exactly, later ones added
    for create_graph in (False, True):
        x = Value(0.0)
        y = x * 0.0 + x.cos()  # contributions 0.0 then -sin(0) = -0.0
        y.backward(create_graph=create_graph)
        g = x.grad.data if type(x.grad) is Value else x.grad
        assert same(g, 0.0), create_graph


# ---------------------------------------------------------------------------
# Compositions up to third order against the create_graph path, bit for bit.


def _derivative(output: Any, leaf: Value) -> Any:
    """``d output / d leaf`` by ``backward(create_graph=True)`` (0.0 for a constant)."""
    if type(output) is not Value:
        return 0.0
    leaf.grad = 0.0
    output.backward(create_graph=True)
    return leaf.grad


def _data(x: Any) -> float:
    return x.data if type(x) is Value else x


@given(graph=expression_graphs(min_leaves=1, max_leaves=1, max_steps=6))
def test_grad_grad_grad_is_the_create_graph_path(graph: Graph) -> None:
    (x0,) = graph.leaves
    x = Value(x0)
    y = graph.on_values(x)
    first = _derivative(y, x)
    second = _derivative(first, x)
    third = _derivative(second, x)

    def f(t: Value) -> Value:
        return graph.on_values(t)

    assert_same(grad(f)(x0), _data(first), "composition", graph)
    assert_same(grad(grad(f))(x0), _data(second), "composition", graph)
    assert_same(grad(grad(grad(f)))(x0), _data(third), "composition", graph)


@given(graph=expression_graphs(min_leaves=2, max_leaves=2, max_steps=5))
def test_jacobian_of_hessian_is_the_create_graph_path(graph: Graph) -> None:
    leaves = [Value(x) for x in graph.leaves]
    y = graph.on_values(*leaves)
    n = len(leaves)
    expected = []
    for i in range(n):
        first = _derivative(y, leaves[i])
        rows = []
        for j in range(n):
            second = _derivative(first, leaves[j])
            rows.append([_data(_derivative(second, leaves[k])) for k in range(n)])
        expected.append(rows)
    # hessian(f)[i][j] differentiates d f/d x_i by x_j; the Jacobian adds k
    ours = jacobian(hessian(lambda p: graph.on_values(*p)))(list(graph.leaves))
    assert_same(ours, expected, "composition", graph)


def _close(a: float, b: float) -> bool:
    return same(a, b) or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


@given(
    graph=expression_graphs(min_leaves=2, max_leaves=2, max_steps=5),
    direction=st.tuples(st.floats(-2, 2), st.floats(-2, 2)),
)
def test_jvp_of_grad_and_hvp_are_the_hessian_times_a_vector(
    graph: Graph, direction: tuple[float, float]
) -> None:
    # forward over reverse adds the same products in another order: equal up to rounding
    def f(p: Sequence[Value]) -> Value:
        return graph.on_values(*p)

    point = list(graph.leaves)
    matrix = hessian(f)(point)
    expected = [sum(row[j] * direction[j] for j in range(2)) for row in matrix]
    _, forward_over_reverse = jvp(grad(f), (point,), (list(direction),))
    for got, want in zip(forward_over_reverse, expected, strict=True):
        CHECKS["composition"] += 1
        assert _close(got, want), (graph, forward_over_reverse, expected)
    for got, want in zip(hvp(f, point, list(direction)), forward_over_reverse, strict=True):
        CHECKS["composition"] += 1
        assert same(got, want)


# ---------------------------------------------------------------------------
# jit against eager on both sides of every op's kinks.

_KINKY = [-2.5, -2.0, -1.5, -1.0, -0.5, -0.0, 0.0, 0.5, 1.0, 1.5, 2.0, 2.5]
"""Kinks, jumps and poles of the op table: zeros, integers, half-integers."""

points_near_kinks = st.one_of(st.sampled_from(_KINKY), st.floats(-3.0, 3.0))


def kink_walks(count: int, most: int) -> st.SearchStrategy[list[list[float]]]:
    """2 to ``most`` points of ``count`` coordinates each, drawn near and on the kinks."""
    point = st.lists(points_near_kinks, min_size=count, max_size=count)
    return st.lists(point, min_size=2, max_size=most)


_COUNTS = {"dot": 4, "clamp": 3, "lerp": 3, "hypot": 2, "fsum": 3, "prod": 3, "total": 3}


def _jit_cases() -> list[tuple[str, int]]:
    cases = []
    for name in sorted(OPS):
        if name in _COUNTS:
            cases.append((name, _COUNTS[name]))
        else:
            cases.append((name, OPS[name].arity))  # unary 1, binary 2
    return cases


def _function(name: str) -> Callable[[Sequence[Value]], Value]:
    def f(p: Sequence[Value]) -> Value:
        # times the first input, so that first-order rules show in the Hessian
        result: Value = apply_value(name, list(p)) * p[0]
        return result

    return f


def _compare_jit_with_eager(name: str, count: int, points: list[list[float]]) -> None:
    f = _function(name)
    jitted = {
        "grad": grad(f, jit=True),
        "hessian": hessian(f, jit=True),
        "jacobian of grad": jacobian(grad(f), jit=True),
    }
    eager = {"grad": grad(f), "hessian": hessian(f), "jacobian of grad": jacobian(grad(f))}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for point in points:
            for kind, transformation in jitted.items():
                assert_same(transformation(point), eager[kind](point), "jit", (name, kind, point))
            direction = [1.0] * count
            _, replayed = jvp(grad(f), (point,), (direction,), jit=True)
            _, plain = jvp(grad(f), (point,), (direction,))
            assert_same(replayed, plain, "jit", (name, "jvp of grad", point))


@pytest.mark.parametrize(("name", "count"), _jit_cases())
@given(data=st.data())
@settings(max_examples=12)
def test_jit_agrees_with_eager_on_both_sides_of_every_kink(
    name: str, count: int, data: st.DataObject
) -> None:
    _compare_jit_with_eager(name, count, data.draw(kink_walks(count, 5)))


@pytest.mark.fuzz
@pytest.mark.parametrize(("name", "count"), _jit_cases())
@given(data=st.data())
@settings(max_examples=300)
def test_jit_agrees_with_eager_on_both_sides_of_every_kink_long(
    name: str, count: int, data: st.DataObject
) -> None:
    _compare_jit_with_eager(name, count, data.draw(kink_walks(count, 8)))


@pytest.mark.fuzz
@given(graph=expression_graphs(min_leaves=1, max_leaves=1, max_steps=8))
@settings(max_examples=2000)
def test_grad_grad_grad_is_the_create_graph_path_long(graph: Graph) -> None:
    test_grad_grad_grad_is_the_create_graph_path.hypothesis.inner_test(graph)  # type: ignore[attr-defined]


@pytest.mark.fuzz
@given(graph=expression_graphs(min_leaves=2, max_leaves=2, max_steps=6))
@settings(max_examples=1000)
def test_jacobian_of_hessian_is_the_create_graph_path_long(graph: Graph) -> None:
    test_jacobian_of_hessian_is_the_create_graph_path.hypothesis.inner_test(graph)  # type: ignore[attr-defined]


def test_the_library_exports_the_transformations_tested_here() -> None:
    assert tl.hessian is hessian and tl.grad is grad
