"""The drawing model: nodes, edges, clusters and a legend, written out as DOT text.

The bottom of :mod:`tinygrad_lite.viz`: standard library only. Every drawer
fills a :class:`Drawing` and turns it into a :class:`~.render.Picture` with
:meth:`Drawing.to_picture`; the colours and the font live here, once.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

from .layout import pin
from .render import Picture

# Fill colours by role.
INPUT_COLOR = "#9fc5e8"
PARAMETER_COLOR = "#b6d7a8"
CONSTANT_COLOR = "#e0e0e0"
OUTPUT_COLOR = "#ffd966"
INTERMEDIATE_COLOR = "#ffffff"
OP_COLOR = "#fce5cd"
HIGHLIGHT_COLOR = "#cc0000"
REPEAT_COLOR = "#f4cccc"
REPEATED_COLOR = "#e06666"
SUMMARY_COLOR = "#d9d2e9"
EDGE_LABEL_COLOR = "#1155cc"

FONT = "DejaVu Sans,Helvetica,Arial,sans-serif"
"""The font of every picture: DejaVu Sans ships with Debian's fontconfig, Helvetica
and Arial with macOS and Windows; the list is handed to Pango (PNG, PDF) and to the
SVG viewer as is, and each takes the first family it has."""

VALUE_LEGEND: tuple[tuple[str, str], ...] = (
    ("input", INPUT_COLOR),
    ("parameter", PARAMETER_COLOR),
    ("constant", CONSTANT_COLOR),
    ("computed", INTERMEDIATE_COLOR),
    ("op", OP_COLOR),
    ("output", OUTPUT_COLOR),
)
"""The legend under every value-graph picture: role and fill colour."""

LARGE = 300
"""Past this many nodes, dot's network simplex is cut short (``nslimit``): its
time grows much faster than the graph (a 1,000-node picture took 7.8 s, bounded
3.4 s); the layout is a little less tidy, never wrong. Such a picture is also
scaled to fit 80 x 80 inches, or its PNG alone takes seconds to paint."""


ROUTED = 120
"""A pinned drawing with at most this many edges routes them around the nodes; past it
they are straight lines (Graphviz's obstacle-avoiding router grows much faster than the
graph: 0.1 s straight, 135 s routed for 500 edges)."""


class Record(str):
    """A record label already escaped for Graphviz's record parser (see :func:`record_text`)."""

    __slots__ = ()


class Html(str):
    """An HTML-like Graphviz label (written between ``<`` and ``>``)."""

    __slots__ = ()


def record_text(text: str) -> str:
    """Escape the characters a Graphviz record label treats as structure."""
    for char in '\\{}|<>"':
        text = text.replace(char, "\\" + char)
    return " ".join(text.splitlines())


def quote(text: str) -> str:
    """``text`` as a DOT value: shown literally (records and HTML keep their own syntax)."""
    if isinstance(text, Html):
        return f"<{text}>"
    if isinstance(text, Record):
        return f'"{text}"'
    # NOTE: the DOT parser only undoes \" ; Graphviz's label code then reads \\ as one
    # backslash and \n as a line break, so both are escaped for a literal picture.
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def attributes(attrs: dict[str, str]) -> str:
    """``[key="value" ...]``, or "" for no attributes."""
    if not attrs:
        return ""
    return "[" + " ".join(f"{key}={quote(value)}" for key, value in attrs.items()) + "]"


def plural(count: int, word: str, words: str | None = None) -> str:
    """``1 node``, ``2 nodes``; ``words`` for an irregular plural."""
    return f"{count} {word if count == 1 else (words or word + 's')}"


def _legend_label(caption: list[str], legend: tuple[tuple[str, str], ...]) -> Html:
    """The graph label: the caption lines over one row of coloured legend cells."""
    rows = [
        f'<TR><TD COLSPAN="{max(1, len(legend))}">{html.escape(line)}</TD></TR>' for line in caption
    ]
    if legend:
        cells = "".join(
            f'<TD BGCOLOR="{colour}" BORDER="1" STYLE="rounded">{html.escape(name)}</TD>'
            for name, colour in legend
        )
        rows.append(f"<TR>{cells}</TR>")
    return Html(
        '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="4" CELLPADDING="3">'
        + "".join(rows)
        + "</TABLE>"
    )


