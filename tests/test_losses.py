"""Tests for tinygrad_lite.losses: values, gradients, stability, batches, errors."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinygrad_lite.engine import Value
from tinygrad_lite.losses import (
    binary_cross_entropy_with_logits,
    cross_entropy,
    hinge,
    l2_penalty,
    log_softmax,
    mse,
    softmax,
)


def close(a: float, b: float, tol: float = 1e-12) -> bool:
    return math.isclose(a, b, rel_tol=tol, abs_tol=tol)


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


def test_mse_single_and_batch() -> None:
    p = Value(3.0)
    loss = mse(p, 1.0)
    loss.backward()
    assert loss.data == 4.0
    assert p.grad == 4.0  # 2 (p - t)
    ps = [Value(1.0), Value(2.0), Value(4.0)]
    batch = mse(ps, [0.0, 0.0, 1.0])
    batch.backward()
    assert close(batch.data, (1 + 4 + 9) / 3)
    assert [close(x.grad, g) for x, g in zip(ps, [2 / 3, 4 / 3, 6 / 3], strict=True)] == [True] * 3
    assert mse(2.0, 0.5).data == 2.25  # a plain number works too


def test_hinge_is_micrograds_margin_loss() -> None:
    s = Value(0.25)
    loss = hinge(s, -1.0)
    loss.backward()
    assert loss.data == 1.25
    assert s.grad == 1.0
    assert hinge(Value(2.0), 1.0).data == 0.0
    scores = [Value(0.5), Value(-3.0)]
    batch = hinge(scores, [1, 1])
    assert close(batch.data, (0.5 + 4.0) / 2)
    with pytest.raises(ValueError, match=r"-1 or \+1, got 0.0"):
        hinge(Value(1.0), 0.0)


@given(st.floats(-30, 30), st.floats(0.0, 1.0))
def test_bce_value_and_gradient(z: float, y: float) -> None:
    logit = Value(z)
    loss = binary_cross_entropy_with_logits(logit, y)
    loss.backward()
    p = sigmoid(z)
    expected = max(z, 0.0) - z * y + math.log1p(math.exp(-abs(z)))
    assert math.isclose(loss.data, expected, rel_tol=1e-9, abs_tol=1e-12)
    assert math.isclose(logit.grad, p - y, rel_tol=1e-9, abs_tol=1e-12)


@pytest.mark.parametrize(
    ("z", "y", "loss", "grad"),
    [
        (1000.0, 1.0, 0.0, 0.0),
        (1000.0, 0.0, 1000.0, 1.0),
        (-1000.0, 1.0, 1000.0, -1.0),
        (-1000.0, 0.0, 0.0, 0.0),
    ],
)
def test_bce_is_stable_at_1000(z: float, y: float, loss: float, grad: float) -> None:
    logit = Value(z)
    out = binary_cross_entropy_with_logits(logit, y)
    out.backward()
    assert close(out.data, loss)
    assert close(logit.grad, grad)


def test_bce_batch_and_errors() -> None:
    zs = [Value(0.0), Value(2.0)]
    out = binary_cross_entropy_with_logits(zs, [1.0, 0.0])
    expected = (math.log(2.0) + 2.0 + math.log1p(math.exp(-2.0))) / 2
    assert close(out.data, expected)
    with pytest.raises(ValueError, match=r"\[0, 1\], got 2.0"):
        binary_cross_entropy_with_logits(Value(0.0), 2.0)
    with pytest.raises(ValueError, match="2 predictions but 1 targets"):
        binary_cross_entropy_with_logits(zs, [1.0])
    with pytest.raises(ValueError, match="empty batch"):
        mse([], [])


def test_softmax_and_log_softmax() -> None:
    logits = [Value(1.0), Value(2.0), Value(3.0)]
    probs = softmax(logits)
    assert all(isinstance(p, Value) for p in probs)
    data = [p.data for p in probs]  # type: ignore[union-attr]
    assert close(math.fsum(data), 1.0)
    denominator = math.exp(1) + math.exp(2) + math.exp(3)
    assert all(close(d, math.exp(k + 1) / denominator) for k, d in enumerate(data))
    logs = log_softmax(logits)
    assert all(close(lp.data, math.log(d)) for lp, d in zip(logs, data, strict=True))  # type: ignore[union-attr]


def test_softmax_is_stable_at_1000() -> None:
    probs = softmax([1000.0, -1000.0, 1000.0])
    assert [p.data for p in probs] == [0.5, 0.0, 0.5]  # type: ignore[union-attr]
    logs = log_softmax([1000.0, -1000.0])
    assert close(logs[0].data, 0.0)  # type: ignore[union-attr]
    assert close(logs[1].data, -2000.0)  # type: ignore[union-attr]


def test_batched_softmax() -> None:
    rows = softmax([[0.0, 0.0], [0.0, math.log(3.0)]])
    assert isinstance(rows[0], list)
    assert close(rows[1][1].data, 0.75)  # type: ignore[index]
    log_rows = log_softmax([[0.0, 0.0]])
    assert close(log_rows[0][0].data, -math.log(2.0))  # type: ignore[index]


def test_cross_entropy_gradient_is_softmax_minus_one_hot() -> None:
    logits = [Value(0.5), Value(-1.0), Value(2.0)]
    loss = cross_entropy(logits, 1)
    loss.backward()
    z = [0.5, -1.0, 2.0]
    denominator = sum(math.exp(v) for v in z)
    assert close(loss.data, -(z[1] - math.log(denominator)))
    for k, logit in enumerate(logits):
        expected = math.exp(z[k]) / denominator - (1.0 if k == 1 else 0.0)
        assert close(logit.grad, expected)


def test_cross_entropy_batch_and_errors() -> None:
    batch = cross_entropy([[0.0, 0.0], [1000.0, -1000.0]], [0, 1])
    assert close(batch.data, (math.log(2.0) + 2000.0) / 2)
    with pytest.raises(ValueError, match=r"\[0, 2\), got 2"):
        cross_entropy([0.0, 1.0], 2)
    with pytest.raises(ValueError, match="target indices"):
        cross_entropy([[0.0, 1.0]], [0, 1])
    with pytest.raises(ValueError, match="at least one logit"):
        softmax([])


def test_cross_entropy_with_class_probabilities() -> None:
    logits = [Value(0.3), Value(-1.2), Value(2.0)]
    by_index = cross_entropy(logits, 2)
    one_hot = cross_entropy(logits, [0.0, 0.0, 1.0])
    assert close(one_hot.data, by_index.data)
    soft = cross_entropy([0.3, -1.2, 2.0], [0.25, 0.25, 0.5])
    log_p = [z - math.log(sum(math.exp(x) for x in (0.3, -1.2, 2.0))) for z in (0.3, -1.2, 2.0)]
    assert close(soft.data, -(0.25 * log_p[0] + 0.25 * log_p[1] + 0.5 * log_p[2]))
    with pytest.raises(ValueError, match="3 class probabilities, got 2"):
        cross_entropy([0.3, -1.2, 2.0], [0.5, 0.5])


def test_targets_may_be_value_placeholders_that_are_refilled() -> None:
    # A Value target stays in the graph, so changing its data changes the loss
    # on replay; a float target would be baked in.
    from tinygrad_lite.graph import Graph

    score = Value(0.4)
    target = Value(1.0)
    for loss in (hinge(score, target), mse(score, target)):
        graph = Graph(loss, [target])
        before = graph.forward([1.0])
        after = graph.forward([-1.0])
        assert before != after
    logit = Value(-3.0)
    label = Value(0.0)
    graph = Graph(binary_cross_entropy_with_logits(logit, label), [label])
    assert close(graph.forward([0.0]), math.log1p(math.exp(-3.0)))
    assert close(graph.forward([1.0]), math.log1p(math.exp(3.0)))


def test_bce_gradient_is_sigmoid_minus_target_everywhere() -> None:
    for z in (-1000.0, -3.0, 0.0, 2.5, 1000.0):
        for y in (0.0, 0.3, 1.0):
            logit = Value(z)
            binary_cross_entropy_with_logits(logit, y).backward()
            sigmoid = 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0
            assert close(logit.grad, sigmoid - y)


def test_l2_penalty() -> None:
    params = [Value(1.0), Value(-2.0), Value(0.5)]
    penalty = l2_penalty(params)
    penalty.backward()
    assert penalty.data == 5.25
    assert [p.grad for p in params] == [2.0, -4.0, 1.0]
    assert l2_penalty([]).data == 0.0


# -- shapes are checked -------------------------------------------


@pytest.mark.parametrize(
    ("logits", "target"),
    [
        (Value(0.3), 1),  # a one-output model's score
        (0.3, 0),
        ([Value(0.3)], 0),  # one logit
        ([[0.3], [-0.2]], [0, 0]),  # a batch of one-logit rows
        ([Value(0.3), Value(-0.2), Value(1.5)], [0, 1, 0]),  # a batch of one-output scores
    ],
    ids=["value", "number", "one-logit", "batch-of-one-logit-rows", "batch-of-scores"],
)
def test_cross_entropy_on_one_output_names_the_losses_that_fit(
    logits: object, target: object
) -> None:
    with pytest.raises(ValueError) as caught:
        cross_entropy(logits, target)  # type: ignore[arg-type]
    message = str(caught.value)
    assert "binary_cross_entropy_with_logits" in message and "hinge" in message


@pytest.mark.parametrize(
    ("target", "problem"),
    [
        ([0.5, 0.6, 0.0], "sum to 1"),
        ([0.5, 0.4, 0.0], "sum to 1"),
        ([1.5, -0.5, 0.0], "at least 0"),
        ([1.0, float("nan"), 0.0], "at least 0"),
        ([1.0, 1.0, 1.0], "sum to 1"),
    ],
)
def test_cross_entropy_probability_targets_must_be_a_distribution(
    target: list[float], problem: str
) -> None:
    with pytest.raises(ValueError, match=problem) as caught:
        cross_entropy([0.1, 0.2, 0.3], target)
    assert "binary_cross_entropy_with_logits" in str(caught.value)
    with pytest.raises(ValueError, match=problem):
        cross_entropy([[0.1, 0.2, 0.3]], [target])


def test_cross_entropy_accepts_probabilities_within_1e_9_and_placeholders() -> None:
    third = 1.0 / 3.0
    assert cross_entropy([0.1, 0.2, 0.3], [third, third, third]).data > 0.0
    cross_entropy([0.1, 0.2], [0.5 + 4e-10, 0.5])
    with pytest.raises(ValueError, match="sum to 1"):
        cross_entropy([0.1, 0.2], [0.5 + 2e-9, 0.5])
    # Value placeholders are refilled by a compiled graph: never checked
    assert cross_entropy([0.1, 0.2], [Value(0.0), Value(0.0)]).data == 0.0


MISMATCHED_BATCHES = [
    ("mse", lambda: mse([Value(1.0), Value(2.0)], [1.0])),
    ("hinge", lambda: hinge([Value(1.0)], [1.0, -1.0])),
    (
        "binary_cross_entropy_with_logits",
        lambda: binary_cross_entropy_with_logits([0.0] * 3, [1.0]),
    ),
    ("cross_entropy", lambda: cross_entropy([[0.0, 1.0], [1.0, 0.0]], [0])),
    ("cross_entropy", lambda: cross_entropy([[0.0, 1.0]], [[0.0, 1.0], [1.0, 0.0]])),
]


@pytest.mark.parametrize(("name", "call"), MISMATCHED_BATCHES)
def test_every_loss_refuses_a_mismatched_batch(name: str, call: object) -> None:
    with pytest.raises(ValueError, match=rf"{name}.*(same length|as many)"):
        call()  # type: ignore[operator]


@pytest.mark.parametrize("loss", [mse, hinge, binary_cross_entropy_with_logits])
def test_a_batch_needs_a_list_of_targets_and_one_prediction_one_target(loss: object) -> None:
    with pytest.raises(ValueError, match="list of targets"):
        loss([Value(0.5), Value(0.5)], 1.0)  # type: ignore[operator]
    with pytest.raises(ValueError, match="one target"):
        loss(Value(0.5), [1.0, 1.0])  # type: ignore[operator]
