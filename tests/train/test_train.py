"""Tests for tinygrad_lite.train: predict, accuracy, fit, History, Ctrl-C handling."""

from __future__ import annotations

import json
import math
import signal
import subprocess
import sys
from collections.abc import Sequence
from typing import Any

import pytest

from tinygrad_lite import optim, train
from tinygrad_lite.datasets import Dataset, load
from tinygrad_lite.engine import Value
from tinygrad_lite.nn import MLP, Dropout, Linear, Module, ReLU, Sequential
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


# -- any Module, numpy, data checks --------------------------------


def test_predict_and_accuracy_take_numpy_arrays(blobs: Dataset) -> None:
    np = pytest.importorskip("numpy")
    model = make_model(blobs, hidden=(5,), seed=3)
    rows, labels = np.array(blobs.X_test), np.array(blobs.y_test)
    assert predict(model, rows) == predict(model, blobs.X_test)
    assert accuracy(model, rows, labels) == accuracy(model, blobs.X_test, blobs.y_test)
    assert accuracy(model, rows.astype(np.float32), labels.astype(np.int64)) >= 0.0
    with pytest.raises(ValueError, match=r"rows of numbers \(2-D\)"):
        predict(model, np.array([0.1, 0.2]))


class Net(Module):
    """A student's model: the layers of MLP(2, [16, 16, 2]) as attributes."""

    def __init__(self, twin: MLP) -> None:
        self.l1, self.l2, self.l3 = twin.layers  # the same Layers, hence the same start
        self.scale = 1.0  # a plain attribute, not a parameter

    def forward(self, x: Sequence[Value | float]) -> list[Value]:
        return self.l3.outputs(self.l2.outputs(self.l1.outputs(x)))


def test_a_custom_net_trains_on_moons_like_mlp() -> None:
    data = load("moons", n_samples=200, seed=0)
    settings = train.default_settings("moons")
    histories, accuracies = [], []
    for custom in (False, True):
        mlp = make_model(data, settings.hidden, seed=0)
        model: Module = Net(make_model(data, settings.hidden, seed=0)) if custom else mlp
        history = fit(
            model, data, seed=0, progress=False, **{**settings.fit_arguments(), "epochs": 20}
        )
        assert history.compiled is not custom  # a custom forward is not recorded unasked
        histories.append((history.train_loss, history.test_accuracy))
        accuracies.append(accuracy(model, data.X_test, data.y_test))
    # the compiled MLP and the eager Net: the same numbers, to the last bit
    assert histories[0] == histories[1]
    assert accuracies[0] == accuracies[1] >= 0.95


def test_a_custom_net_is_compiled_when_asked() -> None:
    """compile=True on a custom Module: its author vouches for a fixed graph."""
    data = load("moons", n_samples=200, seed=0)
    settings = train.default_settings("moons")
    arguments = {**settings.fit_arguments(), "epochs": 3}
    eager = Net(make_model(data, settings.hidden, seed=0))
    replayed = Net(make_model(data, settings.hidden, seed=0))
    first = fit(eager, data, seed=0, progress=False, compile=False, **arguments)
    second = fit(replayed, data, seed=0, progress=False, compile=True, **arguments)
    assert second.compiled and not first.compiled
    assert first.train_loss == second.train_loss
    assert [p.data for p in eager.parameters()] == [p.data for p in replayed.parameters()]


def test_a_torch_style_model_trains_on_moons() -> None:
    data = load("moons", n_samples=200, seed=0)
    model = Sequential(
        Linear(2, 16, seed=0), ReLU(), Linear(16, 16, seed=1), ReLU(), Linear(16, 2, seed=2)
    )
    history = fit(model, data, epochs=40, batch_size=16, schedule="cosine", progress=False)
    assert history.compiled  # built-in blocks only: replayed
    assert accuracy(model, data.X_test, data.y_test) >= 0.95


def test_dropout_trains_eagerly_and_modes_come_back(moons: Dataset) -> None:
    model = Sequential(Linear(2, 8, seed=0), ReLU(), Dropout(0.3, seed=0), Linear(8, 2, seed=1))
    model[2].eval()  # a mode of the user's own, kept
    history = fit(model, moons, epochs=3, batch_size=8, progress=False)
    assert not history.compiled
    assert [m.training for m in model.modules()] == [True, True, True, False, True]
    model[2].train()
    history = fit(model, moons, epochs=3, batch_size=8, progress=False)
    assert not history.compiled
    # measured in evaluation mode: the history's last accuracy is the model's
    assert history.test_accuracy[-1] == accuracy(model, moons.X_test, moons.y_test)
    assert model.training and model[2].training  # predict put the modes back too
    with pytest.raises(ValueError, match="Dropout mask"):
        fit(model, moons, epochs=1, progress=False, compile=True)


