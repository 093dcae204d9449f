"""The n-ary ops: one node for a whole sum, as the scalar expansion would give.

Sits on :mod:`.value`, where their nodes are born. An n-ary node keeps its
operands as a tuple in its ``_a`` slot; plain numbers among them are lifted
to constant leaves. The forward is the op's own on the operands' numbers;
:mod:`tinygrad_lite.codegen` installs a faster, bit-identical one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from operator import attrgetter
from typing import Any

from ..ops import OPS, Op
from .value import Value, _constant, _record

__all__ = ["dot", "logsumexp", "nary", "set_fast_nary_forward", "total"]

NaryForward = Callable[[Op, tuple[Any, ...]], "float | None"]
_fast_nary_forward: NaryForward | None = None
_data_of = attrgetter("_data")
_ALL_VALUES = {Value}


def set_fast_nary_forward(function: NaryForward | None) -> None:
    """Install (or, with None, remove) a generated n-ary forward that returns None unless
    every operand is a Value."""
    global _fast_nary_forward
    _fast_nary_forward = function


def nary(op: Op, operands: tuple[Any, ...], what: str) -> Value:
    """The node of n-ary ``op`` over ``operands`` (plain numbers are lifted to constants)."""
    fast = _fast_nary_forward
    if fast is not None:
        data = fast(op, operands)
        if data is not None:
            return _record(op, data, operands, None)
    nodes = _as_nodes(operands, what)
    return _record(op, op.forward(list(map(_data_of, nodes))), nodes, None)


def _as_nodes(values: tuple[Any, ...], what: str) -> tuple[Value, ...]:
    """``values`` with plain numbers lifted to constant leaves."""
    if set(map(type, values)) <= _ALL_VALUES:  # the common case, checked at C speed
        return values
    nodes = []
    for x in values:
        if type(x) is not Value:
            lifted = _constant(x)
            if lifted is None:
                raise TypeError(
                    f"{what} accepts Values and real numbers, got {type(x).__name__}: {x!r}"
                )
            x = lifted
        nodes.append(x)
    return tuple(nodes)


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
    return nary(_TOTAL, operands, "total()")


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
    return nary(_LOGSUMEXP, operands, "logsumexp()")


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
    return nary(_DOT, operands, "dot()")
