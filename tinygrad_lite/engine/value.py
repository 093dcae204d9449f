"""The Value: a number that remembers how it was computed.

Every operation on Values makes a new node that records its op (an entry of
the op table, :mod:`tinygrad_lite.ops`) and its operands, so an expression
becomes a graph. ``backward()`` walks that graph from the output back to
the leaves and applies the chain rule (:mod:`.backward`).

A node is one object with ``__slots__``: its number, its gradient, a label,
the op that made it, its operands in two slots (``_a``, ``_b``; an n-ary op
keeps a tuple in ``_a``) and a mark for the sort. It holds no closure and no
set of children, so a graph has no reference cycle and is freed the moment
its output is dropped. :func:`_born` is the one place nodes are born.

How a Value behaves as a Python number (``float(v)``, comparisons, ``repr``)
is in :mod:`.protocols`; the methods of the other ops are generated from
their entries (:mod:`.methods`).
"""

from __future__ import annotations

from typing import Any, SupportsFloat

from .. import modes
from ..modes import SWITCHED
from ..ops import BINARY, OPS, VARIADIC, Op
from .backward import backward, topological_order
from .checks import check_anomaly
from .coerce import is_array, operand_number
from .coerce import number as _number
from .higher_order import backward_graph
from .methods import MathMethods, install
from .protocols import NumberProtocol, over_array, seed_number, to_float

__all__ = ["CONSTANT", "Value"]

_ADD, _SUB, _MUL, _DIV, _POW, _NEG = (OPS[n] for n in ("add", "sub", "mul", "div", "pow", "neg"))
_ABS, _RELU, _TANH, _EXP, _LOG = (OPS[n] for n in ("abs", "relu", "tanh", "exp", "log"))

CONSTANT = "constant"
"""The marker in ``_a`` of a leaf that arithmetic made from a plain number (the 2 in ``2*x``)."""

_new = object.__new__


def _born(op: Op | None, data: float, a: Any, b: Any) -> Value:
    """A new node: the one place nodes are born (a leaf has ``op`` None)."""
    node: Value = _new(Value)
    node._data = data
    node.grad = 0.0
    node.label = ""
    node._op = op
    node._a = a
    node._b = b
    node._mark = None
    return node


def _record(op: Op, data: float, a: Any, b: Any) -> Value:
    """The node of ``op``'s result ``data`` over the operands ``a`` and ``b``."""
    if SWITCHED:  # some thread is in no_grad or detect_anomaly: maybe this one
        mode = modes.current()
        if mode.anomaly:
            operands = _operands(op, a, b)
            check_anomaly(op, data, [x._data if type(x) is Value else x for x in operands])  # type: ignore[misc]
        if not mode.recording:
            return _born(None, data, None, None)  # nothing is recorded: a plain leaf
    return _born(op, data, a, b)


def _constant(x: Any) -> Value | None:
    """A plain number lifted to a constant leaf; None when ``x`` is not a real number."""
    data = x if type(x) is float else _number(x)
    return None if data is None else _born(None, data, CONSTANT, None)


def _apply_right(op: Op, x: Value, other: Any) -> Value:
    """``x op other`` for a Value ``x`` and a Value or plain number ``other``."""
    if type(other) is Value:
        return _record(op, op.forward(x._data, other._data), x, other)
    # NOTE: a plain number (the 2 in x * 2) sits in the operand slot as a float,
    # not as a node of its own: one object per op, and no gradient to compute.
    c = other if type(other) is float else _number(other)
    if c is None:
        if is_array(other):
            return over_array(op, x, other, True, _apply_right, _apply_left)  # type: ignore[no-any-return]
        return NotImplemented  # type: ignore[no-any-return]
    return _record(op, op.forward(x._data, c), x, c)


def _apply_left(op: Op, other: Any, x: Value) -> Value:
    """``other op x`` for a plain number ``other`` (Python's reflected operators)."""
    c = other if type(other) is float else _number(other)
    if c is None:
        if is_array(other):
            return over_array(op, x, other, False, _apply_right, _apply_left)  # type: ignore[no-any-return]
        return NotImplemented  # type: ignore[no-any-return]
    return _record(op, op.forward(c, x._data), c, x)


def _operands(op: Op | None, a: Any, b: Any) -> tuple[Value | float, ...]:
    if op is None:
        return ()
    if op.arity == BINARY:
        return (a, b)
    return tuple(a) if op.arity == VARIADIC else (a,)


