"""n-ary forwards as straight-line code: ``dot`` and ``total`` without a list per node.

Sits on the op table, :mod:`.inline` and the engine, whose reference n-ary
forward (``op.forward([x.data for x in operands])``) it replaces, bit for
bit, while kernels are on. Per op and operand count, one function is made
from the op's own forward (traced by :mod:`.inline`) and kept on the op: it
checks that every operand is a Value and computes the op's result from their
data, or returns None (a plain-number operand: the engine lifts it and
takes the reference path).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from ..engine import Value
from ..ops import Op
from .inline import MAX_UNROLLED, forward_source

__all__ = ["nary_forward", "source_of_forward"]

_ALL_VALUES = {Value}

NaryForward = Callable[[tuple[Any, ...]], "float | None"]


def source_of_forward(op: Op, count: int) -> str:
    """The source of ``op``'s checked forward for ``count`` operands."""
    names = [f"o{k}" for k in range(count)]
    expression = forward_source(op, [f"{name}._data" for name in names])
    if expression is None or count == 0:
        lines = [
            "def forward(o):",
            "    if set(map(type, o)) <= ALL_VALUES:",
            "        return op_forward([x._data for x in o])",
            "    return None",
        ]
    else:
        same = " is ".join(f"type({name})" for name in names)
        lines = [
            "def forward(o):",
            f"    {', '.join(names)}, = o",
            f"    if {same} is Value:",
            f"        return {expression}",
            "    return None",
        ]
    return "\n".join(lines) + "\n"


def _make(op: Op, count: int) -> NaryForward:
    namespace: dict[str, Any] = {
        "Value": Value,
        "ALL_VALUES": _ALL_VALUES,
        "NAN": math.nan,
        "INF": math.inf,
        "op_forward": op.forward,
    }
    source = source_of_forward(op, count)
    # Our own source, generated from the op table only (never from user text).
    exec(compile(source, f"<tinygrad_lite.codegen:{op.name}>", "exec"), namespace)
    forward: NaryForward = namespace["forward"]
    op.derived.setdefault("nary forwards", {})[count] = forward
    return forward


def nary_forward(op: Op, operands: tuple[Any, ...]) -> float | None:
    """``op`` over ``operands`` when all are Values; None otherwise or past the unroll limit."""
    count = len(operands)
    if count > MAX_UNROLLED:
        return None
    forwards = op.derived.get("nary forwards")
    forward = None if forwards is None else forwards.get(count)
    if forward is None:
        forward = _make(op, count)
    return forward(operands)
