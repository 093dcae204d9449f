"""``Module``, the base class of every model, as ``torch.nn.Module``.

Sits on :mod:`tinygrad_lite.engine`. A Module registers what it holds by
itself: assigning a :class:`~tinygrad_lite.engine.Value`, a Module, or a
list, tuple or dict of them (nested as deep as you like) to an attribute
records the attribute's name, in assignment order. The objects stay ordinary
instance attributes, so reading ``self.w`` on the hot path costs what it
always did; only the *write* goes through :meth:`Module.__setattr__`, which
appends the name to a list beside them. (The walks read attributes with
``getattr``, never through ``__dict__``: on CPython 3.11 touching an
instance's ``__dict__`` turns its compact attribute storage into a real
dict, and every later ``self.w`` gets about twice as slow.)

Everything else follows from that list: :meth:`Module.parameters`,
:meth:`Module.named_parameters` (names follow the attribute path,
``l1.neurons.0.w.1``), :meth:`Module.children`, :meth:`Module.modules`,
:meth:`Module.train` / :meth:`Module.eval`, the ``repr`` tree, and the state
(:meth:`Module.state_dict`, :meth:`Module.save`). A container is inspected
when it is assigned: it is registered when every item is a Value, a Module or
such a container (an empty one counts, so ``self.layers = []`` then
``append`` works). Its items are read when the model is walked, so a
registered list may grow later.
"""

from __future__ import annotations

import json
import numbers
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import reduce
from operator import add, mul
from typing import Any, NamedTuple

from ..engine import Value, no_grad
from ..ops import OPS
from .format import FORMAT, FORMAT_VERSION, read_model_file

__all__ = ["FloatStep", "IncompatibleKeys", "Module"]


FloatStep = tuple[list[list[float]] | None, list[float] | None, str | None]
"""One step of a graph-free forward: weight rows, biases (None: no affine map), activation."""

# NOTE: the registry itself and the mode flag are plain attributes, never members.
_UNREGISTERED = frozenset({"_registered", "training"})
_ONLY_VALUES = {Value}


def _is_member(value: Any) -> bool:
    """True for what a Module registers: a Value, a Module, or a container of only those.

    Iterative, with a memo, so a list that contains itself is refused, not a
    RecursionError.
    """
    stack = [value]
    seen: set[int] = set()
    while stack:
        item = stack.pop()
        if isinstance(item, (Value, Module)):
            continue
        kind = type(item)
        if kind is not list and kind is not tuple and kind is not dict:
            return False
        if id(item) in seen:
            return False
        seen.add(id(item))
        if kind is dict:
            if not all(type(key) is str for key in item):
                return False
            stack.extend(item.values())
        else:
            stack.extend(item)
    return True


def _is_data_descriptor(cls: type, name: str) -> bool:
    """True when ``name`` is a property (or another data descriptor) of ``cls``."""
    return hasattr(type(getattr(cls, name, None)), "__set__")


def _items(container: Any) -> Iterator[tuple[str, Any]]:
    if type(container) is dict:
        return iter(container.items())
    return ((str(i), item) for i, item in enumerate(container))


def _direct(value: Any, path: str) -> Iterator[tuple[str, Value | Module]]:
    """The Values and Modules inside ``value`` (not inside those Modules), with paths."""
    if isinstance(value, (Value, Module)):
        yield path, value
    elif type(value) in (list, tuple, dict):
        for key, item in _items(value):
            yield from _direct(item, f"{path}.{key}")


def _gather(module: Module, found: list[Value], seen: set[int]) -> None:
    """Append every Value under ``module`` (through containers and sub-Modules) to ``found``."""
    for name in getattr(module, "_registered", ()):
        value = getattr(module, name)
        kind = type(value)
        if kind is Value:
            found.append(value)
        elif kind is list and set(map(type, value)) == _ONLY_VALUES:  # a neuron's weights
            found.extend(value)
        else:
            _gather_items((value,), found, seen)


def _gather_items(items: Any, found: list[Value], seen: set[int]) -> None:
    if set(map(type, items)) == _ONLY_VALUES:  # a neuron's weights: at C speed
        found.extend(items)
        return
    for item in items:
        kind = type(item)
        if kind is Value:
            found.append(item)
        elif kind is list or kind is tuple:
            _gather_items(item, found, seen)
        elif kind is dict:
            _gather_items(list(item.values()), found, seen)
        elif isinstance(item, Module):
            if id(item) not in seen:
                seen.add(id(item))
                _gather(item, found, seen)
        elif isinstance(item, Value):
            found.append(item)


