"""Random expression graphs: :class:`Expression` and the :func:`expressions` strategy.

Part of :mod:`tinygrad_lite.testing` (needs hypothesis). An expression is a
few leaves and a list of instructions ``(op name, operands)``, where an
operand is an ``int`` (the index of an earlier slot: leaves first, then
instruction results, so subexpressions are shared) or a ``float`` constant
(``x * 2.5``). The same expression replays on :class:`~tinygrad_lite.Value`
s, on plain floats through the op table, or through any other engine a test
brings (``Expression.replay`` takes the function that applies an op).

While drawing, the strategy tracks every slot's float value and only picks
an op whose inputs are in a comfortable domain (:func:`in_domain`: clear of
kinks and poles, results of modest size), replacing it with ``tanh``
otherwise, so that an expression's gradient can be checked anywhere near
its leaves.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from ..custom import _REGISTERED, CustomOp
from ..engine import Value, apply_op, dot, logsumexp, total
from ..math import (
    atan2,
    ceil,
    clamp,
    copysign,
    floor,
    fmod,
    fsum,
    hypot,
    maximum,
    minimum,
    prod,
    remainder,
    trunc,
)
from ..ops import BINARY, OPS, VARIADIC
from .domains import KINK_GAP, away_from_zero

__all__ = ["Expression", "apply_float", "apply_value", "expressions", "in_domain"]

Operand = int | float
Instruction = tuple[str, tuple[Operand, ...]]

BOUND = 50.0
"""A slot whose value would exceed this in size is not made (its op becomes tanh)."""


def _dot_split(args: Sequence[Any]) -> tuple[list[Any], list[Any], Any]:
    n = len(args) // 2
    bias = args[-1] if len(args) % 2 else None
    return list(args[:n]), list(args[n : 2 * n]), bias


# How a user writes each built-in op on Values: operators, methods, tinygrad_lite.math.
_VALUE_OPS: dict[str, Callable[..., Any]] = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "pow": lambda a, b: a**b,
    "neg": lambda x: -x,
    "abs": abs,
    "relu": lambda x: x.relu(),
    "tanh": lambda x: x.tanh(),
    "sigmoid": lambda x: x.sigmoid(),
    "exp": lambda x: x.exp(),
    "log": lambda x: x.log(),
    "sqrt": lambda x: x.sqrt(),
    "sin": lambda x: x.sin(),
    "cos": lambda x: x.cos(),
    "tan": lambda x: x.tan(),
    "asin": lambda x: x.asin(),
    "acos": lambda x: x.acos(),
    "atan": lambda x: x.atan(),
    "atan2": atan2,
    "sinh": lambda x: x.sinh(),
    "cosh": lambda x: x.cosh(),
    "asinh": lambda x: x.asinh(),
    "acosh": lambda x: x.acosh(),
    "atanh": lambda x: x.atanh(),
    "exp2": lambda x: x.exp2(),
    "expm1": lambda x: x.expm1(),
    "log2": lambda x: x.log2(),
    "log10": lambda x: x.log10(),
    "log1p": lambda x: x.log1p(),
    "cbrt": lambda x: x.cbrt(),
    "erf": lambda x: x.erf(),
    "erfc": lambda x: x.erfc(),
    "floor": floor,
    "ceil": ceil,
    "trunc": trunc,
    "round": round,
    "sign": lambda x: x.sign(),
    "floordiv": lambda a, b: a // b,
    "mod": lambda a, b: a % b,
    "fmod": fmod,
    "remainder": remainder,
    "copysign": copysign,
    "maximum": maximum,
    "minimum": minimum,
    "clamp": clamp,
    "hypot": hypot,
    "fsum": lambda *xs: fsum(xs),
    "prod": lambda *xs: prod(xs),
    "total": lambda *xs: total(xs),
    "dot": lambda *xs: dot(*_dot_split(xs)),
    "logsumexp": lambda *xs: logsumexp(xs),
}


def apply_value(name: str, args: Sequence[Any]) -> Any:
    """The op ``name`` on Values (numbers allowed) as a user writes it.

    Built-in ops go through Python's operators, ``Value`` methods and
    :mod:`tinygrad_lite.math` (``a + b``, ``x.tanh()``, ``abs(x)``); any
    other op of the table (a custom op) through its generic entry point.
    """
    written = _VALUE_OPS.get(name)
    if written is None:
        return apply_op(OPS[name], *args)
    return written(*args)


def apply_float(name: str, args: Sequence[float]) -> float:
    """The op ``name`` on floats through the op table's own forward."""
    op = OPS[name]
    return op.forward(list(args)) if op.arity == VARIADIC else op.forward(*args)


