"""The training loop: fit a model to a data set, predict, measure accuracy.

Sits at the top of the import order, on :mod:`tinygrad_lite.nn`,
:mod:`tinygrad_lite.losses`, :mod:`tinygrad_lite.optim` and
:mod:`tinygrad_lite.datasets`. Training is eager: each step builds the
graph of the batch's mean loss, runs ``backward()`` and lets the optimizer
update the weights. Evaluation and prediction never build a graph: they use
the model's float-only forward (``predict_floats``), which is what makes
decision-boundary grids of tens of thousands of points cheap.

Outputs are read the same way for every loss: a model with one output says
class 1 when its score is positive (a logit for ``"bce"``, a ±1 target for
``"hinge"`` and ``"mse"``); a model with ``k >= 2`` outputs says the class
with the largest score (softmax logits for ``"cross_entropy"``, one-vs-rest
scores for the other losses).
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from . import optim
from .datasets import Dataset
from .engine import Value, no_grad, total
from .graph import Graph
from .losses import binary_cross_entropy_with_logits, cross_entropy, hinge, mse
from .nn import MLP

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
    "predict",
]

_INSTALL_HINT = 'pip install "tinygrad_lite[data]"'

LOSSES: tuple[str, ...] = ("cross_entropy", "hinge", "bce", "mse")
"""The accepted ``loss`` names of :func:`fit`."""

OPTIMIZERS: dict[str, tuple[type[optim.Optimizer], float]] = {
    # name: (class, default learning rate)
    "sgd": (optim.SGD, 0.1),
    "momentum": (optim.Momentum, 0.05),
    "rmsprop": (optim.RMSProp, 0.01),
    "adam": (optim.Adam, 0.01),
}
"""The optimizers :func:`fit` builds by name, with their default learning rates."""

SCHEDULES: tuple[str, ...] = ("linear", "step", "cosine")
"""The accepted ``schedule`` names of :func:`fit` (None: a constant rate)."""


class Predictor(Protocol):
    """Anything :func:`predict` can run: an ``MLP`` or a stand-in with the same method."""

    def predict_floats(self, rows: Sequence[Sequence[float]]) -> list[list[float]]:
        """One list of output scores per input row, computed without a graph."""
        ...


# ---------------------------------------------------------------------------
# Inference: floats in, classes out, no graph.


def _decode(scores: Sequence[float]) -> int:
    if len(scores) == 1:
        return 1 if scores[0] > 0.0 else 0
    best = 0
    for i in range(1, len(scores)):
        if scores[i] > scores[best]:
            best = i
    return best


def predict(model: Predictor, inputs: Sequence[Sequence[float]]) -> list[int]:
    """The predicted class of each input row, computed on floats (no graph).

    One output: class 1 when the score is ``> 0``; several: the arg-max (the
    first one on a tie).
    """
    return [_decode(scores) for scores in model.predict_floats(inputs)]


def accuracy(model: Predictor, inputs: Sequence[Sequence[float]], labels: Sequence[int]) -> float:
    """The fraction of rows whose predicted class equals the label.

    Raises:
        ValueError: If ``inputs`` and ``labels`` differ in length or are empty.
    """
    if len(inputs) != len(labels) or not labels:
        raise ValueError(
            f"accuracy needs as many labels as inputs (at least one), "
            f"got {len(inputs)} inputs and {len(labels)} labels"
        )
    hits = sum(p == y for p, y in zip(predict(model, inputs), labels, strict=True))
    return hits / len(labels)


# ---------------------------------------------------------------------------
# Losses of one sample, for every (loss, output count) the loop supports.


def _targets(loss: str, n_outputs: int, label: int) -> list[float]:
    """The target of each model output for a sample of class ``label``.

    ``cross_entropy`` takes the one-hot class probabilities; the other losses
    score every output as a yes/no classifier (one output: class 1 is yes),
    with targets +1/-1 (``hinge``, ``mse``) or 1/0 (``bce``).
    """
    if loss == "cross_entropy":
        return [1.0 if c == label else 0.0 for c in range(n_outputs)]
    yes = [label == 1] if n_outputs == 1 else [c == label for c in range(n_outputs)]
    if loss == "bce":
        return [1.0 if y else 0.0 for y in yes]
    return [1.0 if y else -1.0 for y in yes]


def _sample_loss(
    loss: str, scores: Sequence[Value | float], targets: Sequence[Value | float]
) -> Value:
    """One sample's loss from its output scores and per-output targets.

    The targets may be Values (the placeholders of a compiled graph) or
    numbers; either way the graph has the same shape, whatever the class.
    """
    if loss == "cross_entropy":
        return cross_entropy(scores, targets)
    one = {"hinge": hinge, "bce": binary_cross_entropy_with_logits, "mse": mse}[loss]
    parts = [one(s, t) for s, t in zip(scores, targets, strict=True)]
    return parts[0] if len(parts) == 1 else total(parts)


def _measure(
    loss: str, model: Predictor, inputs: Sequence[Sequence[float]], labels: Sequence[int]
) -> tuple[float, float]:
    """Mean loss and accuracy over a data split, from one float forward (no graph)."""
    outputs = model.predict_floats(inputs)
    with no_grad():
        values = [
            _sample_loss(loss, scores, _targets(loss, len(scores), label)).data
            for scores, label in zip(outputs, labels, strict=True)
        ]
    hits = sum(_decode(scores) == label for scores, label in zip(outputs, labels, strict=True))
    return math.fsum(values) / len(values), hits / len(labels)


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
        lr: The (initial) learning rate.
        epochs: Passes over the train split.
        batch_size: Samples per step (None: the whole split).
        schedule: One of :data:`SCHEDULES`, or None for a constant rate.
        weight_decay: The optimizer's L2 factor.
    """

    hidden: tuple[int, ...] = (16, 16)
    activation: str = "relu"
    loss: str = "cross_entropy"
    optimizer: str = "adam"
    lr: float = 0.01
    epochs: int = 100
    batch_size: int | None = 32
    schedule: str | None = None
    weight_decay: float = 0.0

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
    "iris": Settings(hidden=(16,), lr=0.01, epochs=60, batch_size=16, schedule="cosine"),
    "moons": Settings(hidden=(16, 16), lr=0.01, epochs=60, batch_size=16, schedule="cosine"),
    "circles": Settings(hidden=(16, 16), lr=0.01, epochs=60, batch_size=16, schedule="cosine"),
    "blobs": Settings(hidden=(8,), lr=0.01, epochs=20, batch_size=16, schedule="cosine"),
}


