"""Training recipes: the loss, optimizer and schedule names, and each data set's settings.

Sits on :mod:`tinygrad_lite.nn`, :mod:`tinygrad_lite.optim` and
:mod:`tinygrad_lite.datasets`, below :mod:`tinygrad_lite.train.loop`, which
builds what these tables name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .. import optim
from ..datasets import Dataset
from ..nn import MLP

__all__ = [
    "LOSSES",
    "OPTIMIZERS",
    "SCHEDULES",
    "Settings",
    "default_settings",
    "make_model",
    "output_size",
]

LOSSES: tuple[str, ...] = ("cross_entropy", "hinge", "bce", "mse")
"""The accepted ``loss`` names of :func:`fit`."""

OPTIMIZERS: dict[str, tuple[type[optim.Optimizer], float]] = {
    # name: (class, default learning rate). NOTE: each rate was measured to
    # clear benchmarks/train.py's bar on all four data sets with their default
    # recipes, inside a range of rates that all do (python benchmarks/train.py
    # --optimizers prints the sweep).
    "sgd": (optim.SGD, 0.3),
    "momentum": (optim.Momentum, 0.03),
    "rmsprop": (optim.RMSprop, 0.01),
    "adam": (optim.Adam, 0.01),
    "adamw": (optim.AdamW, 0.01),
}
"""The optimizers :func:`~tinygrad_lite.train.fit` builds by name, with their default rates."""


SCHEDULES: tuple[str, ...] = ("linear", "step", "cosine")
"""The accepted ``schedule`` names of :func:`fit` (None: a constant rate)."""


def output_size(loss: str, n_classes: int) -> int:
    """How many outputs a model needs: 1 for a binary margin/logistic/squared loss.

    ``cross_entropy`` always takes one logit per class; the other losses use a
    single score for two classes and one-vs-rest scores for more.
    """
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}; known losses: {', '.join(LOSSES)}")
    if loss == "cross_entropy" or n_classes > 2:
        return n_classes
    return 1


# ---------------------------------------------------------------------------
# Settings per data set and the model they describe.


@dataclass(frozen=True)
class Settings:
    """The training recipe of a data set: architecture and optimisation.

    Attributes:
        hidden: Widths of the hidden layers.
        activation: Their activation.
        loss: One of :data:`LOSSES`.
        optimizer: One of :data:`OPTIMIZERS`.
        lr: The (initial) learning rate; None takes the optimizer's default
            from :data:`OPTIMIZERS` (see :attr:`learning_rate`).
        epochs: Passes over the train split.
        batch_size: Samples per step (None: the whole split).
        schedule: One of :data:`SCHEDULES`, or None for a constant rate.
        weight_decay: The optimizer's decay factor (None: the optimizer's own default).
    """

    hidden: tuple[int, ...] = (16, 16)
    activation: str = "relu"
    loss: str = "cross_entropy"
    optimizer: str = "adam"
    lr: float | None = None
    epochs: int = 100
    batch_size: int | None = 32
    schedule: str | None = None
    weight_decay: float | None = None

    @property
    def learning_rate(self) -> float:
        """The rate the recipe trains with: ``lr``, or the optimizer's default."""
        if self.lr is not None:
            return self.lr
        return OPTIMIZERS[self.optimizer][1]

    def fit_arguments(self) -> dict[str, Any]:
        """The recipe's keyword arguments for :func:`fit`."""
        return {
            "loss": self.loss,
            "optimizer": self.optimizer,
            "lr": self.lr,
            "epochs": self.epochs,
            "batch_size": self.batch_size,
            "schedule": self.schedule,
            "weight_decay": self.weight_decay,
        }


_SETTINGS: dict[str, Settings] = {
    "iris": Settings(hidden=(16,), epochs=60, batch_size=16, schedule="cosine"),
    "moons": Settings(hidden=(16, 16), epochs=60, batch_size=16, schedule="cosine"),
    "circles": Settings(hidden=(16, 16), epochs=60, batch_size=16, schedule="cosine"),
    "blobs": Settings(hidden=(8,), epochs=20, batch_size=16, schedule="cosine"),
}


def default_settings(name: str) -> Settings:
    """The recipe that meets the quality bar of ``benchmarks/train.py`` for a data set.

    Raises:
        ValueError: For an unknown data set name.
    """
    key = name.lower() if isinstance(name, str) else name
    if key not in _SETTINGS:
        raise ValueError(f"unknown data set {name!r}; known data sets: {', '.join(_SETTINGS)}")
    return _SETTINGS[key]


def make_model(
    data: Dataset,
    hidden: Sequence[int] = (16, 16),
    activation: str = "relu",
    loss: str = "cross_entropy",
    seed: int = 0,
) -> MLP:
    """An ``MLP`` shaped for ``data``: its features in, :func:`output_size` scores out.

    Hidden layers use He initialisation for ``relu`` and Glorot (xavier)
    otherwise; the weights depend only on ``seed``.
    """
    init = "he" if activation == "relu" else "xavier"
    nouts = [*hidden, output_size(loss, data.n_classes)]
    return MLP(data.n_features, nouts, activation=activation, init=init, seed=seed)
