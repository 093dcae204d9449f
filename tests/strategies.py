"""Shared hypothesis strategies: op inputs away from kinks and poles, random graphs.

``OP_INPUTS`` maps every op name in ``ops.OPS`` to a strategy for a tuple of
valid arguments, far enough from kinks (``abs``, ``relu`` at 0) and poles
(``div`` by 0, ``log`` at 0) that central differences with ``h = 1e-6`` are
accurate.

Three user-defined ops are registered here with ``tinygrad_lite.custom_op``
(``softplus``, ``logaddexp`` and the three-argument ``lerp``), so that every
test that loops over the op table, and every random expression graph, runs
them exactly like the built-ins.

``expression_graphs()`` draws a :class:`Graph`: a few leaves and a list of
instructions ``(op name, operands)``, where an operand is an ``int`` (the
index of an earlier slot: leaves first, then instruction results, so
subexpressions are shared) or a ``float`` constant (``x * 2.5``). The same
graph can be replayed on :class:`Value` s, on plain floats and on HIPS
``autograd.numpy``, so three engines evaluate one expression. While drawing,
the strategy tracks every slot's float value and only picks an op whose
inputs are in its safe domain, replacing it with ``tanh`` otherwise, so all
values stay in a modest range.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import autograd.numpy as anp
import autograd.scipy.special as aspecial
from hypothesis import strategies as st

from tinygrad_lite import clamp, custom_op, maximum, minimum
from tinygrad_lite import math as tlmath
from tinygrad_lite.engine import Value, dot, logsumexp, total
from tinygrad_lite.ops import BINARY, OPS, VARIADIC

# ---------------------------------------------------------------------------
# User-defined ops, written as a student would: forward on floats, local
# derivatives with tinygrad_lite.math (so they run on Values too).


def _softplus(x: float) -> float:
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))  # log(1 + e**x), never overflows


softplus = custom_op(
    "softplus", _softplus, lambda x, out: 1.0 / (1.0 + tlmath.exp(-x)), symbol="softplus"
)


@custom_op("logaddexp", local_grads=lambda a, b, out: (tlmath.exp(a - out), tlmath.exp(b - out)))
def logaddexp(a: float, b: float) -> float:
    """``log(e**a + e**b)``, shifted by the larger so it never overflows."""
    high = max(a, b)
    return high + math.log1p(math.exp(-abs(a - b)))


lerp = custom_op(
    "lerp",
    lambda a, b, t: a + t * (b - a),
    lambda a, b, t, out: (1.0 - t, t, b - a),
    symbol="lerp",
)

USER_OPS = ("softplus", "logaddexp", "lerp")

Operand = int | float
Instruction = tuple[str, tuple[Operand, ...]]

_KINK_GAP = 1e-2  # distance kept from kinks and zero-crossings of abs, relu
_BOUND = 50.0  # slot values beyond this are squashed by tanh


def reals(low: float, high: float) -> st.SearchStrategy[float]:
    """Finite floats in ``[low, high]``."""
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


def away_from_zero(low: float, high: float) -> st.SearchStrategy[float]:
    """Floats with ``low <= |x| <= high`` and either sign."""
    return st.builds(lambda x, sign: x * sign, reals(low, high), st.sampled_from([-1.0, 1.0]))


def _variadic(
    count: st.SearchStrategy[int], low: float = -10.0, high: float = 10.0
) -> st.SearchStrategy[tuple[float, ...]]:
    return count.flatmap(lambda n: st.tuples(*[reals(low, high)] * n))


def _fraction_gap() -> st.SearchStrategy[float]:
    """A fractional part at least 0.05 from 0, 0.5 and 1: clear of every rounding's jump."""
    return st.one_of(reals(0.05, 0.45), reals(0.55, 0.95))


def off_the_jumps() -> st.SearchStrategy[float]:
    """``n + f``: away from the integers and the half-integers (floor, round, ...)."""
    return st.builds(lambda n, f: n + f, st.integers(-10, 9), _fraction_gap())


def _quotient_pair() -> st.SearchStrategy[tuple[float, float]]:
    """``(a, b)`` with ``a / b`` clear of the integers and half-integers (``%``, ``//``)."""
    return st.builds(lambda b, q: (b * q, b), away_from_zero(0.5, 5.0), off_the_jumps())


