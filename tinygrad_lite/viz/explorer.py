"""The graph explorer: one self-contained HTML page to step through forward and backward.

Sits on :mod:`.values` (the picture), :mod:`.ledger` (the replayed passes),
:mod:`.render` (the SVG, laid out once at export time) and
:func:`tinygrad_lite.graph.program` (the straight-line code). The page embeds
the SVG, the trace as JSON and a hand-written script and style shipped as
package data (``assets/explorer.js``, ``assets/explorer.css``); it makes no
network request, so it works offline from a file.

Two halves, so a page can also be built where pygraphviz is not (a browser
running Python, laying out with ``@viz-js/viz``):

1. :func:`page_data` is pure Python and needs no renderer: it returns a
   :class:`PageData` holding the DOT text of each view (``views[""]`` the
   graph or its summary, ``views[path]`` the inside of each neuron of a
   summary; a pinned network layout says ``layout="nop"`` in its DOT, so any
   Graphviz renders it alike) and the JSON-ready ``payload`` (nodes, steps,
   program, captions).
2. :func:`render_page` renders each view's DOT to SVG (pygraphviz, in-process)
   and assembles the HTML; :func:`explore` is the two in a row.

The page's script starts from ``(svgs, payload)`` given at run time::

    window.tinygradLite.load(svgs, payload)

where ``svgs`` is the main view's SVG text, or an object ``{"": main svg,
"<neuron path>": its inside's svg, ...}`` with one entry per key of
``PageData.views``, and ``payload`` is ``PageData.payload``. An exported
page calls it itself on the SVGs and payload it embeds. The same object
drives the page from a test: ``step(n)``, ``reset()``, ``toEnd()``,
``phase()``, ``state()``, ``select(id)``, ``playing()``, ``zoom(factor)``,
``fit()``, ``scale()`` (screen pixels per SVG point), ``present(on)``,
``panels(on)``, ``open(path)`` (a neuron's inside, ``""`` for the summary)
and ``view()`` (the path shown).
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from ..engine import Value
from ..graph import program
from ..ops import BINARY, UNARY
from .drawing import Drawing
from .ledger import Trace, number, template, trace
from .render import render
from .values import (
    NamedParameters,
    _assign_groups,
    build,
    count_nodes,
    display_name,
    parameter_names,
    summary_box_id,
    summary_units,
)

__all__ = ["BROWSER_FLAGS", "Explorer", "PageData", "explore", "page_data", "render_page"]

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

FONT_SIZE = 14.0
"""Points of the node text in the explorer's pictures (larger than a static picture's:
the page is meant to be projected)."""

PROGRAM_LIMIT = 4000
"""At most this many lines of each pass are shown in the page's program panel."""

# Lines of the generated program that only move data in or out of the nodes.
_PLUMBING = re.compile(r"^\s*(N\[\d+\]\.(_data|grad) = [vg]\d+|g\d+ = (N\[\d+\]\.grad|-?0\.0))$")
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


def _role(value: Value, root: Value, parameters: dict[Value, str], constants: set[Value]) -> str:
    if value is root:
        return "output"
    if value in parameters:
        return "parameter"
    if value in constants:
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


_HELPER_CALL = re.compile(r"\b([FL])_(\w+)\(")
_OUTPUT_ARGUMENT = re.compile(r", v\d+\)")
_UPDATE = re.compile(r"^\s*g(\d+) (\+|-)= ")


def _readable(text: str) -> str:
    """A program line without the compiler's helper names: ``F_tanh(v8)`` -> ``tanh(v8)``,
    ``L_relu(v2, v3)`` -> ``relu'(v2)`` (the local derivative of relu at v2), and
    ``N[0]._data`` (the slot the compiled code reads) as ``N[0].data``."""

    def call(match: re.Match[str]) -> str:
        kind, name = match.group(1), match.group(2)
        return f"{name}(" if kind == "F" else f"{name}'("

    if "L_" in text:  # a derivative's call also passes the op's output: not needed to read it
        text = _OUTPUT_ARGUMENT.sub(")", text, count=1)
    return _HELPER_CALL.sub(call, text).replace("._data", ".data")


