"""Tests for tinygrad_lite.naive: the source document's per-variable engine agrees with Value."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from tinygrad_lite.engine import Value, topological_order
from tinygrad_lite.naive import (
    Abs,
    Add,
    Const,
    Div,
    Expr,
    Mul,
    Pow,
    Relu,
    Square,
    Sub,
    Tanh,
    Var,
    gradient,
    reset_visits,
    to_value,
    visits,
)

# A recipe is a nested tuple; building it twice gives two independent trees.
_LEAVES = st.one_of(
    st.tuples(st.just("var"), st.integers(0, 2)),
    st.tuples(st.just("const"), st.floats(-3.0, 3.0)),
)


def _extend(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.tuples(st.sampled_from(["add", "sub", "mul", "div"]), children, children),
        st.tuples(st.just("pow"), children, st.sampled_from([0.0, 1.0, 2.0, 3.0])),
        st.tuples(st.sampled_from(["square", "abs", "tanh", "relu", "neg", "shared"]), children),
    )


RECIPES = st.recursive(_LEAVES, _extend, max_leaves=12)
# NOTE: values are 0 or at least 1e-3 in size. Near 1e-100, x + x/x sums terms
# of size 1e100 and 1 whose rounding depends on the order of accumulation, and
# the two engines add in different orders.
VARIABLE_VALUES = st.lists(
    st.one_of(st.just(0.0), st.floats(-2.0, 2.0).filter(lambda v: abs(v) >= 1e-3)),
    min_size=3,
    max_size=3,
)


def build(recipe: Any, variables: list[Var]) -> Expr:
    kind = recipe[0]
    if kind == "var":
        return variables[recipe[1]]
    if kind == "const":
        return Const(recipe[1])
    a = build(recipe[1], variables)
    if kind == "pow":
        return Pow(a, Const(recipe[2]))
    if kind in ("add", "sub", "mul", "div"):
        b = build(recipe[2], variables)
        return {"add": Add, "sub": Sub, "mul": Mul, "div": Div}[kind](a, b)
    if kind == "neg":
        return -a
    if kind == "shared":  # one subtree reached by two paths
        return Mul(a, Add(a, Const(1.0)))
    return {"square": Square, "abs": Abs, "tanh": Tanh, "relu": Relu}[kind](a)


def finite(*xs: float) -> bool:
    return all(math.isfinite(x) and abs(x) < 1e8 for x in xs)


@given(RECIPES, VARIABLE_VALUES)
def test_naive_and_value_engines_agree(recipe: Any, values: list[float]) -> None:
    variables = [Var(v, name) for v, name in zip(values, "xyz", strict=True)]
    expr = build(recipe, variables)
    naive_value = expr.value()
    naive_grads = gradient(expr, variables)
    assume(finite(naive_value, *naive_grads))
    leaves: dict[Var, Value] = {}
    out = to_value(expr, leaves)
    # NOTE: a non-finite intermediate ((x/x)**0 at x = 0) is IEEE's business:
    # reverse mode multiplies 0 by its inf derivative, the naive engine never does.
    assume(finite(*(node.data for node in topological_order(out))))
    out.backward()
    assert math.isclose(out.data, naive_value, rel_tol=1e-12, abs_tol=1e-12)
    for var, naive_grad in zip(variables, naive_grads, strict=True):
        reverse_grad = leaves[var].grad if var in leaves else 0.0
        assert math.isclose(reverse_grad, naive_grad, rel_tol=1e-9, abs_tol=1e-9), var


def test_seed_example() -> None:
    x, y = Var(1.0, "x"), Var(5.0, "y")
    z = Add(Add(x, Const(2.0)), y)
    assert z.value() == 8.0
    assert z.grad(x) == 1.0
    x.set_value(2.0)
    assert z.value() == 9.0  # the same tree sees the new value


def test_operator_overloading_builds_the_tree() -> None:
    x, y = Var(3.0), Var(4.0)
    expr = x * y + 2
    assert isinstance(expr, Add)
    assert isinstance(expr.a, Mul) and isinstance(expr.b, Const)
    assert (expr.value(), expr.grad(x), expr.grad(y)) == (14.0, 4.0, 3.0)
    other = 1 - x / y + (-x) ** 2 + abs(y)
    assert math.isclose(other.value(), 1 - 0.75 + 9 + 4)
    assert math.isclose(other.grad(x), -1 / 4 + 2 * 3)
    assert math.isclose(other.grad(y), 3 / 16 + 1)
    with pytest.raises(TypeError, match="str"):
        x + "1"  # type: ignore[operator]


def test_kinks_follow_the_engine_conventions() -> None:
    x = Var(0.0)
    assert Relu(x).grad(x) == 0.0  # relu'(0) = 0
    assert Abs(x).grad(x) == 0.0
    assert Pow(x, Const(0.0)).grad(x) == 0.0
    assert Div(Const(1.0), x).value() == math.inf
    assert math.isnan(Div(x, x).value())


def test_pow_with_a_variable_exponent() -> None:
    a, b = Var(2.0), Var(3.0)
    expr = a**b
    leaves: dict[Var, Value] = {}
    out = to_value(expr, leaves)
    out.backward()
    assert math.isclose(expr.grad(a), 12.0)
    assert math.isclose(expr.grad(b), 8.0 * math.log(2.0))
    assert math.isclose(leaves[b].grad, expr.grad(b), rel_tol=1e-12)


def test_to_value_keeps_sharing_and_variables() -> None:
    x = Var(2.0, "x")
    shared = Tanh(x * 3.0)
    expr = shared * shared + shared
    leaves: dict[Var, Value] = {}
    out = to_value(expr, leaves)
    assert leaves[x].label == "x"
    # the graph has one tanh node, not three
    from tinygrad_lite.engine import topological_order

    assert sum(1 for node in topological_order(out) if node.op == "tanh") == 1
    assert isinstance(to_value(Const(2.0)), Value)
    assert to_value(Add(Const(1.0), Const(2.0))).data == 3.0


def mlp_loss(width: int) -> tuple[Expr, list[Var]]:
    """A 2-width-1 tanh MLP's squared error on one point."""
    inputs = [Const(0.5), Const(-1.0)]
    weights: list[Var] = []
    hidden = []
    for j in range(width):
        w1, w2, b = Var(0.1 * (j + 1)), Var(-0.05 * j), Var(0.01 * j)
        weights += [w1, w2, b]
        hidden.append(Tanh(w1 * inputs[0] + w2 * inputs[1] + b))
    out: Expr = Var(0.2)
    weights.append(out)  # type: ignore[arg-type]
    for j, h in enumerate(hidden):
        v = Var(0.3 - 0.1 * j)
        weights.append(v)
        out = out + v * h
    return Square(out - 1.0), weights


def test_mlp_gradient_agrees_and_naive_visits_grow_faster() -> None:
    counts = []
    for width in (2, 4, 8):
        loss, weights = mlp_loss(width)
        reset_visits()
        naive_grads = gradient(loss, weights)
        counts.append(visits())
        leaves: dict[Var, Value] = {}
        out = to_value(loss, leaves)
        out.backward()
        for w, g in zip(weights, naive_grads, strict=True):
            assert math.isclose(leaves[w].grad, g, rel_tol=1e-12, abs_tol=1e-15)
    # doubling the width roughly quadruples the naive work (parameters x tree size)
    assert counts[2] / counts[1] > 3.0
    assert counts[1] / counts[0] > 3.0
