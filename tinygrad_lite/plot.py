"""Figures of trained classifiers: decision boundaries and training curves.

Sits at the top of the import order next to :mod:`tinygrad_lite.train`, whose
graph-free :func:`~tinygrad_lite.train.predict` it uses to colour a dense
grid. matplotlib (and numpy, which it brings) are imported inside the
functions, never at import time; figures are drawn on a bare
:class:`matplotlib.figure.Figure` with the Agg canvas, so everything works
headless and the global pyplot state is never touched.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .datasets import Dataset
from .extras import install_hint
from .train import History, Predictor, accuracy, predict

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["decision_boundary", "history"]

_INSTALL_HINT = install_hint("plot")
_SUFFIXES = (".png", ".svg")
# Colour-blind-safe class colours (Okabe-Ito), strong for points, light for regions.
_COLORS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"]


def _new_figure(width: float, height: float) -> Figure:
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as error:
        raise ImportError(f"tinygrad_lite.plot needs matplotlib: {_INSTALL_HINT}") from error
    figure = Figure(figsize=(width, height), dpi=110, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _check_path(path: str | os.PathLike[str] | None) -> None:
    if path is not None and os.path.splitext(os.fspath(path))[1].lower() not in _SUFFIXES:
        raise ValueError(f"path must end in .png or .svg, got {os.fspath(path)!r}")


def _save(figure: Figure, path: str | os.PathLike[str] | None) -> None:
    if path is not None:
        figure.savefig(os.fspath(path))


def _plane(data: Dataset) -> tuple[Any, Any, str, str]:
    """A 2-D view of the inputs: (origin, axes as rows, x label, y label).

    Two features are shown as they are. With more, the view is the plane of
    the first two principal components of the train inputs, through their
    mean: a grid point ``(u, v)`` stands for ``origin + u * axes[0] + v * axes[1]``.
    """
    import numpy as np

    if data.n_features == 2:
        return np.zeros(2), np.eye(2), data.feature_names[0], data.feature_names[1]
    train = np.asarray(data.X_train, dtype=float)
    origin = train.mean(axis=0)
    _, _, components = np.linalg.svd(train - origin, full_matrices=False)
    axes = components[:2]
    # NOTE: fix each component's sign (largest loading positive) so the picture
    # does not flip between numpy builds.
    for row in axes:
        if row[np.argmax(np.abs(row))] < 0:
            row *= -1.0
    return origin, axes, "principal component 1", "principal component 2"


def decision_boundary(
    model: Predictor,
    data: Dataset,
    path: str | os.PathLike[str] | None = None,
    *,
    resolution: int = 200,
    title: str | None = None,
) -> Figure:
    """Draw the classes a model predicts over the input plane, with the data on top.

    Every point of a ``resolution x resolution`` grid is classified with the
    graph-free :func:`~tinygrad_lite.train.predict`; the filled regions show
    the predicted class, black lines the boundaries between them. Train
    points are circles, test points triangles, both coloured by their true
    class. Data sets with more than two features (iris) are shown in the
    plane of the first two principal components of the train inputs: the
    regions are then a slice of the decision function through that plane.

    Args:
        model: Anything with ``predict_floats(rows)``, such as an ``MLP``.
        data: The data set the model was trained on.
        path: When given, the figure is written there (``.png`` or ``.svg``).
        resolution: Grid points along each axis.
        title: Replaces the default title (data set name and accuracies).

    Returns:
        The matplotlib ``Figure``.

    Raises:
        ValueError: For a path with another suffix or a resolution below 2.
    """
    _check_path(path)
    if isinstance(resolution, bool) or not isinstance(resolution, int) or resolution < 2:
        raise ValueError(f"resolution must be an integer >= 2, got {resolution!r}")
    figure = _new_figure(6.4, 5.2)
    import numpy as np
    from matplotlib.colors import ListedColormap
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    n_classes = data.n_classes
    colors = [_COLORS[i % len(_COLORS)] for i in range(n_classes)]
    origin, axes, xlabel, ylabel = _plane(data)
    train_2d = (np.asarray(data.X_train, dtype=float) - origin) @ axes.T
    test_2d = (np.asarray(data.X_test, dtype=float) - origin) @ axes.T
    every = np.vstack([train_2d, test_2d])
    low, high = every.min(axis=0), every.max(axis=0)
    margin = 0.1 * (high - low) + 0.25
    us = np.linspace(low[0] - margin[0], high[0] + margin[0], resolution)
    vs = np.linspace(low[1] - margin[1], high[1] + margin[1], resolution)
    grid_u, grid_v = np.meshgrid(us, vs)
    plane = np.column_stack([grid_u.ravel(), grid_v.ravel()])
    inputs = (origin + plane @ axes).tolist()
    classes = np.asarray(predict(model, inputs), dtype=float).reshape(grid_u.shape)

    ax = figure.add_subplot()
    levels = np.arange(n_classes + 1) - 0.5
    ax.contourf(grid_u, grid_v, classes, levels=levels, cmap=ListedColormap(colors), alpha=0.28)
    if n_classes > 1:
        ax.contour(grid_u, grid_v, classes, levels=levels[1:-1], colors="black", linewidths=0.8)
    for points, labels, marker, size in (
        (train_2d, data.y_train, "o", 26),
        (test_2d, data.y_test, "^", 44),
    ):
        ax.scatter(
            points[:, 0],
            points[:, 1],
            c=[colors[y] for y in labels],
            marker=marker,
            s=size,
            edgecolors="black" if marker == "o" else "white",
            linewidths=0.6 if marker == "o" else 0.9,
            zorder=3,
        )
    train_accuracy = accuracy(model, data.X_train, data.y_train)
    test_accuracy = accuracy(model, data.X_test, data.y_test)
    if title is None:
        title = (
            f"{data.name}: train accuracy {train_accuracy:.3f}, test accuracy {test_accuracy:.3f}"
        )
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    handles: list[Any] = [
        Patch(facecolor=color, edgecolor="black", label=name)
        for color, name in zip(colors, data.class_names, strict=True)
    ]
    handles.append(Line2D([], [], marker="o", ls="", color="gray", mec="black", label="train"))
    handles.append(Line2D([], [], marker="^", ls="", color="gray", mec="white", label="test"))
    ax.legend(handles=handles, loc="best", fontsize="small", framealpha=0.85)
    _save(figure, path)
    return figure


def _curve(ax: Any, epochs: Sequence[int], train: Sequence[float], test: Sequence[float]) -> None:
    from matplotlib.ticker import MaxNLocator

    marker = "o" if len(epochs) <= 30 else None
    ax.plot(epochs, train, label="train", color=_COLORS[0], marker=marker, ms=3)
    ax.plot(epochs, test, label="test", color=_COLORS[5], marker=marker, ms=3, ls="--")
    ax.set_xlabel("epoch")
    # NOTE: epochs are whole numbers: no 1.5 or 2.5 ticks on a short run.
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small")


def history(
    history: History,
    path: str | os.PathLike[str] | None = None,
    *,
    title: str | None = None,
) -> Figure:
    """Draw the loss and accuracy per epoch, train and test side by side.

    Args:
        history: What :func:`~tinygrad_lite.train.fit` returned.
        path: When given, the figure is written there (``.png`` or ``.svg``).
        title: Replaces the default title (data set, epochs, wall time).

    Returns:
        The matplotlib ``Figure``.

    Raises:
        ValueError: For a path with another suffix.
    """
    _check_path(path)
    figure = _new_figure(9.6, 3.8)
    loss_ax, accuracy_ax = figure.subplots(1, 2)
    _curve(loss_ax, history.epochs, history.train_loss, history.test_loss)
    loss_ax.set_ylabel(f"loss ({history.loss})" if history.loss else "loss")
    loss_ax.set_yscale(
        "log" if min(history.train_loss + history.test_loss, default=0) > 0 else "linear"
    )
    _curve(accuracy_ax, history.epochs, history.train_accuracy, history.test_accuracy)
    accuracy_ax.set_ylabel("accuracy")
    accuracy_ax.set_ylim(min([*history.train_accuracy, *history.test_accuracy, 0.5]) - 0.02, 1.01)
    if title is None:
        name = history.dataset or "training"
        stopped = ", interrupted" if history.interrupted else ""
        title = f"{name}: {len(history.epochs)} epochs in {history.seconds:.1f} s{stopped}"
    figure.suptitle(title)
    _save(figure, path)
    return figure