def _program_lines(
    replay: Trace,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], bool]:
    """The program's lines with a comment each: what the line computes, in the picture's names."""
    forward, backward = program(replay.root)
    names = replay.names
    shown: list[list[dict[str, Any]]] = []
    for section, lines in (("forward", forward), ("backward", backward)):
        kept = []
        for owner, text in lines:
            if _PLUMBING.match(text) or (section == "backward" and _BACKWARD_LOAD.match(text)):
                continue
            comment = ""
            if owner >= 0:
                node = replay.order[owner]
                formula = replay.formula(node) if node.op_def is not None else names[owner]
                through = names[owner] if names[owner] == formula else f"{names[owner]} = {formula}"
                update = _UPDATE.match(text)
                if section == "forward":
                    comment = f"  # {through}"
                elif "+= seed" in text:
                    name = names[owner]
                    comment = f"  # grad of {name}: the seed, d {name}/d {name} = 1"
                elif update:
                    comment = f"  # grad of {names[int(update.group(1))]}, through {through}"
                else:
                    comment = f"  # the local derivatives of {through}"
            kept.append(
                {"node": owner, "text": _readable(text) + comment, "seed": "+= seed" in text}
            )
        shown.append(kept)
    cut = any(len(lines) > PROGRAM_LIMIT for lines in shown)
    return shown[0][:PROGRAM_LIMIT], shown[1][:PROGRAM_LIMIT], cut


def _short(node: Value) -> str:
    """An op applied to elided operands: ``relu(…)``, ``… * …``, ``dot(…)``."""
    op = node.op_def
    assert op is not None
    if op.arity == BINARY:
        return template(op, ["…", "…"])
    if op.arity == UNARY:
        return template(op, ["…"])
    return f"{op.symbol or op.name}(…)"


