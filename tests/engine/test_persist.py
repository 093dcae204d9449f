"""Pickles of Values: files written by an earlier version still load.

``tests/data/values-v1.pickle`` was written by the version before the engine
became a package (commit e397e1a, when it was ``tinygrad_lite/engine.py``):
``{"z": z, "x": x, "leaf": Value(3.0, "c"), "g": g}`` for the graph built in
:func:`_build` after ``z.backward()``, and ``g`` after
``(g * g).backward(create_graph=True)`` (its gradient a Value graph).
"""

from __future__ import annotations

import pickle
import struct
from pathlib import Path
from typing import Any

from tinygrad_lite import Value, topological_order

DATA = Path(__file__).resolve().parents[1] / "data"


def _bits(x: float) -> bytes:
    return struct.pack("<d", x)


def _build() -> tuple[Value, Value, Value]:
    x = Value(1.5, "x")
    y = Value(-2.0, "y")
    z = (x * y + x.tanh()) ** 2 / (1 + y.exp())
    z.label = "z"
    z.backward()
    return z, x, y


def _load() -> dict[str, Any]:
    with open(DATA / "values-v1.pickle", "rb") as file:
        loaded: dict[str, Any] = pickle.load(file)
    return loaded


def test_a_pickle_from_the_module_engine_loads_with_every_number() -> None:
    loaded = _load()
    z, x, _ = _build()
    old_z = loaded["z"]
    assert _bits(old_z.data) == _bits(z.data)
    old_nodes = topological_order(old_z)
    new_nodes = topological_order(z)
    assert [n.op for n in old_nodes] == [n.op for n in new_nodes]
    assert [_bits(n.data) for n in old_nodes] == [_bits(n.data) for n in new_nodes]
    assert [_bits(n.grad) for n in old_nodes] == [_bits(n.grad) for n in new_nodes]
    # The x it was pickled beside is the same node as the one in z's graph.
    assert any(n is loaded["x"] for n in old_nodes)
    assert loaded["x"].label == "x" and _bits(loaded["x"].grad) == _bits(x.grad)


def test_an_old_constant_leaf_and_a_graph_gradient_load() -> None:
    loaded = _load()
    leaf = loaded["leaf"]
    assert (leaf.data, leaf.label, leaf.is_leaf) == (3.0, "c", True)
    g = loaded["g"]
    assert isinstance(g.grad, Value)  # the gradient's own graph came back
    assert g.grad.data == 2 * 0.5
    assert any(n is g for n in topological_order(g.grad))  # and it leads back to g


def test_a_loaded_value_pickles_again_and_round_trips() -> None:
    z = _load()["z"]
    again = pickle.loads(pickle.dumps(z))
    assert [_bits(n.data) for n in topological_order(again)] == [
        _bits(n.data) for n in topological_order(z)
    ]
