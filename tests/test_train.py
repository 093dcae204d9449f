"""Tests for tinygrad_lite.train: predict, accuracy, fit, History, Ctrl-C handling."""

from __future__ import annotations

import json
import math
import signal
import subprocess
import sys
from collections.abc import Sequence

import pytest

from tinygrad_lite import optim, train
from tinygrad_lite.datasets import Dataset, load
from tinygrad_lite.engine import Value
from tinygrad_lite.nn import MLP
from tinygrad_lite.train import History, accuracy, fit, make_model, predict

pytest.importorskip("sklearn")


@pytest.fixture(scope="module")
def moons() -> Dataset:
    return load("moons", n_samples=40, seed=1)


@pytest.fixture(scope="module")
def blobs() -> Dataset:
    return load("blobs", n_samples=48, seed=2)


class Scores:
    """A stand-in model: its scores are fixed functions of the input."""

    def __init__(self, outputs: int) -> None:
        self.outputs = outputs

    def predict_floats(self, rows: Sequence[Sequence[float]]) -> list[list[float]]:
        if self.outputs == 1:
            return [[row[0]] for row in rows]
        return [[row[0] * (c + 1) - c for c in range(self.outputs)] for row in rows]


# -- inference ----------------------------------------------------------------


def test_predict_one_output_is_the_sign() -> None:
    assert predict(Scores(1), [[2.0], [-0.5], [0.0], [1e-300]]) == [1, 0, 0, 1]


def test_predict_several_outputs_is_the_argmax() -> None:
    # scores for x: [x, 2x - 1, 3x - 2]; the largest is class 0 below x = 1, class 2 above
    assert predict(Scores(3), [[0.0], [3.0], [-4.0]]) == [0, 2, 0]
    # x = 1 ties all three: the first class wins
    assert predict(Scores(3), [[1.0]]) == [0]


def test_accuracy_counts_hits() -> None:
    assert accuracy(Scores(1), [[1.0], [-1.0], [2.0], [3.0]], [1, 0, 0, 0]) == 0.5
    with pytest.raises(ValueError, match="as many labels"):
        accuracy(Scores(1), [[1.0]], [1, 0])
    with pytest.raises(ValueError, match="as many labels"):
        accuracy(Scores(1), [], [])


def test_predict_agrees_with_the_graph_forward(blobs: Dataset) -> None:
    model = make_model(blobs, hidden=(5,), seed=3)
    for x, label in zip(blobs.X_test, predict(model, blobs.X_test), strict=True):
        out = model.outputs(x)
        assert label == max(range(len(out)), key=lambda c: out[c].data)


# -- fit --------------------------------------------------------------------------


def test_fit_records_every_epoch(moons: Dataset) -> None:
    model = make_model(moons, hidden=(6,), seed=0)
    history = fit(model, moons, epochs=4, batch_size=8, progress=False)
    assert isinstance(history, History)
    assert history.epochs == [1, 2, 3, 4]
    for series in (
        history.train_loss,
        history.test_loss,
        history.train_accuracy,
        history.test_accuracy,
        history.times,
    ):
        assert len(series) == 4 and all(math.isfinite(v) for v in series)
    assert all(0.0 <= a <= 1.0 for a in history.train_accuracy + history.test_accuracy)
    assert history.times == sorted(history.times)
    assert history.seconds >= history.times[-1]
    assert history.steps == 4 * math.ceil(len(moons.X_train) / 8)
    assert not history.interrupted
    assert history.dataset == "moons" and history.loss == "cross_entropy"
    # the history's last numbers describe the model that fit returned
    assert history.train_accuracy[-1] == accuracy(model, moons.X_train, moons.y_train)
    assert history.test_accuracy[-1] == accuracy(model, moons.X_test, moons.y_test)
    json.dumps(history.as_dict())


def test_fit_learns_blobs(blobs: Dataset) -> None:
    model = make_model(blobs, hidden=(8,), seed=0)
    history = fit(model, blobs, lr=0.05, epochs=15, batch_size=8, progress=False)
    assert history.train_loss[-1] < 0.5 * history.train_loss[0]
    assert history.train_accuracy[-1] >= 0.9


