"""Higher order: backward(create_graph=True)."""

from __future__ import annotations

import math
from typing import Any

from tinygrad_lite.engine import (
    Value,
)

INF, NAN = math.inf, math.nan


# ---------------------------------------------------------------------------
# Higher order: backward(create_graph=True).


def test_create_graph_second_derivative_of_a_cube() -> None:
    x = Value(3.0)
    (x**3).backward(create_graph=True)
    first = x.grad
    assert isinstance(first, Value) and first.data == 27.0
    x.grad = 0.0  # as in torch: gradients accumulate, so clear before the second pass
    first.backward()
    assert x.grad == 18.0  # 6x


def test_a_plain_backward_adds_into_a_value_gradient_as_torch_does() -> None:
    """after create_graph, the next backward adds (it used to replace)."""
    x = Value(3.0)
    (x**3).backward(create_graph=True)
    first = x.grad
    assert isinstance(first, Value)
    first.backward()  # x.grad = 27 (the Value) + 18
    assert isinstance(x.grad, Value) and x.grad.data == 27.0 + 18.0
    again = x.grad
    first.backward()  # and the next one adds again, never replaces
    assert isinstance(x.grad, Value) and x.grad.data == 27.0 + 18.0 + 18.0
    assert x.grad is not again


def test_create_graph_second_derivative_of_tanh() -> None:
    x = Value(0.4)
    x.tanh().backward(create_graph=True)
    first: Any = x.grad
    x.grad = 0.0
    first.backward()
    t = math.tanh(0.4)
    assert math.isclose(x.grad, -2 * t * (1 - t * t), rel_tol=1e-12)


def test_plain_backward_keeps_float_gradients() -> None:
    x = Value(3.0)
    (x**3).backward()
    assert type(x.grad) is float


def test_pow_mixed_second_derivative_at_exponent_zero() -> None:
    a, b = Value(2.0), Value(0.0)
    (a**b).backward(create_graph=True)
    first: Any = a.grad  # b * a**(b - 1): depends on b even where b is 0
    assert isinstance(first, Value)
    a.grad = b.grad = 0.0
    first.backward()
    assert math.isclose(b.grad, 0.5)  # a**(b-1) * (1 + b log a) = 1/a at b = 0