def _apart(count: int, gap: float = 0.05) -> st.SearchStrategy[tuple[float, ...]]:
    """``count`` floats in [-10, 10], pairwise at least ``gap`` apart, in random order."""

    def spread(start: float, steps: list[float], order: list[int]) -> tuple[float, ...]:
        values = [start]
        for step in steps:
            values.append(values[-1] + step)
        return tuple(values[i] for i in order)

    return st.builds(
        spread,
        reals(-10.0, 0.0),
        st.lists(reals(gap, 10.0 / count), min_size=count - 1, max_size=count - 1),
        st.permutations(list(range(count))),
    )


OP_INPUTS: dict[str, st.SearchStrategy[tuple[float, ...]]] = {
    "add": st.tuples(reals(-10.0, 10.0), reals(-10.0, 10.0)),
    "sub": st.tuples(reals(-10.0, 10.0), reals(-10.0, 10.0)),
    "mul": st.tuples(reals(-10.0, 10.0), reals(-10.0, 10.0)),
    "div": st.tuples(reals(-10.0, 10.0), away_from_zero(0.5, 10.0)),
    "pow": st.tuples(reals(0.5, 3.0), reals(-3.0, 3.0)),
    "neg": st.tuples(reals(-10.0, 10.0)),
    "abs": st.tuples(away_from_zero(_KINK_GAP, 10.0)),
    "relu": st.tuples(away_from_zero(_KINK_GAP, 10.0)),
    "tanh": st.tuples(reals(-5.0, 5.0)),
    "sigmoid": st.tuples(reals(-10.0, 10.0)),
    "exp": st.tuples(reals(-5.0, 5.0)),
    "log": st.tuples(reals(0.1, 100.0)),
    "sqrt": st.tuples(reals(0.1, 100.0)),
    "sin": st.tuples(reals(-10.0, 10.0)),
    "cos": st.tuples(reals(-10.0, 10.0)),
    "tan": st.tuples(reals(-1.2, 1.2)),
    "asin": st.tuples(reals(-0.9, 0.9)),
    "acos": st.tuples(reals(-0.9, 0.9)),
    "atan": st.tuples(reals(-10.0, 10.0)),
    # y clear of 0 keeps away from the origin and from the cut along the negative x axis
    "atan2": st.tuples(away_from_zero(0.1, 10.0), reals(-10.0, 10.0)),
    "sinh": st.tuples(reals(-5.0, 5.0)),
    "cosh": st.tuples(reals(-5.0, 5.0)),
    "asinh": st.tuples(reals(-10.0, 10.0)),
    "acosh": st.tuples(reals(1.1, 10.0)),
    "atanh": st.tuples(reals(-0.9, 0.9)),
    "exp2": st.tuples(reals(-5.0, 5.0)),
    "expm1": st.tuples(reals(-5.0, 5.0)),
    "log2": st.tuples(reals(0.1, 100.0)),
    "log10": st.tuples(reals(0.1, 100.0)),
    "log1p": st.tuples(reals(-0.9, 100.0)),
    "cbrt": st.tuples(away_from_zero(0.1, 10.0)),
    "erf": st.tuples(reals(-3.0, 3.0)),
    "erfc": st.tuples(reals(-3.0, 3.0)),
    "floor": st.tuples(off_the_jumps()),
    "ceil": st.tuples(off_the_jumps()),
    "trunc": st.tuples(off_the_jumps()),
    "round": st.tuples(off_the_jumps()),
    "sign": st.tuples(away_from_zero(_KINK_GAP, 10.0)),
    "floordiv": _quotient_pair(),
    "mod": _quotient_pair(),
    "fmod": _quotient_pair(),
    "remainder": _quotient_pair(),
    "copysign": st.tuples(away_from_zero(_KINK_GAP, 10.0), away_from_zero(_KINK_GAP, 10.0)),
    "maximum": _apart(2),
    "minimum": _apart(2),
    "clamp": _apart(3),
    "hypot": st.integers(1, 4).flatmap(
        lambda n: st.tuples(away_from_zero(0.5, 10.0), *[reals(-10.0, 10.0)] * (n - 1))
    ),
    "fsum": _variadic(st.integers(1, 8)),
    "prod": _variadic(st.integers(1, 5), -3.0, 3.0),
    "softplus": st.tuples(reals(-10.0, 10.0)),
    "logaddexp": st.tuples(reals(-10.0, 10.0), reals(-10.0, 10.0)),
    "lerp": st.tuples(reals(-10.0, 10.0), reals(-10.0, 10.0), reals(-2.0, 2.0)),
    "total": _variadic(st.integers(1, 8)),
    "logsumexp": _variadic(st.integers(1, 5)),
    # 2n arguments (w_1..w_n, x_1..x_n) or 2n + 1 with a bias last
    "dot": st.integers(1, 6).flatmap(lambda n: _variadic(st.sampled_from([2 * n, 2 * n + 1]))),
}
"""Per op name: a strategy for a tuple of arguments in the op's smooth domain."""


