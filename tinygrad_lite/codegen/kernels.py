"""The chain rule as straight-line code: one backward kernel per op, made from its rule.

Sits on the op table, :mod:`.inline` and the engine, whose reference
:func:`~tinygrad_lite.engine.backward.backpropagate` it replaces (bit for
bit) while kernels are on. A kernel is made on an op's first use; it takes
one node of a recorded graph and applies the chain rule to it::

    operand.grad += node.grad * (d node / d operand)      for every operand

where the local derivative ``d node / d operand`` is the op's own
``local_grads`` rule: pasted in as source when :mod:`.inline`
can trace it (``mul``'s ``(b, a)``, ``tanh``'s ``1 - out*out``, ``dot``'s
swap of weights and inputs), called otherwise. Generating the code per op
(and, for n-ary ops, per operand count) removes the interpreter work that a
generic loop repeats for every node: building argument lists, unpacking
pairs, dispatching on the arity. The float operations are the same, in the
same order, as the generic rule, so every gradient is bit-identical.

Every gradient is a number when a kernel runs: backward starts each one
that has received nothing at -0.0 (a leaf's None included).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

from ..ops import BINARY, UNARY, VARIADIC, Op
from .inline import MAX_UNROLLED, local_sources

__all__ = ["backpropagate", "kernel_for", "make_kernel", "source_of"]

Kernel = Callable[[Any], None]


def _accumulate(target: str, local: str, indent: str) -> list[str]:
    """The line ``target.grad += g * local`` (``g`` alone for a local of 1.0, ``-g`` for -1.0)."""
    if local == "1.0":
        contribution = "g"  # NOTE: g * 1.0 == g exactly, also for inf and nan
    elif local == "-1.0":
        contribution = "-g"
    else:
        contribution = f"g * {local}" if _is_atom(local) else f"g * ({local})"
    return [f"{indent}{target}.grad += {contribution}"]


def _is_atom(expression: str) -> bool:
    return re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*(\._data)?", expression) is not None


def _uses(expression: str, name: str) -> bool:
    return re.search(rf"\b{name}\b", expression) is not None


def _unary(op: Op) -> list[str]:
    lines = ["def kernel(node):", "    g = node.grad", "    a = node._a"]
    local = local_sources(op, ["x"], "out")
    if local is None:
        lines.append("    local = local_grads(a._data, node._data)")
        expression = "local"
    else:
        expression = local[0]
        if _uses(expression, "x"):
            lines.append("    x = a._data")
        if _uses(expression, "out"):
            lines.append("    out = node._data")
    lines += _accumulate("a", expression, "    ")
    return lines


def _binary_case(op: Op, a: str, b: str, wanted: tuple[bool, bool], indent: str) -> list[str]:
    """One case of a binary kernel: ``a``, ``b`` are the operands' float expressions."""
    lines: list[str] = []
    local = local_sources(op, [a, b], "out")
    if local is None:
        lines.append(f"{indent}locals_ = local_grads({a}, {b}, node._data)")
        local = ["locals_[0]", "locals_[1]"]
    elif any(_uses(x, "out") for x, w in zip(local, wanted, strict=True) if w):
        lines.append(f"{indent}out = node._data")
    for name, expression, keep in zip(("a", "b"), local, wanted, strict=True):
        if keep:
            lines += _accumulate(name, expression, indent)
    return lines


def _binary(op: Op) -> list[str]:
    # A plain-number operand (2 in 2 - x) sits in the node as a float and
    # receives nothing; only the Value side's half of the rule is applied.
    lines = ["def kernel(node):", "    g = node.grad", "    a = node._a", "    b = node._b"]
    lines.append("    if type(a) is not Value:")
    lines += _binary_case(op, "a", "b._data", (False, True), "        ")
    lines.append("    elif type(b) is not Value:")
    lines += _binary_case(op, "a._data", "b", (True, False), "        ")
    lines.append("    else:")
    lines += _binary_case(op, "a._data", "b._data", (True, True), "        ")
    return lines


def _variadic(op: Op, count: int | None) -> list[str]:
    """An n-ary kernel: unrolled for ``count`` operands, or a loop (``count`` None)."""
    lines = ["def kernel(node):", "    g = node.grad"]
    operands = [f"p{k}" for k in range(count or 0)]
    local = None if count is None else local_sources(op, [f"{p}._data" for p in operands], "out")
    if local is None:
        lines += [
            "    parents = node._a",
            "    locals_ = local_grads([p._data for p in parents], node._data)",
            "    for target, local in zip(parents, locals_, strict=True):",
        ]
        lines += _accumulate("target", "local", "        ")
        return lines
    lines.append(f"    {', '.join(operands)}, = node._a")
    if any(_uses(x, "out") for x in local):
        lines.append("    out = node._data")
    for target, expression in zip(operands, local, strict=True):
        lines += _accumulate(target, expression, "    ")
    return lines


def source_of(op: Op, count: int | None = None) -> str:
    """The Python source of ``op``'s kernel (for ``count`` operands when it is n-ary)."""
    if op.arity == UNARY:
        lines = _unary(op)
    elif op.arity == BINARY:
        lines = _binary(op)
    else:
        unrolled = count if count is not None and count <= MAX_UNROLLED else None
        lines = _variadic(op, unrolled)
    return "\n".join(lines) + "\n"


def make_kernel(op: Op, count: int | None, value_type: type) -> Kernel:
    """The backward kernel of ``op`` (for ``count`` operands when it is n-ary).

    Args:
        op: The op table entry.
        count: The number of operands of an n-ary node (None: unary or binary,
            or an n-ary kernel that loops over any number of operands).
        value_type: The engine's ``Value`` class (to tell a node from a number).

    Returns:
        ``kernel(node)``, which adds ``node.grad * local`` into every operand's ``.grad``.
    """
    source = source_of(op, count)
    namespace: dict[str, Any] = {
        "NAN": math.nan,
        "INF": math.inf,
        "Value": value_type,
        "local_grads": op.local_grads,
    }
    # Our own source, generated from the op table only (never from user text).
    exec(compile(source, f"<tinygrad_lite.kernels:{op.name}>", "exec"), namespace)
    kernel: Kernel = namespace["kernel"]
    kernel.__doc__ = f"The chain rule for one {op.name!r} node.\n\n{source}"
    return kernel


def kernel_for(op: Op, value_type: type) -> Callable[[Any], None]:
    """``op``'s kernel, made on first use and kept on the op (n-ary ops: one per operand count)."""
    kernel = op.kernel
    if kernel is not None:
        return kernel
    if op.arity != VARIADIC:
        kernel = make_kernel(op, None, value_type)
    else:
        by_count: dict[int, Kernel] = op.derived.setdefault("kernels", {})

        def kernel(node: Any) -> None:
            count = len(node._a)
            unrolled = by_count.get(count)
            if unrolled is None:
                unrolled = by_count[count] = make_kernel(op, count, value_type)
            unrolled(node)

    op.kernel = kernel
    return kernel


def backpropagate(order: list[Any]) -> None:
    """The engine's chain rule with one kernel per node: bit-identical, faster."""
    for node in reversed(order):
        op = node._op
        if op is not None:  # a leaf only receives
            (op.kernel or kernel_for(op, type(node)))(node)
