"""The op table, op by op: forward against ``math`` and HIPS autograd, derivatives
against central differences and autograd, first and second order."""

from __future__ import annotations

import math

import autograd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import OP_INPUTS, apply_autograd, apply_float, apply_math, apply_value

from tinygrad_lite.engine import Value
from tinygrad_lite.numeric import central_difference
from tinygrad_lite.ops import BINARY, OPS, UNARY, VARIADIC, Op
from tinygrad_lite.testing import check_op

EPS, ATOL, RTOL = 1e-6, 1e-5, 1e-3
ALL_OPS = sorted(OPS)


def close(a: float, b: float, rel: float = 1e-9, abs_tol: float = 1e-12) -> bool:
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_tol)


def test_every_op_has_a_strategy_and_a_known_arity() -> None:
    assert set(OP_INPUTS) == set(OPS)
    for op in OPS.values():
        assert isinstance(op, Op)
        assert op.arity in (UNARY, BINARY, VARIADIC)
        assert op.name and op.symbol


@pytest.mark.parametrize("name", ALL_OPS)
def test_op_table_entries_pickle_as_singletons(name: str) -> None:
    import copy
    import pickle

    assert pickle.loads(pickle.dumps(OPS[name])) is OPS[name]
    assert copy.deepcopy(OPS[name]) is OPS[name]


@pytest.mark.parametrize("name", ALL_OPS)
@given(data=st.data())
def test_forward_matches_math(name: str, data: st.DataObject) -> None:
    args = data.draw(OP_INPUTS[name])
    expected = apply_math(name, args)
    assert close(apply_float(name, args), expected)
    assert close(apply_value(name, [Value(x) for x in args]).data, expected)


@pytest.mark.parametrize("name", ALL_OPS)
@given(data=st.data())
def test_forward_matches_autograd(name: str, data: st.DataObject) -> None:
    args = data.draw(OP_INPUTS[name])
    assert close(apply_float(name, args), float(apply_autograd(name, args)))


@pytest.mark.parametrize("name", ALL_OPS)
@given(data=st.data())
def test_gradient_matches_central_difference(name: str, data: st.DataObject) -> None:
    """Each partial derivative from backward against ``central_difference`` (eps 1e-6)."""
    args = data.draw(OP_INPUTS[name])
    leaves = [Value(x) for x in args]
    apply_value(name, leaves).backward()
    for i, leaf in enumerate(leaves):

        def along_i(t: float, i: int = i) -> float:
            return apply_float(name, [t if k == i else x for k, x in enumerate(args)])

        numeric = central_difference(along_i, args[i], h=EPS)
        assert abs(leaf.grad - numeric) <= ATOL + RTOL * abs(numeric), (i, leaf.grad, numeric)


@pytest.mark.parametrize("name", ALL_OPS)
@given(data=st.data())
def test_gradient_matches_autograd(name: str, data: st.DataObject) -> None:
    args = data.draw(OP_INPUTS[name])
    leaves = [Value(x) for x in args]
    apply_value(name, leaves).backward()
    expected = autograd.grad(lambda *xs: apply_autograd(name, xs), list(range(len(args))))(*args)
    for leaf, want in zip(leaves, expected, strict=True):
        assert close(leaf.grad, float(want), abs_tol=1e-10), (leaf.grad, want)


@pytest.mark.parametrize("name", ALL_OPS)
def test_check_op_passes_on_every_op(name: str) -> None:
    """``tinygrad_lite.testing.check_op`` over the op's smooth domain, as a user runs it.

    At each of the profile's ``max_examples`` points: a node's data is the
    op's forward to the last bit, the local derivatives give the same numbers
    on floats and on Values, and gradcheck and gradgradcheck pass with torch's
    tolerances. The domains keep clear of kinks and poles, so hardly a point
    is rejected.
    """
    report = check_op(name, inputs=OP_INPUTS[name], eps=EPS, atol=ATOL, rtol=RTOL)
    assert report.order == 2 and report.examples >= settings().max_examples
    assert report.rejected <= report.examples // 20, str(report)


@pytest.mark.filterwarnings("ignore:Output seems independent of input")
@pytest.mark.parametrize("name", [n for n in ALL_OPS if OPS[n].arity == UNARY])
@given(data=st.data())
def test_second_derivative_matches_autograd(name: str, data: st.DataObject) -> None:
    (x,) = data.draw(OP_INPUTS[name])
    leaf = Value(x)
    apply_value(name, [leaf]).backward(create_graph=True)
    first = leaf.grad
    expected = autograd.grad(autograd.grad(lambda t: apply_autograd(name, [t])))(x)
    if type(first) is not Value:  # a constant first derivative (neg, abs, relu)
        assert close(0.0, float(expected), abs_tol=1e-10)
        return
    leaf.grad = 0.0
    first.backward()
    assert close(leaf.grad, float(expected), abs_tol=1e-10), (leaf.grad, expected)


@pytest.mark.parametrize("name", [n for n in ALL_OPS if OPS[n].arity == BINARY])
@pytest.mark.parametrize("side", ["left", "right"])
@given(data=st.data())
def test_binary_ops_with_a_number_on_either_side(name: str, side: str, data: st.DataObject) -> None:
    """``2 * x`` and ``x * 2`` store the number as an operand; their gradients match."""
    a, b = data.draw(OP_INPUTS[name])
    leaf = Value(a if side == "left" else b)
    args: list[object] = [leaf, b] if side == "left" else [a, leaf]
    out = apply_value(name, args)
    assert out.data == apply_float(name, [a, b])
    assert len(out.parents) == 1 and out.parents[0] is leaf
    out.backward()
    both = [Value(a), Value(b)]
    apply_value(name, both).backward()
    assert leaf.grad == both[0 if side == "left" else 1].grad
