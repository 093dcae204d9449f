"""backward: its semantics, threads, depth and width, random graphs against gradcheck and
HIPS autograd, and the checker's meta-test."""

from __future__ import annotations

import math
import sys
import threading
from functools import reduce
from operator import add
from typing import Any

import autograd
import pytest
from hypothesis import given
from strategies import Graph, expression_graphs

from tinygrad_lite.engine import (
    Value,
    is_grad_enabled,
    no_grad,
    topological_order,
)
from tinygrad_lite.numeric import gradcheck, gradgradcheck
from tinygrad_lite.ops import OPS

INF, NAN = math.inf, math.nan


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