def default_settings(name: str) -> Settings:
    """The recipe that meets the quality bar of ``benchmarks/train.py`` for a data set.

    Raises:
        ValueError: For an unknown data set name.
    """
    if name not in _SETTINGS:
        raise ValueError(f"unknown data set {name!r}; known data sets: {', '.join(_SETTINGS)}")
    return _SETTINGS[name]


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


# ---------------------------------------------------------------------------
# The loop.


@dataclass
class History:
    """What :func:`fit` measured, one entry per finished epoch.

    Attributes:
        epochs: The epoch numbers, from 1.
        train_loss: Mean loss over the train split after each epoch.
        test_loss: Mean loss over the test split after each epoch.
        train_accuracy: Train accuracy after each epoch.
        test_accuracy: Test accuracy after each epoch.
        times: Wall time in seconds from the start of training to the end of each epoch.
        seconds: Total wall time of the run.
        steps: Optimizer steps that finished (the model holds their result).
        interrupted: True when a ``KeyboardInterrupt`` stopped the run early.
        compiled: True when the steps replayed a compiled graph (``compile``).
        dataset: The data set's name.
        loss: The loss's name.
    """

    epochs: list[int] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    test_loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    test_accuracy: list[float] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    seconds: float = 0.0
    steps: int = 0
    interrupted: bool = False
    compiled: bool = False
    dataset: str = ""
    loss: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The history as plain JSON-ready data."""
        return {
            "dataset": self.dataset,
            "loss": self.loss,
            "epochs": list(self.epochs),
            "train_loss": list(self.train_loss),
            "test_loss": list(self.test_loss),
            "train_accuracy": list(self.train_accuracy),
            "test_accuracy": list(self.test_accuracy),
            "times": list(self.times),
            "seconds": self.seconds,
            "compiled": self.compiled,
            "steps": self.steps,
            "interrupted": self.interrupted,
        }


def _make_optimizer(
    optimizer: str | optim.Optimizer, params: list[Value], lr: float | None, weight_decay: float
) -> optim.Optimizer:
    if isinstance(optimizer, optim.Optimizer):
        return optimizer
    if optimizer not in OPTIMIZERS:
        raise ValueError(
            f"unknown optimizer {optimizer!r}; known optimizers: {', '.join(OPTIMIZERS)}"
        )
    cls, default_lr = OPTIMIZERS[optimizer]
    return cls(params, lr=default_lr if lr is None else lr, weight_decay=weight_decay)  # type: ignore[call-arg]


def _make_schedule(
    schedule: str | None, opt: optim.Optimizer, total_steps: int
) -> optim.LRSchedule | None:
    if schedule is None:
        return None
    if schedule == "linear":
        return optim.LinearLR(opt, start_factor=1.0, end_factor=0.1, total_steps=total_steps)
    if schedule == "step":
        return optim.StepLR(opt, step_size=max(1, total_steps // 3), gamma=0.3)
    if schedule == "cosine":
        return optim.CosineLR(opt, total_steps)
    raise ValueError(
        f"unknown schedule {schedule!r}; known schedules: None, {', '.join(SCHEDULES)}"
    )


def _check_fit_arguments(
    model: MLP, data: Dataset, loss: str, epochs: int, batch_size: int | None, lr: float | None
) -> None:
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}; known losses: {', '.join(LOSSES)}")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
        raise ValueError(f"epochs must be an integer >= 0, got {epochs!r}")
    if batch_size is not None and (
        isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1
    ):
        raise ValueError(f"batch_size must be a positive integer or None, got {batch_size!r}")
    if lr is not None and not (isinstance(lr, (int, float)) and 0.0 < lr < math.inf):
        raise ValueError(f"lr must be a positive finite number, got {lr!r}")
    if not data.X_train or not data.X_test:
        raise ValueError(f"data set {data.name!r} has an empty train or test split")
    nouts = model.predict_floats(data.X_train[:1])[0]
    needed = output_size(loss, data.n_classes)
    ok = len(nouts) == needed or (loss != "cross_entropy" and len(nouts) == data.n_classes)
    if not ok:
        raise ValueError(
            f"{loss} on {data.name} ({data.n_classes} classes) needs a model with "
            f"{needed} outputs, got one with {len(nouts)}"
        )


def _progress_bar(epochs: int, name: str, enabled: bool) -> Any:
    if not enabled:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError as error:
        raise ImportError(
            f"the progress bar of fit() needs tqdm: {_INSTALL_HINT} (or progress=False)"
        ) from error
    return tqdm(total=epochs, desc=f"train {name}", unit="epoch", leave=True, dynamic_ncols=True)


def fit(
    model: MLP,
    data: Dataset,
    loss: str = "cross_entropy",
    optimizer: str | optim.Optimizer = "adam",
    lr: float | None = None,
    epochs: int = 100,
    batch_size: int | None = None,
    schedule: str | None = None,
    seed: int = 0,
    progress: bool = True,
    *,
    weight_decay: float = 0.0,
    callback: Callable[[History], None] | None = None,
    compile: bool | None = None,  # noqa: A002 (the name torch.compile made familiar)
) -> History:
    """Train ``model`` on ``data.X_train`` by mini-batch gradient descent.

    Each epoch shuffles the train split (with a private ``random.Random(seed)``),
    and for each batch ``B`` takes one optimizer step on the mean loss
    ``L = (1/|B|) * sum_{i in B} loss(model(x_i), y_i)``. After each epoch the
    train and test loss and accuracy are measured without a graph.

    Pressing Ctrl-C (``KeyboardInterrupt``) stops the run cleanly: the model
    keeps the weights of the last optimizer step that finished (a step cut
    short is undone), the history holds every finished epoch and says
    ``interrupted=True``, and ``fit`` returns normally.

    Args:
        model: An ``MLP`` with ``data.n_features`` inputs and
            :func:`output_size` outputs (see :func:`make_model`).
        data: The data set (see :func:`tinygrad_lite.datasets.load`).
        loss: ``"cross_entropy"``, ``"hinge"``, ``"bce"`` or ``"mse"``.
        optimizer: A name in :data:`OPTIMIZERS` or a ready ``Optimizer``
            over ``model.parameters()``.
        lr: The learning rate (None: the optimizer's default in :data:`OPTIMIZERS`).
        epochs: Passes over the train split (0 only measures the model).
        batch_size: Samples per step; None uses the whole split (full batch).
        schedule: None (constant rate), ``"linear"`` (decay to 10 %),
            ``"step"`` (times 0.3 every third of the run) or ``"cosine"``.
        seed: Seeds the shuffling, so a seed gives the same run.
        progress: Show a tqdm bar with the epoch, loss and accuracies.
        weight_decay: L2 factor handed to an optimizer built by name.
        callback: Called with the history after every epoch; raising
            ``KeyboardInterrupt`` in it stops training like Ctrl-C.
        compile: Record the batch loss once as a
            :class:`~tinygrad_lite.graph.Graph` over input and target
            placeholders and replay it every step (True; one graph per batch
            size: the full batches and a smaller last one), build a fresh
            graph per step (False), or decide (None: compile unless the run
            has no more steps than batch sizes). Both give the same numbers
            to the last bit; the replay is several times faster.

    Returns:
        The :class:`History`.

    Raises:
        ValueError: For an unknown loss, optimizer or schedule, a
            non-positive lr or batch size, negative epochs, or a model whose
            output count does not fit the loss and data.
    """
    _check_fit_arguments(model, data, loss, epochs, batch_size, lr)
    params = model.parameters()
    opt = _make_optimizer(optimizer, params, lr, weight_decay)
    n_train = len(data.X_train)
    size = n_train if batch_size is None else min(batch_size, n_train)
    steps_per_epoch = math.ceil(n_train / size)
    scheduler = _make_schedule(schedule, opt, max(1, epochs * steps_per_epoch))
    history = History(dataset=data.name, loss=loss)
    rng = random.Random(seed)
    order = list(range(n_train))
    x_train = data.X_train
    n_outputs = len(model.predict_floats(x_train[:1])[0])
    targets = [_targets(loss, n_outputs, label) for label in data.y_train]
    # Every batch has ``size`` samples except perhaps the last of an epoch: at
    # most two shapes, each recorded once. Compiling pays as soon as a shape
    # is replayed at least once.
    shapes = len({size, n_train % size} - {0})
    history.compiled = epochs * steps_per_epoch > shapes if compile is None else bool(compile)
    graphs: dict[int, Graph] = {}  # one per batch size (the last batch may be smaller)
    bar = _progress_bar(epochs, data.name, progress)
    start = time.perf_counter()
    try:
        for epoch in range(1, epochs + 1):
            rng.shuffle(order)
            for first in range(0, n_train, size):
                batch = order[first : first + size]
                rows = [x_train[i] for i in batch]
                batch_targets = [targets[i] for i in batch]
                if history.compiled:
                    graph = graphs.get(len(batch))
                    if graph is None:
                        graph = graphs[len(batch)] = _compile_batch(
                            loss, model, rows, batch_targets
                        )
                    graph.forward([v for row in (*rows, *batch_targets) for v in row])
                    opt.zero_grad()
                    graph.backward()
                else:
                    opt.zero_grad()
                    _batch_loss(loss, model, rows, batch_targets).backward()
                before = [p.data for p in params]
                try:
                    opt.step()
                except KeyboardInterrupt:
                    # NOTE: a step cut short would leave some weights updated and
                    # others not; undo it so the model is the last finished step's.
                    for p, data_before in zip(params, before, strict=True):
                        p.data = data_before
                    raise
                history.steps += 1
                if scheduler is not None:
                    scheduler.step()
            _record_epoch(history, epoch, model, data, loss, start)
            if bar is not None:
                bar.update(1)
                # NOTE: a dict, not keywords: tqdm sorts keyword postfixes by name.
                bar.set_postfix(
                    {
                        "loss": f"{history.train_loss[-1]:.4f}",
                        "acc": f"{history.train_accuracy[-1]:.3f}",
                        "test_acc": f"{history.test_accuracy[-1]:.3f}",
                    },
                    refresh=False,
                )
            if callback is not None:
                callback(history)
    except KeyboardInterrupt:
        history.interrupted = True
    finally:
        if bar is not None:
            bar.close()
    if epochs == 0:
        _record_epoch(history, 0, model, data, loss, start)
    history.seconds = time.perf_counter() - start
    return history


def _batch_loss(
    loss: str,
    model: MLP,
    rows: Sequence[Sequence[Value | float]],
    targets: Sequence[Sequence[Value | float]],
) -> Value:
    """The mean loss ``(1/|B|) * sum_i loss(model(x_i), t_i)`` over a batch."""
    samples = [_sample_loss(loss, model.outputs(x), t) for x, t in zip(rows, targets, strict=True)]
    return total(samples) * (1.0 / len(samples))


def _compile_batch(
    loss: str, model: MLP, rows: Sequence[Sequence[float]], targets: Sequence[Sequence[float]]
) -> Graph:
    """The batch loss recorded once over placeholders for the inputs and targets."""
    row_slots = [[Value(v) for v in row] for row in rows]
    target_slots = [[Value(v) for v in row] for row in targets]
    placeholders = [v for row in (*row_slots, *target_slots) for v in row]
    return Graph(_batch_loss(loss, model, row_slots, target_slots), placeholders)


def _record_epoch(
    history: History, epoch: int, model: MLP, data: Dataset, loss: str, start: float
) -> None:
    # NOTE: measure everything first, then append: a Ctrl-C during the
    # measurement must not leave the history's lists with different lengths.
    train_loss, train_accuracy = _measure(loss, model, data.X_train, data.y_train)
    test_loss, test_accuracy = _measure(loss, model, data.X_test, data.y_test)
    history.epochs.append(epoch)
    history.train_loss.append(train_loss)
    history.test_loss.append(test_loss)
    history.train_accuracy.append(train_accuracy)
    history.test_accuracy.append(test_accuracy)
    history.times.append(time.perf_counter() - start)
