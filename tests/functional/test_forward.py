"""Forward mode (jvp, jacfwd, hvp as forward-over-reverse) against HIPS autograd and
reverse mode, on the op table's random expression graphs."""

from __future__ import annotations

import math

import autograd
import autograd.numpy as anp
import autograd.scipy.special as aspecial
import pytest
from autograd.extend import defjvp
from hypothesis import given
from hypothesis import strategies as st
from strategies import Graph, apply_autograd, apply_value, expression_graphs, reals

from tinygrad_lite import (
    GradientLostWarning,
    Value,
    grad,
    hessian,
    hvp,
    jacfwd,
    jacobian,
    jvp,
    total,
)
from tinygrad_lite.functional.forward import tangents

pytestmark = pytest.mark.filterwarnings("ignore:Output seems independent of input")

# HIPS autograd defines reverse rules for scipy's erf and erfc but no forward
# ones; complete its table with the textbook derivative 2/sqrt(pi) exp(-x**2).
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
defjvp(aspecial.erf, lambda g, ans, x: _TWO_OVER_SQRT_PI * anp.exp(-(x**2)) * g)
defjvp(aspecial.erfc, lambda g, ans, x: -_TWO_OVER_SQRT_PI * anp.exp(-(x**2)) * g)


def close(a: float, b: float, tol: float = 1e-9) -> bool:
    return math.isclose(a, b, rel_tol=tol, abs_tol=tol)


def directions(n: int) -> st.SearchStrategy[list[float]]:
    return st.lists(reals(-2.0, 2.0), min_size=n, max_size=n)


@given(graph=expression_graphs(), data=st.data())
def test_jvp_matches_autograds_make_jvp(graph: Graph, data: st.DataObject) -> None:
    n = len(graph.leaves)
    direction = data.draw(directions(n))
    value, tangent = jvp(graph.on_values, tuple(graph.leaves), tuple(direction))
    fun = lambda v: graph.on_autograd(*[v[i] for i in range(n)])  # noqa: E731
    expected_value, expected = autograd.make_jvp(fun)(anp.array(graph.leaves))(anp.array(direction))
    assert value == graph.on_floats(*graph.leaves)
    assert close(value, float(expected_value))
    assert close(tangent, float(expected)), (graph, direction, tangent, expected)


@given(graph=expression_graphs(max_steps=8))
def test_jacfwd_equals_jacobian_on_every_intermediate(graph: Graph) -> None:
    def f(xs: list[Value]) -> list[Value]:
        return graph.every_slot(xs, apply_value)  # type: ignore[no-any-return]

    forward = jacfwd(f)(list(graph.leaves))
    reverse = jacobian(f)(list(graph.leaves))
    assert len(forward) == len(reverse) == len(graph.instructions)
    for row_f, row_r in zip(forward, reverse, strict=True):
        for a, b in zip(row_f, row_r, strict=True):
            assert close(a, b, 1e-10), (graph, forward, reverse)


@given(graph=expression_graphs(max_leaves=3, max_steps=6), data=st.data())
def test_hvp_forward_over_reverse_matches_autograd(graph: Graph, data: st.DataObject) -> None:
    n = len(graph.leaves)
    v = data.draw(directions(n))
    ours = hvp(lambda xs: graph.on_values(*xs), list(graph.leaves), v)
    fun = lambda x: graph.on_autograd(*[x[i] for i in range(n)])  # noqa: E731
    expected = autograd.hessian_vector_product(fun)(anp.array(graph.leaves), anp.array(v))
    for a, b in zip(ours, expected, strict=True):
        assert close(a, float(b), 1e-7), (graph, v, ours, expected)


@given(x=reals(-2.0, 2.0))
def test_nested_forward_and_reverse_compose(x: float) -> None:
    def f(t: Value) -> Value:
        return t.sin() * t.exp() + t**3

    second = -math.sin(x) * math.exp(x) + 2 * math.cos(x) * math.exp(x) + math.sin(x) * math.exp(x)
    second += 6 * x
    # reverse over forward, forward over forward, forward over reverse
    assert close(grad(lambda t: jvp(f, (t,), (1.0,))[1])(x), second)
    assert close(jvp(lambda t: jvp(f, (t,), (1.0,))[1], (x,), (1.0,))[1], second)
    assert close(jvp(grad(f), (x,), (1.0,))[1], second)
    assert close(jacfwd(grad(f))(x), hessian(f)(x))


