"""Inline source for op-table rules, traced from the rules themselves.

Sits on :mod:`tinygrad_lite.ops` and under :mod:`tinygrad_lite.engine` and
:mod:`tinygrad_lite.graph`. Each op's forward and local derivative are
written once, as Python functions in the op table. Code generators (the
engine's backward kernels, its n-ary forwards, the compiled replay of
:mod:`tinygrad_lite.graph`) want them as *source text* they can paste into
straight-line code, without a function call per node. Instead of keeping a
second, hand-written template of each rule, this module runs the rule itself
on :class:`Source` objects: stand-ins that record ``+``, ``-``, ``*``, unary
minus and comparisons as text::

    >>> from tinygrad_lite.ops import OPS
    >>> local_sources(OPS["tanh"], ["x"], "out")
    ['1.0 - out * out']
    >>> local_sources(OPS["dot"], ["w", "x", "b"], "out")
    ['x', 'w', '1.0']
    >>> forward_source(OPS["relu"], ["x"])
    '0.0 if x <= 0.0 else x'

A branch on a comparison (``0.0 if x <= 0.0 else x``) is explored both ways:
the rule is run once per path, each comparison answering as the path
dictates, and the paths become one conditional expression. A rule that does
anything else with an operand (divides it, calls a helper or a method, asks
for ``float()``) makes the trace fail, and the generators call the op's
function instead. Either way the generated code performs exactly the float
operations the function would, in the same order, so results are
bit-identical. Generated code must provide the names ``NAN`` and ``INF``.
"""

from __future__ import annotations

import functools
import math
import re
import threading
from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

from ..ops import BINARY, UNARY, VARIADIC, Op

__all__ = [
    "MAX_UNROLLED",
    "Source",
    "TraceError",
    "forward_source",
    "local_sources",
    "render",
    "trace",
]

# Operator precedence, loosest first: a child is parenthesized only where
# Python would otherwise group it differently (a - (b - c), a * (b + c)).
_CONDITIONAL, _COMPARISON, _SUM, _PRODUCT, _UNARY, _ATOM = 0, 1, 2, 3, 4, 5

# Past this many operands an n-ary rule is not unrolled into straight-line code.
MAX_UNROLLED = 64

# Past this many paths a branching rule is called, not inlined.
_MAX_PATHS = 16


class TraceError(Exception):
    """A rule did something that has no inline source (a division, a call, ``float()``)."""


class Source:
    """A Python expression under construction: arithmetic and comparisons build text.

    ``+ - *`` and unary minus give a new Source; ``< <= > >= == !=`` give a
    condition whose truth the tracer decides path by path. Everything else a
    rule might do with a number raises :class:`TraceError`.
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

    def _compare(self, symbol: str, other: Any) -> _Condition:
        return _Condition(self._binary(symbol, self, other, _COMPARISON).text)

    def __lt__(self, other: Any) -> _Condition:
        return self._compare("<", other)

    def __le__(self, other: Any) -> _Condition:
        return self._compare("<=", other)

    def __gt__(self, other: Any) -> _Condition:
        return self._compare(">", other)

    def __ge__(self, other: Any) -> _Condition:
        return self._compare(">=", other)

    def __eq__(self, other: Any) -> _Condition:  # type: ignore[override]
        return self._compare("==", other)

    def __ne__(self, other: Any) -> _Condition:  # type: ignore[override]
        return self._compare("!=", other)

    def __bool__(self) -> bool:
        return _decide(self.text)  # a float is true when it is not 0

    def __getattr__(self, name: str) -> Any:
        raise TraceError(f"a rule used .{name} on an operand")

    def _refuse(self, *args: Any) -> Any:
        raise TraceError("a rule did more than arithmetic and comparisons with an operand")

    __float__ = __int__ = __index__ = __abs__ = _refuse
    __truediv__ = __rtruediv__ = __pow__ = __rpow__ = __mod__ = __rmod__ = _refuse
    __floordiv__ = __rfloordiv__ = __round__ = __trunc__ = __floor__ = __ceil__ = _refuse
    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Source({self.text!r})"


class _Condition:
    """The text of a comparison; its truth is decided by the path being traced."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __bool__(self) -> bool:
        return _decide(self.text)

    def _refuse(self, *args: Any) -> Any:
        raise TraceError("a rule computed with the result of a comparison")

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __neg__ = _refuse
    __float__ = __int__ = __index__ = _refuse


