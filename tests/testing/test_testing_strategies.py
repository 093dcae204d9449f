"""points, values, expressions and assert_gradients_match in a user's own @given tests."""

from __future__ import annotations

import math
from collections.abc import Iterator

import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st

from tinygrad_lite import CustomOp, Value, custom_op
from tinygrad_lite import math as tlmath
from tinygrad_lite.ops import OPS
from tinygrad_lite.testing import (
    Expression,
    GradientMismatchError,
    assert_gradients_match,
    expressions,
    find_hazard,
    points,
    values,
)

QUICK = settings(max_examples=20, database=None)


def kinked(x: Value, y: Value) -> Value:
    return abs(x - y) + tlmath.floor(x) * y + 1.0 / y


@given(points(kinked, inputs=[(-3, 3), (-3, 3)]))
def test_points_keep_clear_of_the_kinks_the_function_hits(point: tuple[float, float]) -> None:
    x, y = point
    assert -3 <= x <= 3 and -3 <= y <= 3
    assert abs(x - y) > 1e-6 and y != 0.0 and x != round(x)  # abs, 1/y, floor's jumps
    assert find_hazard(kinked, point, 1e-6) is None
    assert assert_gradients_match(kinked, point)  # every point drawn is judged, and passes


def test_points_without_a_function_are_the_whole_domain() -> None:
    # the kink at 0 is the simplest point; without f it is not avoided
    assert find(points(inputs=[(-1, 1)]), lambda p: True, settings=QUICK) == (0.0,)
    assert find(points(abs, inputs=[(-1, 1)]), lambda p: True, settings=QUICK) != (0.0,)


def test_assert_gradients_match_rejects_kink_points_instead_of_failing() -> None:
    tried: list[tuple[float, float]] = []
    judged: list[tuple[float, float]] = []

    @settings(max_examples=200, database=None)
    @given(
        st.tuples(st.one_of(st.sampled_from([0.0, 1.0, 2.0]), st.floats(-3, 3)), st.floats(-3, 3))
    )
    def user_test(point: tuple[float, float]) -> None:
        tried.append(point)
        # integers are floor's jumps, relu's kink is at 0: rejected, never a failure
        assert_gradients_match(lambda x, y: tlmath.floor(x) * y.relu() + x * y, point)
        judged.append(point)

    user_test()
    assert len(judged) >= 200 and len(tried) > len(judged)
    assert all(x != round(x) and y != 0.0 for x, y in judged)
    assert any(x in (0.0, 1.0, 2.0) for x, _ in tried)


def test_outside_a_hypothesis_test_a_kink_point_is_not_judged() -> None:
    assert assert_gradients_match(lambda x: x.relu(), [0.0]) == []
    (report,) = assert_gradients_match(lambda x: x.relu(), [0.5])
    assert report and report.entries[0].analytic == 1.0
    first, second = assert_gradients_match(lambda x: x.sin() * x, [0.5], order=2)
    assert first.kind == "gradcheck" and second.kind == "gradgradcheck"


@pytest.fixture
def scratch() -> Iterator[list[CustomOp]]:
    made: list[CustomOp] = []
    yield made
    for op in made:
        op.unregister()


def test_a_given_test_with_a_wrong_op_fails_on_the_shrunk_point(scratch: list[CustomOp]) -> None:
    square = custom_op("square_wrong", lambda x: x * x, lambda x, out: x)  # 2x forgotten
    scratch.append(square)

    @settings(max_examples=100, database=None)
    @given(points(lambda x: square(x), inputs=[(-5, 5)]))
    def user_test(point: tuple[float]) -> None:
        assert_gradients_match(lambda x: square(x), point)

    with pytest.raises(GradientMismatchError) as caught:
        user_test()
    assert caught.value.point in ((1.0,), (-1.0,))  # 0 is the only point where x = 2x


@given(values((-2, 2), label="w"))
def test_values_are_fresh_leaves_in_the_domain(w: Value) -> None:
    assert isinstance(w, Value) and w.is_leaf and w.label == "w" and w.grad == 0.0
    assert -2 <= w.data <= 2


@given(expressions(["add", "mul", "tanh", "abs", "mod"], max_steps=6))
def test_expressions_use_only_the_chosen_ops_and_check_out(expression: Expression) -> None:
    used = {name for name, _ in expression.instructions}
    assert used <= {"add", "mul", "tanh", "abs", "mod", "total"}
    output = expression.on_values(*[Value(x) for x in expression.leaves])
    assert output.data == expression.on_floats(*expression.leaves)
    assert assert_gradients_match(expression.on_values, expression.leaves)


@given(expressions(max_steps=4))
def test_an_expression_reads_as_a_formula(expression: Expression) -> None:
    formula = str(expression)
    assert all(f"x{i}" in formula for i in expression.sinks() if i < len(expression.leaves))
    for name, _ in expression.instructions:
        assert name in formula or OPS[name].symbol in formula


def test_expressions_refuse_unknown_ops() -> None:
    with pytest.raises(ValueError, match="no_such_op"):
        expressions(["add", "no_such_op"])
    with pytest.raises(ValueError, match="max_steps"):
        expressions(max_steps=0)


def test_points_keep_away_from_poles_by_a_margin() -> None:
    (x,) = find(points(lambda x: 1.0 / x, inputs=[(0, 1)]), lambda p: True, settings=QUICK)
    assert x >= 1e-3  # 1000 steps of 1e-6 from the pole
    assert math.isfinite(1.0 / x)