def test_fit_is_reproducible(moons: Dataset) -> None:
    runs = []
    for _ in range(2):
        model = make_model(moons, hidden=(4,), seed=5)
        history = fit(model, moons, epochs=2, batch_size=7, seed=9, progress=False)
        runs.append((history.train_loss, model.state_dict()))
    assert runs[0] == runs[1]


def test_full_batch_takes_one_step_per_epoch(moons: Dataset) -> None:
    model = make_model(moons, hidden=(4,), seed=0)
    assert fit(model, moons, epochs=3, progress=False).steps == 3


@pytest.mark.parametrize("loss", ["cross_entropy", "hinge", "bce", "mse"])
@pytest.mark.parametrize("name", ["moons", "blobs"])
def test_every_loss_trains(loss: str, name: str, moons: Dataset, blobs: Dataset) -> None:
    data = moons if name == "moons" else blobs
    model = make_model(data, hidden=(6,), loss=loss, seed=0)
    expected_outputs = 1 if loss != "cross_entropy" and data.n_classes == 2 else data.n_classes
    assert model.nouts[-1] == expected_outputs == train.output_size(loss, data.n_classes)
    history = fit(model, data, loss=loss, lr=0.05, epochs=6, batch_size=8, progress=False)
    assert history.train_loss[-1] < history.train_loss[0]


@pytest.mark.parametrize("loss", ["cross_entropy", "hinge", "bce", "mse"])
@pytest.mark.parametrize("name", ["moons", "blobs"])
def test_compiled_training_equals_eager_to_the_last_bit(
    loss: str, name: str, moons: Dataset, blobs: Dataset
) -> None:
    # batch 7 leaves a smaller last batch: two recorded graphs are replayed
    data = moons if name == "moons" else blobs
    runs = {}
    for compiled in (False, True):
        model = make_model(data, hidden=(6, 5), loss=loss, seed=3)
        history = fit(
            model,
            data,
            loss=loss,
            lr=0.05,
            epochs=4,
            batch_size=7,
            progress=False,
            compile=compiled,
        )
        assert history.compiled is compiled
        runs[compiled] = (history.train_loss, history.test_loss, model.state_dict())
    assert runs[True] == runs[False]


def test_compile_defaults(moons: Dataset) -> None:
    model = make_model(moons, hidden=(4,), seed=0)
    assert fit(model, moons, epochs=2, batch_size=8, progress=False).compiled
    # one full-batch step: recording a graph to replay it never would not pay
    assert not fit(model, moons, epochs=1, progress=False).compiled
    assert fit(model, moons, epochs=2, progress=False).compiled


@pytest.mark.parametrize("optimizer", sorted(train.OPTIMIZERS))
@pytest.mark.parametrize("schedule", [None, *train.SCHEDULES])
def test_every_optimizer_and_schedule(optimizer: str, schedule: str | None, moons: Dataset) -> None:
    model = make_model(moons, hidden=(4,), seed=0)
    before = model.state_dict()
    history = fit(
        model, moons, optimizer=optimizer, schedule=schedule, epochs=2, batch_size=16,
        progress=False,
    )  # fmt: skip
    assert history.steps == 2 * math.ceil(len(moons.X_train) / 16)
    assert model.state_dict() != before


def test_a_ready_optimizer_is_used(moons: Dataset) -> None:
    model = make_model(moons, hidden=(4,), seed=0)
    opt = optim.SGD(model.parameters(), lr=0.1)
    fit(model, moons, optimizer=opt, epochs=2, progress=False)
    assert opt.steps == 2


def test_zero_epochs_only_measures(moons: Dataset) -> None:
    model = make_model(moons, hidden=(4,), seed=0)
    before = model.state_dict()
    history = fit(model, moons, epochs=0, progress=False)
    assert history.epochs == [0] and history.steps == 0
    assert model.state_dict() == before


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"loss": "l1"}, "unknown loss 'l1'"),
        ({"optimizer": "lbfgs"}, "unknown optimizer 'lbfgs'.*adam"),
        ({"schedule": "exp"}, "unknown schedule 'exp'"),
        ({"epochs": -1}, "epochs"),
        ({"epochs": 2.5}, "epochs"),
        ({"batch_size": 0}, "batch_size"),
        ({"lr": -0.1}, "lr"),
        ({"lr": math.inf}, "lr"),
    ],
)
def test_bad_arguments(kwargs: dict[str, object], message: str, moons: Dataset) -> None:
    model = make_model(moons, hidden=(4,), seed=0)
    with pytest.raises(ValueError, match=message):
        fit(model, moons, progress=False, **kwargs)  # type: ignore[arg-type]


