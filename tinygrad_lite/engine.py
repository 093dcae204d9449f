"""The ``Value`` engine: scalar nodes that record a graph, and reverse-mode backward.

Sits on :mod:`tinygrad_lite.ops` (the op table) and under everything else.
A :class:`Value` holds one float. Arithmetic on Values returns new Values
that remember the op and their parents, so the expression becomes a graph;
:meth:`Value.backward` walks that graph once, from the output back to the
leaves, and applies the chain rule::

    d out / d parent += (d out / d node) * (d node / d parent)

The local factor ``d node / d parent`` comes from the op table, which is the
only place an op's derivative is written.

Design notes (why it is fast):

* A node is one object with ``__slots__``: no closure, no ``set`` or ``list``
  of children. Parents sit in two slots (``_a``, ``_b``); only n-ary ops
  (:func:`total`, :func:`dot`) keep a tuple. Graphs hold no reference cycles,
  so reference counting frees them the moment the output is dropped.
* The topological sort is iterative and marks nodes in a slot instead of
  filling a ``set``: no recursion limit, no hashing.
* The chain rule runs one generated kernel per node
  (:mod:`tinygrad_lite.kernels`), made from the op's own rule; n-ary
  forwards (``dot``, ``total``) are straight-line code made the same way.
* Ops check one module-level list to learn that no thread is in a special
  mode (:mod:`tinygrad_lite.modes`); the thread-local state is read only
  when some thread is.
* ``backward`` holds one lock, so threads that share leaves or intermediate
  nodes lose no gradient and never disturb each other's sort marks.
"""

from __future__ import annotations

import decimal
import math
import numbers
import os
import sys
import threading
import warnings
from collections.abc import Callable, Iterable, Sequence
from operator import attrgetter
from typing import Any, ClassVar, SupportsFloat

from . import modes
from .inline import MAX_UNROLLED, forward_source
from .kernels import accumulate_into_none, make_kernel
from .modes import SWITCHED, detect_anomaly, is_grad_enabled, no_grad
from .ops import BINARY, OPS, UNARY, VARIADIC, Op, op_by_name
from .ops.generic import set_value_apply

__all__ = [
    "GradientLostWarning",
    "Value",
    "apply_op",
    "detect_anomaly",
    "dot",
    "gradients",
    "is_grad_enabled",
    "logsumexp",
    "no_grad",
    "topological_order",
    "total",
]

_ADD = OPS["add"]
_SUB = OPS["sub"]
_MUL = OPS["mul"]
_DIV = OPS["div"]
_POW = OPS["pow"]
_NEG = OPS["neg"]
_ABS = OPS["abs"]
_RELU = OPS["relu"]
_TANH = OPS["tanh"]
_SIGMOID = OPS["sigmoid"]
_EXP = OPS["exp"]
_LOG = OPS["log"]
_SQRT = OPS["sqrt"]
_SIN = OPS["sin"]
_COS = OPS["cos"]
_TOTAL = OPS["total"]
_DOT = OPS["dot"]
_LOGSUMEXP = OPS["logsumexp"]
# The full scalar op set (issue 13): one constant per op a Value method uses.
_TAN = OPS["tan"]
_ASIN = OPS["asin"]
_ACOS = OPS["acos"]
_ATAN = OPS["atan"]
_ATAN2 = OPS["atan2"]
_SINH = OPS["sinh"]
_COSH = OPS["cosh"]
_ASINH = OPS["asinh"]
_ACOSH = OPS["acosh"]
_ATANH = OPS["atanh"]
_EXP2 = OPS["exp2"]
_EXPM1 = OPS["expm1"]
_LOG2 = OPS["log2"]
_LOG10 = OPS["log10"]
_LOG1P = OPS["log1p"]
_CBRT = OPS["cbrt"]
_ERF = OPS["erf"]
_ERFC = OPS["erfc"]
_FLOOR = OPS["floor"]
_CEIL = OPS["ceil"]
_TRUNC = OPS["trunc"]
_ROUND = OPS["round"]
_SIGN = OPS["sign"]
_FLOORDIV = OPS["floordiv"]
_MOD = OPS["mod"]
_FMOD = OPS["fmod"]
_COPYSIGN = OPS["copysign"]
_HYPOT = OPS["hypot"]
_MAXIMUM = OPS["maximum"]
_MINIMUM = OPS["minimum"]
_CLAMP = OPS["clamp"]

# A leaf that arithmetic made from a plain number (the 2 in ``2 * x``) keeps
# this marker in its first parent slot, so the drawer can tell it is a constant.
_CONSTANT = "constant"

_ACCEPTED = "int, float, bool, fractions.Fraction, decimal.Decimal or a numpy real or bool scalar"


# One lock for everything that walks a graph's marks or accumulates its
# gradients: backward, the sort, compiled replay. Reentrant, because backward
# sorts and create_graph backward records new nodes.
GRAPH_LOCK = threading.RLock()


