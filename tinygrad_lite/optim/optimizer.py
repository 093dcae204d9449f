"""The ``Optimizer`` base class: parameter groups, settings checks, state; gradient clipping.

Sits on :mod:`tinygrad_lite.engine`. As the source document, *Tiny Machine
Learner* (see README, "Where this comes from"), explains, the optimizer,
not the loss, holds every weight: it reads the gradients that
``backward()`` left on them and updates their ``.data`` in place, and its
:meth:`Optimizer.zero_grad` clears them before the next backward pass.
Parameters come in groups, each with its own settings
(``[{"params": ..., "lr": ...}, ...]``, :attr:`Optimizer.param_groups`,
:meth:`Optimizer.add_param_group`); the update rules live in
:mod:`tinygrad_lite.optim.rules`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from ..engine import Value
from .checks import (
    grad,
    non_negative,
    real,
    short,
)

__all__ = ["Optimizer", "clip_grad_norm"]

_MAX_STEP = 2**53  # the largest count a float holds exactly
_SQUARES = frozenset({"exp_avg_sq", "max_exp_avg_sq", "square_avg"})  # means of g * g


class Optimizer:
    """Holds parameter groups and updates the parameters from their gradients.

    Args:
        params: The Values to optimize (e.g. ``model.parameters()``), each
            once; or a list of dicts, one per group: ``{"params": [...],
            "lr": ...}``, where a setting left out takes the default.
        defaults: Every setting's default (the subclass's arguments).

    Attributes:
        param_groups: One dict per group: ``"params"`` (a list of Values) and
            every setting. Change a setting here and the next step uses it.
        defaults: The settings a new group starts from.
        state: Per-parameter buffers (momentum, moments, step counts), keyed
            by the parameter; a parameter has none until its first update.
        steps: How many times :meth:`step` ran.

    Raises:
        ValueError: If ``params`` is empty, holds a non-Value or a Value
            twice, a group has an unknown key, or a setting is out of range
            (the message names it).
    """

    _settings: ClassVar[tuple[str, ...]] = ("lr",)

    def __init__(self, params: Iterable[Any], defaults: Mapping[str, Any]) -> None:
        self.defaults = self._check_settings(dict(defaults), "")
        self.param_groups: list[dict[str, Any]] = []
        self.state: dict[Value, dict[str, Any]] = {}
        self.steps = 0
        if isinstance(params, (Value, Mapping)) or not isinstance(params, Iterable):
            raise ValueError(
                "params must be an iterable of Values (model.parameters()) or of "
                f"parameter-group dicts, got {type(params).__name__}: {short(params)}"
            )
        given = list(params)
        if not given:
            raise ValueError("params is empty: an optimizer needs at least one Value to update")
        if all(isinstance(group, Mapping) for group in given):
            for group in given:
                self._add_group(group, named=True)
        else:
            self._add_group({"params": given}, named=False)

    # -- groups and settings ------------------------------------------------

    @classmethod
    def _check_settings(cls, settings: dict[str, Any], where: str) -> dict[str, Any]:
        """The settings with every value checked and normalized; raises ValueError naming one."""
        raise NotImplementedError(f"{cls.__name__} does not define _check_settings()")

    def add_param_group(self, param_group: Mapping[str, Any]) -> None:
        """Add a group of parameters with its own settings (the rest from ``defaults``).

        Raises:
            ValueError: If the group has no ``"params"``, an unknown key, a bad
                setting, or a parameter that another group already holds.
        """
        self._add_group(param_group, named=True)

    def _add_group(self, param_group: Mapping[str, Any], named: bool) -> None:
        where = f"param_groups[{len(self.param_groups)}]"
        if not isinstance(param_group, Mapping):
            raise ValueError(f"{where} must be a dict, got {type(param_group).__name__}")
        unknown = [key for key in param_group if key != "params" and key not in self._settings]
        if unknown:
            raise ValueError(
                f"{where} has unknown keys {unknown}; accepted: params, {', '.join(self._settings)}"
            )
        if "params" not in param_group:
            raise ValueError(f"{where} needs a 'params' entry")
        raw = param_group["params"]
        if not isinstance(raw, (Value, Iterable)) or isinstance(raw, (str, Mapping)):
            raise ValueError(f"{where} 'params' must be Values, got {short(raw)}")
        params = [raw] if isinstance(raw, Value) else list(raw)
        if not params:
            raise ValueError(f"{where} has no parameters")
        held = {id(p) for group in self.param_groups for p in group["params"]}
        seen: set[int] = set()
        for i, p in enumerate(params):
            if not isinstance(p, Value):
                raise ValueError(f"params[{i}] must be a Value, got {type(p).__name__}: {short(p)}")
            if id(p) in seen:
                raise ValueError(
                    f"params[{i}] appears twice in params ({p!r}); list each Value once"
                )
            if id(p) in held:
                raise ValueError(f"params[{i}] ({p!r}) is already in another parameter group")
            seen.add(id(p))
        settings = {**self.defaults, **{k: v for k, v in param_group.items() if k != "params"}}
        checked = self._check_settings(settings, f"{where} " if named else "")
        self.param_groups.append({"params": params, **checked})

    @property
    def params(self) -> list[Value]:
        """Every parameter of every group, in order."""
        return [p for group in self.param_groups for p in group["params"]]

    @property
    def lr(self) -> float:
        """The first group's learning rate; setting it sets every group's."""
        rate: float = self.param_groups[0]["lr"]
        return rate

    @lr.setter
    def lr(self, value: float) -> None:
        rate = non_negative("lr", value)
        for group in self.param_groups:
            group["lr"] = rate

    # -- the step -----------------------------------------------------------

    def zero_grad(self, set_to_none: bool = False) -> None:
        """Clear every parameter's gradient (call it before ``backward``).

        Args:
            set_to_none: Set ``.grad = None`` instead of ``0.0``, so that a
                parameter the next backward pass does not reach is skipped
                by :meth:`step`. torch's default is True; here it is False,
                so that a hand-written loop ``p.data -= lr * p.grad`` keeps
                working for a parameter the loss does not use.
        """
        # NOTE: Any, so this reads the same whether Value.grad admits None or not.
        grad: Any = None if set_to_none else 0.0
        for group in self.param_groups:
            for p in group["params"]:
                p.grad = grad

    def step(self) -> None:
        """Update every parameter whose ``.grad`` is not None once, group by group."""
        self.steps += 1
        for group in self.param_groups:
            self._update(group)

    def _update(self, group: dict[str, Any]) -> None:
        raise NotImplementedError(f"{type(self).__name__} does not define _update()")

    def _state_keys(self, group: Mapping[str, Any]) -> frozenset[str]:
        """The buffers a parameter of ``group`` holds once it has been updated."""
        return frozenset()

    # -- state --------------------------------------------------------------

    def state_dict(self) -> dict[str, Any]:
        """Settings, step count and per-parameter state as plain data, in torch's layout.

        ``{"type", "steps", "param_groups": [{settings..., "params": [0, 1, ...]}],
        "state": {index: {buffer: number}}}``: parameters are numbered across
        the groups in order, and ``state`` lists those with buffers.
        """
        groups = []
        index: dict[int, int] = {}
        for group in self.param_groups:
            ids = []
            for p in group["params"]:
                index[id(p)] = len(index)
                ids.append(index[id(p)])
            settings = {k: (list(v) if isinstance(v, tuple) else v) for k, v in group.items()}
            groups.append({**settings, "params": ids})
        state = {index[id(p)]: dict(buffers) for p, buffers in self.state.items() if id(p) in index}
        return {
            "type": type(self).__name__,
            "steps": self.steps,
            "param_groups": groups,
            "state": state,
        }

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Restore a :meth:`state_dict` (also after a JSON round trip).

        Everything is checked first (the type, the group count and sizes,
        every setting as the constructor checks it, every buffer), and only
        then is anything changed: a bad state leaves the optimizer as it was.
        Saved parameters map to this optimizer's by position within each group.

        Raises:
            ValueError: If the state is not a dict of the right form, is for
                another optimizer type or other parameter groups, or holds a
                bad setting or buffer (the message names it).
        """
        name = type(self).__name__
        if not isinstance(state_dict, Mapping):
            raise ValueError(
                f"load_state_dict takes a dict made by state_dict(), "
                f"got {type(state_dict).__name__}: {short(state_dict)}"
            )
        expected = {"type", "steps", "param_groups", "state"}
        if set(state_dict) != expected:
            raise ValueError(
                f"state_dict must have exactly the keys {sorted(expected)}, "
                f"got {sorted(map(str, state_dict))}"
            )
        if state_dict["type"] != name:
            raise ValueError(f"state_dict is for {short(state_dict['type'])}, not {name!r}")
        steps = state_dict["steps"]
        if type(steps) is not int or steps < 0:
            raise ValueError(f"state_dict 'steps' must be an int >= 0, got {short(steps)}")
        saved_groups = state_dict["param_groups"]
        if not isinstance(saved_groups, list) or len(saved_groups) != len(self.param_groups):
            count = len(saved_groups) if isinstance(saved_groups, list) else short(saved_groups)
            raise ValueError(
                f"state_dict 'param_groups' must list {len(self.param_groups)} groups "
                f"(this optimizer's), got {count}"
            )
        new_settings = []
        targets: dict[int, tuple[Value, dict[str, Any]]] = {}
        for i, (saved, group) in enumerate(zip(saved_groups, self.param_groups, strict=True)):
            where = f"param_groups[{i}]"
            if not isinstance(saved, Mapping) or set(saved) != {"params", *self._settings}:
                raise ValueError(
                    f"state_dict {where} must have the keys "
                    f"{['params', *self._settings]}, got {short(saved)}"
                )
            ids = saved["params"]
            if not isinstance(ids, list) or len(ids) != len(group["params"]):
                raise ValueError(
                    f"state_dict {where} must list {len(group['params'])} parameter indices "
                    f"(this optimizer's group size), got {short(ids)}"
                )
            settings = self._check_settings(
                {k: v for k, v in saved.items() if k != "params"}, f"state_dict {where} "
            )
            new_settings.append(settings)
            for index, p in zip(ids, group["params"], strict=True):
                if type(index) is not int or index in targets:
                    raise ValueError(
                        f"state_dict {where} params must be distinct ints, got {short(index)}"
                    )
                targets[index] = (p, settings)
        saved_state = state_dict["state"]
        if not isinstance(saved_state, Mapping):
            raise ValueError(f"state_dict 'state' must be a dict, got {short(saved_state)}")
        new_state: dict[Value, dict[str, Any]] = {}
        for key, buffers in saved_state.items():
            index = int(key) if type(key) is str and key.isdigit() else key
            if type(index) is not int or index not in targets:
                raise ValueError(
                    f"state_dict 'state' key {short(key)} is not a parameter index of param_groups"
                )
            p, settings = targets[index]
            new_state[p] = self._check_buffers(buffers, settings, f"state_dict state[{key!r}]")
        for group, settings in zip(self.param_groups, new_settings, strict=True):
            group.update(settings)
        self.steps = steps
        self.state = new_state

    def _check_buffers(
        self, buffers: Any, settings: Mapping[str, Any], where: str
    ) -> dict[str, Any]:
        keys = self._state_keys(settings)
        if not isinstance(buffers, Mapping) or set(buffers) != keys:
            raise ValueError(f"{where} must have the keys {sorted(keys)}, got {short(buffers)}")
        checked: dict[str, Any] = {}
        for key, value in buffers.items():
            if key == "step":
                # NOTE: bounded, so beta**step stays a float computation (10**400 would overflow).
                if type(value) is not int or not 1 <= value <= _MAX_STEP:
                    raise ValueError(
                        f"{where} 'step' must be an int in [1, 2**53], got {short(value)}"
                    )
                checked[key] = value
            else:
                number = real(f"{where} {key!r}", value)
                if key in _SQUARES and number < 0.0:
                    raise ValueError(
                        f"{where} {key!r} must be >= 0 (a running mean of squares), got {value!r}"
                    )
                checked[key] = number
        return checked

    def __repr__(self) -> str:
        groups = []
        for group in self.param_groups:
            settings = ", ".join(f"{k}={v!r}" for k, v in group.items() if k != "params")
            groups.append(f"{len(group['params'])} parameters, {settings}")
        if len(groups) == 1:
            return f"{type(self).__name__}({groups[0]})"
        return f"{type(self).__name__}(" + "; ".join(f"[{g}]" for g in groups) + ")"


def clip_grad_norm(params: Iterable[Value], max_norm: float) -> float:
    """Scale gradients to a joint L2 norm of at most ``max_norm`` (torch's ``clip_grad_norm_``).

    ``norm = sqrt(sum g_i**2)`` over the parameters whose ``.grad`` is not
    None; when ``max_norm / (norm + 1e-6) < 1`` every such gradient is
    multiplied by that factor.

    Returns:
        The norm before clipping.

    Raises:
        ValueError: If ``max_norm`` is negative.
    """
    non_negative("max_norm", max_norm)
    values = [p for p in params if p.grad is not None]
    squares = [g * g for g in map(grad, values) if g is not None]
    try:
        norm = math.sqrt(math.fsum(squares))
    except OverflowError:  # the sum passed the float range: the norm is inf (IEEE)
        norm = math.inf
    factor = max_norm / (norm + 1e-6)
    if factor < 1.0:
        for p in values:
            p.grad *= factor
    return norm
