"""``jit=True`` on the functional API: replay equals plain, bit for bit,
and a graph that could be wrong for new numbers is never replayed."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import Graph, expression_graphs, reals

from tinygrad_lite import (
    DataDependentWarning,
    GradientLostWarning,
    Value,
    grad,
    hessian,
    jacobian,
    jvp,
    no_grad,
    value_and_grad,
)
from tinygrad_lite import math as tmath


def rosenbrock(p: Any) -> Any:
    return (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2


def same(x: Any, y: Any) -> bool:
    """Bitwise equality of two result trees (nan equals nan)."""
    if isinstance(x, (list, tuple)):
        return type(x) is type(y) and len(x) == len(y) and all(map(same, x, y))
    if isinstance(x, float) and isinstance(y, float) and math.isnan(x):
        return math.isnan(y)
    return type(x) is type(y) and x == y


@given(expression_graphs(), st.lists(reals(-2.0, 2.0), min_size=4, max_size=4))
def test_replayed_gradients_equal_plain_ones_bit_for_bit(graph: Graph, other: list[float]) -> None:
    def f(xs: list[Any]) -> Any:
        return graph.on_values(*xs)

    jitted = grad(f, jit=True)
    values = value_and_grad(f, jit=True)
    first, second = list(graph.leaves), other[: len(graph.leaves)]
    for point in (first, second, first):
        assert same(jitted(point), grad(f)(point))
        assert same(values(point), value_and_grad(f)(point))
    assert jitted.recordings == 1 and jitted.replays == 2  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("transform", "f", "points"),
    [
        (grad, rosenbrock, [[1.5, 2.0], [0.3, -0.7], [-1.2, 1.0]]),
        (hessian, rosenbrock, [[1.5, 2.0], [0.3, -0.7], [-1.2, 1.0]]),
        (jacobian, lambda p: [p[0] * p[1], tmath.sin(p[0]) + p[1]], [[2.0, 5.0], [0.1, -3.0]]),
        (hessian, lambda x: tmath.exp(x) * tmath.sin(x), [0.3, 1.7, -2.0]),
    ],
)
def test_each_transformation_replays_what_it_records(
    transform: Callable[..., Any], f: Callable[..., Any], points: list[Any]
) -> None:
    jitted = transform(f, jit=True)
    for point in points:
        assert same(jitted(point), transform(f)(point))
    assert jitted.recordings == 1  # type: ignore[attr-defined]
    assert jitted.replays == len(points) - 1  # type: ignore[attr-defined]


def test_jvp_replays_per_function() -> None:
    def f(x: Any, y: Any) -> Any:
        return [x * y, tmath.sin(x + y)]

    for primals, tangents in [((3.0, 4.0), (1.0, 0.5)), ((1.0, -2.0), (0.0, 1.0))]:
        assert same(jvp(f, primals, tangents, jit=True), jvp(f, primals, tangents))
    with pytest.raises(ValueError, match="shape"):
        jvp(f, (1.0, 2.0), ([1.0], 0.0), jit=True)


def test_a_new_shape_or_constant_records_again() -> None:
    def f(xs: list[Any], scale: float) -> Any:
        return scale * sum(x * x for x in xs)

    g = grad(f, jit=True)
    assert g([1.0, 2.0], 3.0) == [6.0, 12.0]
    assert g([3.0, 4.0], 3.0) == [18.0, 24.0]  # replayed
    assert g([1.0, 2.0, 3.0], 3.0) == [6.0, 12.0, 18.0]  # three inputs: a new shape
    assert g([1.0, 2.0], 0.5) == [1.0, 2.0]  # the constant 0.5 is part of the graph
    assert g.recordings == 3 and g.replays == 1  # type: ignore[attr-defined]


def test_an_argument_changed_in_place_records_again() -> None:
    weights = [1.0, 2.0]

    def f(x: Any, w: list[float]) -> Any:
        return w[0] * x + w[1] * x * x

    g = grad(f, jit=True)
    assert g(1.0, weights) == 5.0
    weights[1] = 10.0  # the same list object, new contents
    assert g(1.0, weights) == 21.0
    assert g.recordings == 2  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("how", "f"),
    [
        ("comparison", lambda x: x * x if x > 0 else -x),
        ("bool", lambda x: x * 2.0 if x else x * 3.0),
        ("float", lambda x: x * float(x)),
        ("int", lambda x: x * int(x)),
        ("index", lambda x: x * [1.0, 2.0, 3.0][x]),
    ],
)
def test_a_function_that_reads_the_data_is_recorded_every_call(
    how: str, f: Callable[[Any], Any]
) -> None:
    g = grad(f, jit=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        first = g(2.0)
    said = [str(w.message) for w in caught if w.category is DataDependentWarning]
    assert len(said) == 1 and "test_jit.py" in said[0]
    lossy = how in ("float", "int", "index")  # these reads also lose the gradient through them
    assert any(w.category is GradientLostWarning for w in caught) == lossy
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # said once only
        warnings.simplefilter("ignore", GradientLostWarning)
        for x in (2.0, 1.0, -3.0 if how in ("comparison", "bool") else 0.0, 2.0):
            assert same(g(x), grad(f)(x))
        assert same(first, grad(f)(2.0))
    assert g.replays == 0  # type: ignore[attr-defined]


def test_branches_written_as_ops_are_replayed() -> None:
    """What to do instead of an if: the op makes the branch part of the graph."""

    def f(x: Any) -> Any:
        return tmath.maximum(x * x, -x) + (x * 3.0).relu()

    g = grad(f, jit=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for x in (2.0, -3.0, 0.5, -0.25):
            assert same(g(x), grad(f)(x))
    assert g.replays == 3  # type: ignore[attr-defined]


def test_closed_over_values_are_read_at_replay_and_their_grad_kept() -> None:
    w = Value(2.0, "w")
    w.grad = 7.0

    def f(x: Any) -> Any:
        return (w * x).tanh()

    g = grad(f, jit=True)
    first = g(0.5)
    w.data = -1.0  # a weight changed in place, as an optimizer does
    assert same(g(0.5), grad(f)(0.5))
    assert not same(g(0.5), first)
    assert w.grad == 7.0
    assert g.replays == 2  # type: ignore[attr-defined]


def test_aux_values_are_recomputed_or_the_function_is_not_replayed() -> None:
    def with_inner(x: Any) -> Any:
        inner = x * x
        return inner * 3.0, inner

    g = grad(with_inner, has_aux=True, jit=True)
    assert g(2.0) == (12.0, 4.0)
    assert g(3.0) == (18.0, 9.0)  # the aux node is part of the graph: recomputed
    stray = Value(1.0)

    def with_stray(x: Any) -> Any:
        return x * 2.0, stray * 5.0

    h = grad(with_stray, has_aux=True, jit=True)
    with pytest.warns(DataDependentWarning, match="aux"):
        assert h(1.0) == (2.0, 5.0)
    stray.data = 2.0
    assert h(1.0) == (2.0, 10.0)


def test_nested_calls_run_the_plain_transformation() -> None:
    inner = grad(lambda x: x**3, jit=True)
    assert grad(inner)(2.0) == 12.0
    assert grad(inner)(1.0) == 6.0
    assert inner.replays == 0  # type: ignore[attr-defined]
    assert inner(2.0) == 12.0 and inner(1.0) == 3.0
    assert inner.replays == 1  # type: ignore[attr-defined]


def test_jit_keeps_the_plain_errors() -> None:
    g = grad(lambda x: x * 2.0, jit=True)
    with pytest.raises(TypeError, match="real number"):
        g("a")
    with no_grad(), pytest.raises(RuntimeError, match="no_grad"):
        g(1.0)
    constant = grad(lambda x: 3.0, jit=True)
    with pytest.raises(TypeError, match=r"tinygrad_lite\.math"):
        constant(1.0)
    assert g(2.0) == 2.0


def test_the_cache_keeps_a_bounded_number_of_shapes() -> None:
    from tinygrad_lite.functional.jit import CACHE_SIZE

    g = grad(lambda xs: sum(xs), jit=True)
    for n in range(1, CACHE_SIZE + 5):
        assert g([1.0] * n) == [1.0] * n
    assert len(g.entries) == CACHE_SIZE  # type: ignore[attr-defined]
