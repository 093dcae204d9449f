"""End-to-end tests of ``tinygrad-lite train`` and ``tinygrad-lite demo`` on small settings."""

from __future__ import annotations

import dataclasses
import json
import struct
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tinygrad_lite import datasets, nn, train
from tinygrad_lite.cli import main

pytest.importorskip("sklearn")
pytest.importorskip("matplotlib")

SMALL = ["--n-samples", "40", "--epochs", "2", "--hidden", "4", "--no-progress"]


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        status = main(argv)
    except SystemExit as done:  # argparse: a malformed command line, or --help
        status = done.code if isinstance(done.code, int) else 1
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_train_writes_everything_and_ends_with_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "results"  # created on demand
    argv = ["train", "--dataset", "moons", *SMALL, "--seed", "3", "--out", str(out), "--json"]
    status, stdout, stderr = run(argv, capsys)
    assert status == 0, stderr
    lines = stdout.strip().splitlines()
    summary = json.loads(lines[-1])
    assert set(summary) >= {
        "dataset",
        "train_accuracy",
        "test_accuracy",
        "epochs",
        "seconds",
        "outputs",
    }
    assert summary["dataset"] == "moons" and summary["epochs"] == 2
    assert summary["interrupted"] is False
    assert summary["seconds"] >= 0.0
    expected = [out / f"moons-{kind}" for kind in ("boundary.png", "history.png", "model.json")]
    assert summary["outputs"] == [str(path) for path in expected]
    assert any("test accuracy" in line for line in lines[:-1])
    for path in expected[:2]:
        width, height = png_size(path)
        assert width > 300 and height > 300
    # the saved model is an MLP that reproduces the printed accuracies
    model = nn.load_model(expected[2])
    assert isinstance(model, nn.MLP)
    assert model.nouts == [4, 2]
    data = datasets.load("moons", n_samples=40, seed=3)
    assert train.accuracy(model, data.X_train, data.y_train) == summary["train_accuracy"]
    assert train.accuracy(model, data.X_test, data.y_test) == summary["test_accuracy"]


def test_progress_bar_goes_to_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("tqdm")
    argv = ["train", "--dataset", "blobs", "--n-samples", "30", "--epochs", "2", "--out"]
    status, stdout, stderr = run([*argv, str(tmp_path), "--json"], capsys)
    assert status == 0
    assert "train blobs" in stderr and "2/2" in stderr
    assert "train blobs" not in stdout  # stdout stays clean: its last line is the JSON
    assert json.loads(stdout.splitlines()[-1])["dataset"] == "blobs"


