"""tinygrad_lite.numeric: machine epsilon, difference quotients, gradcheck, gradgradcheck."""

from __future__ import annotations

import math
import sys
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from strategies import reals

from tinygrad_lite.engine import Value
from tinygrad_lite.numeric import (
    GradcheckEntry,
    GradcheckError,
    GradcheckReport,
    central_difference,
    forward_difference,
    gradcheck,
    gradgradcheck,
    machine_epsilon,
    numerical_gradient,
)


def test_machine_epsilon_equals_float_info() -> None:
    eps = machine_epsilon()
    assert eps == sys.float_info.epsilon  # bit-exact: that is the point
    one = 1.0
    assert one + eps > one  # eps is seen next to 1 ...
    assert one + eps / 2 == one  # ... and half of it is not


@given(reals(-3.0, 3.0))
def test_central_difference_of_sin_is_cos(x: float) -> None:
    assert math.isclose(central_difference(math.sin, x), math.cos(x), abs_tol=1e-9)


@given(reals(-3.0, 3.0))
def test_forward_difference_of_exp_is_exp(x: float) -> None:
    # error ~ sqrt(eps) relative: about 1e-8
    assert math.isclose(forward_difference(math.exp, x), math.exp(x), rel_tol=1e-7)


def test_central_difference_is_more_accurate_than_forward() -> None:
    h = 1e-4
    forward_error = abs(forward_difference(math.exp, 1.0, h) - math.e)
    central_error = abs(central_difference(math.exp, 1.0, h) - math.e)
    assert central_error < forward_error / 100


def test_forward_difference_default_step_scales_with_x() -> None:
    # at x = 1e8 an unscaled step of 1.5e-8 would vanish: x + h == x
    assert math.isclose(forward_difference(lambda t: t * t, 1e8), 2e8, rel_tol=1e-6)


def test_difference_quotients_are_exact_on_a_line() -> None:
    assert math.isclose(central_difference(lambda t: 3.0 * t + 1.0, 2.0), 3.0, rel_tol=1e-9)
    assert math.isclose(forward_difference(lambda t: 3.0 * t + 1.0, 2.0), 3.0, rel_tol=1e-7)


def test_numerical_gradient_of_several_inputs() -> None:
    grad = numerical_gradient(lambda a, b, c: a * b + math.sin(c), [2.0, 3, Fraction(1, 2)])
    assert len(grad) == 3
    for got, want in zip(grad, [3.0, 2.0, math.cos(0.5)], strict=True):
        assert math.isclose(got, want, rel_tol=1e-8)


def test_difference_functions_accept_numeric_results() -> None:
    assert math.isclose(central_difference(lambda t: np.float64(t) ** 2, 1.5), 3.0, rel_tol=1e-8)
    assert math.isclose(central_difference(lambda t: Value(t) * 2, 1.5), 2.0, rel_tol=1e-8)


def _f(a: Value, b: Value) -> Value:
    return (a * b).tanh() + a.exp() / b + a**b


def test_gradcheck_report_passes_with_one_entry_per_input() -> None:
    report = gradcheck(_f, [0.3, 1.2])
    assert isinstance(report, GradcheckReport)
    assert report and report.passed and not report.failures
    assert [entry.index for entry in report] == [(0,), (1,)]
    a, b = Value(0.3), Value(1.2)
    _f(a, b).backward()
    assert report.entries[0].analytic == a.grad  # bit-exact: the same backward
    assert report.entries[1].analytic == b.grad
    for entry in report:
        assert isinstance(entry, GradcheckEntry)
        assert entry.passed
        assert entry.abs_error == abs(entry.analytic - entry.numeric)
        assert math.isclose(entry.rel_error, entry.abs_error / abs(entry.numeric))
    assert math.isclose(report.output, _f(Value(0.3), Value(1.2)).data)
    assert report.inputs == (0.3, 1.2)
    assert (report.eps, report.atol, report.rtol) == (1e-6, 1e-5, 1e-3)


