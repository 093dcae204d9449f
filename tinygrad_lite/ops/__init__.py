"""The op table: every differentiable operation, defined once, on plain floats.

This is the bottom layer of the package; it imports nothing from it. Each
:class:`Op` holds an operation's name, the symbol the graph drawer prints,
its arity, the forward function on floats and its *local derivative*: the
partial derivative of the op's output with respect to each input.

The local-derivative rules are written so that they work on floats (the fast
eager ``backward``) and on :class:`~tinygrad_lite.engine.Value` objects (the
higher-order ``backward(create_graph=True)``): they use only arithmetic,
comparisons of ``.data`` and the helpers of :mod:`.generic`, never ``math``
directly on an argument that may be a ``Value``.

Every forward function follows IEEE 754 instead of raising: ``1/0`` is
``inf``, ``0/0`` and ``log(-1)`` are ``nan``, ``exp(1000)`` overflows to
``inf``. Python's own ``ZeroDivisionError``, ``OverflowError`` and
``ValueError`` from ``math`` never escape (see :mod:`.ieee`).

Arities:

* ``UNARY``: ``forward(x)``, ``local_grads(x, out)`` returns ``d out/d x``.
* ``BINARY``: ``forward(a, b)``, ``local_grads(a, b, out)`` returns the pair
  ``(d out/d a, d out/d b)``. One of ``a``, ``b`` may be a plain number (the
  3 of ``x ** 3``): the engine then uses only the other half of the pair.
* ``VARIADIC``: ``forward(args)``, ``local_grads(args, out)`` returns one
  local derivative per argument, in order.

The package is split by kind: :mod:`.core` (micrograd's ops: ``+ - * / **``,
negation, exp, log, tanh, relu), :mod:`.arithmetic`, :mod:`.elementary`,
:mod:`.piecewise` and :mod:`.reductions` hold the rules next to their
entries; :mod:`.ieee` the float forwards; :mod:`.base` the :class:`Op`
record and the registry that user-defined ops (``custom_op``) join.
"""

from __future__ import annotations

from . import arithmetic, core, elementary, piecewise, reductions
from .base import BINARY, OPS, UNARY, VARIADIC, Op, op_by_name, register
from .ieee import ieee_div, ieee_pow

__all__ = [
    "BINARY",
    "BUILTIN_OPS",
    "OPS",
    "UNARY",
    "VARIADIC",
    "Op",
    "ieee_div",
    "ieee_pow",
    "op_by_name",
]

for _op in (
    *core.ENTRIES,
    *arithmetic.ENTRIES,
    *elementary.ENTRIES,
    *piecewise.ENTRIES,
    *reductions.ENTRIES,
):
    register(_op)

BUILTIN_OPS: frozenset[str] = frozenset(OPS)
"""The names of the ops that ship with the library (``custom_op`` adds others)."""
