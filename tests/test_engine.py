"""The Value engine: every promise of issue 2, one test (or more) each."""

from __future__ import annotations

import copy
import gc
import math
import pickle
import re
import sys
import threading
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from functools import reduce
from operator import add
from typing import Any

import autograd
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import Graph, expression_graphs, reals

from tinygrad_lite.engine import (
    GradientLostWarning,
    Value,
    detect_anomaly,
    dot,
    is_grad_enabled,
    no_grad,
    topological_order,
    total,
)
from tinygrad_lite.numeric import gradcheck, gradgradcheck
from tinygrad_lite.ops import OPS

INF, NAN = math.inf, math.nan

# ---------------------------------------------------------------------------
# Construction and the node's read-only view.

ACCEPTED: list[tuple[Any, float]] = [
    (3, 3.0),
    (-2.5, -2.5),
    (True, 1.0),
    (False, 0.0),
    (Fraction(1, 4), 0.25),
    (Decimal("0.5"), 0.5),
    (np.float64(1.5), 1.5),
    (np.float32(0.25), 0.25),
    (np.int64(7), 7.0),
    (np.int8(-3), -3.0),
    (10**400, INF),
]


@pytest.mark.parametrize(("number", "expected"), ACCEPTED)
def test_real_numbers_are_accepted_and_stored_as_float(number: Any, expected: float) -> None:
    v = Value(number)
    assert type(v.data) is float
    assert v.data == expected
    assert type(v.grad) is float and v.grad == 0.0
    assert v.label == ""


REJECTED: list[Any] = ["1.0", None, 1j, [1.0], (1.0,), np.complex128(1.0), {1.0}]


@pytest.mark.parametrize("thing", REJECTED)
def test_non_real_data_is_rejected_naming_the_type(thing: Any) -> None:
    with pytest.raises(TypeError, match=type(thing).__name__):
        Value(thing)


def test_a_value_as_data_is_rejected_with_a_hint() -> None:
    with pytest.raises(TypeError, match=r"\.data.*\.detach\(\)"):
        Value(Value(1.0))  # type: ignore[arg-type]


def test_label_and_node_properties() -> None:
    x = Value(2.0, "x")
    assert x.label == "x" and x.is_leaf and not x.is_constant
    assert x.op == "" and x.op_def is None and x.parents == () and x.operands == ()
    y = x**3
    assert y.op == "pow" and y.op_def is OPS["pow"] and not y.is_leaf
    assert y.parents == (x,)
    assert y.operands == (x, 3.0) and type(y.operands[1]) is float
    z = x * x
    assert z.parents == (x, x)  # duplicates kept in order
    w = 2 - x
    assert w.operands == (2.0, x)
    t = total([x, 1.5])
    assert t.op == "total" and t.parents[0] is x and t.parents[1].is_constant
    with pytest.raises(TypeError, match="label"):
        Value(1.0, label=3)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# Operators.


@pytest.mark.parametrize(
    ("expression", "symbol"),
    [
        (lambda v: v + "a", "for +:"),
        (lambda v: v - None, "for -:"),
        (lambda v: v * None, "for *:"),
        (lambda v: v / (1,), "for /:"),
        (lambda v: v ** [1], "for ** or pow():"),
        (lambda v: [1] ** v, "for ** or pow():"),
        (lambda v: v + 1j, "for +:"),
    ],
)
def test_unsupported_operands_name_the_op_and_both_types(
    expression: Callable[[Value], Any], symbol: str
) -> None:
    with pytest.raises(TypeError, match=re.escape(symbol)) as caught:
        expression(Value(1.0))
    message = str(caught.value)
    assert "'Value'" in message
    assert any(t in message for t in ("'str'", "'NoneType'", "'list'", "'tuple'", "'complex'"))


def test_reflected_operators_with_numbers_on_the_left() -> None:
    x = Value(2.0)
    cases: list[tuple[Value, float, float]] = [
        (3 + x, 5.0, 1.0),
        (3 - x, 1.0, -1.0),
        (3 * x, 6.0, 3.0),
        (3 / x, 1.5, -0.75),  # d(3/x)/dx = -3/x**2
        (3**x, 9.0, 9.0 * math.log(3.0)),
        (Fraction(1, 2) * x, 1.0, 0.5),
        (np.float64(4.0) - x, 2.0, -1.0),
    ]
    for result, data, gradient in cases:
        assert type(result) is Value
        x.grad = 0.0
        result.backward()
        assert math.isclose(result.data, data, rel_tol=1e-15)
        assert math.isclose(x.grad, gradient, rel_tol=1e-15)


