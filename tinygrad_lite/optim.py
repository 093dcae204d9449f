"""Optimizers, learning-rate schedules and gradient clipping, with PyTorch's signatures.

Sits on :mod:`tinygrad_lite.engine`, beside :mod:`tinygrad_lite.nn`. As the
seed explains, the optimizer, not the loss, holds every weight: it reads the
gradients that ``backward()`` left on them and updates their ``.data`` in
place, and its :meth:`Optimizer.zero_grad` clears them before the next
backward pass.

The classes take ``torch.optim``'s arguments and defaults: :class:`SGD`
(with momentum, dampening, Nesterov), :class:`Adam` (with AMSGrad),
:class:`AdamW`, :class:`RMSprop` (centered, with momentum; ``RMSProp`` is the
seed's name for it) and the seed's :class:`Momentum` (SGD whose momentum
defaults to 0.9). Parameters may come in groups, each with its own settings
(``[{"params": ..., "lr": ...}, ...]``, :attr:`Optimizer.param_groups`,
:meth:`Optimizer.add_param_group`). A parameter whose ``.grad`` is None is
skipped, as in torch: its weights and its state stay as they were.

Each ``step`` follows the matching ``torch.optim`` algorithm step for step
(the update rules are in each class's docstring); ``g`` below is a
parameter's ``.grad``, ``p`` its ``.data``, ``t`` the number of steps that
parameter has taken, from 1.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from .engine import Value
from .ops import OPS

__all__ = [
    "SGD",
    "Adam",
    "AdamW",
    "CosineLR",
    "LRSchedule",
    "LinearLR",
    "Momentum",
    "Optimizer",
    "RMSProp",
    "RMSprop",
    "StepLR",
    "clip_grad_norm",
]

_MAX_STEP = 2**53  # the largest count a float holds exactly
_sqrt = OPS["sqrt"].forward  # IEEE: nan for a negative argument, never an exception


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _real(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a number, got {type(value).__name__}: {_short(value)}")
    try:
        return float(value)
    except OverflowError:
        raise ValueError(f"{name} is a number beyond the float range") from None


def _check(name: str, value: Any, ok: Any, accepted: str) -> float:
    number = _real(name, value)
    if not ok(number):
        raise ValueError(f"{name} must be {accepted}, got {value!r}")
    return number


def _non_negative(name: str, value: Any) -> float:
    # NOTE: written "not >= 0" so nan is rejected too.
    return _check(name, value, lambda x: x >= 0.0, ">= 0")


def _unit_interval(name: str, value: Any) -> float:
    return _check(name, value, lambda x: 0.0 <= x < 1.0, "in [0, 1)")


def _fraction(name: str, value: Any) -> float:
    return _check(name, value, lambda x: 0.0 <= x <= 1.0, "in [0, 1]")


def _positive(name: str, value: Any) -> float:
    return _check(name, value, lambda x: x > 0.0, "> 0")


def _flag(name: str, value: Any) -> bool:
    if type(value) is not bool:
        raise ValueError(f"{name} must be True or False, got {_short(value)}")
    return value


def _pair(name: str, value: Any) -> tuple[Any, Any]:
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise ValueError(f"{name} must be a pair (beta1, beta2), got {_short(value)}")
    return value[0], value[1]


def _grad(p: Value) -> float | None:
    """``p.grad`` as a float, or None when it is None (the parameter is skipped)."""
    g = p.grad
    if g is None or type(g) is float:
        return g
    return float(g)  # an int, or a Value left by backward(create_graph=True)


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
                f"parameter-group dicts, got {type(params).__name__}: {_short(params)}"
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
            raise ValueError(f"{where} 'params' must be Values, got {_short(raw)}")
        params = [raw] if isinstance(raw, Value) else list(raw)
        if not params:
            raise ValueError(f"{where} has no parameters")
        held = {id(p) for group in self.param_groups for p in group["params"]}
        seen: set[int] = set()
        for i, p in enumerate(params):
            if not isinstance(p, Value):
                raise ValueError(
                    f"params[{i}] must be a Value, got {type(p).__name__}: {_short(p)}"
                )
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
        rate = _non_negative("lr", value)
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
                f"got {type(state_dict).__name__}: {_short(state_dict)}"
            )
        expected = {"type", "steps", "param_groups", "state"}
        if set(state_dict) != expected:
            raise ValueError(
                f"state_dict must have exactly the keys {sorted(expected)}, "
                f"got {sorted(map(str, state_dict))}"
            )
        if state_dict["type"] != name:
            raise ValueError(f"state_dict is for {_short(state_dict['type'])}, not {name!r}")
        steps = state_dict["steps"]
        if type(steps) is not int or steps < 0:
            raise ValueError(f"state_dict 'steps' must be an int >= 0, got {_short(steps)}")
        saved_groups = state_dict["param_groups"]
        if not isinstance(saved_groups, list) or len(saved_groups) != len(self.param_groups):
            count = len(saved_groups) if isinstance(saved_groups, list) else _short(saved_groups)
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
                    f"{['params', *self._settings]}, got {_short(saved)}"
                )
            ids = saved["params"]
            if not isinstance(ids, list) or len(ids) != len(group["params"]):
                raise ValueError(
                    f"state_dict {where} must list {len(group['params'])} parameter indices "
                    f"(this optimizer's group size), got {_short(ids)}"
                )
            settings = self._check_settings(
                {k: v for k, v in saved.items() if k != "params"}, f"state_dict {where} "
            )
            new_settings.append(settings)
            for index, p in zip(ids, group["params"], strict=True):
                if type(index) is not int or index in targets:
                    raise ValueError(
                        f"state_dict {where} params must be distinct ints, got {_short(index)}"
                    )
                targets[index] = (p, settings)
        saved_state = state_dict["state"]
        if not isinstance(saved_state, Mapping):
            raise ValueError(f"state_dict 'state' must be a dict, got {_short(saved_state)}")
        new_state: dict[Value, dict[str, Any]] = {}
        for key, buffers in saved_state.items():
            index = int(key) if type(key) is str and key.isdigit() else key
            if type(index) is not int or index not in targets:
                raise ValueError(
                    f"state_dict 'state' key {_short(key)} is not a parameter index of param_groups"
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
            raise ValueError(f"{where} must have the keys {sorted(keys)}, got {_short(buffers)}")
        checked: dict[str, Any] = {}
        for key, value in buffers.items():
            if key == "step":
                # NOTE: bounded, so beta**step stays a float computation (10**400 would overflow).
                if type(value) is not int or not 1 <= value <= _MAX_STEP:
                    raise ValueError(
                        f"{where} 'step' must be an int in [1, 2**53], got {_short(value)}"
                    )
                checked[key] = value
            else:
                checked[key] = _real(f"{where} {key!r}", value)
        return checked

    def __repr__(self) -> str:
        groups = []
        for group in self.param_groups:
            settings = ", ".join(f"{k}={v!r}" for k, v in group.items() if k != "params")
            groups.append(f"{len(group['params'])} parameters, {settings}")
        if len(groups) == 1:
            return f"{type(self).__name__}({groups[0]})"
        return f"{type(self).__name__}(" + "; ".join(f"[{g}]" for g in groups) + ")"


class SGD(Optimizer):
    """Stochastic gradient descent, ``torch.optim.SGD``.

    Update rule, per parameter, with the momentum buffer ``b``::

        g = g + weight_decay * p
        if momentum != 0:
            b = g                                        on the parameter's first step
            b = momentum * b + (1 - dampening) * g       afterwards
            g = g + momentum * b    if nesterov, else    g = b
        p = p - lr * g

    Args:
        params: The Values to optimize, or parameter groups.
        lr: Learning rate, >= 0 (required, as in torch 1.x).
        momentum: The momentum factor, >= 0.
        dampening: Dampening of the gradient in the buffer, in [0, 1].
        weight_decay: L2 penalty factor, >= 0.
        nesterov: Nesterov momentum (needs momentum > 0 and dampening 0).
    """

    _settings = ("lr", "momentum", "dampening", "weight_decay", "nesterov")

    def __init__(
        self,
        params: Iterable[Any],
        lr: float,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
    ) -> None:
        super().__init__(
            params,
            {
                "lr": lr,
                "momentum": momentum,
                "dampening": dampening,
                "weight_decay": weight_decay,
                "nesterov": nesterov,
            },
        )

    @classmethod
    def _check_settings(cls, settings: dict[str, Any], where: str) -> dict[str, Any]:
        checked = {
            "lr": _non_negative(f"{where}lr", settings["lr"]),
            "momentum": _non_negative(f"{where}momentum", settings["momentum"]),
            "dampening": _fraction(f"{where}dampening", settings["dampening"]),
            "weight_decay": _non_negative(f"{where}weight_decay", settings["weight_decay"]),
            "nesterov": _flag(f"{where}nesterov", settings["nesterov"]),
        }
        if checked["nesterov"] and (checked["momentum"] == 0.0 or checked["dampening"] != 0.0):
            raise ValueError(
                f"{where}nesterov needs momentum > 0 and dampening 0, got "
                f"momentum={settings['momentum']!r}, dampening={settings['dampening']!r}"
            )
        return checked

    def _state_keys(self, group: Mapping[str, Any]) -> frozenset[str]:
        return frozenset({"momentum_buffer"}) if group["momentum"] else frozenset()

    def _update(self, group: dict[str, Any]) -> None:
        lr, mu, decay = group["lr"], group["momentum"], group["weight_decay"]
        keep, nesterov = 1.0 - group["dampening"], group["nesterov"]
        state = self.state
        for p in group["params"]:
            g = p.grad
            if g is None:
                continue
            if type(g) is not float:
                g = float(g)  # an int, or a Value left by backward(create_graph=True)
            if decay:
                g = g + decay * p.data
            if mu:
                buffers = state.get(p)
                if buffers is None:
                    b = g  # NOTE: the first buffer is the gradient itself, undamped
                    state[p] = {"momentum_buffer": b}
                else:
                    b = mu * buffers["momentum_buffer"] + keep * g
                    buffers["momentum_buffer"] = b
                g = g + mu * b if nesterov else b
            p.data -= lr * g


class Momentum(SGD):
    """The seed's momentum optimizer: :class:`SGD` whose ``momentum`` defaults to 0.9.

    ``Momentum(params, lr)`` is ``SGD(params, lr, momentum=0.9)``; the update
    rule is :class:`SGD`'s.

    Args:
        params: The Values to optimize, or parameter groups.
        lr: Learning rate, >= 0.
        momentum: The momentum factor, >= 0 (> 0 for nesterov).
        nesterov: Use Nesterov's look-ahead form.
        weight_decay: L2 penalty factor, >= 0.
        dampening: As for :class:`SGD`.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float,
        momentum: float = 0.9,
        nesterov: bool = False,
        weight_decay: float = 0.0,
        dampening: float = 0.0,
    ) -> None:
        super().__init__(params, lr, momentum, dampening, weight_decay, nesterov)


