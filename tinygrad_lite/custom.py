"""User-defined ops: ``custom_op`` registers an entry in the same op table as the built-ins.

Sits on :mod:`tinygrad_lite.engine`. A custom op is an :class:`~tinygrad_lite.ops.Op`
like ``exp`` or ``*``: eager ``backward``, ``backward(create_graph=True)``,
the compiled and interpreted :class:`~tinygrad_lite.graph.Graph`, the
functional API (reverse and forward mode), ``gradcheck``, the graph drawer
(its symbol, its edge labels) and pickling (by name) all use it through the
table, never through a path of its own.

The conventions are the table's: ``forward(x)`` or ``forward(a, b)`` (or
more arguments) on floats; ``local_grads(x, out)`` returns ``d out / d x``,
``local_grads(a, b, out)`` the pair ``(d out/d a, d out/d b)``, one
derivative per input in order. The arity is read from ``forward``'s
signature. Write ``local_grads`` with arithmetic and :mod:`tinygrad_lite.math`
(not the standard ``math``): it then also runs on Values, which is what
gives second derivatives.
"""

from __future__ import annotations

import functools
import inspect
import keyword
from collections.abc import Callable, Sequence
from typing import Any, overload

from .engine import Value, apply_op
from .engine.coerce import real_to_float as _real_to_float
from .engine.methods import method_for
from .ops import BINARY, BUILTIN_OPS, OPS, UNARY, VARIADIC, Op
from .ops.base import register

__all__ = ["CustomOp", "custom_op"]

_REGISTERED: dict[str, CustomOp] = {}


class CustomOp:
    """A registered user-defined op: call it on numbers (a float) or Values (a node).

    Attributes:
        op: The op table entry.
        arity: How many arguments it takes.
    """

    def __init__(self, op: Op, arity: int, doc: str | None) -> None:
        self.op = op
        self.arity = arity
        self.__doc__ = doc

    @property
    def name(self) -> str:
        """The op's name in the table (and the name of its Value method)."""
        return self.op.name

    @property
    def __name__(self) -> str:
        return self.op.name

    @property
    def symbol(self) -> str:
        """What the graph drawer writes in the op's node."""
        return self.op.symbol

    def __call__(self, *args: Any) -> Any:
        if len(args) != self.arity:
            raise TypeError(
                f"custom op {self.name!r} takes {self.arity} argument(s), got {len(args)}"
            )
        return apply_op(self.op, *args)

    def __repr__(self) -> str:
        return f"CustomOp({self.name!r}, arity={self.arity}, symbol={self.symbol!r})"

    def __reduce__(self) -> tuple[Callable[[str], CustomOp], tuple[str]]:
        # By name: the loading process must have registered the op (imported its module).
        return (_custom_op_by_name, (self.name,))

    def unregister(self) -> None:
        """Remove the op from the table (and its Value method); graphs made with it keep it."""
        if _REGISTERED.get(self.name) is self:
            del _REGISTERED[self.name]
            del OPS[self.name]
            delattr(Value, self.name)


def _custom_op_by_name(name: str) -> CustomOp:
    registered = _REGISTERED.get(name)
    if registered is None:
        raise LookupError(
            f"no custom op named {name!r} is registered in this process; import the module "
            "that defines it with tinygrad_lite.custom_op before unpickling"
        )
    return registered


Forward = Callable[..., float]


@overload
def custom_op(
    name: str,
    forward: Forward,
    local_grads: Callable[..., Any],
    *,
    symbol: str | None = None,
    replace: bool = False,
) -> CustomOp: ...


@overload
def custom_op(
    name: str,
    forward: None = None,
    local_grads: Callable[..., Any] | None = None,
    *,
    symbol: str | None = None,
    replace: bool = False,
) -> Callable[[Forward], CustomOp]: ...