def _output_floats(out: Any) -> list[float]:
    if isinstance(out, Value):
        return [out.data]
    if isinstance(out, (list, tuple)):
        return [item.data if isinstance(item, Value) else float(item) for item in out]
    return [float(out)]


def _state_number(name: str, value: Any) -> float:
    """A state entry as a float: a real number (not a bool) inside the float range."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(
            f"state_dict entry {name!r} must be a single number, "
            f"got {type(value).__name__}: {value!r}"
        )
    try:
        return float(value)
    except OverflowError:
        raise ValueError(f"state_dict entry {name!r} is a number beyond the float range") from None


class IncompatibleKeys(NamedTuple):
    """What :meth:`Module.load_state_dict` left out with ``strict=False`` (as torch's)."""

    missing_keys: list[str]
    unexpected_keys: list[str]


class Module:
    """Base class of every model, as ``torch.nn.Module``.

    Subclass it, assign parameters (Values) and sub-Modules as attributes in
    ``__init__``, and define :meth:`forward`; calling the module calls
    ``forward``. Nothing else is needed: no ``super().__init__()`` call is
    required (it is harmless), and ``parameters()`` finds everything::

        class Net(Module):
            def __init__(self):
                self.l1 = Layer(2, 16)
                self.l2 = Layer(16, 1, activation=None)

            def forward(self, x):
                return self.l2(self.l1.outputs(x))

    Attributes:
        training: True in training mode (the default), False after
            :meth:`eval`; :class:`~tinygrad_lite.nn.Dropout` reads it.

    Differences from torch, on purpose: :meth:`parameters` returns a list
    (micrograd's habit), and :meth:`zero_grad` sets ``0.0`` unless
    ``set_to_none=True`` (see there).
    """

    training: bool = True

    def __setattr__(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)
        if name in _UNREGISTERED:
            return
        registry: list[str] | None = getattr(self, "_registered", None)
        if _is_member(value) and not _is_data_descriptor(type(self), name):
            if registry is None:
                object.__setattr__(self, "_registered", [name])
            elif name not in registry:
                registry.append(name)
        elif registry is not None and name in registry:
            registry.remove(name)

    def __delattr__(self, name: str) -> None:
        object.__delattr__(self, name)
        registry: list[str] | None = getattr(self, "_registered", None)
        if registry is not None and name in registry:
            registry.remove(name)

    # -- what it holds ------------------------------------------------------

    def _members(self) -> Iterator[tuple[str, Value | Module]]:
        """Every Value and Module held directly (through containers), with its path."""
        for name in list(getattr(self, "_registered", ())):
            yield from _direct(getattr(self, name), name)

    def parameters(self, recurse: bool = True) -> list[Value]:
        """Every parameter, each once, in the order of :meth:`named_parameters`.

        Args:
            recurse: Include the parameters of sub-Modules (True) or only the
                Values this module holds itself (False).
        """
        if not recurse:
            return list(dict.fromkeys(v for _, v in self._members() if isinstance(v, Value)))
        found: list[Value] = []
        _gather(self, found, {id(self)})
        # NOTE: a Value held twice (tied weights) is one parameter, as in torch.
        return list(dict.fromkeys(found))

    def named_parameters(
        self, prefix: str = "", recurse: bool = True
    ) -> Iterator[tuple[str, Value]]:
        """Yield ``(dotted_name, parameter)`` pairs, each parameter once, in a stable order.

        A name is the attribute path to the Value: ``l1.neurons.3.w.1`` is
        item 1 of the list ``w`` of item 3 of the list ``neurons`` of the
        attribute ``l1``. A parameter reachable twice keeps its first name.
        """
        seen_values: set[int] = set()
        seen_modules: set[int] = set()
        for name, value in self._walk(prefix, recurse, seen_modules):
            if isinstance(value, Value) and id(value) not in seen_values:
                seen_values.add(id(value))
                yield name, value

    def _walk(
        self, prefix: str, recurse: bool, seen_modules: set[int]
    ) -> Iterator[tuple[str, Value | Module]]:
        seen_modules.add(id(self))
        head = f"{prefix}." if prefix else ""
        for path, value in self._members():
            yield head + path, value
            if recurse and isinstance(value, Module) and id(value) not in seen_modules:
                yield from value._walk(head + path, recurse, seen_modules)

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """Yield ``(name, module)`` for each direct sub-Module, each once."""
        seen: set[int] = set()
        for path, value in self._members():
            if isinstance(value, Module) and id(value) not in seen:
                seen.add(id(value))
                yield path, value

    def children(self) -> Iterator[Module]:
        """Each direct sub-Module, once."""
        for _, module in self.named_children():
            yield module

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """Yield ``("", self)`` and then every sub-Module with its path, each once."""
        yield prefix, self
        seen = {id(self)}
        for name, value in self._walk(prefix, True, set()):
            if isinstance(value, Module) and id(value) not in seen:
                seen.add(id(value))
                yield name, value

    def modules(self) -> Iterator[Module]:
        """This module and every sub-Module, each once, parents before children."""
        for _, module in self.named_modules():
            yield module

    def apply(self, fn: Callable[[Module], object]) -> Module:
        """Call ``fn`` on every sub-Module (children first) and then on this one; returns self."""
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    # -- modes and gradients ------------------------------------------------

    def train(self, mode: bool = True) -> Module:
        """Set training mode (``mode=True``) or evaluation mode on this module and all below.

        Returns:
            The module itself, so ``model = Net().train()`` works.

        Raises:
            ValueError: If ``mode`` is not a bool.
        """
        if type(mode) is not bool:
            raise ValueError(f"train(mode) takes True or False, got {mode!r}")
        for module in list(self.modules()):
            module.training = mode
        return self

    def eval(self) -> Module:
        """Evaluation mode: ``train(False)`` (Dropout passes its input through)."""
        return self.train(False)

    def zero_grad(self, set_to_none: bool = False) -> None:
        """Clear every parameter's gradient before the next ``backward``.

        Args:
            set_to_none: Set ``.grad = None`` instead of ``0.0``; an optimizer
                then skips the parameters that the next backward pass does
                not reach, as torch does. torch's default is True (it saves
                memory on tensors); here it is False, because a plain loop
                ``p.data -= lr * p.grad`` over ``model.parameters()`` must keep
                working for a parameter the loss does not use.
        """
        # NOTE: Any, so this reads the same whether Value.grad admits None or not.
        grad: Any = None if set_to_none else 0.0
        for p in self.parameters():
            p.grad = grad

    # -- forward ------------------------------------------------------------

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """The module applied to its input; subclasses define it."""
        raise NotImplementedError(f"{type(self).__name__} does not define forward()")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(*args, **kwargs)

    def outputs(self, x: Sequence[Value | float]) -> list[Value]:
        """The module's outputs for one input vector, always as a list."""
        out = self(x)
        if isinstance(out, Value):
            return [out]
        return list(out)

    def _replay_safe(self) -> bool | None:
        """True when this module's own forward is a fixed chain of ops for every input.

        Then a graph recorded once (``fit(compile=...)``) replays it exactly.
        Only the built-in classes say so (a subclass of one does not inherit
        the promise: its ``forward`` may branch on the data), and for any
        other class the answer is None: only its author knows.
        """
        return True if type(self).__dict__.get("_replayable", False) else None

    # -- graph-free inference -----------------------------------------------

    def _float_steps(self) -> list[FloatStep] | None:
        """The forward as plain-float steps, or None when it is not such a chain."""
        return None

    def predict_floats(self, rows: Sequence[Sequence[float]]) -> list[list[float]]:
        """The outputs for many inputs, computed on plain floats with no graph.

        Models made of the built-in layers (``Neuron``, ``Layer``, ``MLP``,
        ``Linear``, activations, ``Sequential`` of those, ``Dropout`` in
        evaluation mode) read their weights once per call and never build a
        Value: the fast path for big inference grids. Each output equals
        ``self(x)`` (its ``.data``) to the last bit: the same folds in the
        same order. Any other model runs its ``forward`` under ``no_grad``.

        Args:
            rows: Input vectors.

        Returns:
            One list of output floats per input row.

        Raises:
            ValueError: If a row has the wrong length.
        """
        steps = self._float_steps()
        if steps is None:
            with no_grad():
                return [_output_floats(self([float(x) for x in row])) for row in rows]
        nin = next((len(w[0]) for w, _, _ in steps if w), None)
        outputs: list[list[float]] = []
        for row in rows:
            if nin is not None and len(row) != nin:
                raise ValueError(f"{self!r} expects {nin} inputs, got {len(row)}")
            values = [float(x) for x in row]
            for weights, biases, activation in steps:
                if weights is not None and biases is not None:
                    values = [
                        reduce(add, map(mul, w, values), b)
                        for w, b in zip(weights, biases, strict=True)
                    ]
                if activation is not None:
                    forward = OPS[activation].forward
                    values = [forward(v) for v in values]
            outputs.append(values)
        return outputs

    def forward_floats(self, x: Sequence[float]) -> list[float]:
        """The outputs for one input vector, on plain floats (see :meth:`predict_floats`)."""
        return self.predict_floats([x])[0]

    # -- state --------------------------------------------------------------

    def state_dict(self) -> dict[str, float]:
        """Every parameter's value as a plain float, by dotted name."""
        return {name: p.data for name, p in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, Any], strict: bool = True) -> IncompatibleKeys:
        """Set the parameters from ``state`` (as made by :meth:`state_dict`).

        Every entry is checked before any parameter changes, so a bad
        ``state`` leaves the model as it was. Numbers may be any real
        (nan and infinities included: they are floats).

        Args:
            state: Parameter values by dotted name.
            strict: Require exactly this model's names (True), or set the
                names both have and report the rest (False).

        Returns:
            The missing and unexpected names (empty lists when ``strict``).

        Raises:
            ValueError: If ``state`` is not a mapping, an entry is missing or
                unexpected (``strict``), or an entry is not a real number.
        """
        if not isinstance(state, Mapping):
            raise ValueError(
                f"load_state_dict takes a dict of numbers by name, "
                f"got {type(state).__name__}: {state!r:.80}"
            )
        named = dict(self.named_parameters())
        missing = [name for name in named if name not in state]
        extra = [name for name in state if name not in named]
        if strict and (missing or extra):
            raise ValueError(
                f"state_dict does not fit {type(self).__name__}: "
                f"missing {missing[:5]}{'...' if len(missing) > 5 else ''}, "
                f"unexpected {extra[:5]}{'...' if len(extra) > 5 else ''}"
            )
        new_values = {
            name: _state_number(name, value) for name, value in state.items() if name in named
        }
        for name, value in new_values.items():
            named[name].data = value
        return IncompatibleKeys(missing, extra)

    def _config(self) -> dict[str, Any] | None:
        """The constructor arguments that rebuild this module (None: it can not be rebuilt)."""
        return None

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the class name, the architecture (when known) and the parameters as JSON.

        Any Module can be saved and loaded back into a model of the same
        class with :meth:`load`. The built-in classes also store their
        constructor arguments, so :func:`~tinygrad_lite.nn.load_model` can
        rebuild them from the file alone. Weights that are nan or infinite
        are written as JSON's ``NaN`` / ``Infinity`` extension; loading
        refuses them unless asked (``allow_nonfinite=True``).
        """
        document = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "class": type(self).__name__,
            "config": self._config(),
            "state": self.state_dict(),
        }
        with open(path, "w", encoding="utf-8") as file:
            json.dump(document, file, indent=1)
            file.write("\n")

    def load(
        self,
        path: str | os.PathLike[str],
        *,
        max_bytes: int | None = None,
        allow_nonfinite: bool = False,
    ) -> None:
        """Set this module's parameters from a file written by :meth:`save`.

        The whole file is checked before anything changes (see
        :func:`~tinygrad_lite.nn.load_model` for the checks and the limits).

        Args:
            path: The model file.
            max_bytes: Refuse bigger files (None: ``nn.MAX_FILE_BYTES``).
            allow_nonfinite: Accept nan and infinite weights.

        Raises:
            ValueError: If the file is not a valid model file, holds another
                class or architecture, or its parameters do not fit (the
                message names the path).
        """
        document = read_model_file(path, max_bytes=max_bytes, allow_nonfinite=allow_nonfinite)
        where = repr(os.fspath(path))
        mine = self._config()
        if document["class"] != type(self).__name__ or (
            mine is not None and document["config"] != mine
        ):
            raise ValueError(
                f"{where} holds a {document['class']} with config "
                f"{document['config']}, not this {type(self).__name__} ({mine})"
            )
        try:
            self.load_state_dict(document["state"])
        except ValueError as error:
            raise ValueError(f"{where}: {error}") from error

    # -- display ------------------------------------------------------------

    def extra_repr(self) -> str:
        """The text inside this module's parentheses in its ``repr`` (its settings)."""
        return ""

    def __repr__(self) -> str:
        lines = [line for line in [self.extra_repr()] if line]
        for name, child in self.named_children():
            lines.append(f"({name}): " + repr(child).replace("\n", "\n  "))
        if not lines:
            return f"{type(self).__name__}()"
        if len(lines) == 1 and not list(self.children()):
            return f"{type(self).__name__}({lines[0]})"
        return f"{type(self).__name__}(\n  " + "\n  ".join(lines) + "\n)"