class RMSprop(Optimizer):
    """RMS gradient descent, ``torch.optim.RMSprop``.

    Update rule, per parameter, with the running averages ``v`` and ``a`` and
    the momentum buffer ``b`` (all 0 at first)::

        g = g + weight_decay * p
        v = alpha * v + (1 - alpha) * g * g
        if centered: a = alpha * a + (1 - alpha) * g;   d = sqrt(v - a * a) + eps
        else:                                           d = sqrt(v) + eps
        if momentum > 0: b = momentum * b + g / d;      p = p - lr * b
        else:                                           p = p - lr * g / d

    Args:
        params: The Values to optimize, or parameter groups.
        lr: Learning rate, >= 0.
        alpha: Smoothing constant, in [0, 1).
        eps: Added to the denominator, > 0.
        weight_decay: L2 penalty factor, >= 0.
        momentum: The momentum factor, >= 0.
        centered: Divide by the estimated standard deviation of the gradient
            instead of its root mean square.
    """

    _settings = ("lr", "alpha", "eps", "weight_decay", "momentum", "centered")

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
    ) -> None:
        super().__init__(
            params,
            {
                "lr": lr,
                "alpha": alpha,
                "eps": eps,
                "weight_decay": weight_decay,
                "momentum": momentum,
                "centered": centered,
            },
        )

    @classmethod
    def _check_settings(cls, settings: dict[str, Any], where: str) -> dict[str, Any]:
        return {
            "lr": _non_negative(f"{where}lr", settings["lr"]),
            "alpha": _unit_interval(f"{where}alpha", settings["alpha"]),
            "eps": _positive(f"{where}eps", settings["eps"]),
            "weight_decay": _non_negative(f"{where}weight_decay", settings["weight_decay"]),
            "momentum": _non_negative(f"{where}momentum", settings["momentum"]),
            "centered": _flag(f"{where}centered", settings["centered"]),
        }

    def _state_keys(self, group: Mapping[str, Any]) -> frozenset[str]:
        keys = {"step", "square_avg"}
        if group["momentum"]:
            keys.add("momentum_buffer")
        if group["centered"]:
            keys.add("grad_avg")
        return frozenset(keys)

    def _update(self, group: dict[str, Any]) -> None:
        lr, alpha, eps = group["lr"], group["alpha"], group["eps"]
        decay, mu, centered = group["weight_decay"], group["momentum"], group["centered"]
        state = self.state
        for p in group["params"]:
            g = _grad(p)
            if g is None:
                continue
            if decay:
                g = g + decay * p.data
            buffers = state.get(p)
            if buffers is None:
                buffers = state[p] = dict.fromkeys(sorted(self._state_keys(group)), 0.0)
                buffers["step"] = 0
            buffers["step"] += 1
            v = alpha * buffers["square_avg"] + (1.0 - alpha) * g * g
            buffers["square_avg"] = v
            if centered:
                a = alpha * buffers["grad_avg"] + (1.0 - alpha) * g
                buffers["grad_avg"] = a
                denominator = _sqrt(v - a * a) + eps
            else:
                denominator = _sqrt(v) + eps
            if mu:
                b = mu * buffers["momentum_buffer"] + g / denominator
                buffers["momentum_buffer"] = b
                p.data -= lr * b
            else:
                p.data -= lr * g / denominator


