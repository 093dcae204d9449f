"""``jit=True`` for the functional API: record ``f`` once, replay the compiled graph.

Sits on :mod:`.tracing` and :mod:`tinygrad_lite.graph`, under :mod:`.reverse`
and :mod:`.forward`, whose transformations take the flag. The first call
with a given *shape* records ``f``'s graph, as the plain transformation
does, and compiles it (:class:`~tinygrad_lite.graph.Graph`); later calls with
new numbers of that shape write them into the recorded input leaves and
replay forward and backward (or the forward sweep of ``jvp``), building no
node. The results equal the plain transformation's to the last bit.

A shape is what the graph is made of besides the differentiated numbers:
the nesting of the differentiated arguments, and every other argument and
keyword argument (compared with ``==``; a plain number there is a constant
of the graph, so a new one records again). Up to :data:`CACHE_SIZE` shapes
are kept per function, the least recently used dropped first.

**A wrong graph is never replayed.** A graph is a straight line: it can not
re-take a Python ``if`` on the data. So while ``f`` is being recorded,
every read of a Value's number (a comparison, ``bool()``, ``float()``,
``int()``, an index) marks it *data-dependent*; such a function is recorded
afresh on every call (as without ``jit``), and a
:class:`DataDependentWarning` says once where the read happened. What jit can
not see, as in JAX: Python numbers that ``f`` reads from a closure or a
global are constants of the recorded graph (Values it closes over are fine:
the replay reads their current ``.data``).

A branch taken inside a derivative rule is data-dependent too. When the
recording differentiates on Values (``hessian``, ``grad`` of ``grad``), a
rule that reads its operands' numbers (``abs``'s sign, ``relu``'s step,
``maximum``'s choice) returns the branch it took as a constant of the
recorded graph. Such nodes are *guards*: every replay runs their rules again
on the new numbers and, where a rule now gives something else, that
recording does not apply; another recording of the same shape is tried
(one per side of a kink is kept), else ``f`` is recorded afresh.

Nested calls (inside another transformation, or given Values) and calls
inside ``no_grad`` are not replayed: they run the plain transformation.
"""

from __future__ import annotations

import contextlib
import copy
import math
import sys
import threading
import warnings
import weakref
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from ..engine import Value, is_grad_enabled, total
from ..engine.checks import PACKAGE_DIR as _PACKAGE_DIR
from ..engine.higher_order import local_derivative_graphs
from ..engine.modes import Switch
from ..graph import Graph
from .tracing import Trace, holds_value, nesting_depth, real, trace
from .trees import flatten, short_repr

__all__ = ["CACHE_SIZE", "DataDependentWarning", "Jit", "NotReplayableError"]

CACHE_SIZE = 8
"""Recorded shapes kept per jitted function."""

_FLOATS = {float}

_READS = {
    "float": "float()",
    "int": "int()",
    "index": "use as an index or a count",
    "bool": "bool() (an if or a while on it)",
    "compare": "a comparison",
}


class DataDependentWarning(UserWarning):
    """``jit=True`` found a read of a Value's number while recording, so it records every call.

    The recorded graph could take the other branch of an ``if`` on new
    numbers; rather than ever replay a wrong graph, the function runs as
    without ``jit``. Write the branch with ops (``maximum``, ``relu``,
    ``clamp``, ...) to make it replayable.
    """


class NotReplayableError(Exception):
    """A recording that can not be replayed, and why (reported once, then run plain)."""


class _Tracer:
    """Told about every read of a Value's number while ``f`` is recorded (modes.Mode.tracer).

    A read by the user's code (``if x > 0``) makes the function data-dependent
    (:attr:`reason`). A read inside a derivative rule called on Values
    (``abs``'s sign, while ``create_graph`` records a gradient) is a *guard*:
    the node and the derivatives its rule gave, checked on every replay.
    """

    __slots__ = ("guards", "reason")

    def __init__(self) -> None:
        self.reason: str | None = None
        self.guards: list[Guard] = []

    def read(self, value: Value, how: str) -> None:
        if self.reason is None:
            self.reason = f"{_READS.get(how, how)} of a Value at {_user_line()}"

    def guard(self, node: Value, derivatives: Sequence[Any]) -> None:
        self.guards.append((node, _signature(node, derivatives)))


Guard = tuple[Value, list[Any]]
"""A node whose rule branched on the data, and the signature of what the rule gave."""


def _signature(node: Value, derivatives: Sequence[Any]) -> list[Any]:
    """What a rule gave, as far as a replay depends on it (see :func:`_shape`).

    A derivative for a plain-number operand is never used (and a rule may
    skip it on Values, as pow's does), so it is left out.
    """
    return [
        _shape(derivative, 2)
        for operand, derivative in zip(node.operands, derivatives, strict=True)
        if type(operand) is Value
    ]


def _shape(derivative: Any, depth: int) -> Any:
    """A constant by its bits; a node by its op and, ``depth`` levels down, its operands'."""
    if type(derivative) is not Value:
        number = float(derivative)
        return "nan" if number != number else (number, math.copysign(1.0, number))
    if depth == 0 or derivative.is_leaf:
        return "node"
    return (derivative.op, *(_shape(x, depth - 1) for x in derivative.operands))


