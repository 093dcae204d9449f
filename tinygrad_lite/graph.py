"""Compiled static graphs: record a ``Value`` graph once, replay it many times.

Sits on :mod:`tinygrad_lite.engine`. This is the ``set_value`` idea of the
source document, *Tiny Machine Learner* (see README, "Where this comes
from"), made fast: its first engine could change a variable and ask the
same expression for its new value. A :class:`Graph` records the topological
order, op codes and operand positions of a finished graph; then
:meth:`Graph.forward` recomputes every node from the current ``.data`` of
the leaves and :meth:`Graph.backward` recomputes every gradient, both
without allocating a single new node. Leaves keep their identity, so an
optimizer that updates weights in place is seen by the next ``forward``.

Replay generates straight-line Python source for the two passes (one line
per node, operands in local variables, the hot ops written inline) and
compiles it once with :func:`compile` (:mod:`tinygrad_lite.codegen`'s
layer). For graphs too large to compile quickly, or while generated code is
switched off (``use_kernels(False)``), it runs an interpreter loop over the
recorded nodes with the engine's reference chain rule.
Either way the results equal eager mode to the last bit: the generated
code performs the same float operations, in the same order, as
``Value.backward``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from typing import Any

from . import codegen
from .codegen.inline import forward_source, local_sources
from .engine import GRAPH_LOCK, Value, topological_order
from .engine.backward import backpropagate as _backpropagate
from .ops import BINARY, UNARY, VARIADIC, Op

__all__ = ["Graph", "program"]

_VALUE_NAME = re.compile(r"\bv\d+\b")

# Default size limit (in nodes) for generating source; past it, interpret.
COMPILE_LIMIT = 200_000


class Graph:
    """A recorded graph that can be re-evaluated and re-differentiated in place.

    Args:
        output: The node to evaluate (a loss, say).
        inputs: Leaves that :meth:`forward` may be given new numbers for
            (placeholders for a batch); every other leaf is read from its
            current ``.data`` at each call. Defaults to no placeholders.
        compiled: Generate and compile Python source (True), interpret
            (False), or decide by size (None: compile up to
            ``COMPILE_LIMIT`` nodes).

    Example:
        >>> x = Value(1.0, "x")
        >>> y = x * x + 3 * x
        >>> g = Graph(y, inputs=[x])
        >>> g.forward([2.0]), g.backward(), x.grad
        (10.0, None, 7.0)
    """

    def __init__(
        self,
        output: Value,
        inputs: Sequence[Value] | None = None,
        *,
        compiled: bool | None = None,
    ) -> None:
        if not isinstance(output, Value):
            raise TypeError(f"Graph() needs a Value output, got {type(output).__name__}")
        self.output = output
        self.nodes = topological_order(output)
        self.inputs = list(inputs or [])
        members = set(self.nodes)
        for i, leaf in enumerate(self.inputs):
            if not isinstance(leaf, Value) or not leaf.is_leaf:
                raise ValueError(f"Graph inputs must be leaf Values; inputs[{i}] is {leaf!r}")
            if leaf not in members:
                raise ValueError(f"Graph input {leaf!r} (inputs[{i}]) is not in the graph")
        self.operations = [node for node in self.nodes if not node.is_leaf]
        self._leaves = [node for node in self.nodes if node.is_leaf]
        if compiled is None:
            compiled = len(self.nodes) <= COMPILE_LIMIT
        self.compiled = compiled
        self._generated: tuple[Callable[[], None], Callable[[float], None]] | None = None

    def _passes(self) -> tuple[Callable[[], None], Callable[[float], None]]:
        """The generated passes (made on first use), or the interpreter's while kernels are off."""
        if not (self.compiled and codegen.kernels_enabled()):
            return self._interpret_forward, self._interpret_backward
        if self._generated is None:
            self._generated = _generate(self.nodes, self.output)
        return self._generated

    def __len__(self) -> int:
        return len(self.nodes)

    def __repr__(self) -> str:
        mode = "compiled" if self.compiled else "interpreted"
        return f"Graph({len(self.nodes)} nodes, {len(self.inputs)} inputs, {mode})"

    def forward(self, inputs: Sequence[float] | None = None) -> float:
        """Recompute every node from the leaves' current data; return the output's.

        Args:
            inputs: New numbers for the placeholder leaves, in order.
        """
        if inputs is not None:
            if len(inputs) != len(self.inputs):
                raise ValueError(
                    f"forward() got {len(inputs)} input values for {len(self.inputs)} inputs"
                )
            numbers = [number if type(number) is float else float(number) for number in inputs]
        with GRAPH_LOCK:
            if inputs is not None:
                for leaf, number in zip(self.inputs, numbers, strict=True):
                    leaf._data = number
            self._passes()[0]()
            return self.output._data

    def backward(self, grad: float = 1.0) -> None:
        """Recompute every gradient, exactly as ``output.backward(grad)`` would.

        Intermediate nodes start from zero; leaves accumulate (zero them
        between steps, e.g. with the optimizer's ``zero_grad``; a gradient of
        None counts as zero). Holds the engine's graph lock, like
        ``Value.backward``, so threads sharing leaves lose nothing.
        """
        seed = float(grad)
        with GRAPH_LOCK:
            for leaf in self._leaves:
                current: Any = leaf.grad
                # None or zero: nothing received yet; -0.0 is the exact start
                # (see engine.backward.backward)
                if current is None or current == 0.0:
                    leaf.grad = -0.0
            self._passes()[1](seed)

    # -- interpreter fallback: the engine's own loops over recorded nodes --

    def _interpret_forward(self) -> None:
        for node in self.operations:
            op: Op = node._op  # type: ignore[assignment]
            if op.arity == VARIADIC:
                node._data = op.forward([x._data for x in node._a])
            elif op.arity == BINARY:
                a, b = node._a, node._b
                node._data = op.forward(
                    a._data if type(a) is Value else a, b._data if type(b) is Value else b
                )
            else:
                node._data = op.forward(node._a._data)

    def _interpret_backward(self, grad: float) -> None:
        for node in self.operations:
            node.grad = -0.0
        self.output.grad += grad
        _backpropagate(self.operations)


