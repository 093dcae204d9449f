"""check_op: custom and built-in ops, first and second order, forward against the float function."""

from __future__ import annotations

import math
from collections.abc import Iterator

import pytest

from tinygrad_lite import CustomOp, custom_op
from tinygrad_lite import math as tlmath
from tinygrad_lite.ops import OPS, VARIADIC, Op
from tinygrad_lite.testing import GradientMismatchError, check_op


@pytest.fixture
def scratch() -> Iterator[list[CustomOp]]:
    """Ops registered by a test, unregistered afterwards (the table is global)."""
    made: list[CustomOp] = []
    yield made
    for op in made:
        op.unregister()


def test_a_right_custom_op_passes_at_both_orders(scratch: list[CustomOp]) -> None:
    # a student's softsign: x / (1 + |x|), with its rule written in tinygrad_lite.math
    softsign = custom_op(
        "softsign_ok", lambda x: x / (1.0 + abs(x)), lambda x, out: 1.0 / (1.0 + abs(x)) ** 2
    )
    scratch.append(softsign)
    report = check_op(softsign, inputs=[(0.1, 10)], max_examples=200)
    assert report.order == 2 and report.examples == 200
    assert check_op("softsign_ok", inputs=[(-10, -0.1)], max_examples=50)  # by name too


def test_a_wrong_rule_is_caught_and_shrunk(scratch: list[CustomOp]) -> None:
    # d/dx x**3 written as 3x (the exponent forgotten): right only at 0 and 1
    cube = custom_op("cube_wrong", lambda x: x**3, lambda x, out: 3.0 * x)
    scratch.append(cube)
    with pytest.raises(GradientMismatchError) as caught:
        check_op(cube)
    (x,) = caught.value.point
    # 0 and 1 pass; hypothesis stops at the next simplest floats, 2 or 0.5 (or -1)
    assert x in (2.0, 0.5, -1.0), caught.value.point
    assert "dy/dx0" in str(caught.value) and "FAIL" in str(caught.value)


@pytest.mark.filterwarnings("ignore::tinygrad_lite.engine.checks.GradientLostWarning")
def test_a_rule_written_with_the_math_module_fails_at_second_order(
    scratch: list[CustomOp],
) -> None:
    flat = custom_op("exp_flat", lambda x: math.exp(x), lambda x, out: math.exp(x))
    scratch.append(flat)
    assert check_op(flat, inputs=[(-3, 3)], order=1, max_examples=50)
    with pytest.raises(GradientMismatchError, match=r"tinygrad_lite\.math") as caught:
        check_op(flat, inputs=[(-3, 3)])
    assert caught.value.report.kind == "gradgradcheck"
    assert caught.value.point == (0.0,)  # exp''(0) = 1, the analytic one says 0


def test_local_grads_that_differ_on_floats_and_values_are_caught(
    scratch: list[CustomOp],
) -> None:
    def two_faced(x: object, out: object) -> object:
        return 2.0 if type(x) is float else x * 0.0 + 3.0

    op = custom_op("two_faced", lambda x: 2.0 * x, two_faced)
    scratch.append(op)
    with pytest.raises(AssertionError, match=r"2\.0 on floats but 3\.0 on Values"):
        check_op(op, max_examples=20)


def test_a_three_argument_custom_op(scratch: list[CustomOp]) -> None:
    fma = custom_op(
        "fused_multiply_add", lambda a, b, c: a * b + c, lambda a, b, c, out: (b, a, 1.0)
    )
    scratch.append(fma)
    assert check_op(fma, max_examples=50).examples == 50
    wrong = custom_op("fma_wrong", lambda a, b, c: a * b + c, lambda a, b, c, out: (b, b, 1.0))
    scratch.append(wrong)
    with pytest.raises(GradientMismatchError, match="dy/dx1"):
        check_op(wrong, max_examples=50)


@pytest.mark.parametrize("name", ["tanh", "div", "mod", "hypot", "dot", "clamp", "atan2"])
def test_built_in_ops_pass_over_their_own_domains(name: str) -> None:
    report = check_op(name, max_examples=50)
    assert report.examples == 50
    assert check_op(OPS[name], order=1, max_examples=10)  # the Op itself works too


def test_a_custom_op_with_its_own_kink_needs_a_domain(scratch: list[CustomOp]) -> None:
    """A custom op is one node: its inner kink is invisible, so the domain must avoid it."""
    hinge = custom_op(
        "hinge_inside", lambda x: max(0.0, 1.0 - x), lambda x, out: -1.0 if x < 1.0 else 0.0
    )
    scratch.append(hinge)
    assert check_op(hinge, inputs=[(-5, 0.9)], max_examples=50)
    assert check_op(hinge, inputs=[(1.1, 5)], max_examples=50)
    with pytest.raises(GradientMismatchError) as caught:
        check_op(hinge, inputs=[(1, 2)], max_examples=200)  # the kink at the domain's end
    assert caught.value.point == (1.0,)


def test_unknown_names_and_wrong_types_are_refused() -> None:
    with pytest.raises(LookupError, match="no op named 'nope'"):
        check_op("nope")
    with pytest.raises(TypeError, match="op name, an Op or a custom op"):
        check_op(tlmath.exp)  # type: ignore[arg-type]
    loose_sum = Op("loose_sum", "sum", VARIADIC, math.fsum, lambda args, out: [1.0] * len(args))
    with pytest.raises(TypeError, match="inputs=n"):
        check_op(loose_sum)  # a variadic op outside the table: how many arguments?
    assert check_op(loose_sum, inputs=3, max_examples=10)
