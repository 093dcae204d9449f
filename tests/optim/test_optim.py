"""Tests for tinygrad_lite.optim: torch-rule parity to 1e-12, groups, None grads, state, errors.

torch is not a dependency: the reference sequences below are hand-computed
from the update rules in the ``torch.optim`` documentation (the algorithm
boxes of SGD, RMSprop, Adam and AdamW), written independently of the library
code. The hardening of ``load_state_dict`` (validate first, then apply) is in
``tests/optim/test_optim_state.py``.
"""

from __future__ import annotations

import inspect
import json
import math
from collections.abc import Callable

import pytest

from tinygrad_lite.engine import Value, total
from tinygrad_lite.optim import (
    SGD,
    Adam,
    AdamW,
    CosineLR,
    LinearLR,
    Momentum,
    Optimizer,
    RMSProp,
    RMSprop,
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
    lr: float,
    momentum: float = 0.0,
    nesterov: bool = False,
    weight_decay: float = 0.0,
    dampening: float = 0.0,
) -> list[list[float]]:
    theta = list(START)
    b = [0.0] * len(theta)
    out = []
    for t in range(1, STEPS + 1):
        g = gradient(theta)
        g = [gi + weight_decay * th for gi, th in zip(g, theta, strict=True)]
        if momentum != 0.0:
            if t == 1:
                b = g
            else:
                b = [momentum * bi + (1 - dampening) * gi for bi, gi in zip(b, g, strict=True)]
            g = [gi + momentum * bi for gi, bi in zip(g, b, strict=True)] if nesterov else b
        theta = [th - lr * gi for th, gi in zip(theta, g, strict=True)]
        out.append(theta)
    return out


def torch_rmsprop(
    lr: float,
    alpha: float,
    eps: float,
    weight_decay: float,
    momentum: float = 0.0,
    centered: bool = False,
) -> list[list[float]]:
    theta = list(START)
    v = [0.0] * len(theta)
    g_ave = [0.0] * len(theta)
    b = [0.0] * len(theta)
    out = []
    for _ in range(STEPS):
        g = [gi + weight_decay * th for gi, th in zip(gradient(theta), theta, strict=True)]
        v = [alpha * vi + (1 - alpha) * gi**2 for vi, gi in zip(v, g, strict=True)]
        v_tilde = v
        if centered:
            g_ave = [alpha * ai + (1 - alpha) * gi for ai, gi in zip(g_ave, g, strict=True)]
            v_tilde = [vi - ai**2 for vi, ai in zip(v, g_ave, strict=True)]
        if momentum > 0:
            b = [
                momentum * bi + gi / (math.sqrt(vi) + eps)
                for bi, gi, vi in zip(b, g, v_tilde, strict=True)
            ]
            theta = [th - lr * bi for th, bi in zip(theta, b, strict=True)]
        else:
            theta = [
                th - lr * gi / (math.sqrt(vi) + eps)
                for th, gi, vi in zip(theta, g, v_tilde, strict=True)
            ]
        out.append(theta)
    return out


def torch_adam(
    lr: float,
    beta1: float,
    beta2: float,
    eps: float,
    weight_decay: float,
    amsgrad: bool = False,
    decoupled: bool = False,
) -> list[list[float]]:
    """torch.optim.Adam (decoupled=False) and torch.optim.AdamW (decoupled=True)."""
    theta = list(START)
    m = [0.0] * len(theta)
    v = [0.0] * len(theta)
    v_max = [0.0] * len(theta)
    out = []
    for t in range(1, STEPS + 1):
        g = gradient(theta)
        if decoupled:
            theta = [th * (1 - lr * weight_decay) for th in theta]
        else:
            g = [gi + weight_decay * th for gi, th in zip(g, theta, strict=True)]
        m = [beta1 * mi + (1 - beta1) * gi for mi, gi in zip(m, g, strict=True)]
        v = [beta2 * vi + (1 - beta2) * gi**2 for vi, gi in zip(v, g, strict=True)]
        m_hat = [mi / (1 - beta1**t) for mi in m]
        if amsgrad:
            v_max = [max(a, b) for a, b in zip(v_max, v, strict=True)]
            v_hat = [vi / (1 - beta2**t) for vi in v_max]
        else:
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
    # torch's signatures: SGD with momentum, dampening and nesterov
    (
        "sgd-momentum-dampening",
        lambda p: SGD(p, lr=0.05, momentum=0.9, dampening=0.3, weight_decay=0.01),
        torch_sgd(0.05, 0.9, weight_decay=0.01, dampening=0.3),
    ),
    (
        "sgd-nesterov",
        lambda p: SGD(p, lr=0.05, momentum=0.7, nesterov=True),
        torch_sgd(0.05, 0.7, nesterov=True),
    ),
    (
        "rmsprop-momentum",
        lambda p: RMSprop(p, lr=0.01, momentum=0.9),
        torch_rmsprop(0.01, 0.99, 1e-8, 0.0, momentum=0.9),
    ),
    (
        "rmsprop-centered",
        lambda p: RMSprop(p, lr=0.01, alpha=0.9, centered=True, weight_decay=0.05),
        torch_rmsprop(0.01, 0.9, 1e-8, 0.05, centered=True),
    ),
    (
        "rmsprop-centered-momentum",
        lambda p: RMSprop(p, lr=0.005, momentum=0.5, centered=True),
        torch_rmsprop(0.005, 0.99, 1e-8, 0.0, momentum=0.5, centered=True),
    ),
    (
        "adam-amsgrad",
        lambda p: Adam(p, lr=0.1, betas=(0.5, 0.9), amsgrad=True),
        torch_adam(0.1, 0.5, 0.9, 1e-8, 0.0, amsgrad=True),
    ),
    (
        "adamw",
        lambda p: AdamW(p, lr=0.05),
        torch_adam(0.05, 0.9, 0.999, 1e-8, 1e-2, decoupled=True),
    ),
    (
        "adamw-amsgrad",
        lambda p: AdamW(p, lr=0.05, weight_decay=0.1, amsgrad=True),
        torch_adam(0.05, 0.9, 0.999, 1e-8, 0.1, amsgrad=True, decoupled=True),
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
    assert repr(Adam([Value(1.0)], lr=0.1)) == (
        "Adam(1 parameters, lr=0.1, betas=(0.9, 0.999), eps=1e-08, weight_decay=0.0, amsgrad=False)"
    )
    a, b = Value(1.0), Value(2.0)
    two = SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1)
    assert repr(two).startswith("SGD([1 parameters, lr=0.1, ")
    assert "; [1 parameters, lr=0.5, " in repr(two)


