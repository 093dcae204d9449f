"""Copying and pickling a :class:`~.value.Value` and the graph behind it.

Both are flat: a graph travels as a table in topological order (a node's
operands are indices into it), never as nested objects, so any depth works
without a recursion limit. Leaves are pickled on their own, so a leaf that
appears in several pickled graphs keeps its identity. A node's op travels by
name, so a custom op loads wherever it is registered.

Sits on :mod:`.value`, and gives the Value class its ``__reduce__``,
``__setstate__`` and ``__deepcopy__`` when it is imported (by the engine's
``__init__``). Nodes are born through :func:`~.value._born`, as everywhere.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from ..ops import BINARY, VARIADIC, Op, op_by_name
from .backward import topological_order
from .value import CONSTANT, Value, _born

__all__ = ["deep_copy", "reduce_value", "restore_graph", "restore_leaf", "set_graph_grads"]


def reduce_value(node: Value) -> tuple[Any, ...]:
    """``node.__reduce__()``: how pickle rebuilds ``node``."""
    # NOTE: a Value gradient (create_graph) has a graph that leads back to
    # these nodes, so it travels as state, set by set_graph_grads once the
    # nodes exist; as a constructor argument pickle would recurse forever.
    if node._op is None:
        leaf_grad: Any = node.grad
        constant = node._a is CONSTANT
        if type(leaf_grad) is Value:
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
        operands = tuple(index[x] if type(x) is Value else x for x in n.operands)
        grad: Any = n.grad
        if type(grad) is Value:
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
        nodes[i].grad = grad


def restore_leaf(data: float, grad: Any, label: str, constant: bool) -> Value:
    """A leaf from its pickled fields."""
    node = _born(None, data, CONSTANT if constant else None, None)
    node.grad, node.label = grad, label
    return node


def restore_graph(table: list[Any]) -> Value:
    """The last node of a pickled table, with every node before it rebuilt."""
    nodes: list[Value] = []
    for entry in table:
        if type(entry) is Value:
            nodes.append(entry)
            continue
        name, operand_codes, data, grad, label = entry
        op = op_by_name(name)  # a clear error when a custom op is not registered here
        operands = [nodes[x] if type(x) is int else x for x in operand_codes]
        node = _born(op, data, *_slots(op, operands))
        node.grad, node.label = grad, label
        nodes.append(node)
    return nodes[-1]


def deep_copy(root: Value, memo: dict[int, Any]) -> Value:
    """``root.__deepcopy__(memo)``: every node of its graph copied once, parents first."""
    for node in topological_order(root):
        if id(node) in memo:
            continue
        if node._op is None:
            twin = _born(None, node._data, node._a, None)
        else:
            operands = [memo[id(x)] if type(x) is Value else x for x in node.operands]
            twin = _born(node._op, node._data, *_slots(node._op, operands))
        twin.label = node.label
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


def _reduce(self: Value) -> tuple[Any, ...]:
    return reduce_value(self)


def _setstate(self: Value, graph_grads: list[tuple[int, Value]]) -> None:
    """Unpickling: put back the Value gradients, by position in topological order."""
    set_graph_grads(self, graph_grads)


def _deepcopy(self: Value, memo: dict[int, Any]) -> Value:
    return deep_copy(self, memo)


# Copying and pickling, flat so that any depth works.
Value.__reduce__ = _reduce  # type: ignore[assignment,method-assign]
Value.__setstate__ = _setstate  # type: ignore[attr-defined]
Value.__deepcopy__ = _deepcopy  # type: ignore[attr-defined]
