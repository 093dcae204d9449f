"""The Value: construction, the node's read-only view, operators."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import pytest

from tinygrad_lite.engine import (
    GradientLostWarning,
    Value,
    total,
)
from tinygrad_lite.ops import OPS

INF, NAN = math.inf, math.nan


# ---------------------------------------------------------------------------
# Construction and the node's read-only view.

ACCEPTED: list[tuple[Any, float]] = [
    (3, 3.0),
    (-2.5, -2.5),
    (True, 1.0),
    (False, 0.0),
    (Fraction(1, 4), 0.25),
    (Decimal("0.5"), 0.5),
    (np.float64(1.5), 1.5),
    (np.float32(0.25), 0.25),
    (np.int64(7), 7.0),
    (np.int8(-3), -3.0),
    (10**400, INF),
]


@pytest.mark.parametrize(("number", "expected"), ACCEPTED)
def test_real_numbers_are_accepted_and_stored_as_float(number: Any, expected: float) -> None:
    v = Value(number)
    assert type(v.data) is float
    assert v.data == expected
    assert type(v.grad) is float and v.grad == 0.0
    assert v.label == ""


REJECTED: list[Any] = ["1.0", None, 1j, [1.0], (1.0,), np.complex128(1.0), {1.0}]


@pytest.mark.parametrize("thing", REJECTED)
def test_non_real_data_is_rejected_naming_the_type(thing: Any) -> None:
    with pytest.raises(TypeError, match=type(thing).__name__):
        Value(thing)


def test_a_value_as_data_is_rejected_with_a_hint() -> None:
    with pytest.raises(TypeError, match=r"\.data.*\.detach\(\)"):
        Value(Value(1.0))  # type: ignore[arg-type]


def test_label_and_node_properties() -> None:
    x = Value(2.0, "x")
    assert x.label == "x" and x.is_leaf and not x.is_constant
    assert x.op == "" and x.op_def is None and x.parents == () and x.operands == ()
    y = x**3
    assert y.op == "pow" and y.op_def is OPS["pow"] and not y.is_leaf
    assert y.parents == (x,)
    assert y.operands == (x, 3.0) and type(y.operands[1]) is float
    z = x * x
    assert z.parents == (x, x)  # duplicates kept in order
    w = 2 - x
    assert w.operands == (2.0, x)
    t = total([x, 1.5])
    assert t.op == "total" and t.parents[0] is x and t.parents[1].is_constant
    with pytest.raises(TypeError, match="label"):
        Value(1.0, label=3)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# Operators.


@pytest.mark.parametrize(
    ("expression", "symbol"),
    [
        (lambda v: v + "a", "for +:"),
        (lambda v: v - None, "for -:"),
        (lambda v: v * None, "for *:"),
        (lambda v: v / (1,), "for /:"),
        (lambda v: v ** [1], "for ** or pow():"),
        (lambda v: [1] ** v, "for ** or pow():"),
        (lambda v: v + 1j, "for +:"),
    ],
)
def test_unsupported_operands_name_the_op_and_both_types(
    expression: Callable[[Value], Any], symbol: str
) -> None:
    with pytest.raises(TypeError, match=re.escape(symbol)) as caught:
        expression(Value(1.0))
    message = str(caught.value)
    assert "'Value'" in message
    assert any(t in message for t in ("'str'", "'NoneType'", "'list'", "'tuple'", "'complex'"))


def test_reflected_operators_with_numbers_on_the_left() -> None:
    x = Value(2.0)
    cases: list[tuple[Value, float, float]] = [
        (3 + x, 5.0, 1.0),
        (3 - x, 1.0, -1.0),
        (3 * x, 6.0, 3.0),
        (3 / x, 1.5, -0.75),  # d(3/x)/dx = -3/x**2
        (3**x, 9.0, 9.0 * math.log(3.0)),
        (Fraction(1, 2) * x, 1.0, 0.5),
        (np.float64(4.0) - x, 2.0, -1.0),
    ]
    for result, data, gradient in cases:
        assert type(result) is Value
        x.grad = 0.0
        result.backward()
        assert math.isclose(result.data, data, rel_tol=1e-15)
        assert math.isclose(x.grad, gradient, rel_tol=1e-15)


def test_value_exponent_and_unary_ops() -> None:
    a, b = Value(2.0), Value(3.0)
    y = a**b
    y.backward()
    assert y.data == 8.0
    assert a.grad == 12.0  # b * a**(b-1)
    assert math.isclose(b.grad, 8.0 * math.log(2.0), rel_tol=1e-15)
    x = Value(-1.5)
    assert (-x).data == 1.5 and abs(x).data == 1.5 and (+x) is x


def test_comparisons_return_bool_and_equality_is_identity() -> None:
    a, b = Value(1.0), Value(2.0)
    for result in (a < b, a <= 1, b > 1.5, b >= Fraction(2), a > 0, b <= 3):
        assert result is True
    assert (a > b) is False
    same = Value(1.0)
    assert a != same and (a == same) is False
    assert a == a
    assert hash(a) == object.__hash__(a)
    table = {a: "a", same: "same"}
    assert table[a] == "a" and table[same] == "same"
    with pytest.raises(TypeError):
        _ = a < "b"  # type: ignore[operator]


def test_python_number_protocol() -> None:
    v = Value(2.75, "v")
    with pytest.warns(GradientLostWarning):  # each read is a plain number: no gradient
        assert float(v) == 2.75 and type(float(v)) is float
        assert int(v) == 2
        assert math.exp(v) == math.exp(2.75)
    assert format(v, ".3f") == "2.750"
    assert f"{v:.1f}" == "2.8"
    assert bool(Value(0.0)) is False and bool(v) is True and bool(Value(NAN)) is True
    text = repr((v * 2).tanh())
    assert text.startswith("Value(") and "op='tanh'" in text and "grad=0.0" in text
    assert "label='v'" in repr(v) and "2.75" in repr(v)