# -- torch's signatures and defaults --------------------------------------------

TORCH_DEFAULTS = {
    # from the torch.optim documentation
    SGD: {"momentum": 0, "dampening": 0, "weight_decay": 0, "nesterov": False},
    Adam: {"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0, "amsgrad": False},
    AdamW: {"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 1e-2, "amsgrad": False},
    RMSprop: {
        "lr": 1e-2,
        "alpha": 0.99,
        "eps": 1e-8,
        "weight_decay": 0,
        "momentum": 0,
        "centered": False,
    },
}


@pytest.mark.parametrize("cls", list(TORCH_DEFAULTS), ids=lambda c: c.__name__)
def test_signatures_and_defaults_are_torchs(cls: type[Optimizer]) -> None:
    parameters = inspect.signature(cls).parameters
    assert next(iter(parameters)) == "params"
    defaults = {
        name: p.default
        for name, p in parameters.items()
        if p.default is not inspect.Parameter.empty
    }
    assert defaults == TORCH_DEFAULTS[cls]
    if cls is SGD:
        assert parameters["lr"].default is inspect.Parameter.empty  # required, as asked
    assert list(parameters) == ["params", *([] if cls is not SGD else ["lr"]), *defaults]


def test_student_programs_from_the_issue() -> None:
    # SGD(params, lr=0.1, momentum=0.9) was refused; RMSProp is the package's first spelling
    p = Value(1.0)
    optimizer = SGD([p], lr=0.1, momentum=0.9)
    (p * p).backward()
    optimizer.step()
    assert p.data == pytest.approx(0.8)
    assert RMSProp is RMSprop
    assert Momentum([Value(0.0)], lr=0.1).param_groups[0]["momentum"] == 0.9


# -- parameter groups ---------------------------------------------------------------


def test_each_group_follows_its_own_settings() -> None:
    params = [Value(x) for x in START]
    optimizer = SGD(
        [{"params": params[:2]}, {"params": params[2:], "lr": 0.01, "momentum": 0.9}], lr=0.1
    )
    assert [len(g["params"]) for g in optimizer.param_groups] == [2, 2]
    assert optimizer.param_groups[0]["momentum"] == 0.0
    assert optimizer.param_groups[1]["lr"] == 0.01
    plain, heavy = torch_sgd(0.1), torch_sgd(0.01, 0.9)
    for step in range(STEPS):
        optimizer.zero_grad()
        loss_of(params).backward()
        optimizer.step()
        want = plain[step][:2] + heavy[step][2:]
        assert all(
            math.isclose(p.data, w, rel_tol=1e-12, abs_tol=1e-12)
            for p, w in zip(params, want, strict=True)
        )


def test_add_param_group_and_its_errors() -> None:
    a, b, c = Value(1.0), Value(2.0), Value(3.0)
    optimizer = Adam([a], lr=0.1)
    optimizer.add_param_group({"params": [b, c], "betas": (0.5, 0.6)})
    assert optimizer.params == [a, b, c]
    assert optimizer.param_groups[1]["betas"] == (0.5, 0.6)
    assert optimizer.param_groups[1]["lr"] == 0.1  # the constructor's lr: torch's defaults
    with pytest.raises(ValueError, match="already in another parameter group"):
        optimizer.add_param_group({"params": [a]})
    with pytest.raises(ValueError, match=r"unknown keys \['learning_rate'\]"):
        optimizer.add_param_group({"params": [Value(0.0)], "learning_rate": 0.1})
    with pytest.raises(ValueError, match=r"param_groups\[2\] lr must be >= 0, got -1"):
        optimizer.add_param_group({"params": [Value(0.0)], "lr": -1})
    with pytest.raises(ValueError, match="needs a 'params' entry"):
        optimizer.add_param_group({"lr": 0.1})
    assert len(optimizer.param_groups) == 2  # the refused groups were not added


def test_schedules_scale_every_group_from_its_own_base() -> None:
    optimizer = SGD([{"params": [Value(0.0)]}, {"params": [Value(0.0)], "lr": 2.0}], lr=1.0)
    schedule = StepLR(optimizer, step_size=1, gamma=0.5)
    schedule.step()
    assert [g["lr"] for g in optimizer.param_groups] == [0.5, 1.0]
    optimizer.lr = 0.25  # the property sets every group
    assert [g["lr"] for g in optimizer.param_groups] == [0.25, 0.25]


# -- None gradients and zero_grad(set_to_none) --------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda p: SGD(p, lr=0.1, momentum=0.9, weight_decay=0.1),
        lambda p: RMSprop(p, momentum=0.5, centered=True),
        lambda p: Adam(p, lr=0.1, amsgrad=True, weight_decay=0.1),
        lambda p: AdamW(p, lr=0.1),
    ],
    ids=["sgd", "rmsprop", "adam", "adamw"],
)
def test_a_none_grad_is_skipped_as_in_torch(make: Callable[[list[Value]], Optimizer]) -> None:
    used, unused = Value(1.0), Value(5.0)
    optimizer = make([used, unused])
    optimizer.zero_grad(set_to_none=True)
    assert used.grad is None and unused.grad is None
    used.grad = 2.0  # as a backward pass that reaches `used` only
    optimizer.step()
    assert unused.data == 5.0  # weight decay does not touch it either
    assert unused not in optimizer.state
    assert used.data != 1.0
    # a skipped parameter's own step count does not advance (bias correction)
    if "step" in optimizer.state[used]:
        assert optimizer.state[used]["step"] == 1