RMSProp = RMSprop
"""The seed's name for :class:`RMSprop`."""


class Adam(Optimizer):
    """Adam with bias correction, ``torch.optim.Adam`` (L2 ``weight_decay``; see :class:`AdamW`).

    Update rule, per parameter, with moments ``m``, ``v`` and ``v_max`` (0 at first)::

        g = g + weight_decay * p
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        if amsgrad: v_max = max(v_max, v);  s = v_max    else: s = v
        p = p - (lr / (1 - beta1**t)) * m / (sqrt(s) / sqrt(1 - beta2**t) + eps)

    which is ``p - lr * m_hat / (sqrt(s_hat) + eps)`` with the bias-corrected
    ``m_hat = m / (1 - beta1**t)`` and ``s_hat = s / (1 - beta2**t)``.

    Args:
        params: The Values to optimize, or parameter groups.
        lr: Learning rate, >= 0.
        betas: ``(beta1, beta2)``, each in [0, 1).
        eps: Added to the denominator, > 0.
        weight_decay: L2 penalty factor, >= 0.
        amsgrad: Use the running maximum of ``v`` (AMSGrad).
    """

    _settings = ("lr", "betas", "eps", "weight_decay", "amsgrad")
    _decoupled = False

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
    ) -> None:
        super().__init__(
            params,
            {
                "lr": lr,
                "betas": betas,
                "eps": eps,
                "weight_decay": weight_decay,
                "amsgrad": amsgrad,
            },
        )

    @classmethod
    def _check_settings(cls, settings: dict[str, Any], where: str) -> dict[str, Any]:
        beta1, beta2 = _pair(f"{where}betas", settings["betas"])
        return {
            "lr": _non_negative(f"{where}lr", settings["lr"]),
            "betas": (
                _unit_interval(f"{where}beta1", beta1),
                _unit_interval(f"{where}beta2", beta2),
            ),
            "eps": _positive(f"{where}eps", settings["eps"]),
            "weight_decay": _non_negative(f"{where}weight_decay", settings["weight_decay"]),
            "amsgrad": _flag(f"{where}amsgrad", settings["amsgrad"]),
        }

    def _state_keys(self, group: Mapping[str, Any]) -> frozenset[str]:
        keys = {"step", "exp_avg", "exp_avg_sq"}
        if group["amsgrad"]:
            keys.add("max_exp_avg_sq")
        return frozenset(keys)

    def _update(self, group: dict[str, Any]) -> None:
        lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
        decay, amsgrad, decoupled = group["weight_decay"], group["amsgrad"], self._decoupled
        keep1, keep2, shrink = 1.0 - beta1, 1.0 - beta2, 1.0 - lr * decay
        state, sqrt = self.state, math.sqrt  # NOTE: v >= 0 (or nan), so math.sqrt never raises
        corrections: dict[int, tuple[float, float]] = {}  # t -> (step size, sqrt(1 - beta2**t))
        for p in group["params"]:
            g = p.grad
            if g is None:
                continue
            if type(g) is not float:
                g = float(g)  # an int, or a Value left by backward(create_graph=True)
            if decay:
                if decoupled:
                    p.data *= shrink
                else:
                    g = g + decay * p.data
            buffers = state.get(p)
            if buffers is None:
                buffers = state[p] = dict.fromkeys(sorted(self._state_keys(group)), 0.0)
                buffers["step"] = 0
            t = buffers["step"] = buffers["step"] + 1
            m = buffers["exp_avg"] = beta1 * buffers["exp_avg"] + keep1 * g
            v = buffers["exp_avg_sq"] = beta2 * buffers["exp_avg_sq"] + keep2 * g * g
            if amsgrad:
                # NOTE: written so that a nan in either one is kept, as torch.maximum does.
                largest = buffers["max_exp_avg_sq"]
                if v > largest or v != v:
                    largest = buffers["max_exp_avg_sq"] = v
                v = largest
            correction = corrections.get(t)
            if correction is None:
                correction = corrections[t] = (lr / (1.0 - beta1**t), sqrt(1.0 - beta2**t))
            p.data -= correction[0] * m / (sqrt(v) / correction[1] + eps)


