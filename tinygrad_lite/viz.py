"""Pictures of computation graphs, drawn with Graphviz, for teaching.

Sits above :mod:`tinygrad_lite.engine` (and beside ``nn`` and ``naive``) and
under :mod:`tinygrad_lite.cli`. The drawers build DOT text with the standard
library alone; rendering it (SVG, PNG, PDF) happens in-process through
``pygraphviz``, whose wheels bundle the Graphviz libraries, so no system
program is needed (a ``dot`` on PATH is used only when pygraphviz is missing).
``pygraphviz`` is imported inside :func:`render`, so ``import tinygrad_lite``
needs nothing but the standard library.

What it draws:

* :func:`draw_graph`: a ``Value`` graph. Each value is a record
  ``label | data | grad``; each op is its own small node (``+``, ``*``,
  ``tanh``); a shared sub-expression appears once with several out-edges.
  Colours give the role: input (blue), parameter (green), constant (grey),
  output (gold). ``show_local_grad=True`` writes the local derivative
  ``d out / d in`` on every edge, so a learner can multiply along a path by
  hand: the chain rule says ``d root / d leaf`` is the sum over paths of the
  product of the edge labels, times the root's seed 1.
* :func:`backward_steps`: one picture per step of the backward pass, the
  gradients filling in from the output back to the leaves.
* ``cluster=model`` boxes nodes by Layer and Neuron (from
  ``model.named_parameters()``); past ``max_nodes`` nodes the drawer
  summarizes (one box per neuron) and says so in the caption.
* :func:`draw_naive`: a naive-engine expression as a tree (the seed's
  figure 1); :func:`draw_calls`: the call tree of a recursive function (the
  seed's figure 2, naive Fibonacci with its repeated ``fib(2)``).
* :func:`save`: SVG, PNG or PDF by the path's suffix.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any, Protocol

from .engine import Value, topological_order
from .ops import BINARY, UNARY

__all__ = [
    "FONT",
    "DotNotFoundError",
    "Picture",
    "RendererNotFoundError",
    "backward_steps",
    "draw_calls",
    "draw_graph",
    "draw_naive",
    "naive_fib",
    "render",
    "save",
    "save_animation",
    "save_steps",
    "value_svg",
]

# Fill colours by role.
INPUT_COLOR = "#9fc5e8"
PARAMETER_COLOR = "#b6d7a8"
CONSTANT_COLOR = "#e0e0e0"
OUTPUT_COLOR = "#ffd966"
INTERMEDIATE_COLOR = "#ffffff"
OP_COLOR = "#fce5cd"
HIGHLIGHT_COLOR = "#cc0000"
REPEAT_COLOR = "#f4cccc"
SUMMARY_COLOR = "#d9d2e9"

SUFFIXES = ("svg", "png", "pdf")
"""The file types :func:`save` writes."""

FONT = "DejaVu Sans,Helvetica,Arial,sans-serif"
"""The font of every picture: DejaVu Sans ships with Debian's fontconfig, Helvetica
and Arial with macOS and Windows; the list is handed to Pango (PNG, PDF) and to the
SVG viewer as is, and each takes the first family it has."""

_INSTALL = (
    "rendering a picture needs pygraphviz, which bundles Graphviz: "
    'pip install "tinygrad_lite[viz]" (from a clone: pip install -e ".[viz]"); '
    "a Graphviz 'dot' program on PATH works too. graph.source still gives the DOT text"
)


class RendererNotFoundError(ImportError):
    """Neither pygraphviz nor a Graphviz ``dot`` program is there: no picture can be rendered.

    The :class:`Picture` itself is fine: ``picture.source`` is the DOT text,
    which any Graphviz installation (or an online viewer) can render.
    """


DotNotFoundError = RendererNotFoundError
"""The former name of :class:`RendererNotFoundError`, kept for old ``except`` clauses."""


class _NamedParameters(Protocol):
    """What ``cluster=`` needs: a model with ``named_parameters()`` (``nn.Module``)."""

    def named_parameters(self) -> Iterable[tuple[str, Value]]: ...


# ---------------------------------------------------------------------------
# Text helpers.


def _number(x: Any) -> str:
    """4 significant digits: ``0.7071``, ``-1.5``, ``1.234e+05``, ``nan``."""
    if isinstance(x, Value):  # a create_graph gradient
        x = x.data
    return f"{float(x):.4g}"


def _record_text(text: str) -> str:
    """Escape the characters a Graphviz record label treats as structure."""
    for char in '\\{}|<>"':
        text = text.replace(char, "\\" + char)
    return " ".join(text.splitlines())


# ---------------------------------------------------------------------------
# The drawing model: plain nodes and edges, emitted as DOT text at the end.


@dataclass
class _Drawing:
    """Nodes and edges before they become a ``Picture``."""

    rankdir: str
    nodes: list[tuple[str, dict[str, str], str]] = field(default_factory=list)
    edges: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    caption: list[str] = field(default_factory=list)
    cluster_labels: dict[str, str] = field(default_factory=dict)
    count: int = 0

    def new_name(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}{self.count}"

    def node(self, name: str, attrs: dict[str, str], cluster: str = "") -> None:
        self.nodes.append((name, attrs, cluster))

    def edge(self, tail: str, head: str, attrs: dict[str, str] | None = None) -> None:
        self.edges.append((tail, head, attrs or {}))

    def to_picture(self, name: str = "graph") -> Picture:
        """The DOT text of the drawing, as a :class:`Picture`."""
        lines = [f"digraph {_quote(name)} {{"]
        graph_attrs = {"rankdir": self.rankdir, "fontname": FONT}
        if self.caption:
            graph_attrs.update(label="\n".join(self.caption), labelloc="b", fontsize="11")
        lines.append(f"\tgraph {_attributes(graph_attrs)}")
        lines.append(f"\tnode {_attributes({'fontname': FONT, 'fontsize': '11'})}")
        lines.append(f"\tedge {_attributes({'fontname': FONT, 'fontsize': '9'})}")
        by_cluster: dict[str, list[tuple[str, dict[str, str]]]] = {}
        for node_name, attrs, cluster in self.nodes:
            by_cluster.setdefault(cluster, []).append((node_name, attrs))
        # Every cluster path and its ancestors ("layers.0" holds "layers.0.neurons.3").
        paths = {path for path in by_cluster if path}
        for path in list(paths):
            paths.update(p for p in _cluster_ancestors(path) if p)
        children: dict[str, list[str]] = {}
        for path in sorted(paths, key=_natural_key):
            parent = _cluster_parent(path, paths)
            children.setdefault(parent, []).append(path)

        def fill(path: str, indent: str) -> None:
            for node_name, attrs in by_cluster.get(path, []):
                lines.append(f"{indent}{_quote(node_name)} {_attributes(attrs)}")
            for child in children.get(path, []):
                lines.append(f"{indent}subgraph {_quote('cluster_' + child)} {{")
                label = self.cluster_labels.get(child, child)
                cluster_attrs = {
                    "label": label,
                    "style": "rounded,dashed",
                    "color": "#7f7f7f",
                    "fontsize": "10",
                }
                lines.append(f"{indent}\tgraph {_attributes(cluster_attrs)}")
                fill(child, indent + "\t")
                lines.append(f"{indent}}}")

        fill("", "\t")
        for tail, head, attrs in self.edges:
            lines.append(f"\t{_quote(tail)} -> {_quote(head)} {_attributes(attrs)}".rstrip())
        lines.append("}")
        return Picture("\n".join(lines) + "\n", name)


class _Record(str):
    """A record label already escaped for Graphviz's record parser (see :func:`_record_text`)."""

    __slots__ = ()


