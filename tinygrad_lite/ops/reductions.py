"""n-ary ops: sums, products, the neuron's weighted sum, logsumexp and hypot.

One node stands for a whole reduction, so an n-term sum costs one node and
one tuple instead of ``n - 1`` nodes. The data of ``total``, ``prod`` and
``dot`` equals that of the chain of binary ops to the last bit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from . import ieee
from .base import VARIADIC, Op
from .generic import data, div, exp


def _ones(args: Sequence[Any], out: Any) -> list[float]:
    return [1.0] * len(args)


def _product(a: Any, b: Any) -> Any:
    """``a * b`` where None is the empty product."""
    if a is None:
        return 1.0 if b is None else b
    return a if b is None else a * b


def _prod_grads(args: Sequence[Any], out: Any) -> list[Any]:
    # d/dx_i (x_1 ... x_n) = the product of the others, from prefix and suffix
    # products (never out / x_i, which is nan at x_i = 0).
    n = len(args)
    suffixes: list[Any] = [None] * (n + 1)
    for i in range(n - 1, 0, -1):
        suffixes[i] = _product(args[i], suffixes[i + 1])
    grads: list[Any] = []
    prefix: Any = None
    for i in range(n):
        grads.append(_product(prefix, suffixes[i + 1]))
        if i < n - 1:
            prefix = _product(prefix, args[i])
    return grads


def _dot_grads(args: Sequence[Any], out: Any) -> list[Any]:
    n = len(args) // 2
    grads = list(args[n : 2 * n])  # d/dw_i = x_i
    grads.extend(args[:n])  # d/dx_i = w_i
    if len(args) % 2:
        grads.append(1.0)  # d/db = 1
    return grads


def _logsumexp_grads(args: Sequence[Any], out: Any) -> list[Any]:
    # d/dx_i logsumexp(x) = exp(x_i) / sum_j exp(x_j) = exp(x_i - out): the softmax
    return [exp(x - out) for x in args]


def _hypot_grads(args: Sequence[Any], out: Any) -> list[Any]:
    # d/dx_i |x| = x_i / |x|; at the origin 0, as abs'(0)
    if data(out) == 0.0:
        return [0.0] * len(args)
    return [div(x, out) for x in args]


ENTRIES = [
    Op(
        "total",
        "sum",
        VARIADIC,
        ieee.total,
        _ones,
        doc=(
            "``x1 + ... + xn`` as one node, equal to the chain of ``+`` to the last bit. ``d/dx_i "
            "= 1``."
        ),
    ),
    Op(
        "fsum",
        "fsum",
        VARIADIC,
        ieee.fsum,
        _ones,
        doc="The correctly rounded sum, as ``math.fsum``. ``d/dx_i = 1``.",
    ),
    Op(
        "prod",
        "prod",
        VARIADIC,
        ieee.prod,
        _prod_grads,
        doc="``x1 * ... * xn``. ``d/dx_i`` is the product of the others.",
    ),
    Op(
        "dot",
        "dot",
        VARIADIC,
        ieee.dot,
        _dot_grads,
        doc=(
            "``b + w1*x1 + ... + wn*xn`` (operands ``w1..wn, x1..xn[, b]``), a neuron's weighted "
            "sum as one node. ``d/dw_i = x_i``, ``d/dx_i = w_i``, ``d/db = 1``."
        ),
    ),
    Op(
        "logsumexp",
        "logsumexp",
        VARIADIC,
        ieee.logsumexp,
        _logsumexp_grads,
        doc=(
            "``log(e**x1 + ... + e**xn)``, stable for any magnitude. ``d/dx_i = e**(x_i - out)``, "
            "the softmax."
        ),
    ),
    Op(
        "hypot",
        "hypot",
        VARIADIC,
        ieee.hypot,
        _hypot_grads,
        doc=(
            "``sqrt(x1**2 + ... + xn**2)`` without overflow. ``d/dx_i = x_i/out``, 0 at the origin."
        ),
    ),
]
