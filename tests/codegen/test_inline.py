"""Inline source traced from the op table, and the kernels made from it.

The engine's backward kernels, its n-ary forwards and the compiled replay
paste in each op's own rule as source (``tinygrad_lite.codegen.inline``). These
tests hold that source to the rule: bit for bit at random and at edge
values, and refused when a rule behaves differently on a stand-in than on
a float. The chain rule the kernels apply is compared with a reference
written here, straight from ``op.local_grads``.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import OP_INPUTS, Graph, expression_graphs

from tinygrad_lite.codegen.inline import Source, TraceError, forward_source, local_sources, trace
from tinygrad_lite.engine import Value, topological_order
from tinygrad_lite.ops import BINARY, OPS, UNARY, VARIADIC, Op

EDGES = [0.0, -0.0, 1.0, -1.0, 0.5, 2.0, 1e-320, 1e308, math.inf, -math.inf, math.nan]


def same(x: Any, y: Any) -> bool:
    if isinstance(x, float) and isinstance(y, float):
        if math.isnan(x) or math.isnan(y):
            return math.isnan(x) and math.isnan(y)
        return x == y and math.copysign(1.0, x) == math.copysign(1.0, y)
    return bool(x == y)


def _names(op: Op, count: int) -> list[str]:
    if op.arity == UNARY:
        return ["x"]
    if op.arity == BINARY:
        return ["a", "b"]
    return [f"p{k}" for k in range(count)]


def _compile(parameters: list[str], expressions: list[str]) -> Any:
    namespace: dict[str, Any] = {"NAN": math.nan, "INF": math.inf}
    exec(f"def f({', '.join(parameters)}):\n    return [{', '.join(expressions)}]\n", namespace)
    return namespace["f"]


def _call(op: Op, point: list[float]) -> float:
    return op.forward(point) if op.arity == VARIADIC else op.forward(*point)


def _locals(op: Op, point: list[float], out: float) -> list[Any]:
    if op.arity == UNARY:
        return [op.local_grads(point[0], out)]
    if op.arity == BINARY:
        return list(op.local_grads(*point, out))
    return list(op.local_grads(point, out))


@pytest.mark.parametrize("name", sorted(OPS))
@given(data=st.data())
def test_inlined_rules_equal_the_rules_bit_for_bit(name: str, data: st.DataObject) -> None:
    op = OPS[name]
    args = data.draw(OP_INPUTS[name])  # the op's own operand count (a custom op fixes it)
    point = [data.draw(st.one_of(st.just(a), st.sampled_from(EDGES), st.floats())) for a in args]
    names = _names(op, len(point))
    forward = forward_source(op, names)
    try:
        expected = _call(op, point)
    except (ArithmeticError, ValueError):
        return  # outside plain Python's domain for this rule
    if forward is not None:
        assert same(_compile(names, [forward])(*point)[0], expected), forward
    local = local_sources(op, names, "out")
    if local is not None:
        got = _compile([*names, "out"], local)(*point, expected)
        assert all(map(same, got, _locals(op, point, expected))), local


def test_the_hot_ops_are_inlined() -> None:
    """What makes the engine fast must stay inlined: a regression here costs speed, not truth."""
    assert forward_source(OPS["mul"], ["a", "b"]) == "a * b"
    assert forward_source(OPS["relu"], ["x"]) == "0.0 if x <= 0.0 else x"
    assert local_sources(OPS["tanh"], ["x"], "out") == ["1.0 - out * out"]
    assert local_sources(OPS["mul"], ["a", "b"], "out") == ["b", "a"]
    dot5 = local_sources(OPS["dot"], ["w0", "w1", "x0", "x1", "b"], "out")
    assert dot5 == ["x0", "x1", "w0", "w1", "1.0"]
    assert forward_source(OPS["dot"], ["w0", "w1", "x0", "x1", "b"]) == "b + w0 * x0 + w1 * x1"


def test_a_rule_that_behaves_differently_on_a_stand_in_is_refused() -> None:
    """``type(x) is float`` dispatch would inline the other branch's formula: caught and called."""

    def sneaky_forward(x: Any) -> Any:
        return x * 2.0 if type(x) is float else x * 3.0

    op = Op("sneaky_for_test", "sneaky", UNARY, sneaky_forward, lambda x, out: 2.0)
    assert forward_source(op, ["x"]) is None
    assert local_sources(op, ["x"], "out") == ["2.0"]


def test_what_can_not_be_inlined_is_called() -> None:
    for name in ("div", "pow", "log", "sqrt", "logsumexp"):
        op = OPS[name]
        assert forward_source(op, _names(op, 3)) is None
    with pytest.raises(TraceError):
        trace(lambda x: x / 2.0, Source("x"))
    with pytest.raises(TraceError):
        trace(lambda x: float(x), Source("x"))


def test_branches_become_conditional_expressions() -> None:
    def step(x: Any) -> Any:
        if x > 0:
            return 1.0
        return 0.0 if x <= 0 else math.nan

    paths = trace(step, Source("x"))
    assert len(paths) == 3
    op = Op("step_for_test", "step", UNARY, step, lambda x, out: 0.0)
    source = forward_source(op, ["x"])
    assert source == "1.0 if x > 0 else 0.0 if x <= 0 else NAN"


def test_a_rule_replaced_on_the_op_is_traced_again() -> None:
    op = Op("replaced_for_test", "r", UNARY, lambda x: x * 2.0, lambda x, out: 2.0)
    assert forward_source(op, ["x"]) == "x * 2.0"
    op.forward = lambda x: x * 5.0
    assert forward_source(op, ["x"]) == "x * 5.0"


def _reference_backward(root: Value) -> dict[Value, Any]:
    """The chain rule written out from op.local_grads alone: the kernels' oracle.

    A gradient is the IEEE sum of its contributions, starting from -0.0 (the
    additive identity), so the first contribution keeps its sign of zero.
    """
    grads: dict[Value, Any] = {root: 1.0}
    for node in reversed(topological_order(root)):
        op = node.op_def
        if op is None:
            continue
        g = grads.get(node, 0.0)
        operands = node.operands
        data = [x.data if isinstance(x, Value) else x for x in operands]
        locals_ = _locals(op, data, node.data)
        for operand, local in zip(operands, locals_, strict=True):
            if isinstance(operand, Value):
                grads[operand] = grads.get(operand, -0.0) + g * local
    return grads


@given(expression_graphs(), st.lists(st.sampled_from(EDGES), min_size=4, max_size=4))
def test_kernels_apply_the_chain_rule_of_the_rules_bit_for_bit(
    graph: Graph, edges: list[float]
) -> None:
    for point in (list(graph.leaves), edges[: len(graph.leaves)]):
        leaves = [Value(x) for x in point]
        root = graph.on_values(*leaves)
        expected = _reference_backward(root)
        root.backward()
        for node in topological_order(root):
            if node is root or node.is_constant:
                continue
            want = expected[node]
            assert same(node.grad, want), (node, want)