def test_value_exponent_and_unary_ops() -> None:
    a, b = Value(2.0), Value(3.0)
    y = a**b
    y.backward()
    assert y.data == 8.0
    assert a.grad == 12.0  # b * a**(b-1)
    assert math.isclose(b.grad, 8.0 * math.log(2.0), rel_tol=1e-15)
    x = Value(-1.5)
    assert (-x).data == 1.5 and abs(x).data == 1.5 and (+x) is x


def test_comparisons_return_bool_and_equality_is_identity() -> None:
    a, b = Value(1.0), Value(2.0)
    for result in (a < b, a <= 1, b > 1.5, b >= Fraction(2), a > 0, b <= 3):
        assert result is True
    assert (a > b) is False
    same = Value(1.0)
    assert a != same and (a == same) is False
    assert a == a
    assert hash(a) == object.__hash__(a)
    table = {a: "a", same: "same"}
    assert table[a] == "a" and table[same] == "same"
    with pytest.raises(TypeError):
        _ = a < "b"  # type: ignore[operator]


def test_python_number_protocol() -> None:
    v = Value(2.75, "v")
    with pytest.warns(GradientLostWarning):  # each read is a plain number: no gradient
        assert float(v) == 2.75 and type(float(v)) is float
        assert int(v) == 2
        assert math.exp(v) == math.exp(2.75)
    assert format(v, ".3f") == "2.750"
    assert f"{v:.1f}" == "2.8"
    assert bool(Value(0.0)) is False and bool(v) is True and bool(Value(NAN)) is True
    text = repr((v * 2).tanh())
    assert text.startswith("Value(") and "op='tanh'" in text and "grad=0.0" in text
    assert "label='v'" in repr(v) and "2.75" in repr(v)


# ---------------------------------------------------------------------------
# backward semantics.


def _square_then_double() -> tuple[Value, Value, Value]:
    a = Value(3.0, "a")
    c = a * a
    y = 2 * c
    return a, c, y


def test_backward_twice_accumulates_on_leaves_only() -> None:
    a, c, y = _square_then_double()
    y.backward()
    assert a.grad == 12.0 and c.grad == 2.0
    y.backward()
    assert a.grad == 24.0  # leaves accumulate: 12 + 12, never 36
    assert c.grad == 2.0  # intermediate nodes are reset each call


def test_backward_of_an_intermediate_then_the_output() -> None:
    a, c, y = _square_then_double()
    c.backward()
    assert a.grad == 6.0  # dc/da = 2a
    y.backward()
    # The issue writes "4 + 32", which fits no single a; the stated rule
    # (leaves accumulate) gives dc/da + dy/da = 2a + 4a = 6 + 12 at a = 3.
    assert a.grad == 18.0


def test_backward_seed_and_leaf_backward() -> None:
    x = Value(2.0)
    (x * x).backward(0.5)
    assert x.grad == 2.0
    x.backward()
    assert x.grad == 3.0


def test_zero_grad_clears_the_whole_graph() -> None:
    a, c, y = _square_then_double()
    y.backward()
    y.zero_grad()
    assert a.grad == 0.0 and c.grad == 0.0 and y.grad == 0.0
    y.backward()
    assert a.grad == 12.0


def test_detach_makes_a_new_leaf() -> None:
    a = Value(3.0, "a")
    y = (a * a).detach()
    assert y.is_leaf and y.data == 9.0 and y.grad == 0.0
    z = y * a
    z.backward()
    assert a.grad == 9.0  # no path through the detached product
    assert a.detach() is not a and a.detach().label == "a"


def test_topological_order_puts_parents_first() -> None:
    a, b = Value(1.0), Value(2.0)
    c = a * b
    d = c + a
    order = topological_order(d)
    assert order[-1] is d and set(map(id, order)) == {id(a), id(b), id(c), id(d)}
    assert order.index(c) > order.index(a) and order.index(c) > order.index(b)
    assert topological_order(d, leaves=False) == [c, d]


# ---------------------------------------------------------------------------
# no_grad and threads.