class _Path(threading.local):
    """The decisions of the path being traced: given ones first, then True for new ones."""

    script: list[bool] | None = None
    taken: list[str]


_PATH = _Path()


def _decide(condition: str) -> bool:
    script = _PATH.script
    if script is None:
        raise TraceError("a comparison outside a trace")
    k = len(_PATH.taken)
    _PATH.taken.append(condition)
    return script[k] if k < len(script) else True


def _operand(x: Any, precedence: int, right_side: bool) -> str:
    text = render(x)
    inner = x.precedence if isinstance(x, Source) else _UNARY if text.startswith("-") else _ATOM
    # NOTE: + - * group left to right, so a right operand of equal precedence
    # needs parentheses (a - (b - c)); floats make (a + b) + c differ from a + (b + c).
    if inner < precedence or (right_side and inner == precedence):
        return f"({text})"
    return text


def render(x: Any) -> str:
    """The source text of a traced value: a :class:`Source` or a number constant.

    Raises:
        TraceError: For anything else (an object, a string, a container).
    """
    if isinstance(x, Source):
        return x.text
    if type(x) is float:
        if x != x:
            return "NAN"
        if math.isinf(x):
            return "INF" if x > 0.0 else "-INF"
        return repr(x)
    if type(x) is int:
        return repr(x)
    raise TraceError(f"a rule produced {x!r}, which has no inline source")


def trace(function: Callable[..., Any], *arguments: Any) -> list[tuple[list[str], list[bool], Any]]:
    """Run ``function(*arguments)`` down every path of its comparisons.

    Returns:
        One ``(conditions, decisions, result)`` per path.

    Raises:
        TraceError: If a path does something that can not be inlined, or there
            are more than a handful of paths.
    """
    paths: list[tuple[list[str], list[bool], Any]] = []
    pending: list[list[bool]] = [[]]
    with _TRACE_LOCK:
        while pending:
            script = pending.pop()
            _PATH.script, _PATH.taken = script, []
            try:
                result = function(*arguments)
            except TraceError:
                raise
            except (TypeError, AttributeError, ValueError, ArithmeticError) as error:
                raise TraceError(f"{function!r} is not traceable: {error}") from None
            finally:
                conditions = _PATH.taken
                _PATH.script = None
            decisions = script + [True] * (len(conditions) - len(script))
            paths.append((conditions, decisions, result))
            for k in range(len(script), len(conditions)):  # each new branch's other side
                pending.append([*decisions[:k], False])
            if len(paths) + len(pending) > _MAX_PATHS:
                raise TraceError(f"{function!r} has too many paths to inline")
    return paths


_TRACE_LOCK = threading.Lock()


def _combine(paths: list[tuple[list[str], list[bool], str]], depth: int = 0) -> str:
    """One conditional expression from the rendered paths (all agreeing on their prefixes)."""
    if len(paths) == 1:
        return paths[0][2]
    condition = paths[0][0][depth]
    if any(len(c) <= depth or c[depth] != condition for c, _, _ in paths):
        raise TraceError("paths disagree on their conditions")
    yes = [p for p in paths if p[1][depth]]
    no = [p for p in paths if not p[1][depth]]
    if not yes or not no:
        raise TraceError("a branch was not explored")
    left = _combine(yes, depth + 1)
    right = _combine(no, depth + 1)
    # NOTE: `a if c else b` binds loosest of all: parenthesize nested ones
    if " if " in left:
        left = f"({left})"
    return f"{left} if {condition} else {right}"


def _expression(paths: list[tuple[list[str], list[bool], Any]], pick: Callable[[Any], Any]) -> str:
    rendered = [(c, d, render(pick(result))) for c, d, result in paths]
    return _combine(rendered)


def _placeholders(op: Op, count: int) -> list[Source]:
    if op.arity == UNARY:
        return [Source("x")]
    if op.arity == BINARY:
        return [Source("a"), Source("b")]
    return [Source(f"_{k}_") for k in range(count)]


def _substituter(op: Op, operands: Sequence[str], out: str | None) -> Callable[[str], str]:
    """A function that puts the caller's operand expressions in place of the placeholders."""
    if op.arity == VARIADIC:
        names = [f"_{k}_" for k in range(len(operands))]
        out_name = "_out_"
    else:
        names = ["x"] if op.arity == UNARY else ["a", "b"]
        out_name = "out"
    table = {name: _atom(operand) for name, operand in zip(names, operands, strict=True)}
    if out is not None:
        table[out_name] = _atom(out)
    pattern = _pattern(tuple(table))

    def substitute(text: str) -> str:
        return pattern.sub(lambda match: table[match.group(1)], text)

    return substitute


