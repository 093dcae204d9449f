"""The source document's first engine ("Beta"): trees differentiated one variable at a time.

The source document is *Tiny Machine Learner* (see README, "Where this comes
from"); this is the engine its Tiny Grader part builds before reverse
accumulation. Sits on :mod:`tinygrad_lite.engine` (only for
:func:`to_value`) and is kept for comparison, not for use: it shows what
reverse accumulation saves.

Every node has ``value()`` and ``grad(x)``, both plain recursion with no
caching, as the source document describes: ``Add(a, b).grad(x) =
a.grad(x) + b.grad(x)``, ``Mul(a, b).grad(x) = a.grad(x) * b.value() +
a.value() * b.grad(x)``, and so on. The full gradient needs one ``grad``
call per variable, and each call walks the whole tree again, re-evaluating
every shared factor (``value()`` of a subtree) as often as a path reaches
it: the source document's naive Fibonacci ``fib1``, against reverse mode's
``fib2``.
:func:`visits` counts every ``value()``/``grad()`` call so the benchmark can
show the cost.

Example:
    >>> x, y = Var(3.0, "x"), Var(4.0, "y")
    >>> z = x * y + 2
    >>> z.value(), z.grad(x), z.grad(y)
    (14.0, 4.0, 3.0)
    >>> x.set_value(2.0)
    >>> z.value()
    10.0
"""

from __future__ import annotations

import math

from .engine import Value
from .ops import ieee_div, ieee_pow

__all__ = [
    "Abs",
    "Add",
    "Const",
    "Div",
    "Expr",
    "Mul",
    "Pow",
    "Relu",
    "Square",
    "Sub",
    "Tanh",
    "Var",
    "gradient",
    "reset_visits",
    "to_value",
    "visits",
]

_visits = 0


def visits() -> int:
    """How many ``value()`` and ``grad()`` calls ran since :func:`reset_visits`."""
    return _visits


def reset_visits() -> None:
    """Set the visit counter to 0."""
    global _visits
    _visits = 0


def _wrap(x: Expr | float) -> Expr:
    if isinstance(x, Expr):
        return x
    if isinstance(x, (int, float)):
        return Const(float(x))
    raise TypeError(f"naive expressions accept Expr or real numbers, got {type(x).__name__}")


class Expr:
    """A node of a naive expression tree.

    Subclasses define ``_value()`` and ``_grad(x)``; the public methods count
    visits. Arithmetic operators build new nodes: ``x * y + 2`` is
    ``Add(Mul(x, y), Const(2.0))``.
    """

    def value(self) -> float:
        """The expression's value, recomputed from the leaves on every call."""
        global _visits
        _visits += 1
        return self._value()

    def grad(self, x: Var) -> float:
        """``d(self)/dx`` for one variable ``x``, by recursion over the whole tree."""
        global _visits
        _visits += 1
        return self._grad(x)

    def _value(self) -> float:
        raise NotImplementedError

    def _grad(self, x: Var) -> float:
        raise NotImplementedError

    def children(self) -> tuple[Expr, ...]:
        """The operands, in order (empty for a leaf)."""
        return ()

    def __add__(self, other: Expr | float) -> Expr:
        return Add(self, _wrap(other))

    def __radd__(self, other: float) -> Expr:
        return Add(_wrap(other), self)

    def __sub__(self, other: Expr | float) -> Expr:
        return Sub(self, _wrap(other))

    def __rsub__(self, other: float) -> Expr:
        return Sub(_wrap(other), self)

    def __mul__(self, other: Expr | float) -> Expr:
        return Mul(self, _wrap(other))

    def __rmul__(self, other: float) -> Expr:
        return Mul(_wrap(other), self)

    def __truediv__(self, other: Expr | float) -> Expr:
        return Div(self, _wrap(other))

    def __rtruediv__(self, other: float) -> Expr:
        return Div(_wrap(other), self)

    def __pow__(self, exponent: Expr | float) -> Expr:
        return Pow(self, _wrap(exponent))

    def __neg__(self) -> Expr:
        return Mul(Const(-1.0), self)

    def __abs__(self) -> Expr:
        return Abs(self)

    def square(self) -> Expr:
        """``self ** 2`` as a :class:`Square` node."""
        return Square(self)

    def tanh(self) -> Expr:
        """A :class:`Tanh` node."""
        return Tanh(self)

    def relu(self) -> Expr:
        """A :class:`Relu` node."""
        return Relu(self)


