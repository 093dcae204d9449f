"""Inline source for op-table rules, traced from the rules themselves.

Sits on :mod:`tinygrad_lite.ops` and under :mod:`tinygrad_lite.engine` and
:mod:`tinygrad_lite.graph`. Each op's forward and local derivative are
written once, as Python functions in the op table. Code generators (the
engine's backward kernels, its n-ary forwards, the compiled replay of
:mod:`tinygrad_lite.graph`) want them as *source text* they can paste into
straight-line code, without a function call per node. Instead of keeping a
second, hand-written template of each rule, this module runs the rule itself
on :class:`Source` objects: stand-ins that record ``+``, ``-``, ``*`` and
unary minus as text::

    >>> from tinygrad_lite.ops import OPS
    >>> local_sources(OPS["tanh"], ["x"], "out")
    ['1.0 - out * out']
    >>> local_sources(OPS["dot"], ["w", "x", "b"], "out")
    ['x', 'w', '1.0']

A rule that does anything else with its operands (compares them, divides,
calls a helper, asks for ``float()``) makes the trace fail, and the
generators call the op's function instead. Either way the generated code
performs exactly the float operations the function would, in the same
order, so results are bit-identical.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from .ops import BINARY, UNARY, VARIADIC, Op

__all__ = ["Source", "forward_source", "local_sources", "render", "trace"]

# Operator precedence, loosest first: a child is parenthesized only where
# Python would otherwise group it differently (a - (b - c), a * (b + c)).
_SUM, _PRODUCT, _UNARY, _ATOM = 1, 2, 3, 4


class TraceError(Exception):
    """A rule did something other than ``+ - *`` on its operands: it can not be inlined."""


class Source:
    """A Python expression under construction: ``+``, ``-``, ``*`` and ``-x`` build text.

    Everything else an op rule might do with a number (compare it, divide,
    ``float()``, call a method) raises :class:`TraceError`, so a rule is
    inlined only when its text says exactly what the function computes.
    """

    __slots__ = ("precedence", "text")

    def __init__(self, text: str, precedence: int = _ATOM) -> None:
        self.text = text
        self.precedence = precedence

    def _binary(self, symbol: str, left: Any, right: Any, precedence: int) -> Source:
        left_text = _operand(left, precedence, right_side=False)
        right_text = _operand(right, precedence, right_side=True)
        return Source(f"{left_text} {symbol} {right_text}", precedence)

    def __add__(self, other: Any) -> Source:
        return self._binary("+", self, other, _SUM)

    def __radd__(self, other: Any) -> Source:
        return self._binary("+", other, self, _SUM)

    def __sub__(self, other: Any) -> Source:
        return self._binary("-", self, other, _SUM)

    def __rsub__(self, other: Any) -> Source:
        return self._binary("-", other, self, _SUM)

    def __mul__(self, other: Any) -> Source:
        return self._binary("*", self, other, _PRODUCT)

    def __rmul__(self, other: Any) -> Source:
        return self._binary("*", other, self, _PRODUCT)

    def __neg__(self) -> Source:
        return Source(f"-{_operand(self, _UNARY, right_side=True)}", _UNARY)

    def __getattr__(self, name: str) -> Any:
        raise TraceError(f"a rule used .{name} on an operand")

    def _refuse(self, *args: Any) -> Any:
        raise TraceError("a rule did more than + - * with an operand")

    __bool__ = __float__ = __int__ = __index__ = __abs__ = _refuse
    __lt__ = __le__ = __gt__ = __ge__ = __eq__ = __ne__ = _refuse
    __truediv__ = __rtruediv__ = __pow__ = __rpow__ = __mod__ = __rmod__ = _refuse
    __floordiv__ = __rfloordiv__ = __round__ = __trunc__ = __floor__ = __ceil__ = _refuse
    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Source({self.text!r})"


def _operand(x: Any, precedence: int, right_side: bool) -> str:
    text = render(x)
    inner = x.precedence if isinstance(x, Source) else (_UNARY if text.startswith("-") else _ATOM)
    # NOTE: + - * group left to right, so a right operand of equal precedence
    # needs parentheses (a - (b - c)); floats make (a + b) + c differ from a + (b + c).
    if inner < precedence or (right_side and inner == precedence):
        return f"({text})"
    return text


def render(x: Any) -> str:
    """The source text of a traced value: a :class:`Source` or a finite float constant.

    Raises:
        TraceError: For anything else (an int, a non-finite float, an object).
    """
    if isinstance(x, Source):
        return x.text
    if type(x) is float and math.isfinite(x):
        return repr(x)
    raise TraceError(f"a rule produced {x!r}, which has no inline source")


def trace(function: Callable[..., Any], *arguments: Any) -> Any:
    """``function(*arguments)`` on Source stand-ins; raises TraceError if it can't be inlined."""
    try:
        return function(*arguments)
    except TraceError:
        raise
    except (TypeError, AttributeError, ValueError, ArithmeticError) as error:
        raise TraceError(f"{function!r} is not traceable: {error}") from None


