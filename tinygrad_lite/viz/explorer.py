"""The graph explorer: one self-contained HTML page to step through forward and backward.

Sits on :mod:`.values` (the picture), :mod:`.ledger` (the replayed passes),
:mod:`.render` (the SVG, laid out once at export time) and
:func:`tinygrad_lite.graph.program` (the straight-line code). The page embeds
the SVG, the trace as JSON and a hand-written script and style shipped as
package data (``assets/explorer.js``, ``assets/explorer.css``); it makes no
network request, so it works offline from a file.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

from ..engine import Value
from ..graph import program
from .ledger import Trace, number, trace
from .values import NamedParameters, build, count_nodes, model_parameters

__all__ = ["BROWSER_FLAGS", "Explorer", "explore"]

BROWSER_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
"""Chromium flags to open a saved page headless on a bare machine, root included
(the browser tests and ``docs/make_figures.py`` use them)."""

PROGRAM_LIMIT = 4000
"""At most this many lines of each pass are shown in the page's program panel."""

# Lines of the generated program that only move data in or out of the nodes.
# (The generated code reads and writes a node's number through its slot, ``_data``.)
_PLUMBING = re.compile(r"^\s*(N\[\d+\]\.(_data|grad) = [vg]\d+|g\d+ = (N\[\d+\]\.grad|0\.0))$")
_BACKWARD_LOAD = re.compile(r"^\s*v\d+ = N\[\d+\]\._data$")


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath("assets", name).read_text(encoding="utf-8")


def _json_number(x: float) -> float | str:
    """JSON has no inf or nan: they travel as strings the script turns back into numbers."""
    if math.isfinite(x):
        return x
    return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")


def _inline_svg(svg: str) -> str:
    """The SVG without its XML prolog, doctype, comments and tooltips, ready to inline."""
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<!--.*?-->\n?", "", svg, flags=re.DOTALL)
    return re.sub(r"<title>[^<]*</title>\n?", "", svg)


def _role(value: Value, root: Value, parameters: dict[Value, str]) -> str:
    if value is root:
        return "output"
    if value in parameters:
        return "parameter"
    if value.is_constant:
        return "constant"
    return "input" if value.is_leaf else "computed"


class Explorer:
    """An interactive page for one graph: :func:`explore` builds it.

    Attributes:
        html: The whole page, one self-contained HTML document.
        summarized: True when the graph had more than ``max_nodes`` nodes and
            the picture shows one box per neuron.
        nodes: How many nodes the graph has.
    """

    def __init__(self, page: str, summarized: bool, nodes: int) -> None:
        self.html = page
        self.summarized = summarized
        self.nodes = nodes

    def save(self, path: str | Path) -> Path:
        """Write the page to ``path`` (``.html``); open it in any browser, offline."""
        target = Path(path)
        if target.suffix.lower() not in (".html", ".htm"):
            raise ValueError(f"Explorer.save writes .html files, got {str(path)!r}")
        target.write_text(self.html, encoding="utf-8")
        return target

    def _repr_html_(self) -> str:
        """Jupyter shows the page inline, in a sandboxed frame of its own."""
        frame = html.escape(self.html, quote=True)
        return (
            f'<iframe srcdoc="{frame}" sandbox="allow-scripts" '
            'style="width: 100%; height: 680px; border: 1px solid #ddd"></iframe>'
        )

    def __repr__(self) -> str:
        view = "summary" if self.summarized else "full"
        return f"<Explorer: {self.nodes} nodes, {view} view, {len(self.html)} characters>"


def _program_lines(
    replay: Trace,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], bool]:
    forward, backward = program(replay.root)
    shown: list[list[dict[str, Any]]] = []
    for section, lines in (("forward", forward), ("backward", backward)):
        kept = []
        for owner, text in lines:
            if _PLUMBING.match(text) or (section == "backward" and _BACKWARD_LOAD.match(text)):
                continue
            comment = f"  # {replay.names[owner]}" if owner >= 0 else ""
            kept.append({"node": owner, "text": text + comment, "seed": "+= seed" in text})
        shown.append(kept)
    cut = any(len(lines) > PROGRAM_LIMIT for lines in shown)
    return shown[0][:PROGRAM_LIMIT], shown[1][:PROGRAM_LIMIT], cut


def _steps(replay: Trace, forward: list[dict[str, Any]], backward: list[dict[str, Any]]) -> Any:
    """Each step: which node, which program lines, and which numbers it shows."""
    index = replay.index
    steps: list[dict[str, Any]] = []
    for node in replay.order:
        if node.op_def is None:
            continue
        i = index[node]
        lines = [k for k, line in enumerate(forward) if line["node"] == i]
        caption = replay.forward_line(node)
        steps.append(
            {"phase": "forward", "node": i, "lines": lines, "data": [i], "caption": caption}
        )
    for position, (source, contributions) in enumerate(replay.backward):
        seed = position == 0
        lines = [
            k for k, line in enumerate(backward) if line["node"] == source and line["seed"] == seed
        ]
        if seed:
            grads = [[source, 1.0, "1"]]
            name = replay.names[source]
            caption = f"{name}.grad = 1, the seed (d {name} / d {name})"
        else:
            grads = [[c.target, _json_number(c.total), number(c.total)] for c in contributions]
            caption = "; ".join(replay.step_line(c) for c in contributions) or (
                f"{replay.names[source]} has no Value inputs to pass its gradient to"
            )
        steps.append(
            {
                "phase": "backward",
                "node": source,
                "lines": lines,
                "grad": grads,
                "caption": caption,
            }
        )
    return steps


