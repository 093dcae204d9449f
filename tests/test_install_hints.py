"""A missing extra is named with both install commands: from a package index and from a clone.

A reader who cloned the repository needs ``pip install -e ".[data]"``;
``pip install "tinygrad_lite[data]"`` alone sends them to a registry. Each test
hides the third-party package (``sys.modules[name] = None`` makes its import
fail) and calls the public function that needs it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tinygrad_lite import Value, plot, viz
from tinygrad_lite.cli import main
from tinygrad_lite.datasets import Dataset, load
from tinygrad_lite.nn import MLP
from tinygrad_lite.train import History, fit


def tiny_dataset() -> Dataset:
    """Two points per split, built by hand (no scikit-learn)."""
    rows = [[0.0, 1.0], [1.0, 0.0]]
    return Dataset(
        name="toy",
        X_train=rows,
        y_train=[0, 1],
        X_test=rows,
        y_test=[0, 1],
        class_names=["a", "b"],
        feature_names=["u", "v"],
    )


def call_load() -> object:
    return load("moons", n_samples=40)


def call_plot() -> object:
    return plot.history(History(epochs=[1], train_loss=[1.0], test_loss=[1.0]))


def call_fit() -> object:
    return fit(MLP(2, [2], seed=0), tiny_dataset(), epochs=1, progress=True)


def call_animation(tmp_path: Path) -> object:
    return viz.save_animation([viz.draw_graph(Value(1.0) * 2)], tmp_path / "a.gif")


@pytest.mark.parametrize(
    ("extra", "hidden", "call"),
    [
        ("data", ("sklearn", "sklearn.datasets"), lambda _: call_load()),
        ("plot", ("matplotlib.figure", "matplotlib.backends.backend_agg"), lambda _: call_plot()),
        ("data", ("tqdm", "tqdm.auto"), lambda _: call_fit()),
        ("viz", ("PIL",), call_animation),
    ],
    ids=["datasets-scikit-learn", "plot-matplotlib", "fit-tqdm", "animation-pillow"],
)
def test_missing_extra_names_both_install_commands(
    extra: str,
    hidden: tuple[str, ...],
    call: Callable[[Path], object],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    for name in hidden:
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(ImportError) as caught:
        call(tmp_path)
    message = str(caught.value)
    assert f'pip install "tinygrad_lite[{extra}]"' in message
    assert f'pip install -e ".[{extra}]"' in message


def test_train_cli_without_scikit_learn_names_both_install_commands(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "sklearn", None)
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    status = main(["train", "--dataset", "moons", "--out", str(tmp_path), "--no-progress"])
    error = capsys.readouterr().err
    assert status == 1
    assert 'pip install "tinygrad_lite[data]"' in error
    assert 'pip install -e ".[data]"' in error