class GradientLostWarning(UserWarning):
    """A non-leaf Value was turned into a plain number, so no gradient flows through it.

    Warned inside :func:`detect_anomaly` when ``float()``, ``int()`` or an
    index (``range(v)``, ``items[v]``) reads a Value that an op made: the
    usual cause is a function of the standard ``math`` module
    (``math.exp(v)`` calls ``float(v)``). The warning points at the line that
    did it.
    """


# How the number of a Value can be read by Python's protocols; the first three
# give a plain number that carries no gradient.
_LOSSY_READS = frozenset({"float", "int", "index"})
_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


def _data_read(value: Value, how: str) -> None:
    """Python read ``value``'s number (``how``: float, int, index, bool, compare).

    Called by ``__float__``, ``__int__``, ``__index__``, ``__bool__`` and the
    comparisons only when some thread has a mode switched (``SWITCHED``), so
    it costs nothing in ordinary use. Inside ``detect_anomaly()`` it warns
    :class:`GradientLostWarning` for a lossy read of a non-leaf Value.
    """
    if how in _LOSSY_READS and value._op is not None and modes.current().anomaly:
        _warn_gradient_lost(value, how)


def _warn_gradient_lost(value: Value, how: str) -> None:
    # Point at the first frame outside this package: the user's line.
    frame = sys._getframe(1)
    level = 2
    while frame.f_back is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame = frame.f_back
        level += 1
    action = {"float": "float()", "int": "int()", "index": "use as an index or a count"}[how]
    warnings.warn(
        f"{action} of a Value made by {value._op.name!r} (data {value.data!r}) gives a plain "  # type: ignore[union-attr]
        "number: the gradient through it is lost. For a math function use "
        "tinygrad_lite.math (from tinygrad_lite import math), which keeps the graph; "
        "to read the number on purpose use v.item() or v.data",
        GradientLostWarning,
        stacklevel=level,
    )


def _real_to_float(x: Any) -> float | None:
    """The float for an accepted real number, or None when ``x`` is not one."""
    if isinstance(x, (numbers.Real, decimal.Decimal)):
        try:
            return float(x)
        except OverflowError:  # an int or Fraction beyond the float range
            positive: bool = x > 0  # type: ignore[operator]
            return math.inf if positive else -math.inf
        except ValueError:
            # NOTE: Decimal('sNaN') refuses float(); IEEE turns a signaling NaN
            # into a quiet one on any arithmetic, so it is nan here.
            if isinstance(x, decimal.Decimal) and x.is_snan():
                return math.nan
            raise
    if _is_numpy_bool(x):  # numpy.bool_ is no numbers.Real, but a bool all the same
        return 1.0 if x else 0.0
    return None


def _is_numpy_bool(x: Any) -> bool:
    kind = type(x)
    return kind.__module__ == "numpy" and kind.__name__ in ("bool", "bool_")


def _number(x: Any) -> float | None:
    """A number operand as a float (None when it is not a real number)."""
    if type(x) is int:
        try:
            return float(x)
        except OverflowError:
            return math.inf if x > 0 else -math.inf
    return _real_to_float(x)


def _to_float(x: Any) -> float:
    if type(x) is float:
        return x
    number = _real_to_float(x)
    if number is not None:
        return number
    if isinstance(x, Value):
        raise TypeError(
            "Value() got a Value; use v.data for its number or v.detach() for a new leaf"
        )
    raise TypeError(f"Value() accepts a real number ({_ACCEPTED}), got {type(x).__name__}: {x!r}")


_new = object.__new__


def _constant(x: Any) -> Value | None:
    """Lift a plain number to a constant leaf; None when ``x`` is not a real number."""
    data = x if type(x) is float else _number(x)
    if data is None:
        return None
    node: Value = _new(Value)
    node.data = data
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
            _check_anomaly(op, data, a, b)
        if not mode.recording:
            return Value(data)
    node: Value = _new(Value)
    node.data = data
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
        return _record(op, op.forward(x.data, other.data), x, other)
    c = other if type(other) is float else _number(other)
    if c is None:
        return NotImplemented  # type: ignore[no-any-return]
    return _record(op, op.forward(x.data, c), x, c)


def _apply_left(op: Op, other: Any, x: Value) -> Value:
    """``other op x`` for a plain number ``other`` (Python's reflected operators)."""
    c = other if type(other) is float else _number(other)
    if c is None:
        return NotImplemented  # type: ignore[no-any-return]
    return _record(op, op.forward(c, x.data), c, x)


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
            return _record(op, op.forward(x.data), x, None)
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
            f"{op.name}() accepts Values and real numbers ({_ACCEPTED}), "
            f"got {type(x).__name__}: {x!r}"
        )
    return number


def _check_anomaly(op: Op, data: float, a: Any, b: Any) -> None:
    """Inside detect_anomaly(): refuse a nan or inf made from finite inputs."""
    if math.isfinite(data):
        return
    inputs = [x.data if type(x) is Value else x for x in _operands(op, a, b)]
    if all(math.isfinite(x) for x in inputs):
        raise FloatingPointError(
            f"detect_anomaly: {op.name} produced {data} from finite inputs {inputs}"
        )


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