def test_no_grad_records_nothing_and_restores() -> None:
    x = Value(2.0)
    assert is_grad_enabled()
    with no_grad():
        assert not is_grad_enabled()
        y = x * 3 + 1
        with no_grad():
            pass
        assert not is_grad_enabled()
    assert is_grad_enabled()
    assert y.data == 7.0 and y.is_leaf
    with pytest.raises(RuntimeError), no_grad():
        raise RuntimeError("restored even on error")
    assert is_grad_enabled()
    assert not (x * 3).is_leaf


def test_no_grad_is_thread_local() -> None:
    seen: dict[str, Any] = {}

    def worker() -> None:
        x = Value(2.0)
        seen["enabled"] = is_grad_enabled()
        seen["result"] = x * x

    with no_grad():
        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
        assert not is_grad_enabled()
        assert (Value(1.0) * 2).is_leaf
    assert seen["enabled"] is True
    assert seen["result"].op == "mul"


# ---------------------------------------------------------------------------
# IEEE edges: never ZeroDivisionError, OverflowError or ValueError.


def test_division_by_zero_is_inf_with_infinite_gradients() -> None:
    a, b = Value(1.0), Value(0.0)
    y = a / b
    assert y.data == INF
    y.backward()
    assert a.grad == INF and b.grad == -INF
    assert math.isnan((Value(0.0) / Value(0.0)).data)
    assert (Value(-1.0) / 0).data == -INF
    assert (1 / Value(0.0)).data == INF


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda: Value(0.0).log(), -INF),
        (lambda: Value(-1.0).log(), NAN),
        (lambda: Value(1000.0).exp(), INF),
        (lambda: Value(10.0) ** 400, INF),
        (lambda: 10 ** Value(400.0), INF),
        (lambda: Value(10.0) ** Value(400.0), INF),
        (lambda: Value(-8.0) ** (1 / 3), NAN),
        (lambda: Value(0.0) ** -1, INF),
        (lambda: Value(-1.0).sqrt(), NAN),
        (lambda: Value(INF).sin(), NAN),
        (lambda: Value(1000.0).tanh(), 1.0),
        (lambda: Value(-1000.0).tanh(), -1.0),
        (lambda: Value(1000.0).sigmoid(), 1.0),
        (lambda: Value(-1000.0).sigmoid(), 0.0),
    ],
)
def test_ieee_results(make: Callable[[], Value], expected: float) -> None:
    result = make()
    assert type(result.data) is float  # never complex
    if math.isnan(expected):
        assert math.isnan(result.data)
    else:
        assert result.data == expected  # exact: the point of the promise
    result.backward()  # never raises either


@pytest.mark.parametrize("x", [1000.0, -1000.0])
@pytest.mark.parametrize("name", ["tanh", "sigmoid"])
def test_saturated_tanh_and_sigmoid_have_zero_gradient(name: str, x: float) -> None:
    leaf = Value(x)
    getattr(leaf, name)().backward()
    assert leaf.grad == 0.0


def test_gradients_at_kinks() -> None:
    cases: list[tuple[Callable[[Value], Value], float, float]] = [
        (lambda x: x.relu(), 0.0, 0.0),
        (abs, 0.0, 0.0),
        (lambda x: x**0, 0.0, 0.0),
        (lambda x: x.sqrt(), 0.0, INF),
        (lambda x: x.relu(), -1.0, 0.0),
        (lambda x: x.relu(), 1.0, 1.0),
    ]
    for function, at, gradient in cases:
        leaf = Value(at)
        function(leaf).backward()
        assert leaf.grad == gradient, (at, leaf.grad)
    assert (Value(0.0) ** 0).data == 1.0


def test_exponent_gradient_is_zero_when_the_base_is_zero() -> None:
    base, exponent = Value(0.0), Value(2.0)
    y = base**exponent
    y.backward()
    assert y.data == 0.0 and exponent.grad == 0.0 and base.grad == 0.0


@pytest.mark.parametrize("name", [n for n in sorted(OPS) if OPS[n].arity == 1])
def test_nan_in_gives_nan_out(name: str) -> None:
    leaf = Value(NAN)
    result = getattr(leaf, name)() if name not in ("neg", "abs") else OPS_CALL[name](leaf)
    assert math.isnan(result.data)
    result.backward()
    if name != "neg":  # d(-x)/dx = -1 whatever x is
        assert math.isnan(leaf.grad)


OPS_CALL: dict[str, Callable[[Value], Value]] = {"neg": lambda v: -v, "abs": abs}


