"""n-ary nodes equal the scalar expansion to the last bit."""

from __future__ import annotations

import math
from functools import reduce
from operator import add
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import reals

from tinygrad_lite.engine import (
    Value,
    dot,
    total,
)

INF, NAN = math.inf, math.nan


# ---------------------------------------------------------------------------
# n-ary nodes equal the scalar expansion to the last bit.

small = reals(-100.0, 100.0)


@given(st.lists(small, min_size=1, max_size=12), st.data())
def test_total_equals_the_chain_of_additions_bit_for_bit(
    numbers: list[float], data: st.DataObject
) -> None:
    # operands drawn from a few leaves (so some repeat) and plain numbers
    leaves = [Value(x) for x in numbers]
    picks = data.draw(st.lists(st.integers(0, len(numbers) - 1), min_size=1, max_size=12))
    operands: list[Value | float] = [leaves[i] for i in picks] + [0.5]
    fused = total(operands)
    fused.backward()
    fused_grads = [leaf.grad for leaf in leaves]
    for leaf in leaves:
        leaf.grad = 0.0
    chained = reduce(add, operands)
    assert isinstance(chained, Value)
    chained.backward()
    assert fused.data == chained.data
    assert fused_grads == [leaf.grad for leaf in leaves]


def _dot_against_expansion(
    leaves: list[Value], weights: list[Any], inputs: list[Any], bias: Any
) -> tuple[Value, list[float], Value, list[float]]:
    fused = dot(weights, inputs, bias)
    fused.backward()
    fused_grads = [leaf.grad for leaf in leaves]
    for leaf in leaves:
        leaf.grad = 0.0
    # micrograd's Neuron: sum((w*x for w, x in zip(ws, xs)), b), a left fold from the bias
    products = [w * x for w, x in zip(weights, inputs, strict=True)]
    expanded: Value = reduce(add, products) if bias is None else reduce(add, products, bias)
    expanded.backward()
    return fused, fused_grads, expanded, [leaf.grad for leaf in leaves]


@given(st.integers(1, 8), st.data())
def test_dot_equals_the_neuron_expansion_bit_for_bit(n: int, data: st.DataObject) -> None:
    """Distinct leaves (or numbers) everywhere: data and gradients agree to the last bit."""

    def operand() -> Value | float:
        number = data.draw(small)
        return Value(number) if data.draw(st.booleans()) else number

    weights = [Value(data.draw(small)) for _ in range(n)]
    inputs = [operand() for _ in range(n)]
    bias = data.draw(st.one_of(st.none(), small, small.map(Value)))
    leaves = [x for x in [*weights, *inputs, bias] if type(x) is Value]
    fused, fused_grads, expanded, expanded_grads = _dot_against_expansion(
        leaves, weights, inputs, bias
    )
    assert fused.data == expanded.data
    assert fused_grads == expanded_grads


@given(st.lists(small, min_size=1, max_size=4), st.integers(1, 6), st.data())
def test_dot_with_shared_leaves_matches_the_expansion(
    numbers: list[float], n: int, data: st.DataObject
) -> None:
    """A leaf used several times sums its contributions in another order: ulp-close."""
    leaves = [Value(x) for x in numbers]
    index = st.integers(0, len(leaves) - 1)
    weights = [leaves[data.draw(index)] for _ in range(n)]
    inputs = [leaves[data.draw(index)] for _ in range(n)]
    bias = data.draw(st.one_of(st.none(), st.just(leaves[0])))
    fused, fused_grads, expanded, expanded_grads = _dot_against_expansion(
        leaves, weights, inputs, bias
    )
    assert fused.data == expanded.data  # the forward fold is the same
    for got, want in zip(fused_grads, expanded_grads, strict=True):
        assert math.isclose(got, want, rel_tol=1e-14, abs_tol=1e-12)


def test_total_and_dot_edge_cases() -> None:
    assert total([]).data == 0.0
    with pytest.raises(ValueError, match="as many weights as inputs"):
        dot([Value(1.0)], [])
    with pytest.raises(TypeError, match="str"):
        total([Value(1.0), "2"])  # type: ignore[list-item]
