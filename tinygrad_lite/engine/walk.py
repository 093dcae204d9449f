"""Walking a recorded graph: the topological sort and the chain rule.

Sits under :mod:`.value` (whose ``backward`` calls it), on the op table and
:mod:`tinygrad_lite.kernels`. It never names the Value class: the type of
the node being walked is the type an operand must have to be a node (a
binary node's operand slot holds a Value, a float constant or None).

One lock, :data:`GRAPH_LOCK`, is held by everything that walks a graph's
marks or accumulates its gradients: backward, the sort, the compiled
replay, ``gradients()``. It is reentrant, because backward sorts, and a
``create_graph`` backward records new nodes.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from .. import modes
from ..kernels import make_kernel
from ..modes import SWITCHED
from ..ops import BINARY, UNARY, VARIADIC, Op
from ..ops.generic import value_reads

if TYPE_CHECKING:
    from .value import Value

__all__ = [
    "GRAPH_LOCK",
    "accumulate_graph",
    "backpropagate",
    "backpropagate_graph",
    "backward_order",
    "local_derivatives",
    "times_local",
    "topological_order",
]

GRAPH_LOCK = threading.RLock()
"""Held while a graph's marks or gradients change (reentrant)."""


def topological_order(root: Value, *, leaves: bool = True) -> list[Value]:
    """Every node ``root`` depends on, each once, parents before children.

    Iterative depth-first search: no recursion, so any depth works. Visited
    nodes are marked in a slot (a fresh token per call) instead of a ``set``.

    Args:
        root: The output node; it comes last.
        leaves: Include leaf nodes (``backward`` skips them: they only receive).
    """
    if root._op is None:
        return [root] if leaves else []
    with GRAPH_LOCK:
        return _order(root, leaves)


def _order(root: Value, leaves: bool) -> list[Value]:
    node_type = type(root)
    visiting = object()
    done = object()
    order: list[Value] = []
    emit = order.append
    stack = [root]
    push = stack.append
    pop = stack.pop
    while stack:
        node = pop()
        mark = node._mark
        if mark is visiting:  # every parent is emitted: emit the node
            node._mark = done
            emit(node)
            continue
        if mark is done:  # reached again through another child
            continue
        node._mark = visiting
        push(node)
        # _b is None (unary) or a float constant: both skipped below
        parents = node._a if node._op.arity == VARIADIC else (node._a, node._b)  # type: ignore[union-attr]
        for parent in parents:
            if type(parent) is not node_type or parent._mark is done:
                continue
            if parent._op is not None:
                push(parent)
            elif leaves:
                parent._mark = done
                emit(parent)
    return order


def backward_order(root: Value) -> list[Value]:
    """The non-leaf nodes of ``root``'s graph in topological order, their ``.grad`` reset.

    The sort of :func:`topological_order` specialised for backward: leaves
    are never emitted (they only receive), and each node's gradient is
    cleared as it is emitted instead of in a second pass. A parent is pushed
    only when it is an op node not yet emitted: it can never be an ancestor
    still being visited, since the graph has no cycle.

    NOTE: the reset value is -0.0, IEEE's additive identity (``-0.0 + d`` is
    ``d`` for every ``d``, where ``0.0 + -0.0`` is ``+0.0``), so a gradient
    is the exact sum of what arrives, sign of zero included, as in PyTorch,
    where the first contribution is assigned. A leaf whose gradient is zero
    has received nothing yet: it is set to -0.0 for the same reason. Every
    node the sort reaches receives at least one contribution, so no -0.0
    is left that did not arrive.
    """
    if root._op is None:
        return []
    node_type = type(root)
    visiting = object()
    done = object()
    order: list[Value] = []
    emit = order.append
    stack = [root]
    push = stack.append
    pop = stack.pop
    while stack:
        node = pop()
        mark = node._mark
        if mark is visiting:
            node._mark = done
            node.grad = -0.0
            emit(node)
            continue
        if mark is done:
            continue
        node._mark = visiting
        push(node)
        if node._op.arity == VARIADIC:  # type: ignore[union-attr]
            # n-ary operands are always Values (numbers are lifted to constants)
            for parent in node._a:
                if parent._op is not None:
                    if parent._mark is not done:
                        push(parent)
                elif parent.grad == 0.0:
                    parent.grad = -0.0
            continue
        parent = node._a
        if type(parent) is node_type:
            if parent._op is not None:
                if parent._mark is not done:
                    push(parent)
            elif parent.grad == 0.0:
                parent.grad = -0.0
        parent = node._b
        if type(parent) is node_type:
            if parent._op is not None:
                if parent._mark is not done:
                    push(parent)
            elif parent.grad == 0.0:
                parent.grad = -0.0
    return order


def _install_kernel(op: Op, node_type: type) -> Callable[[Value], None]:
    """Make ``op``'s backward kernel on first use (n-ary ops: one per operand count)."""
    if op.arity != VARIADIC:
        kernel = make_kernel(op, None, node_type)
    else:
        by_count: dict[int, Callable[[Value], None]] = op.derived.setdefault("kernels", {})

        def kernel(node: Value) -> None:
            count = len(node._a)
            unrolled = by_count.get(count)
            if unrolled is None:
                unrolled = by_count[count] = make_kernel(op, count, node_type)
            unrolled(node)

    op.kernel = kernel
    return kernel


def backpropagate(order: list[Value]) -> None:
    """The chain rule on floats, from the output (last in ``order``) back: one kernel per node."""
    for node in reversed(order):
        kernel = node._op.kernel  # type: ignore[union-attr]
        if kernel is None:
            kernel = _install_kernel(node._op, type(node))  # type: ignore[arg-type]
        kernel(node)


def backpropagate_graph(order: list[Value]) -> None:
    """The same chain rule on Values (``create_graph=True``): every product is recorded."""
    for node in reversed(order):
        g: Any = node.grad
        node_type = type(node)
        derivatives = local_derivatives(node, on_values=True)
        for operand, local in zip(node.operands, derivatives, strict=True):
            if type(operand) is node_type:
                accumulate_graph(operand, times_local(g, local))


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
    op: Op = node._op  # type: ignore[assignment]
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


def times_local(g: Any, local: Any) -> Any:
    """``g * local``, skipping the constants 1 and -1 (on Values: no node recorded for them).

    Shared by the chain rule on Values here and by forward mode's sweep.
    """
    if type(local) is float:
        if local == 1.0:
            return g
        if local == -1.0:
            return -g
    return g * local


def accumulate_graph(node: Value, contribution: Any) -> None:
    """``node.grad += contribution`` on Values, exact in IEEE arithmetic.

    A gradient of None or -0.0 (the reset value: nothing has arrived yet) is
    replaced by the contribution, since ``-0.0 + c`` is ``c``: no node is
    recorded for the sum.
    """
    old: Any = node.grad
    if old is None or (type(old) is float and old == 0.0 and math.copysign(1.0, old) < 0.0):
        node.grad = contribution
    else:
        node.grad = old + contribution