class Value:
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

    __slots__ = ("_a", "_b", "_mark", "_op", "data", "grad", "label")

    # Let numpy scalars defer to Value's reflected operators (np.float64(2) * v).
    __array_ufunc__ = None

    data: float
    grad: float
    label: str
    _op: Op | None
    _a: Any
    _b: Any
    _mark: object

    def __init__(self, data: SupportsFloat, label: str = "") -> None:
        if type(label) is not str:
            raise TypeError(f"Value label must be a str, got {type(label).__name__}: {label!r}")
        self.data = data if type(data) is float else _to_float(data)
        self.grad = 0.0
        self.label = label
        self._op = None
        self._a = None
        self._b = None
        self._mark = None

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
        return _record(_NEG, _NEG.forward(self.data), self, None)

    def __pos__(self) -> Value:
        return self

    def __abs__(self) -> Value:
        return _record(_ABS, _ABS.forward(self.data), self, None)

    def relu(self) -> Value:
        """``max(0, x)``; its derivative at 0 is 0."""
        return _record(_RELU, _RELU.forward(self.data), self, None)

    def tanh(self) -> Value:
        """Hyperbolic tangent; ``d tanh(x)/dx = 1 - tanh(x)**2``."""
        return _record(_TANH, _TANH.forward(self.data), self, None)

    def sigmoid(self) -> Value:
        """Logistic ``1 / (1 + exp(-x))``, exact 0 and 1 far out; ``s' = s(1 - s)``."""
        return _record(_SIGMOID, _SIGMOID.forward(self.data), self, None)

    def exp(self) -> Value:
        """``e**x`` (``inf`` past about 709.78)."""
        return _record(_EXP, _EXP.forward(self.data), self, None)

    def log(self) -> Value:
        """Natural logarithm: ``log(0) = -inf``, ``log(x < 0) = nan``."""
        return _record(_LOG, _LOG.forward(self.data), self, None)

    def sqrt(self) -> Value:
        """Square root: ``sqrt(x < 0) = nan``; its derivative at 0 is ``inf``."""
        return _record(_SQRT, _SQRT.forward(self.data), self, None)

    def sin(self) -> Value:
        """Sine; ``d sin(x)/dx = cos(x)``."""
        return _record(_SIN, _SIN.forward(self.data), self, None)

    def cos(self) -> Value:
        """Cosine; ``d cos(x)/dx = -sin(x)``."""
        return _record(_COS, _COS.forward(self.data), self, None)

    # -- the full scalar op set (issue 13) ---------------------------------
    # One method per op of the table, named as in Python's math module (and
    # torch); tinygrad_lite.math calls these for Value arguments.

    def tan(self) -> Value:
        """Tangent; ``d tan(x)/dx = 1 + tan(x)**2``."""
        return _record(_TAN, _TAN.forward(self.data), self, None)

    def asin(self) -> Value:
        """Arc sine, nan outside [-1, 1]; ``d/dx = 1/sqrt(1 - x**2)``, inf at ±1."""
        return _record(_ASIN, _ASIN.forward(self.data), self, None)

    def acos(self) -> Value:
        """Arc cosine, nan outside [-1, 1]; ``d/dx = -1/sqrt(1 - x**2)``, -inf at ±1."""
        return _record(_ACOS, _ACOS.forward(self.data), self, None)

    def atan(self) -> Value:
        """Arc tangent; ``d/dx = 1/(1 + x**2)``."""
        return _record(_ATAN, _ATAN.forward(self.data), self, None)

    def atan2(self, x: Value | float) -> Value:
        """``atan2(self, x)``, the angle of the point ``(x, self)``; derivative 0 at the origin."""
        return _binary_method(_ATAN2, self, x)

    def sinh(self) -> Value:
        """Hyperbolic sine (``±inf`` past about ±710); ``d/dx = cosh(x)``."""
        return _record(_SINH, _SINH.forward(self.data), self, None)

    def cosh(self) -> Value:
        """Hyperbolic cosine (``inf`` past about ±710); ``d/dx = sinh(x)``."""
        return _record(_COSH, _COSH.forward(self.data), self, None)

    def asinh(self) -> Value:
        """Inverse hyperbolic sine; ``d/dx = 1/sqrt(x**2 + 1)``."""
        return _record(_ASINH, _ASINH.forward(self.data), self, None)

    def acosh(self) -> Value:
        """Inverse hyperbolic cosine, nan below 1; ``d/dx = 1/sqrt(x**2 - 1)``, inf at 1."""
        return _record(_ACOSH, _ACOSH.forward(self.data), self, None)

    def atanh(self) -> Value:
        """Inverse hyperbolic tangent: ``±inf`` at ±1, nan beyond; ``d/dx = 1/(1 - x**2)``."""
        return _record(_ATANH, _ATANH.forward(self.data), self, None)

    def exp2(self) -> Value:
        """``2**x``; ``d/dx = 2**x log(2)``."""
        return _record(_EXP2, _EXP2.forward(self.data), self, None)

    def expm1(self) -> Value:
        """``e**x - 1``, accurate near 0; ``d/dx = e**x``."""
        return _record(_EXPM1, _EXPM1.forward(self.data), self, None)

    def log2(self) -> Value:
        """Base-2 logarithm (``-inf`` at 0, nan below); ``d/dx = 1/(x log 2)``."""
        return _record(_LOG2, _LOG2.forward(self.data), self, None)

    def log10(self) -> Value:
        """Base-10 logarithm (``-inf`` at 0, nan below); ``d/dx = 1/(x log 10)``."""
        return _record(_LOG10, _LOG10.forward(self.data), self, None)

    def log1p(self) -> Value:
        """``log(1 + x)``, accurate near 0 (``-inf`` at -1); ``d/dx = 1/(1 + x)``."""
        return _record(_LOG1P, _LOG1P.forward(self.data), self, None)

    def cbrt(self) -> Value:
        """The real cube root (``cbrt(-8) = -2``); ``d/dx = 1/(3 cbrt(x)**2)``, inf at 0."""
        return _record(_CBRT, _CBRT.forward(self.data), self, None)

    def erf(self) -> Value:
        """The error function; ``d/dx = 2/sqrt(pi) exp(-x**2)``."""
        return _record(_ERF, _ERF.forward(self.data), self, None)

    def erfc(self) -> Value:
        """``1 - erf(x)``, accurate for large x; ``d/dx = -2/sqrt(pi) exp(-x**2)``."""
        return _record(_ERFC, _ERFC.forward(self.data), self, None)

    def floor(self) -> Value:
        """The largest integer ``<= x`` (as a float); derivative 0."""
        return _record(_FLOOR, _FLOOR.forward(self.data), self, None)

    def ceil(self) -> Value:
        """The smallest integer ``>= x`` (as a float); derivative 0."""
        return _record(_CEIL, _CEIL.forward(self.data), self, None)

    def trunc(self) -> Value:
        """``x`` rounded toward 0 (as a float); derivative 0."""
        return _record(_TRUNC, _TRUNC.forward(self.data), self, None)

    def round(self, decimals: int = 0) -> Value:
        """``x`` rounded half to even, as ``torch.round``; derivative 0.

        Args:
            decimals: Round to this many decimal places: the node is then
                ``round(x * 10**decimals) / 10**decimals``, as in torch (a
                negative count rounds to tens, hundreds, ...).
        """
        if type(decimals) is not int:
            raise TypeError(
                f"round() decimals must be an int, got {type(decimals).__name__}: {decimals!r}"
            )
        if decimals == 0:
            return _record(_ROUND, _ROUND.forward(self.data), self, None)
        if decimals > 0:
            scale = 10.0**decimals
            return (self * scale).round() / scale
        scale = 10.0**-decimals
        return (self / scale).round() * scale

    def sign(self) -> Value:
        """-1, 0 or 1 (nan at nan); derivative 0."""
        return _record(_SIGN, _SIGN.forward(self.data), self, None)

    def copysign(self, other: Value | float) -> Value:
        """``|self|`` with the sign of ``other``; ``d/dself = ±1`` (0 at 0), flat in ``other``."""
        return _binary_method(_COPYSIGN, self, other)

    def fmod(self, other: Value | float) -> Value:
        """C's ``fmod``: the remainder with the sign of ``self`` (``math.fmod``)."""
        return _binary_method(_FMOD, self, other)

    def hypot(self, *others: Value | float) -> Value:
        """``sqrt(self**2 + other**2 + ...)`` without overflow; derivative 0 at the origin."""
        return apply_op(_HYPOT, self, *others)  # type: ignore[no-any-return]

    def maximum(self, other: Value | float) -> Value:
        """The larger of the two; at a tie each side gets half the gradient."""
        return _binary_method(_MAXIMUM, self, other)

    def minimum(self, other: Value | float) -> Value:
        """The smaller of the two; at a tie each side gets half the gradient."""
        return _binary_method(_MINIMUM, self, other)

    def clamp(self, low: Value | float | None = None, high: Value | float | None = None) -> Value:
        """``self`` limited to ``[low, high]`` (``None``: no limit on that side), as torch.

        The gradient goes to ``self`` when ``low <= self <= high`` (boundaries
        included), to ``low`` below and to ``high`` above; ``low > high``
        gives ``high``.
        """
        lower: Any = -math.inf if low is None else low
        upper: Any = math.inf if high is None else high
        return apply_op(_CLAMP, self, lower, upper)  # type: ignore[no-any-return]

    def __floor__(self) -> Value:
        return self.floor()

    def __ceil__(self) -> Value:
        return self.ceil()

    def __trunc__(self) -> Value:
        return self.trunc()

    def __round__(self, ndigits: int | None = None) -> Value:
        """``round(v)`` is a Value (a piecewise-constant node, derivative 0), as in torch.

        ``round(v, n)`` is ``v.round(n)``, torch's ``round(v, decimals=n)``:
        ``round(x * 10**n) / 10**n``, which may differ from Python's
        correctly rounded ``round(float, n)`` at a decimal tie (2.675).
        """
        return self.round() if ndigits is None else self.round(ndigits)

    def __mod__(self, other: Value | float) -> Value:
        return _apply_right(_MOD, self, other)

    def __rmod__(self, other: float) -> Value:
        return _apply_left(_MOD, other, self)

    def __floordiv__(self, other: Value | float) -> Value:
        return _apply_right(_FLOORDIV, self, other)

    def __rfloordiv__(self, other: float) -> Value:
        return _apply_left(_FLOORDIV, other, self)

    def __divmod__(self, other: Value | float) -> tuple[Value, Value]:
        quotient = _apply_right(_FLOORDIV, self, other)
        if quotient is NotImplemented:
            return NotImplemented
        return quotient, _apply_right(_MOD, self, other)

    def __rdivmod__(self, other: float) -> tuple[Value, Value]:
        quotient = _apply_left(_FLOORDIV, other, self)
        if quotient is NotImplemented:
            return NotImplemented  # type: ignore[no-any-return]
        return quotient, _apply_left(_MOD, other, self)

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
            grad: The seed ``d(final)/d(self)``, 1.0 for a loss.
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
        seed: Any = grad if create_graph and type(grad) is Value else _to_float(grad)
        with GRAPH_LOCK:
            order = _backward_order(self)
            if create_graph:
                _accumulate_graph(self, seed)
                _backpropagate_graph(order)
                return
            try:
                self.grad += seed
            except TypeError:
                accumulate_into_none(self, seed)
            _backpropagate(order)

    def zero_grad(self, set_to_none: bool = False) -> None:
        """Set ``.grad`` to 0.0 (or None) on this node and on every node it depends on."""
        empty: Any = None if set_to_none else 0.0
        for node in topological_order(self):
            node.grad = empty

    def detach(self) -> Value:
        """A new leaf with the same data and label, cut from the graph."""
        return Value(self.data, self.label)

    # -- Python number protocol -------------------------------------------

    def __float__(self) -> float:
        if SWITCHED:
            _data_read(self, "float")
        return self.data

    def __int__(self) -> int:
        if SWITCHED:
            _data_read(self, "int")
        return int(self.data)

    def __index__(self) -> int:
        """A Value holding an integer works as an index or a count (``range(v)``)."""
        if SWITCHED:
            _data_read(self, "index")
        data = self.data
        if not data.is_integer():
            raise TypeError(
                f"a Value used as an index or a count must hold an integer, got {data!r}; "
                "round it first (math.floor(v), round(v)) or use int(v)"
            )
        return int(data)

    def __bool__(self) -> bool:
        if SWITCHED:
            _data_read(self, "bool")
        return bool(self.data)

    def item(self) -> float:
        """The number as a plain float, on purpose (as torch's ``item()``): it never warns."""
        return self.data

    def __format__(self, spec: str) -> str:
        return format(self.data, spec) if spec else repr(self)

    def __lt__(self, other: Value | float) -> bool:
        if SWITCHED:
            _data_read(self, "compare")
        number = _compare_operand(other)
        return NotImplemented if number is None else self.data < number

    def __le__(self, other: Value | float) -> bool:
        if SWITCHED:
            _data_read(self, "compare")
        number = _compare_operand(other)
        return NotImplemented if number is None else self.data <= number

    def __gt__(self, other: Value | float) -> bool:
        if SWITCHED:
            _data_read(self, "compare")
        number = _compare_operand(other)
        return NotImplemented if number is None else self.data > number

    def __ge__(self, other: Value | float) -> bool:
        if SWITCHED:
            _data_read(self, "compare")
        number = _compare_operand(other)
        return NotImplemented if number is None else self.data >= number

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
        parts = [repr(self.data), f"grad={self.grad!r}"]
        if self.label:
            parts.append(f"label={self.label!r}")
        if self._op is not None:
            parts.append(f"op={self._op.name!r}")
        return f"Value({', '.join(parts)})"

    # -- copying and pickling: flat, so depth never hits a recursion limit --

    def __reduce__(self) -> tuple[Any, ...]:
        # NOTE: a Value gradient (create_graph) has a graph that leads back to
        # these nodes, so it travels as state, set by __setstate__ once the
        # nodes exist; as a constructor argument pickle would recurse forever.
        if self._op is None:
            leaf_grad: Any = self.grad
            constant = self._a is _CONSTANT
            if type(leaf_grad) is Value:
                return (_restore_leaf, (self.data, 0.0, self.label, constant), [(0, leaf_grad)])
            return (_restore_leaf, (self.data, leaf_grad, self.label, constant))
        nodes = topological_order(self)
        index = {node: i for i, node in enumerate(nodes)}
        table: list[Any] = []
        graph_grads: list[tuple[int, Value]] = []
        for i, node in enumerate(nodes):
            if node._op is None:
                table.append(node)  # pickled on its own, so its identity is kept
            else:
                # operands: an int is a node's index in the table, a float a constant
                operands = tuple(
                    index[x] if type(x) is Value else x
                    for x in _operands(node._op, node._a, node._b)
                )
                grad: Any = node.grad
                if type(grad) is Value:
                    graph_grads.append((i, grad))
                    grad = 0.0
                table.append((node._op.name, operands, node.data, grad, node.label))
        if graph_grads:
            return (_restore_graph, (table,), graph_grads)
        return (_restore_graph, (table,))

    def __setstate__(self, graph_grads: list[tuple[int, Value]]) -> None:
        """Unpickling: put back the Value gradients, by position in topological order."""
        nodes = topological_order(self)
        for i, grad in graph_grads:
            nodes[i].grad = grad  # type: ignore[assignment]

    def __deepcopy__(self, memo: dict[int, Any]) -> Value:
        import copy

        for node in topological_order(self):
            if id(node) in memo:
                continue
            twin: Value = _new(Value)
            twin.data = node.data
            twin.label = node.label
            twin._op = node._op
            twin._mark = None
            if node._op is None:
                twin._a, twin._b = node._a, None
            else:
                operands = [memo[id(x)] if type(x) is Value else x for x in node.operands]
                twin._a, twin._b = _pack(node._op, operands)
            memo[id(node)] = twin
            # NOTE: after memo: a Value gradient (create_graph) has a graph that
            # contains this node, so copying it first would recurse forever.
            twin.grad = copy.deepcopy(node.grad, memo)
        result: Value = memo[id(self)]
        return result


