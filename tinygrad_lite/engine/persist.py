"""Copying and pickling a :class:`~.value.Value` and the graph behind it.

Both are flat: a graph travels as a table in topological order (a node's
operands are indices into it), never as nested objects, so any depth works
without a recursion limit. Leaves are pickled on their own, so a leaf that
appears in several pickled graphs keeps its identity. A node's op travels by
name, so a custom op loads wherever it is registered.

Sits under :mod:`.value`, whose ``__reduce__``, ``__setstate__`` and
``__deepcopy__`` call in here; :mod:`.value` is read at call time (it imports
this module while it is still being defined).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..ops import BINARY, VARIADIC, Op, op_by_name
from . import value as _value
from .backward import topological_order

if TYPE_CHECKING:
    from .value import Value

__all__ = ["deep_copy", "reduce_value", "restore_graph", "restore_leaf", "set_graph_grads"]


def reduce_value(node: Value) -> tuple[Any, ...]:
    """``node.__reduce__()``: how pickle rebuilds ``node``."""
    value_type = _value.Value
    # NOTE: a Value gradient (create_graph) has a graph that leads back to
    # these nodes, so it travels as state, set by set_graph_grads once the
    # nodes exist; as a constructor argument pickle would recurse forever.
    if node._op is None:
        leaf_grad: Any = node.grad
        constant = node._a is _value._CONSTANT
        if type(leaf_grad) is value_type:
            return (restore_leaf, (node.data, 0.0, node.label, constant), [(0, leaf_grad)])
        return (restore_leaf, (node.data, leaf_grad, node.label, constant))
    nodes = topological_order(node)
    index = {n: i for i, n in enumerate(nodes)}
    table: list[Any] = []
    graph_grads: list[tuple[int, Value]] = []
    for i, n in enumerate(nodes):
        if n._op is None:
            table.append(n)  # pickled on its own, so its identity is kept
            continue
        # operands: an int is a node's index in the table, a float a constant
        operands = tuple(index[x] if type(x) is value_type else x for x in n.operands)
        grad: Any = n.grad
        if type(grad) is value_type:
            graph_grads.append((i, grad))
            grad = 0.0
        table.append((n._op.name, operands, n.data, grad, n.label))
    if graph_grads:
        return (restore_graph, (table,), graph_grads)
    return (restore_graph, (table,))


def set_graph_grads(node: Value, graph_grads: list[tuple[int, Value]]) -> None:
    """Unpickling: put back the Value gradients, by position in topological order."""
    nodes = topological_order(node)
    for i, grad in graph_grads:
        nodes[i].grad = grad  # type: ignore[assignment]


def restore_leaf(data: float, grad: Any, label: str, constant: bool) -> Value:
    """A leaf from its pickled fields."""
    node = _value.Value(data, label)
    node.grad = grad
    if constant:
        node._a = _value._CONSTANT
    return node


def restore_graph(table: list[Any]) -> Value:
    """The last node of a pickled table, with every node before it rebuilt."""
    value_type = _value.Value
    nodes: list[Value] = []
    for entry in table:
        if type(entry) is value_type:
            nodes.append(entry)
            continue
        name, operand_codes, data, grad, label = entry
        op = op_by_name(name)  # a clear error when a custom op is not registered here
        operands = [nodes[x] if type(x) is int else x for x in operand_codes]
        node: Value = _value._new(value_type)
        node.data, node.grad, node.label = data, grad, label
        node._op, node._mark = op, None
        node._a, node._b = _slots(op, operands)
        nodes.append(node)
    return nodes[-1]


def deep_copy(root: Value, memo: dict[int, Any]) -> Value:
    """``root.__deepcopy__(memo)``: every node of its graph copied once, parents first."""
    value_type = _value.Value
    for node in topological_order(root):
        if id(node) in memo:
            continue
        twin: Value = _value._new(value_type)
        twin.data = node.data
        twin.label = node.label
        twin._op = node._op
        twin._mark = None
        if node._op is None:
            twin._a, twin._b = node._a, None
        else:
            operands = [memo[id(x)] if type(x) is value_type else x for x in node.operands]
            twin._a, twin._b = _slots(node._op, operands)
        memo[id(node)] = twin
        # NOTE: after memo: a Value gradient (create_graph) has a graph that
        # contains this node, so copying it first would recurse forever.
        twin.grad = copy.deepcopy(node.grad, memo)
    result: Value = memo[id(root)]
    return result


def _slots(op: Op, operands: Sequence[Any]) -> tuple[Any, Any]:
    """The (``_a``, ``_b``) slots of a node with these operands."""
    if op.arity == VARIADIC:
        return tuple(operands), None
    if op.arity == BINARY:
        return operands[0], operands[1]
    return operands[0], None
