"""Generated code: an optional, bit-identical speed layer over the readable engine.

Sits on the engine. The engine's backward (:mod:`tinygrad_lite.engine.backward`)
is a short loop over the op table: for every node, for every operand,
``operand.grad += node.grad * local``. That loop is the definition. This
package makes the same arithmetic faster by writing Python source from each
op's own rules and compiling it once:

* :mod:`.inline` traces a rule (``tanh``'s ``1 - out*out``) into source text;
* :mod:`.kernels` writes one backward kernel per op (and operand count);
* :mod:`.forwards` writes the n-ary forwards (``dot``, ``total``);
* :class:`tinygrad_lite.graph.Graph` writes a whole graph's two passes.

The generated code performs the same float operations, in the same order,
as the reference code, so every number is the same to the last bit.
Generated code is on by default; ``TINYGRAD_LITE_KERNELS=0`` in the
environment (read at import) or :func:`use_kernels` turns it off, and then
the engine runs its reference loops. :func:`kernel_source` shows the source
of an op's kernel::

    >>> print(kernel_source("mul"))  # doctest: +ELLIPSIS
    def kernel(node):
        g = node.grad
    ...
"""

from __future__ import annotations

import os
from types import TracebackType

from ..engine import backward as _backward
from ..engine import nary as _nary
from ..ops import VARIADIC, op_by_name
from . import forwards, kernels

__all__ = ["kernel_source", "kernels_enabled", "use_kernels"]

_enabled = False


def kernels_enabled() -> bool:
    """Whether generated code runs (True unless switched off)."""
    return _enabled


def _switch(on: bool) -> None:
    global _enabled
    _enabled = on
    _backward.set_fast_backpropagate(kernels.backpropagate if on else None)
    _nary.set_fast_nary_forward(forwards.nary_forward if on else None)


class use_kernels:  # noqa: N801 - a function to the user, usable as a context manager
    """Switch generated code on or off, for the whole process.

    ``use_kernels(False)`` makes eager backward, n-ary forwards and
    :class:`~tinygrad_lite.graph.Graph` replay run the engine's reference
    code; every result is bit-identical either way. Called plainly it
    switches until told otherwise; in a ``with`` block it switches back
    to the previous setting at the end::

        with use_kernels(False):
            loss.backward()  # engine/backward.py's backpropagate, line by line

    Args:
        enabled: True for generated code, False for the reference code.

    Raises:
        TypeError: If ``enabled`` is not a bool.
    """

    def __init__(self, enabled: bool) -> None:
        if type(enabled) is not bool:
            raise TypeError(
                f"use_kernels() takes True or False, got {type(enabled).__name__}: {enabled!r}"
            )
        self.previous = _enabled
        _switch(enabled)

    def __enter__(self) -> use_kernels:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        _switch(self.previous)


def kernel_source(op: str, count: int | None = None) -> str:
    """The Python source of the backward kernel generated for ``op``.

    It can be read before the kernel is first used; the text is exactly what
    is compiled.

    Args:
        op: An op's name (``"mul"``, ``"tanh"``, a custom op's name).
        count: For an n-ary op (``dot``, ``total``), the number of operands to
            unroll for; without it, the loop that serves any count.

    Raises:
        LookupError: If no op of that name is registered.
        TypeError: If ``count`` is given for an op that is not n-ary.
    """
    if type(op) is not str:
        raise TypeError(f"kernel_source() takes an op's name, got {type(op).__name__}: {op!r}")
    entry = op_by_name(op)
    if count is not None and entry.arity != VARIADIC:
        raise TypeError(f"kernel_source({op!r}): count is only for n-ary ops, not {op!r}")
    return kernels.source_of(entry, count)


def _from_environment() -> bool:
    setting = os.environ.get("TINYGRAD_LITE_KERNELS", "1").strip().lower()
    return setting not in ("0", "false", "no", "off")


_switch(_from_environment())
