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

from .. import modes
from ..modes import SWITCHED
from ..ops import BINARY, UNARY, VARIADIC
from ..ops.generic import value_reads

if TYPE_CHECKING:
    from .value import Value

__all__ = [
    "GRAPH_LOCK",
    "backpropagate",
    "backward",
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
    with GRAPH_LOCK:
        while stack:
            node = stack.pop()
            if node._mark is visiting:  # every operand is placed: now the node
                node._mark = done
                order.append(node)
                if reset and (node._op is not None or node.grad is None or node.grad == 0.0):
                    node.grad = -0.0  # (only a root can be a leaf here)
                continue
            if node._mark is done:
                continue
            node._mark = visiting
            stack.append(node)
            op = node._op
            if op is None:
                continue
            for operand in node._a if op.arity == VARIADIC else (node._a, node._b):
                if type(operand) is node_type and operand._mark is not done:
                    if operand._op is not None:
                        stack.append(operand)
                        continue
                    operand._mark = done  # a leaf: nothing to place before it
                    order.append(operand)
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


def local_derivatives(node: Value, *, on_values: bool = False) -> Sequence[Any]:
    """``d node / d operand`` for each of ``node.operands``, in order: the op's rule.

    Args:
        node: An op node.
        on_values: Call the rule on the operands themselves (Values), so each
            derivative is a graph of its own that can be differentiated
            again; otherwise on their numbers, giving floats.

    A rule called on Values that branches on their numbers (``abs``'s sign,
    ``relu``'s step) returns the branch it took as a constant. While ``jit``
    records, such a node is reported to the recording, which checks on
    every replay that the rule still gives what it recorded.
    """
    op = node._op
    assert op is not None, "a leaf has no local derivatives"
    arity = op.arity
    if not on_values:
        if arity == UNARY:
            return (op.local_grads(node._a.data, node.data),)
        if arity == BINARY:
            a, b = node._a, node._b
            return op.local_grads(  # type: ignore[no-any-return]
                a if type(a) is float else a.data, b if type(b) is float else b.data, node.data
            )
        return op.local_grads([x.data for x in node._a], node.data)  # type: ignore[no-any-return]
    reads = value_reads()
    if arity == UNARY:
        derivatives: Sequence[Any] = (op.local_grads(node._a, node),)
    elif arity == BINARY:
        derivatives = op.local_grads(node._a, node._b, node)
    else:
        derivatives = op.local_grads(node._a, node)
    if SWITCHED and value_reads() != reads:
        tracer = modes.current().tracer
        if tracer is not None:
            tracer.guard(node, derivatives)
    return derivatives
