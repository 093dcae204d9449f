"""check_gradients: right gradients pass through kinks and poles, wrong ones fail, shrunk.

Each search over 1,000 points draws many points right at a kink or a pole
(hypothesis favours 0, integers and repeated values); those are rejected and
counted, and the tests below assert that they were met, so the rejection is
exercised, not just allowed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import strategies as st

from tinygrad_lite import CustomOp, Value, custom_op, gradcheck
from tinygrad_lite import math as tlmath
from tinygrad_lite.testing import (
    GradientMismatchError,
    SearchReport,
    check_gradients,
    find_hazard,
)
from tinygrad_lite.testing.domains import reals

THOUSAND = 1000


@pytest.fixture
def scratch() -> Iterator[list[CustomOp]]:
    """Ops registered by a test, unregistered afterwards (the table is global)."""
    made: list[CustomOp] = []
    yield made
    for op in made:
        op.unregister()


def with_python_branch(x: Value) -> Value:
    """abs written with an ``if``: the kink is in Python code, not in an op."""
    return x * 3.0 if x > 0 else -x


KINKED: dict[str, tuple[Callable[..., Any], Any, str]] = {
    "abs": (lambda x: abs(x) * x.sin(), 1, "abs"),
    "relu": (lambda x: x.relu() * 2.0 + x, 1, "relu"),
    "maximum": (lambda x, y: tlmath.maximum(x, y) * y, 2, "maximum"),
    "floor": (lambda x: tlmath.floor(x) * x, 1, "floor"),
    "mod": (lambda x, y: x % y, 2, "mod"),
    "reciprocal": (lambda x: 1.0 / x, 1, "div"),
    "log": (lambda x: x.log() * x, 1, "log"),
    # near its poles: k pi/2 plus a little, so the search meets them
    "tan": (
        lambda x: x.tan(),
        [st.builds(lambda k, d: k * math.pi / 2 + d, st.integers(-4, 4), reals(-1e-2, 1e-2))],
        "tan",
    ),
    "sqrt": (lambda x: x.sqrt() + x, 1, "sqrt"),
    "python branch": (with_python_branch, 1, ""),
}


@pytest.mark.parametrize("name", list(KINKED))
def test_right_gradients_pass_over_a_thousand_points_through_kinks_and_poles(name: str) -> None:
    f, inputs, op = KINKED[name]
    report = check_gradients(f, inputs=inputs, max_examples=THOUSAND)
    assert isinstance(report, SearchReport) and report
    assert report.examples == THOUSAND
    assert report.rejected_by_op[op] > 0, str(report)  # the search did meet the kink or pole
    assert report.tolerance_used < 1.0


def test_every_kink_listed_in_the_promise_in_one_function() -> None:
    def f(x: Value, y: Value, z: Value) -> Value:
        return abs(x) * y.relu() + tlmath.maximum(x, y) + tlmath.floor(x) + x % 1.5 + 1.0 / z

    report = check_gradients(f, inputs=3, max_examples=THOUSAND)
    assert report.examples == THOUSAND
    assert report.rejected_at_kinks > 0 and report.rejected_at_poles > 0
    for op in ("abs", "relu", "maximum", "floor", "mod", "div"):
        assert op in report.rejected_by_op, str(report)


@pytest.mark.parametrize(
    ("f", "point"),
    [
        (lambda x: x.relu(), [0.0]),
        (lambda x: tlmath.floor(x), [2.0]),
        (lambda x: x % 1.5, [3.0]),
        (lambda x: 1.0 / x, [1e-7]),
        (with_python_branch, [0.0]),
    ],
)
def test_the_points_it_rejects_would_be_false_alarms(
    f: Callable[[Value], Value], point: list[float]
) -> None:
    """At a kink or a pole, plain gradcheck fails though the rule is right; these are rejected."""
    assert not gradcheck(f, point)
    assert find_hazard(f, point, 1e-6) is not None


def softplus_forward(x: float) -> float:
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def test_a_wrong_derivative_fails_with_the_shrunk_counterexample(scratch: list[CustomOp]) -> None:
    # sigmoid(-x) instead of sigmoid(x): right only at x = 0
    wrong = custom_op("softplus_wrong", softplus_forward, lambda x, out: tlmath.sigmoid(-x))
    scratch.append(wrong)
    with pytest.raises(GradientMismatchError) as caught:
        check_gradients(lambda x: wrong(x) + abs(x), inputs=1)
    failure = caught.value
    assert isinstance(failure, AssertionError)
    # hypothesis shrinks a float towards 0 and integers; 0 passes, so it stops at +-1
    assert failure.point == (1.0,) or failure.point == (-1.0,)
    message = str(failure)
    assert "shrunk counterexample [1.0]" in message or "[-1.0]" in message
    for column in ("analytic", "numeric", "abs error", "rel error", "dy/dx0", "FAIL"):
        assert column in message
    (entry,) = failure.report.entries
    s = 1.0 / (1.0 + math.exp(-failure.point[0]))
    assert math.isclose(entry.analytic, 1.0 - s + math.copysign(1.0, failure.point[0]))
    assert math.isclose(entry.numeric, s + math.copysign(1.0, failure.point[0]), rel_tol=1e-6)
    assert failure.search is not None and failure.search.examples >= 0


def test_a_wrong_partial_derivative_shrinks_to_zeros_and_ones(scratch: list[CustomOp]) -> None:
    # d(a*b)/db written as b instead of a: right only where a == b
    wrong = custom_op("times_wrong", lambda a, b: a * b, lambda a, b, out: (b, b))
    scratch.append(wrong)
    with pytest.raises(GradientMismatchError) as caught:
        check_gradients(wrong, inputs=[(-5, 5), (-5, 5)])
    a, b = caught.value.point
    assert a != b and {abs(a), abs(b)} <= {0.0, 1.0}, caught.value.point
    assert [entry.passed for entry in caught.value.report] == [True, False]


@pytest.mark.filterwarnings("ignore::tinygrad_lite.engine.checks.GradientLostWarning")
def test_order_two_checks_the_hessian(scratch: list[CustomOp]) -> None:
    def smooth(x: Value, y: Value) -> Value:
        return (x * y).sin() + x.exp() * y * y + abs(x) * x

    report = check_gradients(smooth, inputs=[(-2, 2), (-2, 2)], order=2, max_examples=200)
    assert report.order == 2 and report.examples == 200
    # the first derivative is right, the second is not: math.cos(x) reads x's number,
    # so on Values the rule gives a constant and the graph of the derivative is lost
    sin_flat = custom_op("sin_flat", lambda x: math.sin(x), lambda x, out: math.cos(x))
    scratch.append(sin_flat)
    assert check_gradients(lambda x: sin_flat(x), inputs=1, max_examples=50)
    with pytest.raises(GradientMismatchError, match="second derivative") as caught:
        check_gradients(lambda x: sin_flat(x), inputs=1, order=2)
    assert "d2y/dx0dx0" in str(caught.value)
    assert caught.value.report.kind == "gradgradcheck"


def test_the_number_of_inputs_is_read_from_the_signature() -> None:
    report = check_gradients(lambda x, y, z: x * y + z, max_examples=20)
    assert report.examples == 20


def test_a_plain_number_result_counts_as_a_constant() -> None:
    # Python's max returns the 0.0 itself below zero: a constant, derivative 0
    report = check_gradients(lambda x: max(x, 0.0), inputs=1, max_examples=200)
    assert report.examples == 200 and report.rejected_at_kinks > 0


def test_a_function_undefined_everywhere_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="no point of the domain could be checked"):
        check_gradients(lambda x: x.log(), inputs=[(-5, -1)], max_examples=20)


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"inputs": 0}, ValueError, "at least 1"),
        ({"inputs": "two"}, TypeError, "count"),
        ({"inputs": [(1, 0)]}, ValueError, "low <= high"),
        ({"inputs": [("a", "b")]}, TypeError, r"\(low, high\)"),
        ({"inputs": 1, "order": 3}, ValueError, "order must be 1"),
        ({"inputs": 1, "max_examples": 0}, ValueError, "max_examples"),
    ],
)
def test_bad_arguments_are_refused(kwargs: dict[str, Any], error: type, words: str) -> None:
    with pytest.raises(error, match=words):
        check_gradients(lambda x: x * 2.0, **kwargs)


def test_the_report_reads_as_a_sentence() -> None:
    report = check_gradients(lambda x: abs(x), inputs=1, max_examples=100)
    text = str(report)
    assert text.startswith("<lambda>: gradients agreed with central differences at 100 points")
    assert f"rejected {report.rejected_at_kinks} at kinks" in text