@pytest.mark.parametrize("name", ["add", "sub", "mul", "div", "pow"])
def test_nan_in_binary_ops(name: str) -> None:
    a, b = Value(NAN), Value(2.0)
    y = {"add": a + b, "sub": a - b, "mul": a * b, "div": a / b, "pow": a**b}[name]
    assert math.isnan(y.data)
    y.backward()
    assert math.isnan(b.grad) or name in ("add", "sub")


# ---------------------------------------------------------------------------
# detect_anomaly.


@pytest.mark.parametrize(
    ("make", "op", "shown"),
    [
        (lambda: Value(1000.0).exp(), "exp", "1000"),
        (lambda: Value(1.0) / Value(0.0), "div", "0.0"),
        (lambda: Value(-1.0).log(), "log", "-1.0"),
        (lambda: Value(10.0) ** 400, "pow", "400"),
    ],
)
def test_detect_anomaly_names_op_and_inputs(make: Callable[[], Value], op: str, shown: str) -> None:
    with detect_anomaly(), pytest.raises(FloatingPointError, match=op) as caught:
        make()
    assert shown in str(caught.value)
    make()  # outside: plain IEEE result, no error


def test_detect_anomaly_ignores_non_finite_inputs() -> None:
    with detect_anomaly():
        y = Value(INF) + 1.0
        assert y.data == INF
        assert (Value(2.0) * 3).data == 6.0


# ---------------------------------------------------------------------------
# Depth and width.


def test_a_million_node_chain_runs_forward_and_backward() -> None:
    x = Value(0.0)
    y = x
    for _ in range(1_000_000):
        y = y + 1.0
    assert y.data == 1_000_000.0
    y.backward()
    assert x.grad == 1.0


def test_builtin_sum_of_100k_terms() -> None:
    leaves = [Value(float(i % 7)) for i in range(100_000)]
    y = sum(leaves)
    assert isinstance(y, Value)
    assert y.data == reduce(add, [float(i % 7) for i in range(100_000)], 0.0)
    y.backward()
    assert all(leaf.grad == 1.0 for leaf in leaves)


# ---------------------------------------------------------------------------
# Memory: no reference cycles, pickling and deep copies.


def _build_graph(engine: Any) -> Any:
    a, b = engine(0.5), engine(-0.5)
    y = a
    for _ in range(50):
        y = (y * b + a).relu()
    y.backward()
    return y


def _cycles_left_after(engine: Any) -> int:
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        y = _build_graph(engine)
        del y
        return gc.collect()
    finally:
        if enabled:
            gc.enable()


def test_graphs_are_freed_by_reference_counting_alone() -> None:
    assert _cycles_left_after(Value) == 0


def test_the_cycle_check_can_fail() -> None:
    micrograd_engine = pytest.importorskip("micrograd.engine")
    assert _cycles_left_after(micrograd_engine.Value) > 0  # closures make cycles


def _example() -> tuple[Value, Value, Value]:
    a, b = Value(0.7, "a"), Value(-1.3, "b")
    y = (a * b + a**2).tanh() + total([a, b, 2.0]) + dot([a, b], [b, 1.5], 0.25)
    return a, b, y


@pytest.mark.parametrize("clone", [copy.deepcopy, lambda y: pickle.loads(pickle.dumps(y))])
def test_copies_backpropagate_independently(clone: Callable[[Value], Value]) -> None:
    a, b, y = _example()
    twin = clone(y)
    assert twin is not y and twin.data == y.data
    leaves = [n for n in topological_order(twin) if n.is_leaf and n.label]
    twin_a = next(n for n in leaves if n.label == "a")
    twin_b = next(n for n in leaves if n.label == "b")
    twin.backward()
    assert a.grad == 0.0 and b.grad == 0.0  # original untouched
    y.backward()
    assert twin_a.grad == a.grad and twin_b.grad == b.grad  # bit-exact: same computation
    assert twin_a is not a


def test_copies_keep_shared_nodes_shared() -> None:
    a = Value(3.0)
    y = a * a
    for twin in (copy.deepcopy(y), pickle.loads(pickle.dumps(y))):
        first, second = twin.parents
        assert first is second
        twin.backward()
        assert first.grad == 6.0


