"""The engine's per-thread modes: ``no_grad``, ``detect_anomaly``, and how they heal.

Sits on the standard library only, under :mod:`tinygrad_lite.engine`, which
re-exports :func:`no_grad`, :func:`detect_anomaly` and
:func:`is_grad_enabled`. A mode is switched for the body of a ``with`` block
(or a decorated function) in the calling thread alone.

Two promises shape this module:

* **The fast path costs one check.** Every op asks one module-level list,
  :data:`SWITCHED`, whether any thread has a mode switched at all. It holds
  one thread id per active switch, so while no thread is inside a
  ``no_grad``/``detect_anomaly`` block it is empty and ops never touch the
  thread-local state.
* **An interrupt can not leave a mode switched.** ``__enter__`` and
  ``__exit__`` are Python code, and an asynchronous ``KeyboardInterrupt``
  can land between any two of their bytecodes. So every switch records the
  frame that entered it, and the state is changed in an order that keeps
  the record complete: the thread id goes into :data:`SWITCHED` before the
  record is pushed, the record is pushed before the mode changes, and on the
  way out the mode is restored before the record is popped. Whatever an
  interrupt cut short, the record is still there; once the frame that
  entered the block is no longer executing, the next op, or call of
  :func:`is_grad_enabled`, :func:`no_grad` or :func:`detect_anomaly`, finds
  the record stale and restores the mode it saved (:func:`current`).

A block entered inside a generator or coroutine is restored only by its own
exit: a suspended generator's frame is not on the stack, and it is not
finished either.
"""

from __future__ import annotations

import functools
import sys
import threading
from collections.abc import Callable
from types import FrameType, TracebackType
from typing import Any, TypeVar

__all__ = [
    "SWITCHED",
    "Switch",
    "current",
    "detect_anomaly",
    "is_grad_enabled",
    "no_grad",
]

_F = TypeVar("_F", bound=Callable[..., Any])

# CO_GENERATOR | CO_COROUTINE | CO_ITERABLE_COROUTINE | CO_ASYNC_GENERATOR
_SUSPENDABLE = 0x20 | 0x80 | 0x100 | 0x200

_get_ident = threading.get_ident
_getframe = sys._getframe


class Mode(threading.local):
    """One thread's switches.

    Attributes:
        recording: False inside :func:`no_grad`: ops compute data, record no graph.
        anomaly: True inside :func:`detect_anomaly`.
        tracer: While ``jit`` records a function, the object told about reads
            of a Value's number (None otherwise).
        switches: One ``(frame, field, previous value)`` record per active
            switch, innermost last.
    """

    recording: bool
    anomaly: bool
    tracer: Any
    switches: list[tuple[FrameType, str, Any]]

    def __init__(self) -> None:
        self.recording = True
        self.anomaly = False
        self.tracer = None
        self.switches = []


MODE = Mode()
"""The calling thread's modes (a ``threading.local``)."""

SWITCHED: list[int] = []
"""One thread id per active switch, in any thread; empty: every thread is in the default mode."""


def _running(frame: FrameType) -> bool:
    """True while ``frame`` is on the calling thread's stack (or may resume: a generator)."""
    current: FrameType | None = _getframe(1)
    while current is not None:
        if current is frame:
            return True
        current = current.f_back
    return bool(frame.f_code.co_flags & _SUSPENDABLE)


def current() -> Mode:
    """The calling thread's modes, with every switch whose block is gone undone first.

    Cheap when nothing is stale: it looks for the innermost switch's frame on
    the stack, which inside the block is a few frames up.
    """
    mode = MODE
    switches = mode.switches
    if switches:
        if not _running(switches[-1][0]):
            _undo_stale(mode)
    elif SWITCHED:
        _forget_thread()
    return mode


def _undo_stale(mode: Mode) -> None:
    # NOTE: each step leaves a record that makes repeating it harmless, so an
    # interrupt inside this repair is itself repaired by the next call.
    switches = mode.switches
    while switches and not _running(switches[-1][0]):
        _, field, previous = switches[-1]
        setattr(mode, field, previous)
        switches.pop()
    ident = _get_ident()
    extra = SWITCHED.count(ident) - len(switches)
    for _ in range(extra):
        SWITCHED.remove(ident)
    for _ in range(-extra):
        SWITCHED.append(ident)


def _forget_thread() -> None:
    """This thread has no switch: drop any id an interrupted exit left behind."""
    ident = _get_ident()
    while ident in SWITCHED:
        SWITCHED.remove(ident)


class Switch:
    """Sets one mode field for a ``with`` block, or for every call of a decorated function.

    Args:
        field: The :class:`Mode` attribute (``"recording"``, ``"anomaly"``, ``"tracer"``).
        value: Its value inside the block.
    """

    __slots__ = ("field", "value")

    def __init__(self, field: str, value: Any) -> None:
        self.field = field
        self.value = value

    def __enter__(self) -> None:
        frame = _getframe(1)
        mode = current()
        record = (frame, self.field, getattr(mode, self.field))
        SWITCHED.append(_get_ident())
        mode.switches.append(record)
        setattr(mode, self.field, self.value)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        frame = _getframe(1)
        mode = MODE
        switches = mode.switches
        for i in range(len(switches) - 1, -1, -1):
            if switches[i][0] is frame and switches[i][1] == self.field:
                setattr(mode, self.field, switches[i][2])
                del switches[i]
                SWITCHED.remove(_get_ident())
                return

    def __call__(self, function: _F) -> _F:
        """Use as a decorator: the switch holds for every call of ``function``."""
        field, value = self.field, self.value

        @functools.wraps(function)
        def switched(*args: Any, **kwargs: Any) -> Any:
            with Switch(field, value):
                return function(*args, **kwargs)

        return switched  # type: ignore[return-value]

    def __repr__(self) -> str:
        return f"Switch({self.field!r}, {self.value!r})"


def no_grad() -> Switch:
    """Inside, ops compute data but record no graph (results are leaves).

    Thread-local, nestable, usable as a decorator (``@no_grad()``), and safe
    against Ctrl-C: a block cut short by an interrupt is undone as soon as the
    frame that entered it has finished (see the module docstring).
    """
    return Switch("recording", False)


def detect_anomaly() -> Switch:
    """Inside, the first op that makes nan or inf from finite inputs raises.

    Thread-local, nestable, usable as a decorator, and safe against Ctrl-C
    like :func:`no_grad`. (``float()`` of a Value warns
    ``GradientLostWarning`` outside ``no_grad``, inside this block or not.)

    Raises:
        FloatingPointError: Naming the op and its input values (from the op,
            inside the block).
    """
    return Switch("anomaly", True)


def is_grad_enabled() -> bool:
    """False inside :func:`no_grad` (in this thread)."""
    return current().recording
