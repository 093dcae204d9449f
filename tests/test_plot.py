"""Tests for tinygrad_lite.plot: figures are drawn headless, titled, and written."""

from __future__ import annotations

import struct
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from tinygrad_lite import plot
from tinygrad_lite.datasets import Dataset
from tinygrad_lite.train import History

pytest.importorskip("matplotlib")

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class Sign:
    """A stand-in model: one score, the first feature (class 1 when it is positive)."""

    def __init__(self) -> None:
        self.rows_seen = 0

    def predict_floats(self, rows: Sequence[Sequence[float]]) -> list[list[float]]:
        self.rows_seen += len(rows)
        return [[row[0]] for row in rows]


class Nearest:
    """A stand-in model for 4 features and 3 classes: score c is minus the distance to a center."""

    centers = ([-2.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0], [2.0, 0.0, 0.0, 0.0])

    def predict_floats(self, rows: Sequence[Sequence[float]]) -> list[list[float]]:
        return [
            [-sum((a - b) ** 2 for a, b in zip(row, c, strict=True)) for c in self.centers]
            for row in rows
        ]


def two_features() -> Dataset:
    return Dataset(
        name="toy",
        X_train=[[-1.0, 0.5], [1.0, -0.5], [-2.0, 1.0], [2.0, 1.0]],
        y_train=[0, 1, 0, 1],
        X_test=[[-0.5, 0.0], [0.5, 0.0], [1.5, 2.0], [-1.5, -1.0]],
        y_test=[0, 1, 1, 1],  # the last one is on the wrong side: test accuracy 0.75
        class_names=["left", "right"],
        feature_names=["a", "b"],
    )


def four_features() -> Dataset:
    train = [[-2.0, 0.1, 0.2, -0.1], [0.1, 0.3, -0.2, 0.0], [2.1, -0.2, 0.1, 0.3]] * 3
    return Dataset(
        name="toy4",
        X_train=[[x + 0.01 * i for x in row] for i, row in enumerate(train)],
        y_train=[0, 1, 2] * 3,
        X_test=[[-1.9, 0.0, 0.0, 0.0], [2.2, 0.1, 0.0, 0.0]],
        y_test=[0, 2],
        class_names=["a", "b", "c"],
        feature_names=["f1", "f2", "f3", "f4"],
    )


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == PNG_MAGIC
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def test_decision_boundary_two_features(tmp_path: Path) -> None:
    model = Sign()
    path = tmp_path / "toy-boundary.png"
    figure = plot.decision_boundary(model, two_features(), path, resolution=30)
    assert model.rows_seen >= 30 * 30  # the whole grid was classified
    (ax,) = figure.axes
    assert ax.get_title() == "toy: train accuracy 1.000, test accuracy 0.750"
    assert ax.get_xlabel() == "a" and ax.get_ylabel() == "b"
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert legend == ["left", "right", "train", "test"]
    width, height = png_size(path)
    assert width > 300 and height > 300


def test_decision_boundary_projects_more_features(tmp_path: Path) -> None:
    path = tmp_path / "toy4.svg"
    figure = plot.decision_boundary(Nearest(), four_features(), path, resolution=20, title="t")
    (ax,) = figure.axes
    assert ax.get_title() == "t"
    assert ax.get_xlabel() == "principal component 1"
    text = path.read_text(encoding="utf-8")
    assert "<svg" in text[:1000]


def test_decision_boundary_without_path_writes_nothing(tmp_path: Path) -> None:
    figure = plot.decision_boundary(Sign(), two_features(), resolution=5)
    assert figure.axes
    assert list(tmp_path.iterdir()) == []


def test_history_figure(tmp_path: Path) -> None:
    history = History(
        epochs=[1, 2, 3],
        train_loss=[1.0, 0.5, 0.25],
        test_loss=[1.1, 0.6, 0.4],
        train_accuracy=[0.5, 0.8, 0.9],
        test_accuracy=[0.4, 0.7, 0.85],
        times=[0.1, 0.2, 0.3],
        seconds=0.31,
        steps=3,
        interrupted=True,
        dataset="toy",
        loss="hinge",
    )
    path = tmp_path / "toy-history.png"
    figure = plot.history(history, path)
    loss_ax, accuracy_ax = figure.axes
    assert loss_ax.get_ylabel() == "loss (hinge)"
    assert accuracy_ax.get_ylabel() == "accuracy"
    assert [line.get_label() for line in loss_ax.get_lines()] == ["train", "test"]
    assert list(loss_ax.get_lines()[0].get_ydata()) == [1.0, 0.5, 0.25]
    assert figure.get_suptitle() == "toy: 3 epochs in 0.3 s, interrupted"
    width, height = png_size(path)
    assert width > height > 100


def test_history_ticks_are_whole_epochs() -> None:
    history = History(
        epochs=[1, 2, 3],
        train_loss=[1.0, 0.5, 0.25],
        test_loss=[1.1, 0.6, 0.4],
        train_accuracy=[0.5, 0.8, 0.9],
        test_accuracy=[0.4, 0.7, 0.85],
    )
    figure = plot.history(history)
    for ax in figure.axes:
        low, high = ax.get_xlim()
        ticks = [t for t in ax.get_xticks() if low <= t <= high]
        assert len(ticks) >= 2 and all(float(t).is_integer() for t in ticks), ticks


def test_bad_path_and_resolution(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"\.png or \.svg"):
        plot.decision_boundary(Sign(), two_features(), tmp_path / "x.jpg")
    with pytest.raises(ValueError, match=r"\.png or \.svg"):
        plot.history(History(), tmp_path / "x")
    with pytest.raises(ValueError, match="resolution"):
        plot.decision_boundary(Sign(), two_features(), resolution=1)


def test_missing_matplotlib_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(ImportError, match=r"tinygrad_lite\[plot\]"):
        plot.decision_boundary(Sign(), two_features(), resolution=5)


def test_a_real_model_end_to_end(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    from tinygrad_lite import datasets, train

    data = datasets.load("iris")
    model = train.make_model(data, hidden=(4,), seed=0)
    history = train.fit(model, data, epochs=2, batch_size=32, progress=False)
    plot.decision_boundary(model, data, tmp_path / "iris.png", resolution=25)
    plot.history(history, tmp_path / "iris-history.png")
    assert png_size(tmp_path / "iris.png")[0] > 300
    assert png_size(tmp_path / "iris-history.png")[0] > 300