@dataclass
class Drawing:
    """Nodes and edges before they become DOT text.

    Attributes:
        rankdir: Graphviz layout direction.
        nodes: ``(name, attributes, cluster path)`` in drawing order.
        edges: ``(tail, head, attributes)``.
        caption: Lines of text under the picture.
        legend: ``(role, colour)`` cells under the caption.
        cluster_labels: Titles of the clusters by path (default: the path).
        fontsize: Points of the node text; edge labels use the same size.
        pinned: Place every node with :func:`.layout.pin` (a network's columns)
            and let Graphviz only route the edges (``layout="nop"``).
        units: For a pinned drawing: the neuron (module path) of each node.
        keys: For a pinned drawing: sort keys of nodes whose order is known.
        spacing: Graphviz's ``nodesep`` and ``ranksep`` in inches (None: its defaults).
    """

    rankdir: str
    nodes: list[tuple[str, dict[str, str], str]] = field(default_factory=list)
    edges: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    caption: list[str] = field(default_factory=list)
    legend: tuple[tuple[str, str], ...] = ()
    cluster_labels: dict[str, str] = field(default_factory=dict)
    count: int = 0
    fontsize: float = 11.0
    pinned: bool = False
    units: dict[str, str] = field(default_factory=dict)
    keys: dict[str, tuple[float, ...]] = field(default_factory=dict)
    spacing: tuple[float, float] | None = None

    def new_name(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}{self.count}"

    def node(self, name: str, attrs: dict[str, str], cluster: str = "") -> None:
        self.nodes.append((name, attrs, cluster))

    def edge(self, tail: str, head: str, attrs: dict[str, str] | None = None) -> None:
        self.edges.append((tail, head, attrs or {}))

    def to_source(self, name: str = "graph") -> str:
        """The DOT text."""
        lines = [f"digraph {quote(name)} {{"]
        graph_attrs: dict[str, str] = {"rankdir": self.rankdir, "fontname": FONT}
        size = f"{self.fontsize:g}"
        positions: dict[str, tuple[float, float, float, float]] = {}
        boxes: dict[str, tuple[float, float, float, float]] = {}
        if self.pinned:
            units = {name: self.units.get(name, cluster) for name, _, cluster in self.nodes}
            labelled = sum(1 for _, _, attrs in self.edges if "label" in attrs)
            # NOTE: an edge label needs room: about the width of "∂=-0.1234".
            room = self.fontsize * 4.5 if labelled > len(self.edges) // 4 else 0.0
            positions, boxes = pin(
                self.nodes,
                self.edges,
                units,
                self.keys,
                self.fontsize,
                24.0 + room,
                40.0 + 2 * room,
            )
            # NOTE: nop keeps every given position and only routes the edges: around the
            # nodes up to ROUTED edges, straight past that (routing 500 edges took 135 s).
            routed = "true" if len(self.edges) <= ROUTED else "line"
            graph_attrs.update(layout="nop", splines=routed, outputorder="edgesfirst")
        elif self.spacing is not None:
            graph_attrs.update(nodesep=f"{self.spacing[0]:g}", ranksep=f"{self.spacing[1]:g}")
        if len(self.nodes) > LARGE:
            # NOTE: at most 80 inches a side, so a PNG stays under 8,000 pixels.
            graph_attrs["size"] = "80,80"
            if not self.pinned:
                graph_attrs.update(nslimit="1", nslimit1="1")
        if self.caption or self.legend:
            graph_attrs.update(
                label=_legend_label(self.caption, self.legend), labelloc="b", fontsize=size
            )
        lines.append(f"\tgraph {attributes(graph_attrs)}")
        lines.append(f"\tnode {attributes({'fontname': FONT, 'fontsize': size})}")
        lines.append(f"\tedge {attributes({'fontname': FONT, 'fontsize': size})}")
        by_cluster: dict[str, list[tuple[str, dict[str, str]]]] = {}
        for node_name, attrs, cluster in self.nodes:
            by_cluster.setdefault(cluster, []).append((node_name, attrs))
        # Every cluster path and its ancestors ("layers.0" holds "layers.0.neurons.3").
        paths = {path for path in by_cluster if path}
        for path in list(paths):
            paths.update(p for p in _cluster_ancestors(path) if p)
        children: dict[str, list[str]] = {}
        for path in sorted(paths, key=natural_key):
            children.setdefault(_cluster_parent(path, paths), []).append(path)

        def fill(path: str, indent: str) -> None:
            for node_name, attrs in by_cluster.get(path, []):
                if node_name in positions:
                    x, y, width, height = positions[node_name]
                    attrs = dict(
                        attrs,
                        pos=f"{x:.1f},{y:.1f}",
                        width=f"{width / 72:.3f}",
                        height=f"{height / 72:.3f}",
                    )
                lines.append(f"{indent}{quote(node_name)} {attributes(attrs)}")
            for child in children.get(path, []):
                lines.append(f"{indent}subgraph {quote('cluster_' + child)} {{")
                cluster_attrs = {
                    "label": self.cluster_labels.get(child, child),
                    "style": "rounded,dashed",
                    "color": "#7f7f7f",
                    "fontsize": f"{self.fontsize - 1:g}",
                    "margin": "12",
                }
                if child in boxes:
                    left, bottom, right, top = boxes[child]
                    cluster_attrs["bb"] = f"{left:.1f},{bottom:.1f},{right:.1f},{top:.1f}"
                    cluster_attrs["lp"] = f"{(left + right) / 2:.1f},{top - 10:.1f}"
                lines.append(f"{indent}\tgraph {attributes(cluster_attrs)}")
                fill(child, indent + "\t")
                lines.append(f"{indent}}}")

        fill("", "\t")
        for tail, head, attrs in self.edges:
            lines.append(f"\t{quote(tail)} -> {quote(head)} {attributes(attrs)}".rstrip())
        lines.append("}")
        return "\n".join(lines) + "\n"

    def to_picture(self, name: str = "graph") -> Picture:
        """The drawing as a :class:`~.render.Picture`."""
        return Picture(self.to_source(name), name)


def natural_key(path: str) -> list[Any]:
    """Sort key for dotted paths with numbers: ``layers.2`` before ``layers.10``."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in path.split(".")]


def _cluster_ancestors(path: str) -> list[str]:
    """Every prefix of a dotted path that ends in a number: a Layer, then a Neuron."""
    parts = path.split(".")
    return [".".join(parts[: i + 1]) for i, part in enumerate(parts) if part.isdigit()]


def _cluster_parent(path: str, paths: set[str]) -> str:
    parts = path.split(".")
    for end in range(len(parts) - 1, 0, -1):
        prefix = ".".join(parts[:end])
        if prefix in paths:
            return prefix
    return ""
