"""End-to-end tests of ``tinygrad-lite draw``."""

from __future__ import annotations

import math
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


def big_expression() -> str:
    """6,401 characters that parse: 39 groups of 40 products, then 42 more terms."""
    group = "+".join(["x*y"] * 40)
    text = "*".join(f"({group})" for _ in range(39)) + "+x" * 42
    assert len(text) == 6401
    return text


def test_draw_max_nodes_is_capped_with_a_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tinygrad_lite.cli import MAX_DRAWN_NODES

    out = tmp_path / "big.svg"
    arguments = ["draw", big_expression(), "--at", "x=1,y=2", "--max-nodes", "100000"]
    assert main([*arguments, "--out", str(out)]) == 0
    error = capsys.readouterr().err
    assert f"--max-nodes 100000 is capped at {MAX_DRAWN_NODES}" in error
    # the layout got at most the cap: the values kept, their ops and drawn numbers
    drawn = len(node_texts(out))
    assert 100 < drawn <= MAX_DRAWN_NODES + 2, drawn
    assert "truncated" in out.read_text(encoding="utf-8")
    assert main([*arguments, "--steps", str(tmp_path / "steps.gif")]) == 2
    assert "needs 6323 frames, more than the limit of 200" in capsys.readouterr().err


def test_large_pictures_bound_the_layout() -> None:
    from tinygrad_lite.cli.expression import evaluate
    from tinygrad_lite.viz import draw_graph
    from tinygrad_lite.viz.drawing import LARGE

    root = evaluate(big_expression(), {"x": 1.0, "y": 2.0})
    large = draw_graph(root, max_nodes=2 * LARGE).source
    assert 'nslimit="1"' in large and 'size="80,80"' in large
    small = draw_graph(evaluate("x*y", {"x": 1.0, "y": 2.0})).source
    assert "nslimit" not in small and 'size="80' not in small


@pytest.mark.parametrize("expression", ["-x", "-x**2", "-exp(x)"])
def test_an_expression_may_start_with_a_minus(tmp_path: Path, expression: str) -> None:
    out = tmp_path / "neg.svg"
    assert main(["draw", expression, "--at", "x=2", "--out", str(out)]) == 0
    assert any(text.startswith("-") for text in node_texts(out))  # the neg op
    # after "--" too, as usual
    assert main(["draw", "--at", "x=2", "--out", str(out), "--", expression]) == 0


def test_unknown_double_dash_flags_are_still_errors(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["draw", "x", "--at", "x=1", "--outt", str(tmp_path / "g.svg")])
    assert caught.value.code == 2


def test_full_width_names_are_normalized_in_at_too(tmp_path: Path) -> None:
    out = tmp_path / "wide.svg"
    assert main(["draw", "ｘ*2", "--at", "ｘ=３", "--out", str(out)]) == 0
    assert "x | data 3" in node_texts(out)


def test_structure_without_at(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "structure.svg"
    assert main(["draw", "tanh(x*w + b)", "--out", str(out)]) == 0
    nodes = node_texts(out)
    assert "x | data ?" in nodes and "w | data ?" in nodes
    assert not any("grad" in n for n in nodes)
    assert main(["draw", "x*w", "--grad", "--out", str(out)]) == 2
    assert "--grad needs numbers" in capsys.readouterr().err


def test_params_are_coloured(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "params.svg"
    at = ["--at", "x=1,w=-2,b=0.5"]
    assert main(["draw", "x*w + b", *at, "--params", "w,b", "--out", str(out)]) == 0
    root = ET.parse(out).getroot()
    fills = {}
    for group in root.iter(f"{SVG}g"):
        if group.get("class") == "node":
            text = " | ".join(t.text or "" for t in group.iter(f"{SVG}text"))
            shape = group.find(f"{SVG}polygon")
            fills[text] = shape.get("fill") if shape is not None else None
    assert fills["w | data -2"] == "#b6d7a8" and fills["b | data 0.5"] == "#b6d7a8"
    assert fills["x | data 1"] == "#9fc5e8"
    assert main(["draw", "x*w", *at[:1], "x=1,w=2", "--params", "q", "--out", str(out)]) == 2
    assert "'q' is not a name" in capsys.readouterr().err


def test_assignments_draw_a_shared_sub_expression_once(tmp_path: Path) -> None:
    out = tmp_path / "shared.svg"
    status = main(
        ["draw", "h = x*w; tanh(h) + h", "--at", "x=1", "--at", "w=-2", "--grad", "--out", str(out)]
    )
    assert status == 0
    nodes = node_texts(out)
    # h = x*w = -2 feeds tanh and + ; d/dh (tanh h + h) = 1 - tanh(-2)^2 + 1
    expected = 1 - math.tanh(-2.0) ** 2 + 1
    assert [n for n in nodes if n.startswith("h |")] == [f"h | data -2 | grad {expected:.4g}"]


def test_repeated_at_flags_merge_and_conflicts_are_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = str(tmp_path / "g.svg")
    assert main(["draw", "x + y", "--at", "x=1", "--at", "y=2", "--out", out]) == 0
    assert main(["draw", "x + y", "--at", "x=1,y=2", "--at", "y=3", "--out", out]) == 2
    assert "gives 'y' twice" in capsys.readouterr().err
    assert main(["draw", "x + y", "--at", "x=1,y=2,z=3", "--out", out]) == 2
    error = capsys.readouterr().err
    assert "--at gives z, which the expression does not use (its variables: x, y)" in error
    assert main(["draw", "x ^ 2", "--at", "x=1", "--out", out]) == 2
    assert "for a power write **" in capsys.readouterr().err


def test_html_and_steps(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from PIL import Image

    page, gif, folder = tmp_path / "page.html", tmp_path / "steps.gif", tmp_path / "steps"
    at = ["--at", "x=1,w=-2,b=0.5"]
    assert main(["draw", "tanh(x*w + b)", *at, "--html", str(page), "--steps", str(gif)]) == 0
    assert 'id="tl-data"' in page.read_text(encoding="utf-8")
    with Image.open(gif) as frames:
        assert frames.n_frames == 1 + 1 + 2 + 2  # seed, tanh, + (2 inputs), * (2 inputs)
    assert main(["draw", "tanh(x*w + b)", *at, "--steps", str(folder)]) == 0
    assert sorted(p.name for p in folder.iterdir())[0] == "step_00.svg"
    assert len(list(folder.iterdir())) == 6
    assert "wrote 6 pictures" in capsys.readouterr().out


def test_scale_makes_a_bigger_png(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from PIL import Image

    sizes = []
    for scale in ("1", "2"):
        out = tmp_path / f"s{scale}.png"
        assert main(["draw", "x*x", "--at", "x=3", "--scale", scale, "--out", str(out)]) == 0
        with Image.open(out) as picture:
            sizes.append(picture.size)
    assert abs(sizes[1][0] - 2 * sizes[0][0]) <= 2
    assert main(["draw", "x", "--at", "x=1", "--scale", "2", "--out", str(tmp_path / "a.svg")]) == 2
    assert "apply to .png and .gif" in capsys.readouterr().err


def test_every_draw_flag_has_help_and_there_is_a_version(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from tinygrad_lite import __version__
    from tinygrad_lite.cli import build_parser

    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command")
    draw = commands.choices["draw"]  # type: ignore[index]
    for action in draw._actions:
        assert action.help, action.option_strings or action.dest
    for arguments in (["--version"], ["draw", "--version"]):
        with pytest.raises(SystemExit) as caught:
            main(arguments)
        assert caught.value.code == 0
        assert capsys.readouterr().out.strip() == f"tinygrad-lite {__version__}"