@functools.lru_cache(maxsize=256)
def _pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"(?<![\w.])(" + "|".join(map(re.escape, names)) + r")(?!\w)")


def _atom(expression: str) -> str:
    """``expression``, parenthesized unless it is a name, an attribute, an index or a number."""
    if re.fullmatch(r"[A-Za-z_][\w]*(\.\w+|\[\d+\])*|\d+(\.\d*)?(e[+-]?\d+)?", expression):
        return expression
    return f"({expression})"


# Points at which a traced rule is checked against the rule itself, bit for bit.
_SAMPLES = (0.5, -1.5, 2.0, 0.0, -0.0, 3.25, -7.0, 1e-3, 1e300, -math.inf, math.nan)


def _same(x: Any, y: Any) -> bool:
    """Bitwise equality of two results, but for a nan's sign (0.0 and -0.0 differ).

    NOTE: the sign bit of a nan made by ``inf - inf`` depends on how the
    machine code was scheduled, not on the formula, so any two nans agree.
    """
    if type(x) is not type(y):
        return False
    if type(x) is float:
        if x != x:
            return bool(y != y)
        return bool(x == y and math.copysign(1.0, x) == math.copysign(1.0, y))
    return bool(x == y)


def _agrees(op: Op, templates: Sequence[str], local: bool, count: int) -> bool:
    """Whether the traced ``templates`` compute what ``op``'s own function computes.

    A rule that behaves differently on a stand-in than on a float (one that
    checks ``type(x) is float``, say) would otherwise be inlined wrongly; it
    is caught here on a spread of sample points and then called instead.
    """
    if op.arity == VARIADIC:
        names = [f"_{k}_" for k in range(count)]
    else:
        names = ["x"] if op.arity == UNARY else ["a", "b"]
    parameters = [*names, *(["_out_" if op.arity == VARIADIC else "out"] if local else [])]
    body = ", ".join(templates)
    namespace: dict[str, Any] = {"NAN": math.nan, "INF": math.inf}
    # Our own source, traced from the op table (never from user text).
    exec(f"def inlined({', '.join(parameters)}):\n    return [{body}]\n", namespace)
    inlined = namespace["inlined"]
    width = len(names)
    for shift in range(len(_SAMPLES)):
        point = [_SAMPLES[(shift + k) % len(_SAMPLES)] for k in range(width)]
        try:
            out = op.forward(point) if op.arity == VARIADIC else op.forward(*point)
            if local:
                if op.arity == VARIADIC:
                    expected = list(op.local_grads(point, out))
                elif op.arity == UNARY:
                    expected = [op.local_grads(*point, out)]
                else:
                    expected = list(op.local_grads(*point, out))
            else:
                expected = [out]
        except (ArithmeticError, ValueError, TypeError):
            continue  # outside the rule's domain for plain Python: nothing to compare
        try:
            got = inlined(*point, *([out] if local else []))
        except (ArithmeticError, ValueError, TypeError):
            return False
        if len(got) != len(expected) or not all(map(_same, got, expected)):
            return False
    return True


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
            arguments = (placeholders,) if op.arity == VARIADIC else tuple(placeholders)
            try:
                text = _expression(trace(op.forward, *arguments), lambda result: result)
            except TraceError:
                text = None
            if text is not None and not _agrees(op, [text], local=False, count=count):
                text = None
        op.derived[key] = text
    template = op.derived[key]
    return None if template is None else _substituter(op, operands, None)(template)


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
            if op.arity == UNARY:
                arguments: tuple[Any, ...] = (placeholders[0], result)
            elif op.arity == BINARY:
                arguments = (*placeholders, result)
            else:
                arguments = (placeholders, result)
            try:
                paths = trace(op.local_grads, *arguments)
                if op.arity == UNARY:
                    texts = (_expression(paths, lambda local: local),)
                else:
                    for _, _, locals_ in paths:
                        if not isinstance(locals_, (list, tuple)) or len(locals_) != count:
                            raise TraceError("wrong number of local derivatives")
                    texts = tuple(_expression(paths, itemgetter(k)) for k in range(count))
            except TraceError:
                texts = None
            if texts is not None and not _agrees(op, texts, local=True, count=count):
                texts = None
        op.derived[key] = texts
    templates = op.derived[key]
    if templates is None:
        return None
    substitute = _substituter(op, operands, out)
    return [substitute(text) for text in templates]