@dataclass(frozen=True)
class Expression:
    """A random expression: leaves, then instructions over earlier slots.

    Slot ``k`` is leaf ``k`` for ``k < len(leaves)``, else the result of
    instruction ``k - len(leaves)``. The output is the :func:`total` of every
    slot no instruction uses (so every node reaches the output), or that slot
    alone when there is one. ``str(expression)`` writes it as a formula in
    ``x0, x1, ...``.

    Attributes:
        leaves: The point the expression was drawn at (one float per input).
        instructions: ``(op name, operands)`` in order.
    """

    leaves: tuple[float, ...]
    instructions: tuple[Instruction, ...]

    def replay(self, inputs: Sequence[Any], apply: Callable[[str, Sequence[Any]], Any]) -> Any:
        """The output, with ``apply(name, args)`` applying each op to ``inputs``' slots."""
        slots = self.every_slot(inputs, apply)
        sinks = [(list(inputs) + slots)[k] for k in self.sinks()]
        return sinks[0] if len(sinks) == 1 else apply("total", sinks)

    def every_slot(self, inputs: Sequence[Any], apply: Callable[[str, Sequence[Any]], Any]) -> Any:
        """The result of every instruction, in order: a function with several outputs."""
        slots = list(inputs)
        for name, operands in self.instructions:
            args = [slots[x] if type(x) is int else x for x in operands]
            slots.append(apply(name, args))
        return slots[len(inputs) :]

    def sinks(self) -> list[int]:
        """The slots that no instruction uses, in order."""
        used = {x for _, operands in self.instructions for x in operands if type(x) is int}
        return [k for k in range(len(self.leaves) + len(self.instructions)) if k not in used]

    def on_values(self, *leaves: Any) -> Value:
        """Replay on Values (for ``backward``, ``gradcheck``, :func:`check_gradients`)."""
        result: Value = self.replay(leaves, apply_value)
        return result

    def on_floats(self, *leaves: float) -> float:
        """Replay on floats through the op table's forward functions."""
        result: float = self.replay(leaves, apply_float)
        return result

    def __str__(self) -> str:
        def write(name: str, args: Sequence[Any]) -> str:
            symbol = OPS[name].symbol
            if len(args) == 2 and not symbol.isidentifier():
                return f"({args[0]} {symbol} {args[1]})"
            return f"{name}({', '.join(str(a) for a in args)})"

        names = [f"x{i}" for i in range(len(self.leaves))]
        return str(self.replay(names, write))


def _value_ok(x: float) -> bool:
    return math.isfinite(x) and abs(x) <= BOUND


def _op_names(ops: Iterable[str | CustomOp] | None) -> list[str] | None:
    if ops is None:
        return None
    names = sorted({op.name if isinstance(op, CustomOp) else op for op in ops})
    unknown = [name for name in names if name not in OPS]
    if unknown or not names:
        raise ValueError(
            f"expressions(ops=...) takes names of registered ops or custom ops, got "
            f"{unknown or 'none'}; the table has {sorted(OPS)}"
        )
    return names


def expressions(
    ops: Iterable[str | CustomOp] | None = None,
    *,
    min_leaves: int = 1,
    max_leaves: int = 4,
    max_steps: int = 10,
) -> st.SearchStrategy[Expression]:
    """A strategy for random :class:`Expression` s over the chosen ops.

    Args:
        ops: Op names (or custom ops) to draw from; None: every op in the
            table when the example is drawn, custom ops included.
        min_leaves: The fewest inputs.
        max_leaves: The most inputs.
        max_steps: The most instructions (at least one is drawn).

    Returns:
        Expressions with shared subexpressions, number constants on either
        side of binary ops, and every slot's value finite and at most 50 in
        size; leaves are drawn with ``0.1 <= |x| <= 2``. An op whose inputs
        fall outside its comfortable domain (:func:`in_domain`) is replaced
        by ``tanh``.

    Raises:
        ValueError: If ``ops`` names an op that is not registered.
    """
    names = _op_names(ops)
    if not 1 <= min_leaves <= max_leaves or max_steps < 1:
        raise ValueError(
            f"expressions needs 1 <= min_leaves <= max_leaves and max_steps >= 1, got "
            f"min_leaves={min_leaves}, max_leaves={max_leaves}, max_steps={max_steps}"
        )
    return _expressions(names, min_leaves, max_leaves, max_steps)