def explore(
    value: Value,
    *,
    parameters: Iterable[Value] | None = None,
    cluster: NamedParameters | None = None,
    max_nodes: int = 300,
    title: str | None = None,
) -> Explorer:
    """An interactive, self-contained HTML page to step through ``value``'s graph.

    The graph is laid out once, here (the SVG of :func:`draw_graph`, with its
    colour legend), and embedded with the replayed passes as JSON and a
    small script; the page makes no network request. In the browser:

    * ←/→ (or the buttons) step the **forward** pass (values appear in
      topological order), then the **backward** pass (gradients arrive in
      the engine's own order: reversed ``topological_order(value,
      leaves=False)``); Home/End jump to the start/end; space plays/pauses.
      The layout never moves.
    * Clicking a node opens its ledger (how its value was computed, how its
      gradient arrived, one term per consumer) and highlights its inputs
      and consumers.
    * Beside the graph, the straight-line program that
      :class:`tinygrad_lite.graph.Graph` compiles, the current step's lines
      highlighted.
    * ``window.tinygradLite`` drives it from a test: ``step(n)``,
      ``reset()``, ``toEnd()``, ``phase()`` (``"forward"``, ``"backward"``
      or ``"done"``) and ``state()`` (per node ``{id, label, op, data,
      grad}``, null where not yet computed).

    Gradients are replayed on floats from ``.data`` (leaves from 0), so the
    page shows what one ``value.backward()`` gives; the graph is not touched.

    Args:
        value: The output.
        parameters: Values to draw as parameters (green).
        cluster: A model: parameters named and boxed per Layer and Neuron.
        max_nodes: Past this many drawn nodes the picture is the summary
            (one box per neuron) and the page says so; stepping still walks
            every node.
        title: The page's heading (default: the output's name).

    Returns:
        An :class:`Explorer`: ``.html``, ``.save(path)``, inline in Jupyter.

    Raises:
        TypeError: If ``value`` is not a Value.
        ValueError: For a bad ``max_nodes``.
        RendererNotFoundError: When no renderer is installed (the ``viz`` extra).
    """
    if not isinstance(value, Value):
        raise TypeError(f"explore() needs a Value, got {type(value).__name__}: {value!r}")
    named = model_parameters(cluster)
    for extra in parameters or ():
        named.setdefault(extra, extra.label)
    replay = trace(value, {v: n for v, n in named.items() if n})
    order = replay.order
    ids = {node: f"tl-node-{i}" for i, node in enumerate(order)}
    size = count_nodes(order, expand=False)
    summarized = size > max_nodes
    drawing = build(
        value,
        max_nodes=max_nodes,
        cluster=cluster,
        parameters=list(named),
        grads={node: replay.grads[i] for i, node in enumerate(order)},
        ids=ids,
        summarize=summarized,
    )
    svg = _inline_svg(drawing.to_picture("explorer").pipe("svg").decode("utf-8"))
    forward, backward, cut = _program_lines(replay)
    steps = _steps(replay, forward, backward)
    consumers: dict[int, list[int]] = {}
    for node in order:
        for parent in node.parents:
            consumers.setdefault(replay.index[parent], []).append(replay.index[node])
    data = {
        "title": title or f"the graph of {replay.name(value)}",
        "summary": (
            f"summary view: {size} nodes are more than max_nodes = {max_nodes}, so the "
            "picture shows one box per neuron; stepping still walks every node"
            if summarized
            else ""
        ),
        "programCut": PROGRAM_LIMIT if cut else 0,
        "nodes": [
            {
                "id": i,
                "label": node.label,
                "name": replay.names[i],
                "op": node.op,
                "role": _role(node, value, named),
                "data": _json_number(node.data),
                "dataText": number(node.data),
                "svg": ids[node],
                "inputs": sorted({replay.index[p] for p in node.parents}),
                "consumers": sorted(set(consumers.get(i, []))),
                "forward": replay.forward_line(node),
                "gradient": replay.gradient_line(node),
            }
            for i, node in enumerate(order)
        ],
        "steps": steps,
        "program": {"forward": forward, "backward": backward},
    }
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    payload = payload.replace("<", "\\u003c")  # no "</script>" can end the block early
    parts = {
        "TITLE": html.escape(data["title"]),
        "STYLE": _asset("explorer.css"),
        "SVG": svg,
        "DATA": payload,
        "SCRIPT": _asset("explorer.js"),
    }
    # One pass, so no user text that reads {{DATA}} is ever replaced.
    page = re.sub(r"\{\{([A-Z]+)\}\}", lambda m: parts[m.group(1)], _asset("explorer.html"))
    return Explorer(page, summarized, len(order))
