"""The chain rule on Values: ``backward(create_graph=True)``, for derivatives of derivatives.

Sits on :mod:`.backward`, whose sort and local derivatives it reuses. The
same sentence as there, ``operand.grad += node.grad * local``, with every
product and sum recorded as a node: each gradient is then a Value with a
graph of its own, which ``backward`` can walk again (a second derivative),
and which ``jit`` can record and replay.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..ops.generic import value_reads
from . import modes
from .backward import GRAPH_LOCK, _sort, call_rule
from .modes import SWITCHED

if TYPE_CHECKING:
    from .value import Value

__all__ = [
    "accumulate_graph",
    "backpropagate_graph",
    "backward_graph",
    "local_derivative_graphs",
    "times_local",
]


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
        derivatives = local_derivative_graphs(node)
        for operand, local in zip(node.operands, derivatives, strict=True):
            if type(operand) is type(node):
                accumulate_graph(operand, times_local(node.grad, local))


def local_derivative_graphs(node: Value) -> Sequence[Any]:
    """The op's rule called on the operands themselves: each derivative a Value with a graph.

    A rule that branches on its operands' numbers (``abs``'s sign,
    ``relu``'s step) returns the branch it took as a constant. While ``jit``
    records, such a node is reported to the recording, which checks on
    every replay that the rule still gives what it recorded.
    """
    reads = value_reads()
    derivatives = call_rule(node._op, node.operands, node)  # type: ignore[arg-type]
    if SWITCHED and value_reads() != reads:
        tracer = modes.current().tracer
        if tracer is not None:
            tracer.guard(node, derivatives)
    return derivatives


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
