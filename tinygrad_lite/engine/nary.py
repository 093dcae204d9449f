"""The n-ary ops: one node for a whole sum, as the scalar expansion would give.

Sits on :mod:`.value`, where their nodes are born (``_nary``: straight-line
forwards generated from the op table, one per operand count).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..ops import OPS
from .value import Value, _constant, _nary

__all__ = ["dot", "logsumexp", "total"]

_TOTAL = OPS["total"]
_DOT = OPS["dot"]
_LOGSUMEXP = OPS["logsumexp"]


def total(values: Iterable[Value | float]) -> Value:
    """``x1 + x2 + ... + xn`` as one node (an empty sum is a constant 0.0).

    Its data equals that of the chain of ``+`` to the last bit, and so do the
    gradients when the terms are distinct nodes (a node that appears twice
    gets its contributions summed in another order, equal up to rounding).
    It costs one node instead of ``n - 1``.
    """
    operands = tuple(values)
    if not operands:
        return _constant(0.0)  # type: ignore[return-value]
    return _nary(_TOTAL, operands, "total()")


def logsumexp(values: Iterable[Value | float]) -> Value:
    """``log(exp(x1) + ... + exp(xn))`` as one node, stable for any magnitude.

    Computed as ``m + log(sum exp(x_i - m))`` with ``m = max(x)`` inside the
    op, so the graph's shape never depends on which input is largest (a
    compiled :class:`~tinygrad_lite.graph.Graph` replays it correctly for any
    data). Its gradient is the softmax: ``d/dx_i = exp(x_i - out)``.

    Raises:
        ValueError: If ``values`` is empty.
    """
    operands = tuple(values)
    if not operands:
        raise ValueError("logsumexp() needs at least one value, got none")
    return _nary(_LOGSUMEXP, operands, "logsumexp()")


def dot(
    weights: Sequence[Value | float],
    inputs: Sequence[Value | float],
    bias: Value | float | None = None,
) -> Value:
    """``b + w1*x1 + ... + wn*xn`` as one node: a neuron's weighted sum.

    The data is bit-identical to the scalar expansion
    ``((b + w1*x1) + w2*x2) + ...``, and so are the gradients
    (``d/dw_i = x_i``, ``d/dx_i = w_i``, ``d/db = 1``) when the operands are
    distinct nodes, as in a neuron; a node that appears twice gets its
    contributions summed in another order, equal up to rounding. It costs
    one node instead of ``2n``.

    Raises:
        ValueError: If ``weights`` and ``inputs`` differ in length.
    """
    if len(weights) != len(inputs):
        raise ValueError(
            f"dot() needs as many weights as inputs, got {len(weights)} and {len(inputs)}"
        )
    operands = (*weights, *inputs) if bias is None else (*weights, *inputs, bias)
    return _nary(_DOT, operands, "dot()")