class AdamW(Adam):
    """Adam with decoupled weight decay, ``torch.optim.AdamW``.

    Update rule, per parameter: first ``p = p - lr * weight_decay * p``, then
    :class:`Adam`'s rule with no L2 term in ``g``.

    Args:
        params: The Values to optimize, or parameter groups.
        lr: Learning rate, >= 0.
        betas: ``(beta1, beta2)``, each in [0, 1).
        eps: Added to the denominator, > 0.
        weight_decay: The decoupled decay factor, >= 0 (torch's default 1e-2).
        amsgrad: Use the running maximum of ``v`` (AMSGrad).
    """

    _decoupled = True

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad)


# ---------------------------------------------------------------------------
# Learning-rate schedules: call schedule.step() once per optimizer step.


class LRSchedule:
    """Sets each group's ``lr`` from its base rate for ``t = 0, 1, 2, ...``, as torch's schedulers.

    Each group's lr at construction is its base rate; building the schedule
    sets the rates for ``t = 0``, and each :meth:`step` (after
    ``optimizer.step()``) advances ``t`` by one.

    Attributes:
        base_lrs: The groups' base rates.
        base_lr: The first group's base rate.
    """

    def __init__(self, optimizer: Optimizer) -> None:
        self.optimizer = optimizer
        self.base_lrs = [group["lr"] for group in optimizer.param_groups]
        self.base_lr = self.base_lrs[0]
        self.t = 0
        self._apply()

    def _rate(self, base: float, t: int) -> float:
        """The learning rate at step ``t`` of a group whose base rate is ``base``."""
        raise NotImplementedError(f"{type(self).__name__} does not define _rate()")

    def lr_at(self, t: int) -> float:
        """The first group's learning rate at step ``t``."""
        return self._rate(self.base_lr, t)

    def _apply(self) -> None:
        for group, base in zip(self.optimizer.param_groups, self.base_lrs, strict=True):
            group["lr"] = self._rate(base, self.t)

    def step(self) -> float:
        """Advance one step and set every group's lr; returns the first group's."""
        self.t += 1
        self._apply()
        return self.optimizer.lr


