"""Optimizers, learning-rate schedules and gradient clipping, with PyTorch semantics.

Sits on :mod:`tinygrad_lite.engine`, beside :mod:`tinygrad_lite.nn`. These
are the seed's four optimizers: plain gradient descent (:class:`SGD`),
momentum (:class:`Momentum`), RMS gradient descent (:class:`RMSProp`) and
:class:`Adam`. As the seed explains, the optimizer, not the loss, holds every
weight: it reads the gradients that ``backward()`` left on them and updates
their ``.data`` in place, and its :meth:`Optimizer.zero_grad` clears them
before the next backward pass.

Each ``step`` follows the matching ``torch.optim`` class step for step
(the update rules are in each class's docstring); ``g`` below is a
parameter's ``.grad``, ``p`` its ``.data``, ``t`` the step count from 1.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from .engine import Value

__all__ = [
    "SGD",
    "Adam",
    "CosineLR",
    "LRSchedule",
    "LinearLR",
    "Momentum",
    "Optimizer",
    "RMSProp",
    "StepLR",
    "clip_grad_norm",
]


def _check(name: str, value: float, ok: bool, accepted: str) -> float:
    if not ok:
        raise ValueError(f"{name} must be {accepted}, got {value!r}")
    return float(value)


def _non_negative(name: str, value: float) -> float:
    # NOTE: written "not >= 0" so nan is rejected too.
    return _check(name, value, value >= 0.0, ">= 0")


def _unit_interval(name: str, value: float) -> float:
    return _check(name, value, 0.0 <= value < 1.0, "in [0, 1)")


def _positive(name: str, value: float) -> float:
    return _check(name, value, value > 0.0, "> 0")


def _check_params(params: Iterable[Value]) -> list[Value]:
    checked = list(params)
    if not checked:
        raise ValueError("params is empty: an optimizer needs at least one Value to update")
    seen: set[int] = set()
    for i, p in enumerate(checked):
        if not isinstance(p, Value):
            raise ValueError(f"params[{i}] must be a Value, got {type(p).__name__}: {p!r}")
        if id(p) in seen:
            raise ValueError(f"params[{i}] appears twice in params ({p!r}); list each Value once")
        seen.add(id(p))
    return checked


class Optimizer:
    """Holds the parameters and updates them from their gradients.

    Args:
        params: The Values to optimize (e.g. ``model.parameters()``), each once.
        lr: The learning rate, >= 0. Schedules change ``optimizer.lr``.

    Raises:
        ValueError: If ``params`` is empty, holds a duplicate or a non-Value,
            or a hyper-parameter is out of range (the message names it).
    """

    def __init__(self, params: Iterable[Value], lr: float) -> None:
        self.params = _check_params(params)
        self.lr = _non_negative("lr", lr)
        self.steps = 0

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0.0 (call it before ``backward``)."""
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        """Update every parameter once from its current ``.grad``."""
        self.steps += 1
        self._update()

    def _update(self) -> None:
        raise NotImplementedError(f"{type(self).__name__} does not define _update()")

    def _hyperparameters(self) -> dict[str, Any]:
        return {"lr": self.lr}

    def _buffers(self) -> dict[str, list[float]]:
        """Per-parameter state lists, by name (momentum buffers, averages)."""
        return {}

    def state_dict(self) -> dict[str, Any]:
        """The hyper-parameters, the step count and the per-parameter buffers, as plain data."""
        return {
            "type": type(self).__name__,
            "hyperparameters": self._hyperparameters(),
            "steps": self.steps,
            "buffers": {name: list(buffer) for name, buffer in self._buffers().items()},
        }

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Restore a :meth:`state_dict`; everything is checked before anything changes.

        Raises:
            ValueError: If the state is for another optimizer type, another number
                of parameters, or is malformed.
        """
        name = type(self).__name__
        if state.get("type") != name:
            raise ValueError(f"state_dict is for {state.get('type')!r}, not {name!r}")
        hyper = state.get("hyperparameters")
        mine = self._hyperparameters()
        if not isinstance(hyper, Mapping) or set(hyper) != set(mine):
            raise ValueError(f"state_dict hyperparameters must have keys {sorted(mine)}")
        steps = state.get("steps")
        if type(steps) is not int or steps < 0:
            raise ValueError(f"state_dict steps must be an int >= 0, got {steps!r}")
        buffers = state.get("buffers")
        own = self._buffers()
        if not isinstance(buffers, Mapping) or set(buffers) != set(own):
            raise ValueError(f"state_dict buffers must have keys {sorted(own)}")
        for key, buffer in buffers.items():
            if not isinstance(buffer, list) or len(buffer) != len(self.params):
                raise ValueError(
                    f"state_dict buffer {key!r} must list one number per parameter "
                    f"({len(self.params)})"
                )
            if not all(type(x) in (int, float) for x in buffer):
                raise ValueError(f"state_dict buffer {key!r} holds a non-number")
        # Validate the hyper-parameters by building a twin with them.
        type(self)(self.params, **hyper)
        for key, value in hyper.items():
            setattr(self, key, tuple(value) if isinstance(value, list) else value)
        self.steps = steps
        for key, buffer in buffers.items():
            own[key][:] = [float(x) for x in buffer]

    def __repr__(self) -> str:
        settings = ", ".join(f"{k}={v!r}" for k, v in self._hyperparameters().items())
        return f"{type(self).__name__}({len(self.params)} parameters, {settings})"


class SGD(Optimizer):
    """Plain gradient descent, ``torch.optim.SGD`` without momentum.

    Update rule, per parameter::

        g = g + weight_decay * p
        p = p - lr * g

    Args:
        params: The Values to optimize.
        lr: Learning rate, >= 0.
        weight_decay: L2 penalty factor, >= 0.
    """

    def __init__(self, params: Iterable[Value], lr: float, weight_decay: float = 0.0) -> None:
        super().__init__(params, lr)
        self.weight_decay = _non_negative("weight_decay", weight_decay)

    def _hyperparameters(self) -> dict[str, Any]:
        return {"lr": self.lr, "weight_decay": self.weight_decay}

    def _update(self) -> None:
        lr = self.lr
        decay = self.weight_decay
        for p in self.params:
            g = p.grad
            if decay:
                g = g + decay * p.data
            p.data -= lr * g


class Momentum(Optimizer):
    """Gradient descent with momentum: ``torch.optim.SGD(momentum=mu, dampening=0)``.

    Update rule, per parameter, with the buffer ``b``::

        g = g + weight_decay * p
        b = g                      if t == 1
        b = momentum * b + g       otherwise
        g = g + momentum * b       if nesterov
        g = b                      otherwise
        p = p - lr * g

    Args:
        params: The Values to optimize.
        lr: Learning rate, >= 0.
        momentum: The momentum factor ``mu``, >= 0 (> 0 for nesterov).
        nesterov: Use Nesterov's look-ahead form.
        weight_decay: L2 penalty factor, >= 0.
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: float,
        momentum: float = 0.9,
        nesterov: bool = False,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        self.momentum = _non_negative("momentum", momentum)
        if nesterov and self.momentum == 0.0:
            raise ValueError(f"nesterov needs momentum > 0, got momentum={momentum!r}")
        self.nesterov = bool(nesterov)
        self.weight_decay = _non_negative("weight_decay", weight_decay)
        self.buffer = [0.0] * len(self.params)

    def _hyperparameters(self) -> dict[str, Any]:
        return {
            "lr": self.lr,
            "momentum": self.momentum,
            "nesterov": self.nesterov,
            "weight_decay": self.weight_decay,
        }

    def _buffers(self) -> dict[str, list[float]]:
        return {"buffer": self.buffer}

    def _update(self) -> None:
        lr, mu, decay = self.lr, self.momentum, self.weight_decay
        first = self.steps == 1
        buffer = self.buffer
        for i, p in enumerate(self.params):
            g = p.grad
            if decay:
                g = g + decay * p.data
            b = g if first else mu * buffer[i] + g
            buffer[i] = b
            p.data -= lr * (g + mu * b if self.nesterov else b)


