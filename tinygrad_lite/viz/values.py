"""Pictures of ``Value`` graphs: :func:`draw_graph` and the builders it shares.

Sits on the engine, the op table, :mod:`.drawing` and :mod:`.ledger`; the
backward steps and the explorer draw through :func:`build`. Each value is a
record ``label | data | grad``, each op its own small node; a shared value
is drawn once. Non-commutative binary ops (found by :func:`.ledger.is_commutative`)
show their template (``a - b``) and mark their in-edges ``a`` and ``b``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..engine import Value, topological_order
from ..ops import BINARY, UNARY, Op
from .drawing import (
    CONSTANT_COLOR,
    EDGE_LABEL_COLOR,
    HIGHLIGHT_COLOR,
    INPUT_COLOR,
    INTERMEDIATE_COLOR,
    OP_COLOR,
    OUTPUT_COLOR,
    PARAMETER_COLOR,
    ROUTED,
    SUMMARY_COLOR,
    VALUE_LEGEND,
    Drawing,
    Record,
    natural_key,
    plural,
    record_text,
)
from .ledger import (
    constant_leaves,
    is_commutative,
    is_infix,
    leaf_names,
    local_grads,
    number,
    template,
    trace,
)
from .render import Picture

__all__ = ["draw_graph"]

_OPERAND_MARKS = "abcdefgh"


class NamedParameters(Protocol):
    """What ``cluster=`` needs: a model with ``named_parameters()`` (``nn.Module``)."""

    def named_parameters(self) -> Iterable[tuple[str, Value]]: ...


def _role_color(
    value: Value, root: Value, parameters: dict[Value, str], constants: set[Value]
) -> str:
    if value is root:
        return OUTPUT_COLOR
    if value in parameters:
        return PARAMETER_COLOR
    if value in constants:
        return CONSTANT_COLOR
    if value.is_leaf:
        return INPUT_COLOR
    return INTERMEDIATE_COLOR


def _parameter_module(name: str) -> str:
    """The module path of a parameter: ``layers.0.neurons.3.w.1`` -> ``layers.0.neurons.3``."""
    parts = name.split(".")
    while parts and parts[-1].isdigit():
        parts.pop()
    return ".".join(parts[:-1])


def _short_parameter(name: str) -> str:
    """A parameter's name inside its neuron's box: ``...neurons.3.w.1`` -> ``w1``."""
    parts = name.split(".")
    tail = [parts.pop()] if parts else []
    while tail and tail[0].isdigit() and parts:
        tail.insert(0, parts.pop())
    return "".join(tail)


def display_name(name: str) -> str:
    """A parameter's name as every view writes it: ``neurons.3.w.1`` -> ``neurons.3.w1``."""
    parts = name.split(".")
    out: list[str] = []
    for part in parts:
        if (
            part.isdigit()
            and out
            and not out[-1][-1:].isdigit()
            and out[-1] in ("w", "weight", "b", "bias")
        ):
            out[-1] += part
        else:
            out.append(part)
    return ".".join(out)


def parameter_names(
    model: NamedParameters | None, parameters: Iterable[Value] | None
) -> dict[Value, str]:
    """``{parameter: name}``: a model's dotted names, else the label, else ``p0, p1, ...``.

    A parameter is never given an input's name (``x0``): unlabelled ones
    are numbered ``p0, p1, ...`` in the order given.
    """
    named = model_parameters(model)
    count = 0
    taken = set(named.values())
    for value in parameters or ():
        if not isinstance(value, Value):
            raise TypeError(f"parameters= takes Values, got {type(value).__name__}")
        if value in named:
            continue
        if value.label:
            named[value] = value.label
            continue
        while f"p{count}" in taken:
            count += 1
        named[value] = f"p{count}"
        count += 1
    return named


def model_parameters(model: NamedParameters | None) -> dict[Value, str]:
    """``{parameter: dotted name}`` of a model, or {} for None."""
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
        arity = node.op_def.arity if node.op_def is not None else 0
        if arity == UNARY or node.op in ("add", "total"):
            groups[node] = inner.pop()  # type: ignore[assignment]
    return groups


