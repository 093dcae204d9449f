"""Tests for tinygrad_lite.optim: torch-rule parity to 1e-12, state, schedules, errors.

torch is not a dependency: the reference sequences below are hand-computed
from the update rules in the ``torch.optim`` documentation (the algorithm
boxes of SGD, RMSprop and Adam), written independently of the library code.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest

from tinygrad_lite.engine import Value, total
from tinygrad_lite.optim import (
    SGD,
    Adam,
    CosineLR,
    LinearLR,
    Momentum,
    Optimizer,
    RMSProp,
    StepLR,
    clip_grad_norm,
)

START = [1.5, -0.5, 2.0, -3.0]
CURVATURE = [1.0, 4.0, 0.5, 2.0]
OFFSET = [0.3, -0.2, 0.0, 1.0]
STEPS = 25


def loss_of(params: list[Value]) -> Value:
    """f(p) = sum c_i p_i^2 / 2 + d_i p_i, so grad_i = c_i p_i + d_i."""
    return total(
        [c * p * p * 0.5 + d * p for c, d, p in zip(CURVATURE, OFFSET, params, strict=True)]
    )


def gradient(p: list[float]) -> list[float]:
    return [c * x + d for c, d, x in zip(CURVATURE, OFFSET, p, strict=True)]


def run_ours(make: Callable[[list[Value]], Optimizer]) -> list[list[float]]:
    params = [Value(x) for x in START]
    optimizer = make(params)
    trajectory = []
    for _ in range(STEPS):
        optimizer.zero_grad()
        loss_of(params).backward()
        optimizer.step()
        trajectory.append([p.data for p in params])
    return trajectory


# -- the documented torch rules, on plain floats -----------------------------


def torch_sgd(
    lr: float, momentum: float = 0.0, nesterov: bool = False, weight_decay: float = 0.0
) -> list[list[float]]:
    theta = list(START)
    b = [0.0] * len(theta)
    out = []
    for t in range(1, STEPS + 1):
        g = gradient(theta)
        g = [gi + weight_decay * th for gi, th in zip(g, theta, strict=True)]
        if momentum != 0.0:
            b = g if t == 1 else [momentum * bi + gi for bi, gi in zip(b, g, strict=True)]
            g = [gi + momentum * bi for gi, bi in zip(g, b, strict=True)] if nesterov else b
        theta = [th - lr * gi for th, gi in zip(theta, g, strict=True)]
        out.append(theta)
    return out


def torch_rmsprop(lr: float, alpha: float, eps: float, weight_decay: float) -> list[list[float]]:
    theta = list(START)
    v = [0.0] * len(theta)
    out = []
    for _ in range(STEPS):
        g = [gi + weight_decay * th for gi, th in zip(gradient(theta), theta, strict=True)]
        v = [alpha * vi + (1 - alpha) * gi**2 for vi, gi in zip(v, g, strict=True)]
        theta = [
            th - lr * gi / (math.sqrt(vi) + eps) for th, gi, vi in zip(theta, g, v, strict=True)
        ]
        out.append(theta)
    return out


def torch_adam(
    lr: float, beta1: float, beta2: float, eps: float, weight_decay: float
) -> list[list[float]]:
    theta = list(START)
    m = [0.0] * len(theta)
    v = [0.0] * len(theta)
    out = []
    for t in range(1, STEPS + 1):
        g = [gi + weight_decay * th for gi, th in zip(gradient(theta), theta, strict=True)]
        m = [beta1 * mi + (1 - beta1) * gi for mi, gi in zip(m, g, strict=True)]
        v = [beta2 * vi + (1 - beta2) * gi**2 for vi, gi in zip(v, g, strict=True)]
        m_hat = [mi / (1 - beta1**t) for mi in m]
        v_hat = [vi / (1 - beta2**t) for vi in v]
        theta = [
            th - lr * mh / (math.sqrt(vh) + eps)
            for th, mh, vh in zip(theta, m_hat, v_hat, strict=True)
        ]
        out.append(theta)
    return out


PARITY_CASES: list[tuple[str, Callable[[list[Value]], Optimizer], list[list[float]]]] = [
    ("sgd", lambda p: SGD(p, lr=0.1), torch_sgd(0.1)),
    ("sgd-wd", lambda p: SGD(p, lr=0.1, weight_decay=0.05), torch_sgd(0.1, weight_decay=0.05)),
    ("momentum", lambda p: Momentum(p, lr=0.05, momentum=0.9), torch_sgd(0.05, 0.9)),
    (
        "momentum-nesterov-wd",
        lambda p: Momentum(p, lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.01),
        torch_sgd(0.05, 0.8, nesterov=True, weight_decay=0.01),
    ),
    ("rmsprop", lambda p: RMSProp(p, lr=0.01), torch_rmsprop(0.01, 0.99, 1e-8, 0.0)),
    (
        "rmsprop-wd",
        lambda p: RMSProp(p, lr=0.02, alpha=0.9, eps=1e-6, weight_decay=0.1),
        torch_rmsprop(0.02, 0.9, 1e-6, 0.1),
    ),
    ("adam", lambda p: Adam(p, lr=0.1), torch_adam(0.1, 0.9, 0.999, 1e-8, 0.0)),
    (
        "adam-wd",
        lambda p: Adam(p, lr=0.05, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.02),
        torch_adam(0.05, 0.8, 0.99, 1e-6, 0.02),
    ),
]


@pytest.mark.parametrize(
    ("make", "expected"),
    [(make, expected) for _, make, expected in PARITY_CASES],
    ids=[name for name, _, _ in PARITY_CASES],
)
def test_matches_torch_rules_for_25_steps(
    make: Callable[[list[Value]], Optimizer], expected: list[list[float]]
) -> None:
    ours = run_ours(make)
    for step, (got, want) in enumerate(zip(ours, expected, strict=True)):
        for x, y in zip(got, want, strict=True):
            assert math.isclose(x, y, rel_tol=1e-12, abs_tol=1e-12), (step, got, want)
    assert ours[-1] != [float(x) for x in START]  # it moved


# -- first steps by hand, on f(p) = p^2 (g = 2p) -------------------------------


def two_steps(optimizer_factory: Callable[[list[Value]], Optimizer]) -> list[float]:
    p = Value(1.0)
    optimizer = optimizer_factory([p])
    seen = []
    for _ in range(2):
        optimizer.zero_grad()
        (p * p).backward()
        optimizer.step()
        seen.append(p.data)
    return seen


@pytest.mark.parametrize(
    ("factory", "expected"),
    [
        # p = 1 - 0.1*2 = 0.8; p = 0.8 - 0.1*1.6 = 0.64
        (lambda p: SGD(p, lr=0.1), [0.8, 0.64]),
        # b = 2, p = 0.8; b = 0.9*2 + 1.6 = 3.4, p = 0.8 - 0.34 = 0.46
        (lambda p: Momentum(p, lr=0.1, momentum=0.9), [0.8, 0.46]),
        # b = 2, g = 2 + 1.8 = 3.8, p = 0.62; g = 1.24, b = 3.04, g = 3.976, p = 0.2224
        (lambda p: Momentum(p, lr=0.1, momentum=0.9, nesterov=True), [0.62, 0.2224]),
        # v = 0.01*4 = 0.04, p = 1 - 0.01*2/(0.2 + 1e-8)
        (lambda p: RMSProp(p, lr=0.01), [1 - 0.02 / 0.20000001, None]),
        # first Adam step is lr * g / (|g| + eps): p = 1 - 0.1*2/(2 + 1e-8)
        (lambda p: Adam(p, lr=0.1), [1 - 0.2 / (2 + 1e-8), None]),
    ],
    ids=["sgd", "momentum", "nesterov", "rmsprop", "adam"],
)
def test_first_steps_by_hand(
    factory: Callable[[list[Value]], Optimizer], expected: list[float | None]
) -> None:
    got = two_steps(factory)
    for x, y in zip(got, expected, strict=True):
        if y is not None:
            assert math.isclose(x, y, rel_tol=1e-12, abs_tol=1e-15)


def test_zero_grad_clears_parameters() -> None:
    p = Value(1.0)
    optimizer = SGD([p], lr=0.1)
    (p * 3.0).backward()
    assert p.grad == 3.0
    optimizer.zero_grad()
    assert p.grad == 0.0


@pytest.mark.parametrize(
    "make",
    [
        lambda p: Momentum(p, lr=0.05, nesterov=True),
        lambda p: RMSProp(p, lr=0.01),
        lambda p: Adam(p, lr=0.05, betas=(0.8, 0.9)),
    ],
    ids=["momentum", "rmsprop", "adam"],
)
def test_state_dict_resumes_exactly(make: Callable[[list[Value]], Optimizer]) -> None:
    params = [Value(x) for x in START]
    optimizer = make(params)

    def step(opt: Optimizer, ps: list[Value]) -> None:
        opt.zero_grad()
        loss_of(ps).backward()
        opt.step()

    for _ in range(3):
        step(optimizer, params)
    saved = optimizer.state_dict()
    twin_params = [Value(p.data) for p in params]
    twin = make(twin_params)
    twin.load_state_dict(saved)
    for _ in range(3):
        step(optimizer, params)
        step(twin, twin_params)
    # bit-identical: the same state and the same arithmetic
    assert [p.data for p in params] == [p.data for p in twin_params]


def test_load_state_dict_is_checked_before_changing_anything() -> None:
    optimizer = Adam([Value(1.0), Value(2.0)], lr=0.1)
    before = optimizer.state_dict()
    bad: dict[str, Any] = {**before, "buffers": {"first_moment": [1.0], "second_moment": [1.0]}}
    with pytest.raises(ValueError, match="one number per parameter"):
        optimizer.load_state_dict(bad)
    with pytest.raises(ValueError, match="'SGD'"):
        optimizer.load_state_dict(SGD([Value(1.0)], lr=0.1).state_dict())
    bad_lr = {**before, "hyperparameters": {**before["hyperparameters"], "lr": -1.0}}
    with pytest.raises(ValueError, match="lr"):
        optimizer.load_state_dict(bad_lr)
    assert optimizer.state_dict() == before


@pytest.mark.parametrize(
    ("build", "pattern"),
    [
        (lambda p: SGD(p, lr=-0.1), r"lr must be >= 0, got -0.1"),
        (lambda p: SGD(p, lr=math.nan), r"lr must be >= 0, got nan"),
        (lambda p: SGD(p, lr=0.1, weight_decay=-1.0), r"weight_decay must be >= 0, got -1.0"),
        (lambda p: Momentum(p, lr=0.1, momentum=-0.5), r"momentum must be >= 0, got -0.5"),
        (lambda p: Momentum(p, lr=0.1, momentum=0.0, nesterov=True), r"nesterov.*momentum"),
        (lambda p: RMSProp(p, alpha=1.0), r"alpha must be in \[0, 1\), got 1.0"),
        (lambda p: RMSProp(p, eps=0.0), r"eps must be > 0, got 0.0"),
        (lambda p: Adam(p, betas=(1.0, 0.999)), r"beta1 must be in \[0, 1\), got 1.0"),
        (lambda p: Adam(p, betas=(0.9, -0.1)), r"beta2 must be in \[0, 1\), got -0.1"),
        (lambda p: Adam(p, eps=-1e-8), r"eps must be > 0, got -1e-08"),
    ],
)
def test_bad_hyperparameters(build: Callable[[list[Value]], Optimizer], pattern: str) -> None:
    with pytest.raises(ValueError, match=pattern):
        build([Value(1.0)])


def test_bad_parameter_lists() -> None:
    p = Value(1.0)
    with pytest.raises(ValueError, match="empty"):
        Adam([])
    with pytest.raises(ValueError, match="twice"):
        SGD([p, Value(2.0), p], lr=0.1)
    with pytest.raises(ValueError, match=r"params\[1\] must be a Value, got float"):
        SGD([p, 2.0], lr=0.1)  # type: ignore[list-item]


def test_linear_schedule_is_micrograds_demo() -> None:
    optimizer = SGD([Value(0.0)], lr=1.0)
    schedule = LinearLR(optimizer, start_factor=1.0, end_factor=0.1, total_steps=100)
    assert optimizer.lr == 1.0
    for k in range(1, 120):
        lr = schedule.step()
        assert math.isclose(lr, 1.0 - 0.9 * min(k, 100) / 100, rel_tol=1e-12)
    assert optimizer.lr == lr


def test_step_and_cosine_schedules() -> None:
    optimizer = SGD([Value(0.0)], lr=0.5)
    step = StepLR(optimizer, step_size=3, gamma=0.5)
    lrs = [optimizer.lr] + [step.step() for _ in range(7)]
    assert lrs == [0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.125, 0.125]
    optimizer = SGD([Value(0.0)], lr=1.0)
    cosine = CosineLR(optimizer, total_steps=4, min_lr=0.2)
    lrs = [optimizer.lr] + [cosine.step() for _ in range(5)]
    expected = [0.2 + 0.8 * (1 + math.cos(math.pi * min(t, 4) / 4)) / 2 for t in range(6)]
    assert all(math.isclose(a, b, rel_tol=1e-12) for a, b in zip(lrs, expected, strict=True))
    assert math.isclose(lrs[-1], 0.2)
    with pytest.raises(ValueError, match="step_size must be an int >= 1, got 0"):
        StepLR(optimizer, step_size=0)
    with pytest.raises(ValueError, match="total_steps"):
        CosineLR(optimizer, total_steps=0)


def test_clip_grad_norm() -> None:
    a, b = Value(0.0), Value(0.0)
    a.grad, b.grad = 3.0, 4.0
    norm = clip_grad_norm([a, b], max_norm=1.0)
    assert norm == 5.0
    assert math.isclose(a.grad, 3.0 / (5.0 + 1e-6), rel_tol=1e-12)
    assert math.isclose(b.grad, 4.0 / (5.0 + 1e-6), rel_tol=1e-12)
    a.grad, b.grad = 0.3, 0.4
    assert math.isclose(clip_grad_norm([a, b], max_norm=1.0), 0.5)
    assert (a.grad, b.grad) == (0.3, 0.4)  # under the limit: untouched
    with pytest.raises(ValueError, match="max_norm must be >= 0, got -1"):
        clip_grad_norm([a], max_norm=-1)


def test_repr() -> None:
    assert repr(SGD([Value(1.0)], lr=0.1)) == "SGD(1 parameters, lr=0.1, weight_decay=0.0)"
