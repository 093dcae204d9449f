"""The training loop: ``fit`` a model to a data set, with a ``History`` of every epoch.

Sits on :mod:`tinygrad_lite.nn`, :mod:`tinygrad_lite.losses`,
:mod:`tinygrad_lite.optim`, :mod:`tinygrad_lite.graph` and
:mod:`tinygrad_lite.datasets`, and on the recipes and inference of this
package. Training builds the graph of each batch's mean loss (or replays one
recorded :class:`~tinygrad_lite.graph.Graph`), runs ``backward()`` and lets
the optimizer update the weights. Evaluation never builds a graph: it uses
the model's float-only forward (``predict_floats``).
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .. import optim
from ..datasets import Dataset
from ..engine import Value, no_grad, total
from ..extras import install_hint
from ..graph import Graph
from ..losses import binary_cross_entropy_with_logits, cross_entropy, hinge, mse
from ..nn import Module
from .inference import Predictor, _decode
from .recipes import LOSSES, OPTIMIZERS, SCHEDULES, output_size

__all__ = ["History", "fit"]

_INSTALL_HINT = install_hint("data")

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
    optimizer: str | optim.Optimizer,
    model: Module,
    params: list[Value],
    lr: float | None,
    weight_decay: float | None,
) -> optim.Optimizer:
    if isinstance(optimizer, optim.Optimizer):
        if lr is not None or weight_decay is not None:
            raise ValueError(
                "lr and weight_decay apply to an optimizer fit builds by name; "
                "set them on the ready optimizer instead"
            )
        mine = {id(p) for p in params}
        if not any(id(p) in mine for p in optimizer.params):
            raise ValueError(f"the optimizer holds none of the parameters of {model!r:.60}")
        return optimizer
    if not isinstance(optimizer, str) or optimizer not in OPTIMIZERS:
        raise ValueError(
            f"unknown optimizer {optimizer!r}; known optimizers: {', '.join(OPTIMIZERS)}"
        )
    cls, default_lr = OPTIMIZERS[optimizer]
    settings: dict[str, Any] = {"lr": default_lr if lr is None else lr}
    if weight_decay is not None:  # None: the optimizer's own default (AdamW's is 1e-2)
        settings["weight_decay"] = weight_decay
    return cls(params, **settings)


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
    model: Module,
    data: Dataset,
    loss: str,
    epochs: int,
    batch_size: int | None,
    lr: float | None,
    seed: int,
) -> None:
    if not isinstance(model, Module):
        raise ValueError(f"fit trains an nn.Module, got {type(model).__name__}")
    if not isinstance(data, Dataset):
        raise ValueError(
            f"fit trains on a datasets.Dataset (see datasets.load), got {type(data).__name__}"
        )
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}; known losses: {', '.join(LOSSES)}")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
        raise ValueError(f"epochs must be an integer >= 0, got {epochs!r}")
    if batch_size is not None and (
        isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1
    ):
        raise ValueError(f"batch_size must be a positive integer or None, got {batch_size!r}")
    if lr is not None and not (
        isinstance(lr, (int, float)) and not isinstance(lr, bool) and 0.0 < lr < math.inf
    ):
        raise ValueError(f"lr must be a positive finite number, got {lr!r}")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValueError(f"seed must be an integer, got {seed!r}")
    # NOTE: the lists may have changed since the Dataset was built: check them again.
    data.validate()
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


def _replay_verdict(model: Module) -> bool | None:
    """True: every module is a fixed chain of ops; False: one is not (an active
    Dropout); None: a custom module, whose forward only its author knows."""
    verdicts = {module._replay_safe() for module in model.modules()}
    if False in verdicts:
        return False
    return None if None in verdicts else True


class _Run:
    """What the loop must undo or close, however it ends (class defaults: nothing yet)."""

    start: float | None = None
    modes: list[tuple[Module, bool]] | None = None
    bar: Any = None
    params: list[Value] | None = None
    pending: tuple[int, list[float]] | None = None  # (steps before, weights before) of a step


def fit(
    model: Module,
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
    weight_decay: float | None = None,
    callback: Callable[[History], None] | None = None,
    compile: bool | None = None,  # noqa: A002 (the name torch.compile made familiar)
) -> History:
    """Train ``model`` on ``data.X_train`` by mini-batch gradient descent.

    Each epoch shuffles the train split (with a private ``random.Random(seed)``),
    and for each batch ``B`` takes one optimizer step on the mean loss
    ``L = (1/|B|) * sum_{i in B} loss(model(x_i), y_i)``. After each epoch the
    train and test loss and accuracy are measured without a graph. The model
    trains in training mode and is measured in evaluation mode (Dropout
    off); it gets its own modes back at the end.

    Pressing Ctrl-C (``KeyboardInterrupt``) anywhere inside ``fit``, setup
    included, stops the run cleanly: the model keeps the weights of the last
    optimizer step that finished (a step cut short is undone), the history
    holds every finished epoch, its lists all of the same length, and says
    ``interrupted=True``, and ``fit`` returns normally. (A ready optimizer's
    own buffers may include the step that was cut short.)

    Args:
        model: Any :class:`~tinygrad_lite.nn.Module` with ``data.n_features``
            inputs and :func:`output_size` outputs (see :func:`make_model`).
        data: The data set (see :func:`tinygrad_lite.datasets.load`); its
            rows and labels are checked before anything else.
        loss: ``"cross_entropy"``, ``"hinge"``, ``"bce"`` or ``"mse"``.
        optimizer: A name in :data:`OPTIMIZERS` or a ready ``Optimizer``
            over the model's parameters.
        lr: The learning rate (None: the optimizer's default in :data:`OPTIMIZERS`).
        epochs: Passes over the train split (0 only measures the model).
        batch_size: Samples per step; None uses the whole split (full batch).
        schedule: None (constant rate), ``"linear"`` (decay to 10 %),
            ``"step"`` (times 0.3 every third of the run) or ``"cosine"``.
        seed: Seeds the shuffling, so a seed gives the same run.
        progress: Show a tqdm bar with the epoch, loss and accuracies.
        weight_decay: The decay factor handed to an optimizer built by name
            (None: the optimizer's own default, 0 but for AdamW's 1e-2).
        callback: Called with the history after every epoch; raising
            ``KeyboardInterrupt`` in it stops training like Ctrl-C.
        compile: Record the batch loss once as a
            :class:`~tinygrad_lite.graph.Graph` over input and target
            placeholders and replay it every step (True; one graph per batch
            size: the full batches and a smaller last one), build a fresh
            graph per step (False), or decide (None: compile when every
            module is a built-in whose forward is a fixed chain of ops and
            the run has more steps than batch sizes). Both give the same
            numbers to the last bit; the replay is several times faster. An
            active Dropout can not be replayed (it draws a new mask each
            step); a custom module's forward may branch on the data, so it
            is compiled only on request.

    Returns:
        The :class:`History`.

    Raises:
        ValueError: For a bad label or row in ``data``, an unknown loss,
            optimizer or schedule, a non-positive lr or batch size, negative
            epochs, a model whose output count does not fit the loss and
            data, or ``compile=True`` with an active Dropout.
    """
    # NOTE: fit's first statement is its only try (in CPython 3.11 the line of
    # a nested ``try:`` lies outside the outer handler), so a Ctrl-C anywhere
    # after it lands in the handler, which reads the run's objects through
    # locals(): the signal may arrive before they are even assigned.
    try:
        history = History(dataset=getattr(data, "name", ""), loss=str(loss))
        run = _Run()
        _fit(
            history,
            run,
            model,
            data,
            loss,
            optimizer,
            lr,
            epochs,
            batch_size,
            schedule,
            seed,
            progress,
            weight_decay,
            callback,
            compile,
        )
        return history
    except KeyboardInterrupt:
        stopped = _stop(locals().get("history"), locals().get("run"), data, loss)
        _close(stopped, locals().get("run"))
        return stopped


def _fit(
    history: History,
    run: _Run,
    model: Module,
    data: Dataset,
    loss: str,
    optimizer: str | optim.Optimizer,
    lr: float | None,
    epochs: int,
    batch_size: int | None,
    schedule: str | None,
    seed: int,
    progress: bool,
    weight_decay: float | None,
    callback: Callable[[History], None] | None,
    compile_: bool | None,
) -> None:
    """The loop: fills ``history``, and notes in ``run`` what fit must undo or close."""
    try:
        run.start = time.perf_counter()
        _check_fit_arguments(model, data, loss, epochs, batch_size, lr, seed)
        params = model.parameters()
        opt = _make_optimizer(optimizer, model, params, lr, weight_decay)
        n_train = len(data.X_train)
        size = n_train if batch_size is None else min(batch_size, n_train)
        steps_per_epoch = math.ceil(n_train / size)
        verdict = _replay_verdict(model)
        if compile_ and verdict is False:
            raise ValueError(
                "compile=True would record one Dropout mask and replay it every step; "
                "use compile=False (or None) for a model with an active Dropout"
            )
        # Every batch has ``size`` samples except perhaps the last of an epoch: at
        # most two shapes, each recorded once. Compiling pays as soon as a shape
        # is replayed at least once.
        shapes = len({size, n_train % size} - {0})
        if compile_ is None:
            history.compiled = bool(verdict) and epochs * steps_per_epoch > shapes
        else:
            history.compiled = bool(compile_)
        scheduler = _make_schedule(schedule, opt, max(1, epochs * steps_per_epoch))
        rng = random.Random(seed)
        order = list(range(n_train))
        x_train = data.X_train
        n_outputs = len(model.predict_floats(x_train[:1])[0])
        targets = [_targets(loss, n_outputs, label) for label in data.y_train]
        graphs: dict[int, Graph] = {}  # one per batch size (the last batch may be smaller)
        run.params = params
        run.modes = [(module, module.training) for module in model.modules()]
        modules = [module for module, _ in run.modes]
        run.bar = _progress_bar(epochs, data.name, progress)
        bar = run.bar
        _set_training(modules, True)
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
                # NOTE: the step counts once history.steps moves past pending[0];
                # until then a Ctrl-C puts these weights back (see _stop).
                run.pending = (history.steps, [p.data for p in params])
                opt.step()
                history.steps += 1
                if scheduler is not None:
                    scheduler.step()
            _set_training(modules, False)
            _record_epoch(history, epoch, model, data, loss, run.start)
            _set_training(modules, True)
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
        if epochs == 0:
            _set_training(modules, False)
            _record_epoch(history, 0, model, data, loss, run.start)
    finally:
        _close(history, run)


def _set_training(modules: list[Module], mode: bool) -> None:
    for module in modules:
        module.training = mode


def _stop(history: History | None, run: _Run | None, data: Any, loss: Any) -> History:
    """After a Ctrl-C: undo a step that did not count, and cut a half-recorded epoch."""
    if history is None:
        return History(dataset=getattr(data, "name", ""), loss=str(loss), interrupted=True)
    history.interrupted = True
    if (
        run is not None
        and run.pending is not None
        and run.params is not None
        and history.steps == run.pending[0]
    ):
        # NOTE: a step cut short would leave some weights updated and others
        # not; put them all back so the model is the last finished step's.
        for p, data_before in zip(run.params, run.pending[1], strict=True):
            p.data = data_before
    series: tuple[list[Any], ...] = (
        history.epochs,
        history.train_loss,
        history.test_loss,
        history.train_accuracy,
        history.test_accuracy,
        history.times,
    )
    finished = min(map(len, series))
    for values in series:
        del values[finished:]
    return history


def _close(history: History | None, run: _Run | None) -> None:
    """Give every module its mode back, close the bar, stop the clock (safe to repeat)."""
    if run is None:
        return
    if run.modes is not None:
        for module, mode in run.modes:
            module.training = mode
    if run.bar is not None:
        run.bar.close()
    if history is not None and run.start is not None:
        history.seconds = time.perf_counter() - run.start


def _batch_loss(
    loss: str,
    model: Module,
    rows: Sequence[Sequence[Value | float]],
    targets: Sequence[Sequence[Value | float]],
) -> Value:
    """The mean loss ``(1/|B|) * sum_i loss(model(x_i), t_i)`` over a batch."""
    samples = [_sample_loss(loss, model.outputs(x), t) for x, t in zip(rows, targets, strict=True)]
    return total(samples) * (1.0 / len(samples))


def _compile_batch(
    loss: str, model: Module, rows: Sequence[Sequence[float]], targets: Sequence[Sequence[float]]
) -> Graph:
    """The batch loss recorded once over placeholders for the inputs and targets."""
    row_slots = [[Value(v) for v in row] for row in rows]
    target_slots = [[Value(v) for v in row] for row in targets]
    placeholders = [v for row in (*row_slots, *target_slots) for v in row]
    return Graph(_batch_loss(loss, model, row_slots, target_slots), placeholders)


def _record_epoch(
    history: History, epoch: int, model: Module, data: Dataset, loss: str, start: float
) -> None:
    # NOTE: measure everything first, then append; a Ctrl-C between the
    # appends is repaired by _stop, which cuts every list to the shortest.
    train_loss, train_accuracy = _measure(loss, model, data.X_train, data.y_train)
    test_loss, test_accuracy = _measure(loss, model, data.X_test, data.y_test)
    history.epochs.append(epoch)
    history.train_loss.append(train_loss)
    history.test_loss.append(test_loss)
    history.train_accuracy.append(train_accuracy)
    history.test_accuracy.append(test_accuracy)
    history.times.append(time.perf_counter() - start)
