"""Tests for tinygrad_lite.matrix: shapes, products, gradients through matmul."""

from __future__ import annotations

import math
import random

import pytest

from tinygrad_lite.engine import Value, total
from tinygrad_lite.matrix import add, apply, matmul, random_matrix, scale, shape, transpose


def test_shape_and_ragged() -> None:
    assert shape([]) == (0, 0)
    assert shape([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]) == (2, 3)
    with pytest.raises(ValueError, match="ragged"):
        shape([[1.0, 2.0], [3.0]])


def test_random_matrix_is_seeded_and_bounded() -> None:
    state = random.getstate()
    a = random_matrix(3, 4, low=-0.5, high=2.0, seed=7, as_values=False)
    b = random_matrix(3, 4, low=-0.5, high=2.0, seed=7, as_values=False)
    assert random.getstate() == state  # the global generator is untouched
    assert a == b  # bit-exact reproducibility is the point
    assert shape(a) == (3, 4)
    assert all(-0.5 <= x <= 2.0 for row in a for x in row)
    values = random_matrix(3, 4, low=-0.5, high=2.0, seed=7)
    assert all(type(x) is Value for row in values for x in row)
    assert [[x.data for x in row] for row in values] == a  # type: ignore[union-attr]


def test_random_matrix_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="-1"):
        random_matrix(-1, 2)
    with pytest.raises(ValueError, match="low"):
        random_matrix(2, 2, low=1.0, high=0.0)


def test_matmul_floats() -> None:
    a = [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]
    b = [[7.0, 8.0, 9.0], [10.0, 11.0, 12.0]]
    assert matmul(a, b) == [[27.0, 30.0, 33.0], [61.0, 68.0, 75.0], [95.0, 106.0, 117.0]]
    assert matmul([[1.0], [2.0]], [[]]) == [[], []]
    assert matmul([[], []], []) == [[], []]


def test_matmul_shape_error_names_both_shapes() -> None:
    with pytest.raises(ValueError, match=r"\(2, 3\) @ \(2, 3\)"):
        matmul([[1.0] * 3] * 2, [[1.0] * 3] * 2)


def test_matmul_values_gradient() -> None:
    a = random_matrix(2, 3, seed=1)
    b = random_matrix(3, 2, seed=2)
    c = matmul(a, b)
    loss = total([x for row in c for x in row])
    assert isinstance(loss, Value)
    loss.backward()
    # d(sum of all c)/d a[i][k] = sum_j b[k][j]
    for row in a:
        for k, x in enumerate(row):
            expected = sum(v.data for v in b[k])  # type: ignore[union-attr]
            assert isinstance(x, Value)
            assert math.isclose(x.grad, expected, rel_tol=1e-12, abs_tol=1e-12)
    # the forward matches the float product
    af = [[x.data for x in row] for row in a]  # type: ignore[union-attr]
    bf = [[x.data for x in row] for row in b]  # type: ignore[union-attr]
    for got_row, want_row in zip(c, matmul(af, bf), strict=True):
        for got, want in zip(got_row, want_row, strict=True):
            assert math.isclose(got.data, want, rel_tol=1e-12)  # type: ignore[union-attr, arg-type]


def test_transpose_add_scale_apply() -> None:
    m = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    assert transpose(m) == [[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]]
    assert transpose([]) == []
    assert add(m, m) == [[2.0, 4.0, 6.0], [8.0, 10.0, 12.0]]
    with pytest.raises(ValueError, match=r"\(2, 3\) and \(3, 2\)"):
        add(m, transpose(m))
    assert scale(m, 0.5) == [[0.5, 1.0, 1.5], [2.0, 2.5, 3.0]]
    assert apply(lambda x: -x, m) == [[-1.0, -2.0, -3.0], [-4.0, -5.0, -6.0]]
    vm = [[Value(1.0), Value(-2.0)]]
    out = apply(lambda x: x.relu() if isinstance(x, Value) else x, vm)
    assert [x.data for x in out[0]] == [1.0, 0.0]
