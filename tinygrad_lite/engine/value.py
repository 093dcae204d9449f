"""The :class:`Value` node: how it is born, its arithmetic, and its Python protocols.

Sits on the op table, :mod:`.walk` (its ``backward``), :mod:`.checks` and
:mod:`.coerce`; :mod:`.methods` gives it the rest of the op set. This module
is the one place where nodes are born (:func:`_record`, :func:`_constant`,
:func:`_nary`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from operator import attrgetter
from typing import TYPE_CHECKING, Any, ClassVar, SupportsFloat

from .. import modes
from ..inline import MAX_UNROLLED, forward_source
from ..kernels import accumulate_into_none
from ..modes import SWITCHED
from ..ops import BINARY, OPS, UNARY, VARIADIC, Op
from ..ops.generic import set_value_apply
from . import persist
from .checks import check_anomaly, data_read
from .coerce import ACCEPTED, is_array, map_array, real_to_float
from .coerce import number as _number
from .methods import MathMethods
from .walk import (
    GRAPH_LOCK,
    accumulate_graph,
    backpropagate,
    backpropagate_graph,
    backward_order,
    topological_order,
)

__all__ = ["Value", "apply_op"]

_ABS = OPS["abs"]
_ADD = OPS["add"]
_COS = OPS["cos"]
_DIV = OPS["div"]
_EXP = OPS["exp"]
_LOG = OPS["log"]
_MUL = OPS["mul"]
_NEG = OPS["neg"]
_POW = OPS["pow"]
_RELU = OPS["relu"]
_SIGMOID = OPS["sigmoid"]
_SIN = OPS["sin"]
_SQRT = OPS["sqrt"]
_SUB = OPS["sub"]
_TANH = OPS["tanh"]

# A leaf that arithmetic made from a plain number (the 2 in ``2 * x``) keeps
# this marker in its first parent slot, so the drawer can tell it is a constant.
_CONSTANT = "constant"


def _to_float(x: Any, what: str = "Value()") -> float:
    if type(x) is float:
        return x
    number = real_to_float(x)
    if number is not None:
        return number
    if isinstance(x, Value):
        raise TypeError(
            f"{what} got a Value; use v.data for its number or v.detach() for a new leaf"
        )
    raise TypeError(f"{what} accepts a real number ({ACCEPTED}), got {type(x).__name__}: {x!r}")


_new = object.__new__
# NOTE: the number lives in the slot ``_data``, which the engine reads and
# writes directly; ``Value.data`` is a property over it whose getter is this
# C-level attrgetter (a read costs a few ns more than a slot's) and whose
# setter checks what the user assigns.
_data_of = attrgetter("_data")


def _set_data(node: Value, number: Any) -> None:
    """``v.data = number``: checked before it is stored, so a bad number never lands."""
    node._data = number if type(number) is float else _to_float(number, "Value.data")


def _constant(x: Any) -> Value | None:
    """Lift a plain number to a constant leaf; None when ``x`` is not a real number."""
    data = x if type(x) is float else _number(x)
    if data is None:
        return None
    node: Value = _new(Value)
    node._data = data
    node.grad = 0.0
    node.label = ""
    node._op = None
    node._a = _CONSTANT
    node._b = None
    node._mark = None
    return node


def _record(op: Op, data: float, a: Any, b: Any) -> Value:
    """Make the node for ``op``'s result; the only place nodes are born."""
    if SWITCHED:  # some thread is in no_grad or detect_anomaly: maybe this one
        mode = modes.current()
        if mode.anomaly:
            operands = _operands(op, a, b)
            check_anomaly(op, data, [x._data if type(x) is Value else x for x in operands])  # type: ignore[misc]
        if not mode.recording:
            return Value(data)
    node: Value = _new(Value)
    node._data = data
    node.grad = 0.0
    node.label = ""
    node._op = op
    node._a = a
    node._b = b
    node._mark = None
    return node


def _apply_right(op: Op, x: Value, other: Any) -> Value:
    """``x op other`` for a Value ``x`` and a Value or plain number ``other``."""
    if type(other) is Value:
        return _record(op, op.forward(x._data, other._data), x, other)
    c = other if type(other) is float else _number(other)
    if c is None:
        if is_array(other):
            return _over_array(op, x, other, value_first=True)  # type: ignore[no-any-return]
        return NotImplemented  # type: ignore[no-any-return]
    return _record(op, op.forward(x._data, c), x, c)


