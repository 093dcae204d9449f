"""Rendering DOT text to SVG, PNG or PDF, in-process, with no system program.

The renderer is ``pygraphviz`` (the ``viz`` extra), whose wheels bundle the
Graphviz libraries with the dot layout and the cairo/pango renderers. When
it is missing but a Graphviz ``dot`` program is on PATH, that is used
instead; when neither is there, :class:`RendererNotFoundError` names the
extra. ``pygraphviz`` is imported inside :func:`render`, never at import time.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..extras import install_hint

SUFFIXES = ("svg", "png", "pdf")
"""The file types :func:`save` writes."""

_INSTALL = (
    "rendering a picture needs pygraphviz, which bundles Graphviz: "
    f"{install_hint('viz')}; "
    "a Graphviz 'dot' program on PATH works too. graph.source still gives the DOT text"
)


class RendererNotFoundError(ImportError):
    """Neither pygraphviz nor a Graphviz ``dot`` program is there: nothing can render.

    The :class:`Picture` itself is fine: ``picture.source`` is the DOT text,
    which any Graphviz installation (or an online viewer) can render.
    """


DotNotFoundError = RendererNotFoundError
"""The former name of :class:`RendererNotFoundError`, kept for old ``except`` clauses."""


class Picture:
    """A drawn graph: its DOT text, rendered in-process by pygraphviz on demand.

    What :func:`~tinygrad_lite.viz.draw_graph` and the other drawers return.
    ``source`` is the DOT text (it needs no renderer); :meth:`pipe` gives the
    bytes of an SVG, PNG or PDF picture, :meth:`save` writes one, and Jupyter
    displays it inline through :meth:`_repr_svg_`, never through a ``dot``
    program.

    Attributes:
        source: The DOT text.
        name: The graph's name in the DOT text.
        layout: DOT text whose layout this picture reuses (the frames of
            :func:`~tinygrad_lite.viz.backward_steps` share one), or None.
    """

    __slots__ = ("layout", "name", "source")

    def __init__(self, source: str, name: str = "graph", layout: str | None = None) -> None:
        self.source = source
        self.name = name
        self.layout = layout

    def pipe(self, format: str = "svg", *, dpi: float | None = None) -> bytes:  # noqa: A002
        """The rendered picture as bytes (``format``: ``"svg"``, ``"png"`` or ``"pdf"``).

        Raises:
            ValueError: For another format or a bad ``dpi``.
            RendererNotFoundError: When neither pygraphviz nor ``dot`` is there.
        """
        return render(self.source, format, dpi=dpi, layout=self.layout)

    def save(
        self, path: str | Path, *, scale: float | None = None, dpi: float | None = None
    ) -> Path:
        """Write the picture to ``path`` (SVG, PNG or PDF by the suffix); see :func:`save`."""
        return save(self, path, scale=scale, dpi=dpi)

    def _repr_svg_(self) -> str | None:
        """Jupyter's inline display; None (the text repr) when nothing can render."""
        try:
            return self.pipe("svg").decode("utf-8")
        except RendererNotFoundError:
            return None

    def __str__(self) -> str:
        return self.source

    def __repr__(self) -> str:
        return f"<Picture {self.name!r}: {self.source.count(chr(10))} lines of DOT>"


def save(
    graph: Picture, path: str | Path, *, scale: float | None = None, dpi: float | None = None
) -> Path:
    """Render ``graph`` to ``path``: SVG, PNG or PDF by the suffix.

    Args:
        graph: A picture from :func:`~tinygrad_lite.viz.draw_graph` and friends.
        path: Where to write; the suffix (``.svg``, ``.png``, ``.pdf``) picks the format.
        scale: PNG only: pixels per point, ``dpi = 72 * scale`` (2 for a slide
            on a high-density screen). Graphviz's default is 96 dpi (scale 4/3).
        dpi: PNG only: the resolution itself; give ``scale`` or ``dpi``, not both.

    Returns:
        The path written.

    Raises:
        ValueError: For another suffix, or a bad ``scale``/``dpi``.
        RendererNotFoundError: When neither pygraphviz nor a ``dot`` program
            is there (``graph.source`` still gives the DOT text).
    """
    target = Path(path)
    suffix = target.suffix.lower().lstrip(".")
    if suffix not in SUFFIXES:
        raise ValueError(
            f"save() writes .svg, .png or .pdf files, got {str(path)!r} "
            "(graph.source gives the DOT text)"
        )
    resolution = resolution_of(scale, dpi)
    if resolution is not None and suffix != "png":
        raise ValueError(f"scale and dpi apply to .png files only, got {str(path)!r}")
    data = graph.pipe(suffix, dpi=resolution)
    target.write_bytes(data)
    return target


def resolution_of(scale: float | None, dpi: float | None) -> float | None:
    """The PNG resolution asked for by ``scale`` (x 72 dpi) or ``dpi``; None for the default."""
    if scale is not None and dpi is not None:
        raise ValueError(f"give scale or dpi, not both (got scale={scale!r}, dpi={dpi!r})")
    if scale is not None:
        if not (isinstance(scale, (int, float)) and 0.1 <= scale <= 20):
            raise ValueError(f"scale must be a number from 0.1 to 20, got {scale!r}")
        return 72.0 * scale
    if dpi is not None and not (isinstance(dpi, (int, float)) and 10 <= dpi <= 1500):
        raise ValueError(f"dpi must be a number from 10 to 1500, got {dpi!r}")
    return dpi


