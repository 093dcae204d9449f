"""Figures 1 and 2 of the source document: a naive-engine expression tree, a call tree.

The source document is *Tiny Machine Learner* (see README, "Where this comes
from"); its text describes its figures but does not include them, and these
functions redraw them.

Sits on :mod:`.drawing` only (a naive expression is read through its
``children()``/``a``/``b`` fields, never imported). :func:`draw_naive` is
figure 1, ``z = (x + 2) + y`` as the tree the naive engine walks;
:func:`draw_calls` is figure 2, the calls of the naive Fibonacci with the
work done twice in red.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType
from typing import Any

from .drawing import (
    CONSTANT_COLOR,
    HIGHLIGHT_COLOR,
    INPUT_COLOR,
    OP_COLOR,
    OUTPUT_COLOR,
    REPEAT_COLOR,
    REPEATED_COLOR,
    Drawing,
    natural_key,
)
from .ledger import number
from .render import Picture

__all__ = ["draw_calls", "draw_naive", "naive_fib"]

_NAIVE_LEGEND = (
    ("variable", INPUT_COLOR),
    ("constant", CONSTANT_COLOR),
    ("operation", OP_COLOR),
    ("root", OUTPUT_COLOR),
)
_CALLS_LEGEND = (
    ("repeated call", REPEATED_COLOR),
    ("inside a repeated call", REPEAT_COLOR),
)

_NAIVE_SYMBOLS = {
    "Add": "+",
    "Sub": "-",
    "Mul": "*",
    "Div": "/",
    "Pow": "**",
    "Square": "square",
    "Abs": "abs",
    "Tanh": "tanh",
    "Relu": "relu",
    "Exp": "exp",
    "Log": "log",
    "Neg": "-",
}


def _naive_children(node: Any) -> list[Any]:
    """The operand nodes of a naive-engine node, in order (``children()`` or ``a``, ``b``)."""
    children = getattr(node, "children", None)
    if callable(children):
        return list(children())
    found: list[Any] = []
    for attribute in ("a", "b"):
        child = getattr(node, attribute, None)
        if child is not None and callable(getattr(child, "value", None)):
            found.append(child)
    return found


def _naive_leaf(node: Any) -> float:
    """A leaf's number, read from its field so the naive visit counter is not touched."""
    stored = getattr(node, "v", None)
    return float(node.value() if stored is None else stored)


def draw_naive(
    expr: Any, *, rankdir: str = "TB", show_value: bool = False, max_nodes: int = 300
) -> Picture:
    """A naive-engine expression (``tinygrad_lite.naive``) drawn as a tree: figure 1.

    Unlike :func:`draw_graph`, this draws what the naive engine *walks*: a
    tree. A node reached twice (a shared ``Const`` or sub-expression) is drawn
    twice, because ``value()`` and ``grad(x)`` visit it twice. Variables are
    blue leaves (``x = 3``), constants grey leaves, operations ellipses; the
    root is gold. Arrows point from an operation to its operands, as the
    recursion goes.

    Args:
        expr: The root node (``Add(Add(x, Const(2)), y)``).
        rankdir: Graphviz layout direction; ``"TB"`` draws the root on top.
        show_value: Also write each operation's ``value()`` (these calls are
            counted by ``naive.visits()``).
        max_nodes: Refuse trees larger than this (a tree can be exponential
            in the size of the DAG it spells out).

    Raises:
        ValueError: If the tree has more than ``max_nodes`` nodes.
    """
    drawing = Drawing(rankdir, legend=_NAIVE_LEGEND)
    stack: list[tuple[Any, str | None]] = [(expr, None)]
    while stack:
        node, parent = stack.pop()
        if drawing.count >= max_nodes:
            raise ValueError(f"draw_naive(): the tree has more than max_nodes={max_nodes} nodes")
        name = drawing.new_name("t")
        kind = type(node).__name__
        children = _naive_children(node)
        if kind == "Var":
            label = getattr(node, "name", "") or "var"
            attrs = {
                "label": f"{label} = {number(_naive_leaf(node))}",
                "shape": "box",
                "style": "rounded,filled",
                "fillcolor": INPUT_COLOR,
            }
        elif not children:
            attrs = {
                "label": number(_naive_leaf(node)),
                "shape": "box",
                "style": "rounded,filled",
                "fillcolor": CONSTANT_COLOR,
            }
        else:
            symbol = _NAIVE_SYMBOLS.get(kind, kind)
            suffix = f"\n= {number(node.value())}" if show_value else ""
            attrs = {
                "label": f"{symbol}{suffix}",
                "shape": "ellipse",
                "style": "filled",
                "fillcolor": OUTPUT_COLOR if parent is None else OP_COLOR,
            }
        drawing.node(name, attrs)
        if parent is not None:
            drawing.edge(parent, name)
        for child in reversed(children):
            stack.append((child, name))
    return drawing.to_picture(name="naive")