class LinearLR(LRSchedule):
    """Linear decay: ``lr(t) = base * (start + (end - start) * min(t, total) / total)``.

    micrograd's demo uses ``lr = 1.0 - 0.9 * k / 100``: ``LinearLR(opt, 1.0, 0.1, 100)``
    with base rate 1.0.

    Raises:
        ValueError: If ``total_steps < 1`` or a factor is negative.
    """

    def __init__(
        self,
        optimizer: Optimizer,
        start_factor: float = 1.0,
        end_factor: float = 0.1,
        total_steps: int = 100,
    ) -> None:
        self.start_factor = _non_negative("start_factor", start_factor)
        self.end_factor = _non_negative("end_factor", end_factor)
        if type(total_steps) is not int or total_steps < 1:
            raise ValueError(f"total_steps must be an int >= 1, got {total_steps!r}")
        self.total_steps = total_steps
        super().__init__(optimizer)

    def _rate(self, base: float, t: int) -> float:
        fraction = min(t, self.total_steps) / self.total_steps
        return base * (self.start_factor + (self.end_factor - self.start_factor) * fraction)


class StepLR(LRSchedule):
    """Step decay: ``lr(t) = base * gamma ** (t // step_size)``.

    Raises:
        ValueError: If ``step_size < 1`` or ``gamma`` is negative.
    """

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1) -> None:
        if type(step_size) is not int or step_size < 1:
            raise ValueError(f"step_size must be an int >= 1, got {step_size!r}")
        self.step_size = step_size
        self.gamma = _non_negative("gamma", gamma)
        super().__init__(optimizer)

    def _rate(self, base: float, t: int) -> float:
        return base * self.gamma ** (t // self.step_size)


class CosineLR(LRSchedule):
    """Cosine annealing: ``lr(t) = min + (base - min) * (1 + cos(pi * min(t, T) / T)) / 2``.

    Raises:
        ValueError: If ``total_steps < 1`` or ``min_lr`` is negative.
    """

    def __init__(self, optimizer: Optimizer, total_steps: int, min_lr: float = 0.0) -> None:
        if type(total_steps) is not int or total_steps < 1:
            raise ValueError(f"total_steps must be an int >= 1, got {total_steps!r}")
        self.total_steps = total_steps
        self.min_lr = _non_negative("min_lr", min_lr)
        super().__init__(optimizer)

    def _rate(self, base: float, t: int) -> float:
        fraction = min(t, self.total_steps) / self.total_steps
        return self.min_lr + (base - self.min_lr) * (1.0 + math.cos(math.pi * fraction)) / 2


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
    _non_negative("max_norm", max_norm)
    values = [p for p in params if p.grad is not None]
    squares = [g * g for g in map(_grad, values) if g is not None]
    try:
        norm = math.sqrt(math.fsum(squares))
    except OverflowError:  # the sum passed the float range: the norm is inf (IEEE)
        norm = math.inf
    factor = max_norm / (norm + 1e-6)
    if factor < 1.0:
        for p in values:
            p.grad *= factor
    return norm
