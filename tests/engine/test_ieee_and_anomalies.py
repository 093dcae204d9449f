"""IEEE edges (never ZeroDivisionError, OverflowError or ValueError) and detect_anomaly."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest

from tinygrad_lite.engine import (
    Value,
    detect_anomaly,
)
from tinygrad_lite.ops import OPS

INF, NAN = math.inf, math.nan


# ---------------------------------------------------------------------------
# IEEE edges: never ZeroDivisionError, OverflowError or ValueError.


def test_division_by_zero_is_inf_with_infinite_gradients() -> None:
    a, b = Value(1.0), Value(0.0)
    y = a / b
    assert y.data == INF
    y.backward()
    assert a.grad == INF and b.grad == -INF
    assert math.isnan((Value(0.0) / Value(0.0)).data)
    assert (Value(-1.0) / 0).data == -INF
    assert (1 / Value(0.0)).data == INF


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda: Value(0.0).log(), -INF),
        (lambda: Value(-1.0).log(), NAN),
        (lambda: Value(1000.0).exp(), INF),
        (lambda: Value(10.0) ** 400, INF),
        (lambda: 10 ** Value(400.0), INF),
        (lambda: Value(10.0) ** Value(400.0), INF),
        (lambda: Value(-8.0) ** (1 / 3), NAN),
        (lambda: Value(0.0) ** -1, INF),
        (lambda: Value(-1.0).sqrt(), NAN),
        (lambda: Value(INF).sin(), NAN),
        (lambda: Value(1000.0).tanh(), 1.0),
        (lambda: Value(-1000.0).tanh(), -1.0),
        (lambda: Value(1000.0).sigmoid(), 1.0),
        (lambda: Value(-1000.0).sigmoid(), 0.0),
    ],
)
def test_ieee_results(make: Callable[[], Value], expected: float) -> None:
    result = make()
    assert type(result.data) is float  # never complex
    if math.isnan(expected):
        assert math.isnan(result.data)
    else:
        assert result.data == expected  # exact: the point of the promise
    result.backward()  # never raises either


@pytest.mark.parametrize("x", [1000.0, -1000.0])
@pytest.mark.parametrize("name", ["tanh", "sigmoid"])
def test_saturated_tanh_and_sigmoid_have_zero_gradient(name: str, x: float) -> None:
    leaf = Value(x)
    getattr(leaf, name)().backward()
    assert leaf.grad == 0.0


def test_gradients_at_kinks() -> None:
    cases: list[tuple[Callable[[Value], Value], float, float]] = [
        (lambda x: x.relu(), 0.0, 0.0),
        (abs, 0.0, 0.0),
        (lambda x: x**0, 0.0, 0.0),
        (lambda x: x.sqrt(), 0.0, INF),
        (lambda x: x.relu(), -1.0, 0.0),
        (lambda x: x.relu(), 1.0, 1.0),
    ]
    for function, at, gradient in cases:
        leaf = Value(at)
        function(leaf).backward()
        assert leaf.grad == gradient, (at, leaf.grad)
    assert (Value(0.0) ** 0).data == 1.0


def test_exponent_gradient_is_zero_when_the_base_is_zero() -> None:
    base, exponent = Value(0.0), Value(2.0)
    y = base**exponent
    y.backward()
    assert y.data == 0.0 and exponent.grad == 0.0 and base.grad == 0.0


@pytest.mark.parametrize("name", [n for n in sorted(OPS) if OPS[n].arity == 1])
def test_nan_in_gives_nan_out(name: str) -> None:
    leaf = Value(NAN)
    result = getattr(leaf, name)() if name not in ("neg", "abs") else OPS_CALL[name](leaf)
    assert math.isnan(result.data)
    result.backward()
    if name != "neg":  # d(-x)/dx = -1 whatever x is
        assert math.isnan(leaf.grad)


OPS_CALL: dict[str, Callable[[Value], Value]] = {"neg": lambda v: -v, "abs": abs}


@pytest.mark.parametrize("name", ["add", "sub", "mul", "div", "pow"])
def test_nan_in_binary_ops(name: str) -> None:
    a, b = Value(NAN), Value(2.0)
    y = {"add": a + b, "sub": a - b, "mul": a * b, "div": a / b, "pow": a**b}[name]
    assert math.isnan(y.data)
    y.backward()
    assert math.isnan(b.grad) or name in ("add", "sub")


# ---------------------------------------------------------------------------
# detect_anomaly.


@pytest.mark.parametrize(
    ("make", "op", "shown"),
    [
        (lambda: Value(1000.0).exp(), "exp", "1000"),
        (lambda: Value(1.0) / Value(0.0), "div", "0.0"),
        (lambda: Value(-1.0).log(), "log", "-1.0"),
        (lambda: Value(10.0) ** 400, "pow", "400"),
    ],
)
def test_detect_anomaly_names_op_and_inputs(make: Callable[[], Value], op: str, shown: str) -> None:
    with detect_anomaly(), pytest.raises(FloatingPointError, match=op) as caught:
        make()
    assert shown in str(caught.value)
    make()  # outside: plain IEEE result, no error


def test_detect_anomaly_ignores_non_finite_inputs() -> None:
    with detect_anomaly():
        y = Value(INF) + 1.0
        assert y.data == INF
        assert (Value(2.0) * 3).data == 6.0