# ---------------------------------------------------------------------------
# Applying an op by name on three engines.


def _dot_split(args: Sequence[Any]) -> tuple[list[Any], list[Any], Any]:
    n = len(args) // 2
    bias = args[-1] if len(args) % 2 else None
    return list(args[:n]), list(args[n : 2 * n]), bias


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
    "atan2": tlmath.atan2,
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
    "floor": tlmath.floor,
    "ceil": tlmath.ceil,
    "trunc": tlmath.trunc,
    "round": round,
    "sign": lambda x: x.sign(),
    "floordiv": lambda a, b: a // b,
    "mod": lambda a, b: a % b,
    "fmod": tlmath.fmod,
    "remainder": tlmath.remainder,
    "copysign": tlmath.copysign,
    "maximum": maximum,
    "minimum": minimum,
    "clamp": clamp,
    "hypot": tlmath.hypot,
    "fsum": lambda *xs: tlmath.fsum(xs),
    "prod": lambda *xs: tlmath.prod(xs),
    "softplus": lambda x: x.softplus(),
    "logaddexp": logaddexp,
    "lerp": lerp,
    "total": lambda *xs: total(xs),
    "dot": lambda *xs: dot(*_dot_split(xs)),
    "logsumexp": lambda *xs: logsumexp(xs),
}


def _left_fold(values: Sequence[Any], start: Any = None) -> Any:
    result = values[0] if start is None else start
    for x in values if start is not None else values[1:]:
        result = result + x
    return result


def _left_product(values: Sequence[Any]) -> Any:
    result = values[0]
    for x in values[1:]:
        result = result * x
    return result


def _autograd_dot(*xs: Any) -> Any:
    weights, inputs, bias = _dot_split(xs)
    products = [w * x for w, x in zip(weights, inputs, strict=True)]
    return _left_fold(products, 0.0 if bias is None else bias)


_AUTOGRAD_OPS: dict[str, Callable[..., Any]] = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "pow": lambda a, b: a**b,
    "neg": lambda x: -x,
    "abs": anp.abs,
    "relu": lambda x: anp.maximum(x, 0.0),
    "tanh": anp.tanh,
    "sigmoid": lambda x: 1.0 / (1.0 + anp.exp(-x)),
    "exp": anp.exp,
    "log": anp.log,
    "sqrt": anp.sqrt,
    "sin": anp.sin,
    "cos": anp.cos,
    "tan": anp.tan,
    "asin": anp.arcsin,
    "acos": anp.arccos,
    "atan": anp.arctan,
    "atan2": anp.arctan2,
    "sinh": anp.sinh,
    "cosh": anp.cosh,
    "asinh": anp.arcsinh,
    "acosh": anp.arccosh,
    "atanh": anp.arctanh,
    "exp2": anp.exp2,
    "expm1": anp.expm1,
    "log2": anp.log2,
    "log10": anp.log10,
    "log1p": anp.log1p,
    "cbrt": lambda x: anp.sign(x) * anp.abs(x) ** (1.0 / 3.0),
    "erf": aspecial.erf,
    "erfc": aspecial.erfc,
    "floor": anp.floor,
    "ceil": anp.ceil,
    "trunc": anp.trunc,
    "round": anp.round,
    "sign": anp.sign,
    "floordiv": anp.floor_divide,
    "mod": anp.mod,
    # autograd has no rule for fmod, IEEE remainder or copysign: built from its primitives
    "fmod": lambda a, b: a - anp.trunc(a / b) * b,
    "remainder": lambda a, b: a - anp.round(a / b) * b,
    "copysign": lambda a, b: anp.abs(a) * anp.sign(b),
    "maximum": anp.maximum,
    "minimum": anp.minimum,
    "clamp": lambda x, low, high: anp.minimum(anp.maximum(x, low), high),
    "hypot": lambda *xs: anp.sqrt(_left_fold([x * x for x in xs])),
    "fsum": lambda *xs: _left_fold(xs),
    "prod": lambda *xs: _left_product(xs),
    "softplus": lambda x: anp.logaddexp(0.0, x),
    "logaddexp": anp.logaddexp,
    "lerp": lambda a, b, t: a + t * (b - a),
    "total": lambda *xs: _left_fold(xs),
    "dot": _autograd_dot,
    "logsumexp": lambda *xs: anp.log(_left_fold([anp.exp(x) for x in xs])),
}