def test_model_must_fit_the_loss(blobs: Dataset) -> None:
    with pytest.raises(ValueError, match="needs a model with 3 outputs, got one with 1"):
        fit(MLP(2, [4, 1], seed=0), blobs, progress=False)
    with pytest.raises(ValueError, match="unknown data set"):
        train.default_settings("mnist")


# -- progress bar -----------------------------------------------------------------


def test_progress_false_is_silent(moons: Dataset, capsys: pytest.CaptureFixture[str]) -> None:
    fit(make_model(moons, hidden=(4,)), moons, epochs=2, progress=False)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_progress_bar_shows_epoch_loss_accuracy(
    moons: Dataset, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("tqdm")
    fit(make_model(moons, hidden=(4,)), moons, epochs=3, progress=True)
    captured = capsys.readouterr()
    assert captured.out == ""  # the bar goes to stderr, stdout stays clean for --json
    assert "train moons" in captured.err
    assert "3/3" in captured.err
    assert "loss=" in captured.err and "acc=" in captured.err and "test_acc=" in captured.err


def test_missing_tqdm_names_the_extra(moons: Dataset, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    with pytest.raises(ImportError, match=r"tinygrad_lite\[data\]"):
        fit(make_model(moons, hidden=(4,)), moons, epochs=1, progress=True)


# -- Ctrl-C -----------------------------------------------------------------------


def test_interrupt_from_callback_keeps_finished_epochs(moons: Dataset) -> None:
    model = make_model(moons, hidden=(4,), seed=0)
    seen: list[dict[str, float]] = []

    def stop_after_two(history: History) -> None:
        seen.append(model.state_dict())
        if len(history.epochs) == 2:
            raise KeyboardInterrupt

    history = fit(model, moons, epochs=10, batch_size=8, callback=stop_after_two, progress=False)
    assert history.interrupted
    assert history.epochs == [1, 2]
    assert history.steps == 2 * math.ceil(len(moons.X_train) / 8)
    assert model.state_dict() == seen[-1]


class InterruptedSGD(optim.SGD):
    """SGD that gets Ctrl-C (a real SIGINT) halfway through its ``stop_at``-th step."""

    def __init__(self, params: list[Value], lr: float, stop_at: int) -> None:
        super().__init__(params, lr)
        self.stop_at = stop_at
        self.calls = 0
        self.before_last: list[float] = []

    def step(self) -> None:
        self.calls += 1
        if self.calls < self.stop_at:
            super().step()
            return
        self.before_last = [p.data for p in self.params]
        half = len(self.params) // 2
        for p in self.params[:half]:  # a partial update, then the interrupt
            p.data -= self.lr * p.grad
        signal.raise_signal(signal.SIGINT)


def test_ctrl_c_mid_step_keeps_the_last_finished_step(moons: Dataset) -> None:
    model = make_model(moons, hidden=(4,), seed=0)
    opt = InterruptedSGD(model.parameters(), lr=0.1, stop_at=5)
    history = fit(model, moons, optimizer=opt, epochs=10, batch_size=8, progress=False)
    assert history.interrupted
    assert history.steps == 4
    # the half-done fifth step is undone
    assert [p.data for p in model.parameters()] == opt.before_last
    # 30 train points in batches of 8: 4 steps make epoch 1; epoch 2 never finished
    assert len(moons.X_train) == 30
    assert history.epochs == [1]


def test_import_needs_no_third_party_module() -> None:
    code = (
        "import sys; import tinygrad_lite.train, tinygrad_lite.plot; "
        "bad = [m for m in ('sklearn', 'tqdm', 'matplotlib', 'numpy') if m in sys.modules]; "
        "sys.exit(1 if bad else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