def _quote(text: str) -> str:
    """``text`` as a DOT string: shown literally (a record label keeps its own escapes)."""
    if isinstance(text, _Record):
        return f'"{text}"'
    # NOTE: the DOT parser only undoes \" ; Graphviz's label code then reads \\ as one
    # backslash and \n as a line break, so both are escaped for a literal picture.
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def _attributes(attrs: dict[str, str]) -> str:
    if not attrs:
        return ""
    return "[" + " ".join(f"{key}={_quote(value)}" for key, value in attrs.items()) + "]"


def _natural_key(path: str) -> list[Any]:
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


# ---------------------------------------------------------------------------
# Value graphs.


def _role_color(value: Value, root: Value, parameters: dict[Value, str]) -> str:
    if value is root:
        return OUTPUT_COLOR
    if value in parameters:
        return PARAMETER_COLOR
    if value.is_constant:
        return CONSTANT_COLOR
    if value.is_leaf:
        return INPUT_COLOR
    return INTERMEDIATE_COLOR


def _local_grads(value: Value) -> list[Any]:
    """``d value / d operand`` for each operand, from the op table (as backward does)."""
    op = value.op_def
    assert op is not None
    data = [x.data if isinstance(x, Value) else x for x in value.operands]
    if op.arity == BINARY:
        return list(op.local_grads(data[0], data[1], value.data))
    if op.arity == UNARY:
        return [op.local_grads(data[0], value.data)]
    return list(op.local_grads(data, value.data))


def _parameter_module(name: str) -> str:
    """The module path of a parameter: ``layers.0.neurons.3.w.1`` -> ``layers.0.neurons.3``."""
    parts = name.split(".")
    while parts and parts[-1].isdigit():
        parts.pop()
    return ".".join(parts[:-1])


def _model_parameters(model: _NamedParameters | None) -> dict[Value, str]:
    if model is None:
        return {}
    if not hasattr(model, "named_parameters"):
        raise TypeError(
            "cluster= needs a model with named_parameters() (an nn.Module), "
            f"got {type(model).__name__}"
        )
    return {value: name for name, value in model.named_parameters()}


