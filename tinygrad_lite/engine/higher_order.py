"""The chain rule on Values: ``backward(create_graph=True)``, for derivatives of derivatives.

Sits on :mod:`.backward`, whose sort and local derivatives it reuses. The
same sentence as there, ``operand.grad += node.grad * local``, with every
product and sum recorded as a node: each gradient is then a Value with a
graph of its own, which ``backward`` can walk again (a second derivative),
and which ``jit`` can record and replay.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from .backward import GRAPH_LOCK, _sort, local_derivatives

if TYPE_CHECKING:
    from .value import Value

__all__ = ["accumulate_graph", "backpropagate_graph", "backward_graph", "times_local"]


def backward_graph(root: Value, seed: Any) -> None:
    """``root.backward(seed, create_graph=True)``: every gradient a Value (see :func:`backward`).

    The gradients start as in :func:`~tinygrad_lite.engine.backward.backward`
    (-0.0 where nothing has arrived); a Value seed is itself differentiated.
    """
    with GRAPH_LOCK:
        order = _sort(root, reset=True)
        accumulate_graph(root, seed)
        backpropagate_graph(order)


def backpropagate_graph(order: list[Value]) -> None:
    """The chain rule on Values, from the output (last in ``order``) back, every product kept."""
    for node in reversed(order):
        if node._op is None:
            continue
        derivatives = local_derivatives(node, on_values=True)
        for operand, local in zip(node.operands, derivatives, strict=True):
            if type(operand) is type(node):
                accumulate_graph(operand, times_local(node.grad, local))


def times_local(g: Any, local: Any) -> Any:
    """``g * local``, skipping the constants 1 and -1 (on Values: no node recorded for them).

    ``g * 1.0`` is ``g`` and ``g * -1.0`` is ``-g`` to the last bit, so this
    changes no number, only the size of a recorded graph.
    """
    if type(local) is float:
        if local == 1.0:
            return g
        if local == -1.0:
            return -g
    return g * local


def accumulate_graph(node: Value, contribution: Any) -> None:
    """``node.grad += contribution`` on Values, exact in IEEE arithmetic.

    A gradient of None or -0.0 (nothing has arrived yet) is replaced by the
    contribution, since ``-0.0 + c`` is ``c``: no node is recorded for it.
    """
    old: Any = node.grad
    if old is None or (type(old) is float and old == 0.0 and math.copysign(1.0, old) < 0.0):
        node.grad = contribution
    else:
        node.grad = old + contribution
