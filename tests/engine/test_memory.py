"""Memory: no reference cycles, pickling and deep copies."""

from __future__ import annotations

import copy
import gc
import math
import pickle
from collections.abc import Callable
from typing import Any

import pytest

from tinygrad_lite.engine import (
    Value,
    dot,
    topological_order,
    total,
)

INF, NAN = math.inf, math.nan


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
