"""Shared hypothesis strategies: op inputs away from kinks and poles, random graphs.

``OP_INPUTS`` maps every op name in ``ops.OPS`` to a strategy for a tuple of
valid arguments, far enough from kinks (``abs``, ``relu`` at 0) and poles
(``div`` by 0, ``log`` at 0) that central differences with ``h = 1e-6`` are
accurate.

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
from hypothesis import strategies as st

from tinygrad_lite.engine import Value, dot, logsumexp, total
from tinygrad_lite.ops import OPS, VARIADIC

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


def _variadic(count: st.SearchStrategy[int]) -> st.SearchStrategy[tuple[float, ...]]:
    return count.flatmap(lambda n: st.tuples(*[reals(-10.0, 10.0)] * n))


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
    "total": lambda *xs: total(xs),
    "dot": lambda *xs: dot(*_dot_split(xs)),
    "logsumexp": lambda *xs: logsumexp(xs),
}


def _left_fold(values: Sequence[Any], start: Any = None) -> Any:
    result = values[0] if start is None else start
    for x in values if start is not None else values[1:]:
        result = result + x
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
        if name in ("total", "dot", "logsumexp"):
            count = draw(st.integers(1, 3))
            if name == "dot":
                count = 2 * count + draw(st.integers(0, 1))
            operands = tuple(draw(slot) for _ in range(count))
        elif OPS[name].arity == 2:
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


def _in_domain(name: str, args: list[float]) -> bool:
    """True when ``name`` is smooth near ``args`` and its result stays in range."""
    if name == "div" and abs(args[1]) < 0.5:
        return False
    if name == "pow" and not (0.5 <= args[0] <= 5.0 and abs(args[1]) <= 3.0):
        return False
    if name in ("log", "sqrt") and args[0] < 0.1:
        return False
    if name in ("abs", "relu") and abs(args[0]) < _KINK_GAP:
        return False
    if name == "exp" and args[0] > 3.0:
        return False
    return _value_ok(apply_float(name, args))
