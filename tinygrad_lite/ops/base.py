"""The :class:`Op` record, the arities, and the registry every op lives in.

Sits at the very bottom of the package. The built-in ops are registered by
:mod:`tinygrad_lite.ops` when it is imported; user-defined ops
(:func:`tinygrad_lite.custom_op`) are registered here too, so the engine, the
compiled replay and the drawer never tell the two apart.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

UNARY = 1
BINARY = 2
VARIADIC = 3

OPS: dict[str, Op] = {}
"""Every op by name: the built-ins, then any registered with ``custom_op``."""


class Op:
    """One differentiable operation: name, symbol, arity, forward, local derivative.

    Attributes:
        name: The op's name, also the name of the ``Value`` method (``"tanh"``).
        symbol: What the graph drawer writes in the op's node (``"*"``).
        arity: ``UNARY``, ``BINARY`` or ``VARIADIC``.
        forward: The op on floats (see :mod:`tinygrad_lite.ops` for signatures).
        local_grads: The local derivative(s); works on floats and on Values.
        doc: What the op computes and its derivative, in a sentence or two
            (by default the docstring of ``local_grads``): the docstring of
            its Value method and ``tinygrad_lite.math`` function.
        kernel: The engine's backward step for this op, generated from
            ``local_grads`` on first use (None until then).
        derived: Everything else generated from ``forward`` and
            ``local_grads`` (inline source, n-ary forwards), by key.

    ``kernel`` and ``derived`` are caches, not part of the definition: setting
    ``forward`` or ``local_grads`` empties them, so whatever is generated next
    follows the new rule.
    """

    __slots__ = ("arity", "derived", "doc", "forward", "kernel", "local_grads", "name", "symbol")

    name: str
    symbol: str
    arity: int
    forward: Callable[..., float]
    local_grads: Callable[..., Any]
    doc: str
    kernel: Callable[[Any], None] | None
    derived: dict[Any, Any]

    def __init__(
        self,
        name: str,
        symbol: str,
        arity: int,
        forward: Callable[..., float],
        local_grads: Callable[..., Any],
        doc: str = "",
    ) -> None:
        self.name = name
        self.symbol = symbol
        self.arity = arity
        self.forward = forward
        self.local_grads = local_grads
        self.doc = doc or local_grads.__doc__ or ""

    def __setattr__(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)
        if name in ("forward", "local_grads"):
            object.__setattr__(self, "kernel", None)
            object.__setattr__(self, "derived", {})

    def __repr__(self) -> str:
        return f"Op({self.name!r})"

    def __reduce__(self) -> tuple[Callable[[str], Op], tuple[str]]:
        # Ops are singletons: pickle them by name so an unpickled graph shares them.
        return (op_by_name, (self.name,))


def op_by_name(name: str) -> Op:
    """The registered op called ``name`` (how pickled graphs find their ops).

    Raises:
        LookupError: If no op of that name is registered in this process, as
            when a graph that uses a custom op is unpickled before the module
            that defines the op was imported.
    """
    op = OPS.get(name)
    if op is None:
        raise LookupError(
            f"no op named {name!r} is registered in this process; if it is a custom op, "
            "import the module that defines it (with tinygrad_lite.custom_op) before "
            "unpickling a graph that uses it"
        )
    return op


def register(op: Op) -> Op:
    """Add ``op`` to the table under its name (the name must be free)."""
    if op.name in OPS:
        raise ValueError(f"an op named {op.name!r} is already registered")
    OPS[op.name] = op
    return op