def _assign_groups(order: Sequence[Value], parameters: dict[Value, str]) -> dict[Value, str]:
    """The neuron (module path) each node belongs to, for boxes and the summary.

    A node joins a neuron when it reads that neuron's parameters (``w*x``,
    ``dot(w, x, b)``), when it sums terms of that neuron only (the ``+``
    chain of a scalar neuron), or when it is a one-input op on such a node
    (the activation). Inputs, constants and the loss stay outside.
    """
    groups: dict[Value, str] = {value: _parameter_module(n) for value, n in parameters.items()}
    for node in order:
        if node.is_leaf:
            continue
        parents = node.parents
        owners = {groups[p] for p in parents if p in parameters}
        if len(owners) == 1:
            groups[node] = owners.pop()
            continue
        if owners:
            continue
        inner = {groups.get(p) for p in parents}
        if len(inner) != 1 or None in inner:
            continue
        op = node.op
        arity = node.op_def.arity if node.op_def is not None else 0
        if arity == UNARY or op in ("add", "total"):
            groups[node] = inner.pop()  # type: ignore[assignment]
    return groups


@dataclass
class _ValueStyle:
    """How value nodes are labelled; shared by the full and the stepwise drawings."""

    root: Value
    show_grad: bool
    show_local_grad: bool
    parameters: dict[Value, str]
    grads: dict[Value, float] | None  # backward_steps: what is known so far
    highlight: set[Value]
    horizontal: bool

    def grad_text(self, value: Value, stand_in: Value | None = None) -> str:
        source = value if stand_in is None else stand_in
        if self.grads is None:
            return f"grad {_number(source.grad)}"
        if source in self.grads:
            return f"grad {_number(self.grads[source])}"
        return "grad ?"

    def record(self, title: str, data: float, grad: str | None) -> _Record:
        fields = [_record_text(title)] if title else []
        fields.append(f"data {_number(data)}")
        if self.show_grad and grad is not None:
            fields.append(grad)
        text = " | ".join(fields)
        return _Record("{ " + text + " }" if self.horizontal else text)


def _value_attrs(style: _ValueStyle, value: Value, title: str) -> dict[str, str]:
    attrs = {
        "shape": "record",
        "style": "filled",
        "fillcolor": _role_color(value, style.root, style.parameters),
        "label": style.record(title, value.data, style.grad_text(value)),
    }
    if value in style.highlight:
        attrs.update(color=HIGHLIGHT_COLOR, penwidth="3")
    return attrs


def _op_attrs(symbol: str, highlighted: bool = False) -> dict[str, str]:
    attrs = {
        "label": symbol or "?",
        "shape": "ellipse",
        "style": "filled",
        "fillcolor": OP_COLOR,
        "fontsize": "10",
        "margin": "0.04,0.02",
        "height": "0.3",
    }
    if highlighted:
        attrs.update(color=HIGHLIGHT_COLOR, penwidth="3")
    return attrs


def _edge_label(local: Any, style: _ValueStyle) -> dict[str, str]:
    if not style.show_local_grad:
        return {}
    return {"label": f"∂={_number(local)}", "fontcolor": "#1155cc"}


def _count_nodes(order: Sequence[Value], expand: bool) -> int:
    """How many nodes the full picture would have (values, ops, drawn numbers)."""
    total = 0
    for value in order:
        total += 1
        op = value.op_def
        if op is None:
            continue
        total += 1
        if op.arity == BINARY:
            total += sum(1 for x in value.operands if not isinstance(x, Value))
        elif expand and op.name in ("dot", "total"):
            total += 2 * len(value.operands)
    return total


def _build_full(
    drawing: _Drawing,
    order: Sequence[Value],
    style: _ValueStyle,
    expand: bool,
    groups: dict[Value, str],
    kept: set[Value] | None = None,
) -> None:
    """Every value and op of ``order`` (or of ``kept``) into ``drawing``."""
    names: dict[Value, str] = {}
    for value in order:
        if kept is not None and value not in kept:
            continue
        names[value] = drawing.new_name("v")
    hidden = ""
    for value in order:
        if value not in names:
            continue
        name = names[value]
        group = groups.get(value, "")
        title = value.label or style.parameters.get(value, "")
        if group and title.startswith(group + "."):
            title = title[len(group) + 1 :]  # inside its neuron's box: "w.0", "b"
        drawing.node(name, _value_attrs(style, value, title), group)
        op = value.op_def
        if op is None:
            continue
        operands = value.operands
        locals_ = _local_grads(value)
        if expand and op.name in ("dot", "total"):
            _build_expanded(drawing, value, name, names, style, group)
            continue
        op_name = f"{name}_op"
        drawing.node(op_name, _op_attrs(op.symbol, value in style.highlight), group)
        drawing.edge(op_name, name)
        for operand, local in zip(operands, locals_, strict=True):
            if isinstance(operand, Value):
                if operand in names:
                    drawing.edge(names[operand], op_name, _edge_label(local, style))
                else:
                    if not hidden:
                        hidden = "hidden"
                        drawing.node(
                            hidden,
                            {
                                "label": "⋯ more nodes",
                                "shape": "box",
                                "style": "dashed",
                            },
                        )
                    drawing.edge(hidden, op_name, {"style": "dashed"})
            else:
                # A plain number operand (the 3 of x ** 3): a constant leaf of its own.
                constant = drawing.new_name("c")
                drawing.node(
                    constant,
                    {
                        "label": _number(operand),
                        "shape": "box",
                        "style": "rounded,filled",
                        "fillcolor": CONSTANT_COLOR,
                    },
                    group,
                )
                drawing.edge(constant, op_name)


