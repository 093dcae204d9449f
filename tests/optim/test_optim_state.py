"""Optimizer.load_state_dict on bad input: validate first, then apply.

Each reproducer from the issue is a test; then a fault-injection probe
mutates valid states (deterministically, from fixed seeds) and checks the
promise for every mutation: the load either works or raises ``ValueError``
and leaves the optimizer exactly as it was. The short probe runs in
``make test``; the long one is marked ``fuzz`` (``make fuzz``).
"""

from __future__ import annotations

import copy
import json
import math
import random
from collections.abc import Callable
from typing import Any

import pytest

from tinygrad_lite.engine import Value
from tinygrad_lite.optim import SGD, Adam, AdamW, Momentum, Optimizer, RMSprop


def trained(make: Callable[[list[Value]], Optimizer], n: int = 3) -> Optimizer:
    """An optimizer over ``n`` parameters after two steps on ``sum(p^2)``."""
    params = [Value(0.5 + i) for i in range(n)]
    optimizer = make(params)
    for _ in range(2):
        for p in params:
            p.grad = 2.0 * p.data
        optimizer.step()
    return optimizer


def snapshot(optimizer: Optimizer) -> str:
    """Everything an optimizer holds, as comparable text (nan-safe)."""
    weights = [p.data for p in optimizer.params]
    return json.dumps([optimizer.state_dict(), weights], sort_keys=True, default=str)


def refused(optimizer: Optimizer, state: Any, match: str) -> None:
    before = snapshot(optimizer)
    with pytest.raises(ValueError, match=match):
        optimizer.load_state_dict(state)
    assert snapshot(optimizer) == before


def test_a_huge_moment_changes_nothing() -> None:
    # the issue: first_moment[0] = 10**400 raised OverflowError after steps and lr changed
    optimizer = trained(lambda p: Adam(p, lr=0.1))
    state = optimizer.state_dict()
    state["steps"] = 99
    state["param_groups"][0]["lr"] = 0.5
    state["state"][0]["exp_avg"] = 10**400
    refused(optimizer, state, r"state\[0\] 'exp_avg' is a number beyond the float range")
    assert optimizer.steps == 2 and optimizer.lr == 0.1


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda s: s["param_groups"][0].update(lr="abc"), "lr must be a number, got str: 'abc'"),
        (lambda s: s["param_groups"][0].update(lr=None), "lr must be a number, got NoneType"),
        (lambda s: s["param_groups"][0].update(betas=5), r"betas must be a pair .*got 5"),
        (lambda s: s["param_groups"][0].update(amsgrad="false"), "amsgrad must be True or False"),
        (lambda s: s.update(state=None), "'state' must be a dict, got None"),
        (lambda s: s.update(state=[1.0, 2.0]), r"'state' must be a dict, got \[1.0, 2.0\]"),
        (lambda s: s.update(steps=-1), "'steps' must be an int >= 0"),
        (lambda s: s["state"][0].pop("exp_avg_sq"), r"state\[0\] must have the keys"),
        (lambda s: s["state"][0].update(step=0), r"'step' must be an int in \[1, 2\*\*53\]"),
        (lambda s: s["state"].update({7: s["state"][0]}), "7 is not a parameter index"),
        (lambda s: s["param_groups"][0].update(params=[0, 0, 1]), "distinct ints"),
        (lambda s: s["state"][0].update(exp_avg_sq=-1), "'exp_avg_sq' must be >= 0"),
    ],
    ids=[
        "lr-abc",
        "lr-none",
        "betas-5",
        "amsgrad-string",
        "state-none",
        "state-list",
        "steps-negative",
        "buffer-missing",
        "step-zero",
        "unknown-index",
        "repeated-index",
        "negative-square",
    ],
)
def test_bad_adam_states_are_refused(change: Callable[[dict[str, Any]], None], match: str) -> None:
    optimizer = trained(lambda p: Adam(p, lr=0.1))
    state = optimizer.state_dict()
    change(state)
    refused(optimizer, state, match)


def test_a_hand_edited_negative_moment_steps_to_nan_not_an_exception() -> None:
    # found by the long probe: math.sqrt of a negative second moment raised ValueError
    optimizer = trained(lambda p: Adam(p, lr=0.1))
    first = optimizer.params[0]
    optimizer.state[first]["exp_avg_sq"] = -1.0
    first.grad = 1.0
    optimizer.step()
    assert math.isnan(first.data)


def test_not_a_dict_is_refused() -> None:
    optimizer = trained(lambda p: SGD(p, lr=0.1))
    refused(optimizer, None, "takes a dict made by state_dict")
    refused(optimizer, [1, 2], "takes a dict made by state_dict")


