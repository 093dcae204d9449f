"""Optimizers, learning-rate schedules and gradient clipping, with PyTorch's signatures.

Sits on :mod:`tinygrad_lite.engine`, beside :mod:`tinygrad_lite.nn`. The package holds:

* :mod:`~tinygrad_lite.optim.optimizer`: :class:`Optimizer` (parameter
  groups, checked settings, torch-layout state that is validated before it
  is applied) and :func:`clip_grad_norm`;
* :mod:`~tinygrad_lite.optim.rules`: :class:`SGD` (momentum, dampening,
  Nesterov), :class:`Momentum` (the momentum gradient descent of the source
  document, *Tiny Machine Learner*; see README, "Where this comes from"),
  :class:`RMSprop` (``RMSProp``), :class:`Adam` (AMSGrad) and
  :class:`AdamW`, each following its ``torch.optim`` update rule step for
  step;
* :mod:`~tinygrad_lite.optim.schedules`: :class:`LinearLR`,
  :class:`StepLR`, :class:`CosineLR`.
"""

from .optimizer import Optimizer, clip_grad_norm
from .rules import SGD, Adam, AdamW, Momentum, RMSProp, RMSprop
from .schedules import CosineLR, LinearLR, LRSchedule, StepLR

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