def custom_op(
    name: str,
    forward: Forward | None = None,
    local_grads: Callable[..., Any] | None = None,
    *,
    symbol: str | None = None,
    replace: bool = False,
) -> CustomOp | Callable[[Forward], CustomOp]:
    """Register a new op in the op table and return it as a function of numbers or Values.

    Two ways to write it::

        softplus = custom_op("softplus", lambda x: math.log1p(math.exp(x)),
                             lambda x, out: 1 / (1 + math.exp(-x)))

        @custom_op("softplus", local_grads=lambda x, out: 1 / (1 + math.exp(-x)))
        def softplus(x):
            return math.log1p(math.exp(x))

    Args:
        name: The op's name: a Python identifier, free in the table and not
            an attribute of ``Value``; it also becomes a ``Value`` method
            (``x.softplus()``).
        forward: The op on floats, ``forward(x)``, ``forward(a, b)`` or more
            positional parameters; their number is the arity. ``None``:
            return a decorator that takes ``forward``.
        local_grads: The local derivative(s): ``local_grads(x, out)`` returns
            ``d out/d x``; with ``n > 1`` inputs, ``local_grads(*inputs, out)``
            returns ``n`` derivatives in order. Written with arithmetic and
            ``tinygrad_lite.math``, it works on Values too, for higher
            derivatives.
        symbol: What the graph drawer writes in the op's node (the name by
            default).
        replace: Redefine a custom op of the same name (as when a notebook
            cell runs again); the table entry is updated in place.

    Returns:
        The op, a :class:`CustomOp`: called on numbers it gives a float, on
        Values (or a mix) a node. It pickles by name.

    Raises:
        TypeError: If ``forward`` or ``local_grads`` is not callable, or their
            signatures do not fit (``local_grads`` must take one more
            argument than ``forward``); at first use, if ``forward`` returns
            something else than a real number or ``local_grads`` the wrong
            number of derivatives.
        ValueError: If the name is not an identifier, is taken by a built-in
            op or a ``Value`` attribute, or by another custom op (without
            ``replace``).
    """
    if forward is None:
        if local_grads is None:
            raise TypeError(
                f"custom_op({name!r}) needs local_grads: custom_op(name, forward, local_grads) "
                "or @custom_op(name, local_grads=...) on the forward function"
            )
        grads = local_grads

        def decorate(function: Forward) -> CustomOp:
            return _register(name, function, grads, symbol, replace)

        return decorate
    if local_grads is None:
        raise TypeError(f"custom_op({name!r}) needs local_grads, the op's local derivative(s)")
    return _register(name, forward, local_grads, symbol, replace)


def _register(
    name: str,
    forward: Forward,
    local_grads: Callable[..., Any],
    symbol: str | None,
    replace: bool,
) -> CustomOp:
    _check_name(name, replace)
    for what, function in (("forward", forward), ("local_grads", local_grads)):
        if not callable(function):
            raise TypeError(
                f"custom_op({name!r}): {what} must be callable, got "
                f"{type(function).__name__}: {function!r}"
            )
    if symbol is not None and (type(symbol) is not str or not symbol):
        raise TypeError(f"custom_op({name!r}): symbol must be a non-empty str, got {symbol!r}")
    count = _arity(name, forward)
    _check_local_grads_signature(name, local_grads, count)
    arity = UNARY if count == 1 else BINARY if count == 2 else VARIADIC
    table_forward, table_grads = _checked(name, forward, local_grads, count)
    previous = _REGISTERED.get(name)
    if previous is not None:  # replace=True, checked above: update the entry in place
        previous.op.symbol = symbol or name
        previous.op.arity = arity
        previous.op.forward = table_forward
        previous.op.local_grads = table_grads
        previous.arity = count
        previous.__doc__ = forward.__doc__
        previous.op.doc = _doc(name, forward)
        setattr(Value, name, method_for(previous.op, count))
        return previous
    op = register(
        Op(name, symbol or name, arity, table_forward, table_grads, doc=_doc(name, forward))
    )
    result = CustomOp(op, count, forward.__doc__)
    _REGISTERED[name] = result
    setattr(Value, name, method_for(op, count))
    return result


def _doc(name: str, forward: Callable[..., Any]) -> str:
    """The entry's doc (its Value method's docstring): the forward's, or a pointer here."""
    return forward.__doc__ or f"The custom op {name!r} (see tinygrad_lite.custom_op)."


def _check_name(name: object, replace: bool) -> None:
    if type(name) is not str or not name.isidentifier() or keyword.iskeyword(name):
        raise ValueError(
            f"custom_op name must be a Python identifier (it names a Value method and a "
            f"variable of compiled code), got {name!r}"
        )
    if name in BUILTIN_OPS:
        raise ValueError(f"custom_op: {name!r} is a built-in op; choose another name")
    if name in _REGISTERED:
        if not replace:
            raise ValueError(
                f"custom_op: an op named {name!r} is already registered; choose another name, "
                "or pass replace=True to redefine it"
            )
        return
    if name in OPS or hasattr(Value, name):
        raise ValueError(
            f"custom_op: {name!r} is already an attribute of Value (or an op); choose another name"
        )


