"""Compiled and interpreted replay (tinygrad_lite.graph) against eager mode, bit for bit."""

from __future__ import annotations

import gc
import math
import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import Graph as Expression
from strategies import expression_graphs

from tinygrad_lite import Value, dot, topological_order, total
from tinygrad_lite.graph import Graph


def bits(x: float) -> bytes:
    """The exact bit pattern (-0.0 differs from 0.0), with every nan alike.

    NOTE: a nan's sign bit is not reproducible in CPython even within eager
    mode: which operand's nan an addition returns depends on whether the
    interpreter has specialized that instruction for floats yet.
    """
    return b"nan" if math.isnan(x) else struct.pack("<d", x)


def eager_results(expression: Expression, numbers: list[float]) -> tuple[bytes, list[bytes]]:
    leaves = [Value(x) for x in numbers]
    out = expression.on_values(*leaves)
    out.backward()
    return bits(out.data), [bits(leaf.grad) for leaf in leaves]


def replay_results(
    expression: Expression, first: list[float], second: list[float], compiled: bool
) -> tuple[bytes, list[bytes]]:
    """Record the graph at ``first``, then replay it at ``second``."""
    leaves = [Value(x) for x in first]
    out = expression.on_values(*leaves)
    members = set(topological_order(out))
    used = [leaf for leaf in leaves if leaf in members]
    graph = Graph(out, used, compiled=compiled)
    by_leaf = dict(zip(leaves, second, strict=True))
    for leaf in leaves:  # unused leaves too, so both runs see the same numbers
        leaf.data = by_leaf[leaf]
    value = graph.forward([by_leaf[leaf] for leaf in used])
    graph.backward()
    return bits(value), [bits(leaf.grad) for leaf in leaves]


any_float = st.floats(allow_nan=True, allow_infinity=True)


@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "interpreted"])
@given(expression=expression_graphs(), data=st.data())
def test_replay_equals_eager_to_the_last_bit(
    compiled: bool, expression: Expression, data: st.DataObject
) -> None:
    first = list(expression.leaves)
    second = [data.draw(st.floats(-3.0, 3.0)) for _ in first]
    assert replay_results(expression, first, second, compiled) == eager_results(expression, second)


@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "interpreted"])
@given(expression=expression_graphs(), data=st.data())
def test_replay_equals_eager_at_any_float_including_inf_and_nan(
    compiled: bool, expression: Expression, data: st.DataObject
) -> None:
    first = list(expression.leaves)
    second = [data.draw(any_float) for _ in first]
    assert replay_results(expression, first, second, compiled) == eager_results(expression, second)


def value_count() -> int:
    return sum(1 for obj in gc.get_objects() if type(obj) is Value)


@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "interpreted"])
def test_replay_allocates_no_nodes_and_keeps_identity(compiled: bool) -> None:
    x = Value(1.0, "x")
    w = Value(-2.0, "w")
    b = Value(0.5, "b")
    out = (x * w + b).tanh() + dot([w, x], [x, b], b) ** 2 + total([x, w, b]) / 3
    nodes = topological_order(out)
    graph = Graph(out, [x], compiled=compiled)
    before = value_count()
    for step in range(5):
        graph.forward([float(step)])
        graph.backward()
    assert value_count() == before
    assert topological_order(out) == nodes
    assert all(a is b for a, b in zip(topological_order(out), nodes, strict=True))


@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "interpreted"])
def test_in_place_weight_updates_are_seen_by_the_next_forward(compiled: bool) -> None:
    w = Value(3.0, "w")
    x = Value(2.0, "x")
    loss = (w * x - 1.0) ** 2
    graph = Graph(loss, [x], compiled=compiled)
    for _ in range(3):
        w.grad = 0.0
        value = graph.forward([2.0])
        graph.backward()
        expected_grad = 2 * (w.data * 2.0 - 1.0) * 2.0
        assert value == pytest.approx((w.data * 2.0 - 1.0) ** 2, rel=1e-15)
        assert w.grad == pytest.approx(expected_grad, rel=1e-15)
        w.data -= 0.1 * w.grad
    assert w.data != 3.0


@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "interpreted"])
def test_backward_semantics_match_eager(compiled: bool) -> None:
    # Leaves accumulate across calls; intermediate nodes start over.
    a = Value(3.0)
    c = a * a
    y = 2 * c
    graph = Graph(y, compiled=compiled)
    graph.backward()
    graph.backward()
    assert a.grad == 24.0
    assert c.grad == 2.0
    graph.backward(0.5)
    assert a.grad == 24.0 + 6.0
    assert y.grad == 0.5


def test_forward_recomputes_every_node() -> None:
    x = Value(1.0)
    h = x * 3.0
    y = h + 1.0
    graph = Graph(y, [x])
    assert graph.forward([2.0]) == 7.0
    assert h.data == 6.0
    assert y.data == 7.0


def test_large_graph_falls_back_to_the_interpreter(monkeypatch: pytest.MonkeyPatch) -> None:
    import tinygrad_lite.graph as graph_module

    monkeypatch.setattr(graph_module, "COMPILE_LIMIT", 10)
    x = Value(0.5)
    v = x
    for _ in range(20):
        v = v * 0.9 + 0.1
    graph = Graph(v, [x])
    assert not graph.compiled
    assert "interpreted" in repr(graph)
    v.backward()
    eager_grad = x.grad
    x.grad = 0.0
    graph.forward([0.5])
    graph.backward()
    assert x.grad == eager_grad


def test_deep_chain_replays_without_recursion() -> None:
    x = Value(0.5)
    v = x
    for _ in range(100_000):
        v = v * 0.999 + 0.001
    graph = Graph(v, [x], compiled=False)
    graph.forward([0.25])
    graph.backward()
    assert x.grad == pytest.approx(0.999**100_000, rel=1e-9)


def test_bad_arguments_are_refused_with_clear_errors() -> None:
    x = Value(1.0, "x")
    y = x * 2.0
    with pytest.raises(TypeError, match="Value output"):
        Graph(3.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="leaf"):
        Graph(y, [y])
    stranger = Value(5.0, "stranger")
    with pytest.raises(ValueError, match="not in the graph"):
        Graph(y, [stranger])
    graph = Graph(y, [x])
    with pytest.raises(ValueError, match="1 inputs"):
        graph.forward([1.0, 2.0])
    assert len(graph) == 2