def _generate(
    nodes: list[Value], output: Value
) -> tuple[Callable[[], None], Callable[[float], None]]:
    """Straight-line source for forward and backward, compiled once."""
    forward, backward, namespace = _emit(nodes, output)
    source = "\n".join(line for _, line in forward) + "\n\n"
    source += "\n".join(line for _, line in backward) + "\n"
    code = compile(source, "<tinygrad_lite.graph>", "exec")
    exec(code, namespace)  # our own generated source, built from the op table only
    return namespace["forward"], namespace["backward"]


def program(output: Value) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The straight-line source :class:`Graph` compiles for ``output``, line by line.

    Read-only: nothing is compiled or run. Each line comes with the index
    (in ``topological_order(output)``) of the node it belongs to, -1 for the
    ``def``/``return`` lines; node ``i`` is ``v{i}`` (data) and ``g{i}``
    (gradient) in the text. The graph explorer shows this program.

    Returns:
        ``(forward lines, backward lines)``.
    """
    forward, backward, _ = _emit(topological_order(output), output)
    return forward, backward


def _emit(
    nodes: list[Value], output: Value
) -> tuple[list[tuple[int, str]], list[tuple[int, str]], dict[str, Any]]:
    """The forward and backward lines, each tagged with its node's index, and their namespace."""
    index = {node: i for i, node in enumerate(nodes)}
    namespace: dict[str, Any] = {"N": tuple(nodes), "NAN": math.nan, "INF": math.inf}
    constants: dict[float, str] = {}

    def constant(x: float) -> str:
        if math.isfinite(x):
            return repr(x)
        if x not in constants:  # inf, -inf; nan never equals itself: one name each
            name = f"c{len(namespace)}"
            namespace[name] = x
            constants[x] = name
            return name
        return constants[x]

    def operand(x: Value | float) -> str:
        return f"v{index[x]}" if type(x) is Value else constant(x)  # type: ignore[arg-type]

    def function(kind: str, op: Op) -> str:
        name = f"{kind}_{op.name}"
        namespace[name] = op.forward if kind == "F" else op.local_grads
        return name

    forward = [(-1, "def forward():")]
    backward = [(-1, "def backward(seed):")]
    leaves = [node for node in nodes if node.is_leaf]
    for leaf in leaves:
        i = index[leaf]
        forward.append((i, f"    v{i} = N[{i}]._data"))
        backward.append((i, f"    g{i} = N[{i}].grad"))
    for node in nodes:
        op = node._op
        if op is None:
            continue
        i = index[node]
        args = [operand(x) for x in node.operands]
        # The op's own forward, pasted in when it traces (inline.py), else called.
        expression = forward_source(op, args)
        if expression is None and op.arity == VARIADIC:
            expression = f"{function('F', op)}([{', '.join(args)}])"
        elif expression is None:
            expression = f"{function('F', op)}({', '.join(args)})"
        forward.append((i, f"    v{i} = {expression}"))
        forward.append((i, f"    N[{i}]._data = v{i}"))
        backward.append((i, f"    g{i} = -0.0"))
    out = index[output]
    backward.append((out, f"    g{out} += seed"))
    chain_rule: list[tuple[int, str]] = []
    for node in reversed(nodes):
        op = node._op
        if op is None:
            continue
        i = index[node]
        lines = _backward_lines(node, op, index, operand, function)
        chain_rule.extend((i, line) for line in lines)
    # Load only the node values that some local derivative reads.
    text = "\n".join(line for _, line in chain_rule)
    used = sorted({int(name[1:]) for name in _VALUE_NAME.findall(text)})
    backward.extend((i, f"    v{i} = N[{i}]._data") for i in used)
    backward.extend(chain_rule)
    for node in nodes:
        i = index[node]
        backward.append((i, f"    N[{i}].grad = g{i}"))
    forward.append((-1, "    return None"))
    backward.append((-1, "    return None"))
    return forward, backward, namespace