def _pack(op: Op, operands: Sequence[Any]) -> tuple[Any, Any]:
    """The (``_a``, ``_b``) slots of a node with these operands."""
    if op.arity == VARIADIC:
        return tuple(operands), None
    if op.arity == BINARY:
        return operands[0], operands[1]
    return operands[0], None


def _binary_method(op: Op, x: Value, other: Any) -> Value:
    """A method's ``x.op(other)``: like an operator, but a bad operand is a TypeError."""
    result = _apply_right(op, x, other)
    if result is NotImplemented:
        _operand_number(op, other)  # raises, naming the operand
    return result


def _compare_operand(other: Any) -> float | None:
    if type(other) is Value:
        data: float = other.data
        return data
    if type(other) is float:
        return other
    return _real_to_float(other)


def _restore_leaf(data: float, grad: Any, label: str, constant: bool) -> Value:
    node = Value(data, label)
    node.grad = grad
    if constant:
        node._a = _CONSTANT
    return node


def _restore_graph(table: list[Any]) -> Value:
    nodes: list[Value] = []
    for entry in table:
        if type(entry) is Value:
            nodes.append(entry)
            continue
        name, operand_codes, data, grad, label = entry
        op = op_by_name(name)  # a clear error when a custom op is not registered here
        operands = [nodes[x] if type(x) is int else x for x in operand_codes]
        node: Value = _new(Value)
        node.data, node.grad, node.label = data, grad, label
        node._op, node._mark = op, None
        node._a, node._b = _pack(op, operands)
        nodes.append(node)
    return nodes[-1]


