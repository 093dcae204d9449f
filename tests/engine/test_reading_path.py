"""The engine a learner reads is small and its README table is true.

The README (and the docs page that repeats it) lists the files of the
reading path with their line counts between two markers; this reads that
table, counts the lines of each file as ``wc -l`` does, and holds the
budget: at most 600 lines in at most 5 files.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tinygrad_lite import kernel_source

ROOT = Path(__file__).resolve().parents[2]
START = "<!-- reading path"
END = "<!-- end reading path -->"


def _pages() -> list[Path]:
    pages = [ROOT / "README.md"]
    pages += [p for p in sorted((ROOT / "docs").rglob("*.md")) if START in p.read_text("utf-8")]
    return pages


def reading_table(page: Path) -> tuple[list[tuple[str, int]], int]:
    """``([(file, lines), ...], total)`` from the page's reading-path table."""
    text = page.read_text(encoding="utf-8")
    table = text[text.index(START) : text.index(END)]
    rows = re.findall(r"^\| \d+ \| `([^`]+)` \| (\d+) \|", table, flags=re.M)
    (total,) = re.findall(r"\*\*total\*\* \| \*\*(\d+)\*\*", table)
    return [(name, int(count)) for name, count in rows], int(total)


def line_count(path: Path) -> int:
    return path.read_bytes().count(b"\n")


@pytest.mark.parametrize("page", _pages(), ids=lambda p: p.name)
def test_the_reading_table_gives_each_file_its_true_line_count(page: Path) -> None:
    rows, total = reading_table(page)
    assert rows, f"{page} has no reading-path table"
    for name, count in rows:
        assert line_count(ROOT / name) == count, (name, line_count(ROOT / name), count)
    assert sum(count for _, count in rows) == total


def test_the_reading_path_keeps_its_budget() -> None:
    rows, total = reading_table(ROOT / "README.md")
    assert len(rows) <= 5
    assert total <= 600


def test_the_reading_path_holds_the_reference_backward_and_the_micrograd_ops() -> None:
    rows, _ = reading_table(ROOT / "README.md")
    text = "\n".join((ROOT / name).read_text(encoding="utf-8") for name, _ in rows)
    assert "operand.grad += node.grad * local" in text
    assert "def _sort(" in text and "def _born(" in text
    for op in ("add", "mul", "pow", "tanh", "relu", "exp"):
        assert f'Op("{op}"' in text


def test_the_kernel_shown_on_the_reading_page_is_the_one_generated() -> None:
    for page in _pages():
        text = page.read_text(encoding="utf-8")
        shown = re.search(r"```text\n(def kernel\(node\):\n.*?)```", text, flags=re.S)
        if shown:
            assert shown.group(1) == kernel_source("mul"), page