class GuardFailedError(Exception):
    """A replay found a derivative rule that now takes another branch: record again."""


def guards_hold(guards: Sequence[Guard]) -> bool:
    """Whether every guarded rule, run again on the replayed numbers, gives what it recorded.

    The rule runs on the Values themselves, as when it was recorded, so it
    tells a derivative that is a graph (``out * log(a)``) from one that is a
    constant (``0.0`` at ``a = 0``), even where the two hold the same number.
    """
    for node, recorded in guards:
        if _signature(node, local_derivative_graphs(node)) != recorded:
            return False
    return True


def _levels_to_user() -> int:
    """The ``stacklevel`` that makes a warning point at the first frame outside the package."""
    frame = sys._getframe(2)  # the caller of the function that warns
    level = 2
    while frame.f_back is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame = frame.f_back
        level += 1
    return level


def _user_line() -> str:
    """``file:line`` of the innermost frame outside this package (the user's code)."""
    frame = sys._getframe(1)
    while frame.f_back is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame = frame.f_back
    return f"{frame.f_code.co_filename}:{frame.f_lineno}"


# A replay takes the differentiated numbers (flat, in order) and the call's
# extra argument (jvp's tangents; None otherwise), and returns the result.
Replay = Callable[[list[float], Any], Any]


class Jit:
    """The cache of recorded shapes of one transformed function, and the dispatch.

    Args:
        name: The transformation's name, for messages (``"grad"``).
        f: The user's function.
        positions: The differentiated argument positions (None: every positional one).
        plain: The transformation without jit (nested calls, no_grad), called
            with the call's extra argument and then its arguments.
        finish: The plain transformation's work after recording: (Trace,
            extra) to the result.
        compile_replay: A Trace (recorded under the tracer) to its replay, or
            raises :class:`NotReplayableError`.
    """

    def __init__(
        self,
        name: str,
        f: Callable[..., Any],
        positions: tuple[int, ...] | None,
        plain: Callable[..., Any],
        finish: Callable[[Trace, Any], Any],
        compile_replay: Callable[[Trace], Replay],
    ) -> None:
        self.name = name
        self.f = f
        self.positions = positions
        self.plain = plain
        self.finish = finish
        self.compile_replay = compile_replay
        self.entries: list[tuple[Any, Any, Replay]] = []  # (shape, constants, replay), newest last
        self.warned = False
        self.recordings = 0
        self.replays = 0
        self._lock = threading.Lock()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.run(args, kwargs, None)

    def run(self, args: tuple[Any, ...], kwargs: dict[str, Any], extra: Any) -> Any:
        """The transformation at ``args``: replayed when this shape was recorded."""
        positions = tuple(range(len(args))) if self.positions is None else self.positions
        if nesting_depth() > 0 or not is_grad_enabled() or len(args) <= max(positions):
            return self.plain(extra, *args, **kwargs)
        # NOTE: a Value among the differentiated arguments makes _shape give up
        # (the call is nested); among the others it is looked for here.
        shape, numbers = self._shape(args, positions)
        if len(positions) == len(args) and not kwargs:
            constants: Any = None
        else:
            constants = ([a for i, a in enumerate(args) if i not in positions], kwargs)
            if holds_value(constants):
                numbers = None
        if numbers is None:  # nested, or not a number: the plain path does it (or says why)
            return self.plain(extra, *args, **kwargs)
        for replay in self._candidates(shape, constants):
            try:
                result = replay(numbers, extra)
            except GuardFailedError:  # a rule branches otherwise here: another recording
                continue
            self.replays += 1
            self._touch(replay)
            return result
        tracer = _Tracer()
        with Switch("tracer", tracer):
            run = trace(self.name, self.f, args, kwargs, positions)
        run.guards = tracer.guards
        self.recordings += 1
        if tracer.reason is not None:
            self._warn_once(f"it reads the data: {tracer.reason}")
            return self.finish(run, extra)
        try:
            replay = self.compile_replay(run)
        except NotReplayableError as why:
            self._warn_once(str(why))
            return self.finish(run, extra)
        try:
            result = replay(numbers, extra)
        except GuardFailedError:  # a rule on Values that its float form does not reproduce
            return self.finish(run, extra)
        self._store(shape, constants, replay)
        return result

    def _shape(
        self, args: tuple[Any, ...], positions: tuple[int, ...]
    ) -> tuple[Any, list[float] | None]:
        """The nesting of the differentiated arguments and their numbers (None: not numbers)."""
        structures: list[Any] = []
        numbers: list[float] = []
        for position in positions:
            argument = args[position]
            kind = type(argument)
            if kind is float:
                numbers.append(argument)
                structures.append(None)
            elif (kind is list or kind is tuple) and set(map(type, argument)) == _FLOATS:
                numbers.extend(argument)  # the common flat case, checked at C speed
                structures.append((kind, len(argument)))
            else:
                leaves, _, structure = flatten(argument, f"argument {position}")
                for leaf in leaves:
                    number = real(leaf)
                    if number is None:
                        return None, None
                    numbers.append(number)
                structures.append(tuple(structure))
        return (len(args), tuple(structures)), numbers

    def _candidates(self, shape: Any, constants: Any) -> Iterator[Replay]:
        """The recordings of this shape, the most recently used first.

        A shape has several when derivative rules branched differently at
        different points (``abs(x) * x`` at -3 and at 2): each replay checks
        its own branches, and the first whose branches hold answers.
        """
        entries = self.entries
        if entries:  # the most recent shape first, without the lock (a read of one item)
            known, recorded, replay = entries[-1]
            if known == shape and (recorded is constants or _same_constants(recorded, constants)):
                yield replay
        with self._lock:
            older = [
                replay
                for known, recorded, replay in self.entries[-2::-1]
                if known == shape and _same_constants(recorded, constants)
            ]
        yield from older

    def _touch(self, replay: Replay) -> None:
        """Make ``replay`` the most recently used (the last entry)."""
        entries = self.entries
        if entries and entries[-1][2] is replay:
            return
        with self._lock:
            for i, entry in enumerate(entries):
                if entry[2] is replay:
                    entries.append(entries.pop(i))
                    return

    def _store(self, shape: Any, constants: Any, replay: Replay) -> None:
        try:
            kept = copy.deepcopy(constants)  # so an argument changed in place is noticed
        except Exception:  # an object that can not be copied: compared by identity
            kept = constants
        with self._lock:
            self.entries.append((shape, kept, replay))
            del self.entries[:-CACHE_SIZE]

    def _warn_once(self, why: str) -> None:
        if self.warned:
            return
        self.warned = True
        name = getattr(self.f, "__qualname__", repr(self.f))
        warnings.warn(
            f"{self.name}(..., jit=True) of {name}: {why}; a replay could follow the wrong "
            "graph, so it is recorded again on every call (as without jit)",
            DataDependentWarning,
            stacklevel=_levels_to_user(),
        )