# Past this many operands an n-ary rule is not unrolled into straight-line code.
MAX_UNROLLED = 64

_NAMES = ("a", "b")


def _placeholders(op: Op, count: int) -> list[Source]:
    if op.arity == UNARY:
        return [Source("x")]
    if op.arity == BINARY:
        return [Source(name) for name in _NAMES]
    return [Source(f"_{k}_") for k in range(count)]


def _substitute(text: str, op: Op, operands: Sequence[str], out: str | None) -> str:
    """Put the caller's operand expressions in place of the placeholders."""
    names = ["x"] if op.arity == UNARY else list(_NAMES) if op.arity == BINARY else None
    # NOTE: a caller's expression is parenthesized unless it is a plain name,
    # an attribute or an index, so precedence survives the substitution.
    pieces = [_atom(operand) for operand in operands]
    if names is not None:
        import re

        pattern = re.compile(r"\b(" + "|".join([*names, "out"]) + r")\b")
        table = dict(zip(names, pieces, strict=True))
        if out is not None:
            table["out"] = _atom(out)
        return pattern.sub(lambda match: table[match.group(1)], text)
    result = text
    for k in reversed(range(len(pieces))):  # _10_ before _1_
        result = result.replace(f"_{k}_", pieces[k])
    if out is not None:
        result = result.replace("_out_", _atom(out))
    return result


def _atom(expression: str) -> str:
    plain = expression.replace(".", "").replace("[", "").replace("]", "").replace("_", "")
    return expression if plain.isalnum() else f"({expression})"


def forward_source(op: Op, operands: Sequence[str]) -> str | None:
    """The op's forward as inline source over ``operands``, or None (call ``op.forward``).

    Args:
        op: The op table entry.
        operands: One source expression per operand (``"v3"``, ``"p[0].data"``).
    """
    count = len(operands)
    # NOTE: cached on the op, which forgets it when its rule is replaced.
    key = ("inline forward", count if op.arity == VARIADIC else 0)
    if key not in op.derived:
        text: str | None = None
        if op.arity != VARIADIC or count <= MAX_UNROLLED:
            placeholders = _placeholders(op, count)
            try:
                if op.arity == VARIADIC:
                    traced = trace(op.forward, placeholders)
                else:
                    traced = trace(op.forward, *placeholders)
                text = render(traced)
            except TraceError:
                text = None
        op.derived[key] = text
    template = op.derived[key]
    return None if template is None else _substitute(template, op, operands, None)


def local_sources(op: Op, operands: Sequence[str], out: str) -> list[str] | None:
    """The op's local derivatives as inline source, one per operand, or None.

    Args:
        op: The op table entry.
        operands: One source expression per operand.
        out: The source expression of the op's own result.
    """
    count = len(operands)
    key = ("inline locals", count if op.arity == VARIADIC else 0)
    if key not in op.derived:
        texts: tuple[str, ...] | None = None
        if op.arity != VARIADIC or count <= MAX_UNROLLED:
            placeholders = _placeholders(op, count)
            result = Source("_out_") if op.arity == VARIADIC else Source("out")
            try:
                if op.arity == UNARY:
                    traced: Any = [trace(op.local_grads, placeholders[0], result)]
                elif op.arity == BINARY:
                    traced = list(trace(op.local_grads, *placeholders, result))
                else:
                    traced = list(trace(op.local_grads, placeholders, result))
                if len(traced) != count:
                    raise TraceError("wrong number of local derivatives")
                texts = tuple(render(x) for x in traced)
            except TraceError:
                texts = None
        op.derived[key] = texts
    templates = op.derived[key]
    if templates is None:
        return None
    return [_substitute(text, op, operands, out) for text in templates]