# ---------------------------------------------------------------------------
# Graph walking and the chain rule.


def topological_order(root: Value, *, leaves: bool = True) -> list[Value]:
    """Every node ``root`` depends on, each once, parents before children.

    Iterative depth-first search: no recursion, so any depth works. Visited
    nodes are marked in a slot (a fresh token per call) instead of a ``set``.

    Args:
        root: The output node; it comes last.
        leaves: Include leaf nodes (``backward`` skips them: they only receive).
    """
    if root._op is None:
        return [root] if leaves else []
    with GRAPH_LOCK:
        return _order(root, leaves)


def _order(root: Value, leaves: bool) -> list[Value]:
    visiting = object()
    done = object()
    order: list[Value] = []
    emit = order.append
    stack = [root]
    push = stack.append
    pop = stack.pop
    while stack:
        node = pop()
        mark = node._mark
        if mark is visiting:  # every parent is emitted: emit the node
            node._mark = done
            emit(node)
            continue
        if mark is done:  # reached again through another child
            continue
        node._mark = visiting
        push(node)
        # _b is None (unary) or a float constant: both skipped below
        parents = node._a if node._op.arity == VARIADIC else (node._a, node._b)  # type: ignore[union-attr]
        for parent in parents:
            if type(parent) is not Value or parent._mark is done:
                continue
            if parent._op is not None:
                push(parent)
            elif leaves:
                parent._mark = done
                emit(parent)
    return order