@pytest.mark.parametrize(
    ("dataset", "flags", "outputs"),
    [
        ("iris", ["--epochs", "1", "--hidden", "3", "--no-progress"], 3),
        ("circles", [*SMALL, "--loss", "hinge", "--optimizer", "sgd"], 1),
        ("blobs", [*SMALL, "--loss", "bce", "--batch-size", "full"], 3),
        ("moons", [*SMALL, "--activation", "tanh", "--schedule", "cosine", "--lr", "0.1"], 2),
    ],
)
def test_other_data_sets_and_flags(
    dataset: str,
    flags: list[str],
    outputs: int,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, stdout, stderr = run(
        ["train", "--dataset", dataset, *flags, "--out", str(tmp_path), "--json"], capsys
    )
    assert status == 0, stderr
    summary = json.loads(stdout.splitlines()[-1])
    assert 0.0 <= summary["test_accuracy"] <= 1.0
    model = nn.load_model(tmp_path / f"{dataset}-model.json")
    assert isinstance(model, nn.MLP)
    assert model.nouts[-1] == outputs


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--dataset", "mnist"], "unknown --dataset 'mnist'; choose one of: blobs, circles"),
        (["--dataset", "moons", "--optimizer", "lbfgs"], "unknown --optimizer 'lbfgs'"),
        (["--dataset", "moons", "--epochs", "-3"], "--epochs must be an integer >= 1"),
        (["--dataset", "moons", "--epochs", "ten"], "--epochs must be an integer"),
        (["--dataset", "moons", "--hidden", "16,,16"], "--hidden must be comma-separated"),
        (["--dataset", "moons", "--hidden", "16,-2"], "--hidden must be comma-separated"),
        (["--dataset", "moons", "--lr", "-1"], "--lr must be a positive number"),
        (["--dataset", "moons", "--batch-size", "0"], "--batch-size must be an integer >= 1"),
        (["--dataset", "moons", "--activation", "gelu"], "unknown --activation 'gelu'"),
        (["--dataset", "moons", "--loss", "l1"], "unknown --loss 'l1'"),
        (["--dataset", "moons", "--schedule", "exp"], "unknown --schedule 'exp'"),
        (["--dataset", "moons", "--noise", "-0.1"], "--noise must be a number in [0, 1000000]"),
        (["--dataset", "moons", "--seed", "x"], "--seed must be an integer"),
        (["--dataset", "iris", "--n-samples", "50"], "do not apply to iris"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(
    flags: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    status, stdout, stderr = run(["train", *flags, "--out", str(out)], capsys)
    assert status == 2
    assert stdout == ""
    assert stderr.count("\n") == 1
    assert stderr.startswith("tinygrad-lite train: error: ")
    assert message in stderr
    assert not out.exists()  # nothing was trained or written


def test_unwritable_out_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory\n")
    status, stdout, stderr = run(
        ["train", "--dataset", "moons", *SMALL, "--out", str(blocker / "out")], capsys
    )
    assert status == 2
    assert stdout == ""  # refused before training
    assert stderr.count("\n") == 1
    assert f"cannot write to --out directory {str(blocker / 'out')!r}" in stderr


def test_ctrl_c_keeps_and_writes_the_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    real_fit = train.fit

    def fit_then_ctrl_c(*args: Any, **kwargs: Any) -> train.History:
        def stop(history: train.History) -> None:
            if len(history.epochs) == 1:
                raise KeyboardInterrupt

        return real_fit(*args, **kwargs, callback=stop)

    monkeypatch.setattr(train, "fit", fit_then_ctrl_c)
    argv = ["train", "--dataset", "moons", *SMALL, "--epochs", "50", "--json"]
    status, stdout, _ = run([*argv, "--out", str(tmp_path)], capsys)
    assert status == 130
    assert "interrupted" in stdout
    summary = json.loads(stdout.splitlines()[-1])
    assert summary["interrupted"] is True and summary["epochs"] == 1
    assert isinstance(nn.load_model(tmp_path / "moons-model.json"), nn.MLP)
    assert png_size(tmp_path / "moons-boundary.png")[0] > 300


def test_python_dash_m_json_line(tmp_path: Path) -> None:
    argv = ["train", "--dataset", "blobs", *SMALL, "--out", str(tmp_path), "--json"]
    result = subprocess.run(
        [sys.executable, "-m", "tinygrad_lite", *argv],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["dataset"] == "blobs"
    assert [Path(p).name for p in summary["outputs"]] == [
        "blobs-boundary.png",
        "blobs-history.png",
        "blobs-model.json",
    ]


def test_demo_writes_figures_and_says_where(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    real_settings = train.default_settings

    def quick(name: str) -> train.Settings:
        return dataclasses.replace(real_settings(name), epochs=2, hidden=(4,))

    monkeypatch.setattr(train, "default_settings", quick)
    out = tmp_path / "out"
    status, stdout, stderr = run(["demo", "--out", str(out), "--no-progress"], capsys)
    assert status == 0, stderr
    for name in ("moons", "iris"):
        assert png_size(out / f"{name}-boundary.png")[0] > 300
        assert png_size(out / f"{name}-history.png")[0] > 300
        assert isinstance(nn.load_model(out / f"{name}-model.json"), nn.MLP)
        assert f"{name}-boundary.png" in stdout
    assert f"files in {out.resolve()}" in stdout
    neuron = out / "moons-neuron.png"
    assert png_size(neuron)[0] > 300  # rendered in-process by pygraphviz: no dot needed
    assert str(neuron) in stdout


def test_demo_unwritable_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    status, _, stderr = run(["demo", "--out", str(blocker)], capsys)
    assert status == 2
    assert "tinygrad-lite demo: error: cannot write to --out directory" in stderr


# -- polish and hardening -----------------------------------------


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (
            ["--dataset", "moons", "--seed", "-5"],
            "--seed must be an integer in [0, 4294967295], got '-5'",
        ),
        (
            ["--dataset", "moons", "--n-samples", "3"],
            "--n-samples must be an integer in [5, 1000000], got '3'",
        ),
        (
            ["--dataset", "blobs", "--n-samples", "8"],
            "--n-samples must be an integer in [9, 1000000]",
        ),
        (
            ["--dataset", "moons", "--noise", "1e154"],
            "--noise must be a number in [0, 1000000], got '1e154'",
        ),
        (["--dataset", "moons", "--noise", "inf"], "--noise must be a number in [0, 1000000]"),
        (["--dataset", "moons", "--n-samples", "9" * 5000], "--n-samples must be an integer in"),
    ],
    ids=["negative-seed", "few-samples", "few-blobs", "huge-noise", "inf-noise", "5000-digits"],
)
def test_out_of_range_flags_get_one_line_naming_the_flag(
    flags: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, stdout, stderr = run(["train", *flags, "--out", str(tmp_path / "out")], capsys)
    assert status == 2 and stdout == ""
    assert stderr.count("\n") == 1
    assert stderr.startswith("tinygrad-lite train: error: ")
    assert message in stderr
    assert "scikit-learn" not in stderr and "random_state" not in stderr
    assert not (tmp_path / "out").exists()


def test_noise_1e154_in_a_subprocess_is_one_line_and_status_2(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tinygrad_lite", "train", "--dataset", "moons", "--noise", "1e154",
         "--out", str(tmp_path)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "argv",
    [
        ["train"],
        ["train", "--dataset", "moons", "--bogus"],
        ["frobnicate"],
        [],
        ["train", "--dataset"],
    ],
    ids=["missing-dataset", "unknown-flag", "unknown-command", "no-command", "flag-without-value"],
)
def test_argparse_errors_are_one_line(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    status, stdout, stderr = run(argv, capsys)
    assert status == 2 and stdout == ""
    assert stderr.count("\n") == 1, stderr
    assert stderr.startswith("tinygrad-lite") and "error: " in stderr and "--help" in stderr


def test_help_still_works(capsys: pytest.CaptureFixture[str]) -> None:
    status, stdout, _ = run(["train", "--help"], capsys)
    assert status == 0 and "--dataset" in stdout and "adamw" in stdout


def test_names_are_case_insensitive_and_one_epoch_is_singular(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["train", "--dataset", "Moons", "--optimizer", "SGD", "--loss", "Cross_Entropy"]
    argv += ["--n-samples", "40", "--epochs", "1", "--hidden", "4", "--no-progress", "--json"]
    status, stdout, stderr = run([*argv, "--out", str(tmp_path)], capsys)
    assert status == 0, stderr
    assert "(1 epoch," in stdout and "1 epochs" not in stdout
    assert "sgd lr 0.3" in stdout  # SGD's own default rate, not Adam's 0.01
    assert json.loads(stdout.splitlines()[-1])["dataset"] == "moons"
    assert (tmp_path / "moons-model.json").exists()


def test_sgd_by_its_default_rate_trains_moons(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the issue: SGD was left at Adam's 0.01 and reached 0.86 on moons
    argv = ["train", "--dataset", "moons", "--optimizer", "sgd", "--no-progress", "--json"]
    status, stdout, stderr = run([*argv, "--out", str(tmp_path)], capsys)
    assert status == 0, stderr
    assert json.loads(stdout.splitlines()[-1])["test_accuracy"] >= 0.97