def _build_expanded(
    drawing: _Drawing,
    value: Value,
    name: str,
    names: dict[Value, str],
    style: _ValueStyle,
    group: str,
) -> None:
    """A ``dot`` or ``total`` node drawn as its scalar ``*`` and ``+`` chain.

    ``dot(w, x, b)`` is ``((b + w1*x1) + w2*x2) + ...``: every partial sum and
    product carries the dot node's gradient (``+`` passes it on unchanged).
    """
    operands = [x for x in value.operands if isinstance(x, Value)]
    # Terms: (data, drawn name or None, [(operand, local derivative)] for a product).
    terms: list[tuple[float, Value | None, list[tuple[Value, float]]]] = []
    if value.op == "dot":
        n = len(operands) // 2
        if len(operands) % 2:
            terms.append((operands[-1].data, operands[-1], []))
        for w, x in zip(operands[:n], operands[n : 2 * n], strict=True):
            terms.append((w.data * x.data, None, [(w, x.data), (x, w.data)]))
    else:
        terms = [(x.data, x, []) for x in operands]
    grad = style.grad_text(value)

    def intermediate(prefix: str, data: float) -> str:
        """A record for a partial result of the expansion (no grad of its own)."""
        node_name = drawing.new_name(prefix)
        attributes = {
            "shape": "record",
            "style": "filled",
            "fillcolor": INTERMEDIATE_COLOR,
            "label": style.record("", data, grad),
        }
        drawing.node(node_name, attributes, group)
        return node_name

    def emit(term: tuple[float, Value | None, list[tuple[Value, float]]], last: bool) -> str:
        data, existing, factors = term
        if existing is not None:
            return names.get(existing, "")
        target = name if last else intermediate("p", data)
        op_name = f"{target}_op"
        drawing.node(op_name, _op_attrs("*"), group)
        drawing.edge(op_name, target)
        for operand, local in factors:
            if operand in names:
                drawing.edge(names[operand], op_name, _edge_label(local, style))
        return target

    if len(terms) == 1:
        emit(terms[0], last=True)
        return
    accumulated = emit(terms[0], last=False)
    running = terms[0][0]
    for i, term in enumerate(terms[1:], start=2):
        last = i == len(terms)
        term_name = emit(term, last=False)
        running += term[0]
        target = name if last else intermediate("s", running)
        op_name = f"{target}_op"
        drawing.node(op_name, _op_attrs("+"), group)
        drawing.edge(op_name, target)
        for source in (accumulated, term_name):
            if source:
                drawing.edge(source, op_name, _edge_label(1.0, style))
        accumulated = target


def _nearest(root: Value, budget: int) -> set[Value]:
    """The ``budget`` values closest to ``root`` (breadth first towards the leaves)."""
    kept: set[Value] = {root}
    frontier = [root]
    while frontier and len(kept) < budget:
        following: list[Value] = []
        for node in frontier:
            for parent in node.parents:
                if parent not in kept and len(kept) < budget:
                    kept.add(parent)
                    following.append(parent)
        frontier = following
    return kept


def _build_summary(
    drawing: _Drawing,
    order: Sequence[Value],
    style: _ValueStyle,
    groups: dict[Value, str],
    model_name: str,
) -> None:
    """One box per neuron, one for the inputs, one for the other ops, and the output."""
    root = style.root
    unit: dict[Value, str] = {}
    boxes: dict[str, dict[str, int]] = {}
    for value in order:
        if value is root:
            unit[value] = "output"
        elif value in groups:
            path = groups[value]
            unit[value] = f"neuron:{path}"
            counts = boxes.setdefault(path, {"parameters": 0, "ops": 0})
            counts["parameters" if value in style.parameters else "ops"] += 1
        elif value.is_constant:
            continue
        elif value.is_leaf:
            unit[value] = "inputs"
        else:
            unit[value] = "other"
    names: dict[str, str] = {}
    inputs = sum(1 for u in unit.values() if u == "inputs")
    others = sum(1 for u in unit.values() if u == "other")
    if inputs:
        names["inputs"] = "inputs"
        drawing.node(
            "inputs",
            {
                "label": f"inputs\n{inputs} values",
                "shape": "box",
                "style": "filled",
                "fillcolor": INPUT_COLOR,
            },
        )
    for path in sorted(boxes, key=_natural_key):
        counts = boxes[path]
        box = drawing.new_name("n")
        names[f"neuron:{path}"] = box
        title = path or model_name
        drawing.node(
            box,
            {
                "label": f"{title}\n{counts['parameters']} parameters, {counts['ops']} ops",
                "shape": "box",
                "style": "rounded,filled",
                "fillcolor": SUMMARY_COLOR,
            },
            ".".join(path.split(".")[:-2]) if path.count(".") >= 3 else "",
        )
    if others:
        names["other"] = "other"
        drawing.node(
            "other",
            {"label": f"other ops\n{others} nodes", "shape": "box", "style": "rounded"},
        )
    names["output"] = "output"
    title = root.label or "output"
    drawing.node("output", _value_attrs(style, root, title))
    seen: set[tuple[str, str]] = set()
    for value in order:
        head = unit.get(value)
        if head is None or value.is_leaf:
            continue
        for parent in value.parents:
            tail = unit.get(parent)
            if tail is None or tail == head or (tail, head) in seen:
                continue
            seen.add((tail, head))
            drawing.edge(names[tail], names[head])