class RMSProp(Optimizer):
    """RMS gradient descent, ``torch.optim.RMSprop`` (not centered, no momentum).

    Update rule, per parameter, with the running average ``v`` (0 at first)::

        g = g + weight_decay * p
        v = alpha * v + (1 - alpha) * g * g
        p = p - lr * g / (sqrt(v) + eps)

    Args:
        params: The Values to optimize.
        lr: Learning rate, >= 0.
        alpha: Smoothing constant, in [0, 1).
        eps: Added to the denominator, > 0.
        weight_decay: L2 penalty factor, >= 0.
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 0.01,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        self.alpha = _unit_interval("alpha", alpha)
        self.eps = _positive("eps", eps)
        self.weight_decay = _non_negative("weight_decay", weight_decay)
        self.square_average = [0.0] * len(self.params)

    def _hyperparameters(self) -> dict[str, Any]:
        return {
            "lr": self.lr,
            "alpha": self.alpha,
            "eps": self.eps,
            "weight_decay": self.weight_decay,
        }

    def _buffers(self) -> dict[str, list[float]]:
        return {"square_average": self.square_average}

    def _update(self) -> None:
        lr, alpha, eps, decay = self.lr, self.alpha, self.eps, self.weight_decay
        average = self.square_average
        for i, p in enumerate(self.params):
            g = p.grad
            if decay:
                g = g + decay * p.data
            v = alpha * average[i] + (1.0 - alpha) * g * g
            average[i] = v
            p.data -= lr * g / (math.sqrt(v) + eps)


class Adam(Optimizer):
    """Adam with bias correction, ``torch.optim.Adam`` (L2 ``weight_decay``, not AdamW).

    Update rule, per parameter, with moments ``m`` and ``v`` (0 at first)::

        g = g + weight_decay * p
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        p = p - (lr / (1 - beta1**t)) * m / (sqrt(v) / sqrt(1 - beta2**t) + eps)

    which is ``p - lr * m_hat / (sqrt(v_hat) + eps)`` with the bias-corrected
    ``m_hat = m / (1 - beta1**t)`` and ``v_hat = v / (1 - beta2**t)``.

    Args:
        params: The Values to optimize.
        lr: Learning rate, >= 0.
        betas: ``(beta1, beta2)``, each in [0, 1).
        eps: Added to the denominator, > 0.
        weight_decay: L2 penalty factor, >= 0.
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 0.001,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        if len(betas) != 2:
            raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}")
        self.betas = (_unit_interval("beta1", betas[0]), _unit_interval("beta2", betas[1]))
        self.eps = _positive("eps", eps)
        self.weight_decay = _non_negative("weight_decay", weight_decay)
        self.first_moment = [0.0] * len(self.params)
        self.second_moment = [0.0] * len(self.params)

    def _hyperparameters(self) -> dict[str, Any]:
        return {
            "lr": self.lr,
            "betas": list(self.betas),
            "eps": self.eps,
            "weight_decay": self.weight_decay,
        }

    def _buffers(self) -> dict[str, list[float]]:
        return {"first_moment": self.first_moment, "second_moment": self.second_moment}

    def _update(self) -> None:
        beta1, beta2 = self.betas
        eps, decay, t = self.eps, self.weight_decay, self.steps
        step_size = self.lr / (1.0 - beta1**t)
        correction2_sqrt = math.sqrt(1.0 - beta2**t)
        m_all, v_all = self.first_moment, self.second_moment
        for i, p in enumerate(self.params):
            g = p.grad
            if decay:
                g = g + decay * p.data
            m = beta1 * m_all[i] + (1.0 - beta1) * g
            v = beta2 * v_all[i] + (1.0 - beta2) * g * g
            m_all[i] = m
            v_all[i] = v
            p.data -= step_size * m / (math.sqrt(v) / correction2_sqrt + eps)