def _apply_left(op: Op, other: Any, x: Value) -> Value:
    """``other op x`` for a plain number ``other`` (Python's reflected operators)."""
    c = other if type(other) is float else _number(other)
    if c is None:
        if is_array(other):
            return _over_array(op, x, other, value_first=False)  # type: ignore[no-any-return]
        return NotImplemented  # type: ignore[no-any-return]
    return _record(op, op.forward(c, x._data), c, x)


def _over_array(op: Op, x: Value, array: Any, value_first: bool) -> Any:
    """``x op array`` (or ``array op x``) entry by entry: an object array of Values.

    NOTE: Value sets ``__array_ufunc__ = None``, so numpy hands both orders
    (``v * a`` and ``a * v``) to Value's operators, which land here.
    """

    def entry(number: Any) -> Value:
        if value_first or type(number) is Value:  # an entry of an object array of Values
            result = _apply_right(op, x, number) if value_first else _apply_right(op, number, x)
        else:
            result = _apply_left(op, number, x)
        if result is NotImplemented:
            raise TypeError(
                f"{op.name} of a Value and an array: every entry must be a real number "
                f"or a Value, got {type(number).__name__}: {number!r}"
            )
        return result

    return map_array(entry, array)


def apply_op(op: Op, *operands: Any) -> Any:
    """Any op of the table on Values or plain numbers: the one generic entry point.

    The Value methods and operators are the fast paths for the built-in ops;
    this serves everything else (``tinygrad_lite.math``, user-defined ops,
    rules that mix a Value and a number).

    Returns:
        A node when some operand is a Value; otherwise the op's forward on the
        numbers, a float.

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
        return op.forward(_operand_number(op, x))
    if arity == BINARY and count == 2:
        a, b = operands
        if type(a) is Value:
            result = _apply_right(op, a, b)
        elif type(b) is Value:
            result = _apply_left(op, a, b)
        else:
            return op.forward(_operand_number(op, a), _operand_number(op, b))
        if result is NotImplemented:
            _operand_number(op, b if type(a) is Value else a)  # raises, naming it
        return result
    if arity == VARIADIC and count:
        if any(type(x) is Value for x in operands):
            return _nary(op, operands, f"{op.name}()")
        return op.forward([_operand_number(op, x) for x in operands])
    wanted = {UNARY: "1 operand", BINARY: "2 operands"}.get(arity, "at least 1 operand")
    raise TypeError(f"{op.name}() takes {wanted}, got {count}")


def _operand_number(op: Op, x: Any) -> float:
    number = x if type(x) is float else _number(x)
    if number is None:
        raise TypeError(
            f"{op.name}() accepts Values and real numbers ({ACCEPTED}), "
            f"got {type(x).__name__}: {x!r}"
        )
    return number


def _operands(op: Op | None, a: Any, b: Any) -> tuple[Value | float, ...]:
    if op is None:
        return ()
    arity = op.arity
    if arity == BINARY:
        return (a, b)
    if arity == VARIADIC:
        return tuple(a)
    return (a,)


def _parents(op: Op | None, a: Any, b: Any) -> tuple[Value, ...]:
    return tuple(x for x in _operands(op, a, b) if type(x) is Value)


class Value(MathMethods):
    """A scalar that remembers how it was computed, so it can be differentiated.

    Args:
        data: The number. Stored as a Python float; accepted are int, float,
            bool, ``Fraction``, ``Decimal`` and numpy real scalars.
        label: An optional name, shown by ``repr`` and the graph drawer.

    Attributes:
        data: The value, always a float.
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

    # Let numpy scalars defer to Value's reflected operators (np.float64(2) * v).
    __array_ufunc__ = None

    _data: float
    grad: float
    label: str
    _op: Op | None
    _a: Any
    _b: Any
    _mark: object

    def __init__(self, data: SupportsFloat, label: str = "") -> None:
        if type(label) is not str:
            raise TypeError(f"Value label must be a str, got {type(label).__name__}: {label!r}")
        self._data = data if type(data) is float else _to_float(data)
        self.grad = 0.0
        self.label = label
        self._op = None
        self._a = None
        self._b = None
        self._mark = None

    if TYPE_CHECKING:

        @property
        def data(self) -> float:
            """The number, a float."""

        @data.setter
        def data(self, number: SupportsFloat) -> None: ...

    else:
        data = property(
            _data_of,
            _set_data,
            doc="The number, a float; an assigned real number is stored as its float.",
        )

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
    def parents(self) -> tuple[Value, ...]:
        """The op's inputs, in order; a repeated input appears twice (``a * a``)."""
        return _parents(self._op, self._a, self._b)

    @property
    def operands(self) -> tuple[Value | float, ...]:
        """The op's inputs in order, plain numbers included (``x ** 3``: ``(x, 3.0)``)."""
        return _operands(self._op, self._a, self._b)

    @property
    def is_leaf(self) -> bool:
        """True for a Value the user made (or a constant): it has no parents."""
        return self._op is None

    @property
    def is_constant(self) -> bool:
        """True for a leaf that arithmetic made from a plain number (the 2 in ``2*x``)."""
        return self._op is None and self._a is _CONSTANT

    # -- arithmetic -------------------------------------------------------
    # NOTE: a plain number operand (the 2 in ``2 * x``) is stored in the
    # node's operand slot as a float, not as a node of its own: one object
    # per op instead of two, and no gradient is computed for it.

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

    # -- the hooks of MathMethods: one op applied to this Value -------------

    def _unary(self, op: Op) -> Value:
        return _record(op, op.forward(self._data), self, None)

    def _method(self, op: Op, other: Any) -> Value:
        return _binary_method(op, self, other)

    def _right(self, op: Op, other: Any) -> Value:
        return _apply_right(op, self, other)

    def _left(self, op: Op, other: Any) -> Value:
        return _apply_left(op, other, self)

    def _nary_method(self, op: Op, *others: Any) -> Value:
        return apply_op(op, self, *others)  # type: ignore[no-any-return]

    def __abs__(self) -> Value:
        return _record(_ABS, _ABS.forward(self._data), self, None)

    def relu(self) -> Value:
        """``max(0, x)``; its derivative at 0 is 0."""
        return _record(_RELU, _RELU.forward(self._data), self, None)

    def tanh(self) -> Value:
        """Hyperbolic tangent; ``d tanh(x)/dx = 1 - tanh(x)**2``."""
        return _record(_TANH, _TANH.forward(self._data), self, None)

    def sigmoid(self) -> Value:
        """Logistic ``1 / (1 + exp(-x))``, exact 0 and 1 far out; ``s' = s(1 - s)``."""
        return _record(_SIGMOID, _SIGMOID.forward(self._data), self, None)

    def exp(self) -> Value:
        """``e**x`` (``inf`` past about 709.78)."""
        return _record(_EXP, _EXP.forward(self._data), self, None)

    def log(self) -> Value:
        """Natural logarithm: ``log(0) = -inf``, ``log(x < 0) = nan``."""
        return _record(_LOG, _LOG.forward(self._data), self, None)

    def sqrt(self) -> Value:
        """Square root: ``sqrt(x < 0) = nan``; its derivative at 0 is ``inf``."""
        return _record(_SQRT, _SQRT.forward(self._data), self, None)

    def sin(self) -> Value:
        """Sine; ``d sin(x)/dx = cos(x)``."""
        return _record(_SIN, _SIN.forward(self._data), self, None)

    def cos(self) -> Value:
        """Cosine; ``d cos(x)/dx = -sin(x)``."""
        return _record(_COS, _COS.forward(self._data), self, None)

    # -- gradients --------------------------------------------------------

    def backward(
        self,
        grad: float | Value = 1.0,
        *,
        retain_graph: bool | None = None,
        create_graph: bool = False,
    ) -> None:
        """Fill in ``.grad`` of every node this one depends on, by reverse accumulation.

        Semantics, as in PyTorch: leaves (Values you made) *accumulate* across
        calls, so zero them between steps (an optimizer's ``zero_grad``); a
        leaf gradient of ``None`` counts as zero. Every intermediate node's
        ``.grad`` is reset first, so it shows ``d(self)/d(node)`` for this
        call alone. Threads may run backward at the same time over graphs
        that share nodes: the calls take turns, and no contribution is lost.

        Args:
            grad: The seed ``d(final)/d(self)``, 1.0 for a loss: a real number,
                or a Value (its number; with ``create_graph=True``, the Value
                itself, so the seed is differentiated too).
            retain_graph: Accepted for PyTorch compatibility and ignored: a
                graph here is plain data that is never freed by backward, so
                it can always be walked again.
            create_graph: When true, gradients are themselves Values with a
                graph of their own, so they can be differentiated again
                (``x.grad.backward()`` then gives a second derivative). They
                accumulate like float gradients: a Value gradient plus a
                later contribution is a Value.
        """
        del retain_graph  # NOTE: nothing to retain; see the docstring
        seed: Any = grad if create_graph and type(grad) is Value else _seed_number(grad)
        with GRAPH_LOCK:
            order = backward_order(self)
            if create_graph:
                accumulate_graph(self, seed)
                backpropagate_graph(order)
                return
            try:
                self.grad += seed
            except TypeError:
                accumulate_into_none(self, seed)
            backpropagate(order)

    def zero_grad(self, set_to_none: bool = False) -> None:
        """Set ``.grad`` to 0.0 (or None) on this node and on every node it depends on."""
        empty: Any = None if set_to_none else 0.0
        for node in topological_order(self):
            node.grad = empty

    def detach(self) -> Value:
        """A new leaf with the same data and label, cut from the graph."""
        return Value(self._data, self.label)

    # -- Python number protocol -------------------------------------------

    # NOTE: float(), int(), complex() and an index always ask data_read: outside
    # no_grad they warn GradientLostWarning. The library itself reads .data.

    def __float__(self) -> float:
        data_read(self, "float")
        return self._data

    def __int__(self) -> int:
        data_read(self, "int")
        return int(self._data)

    def __complex__(self) -> complex:
        data_read(self, "complex")
        return complex(self._data)

    def __index__(self) -> int:
        """A Value holding an integer works as an index or a count (``range(v)``)."""
        data = self._data
        if not data.is_integer():
            raise TypeError(
                f"a Value used as an index or a count must hold an integer, got {data!r}; "
                "read it on purpose first: int(v.item()) or round(v.item())"
            )
        data_read(self, "index")
        return int(data)

    def __bool__(self) -> bool:
        if SWITCHED:
            data_read(self, "bool")
        return bool(self._data)

    def item(self) -> float:
        """The number as a plain float, on purpose (as torch's ``item()``): it never warns."""
        return self._data

    def __format__(self, spec: str) -> str:
        return format(self._data, spec) if spec else repr(self)

    def __lt__(self, other: Value | float) -> bool:
        if SWITCHED:
            data_read(self, "compare")
        number = _compare_operand(other)
        return NotImplemented if number is None else self._data < number

    def __le__(self, other: Value | float) -> bool:
        if SWITCHED:
            data_read(self, "compare")
        number = _compare_operand(other)
        return NotImplemented if number is None else self._data <= number

    def __gt__(self, other: Value | float) -> bool:
        if SWITCHED:
            data_read(self, "compare")
        number = _compare_operand(other)
        return NotImplemented if number is None else self._data > number

    def __ge__(self, other: Value | float) -> bool:
        if SWITCHED:
            data_read(self, "compare")
        number = _compare_operand(other)
        return NotImplemented if number is None else self._data >= number

    # Notebook display. The drawer sits above the engine and registers its
    # renderer here on import, so the engine never imports it.
    _svg_renderer: ClassVar[Callable[[Value], str | None] | None] = None

    def _repr_svg_(self) -> str | None:
        """Jupyter shows a Value as a picture of its graph (when graphviz is there)."""
        renderer = Value._svg_renderer
        return None if renderer is None else renderer(self)

    # NOTE: == and hash stay those of object (identity), so Values can be dict
    # keys and graph bookkeeping never confuses two nodes that hold equal data.
    __eq__ = object.__eq__
    __hash__ = object.__hash__

    def __repr__(self) -> str:
        parts = [repr(self._data), f"grad={self.grad!r}"]
        if self.label:
            parts.append(f"label={self.label!r}")
        if self._op is not None:
            parts.append(f"op={self._op.name!r}")
        return f"Value({', '.join(parts)})"

    # -- copying and pickling (engine/persist.py): flat, so any depth works --

    def __reduce__(self) -> tuple[Any, ...]:
        return persist.reduce_value(self)

    def __setstate__(self, graph_grads: list[tuple[int, Value]]) -> None:
        """Unpickling: put back the Value gradients, by position in topological order."""
        persist.set_graph_grads(self, graph_grads)

    def __deepcopy__(self, memo: dict[int, Any]) -> Value:
        return persist.deep_copy(self, memo)


