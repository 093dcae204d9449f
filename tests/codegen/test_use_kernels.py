"""Generated code is an optional layer: switched off, the reference code gives the same bits.

Every result is computed twice, with ``use_kernels(True)`` and with
``use_kernels(False)`` (the engine's reference loops), over random
expression graphs at ordinary points and at edge values: plain backward,
``create_graph``, forward mode and compiled ``Graph`` replay.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import Graph, expression_graphs

import tinygrad_lite as tl
from tinygrad_lite import Value, kernel_source, use_kernels
from tinygrad_lite.codegen import kernels_enabled
from tinygrad_lite.engine import apply_op
from tinygrad_lite.functional import hessian, jvp
from tinygrad_lite.graph import Graph as CompiledGraph
from tinygrad_lite.ops import OPS, VARIADIC

EDGES = [0.0, -0.0, 1.0, -1.0, 0.5, -2.0, math.inf, -math.inf, math.nan, 5e-324]


def bits(x: Any) -> Any:
    """A float as what can be told apart: nan, or its value and sign."""
    if type(x) is Value:
        x = x.data
    if math.isnan(x):
        return "nan"
    return (x, math.copysign(1.0, x))


def everything(graph: Graph, point: list[float]) -> list[Any]:
    """Every number the engine computes for ``graph`` at ``point``, in a fixed order."""
    results: list[Any] = []
    leaves = [Value(x) for x in point]
    root = graph.on_values(*leaves)
    root.backward()
    results += [bits(node.data) for node in tl.topological_order(root)]
    results += [bits(node.grad) for node in tl.topological_order(root)]
    leaves = [Value(x) for x in point]
    root = graph.on_values(*leaves)
    root.backward(create_graph=True)
    results += [bits(leaf.grad) for leaf in leaves]
    _, tangent = jvp(lambda *xs: graph.on_values(*xs), tuple(point), tuple([1.0] * len(point)))
    results.append(bits(tangent))
    replay = CompiledGraph(root, inputs=leaves)
    for leaf in leaves:
        leaf.grad = 0.0
    results.append(bits(replay.forward([x * 0.5 for x in point])))
    replay.backward()
    results += [bits(leaf.grad) for leaf in leaves]
    return results


def both_ways(compute: Callable[[], Any]) -> tuple[Any, Any]:
    with use_kernels(True):
        fast = compute()
    with use_kernels(False):
        reference = compute()
    return fast, reference


@given(expression_graphs(), st.lists(st.sampled_from(EDGES), min_size=4, max_size=4))
def test_every_result_is_bit_identical_with_kernels_off(graph: Graph, edges: list[float]) -> None:
    for point in (list(graph.leaves), edges[: len(graph.leaves)]):
        fast, reference = both_ways(lambda point=point: everything(graph, point))
        assert fast == reference, (graph, point)


@pytest.mark.parametrize("name", sorted(OPS))
def test_every_op_is_bit_identical_with_kernels_off(name: str) -> None:
    op = OPS[name]
    count = 4 if op.arity == VARIADIC else op.arity
    if name in ("clamp", "lerp"):
        count = 3

    def compute() -> list[Any]:
        results = []
        for x in EDGES:
            leaves = [Value(x + k) for k in range(count)]
            out = apply_op(op, *leaves) if count else None
            assert out is not None
            out.backward()
            results += [bits(out.data)] + [bits(leaf.grad) for leaf in leaves]
        return results

    fast, reference = both_ways(compute)
    assert fast == reference


def test_hessian_is_bit_identical_with_kernels_off() -> None:
    def f(p: list[Value]) -> Value:
        return (p[0] * p[1]).tanh() + abs(p[0]) * p[1].exp() + tl.dot([p[0], p[1]], [2.0, -1.0])

    fast, reference = both_ways(lambda: [bits(x) for row in hessian(f)([0.5, -1.5]) for x in row])
    assert fast == reference


def test_kernels_off_runs_the_reference_loop() -> None:
    op = tl.custom_op("twice_for_kernel_test", lambda x: 2.0 * x, lambda x, out: 2.0)
    x = Value(3.0)
    with use_kernels(False):
        assert not kernels_enabled()
        op(x).backward()
    assert x.grad == 2.0
    assert OPS["twice_for_kernel_test"].kernel is None  # no kernel was generated
    op(x).backward()
    assert OPS["twice_for_kernel_test"].kernel is not None and x.grad == 4.0
    op.unregister()  # the table is global: random graphs draw from it


def test_use_kernels_switches_back_at_the_end_of_a_with_block() -> None:
    assert kernels_enabled()
    with use_kernels(False):
        assert not kernels_enabled()
        with use_kernels(True):
            assert kernels_enabled()
        assert not kernels_enabled()
    assert kernels_enabled()


def test_use_kernels_refuses_anything_but_a_bool() -> None:
    with pytest.raises(TypeError, match="True or False"):
        use_kernels(0)  # type: ignore[arg-type]
    assert kernels_enabled()


def test_the_environment_switches_kernels_off_at_import() -> None:
    code = (
        "import tinygrad_lite as tl\n"
        "from tinygrad_lite.codegen import kernels_enabled\n"
        "x = tl.Value(2.0); (x * x).backward()\n"
        "print(kernels_enabled(), x.grad, tl.ops.OPS['mul'].kernel is None)\n"
    )
    env = {**os.environ, "TINYGRAD_LITE_KERNELS": "0"}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "4.0", "True"]


def test_kernel_source_is_readable_before_first_use() -> None:
    op = tl.custom_op("cube_for_source_test", lambda x: x * x * x, lambda x, out: 3.0 * x * x)
    assert OPS["cube_for_source_test"].kernel is None
    source = kernel_source("cube_for_source_test")
    assert source.startswith("def kernel(node):")
    assert "a.grad += g * local" in source  # a user's rule is called, not pasted in
    assert OPS["cube_for_source_test"].kernel is None  # reading it compiled nothing
    assert "a.grad += g * (1.0 - out * out)" in kernel_source("tanh")  # the rule, inlined
    assert "p0.grad += g * p1._data" in kernel_source("dot", 2)
    op.unregister()


def test_kernel_source_names_what_is_wrong() -> None:
    with pytest.raises(LookupError, match="no op named 'nope'"):
        kernel_source("nope")
    with pytest.raises(TypeError, match="only for n-ary"):
        kernel_source("mul", 2)
    with pytest.raises(TypeError, match="op's name"):
        kernel_source(OPS["mul"])  # type: ignore[arg-type]