def naive_fib(n: int) -> int:
    """The source document's ``fib1``: ``fib(n) = fib(n-1) + fib(n-2)``, exponential in ``n``."""
    if n < 2:
        return n
    return naive_fib(n - 1) + naive_fib(n - 2)


@dataclass
class _Call:
    label: str
    parent: int | None
    result: Any = None
    children: int = 0


def _trace_calls(fn: Callable[..., Any], args: tuple[Any, ...], max_calls: int) -> list[_Call]:
    """Run ``fn(*args)`` and record every call of ``fn`` itself (a profile hook)."""
    code = getattr(fn, "__code__", None)
    if code is None:
        raise TypeError(f"draw_calls() needs a Python function, got {type(fn).__name__}")
    calls: list[_Call] = []
    stack: list[int] = []
    name = getattr(fn, "__name__", "f")
    argument_names = code.co_varnames[: code.co_argcount]

    class TooManyCallsError(Exception):
        pass

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        if frame.f_code is not code:
            return
        if event == "call":
            if len(calls) >= max_calls:
                raise TooManyCallsError
            shown = ", ".join(repr(frame.f_locals.get(a)) for a in argument_names)
            calls.append(_Call(f"{name}({shown})", stack[-1] if stack else None))
            if stack:
                calls[stack[-1]].children += 1
            stack.append(len(calls) - 1)
        elif event == "return" and stack:
            calls[stack.pop()].result = arg

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        fn(*args)
    except TooManyCallsError:
        raise ValueError(
            f"draw_calls(): {name}{args!r} makes more than max_calls={max_calls} calls"
        ) from None
    finally:
        sys.setprofile(previous)
    return calls


def draw_calls(
    fn: Callable[..., Any] = naive_fib,
    n: Any = 4,
    *,
    rankdir: str = "TB",
    max_calls: int = 300,
) -> Picture:
    """The call tree of a recursive function: figure 2, naive ``fib(4)``.

    Each call is a node ``fib(k) = result``. A call with sub-calls that
    happens more than once (``fib(2)`` inside ``fib(4)``) is work done twice:
    it is filled red and outlined, and the calls beneath it are filled pink.
    That repetition is why asking each weight separately for ``df/dw``
    is slow, and why reverse accumulation computes each shared factor once.

    Args:
        fn: A Python function that calls itself by name (default: :func:`naive_fib`).
        n: Its argument.
        rankdir: Graphviz layout direction.
        max_calls: Refuse to run past this many calls.

    Raises:
        ValueError: If ``fn(n)`` makes more than ``max_calls`` calls.
    """
    calls = _trace_calls(fn, (n,), max_calls)
    seen: dict[str, int] = {}
    for call in calls:
        if call.children:
            seen[call.label] = seen.get(call.label, 0) + 1
    repeated = {label for label, times in seen.items() if times > 1}
    # A call inside a repeated call is repeated work too.
    inside: list[bool] = []
    for call in calls:
        parent_inside = call.parent is not None and (
            inside[call.parent] or calls[call.parent].label in repeated
        )
        inside.append(parent_inside)
    drawing = Drawing(rankdir, legend=_CALLS_LEGEND if repeated else ())
    for i, call in enumerate(calls):
        attrs = {"label": f"{call.label}\n= {call.result!r}", "shape": "box", "style": "rounded"}
        if call.label in repeated:
            attrs.update(style="rounded,filled", fillcolor=REPEATED_COLOR, color=HIGHLIGHT_COLOR)
            attrs["penwidth"] = "2.5"
        elif inside[i]:
            attrs.update(style="rounded,filled", fillcolor=REPEAT_COLOR)
        drawing.node(f"call{i}", attrs)
        if call.parent is not None:
            drawing.edge(f"call{call.parent}", f"call{i}")
    times: dict[str, int] = {}
    for call in calls:
        times[call.label] = times.get(call.label, 0) + 1
    # Every call made more than once is listed, leaves too (fib(1) and fib(0) of fib(4)).
    again = sorted((label for label, count in times.items() if count > 1), key=natural_key)
    if again:
        drawing.caption.append(
            "computed more than once: " + ", ".join(f"{label} ×{times[label]}" for label in again)
        )
    return drawing.to_picture(name="calls")
