"""Any op of the table on Values or plain numbers: :func:`apply_op`, the one generic entry point.

Sits on :mod:`.value` and :mod:`.nary`. The Value operators and methods are
the fast paths for single ops; this serves everything else:
``tinygrad_lite.math``, user-defined ops, the op table's rules when they mix
a Value and a number, and the methods that take several operands
(``clamp``, ``hypot``).
"""

from __future__ import annotations

from typing import Any

from ..ops import BINARY, UNARY, VARIADIC, Op
from ..ops.generic import set_value_apply
from .coerce import operand_number
from .nary import nary
from .value import Value, _apply_left, _apply_right, _record

__all__ = ["apply_op"]


def apply_op(op: Op, *operands: Any) -> Any:
    """``op`` applied to ``operands``: a node when some operand is a Value, else a float.

    Raises:
        TypeError: If an operand is neither a Value nor a real number, or the
            count does not fit the op's arity.
    """
    arity = op.arity
    count = len(operands)
    if arity == UNARY and count == 1:
        x = operands[0]
        if type(x) is Value:
            return _record(op, op.forward(x._data), x, None)
        return op.forward(operand_number(op.name, x))
    if arity == BINARY and count == 2:
        a, b = operands
        if type(a) is Value:
            result = _apply_right(op, a, b)
        elif type(b) is Value:
            result = _apply_left(op, a, b)
        else:
            return op.forward(operand_number(op.name, a), operand_number(op.name, b))
        if result is NotImplemented:
            operand_number(op.name, b if type(a) is Value else a)  # raises, naming it
        return result
    if arity == VARIADIC and count:
        if any(type(x) is Value for x in operands):
            return nary(op, operands, f"{op.name}()")
        return op.forward([operand_number(op.name, x) for x in operands])
    wanted = {UNARY: "1 operand", BINARY: "2 operands"}.get(arity, "at least 1 operand")
    raise TypeError(f"{op.name}() takes {wanted}, got {count}")


# The op table's rules and the several-operand methods call ops on Values
# through this (the table sits below the engine and never imports it).
set_value_apply(apply_op)
