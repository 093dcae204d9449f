"""Pinned layouts: a model's graph drawn as a network, positions computed here.

Sits on :mod:`.drawing` (it fills in a :class:`~.drawing.Drawing`'s node
positions); standard library only. Graphviz's ``dot`` orders the nodes of a
rank to cross as few edges as it can, so it reorders neurons and weights
freely; this module knows the model instead and places every node itself:

* the model's inputs in a first column, then each layer a column of its own,
  left to right, its neurons top to bottom in model order;
* inside a neuron, its nodes in columns by their distance from its
  parameters, the parameters first and in model order (``w0, w1, ..., b``);
* what the model does not own (the loss) in columns after the layer that
  feeds it.

The DOT text then says ``layout="nop"``: Graphviz (pygraphviz here,
``@viz-js/viz`` in a browser alike) takes every position as given and only
routes the edges. Node sizes are estimated from the text (DejaVu Sans
metrics, rounded up), since no renderer is asked before the positions exist.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = ["Block", "pin", "text_width"]

POINTS_PER_INCH = 72.0
NODE_GAP = 12.0  # points between two nodes of a column
COLUMN_GAP = 24.0  # points between two columns of a block (room for an edge)
BLOCK_GAP = 40.0  # points between two stages (layers)
WRAP = 12  # a block's lone column of more nodes than this is wrapped into several
BOX_MARGIN = 12.0  # points between a neuron's box and its nodes
BOX_TITLE = 18.0  # points above a box's nodes for its title

# Widths of DejaVu Sans glyphs in ems, rounded up; anything else counts as wide.
_NARROW = set(".,:;!|'ilj ")
_MEDIUM = set("()-[]frt1*/")
_WIDE = set("mwMW@%")


def text_width(text: str, size: float) -> float:
    """About how wide ``text`` is at ``size`` points in DejaVu Sans (a little generous)."""
    width = 0.0
    for char in text:
        if char in _NARROW:
            width += 0.34
        elif char in _MEDIUM:
            width += 0.45
        elif char in _WIDE or char.isupper():
            width += 0.86
        else:
            width += 0.66
    return width * size


@dataclass
class Block:
    """One unit of the layout: a neuron's nodes, or a run of nodes outside any neuron.

    Attributes:
        path: The neuron's module path (``layers.0.neurons.3``), or "" outside.
        stage: Which column of the picture the block sits in.
        names: Its nodes, in drawing order.
    """

    path: str
    stage: int
    names: list[str] = field(default_factory=list)


def _estimate(attrs: dict[str, str], size: float) -> tuple[float, float]:
    """Width and height in points of a node with these attributes."""
    label = attrs.get("label", "")
    font = float(attrs.get("fontsize", size))
    line = font * 1.25
    if attrs.get("shape") == "record":
        # NOTE: the drawings are rankdir=LR, where a record's top-level fields stack
        # and braces lay them side by side.
        fields = [f.strip() for f in label.strip("{} ").split("|")]
        widths = [text_width(f, font) + 16 for f in fields]
        if label.startswith("{"):
            return max(sum(widths), 54.0), line + 12
        return max(max(widths, default=0.0), 54.0), (line + 6) * len(fields) + 4
    lines = label.split("\n")
    width = max(text_width(text, font) for text in lines) + (
        26 if attrs.get("shape") == "ellipse" else 18
    )
    return max(width, 30.0), max(line * len(lines) + 8, float(attrs.get("height", "0.3")) * 72)


def _columns(
    names: list[str],
    preds: dict[str, list[str]],
    succs: dict[str, list[str]],
    keys: dict[str, tuple[float, ...]],
) -> list[list[str]]:
    """The block's nodes in columns: by longest path from the block's sources, ordered."""
    inside = set(names)
    position = {name: k for k, name in enumerate(names)}
    depth: dict[str, int] = {}
    for name in names:  # drawing order puts a node's inputs first (topological)
        inner = [p for p in preds.get(name, []) if p in inside and p in depth]
        depth[name] = 1 + max((depth[p] for p in inner), default=-1)
    # A source sits just before its first consumer (the 2 of x**2 next to its **).
    for name in reversed(names):
        if any(p in inside for p in preds.get(name, [])):
            continue
        consumers = [depth[s] for s in succs.get(name, []) if s in inside]
        if consumers:
            depth[name] = max(0, min(consumers) - 1)
    count = 1 + max(depth.values(), default=0)
    columns: list[list[str]] = [[] for _ in range(count)]
    for name in names:
        columns[depth[name]].append(name)
    rank: dict[str, float] = {}
    for column in columns:

        def key(name: str) -> tuple[float, ...]:
            inner = [rank[p] for p in preds.get(name, []) if p in rank]
            if name in keys:
                return (0.0, *keys[name])
            if inner:
                return (1.0, sum(inner) / len(inner), position[name])
            return (1.0, float("inf"), position[name])

        column.sort(key=key)
        for k, name in enumerate(column):
            rank[name] = float(k)
    columns = [column for column in columns if column]
    if len(columns) == 1 and len(columns[0]) > WRAP:
        # A long column of sources only (a neuron's inputs seen from inside): wrapped
        # into several, so the picture is not thousands of points tall.
        (single,) = columns
        count = -(-len(single) // WRAP)
        per = -(-len(single) // count)
        columns = [single[k : k + per] for k in range(0, len(single), per)]
    return columns


def pin(
    nodes: Sequence[tuple[str, dict[str, str], str]],
    edges: Sequence[tuple[str, str, dict[str, str]]],
    units: dict[str, str],
    keys: dict[str, tuple[float, ...]],
    size: float,
    column_gap: float = COLUMN_GAP,
    block_gap: float = BLOCK_GAP,
) -> tuple[
    dict[str, tuple[float, float, float, float]], dict[str, tuple[float, float, float, float]]
]:
    """Positions for every node and a box for every cluster, as a network.

    Args:
        nodes: ``(name, attributes, cluster path)`` of the drawing.
        edges: ``(tail, head, attributes)``.
        units: The neuron each node belongs to (module path); missing or ""
            for a node outside any neuron.
        keys: Sort keys for nodes whose order is known (a model's
            parameters, the inputs): lower comes first (higher up).
        size: The node font size in points.
        column_gap: Points between two columns (more when edges carry labels).
        block_gap: Points between two stages (layers), and between two neurons' boxes.

    Returns:
        ``(nodes, clusters)``: per node name its centre and size ``(x, y,
        width, height)`` and per cluster path its box ``(left, bottom,
        right, top)``, in points with y growing upwards (Graphviz's way).
    """
    preds: dict[str, list[str]] = {}
    succs: dict[str, list[str]] = {}
    for tail, head, _ in edges:
        preds.setdefault(head, []).append(tail)
        succs.setdefault(tail, []).append(head)
    sizes = {name: _estimate(attrs, size) for name, attrs, _ in nodes}
    names = _topological([name for name, _, _ in nodes], preds, succs)
    layers = sorted({_layer(u) for u in units.values() if u}, key=_natural)
    layer_stage = {layer: 2 * (k + 1) for k, layer in enumerate(layers)}
    stage: dict[str, int] = {}
    for name in names:  # non-leaves; names come in topological order
        unit = units.get(name, "")
        if unit:
            stage[name] = layer_stage[_layer(unit)]
        elif preds.get(name):
            latest = max(stage.get(p, 0) for p in preds[name])
            stage[name] = latest if latest % 2 else latest + 1
    for name in names:  # sources outside any neuron: the inputs, or beside their consumer
        if name in stage:
            continue
        consumers = [stage[s] for s in succs.get(name, []) if s in stage]
        fed = [s for s in succs.get(name, []) if units.get(s, "")]
        stage[name] = 0 if fed or not consumers else min(consumers)
    blocks: dict[tuple[int, str], Block] = {}
    for name in names:
        unit = units.get(name, "")
        block = blocks.setdefault((stage[name], unit), Block(unit, stage[name]))
        block.names.append(name)
    # Lay out each block on its own, with its top left corner at (0, 0), y downwards.
    local: dict[tuple[int, str], dict[str, tuple[float, float]]] = {}
    extent: dict[tuple[int, str], tuple[float, float]] = {}
    for key, block in blocks.items():
        columns = _columns(block.names, preds, succs, keys)
        place: dict[str, tuple[float, float]] = {}
        x = 0.0
        heights = [
            sum(sizes[n][1] for n in column) + NODE_GAP * (len(column) - 1) for column in columns
        ]
        tallest = max(heights, default=0.0)
        for column, height in zip(columns, heights, strict=True):
            width = max(sizes[n][0] for n in column)
            y = (tallest - height) / 2
            for name in column:
                place[name] = (x + width / 2, y + sizes[name][1] / 2)
                y += sizes[name][1] + NODE_GAP
            x += width + column_gap
        local[key] = place
        extent[key] = (max(0.0, x - column_gap), tallest)
    # Stack the blocks of a stage top to bottom (neurons in model order), stages left to right.
    stages = sorted({key[0] for key in blocks})
    framed = {key: bool(key[1]) for key in blocks}
    pad = {
        key: (BOX_MARGIN, BOX_MARGIN + BOX_TITLE) if framed[key] else (0.0, 0.0) for key in blocks
    }
    columns_of: dict[int, list[tuple[int, str]]] = {
        s: sorted((k for k in blocks if k[0] == s), key=lambda k: _natural(k[1])) for s in stages
    }
    stage_size: dict[int, tuple[float, float]] = {}
    for s in stages:
        keys_here = columns_of[s]
        width = max(extent[k][0] + 2 * pad[k][0] for k in keys_here)
        height = sum((extent[k][1] + pad[k][0] + pad[k][1] for k in keys_here), 0.0)
        height += block_gap / 2 * (len(keys_here) - 1)
        stage_size[s] = (width, height)
    total_height = max(h for _, h in stage_size.values()) if stage_size else 0.0
    result: dict[str, tuple[float, float, float, float]] = {}
    boxes: dict[str, tuple[float, float, float, float]] = {}
    x0 = 0.0
    for s in stages:
        width, height = stage_size[s]
        y0 = (total_height - height) / 2
        for key in columns_of[s]:
            side, top = pad[key]
            block_width, block_height = extent[key]
            left = x0 + (width - block_width) / 2
            for name, (x, y) in local[key].items():
                w, h = sizes[name]
                result[name] = (left + x, total_height - (y0 + top + y), w, h)
            if framed[key]:
                boxes[key[1]] = (
                    left - side,
                    total_height - (y0 + top + block_height + side),
                    left + block_width + side,
                    total_height - y0,
                )
            y0 += block_height + side + top + block_gap / 2
        x0 += width + block_gap
    # Each cluster's box holds its nodes and its sub-clusters' boxes.
    for name, _, cluster in nodes:
        for path in _prefixes(cluster):
            x, y, w, h = result[name]
            _grow(
                boxes,
                path,
                (
                    x - w / 2 - BOX_MARGIN,
                    y - h / 2 - BOX_MARGIN,
                    x + w / 2 + BOX_MARGIN,
                    y + h / 2 + BOX_MARGIN + BOX_TITLE,
                ),
            )
    for path in sorted(boxes, key=lambda p: -p.count(".")):
        for parent in _prefixes(path)[:-1]:
            left, bottom, right, top = boxes[path]
            _grow(
                boxes,
                parent,
                (
                    left - BOX_MARGIN,
                    bottom - BOX_MARGIN,
                    right + BOX_MARGIN,
                    top + BOX_MARGIN + BOX_TITLE,
                ),
            )
    return result, boxes


def _topological(
    names: list[str], preds: dict[str, list[str]], succs: dict[str, list[str]]
) -> list[str]:
    """``names`` with every node after its inputs, otherwise in drawing order (Kahn)."""
    waiting = {name: len(preds.get(name, [])) for name in names}
    position = {name: k for k, name in enumerate(names)}
    ready = [(position[name], name) for name in names if not waiting[name]]
    heapq.heapify(ready)
    result: list[str] = []
    while ready:
        _, name = heapq.heappop(ready)
        result.append(name)
        for head in succs.get(name, []):
            if head in waiting:
                waiting[head] -= 1
                if not waiting[head]:
                    heapq.heappush(ready, (position[head], head))
    return result + [name for name in names if waiting[name] > 0]  # a cycle cannot happen


def _grow(
    boxes: dict[str, tuple[float, float, float, float]],
    path: str,
    box: tuple[float, float, float, float],
) -> None:
    old = boxes.get(path)
    if old is None:
        boxes[path] = box
    else:
        boxes[path] = (
            min(old[0], box[0]),
            min(old[1], box[1]),
            max(old[2], box[2]),
            max(old[3], box[3]),
        )


def _prefixes(path: str) -> list[str]:
    """The cluster paths holding ``path``'s nodes: its numbered prefixes (a Layer, a Neuron)."""
    if not path:
        return []
    parts = path.split(".")
    found = [".".join(parts[: i + 1]) for i, part in enumerate(parts) if part.isdigit()]
    return found if found and found[-1] == path else [*found, path]


def _layer(unit: str) -> str:
    """The layer a neuron belongs to: ``layers.0.neurons.3`` -> ``layers.0``."""
    found = _prefixes(unit)
    return found[-2] if len(found) >= 2 else ""


def _natural(path: str) -> list[tuple[int, int, str]]:
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in path.split(".")]