_MATH_OPS: dict[str, Callable[..., float]] = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "pow": math.pow,
    "neg": lambda x: -x,
    "abs": abs,
    "relu": lambda x: max(x, 0.0),
    "tanh": math.tanh,
    "sigmoid": lambda x: 1.0 / (1.0 + math.exp(-x)),
    "exp": math.exp,
    "log": math.log,
    "sqrt": math.sqrt,
    "sin": math.sin,
    "cos": math.cos,
    "tan": math.tan,
    "asin": math.asin,
    "acos": math.acos,
    "atan": math.atan,
    "atan2": math.atan2,
    "sinh": math.sinh,
    "cosh": math.cosh,
    "asinh": math.asinh,
    "acosh": math.acosh,
    "atanh": math.atanh,
    "exp2": lambda x: 2.0**x,
    "expm1": math.expm1,
    "log2": math.log2,
    "log10": math.log10,
    "log1p": math.log1p,
    "cbrt": lambda x: math.copysign(abs(x) ** (1.0 / 3.0), x),
    "erf": math.erf,
    "erfc": math.erfc,
    "floor": math.floor,
    "ceil": math.ceil,
    "trunc": math.trunc,
    "round": round,
    "sign": lambda x: math.copysign(1.0, x),
    "floordiv": lambda a, b: a // b,
    "mod": lambda a, b: a % b,
    "fmod": math.fmod,
    "remainder": math.remainder,
    "copysign": math.copysign,
    "maximum": max,
    "minimum": min,
    "clamp": lambda x, low, high: min(max(x, low), high),
    "hypot": math.hypot,
    "fsum": lambda *xs: math.fsum(xs),
    "prod": lambda *xs: math.prod(xs),
    "softplus": lambda x: math.log(1.0 + math.exp(x)),
    "logaddexp": lambda a, b: math.log(math.exp(a) + math.exp(b)),
    "lerp": lambda a, b, t: a + t * (b - a),
    "total": lambda *xs: _left_fold(xs),
    "dot": lambda *xs: _left_fold(
        [w * x for w, x in zip(*_dot_split(xs)[:2], strict=True)], _dot_split(xs)[2] or 0.0
    ),
    "logsumexp": lambda *xs: math.log(math.fsum(math.exp(x) for x in xs)),
}


def apply_value(name: str, args: Sequence[Any]) -> Any:
    """``name`` applied through ``Value``'s operators and methods (numbers allowed)."""
    return _VALUE_OPS[name](*args)


def apply_autograd(name: str, args: Sequence[Any]) -> Any:
    """``name`` applied with ``autograd.numpy`` (traceable by ``autograd.grad``)."""
    return _AUTOGRAD_OPS[name](*args)


def apply_math(name: str, args: Sequence[float]) -> float:
    """``name`` on floats through the ``math`` module: an oracle for the op table."""
    return _MATH_OPS[name](*args)


def apply_float(name: str, args: Sequence[float]) -> float:
    """``name`` on floats through the op table's own forward."""
    op = OPS[name]
    return op.forward(list(args)) if op.arity == VARIADIC else op.forward(*args)


# ---------------------------------------------------------------------------
# Random expression graphs.


