"""Rendering with no system program: pygraphviz in-process, a PATH without ``dot``.

Every test here that renders builds its own PATH with no ``dot`` on it, so a
pass proves the pictures need nothing but the ``viz`` extra.
"""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tinygrad_lite import viz
from tinygrad_lite.engine import Value

SVG = "{http://www.w3.org/2000/svg}"


def path_without_dot() -> str:
    """The current PATH minus every directory that holds a ``dot`` executable."""
    kept = [
        folder
        for folder in os.environ.get("PATH", "").split(os.pathsep)
        if folder and not os.access(os.path.join(folder, "dot"), os.X_OK)
    ]
    return os.pathsep.join(kept)


def no_dot_environment() -> dict[str, str]:
    environment = dict(os.environ, PATH=path_without_dot())
    environment.pop("MPLBACKEND", None)
    return environment


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def svg_size(data: bytes) -> tuple[float, float]:
    root = ET.fromstring(data)
    assert root.tag == f"{SVG}svg"
    width, height = (float(root.get(side, "0").removesuffix("pt")) for side in ("width", "height"))
    return width, height


def neuron() -> Value:
    x, w, b = Value(1.0, "x"), Value(-2.0, "w"), Value(0.5, "b")
    out = (x * w + b).tanh()
    out.label = "out"
    out.backward()
    return out


def run_cli(arguments: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tinygrad_lite", *arguments],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        env=no_dot_environment(),
    )


def test_the_built_path_really_has_no_dot() -> None:
    folders = path_without_dot().split(os.pathsep)
    assert not any(os.access(os.path.join(f, "dot"), os.X_OK) for f in folders if f)