class Const(Expr):
    """A constant leaf: ``value() = v``, ``grad(x) = 0``."""

    def __init__(self, v: float) -> None:
        self.v = float(v)

    def _value(self) -> float:
        return self.v

    def _grad(self, x: Var) -> float:
        return 0.0

    def __repr__(self) -> str:
        return f"Const({self.v!r})"


class Var(Expr):
    """A variable leaf whose value can change: ``grad(x)`` is 1 if ``x`` is this Var, else 0."""

    def __init__(self, v: float, name: str = "") -> None:
        self.v = float(v)
        self.name = name

    def set_value(self, v: float) -> None:
        """Change the variable; the next ``value()`` of any tree holding it sees the new value."""
        self.v = float(v)

    def _value(self) -> float:
        return self.v

    def _grad(self, x: Var) -> float:
        return 1.0 if x is self else 0.0

    def __repr__(self) -> str:
        return f"Var({self.v!r}, {self.name!r})" if self.name else f"Var({self.v!r})"


class _Binary(Expr):
    symbol = "?"

    def __init__(self, a: Expr, b: Expr) -> None:
        self.a = a
        self.b = b

    def children(self) -> tuple[Expr, ...]:
        return (self.a, self.b)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.a!r}, {self.b!r})"


class _Unary(Expr):
    def __init__(self, a: Expr) -> None:
        self.a = a

    def children(self) -> tuple[Expr, ...]:
        return (self.a,)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.a!r})"


class Add(_Binary):
    """``a + b``; ``(a + b)' = a' + b'``."""

    def _value(self) -> float:
        return self.a.value() + self.b.value()

    def _grad(self, x: Var) -> float:
        return self.a.grad(x) + self.b.grad(x)


class Sub(_Binary):
    """``a - b``; ``(a - b)' = a' - b'``."""

    def _value(self) -> float:
        return self.a.value() - self.b.value()

    def _grad(self, x: Var) -> float:
        return self.a.grad(x) - self.b.grad(x)


class Mul(_Binary):
    """``a * b``; ``(a b)' = a' b + a b'``."""

    def _value(self) -> float:
        return self.a.value() * self.b.value()

    def _grad(self, x: Var) -> float:
        return self.a.grad(x) * self.b.value() + self.a.value() * self.b.grad(x)


class Div(_Binary):
    """``a / b``; ``(a / b)' = a' / b - (a / b) b' / b``."""

    def _value(self) -> float:
        return ieee_div(self.a.value(), self.b.value())

    def _grad(self, x: Var) -> float:
        b = self.b.value()
        quotient = ieee_div(self.a.value(), b)
        return ieee_div(self.a.grad(x), b) - ieee_div(quotient * self.b.grad(x), b)


class Pow(_Binary):
    """``a ** b``; ``(a^b)' = b a^(b-1) a' + a^b log(a) b'``.

    When the exponent is a :class:`Const` the second term is skipped (it is
    0, and ``log(a)`` may not exist), as the Value engine does for a number
    exponent.
    """

    def _value(self) -> float:
        return ieee_pow(self.a.value(), self.b.value())

    def _grad(self, x: Var) -> float:
        a = self.a.value()
        b = self.b.value()
        # NOTE: d(a**0)/da = 0 everywhere, as in the Value engine.
        base = 0.0 if b == 0.0 else b * ieee_pow(a, b - 1.0) * self.a.grad(x)
        if isinstance(self.b, Const) or a == 0.0:
            return base
        log_a = math.log(a) if a > 0.0 else math.nan  # no real log of a negative base
        return base + ieee_pow(a, b) * log_a * self.b.grad(x)