def _backward_order(root: Value) -> list[Value]:
    """The non-leaf nodes of ``root``'s graph in topological order, their ``.grad`` reset to 0.0.

    The sort of :func:`topological_order` specialised for backward: leaves
    are never visited (they only receive), and each node's gradient is
    cleared as it is emitted instead of in a second pass. A parent is pushed
    only when it is an op node not yet emitted: it can never be an ancestor
    still being visited, since the graph has no cycle.
    """
    if root._op is None:
        return []
    visiting = object()
    done = object()
    order: list[Value] = []
    emit = order.append
    stack = [root]
    push = stack.append
    pop = stack.pop
    while stack:
        node = pop()
        mark = node._mark
        if mark is visiting:
            node._mark = done
            node.grad = 0.0
            emit(node)
            continue
        if mark is done:
            continue
        node._mark = visiting
        push(node)
        if node._op.arity == VARIADIC:  # type: ignore[union-attr]
            # n-ary operands are always Values (numbers are lifted to constants)
            for parent in node._a:
                if parent._op is not None and parent._mark is not done:
                    push(parent)
            continue
        parent = node._a
        if type(parent) is Value and parent._op is not None and parent._mark is not done:
            push(parent)
        parent = node._b
        if type(parent) is Value and parent._op is not None and parent._mark is not done:
            push(parent)
    return order