def test_nesterov_as_a_string_is_refused() -> None:
    # the issue: "false" was stored and counted as true
    optimizer = trained(lambda p: SGD(p, lr=0.1, momentum=0.9))
    state = optimizer.state_dict()
    state["param_groups"][0]["nesterov"] = "false"
    refused(optimizer, state, "nesterov must be True or False, got 'false'")


def test_a_state_for_another_parameter_count_is_refused() -> None:
    # the issue: plain SGD has no buffers, so nothing noticed 2 parameters against 3
    small = trained(lambda p: SGD(p, lr=0.1), n=2)
    big = trained(lambda p: SGD(p, lr=0.1), n=3)
    refused(big, small.state_dict(), "must list 3 parameter indices")
    two_groups = SGD([{"params": [Value(1.0)]}, {"params": [Value(2.0)]}], lr=0.1)
    refused(big, two_groups.state_dict(), "must list 1 groups")


def test_another_type_is_refused() -> None:
    refused(trained(lambda p: Adam(p)), trained(lambda p: AdamW(p)).state_dict(), "'AdamW'")


def test_a_good_state_still_loads() -> None:
    source = trained(lambda p: RMSprop(p, momentum=0.9, centered=True))
    target = trained(lambda p: RMSprop(p, lr=0.5, momentum=0.9, centered=True))
    target.load_state_dict(json.loads(json.dumps(source.state_dict())))
    assert target.state_dict() == source.state_dict()


# -- the fault-injection probe -------------------------------------------------------

HOSTILE: list[Any] = [
    None,
    "abc",
    "false",
    True,
    10**400,
    -1,
    0,
    1.5,
    math.nan,
    math.inf,
    [],
    {},
    [1, 2],
    {"a": 1},
    2**80,
]

FACTORIES: list[Callable[[list[Value]], Optimizer]] = [
    lambda p: SGD(p, lr=0.1),
    lambda p: Momentum(p, lr=0.1, nesterov=True),
    lambda p: RMSprop(p, momentum=0.5, centered=True),
    lambda p: Adam(p, lr=0.1, amsgrad=True),
    lambda p: AdamW([{"params": p[:1]}, {"params": p[1:], "lr": 0.5}]),
]


def _paths(tree: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(tree, dict):
        for key, value in tree.items():
            found.extend(_paths(value, (*path, key)))
    elif isinstance(tree, list):
        for i, value in enumerate(tree):
            found.extend(_paths(value, (*path, i)))
    return found


def _mutate(state: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    mutated = copy.deepcopy(state)
    path = rng.choice(_paths(mutated)[1:])
    parent = mutated
    for key in path[:-1]:
        parent = parent[key]
    action = rng.random()
    if action < 0.15 and isinstance(parent, dict):
        del parent[path[-1]]
    elif action < 0.25 and isinstance(parent, dict):
        parent[rng.choice(["extra", 99, "lr"])] = rng.choice(HOSTILE)
    else:
        parent[path[-1]] = copy.deepcopy(rng.choice(HOSTILE))
    return mutated


def probe_load_state_dict(tries: int, seed: int) -> tuple[int, list[str]]:
    """Load ``tries`` mutated states; returns (tries, the broken promises)."""
    rng = random.Random(seed)
    broken: list[str] = []
    for k in range(tries):
        make = FACTORIES[k % len(FACTORIES)]
        optimizer = trained(make)
        state = _mutate(trained(make).state_dict(), rng)
        before = snapshot(optimizer)
        try:
            optimizer.load_state_dict(state)
        except ValueError:
            if snapshot(optimizer) != before:
                broken.append(f"try {k}: a refused state changed the optimizer")
            continue
        except Exception as error:  # the promise: ValueError or success
            broken.append(f"try {k}: {type(error).__name__}: {error}")
            continue
        try:  # an accepted state must give a working optimizer
            for p in optimizer.params:
                p.grad = 1.0
            optimizer.step()
            json.dumps(optimizer.state_dict())
        except Exception as error:
            broken.append(f"try {k}: accepted, then {type(error).__name__}: {error}")
    return tries, broken


def test_probe_load_state_dict() -> None:
    tried, broken = probe_load_state_dict(300, seed=18)
    print(f"load_state_dict probe: {tried} tried, {len(broken)} broke a promise")
    assert not broken, broken[:5]


@pytest.mark.fuzz
def test_probe_load_state_dict_long() -> None:
    tried, broken = probe_load_state_dict(5000, seed=1804)
    print(f"load_state_dict probe (long): {tried} tried, {len(broken)} broke a promise")
    assert not broken, broken[:5]