@pytest.mark.parametrize("clone", [copy.deepcopy, lambda y: pickle.loads(pickle.dumps(y))])
def test_deep_chain_copies(clone: Callable[[Value], Value]) -> None:
    x = Value(1.0, "x")
    y = x
    for _ in range(100_000):
        y = y * 1.0 + 0.5
    twin = clone(y)
    assert twin.data == y.data == 50_001.0
    twin.backward()
    (twin_x,) = [n for n in topological_order(twin) if n.label == "x"]
    assert twin_x.grad == 1.0 and x.grad == 0.0


# ---------------------------------------------------------------------------
# n-ary nodes equal the scalar expansion to the last bit.

small = reals(-100.0, 100.0)


@given(st.lists(small, min_size=1, max_size=12), st.data())
def test_total_equals_the_chain_of_additions_bit_for_bit(
    numbers: list[float], data: st.DataObject
) -> None:
    # operands drawn from a few leaves (so some repeat) and plain numbers
    leaves = [Value(x) for x in numbers]
    picks = data.draw(st.lists(st.integers(0, len(numbers) - 1), min_size=1, max_size=12))
    operands: list[Value | float] = [leaves[i] for i in picks] + [0.5]
    fused = total(operands)
    fused.backward()
    fused_grads = [leaf.grad for leaf in leaves]
    for leaf in leaves:
        leaf.grad = 0.0
    chained = reduce(add, operands)
    assert isinstance(chained, Value)
    chained.backward()
    assert fused.data == chained.data
    assert fused_grads == [leaf.grad for leaf in leaves]


def _dot_against_expansion(
    leaves: list[Value], weights: list[Any], inputs: list[Any], bias: Any
) -> tuple[Value, list[float], Value, list[float]]:
    fused = dot(weights, inputs, bias)
    fused.backward()
    fused_grads = [leaf.grad for leaf in leaves]
    for leaf in leaves:
        leaf.grad = 0.0
    # micrograd's Neuron: sum((w*x for w, x in zip(ws, xs)), b), a left fold from the bias
    products = [w * x for w, x in zip(weights, inputs, strict=True)]
    expanded: Value = reduce(add, products) if bias is None else reduce(add, products, bias)
    expanded.backward()
    return fused, fused_grads, expanded, [leaf.grad for leaf in leaves]


@given(st.integers(1, 8), st.data())
def test_dot_equals_the_neuron_expansion_bit_for_bit(n: int, data: st.DataObject) -> None:
    """Distinct leaves (or numbers) everywhere: data and gradients agree to the last bit."""

    def operand() -> Value | float:
        number = data.draw(small)
        return Value(number) if data.draw(st.booleans()) else number

    weights = [Value(data.draw(small)) for _ in range(n)]
    inputs = [operand() for _ in range(n)]
    bias = data.draw(st.one_of(st.none(), small, small.map(Value)))
    leaves = [x for x in [*weights, *inputs, bias] if type(x) is Value]
    fused, fused_grads, expanded, expanded_grads = _dot_against_expansion(
        leaves, weights, inputs, bias
    )
    assert fused.data == expanded.data
    assert fused_grads == expanded_grads


@given(st.lists(small, min_size=1, max_size=4), st.integers(1, 6), st.data())
def test_dot_with_shared_leaves_matches_the_expansion(
    numbers: list[float], n: int, data: st.DataObject
) -> None:
    """A leaf used several times sums its contributions in another order: ulp-close."""
    leaves = [Value(x) for x in numbers]
    index = st.integers(0, len(leaves) - 1)
    weights = [leaves[data.draw(index)] for _ in range(n)]
    inputs = [leaves[data.draw(index)] for _ in range(n)]
    bias = data.draw(st.one_of(st.none(), st.just(leaves[0])))
    fused, fused_grads, expanded, expanded_grads = _dot_against_expansion(
        leaves, weights, inputs, bias
    )
    assert fused.data == expanded.data  # the forward fold is the same
    for got, want in zip(fused_grads, expanded_grads, strict=True):
        assert math.isclose(got, want, rel_tol=1e-14, abs_tol=1e-12)


def test_total_and_dot_edge_cases() -> None:
    assert total([]).data == 0.0
    with pytest.raises(ValueError, match="as many weights as inputs"):
        dot([Value(1.0)], [])
    with pytest.raises(TypeError, match="str"):
        total([Value(1.0), "2"])  # type: ignore[list-item]


# ---------------------------------------------------------------------------
# Higher order: backward(create_graph=True).