def test_gradcheck_report_prints_a_table() -> None:
    text = str(gradcheck(_f, [0.3, 1.2]))
    lines = text.splitlines()
    assert "gradcheck" in lines[0] and "passed" in lines[0]
    assert "analytic" in lines[1] and "numeric" in lines[1] and "rel error" in lines[1]
    assert lines[2].startswith("dy/dx0") and lines[2].endswith("ok")
    assert lines[3].startswith("dy/dx1")


def test_gradcheck_accepts_values_and_other_numbers_without_touching_them() -> None:
    a = Value(0.3)
    report = gradcheck(_f, [a, Decimal("1.2")])
    assert report
    assert a.grad == 0.0


def test_gradcheck_fails_on_a_wrong_function_gradient() -> None:
    def f(x: Value) -> Value:
        # the data moves with x, the graph does not: detach cuts the derivative
        return x.detach() * x.detach() + x

    report = gradcheck(f, [1.5])
    assert not report
    assert not report.passed
    (entry,) = report.failures
    assert entry.index == (0,)
    assert math.isclose(entry.analytic, 1.0)
    assert math.isclose(entry.numeric, 4.0, rel_tol=1e-6)
    assert "FAIL" in str(report) and "1 of 1 failed" in str(report)
    with pytest.raises(GradcheckError) as caught:
        gradcheck(f, [1.5], raise_on_fail=True)
    assert isinstance(caught.value, AssertionError)
    assert caught.value.report == report
    assert "dy/dx0" in str(caught.value)


def test_gradcheck_tolerances_decide() -> None:
    # sin'(x) by central difference has error ~ h**2/6; an absurd rtol/atol of 0 fails it
    assert gradcheck(lambda x: x.sin(), [1.0])
    assert not gradcheck(lambda x: x.sin(), [1.0], eps=1e-2, atol=0.0, rtol=0.0)
    assert gradcheck(lambda x: x.sin(), [1.0], eps=1e-2, atol=1e-4, rtol=0.0)


def test_gradcheck_nan_never_passes() -> None:
    report = gradcheck(lambda x: (x - x.detach()).log(), [1.0])
    assert not report