def test_adam_step_counts_are_per_parameter() -> None:
    # torch keeps a step per parameter: one that missed a step is corrected with its own t
    a, b = Value(1.0), Value(1.0)
    optimizer = Adam([a, b], lr=0.1)
    twin = Value(1.0)
    alone = Adam([twin], lr=0.1)
    for k in range(3):
        a.grad, b.grad = 2.0 * a.data, (None if k == 0 else 2.0 * b.data)
        twin.grad = None if k == 0 else 2.0 * twin.data
        optimizer.step()
        if k > 0:
            alone.step()
    assert b.data == twin.data  # b saw exactly the two steps `alone` took
    assert optimizer.state[a]["step"] == 3 and optimizer.state[b]["step"] == 2


def test_zero_grad_default_keeps_a_plain_loop_working() -> None:
    used, unused = Value(1.0), Value(5.0)
    optimizer = SGD([used, unused], lr=0.1)
    optimizer.zero_grad()  # default: 0.0, not None
    (used * used).backward()
    for p in (used, unused):
        p.data -= 0.1 * p.grad  # would be a TypeError on a None grad
    assert unused.data == 5.0 and used.data == pytest.approx(0.8)


def test_state_dict_survives_json() -> None:
    params = [Value(x) for x in START]
    optimizer = Adam(params, lr=0.05, amsgrad=True)
    for _ in range(3):
        optimizer.zero_grad()
        loss_of(params).backward()
        optimizer.step()
    text = json.dumps(optimizer.state_dict())
    twin_params = [Value(p.data) for p in params]
    twin = Adam(twin_params, lr=0.05, amsgrad=True)
    twin.load_state_dict(json.loads(text))  # keys are strings now, betas a list
    assert twin.param_groups[0]["betas"] == (0.9, 0.999)
    for opt, ps in ((optimizer, params), (twin, twin_params)):
        opt.zero_grad()
        loss_of(ps).backward()
        opt.step()
    assert [p.data for p in params] == [p.data for p in twin_params]


def test_clip_grad_norm_skips_none_and_overflows_to_inf() -> None:
    a, b = Value(0.0), Value(0.0)
    a.grad, b.grad = 3.0, None  # type: ignore[assignment]
    assert clip_grad_norm([a, b], max_norm=10.0) == 3.0
    a.grad, b.grad = 1e200, 1e200
    assert clip_grad_norm([a, b], max_norm=1.0) == math.inf
    assert a.grad == 0.0  # scaled by 1 / inf, as torch