@dataclass
class Style:
    """How value nodes are labelled; shared by the picture, the steps and the explorer.

    ``grads`` (when given) replaces each node's ``.grad``: what the backward
    steps know so far, or what the explorer replayed; a node missing from it
    shows ``grad ?``. ``ids`` gives value and op nodes an SVG id.
    """

    root: Value
    show_grad: bool
    show_local_grad: bool
    parameters: dict[Value, str]
    grads: dict[Value, float] | None = None
    highlight: set[Value] = field(default_factory=set)
    horizontal: bool = True
    show_data: bool = True
    ids: dict[Value, str] | None = None
    constants: set[Value] = field(default_factory=set)  # leaves drawn as numbers

    def grad_text(self, value: Value) -> str:
        if self.grads is None:
            return f"grad {number(value.grad)}"
        if value in self.grads:
            return f"grad {number(self.grads[value])}"
        return "grad ?"

    def record(self, title: str, data: float, grad: str | None) -> Record:
        fields = [record_text(title)] if title else []
        fields.append(f"data {number(data)}" if self.show_data else "data ?")
        if self.show_grad and grad is not None:
            fields.append(grad)
        text = " | ".join(fields)
        return Record("{ " + text + " }" if self.horizontal else text)


def value_attrs(style: Style, value: Value, title: str) -> dict[str, str]:
    attrs = {
        "shape": "record",
        "style": "filled",
        "fillcolor": _role_color(value, style.root, style.parameters, style.constants),
        "label": style.record(title, value.data, style.grad_text(value)),
    }
    if style.ids is not None and value in style.ids:
        attrs["id"] = style.ids[value]
    if value in style.highlight:
        attrs.update(color=HIGHLIGHT_COLOR, penwidth="3")
    return attrs


def _op_label(op: Op) -> str:
    """The op node's text: the symbol, or the template when operand order matters."""
    if op.arity == BINARY and not is_commutative(op):
        return template(op, ["a", "b"]) if is_infix(op) else f"{op.symbol}(a, b)"
    return op.symbol or op.name or "?"


def op_attrs(label: str, highlighted: bool = False, node_id: str = "") -> dict[str, str]:
    attrs = {
        # NOTE: in-edges keep their order (operand order): w0, w1, ... stay in order
        # in a neuron's box, and a - b draws a above (or left of) b.
        "ordering": "in",
        "label": label,
        "shape": "ellipse",
        "style": "filled",
        "fillcolor": OP_COLOR,
        "margin": "0.04,0.02",
        "height": "0.3",
    }
    if node_id:
        attrs["id"] = node_id
    if highlighted:
        attrs.update(color=HIGHLIGHT_COLOR, penwidth="3")
    return attrs


def _edge_label(
    local: Any, style: Style, mark: str = "", number_operand: bool = False
) -> dict[str, str]:
    """An in-edge's label: the operand's mark (``a``, ``b``) and its local derivative."""
    parts = [mark] if mark else []
    if style.show_local_grad and not number_operand:  # a plain number gets no gradient
        parts.append(f"∂={number(local)}")
    if not parts:
        return {}
    return {"label": ": ".join(parts), "fontcolor": EDGE_LABEL_COLOR}


def count_nodes(order: Sequence[Value], expand: bool) -> int:
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


def _titles(order: Sequence[Value], style: Style, groups: dict[Value, str]) -> dict[Value, str]:
    """Each record's title: label, short parameter name in its box, numbered input."""
    given = {
        value: _short_parameter(name) if value in groups else name
        for value, name in style.parameters.items()
        if name
    }
    titles = leaf_names(list(order), given)
    for value in order:
        if value.op_def is not None and value.label:
            titles[value] = value.label
        if value in style.constants and not value.label:
            titles[value] = ""  # its data says it all
    return titles


def _outside(operand: Value | float, groups: dict[Value, str], group: str) -> bool:
    """True for an operand drawn outside ``group``'s box (numbers sit inside it)."""
    return isinstance(operand, Value) and groups.get(operand, "") != group