def test_gradgradcheck_hessian_entries() -> None:
    report = gradgradcheck(_f, [0.3, 1.2])
    assert report, str(report)
    assert [entry.index for entry in report] == [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert report.kind == "gradgradcheck"
    assert str(report).splitlines()[2].startswith("d2y/dx0dx0")


def test_gradgradcheck_quadratic_is_exact() -> None:
    # y = a**2 * b + 3ab: H = [[2b, 2a + 3], [2a + 3, 0]]
    report = gradgradcheck(lambda a, b: a * a * b + 3 * a * b, [1.5, -2.0])
    assert report
    analytic = [entry.analytic for entry in report]
    assert analytic == [-4.0, 6.0, 6.0, 0.0]  # bit-exact: small integers


def test_gradgradcheck_linear_function_has_zero_hessian() -> None:
    report = gradgradcheck(lambda a, b: 2 * a - b, [1.0, 2.0])
    assert report
    assert all(entry.analytic == 0.0 and entry.numeric == 0.0 for entry in report)


def test_gradgradcheck_detects_a_wrong_second_derivative() -> None:
    def f(x: Value) -> Value:
        # forward: x**3. The first derivative is right (the detached x**2 term
        # only enters as a number), its derivative misses the detached part.
        return x * x * x.detach()

    # backward gives 2x * x_detached = 2x**2, central differences 3x**2:
    assert not gradcheck(f, [2.0])
    report = gradgradcheck(f, [2.0])
    # analytic H = 2 * x_detached = 4; numeric d/dx of analytic gradient 2x*x = 8
    assert not report
    (entry,) = report.entries
    assert math.isclose(entry.analytic, 4.0)
    assert math.isclose(entry.numeric, 8.0, rel_tol=1e-6)
    with pytest.raises(GradcheckError, match="gradgradcheck failed"):
        gradgradcheck(f, [2.0], raise_on_fail=True)


NOT_CALLABLE: list[Any] = [None, 3.0, "f"]


@pytest.mark.parametrize("f", NOT_CALLABLE)
def test_non_callable_f_is_rejected(f: Any) -> None:
    for check in (gradcheck, gradgradcheck, numerical_gradient):
        with pytest.raises(TypeError, match="f must be callable"):
            check(f, [1.0])
    for difference in (central_difference, forward_difference):
        with pytest.raises(TypeError, match="f must be callable"):
            difference(f, 1.0)


@pytest.mark.parametrize(
    ("inputs", "error", "message"),
    [
        ([], ValueError, "at least one"),
        ((), ValueError, "at least one"),
        (1.0, TypeError, "sequence of real numbers.*float"),
        ("12", TypeError, "sequence of real numbers.*str"),
        (None, TypeError, "NoneType"),
        ([1.0, "a"], TypeError, r"inputs\[1\].*str"),
        ([None], TypeError, r"inputs\[0\].*NoneType"),
        ([1j], TypeError, r"inputs\[0\].*complex"),
        ([[1.0]], TypeError, r"inputs\[0\].*list"),
        ([math.inf], ValueError, r"inputs\[0\].*finite.*inf"),
        ([1.0, math.nan], ValueError, r"inputs\[1\].*finite.*nan"),
    ],
)
def test_bad_inputs_are_rejected_naming_the_value(inputs: Any, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        gradcheck(lambda x: x, inputs)
    with pytest.raises(error, match=message):
        gradgradcheck(lambda x: x, inputs)
    with pytest.raises(error, match=message):
        numerical_gradient(lambda x: x, inputs)


@pytest.mark.parametrize(
    ("keyword", "value", "error", "message"),
    [
        ("eps", 0.0, ValueError, "eps must be positive"),
        ("eps", -1e-6, ValueError, "eps must be positive"),
        ("eps", math.nan, ValueError, "eps must be finite"),
        ("eps", "small", TypeError, "eps must be a real number, got str"),
        ("atol", -1.0, ValueError, "atol must be at least 0"),
        ("rtol", None, TypeError, "rtol must be a real number, got NoneType"),
    ],
)
def test_bad_tolerances_are_rejected(keyword: str, value: Any, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        gradcheck(lambda x: x, [1.0], **{keyword: value})
    with pytest.raises(error, match=message):
        gradgradcheck(lambda x: x, [1.0], **{keyword: value})


def test_bad_steps_and_points_for_difference_quotients() -> None:
    with pytest.raises(ValueError, match="h must be positive"):
        central_difference(math.sin, 1.0, h=0.0)
    with pytest.raises(ValueError, match="h must be positive"):
        forward_difference(math.sin, 1.0, h=-1.0)
    with pytest.raises(TypeError, match="x must be a real number, got str"):
        central_difference(math.sin, "1")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="x must be finite"):
        forward_difference(math.sin, math.inf)


def test_f_must_return_the_right_kind() -> None:
    with pytest.raises(TypeError, match="f must return a Value, got float"):
        gradcheck(lambda x: 2.0, [1.0])  # type: ignore[arg-type, return-value]
    with pytest.raises(TypeError, match="f must return a Value, got str"):
        gradgradcheck(lambda x: "y", [1.0])  # type: ignore[arg-type, return-value]
    with pytest.raises(TypeError, match="f must return a real number, got str"):
        central_difference(lambda x: "y", 1.0)  # type: ignore[arg-type, return-value]


def test_gradcheck_of_a_function_that_ignores_an_input() -> None:
    report = gradcheck(lambda a, b: a * 2, [1.0, 5.0])
    assert report
    assert report.entries[1].analytic == 0.0
    assert report.entries[1].rel_error == 0.0
