"""The update rules: ``SGD``, ``Momentum``, ``RMSprop`` (``RMSProp``), ``Adam``, ``AdamW``.

Sits on :mod:`tinygrad_lite.optim.optimizer`. The classes take
``torch.optim``'s arguments and defaults, and each ``step`` follows the
matching torch algorithm step for step (the rules are in each class's
docstring); ``g`` below is a parameter's ``.grad``, ``p`` its ``.data``,
``t`` the number of steps that parameter has taken, from 1. A parameter
whose ``.grad`` is None is skipped, as in torch: its weights and its state
stay as they were.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from .checks import (
    flag,
    fraction,
    grad,
    grad_number,
    non_negative,
    pair,
    positive,
    sqrt,
    unit_interval,
)
from .optimizer import Optimizer

__all__ = ["SGD", "Adam", "AdamW", "Momentum", "RMSProp", "RMSprop"]


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
            "lr": non_negative(f"{where}lr", settings["lr"]),
            "momentum": non_negative(f"{where}momentum", settings["momentum"]),
            "dampening": fraction(f"{where}dampening", settings["dampening"]),
            "weight_decay": non_negative(f"{where}weight_decay", settings["weight_decay"]),
            "nesterov": flag(f"{where}nesterov", settings["nesterov"]),
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
                g = grad_number(g)
            if decay:
                g = g + decay * p._data
            if mu:
                buffers = state.get(p)
                if buffers is None:
                    b = g  # NOTE: the first buffer is the gradient itself, undamped
                    state[p] = {"momentum_buffer": b}
                else:
                    b = mu * buffers["momentum_buffer"] + keep * g
                    buffers["momentum_buffer"] = b
                g = g + mu * b if nesterov else b
            p._data -= lr * g


class Momentum(SGD):
    """The source document's momentum optimizer: :class:`SGD` whose ``momentum`` defaults to 0.9.

    The source document is *Tiny Machine Learner* (see README, "Where this
    comes from"); momentum gradient descent is the second of the four
    optimizers in its Tiny Learner part.

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
            "lr": non_negative(f"{where}lr", settings["lr"]),
            "alpha": unit_interval(f"{where}alpha", settings["alpha"]),
            "eps": positive(f"{where}eps", settings["eps"]),
            "weight_decay": non_negative(f"{where}weight_decay", settings["weight_decay"]),
            "momentum": non_negative(f"{where}momentum", settings["momentum"]),
            "centered": flag(f"{where}centered", settings["centered"]),
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
            g = grad(p)
            if g is None:
                continue
            if decay:
                g = g + decay * p._data
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
                denominator = sqrt(v - a * a) + eps
            else:
                denominator = sqrt(v) + eps
            if mu:
                b = mu * buffers["momentum_buffer"] + g / denominator
                buffers["momentum_buffer"] = b
                p._data -= lr * b
            else:
                p._data -= lr * g / denominator


RMSProp = RMSprop
"""The first spelling of :class:`RMSprop` in this package, kept as an alias.

It is the source document's "RMS gradient descent" (*Tiny Machine Learner*,
see README, "Where this comes from"); ``RMSprop`` is torch's spelling.
"""


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
        beta1, beta2 = pair(f"{where}betas", settings["betas"])
        return {
            "lr": non_negative(f"{where}lr", settings["lr"]),
            "betas": (
                unit_interval(f"{where}beta1", beta1),
                unit_interval(f"{where}beta2", beta2),
            ),
            "eps": positive(f"{where}eps", settings["eps"]),
            "weight_decay": non_negative(f"{where}weight_decay", settings["weight_decay"]),
            "amsgrad": flag(f"{where}amsgrad", settings["amsgrad"]),
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
        state, sqrt = self.state, math.sqrt
        corrections: dict[int, tuple[float, float]] = {}  # t -> (step size, sqrt(1 - beta2**t))
        for p in group["params"]:
            g = p.grad
            if g is None:
                continue
            if type(g) is not float:
                g = grad_number(g)
            if decay:
                if decoupled:
                    p._data *= shrink
                else:
                    g = g + decay * p._data
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
            # NOTE: v is a mean of squares, but a hand-edited state may hold v < 0:
            # nan then (IEEE), never math.sqrt's ValueError.
            root = sqrt(v) if v >= 0.0 else math.nan
            p._data -= correction[0] * m / (root / correction[1] + eps)


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