def _parameters(function: Callable[..., Any]) -> list[inspect.Parameter] | None:
    try:
        return list(inspect.signature(function).parameters.values())
    except (TypeError, ValueError):  # some builtins have no signature
        return None


def _arity(name: str, forward: Callable[..., Any]) -> int:
    """How many positional arguments ``forward`` requires."""
    parameters = _parameters(forward)
    if parameters is None:
        raise TypeError(
            f"custom_op({name!r}): the arity is read from forward's signature, and "
            f"{forward!r} has none; wrap it: lambda x: f(x)"
        )
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    for parameter in parameters:
        if parameter.kind is inspect.Parameter.VAR_POSITIONAL:
            raise TypeError(
                f"custom_op({name!r}): forward takes *{parameter.name}; the arity is read from "
                "its signature, so give it fixed parameters: forward(x) or forward(a, b)"
            )
        if (
            parameter.kind is inspect.Parameter.KEYWORD_ONLY
            and parameter.default is parameter.empty
        ):
            raise TypeError(
                f"custom_op({name!r}): forward's keyword-only parameter {parameter.name!r} "
                "has no default; the engine calls forward with positional numbers only"
            )
    count = sum(
        1 for p in parameters if p.kind in positional and p.default is inspect.Parameter.empty
    )
    if count == 0:
        raise TypeError(f"custom_op({name!r}): forward must take at least one argument")
    return count


def _check_local_grads_signature(name: str, local_grads: Callable[..., Any], count: int) -> None:
    try:
        inspect.signature(local_grads).bind(*range(count + 1))
    except ValueError:  # no signature to check
        return
    except TypeError:
        inputs = "x" if count == 1 else ", ".join(f"x{i}" for i in range(count))
        raise TypeError(
            f"custom_op({name!r}): local_grads must take ({inputs}, out), the {count} "
            f"input(s) and the op's result, got the signature "
            f"{inspect.signature(local_grads)}"
        ) from None


def _checked(
    name: str, forward: Forward, local_grads: Callable[..., Any], count: int
) -> tuple[Callable[..., float], Callable[..., Any]]:
    """The table's forward and local_grads, checking what the user's functions return."""

    @functools.wraps(forward)
    def checked_forward(*args: float) -> float:
        try:
            result: Any = forward(*args)
        except Exception as error:
            note = getattr(error, "add_note", None)
            if note is not None:
                note(f"in the forward of custom op {name!r} at {args!r}")
            raise
        if type(result) is float:
            return result
        number = _real_to_float(result) if type(result) is not Value else None
        if number is None:
            raise TypeError(
                f"custom op {name!r}: forward must return a real number on floats, got "
                f"{type(result).__name__}: {result!r} for {args!r}"
            )
        return number

    @functools.wraps(local_grads)
    def checked_grads(*args: Any) -> Any:
        result = local_grads(*args)
        if count == 1:
            if isinstance(result, (tuple, list)):
                raise TypeError(
                    f"custom op {name!r}: local_grads(x, out) must return one derivative, "
                    f"got {len(result)} values: {result!r}"
                )
            return _check_derivative(name, result)
        if not isinstance(result, (tuple, list)) or len(result) != count:
            got = f"{len(result)} values" if isinstance(result, (tuple, list)) else repr(result)
            raise TypeError(
                f"custom op {name!r}: local_grads must return {count} derivatives (one per "
                f"input, in order), got {got}"
            )
        return [_check_derivative(name, d) for d in result]

    if count <= 2:
        return checked_forward, checked_grads

    def forward_of_list(args: Sequence[float]) -> float:
        return checked_forward(*args)

    def grads_of_list(args: Sequence[Any], out: Any) -> Any:
        return checked_grads(*args, out)

    return forward_of_list, grads_of_list


def _check_derivative(name: str, derivative: Any) -> Any:
    if type(derivative) is float or type(derivative) is Value:
        return derivative
    number = _real_to_float(derivative)
    if number is None:
        raise TypeError(
            f"custom op {name!r}: a local derivative must be a number or a Value, got "
            f"{type(derivative).__name__}: {derivative!r}"
        )
    return number