def _same_constants(recorded: Any, given: Any) -> bool:
    """Whether the non-differentiated arguments match the recorded ones (== where defined)."""
    try:
        result = recorded == given
    except Exception:  # numpy arrays and the like: no single truth value
        return False
    return result is True


_JVP_CACHES: weakref.WeakKeyDictionary[Any, Jit] = weakref.WeakKeyDictionary()
_JVP_LOCK = threading.Lock()


def jit_for(f: Callable[..., Any], make: Callable[[], Jit]) -> Jit:
    """The :class:`Jit` kept for ``f`` itself (``jvp`` is called with ``f`` every time)."""
    with _JVP_LOCK:
        try:
            jit = _JVP_CACHES.get(f)
        except TypeError:  # not weakly referenceable: nothing to keep it by
            return make()
        if jit is None:
            jit = make()
            with contextlib.suppress(TypeError):  # not weakly referenceable after all
                _JVP_CACHES[f] = jit
        return jit


# ---------------------------------------------------------------------------
# Replays built on compiled graphs.


class GraphReplay:
    """The recorded graph of some outputs, compiled: set the inputs, replay forward.

    Args:
        run: The recording.
        outputs: The Values to recompute (each must be a node of the recording).
    """

    def __init__(self, run: Trace, outputs: Sequence[Value]) -> None:
        self.inputs = run.inputs
        self.guards = run.guards
        # The guarded nodes are recomputed too, to be checked.
        everything = [*outputs, *(node for node, _ in self.guards)]
        root = everything[0] if len(everything) == 1 else total(everything)
        self.forward_graph = Graph(root)
        self.outputs = list(outputs)
        ours = run.ours
        # Leaves the function closed over (model weights, say): their .grad is
        # the user's, saved and restored around each backward.
        self.outside = [
            leaf for leaf in self.forward_graph.nodes if leaf.is_leaf and id(leaf) not in ours
        ]

    def forward(self, numbers: list[float]) -> None:
        """Write ``numbers`` into the input leaves and recompute every node.

        Raises:
            GuardFailedError: If a derivative rule recorded on Values branches
                otherwise on these numbers: this recording does not apply.
        """
        for leaf, number in zip(self.inputs, numbers, strict=True):
            leaf.data = number
        self.forward_graph.forward()
        if self.guards and not guards_hold(self.guards):
            raise GuardFailedError

    def gradients(self, output_graph: Graph) -> list[Any]:
        """``d output / d input`` for every input (compiled backward); .grad left as it was."""
        saved = [leaf.grad for leaf in self.outside]
        try:
            for leaf in self.inputs:
                leaf.grad = 0.0
            output_graph.backward()
            return [leaf.grad for leaf in self.inputs]
        finally:
            for leaf, grad in zip(self.outside, saved, strict=True):
                leaf.grad = grad


def check_aux(aux: Any, graph_nodes: set[Value]) -> None:
    """An aux tree is replayable when every Value in it is recomputed by the graph."""
    leaves, _, _ = flatten(aux, "aux")
    for leaf in leaves:
        if type(leaf) is Value and leaf not in graph_nodes:
            raise NotReplayableError(
                f"its aux holds a Value the output does not depend on ({short_repr(leaf)}), "
                "which a replay would leave stale"
            )