def _build_full(
    drawing: Drawing,
    order: Sequence[Value],
    style: Style,
    expand: bool,
    groups: dict[Value, str],
    kept: set[Value] | None = None,
    folded: dict[Value, Value] | None = None,
    boundary: dict[Value, str] | None = None,
) -> None:
    """Every value and op of ``order`` (or of ``kept``) into ``drawing``.

    ``folded`` maps a node left out to the node drawn in its place (``1 * e``
    drawn as ``e``); ``boundary`` values are drawn as a record titled by the
    given text, without the op that made them (a neuron's inputs, seen from
    inside it).
    """
    folded = folded or {}
    boundary = boundary or {}
    first_consumer: dict[Value, int] = {}
    if boundary:
        for position, node in enumerate(order):
            for parent in node.parents:
                first_consumer.setdefault(parent, position)
    names: dict[Value, str] = {}
    for value in order:
        if (kept is None or value in kept) and value not in folded:
            names[value] = drawing.new_name("v")
    titles = _titles(order, style, groups)
    parameter_rank = {value: k for k, value in enumerate(style.parameters)}
    hidden = ""
    for value in order:
        if value not in names:
            continue
        name = names[value]
        group = groups.get(value, "")
        attrs = value_attrs(style, value, boundary.get(value, titles.get(value, "")))
        full = display_name(style.parameters.get(value, ""))
        if full and full != titles.get(value):
            attrs["tooltip"] = full  # a model's parameter: its full path on hover
        drawing.node(name, attrs, group)
        if value in boundary:
            # A neuron's inputs seen from inside: per consumer (data point), in model order.
            numbers = [float(part) for part in boundary[value].split(".") if part.isdigit()]
            drawing.keys[name] = (2, first_consumer.get(value, 0), *numbers)
        elif value.is_leaf:
            rank = parameter_rank.get(value)
            drawing.keys[name] = (0, rank) if rank is not None else (1, len(drawing.keys))
        op = value.op_def
        if op is None or value in boundary:
            continue
        if expand and op.name in ("dot", "total"):
            _build_expanded(drawing, value, name, names, style, group)
            continue
        op_name = f"{name}_op"
        op_id = f"{style.ids[value]}-op" if style.ids and value in style.ids else ""
        drawing.node(op_name, op_attrs(_op_label(op), value in style.highlight, op_id), group)
        drawing.edge(op_name, name)
        marked = op.arity == BINARY and not is_commutative(op)
        inputs = list(enumerate(zip(value.operands, local_grads(value), strict=True)))
        # NOTE: ordering=in keeps the in-edges in the order they are written, which dot
        # can honour only if a box's members come together: the op's own box first.
        inputs.sort(key=lambda item: _outside(item[1][0], groups, group))
        for position, (operand, local) in inputs:
            mark = _OPERAND_MARKS[position] if marked else ""
            while isinstance(operand, Value) and operand in folded:
                operand = folded[operand]
            if isinstance(operand, Value):
                if operand in names:
                    drawing.edge(names[operand], op_name, _edge_label(local, style, mark))
                    continue
                if not hidden:
                    hidden = "hidden"
                    more = {"label": "⋯ more nodes", "shape": "box", "style": "dashed"}
                    drawing.node(hidden, more)
                drawing.edge(hidden, op_name, {"style": "dashed"})
            else:
                # A plain number operand (the 3 of x ** 3): a constant leaf of its own.
                constant = drawing.new_name("c")
                drawing.node(
                    constant,
                    {
                        "label": number(operand),
                        "shape": "box",
                        "style": "rounded,filled",
                        "fillcolor": CONSTANT_COLOR,
                    },
                    group,
                )
                drawing.edge(
                    constant, op_name, _edge_label(local, style, mark, number_operand=True)
                )


def _build_expanded(
    drawing: Drawing,
    value: Value,
    name: str,
    names: dict[Value, str],
    style: Style,
    group: str,
) -> None:
    """A ``dot`` or ``total`` node drawn as its scalar ``*`` and ``+`` chain.

    ``dot(w, x, b)`` is ``((b + w1*x1) + w2*x2) + ...``: every partial sum and
    product carries the dot node's gradient (``+`` passes it on unchanged).
    """
    operands = [x for x in value.operands if isinstance(x, Value)]
    # Terms: (data, drawn value or None, [(operand, local derivative)] for a product).
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
        attrs = {
            "shape": "record",
            "style": "filled",
            "fillcolor": INTERMEDIATE_COLOR,
            "label": style.record("", data, grad),
        }
        drawing.node(node_name, attrs, group)
        return node_name

    def emit(term: tuple[float, Value | None, list[tuple[Value, float]]], last: bool) -> str:
        data, existing, factors = term
        if existing is not None:
            return names.get(existing, "")
        target = name if last else intermediate("p", data)
        op_name = f"{target}_op"
        drawing.node(op_name, op_attrs("*"), group)
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
        drawing.node(op_name, op_attrs("+"), group)
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