def _install_kernel(op: Op) -> Callable[[Value], None]:
    """Make ``op``'s backward kernel on first use (n-ary ops: one per operand count)."""
    if op.arity != VARIADIC:
        kernel = make_kernel(op, None, Value)
    else:
        by_count: dict[int, Callable[[Value], None]] = op.derived.setdefault("kernels", {})

        def kernel(node: Value) -> None:
            count = len(node._a)
            unrolled = by_count.get(count)
            if unrolled is None:
                unrolled = by_count[count] = make_kernel(op, count, Value)
            unrolled(node)

    op.kernel = kernel
    return kernel


def _backpropagate(order: list[Value]) -> None:
    """The chain rule on floats, from the output (last in ``order``) back: one kernel per node."""
    for node in reversed(order):
        kernel = node._op.kernel  # type: ignore[union-attr]
        if kernel is None:
            kernel = _install_kernel(node._op)  # type: ignore[arg-type]
        kernel(node)


def _backpropagate_graph(order: list[Value]) -> None:
    """The same chain rule on Values (``create_graph=True``): every product is recorded."""
    for node in reversed(order):
        op: Op = node._op  # type: ignore[assignment]
        g: Any = node.grad
        arity = op.arity
        if arity == BINARY:
            operands: Sequence[Any] = (node._a, node._b)
            locals_: Sequence[Any] = op.local_grads(node._a, node._b, node)
        elif arity == UNARY:
            operands, locals_ = (node._a,), (op.local_grads(node._a, node),)
        else:
            operands = node._a
            locals_ = op.local_grads(operands, node)
        for operand, local in zip(operands, locals_, strict=True):
            if type(operand) is Value:
                _accumulate_graph(operand, _times(g, local))


def _times(g: Any, local: Any) -> Any:
    # Skip recording multiplications by the constants 1 and -1.
    if type(local) is float:
        if local == 1.0:
            return g
        if local == -1.0:
            return -g
    return g * local


def _accumulate_graph(node: Value, contribution: Any) -> None:
    old: Any = node.grad
    if old is None or (type(old) is float and old == 0.0):
        node.grad = contribution
    else:
        node.grad = old + contribution


# ---------------------------------------------------------------------------
# n-ary ops: one node for a whole sum, as the scalar expansion would give.


_data_of = attrgetter("data")
_ALL_VALUES = {Value}

# Per n-ary op and operand count (cached in op.derived): straight-line code
# that checks every operand is a Value and computes the op's forward from
# their data, or returns None (see _nary).
_NaryForward = Callable[[tuple[Any, ...]], "float | None"]