def _steps(
    replay: Trace,
    forward: list[dict[str, Any]],
    backward: list[dict[str, Any]],
    places: dict[int, str] | None,
) -> Any:
    """Each step: which node, which program lines, and which numbers it shows.

    ``places`` (a summary view) names the box each node is drawn in; the
    captions then say the box and the op (``layers.0.neurons.3: relu(…) =
    0.2367``), names that are in the picture.
    """
    index = replay.index
    steps: list[dict[str, Any]] = []
    for node in replay.order:
        if node.op_def is None:
            continue
        i = index[node]
        lines = [k for k, line in enumerate(forward) if line["node"] == i]
        caption = replay.forward_line(node)
        if places is not None:
            caption = f"{places[i]}: {_short(node)} = {number(node.data)}"
        steps.append(
            {"phase": "forward", "node": i, "lines": lines, "data": [i], "caption": caption}
        )
    for position, (source, contributions) in enumerate(replay.backward):
        seed = position == 0
        lines = [
            k for k, line in enumerate(backward) if line["node"] == source and line["seed"] == seed
        ]
        name = replay.names[source]
        if seed:
            grads = [[source, 1.0, "1"]]
            caption = f"{name}.grad = 1, the seed (d {name} / d {name})"
            if places is not None:
                caption = f"{places[source]}: grad 1, the seed"
        else:
            grads = [[c.target, _json_number(c.total), number(c.total)] for c in contributions]
            caption = "; ".join(replay.step_line(c) for c in contributions) or (
                f"{name} has no Value inputs to pass its gradient to"
            )
            if places is not None:
                node = replay.order[source]
                receivers = sorted({places[c.target] for c in contributions if c.target in places})
                caption = (
                    f"{places[source]}: {_short(node)} passes grad {number(replay.grads[source])} "
                    f"back to {', '.join(receivers) or 'no Value input'}"
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


@dataclass
class PageData:
    """Everything a page needs but the SVGs: built in pure Python, no renderer.

    Attributes:
        views: DOT text per view: ``""`` the graph (or its summary), and in a
            summary each neuron's inside by its module path.
        payload: The JSON-ready trace: nodes, steps, program, captions.
        summarized: True when the main view is the summary.
    """

    views: dict[str, str]
    payload: dict[str, Any]
    summarized: bool


def page_data(
    value: Value,
    *,
    parameters: Iterable[Value] | None = None,
    cluster: NamedParameters | None = None,
    max_nodes: int = 300,
    title: str | None = None,
) -> PageData:
    """The explorer's views as DOT text and its trace as a JSON-ready payload (see :func:`explore`).

    Pure Python: nothing is rendered, so this also runs where pygraphviz is
    not; :func:`render_page` (or the browser, with ``window.tinygradLite.load``)
    turns it into a page.
    """
    if not isinstance(value, Value):
        raise TypeError(f"explore() needs a Value, got {type(value).__name__}: {value!r}")
    if not isinstance(max_nodes, int) or max_nodes < 1:
        raise ValueError(f"max_nodes must be an integer >= 1, got {max_nodes!r}")
    named = parameter_names(cluster, parameters)
    replay = trace(value, {v: display_name(n) for v, n in named.items()})
    order = replay.order
    ids = {node: f"tl-node-{i}" for i, node in enumerate(order)}
    size = count_nodes(order, expand=False)
    summarized = size > max_nodes
    common: dict[str, Any] = {
        "cluster": cluster,
        "parameters": list(named),
        "grads": {node: replay.grads[i] for i, node in enumerate(order)},
        "fontsize": FONT_SIZE,
        "stacked": True,
    }
    drawing = build(value, max_nodes=max_nodes, ids=ids, summarize=summarized, **common)
    if not drawing.pinned:
        # NOTE: tighter than a static picture: the page fits the graph to the window.
        drawing.spacing = (0.15, 0.3)
    _name_on_hover(drawing, replay)
    views = {"": drawing.to_source("explorer")}
    groups = _assign_groups(order, named) if cluster is not None else {}
    places: dict[int, str] | None = None
    boxes: dict[int, str] = {}
    inside: list[dict[str, Any]] = []
    if summarized:
        units = summary_units(order, value, groups)
        readable = {"inputs": "inputs", "other": "other ops", "output": "output"}
        places = {
            replay.index[node]: readable.get(unit, unit.removeprefix("neuron:"))
            for node, unit in units.items()
        }
        for node in order:
            if node.is_constant:
                consumer = next((c for c in order if node in c.parents), value)
                places[replay.index[node]] = places.get(replay.index[consumer], "other ops")
        boxes = {replay.index[node]: summary_box_id(unit) for node, unit in units.items()}
        for k, path in enumerate(sorted(set(groups.values()), key=_natural)):
            members = {node for node in order if groups.get(node) == path}
            shown = members | {p for node in members for p in node.parents}
            prefix = f"tl-v{k}-"
            view_ids = {node: f"{prefix}node-{replay.index[node]}" for node in shown}
            inner = build(
                value, max_nodes=max_nodes, ids=view_ids, only=shown, inside=path, **common
            )
            _name_on_hover(inner, replay)
            views[path] = inner.to_source(f"inside {path}")
            inside.append({"path": path, "prefix": prefix, "box": summary_box_id(path)})
    forward, backward, cut = _program_lines(replay)
    steps = _steps(replay, forward, backward, places)
    consumers: dict[int, list[int]] = {}
    for node in order:
        for parent in node.parents:
            consumers.setdefault(replay.index[parent], []).append(replay.index[node])
    counts = f"{size} nodes are more than max_nodes = {max_nodes}"
    summary = ""
    if summarized and groups:
        summary = (
            f"summary view: {counts}, so the picture shows one box per neuron "
            f"({len(inside)} neurons); the box being computed is outlined at every step. "
            "Click a neuron's box to open it."
        )
    elif summarized:
        summary = (
            f"summary view: {counts}, so the picture shows the inputs, the other ops and the "
            "output as boxes; stepping still walks every node (give cluster=model to see neurons)"
        )
    payload = {
        "title": title or f"the graph of {replay.name(value)}",
        "summary": summary,
        "programCut": PROGRAM_LIMIT if cut else 0,
        "views": [{"path": "", "prefix": "tl-", "box": ""}, *inside],
        "nodes": [
            {
                "id": i,
                "label": node.label,
                "name": replay.names[i],
                "op": node.op,
                "role": _role(node, value, named, replay.constants),
                "data": _json_number(node.data),
                "dataText": number(node.data),
                "svg": ids[node].removeprefix("tl-"),
                "box": boxes.get(i, ""),
                "place": (places or {}).get(i, ""),
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
    return PageData(views, payload, summarized)


_NODE_ID = re.compile(r"^tl-(?:v\d+-)?node-(\d+)$")


def _name_on_hover(drawing: Drawing, replay: Trace) -> None:
    """Give each value's record a tooltip: how the captions name it, and how it was computed.

    An unlabelled intermediate is ``v32`` in the captions and the program; its
    record has no title, so the name shows when the pointer is on it.
    """
    for k, (name, attrs, cluster) in enumerate(drawing.nodes):
        found = _NODE_ID.match(attrs.get("id", ""))
        if found is None or "tooltip" in attrs:
            continue
        node = replay.order[int(found.group(1))]
        drawing.nodes[k] = (name, dict(attrs, tooltip=replay.forward_line(node)), cluster)


def _natural(path: str) -> list[tuple[int, int, str]]:
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in path.split(".")]


def _script_json(data: Any) -> str:
    """JSON to sit inside a ``<script>`` block: no ``</script>`` can end it early."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def render_page(data: PageData) -> Explorer:
    """Render each view's DOT to SVG (pygraphviz, in-process) and assemble the page."""
    svgs = {
        path: _inline_svg(render(source, "svg").decode("utf-8"))
        for path, source in data.views.items()
    }
    title = data.payload["title"]
    parts = {
        "TITLE": html.escape(title),
        "STYLE": _asset("explorer.css"),
        "SVGS": _script_json(svgs),
        "DATA": _script_json(data.payload),
        "SCRIPT": _asset("explorer.js"),
    }
    # One pass, so no user text that reads {{DATA}} is ever replaced.
    page = re.sub(r"\{\{([A-Z]+)\}\}", lambda m: parts[m.group(1)], _asset("explorer.html"))
    return Explorer(page, data.summarized, len(data.payload["nodes"]))


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
    colour legend; a model's network in columns, as ``draw_graph(cluster=)``
    draws it), and embedded with the replayed passes as JSON and a small
    script; the page makes no network request. In the browser:

    * The graph fills the window and fits it on load; the mouse wheel zooms
      (at the pointer), dragging pans, ``+``/``-`` zoom, ``0`` fits again.
      The side panels (ledger, program) fold away; ``f`` (or the button)
      switches to presentation mode: graph and caption only, large type,
      the step keys still working.
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
      highlighted, each line's comment naming what it computes.
    * Past ``max_nodes`` the picture is the summary: one box per neuron
      (with ``cluster=``), the box being computed outlined at every step;
      clicking a box opens that neuron's inside (its nodes with data and
      gradient, stepping shown there too), and "back" returns.
    * ``window.tinygradLite`` drives it from a test or another page (see
      the module docstring): ``step(n)``, ``reset()``, ``toEnd()``,
      ``phase()`` (``"forward"``, ``"backward"`` or ``"done"``),
      ``state()`` (per node ``{id, label, op, data, grad}``, null where not
      yet computed), ``load(svgs, payload)`` and the view controls.

    Gradients are replayed on floats from ``.data`` (leaves from 0), so the
    page shows what one ``value.backward()`` gives; the graph is not touched.

    Args:
        value: The output.
        parameters: Values to draw as parameters (green; unlabelled ones
            are named ``p0, p1, ...``).
        cluster: A model: parameters named and the network laid out by
            layer and neuron.
        max_nodes: Past this many drawn nodes the picture is the summary
            and the page says so; stepping still walks every node.
        title: The page's heading (default: the output's name).

    Returns:
        An :class:`Explorer`: ``.html``, ``.save(path)``, inline in Jupyter.

    Raises:
        TypeError: If ``value`` is not a Value.
        ValueError: For a bad ``max_nodes``.
        RendererNotFoundError: When no renderer is installed (the ``viz`` extra).
    """
    return render_page(
        page_data(value, parameters=parameters, cluster=cluster, max_nodes=max_nodes, title=title)
    )