def _seed_number(grad: Any) -> float:
    """backward's seed as a float (a Value seed gives its number), or backward's TypeError."""
    if type(grad) is Value:
        data: float = grad._data
        return data
    try:
        return _to_float(grad, "backward()")
    except TypeError as error:
        if isinstance(grad, (list, tuple)) or is_array(grad):
            raise TypeError(
                f"{error}; a Value is one number, so its seed is one number too: for "
                "several outputs, call backward() on their sum, total(outputs).backward()"
            ) from None
        raise


def _binary_method(op: Op, x: Value, other: Any) -> Value:
    """A method's ``x.op(other)``: like an operator, but a bad operand is a TypeError."""
    result = _apply_right(op, x, other)
    if result is NotImplemented:
        _operand_number(op, other)  # raises, naming the operand
    return result


def _compare_operand(other: Any) -> float | None:
    if type(other) is Value:
        data: float = other._data
        return data
    if type(other) is float:
        return other
    return real_to_float(other)


# ---------------------------------------------------------------------------
# n-ary ops: one node for a whole sum, as the scalar expansion would give.


_ALL_VALUES = {Value}

# Per n-ary op and operand count (cached in op.derived): straight-line code
# that checks every operand is a Value and computes the op's forward from
# their data, or returns None (see _nary).
_NaryForward = Callable[[tuple[Any, ...]], "float | None"]