# ---------------------------------------------------------------------------
# Learning-rate schedules: call schedule.step() once per optimizer step.


class LRSchedule:
    """Sets ``optimizer.lr = lr_at(t)`` for ``t = 0, 1, 2, ...``, as ``torch.optim.lr_scheduler``.

    The optimizer's lr at construction is the base rate; building the schedule
    sets ``lr_at(0)``, and each :meth:`step` (after ``optimizer.step()``)
    advances ``t`` by one.
    """

    def __init__(self, optimizer: Optimizer) -> None:
        self.optimizer = optimizer
        self.base_lr = optimizer.lr
        self.t = 0
        optimizer.lr = self.lr_at(0)

    def lr_at(self, t: int) -> float:
        """The learning rate at step ``t``."""
        raise NotImplementedError(f"{type(self).__name__} does not define lr_at()")

    def step(self) -> float:
        """Advance one step and set the optimizer's lr; returns the new lr."""
        self.t += 1
        self.optimizer.lr = self.lr_at(self.t)
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

    def lr_at(self, t: int) -> float:
        """``base * (start + (end - start) * min(t, total) / total)``."""
        fraction = min(t, self.total_steps) / self.total_steps
        return self.base_lr * (self.start_factor + (self.end_factor - self.start_factor) * fraction)


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

    def lr_at(self, t: int) -> float:
        """``base * gamma ** (t // step_size)``."""
        return self.base_lr * self.gamma ** (t // self.step_size)


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

    def lr_at(self, t: int) -> float:
        """``min + (base - min) * (1 + cos(pi * min(t, T) / T)) / 2``."""
        fraction = min(t, self.total_steps) / self.total_steps
        return self.min_lr + (self.base_lr - self.min_lr) * (1.0 + math.cos(math.pi * fraction)) / 2


def clip_grad_norm(params: Iterable[Value], max_norm: float) -> float:
    """Scale gradients to a joint L2 norm of at most ``max_norm`` (torch's ``clip_grad_norm_``).

    ``norm = sqrt(sum g_i**2)``; when ``max_norm / (norm + 1e-6) < 1`` every
    gradient is multiplied by that factor.

    Returns:
        The norm before clipping.

    Raises:
        ValueError: If ``max_norm`` is negative.
    """
    _non_negative("max_norm", max_norm)
    values = list(params)
    norm = math.sqrt(math.fsum(p.grad * p.grad for p in values))
    factor = max_norm / (norm + 1e-6)
    if factor < 1.0:
        for p in values:
            p.grad *= factor
    return norm
