"""Training: recipes, the ``fit`` loop and graph-free inference.

Sits at the top of the import order, on :mod:`tinygrad_lite.nn`,
:mod:`tinygrad_lite.losses`, :mod:`tinygrad_lite.optim` and
:mod:`tinygrad_lite.datasets`. The package holds:

* :mod:`~tinygrad_lite.train.recipes`: :data:`LOSSES`, :data:`OPTIMIZERS`
  (with each optimizer's default learning rate), :data:`SCHEDULES`,
  :class:`Settings`, :func:`default_settings`, :func:`make_model`;
* :mod:`~tinygrad_lite.train.loop`: :func:`fit` and its :class:`History`;
* :mod:`~tinygrad_lite.train.inference`: :func:`predict` and
  :func:`accuracy`, which never build a graph.
"""

from .inference import Predictor, accuracy, predict
from .loop import History, fit
from .recipes import (
    LOSSES,
    OPTIMIZERS,
    SCHEDULES,
    Settings,
    default_settings,
    make_model,
    output_size,
)

__all__ = [
    "LOSSES",
    "OPTIMIZERS",
    "SCHEDULES",
    "History",
    "Predictor",
    "Settings",
    "accuracy",
    "default_settings",
    "fit",
    "make_model",
    "output_size",
    "predict",
]