class Value(MathMethods, NumberProtocol):
    """A scalar that remembers how it was computed, so it can be differentiated.

    Args:
        data: The number, stored as a float; accepted are int, float, bool,
            ``Fraction``, ``Decimal`` and numpy real scalars.
        label: An optional name, shown by ``repr`` and the graph drawer.

    Attributes:
        data: The number, a float.
        grad: ``d(output)/d(self)`` after ``output.backward()``; 0.0 at birth.
            After ``backward(create_graph=True)`` it is itself a ``Value``.
        label: The name given at construction ("" by default).

    Example:
        >>> x = Value(3.0, "x")
        >>> y = x * x + 2 * x
        >>> y.backward()
        >>> x.grad  # dy/dx = 2x + 2
        8.0
    """

    __slots__ = ("_a", "_b", "_data", "_mark", "_op", "grad", "label")

    # Let numpy defer to Value's reflected operators (np.float64(2) * v, array * v).
    __array_ufunc__ = None

    _op: Op | None
    _a: Any
    _b: Any
    _mark: object

    def __new__(cls, data: SupportsFloat, label: str = "") -> Value:
        if type(label) is not str:
            raise TypeError(f"Value label must be a str, got {type(label).__name__}: {label!r}")
        leaf = _born(None, data if type(data) is float else to_float(data), None, None)
        leaf.label = label
        return leaf

    # -- what the node is -------------------------------------------------

    @property
    def op(self) -> str:
        """The name of the op that made this node ("" for a leaf)."""
        return "" if self._op is None else self._op.name

    @property
    def op_def(self) -> Op | None:
        """The op table entry that made this node (None for a leaf)."""
        return self._op

    @property
    def operands(self) -> tuple[Value | float, ...]:
        """The op's inputs in order, plain numbers included (``x ** 3``: ``(x, 3.0)``)."""
        return _operands(self._op, self._a, self._b)

    @property
    def parents(self) -> tuple[Value, ...]:
        """The op's Value inputs, in order; a repeated input appears twice (``a * a``)."""
        return tuple(x for x in self.operands if type(x) is Value)

    @property
    def is_leaf(self) -> bool:
        """True for a Value the user made (or a constant): it has no parents."""
        return self._op is None

    @property
    def is_constant(self) -> bool:
        """True for a leaf that arithmetic made from a plain number (the 2 in ``2*x``)."""
        return self._op is None and self._a is CONSTANT

    # -- arithmetic: each operator records its op's node --------------------

    def __add__(self, other: Value | float) -> Value:
        return _apply_right(_ADD, self, other)

    def __radd__(self, other: float) -> Value:
        return _apply_left(_ADD, other, self)

    def __sub__(self, other: Value | float) -> Value:
        return _apply_right(_SUB, self, other)

    def __rsub__(self, other: float) -> Value:
        return _apply_left(_SUB, other, self)

    def __mul__(self, other: Value | float) -> Value:
        return _apply_right(_MUL, self, other)

    def __rmul__(self, other: float) -> Value:
        return _apply_left(_MUL, other, self)

    def __truediv__(self, other: Value | float) -> Value:
        return _apply_right(_DIV, self, other)

    def __rtruediv__(self, other: float) -> Value:
        return _apply_left(_DIV, other, self)

    def __pow__(self, exponent: Value | float) -> Value:
        return _apply_right(_POW, self, exponent)

    def __rpow__(self, base: float) -> Value:
        return _apply_left(_POW, base, self)

    def __neg__(self) -> Value:
        return _record(_NEG, _NEG.forward(self._data), self, None)

    def __pos__(self) -> Value:
        return self

    def __abs__(self) -> Value:
        return _record(_ABS, _ABS.forward(self._data), self, None)

    def relu(self) -> Value:
        """``max(0, x)``; its derivative at 0 is 0."""
        return _record(_RELU, _RELU.forward(self._data), self, None)

    def tanh(self) -> Value:
        """Hyperbolic tangent; ``d tanh(x)/dx = 1 - tanh(x)**2``."""
        return _record(_TANH, _TANH.forward(self._data), self, None)

    def exp(self) -> Value:
        """``e**x`` (``inf`` past about 709.78)."""
        return _record(_EXP, _EXP.forward(self._data), self, None)

    def log(self) -> Value:
        """Natural logarithm: ``log(0) = -inf``, ``log(x < 0) = nan``."""
        return _record(_LOG, _LOG.forward(self._data), self, None)

    # The hooks the generated methods call (engine/methods.py).

    def _unary(self, op: Op) -> Value:
        return _record(op, op.forward(self._data), self, None)

    def _method(self, op: Op, other: Any) -> Value:
        result = _apply_right(op, self, other)
        if result is NotImplemented:
            operand_number(op.name, other)  # raises, naming the operand
        return result

    def _right(self, op: Op, other: Any) -> Value:
        return _apply_right(op, self, other)

    def _left(self, op: Op, other: Any) -> Value:
        return _apply_left(op, other, self)

    # -- gradients --------------------------------------------------------

    def backward(
        self,
        grad: float | Value = 1.0,
        *,
        retain_graph: bool | None = None,
        create_graph: bool = False,
    ) -> None:
        """Fill in ``.grad`` of every node this one depends on, by reverse accumulation.

        As in PyTorch, leaves (Values you made) *accumulate* across calls, so
        zero them between steps (an optimizer's ``zero_grad``); a leaf
        gradient of ``None`` counts as zero. Every other node's ``.grad`` is
        reset first: it shows ``d(self)/d(node)`` for this call alone.
        Threads may run backward at once over graphs that share nodes: the
        calls take turns, and no contribution is lost.

        Args:
            grad: The seed ``d(final)/d(self)``, 1.0 for a loss: a real number,
                or a Value (its number; with ``create_graph=True``, the Value
                itself, so the seed is differentiated too).
            retain_graph: Accepted for PyTorch compatibility and ignored: a
                graph here is plain data, never freed by backward.
            create_graph: Gradients become Values with a graph of their own,
                so they can be differentiated again (``x.grad.backward()``
                then gives a second derivative).
        """
        del retain_graph  # NOTE: nothing to retain; see the docstring
        if create_graph:
            backward_graph(self, grad if type(grad) is Value else seed_number(grad))
        else:
            backward(self, seed_number(grad))

    def zero_grad(self, set_to_none: bool = False) -> None:
        """Set ``.grad`` to 0.0 (or None) on this node and on every node it depends on."""
        empty: Any = None if set_to_none else 0.0
        for node in topological_order(self):
            node.grad = empty

    def detach(self) -> Value:
        """A new leaf with the same data and label, cut from the graph."""
        return Value(self._data, self.label)


install(Value)  # a method for every other op of the table (engine/methods.py)