# One render at a time: Graphviz keeps global state, and fd 2 is redirected meanwhile.
_RENDER_LOCK = threading.Lock()

# The bundled fontconfig is older than some systems' configuration files and says
# so on stderr the first time it loads them; the fonts still load.
_FONTCONFIG_NOISE = re.compile(rb"^Fontconfig (warning|error): .*\bunknown element\b.*$")

# The last fixed layout computed: (its DOT text, positions); frames share one.
_layout_cache: list[tuple[str, dict[str, Any]]] = []


def render(
    source: str, fmt: str = "svg", *, dpi: float | None = None, layout: str | None = None
) -> bytes:
    """Lay out and render DOT text: in-process with pygraphviz, else with a ``dot`` program.

    Args:
        source: DOT text (``picture.source``).
        fmt: ``"svg"``, ``"png"`` or ``"pdf"``.
        dpi: Resolution of a PNG (Graphviz's default: 96).
        layout: DOT text of the same nodes and edges whose dot layout is
            reused as is (node positions and sizes, edge routes), so several
            pictures share one layout; None lays ``source`` out itself. Only
            pygraphviz can reuse a layout; the ``dot`` fallback ignores it.

    Raises:
        ValueError: For another format, or a layout Graphviz refuses.
        RendererNotFoundError: When neither renderer is there.
    """
    if fmt not in SUFFIXES:
        raise ValueError(f"the formats are svg, png and pdf, got {fmt!r}")
    try:
        import pygraphviz
    except ImportError:
        program = shutil.which("dot")
        if program is None:
            raise RendererNotFoundError(_INSTALL) from None
        return _render_with_program(program, source, fmt, dpi)
    with _RENDER_LOCK, _quiet_fontconfig():
        graph = pygraphviz.AGraph(string=source)
        if dpi is not None:
            graph.graph_attr["dpi"] = f"{dpi:g}"
        if layout is None:
            # A pinned drawing names its own engine (layout="nop": positions as given).
            engine = graph.graph_attr.get("layout") or "dot"
            data: bytes = graph.draw(format=fmt, prog=engine)
            return data
        _apply_layout(graph, _positions(pygraphviz, layout))
        # NOTE: nop2 (neato -n2) takes every position and spline as given: nothing moves.
        data = graph.draw(format=fmt, prog="nop2")
        return data


def _positions(pygraphviz: Any, layout: str) -> dict[str, Any]:
    """Node boxes, edge routes and the bounding box of ``layout`` laid out by dot (cached)."""
    for cached_source, cached in _layout_cache:
        if cached_source == layout:
            return cached
    reference = pygraphviz.AGraph(string=layout)
    reference.layout(prog="dot")
    nodes = {
        str(node): {key: node.attr[key] for key in ("pos", "width", "height")}
        for node in reference.nodes()
    }
    edges = [{key: edge.attr[key] or "" for key in ("pos", "lp")} for edge in reference.edges()]
    positions = {
        "nodes": nodes,
        "edges": edges,
        "bb": reference.graph_attr["bb"],
        "lp": reference.graph_attr["lp"] or "",
    }
    _layout_cache[:] = [(layout, positions)]
    return positions


def _apply_layout(graph: Any, positions: dict[str, Any]) -> None:
    for node in graph.nodes():
        box = positions["nodes"].get(str(node))
        if box is not None:
            node.attr.update(fixedsize="true", **box)
    for edge, route in zip(graph.edges(), positions["edges"], strict=False):
        edge.attr.update({key: value for key, value in route.items() if value})
    graph.graph_attr["bb"] = positions["bb"]
    if positions["lp"]:
        graph.graph_attr["lp"] = positions["lp"]


def _render_with_program(program: str, source: str, fmt: str, dpi: float | None) -> bytes:
    command = [program, f"-T{fmt}"] + ([f"-Gdpi={dpi:g}"] if dpi is not None else [])
    done = subprocess.run(command, input=source.encode("utf-8"), capture_output=True, check=False)
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()
        raise ValueError(f"Graphviz could not lay out the graph: {message}")
    return done.stdout


@contextmanager
def _quiet_fontconfig() -> Iterator[None]:
    """Hold back fontconfig's "unknown element" notes from fd 2; pass everything else on.

    The note is printed by C code straight to file descriptor 2, out of reach of
    ``sys.stderr``: the descriptor is pointed at a temporary file for the
    render, then restored, and every other line is written back to it.
    """
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):  # no fd 2 (a GUI, a closed stderr)
        yield
        return
    with tempfile.TemporaryFile() as capture:
        os.dup2(capture.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            capture.seek(0)
            lines = capture.read().splitlines(keepends=True)
            kept = b"".join(line for line in lines if not _FONTCONFIG_NOISE.match(line.rstrip()))
            if kept:
                os.write(2, kept)
