"""The ledger of a graph: how each value was computed and how its gradient arrived.

Sits on :mod:`tinygrad_lite.engine` and the op table; used by the backward
steps' captions and by the explorer. Everything is generic over the op table:
an op is written infix when it is binary and its symbol is an operator
(``+ - * / ** % //``), as ``symbol(args)`` otherwise, and the n-ary ``dot``
and ``total`` as the sums they stand for; a user-defined op shows its own
symbol. The local derivatives come from ``op.local_grads``, called through
the engine's own accessor (``engine.backward.local_derivatives``), so the replayed gradients are the
engine's to the last bit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from ..engine import Value, topological_order
from ..engine.backward import local_derivatives
from ..ops import BINARY, UNARY, Op

__all__ = [
    "Contribution",
    "Trace",
    "constant_leaves",
    "is_commutative",
    "is_infix",
    "leaf_names",
    "number",
    "precedence",
    "trace",
]

_NAME_LIMIT = 24  # an unnamed value is named by its expression up to this length


def number(x: Any) -> str:
    """4 significant digits: ``0.7071``, ``-1.5``, ``1.234e+05``, ``nan``."""
    if isinstance(x, Value):  # a create_graph gradient
        x = x.data
    text = f"{float(x):.4g}"
    return "0" if text == "-0" else text  # -0.0 reads as a sign error on a slide


def _operand_number(x: Any, op: Op | None = None, position: int = 1) -> str:
    """A number as an operand: ``(-3)`` where a bare minus would misread (``2*(-3)``)."""
    text = number(x)
    if op is not None and precedence(op) == 2 and (text == "0" or text.startswith("-")):
        return f"({text})"  # -(0), not -0; -(-3), not --3
    bare = op is not None and (precedence(op) == 4 or (position == 0 and precedence(op) == 1))
    return f"({text})" if text.startswith("-") and not bare else text


def _simple(name: str) -> bool:
    return name.replace("_", "").replace(".", "").isalnum()


def _partial(name: str) -> str:
    """``∂n`` or ``∂(x1*w1)``: a name with operators in it gets parentheses."""
    return f"∂{name}" if _simple(name) else f"∂({name})"


def is_infix(op: Op) -> bool:
    """A binary op whose symbol is an operator (``+``, ``**``, ``//``): written ``a + b``."""
    return op.arity == BINARY and not any(char.isalnum() for char in op.symbol)


_commutative: dict[str, bool] = {}
_PROBES = ((1.5, 0.25), (-2.0, 3.0), (0.75, 2.5), (5.0, -0.5))


def is_commutative(op: Op) -> bool:
    """Whether a binary op gives the same result with its operands swapped.

    The op table has no such flag, and user-defined ops join it, so the
    forward function is probed on a few fixed pairs (``min``: yes; ``-``,
    ``/``, ``**``, ``atan2``: no). Non-commutative ops get their edges marked.
    """
    if op.arity != BINARY:
        return True
    known = _commutative.get(op.name)
    if known is None:
        try:
            results = [(op.forward(a, b), op.forward(b, a)) for a, b in _PROBES]
            known = all(x == y or (math.isnan(x) and math.isnan(y)) for x, y in results)
        except Exception:  # a custom op that refuses a probe: mark its operands to be safe
            known = False
        _commutative[op.name] = known
    return known


def local_grads(node: Value) -> list[Any]:
    """``d node / d operand`` for each operand: the engine's own accessor, as backward calls it."""
    return list(local_derivatives(node))


_LOOSE = ("+", "-")  # written with spaces and bound loosest: x1*w1 + b


def precedence(op: Op) -> int:
    """How tightly an op's written form binds: sums 1, a prefix sign 2, other infix 3, calls 4."""
    if op.name in ("dot", "total"):
        return 1
    if is_infix(op):
        return 1 if op.symbol in _LOOSE else 3
    if op.arity == UNARY and not any(char.isalnum() for char in op.symbol):
        return 2
    return 4


def template(op: Op, parts: list[str]) -> str:
    """An op applied to ``parts`` (already written): ``a + b``, ``tanh(a)``, ``w1*x1 + b``."""
    if op.name == "dot":
        n = len(parts) // 2
        terms = [f"{parts[k]}*{parts[n + k]}" for k in range(n)]
        if len(parts) % 2:
            terms.append(parts[-1])
        return " + ".join(terms) or "0"
    if op.name == "total":
        return " + ".join(parts)
    if is_infix(op):
        space = " " if op.symbol in _LOOSE else ""
        return f"{parts[0]}{space}{op.symbol}{space}{parts[1]}"
    if precedence(op) == 2:
        return f"{op.symbol}{parts[0]}"
    return f"{op.symbol}({', '.join(parts)})"


@dataclass
class Contribution:
    """One ``target.grad += g × local`` of the backward pass."""

    source: int  # the node passing its gradient on (its index in Trace.order)
    target: int  # the operand receiving it
    position: int  # which operand of the source it is
    g: float
    local: float
    total: float  # target's gradient after this contribution


@dataclass
class Trace:
    """A graph replayed on floats: names, values, and the backward pass step by step.

    Attributes:
        order: Every node, parents before children (``topological_order(root)``);
            a node's index here is its id (and the ``v``/``g`` number of the
            straight-line program of :mod:`tinygrad_lite.graph`).
        names: A name per node: its label, else its expression when short,
            else ``v<id>``.
        backward: Per engine step (the output first), its contributions;
            the engine's order is reversed ``topological_order(root, leaves=False)``.
        grads: Every node's gradient after the whole pass (leaves from 0).
    """

    root: Value
    order: list[Value]
    index: dict[Value, int]
    names: list[str]
    backward: list[tuple[int, list[Contribution]]] = field(default_factory=list)
    grads: list[float] = field(default_factory=list)
    spelled: set[int] = field(default_factory=set)  # nodes named by their own formula
    parameters: set[int] = field(default_factory=set)
    constants: set[Value] = field(default_factory=set)  # see constant_leaves

    def name(self, node: Value) -> str:
        return self.names[self.index[node]]

    def _written(self, operand: Value, parent: Op, position: int) -> str:
        """An operand's name inside its consumer's formula, parenthesized where needed."""
        text = self.name(operand)
        inner = operand.op_def
        if inner is None or self.index[operand] not in self.spelled:
            return text  # a plain name
        outer = precedence(parent)
        if outer == 4:
            return text  # inside a call's parentheses already
        binds = precedence(inner)
        ordered = parent.arity == BINARY and not is_commutative(parent)
        if binds < outer or (binds == outer and (ordered or (position > 0 and outer > 1))):
            return f"({text})"
        return text

    def formula(self, node: Value) -> str:
        """``x1*w1 + b`` (names) for an op node."""
        op = node.op_def
        assert op is not None
        parts = [
            self._written(x, op, k) if type(x) is Value else _operand_number(x)
            for k, x in enumerate(node.operands)
        ]
        return template(op, parts)

    def forward_line(self, node: Value) -> str:
        """``n = x1*w1 + b = -6 + 6.88 = 0.88``: how the value was computed."""
        op = node.op_def
        if op is None:
            kind = "a constant" if node in self.constants else "an input"
            if self.index[node] in self.parameters:
                kind = "a parameter"
            return f"{self.name(node)} = {number(node.data)} ({kind})"
        values = [x.data if type(x) is Value else x for x in node.operands]
        if op.name == "dot":
            n = len(values) // 2
            terms = [values[k] * values[n + k] for k in range(n)]
            if len(values) % 2:
                terms.append(values[-1])
            numbers = " + ".join(_operand_number(t, op, k) for k, t in enumerate(terms)) or "0"
        else:
            numbers = template(op, [_operand_number(v, op, k) for k, v in enumerate(values)])
        formula = self.formula(node)
        head = self.name(node)
        steps = [head] if head == formula else [head, formula]
        return " = ".join([*steps, numbers, number(node.data)])

    def consumers(self, node: Value) -> list[Contribution]:
        """Every contribution ``node`` received, in the engine's order."""
        target = self.index[node]
        return [c for _, step in self.backward for c in step if c.target == target]

    def gradient_line(self, node: Value) -> str:
        """``grad(w1) = grad(x1*w1) × ∂(x1*w1)/∂w1 = 0.5 × 2 = 1``: how the gradient arrived."""
        name = self.name(node)
        if node is self.root:
            return f"grad({name}) = 1 (the seed: d {name} / d {name})"
        terms = self.consumers(node)
        if not terms:
            return f"grad({name}) = 0 (no path to the output)"
        symbols = []
        for c in terms:
            source = self.order[c.source]
            written = self.name(source)
            symbols.append(f"grad({written}) × {_partial(written)}/{_partial(name)}")
        numbers = " + ".join(f"{number(c.g)} × {_operand_number(c.local)}" for c in terms)
        return f"grad({name}) = {' + '.join(symbols)} = {numbers} = {number(terms[-1].total)}"

    def step_line(self, c: Contribution) -> str:
        """``w1.grad += 0.5 × 2 = 1``: one contribution, as the engine adds it."""
        target = self.name(self.order[c.target])
        if not _simple(target):
            target = f"({target})"
        added = c.g * c.local
        line = f"{target}.grad += {number(c.g)} × {_operand_number(c.local)}"
        if c.total == added:
            return f"{line} = {number(c.total)}"
        return f"{line} = {number(added)} (now {number(c.total)})"


def constant_leaves(order: list[Value], given: dict[Value, str] | None = None) -> set[Value]:
    """The leaves that stand for a number: constants, and the start of a ``sum()``.

    ``sum(terms, Value(0.0))`` starts from an unlabelled ``Value(0.0)`` added
    once, as the first operand: it is drawn and named as the constant ``0``,
    not as an input. Named parameters (``given``) never count.
    """
    given = given or {}
    uses: dict[Value, int] = {}
    for node in order:
        for parent in node.parents:
            uses[parent] = uses.get(parent, 0) + 1
    found = {node for node in order if node.is_constant}
    for node in order:
        if node.op != "add" or type(node.operands[0]) is not Value:
            continue
        start = node.operands[0]
        if (
            start.is_leaf
            and not start.label
            and start not in given
            and start.data == 0.0
            and uses.get(start) == 1
        ):
            found.add(start)
    return found


def leaf_names(order: list[Value], given: dict[Value, str] | None = None) -> dict[Value, str]:
    """Names for the leaves: the label, else ``given`` (parameter names), else ``x0, x1, ...``.

    Unlabelled inputs are numbered from 0 in order of appearance, as
    ``named_parameters`` numbers weights (``w.0``), skipping taken names.
    """
    given = given or {}
    constants = constant_leaves(order, given)
    names: dict[Value, str] = {}
    used = {node.label for node in order if node.label} | set(given.values())
    count = 0
    for node in order:
        if node.op_def is not None:
            continue
        if node.label:
            names[node] = node.label
        elif node in given:
            names[node] = given[node]
        elif node in constants:
            names[node] = number(node.data)
        else:
            while f"x{count}" in used:
                count += 1
            names[node] = f"x{count}"
            count += 1
    return names


def trace(root: Value, given: dict[Value, str] | None = None) -> Trace:
    """Replay ``root``'s graph: names, then the backward pass on floats, in the engine's order.

    The graph's own ``.grad`` fields are not touched; leaves start from 0 (as
    after ``zero_grad``), so the result equals one ``root.backward()`` then.

    Args:
        root: The output.
        given: Names for unlabelled leaves (a model's parameter names).
    """
    order = topological_order(root)
    index = {node: i for i, node in enumerate(order)}
    result = Trace(root=root, order=order, index=index, names=[])
    result.parameters = {index[v] for v in (given or {}) if v in index}
    result.constants = constant_leaves(order, given)
    leaves = leaf_names(order, given)
    used = set(leaves.values()) | {node.label for node in order if node.label}
    for i, node in enumerate(order):
        if node in leaves:
            result.names.append(leaves[node])
        elif node.label:
            result.names.append(node.label)
        elif node.op_def is not None:
            result.names.append("")  # set below once the operands have names
            text = result.formula(node)
            fits = len(text) <= _NAME_LIMIT and text not in used
            result.names[i] = text if fits else f"v{i}"
            if fits:
                result.spelled.add(i)
            used.add(result.names[i])
    grads = [0.0] * len(order)
    grads[index[root]] = 1.0
    result.backward.append((index[root], []))  # the seed
    for node in reversed(topological_order(root, leaves=False)):
        source = index[node]
        g = grads[source]
        step: list[Contribution] = []
        for position, (operand, local) in enumerate(
            zip(node.operands, local_grads(node), strict=True)
        ):
            if type(operand) is not Value:
                continue  # a plain number operand gets no gradient
            target = index[operand]
            grads[target] += g * local
            step.append(Contribution(source, target, position, g, local, grads[target]))
        result.backward.append((source, step))
    result.grads = grads
    return result