def test_create_graph_second_derivative_of_a_cube() -> None:
    x = Value(3.0)
    (x**3).backward(create_graph=True)
    first = x.grad
    assert isinstance(first, Value) and first.data == 27.0
    x.grad = 0.0  # as in torch: gradients accumulate, so clear before the second pass
    first.backward()
    assert x.grad == 18.0  # 6x


def test_a_plain_backward_adds_into_a_value_gradient_as_torch_does() -> None:
    """Issue 15: after create_graph, the next backward adds (it used to replace)."""
    x = Value(3.0)
    (x**3).backward(create_graph=True)
    first = x.grad
    assert isinstance(first, Value)
    first.backward()  # x.grad = 27 (the Value) + 18
    assert isinstance(x.grad, Value) and x.grad.data == 27.0 + 18.0
    again = x.grad
    first.backward()  # and the next one adds again, never replaces
    assert isinstance(x.grad, Value) and x.grad.data == 27.0 + 18.0 + 18.0
    assert x.grad is not again


def test_create_graph_second_derivative_of_tanh() -> None:
    x = Value(0.4)
    x.tanh().backward(create_graph=True)
    first: Any = x.grad
    x.grad = 0.0
    first.backward()
    t = math.tanh(0.4)
    assert math.isclose(x.grad, -2 * t * (1 - t * t), rel_tol=1e-12)


def test_plain_backward_keeps_float_gradients() -> None:
    x = Value(3.0)
    (x**3).backward()
    assert type(x.grad) is float


def test_pow_mixed_second_derivative_at_exponent_zero() -> None:
    a, b = Value(2.0), Value(0.0)
    (a**b).backward(create_graph=True)
    first: Any = a.grad  # b * a**(b - 1): depends on b even where b is 0
    assert isinstance(first, Value)
    a.grad = b.grad = 0.0
    first.backward()
    assert math.isclose(b.grad, 0.5)  # a**(b-1) * (1 + b log a) = 1/a at b = 0


# ---------------------------------------------------------------------------
# Random graphs against gradcheck and HIPS autograd.


@given(expression_graphs())
def test_random_graphs_pass_gradcheck(graph: Graph) -> None:
    report = gradcheck(graph.on_values, graph.leaves)
    assert report, f"{graph}\n{report}"


@pytest.mark.filterwarnings("ignore:Output seems independent of input")
@given(expression_graphs())
def test_random_graphs_match_autograd(graph: Graph) -> None:
    leaves = [Value(x) for x in graph.leaves]
    y = graph.on_values(*leaves)
    assert y.data == graph.on_floats(*graph.leaves)  # the float replay is the same code
    assert math.isclose(y.data, float(graph.on_autograd(*graph.leaves)), rel_tol=1e-9)
    y.backward()
    argnums = list(range(len(leaves)))
    expected = autograd.grad(graph.on_autograd, argnums)(*graph.leaves)
    for leaf, want in zip(leaves, expected, strict=True):
        assert math.isclose(leaf.grad, float(want), rel_tol=1e-9, abs_tol=1e-9), graph


@given(expression_graphs(max_leaves=3, max_steps=6))
def test_random_graphs_pass_gradgradcheck(graph: Graph) -> None:
    report = gradgradcheck(graph.on_values, graph.leaves, atol=1e-4)
    assert report, f"{graph}\n{report}"


# ---------------------------------------------------------------------------
# The meta-test: the checker catches a wrong derivative.


def test_gradcheck_fails_on_a_deliberately_wrong_derivative(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def f(x: Value, y: Value) -> Value:
        return x.sin() * y + x / y

    assert gradcheck(f, [0.5, 1.5])
    # sign error in sin' = cos
    monkeypatch.setattr(OPS["sin"], "local_grads", lambda x, out: -math.cos(x))
    report = gradcheck(f, [0.5, 1.5])
    assert not report
    assert [entry.index for entry in report.failures] == [(0,)]
    monkeypatch.undo()
    assert gradcheck(f, [0.5, 1.5])
    # d(a/b)/db with the wrong sign
    monkeypatch.setattr(OPS["div"], "local_grads", lambda a, b, out: (1.0 / b, out / b))
    report = gradcheck(f, [0.5, 1.5])
    assert not report
    assert [entry.index for entry in report.failures] == [(1,)]
    monkeypatch.undo()
    assert gradcheck(f, [0.5, 1.5])


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__]))