def _nary_forward(op: Op, count: int) -> _NaryForward:
    """Generate ``op``'s checked forward for ``count`` operands from its rule."""
    names = [f"o{k}" for k in range(count)]
    expression = forward_source(op, [f"{name}.data" for name in names])
    if expression is None or count == 0:
        lines = [
            "def forward(o):",
            "    if set(map(type, o)) <= ALL_VALUES:",
            "        return op_forward([x.data for x in o])",
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
    op.derived["nary forward", count] = forward
    return forward


def _nary(op: Op, operands: tuple[Any, ...], what: str) -> Value:
    """The node of n-ary ``op`` over ``operands`` (plain numbers are lifted to constants)."""
    count = len(operands)
    if count <= MAX_UNROLLED:
        forward = op.derived.get(("nary forward", count)) or _nary_forward(op, count)
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


def total(values: Iterable[Value | float]) -> Value:
    """``x1 + x2 + ... + xn`` as one node (an empty sum is a constant 0.0).

    Its data equals that of the chain of ``+`` to the last bit, and so do the
    gradients when the terms are distinct nodes (a node that appears twice
    gets its contributions summed in another order, equal up to rounding).
    It costs one node instead of ``n - 1``.
    """
    operands = tuple(values)
    if not operands:
        return _constant(0.0)  # type: ignore[return-value]
    return _nary(_TOTAL, operands, "total()")


def logsumexp(values: Iterable[Value | float]) -> Value:
    """``log(exp(x1) + ... + exp(xn))`` as one node, stable for any magnitude.

    Computed as ``m + log(sum exp(x_i - m))`` with ``m = max(x)`` inside the
    op, so the graph's shape never depends on which input is largest (a
    compiled :class:`~tinygrad_lite.graph.Graph` replays it correctly for any
    data). Its gradient is the softmax: ``d/dx_i = exp(x_i - out)``.

    Raises:
        ValueError: If ``values`` is empty.
    """
    operands = tuple(values)
    if not operands:
        raise ValueError("logsumexp() needs at least one value, got none")
    return _nary(_LOGSUMEXP, operands, "logsumexp()")


def dot(
    weights: Sequence[Value | float],
    inputs: Sequence[Value | float],
    bias: Value | float | None = None,
) -> Value:
    """``b + w1*x1 + ... + wn*xn`` as one node: a neuron's weighted sum.

    The data is bit-identical to the scalar expansion
    ``((b + w1*x1) + w2*x2) + ...``, and so are the gradients
    (``d/dw_i = x_i``, ``d/dx_i = w_i``, ``d/db = 1``) when the operands are
    distinct nodes, as in a neuron; a node that appears twice gets its
    contributions summed in another order, equal up to rounding. It costs
    one node instead of ``2n``.

    Raises:
        ValueError: If ``weights`` and ``inputs`` differ in length.
    """
    if len(weights) != len(inputs):
        raise ValueError(
            f"dot() needs as many weights as inputs, got {len(weights)} and {len(inputs)}"
        )
    operands = (*weights, *inputs) if bias is None else (*weights, *inputs, bias)
    return _nary(_DOT, operands, "dot()")


# ---------------------------------------------------------------------------
# Derivatives without touching .grad, as torch.autograd.grad.


def gradients(
    outputs: Value | Sequence[Value],
    inputs: Value | Sequence[Value],
    grad_outputs: float | Value | Sequence[float | Value] | None = None,
    create_graph: bool = False,
    allow_unused: bool = False,
    materialize_grads: bool = False,
) -> tuple[Any, ...]:
    """``sum_k seed_k * d outputs[k] / d inputs[i]`` for every input (``torch.autograd.grad``).

    Unlike :meth:`Value.backward` it returns the derivatives and leaves every
    ``.grad`` in the graph exactly as it was. An input may be a leaf or an
    intermediate node.

    Args:
        outputs: A Value, or a sequence of them, to differentiate.
        inputs: A Value, or a sequence of them, to differentiate with respect to.
        grad_outputs: The seed of each output (1.0 when None).
        create_graph: Return Values with a graph of their own, so the
            derivatives can be differentiated again (a Hessian, say).
        allow_unused: An input that no output depends on gives None instead
            of raising (0.0 with ``materialize_grads``).
        materialize_grads: Give 0.0 rather than None for unused inputs.

    Returns:
        One derivative per input, in order, as a tuple.

    Raises:
        TypeError: If an output or input is not a Value.
        ValueError: If ``grad_outputs`` has the wrong length, or an input is
            unused and ``allow_unused`` is false (the message names it).
    """
    output_list = _value_list("outputs", outputs)
    input_list = _value_list("inputs", inputs)
    if grad_outputs is None:
        seeds: list[Any] = [1.0] * len(output_list)
    elif isinstance(grad_outputs, Sequence):
        seeds = list(grad_outputs)
    else:
        seeds = [grad_outputs]
    if len(seeds) != len(output_list):
        raise ValueError(
            f"gradients(): {len(seeds)} grad_outputs for {len(output_list)} outputs; "
            "give one seed per output"
        )
    with GRAPH_LOCK:
        reached: set[Value] = set()
        for output in output_list:
            reached.update(topological_order(output))
        for i, node in enumerate(input_list):
            if node not in reached and not (allow_unused or materialize_grads):
                raise ValueError(
                    f"gradients(): inputs[{i}] ({node!r}) is not used by any output; "
                    "pass allow_unused=True to get None for it"
                )
        touched = list(reached)
        saved = [node.grad for node in touched]
        results: list[Any] = [0.0] * len(input_list)
        try:
            for output, seed in zip(output_list, seeds, strict=True):
                for node in input_list:
                    node.grad = 0.0
                output.backward(seed, create_graph=create_graph)
                for i, node in enumerate(input_list):
                    if node in reached:
                        results[i] = _add_gradient(results[i], node.grad)
        finally:
            for node, old in zip(touched, saved, strict=True):
                node.grad = old
    if not materialize_grads:
        for i, node in enumerate(input_list):
            if node not in reached:
                results[i] = None
    return tuple(results)


def _add_gradient(total_so_far: Any, gradient: Any) -> Any:
    if type(total_so_far) is float and total_so_far == 0.0:
        return gradient
    return total_so_far + gradient


def _value_list(name: str, values: Value | Sequence[Value]) -> list[Value]:
    items = [values] if isinstance(values, Value) else list(values)
    for i, item in enumerate(items):
        if type(item) is not Value:
            raise TypeError(
                f"gradients(): {name}[{i}] must be a Value, got {type(item).__name__}: {item!r}"
            )
    if not items:
        raise ValueError(f"gradients(): {name} is empty; give at least one Value")
    return items


set_value_apply(apply_op)