@pytest.mark.parametrize("suffix", ["png", "svg"])
def test_cli_draw_renders_without_dot(tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"graph.{suffix}"
    done = run_cli(
        ["draw", "tanh(x*w + b)", "--at", "x=1,w=-2,b=0.5", "--grad", "--out", str(out)],
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # no fontconfig noise, no warnings
    data = out.read_bytes()
    if suffix == "png":
        width, height = png_size(data)
        # 3 ops and 6 records, laid out left to right at 96 dpi
        assert 500 <= width <= 1600, width
        assert 100 <= height <= 500, height
    else:
        width, height = svg_size(data)
        assert 350 <= width <= 1200, width
        assert 70 <= height <= 400, height
        texts = [t.text for t in ET.fromstring(data).iter(f"{SVG}text")]
        assert "tanh" in texts


def test_cli_demo_writes_the_neuron_png_without_dot(tmp_path: Path) -> None:
    done = run_cli(["demo", "--out", str(tmp_path / "out"), "--no-progress"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Fontconfig" not in done.stderr
    neuron_png = tmp_path / "out" / "moons-neuron.png"
    assert str(neuron_png) in done.stdout
    width, height = png_size(neuron_png.read_bytes())
    # a neuron of two inputs with its cluster, caption and legend
    assert 400 <= width <= 3000, width
    assert 150 <= height <= 2000, height
    page = tmp_path / "out" / "neuron.html"
    assert str(page) in done.stdout
    assert 'id="tl-data"' in page.read_text(encoding="utf-8")


@pytest.mark.parametrize("suffix", ["svg", "png", "pdf"])
def test_every_format_renders_in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    monkeypatch.setenv("PATH", path_without_dot())
    path = viz.save(viz.draw_graph(neuron()), tmp_path / f"graph.{suffix}")
    head = path.read_bytes()[:16]
    assert head.startswith({"svg": b"<?xml", "png": b"\x89PNG", "pdf": b"%PDF"}[suffix])


def test_png_scale_and_dpi(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", path_without_dot())
    picture = viz.draw_graph(neuron())
    one = png_size(viz.save(picture, tmp_path / "one.png", scale=1).read_bytes())
    two = png_size(viz.save(picture, tmp_path / "two.png", scale=2).read_bytes())
    dpi = png_size(viz.save(picture, tmp_path / "dpi.png", dpi=144).read_bytes())
    assert abs(two[0] - 2 * one[0]) <= 2 and abs(two[1] - 2 * one[1]) <= 2
    assert dpi == two  # scale 2 is 144 dpi
    with pytest.raises(ValueError, match="scale or dpi, not both"):
        viz.save(picture, tmp_path / "x.png", scale=2, dpi=100)
    with pytest.raises(ValueError, match="scale must be"):
        viz.save(picture, tmp_path / "x.png", scale=0)
    with pytest.raises(ValueError, match=r"\.png files only"):
        viz.save(picture, tmp_path / "x.svg", dpi=100)


def test_jupyter_display_needs_no_dot(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    picture = viz.draw_graph(neuron())
    svg = picture._repr_svg_()
    assert svg is not None and ET.fromstring(svg.encode()).tag == f"{SVG}svg"
    value_svg = neuron()._repr_svg_()
    assert value_svg is not None and "tanh" in value_svg
    assert picture.source.startswith("digraph")


def test_no_renderer_names_both_install_commands(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pygraphviz", None)
    monkeypatch.setenv("PATH", "")
    picture = viz.draw_graph(neuron())  # building the DOT needs nothing
    assert 'label="{ out | data' in picture.source
    with pytest.raises(viz.RendererNotFoundError) as caught:
        picture.pipe("svg")
    message = str(caught.value)
    assert 'pip install "tinygrad_lite[viz]"' in message
    assert 'pip install -e ".[viz]"' in message
    assert "graph.source" in message
    assert isinstance(caught.value, ImportError)
    assert viz.DotNotFoundError is viz.RendererNotFoundError  # the old name still catches it
    assert picture._repr_svg_() is None  # Jupyter falls back to the text repr
    assert viz.value_svg(Value(1.0)) is None


def test_a_dot_program_is_the_fallback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A stand-in dot that records its arguments and its input, and answers with an SVG.
    fake = tmp_path / "dot"
    fake.write_text(
        "#!/bin/sh\n"
        f'echo "$@" > "{tmp_path}/arguments"\n'
        f'/bin/cat > "{tmp_path}/input"\n'
        "echo '<svg xmlns=\"http://www.w3.org/2000/svg\"/>'\n"
    )
    fake.chmod(0o755)
    monkeypatch.setitem(sys.modules, "pygraphviz", None)
    monkeypatch.setenv("PATH", str(tmp_path))
    picture = viz.draw_graph(neuron())
    assert picture.pipe("svg").startswith(b"<svg")
    assert (tmp_path / "arguments").read_text().split() == ["-Tsvg"]
    assert (tmp_path / "input").read_text() == picture.source
    picture.pipe("png", dpi=144)
    assert (tmp_path / "arguments").read_text().split() == ["-Tpng", "-Gdpi=144"]


def test_a_failing_dot_program_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "dot"
    fake.write_text("#!/bin/sh\necho 'Error: syntax error in line 1' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setitem(sys.modules, "pygraphviz", None)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ValueError, match="syntax error in line 1"):
        viz.render("digraph {", "svg")


def test_fontconfig_noise_is_held_back_other_stderr_passes() -> None:
    # A fresh process: fontconfig speaks on its first load only.
    code = (
        "from tinygrad_lite import viz\n"
        "viz.render('digraph { a [label=\"x\"] }', 'png')\n"
        "viz.render('digraph { a [shape=\"nonsense\"] }', 'png')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        env=no_dot_environment(),
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert b"Fontconfig" not in done.stderr
    # Graphviz's own warning is passed on: only the known fontconfig note is dropped.
    assert done.stderr.strip() == b"Warning: using box for unknown shape nonsense"


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="svg, png and pdf"):
        viz.render("digraph {}", "gif")


def test_every_picture_names_its_font() -> None:
    source = viz.draw_graph(neuron()).source
    assert source.count(f'fontname="{viz.FONT}"') == 3  # graph, node and edge defaults
    assert "DejaVu Sans" in viz.FONT and "Helvetica" in viz.FONT