class Square(_Unary):
    """``a ** 2``; ``(a^2)' = 2 a a'``."""

    def _value(self) -> float:
        a = self.a.value()
        return a * a

    def _grad(self, x: Var) -> float:
        return 2.0 * self.a.value() * self.a.grad(x)


class Abs(_Unary):
    """``|a|``; ``|a|' = sign(a) a'`` with ``sign(0) = 0``."""

    def _value(self) -> float:
        return abs(self.a.value())

    def _grad(self, x: Var) -> float:
        a = self.a.value()
        sign = 1.0 if a > 0 else (-1.0 if a < 0 else 0.0)
        return sign * self.a.grad(x)


class Tanh(_Unary):
    """``tanh(a)``; ``tanh(a)' = (1 - tanh(a)^2) a'``."""

    def _value(self) -> float:
        return math.tanh(self.a.value())

    def _grad(self, x: Var) -> float:
        t = math.tanh(self.a.value())
        return (1.0 - t * t) * self.a.grad(x)


class Relu(_Unary):
    """``max(0, a)``; ``relu(a)' = a'`` for ``a > 0``, else 0."""

    def _value(self) -> float:
        a = self.a.value()
        return 0.0 if a <= 0 else a  # nan stays nan, as in the Value engine

    def _grad(self, x: Var) -> float:
        return self.a.grad(x) if self.a.value() > 0 else 0.0


def gradient(expr: Expr, variables: list[Var]) -> list[float]:
    """``[d expr/d v for v in variables]``: one full tree walk per variable."""
    return [expr.grad(v) for v in variables]


def to_value(expr: Expr, variables: dict[Var, Value] | None = None) -> Value:
    """The same expression as a :class:`~tinygrad_lite.engine.Value` graph.

    Each :class:`Var` becomes one leaf Value (the same one wherever the Var
    appears); a subtree shared by several parents is converted once, so the
    graph has the tree's sharing. A :class:`Const` exponent of :class:`Pow`
    stays a plain number, so its gradient is never asked for.

    Args:
        expr: The naive expression.
        variables: A dict to fill (or pre-fill) with the Value for each Var.
    """
    leaves: dict[Var, Value] = {} if variables is None else variables
    done: dict[int, Value | float] = {}
    # Iterative post-order walk, so deep trees do not hit the recursion limit.
    stack: list[tuple[Expr, bool]] = [(expr, False)]
    while stack:
        node, expanded = stack.pop()
        if id(node) in done:
            continue
        if not expanded:
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(node.children()))
            continue
        done[id(node)] = _convert(node, leaves, done)
    result = done[id(expr)]
    return result if isinstance(result, Value) else Value(result)


def _convert(node: Expr, leaves: dict[Var, Value], done: dict[int, Value | float]) -> Value | float:
    if isinstance(node, Var):
        if node not in leaves:
            leaves[node] = Value(node.v, node.name)
        return leaves[node]
    if isinstance(node, Const):
        return node.v
    if isinstance(node, _Unary):
        a = done[id(node.a)]
        if not isinstance(a, Value):
            a = Value(a)
        if isinstance(node, Square):
            return a * a
        if isinstance(node, Abs):
            return abs(a)
        if isinstance(node, Tanh):
            return a.tanh()
        return a.relu()
    assert isinstance(node, _Binary)
    left, right = done[id(node.a)], done[id(node.b)]
    if not isinstance(left, Value) and not isinstance(right, Value):
        left = Value(left)  # two constants: keep a node so the result is a Value
    if isinstance(node, Add):
        return left + right
    if isinstance(node, Sub):
        return left - right
    if isinstance(node, Mul):
        return left * right
    if isinstance(node, Div):
        return left / right
    return left**right
