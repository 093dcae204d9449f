"""Build the notebooks from their sources in ``notebooks/src/`` and execute them.

Each source is a plain Python script in the "percent" format: a line
``# %%`` starts a code cell, ``# %% [markdown]`` a markdown cell whose lines
are comments (``# `` is stripped). The script turns each source into an
``.ipynb`` next to this file, runs it top to bottom in a fresh ``python3``
kernel with nbclient, and saves it *with* its outputs, so the figures show
when the repository is browsed.

Run from the repository root::

    .venv/bin/python notebooks/build.py            # all notebooks
    .venv/bin/python notebooks/build.py 03         # the ones whose name contains "03"
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "src"
CELL_MARK = re.compile(r"^# %%(?P<kind> \[markdown\])?\s*$")
TIMEOUT = 120  # seconds per cell
ADDRESS = re.compile(r" at 0x[0-9a-f]+")


def parse(text: str) -> nbformat.NotebookNode:
    """A notebook (no outputs) from a percent-format script."""
    cells: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        match = CELL_MARK.match(line)
        if match:
            cells.append(("markdown" if match.group("kind") else "code", []))
        elif cells:
            cells[-1][1].append(line)
    notebook = nbformat.v4.new_notebook()
    for kind, lines in cells:
        while lines and not lines[-1].strip():
            lines.pop()
        while lines and not lines[0].strip():
            lines.pop(0)
        if kind == "markdown":
            body = "\n".join(re.sub(r"^# ?", "", line) for line in lines)
            notebook.cells.append(nbformat.v4.new_markdown_cell(body))
        else:
            notebook.cells.append(nbformat.v4.new_code_cell("\n".join(lines)))
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    notebook.metadata["language_info"] = {"name": "python"}
    # Stable ids keep diffs small between rebuilds.
    for i, cell in enumerate(notebook.cells):
        cell["id"] = f"cell-{i:02d}"
    return notebook


def _settle(text: str) -> str:
    """What a terminal shows for ``text``: each line keeps what follows its last ``\\r``."""
    lines = text.split("\n")
    return "\n".join(line.rsplit("\r", 1)[-1] for line in lines)


def tidy_streams(cell: nbformat.NotebookNode) -> None:
    """Merge consecutive stdout/stderr chunks and settle progress bars (``\\r``).

    A text progress bar redraws itself with carriage returns; a live notebook
    shows only its last state, but a saved one would keep every redraw.
    """
    merged: list[nbformat.NotebookNode] = []
    for output in cell.get("outputs", []):
        if (
            output.output_type == "stream"
            and merged
            and merged[-1].output_type == "stream"
            and merged[-1].name == output.name
        ):
            merged[-1].text += output.text
        else:
            merged.append(output)
    for output in merged:
        if output.output_type == "stream":
            output.text = _settle(output.text)
        plain = output.get("data", {}).get("text/plain")
        if isinstance(plain, str):
            # NOTE: "<Figure at 0x7f...>" changes every run; drop the address so
            # rebuilding an unchanged notebook gives an unchanged file.
            output["data"]["text/plain"] = ADDRESS.sub("", plain)
    cell["outputs"] = merged


def build(source: Path) -> tuple[Path, float, int]:
    """Convert, execute and save one notebook; return its path, run time and size."""
    notebook = parse(source.read_text(encoding="utf-8"))
    client = NotebookClient(
        notebook,
        timeout=TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(HERE)}},
    )
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    for cell in notebook.cells:
        cell.get("metadata", {}).pop("execution", None)
        if cell.cell_type == "code":
            tidy_streams(cell)
    target = HERE / (source.stem + ".ipynb")
    nbformat.write(notebook, target)
    return target, seconds, target.stat().st_size


def main(argv: list[str]) -> None:
    sources = sorted(SOURCES.glob("[0-9]*.py"))
    if argv:
        sources = [s for s in sources if any(pattern in s.stem for pattern in argv)]
    for source in sources:
        target, seconds, size = build(source)
        print(f"{target.name}: {seconds:5.1f} s, {size / 1024:7.1f} KiB")


if __name__ == "__main__":
    main(sys.argv[1:])
