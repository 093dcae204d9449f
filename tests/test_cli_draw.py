"""End-to-end tests of ``tinygrad-lite draw``."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tinygrad_lite.cli import main

SVG = "{http://www.w3.org/2000/svg}"


def node_texts(path: Path) -> list[str]:
    root = ET.parse(path).getroot()
    return [
        " | ".join(t.text or "" for t in group.iter(f"{SVG}text"))
        for group in root.iter(f"{SVG}g")
        if group.get("class") == "node"
    ]


def test_draw_with_gradients(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "graph.svg"
    status = main(
        [
            "draw",
            "tanh(x*w + b)",
            "--at",
            "x=1,w=-2,b=0.5",
            "--grad",
            "--local-grad",
            "--out",
            str(out),
        ]
    )
    assert status == 0
    assert str(out) in capsys.readouterr().out
    nodes = node_texts(out)
    assert len(nodes) == 9
    assert "x | data 1 | grad -0.3614" in nodes  # w * (1 - tanh(-1.5)^2)
    assert sorted(n for n in nodes if "data" not in n) == ["*", "+", "tanh"]
    texts = [t.text for t in ET.parse(out).getroot().iter(f"{SVG}text")]
    assert "∂=-2" in texts  # the local derivative d(x*w)/dx on its edge


def test_draw_without_grad_shows_no_gradients(tmp_path: Path) -> None:
    out = tmp_path / "graph.svg"
    assert main(["draw", "x*x + 2", "--at", "x=3", "--out", str(out)]) == 0
    nodes = node_texts(out)
    assert "x | data 3" in nodes
    assert not any("grad" in n for n in nodes)


def test_dot_text_on_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["draw", "exp(x)", "--at", "x=0", "--out", "-"]) == 0
    assert capsys.readouterr().out.startswith("digraph")


@pytest.mark.parametrize(
    ("arguments", "named"),
    [
        (["__import__('os').system('x')"], "__import__"),
        (["x.__class__", "--at", "x=1"], "attribute access"),
        (["x + y", "--at", "x=1"], "'y' has no value"),
        (["x", "--at", "x=one"], "not a number"),
        (["x", "--at", "x"], "name=number"),
        (["x", "--at", "x=1", "--out", "graph.gif"], ".svg, .png or .pdf"),
        (["x" * 10_001], "too long"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], arguments: list[str], named: str
) -> None:
    if "--out" not in arguments:
        arguments = [*arguments, "--out", str(tmp_path / "graph.svg")]
    elif arguments[-1] == "graph.gif":
        arguments[-1] = str(tmp_path / "graph.gif")
    assert main(["draw", *arguments]) == 2
    error = capsys.readouterr().err
    assert error.startswith("tinygrad-lite draw: error: ")
    assert named in error
    assert error.count("\n") == 1
    assert not list(tmp_path.iterdir())


def test_nothing_to_write_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["draw", "x", "--at", "x=1"]) == 2
    error = capsys.readouterr().err
    assert "nothing to write: give --out FILE, --html FILE or --steps" in error
    assert error.count("\n") == 1


def test_no_renderer_exits_1_naming_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "pygraphviz", None)  # the viz extra is not installed
    monkeypatch.setenv("PATH", "")
    assert main(["draw", "x", "--at", "x=1", "--out", str(tmp_path / "g.svg")]) == 1
    error = capsys.readouterr().err
    assert 'pip install "tinygrad_lite[viz]"' in error
    assert 'pip install -e ".[viz]"' in error
    assert error.count("\n") == 1
    assert not list(tmp_path.iterdir())


def test_console_entry_point(tmp_path: Path) -> None:
    out = tmp_path / "graph.png"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tinygrad_lite",
            "draw",
            "sigmoid(a) * a",
            "--at",
            "a=0.5",
            "--grad",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"\x89PNG")
    refused = subprocess.run(
        [sys.executable, "-m", "tinygrad_lite", "draw", "lambda: 1", "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert refused.returncode == 2
    assert "lambda" in refused.stderr