@dataclass(frozen=True)
class Graph:
    """A random expression: leaves, then instructions over earlier slots.

    Slot ``k`` is leaf ``k`` for ``k < len(leaves)``, else the result of
    instruction ``k - len(leaves)``. The output is the :func:`total` of every
    slot no instruction uses (so every node reaches the output), or that slot
    alone when there is one.
    """

    leaves: tuple[float, ...]
    instructions: tuple[Instruction, ...]

    def _replay(self, inputs: Sequence[Any], apply: Callable[[str, Sequence[Any]], Any]) -> Any:
        slots = list(inputs)
        for name, operands in self.instructions:
            args = [slots[x] if type(x) is int else x for x in operands]
            slots.append(apply(name, args))
        sinks = [slots[k] for k in self.sinks()]
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

    def on_values(self, *leaves: Value) -> Value:
        """Replay on Values (for ``backward`` and ``gradcheck``)."""
        result: Value = self._replay(leaves, apply_value)
        return result

    def on_floats(self, *leaves: float) -> float:
        """Replay on floats through the op table's forward functions."""
        result: float = self._replay(leaves, apply_float)
        return result

    def on_autograd(self, *leaves: Any) -> Any:
        """Replay with ``autograd.numpy``: differentiable by ``autograd.grad``."""
        return self._replay(leaves, apply_autograd)


def _value_ok(x: float) -> bool:
    return math.isfinite(x) and abs(x) <= _BOUND


@st.composite
def expression_graphs(
    draw: st.DrawFn, min_leaves: int = 1, max_leaves: int = 4, max_steps: int = 10
) -> Graph:
    """A random :class:`Graph` with shared subexpressions and values in safe ranges."""
    n_leaves = draw(st.integers(min_leaves, max_leaves))
    leaves = tuple(draw(away_from_zero(0.1, 2.0)) for _ in range(n_leaves))
    values = list(leaves)
    instructions: list[Instruction] = []
    names = sorted(OPS)
    for _ in range(draw(st.integers(1, max_steps))):
        name = draw(st.sampled_from(names))
        slot = st.integers(0, len(values) - 1)
        operands: tuple[Operand, ...]
        if OPS[name].arity == VARIADIC:
            count = _VARIADIC_COUNTS.get(name, lambda k: k)(draw(st.integers(1, 3)))
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
        if not _in_domain(name, args):
            name, operands = "tanh", (next(x for x in operands if type(x) is int),)
            args = [values[operands[0]]]  # type: ignore[index]
        result = apply_float(name, args)
        if not _value_ok(result):
            raise AssertionError(f"unsafe value {result} from {name}{tuple(args)}")
        instructions.append((name, operands))
        values.append(result)
    return Graph(leaves, tuple(instructions))


# How many operands a variadic op takes for a drawn count k in 1..3.
_VARIADIC_COUNTS: dict[str, Callable[[int], int]] = {
    "dot": lambda k: 2 * k + k % 2,  # (w1..wn, x1..xn[, b])
    "clamp": lambda k: 3,
    "lerp": lambda k: 3,
}


def _distance_to_grid(x: float, offset: float = 0.0) -> float:
    """How far ``x`` is from the nearest ``n + offset`` (n an integer)."""
    shifted = x - offset
    return abs(shifted - round(shifted))


def _in_domain(name: str, args: list[float]) -> bool:
    """True when ``name`` is smooth near ``args`` and its result stays in range."""
    if name == "div" and abs(args[1]) < 0.5:
        return False
    if name == "pow" and not (0.5 <= args[0] <= 5.0 and abs(args[1]) <= 3.0):
        return False
    if name in ("log", "sqrt", "log2", "log10") and args[0] < 0.1:
        return False
    if name in ("abs", "relu", "sign", "cbrt") and abs(args[0]) < _KINK_GAP:
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
    if name in ("floor", "ceil", "trunc") and _distance_to_grid(args[0]) < _KINK_GAP:
        return False
    if name == "round" and _distance_to_grid(args[0], 0.5) < _KINK_GAP:
        return False
    if name in ("floordiv", "mod", "fmod", "remainder"):
        if abs(args[1]) < 0.5:
            return False
        quotient = args[0] / args[1]
        if min(_distance_to_grid(quotient), _distance_to_grid(quotient, 0.5)) < _KINK_GAP:
            return False
    if name == "copysign" and min(abs(args[0]), abs(args[1])) < _KINK_GAP:
        return False
    if name in ("maximum", "minimum", "clamp") and any(
        abs(a - b) < _KINK_GAP for i, a in enumerate(args) for b in args[i + 1 :]
    ):
        return False
    if name == "hypot" and math.hypot(*args) < 0.5:
        return False
    return _value_ok(apply_float(name, args))