@pytest.mark.parametrize("bad", [5, -1, 0.5, "a", None, True])
def test_bad_labels_are_refused_before_training(bad: object, moons: Dataset) -> None:
    with pytest.raises(ValueError, match=r"y_train\[3\] must be a class index 0\.\.1 \(an int\)"):
        Dataset(
            moons.name,
            moons.X_train,
            [*moons.y_train[:3], bad, *moons.y_train[4:]],  # type: ignore[list-item]
            moons.X_test,
            moons.y_test,
            moons.class_names,
            moons.feature_names,
        )
    # a Dataset changed after it was built is checked again by fit, before any step
    data = load("moons", n_samples=40, seed=1)
    data.y_train[3] = bad  # type: ignore[call-overload]
    model = make_model(data, hidden=(4,), seed=0)
    before = model.state_dict()
    with pytest.raises(ValueError, match=r"y_train\[3\]"):
        fit(model, data, epochs=2, progress=False)
    assert model.state_dict() == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.y_train.pop(), "X_train has 30 rows but y_train has 29 labels"),
        (lambda d: d.y_train.append(0), "X_train has 30 rows but y_train has 31 labels"),
        (lambda d: d.y_test.pop(), "X_test has 10 rows but y_test has 9 labels"),
        (lambda d: d.X_train[0].append(1.0), r"X_train\[0\] must be a row of 2 numbers"),
        (lambda d: d.X_test.__setitem__(1, [0.0, math.nan]), r"X_test\[1\]\[1\] must be a finite"),
    ],
    ids=["fewer-labels", "more-labels", "short-test-labels", "wide-row", "nan-feature"],
)
def test_misfit_rows_and_labels_fail_up_front(change: Any, message: str) -> None:
    data = load("moons", n_samples=40, seed=1)
    change(data)
    model = make_model(data, hidden=(4,), seed=0)
    before = model.state_dict()
    calls: list[int] = []
    with pytest.raises(ValueError, match=message):
        fit(model, data, epochs=2, progress=False, callback=lambda h: calls.append(1))
    assert calls == [] and model.state_dict() == before  # nothing trained


def test_a_dataset_takes_numpy_arrays(moons: Dataset) -> None:
    np = pytest.importorskip("numpy")
    data = Dataset(
        "mine",
        np.array(moons.X_train),
        np.array(moons.y_train),
        np.array(moons.X_test),
        np.array(moons.y_test),
        moons.class_names,
        moons.feature_names,
    )
    assert data.X_train == moons.X_train and type(data.y_train[0]) is int


@pytest.mark.parametrize("name", sorted(train.OPTIMIZERS))
def test_every_optimizer_trains_at_its_default_rate(name: str) -> None:
    data = load("moons", n_samples=200, seed=0)
    model = make_model(data, (16, 16), seed=0)
    fit(model, data, optimizer=name, epochs=20, batch_size=16, schedule="cosine", progress=False)
    assert accuracy(model, data.X_test, data.y_test) >= 0.9
    assert train.Settings(optimizer=name).learning_rate == train.OPTIMIZERS[name][1]


def test_a_ready_optimizer_must_fit_the_call(moons: Dataset) -> None:
    model = make_model(moons, hidden=(4,), seed=0)
    with pytest.raises(ValueError, match="set them on the ready optimizer"):
        fit(model, moons, optimizer=optim.SGD(model.parameters(), lr=0.1), lr=0.5, progress=False)
    with pytest.raises(ValueError, match="holds none of the parameters"):
        fit(model, moons, optimizer=optim.SGD([Value(0.0)], lr=0.1), progress=False)


def test_ctrl_c_during_setup_returns_an_interrupted_history(moons: Dataset) -> None:
    class Slow(MLP):
        def parameters(self, recurse: bool = True) -> list[Value]:
            raise KeyboardInterrupt  # as if Ctrl-C landed while fit collects the parameters

    model = Slow(2, [4, 2], seed=0)
    before = model.state_dict()
    history = fit(model, moons, epochs=3, progress=False)
    assert history.interrupted and history.epochs == [] and history.steps == 0
    assert model.state_dict() == before


def test_an_optimizer_by_name_keeps_its_own_weight_decay(moons: Dataset) -> None:
    from tinygrad_lite.train.loop import _make_optimizer

    model = make_model(moons, hidden=(4,), seed=0)
    params = model.parameters()
    adamw = _make_optimizer("adamw", model, params, None, None)
    assert isinstance(adamw, optim.AdamW) and adamw.param_groups[0]["weight_decay"] == 1e-2
    assert adamw.lr == train.OPTIMIZERS["adamw"][1]
    sgd = _make_optimizer("sgd", model, params, 0.5, 0.1)
    assert (sgd.lr, sgd.param_groups[0]["weight_decay"]) == (0.5, 0.1)
