"""Inference: classes from a model's scores, on plain floats, with no graph.

Sits on :mod:`tinygrad_lite.nn`. A model with one output says class 1 when
its score is positive (a logit for ``"bce"``, a ±1 target for ``"hinge"``
and ``"mse"``); a model with ``k >= 2`` outputs says the class with the
largest score (softmax logits for ``"cross_entropy"``, one-vs-rest scores for
the other losses). Inputs may be lists, tuples or numpy arrays.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol

from ..nn import Module

__all__ = ["Predictor", "accuracy", "predict"]


class Predictor(Protocol):
    """Anything :func:`predict` can run: a ``Module`` or a stand-in with the same method."""

    def predict_floats(self, rows: Sequence[Sequence[float]]) -> list[list[float]]:
        """One list of output scores per input row, computed without a graph."""
        ...


def _decode(scores: Sequence[float]) -> int:
    if len(scores) == 1:
        return 1 if scores[0] > 0.0 else 0
    best = 0
    for i in range(1, len(scores)):
        if scores[i] > scores[best]:
            best = i
    return best


def _plain(values: Any, what: str) -> list[Any]:
    """A list from a list, a tuple, a numpy array or a pandas object."""
    if hasattr(values, "to_numpy"):  # pandas
        values = values.to_numpy()
    if hasattr(values, "tolist"):  # numpy
        values = values.tolist()
    if not isinstance(values, (list, tuple)):
        raise ValueError(
            f"{what} must be a list, a tuple or a numpy array, got {type(values).__name__}"
        )
    return list(values)


def _rows(inputs: Any) -> list[Any]:
    rows = _plain(inputs, "inputs")
    for i, row in enumerate(rows):
        if not isinstance(row, (list, tuple)):
            raise ValueError(
                f"inputs must be rows of numbers (2-D), but inputs[{i}] is "
                f"{type(row).__name__}: {row!r:.40}"
            )
    return rows


@contextmanager
def _evaluation(model: Any) -> Iterator[None]:
    """A Module in evaluation mode inside (Dropout off), its modes restored after."""
    if not isinstance(model, Module):
        yield
        return
    modes = [(module, module.training) for module in model.modules()]
    try:
        model.eval()
        yield
    finally:
        for module, mode in modes:
            module.training = mode


def predict(model: Predictor, inputs: Sequence[Sequence[float]] | Any) -> list[int]:
    """The predicted class of each input row, computed on floats (no graph).

    One output: class 1 when the score is ``> 0``; several: the arg-max (the
    first one on a tie). A ``Module`` runs in evaluation mode (as after
    ``model.eval()``, so Dropout is off) and keeps its own mode afterwards.

    Args:
        model: A ``Module`` (or anything with ``predict_floats``).
        inputs: Rows of features: lists, tuples or a 2-D numpy array.

    Raises:
        ValueError: If ``inputs`` is not 2-D.
    """
    rows = _rows(inputs)
    with _evaluation(model):
        return [_decode(scores) for scores in model.predict_floats(rows)]


def accuracy(
    model: Predictor, inputs: Sequence[Sequence[float]] | Any, labels: Sequence[int] | Any
) -> float:
    """The fraction of rows whose predicted class equals the label.

    Args:
        model: As for :func:`predict`.
        inputs: As for :func:`predict`.
        labels: One class index per row: a list, a tuple or a numpy array.

    Raises:
        ValueError: If ``inputs`` and ``labels`` differ in length or are empty.
    """
    rows, targets = _rows(inputs), _plain(labels, "labels")
    if len(rows) != len(targets) or not targets:
        raise ValueError(
            f"accuracy needs as many labels as inputs (at least one), "
            f"got {len(rows)} inputs and {len(targets)} labels"
        )
    hits: int = sum(p == y for p, y in zip(predict(model, rows), targets, strict=True))
    return hits / len(targets)
