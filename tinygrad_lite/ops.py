"""The op table: every differentiable operation, defined once, on plain floats.

This is the bottom layer of the package; it imports nothing from it. Each
:class:`Op` holds an operation's name, the symbol the graph drawer prints,
its arity, the forward function on floats and its *local derivative*: the
partial derivative of the op's output with respect to each input.

The local-derivative rules are written so that they work on floats (the fast
eager ``backward``) and on :class:`~tinygrad_lite.engine.Value` objects (the
higher-order ``backward(create_graph=True)``): they use only arithmetic,
comparisons, ``float()`` and the generic helpers below, never ``math``
directly on an argument that may be a ``Value``.

Every forward function follows IEEE 754 instead of raising: ``1/0`` is
``inf``, ``0/0`` and ``log(-1)`` are ``nan``, ``exp(1000)`` overflows to
``inf``. Python's own ``ZeroDivisionError``, ``OverflowError`` and
``ValueError`` from ``math`` never escape.

Arities:

* ``UNARY``: ``forward(x)``, ``local_grads(x, out)`` returns ``d out/d x``.
* ``BINARY``: ``forward(a, b)``, ``local_grads(a, b, out)`` returns the pair
  ``(d out/d a, d out/d b)``. One of ``a``, ``b`` may be a plain number (the
  3 of ``x ** 3``): the engine then uses only the other half of the pair.
* ``VARIADIC``: ``forward(args)``, ``local_grads(args, out)`` returns one
  local derivative per argument, in order.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import reduce
from operator import add, mul
from typing import Any

__all__ = [
    "BINARY",
    "OPS",
    "UNARY",
    "VARIADIC",
    "Op",
    "ieee_div",
    "ieee_pow",
]

UNARY = 1
BINARY = 2
VARIADIC = 3

_INF = math.inf
_NAN = math.nan


class Op:
    """One differentiable operation: name, symbol, arity, forward, local derivative.

    Attributes:
        name: The op's name, also the name of the ``Value`` method (``"tanh"``).
        symbol: What the graph drawer writes in the op's node (``"*"``).
        arity: ``UNARY``, ``BINARY`` or ``VARIADIC``.
        forward: The op on floats (see the module docstring for signatures).
        local_grads: The local derivative(s); works on floats and on Values.
        kernel: The engine's backward step for this op, generated from
            ``local_grads`` on first use (None until then).
        derived: Everything else generated from ``forward`` and
            ``local_grads`` (inline source, n-ary forwards), by key.

    ``kernel`` and ``derived`` are caches, not part of the definition: setting
    ``forward`` or ``local_grads`` empties them, so whatever is generated next
    follows the new rule.
    """

    __slots__ = ("arity", "derived", "forward", "kernel", "local_grads", "name", "symbol")

    name: str
    symbol: str
    arity: int
    forward: Callable[..., float]
    local_grads: Callable[..., Any]
    kernel: Callable[[Any], None] | None
    derived: dict[Any, Any]

    def __init__(
        self,
        name: str,
        symbol: str,
        arity: int,
        forward: Callable[..., float],
        local_grads: Callable[..., Any],
    ) -> None:
        self.name = name
        self.symbol = symbol
        self.arity = arity
        self.forward = forward
        self.local_grads = local_grads

    def __setattr__(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)
        if name in ("forward", "local_grads"):
            object.__setattr__(self, "kernel", None)
            object.__setattr__(self, "derived", {})

    def __repr__(self) -> str:
        return f"Op({self.name!r})"

    def __reduce__(self) -> tuple[Callable[[str], Op], tuple[str]]:
        # Ops are singletons: pickle them by name so an unpickled graph shares them.
        return (_op_by_name, (self.name,))


# ---------------------------------------------------------------------------
# IEEE helpers on floats. Python raises where IEEE 754 returns inf or nan.


def ieee_div(a: float, b: float) -> float:
    """``a / b`` with IEEE 754 results: ``1/0 = inf``, ``-1/0 = -inf``, ``0/0 = nan``."""
    try:
        return a / b
    except ZeroDivisionError:
        if a != a or a == 0.0:  # nan / 0 and 0 / 0
            return _NAN
        # NOTE: the sign of a zero divisor counts, as in IEEE: 1 / -0.0 = -inf.
        return math.copysign(_INF, a) * math.copysign(1.0, b)


def ieee_pow(a: float, b: float) -> float:
    """``a ** b`` with IEEE 754 results; a negative base with a fractional exponent is nan.

    ``10.0 ** 400`` is ``inf``, ``0.0 ** -1`` is ``inf``, ``(-8) ** (1/3)`` is
    ``nan`` (never a complex number).
    """
    try:
        return math.pow(a, b)
    except OverflowError:
        # |a| > 1 and b large, or |a| < 1 and b very negative: magnitude overflows.
        return -_INF if a < 0.0 and _is_odd_integer(b) else _INF
    except ValueError:
        # math.pow raises for a negative base with a non-integer exponent
        # and for 0 ** negative; IEEE gives nan and (+-)inf respectively.
        if a == 0.0:
            return math.copysign(_INF, a) if _is_odd_integer(b) else _INF
        return _NAN


def _is_odd_integer(x: float) -> bool:
    return math.isfinite(x) and x.is_integer() and math.fmod(x, 2.0) != 0.0


def _safe_exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        return _INF


def _safe_log(x: float) -> float:
    if x > 0.0:
        return math.log(x)  # log(inf) is inf
    if x == 0.0:
        return -_INF
    return _NAN  # negative or nan


def _safe_sqrt(x: float) -> float:
    if x >= 0.0:
        return math.sqrt(x)
    return _NAN  # negative or nan


def _safe_sin(x: float) -> float:
    try:
        return math.sin(x)
    except ValueError:  # sin(inf)
        return _NAN


def _safe_cos(x: float) -> float:
    try:
        return math.cos(x)
    except ValueError:  # cos(inf)
        return _NAN


def _sigmoid(x: float) -> float:
    # NOTE: two branches so exp never overflows: sigmoid(-1000) is exactly 0.0
    # and sigmoid(1000) exactly 1.0.
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    if x < 0.0:
        e = math.exp(x)
        return e / (1.0 + e)
    return x  # nan


def _relu(x: float) -> float:
    # NOTE: written so that relu(nan) is nan: nan <= 0 is False.
    return 0.0 if x <= 0.0 else x


# ---------------------------------------------------------------------------
# Generic helpers: the same call on a float or on a Value. A Value has a
# method of the op's name; a float goes through the op's safe forward.


def _div(a: Any, b: Any) -> Any:
    if type(a) is float and type(b) is float:
        return ieee_div(a, b)
    return a / b


def _pow(a: Any, b: Any) -> Any:
    if type(a) is float and type(b) is float:
        return ieee_pow(a, b)
    return a**b


def _log(x: Any) -> Any:
    return _safe_log(x) if type(x) is float else x.log()


def _sin(x: Any) -> Any:
    return _safe_sin(x) if type(x) is float else x.sin()


def _cos(x: Any) -> Any:
    return _safe_cos(x) if type(x) is float else x.cos()


def _step(x: Any) -> float:
    """d relu(x)/dx: 1 above zero, 0 at and below (nan stays nan)."""
    # NOTE: relu'(0) = 0, the smallest subgradient, as in PyTorch.
    if x > 0:
        return 1.0
    return 0.0 if x <= 0 else _NAN


def _sign(x: Any) -> float:
    """d|x|/dx: the sign of x, 0 at 0 (nan stays nan)."""
    if x > 0:
        return 1.0
    if x < 0:
        return -1.0
    return 0.0 if x <= 0 else _NAN


# ---------------------------------------------------------------------------
# Local derivatives. out is the op's own result, reused where it is cheaper
# (d exp(x)/dx = exp(x) = out).


def _add_grads(a: Any, b: Any, out: Any) -> tuple[float, float]:
    return 1.0, 1.0


def _sub_grads(a: Any, b: Any, out: Any) -> tuple[float, float]:
    return 1.0, -1.0


def _mul_grads(a: Any, b: Any, out: Any) -> tuple[Any, Any]:
    return b, a


def _div_grads(a: Any, b: Any, out: Any) -> tuple[Any, Any]:
    # d(a/b)/da = 1/b, d(a/b)/db = -a/b**2 = -out/b
    return _div(1.0, b), _div(-out, b)


def _pow_grads(a: Any, b: Any, out: Any) -> tuple[Any, Any]:
    # d(a**b)/da = b * a**(b-1); d(a**b)/db = a**b * log(a)
    # NOTE: on Values (create_graph) a plain-number side gets no gradient, so its
    # half is never built: x ** 2 at x < 0 must not record an unused log(x) = nan
    # (detect_anomaly would raise on it), nor 2 ** x an unused 2 ** (x - 1) node.
    a_is_number = type(a) is float
    b_is_number = type(b) is float
    # NOTE: d(x**0)/dx = 0 everywhere, also at x = 0 where 0 * 0**-1 is nan. A
    # Value exponent at 0 still gets its graph (away from x = 0): the mixed
    # derivative d/db (b * a**(b-1)) = a**(b-1) is not 0.
    skip_base = a_is_number and not b_is_number
    zero_exponent = float(b) == 0.0 and (b_is_number or float(a) == 0.0)
    base = 0.0 if skip_base or zero_exponent else b * _pow(a, b - 1.0)
    # NOTE: at a = 0 the exponent's gradient is 0, as in PyTorch: a**b is flat
    # in b there for b > 0, and we never form the 0 * log(0) = nan term.
    skip_exponent = b_is_number and not a_is_number
    exponent = 0.0 if skip_exponent or float(a) == 0.0 else out * _log(a)
    return base, exponent


def _neg_grad(x: Any, out: Any) -> float:
    return -1.0


def _exp_grad(x: Any, out: Any) -> Any:
    return out


def _log_grad(x: Any, out: Any) -> Any:
    return _div(1.0, x)


def _sqrt_grad(x: Any, out: Any) -> Any:
    return _div(0.5, out)  # inf at x = 0


def _tanh_grad(x: Any, out: Any) -> Any:
    return 1.0 - out * out


def _sigmoid_grad(x: Any, out: Any) -> Any:
    return out * (1.0 - out)


def _relu_grad(x: Any, out: Any) -> float:
    return _step(x)


def _abs_grad(x: Any, out: Any) -> float:
    return _sign(x)


def _sin_grad(x: Any, out: Any) -> Any:
    return _cos(x)


def _cos_grad(x: Any, out: Any) -> Any:
    return -_sin(x)


def _total(args: Sequence[float]) -> float:
    # NOTE: a left fold, so the result is bit-identical to x1 + x2 + ... + xn
    # (builtin sum() uses compensated summation from Python 3.12 on).
    return reduce(add, args)


def _total_grads(args: Sequence[Any], out: Any) -> list[float]:
    return [1.0] * len(args)


def _exp(x: Any) -> Any:
    return _safe_exp(x) if type(x) is float else x.exp()


def _logsumexp(args: Sequence[float]) -> float:
    """``log(exp(x1) + ... + exp(xn))``, shifted by the largest term so nothing overflows."""
    shift = max(args)
    if shift == _INF or shift == -_INF or shift != shift:
        # all -inf gives -inf; any inf gives inf; max() of a list with nan is
        # order-dependent, so look for nan explicitly
        return _NAN if any(x != x for x in args) else shift
    if any(x != x for x in args):
        return _NAN
    return shift + math.log(reduce(add, [math.exp(x - shift) for x in args]))


def _logsumexp_grads(args: Sequence[Any], out: Any) -> list[Any]:
    # d/dx_i logsumexp(x) = exp(x_i) / sum_j exp(x_j) = exp(x_i - out): the softmax
    return [_exp(x - out) for x in args]


def _dot(args: Sequence[float]) -> float:
    """``b + w1*x1 + ... + wn*xn`` for ``args = (w1..wn, x1..xn[, b])``."""
    n = len(args) // 2
    start = args[-1] if len(args) % 2 else 0.0
    # NOTE: a left fold from the bias, bit-identical to the scalar expansion
    # ((b + w1*x1) + w2*x2) + ... that micrograd's Neuron builds.
    return reduce(add, map(mul, args[:n], args[n : 2 * n]), start)


def _dot_grads(args: Sequence[Any], out: Any) -> list[Any]:
    n = len(args) // 2
    grads = list(args[n : 2 * n])  # d/dw_i = x_i
    grads.extend(args[:n])  # d/dx_i = w_i
    if len(args) % 2:
        grads.append(1.0)  # d/db = 1
    return grads


_TABLE = [
    Op("add", "+", BINARY, add, _add_grads),
    Op("sub", "-", BINARY, lambda a, b: a - b, _sub_grads),
    Op("mul", "*", BINARY, mul, _mul_grads),
    Op("div", "/", BINARY, ieee_div, _div_grads),
    Op("pow", "**", BINARY, ieee_pow, _pow_grads),
    Op("neg", "-", UNARY, lambda x: -x, _neg_grad),
    Op("abs", "abs", UNARY, abs, _abs_grad),
    Op("relu", "relu", UNARY, _relu, _relu_grad),
    Op("tanh", "tanh", UNARY, math.tanh, _tanh_grad),
    Op("sigmoid", "sigmoid", UNARY, _sigmoid, _sigmoid_grad),
    Op("exp", "exp", UNARY, _safe_exp, _exp_grad),
    Op("log", "log", UNARY, _safe_log, _log_grad),
    Op("sqrt", "sqrt", UNARY, _safe_sqrt, _sqrt_grad),
    Op("sin", "sin", UNARY, _safe_sin, _sin_grad),
    Op("cos", "cos", UNARY, _safe_cos, _cos_grad),
    Op("total", "sum", VARIADIC, _total, _total_grads),
    Op("dot", "dot", VARIADIC, _dot, _dot_grads),
    Op("logsumexp", "logsumexp", VARIADIC, _logsumexp, _logsumexp_grads),
]

OPS: dict[str, Op] = {op.name: op for op in _TABLE}
"""Every op by name."""


def _op_by_name(name: str) -> Op:
    return OPS[name]