def summary_units(
    order: Sequence[Value], root: Value, groups: dict[Value, str]
) -> dict[Value, str]:
    """The summary box of each node: ``neuron:<path>``, ``inputs``, ``other`` or ``output``.

    Constants stand for themselves and belong to no box.
    """
    unit: dict[Value, str] = {}
    for value in order:
        if value is root:
            unit[value] = "output"
        elif value in groups:
            unit[value] = f"neuron:{groups[value]}"
        elif value.is_constant:
            continue
        elif value.is_leaf:
            unit[value] = "inputs"
        else:
            unit[value] = "other"
    return unit


def summary_box_id(unit: str) -> str:
    """The SVG id of a summary box (``tl-box-inputs``, ``tl-box-layers.0.neurons.3``)."""
    return "tl-box-" + unit.removeprefix("neuron:")


def build_summary(
    drawing: Drawing,
    order: Sequence[Value],
    style: Style,
    groups: dict[Value, str],
    model_name: str,
) -> None:
    """One box per neuron, one for the inputs, one for the other ops, and the output."""
    root = style.root
    unit = summary_units(order, root, groups)
    boxes: dict[str, dict[str, int]] = {}
    for value, where in unit.items():
        if where.startswith("neuron:"):
            counts = boxes.setdefault(groups[value], {"parameters": 0, "ops": 0})
            counts["parameters" if value in style.parameters else "ops"] += 1
    names: dict[str, str] = {}
    inputs = sum(1 for u in unit.values() if u == "inputs")
    others = sum(1 for u in unit.values() if u == "other")
    ids = style.ids is not None
    if inputs:
        names["inputs"] = "inputs"
        box = {"shape": "box", "style": "filled", "fillcolor": INPUT_COLOR}
        if ids:
            box["id"] = summary_box_id("inputs")
        drawing.node("inputs", {"label": f"inputs\n{plural(inputs, 'value')}", **box})
    for path in sorted(boxes, key=natural_key):
        counts = boxes[path]
        box_name = drawing.new_name("n")
        names[f"neuron:{path}"] = box_name
        text = f"{plural(counts['parameters'], 'parameter')}, {plural(counts['ops'], 'op')}"
        attrs = {
            "label": f"{path or model_name}\n{text}",
            "shape": "box",
            "style": "rounded,filled",
            "fillcolor": SUMMARY_COLOR,
        }
        if ids:
            attrs.update(id=summary_box_id(path), tooltip=f"{path}: click to open")
        drawing.node(
            box_name, attrs, ".".join(path.split(".")[:-2]) if path.count(".") >= 3 else ""
        )
        drawing.units[box_name] = path
    if others:
        names["other"] = "other"
        label = f"other ops\n{plural(others, 'node')}"
        attrs = {"label": label, "shape": "box", "style": "rounded"}
        if ids:
            attrs["id"] = summary_box_id("other")
        drawing.node("other", attrs)
    names["output"] = "output"
    output = value_attrs(style, root, root.label or "output")
    if style.ids is not None and root in style.ids:
        output["id"] = style.ids[root]  # a value's record: the page steps its data and grad
    drawing.node("output", output)
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


def _hover_label(attrs: dict[str, str]) -> dict[str, str]:
    label = attrs.get("label", "")
    if "∂" not in label:
        return attrs
    kept = {key: value for key, value in attrs.items() if key not in ("label", "fontcolor")}
    mark = label.split(":")[0] if ":" in label else ""
    if mark:
        kept.update(label=mark, fontcolor=EDGE_LABEL_COLOR)
    kept["tooltip"] = label
    return kept


