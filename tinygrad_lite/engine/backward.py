"""Backward: the topological sort and the chain rule, each written once.

Sits under :mod:`.value` (``Value.backward`` calls :func:`backward`) and on
the op table. For every node, from the output back to the leaves, and for
every operand of it::

    operand.grad += node.grad * (d node / d operand)

The local derivative ``d node / d operand`` is the op's rule in the table
(:func:`local_derivatives`). :func:`backpropagate` is that sentence as
code: it is the definition of backward. The optional layer
:mod:`tinygrad_lite.codegen` installs a faster version of it, generated
from the same rules and bit-identical (``tinygrad_lite.use_kernels(False)``
runs this one).

One lock, :data:`GRAPH_LOCK`, is held by everything that walks a graph's
marks or accumulates its gradients. It is reentrant, because a
``create_graph`` backward (:mod:`.higher_order`) records new nodes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from ..ops import UNARY, VARIADIC, Op

if TYPE_CHECKING:
    from .value import Value

__all__ = [
    "GRAPH_LOCK",
    "backpropagate",
    "backward",
    "call_rule",
    "local_derivatives",
    "set_fast_backpropagate",
    "topological_order",
]

GRAPH_LOCK = threading.RLock()
"""Held while a graph's marks or gradients change (reentrant)."""

Backpropagate = Callable[[list["Value"]], None]
_fast_backpropagate: Backpropagate | None = None


def set_fast_backpropagate(function: Backpropagate | None) -> None:
    """Install a faster, bit-identical :func:`backpropagate` (None: this module's own)."""
    global _fast_backpropagate
    _fast_backpropagate = function


def topological_order(roots: Value | Sequence[Value], *, leaves: bool = True) -> list[Value]:
    """Every node the root(s) depend on, each once, operands before the nodes they feed.

    Args:
        roots: The output node, or several (the first one's graph first).
        leaves: Include the leaves (a backward pass needs them; a sweep over
            the ops does not).
    """
    order = _sort(roots, reset=False)
    return order if leaves else [node for node in order if node._op is not None]


def _sort(roots: Value | Sequence[Value], reset: bool) -> list[Value]:
    """The topological sort: an iterative depth-first search, so any depth works.

    A node is marked visited in a slot, with a fresh token per call, instead
    of being put in a ``set``. With ``reset``, each gradient is made ready
    for a backward pass as its node is placed (see :func:`backward`).
    """
    stack = list(roots) if isinstance(roots, Sequence) else [roots]
    stack.reverse()
    if not stack:
        return []
    node_type = type(stack[0])
    visiting, done = object(), object()
    order: list[Value] = []
    push, pop, place = stack.append, stack.pop, order.append
    with GRAPH_LOCK:
        while stack:
            node = pop()
            mark = node._mark
            if mark is visiting:  # every operand is placed: now the node
                node._mark = done
                place(node)
                if reset and (node._op is not None or node.grad is None or node.grad == 0.0):
                    node.grad = -0.0  # (only a root can be a leaf here)
            elif mark is not done:
                node._mark = visiting
                push(node)
                op = node._op
                if op is None:
                    continue
                # NOTE: an n-ary node's operands are all Values (numbers are lifted to
                # constants); a unary or binary node's slots may hold a number or None.
                a, b = node._a, node._b
                if op.arity == VARIADIC:
                    operands = a
                elif type(b) is node_type:
                    operands = (a, b) if type(a) is node_type else (b,)
                else:
                    operands = (a,) if type(a) is node_type else ()
                for operand in operands:
                    if operand._mark is done:
                        continue
                    if operand._op is not None:
                        push(operand)
                        continue
                    operand._mark = done  # a leaf: nothing to place before it
                    place(operand)
                    if reset and (operand.grad is None or operand.grad == 0.0):
                        operand.grad = -0.0
    return order


def backward(root: Value, seed: float) -> None:
    """Fill in ``.grad`` of every node ``root`` depends on (``Value.backward``'s work).

    NOTE: every gradient that has received nothing starts at -0.0, IEEE's
    additive identity (``-0.0 + d`` is ``d`` for every ``d``; ``0.0 + -0.0``
    would be ``+0.0``), so a gradient is the exact sum of what arrives, sign
    of zero included, as in PyTorch, where the first contribution is
    assigned. A leaf accumulates across calls; a zero (or None) leaf
    gradient has received nothing yet.
    """
    with GRAPH_LOCK:
        order = _sort(root, reset=True)
        root.grad += seed
        (_fast_backpropagate or backpropagate)(order)


def backpropagate(order: list[Value]) -> None:
    """The chain rule on floats, from the output (last in ``order``) back to the leaves."""
    for node in reversed(order):
        if node._op is None:
            continue  # a leaf only receives
        for operand, local in zip(node.operands, local_derivatives(node), strict=True):
            if type(operand) is type(node):  # a plain-number operand receives nothing
                operand.grad += node.grad * local


def local_derivatives(node: Value) -> Sequence[float]:
    """``d node / d operand`` for each of ``node.operands``, in order: the op's rule, on floats."""
    numbers = [x.data if type(x) is type(node) else x for x in node.operands]
    return call_rule(node._op, numbers, node.data)  # type: ignore[arg-type]


def call_rule(op: Op, operands: Sequence[Any], out: Any) -> Sequence[Any]:
    """``op``'s local derivatives at these operands and result: one per operand."""
    if op.arity == UNARY:
        return (op.local_grads(operands[0], out),)
    if op.arity == VARIADIC:
        return op.local_grads(operands, out)  # type: ignore[no-any-return]
    return op.local_grads(*operands, out)  # type: ignore[no-any-return]