def _backward_lines(
    node: Value,
    op: Op,
    index: dict[Value, int],
    operand: Callable[[Value | float], str],
    function: Callable[[str, Op], str],
) -> list[str]:
    """The chain-rule lines for one node: the same float operations as the engine's kernel."""
    i = index[node]
    g = f"g{i}"
    values = [operand(x) for x in node.operands]
    targets = [f"g{index[x]}" if type(x) is Value else None for x in node.operands]
    lines: list[str] = []
    # The op's own local derivatives, pasted in when they trace, else called.
    locals_ = local_sources(op, values, f"v{i}")
    if locals_ is None and op.arity == UNARY:
        locals_ = [f"{function('L', op)}({values[0]}, v{i})"]
    elif locals_ is None:
        arguments = f"[{', '.join(values)}]" if op.arity == VARIADIC else ", ".join(values)
        lines.append(f"    d = {function('L', op)}({arguments}, v{i})")
        locals_ = [f"d[{k}]" for k in range(len(values))]
    for target, local in zip(targets, locals_, strict=True):
        if target is None:
            continue  # a plain-number operand receives nothing
        if local == "1.0":  # NOTE: g * 1.0 == g and g * -1.0 == -g exactly
            lines.append(f"    {target} += {g}")
        elif local == "-1.0":
            lines.append(f"    {target} -= {g}")
        elif re.fullmatch(r"[\w.\[\]]+", local):
            lines.append(f"    {target} += {g} * {local}")
        else:
            lines.append(f"    {target} += {g} * ({local})")
    return lines
