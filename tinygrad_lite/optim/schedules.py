"""Learning-rate schedules, as ``torch.optim.lr_scheduler``: call ``schedule.step()`` per step.

Sits on :mod:`tinygrad_lite.optim.optimizer`. Each schedule sets every
parameter group's ``lr`` from that group's own base rate.
"""

from __future__ import annotations

import math

from .checks import non_negative
from .optimizer import Optimizer

__all__ = ["CosineLR", "LRSchedule", "LinearLR", "StepLR"]


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
        self.start_factor = non_negative("start_factor", start_factor)
        self.end_factor = non_negative("end_factor", end_factor)
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
        self.gamma = non_negative("gamma", gamma)
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
        self.min_lr = non_negative("min_lr", min_lr)
        super().__init__(optimizer)

    def _rate(self, base: float, t: int) -> float:
        fraction = min(t, self.total_steps) / self.total_steps
        return self.min_lr + (base - self.min_lr) * (1.0 + math.cos(math.pi * fraction)) / 2