def _draw(
    root: Value,
    *,
    rankdir: str,
    show_grad: bool,
    show_local_grad: bool,
    max_nodes: int,
    cluster: _NamedParameters | None,
    highlight: Iterable[Value] | None,
    expand: bool,
    parameters: Iterable[Value] | None,
    grads: dict[Value, float] | None,
    caption: str | None,
) -> _Drawing:
    if not isinstance(root, Value):
        raise TypeError(f"draw_graph() needs a Value, got {type(root).__name__}: {root!r}")
    if rankdir not in ("LR", "RL", "TB", "BT"):
        raise ValueError(f"rankdir must be one of LR, RL, TB, BT, got {rankdir!r}")
    if max_nodes < 1:
        raise ValueError(f"max_nodes must be at least 1, got {max_nodes}")
    named = _model_parameters(cluster)
    if parameters is not None:
        for value in parameters:
            named.setdefault(value, value.label)
    style = _ValueStyle(
        root=root,
        show_grad=show_grad,
        show_local_grad=show_local_grad,
        parameters=named,
        grads=grads,
        highlight=set(highlight or ()),
        horizontal=rankdir in ("LR", "RL"),
    )
    drawing = _Drawing(rankdir)
    if caption:
        drawing.caption.append(caption)
    order = topological_order(root)
    groups = _assign_groups(order, named) if cluster is not None else {}
    size = _count_nodes(order, expand)
    if size <= max_nodes:
        _build_full(drawing, order, style, expand, groups)
    elif cluster is not None:
        _build_summary(drawing, order, style, groups, type(cluster).__name__)
        drawing.caption.append(
            f"summarized: {size} nodes > max_nodes={max_nodes}; one box per neuron"
        )
    else:
        kept = _nearest(root, max(1, max_nodes // 2))
        _build_full(drawing, order, style, expand, groups, kept)
        drawing.caption.append(
            f"truncated: {size} nodes > max_nodes={max_nodes}; showing the "
            f"{len(kept)} values nearest the output (pass cluster=model to summarize)"
        )
    return drawing


def draw_graph(
    root: Value,
    *,
    rankdir: str = "LR",
    show_grad: bool = True,
    show_local_grad: bool = False,
    max_nodes: int = 300,
    cluster: _NamedParameters | None = None,
    highlight: Iterable[Value] | None = None,
    expand: bool = False,
    parameters: Iterable[Value] | None = None,
    caption: str | None = None,
) -> Picture:
    """The computation graph behind ``root`` as a Graphviz picture.

    Each value is a record ``label | data | grad`` (4 significant digits);
    each op is its own small node. A value used twice (``a * a``, a shared
    sub-expression) is drawn once with several out-edges: the picture is a
    DAG, the object the engine really walks. With ``show_local_grad`` every
    edge ``in -> op`` carries ``∂ = d out/d in`` from the op table, so::

        d root / d leaf = sum over paths leaf -> root of the product of the labels

    Args:
        root: The output value (drawn gold).
        rankdir: Graphviz layout direction: ``"LR"``, ``"RL"``, ``"TB"`` or ``"BT"``.
        show_grad: Write each value's ``.grad`` (run ``root.backward()`` first).
        show_local_grad: Write the local derivative on each edge.
        max_nodes: Past this many drawn nodes, summarize by neuron when
            ``cluster`` is given, else draw only the values nearest the output;
            the caption says which.
        cluster: A model with ``named_parameters()`` (``nn.MLP``, ``Layer``,
            ``Neuron``): its parameters are drawn green and named, nodes are
            boxed per Layer and Neuron.
        highlight: Values to outline in red.
        expand: Draw each ``dot``/``total`` node as its scalar ``*`` and ``+``
            chain (what a micrograd neuron builds) instead of one node.
        parameters: More values to draw as parameters (green).
        caption: A line of text under the picture.

    Returns:
        A ``Picture``: display it in Jupyter, ``save`` it, or read
        ``.source`` for the DOT text.

    Raises:
        ValueError: For a bad ``rankdir`` or ``max_nodes``.
    """
    drawing = _draw(
        root,
        rankdir=rankdir,
        show_grad=show_grad,
        show_local_grad=show_local_grad,
        max_nodes=max_nodes,
        cluster=cluster,
        highlight=highlight,
        expand=expand,
        parameters=parameters,
        grads=None,
        caption=caption,
    )
    return drawing.to_picture()


def backward_steps(
    root: Value,
    *,
    rankdir: str = "LR",
    show_local_grad: bool = True,
    max_nodes: int = 300,
    expand: bool = False,
    parameters: Iterable[Value] | None = None,
) -> list[Picture]:
    """Pictures of the backward pass, one per step, gradients filling in.

    Step 0 seeds ``d root/d root = 1``. Each later step takes the next op in
    reverse topological order and applies the chain rule once::

        input.grad += node.grad * (d node / d input)

    (outlined in red: the node and the inputs that just received). Values not
    yet reached show ``grad ?``. The computation is replayed on floats from
    ``.data``; the graph's own ``.grad`` fields are not touched. Leaves start
    from 0, as after ``zero_grad``.

    Args:
        root: The output value.
        rankdir: Graphviz layout direction.
        show_local_grad: Write the local derivative on each edge.
        max_nodes: As in :func:`draw_graph`.
        expand: As in :func:`draw_graph`.
        parameters: Values to draw as parameters.

    Returns:
        ``1 + (number of ops)`` graphs; :func:`save_steps` writes them as files.
    """
    grads: dict[Value, float] = {root: 1.0}
    common: dict[str, Any] = {
        "rankdir": rankdir,
        "show_grad": True,
        "show_local_grad": show_local_grad,
        "max_nodes": max_nodes,
        "cluster": None,
        "expand": expand,
        "parameters": list(parameters) if parameters is not None else None,
    }
    steps = [
        _draw(
            root,
            highlight=[root],
            grads=dict(grads),
            caption="step 0: seed d root / d root = 1",
            **common,
        ).to_picture(name="step0")
    ]
    order = [node for node in topological_order(root, leaves=False)]
    for number, node in enumerate(reversed(order), start=1):
        g = grads.get(node, 0.0)
        grads.setdefault(node, g)
        for operand, local in zip(node.operands, _local_grads(node), strict=True):
            if isinstance(operand, Value):
                grads[operand] = grads.get(operand, 0.0) + g * float(local)
        symbol = node.op_def.symbol if node.op_def is not None else ""
        steps.append(
            _draw(
                root,
                highlight=[node, *node.parents],
                grads=dict(grads),
                caption=(
                    f"step {number}: the '{symbol}' node passes grad {_number(g)} "
                    "× local derivative to its inputs"
                ),
                **common,
            ).to_picture(name=f"step{number}")
        )
    return steps


# ---------------------------------------------------------------------------
# The seed's figures: a naive-engine tree and a recursive call tree.


_NAIVE_SYMBOLS = {
    "Add": "+",
    "Sub": "-",
    "Mul": "*",
    "Div": "/",
    "Pow": "**",
    "Square": "square",
    "Abs": "abs",
    "Tanh": "tanh",
    "Relu": "relu",
    "Exp": "exp",
    "Log": "log",
    "Neg": "-",
}


def _naive_children(node: Any) -> list[Any]:
    """The operand nodes of a naive-engine node, in order (``children()`` or ``a``, ``b``)."""
    children = getattr(node, "children", None)
    if callable(children):
        return list(children())
    found: list[Any] = []
    for attribute in ("a", "b"):
        child = getattr(node, attribute, None)
        if child is not None and callable(getattr(child, "value", None)):
            found.append(child)
    return found


def _naive_leaf(node: Any) -> float:
    """A leaf's number, read from its field so the naive visit counter is not touched."""
    number = getattr(node, "v", None)
    return float(node.value() if number is None else number)


def draw_naive(
    expr: Any, *, rankdir: str = "TB", show_value: bool = False, max_nodes: int = 300
) -> Picture:
    """A naive-engine expression (``tinygrad_lite.naive``) drawn as a tree: figure 1.

    Unlike :func:`draw_graph`, this draws what the naive engine *walks*: a
    tree. A node reached twice (a shared ``Const`` or sub-expression) is drawn
    twice, because ``value()`` and ``grad(x)`` visit it twice. Variables are
    blue leaves (``x = 3``), constants grey leaves, operations ellipses; the
    root is gold. Arrows point from an operation to its operands, as the
    recursion goes.

    Args:
        expr: The root node (``Add(Add(x, Const(2)), y)``).
        rankdir: Graphviz layout direction; ``"TB"`` draws the root on top.
        show_value: Also write each operation's ``value()`` (these calls are
            counted by ``naive.visits()``).
        max_nodes: Refuse trees larger than this (a tree can be exponential
            in the size of the DAG it spells out).

    Raises:
        ValueError: If the tree has more than ``max_nodes`` nodes.
    """
    drawing = _Drawing(rankdir)
    stack: list[tuple[Any, str | None]] = [(expr, None)]
    while stack:
        node, parent = stack.pop()
        if drawing.count >= max_nodes:
            raise ValueError(f"draw_naive(): the tree has more than max_nodes={max_nodes} nodes")
        name = drawing.new_name("t")
        kind = type(node).__name__
        children = _naive_children(node)
        if kind == "Var":
            label = getattr(node, "name", "") or "var"
            attrs = {
                "label": f"{label} = {_number(_naive_leaf(node))}",
                "shape": "box",
                "style": "rounded,filled",
                "fillcolor": INPUT_COLOR,
            }
        elif not children:
            attrs = {
                "label": _number(_naive_leaf(node)),
                "shape": "box",
                "style": "rounded,filled",
                "fillcolor": CONSTANT_COLOR,
            }
        else:
            symbol = _NAIVE_SYMBOLS.get(kind, kind)
            suffix = f"\n= {_number(node.value())}" if show_value else ""
            attrs = {
                "label": f"{symbol}{suffix}",
                "shape": "ellipse",
                "style": "filled",
                "fillcolor": OUTPUT_COLOR if parent is None else OP_COLOR,
            }
        drawing.node(name, attrs)
        if parent is not None:
            drawing.edge(parent, name)
        for child in reversed(children):
            stack.append((child, name))
    return drawing.to_picture(name="naive")


def naive_fib(n: int) -> int:
    """The seed's ``fib1``: ``fib(n) = fib(n-1) + fib(n-2)``, exponential in ``n``."""
    if n < 2:
        return n
    return naive_fib(n - 1) + naive_fib(n - 2)


@dataclass
class _Call:
    label: str
    parent: int | None
    result: Any = None
    children: int = 0


def _trace_calls(fn: Callable[..., Any], args: tuple[Any, ...], max_calls: int) -> list[_Call]:
    """Run ``fn(*args)`` and record every call of ``fn`` itself (a profile hook)."""
    code = getattr(fn, "__code__", None)
    if code is None:
        raise TypeError(f"draw_calls() needs a Python function, got {type(fn).__name__}")
    calls: list[_Call] = []
    stack: list[int] = []
    name = getattr(fn, "__name__", "f")
    argument_names = code.co_varnames[: code.co_argcount]

    class TooManyCallsError(Exception):
        pass

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        if frame.f_code is not code:
            return
        if event == "call":
            if len(calls) >= max_calls:
                raise TooManyCallsError
            shown = ", ".join(repr(frame.f_locals.get(a)) for a in argument_names)
            calls.append(_Call(f"{name}({shown})", stack[-1] if stack else None))
            if stack:
                calls[stack[-1]].children += 1
            stack.append(len(calls) - 1)
        elif event == "return" and stack:
            calls[stack.pop()].result = arg

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        fn(*args)
    except TooManyCallsError:
        raise ValueError(
            f"draw_calls(): {name}{args!r} makes more than max_calls={max_calls} calls"
        ) from None
    finally:
        sys.setprofile(previous)
    return calls


def draw_calls(
    fn: Callable[..., Any] = naive_fib,
    n: Any = 4,
    *,
    rankdir: str = "TB",
    max_calls: int = 300,
) -> Picture:
    """The call tree of a recursive function: figure 2, naive ``fib(4)``.

    Each call is a node ``fib(k) = result``. A call with sub-calls that
    happens more than once (``fib(2)`` inside ``fib(4)``) is work done twice:
    it is filled red and outlined, and the calls beneath it are filled pink.
    That repetition is why asking each weight separately for ``df/dw``
    is slow, and why reverse accumulation computes each shared factor once.

    Args:
        fn: A Python function that calls itself by name (default: :func:`naive_fib`).
        n: Its argument.
        rankdir: Graphviz layout direction.
        max_calls: Refuse to run past this many calls.

    Raises:
        ValueError: If ``fn(n)`` makes more than ``max_calls`` calls.
    """
    calls = _trace_calls(fn, (n,), max_calls)
    seen: dict[str, int] = {}
    for call in calls:
        if call.children:
            seen[call.label] = seen.get(call.label, 0) + 1
    repeated = {label for label, times in seen.items() if times > 1}
    # A call inside a repeated call is repeated work too.
    inside: list[bool] = []
    for call in calls:
        parent_inside = call.parent is not None and (
            inside[call.parent] or calls[call.parent].label in repeated
        )
        inside.append(parent_inside)
    drawing = _Drawing(rankdir)
    for i, call in enumerate(calls):
        attrs = {"label": f"{call.label}\n= {call.result!r}", "shape": "box", "style": "rounded"}
        if call.label in repeated:
            attrs.update(style="rounded,filled", fillcolor="#e06666", color=HIGHLIGHT_COLOR)
            attrs["penwidth"] = "2.5"
        elif inside[i]:
            attrs.update(style="rounded,filled", fillcolor=REPEAT_COLOR)
        drawing.node(f"call{i}", attrs)
        if call.parent is not None:
            drawing.edge(f"call{call.parent}", f"call{i}")
    if repeated:
        drawing.caption.append(
            "computed more than once: " + ", ".join(sorted(repeated, key=_natural_key))
        )
    return drawing.to_picture(name="calls")


# ---------------------------------------------------------------------------
# Rendering.


class Picture:
    """A drawn graph: its DOT text, rendered in-process by pygraphviz on demand.

    What :func:`draw_graph` and the other drawers return. ``source`` is the
    DOT text (it needs no renderer); :meth:`pipe` gives the bytes of an SVG,
    PNG or PDF picture, :meth:`save` writes one, and Jupyter displays the
    picture inline through :meth:`_repr_svg_`, never through a ``dot`` program.

    Attributes:
        source: The DOT text.
        name: The graph's name in the DOT text.
    """

    __slots__ = ("name", "source")

    def __init__(self, source: str, name: str = "graph") -> None:
        self.source = source
        self.name = name

    def pipe(self, format: str = "svg", *, dpi: float | None = None) -> bytes:  # noqa: A002
        """The rendered picture as bytes (``format``: ``"svg"``, ``"png"`` or ``"pdf"``).

        Raises:
            ValueError: For another format or a bad ``dpi``.
            RendererNotFoundError: When neither pygraphviz nor ``dot`` is there.
        """
        return render(self.source, format, dpi=dpi)

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
        graph: A picture from :func:`draw_graph` and friends.
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
    resolution = _resolution(scale, dpi)
    if resolution is not None and suffix != "png":
        raise ValueError(f"scale and dpi apply to .png files only, got {str(path)!r}")
    data = render(graph.source, suffix, dpi=resolution)
    target.write_bytes(data)
    return target


def _resolution(scale: float | None, dpi: float | None) -> float | None:
    if scale is not None and dpi is not None:
        raise ValueError(f"give scale or dpi, not both (got scale={scale!r}, dpi={dpi!r})")
    if scale is not None:
        if not (isinstance(scale, (int, float)) and 0.1 <= scale <= 20):
            raise ValueError(f"scale must be a number from 0.1 to 20, got {scale!r}")
        return 72.0 * scale
    if dpi is not None and not (isinstance(dpi, (int, float)) and 10 <= dpi <= 1500):
        raise ValueError(f"dpi must be a number from 10 to 1500, got {dpi!r}")
    return dpi


def save_steps(graphs: Sequence[Picture], directory: str | Path, suffix: str = "svg") -> list[Path]:
    """Write the pictures of :func:`backward_steps` as ``step_00.svg``, ``step_01.svg``, ...

    Args:
        graphs: The pictures, in order.
        directory: Created when missing.
        suffix: ``svg``, ``png`` or ``pdf``.

    Returns:
        The paths written, in order.
    """
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    width = max(2, len(str(len(graphs) - 1)))
    return [
        save(graph, folder / f"step_{i:0{width}d}.{suffix.lstrip('.')}")
        for i, graph in enumerate(graphs)
    ]


def save_animation(
    graphs: Sequence[Picture], path: str | Path, seconds_per_frame: float = 1.0
) -> Path:
    """Write the pictures of :func:`backward_steps` as one animated GIF.

    Frames are rendered to PNG and placed on a white canvas of the
    largest frame's size, so the picture does not jump as labels grow.

    Args:
        graphs: The pictures, in order (at least one).
        path: Where to write; its suffix must be ``.gif``.
        seconds_per_frame: How long each frame shows.

    Returns:
        The path written.

    Raises:
        ValueError: For no frames, another suffix or a non-positive duration.
        ImportError: When Pillow is missing (it comes with the ``viz`` extra).
    """
    target = Path(path)
    if target.suffix.lower() != ".gif":
        raise ValueError(f"save_animation writes .gif files, got {str(path)!r}")
    if not graphs:
        raise ValueError("save_animation needs at least one picture, got none")
    if not seconds_per_frame > 0:
        raise ValueError(f"seconds_per_frame must be > 0, got {seconds_per_frame!r}")
    try:
        from PIL import Image
    except ImportError as error:
        raise ImportError('animated GIFs need Pillow: pip install "tinygrad_lite[viz]"') from error
    import io

    frames = [
        Image.open(io.BytesIO(render(graph.source, "png"))).convert("RGB") for graph in graphs
    ]
    width = max(frame.width for frame in frames)
    height = max(frame.height for frame in frames)
    canvases = []
    for frame in frames:
        canvas = Image.new("RGB", (width, height), "white")
        canvas.paste(frame, (0, 0))
        canvases.append(canvas)
    target.parent.mkdir(parents=True, exist_ok=True)
    canvases[0].save(
        target,
        save_all=True,
        append_images=canvases[1:],
        duration=round(seconds_per_frame * 1000),
        loop=0,
    )
    return target


# One render at a time: Graphviz keeps global state, and fd 2 is redirected meanwhile.
_RENDER_LOCK = threading.Lock()

# The bundled fontconfig is older than some systems' configuration files and says
# so on stderr the first time it loads them; the fonts still load.
_FONTCONFIG_NOISE = re.compile(rb"^Fontconfig (warning|error): .*\bunknown element\b.*$")


def render(source: str, fmt: str = "svg", *, dpi: float | None = None) -> bytes:
    """Lay out and render DOT text: in-process with pygraphviz, else with a ``dot`` program.

    Args:
        source: DOT text (``picture.source``).
        fmt: ``"svg"``, ``"png"`` or ``"pdf"``.
        dpi: Resolution of a PNG (Graphviz's default: 96).

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
        data: bytes = graph.draw(format=fmt, prog="dot")
    return data


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


def value_svg(value: Value, max_nodes: int = 300) -> str | None:
    """The SVG picture of ``value``'s graph, for Jupyter (``Value._repr_svg_``).

    Returns None (so Jupyter falls back to the text ``repr``) when no
    renderer is installed.
    """
    return draw_graph(value, max_nodes=max_nodes)._repr_svg_()


# Let notebooks display a Value as its graph; see Value._repr_svg_.
Value._svg_renderer = value_svg