@st.composite
def _expressions(
    draw: st.DrawFn, names: list[str] | None, min_leaves: int, max_leaves: int, max_steps: int
) -> Expression:
    n_leaves = draw(st.integers(min_leaves, max_leaves))
    leaves = tuple(draw(away_from_zero(0.1, 2.0)) for _ in range(n_leaves))
    values = list(leaves)
    instructions: list[Instruction] = []
    choices = sorted(OPS) if names is None else names
    for _ in range(draw(st.integers(1, max_steps))):
        name = draw(st.sampled_from(choices))
        slot = st.integers(0, len(values) - 1)
        operands: tuple[Operand, ...]
        if OPS[name].arity == VARIADIC:
            count = _operand_count(name, draw(st.integers(1, 3)))
            operands = tuple(draw(slot) for _ in range(count))
            if name == "clamp" and draw(st.booleans()):
                operands = (operands[0], -1.5, 2.0)  # number bounds, as clamp(x, -1.5, 2) lifts
        elif OPS[name].arity == BINARY:
            first: Operand = draw(slot)
            second: Operand = draw(slot)
            constant = draw(st.sampled_from([None, "left", "right"]))
            constants = [2.0, 3.0, 0.5, -1.5] if name == "pow" else [2.5, -0.75, 1.25]
            if constant == "left":
                first = draw(st.sampled_from(constants))
            elif constant == "right":
                second = draw(st.sampled_from(constants))
            operands = (first, second)
        else:
            operands = (draw(slot),)
        args = [values[x] if type(x) is int else x for x in operands]
        if not in_domain(name, args):
            name, operands = "tanh", (next(x for x in operands if type(x) is int),)
            args = [values[operands[0]]]
        result = apply_float(name, args)
        if not _value_ok(result):
            raise AssertionError(f"unsafe value {result} from {name}{tuple(args)}")
        instructions.append((name, operands))
        values.append(result)
    return Expression(leaves, tuple(instructions))


# How many operands a variadic op takes for a drawn count k in 1..3; a custom
# op of three or more arguments takes its own count.
_VARIADIC_COUNTS: dict[str, Callable[[int], int]] = {
    "dot": lambda k: 2 * k + k % 2,  # (w1..wn, x1..xn[, b])
    "clamp": lambda k: 3,
}


def _operand_count(name: str, drawn: int) -> int:
    """How many operands the variadic op ``name`` gets for a drawn count in 1..3."""
    rule = _VARIADIC_COUNTS.get(name)
    if rule is not None:
        return rule(drawn)
    custom = _REGISTERED.get(name)
    return drawn if custom is None else custom.arity


def _distance_to_grid(x: float, offset: float = 0.0) -> float:
    """How far ``x`` is from the nearest ``n + offset`` (n an integer)."""
    shifted = x - offset
    return abs(shifted - round(shifted))


def in_domain(name: str, args: list[float]) -> bool:
    """True when ``name`` is smooth well around ``args`` and its result stays modest.

    The margins are generous (``|b| >= 0.5`` for ``a / b``, ``x >= 0.1`` for
    ``log``, 0.01 from every kink), so that the perturbation of a central
    difference at the leaves never carries an op across a kink.
    """
    if name == "div" and abs(args[1]) < 0.5:
        return False
    if name == "pow" and not (0.5 <= args[0] <= 5.0 and abs(args[1]) <= 3.0):
        return False
    if name in ("log", "sqrt", "log2", "log10") and args[0] < 0.1:
        return False
    if name in ("abs", "relu", "sign", "cbrt") and abs(args[0]) < KINK_GAP:
        return False
    if name in ("exp", "exp2", "expm1", "sinh", "cosh") and args[0] > 3.0:
        return False
    if name in ("asin", "acos", "atanh") and abs(args[0]) > 0.9:
        return False
    if (name == "tan" and abs(math.cos(args[0])) < 0.3) or (name == "log1p" and args[0] < -0.9):
        return False
    if name == "acosh" and args[0] < 1.1:
        return False
    if name == "atan2" and (math.hypot(*args) < 0.5 or (args[1] < 0.0 and abs(args[0]) < 0.1)):
        return False
    if name in ("floor", "ceil", "trunc") and _distance_to_grid(args[0]) < KINK_GAP:
        return False
    if name == "round" and _distance_to_grid(args[0], 0.5) < KINK_GAP:
        return False
    if name in ("floordiv", "mod", "fmod", "remainder"):
        if abs(args[1]) < 0.5:
            return False
        quotient = args[0] / args[1]
        if min(_distance_to_grid(quotient), _distance_to_grid(quotient, 0.5)) < KINK_GAP:
            return False
    if name == "copysign" and min(abs(args[0]), abs(args[1])) < KINK_GAP:
        return False
    if name in ("maximum", "minimum", "clamp") and any(
        abs(a - b) < KINK_GAP for i, a in enumerate(args) for b in args[i + 1 :]
    ):
        return False
    if name == "hypot" and math.hypot(*args) < 0.5:
        return False
    return _value_ok(apply_float(name, args))