def _nary_forward(op: Op, count: int) -> _NaryForward:
    """Generate ``op``'s checked forward for ``count`` operands from its rule."""
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
    namespace: dict[str, Any] = {"Value": Value, "ALL_VALUES": _ALL_VALUES, "NAN": math.nan}
    namespace["INF"] = math.inf
    namespace["op_forward"] = op.forward
    # Our own source, generated from the op table only (never from user text).
    exec(compile("\n".join(lines) + "\n", f"<tinygrad_lite.engine:{op.name}>", "exec"), namespace)
    forward: _NaryForward = namespace["forward"]
    op.derived.setdefault("nary forwards", {})[count] = forward
    return forward


def _nary(op: Op, operands: tuple[Any, ...], what: str) -> Value:
    """The node of n-ary ``op`` over ``operands`` (plain numbers are lifted to constants)."""
    count = len(operands)
    if count <= MAX_UNROLLED:
        forwards = op.derived.get("nary forwards")
        forward = None if forwards is None else forwards.get(count)
        if forward is None:
            forward = _nary_forward(op, count)
        data = forward(operands)
        if data is not None:
            return _record(op, data, operands, None)
    nodes = _as_nodes(operands, what)
    return _record(op, op.forward(list(map(_data_of, nodes))), nodes, None)


def _as_nodes(values: tuple[Any, ...], what: str) -> tuple[Value, ...]:
    """``values`` with plain numbers lifted to constant leaves."""
    if set(map(type, values)) <= _ALL_VALUES:  # the common case, checked at C speed
        return values
    nodes = []
    for x in values:
        if type(x) is not Value:
            lifted = _constant(x)
            if lifted is None:
                raise TypeError(
                    f"{what} accepts Values and real numbers, got {type(x).__name__}: {x!r}"
                )
            x = lifted
        nodes.append(x)
    return tuple(nodes)


# The op table's generic helpers call ops on Values through apply_op (ops sits below us).
set_value_apply(apply_op)


# NOTE: pickles made before persist.py name these; they must keep loading.
_restore_leaf = persist.restore_leaf
_restore_graph = persist.restore_graph
