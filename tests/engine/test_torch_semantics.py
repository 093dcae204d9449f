"""PyTorch's gradient semantics in the engine: None gradients, retain_graph,
zero_grad(set_to_none), accumulation with create_graph, ``gradients()`` as
``torch.autograd.grad`` and ``item()``."""

from __future__ import annotations

import math
from typing import Any

import pytest

from tinygrad_lite import Value, gradients
from tinygrad_lite.graph import Graph
from tinygrad_lite.nn import MLP


def test_a_none_gradient_counts_as_zero_in_backward() -> None:
    """``p.grad = None`` then ``backward()`` crashed with TypeError."""
    x, w = Value(2.0), Value(-3.0)
    x.grad = None  # type: ignore[assignment]
    w.grad = None  # type: ignore[assignment]
    (x * w + x).backward()
    assert x.grad == -2.0 and w.grad == 2.0
    (x * w).backward()  # and it accumulates afterwards as usual
    assert x.grad == -5.0


@pytest.mark.parametrize("op", ["mul", "tanh", "dot", "total", "logsumexp", "pow"])
def test_none_gradients_reach_every_kernel_kind(op: str) -> None:
    from tinygrad_lite.engine import dot, logsumexp, total

    a, b = Value(0.5), Value(1.5)
    make = {
        "mul": lambda: a * b,
        "tanh": lambda: (a * 1.0).tanh() + b,
        "dot": lambda: dot([a], [b], 1.0),
        "total": lambda: total([a, b, a]),
        "logsumexp": lambda: logsumexp([a, b]),
        "pow": lambda: a**b,
    }[op]
    make().backward()
    expected = (a.grad, b.grad)
    a.grad = b.grad = None  # type: ignore[assignment]
    make().backward()
    assert (a.grad, b.grad) == expected


def test_zero_grad_set_to_none_then_backward() -> None:
    x = Value(3.0)
    y = x * x
    y.backward()
    y.zero_grad(set_to_none=True)
    assert x.grad is None and y.grad is None
    y.backward()
    assert x.grad == 6.0


def test_a_real_type_error_is_not_swallowed() -> None:
    x = Value(1.0)
    x.grad = "not a number"  # type: ignore[assignment]
    with pytest.raises(TypeError):
        (x * 2.0).backward()


@pytest.mark.parametrize("compiled", [True, False])
def test_compiled_replay_treats_none_as_zero(compiled: bool) -> None:
    x = Value(2.0)
    w = Value(5.0)
    graph = Graph(x * w, [x], compiled=compiled)
    w.grad = None  # type: ignore[assignment]
    graph.forward([3.0])
    graph.backward()
    assert w.grad == 3.0


def test_retain_graph_is_accepted_and_the_graph_can_be_walked_again() -> None:
    x = Value(2.0)
    y = x * x
    y.backward(retain_graph=True)
    y.backward(retain_graph=False)
    y.backward()
    assert x.grad == 12.0


def test_with_create_graph_gradients_always_accumulate() -> None:
    """after create_graph a plain backward replaced a Value gradient, the next added."""
    x = Value(2.0)
    (x**3).backward(create_graph=True)  # 12, a Value
    (x**3).backward()  # + 12
    (x**3).backward()  # + 12
    assert isinstance(x.grad, Value) and x.grad.data == 36.0
    (x**3).backward(create_graph=True)  # + 12 again, as a graph
    assert isinstance(x.grad, Value) and x.grad.data == 48.0


def test_gradients_returns_derivatives_and_touches_no_grad() -> None:
    x, y = Value(3.0), Value(2.0)
    x.grad, y.grad = 100.0, 200.0
    h = x * y
    f = h * h + y
    dx, dy = gradients(f, [x, y])
    assert (dx, dy) == (2 * 6.0 * 2.0, 2 * 6.0 * 3.0 + 1.0)
    assert (x.grad, y.grad, h.grad, f.grad) == (100.0, 200.0, 0.0, 0.0)
    (dh,) = gradients(f, [h])  # with respect to an intermediate node
    assert dh == 12.0


def test_gradients_with_seeds_and_several_outputs() -> None:
    x = Value(2.0)
    a, b = x * x, x * 3.0
    (d,) = gradients([a, b], [x], grad_outputs=[1.0, 10.0])
    assert d == 4.0 + 30.0
    (d,) = gradients(a, x, grad_outputs=0.5)
    assert d == 2.0


def test_a_hessian_built_by_hand_with_gradients() -> None:
    """The README's recipe: differentiate each first derivative again."""
    p = [Value(0.7), Value(-1.3)]
    f = p[0] ** 2 * p[1] + (p[0] * p[1]).sin()
    first = gradients(f, p, create_graph=True)
    hessian = [list(gradients(g, p)) for g in first]
    u, v = 0.7, -1.3
    expected = [
        [2 * v - v * v * math.sin(u * v), 2 * u + math.cos(u * v) - u * v * math.sin(u * v)],
        [2 * u + math.cos(u * v) - u * v * math.sin(u * v), -u * u * math.sin(u * v)],
    ]
    for row, want in zip(hessian, expected, strict=True):
        assert row == pytest.approx(want, rel=1e-12)
    assert p[0].grad == 0.0 and p[1].grad == 0.0


def test_gradients_refuses_unused_inputs_unless_allowed() -> None:
    x, unused = Value(1.0), Value(2.0)
    with pytest.raises(ValueError, match=r"inputs\[1\]"):
        gradients(x * x, [x, unused])
    assert gradients(x * x, [x, unused], allow_unused=True) == (2.0, None)
    assert gradients(x * x, [x, unused], materialize_grads=True) == (2.0, 0.0)


@pytest.mark.parametrize(
    ("outputs", "inputs", "seeds", "error"),
    [
        (1.0, [Value(1.0)], None, TypeError),
        ("y", [Value(1.0)], None, TypeError),
        ([], [Value(1.0)], None, ValueError),
        (Value(1.0) * 2.0, [3.0], None, TypeError),
        (Value(1.0) * 2.0, [], None, ValueError),
    ],
)
def test_gradients_bad_arguments(outputs: Any, inputs: Any, seeds: Any, error: type) -> None:
    with pytest.raises(error):
        gradients(outputs, inputs, grad_outputs=seeds)


def test_gradients_needs_one_seed_per_output() -> None:
    x = Value(1.0)
    with pytest.raises(ValueError, match="one seed per output"):
        gradients([x * 2.0, x * 3.0], [x], grad_outputs=[1.0])


def test_item_is_the_float() -> None:
    v = Value(2.5) * 2.0
    assert v.item() == 5.0 and type(v.item()) is float


def test_model_zero_grad_set_to_none_then_backward_trains() -> None:
    model = MLP(2, [3, 1], seed=0)
    for p in model.parameters():
        p.grad = None  # type: ignore[assignment]
    out: Any = model([Value(0.5), Value(-1.0)])
    out.backward()
    assert all(isinstance(p.grad, float) for p in model.parameters())
