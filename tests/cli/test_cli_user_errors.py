"""The command line's answer to a newcomer's first mistakes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tinygrad_lite.cli import main


@pytest.mark.parametrize("name", ["a.jpg", "a.gif", "graph", "a.html"])
def test_draw_to_an_unknown_format_names_the_formats_it_writes(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / name
    assert main(["draw", "x*y", "--out", str(out)]) == 2
    error = capsys.readouterr().err
    assert str(out) in error
    for written in (".svg", ".png", ".pdf", "--out -"):
        assert written in error
    assert "save()" not in error and "graph.source" not in error  # the Python API's words
    assert not out.exists()


def test_draw_to_an_html_file_points_at_the_html_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["draw", "x*y", "--out", str(tmp_path / "a.html")]) == 2
    assert "--html" in capsys.readouterr().err


def test_draw_to_a_gif_points_at_the_steps_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["draw", "x*y", "--out", str(tmp_path / "a.gif")]) == 2
    assert "--steps" in capsys.readouterr().err