@pytest.mark.parametrize("name", ["exp", "tanh", "softplus", "atan2", "lerp", "logsumexp"])
def test_every_kind_of_op_agrees_with_reverse_mode(name: str) -> None:
    args = {"atan2": [0.5, -1.2], "lerp": [1.0, 3.0, 0.25], "logsumexp": [0.1, -2.0, 1.5]}.get(
        name, [0.7]
    )
    forward = jacfwd(lambda xs: apply_value(name, xs))(args)
    reverse = grad(lambda xs: apply_value(name, xs))(args)
    assert all(close(a, b, 1e-14) for a, b in zip(forward, reverse, strict=True))
    expected = autograd.grad(lambda v: apply_autograd(name, [v[i] for i in range(len(args))]))(
        anp.array(args)
    )
    assert all(close(a, float(b)) for a, b in zip(forward, expected, strict=True))


# -- shapes, trees and errors -------------------------------------------------


def test_trees_in_and_out() -> None:
    value, tangent = jvp(
        lambda p, s: (p[0] * p[1], [s * p[0], 2.0 * s]), ([2.0, 3.0], 0.5), ([1.0, 0.0], 1.0)
    )
    assert value == (6.0, [1.0, 1.0])
    assert tangent == (3.0, [2.0 * 1.0 + 0.5 * 1.0, 2.0])
    assert jvp(lambda x: x * x, 3.0, 1.0) == (9.0, 6.0)  # a single number may be bare
    assert jacfwd(lambda x, y: [x * y, x + y], argnums=(0, 1))(2.0, 5.0) == [(5.0, 2.0), (1.0, 1.0)]


def test_an_output_that_does_not_depend_on_the_seeded_input_has_tangent_zero() -> None:
    assert jvp(lambda x, y: y * 2.0, (1.0, 2.0), (1.0, 0.0)) == (4.0, 0.0)
    assert jacfwd(lambda p: [p[1] * p[1], p[0]])([1.0, 3.0]) == [[0.0, 6.0], [1.0, 0.0]]


def test_errors_name_the_problem() -> None:
    with pytest.raises(ValueError, match="one tangent per primal"):
        jvp(lambda x, y: x * y, (1.0, 2.0), (1.0,))
    with pytest.raises(ValueError, match=r"tangents\[0\] must have the shape"):
        jvp(lambda p: p[0], ([1.0, 2.0],), ([1.0],))
    with pytest.raises(TypeError, match=r"tangents\[0\]\[1\] must be a real number"):
        jvp(lambda p: p[0], ([1.0, 2.0],), ([1.0, "a"],))
    with (
        pytest.raises(TypeError, match="does not depend on the inputs"),
        pytest.warns(GradientLostWarning),
    ):
        jvp(lambda x: math.sin(x), (1.0,), (1.0,))
    with pytest.raises(TypeError, match=r"output\[1\] of f is a plain number"):
        jacfwd(lambda x: [x * 2.0, 3.0])(1.0)
    with pytest.raises(TypeError, match="callable"):
        jvp(3.0, (1.0,), (1.0,))  # type: ignore[arg-type]


def test_a_deep_chain_sweeps_without_recursion() -> None:
    def chain(x: Value) -> Value:
        y = x
        for _ in range(100_000):
            y = y * 0.999 + 0.001
        return y

    _, tangent = jvp(chain, (0.5,), (1.0,))
    assert close(tangent, 0.999**100_000)


def test_the_sweep_is_a_function_of_an_order_and_seeds() -> None:
    x, w = Value(2.0), Value(-1.0)
    y = (x * w).exp() + total([x, w, x])
    order = [n for n in _parents_first(y)]
    swept = tangents(order, {x: 1.0})
    assert close(swept[y], w.data * math.exp(-2.0) + 2.0)
    assert w not in swept  # structurally zero: never computed


def _parents_first(root: Value) -> list[Value]:
    from tinygrad_lite import topological_order

    return topological_order(root)