def present_legend(drawing: Drawing) -> tuple[tuple[str, str], ...]:
    """The legend cells of the roles that are in the picture (by fill colour), in legend order."""
    colours = {attrs.get("fillcolor") for _, attrs, _ in drawing.nodes}
    cells = [(role, colour) for role, colour in VALUE_LEGEND if colour in colours]
    if SUMMARY_COLOR in colours:
        cells.insert(
            len(cells) - 1 if cells and cells[-1][0] == "output" else len(cells),
            ("neuron", SUMMARY_COLOR),
        )
    return tuple(cells)


def _unit_products(order: Sequence[Value]) -> dict[Value, Value]:
    """``{1 * v: v}`` for the products by the plain number 1 that backward(create_graph) records."""
    found: dict[Value, Value] = {}
    for node in order:
        if node.op != "mul":
            continue
        a, b = node.operands
        if type(a) is Value and type(b) is not Value and b == 1.0:
            found[node] = a
        elif type(b) is Value and type(a) is not Value and a == 1.0:
            found[node] = b
    return found


def _gradient_of(root: Value, order: Sequence[Value]) -> Value | None:
    """The node whose ``.grad`` is ``root`` (``draw_graph(x.grad)`` after create_graph)."""
    for node in order:
        grad: Any = node.grad  # a Value after backward(create_graph=True)
        if node is not root and grad is root:
            return node
    return None


