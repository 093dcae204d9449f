"""Matrix helpers on 2-D Python lists, as in the source document's Tiny Learner part.

The source document is *Tiny Machine Learner* (see README, "Where this comes
from"). Sits on :mod:`tinygrad_lite.engine`. A matrix is a list of rows,
each row a list of scalars; a scalar is a
:class:`~tinygrad_lite.engine.Value` or a plain float. Functions accept
either and return Values wherever a Value went in, so a product of Value
matrices is differentiable. Every function checks shapes and raises
``ValueError`` naming both shapes when they do not fit.

The matrix product is the source document's nested loops, except that each
entry ``c[i][j] = a[i][0]*b[0][j] + ... + a[i][n-1]*b[n-1][j]`` is one
:func:`~tinygrad_lite.engine.dot` node when Values are involved.
"""

from __future__ import annotations

import operator
import random
from collections.abc import Callable, Sequence
from functools import reduce
from typing import TypeAlias

from .engine import Value, dot

__all__ = [
    "Matrix",
    "Scalar",
    "add",
    "apply",
    "matmul",
    "random_matrix",
    "scale",
    "shape",
    "transpose",
]

Scalar: TypeAlias = Value | float
"""One matrix entry: a differentiable Value or a plain float."""

Matrix: TypeAlias = list[list[Scalar]]
"""A matrix as a list of equally long rows."""


def shape(m: Sequence[Sequence[Scalar]]) -> tuple[int, int]:
    """The ``(rows, cols)`` of a matrix; ``(0, 0)`` for ``[]``.

    Raises:
        ValueError: If the rows differ in length (a ragged list is no matrix).
    """
    rows = len(m)
    if rows == 0:
        return (0, 0)
    cols = len(m[0])
    for i, row in enumerate(m):
        if len(row) != cols:
            raise ValueError(f"ragged matrix: row 0 has {cols} entries but row {i} has {len(row)}")
    return (rows, cols)


def random_matrix(
    rows: int,
    cols: int,
    low: float = -1.0,
    high: float = 1.0,
    seed: int | random.Random | None = None,
    *,
    as_values: bool = True,
) -> Matrix:
    """A ``rows x cols`` matrix of independent draws from ``U(low, high)``.

    Args:
        rows: Number of rows (>= 0).
        cols: Number of columns (>= 0).
        low: Lower end of the uniform distribution.
        high: Upper end of the uniform distribution.
        seed: An int or a ``random.Random`` to draw from; ``None`` draws from a
            fresh, OS-seeded generator. The global ``random`` state is never used.
        as_values: Return leaf Values (True, the default) or plain floats.

    Raises:
        ValueError: If ``rows`` or ``cols`` is negative, or ``low > high``.
    """
    if rows < 0 or cols < 0:
        raise ValueError(f"random_matrix needs rows, cols >= 0, got {rows} x {cols}")
    if not low <= high:
        raise ValueError(f"random_matrix needs low <= high, got low={low!r}, high={high!r}")
    rng = seed if isinstance(seed, random.Random) else random.Random(seed)
    if as_values:
        return [[Value(rng.uniform(low, high)) for _ in range(cols)] for _ in range(rows)]
    return [[rng.uniform(low, high) for _ in range(cols)] for _ in range(rows)]


def transpose(m: Sequence[Sequence[Scalar]]) -> Matrix:
    """``m^T``: entry ``[j][i]`` of the result is ``m[i][j]``."""
    rows, cols = shape(m)
    return [[m[i][j] for i in range(rows)] for j in range(cols)]


def matmul(a: Sequence[Sequence[Scalar]], b: Sequence[Sequence[Scalar]]) -> Matrix:
    """The matrix product ``c[i][j] = sum_k a[i][k] * b[k][j]``.

    Entries are floats when both inputs hold only floats, else Values (one
    ``dot`` node per entry, with gradients equal to the scalar expansion).

    Raises:
        ValueError: If ``a`` is ``n x k`` and ``b`` is not ``k x m``.
    """
    a_shape = shape(a)
    b_shape = shape(b)
    if a_shape[1] != b_shape[0]:
        raise ValueError(f"matmul shapes do not fit: {a_shape} @ {b_shape}")
    columns = transpose(b)
    if b_shape[0] == 0:  # (n x 0) @ (0 x m): every entry is an empty sum
        return [[0.0] * b_shape[1] for _ in range(a_shape[0])]
    has_values = any(type(x) is Value for row in a for x in row) or any(
        type(x) is Value for row in b for x in row
    )
    if has_values:
        return [[dot(row, column) for column in columns] for row in a]
    return [
        [reduce(operator.add, map(operator.mul, row, column)) for column in columns] for row in a
    ]


def add(a: Sequence[Sequence[Scalar]], b: Sequence[Sequence[Scalar]]) -> Matrix:
    """The entrywise sum ``a + b``.

    Raises:
        ValueError: If the shapes differ.
    """
    a_shape = shape(a)
    b_shape = shape(b)
    if a_shape != b_shape:
        raise ValueError(f"add needs equal shapes, got {a_shape} and {b_shape}")
    return [
        [x + y for x, y in zip(row_a, row_b, strict=True)]
        for row_a, row_b in zip(a, b, strict=True)
    ]


def scale(m: Sequence[Sequence[Scalar]], factor: Scalar) -> Matrix:
    """Every entry multiplied by ``factor`` (a number or a Value)."""
    shape(m)
    return [[x * factor for x in row] for row in m]


def apply(f: Callable[[Scalar], Scalar], m: Sequence[Sequence[Scalar]]) -> Matrix:
    """``f`` applied to every entry, e.g. ``apply(Value.tanh, m)``."""
    shape(m)
    return [[f(x) for x in row] for row in m]