def build(
    root: Value,
    *,
    rankdir: str = "LR",
    show_grad: bool = True,
    show_local_grad: bool = False,
    max_nodes: int = 300,
    cluster: NamedParameters | None = None,
    highlight: Iterable[Value] | None = None,
    expand: bool = False,
    parameters: Iterable[Value] | None = None,
    grads: dict[Value, float] | None = None,
    caption: str | None = None,
    show_data: bool = True,
    ids: dict[Value, str] | None = None,
    summarize: bool = False,
    fontsize: float = 11.0,
    stacked: bool = False,
    only: set[Value] | None = None,
    inside: str | None = None,
) -> Drawing:
    """The drawing behind :func:`draw_graph` (see there); ``summarize`` forces the summary
    (the explorer past ``max_nodes``) even without a model."""
    if not isinstance(root, Value):
        raise TypeError(f"draw_graph() needs a Value, got {type(root).__name__}: {root!r}")
    if rankdir not in ("LR", "RL", "TB", "BT"):
        raise ValueError(f"rankdir must be one of LR, RL, TB, BT, got {rankdir!r}")
    if not isinstance(max_nodes, int) or max_nodes < 1:
        raise ValueError(f"max_nodes must be an integer >= 1, got {max_nodes!r}")
    named = parameter_names(cluster, parameters)
    style = Style(
        root=root,
        show_grad=show_grad,
        show_local_grad=show_local_grad,
        parameters=named,
        grads=grads,
        highlight=set(highlight or ()),
        horizontal=rankdir in ("LR", "RL") and not stacked,
        show_data=show_data,
        ids=ids,
    )
    drawing = Drawing(rankdir, legend=VALUE_LEGEND, fontsize=fontsize, pinned=cluster is not None)
    if drawing.pinned:
        style.horizontal = False  # a record's fields stacked: narrow columns
    order = topological_order(root)
    style.constants = constant_leaves(order, named)
    if caption:
        drawing.caption.append(caption)
    owner = _gradient_of(root, order) if not root.label else None
    folded: dict[Value, Value] = {}
    if owner is not None:
        owner_name = owner.label or "the leaf"
        drawing.caption.append(
            f"the graph of {owner_name}.grad, recorded by backward(create_graph=True)"
        )
        folded = _unit_products(order)
        folded.pop(root, None)  # the output is always drawn
        if folded:
            drawing.caption.append(
                f"{plural(len(folded), 'product')} 1 * v drawn as v (the chain rule's factor 1)"
            )
        if grads is None and show_grad:
            # NOTE: the nodes' own .grad fields hold the first pass's gradients (of the
            # function, not of its gradient): the picture shows d root / d node instead.
            replay = trace(root)
            style.grads = {node: replay.grads[i] for i, node in enumerate(replay.order)}
            drawing.caption.append(f"grad: d({owner_name}.grad)/d(node), replayed for this graph")
    groups = _assign_groups(order, named) if cluster is not None else {}
    size = count_nodes(order, expand)
    if only is not None:
        # One neuron seen from inside (the explorer): its nodes boxed, what feeds it
        # drawn as records titled by where they come from.
        edge = {v: f"from {groups[v]}" if v in groups else "" for v in only if v.op_def is not None}
        edge = {v: t for v, t in edge.items() if groups.get(v) != inside}
        groups = {v: g for v, g in groups.items() if g == inside}
        _build_full(drawing, order, style, expand, groups, only, boundary=edge)
    elif size <= max_nodes and not summarize:
        _build_full(drawing, order, style, expand, groups, folded=folded)
    elif cluster is not None or summarize:
        build_summary(drawing, order, style, groups, type(cluster).__name__)
        drawing.caption.append(
            f"summarized: {plural(size, 'node')}, more than the limit of {max_nodes}; "
            "one box per neuron"
        )
    else:
        kept = _nearest(root, max(1, max_nodes // 2))
        _build_full(drawing, order, style, expand, groups, kept)
        drawing.caption.append(
            f"truncated: {plural(size, 'node')}, more than the limit of {max_nodes}; "
            f"showing the {plural(len(kept), 'value')} nearest the output"
        )
    drawing.legend = present_legend(drawing)
    if drawing.pinned and len(drawing.edges) > ROUTED and style.show_local_grad:
        # Past this size the edges are straight lines crossing each other: a label could
        # not be told apart from its neighbours', so it shows on hover only.
        drawing.edges = [(tail, head, _hover_label(attrs)) for tail, head, attrs in drawing.edges]
        drawing.caption.append(
            f"{len(drawing.edges)} edges: the local derivatives (∂) show when the pointer "
            "is on an edge (in the explorer or an SVG viewer), not written on the picture"
        )
    if owner is not None:
        # The root record says whose gradient it is.
        for i, (node_name, attrs, group) in enumerate(drawing.nodes):
            if attrs.get("fillcolor") == OUTPUT_COLOR and attrs.get("shape") == "record":
                title = f"{owner_name}.grad"
                attrs = dict(attrs, label=style.record(title, root.data, style.grad_text(root)))
                drawing.nodes[i] = (node_name, attrs, group)
    return drawing


def draw_graph(
    root: Value,
    *,
    rankdir: str = "LR",
    show_grad: bool = True,
    show_local_grad: bool = False,
    max_nodes: int = 300,
    cluster: NamedParameters | None = None,
    highlight: Iterable[Value] | None = None,
    expand: bool = False,
    parameters: Iterable[Value] | None = None,
    caption: str | None = None,
    show_data: bool = True,
) -> Picture:
    """The computation graph behind ``root`` as a Graphviz picture.

    Each value is a record ``label | data | grad`` (4 significant digits);
    each op is its own small node. A value used twice (``a * a``, a shared
    sub-expression) is drawn once with several out-edges: the picture is a
    DAG, the object the engine really walks. With ``show_local_grad`` every
    edge ``in -> op`` carries ``∂ = d out/d in`` from the op table, so::

        d root / d leaf = sum over paths leaf -> root of the product of the labels

    A legend under the picture names the colours (input, parameter, constant,
    computed, op, output). An op whose operands do not commute (``-``, ``/``,
    ``**``) reads ``a - b`` and marks its in-edges ``a`` and ``b``. Unlabelled
    inputs are numbered ``x0, x1, ...`` from 0, as parameter names number
    weights (``w0``). ``draw_graph(x.grad)`` after ``backward(create_graph=True)``
    draws the gradient's own graph and says so.

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
        show_data: Write each value's ``.data``; False draws the structure
            alone (``data ?``).

    Returns:
        A :class:`~tinygrad_lite.viz.Picture`: display it in Jupyter,
        ``save`` it, or read ``.source`` for the DOT text.

    Raises:
        ValueError: For a bad ``rankdir`` or ``max_nodes``.
        TypeError: For a ``root`` that is not a Value, or a ``cluster``
            without ``named_parameters()``.
    """
    return build(
        root,
        rankdir=rankdir,
        show_grad=show_grad,
        show_local_grad=show_local_grad,
        max_nodes=max_nodes,
        cluster=cluster,
        highlight=highlight,
        expand=expand,
        parameters=parameters,
        caption=caption,
        show_data=show_data,
    ).to_picture()
